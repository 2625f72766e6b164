//! Checking a request against a provider's rules before it is sent: each warning says which
//! rule of which provider the request breaks, and what to change.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{ActorSupport, Preset, TokenTypeRule};
use crate::auth::AuthMethod;
use crate::request::{Grant, TokenRequest};

/// Which kind of rule a warning is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum RuleKind {
    GrantType,
    Required,
    RequiredValue,
    Forbidden,
    ForbiddenValue,
    ForbiddenPrefix,
    SubjectTokenType,
    ActorNeeded,
    RequestedTokenType,
    ActorToken,
    ClientAuth,
}

/// A rule of a provider that a request breaks, found before it is sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PresetWarning {
    pub preset_id: String,
    /// The provider's name, as the preset gives it.
    pub provider: String,
    pub rule: RuleKind,
    /// The form parameter the rule is about (`client_auth` has none).
    pub parameter: Option<String>,
    /// What is wrong, in the provider's terms.
    pub problem: String,
    /// What to change.
    pub fix: String,
}

impl std::fmt::Display for PresetWarning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {} {}", self.provider, self.problem, self.fix)
    }
}

impl Preset {
    /// Checks a request that would authenticate with `auth` against the provider's rules.
    pub fn check(&self, request: &TokenRequest, auth: AuthMethod) -> Vec<PresetWarning> {
        self.check_form(&request_form(request), auth)
    }

    /// Checks form parameters (name, value) as they would be sent, the client's credentials
    /// aside, for a client that authenticates with `auth`.
    pub fn check_form(&self, form: &[(String, String)], auth: AuthMethod) -> Vec<PresetWarning> {
        let rules = &self.rules;
        let value = |name: &str| {
            form.iter()
                .find(|(n, v)| n == name && !v.is_empty())
                .map(|(_, v)| v.as_str())
        };
        let mut out = Vec::new();
        let mut warn = |rule, parameter: Option<&str>, problem: String, fix: String| {
            out.push(PresetWarning {
                preset_id: self.id.clone(),
                provider: self.name.clone(),
                rule,
                parameter: parameter.map(str::to_string),
                problem,
                fix,
            });
        };

        let grant = value("grant_type").unwrap_or("");
        if grant != rules.grant_type {
            warn(
                RuleKind::GrantType,
                Some("grant_type"),
                format!(
                    "grant_type is {grant:?}, but this flow uses {}.",
                    rules.grant_type
                ),
                rules
                    .grant_note
                    .clone()
                    .unwrap_or_else(|| format!("Send grant_type={}.", rules.grant_type)),
            );
        }
        for required in &rules.required {
            match (value(&required.param), &required.value) {
                (None, Some(expected)) => warn(
                    RuleKind::Required,
                    Some(&required.param),
                    format!("{} is missing.", required.param),
                    format!("Send {}={expected}: {}", required.param, required.why),
                ),
                (None, None) => warn(
                    RuleKind::Required,
                    Some(&required.param),
                    format!("{} is missing.", required.param),
                    format!("Send {}: {}", required.param, required.why),
                ),
                (Some(given), Some(expected)) if given != expected => warn(
                    RuleKind::RequiredValue,
                    Some(&required.param),
                    format!("{} is {given:?}.", required.param),
                    format!("Send {}={expected}: {}", required.param, required.why),
                ),
                _ => {}
            }
        }
        for forbidden in &rules.forbidden {
            if value(&forbidden.param).is_some() {
                warn(
                    RuleKind::Forbidden,
                    Some(&forbidden.param),
                    format!("{} is sent.", forbidden.param),
                    format!("Leave {} out: {}", forbidden.param, forbidden.why),
                );
            }
        }
        for forbidden in &rules.forbidden_values {
            if value(&forbidden.param) == Some(forbidden.value.as_str()) {
                warn(
                    RuleKind::ForbiddenValue,
                    Some(&forbidden.param),
                    format!("{} is {}.", forbidden.param, forbidden.value),
                    forbidden.why.clone(),
                );
            }
        }
        for forbidden in &rules.forbidden_prefixes {
            let Some(given) = value(&forbidden.param) else {
                continue;
            };
            let lower = given.to_ascii_lowercase();
            if let Some(prefix) = forbidden
                .prefixes
                .iter()
                .find(|p| lower.starts_with(&p.to_ascii_lowercase()))
            {
                warn(
                    RuleKind::ForbiddenPrefix,
                    Some(&forbidden.param),
                    format!(
                        "{} {given:?} is in the reserved namespace {prefix}.",
                        forbidden.param
                    ),
                    forbidden.why.clone(),
                );
            }
        }
        let actor_given = value("actor_token").is_some();
        if let Some(given) = value("subject_token_type") {
            match accepted(&rules.subject_token_types, given) {
                Accepted::Unchecked => {}
                Accepted::No => warn(
                    RuleKind::SubjectTokenType,
                    Some("subject_token_type"),
                    format!("subject_token_type {given} is not one it accepts."),
                    format!("Use one of: {}.", listed(&rules.subject_token_types)),
                ),
                Accepted::Yes(rule) if rule.needs_actor && !actor_given => warn(
                    RuleKind::ActorNeeded,
                    Some("actor_token"),
                    format!("subject_token_type {given} is accepted only with an actor token."),
                    format!(
                        "Send actor_token and actor_token_type too{}",
                        rule.note
                            .as_deref()
                            .map(|n| format!(": {n}"))
                            .unwrap_or_else(|| ".".into())
                    ),
                ),
                Accepted::Yes(_) => {}
            }
        }
        if let Some(given) = value("requested_token_type")
            && let Accepted::No = accepted(&rules.requested_token_types, given)
        {
            warn(
                RuleKind::RequestedTokenType,
                Some("requested_token_type"),
                format!("requested_token_type {given} is not one it issues."),
                format!("Ask for one of: {}.", listed(&rules.requested_token_types)),
            );
        }
        let actor_forbidden = rules.forbidden.iter().any(|f| f.param == "actor_token");
        if actor_given && rules.actor == ActorSupport::NotSupported && !actor_forbidden {
            warn(
                RuleKind::ActorToken,
                Some("actor_token"),
                "an actor token is sent, but this flow takes none.".into(),
                rules
                    .actor_note
                    .clone()
                    .unwrap_or_else(|| "Leave actor_token and actor_token_type out.".into()),
            );
        }
        if !rules.auth_methods.is_empty() && !rules.auth_methods.contains(&auth) {
            warn(
                RuleKind::ClientAuth,
                None,
                format!(
                    "the client authenticates with {}, which its documentation does not name for this flow.",
                    auth.as_str()
                ),
                format!(
                    "Use {}.{}",
                    rules
                        .auth_methods
                        .iter()
                        .map(|m| m.as_str())
                        .collect::<Vec<_>>()
                        .join(" or "),
                    rules
                        .auth_note
                        .as_deref()
                        .map(|n| format!(" {n}"))
                        .unwrap_or_default()
                ),
            );
        }
        out
    }
}

