//! Someone at the terminal, for the grants that sign a user in: the browser is opened (or the
//! address printed with `--no-browser`), a device code is shown, and Ctrl-C cancels the wait.

use std::future::Future;
use std::io::IsTerminal;
use std::pin::Pin;

use baton_core::signin::device::DeviceAuthorization;
use baton_core::signin::{Browser, Interaction, SystemBrowser};

pub struct Terminal {
    /// Print the sign-in address instead of opening a browser.
    pub no_browser: bool,
}

impl Terminal {
    /// A terminal to interact with, if there is one: standard input is a terminal, or
    /// `BATON_BROWSER` names a program that signs in (a scripted browser in CI, say).
    pub fn detect(no_browser: bool) -> Option<Terminal> {
        let scripted = std::env::var_os("BATON_BROWSER").is_some_and(|b| !b.is_empty());
        (std::io::stdin().is_terminal() || scripted).then_some(Terminal { no_browser })
    }
}

impl Interaction for Terminal {
    fn open(&self, url: &str) -> Result<(), String> {
        if self.no_browser {
            eprintln!(
                "Open this address in a browser to sign in (Baton waits for it, Ctrl-C cancels):\n\n  {url}\n"
            );
            return Ok(());
        }
        match SystemBrowser.open(url) {
            Ok(()) => {
                eprintln!(
                    "Your browser opened to sign in; Baton waits for it (Ctrl-C cancels). If it did not open, go to:\n\n  {url}\n"
                );
                Ok(())
            }
            Err(e) => {
                // Not fatal: the user can still open it by hand.
                eprintln!(
                    "Could not open a browser ({e}). Open this address to sign in (Ctrl-C cancels):\n\n  {url}\n"
                );
                Ok(())
            }
        }
    }

    fn show_device_code(&self, device: &DeviceAuthorization) {
        eprintln!(
            "To sign in, go to {} and enter the code\n\n  {}\n",
            device.verification_uri, device.user_code
        );
        if let Some(complete) = &device.verification_uri_complete {
            eprintln!("(or open {complete})");
        }
        eprintln!(
            "Baton asks every {} s until you approve, for at most {} s (Ctrl-C cancels).",
            device.interval, device.expires_in
        );
    }

    fn cancelled(&self) -> Pin<Box<dyn Future<Output = ()> + Send + '_>> {
        Box::pin(async {
            if tokio::signal::ctrl_c().await.is_err() {
                std::future::pending::<()>().await;
            }
        })
    }
}
