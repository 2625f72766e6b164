//! `{{…}}` references: a later step uses earlier steps' outputs, the environment, secrets and
//! the run's row of iteration data.
//! Everything that can be known before a request is sent is checked first (`check_scenario`),
//! so a typo stops the run before it talks to a server; what only a run can tell (a claim the
//! token turned out not to have) is reported on the step that needed it.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value as Json;

use crate::scenario::model::{Action, Assertion, ClaimCheck, Collection, Scenario, Step};
use crate::scenario::secrets::SecretSource;
use crate::secret::Secret;

/// One `{{…}}` reference, parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reference {
    Step {
        step: String,
        output: Output,
    },
    Env(String),
    Secret(String),
    /// A column of the run's row of iteration data (`baton run --iteration-data`).
    Data(String),
}

/// What a step makes available to later steps.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Output {
    AccessToken,
    RefreshToken,
    /// The OpenID Connect ID token of a sign-in.
    IdToken,
    IssuedTokenType,
    /// A claim of the step's token, by dotted path.
    Claim(String),
}

/// A piece of a template: literal text or a reference (with its text as written).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Part {
    Text(String),
    Ref {
        written: String,
        reference: Reference,
    },
}

/// Why a reference cannot be resolved. Shown with the scenario, step and field it is in.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Problem {
    #[error("{{{{ is not closed by }}}}")]
    Unclosed,
    #[error(
        "{written} is not a reference Baton knows: use steps.<id>.<output>, env.<name>, secret.<name> or data.<column>"
    )]
    UnknownKind { written: String },
    #[error(
        "{written}: a step's outputs are access_token, refresh_token, id_token, issued_token_type and claims.<path>"
    )]
    UnknownOutput { written: String },
    #[error(
        "{written} refers to step {step:?}, which is not in this scenario (its steps: {known})"
    )]
    UnknownStep {
        written: String,
        step: String,
        known: String,
    },
    #[error("{written} refers to this step itself; a step can only use earlier steps' outputs")]
    SelfReference { written: String },
    #[error(
        "{written} refers to step {step:?}, which comes after this one; a step can only use earlier steps' outputs"
    )]
    LaterStep { written: String, step: String },
    #[error("{written}: the environment {environment} has no variable {name:?} (it has: {known})")]
    MissingVariable {
        written: String,
        name: String,
        environment: String,
        known: String,
    },
    #[error(
        "{written}: {row} has no column {:?} (it has: {known})",
        data_column(written)
    )]
    MissingData {
        /// `{{data.NAME}}`, as written.
        written: String,
        /// Which row of which file, or that there is no iteration data.
        row: String,
        known: String,
    },
    #[error("{written}: the run has no iteration data (--iteration-data FILE) to read it from")]
    NoIterationData { written: String },
    #[error("{written}: the variables refer to each other in a cycle: {cycle}")]
    Cycle { written: String, cycle: String },
    #[error("{written}: an environment variable may use other variables, not {used}")]
    NotAllowedInEnv { written: String, used: String },
    #[error(
        "{written}: no secret {name:?}; set the environment variable {env_var}, or save it in Baton's secret store"
    )]
    MissingSecret {
        written: String,
        name: String,
        env_var: String,
    },
    #[error(
        "{written}: a secret may only be used where Baton masks it (a client's secret or private_key, a password, a refresh_token), not in {field}"
    )]
    SecretNotAllowed { written: String, field: String },
    #[error("client {client:?} is not in the collection (it has: {known})")]
    UnknownClient { client: String, known: String },
    #[error("server {server:?} is not in the collection (it has: {known})")]
    UnknownServer { server: String, known: String },
    #[error("the environment {name:?} is not in the collection (it has: {known})")]
    UnknownEnvironment { name: String, known: String },
    #[error(
        "server {server:?} names preset {preset:?}, which Baton does not have (it has: {known})"
    )]
    UnknownPreset {
        server: String,
        preset: String,
        known: String,
    },
    #[error("two steps have the id {0:?}; step ids must be unique within a scenario")]
    DuplicateStep(String),
}