enum Accepted<'a> {
    /// The documentation lists no types: nothing to check.
    Unchecked,
    Yes(&'a TokenTypeRule),
    No,
}

fn accepted<'a>(rules: &'a [TokenTypeRule], given: &str) -> Accepted<'a> {
    if rules.is_empty() {
        return Accepted::Unchecked;
    }
    rules
        .iter()
        .find(|r| r.uri == given)
        .map_or(Accepted::No, Accepted::Yes)
}

fn listed(rules: &[TokenTypeRule]) -> String {
    rules
        .iter()
        .map(|r| r.uri.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The form a request sends, its credentials aside; secret values are not copied (only their
/// presence matters to the rules).
fn request_form(request: &TokenRequest) -> Vec<(String, String)> {
    let mut form = vec![(
        "grant_type".to_string(),
        request.grant.grant_type().to_string(),
    )];
    let mut push = |name: &str, value: &str| form.push((name.to_string(), value.to_string()));
    match &request.grant {
        Grant::ClientCredentials => {}
        Grant::Password { username, .. } => {
            push("username", username);
            push("password", "[secret]");
        }
        Grant::RefreshToken { .. } => push("refresh_token", "[secret]"),
        Grant::AuthorizationCode { redirect_uri, .. } => {
            push("code", "[secret]");
            push("redirect_uri", redirect_uri);
        }
        Grant::JwtBearer {
            assertion,
            requested_token_use,
        } => {
            push("assertion", assertion);
            if let Some(use_) = requested_token_use {
                push("requested_token_use", use_);
            }
        }
        Grant::DeviceCode { .. } => push("device_code", "[secret]"),
        Grant::TokenExchange(p) => {
            push("subject_token", &p.subject.token);
            push("subject_token_type", &p.subject.token_type);
            if let Some(actor) = &p.actor {
                push("actor_token", &actor.token);
                push("actor_token_type", &actor.token_type);
            }
            if let Some(t) = &p.requested_token_type {
                push("requested_token_type", t);
            }
        }
    }
    for a in &request.audience {
        push("audience", a);
    }
    for r in &request.resource {
        push("resource", r);
    }
    if let Some(scope) = &request.scope {
        push("scope", scope);
    }
    for (name, value) in &request.extra {
        push(name, value);
    }
    form
}
