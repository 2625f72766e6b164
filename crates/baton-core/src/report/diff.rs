//! What changed between two reports: scenarios matched by id, steps by id, and for each step its
//! status, HTTP status, OAuth error, the claims of its token, its findings and its assertions'
//! outcomes. Timings and the token strings themselves are not compared; neither are the claims
//! that differ on every issuance (`iat`, `exp`, …), though a change of lifetime is.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::fmt;

use serde::Serialize;
use serde_json::Value as Json;
use ts_rs::TS;

use crate::findings::{Finding, Severity};
use crate::jwt::DecodedToken;
use crate::scenario::model::Assertion;
use crate::scenario::record::{RunOutcome, RunRecord, StepRecord, StepStatus, TokenRecord};
use crate::token_type;

/// Claims that differ on every issuance, left out of a diff by default.
pub const VOLATILE_CLAIMS: [&str; 5] = ["iat", "nbf", "exp", "jti", "auth_time"];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiffOptions {
    /// Top-level claims not compared.
    pub ignored_claims: Vec<String>,
}

impl Default for DiffOptions {
    fn default() -> Self {
        DiffOptions {
            ignored_claims: VOLATILE_CLAIMS.iter().map(|c| c.to_string()).collect(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct RunDiff {
    pub changes: Vec<Change>,
}

/// One difference, in one scenario and, unless it concerns the whole scenario, one step.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct Change {
    pub scenario_id: String,
    pub step_id: Option<String>,
    #[serde(flatten)]
    pub detail: Detail,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Side {
    Before,
    After,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum TokenForm {
    Jwt,
    Saml,
    Opaque,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(tag = "change", rename_all = "snake_case")]
#[ts(export)]
pub enum Detail {
    /// The scenario ran on one side only.
    Scenario { only: Side },
    /// The step is in one side's run only.
    Step { only: Side },
    Outcome {
        before: RunOutcome,
        after: RunOutcome,
    },
    Status {
        before: StepStatus,
        after: StepStatus,
    },
    HttpStatus {
        before: Option<u16>,
        after: Option<u16>,
    },
    ErrorCode {
        before: Option<String>,
        after: Option<String>,
    },
    /// Whether the step had a token, and whether it could be read.
    Token {
        before: Option<TokenForm>,
        after: Option<TokenForm>,
    },
    TokenType {
        before: Option<String>,
        after: Option<String>,
    },
    /// `exp - iat`, in seconds.
    Lifetime {
        #[ts(type = "number | null")]
        before: Option<i64>,
        #[ts(type = "number | null")]
        after: Option<i64>,
    },
    /// A claim by dotted path (`act.act.sub`); `None` where it is absent.
    Claim {
        path: String,
        before: Option<Json>,
        after: Option<Json>,
    },
    FindingAdded {
        id: String,
        severity: Severity,
        message: String,
    },
    FindingRemoved {
        id: String,
        severity: Severity,
        message: String,
    },
    /// An assertion's outcome; `None` where the step did not check it.
    Assertion {
        assertion: String,
        before: Option<bool>,
        after: Option<bool>,
    },
}

/// The differences from `before` to `after`, with the default options.
pub fn diff(before: &[RunRecord], after: &[RunRecord]) -> RunDiff {
    diff_with(before, after, &DiffOptions::default())
}

pub fn diff_with(before: &[RunRecord], after: &[RunRecord], options: &DiffOptions) -> RunDiff {
    let mut changes = Vec::new();
    let pairs = pair_up(before, after, |r| r.scenario_id.as_str());
    for (b, a) in pairs {
        match (b, a) {
            (Some(b), Some(a)) => compare_runs(b, a, options, &mut changes),
            (Some(b), None) => changes.push(Change {
                scenario_id: b.scenario_id.clone(),
                step_id: None,
                detail: Detail::Scenario { only: Side::Before },
            }),
            (None, Some(a)) => changes.push(Change {
                scenario_id: a.scenario_id.clone(),
                step_id: None,
                detail: Detail::Scenario { only: Side::After },
            }),
            (None, None) => {}
        }
    }
    RunDiff { changes }
}

impl RunDiff {
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    /// One line per change, e.g. `microservices / exchange-payment: claim scope: "a b" → "a"`.
    pub fn lines(&self) -> Vec<String> {
        self.changes.iter().map(Change::to_string).collect()
    }
}

impl fmt::Display for RunDiff {
    /// The lines of [`RunDiff::lines`], or `no differences`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_empty() {
            return writeln!(f, "no differences");
        }
        for change in &self.changes {
            writeln!(f, "{change}")?;
        }
        Ok(())
    }
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.step_id {
            Some(step) => write!(f, "{} / {step}: {}", self.scenario_id, self.detail),
            None => write!(f, "{}: {}", self.scenario_id, self.detail),
        }
    }
}

impl fmt::Display for Detail {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Detail::Scenario { only } => write!(f, "scenario {}", only_in(*only)),
            Detail::Step { only } => write!(f, "step {}", only_in(*only)),
            Detail::Outcome { before, after } => {
                write!(f, "outcome: {} → {}", outcome(*before), outcome(*after))
            }
            Detail::Status { before, after } => {
                write!(f, "status: {} → {}", before.as_str(), after.as_str())
            }
            Detail::HttpStatus { before, after } => {
                write!(f, "HTTP status: {} → {}", or_none(before), or_none(after))
            }
            Detail::ErrorCode { before, after } => {
                write!(f, "error: {} → {}", or_none(before), or_none(after))
            }
            Detail::Token { before, after } => write!(
                f,
                "token: {} → {}",
                or_none(&before.map(form)),
                or_none(&after.map(form))
            ),
            Detail::TokenType { before, after } => write!(
                f,
                "token type: {} → {}",
                or_none(&before.as_deref().map(short_type)),
                or_none(&after.as_deref().map(short_type))
            ),
            Detail::Lifetime { before, after } => write!(
                f,
                "lifetime: {} → {}",
                or_none(&before.map(|s| format!("{s} s"))),
                or_none(&after.map(|s| format!("{s} s")))
            ),
            Detail::Claim {
                path,
                before,
                after,
            } => match (before, after) {
                (None, Some(a)) => write!(f, "claim {path}: added {a}"),
                (Some(b), None) => write!(f, "claim {path}: removed (was {b})"),
                (Some(b), Some(a)) => write!(f, "claim {path}: {b} → {a}"),
                (None, None) => write!(f, "claim {path}: absent on both sides"),
            },
            Detail::FindingAdded {
                id,
                severity,
                message,
            } => write!(f, "finding added: {id} ({}): {message}", severity.as_str()),
            Detail::FindingRemoved {
                id,
                severity,
                message,
            } => write!(
                f,
                "finding removed: {id} ({}): {message}",
                severity.as_str()
            ),
            Detail::Assertion {
                assertion,
                before,
                after,
            } => match (before, after) {
                (None, Some(a)) => write!(f, "assertion {assertion}: added ({})", passed(*a)),
                (Some(b), None) => {
                    write!(f, "assertion {assertion}: removed (was {})", passed(*b))
                }
                (Some(b), Some(a)) => {
                    write!(f, "assertion {assertion}: {} → {}", passed(*b), passed(*a))
                }
                (None, None) => write!(f, "assertion {assertion}: not checked"),
            },
        }
    }
}