/// A reference problem, located.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("scenario {scenario:?}{}{}: {problem}", step_part(.step), field_part(.field))]
pub struct ResolveError {
    pub scenario: String,
    pub step: Option<String>,
    /// The field the reference is in, e.g. `exchange.subject_token`.
    pub field: Option<String>,
    pub problem: Box<Problem>,
}

fn step_part(step: &Option<String>) -> String {
    step.as_ref()
        .map(|s| format!(", step {s:?}"))
        .unwrap_or_default()
}

fn field_part(field: &Option<String>) -> String {
    field
        .as_ref()
        .map(|f| format!(" ({f})"))
        .unwrap_or_default()
}

/// Splits a template into text and references.
pub fn parse_template(text: &str) -> Result<Vec<Part>, Problem> {
    let mut parts = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        if start > 0 {
            parts.push(Part::Text(rest[..start].to_string()));
        }
        let after = &rest[start + 2..];
        let end = after.find("}}").ok_or(Problem::Unclosed)?;
        let inner = after[..end].trim();
        let written = format!("{{{{{inner}}}}}");
        let reference = parse_reference(inner).map_err(|kind| match kind {
            RefError::Kind => Problem::UnknownKind {
                written: written.clone(),
            },
            RefError::Output => Problem::UnknownOutput {
                written: written.clone(),
            },
        })?;
        parts.push(Part::Ref { written, reference });
        rest = &after[end + 2..];
    }
    if !rest.is_empty() {
        parts.push(Part::Text(rest.to_string()));
    }
    Ok(parts)
}

enum RefError {
    Kind,
    Output,
}

fn parse_reference(inner: &str) -> Result<Reference, RefError> {
    let (kind, rest) = inner.split_once('.').ok_or(RefError::Kind)?;
    let nonempty = |s: &str| {
        if s.is_empty() {
            Err(RefError::Kind)
        } else {
            Ok(s.to_string())
        }
    };
    match kind {
        "env" => Ok(Reference::Env(nonempty(rest)?)),
        "secret" => Ok(Reference::Secret(nonempty(rest)?)),
        "data" => Ok(Reference::Data(nonempty(rest)?)),
        "steps" => {
            let (step, output) = rest.split_once('.').ok_or(RefError::Output)?;
            let step = nonempty(step)?;
            let output = match output {
                "access_token" => Output::AccessToken,
                "refresh_token" => Output::RefreshToken,
                "id_token" => Output::IdToken,
                "issued_token_type" => Output::IssuedTokenType,
                _ => match output.strip_prefix("claims.") {
                    Some(path) if !path.is_empty() => Output::Claim(path.to_string()),
                    _ => return Err(RefError::Output),
                },
            };
            Ok(Reference::Step { step, output })
        }
        _ => Err(RefError::Kind),
    }
}

/// Whether a field carries a secret (masked wherever it is shown), so may use `{{secret.…}}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    Plain,
    Secret,
}

/// Every templated field of a step, named as in the file.
pub fn step_fields(step: &Step) -> Vec<(String, FieldKind, &str)> {
    fn plain(name: String, value: &str) -> (String, FieldKind, &str) {
        (name, FieldKind::Plain, value)
    }
    let mut fields: Vec<(String, FieldKind, &str)> = Vec::new();
    match &step.action {
        Action::Token(t) => {
            if let Some(u) = &t.username {
                fields.push(plain("token.username".into(), u.as_str()));
            }
            if let Some(p) = &t.password {
                fields.push(("token.password".into(), FieldKind::Secret, p.as_str()));
            }
            if let Some(r) = &t.refresh_token {
                fields.push(("token.refresh_token".into(), FieldKind::Secret, r.as_str()));
            }
            if let Some(a) = &t.assertion {
                fields.push(plain("token.assertion".into(), a.as_str()));
            }
            if let Some(u) = &t.requested_token_use {
                fields.push(plain("token.requested_token_use".into(), u.as_str()));
            }
            fields.extend(common(
                "token",
                &t.audience,
                &t.resource,
                &t.scope,
                &t.params,
            ));
        }
        Action::Exchange(e) => {
            fields.push(plain(
                "exchange.subject_token".into(),
                e.subject_token.as_str(),
            ));
            fields.push(plain(
                "exchange.subject_token_type".into(),
                e.subject_token_type.as_str(),
            ));
            for (name, value) in [
                ("actor_token", &e.actor_token),
                ("actor_token_type", &e.actor_token_type),
                ("requested_token_type", &e.requested_token_type),
            ] {
                if let Some(v) = value {
                    fields.push(plain(format!("exchange.{name}"), v.as_str()));
                }
            }
            fields.extend(common(
                "exchange",
                &e.audience,
                &e.resource,
                &e.scope,
                &e.params,
            ));
        }
        Action::Introspect(i) => {
            fields.push(plain("introspect.token".into(), i.token.as_str()));
        }
        Action::Inspect(i) => {
            fields.push(plain("inspect.token".into(), i.token.as_str()));
        }
        Action::Lab(_) => {}
    }
    fields
}

