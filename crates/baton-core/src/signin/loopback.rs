//! The loopback redirect for a native app's sign-in (RFC 8252 §7.3): a one-shot HTTP listener on
//! `127.0.0.1` and a free port, which takes the browser's redirect to `/callback` and hands back
//! its query. It answers nothing else, reads at most a few kilobytes per connection and gives up
//! after a bounded number of stray connections.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Semaphore;

use super::SignInError;

/// The path of the redirect URI.
pub const CALLBACK_PATH: &str = "/callback";
/// The most of a request's head read from the browser.
const MAX_HEAD_BYTES: usize = 16 * 1024;
/// How long one connection may take to send its request line.
const READ_TIMEOUT: Duration = Duration::from_secs(10);
/// Connections that are not the callback (a favicon, a port scan) before the listener gives up.
const MAX_STRAY_CONNECTIONS: usize = 64;
/// Connections answered at once.
const MAX_IN_FLIGHT: usize = 16;

/// A listener waiting for the redirect.
#[derive(Debug)]
pub struct LoopbackListener {
    listener: TcpListener,
    redirect_uri: String,
}

impl LoopbackListener {
    /// Binds `127.0.0.1:port`; 0 picks a free port, as RFC 8252 §7.3 intends.
    pub async fn bind(port: u16) -> Result<Self, SignInError> {
        let listener =
            TcpListener::bind(("127.0.0.1", port))
                .await
                .map_err(|e| SignInError::Listen {
                    port,
                    reason: e.to_string(),
                })?;
        let bound = listener.local_addr().map_err(|e| SignInError::Listen {
            port,
            reason: e.to_string(),
        })?;
        Ok(Self {
            listener,
            redirect_uri: format!("http://127.0.0.1:{}{CALLBACK_PATH}", bound.port()),
        })
    }

    /// `http://127.0.0.1:<port>/callback`.
    pub fn redirect_uri(&self) -> &str {
        &self.redirect_uri
    }

    /// Waits for the browser to come back, for at most `timeout` or until `cancel` completes.
    /// Returns the callback's raw query string.
    pub async fn wait(
        self,
        timeout: Duration,
        cancel: impl Future<Output = ()>,
    ) -> Result<String, SignInError> {
        // Connections are answered side by side, so one that sends nothing cannot hold the
        // browser's redirect back; at most MAX_IN_FLIGHT at once, each for at most READ_TIMEOUT.
        let accept = async {
            let (done, mut answered) = tokio::sync::mpsc::channel::<Option<String>>(MAX_IN_FLIGHT);
            let slots = Arc::new(Semaphore::new(MAX_IN_FLIGHT));
            let mut strays = 0usize;
            loop {
                tokio::select! {
                    accepted = self.listener.accept() => {
                        let (stream, _) = accepted.map_err(|e| SignInError::Listen {
                            port: 0,
                            reason: e.to_string(),
                        })?;
                        match slots.clone().try_acquire_owned() {
                            Ok(slot) => {
                                let done = done.clone();
                                tokio::spawn(async move {
                                    let _ = done.send(answer(stream).await).await;
                                    drop(slot);
                                });
                            }
                            // Too many at once: this one is dropped unanswered.
                            Err(_) => strays = strays.saturating_add(1),
                        }
                    }
                    Some(result) = answered.recv() => match result {
                        Some(query) => return Ok(query),
                        None => strays = strays.saturating_add(1),
                    },
                }
                if strays >= MAX_STRAY_CONNECTIONS {
                    return Err(SignInError::TooManyStrayRequests {
                        count: MAX_STRAY_CONNECTIONS,
                    });
                }
            }
        };
        tokio::select! {
            result = accept => result,
            () = tokio::time::sleep(timeout) => Err(SignInError::TimedOut {
                seconds: timeout.as_secs(),
            }),
            () = cancel => Err(SignInError::Cancelled),
        }
    }
}

/// Serves one connection: the callback's query if this was it, `None` for anything else.
async fn answer(mut stream: TcpStream) -> Option<String> {
    let head = tokio::time::timeout(READ_TIMEOUT, read_head(&mut stream))
        .await
        .ok()??;
    let target = request_target(&head);
    let (status, page, query) = match target {
        Some((path, query)) if path == CALLBACK_PATH => {
            let refused = url::form_urlencoded::parse(query.as_bytes())
                .find(|(k, _)| k == "error")
                .map(|(_, v)| v.into_owned());
            let page = match refused {
                Some(error) => page(
                    "Sign-in refused",
                    &format!(
                        "The identity provider answered <code>{}</code>. Go back to Baton to see why.",
                        escape(&error)
                    ),
                ),
                None => page(
                    "Signed in",
                    "Baton has the answer from your identity provider. You can close this tab and go back to Baton.",
                ),
            };
            ("200 OK", page, Some(query.to_owned()))
        }
        _ => (
            "404 Not Found",
            page(
                "Not found",
                "This address only takes Baton's sign-in callback.",
            ),
            None,
        ),
    };
    let response = format!(
        "HTTP/1.1 {status}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\nCache-Control: no-store\r\nReferrer-Policy: no-referrer\r\nConnection: close\r\n\r\n{page}",
        page.len()
    );
    let _ = stream.write_all(response.as_bytes()).await;
    let _ = stream.shutdown().await;
    query
}