fn only_in(side: Side) -> &'static str {
    match side {
        Side::Before => "only before (missing after)",
        Side::After => "only after (new)",
    }
}

fn outcome(o: RunOutcome) -> &'static str {
    match o {
        RunOutcome::Passed => "passed",
        RunOutcome::Failed => "failed",
    }
}

fn passed(p: bool) -> &'static str {
    if p { "passed" } else { "failed" }
}

fn form(f: TokenForm) -> &'static str {
    match f {
        TokenForm::Jwt => "JWT",
        TokenForm::Saml => "SAML 2.0 assertion",
        TokenForm::Opaque => "opaque",
    }
}

fn short_type(uri: &str) -> String {
    token_type::short_name(uri).map_or_else(|| uri.to_string(), str::to_string)
}

fn or_none<T: fmt::Display>(v: &Option<T>) -> String {
    v.as_ref().map_or_else(|| "none".to_string(), T::to_string)
}

/// Matches items by key, the n-th occurrence of a key on one side with the n-th on the other;
/// in `before`'s order, then what only `after` has.
fn pair_up<'a, T>(
    before: &'a [T],
    after: &'a [T],
    key: impl Fn(&T) -> &str,
) -> Vec<(Option<&'a T>, Option<&'a T>)> {
    let mut unmatched: BTreeMap<&str, VecDeque<usize>> = BTreeMap::new();
    for (i, a) in after.iter().enumerate() {
        unmatched.entry(key(a)).or_default().push_back(i);
    }
    let mut matched = vec![false; after.len()];
    let mut pairs = Vec::new();
    for b in before {
        let a = unmatched.get_mut(key(b)).and_then(VecDeque::pop_front);
        if let Some(i) = a {
            matched[i] = true;
        }
        pairs.push((Some(b), a.map(|i| &after[i])));
    }
    for (a, _) in after.iter().zip(&matched).filter(|(_, m)| !**m) {
        pairs.push((None, Some(a)));
    }
    pairs
}

