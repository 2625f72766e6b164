//! Failing on purpose: the lab can be down, slow, unavailable (503 with `Retry-After`), flaky or
//! have its clock set wrong, so a trainer can show what an outage of the token service does to
//! the services that depend on it. Set in the policy's `[faults]` table or on the running lab
//! ([`crate::StsHandle::set_faults`]).

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;
use serde::{Deserialize, Serialize};

use crate::errors::{ErrorCode, OAuthError};
use crate::lab::Lab;
use crate::log::RequestLogEntry;

/// The longest latency a fault may add to each answer.
pub const MAX_LATENCY_MS: u64 = 60_000;
/// The longest `Retry-After` a 503 fault may announce.
pub const MAX_RETRY_AFTER_SECS: u64 = 3_600;
/// The furthest the lab's clock may be set ahead or behind (30 days).
pub const MAX_CLOCK_SKEW_SECS: i64 = 30 * 24 * 3_600;

/// The faults in force. [`Faults::default`] is none: the lab answers normally.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Faults {
    /// Connections are refused: the listening socket is closed (open connections too), and
    /// bound again on the same port when the fault is cleared.
    #[serde(skip_serializing_if = "is_false")]
    pub down: bool,
    /// Milliseconds the lab waits before answering any request.
    #[serde(skip_serializing_if = "is_zero")]
    pub latency_ms: u64,
    /// Every request is answered `503 temporarily_unavailable` with `Retry-After: N` seconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unavailable_retry_after: Option<u64>,
    /// The share of requests (0 to 1) answered `503 temporarily_unavailable`, spread evenly and
    /// deterministically from the first: 0.5 fails the 1st, 3rd, 5th… request, 1 every request.
    #[serde(skip_serializing_if = "is_zero_rate")]
    pub failure_rate: f64,
    /// Seconds the lab's clock runs ahead (positive) or behind (negative): the `iat`, `nbf` and
    /// `exp` it issues and checks shift with it.
    #[serde(skip_serializing_if = "is_zero_skew")]
    pub clock_skew_secs: i64,
}

fn is_false(b: &bool) -> bool {
    !*b
}
fn is_zero(n: &u64) -> bool {
    *n == 0
}
fn is_zero_rate(r: &f64) -> bool {
    *r == 0.0
}
fn is_zero_skew(s: &i64) -> bool {
    *s == 0
}

impl Faults {
    /// No fault in force.
    pub fn is_none(&self) -> bool {
        *self == Faults::default()
    }

    /// The first value out of bounds, as `(field, message)`.
    pub fn problem(&self) -> Option<(&'static str, String)> {
        if self.latency_ms > MAX_LATENCY_MS {
            return Some((
                "latency_ms",
                format!(
                    "latency_ms must be at most {MAX_LATENCY_MS}, not {}",
                    self.latency_ms
                ),
            ));
        }
        if let Some(secs) = self.unavailable_retry_after
            && secs > MAX_RETRY_AFTER_SECS
        {
            return Some((
                "unavailable_retry_after",
                format!(
                    "unavailable_retry_after must be at most {MAX_RETRY_AFTER_SECS} seconds, not {secs}"
                ),
            ));
        }
        if !(0.0..=1.0).contains(&self.failure_rate) {
            return Some((
                "failure_rate",
                format!(
                    "failure_rate must be between 0 and 1, not {}",
                    self.failure_rate
                ),
            ));
        }
        if self.clock_skew_secs.unsigned_abs() > MAX_CLOCK_SKEW_SECS.unsigned_abs() {
            return Some((
                "clock_skew_secs",
                format!(
                    "clock_skew_secs must be between -{MAX_CLOCK_SKEW_SECS} and {MAX_CLOCK_SKEW_SECS}, not {}",
                    self.clock_skew_secs
                ),
            ));
        }
        None
    }

    /// Checks every bound; the error names the field.
    pub fn validate(&self) -> Result<(), String> {
        match self.problem() {
            Some((_, message)) => Err(message),
            None => Ok(()),
        }
    }