/// Reads until the end of the request head, or `None` if it is too big or the peer went away.
async fn read_head(stream: &mut TcpStream) -> Option<String> {
    let mut buf = Vec::with_capacity(1024);
    let mut chunk = [0u8; 1024];
    loop {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(chunk.get(..n)?);
        if buf.windows(4).any(|w| w == b"\r\n\r\n") || buf.windows(2).any(|w| w == b"\n\n") {
            return String::from_utf8(buf).ok();
        }
        if buf.len() > MAX_HEAD_BYTES {
            return None;
        }
    }
}

/// The path and query of a `GET` request line.
fn request_target(head: &str) -> Option<(&str, &str)> {
    let line = head.lines().next()?;
    let mut parts = line.split(' ');
    if parts.next()? != "GET" {
        return None;
    }
    let target = parts.next()?;
    Some(target.split_once('?').unwrap_or((target, "")))
}

fn page(title: &str, message: &str) -> String {
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Baton: {title}</title>\
         <style>body{{font:18px system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;color:#1b1f24}}h1{{font-size:1.6rem}}</style>\
         </head><body><h1>{title}</h1><p>{message}</p></body></html>"
    )
}

/// Escapes text for HTML.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn get(addr: &str, path: &str) -> String {
        let mut s = TcpStream::connect(addr).await.expect("connect");
        s.write_all(format!("GET {path} HTTP/1.1\r\nHost: x\r\n\r\n").as_bytes())
            .await
            .expect("write");
        let mut out = String::new();
        s.read_to_string(&mut out).await.expect("read");
        out
    }

    #[tokio::test]
    async fn takes_the_callback_and_ignores_other_paths() {
        let listener = LoopbackListener::bind(0).await.expect("bind");
        let uri = listener.redirect_uri().to_owned();
        assert!(uri.starts_with("http://127.0.0.1:") && uri.ends_with("/callback"));
        let addr = uri
            .trim_start_matches("http://")
            .trim_end_matches("/callback")
            .to_owned();
        let browser = tokio::spawn(async move {
            let stray = get(&addr, "/favicon.ico").await;
            let done = get(&addr, "/callback?code=abc&state=<s>").await;
            (stray, done)
        });
        let query = listener
            .wait(Duration::from_secs(10), std::future::pending())
            .await
            .expect("callback");
        assert_eq!(query, "code=abc&state=<s>");
        let (stray, done) = browser.await.expect("join");
        assert!(stray.starts_with("HTTP/1.1 404"), "{stray}");
        assert!(done.contains("Signed in"), "{done}");
    }

    #[tokio::test]
    async fn an_error_is_shown_escaped() {
        let listener = LoopbackListener::bind(0).await.expect("bind");
        let addr = listener
            .redirect_uri()
            .trim_start_matches("http://")
            .trim_end_matches("/callback")
            .to_owned();
        let browser = tokio::spawn(async move { get(&addr, "/callback?error=%3Cscript%3E").await });
        let query = listener
            .wait(Duration::from_secs(10), std::future::pending())
            .await
            .expect("callback");
        assert_eq!(query, "error=%3Cscript%3E");
        let page = browser.await.expect("join");
        assert!(
            page.contains("&lt;script&gt;") && !page.contains("<script>"),
            "{page}"
        );
    }

    #[tokio::test]
    async fn a_silent_connection_does_not_hold_back_the_callback() {
        let listener = LoopbackListener::bind(0).await.expect("bind");
        let addr = listener
            .redirect_uri()
            .trim_start_matches("http://")
            .trim_end_matches("/callback")
            .to_owned();
        let browser = tokio::spawn(async move {
            // Connected, and never a byte: answered only after READ_TIMEOUT if one at a time.
            let _silent = TcpStream::connect(&addr).await.expect("connect");
            tokio::time::sleep(Duration::from_millis(50)).await;
            get(&addr, "/callback?code=c&state=s").await
        });
        let started = std::time::Instant::now();
        let query = listener
            .wait(Duration::from_secs(30), std::future::pending())
            .await
            .expect("callback");
        assert_eq!(query, "code=c&state=s");
        assert!(started.elapsed() < READ_TIMEOUT, "{:?}", started.elapsed());
        browser.await.expect("join");
    }

    #[tokio::test]
    async fn cancel_and_timeout_end_the_wait() {
        let listener = LoopbackListener::bind(0).await.expect("bind");
        let err = listener
            .wait(Duration::from_secs(30), async {})
            .await
            .unwrap_err();
        assert!(matches!(err, SignInError::Cancelled), "{err}");
        let listener = LoopbackListener::bind(0).await.expect("bind");
        let err = listener
            .wait(Duration::from_millis(50), std::future::pending())
            .await
            .unwrap_err();
        assert!(matches!(err, SignInError::TimedOut { .. }), "{err}");
    }
}
