//! Checking a step's assertions. Each outcome says what was expected and what came, so a failed
//! run can be understood without opening the raw response.

use std::collections::BTreeSet;

use serde::Serialize;
use serde_json::{Map, Value as Json};
use ts_rs::TS;

use crate::findings::Finding;
use crate::jwt::{Jwt, split_scope};
use crate::response::{Outcome, TokenResponse};
use crate::scenario::model::{Assertion, ClaimCheck};
use crate::scenario::record::{AssertionOutcome, InputRole, StepRecord, StepStatus};
use crate::scenario::reference::{assertion_reference, claim_at};

/// What a step produced, as the assertions see it.
#[derive(Debug, Default, Clone, Copy)]
pub struct Observed<'a> {
    /// The HTTP status, when the step sent a request.
    pub status: Option<u16>,
    /// The OAuth error code of a refusal.
    pub error: Option<&'a str>,
    /// The claims checked: the token's, or the introspection response's members.
    pub claims: Option<&'a Map<String, Json>>,
    /// Why there are no claims (an opaque token, a refusal), for the messages.
    pub no_claims_because: Option<&'a str>,
    /// The decoded token the step produced or examined.
    pub token: Option<&'a Jwt>,
    /// The subject token of an exchange.
    pub subject: Option<&'a Jwt>,
    pub findings: &'a [Finding],
    /// The request got no answer (the server could not be reached).
    pub unreachable: bool,
    /// How many requests the step sent (a repeated step's round trips; 0 from the cache).
    pub round_trips: Option<u32>,
    /// The response, for `response` assertions.
    pub response: Option<&'a TokenResponse>,
}

impl<'a> Observed<'a> {
    /// What a recorded step shows its assertions: the same fields the engine checked when the
    /// step ran, so a record read back is judged as it was judged then.
    pub fn of(step: &'a StepRecord) -> Self {
        let token = step.token.as_ref().and_then(|t| t.decoded.jwt());
        // A SAML assertion is checked through its claims (issuer, subject, audience, attributes).
        let saml = step
            .token
            .as_ref()
            .and_then(|t| t.decoded.saml())
            .map(|a| &a.claims);
        let refusal = step.response.as_ref().and_then(|r| r.error());
        let no_claims_because = match (&step.token, &step.response) {
            (Some(_), _) if token.is_none() && saml.is_none() && step.introspection.is_none() => {
                Some(
                    "the token is opaque (not a JWT); give its server an introspection_endpoint to read its claims, or check the response with `response = \"MEMBER\"`",
                )
            }
            (None, Some(_)) if refusal.is_some() => Some("the server refused; no token was issued"),
            (None, Some(_)) => Some("the response carried no token"),
            _ => None,
        };
        Observed {
            status: step.response.as_ref().map(|r| r.status),
            error: refusal.map(|e| e.error.as_str()),
            claims: step
                .introspection
                .as_ref()
                .or_else(|| token.map(|j| &j.claims))
                .or(saml),
            no_claims_because,
            token,
            subject: step
                .inputs
                .iter()
                .find(|i| i.role == InputRole::Subject)
                .and_then(|i| i.token.decoded.jwt()),
            findings: &step.findings,
            unreachable: step.unreachable,
            round_trips: Some(round_trips(step)),
            response: step.response.as_ref(),
        }
    }
}

/// `assertions` checked against a recorded step, exactly as the engine checks them when the
/// step runs: a step that errored or was skipped gets no outcomes, and a step that sent a
/// request without asserting its `status` or `error` must first have succeeded. The app's
/// assertion editor uses it to show pass or fail against the last run while a user edits. An
/// assertion whose values use `{{…}}` references is resolved only by a run: here it fails,
/// saying so, rather than compare the braces.
pub fn recheck(step: &StepRecord, assertions: &[Assertion]) -> Vec<AssertionOutcome> {
    let resolved: Vec<ToCheck> = assertions
        .iter()
        .map(|a| match assertion_reference(a) {
            Some(written) => ToCheck::Unresolved {
                assertion: a.clone(),
                reason: format!(
                    "{written} is resolved when the scenario runs; run it again to check this assertion"
                ),
            },
            None => ToCheck::Ready(a.clone()),
        })
        .collect();
    check_all(step, &resolved)
}