fn common<'a>(
    prefix: &str,
    audience: &'a [String],
    resource: &'a [String],
    scope: &'a Option<String>,
    params: &'a BTreeMap<String, String>,
) -> Vec<(String, FieldKind, &'a str)> {
    let mut v = Vec::new();
    for a in audience {
        v.push((format!("{prefix}.audience"), FieldKind::Plain, a.as_str()));
    }
    for r in resource {
        v.push((format!("{prefix}.resource"), FieldKind::Plain, r.as_str()));
    }
    if let Some(s) = scope {
        v.push((format!("{prefix}.scope"), FieldKind::Plain, s.as_str()));
    }
    for (name, value) in params {
        v.push((
            format!("{prefix}.params.{name}"),
            FieldKind::Plain,
            value.as_str(),
        ));
    }
    v
}

/// The environment a run uses: the named one (or the collection's first), with `overrides`
/// (such as the lab's URL) on top, every value resolved.
pub fn resolve_environment(
    collection: &Collection,
    scenario: &Scenario,
    name: Option<&str>,
    overrides: &BTreeMap<String, String>,
) -> Result<ResolvedEnv, ResolveError> {
    environment_values(collection, name, overrides).map_err(|(field, problem)| ResolveError {
        scenario: scenario.id.clone(),
        step: None,
        field,
        problem: Box::new(problem),
    })
}

/// [`resolve_environment`] outside any scenario; the error is the field (`env.NAME`) and what is
/// wrong with it.
pub fn environment_values(
    collection: &Collection,
    name: Option<&str>,
    overrides: &BTreeMap<String, String>,
) -> Result<ResolvedEnv, (Option<String>, Problem)> {
    let (env_name, mut raw) = match name {
        Some(n) => {
            let env = collection.environment(n).ok_or_else(|| {
                (
                    None,
                    Problem::UnknownEnvironment {
                        name: n.to_string(),
                        known: known(collection.environments.iter().map(|e| e.name.as_str())),
                    },
                )
            })?;
            (Some(env.name.clone()), env.variables.clone())
        }
        None => match collection.environments.first() {
            Some(env) => (Some(env.name.clone()), env.variables.clone()),
            None => (None, BTreeMap::new()),
        },
    };
    raw.extend(overrides.iter().map(|(k, v)| (k.clone(), v.clone())));
    let mut values = BTreeMap::new();
    for name in raw.keys() {
        let mut path = Vec::new();
        let value = resolve_variable(name, &raw, &mut path, &env_name)
            .map_err(|problem| (Some(format!("env.{name}")), problem))?;
        values.insert(name.clone(), value);
    }
    Ok(ResolvedEnv {
        name: env_name,
        values,
        data: None,
    })
}

