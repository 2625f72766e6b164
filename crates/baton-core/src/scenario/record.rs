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
