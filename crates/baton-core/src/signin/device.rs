//! The device authorization grant (RFC 8628): for a terminal without a browser, the user opens a
//! URL elsewhere and types a short code, while Baton polls the token endpoint at the server's
//! interval.

use std::future::Future;
use std::time::Duration;

use serde::Deserialize;

use crate::auth::ClientAuth;
use crate::client::{ClientError, TokenClient, TokenResult};
use crate::http::{HttpRequest, Value};
use crate::request::{Grant, TokenRequest};
use crate::response::ErrorCode;
use crate::secret::Secret;

/// RFC 8628 §3.2: without `interval`, clients wait 5 seconds between polls.
const DEFAULT_INTERVAL_SECS: u64 = 5;
/// §3.5: `slow_down` adds 5 seconds to the interval.
const SLOW_DOWN_SECS: u64 = 5;
/// The longest Baton polls, whatever `expires_in` says.
const MAX_WAIT_SECS: u64 = 30 * 60;
/// The largest interval honoured; a server asking for more is capped.
const MAX_INTERVAL_SECS: u64 = 120;
/// The shortest interval: a server answering 0 does not make Baton poll in a tight loop.
const MIN_INTERVAL_SECS: u64 = 1;
const MAX_BODY: usize = 64 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum DeviceError {
    #[error("the device authorization request to {url} failed: {reason}")]
    Authorization { url: String, reason: String },
    #[error("the user code expired after {seconds} s before anyone approved it; start again")]
    Expired { seconds: u64 },
    #[error("the device sign-in was cancelled")]
    Cancelled,
    #[error(transparent)]
    Client(#[from] ClientError),
}

/// The device authorization response (RFC 8628 §3.2).
#[derive(Debug, Clone)]
pub struct DeviceAuthorization {
    pub device_code: Secret,
    pub user_code: String,
    pub verification_uri: String,
    pub verification_uri_complete: Option<String>,
    pub expires_in: u64,
    pub interval: u64,
}

#[derive(Deserialize)]
struct Raw {
    device_code: String,
    user_code: String,
    verification_uri: String,
    verification_uri_complete: Option<String>,
    expires_in: u64,
    interval: Option<u64>,
}

/// Asks for a device code and a user code (§3.1).
pub async fn authorize(
    client: &TokenClient,
    endpoint: &str,
    auth: &ClientAuth,
    scope: Option<&str>,
    extra: &[(String, String)],
) -> Result<DeviceAuthorization, DeviceError> {
    let failed = |reason: String| DeviceError::Authorization {
        url: endpoint.to_owned(),
        reason,
    };
    let mut request = HttpRequest::post_form(endpoint);
    if let Some(scope) = scope {
        request.push_form("scope", Value::Plain(scope.to_owned()));
    }
    for (k, v) in extra {
        request.push_form(k, Value::Plain(v.clone()));
    }
    auth.apply(&mut request, endpoint, client.now())
        .map_err(|e| failed(e.to_string()))?;
    let response = client
        .http()
        .send(&request)
        .await
        .map_err(|e| failed(e.to_string()))?;
    let end = MAX_BODY.min(response.body.len());
    let body = String::from_utf8_lossy(response.body.get(..end).unwrap_or_default()).into_owned();
    if response.status != 200 {
        return Err(failed(format!("HTTP {}: {}", response.status, body.trim())));
    }
    let raw: Raw = serde_json::from_str(&body).map_err(|e| {
        failed(format!(
            "the answer is not a device authorization response ({e}): {}",
            body.trim()
        ))
    })?;
    Ok(DeviceAuthorization {
        device_code: Secret::new(raw.device_code),
        user_code: raw.user_code,
        verification_uri: raw.verification_uri,
        verification_uri_complete: raw.verification_uri_complete,
        expires_in: raw.expires_in.min(MAX_WAIT_SECS),
        interval: raw
            .interval
            .unwrap_or(DEFAULT_INTERVAL_SECS)
            .clamp(MIN_INTERVAL_SECS, MAX_INTERVAL_SECS),
    })
}

/// One poll's outcome, for a progress display.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Poll {
    /// `authorization_pending`: the user has not finished; the next poll is in `interval` s.
    Pending { interval: u64 },
    /// `slow_down`: the interval grew.
    SlowDown { interval: u64 },
}