    /// Each fault in force, in words (empty when none).
    pub fn describe(&self) -> Vec<String> {
        let mut out = Vec::new();
        if self.down {
            out.push("down: connections are refused".to_owned());
        }
        if self.latency_ms > 0 {
            out.push(format!(
                "slow: {} ms added before every answer",
                self.latency_ms
            ));
        }
        if let Some(secs) = self.unavailable_retry_after {
            out.push(format!(
                "unavailable: every request gets 503 with Retry-After: {secs}"
            ));
        }
        if self.failure_rate > 0.0 {
            out.push(format!(
                "flaky: {:.0}% of requests get 503",
                self.failure_rate * 100.0
            ));
        }
        if self.clock_skew_secs != 0 {
            let (n, way) = if self.clock_skew_secs > 0 {
                (self.clock_skew_secs.unsigned_abs(), "ahead")
            } else {
                (self.clock_skew_secs.unsigned_abs(), "behind")
            };
            out.push(format!("clock skew: the lab's clock runs {n} s {way}"));
        }
        out
    }
}

/// Whether the `n`-th request (from 1) since the faults were set fails at `rate`: requests fail
/// evenly, when `ceil(n × rate)` steps up, so the first request after a flaky fault is set
/// fails at once (a demo shows it) and 0.5 fails every other one.
pub(crate) fn fails(n: u64, rate: f64) -> bool {
    if rate <= 0.0 || n == 0 {
        return false;
    }
    if rate >= 1.0 {
        return true;
    }
    // n stays far below 2^52 in any run, so the products are exact enough.
    let now = (n as f64 * rate).ceil();
    let before = ((n - 1) as f64 * rate).ceil();
    now > before
}

/// The middleware in front of every endpoint: waits the latency, then answers 503 when the
/// lab is unavailable or this request is one of the flaky ones.
pub(crate) async fn apply(State(lab): State<Arc<Lab>>, request: Request, next: Next) -> Response {
    let faults = lab.faults();
    if faults.latency_ms > 0 {
        tokio::time::sleep(Duration::from_millis(faults.latency_ms)).await;
    }
    let path = request.uri().path().to_owned();
    if let Some(secs) = faults.unavailable_retry_after {
        return unavailable(
            &lab,
            path,
            Some(secs),
            format!("the lab is unavailable on purpose (a fault): retry after {secs} s"),
        );
    }
    if faults.failure_rate > 0.0 && fails(lab.next_faulted_request(), faults.failure_rate) {
        return unavailable(
            &lab,
            path,
            None,
            "the lab failed this request on purpose (a flaky fault)".to_owned(),
        );
    }
    next.run(request).await
}

/// `503 temporarily_unavailable` (RFC 6749 §5.2 for the token endpoint; the lab answers every
/// endpoint alike), with `Retry-After` in seconds (RFC 9110 §10.2.3), logged.
fn unavailable(
    lab: &Lab,
    endpoint: String,
    retry_after: Option<u64>,
    description: String,
) -> Response {
    let (mut response, outcome, status) =
        OAuthError::new(ErrorCode::TemporarilyUnavailable, description).into_logged();
    if let Some(secs) = retry_after
        && let Ok(value) = HeaderValue::from_str(&secs.to_string())
    {
        response.headers_mut().insert(header::RETRY_AFTER, value);
    }
    debug_assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE.as_u16());
    lab.log.push(RequestLogEntry {
        time: SystemTime::now(),
        endpoint,
        grant_type: None,
        client_id: None,
        outcome,
        status,
    });
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_are_spread_evenly() {
        let count = |rate| (1..=100).filter(|n| fails(*n, rate)).count();
        assert_eq!(count(0.0), 0);
        assert_eq!(count(0.5), 50);
        assert_eq!(count(0.25), 25);
        assert_eq!(count(1.0), 100);
        assert!(
            fails(1, 0.5) && !fails(2, 0.5) && fails(3, 0.5),
            "every other request"
        );
        assert!(fails(1, 0.25) && !fails(4, 0.25) && fails(5, 0.25));
    }

    #[test]
    fn bounds_name_the_field() {
        let bad = Faults {
            failure_rate: 1.5,
            ..Faults::default()
        };
        assert_eq!(bad.problem().map(|p| p.0), Some("failure_rate"));
        let bad = Faults {
            latency_ms: 60_001,
            ..Faults::default()
        };
        assert!(bad.validate().is_err_and(|m| m.contains("latency_ms")));
        let bad = Faults {
            clock_skew_secs: i64::MIN,
            ..Faults::default()
        };
        assert_eq!(bad.problem().map(|p| p.0), Some("clock_skew_secs"));
        assert!(Faults::default().validate().is_ok() && Faults::default().is_none());
    }

    #[test]
    fn faults_read_in_words() {
        let f = Faults {
            down: true,
            clock_skew_secs: -30,
            ..Faults::default()
        };
        assert_eq!(
            f.describe(),
            [
                "down: connections are refused",
                "clock skew: the lab's clock runs 30 s behind"
            ]
        );
    }
}
