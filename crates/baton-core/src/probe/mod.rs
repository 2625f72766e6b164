//! Probes: deliberate requests that make a token service show what a normal exchange hides.
//!
//! A probe is a small value (its id, group, RFC section, severity, how to fix a failure) and a
//! function that sends one request or a short sequence through a [`Probing`] and returns a
//! [`Verdict`]. The runner ([`run`]) gives every probe the same prepared [`ProbeSession`] (the
//! server, the roles' credentials, the subject token), records every exchange it makes, and
//! puts the verdicts together into a [`ProbeReport`]: a report card by group.

/// Declares a probe: `probe!("group.name", Group, Severity, "RFC …", "title", "fix", function)`.
macro_rules! probe {
    ($id:literal, $group:ident, $severity:ident, $rfc:literal, $title:literal, $fix:literal, $run:path) => {
        $crate::probe::Probe {
            id: $id,
            group: $crate::probe::ProbeGroup::$group,
            title: $title,
            rfc: $rfc,
            severity: $crate::findings::Severity::$severity,
            fix: $fix,
            run: |p| Box::pin($run(p)),
        }
    };
}

mod answer;
mod baseline;
mod catalogue;
mod chain;
mod client_auth;
pub mod diff;
pub mod forge;
mod introspection;
mod issued;
mod metadata;
mod opaque;
pub mod report;
mod request;
mod response;
mod revocation;
mod runner;
mod session;
mod token;

use std::future::Future;
use std::pin::Pin;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::findings::Severity;
use crate::http::RecordedRequest;

pub use answer::Answer;
pub(crate) use answer::shorten;
pub use catalogue::catalogue;
pub use diff::{ProbeChange, diff_reports};
pub use runner::{ProbeProgress, Selection, run};
pub use session::{ProbeSession, ProbeSetupError, Probing, Role, SubjectToken};

/// The version of the probe report layout; a reader refuses reports from a newer one.
pub const PROBE_REPORT_VERSION: u32 = 1;

/// The areas a token service is probed in, in the order a report card lists them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
#[ts(export)]
pub enum ProbeGroup {
    Baseline,
    Request,
    ClientAuth,
    Token,
    Chain,
    Response,
    Issued,
    Introspection,
    Metadata,
    Revocation,
    Opaque,
}

impl ProbeGroup {
    pub const ALL: [ProbeGroup; 11] = [
        ProbeGroup::Baseline,
        ProbeGroup::Request,
        ProbeGroup::ClientAuth,
        ProbeGroup::Token,
        ProbeGroup::Chain,
        ProbeGroup::Response,
        ProbeGroup::Issued,
        ProbeGroup::Introspection,
        ProbeGroup::Metadata,
        ProbeGroup::Revocation,
        ProbeGroup::Opaque,
    ];

    /// The id prefix of the group's probes, and what `--only` takes.
    pub fn as_str(self) -> &'static str {
        match self {
            ProbeGroup::Baseline => "baseline",
            ProbeGroup::Request => "request",
            ProbeGroup::ClientAuth => "client-auth",
            ProbeGroup::Token => "token",
            ProbeGroup::Chain => "chain",
            ProbeGroup::Response => "response",
            ProbeGroup::Issued => "issued",
            ProbeGroup::Introspection => "introspection",
            ProbeGroup::Metadata => "metadata",
            ProbeGroup::Revocation => "revocation",
            ProbeGroup::Opaque => "opaque",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            ProbeGroup::Baseline => "Baseline",
            ProbeGroup::Request => "Request validation",
            ProbeGroup::ClientAuth => "Client authentication",
            ProbeGroup::Token => "Subject and actor token validation",
            ProbeGroup::Chain => "Delegation integrity (chain splicing)",
            ProbeGroup::Response => "Response conformance",
            ProbeGroup::Issued => "Issued tokens",
            ProbeGroup::Introspection => "Introspection",
            ProbeGroup::Metadata => "Metadata",
            ProbeGroup::Revocation => "Revocation",
            ProbeGroup::Opaque => "Opaque tokens",
        }
    }

    pub fn parse(text: &str) -> Option<ProbeGroup> {
        ProbeGroup::ALL.into_iter().find(|g| g.as_str() == text)
    }
}

/// A probe's verdict. A skip never counts as a pass.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
#[ts(export)]
pub enum ProbeOutcome {
    Pass,
    Fail,
    Skip,
}

