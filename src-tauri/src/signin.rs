//! A user's sign-in from the app: a token step with the authorization code grant opens the
//! system browser at the server's sign-in page and waits for the loopback redirect; a device
//! code step opens its verification page with the code filled in.
//!
//! While a step waits, the window is told (`sign-in-waiting`, with the URL to copy should no
//! browser open) and told again when the step ends (`sign-in-finished`); the user can open the
//! page again or cancel the wait, which fails the step and lets the run go on.

use std::sync::{Arc, Mutex, MutexGuard};

use baton_core::scenario::{Action, Collection, FirstGrant, Progress, StepRecord};
use baton_core::signin::device::DeviceAuthorization;
use baton_core::signin::{Browser, Interaction, SystemBrowser};
use serde::Serialize;
use ts_rs::TS;

/// The event sent when a step starts waiting for the user (payload: [`SignInWaiting`]).
pub const SIGN_IN_WAITING: &str = "sign-in-waiting";
/// The event sent when that step has ended, however (payload: [`SignInFinished`]).
pub const SIGN_IN_FINISHED: &str = "sign-in-finished";

/// A step waiting for the user to sign in (or approve a device) in the browser.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SignInWaiting {
    /// The step that waits; null when the run does not report its steps (a comparison).
    pub step_id: Option<String>,
    /// The step's server, by its name (else its id); null when not known.
    pub server: Option<String>,
    /// The page the user signs in at: the authorization URL, or the device verification page.
    pub url: String,
    /// Set for the device authorization grant (RFC 8628): the code to enter.
    pub device: Option<DeviceCode>,
    /// Why the browser did not open, if it did not: the user opens `url` themselves.
    pub browser_error: Option<String>,
}

/// What RFC 8628 §3.3 says to show the user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct DeviceCode {
    pub user_code: String,
    pub verification_uri: String,
    pub verification_uri_complete: Option<String>,
    /// Seconds the code lives.
    #[ts(type = "number")]
    pub expires_in: u64,
}

/// The step that waited has ended (passed, refused, timed out or cancelled).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SignInFinished {
    pub step_id: Option<String>,
}

/// What the window is told.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignInEvent {
    Waiting(SignInWaiting),
    Finished(SignInFinished),
}

type Notify = Arc<dyn Fn(SignInEvent) + Send + Sync>;

/// The step a run is on, when it may sign a user in.
#[derive(Debug, Clone)]
struct Current {
    step_id: String,
    server: Option<String>,
}

/// The app's [`Interaction`]: opens the browser, tells the window, and ends the wait on Cancel.
/// One sign-in waits at a time in practice (a run's steps go one after another); should two runs
/// wait at once, the window shows the latest and Cancel ends both.
pub struct BrowserSignIn {
    notify: Mutex<Option<Notify>>,
    current: Mutex<Option<Current>>,
    waiting: Mutex<Option<SignInWaiting>>,
    /// Bumped by each Cancel; a waiting step's `cancelled()` completes when it changes.
    cancel: tokio::sync::watch::Sender<u64>,
    browser: Box<dyn Browser>,
}

