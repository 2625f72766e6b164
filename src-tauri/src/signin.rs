//! A user's sign-in from the app: a token step with the authorization code grant opens the
//! system browser at the server's sign-in page and waits for the loopback redirect; a device
//! code step opens its verification page with the code filled in. Stopping the run ends the wait.

use baton_core::signin::device::DeviceAuthorization;
use baton_core::signin::{Browser, Interaction, SystemBrowser};

pub struct BrowserSignIn;

impl Interaction for BrowserSignIn {
    fn open(&self, url: &str) -> Result<(), String> {
        SystemBrowser.open(url)
    }

    fn show_device_code(&self, device: &DeviceAuthorization) {
        let url = device
            .verification_uri_complete
            .as_deref()
            .unwrap_or(&device.verification_uri);
        // If no browser opens, the step still ends when the code expires or the run is stopped.
        let _ = SystemBrowser.open(url);
    }
}