fn resolve_variable(
    name: &str,
    raw: &BTreeMap<String, String>,
    path: &mut Vec<String>,
    env_name: &Option<String>,
) -> Result<String, Problem> {
    let written = format!("{{{{env.{name}}}}}");
    if path.iter().any(|p| p == name) {
        let mut cycle = path.clone();
        cycle.push(name.to_string());
        return Err(Problem::Cycle {
            written,
            cycle: cycle.join(" → "),
        });
    }
    let Some(text) = raw.get(name) else {
        return Err(Problem::MissingVariable {
            written,
            name: name.to_string(),
            environment: env_label(env_name),
            known: known(raw.keys().map(String::as_str)),
        });
    };
    path.push(name.to_string());
    let mut out = String::new();
    for part in parse_template(text)? {
        match part {
            Part::Text(t) => out.push_str(&t),
            Part::Ref {
                reference: Reference::Env(inner),
                ..
            } => out.push_str(&resolve_variable(&inner, raw, path, env_name)?),
            Part::Ref { written, .. } => {
                return Err(Problem::NotAllowedInEnv {
                    written: format!("{{{{env.{name}}}}}"),
                    used: written,
                });
            }
        }
    }
    path.pop();
    Ok(out)
}

fn env_label(name: &Option<String>) -> String {
    name.as_ref().map_or_else(
        || "(none: the collection has no environments)".into(),
        |n| format!("{n:?}"),
    )
}

