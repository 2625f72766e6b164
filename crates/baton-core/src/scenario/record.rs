//! What a run leaves behind: for each step the request as sent (secrets masked), the response
//! as received, the tokens decoded and verified, the findings and each assertion's outcome.
//! Records are saved in the store, written to JSON reports and read back by `baton diff`.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::findings::Finding;
use crate::http::RecordedRequest;
use crate::jwt::DecodedToken;
use crate::response::TokenResponse;
use crate::scenario::model::{Assertion, StepKind};

/// The version of the record layout; a reader refuses records from a newer one.
pub const RECORD_VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct RunRecord {
    pub record_version: u32,
    pub collection: String,
    pub scenario_id: String,
    pub scenario_name: String,
    /// The environment the run resolved `{{env.…}}` from, if any.
    pub environment: Option<String>,
    /// Epoch seconds on the engine's clock (fixed against a deterministic lab).
    #[ts(type = "number")]
    pub started_at: i64,
    #[ts(type = "number")]
    pub elapsed_ms: u64,
    pub outcome: RunOutcome,
    pub steps: Vec<StepRecord>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum RunOutcome {
    /// Every step ran and every assertion held.
    Passed,
    /// A step failed, errored or was skipped.
    Failed,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum StepStatus {
    /// Ran, and every assertion held.
    Passed,
    /// Ran, and an assertion did not hold.
    Failed,
    /// Could not run to the end: the server was unreachable, the request could not be built…
    Error,
    /// Not run, because an earlier step did not produce what this one needs.
    Skipped,
}

impl StepStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            StepStatus::Passed => "passed",
            StepStatus::Failed => "failed",
            StepStatus::Error => "error",
            StepStatus::Skipped => "skipped",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct StepRecord {
    pub id: String,
    pub name: String,
    pub kind: StepKind,
    pub status: StepStatus,
    /// Why the step errored or was skipped.
    pub error: Option<String>,
    pub request: Option<RecordedRequest>,
    pub response: Option<TokenResponse>,
    #[ts(type = "number | null")]
    pub sent_at: Option<i64>,
    #[ts(type = "number")]
    pub elapsed_ms: u64,
    /// The tokens the step was given: the subject and actor of an exchange, the token inspected
    /// or introspected.
    pub inputs: Vec<InputToken>,
    /// The token the step produced or examined, which its assertions check.
    pub token: Option<TokenRecord>,
    /// For an introspection, the response's members (RFC 7662 §2.2).
    pub introspection: Option<serde_json::Map<String, serde_json::Value>>,
    pub findings: Vec<Finding>,
    pub assertions: Vec<AssertionOutcome>,
    /// Every try of a step that retried (`retry`), in order; empty when it was sent once.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[ts(as = "Option<Vec<AttemptRecord>>", optional)]
    pub attempts: Vec<AttemptRecord>,
    /// The request got no answer: the server could not be reached (connection refused, a
    /// timeout). `error` says which, in words.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    #[ts(as = "Option<bool>", optional)]
    pub unreachable: bool,
    /// A `lab` step: what it changed in the lab, in words.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[ts(as = "Option<Vec<String>>", optional)]
    pub lab_changes: Vec<String>,
    /// The token came from the engine's token cache: no request was sent for it.
    #[serde(default)]
    pub from_cache: bool,
    /// For a repeated step, every call's timing and the counts.
    #[serde(default)]
    pub repeat: Option<RepeatStats>,
    /// The step's token was opaque, so its claims (`introspection`) were read at this
    /// introspection endpoint for its claim assertions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub introspected_at: Option<String>,
    /// Standard parameters left out of the request on purpose (the step's `omit`): the request
    /// was deliberately malformed, a negative test.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[ts(as = "Option<Vec<String>>", optional)]
    pub omitted: Vec<String>,
}

/// What a repeated step's calls did. The step's token and response are the first call's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct RepeatStats {
    /// How many calls were made.
    pub times: u32,
    /// Calls that sent a request (answered or not).
    pub round_trips: u32,
    /// Calls answered from the token cache.
    pub from_cache: u32,
    /// Calls that did not answer as the first one did: no response, or another HTTP status.
    pub failures: u32,
    pub min_ms: u32,
    pub p50_ms: u32,
    pub p90_ms: u32,
    pub p99_ms: u32,
    pub max_ms: u32,
    /// From the start of the first call to the end of the last.
    pub total_ms: u32,
    /// Each call's latency, in call order.
    pub latencies_ms: Vec<u32>,
    /// When each call started, from the start of the first.
    pub started_ms: Vec<u32>,
}

/// One call of a repeated step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CallTiming {
    pub started_ms: u32,
    pub latency_ms: u32,
    pub from_cache: bool,
    pub failed: bool,
}