/// Polls the token endpoint (§3.4, §3.5) until the user approves or denies, the code expires, or
/// `cancel` completes. A denial or any other error comes back as the token result it is.
pub async fn poll(
    client: &TokenClient,
    token_endpoint: &str,
    auth: &ClientAuth,
    device: &DeviceAuthorization,
    on_poll: &mut (dyn FnMut(Poll) + Send),
    cancel: impl Future<Output = ()>,
) -> Result<TokenResult, DeviceError> {
    let polling = async {
        let mut interval = device.interval.clamp(MIN_INTERVAL_SECS, MAX_INTERVAL_SECS);
        // Measured on the clock, not summed from intervals: slow answers count too.
        let deadline =
            tokio::time::Instant::now() + Duration::from_secs(device.expires_in.min(MAX_WAIT_SECS));
        let request = TokenRequest::new(Grant::DeviceCode {
            device_code: device.device_code.clone(),
        });
        loop {
            let next = tokio::time::Instant::now() + Duration::from_secs(interval);
            if next > deadline {
                return Err(DeviceError::Expired {
                    seconds: device.expires_in,
                });
            }
            tokio::time::sleep_until(next).await;
            let result = client.execute(token_endpoint, auth, &request).await?;
            match result.response.error().map(|e| &e.error) {
                Some(ErrorCode::Other(code)) if code == "authorization_pending" => {
                    on_poll(Poll::Pending { interval });
                }
                Some(ErrorCode::Other(code)) if code == "slow_down" => {
                    interval = interval
                        .saturating_add(SLOW_DOWN_SECS)
                        .min(MAX_INTERVAL_SECS);
                    on_poll(Poll::SlowDown { interval });
                }
                _ => return Ok(result),
            }
        }
    };
    tokio::select! {
        result = polling => result,
        () = cancel => Err(DeviceError::Cancelled),
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use async_trait::async_trait;

    use super::*;
    use crate::clock::SystemClock;
    use crate::http::{HttpClient, HttpResponse, TransportError};

    /// A server that never stops saying `authorization_pending`, and counts the polls.
    struct Pending(AtomicUsize);

    #[async_trait]
    impl HttpClient for Pending {
        async fn send(&self, _: &HttpRequest) -> Result<HttpResponse, TransportError> {
            self.0.fetch_add(1, Ordering::SeqCst);
            Ok(HttpResponse {
                status: 400,
                headers: vec![("content-type".into(), "application/json".into())],
                body: br#"{"error":"authorization_pending"}"#.to_vec(),
            })
        }
    }

    #[tokio::test]
    async fn a_zero_interval_does_not_make_a_tight_loop_and_the_code_expires() {
        let server = Arc::new(Pending(AtomicUsize::new(0)));
        let client = TokenClient::new(server.clone(), Arc::new(SystemClock));
        let device = DeviceAuthorization {
            device_code: Secret::new("d"),
            user_code: "ABCD-EFGH".into(),
            verification_uri: "https://as.example/device".into(),
            verification_uri_complete: None,
            expires_in: 3,
            interval: 0,
        };
        let auth = ClientAuth::None {
            client_id: "c".into(),
        };
        let mut pending = 0;
        let result = poll(
            &client,
            "https://as.example/token",
            &auth,
            &device,
            &mut |p| {
                if matches!(p, Poll::Pending { .. }) {
                    pending += 1;
                }
            },
            std::future::pending(),
        )
        .await;
        assert!(
            matches!(result, Err(DeviceError::Expired { seconds: 3 })),
            "{result:?}"
        );
        let polls = server.0.load(Ordering::SeqCst);
        assert!(
            (2..=3).contains(&polls),
            "one poll a second at most: {polls}"
        );
        assert_eq!(pending, polls);
    }
}