fn known<'a>(names: impl Iterator<Item = &'a str>) -> String {
    let v: Vec<&str> = names.collect();
    if v.is_empty() {
        "none".into()
    } else {
        v.join(", ")
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolvedEnv {
    pub name: Option<String>,
    pub values: BTreeMap<String, String>,
    /// The row of iteration data this run uses (`{{data.NAME}}`), if any.
    pub data: Option<DataRow>,
}

/// One row of iteration data (`baton run --iteration-data`): its columns, and where it came from
/// for messages ("row 3 of users.csv").
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DataRow {
    /// Where the row came from, e.g. `row 3 of users.csv`.
    pub origin: String,
    pub values: BTreeMap<String, String>,
}

/// Checks every reference of a scenario before anything is sent: steps exist and come earlier,
/// variables and secrets exist, secrets are only where they are masked, clients and servers exist.
pub fn check_scenario(
    collection: &Collection,
    scenario: &Scenario,
    env: &ResolvedEnv,
    secrets: &dyn SecretSource,
) -> Result<(), ResolveError> {
    let at = |step: &Step, field: Option<String>, problem: Problem| ResolveError {
        scenario: scenario.id.clone(),
        step: Some(step.id.clone()),
        field,
        problem: Box::new(problem),
    };
    let mut seen: BTreeSet<&str> = BTreeSet::new();
    let all: Vec<&str> = scenario.steps.iter().map(|s| s.id.as_str()).collect();
    for step in &scenario.steps {
        if !seen.insert(step.id.as_str()) {
            return Err(at(step, None, Problem::DuplicateStep(step.id.clone())));
        }
        if let Some(client_id) = step.client() {
            let field = format!("{}.client", step.action.kind().as_str());
            let client = collection.client(client_id).ok_or_else(|| {
                at(
                    step,
                    Some(field.clone()),
                    Problem::UnknownClient {
                        client: client_id.to_string(),
                        known: known(collection.clients.iter().map(|c| c.id.as_str())),
                    },
                )
            })?;
            check_client(collection, client, env, secrets)
                .map_err(|(f, p)| at(step, Some(format!("client {:?}: {f}", client.id)), p))?;
        }
        if let Action::Inspect(i) = &step.action
            && let Some(server) = &i.server
            && collection.server(server).is_none()
        {
            return Err(at(
                step,
                Some("inspect.server".into()),
                Problem::UnknownServer {
                    server: server.clone(),
                    known: known(collection.servers.iter().map(|s| s.id.as_str())),
                },
            ));
        }
        let assertion_fields = step.assertions.iter().enumerate().flat_map(|(n, a)| {
            assertion_texts(a).into_iter().map(move |(name, text)| {
                (
                    format!("assertion {} ({name})", n.saturating_add(1)),
                    FieldKind::Plain,
                    text,
                )
            })
        });
        let fields: Vec<(String, FieldKind, &str)> = step_fields(step)
            .into_iter()
            .chain(assertion_fields)
            .collect();
        for (field, kind, text) in fields {
            let parts = parse_template(text).map_err(|p| at(step, Some(field.clone()), p))?;
            for part in parts {
                let Part::Ref { written, reference } = part else {
                    continue;
                };
                let problem = match reference {
                    Reference::Step { step: target, .. } => {
                        if target == step.id {
                            Some(Problem::SelfReference { written })
                        } else if seen.contains(target.as_str()) {
                            None
                        } else if all.contains(&target.as_str()) {
                            Some(Problem::LaterStep {
                                written,
                                step: target,
                            })
                        } else {
                            Some(Problem::UnknownStep {
                                written,
                                step: target,
                                known: known(all.iter().copied()),
                            })
                        }
                    }
                    Reference::Env(name) => env_problem(&written, &name, env),
                    Reference::Data(name) => data_problem(&written, &name, env),
                    Reference::Secret(name) => match kind {
                        FieldKind::Plain => Some(Problem::SecretNotAllowed {
                            written,
                            field: field.clone(),
                        }),
                        FieldKind::Secret => secret_problem(&written, &name, secrets),
                    },
                };
                if let Some(problem) = problem {
                    return Err(at(step, Some(field), problem));
                }
            }
        }
    }
    Ok(())
}

fn env_problem(written: &str, name: &str, env: &ResolvedEnv) -> Option<Problem> {
    (!env.values.contains_key(name)).then(|| Problem::MissingVariable {
        written: written.to_string(),
        name: name.to_string(),
        environment: env_label(&env.name),
        known: known(env.values.keys().map(String::as_str)),
    })
}

/// `user` of `{{data.user}}`.
fn data_column(written: &str) -> &str {
    written
        .trim_start_matches("{{")
        .trim_end_matches("}}")
        .trim()
        .trim_start_matches("data.")
}

fn data_problem(written: &str, name: &str, env: &ResolvedEnv) -> Option<Problem> {
    match &env.data {
        Some(row) if row.values.contains_key(name) => None,
        Some(row) => Some(Problem::MissingData {
            written: written.to_string(),
            row: row.origin.clone(),
            known: known(row.values.keys().map(String::as_str)),
        }),
        None => Some(Problem::NoIterationData {
            written: written.to_string(),
        }),
    }
}

fn secret_problem(written: &str, name: &str, secrets: &dyn SecretSource) -> Option<Problem> {
    secrets
        .secret(name)
        .is_none()
        .then(|| Problem::MissingSecret {
            written: written.to_string(),
            name: name.to_string(),
            env_var: crate::scenario::secrets::env_var_name(name),
        })
}

/// A client's server must exist; its URLs may use the environment only; its credentials must
/// be secrets that exist.
fn check_client(
    collection: &Collection,
    client: &crate::scenario::model::Client,
    env: &ResolvedEnv,
    secrets: &dyn SecretSource,
) -> Result<(), (String, Problem)> {
    let server = collection.server(&client.server).ok_or_else(|| {
        (
            "server".to_string(),
            Problem::UnknownServer {
                server: client.server.clone(),
                known: known(collection.servers.iter().map(|s| s.id.as_str())),
            },
        )
    })?;
    if let Some(preset) = &server.preset
        && crate::preset::Preset::find(preset).is_none()
    {
        return Err((
            format!("server {:?} preset", server.id),
            Problem::UnknownPreset {
                server: server.id.clone(),
                preset: preset.clone(),
                known: known(crate::preset::Preset::all().iter().map(|p| p.id.as_str())),
            },
        ));
    }
    let mut fields: Vec<(String, FieldKind, &str)> = vec![(
        format!("server {:?} token_endpoint", server.id),
        FieldKind::Plain,
        server.token_endpoint.as_str(),
    )];
    for (name, value) in [
        ("issuer", &server.issuer),
        ("jwks_uri", &server.jwks_uri),
        ("introspection_endpoint", &server.introspection_endpoint),
        ("authorization_endpoint", &server.authorization_endpoint),
        (
            "device_authorization_endpoint",
            &server.device_authorization_endpoint,
        ),
    ] {
        if let Some(v) = value {
            fields.push((
                format!("server {:?} {name}", server.id),
                FieldKind::Plain,
                v.as_str(),
            ));
        }
    }
    fields.push((
        "client_id".into(),
        FieldKind::Plain,
        client.client_id.as_str(),
    ));
    for (name, value) in [
        ("secret", &client.secret),
        ("private_key", &client.private_key),
        ("dpop_key", &client.dpop_key),
        ("certificate", &client.certificate),
        ("certificate_key", &client.certificate_key),
    ] {
        if let Some(v) = value {
            fields.push((name.to_string(), FieldKind::Secret, v.as_str()));
        }
    }
    for (field, kind, text) in fields {
        let parts = parse_template(text).map_err(|p| (field.clone(), p))?;
        for part in parts {
            let Part::Ref { written, reference } = part else {
                continue;
            };
            let problem = match (reference, kind) {
                (Reference::Env(name), _) => env_problem(&written, &name, env),
                (Reference::Secret(name), FieldKind::Secret) => {
                    secret_problem(&written, &name, secrets)
                }
                (Reference::Secret(_), FieldKind::Plain) => Some(Problem::SecretNotAllowed {
                    written,
                    field: field.clone(),
                }),
                (Reference::Data(name), _) => data_problem(&written, &name, env),
                (Reference::Step { .. }, _) => Some(Problem::NotAllowedInEnv {
                    written: field.clone(),
                    used: written,
                }),
            };
            if let Some(problem) = problem {
                return Err((field, problem));
            }
        }
    }
    Ok(())
}

/// The values of an assertion that may hold references, each named as in the file (`equals`,
/// `act_chain`): a claim's or response member's expected value, an error code, scopes, an
/// audience, the actors of a chain. Paths (`claim`, `response`) are never templates.
pub fn assertion_texts(a: &Assertion) -> Vec<(&'static str, &str)> {
    fn json_texts<'a>(name: &'static str, v: &'a Json, out: &mut Vec<(&'static str, &'a str)>) {
        match v {
            Json::String(s) => out.push((name, s.as_str())),
            Json::Array(items) => items.iter().for_each(|i| json_texts(name, i, out)),
            Json::Object(map) => map.values().for_each(|i| json_texts(name, i, out)),
            _ => {}
        }
    }
    let mut out = Vec::new();
    match a {
        Assertion::Error(e) => out.push(("error", e.as_str())),
        Assertion::Claim { check, .. } | Assertion::Response { check, .. } => match check {
            ClaimCheck::Equals(v) => json_texts("equals", v, &mut out),
            ClaimCheck::Contains(v) => json_texts("contains", v, &mut out),
            ClaimCheck::Matches(p) => out.push(("matches", p.as_str())),
            ClaimCheck::Exists | ClaimCheck::Absent => {}
        },
        Assertion::ScopeSubsetOf(scopes) => {
            out.extend(scopes.iter().map(|s| ("scope_subset_of", s.as_str())));
        }
        Assertion::AudContains(a) => out.push(("aud_contains", a.as_str())),
        Assertion::ActChain(actors) => {
            out.extend(actors.iter().map(|s| ("act_chain", s.as_str())));
        }
        Assertion::Status(_)
        | Assertion::ScopeSubsetOfSubject
        | Assertion::SubPreserved
        | Assertion::ActDepth(_)
        | Assertion::NoFindingsAtOrAbove(_)
        | Assertion::Unreachable
        | Assertion::RoundTrips(_) => {}
    }
    out
}

/// The first `{{…}}` reference written in the assertion's values, if it has one.
pub fn assertion_reference(a: &Assertion) -> Option<String> {
    assertion_texts(a).into_iter().find_map(|(_, text)| {
        let start = text.find("{{")?;
        let end = text[start..]
            .find("}}")
            .map_or(text.len(), |e| start + e + 2);
        Some(text[start..end].to_string())
    })
}

/// What an earlier step produced, for references to it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StepOutputs {
    pub access_token: Option<String>,
    pub refresh_token: Option<String>,
    pub id_token: Option<String>,
    pub issued_token_type: Option<String>,
    /// The claims of the step's token (or the introspection response).
    pub claims: Option<serde_json::Map<String, Json>>,
}