/// An assertion ready to be checked (its references resolved), or one whose references could
/// not be resolved, and why.
#[derive(Debug, Clone, PartialEq)]
pub enum ToCheck {
    Ready(Assertion),
    Unresolved {
        /// The assertion as written.
        assertion: Assertion,
        reason: String,
    },
}

impl ToCheck {
    fn assertion(&self) -> &Assertion {
        match self {
            ToCheck::Ready(a) | ToCheck::Unresolved { assertion: a, .. } => a,
        }
    }
}

/// Assertions, their references already resolved (or not, and why), checked against a
/// recorded step as [`recheck`] does.
pub fn check_all(step: &StepRecord, assertions: &[ToCheck]) -> Vec<AssertionOutcome> {
    if !matches!(step.status, StepStatus::Passed | StepStatus::Failed) {
        return Vec::new();
    }
    let observed = Observed::of(step);
    let mut outcomes = Vec::with_capacity(assertions.len() + 1);
    let expects_outcome = assertions.iter().any(|a| {
        matches!(
            a.assertion(),
            Assertion::Status(_) | Assertion::Error(_) | Assertion::Unreachable
        )
    });
    if step.response.is_some() && !expects_outcome {
        let mut implicit = check(&Assertion::Status(200), &observed);
        if !implicit.passed {
            implicit.message = format!(
                "{} (a step without a status or error assertion must succeed)",
                implicit.message
            );
        }
        outcomes.push(implicit);
    }
    outcomes.extend(assertions.iter().map(|a| match a {
        ToCheck::Ready(a) => check(a, &observed),
        ToCheck::Unresolved { assertion, reason } => AssertionOutcome {
            assertion: assertion.clone(),
            passed: false,
            message: format!("not checked: {reason}"),
        },
    }));
    outcomes
}

/// A claim a step's assertions can check, by the dotted path an assertion names it with.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct ClaimPath {
    pub path: String,
    pub value: Json,
}

/// Every claim of the step's token (or, for an introspection, of the response), by dotted
/// path, sorted by path: an object is listed as itself and then as its members (`act`,
/// `act.sub`, `act.act.sub`); an array only as a whole. Empty when the step has no claims
/// (a refusal, an opaque token). The app offers these when a user writes a `claim` assertion.
pub fn claim_paths(step: &StepRecord) -> Vec<ClaimPath> {
    let mut paths = Vec::new();
    if let Some(claims) = Observed::of(step).claims {
        collect_paths("", claims, &mut paths);
    }
    paths.sort_by(|a, b| a.path.cmp(&b.path));
    paths
}

fn collect_paths(prefix: &str, members: &Map<String, Json>, out: &mut Vec<ClaimPath>) {
    for (name, value) in members {
        let path = format!("{prefix}{name}");
        if let Json::Object(inner) = value {
            collect_paths(&format!("{path}."), inner, out);
        }
        out.push(ClaimPath {
            path,
            value: value.clone(),
        });
    }
}

pub fn check(assertion: &Assertion, o: &Observed<'_>) -> AssertionOutcome {
    let (passed, message) = evaluate(assertion, o);
    AssertionOutcome {
        assertion: assertion.clone(),
        passed,
        message,
    }
}