fn compare_runs(b: &RunRecord, a: &RunRecord, options: &DiffOptions, out: &mut Vec<Change>) {
    let scenario = &b.scenario_id;
    if b.outcome != a.outcome {
        out.push(Change {
            scenario_id: scenario.clone(),
            step_id: None,
            detail: Detail::Outcome {
                before: b.outcome,
                after: a.outcome,
            },
        });
    }
    for (bs, as_) in pair_up(&b.steps, &a.steps, |s| s.id.as_str()) {
        let (step_id, details) = match (bs, as_) {
            (Some(bs), Some(as_)) => (bs.id.clone(), compare_steps(bs, as_, options)),
            (Some(bs), None) => (bs.id.clone(), vec![Detail::Step { only: Side::Before }]),
            (None, Some(as_)) => (as_.id.clone(), vec![Detail::Step { only: Side::After }]),
            (None, None) => continue,
        };
        out.extend(details.into_iter().map(|detail| Change {
            scenario_id: scenario.clone(),
            step_id: Some(step_id.clone()),
            detail,
        }));
    }
}

fn compare_steps(b: &StepRecord, a: &StepRecord, options: &DiffOptions) -> Vec<Detail> {
    let mut out = Vec::new();
    if b.status != a.status {
        out.push(Detail::Status {
            before: b.status,
            after: a.status,
        });
    }
    let http = |s: &StepRecord| s.response.as_ref().map(|r| r.status);
    if http(b) != http(a) {
        out.push(Detail::HttpStatus {
            before: http(b),
            after: http(a),
        });
    }
    let code = |s: &StepRecord| {
        s.response
            .as_ref()
            .and_then(|r| r.error())
            .map(|e| e.error.as_str().to_string())
    };
    if code(b) != code(a) {
        out.push(Detail::ErrorCode {
            before: code(b),
            after: code(a),
        });
    }
    compare_tokens(b.token.as_ref(), a.token.as_ref(), options, &mut out);
    compare_findings(&b.findings, &a.findings, &mut out);
    compare_assertions(b, a, &mut out);
    out
}