impl Default for BrowserSignIn {
    fn default() -> Self {
        BrowserSignIn::with_browser(Box::new(SystemBrowser))
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl BrowserSignIn {
    /// Opens pages with `browser` (tests pass one that signs in over HTTP).
    pub fn with_browser(browser: Box<dyn Browser>) -> Self {
        BrowserSignIn {
            notify: Mutex::new(None),
            current: Mutex::new(None),
            waiting: Mutex::new(None),
            cancel: tokio::sync::watch::channel(0).0,
            browser,
        }
    }

    /// Sends every later event to `notify` (the shell emits them to the window).
    pub fn notify_with(&self, notify: impl Fn(SignInEvent) + Send + Sync + 'static) {
        *lock(&self.notify) = Some(Arc::new(notify));
    }

    fn send(&self, event: SignInEvent) {
        let notify = lock(&self.notify).clone();
        if let Some(notify) = notify {
            notify(event);
        }
    }

    /// Follows a run of `collection`: a step that may sign in is remembered as it starts (its
    /// id and server go into `sign-in-waiting`), and `sign-in-finished` goes out when it ends.
    pub fn follow(&self, collection: &Collection, progress: &Progress<'_>) {
        match progress {
            Progress::StepStarted { step, .. } => {
                *lock(&self.current) = match &step.action {
                    Action::Token(t)
                        if matches!(
                            t.grant,
                            FirstGrant::AuthorizationCode | FirstGrant::DeviceCode
                        ) =>
                    {
                        Some(Current {
                            step_id: step.id.clone(),
                            server: server_of(collection, &t.client),
                        })
                    }
                    _ => None,
                };
            }
            Progress::StepFinished { record, .. } => self.step_ended(record),
        }
    }

    fn step_ended(&self, record: &StepRecord) {
        let mut current = lock(&self.current);
        if current.as_ref().is_some_and(|c| c.step_id == record.id) {
            *current = None;
        }
        drop(current);
        let ended = {
            let mut waiting = lock(&self.waiting);
            if waiting
                .as_ref()
                .is_some_and(|w| w.step_id.as_deref().is_none_or(|s| s == record.id))
            {
                waiting.take()
            } else {
                None
            }
        };
        if let Some(w) = ended {
            self.send(SignInEvent::Finished(SignInFinished { step_id: w.step_id }));
        }
    }

    /// A run has ended: a sign-in still shown as waiting is over.
    pub fn run_ended(&self) {
        *lock(&self.current) = None;
        let ended = lock(&self.waiting).take();
        if let Some(w) = ended {
            self.send(SignInEvent::Finished(SignInFinished { step_id: w.step_id }));
        }
    }

    /// The sign-in waiting now, if one is.
    pub fn waiting(&self) -> Option<SignInWaiting> {
        lock(&self.waiting).clone()
    }

    /// Ends the wait of the sign-in waiting now (its step fails as cancelled); false when none
    /// waits.
    pub fn cancel(&self) -> bool {
        if lock(&self.waiting).is_none() {
            return false;
        }
        self.cancel.send_modify(|n| *n = n.wrapping_add(1));
        true
    }

    /// Opens the waiting sign-in's page in the browser again. `Ok(false)` when none waits.
    pub fn open_again(&self) -> Result<bool, String> {
        let Some(url) = lock(&self.waiting).as_ref().map(|w| w.url.clone()) else {
            return Ok(false);
        };
        self.browser.open(&url).map(|()| true)
    }

    fn wait_at(&self, url: &str, device: Option<DeviceCode>) {
        let browser_error = self.browser.open(url).err();
        let current = lock(&self.current).clone();
        let waiting = SignInWaiting {
            step_id: current.as_ref().map(|c| c.step_id.clone()),
            server: current.and_then(|c| c.server).or_else(|| host_of(url)),
            url: url.to_string(),
            device,
            browser_error,
        };
        *lock(&self.waiting) = Some(waiting.clone());
        self.send(SignInEvent::Waiting(waiting));
    }
}

impl Interaction for BrowserSignIn {
    /// Never fails: when no browser opens, the window shows the URL to open by hand.
    fn open(&self, url: &str) -> Result<(), String> {
        self.wait_at(url, None);
        Ok(())
    }

    fn show_device_code(&self, device: &DeviceAuthorization) {
        let url = device
            .verification_uri_complete
            .as_deref()
            .unwrap_or(&device.verification_uri);
        self.wait_at(
            url,
            Some(DeviceCode {
                user_code: device.user_code.clone(),
                verification_uri: device.verification_uri.clone(),
                verification_uri_complete: device.verification_uri_complete.clone(),
                expires_in: device.expires_in,
            }),
        );
    }

    fn cancelled(&self) -> std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send + '_>> {
        // Subscribed now, before the page opens: only a Cancel from here on counts.
        let mut changes = self.cancel.subscribe();
        Box::pin(async move {
            if changes.changed().await.is_err() {
                // The sender lives as long as `self`; should it go, nothing can cancel.
                std::future::pending::<()>().await;
            }
        })
    }
}

/// The name (else the id) of the server `client` belongs to.
fn server_of(collection: &Collection, client: &str) -> Option<String> {
    let server = collection.server(&collection.client(client)?.server)?;
    Some(server.name.clone().unwrap_or_else(|| server.id.clone()))
}

fn host_of(url: &str) -> Option<String> {
    let rest = url.split_once("://")?.1;
    let host = rest.split(['/', '?', '#']).next()?;
    (!host.is_empty()).then(|| host.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    struct NoBrowser;
    impl Browser for NoBrowser {
        fn open(&self, _: &str) -> Result<(), String> {
            Err("no browser here".into())
        }
    }

    #[tokio::test]
    async fn a_waiting_sign_in_is_shown_and_cancel_ends_its_wait() {
        let signin = BrowserSignIn::with_browser(Box::new(NoBrowser));
        let events = Arc::new(Mutex::new(Vec::new()));
        let seen = events.clone();
        signin.notify_with(move |e| lock(&seen).push(e));
        assert!(!signin.cancel(), "nothing waits yet");

        let cancelled = signin.cancelled();
        Interaction::open(&signin, "http://127.0.0.1:9/authorize?x=1").expect("never fails");
        let waiting = signin.waiting().expect("waiting");
        assert_eq!(waiting.server.as_deref(), Some("127.0.0.1:9"));
        assert_eq!(waiting.browser_error.as_deref(), Some("no browser here"));
        assert!(signin.cancel());
        tokio::time::timeout(std::time::Duration::from_secs(5), cancelled)
            .await
            .expect("cancel completes the wait");
        signin.run_ended();
        assert!(signin.waiting().is_none());
        let events = lock(&events).clone();
        assert!(matches!(&events[0], SignInEvent::Waiting(w) if w.url.ends_with("?x=1")));
        assert_eq!(
            events[1],
            SignInEvent::Finished(SignInFinished { step_id: None })
        );
    }

    #[tokio::test]
    async fn a_cancel_before_the_wait_does_not_end_a_later_one() {
        let signin = BrowserSignIn::with_browser(Box::new(NoBrowser));
        Interaction::open(&signin, "http://a/").expect("open");
        assert!(signin.cancel());
        signin.run_ended();
        let later = signin.cancelled();
        let waited = tokio::time::timeout(std::time::Duration::from_millis(100), later).await;
        assert!(waited.is_err(), "an old Cancel must not end a new sign-in");
    }
}