/// A resolved value: its text and, when it was exactly one step output, which step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved {
    pub text: String,
    pub from_step: Option<String>,
}

/// Why a checked reference still has no value at run time.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{written}: {reason}")]
pub struct Unavailable {
    pub written: String,
    pub reason: String,
}

/// Resolves references during a run. `check_scenario` has already passed, so what can fail here
/// is only what the run itself decides (a step that issued no token, a claim that is absent).
pub struct Resolver<'a> {
    pub env: &'a ResolvedEnv,
    pub secrets: &'a dyn SecretSource,
    pub outputs: &'a BTreeMap<String, StepOutputs>,
}

impl Resolver<'_> {
    pub fn plain(&self, text: &str) -> Result<Resolved, Unavailable> {
        self.resolve(text, false).map(|(r, _)| r)
    }

    /// A value that may contain secrets; it is kept in a [`Secret`].
    pub fn secret(&self, text: &str) -> Result<Secret, Unavailable> {
        self.resolve(text, true).map(|(r, _)| Secret::new(r.text))
    }

    /// An assertion with the references in its values resolved. A value that is exactly one
    /// `{{steps.ID.claims.PATH}}` becomes that claim as it is (a number stays a number, an
    /// array an array); in `matches`, a resolved value is matched literally, not as a pattern.
    pub fn assertion(&self, a: &Assertion) -> Result<Assertion, Unavailable> {
        let text = |t: &str| self.plain(t).map(|r| r.text);
        let texts = |v: &[String]| v.iter().map(|t| text(t)).collect::<Result<Vec<_>, _>>();
        let check = |c: &ClaimCheck| -> Result<ClaimCheck, Unavailable> {
            Ok(match c {
                ClaimCheck::Equals(v) => ClaimCheck::Equals(self.json(v)?),
                ClaimCheck::Contains(v) => ClaimCheck::Contains(self.json(v)?),
                ClaimCheck::Matches(p) => ClaimCheck::Matches(self.pattern(p)?),
                ClaimCheck::Exists => ClaimCheck::Exists,
                ClaimCheck::Absent => ClaimCheck::Absent,
            })
        };
        Ok(match a {
            Assertion::Error(e) => Assertion::Error(text(e)?),
            Assertion::Claim { path, check: c } => Assertion::Claim {
                path: path.clone(),
                check: check(c)?,
            },
            Assertion::Response { path, check: c } => Assertion::Response {
                path: path.clone(),
                check: check(c)?,
            },
            Assertion::ScopeSubsetOf(s) => Assertion::ScopeSubsetOf(texts(s)?),
            Assertion::AudContains(a) => Assertion::AudContains(text(a)?),
            Assertion::ActChain(c) => Assertion::ActChain(texts(c)?),
            other => other.clone(),
        })
    }

    fn json(&self, v: &Json) -> Result<Json, Unavailable> {
        Ok(match v {
            Json::String(s) => {
                let parts = parse_template(s).map_err(|p| Unavailable {
                    written: s.clone(),
                    reason: p.to_string(),
                })?;
                match parts.as_slice() {
                    [
                        Part::Ref {
                            written,
                            reference:
                                Reference::Step {
                                    step,
                                    output: Output::Claim(path),
                                },
                        },
                    ] => self
                        .claim_value(step, path)
                        .map_err(|reason| Unavailable {
                            written: written.clone(),
                            reason,
                        })?
                        .clone(),
                    _ => Json::String(self.plain(s)?.text),
                }
            }
            Json::Array(items) => Json::Array(
                items
                    .iter()
                    .map(|i| self.json(i))
                    .collect::<Result<_, _>>()?,
            ),
            Json::Object(map) => Json::Object(
                map.iter()
                    .map(|(k, v)| Ok((k.clone(), self.json(v)?)))
                    .collect::<Result<_, Unavailable>>()?,
            ),
            other => other.clone(),
        })
    }

    /// A pattern whose references are replaced by their values, each escaped.
    fn pattern(&self, p: &str) -> Result<String, Unavailable> {
        let parts = parse_template(p).map_err(|e| Unavailable {
            written: p.to_string(),
            reason: e.to_string(),
        })?;
        let mut out = String::new();
        for part in parts {
            match part {
                Part::Text(t) => out.push_str(&t),
                Part::Ref { written, .. } => {
                    out.push_str(&regex::escape(&self.plain(&written)?.text));
                }
            }
        }
        Ok(out)
    }

    fn resolve(&self, text: &str, allow_secrets: bool) -> Result<(Resolved, bool), Unavailable> {
        let parts = parse_template(text).map_err(|p| Unavailable {
            written: text.to_string(),
            reason: p.to_string(),
        })?;
        let single_step = match parts.as_slice() {
            [
                Part::Ref {
                    reference: Reference::Step { step, .. },
                    ..
                },
            ] => Some(step.clone()),
            _ => None,
        };
        let mut out = String::new();
        let mut used_secret = false;
        for part in parts {
            match part {
                Part::Text(t) => out.push_str(&t),
                Part::Ref { written, reference } => {
                    let unavailable = |reason: String| Unavailable {
                        written: written.clone(),
                        reason,
                    };
                    match reference {
                        Reference::Env(name) => match self.env.values.get(&name) {
                            Some(v) => out.push_str(v),
                            None => return Err(unavailable("no such variable".into())),
                        },
                        Reference::Data(name) => {
                            match self.env.data.as_ref().and_then(|d| d.values.get(&name)) {
                                Some(v) => {
                                    // A password or key from the data file is masked like a
                                    // secret wherever it is recorded.
                                    used_secret |= allow_secrets;
                                    out.push_str(v);
                                }
                                None => return Err(unavailable("no such data column".into())),
                            }
                        }
                        Reference::Secret(name) => {
                            if !allow_secrets {
                                return Err(unavailable(
                                    "a secret may not be used in this field".into(),
                                ));
                            }
                            match self.secrets.secret(&name) {
                                Some(s) => {
                                    used_secret = true;
                                    out.push_str(s.expose());
                                }
                                None => return Err(unavailable("no such secret".into())),
                            }
                        }
                        Reference::Step { step, output } => {
                            out.push_str(&self.step_output(&step, &output).map_err(unavailable)?);
                        }
                    }
                }
            }
        }
        Ok((
            Resolved {
                text: out,
                from_step: single_step,
            },
            used_secret,
        ))
    }

    fn step_output(&self, step: &str, output: &Output) -> Result<String, String> {
        let Some(o) = self.outputs.get(step) else {
            return Err(format!("step {step:?} did not run"));
        };
        let missing = |what: &str| format!("step {step:?} produced no {what}");
        match output {
            Output::AccessToken => o
                .access_token
                .clone()
                .ok_or_else(|| missing("access_token")),
            Output::RefreshToken => o
                .refresh_token
                .clone()
                .ok_or_else(|| missing("refresh_token")),
            Output::IdToken => o.id_token.clone().ok_or_else(|| missing("id_token")),
            Output::IssuedTokenType => o
                .issued_token_type
                .clone()
                .ok_or_else(|| missing("issued_token_type")),
            Output::Claim(path) => match self.claim_value(step, path)? {
                Json::String(s) => Ok(s.clone()),
                other => Ok(other.to_string()),
            },
        }
    }

    fn claim_value(&self, step: &str, path: &str) -> Result<&Json, String> {
        let Some(o) = self.outputs.get(step) else {
            return Err(format!("step {step:?} did not run"));
        };
        let claims = o
            .claims
            .as_ref()
            .ok_or_else(|| format!("step {step:?} has no token claims to read"))?;
        claim_at(claims, path).ok_or_else(|| format!("step {step:?}'s token has no claim {path:?}"))
    }
}

/// A claim by dotted path; a number selects an array element (`aud.0`).
pub fn claim_at<'a>(claims: &'a serde_json::Map<String, Json>, path: &str) -> Option<&'a Json> {
    let mut segments = path.split('.');
    let first = segments.next()?;
    let mut current = claims.get(first)?;
    for seg in segments {
        current = match current {
            Json::Object(map) => map.get(seg)?,
            Json::Array(items) => items.get(seg.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(current)
}