fn evaluate(assertion: &Assertion, o: &Observed<'_>) -> (bool, String) {
    match assertion {
        Assertion::Status(expected) => match o.status {
            Some(s) if s == *expected => (true, format!("HTTP status is {s}")),
            Some(s) => (
                false,
                format!(
                    "HTTP status: expected {expected}, got {s}{}",
                    o.error.map(|e| format!(" ({e})")).unwrap_or_default()
                ),
            ),
            None => (
                false,
                format!("HTTP status: expected {expected}, but this step sent no request"),
            ),
        },
        Assertion::Error(expected) => match (o.error, o.status) {
            (Some(e), _) if e == expected => (true, format!("refused with {e}")),
            (Some(e), _) => (false, format!("error: expected {expected}, got {e}")),
            (None, Some(s)) if (200..300).contains(&s) => (
                false,
                format!(
                    "error: expected a refusal with {expected}, but the server granted it ({s})"
                ),
            ),
            (None, Some(s)) => (
                false,
                format!("error: expected {expected}, got HTTP {s} with no OAuth error code"),
            ),
            (None, None) => (
                false,
                format!("error: expected {expected}, but this step sent no request"),
            ),
        },
        Assertion::Claim { path, check } => match o.claims {
            Some(claims) => member(&format!("claim {path}"), claims, path, check),
            None => {
                let why = o.no_claims_because.unwrap_or("the step produced no token");
                (false, format!("claim {path}: {why}"))
            }
        },
        Assertion::Response { path, check } => match response_members(o) {
            Ok(members) => member(&format!("response {path}"), members, path, check),
            Err(why) => (false, format!("response {path}: {why}")),
        },
        Assertion::ScopeSubsetOf(allowed) => {
            let allowed: BTreeSet<&str> = allowed.iter().map(String::as_str).collect();
            scope_subset(o, &allowed, "the allowed set")
        }
        Assertion::ScopeSubsetOfSubject => match o.subject {
            None => (
                false,
                "scope ⊆ subject's: this step has no subject token that is a JWT".into(),
            ),
            Some(subject) => match subject.scopes() {
                None => (
                    false,
                    "scope ⊆ subject's: the subject token has no scope claim".into(),
                ),
                Some(s) => {
                    let allowed: BTreeSet<&str> = s.iter().map(String::as_str).collect();
                    scope_subset(o, &allowed, "the subject token's scope")
                }
            },
        },
        Assertion::AudContains(expected) => match audiences(o) {
            Err(why) => (
                false,
                format!("aud: expected to contain {expected:?}, but {why}"),
            ),
            Ok(aud) => {
                if aud.iter().any(|a| a == expected) {
                    (true, format!("aud contains {expected:?}"))
                } else {
                    (
                        false,
                        format!("aud: expected to contain {expected:?}, got {aud:?}"),
                    )
                }
            }
        },
        Assertion::SubPreserved => match (token_or_reason(o), o.subject) {
            (Err(why), _) => (false, format!("sub preserved: {why}")),
            (Ok(_), None) => (
                false,
                "sub preserved: this step has no subject token that is a JWT".into(),
            ),
            (Ok(t), Some(s)) => match (t.sub(), s.sub()) {
                (Some(a), Some(b)) if a == b => (true, format!("sub {a:?} preserved")),
                (got, expected) => {
                    let show =
                        |s: Option<&str>| s.map_or_else(|| "no sub".into(), |s| format!("{s:?}"));
                    (
                        false,
                        format!(
                            "sub: expected the subject's {}, got {}",
                            show(expected),
                            show(got)
                        ),
                    )
                }
            },
        },
        Assertion::ActChain(expected) => match token_or_reason(o) {
            Err(why) => (false, format!("act chain: {why}")),
            Ok(t) => {
                let got: Vec<String> = t.act_chain.actors.iter().map(|p| p.label()).collect();
                if let Some(problem) = &t.act_chain.problem {
                    (
                        false,
                        format!(
                            "act chain: expected {expected:?}, but act is malformed: {problem}"
                        ),
                    )
                } else if &got == expected {
                    (true, format!("act chain is {}", chain(&got)))
                } else {
                    (
                        false,
                        format!(
                            "act chain: expected {}, got {}",
                            chain(expected),
                            chain(&got)
                        ),
                    )
                }
            }
        },
        Assertion::ActDepth(expected) => match token_or_reason(o) {
            Err(why) => (false, format!("act depth: {why}")),
            Ok(t) => {
                let got = t.act_chain.actors.len();
                if got == *expected {
                    (true, format!("act depth is {got}"))
                } else {
                    (
                        false,
                        format!(
                            "act depth: expected {expected}, got {got} ({})",
                            chain(
                                &t.act_chain
                                    .actors
                                    .iter()
                                    .map(|p| p.label())
                                    .collect::<Vec<_>>()
                            )
                        ),
                    )
                }
            }
        },
        Assertion::NoFindingsAtOrAbove(level) => {
            let hits: Vec<&Finding> = o.findings.iter().filter(|f| f.severity >= *level).collect();
            if hits.is_empty() {
                (true, format!("no findings at {} or above", level.as_str()))
            } else {
                let ids: Vec<String> = hits
                    .iter()
                    .map(|f| format!("{} ({})", f.id, f.severity.as_str()))
                    .collect();
                (
                    false,
                    format!(
                        "expected no findings at {} or above, got {}: {}",
                        level.as_str(),
                        hits.len(),
                        ids.join(", ")
                    ),
                )
            }
        }
        Assertion::Unreachable => match o.status {
            _ if o.unreachable => (
                true,
                "no answer: the server could not be reached, as expected".to_owned(),
            ),
            Some(s) => (
                false,
                format!(
                    "expected no answer (the server unreachable), but it answered {s}{}",
                    o.error.map(|e| format!(" ({e})")).unwrap_or_default()
                ),
            ),
            None => (
                false,
                "expected no answer (the server unreachable), but this step sent no request"
                    .to_owned(),
            ),
        },
        Assertion::RoundTrips(expected) => match o.round_trips {
            Some(n) if n == *expected => (true, format!("round trips: {n}")),
            Some(n) => (false, format!("round trips: expected {expected}, got {n}")),
            None => (
                false,
                format!("round trips: expected {expected}, got none recorded"),
            ),
        },
    }
}