fn compare_tokens(
    b: Option<&TokenRecord>,
    a: Option<&TokenRecord>,
    options: &DiffOptions,
    out: &mut Vec<Detail>,
) {
    let form_of = |t: Option<&TokenRecord>| {
        t.map(|t| match t.decoded {
            DecodedToken::Jwt(_) => TokenForm::Jwt,
            DecodedToken::Saml(_) => TokenForm::Saml,
            DecodedToken::Opaque(_) => TokenForm::Opaque,
        })
    };
    if form_of(b) != form_of(a) {
        out.push(Detail::Token {
            before: form_of(b),
            after: form_of(a),
        });
    }
    let type_of = |t: Option<&TokenRecord>| t.and_then(|t| t.token_type.clone());
    if b.is_some() && a.is_some() && type_of(b) != type_of(a) {
        out.push(Detail::TokenType {
            before: type_of(b),
            after: type_of(a),
        });
    }
    let lifetime = |t: Option<&TokenRecord>| t?.decoded.jwt()?.lifetime();
    if lifetime(b) != lifetime(a) {
        out.push(Detail::Lifetime {
            before: lifetime(b),
            after: lifetime(a),
        });
    }
    let claims = |t: Option<&TokenRecord>| {
        let mut flat = BTreeMap::new();
        if let Some(jwt) = t.and_then(|t| t.decoded.jwt()) {
            for (name, value) in &jwt.claims {
                if !options.ignored_claims.iter().any(|c| c == name) {
                    flatten(name.clone(), value, &mut flat);
                }
            }
        }
        flat
    };
    let (before, after) = (claims(b), claims(a));
    let paths: BTreeSet<&String> = before.keys().chain(after.keys()).collect();
    for path in paths {
        let (bv, av) = (before.get(path), after.get(path));
        if bv != av {
            out.push(Detail::Claim {
                path: path.clone(),
                before: bv.cloned(),
                after: av.cloned(),
            });
        }
    }
}

/// Objects become one entry per member (`act.sub`, `act.act.sub`); anything else, arrays
/// included, is one value.
fn flatten(path: String, value: &Json, out: &mut BTreeMap<String, Json>) {
    match value {
        Json::Object(members) if !members.is_empty() => {
            for (name, v) in members {
                flatten(format!("{path}.{name}"), v, out);
            }
        }
        v => {
            out.insert(path, v.clone());
        }
    }
}

fn compare_findings(b: &[Finding], a: &[Finding], out: &mut Vec<Detail>) {
    let ids = |fs: &[Finding]| -> BTreeSet<String> { fs.iter().map(|f| f.id.clone()).collect() };
    let (before, after) = (ids(b), ids(a));
    for f in a {
        if !before.contains(&f.id) && !out.iter().any(|d| is_finding(d, &f.id)) {
            out.push(Detail::FindingAdded {
                id: f.id.clone(),
                severity: f.severity,
                message: f.message.clone(),
            });
        }
    }
    for f in b {
        if !after.contains(&f.id) && !out.iter().any(|d| is_finding(d, &f.id)) {
            out.push(Detail::FindingRemoved {
                id: f.id.clone(),
                severity: f.severity,
                message: f.message.clone(),
            });
        }
    }
}

fn is_finding(d: &Detail, wanted: &str) -> bool {
    matches!(d, Detail::FindingAdded { id, .. } | Detail::FindingRemoved { id, .. } if id == wanted)
}

fn compare_assertions(b: &StepRecord, a: &StepRecord, out: &mut Vec<Detail>) {
    let described = |s: &StepRecord| -> Vec<(String, bool)> {
        s.assertions
            .iter()
            .map(|o| (describe(&o.assertion), o.passed))
            .collect()
    };
    let (before, after) = (described(b), described(a));
    for (bo, ao) in pair_up(&before, &after, |(d, _)| d.as_str()) {
        let (before, after) = (bo.map(|o| o.1), ao.map(|o| o.1));
        if before != after {
            let assertion = bo.or(ao).map(|o| o.0.clone()).unwrap_or_default();
            out.push(Detail::Assertion {
                assertion,
                before,
                after,
            });
        }
    }
}

/// An assertion as it is written in a collection file: `claim = "act.sub", equals = "svc"`.
fn describe(assertion: &Assertion) -> String {
    match serde_json::to_value(assertion) {
        Ok(Json::Object(fields)) => fields
            .iter()
            .map(|(k, v)| format!("{k} = {v}"))
            .collect::<Vec<_>>()
            .join(", "),
        Ok(other) => other.to_string(),
        Err(_) => format!("{assertion:?}"),
    }
}