impl ProbeOutcome {
    pub fn as_str(self) -> &'static str {
        match self {
            ProbeOutcome::Pass => "pass",
            ProbeOutcome::Fail => "fail",
            ProbeOutcome::Skip => "skip",
        }
    }
}

/// What a probe function decides, with the reason in a sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Pass(String),
    Fail(String),
    /// Not applicable, or could not be judged: the reason says which.
    Skip(String),
}

impl Verdict {
    pub fn outcome(&self) -> ProbeOutcome {
        match self {
            Verdict::Pass(_) => ProbeOutcome::Pass,
            Verdict::Fail(_) => ProbeOutcome::Fail,
            Verdict::Skip(_) => ProbeOutcome::Skip,
        }
    }

    pub fn reason(&self) -> &str {
        match self {
            Verdict::Pass(r) | Verdict::Fail(r) | Verdict::Skip(r) => r,
        }
    }
}

/// A probe function's future.
pub type ProbeFuture<'a> = Pin<Box<dyn Future<Output = Verdict> + Send + 'a>>;

/// A probe: what it measures, and the function that measures it.
#[derive(Clone, Copy)]
pub struct Probe {
    /// Stable: `GROUP.name`, e.g. `chain.upstream-splice`.
    pub id: &'static str,
    pub group: ProbeGroup,
    pub title: &'static str,
    /// The section measured, e.g. `RFC 8693 §2.1`.
    pub rfc: &'static str,
    /// How much a failure matters: only an `error` failure makes `baton probe` exit 1.
    pub severity: Severity,
    /// One line on how a server fixes a failure.
    pub fix: &'static str,
    pub run: for<'a> fn(&'a Probing) -> ProbeFuture<'a>,
}

impl std::fmt::Debug for Probe {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Probe").field("id", &self.id).finish()
    }
}

/// A response as a probe recorded it: status, headers and the body (cut at
/// [`RECORDED_BODY_LIMIT`] bytes, which it says).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct RecordedResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
    /// The body was longer than what is kept.
    pub truncated: bool,
}

/// How much of a response body a probe report keeps.
pub const RECORDED_BODY_LIMIT: usize = 16 * 1024;

/// One request a probe sent and what came back (or why nothing did).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ProbeExchange {
    /// What the request was for, e.g. "the attacker's exchange".
    pub label: String,
    /// Secrets masked.
    pub request: RecordedRequest,
    pub response: Option<RecordedResponse>,
    /// A transport failure: no answer at all.
    pub error: Option<String>,
    #[ts(type = "number")]
    pub elapsed_ms: u64,
}

/// One probe's result in a report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ProbeResult {
    pub id: String,
    pub group: ProbeGroup,
    pub title: String,
    pub rfc: String,
    pub severity: Severity,
    pub outcome: ProbeOutcome,
    pub reason: String,
    pub fix: String,
    pub exchanges: Vec<ProbeExchange>,
}

/// A group's line on the report card.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct GroupScore {
    pub group: ProbeGroup,
    pub title: String,
    pub passed: u32,
    pub failed: u32,
    pub skipped: u32,
    /// Passed out of judged (passed + failed), in percent; `None` when nothing was judged.
    pub score: Option<u32>,
}

/// A whole probe run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ProbeReport {
    pub report_version: u32,
    pub collection: String,
    /// The probed server's id in the collection.
    pub server: String,
    pub token_endpoint: String,
    pub environment: Option<String>,
    #[ts(type = "number")]
    pub started_at: i64,
    #[ts(type = "number")]
    pub elapsed_ms: u64,
    /// Stopped before every selected probe ran.
    pub cancelled: bool,
    pub results: Vec<ProbeResult>,
    /// One line per group, in the card's order, and the whole.
    pub groups: Vec<GroupScore>,
    pub overall: GroupScore,
    /// One letter a person understands at a glance: A (nothing failed) to F; `-` when every
    /// probe was skipped.
    pub grade: String,
}

impl ProbeReport {
    /// The failures that make `baton probe` exit 1.
    pub fn failed_errors(&self) -> impl Iterator<Item = &ProbeResult> {
        self.results
            .iter()
            .filter(|r| r.outcome == ProbeOutcome::Fail && r.severity == Severity::Error)
    }

    pub fn result(&self, id: &str) -> Option<&ProbeResult> {
        self.results.iter().find(|r| r.id == id)
    }
}