/// How many requests a recorded step sent.
fn round_trips(step: &StepRecord) -> u32 {
    match &step.repeat {
        Some(stats) => stats.round_trips,
        None if step.from_cache || step.request.is_none() => 0,
        None => 1,
    }
}

fn chain(labels: &[String]) -> String {
    if labels.is_empty() {
        "no act".into()
    } else {
        format!("[{}]", labels.join(", "))
    }
}

/// `aud` of the token, or of the claims checked (a SAML assertion's audiences).
fn audiences(o: &Observed<'_>) -> Result<Vec<String>, String> {
    if let Ok(t) = token_or_reason(o) {
        return Ok(t.aud());
    }
    match o.claims.and_then(|c| c.get("aud")) {
        Some(Json::String(one)) => Ok(vec![one.clone()]),
        Some(Json::Array(many)) => Ok(many
            .iter()
            .filter_map(Json::as_str)
            .map(str::to_owned)
            .collect()),
        _ => token_or_reason(o).map(|t| t.aud()),
    }
}

fn token_or_reason<'a>(o: &Observed<'a>) -> Result<&'a Jwt, String> {
    o.token.ok_or_else(|| {
        o.no_claims_because
            .unwrap_or("the step produced no token")
            .to_string()
    })
}

fn scope_subset(o: &Observed<'_>, allowed: &BTreeSet<&str>, what: &str) -> (bool, String) {
    let granted = match o.claims.and_then(|c| c.get("scope")) {
        Some(Json::String(s)) => split_scope(s),
        _ => match o.token.and_then(Jwt::scopes) {
            Some(s) => s,
            None => {
                let why = if o.claims.is_some() {
                    "the token has no scope claim"
                } else {
                    o.no_claims_because.unwrap_or("the step produced no token")
                };
                return (false, format!("scope ⊆ {what}: {why}"));
            }
        },
    };
    let extra: Vec<&str> = granted
        .iter()
        .map(String::as_str)
        .filter(|s| !allowed.contains(s))
        .collect();
    if extra.is_empty() {
        (true, format!("scope {:?} ⊆ {what}", granted.join(" ")))
    } else {
        (
            false,
            format!(
                "scope: {:?} is not within {what} {:?}; not allowed: {}",
                granted.join(" "),
                allowed.iter().copied().collect::<Vec<_>>().join(" "),
                extra.join(", ")
            ),
        )
    }
}

/// The members of the response's JSON body, or why there are none.
fn response_members<'a>(o: &Observed<'a>) -> Result<&'a Map<String, Json>, String> {
    let Some(response) = o.response else {
        return Err(if o.unreachable {
            "no response came (the server could not be reached)".to_owned()
        } else {
            "this step sent no request, so there is no response".to_owned()
        });
    };
    match &response.outcome {
        Outcome::Success(s) => Ok(&s.members),
        Outcome::Error(e) => Ok(&e.members),
        Outcome::Unreadable { problem, .. } => Err(format!(
            "the response is not a JSON object: {}",
            problem.describe()
        )),
    }
}