impl RepeatStats {
    /// The counts and percentiles of `calls` (in call order), which took `total_ms` in all.
    pub fn of(calls: &[CallTiming], total_ms: u32) -> Self {
        let latencies_ms: Vec<u32> = calls.iter().map(|c| c.latency_ms).collect();
        let mut sorted = latencies_ms.clone();
        sorted.sort_unstable();
        let count = |f: fn(&CallTiming) -> bool| {
            u32::try_from(calls.iter().filter(|c| f(c)).count()).unwrap_or(u32::MAX)
        };
        RepeatStats {
            times: u32::try_from(calls.len()).unwrap_or(u32::MAX),
            round_trips: count(|c| !c.from_cache),
            from_cache: count(|c| c.from_cache),
            failures: count(|c| c.failed),
            min_ms: sorted.first().copied().unwrap_or(0),
            p50_ms: percentile(&sorted, 50),
            p90_ms: percentile(&sorted, 90),
            p99_ms: percentile(&sorted, 99),
            max_ms: sorted.last().copied().unwrap_or(0),
            total_ms,
            latencies_ms,
            started_ms: calls.iter().map(|c| c.started_ms).collect(),
        }
    }
}

impl RepeatStats {
    /// One line for a report: `100 calls: 1 round trip, 99 from cache, 0 failed; p50 0 ms, p90 0
    /// ms, p99 2 ms, max 2 ms, total 5 ms`.
    pub fn describe(&self) -> String {
        let plural =
            |n: u32, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
        format!(
            "{}: {}, {} from cache, {} failed; p50 {} ms, p90 {} ms, p99 {} ms, max {} ms, total {} ms",
            plural(self.times, "call", "calls"),
            plural(self.round_trips, "round trip", "round trips"),
            self.from_cache,
            self.failures,
            self.p50_ms,
            self.p90_ms,
            self.p99_ms,
            self.max_ms,
            self.total_ms
        )
    }
}

/// The `p`th percentile of `sorted` (ascending) by the nearest-rank method: the smallest value
/// at or below which at least `p`% of the values lie. 0 for no values.
pub fn percentile(sorted: &[u32], p: u32) -> u32 {
    if sorted.is_empty() {
        return 0;
    }
    let n = sorted.len();
    let p = usize::try_from(p.min(100)).unwrap_or(100);
    // rank = ceil(p/100 * n), at least 1; n ≤ 10,000 calls, so p * n cannot overflow.
    let rank = (p.saturating_mul(n)).div_ceil(100).max(1);
    sorted.get(rank - 1).copied().unwrap_or(0)
}

/// One try of a step that retries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct AttemptRecord {
    /// The HTTP status, when an answer came.
    pub status: Option<u16>,
    /// Why the try failed: the connection failure, or the OAuth error of the answer.
    pub error: Option<String>,
    #[ts(type = "number")]
    pub elapsed_ms: u64,
    /// How long the engine waited before this try (back-off or `Retry-After`); 0 for the first.
    #[ts(type = "number")]
    pub waited_ms: u64,
}

