//! RFC 8628 §3.4–3.5: a device polling for its token.

use std::time::Instant;

use super::Granted;
use crate::errors::{ErrorCode, OAuthError};
use crate::form::Form;
use crate::lab::Lab;
use crate::policy::Client;
use crate::signin::state::DeviceState;
use crate::signin::user;

/// RFC 8628 §3.5: each `slow_down` adds this to the code's interval.
const SLOW_DOWN_STEP: u64 = 5;

pub(super) fn grant(
    lab: &Lab,
    client: &Client,
    form: &Form,
) -> Result<(Granted, Option<String>), OAuthError> {
    let device_code = form.required("device_code")?;
    let now = lab.clock.now();
    let mut devices = lab.signin.devices();
    let Some((mut grant, exp)) = devices.remove(device_code) else {
        return Err(OAuthError::invalid_grant(
            "unknown device_code (never issued, already used, or from another lab run)",
        ));
    };
    if now >= exp {
        return Err(OAuthError::new(
            ErrorCode::ExpiredToken,
            format!("the device_code expired at {exp}: start again at /device_authorization"),
        ));
    }
    if grant.client_id != client.client_id {
        let issued_to = grant.client_id.clone();
        devices.insert(device_code.to_owned(), grant, exp, now);
        return Err(OAuthError::invalid_grant(format!(
            "the device_code was issued to client {issued_to:?}, not {:?}",
            client.client_id
        )));
    }
    match grant.state {
        DeviceState::Denied => Err(OAuthError::new(
            ErrorCode::AccessDenied,
            "the user denied the device's request",
        )),
        DeviceState::Approved(signed_in) => {
            drop(devices);
            user::issue(lab, client, &signed_in, form)
        }
        DeviceState::Pending => {
            let polled = Instant::now();
            let too_soon = grant
                .last_poll
                .map(|last| polled.duration_since(last).as_secs_f64())
                .filter(|&since| since < grant.interval as f64);
            grant.last_poll = Some(polled);
            let error = match too_soon {
                Some(since) => {
                    grant.interval = grant.interval.saturating_add(SLOW_DOWN_STEP);
                    OAuthError::new(
                        ErrorCode::SlowDown,
                        format!(
                            "polled {since:.1} s after the last poll; wait at least {} s between polls from now on",
                            grant.interval
                        ),
                    )
                }
                None => OAuthError::new(
                    ErrorCode::AuthorizationPending,
                    format!(
                        "the user has not answered yet; poll again in {} s",
                        grant.interval
                    ),
                ),
            };
            devices.insert(device_code.to_owned(), grant, exp, now);
            Err(error)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::signin::state::{DEVICE_CODE_LIFETIME, DeviceGrant, test_lab, test_request};

    fn poll_at(now: u64) -> ErrorCode {
        let lab = test_lab(now);
        let client = lab.policy.client("signin-app").expect("signin-app");
        lab.signin.devices().insert(
            "dc_1".to_owned(),
            DeviceGrant {
                client_id: "signin-app".to_owned(),
                request: test_request(),
                user_code: "BCDFGHJK".to_owned(),
                interval: 5,
                last_poll: None,
                state: DeviceState::Pending,
            },
            1_000 + DEVICE_CODE_LIFETIME,
            1_000,
        );
        let form = Form::from_query("device_code=dc_1").expect("form");
        match grant(&lab, client, &form) {
            Ok(_) => panic!("a pending device code gave tokens"),
            Err(e) => e.code,
        }
    }

    #[test]
    fn a_device_code_expires_after_600_seconds() {
        assert_eq!(poll_at(1_599), ErrorCode::AuthorizationPending);
        assert_eq!(poll_at(1_600), ErrorCode::ExpiredToken);
    }
}