/// A check of the value at `path` of `members` (a token's claims, a response's members);
/// `label` names it in the message (`claim act.sub`, `response scope`).
fn member(
    label: &str,
    claims: &Map<String, Json>,
    path: &str,
    check: &ClaimCheck,
) -> (bool, String) {
    let claim_or_member = if label.starts_with("claim") {
        "no such claim"
    } else {
        "no such member"
    };
    // A refresh token in a response is as good as a password: never copied into a message.
    let hidden = label.starts_with("response") && path == "refresh_token";
    let show = |v: &Json| {
        if hidden {
            "a value (hidden: a refresh token)".to_owned()
        } else {
            short(v)
        }
    };
    let value = claim_at(claims, path);
    match (check, value) {
        (ClaimCheck::Exists, Some(v)) => (true, format!("{label} is present ({})", show(v))),
        (ClaimCheck::Exists, None) => (false, format!("{label}: expected present, got absent")),
        (ClaimCheck::Absent, None) => (true, format!("{label} is absent")),
        (ClaimCheck::Absent, Some(v)) => {
            (false, format!("{label}: expected absent, got {}", show(v)))
        }
        (_, None) => (
            false,
            format!(
                "{label}: expected {}, got nothing ({claim_or_member})",
                describe(check)
            ),
        ),
        (ClaimCheck::Equals(expected), Some(v)) => {
            if json_equal(v, expected) {
                (true, format!("{label} is {}", show(v)))
            } else {
                (
                    false,
                    format!("{label}: expected {}, got {}", short(expected), show(v)),
                )
            }
        }
        (ClaimCheck::Contains(expected), Some(v)) => {
            let holds = match (v, expected) {
                (Json::String(s), Json::String(needle)) => s.contains(needle.as_str()),
                (Json::Array(items), e) => items.iter().any(|i| json_equal(i, e)),
                (Json::Object(map), Json::String(key)) => map.contains_key(key),
                _ => false,
            };
            if holds {
                (true, format!("{label} contains {}", short(expected)))
            } else {
                (
                    false,
                    format!(
                        "{label}: expected to contain {}, got {}",
                        short(expected),
                        show(v)
                    ),
                )
            }
        }
        (ClaimCheck::Matches(pattern), Some(v)) => match (regex::Regex::new(pattern), v) {
            (Err(e), _) => (false, format!("{label}: the pattern is invalid: {e}")),
            (Ok(re), Json::String(s)) if re.is_match(s) => {
                (true, format!("{label} {} matches /{pattern}/", show(v)))
            }
            (Ok(_), Json::String(_)) => (
                false,
                format!("{label}: expected to match /{pattern}/, got {}", show(v)),
            ),
            (Ok(_), other) => (
                false,
                format!(
                    "{label}: expected a string matching /{pattern}/, got {}",
                    short(other)
                ),
            ),
        },
    }
}

/// Numbers compare by value (`1` equals `1.0`), everything else structurally.
fn json_equal(a: &Json, b: &Json) -> bool {
    match (a, b) {
        (Json::Number(x), Json::Number(y)) => x.as_f64() == y.as_f64(),
        (Json::Array(x), Json::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| json_equal(a, b))
        }
        _ => a == b,
    }
}

fn describe(check: &ClaimCheck) -> String {
    match check {
        ClaimCheck::Equals(v) => short(v),
        ClaimCheck::Contains(v) => format!("to contain {}", short(v)),
        ClaimCheck::Matches(p) => format!("to match /{p}/"),
        ClaimCheck::Exists => "present".into(),
        ClaimCheck::Absent => "absent".into(),
    }
}

/// A value as shown in a message: JSON, cut short when long.
fn short(v: &Json) -> String {
    let text = v.to_string();
    if text.chars().count() > 120 {
        format!("{}…", text.chars().take(120).collect::<String>())
    } else {
        text
    }
}