/// Which part a token played in a step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum InputRole {
    Subject,
    Actor,
    Inspected,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct InputToken {
    pub role: InputRole,
    /// The step whose output this was (`{{steps.ID.…}}`), if it came from one.
    pub from_step: Option<String>,
    pub token: TokenRecord,
}

/// A token as the run saw it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct TokenRecord {
    /// The first 16 hex digits of the token's SHA-256: the same token has the same id
    /// everywhere, so the graph can join a step's output to a later step's input.
    pub fingerprint: String,
    /// The token as issued. Kept so a run can be inspected and replayed; reports that leave the
    /// machine should be treated like the tokens they hold.
    pub token: String,
    /// The type URI (`issued_token_type` for an issued token, the request's type for an input).
    pub token_type: Option<String>,
    pub decoded: DecodedToken,
    pub verification: Option<VerificationRecord>,
}

/// A signature check: against which keys, and what, if anything, failed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct VerificationRecord {
    pub valid: bool,
    pub jwks_uri: String,
    pub kid: Option<String>,
    pub alg: Option<String>,
    pub problems: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct AssertionOutcome {
    pub assertion: Assertion,
    pub passed: bool,
    /// What was expected and what came, e.g. `act.sub: expected "order-service", got "web-app"`.
    pub message: String,
}

impl RunRecord {
    pub fn passed(&self) -> bool {
        self.outcome == RunOutcome::Passed
    }

    /// Assertions that did not hold, with the step they belong to.
    pub fn failures(&self) -> impl Iterator<Item = (&StepRecord, &AssertionOutcome)> {
        self.steps.iter().flat_map(|s| {
            s.assertions
                .iter()
                .filter(|a| !a.passed)
                .map(move |a| (s, a))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_by_nearest_rank() {
        let one_to_hundred: Vec<u32> = (1..=100).collect();
        assert_eq!(percentile(&one_to_hundred, 50), 50);
        assert_eq!(percentile(&one_to_hundred, 90), 90);
        assert_eq!(percentile(&one_to_hundred, 99), 99);
        assert_eq!(percentile(&one_to_hundred, 100), 100);
        assert_eq!(percentile(&one_to_hundred, 0), 1);
        // Ten values: p50 is the 5th, p90 the 9th, p99 the 10th.
        let ten = [2, 3, 5, 7, 11, 13, 17, 19, 23, 29];
        assert_eq!(percentile(&ten, 50), 11);
        assert_eq!(percentile(&ten, 90), 23);
        assert_eq!(percentile(&ten, 99), 29);
        assert_eq!(percentile(&[42], 99), 42);
        assert_eq!(percentile(&[], 50), 0);
    }

    #[test]
    fn stats_count_round_trips_cache_hits_and_failures_in_call_order() {
        let call = |started_ms, latency_ms, from_cache, failed| CallTiming {
            started_ms,
            latency_ms,
            from_cache,
            failed,
        };
        let calls = [
            call(0, 40, false, false),
            call(40, 1, true, false),
            call(41, 0, true, false),
            call(41, 9, false, true),
        ];
        let stats = RepeatStats::of(&calls, 50);
        assert_eq!(stats.times, 4);
        assert_eq!(stats.round_trips, 2);
        assert_eq!(stats.from_cache, 2);
        assert_eq!(stats.failures, 1);
        assert_eq!((stats.min_ms, stats.max_ms), (0, 40));
        assert_eq!(stats.p50_ms, 1);
        assert_eq!(stats.p90_ms, 40);
        assert_eq!(stats.latencies_ms, [40, 1, 0, 9]);
        assert_eq!(stats.started_ms, [0, 40, 41, 41]);
        assert_eq!(stats.total_ms, 50);
        assert_eq!(
            stats.describe(),
            "4 calls: 2 round trips, 2 from cache, 1 failed; p50 1 ms, p90 40 ms, p99 40 ms, max 40 ms, total 50 ms"
        );
    }
}
