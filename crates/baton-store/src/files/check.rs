//! What a collection must hold to beyond its shape: ids that are unique, clients and servers
//! that exist where they are named, and secrets only by reference. Checked on the typed
//! collection, so the same rules guard reading a file and saving one; each finding carries the
//! path of the value it is about, which the reader turns into a line and column.

use std::collections::BTreeMap;

use baton_core::request::{RESERVED, omittable};
use baton_core::scenario::secrets::env_var_name;
use baton_core::scenario::{Action, Client, Collection, ProbeSubject, TokenStep};
use serde_json::Value as Json;

use super::error::{Item, Problem};

/// One step of a path into the document: a key of a table or an index into an array.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Seg {
    Key(&'static str),
    /// A key the user chose (a parameter's name).
    Name(String),
    Index(usize),
}

pub(crate) type DocPath = Vec<Seg>;

#[derive(Debug)]
pub(crate) struct Finding {
    /// The value the finding is about.
    pub at: DocPath,
    /// For a duplicate, the first of the two.
    pub first: Option<DocPath>,
    pub problem: Problem,
}

use Seg::{Index, Key, Name};

/// Every finding, in the order of the collection.
pub(crate) fn check(c: &Collection) -> Vec<Finding> {
    let mut findings = Vec::new();
    let server_ids: Vec<String> = c.servers.iter().map(|s| s.id.clone()).collect();
    let client_ids: Vec<String> = c.clients.iter().map(|c| c.id.clone()).collect();

    duplicates(
        &mut findings,
        Item::Server,
        None,
        c.servers.iter().map(|s| s.id.as_str()),
        |i| vec![Key("servers"), Index(i), Key("id")],
    );
    duplicates(
        &mut findings,
        Item::Client,
        None,
        c.clients.iter().map(|c| c.id.as_str()),
        |i| vec![Key("clients"), Index(i), Key("id")],
    );
    for (i, client) in c.clients.iter().enumerate() {
        if !server_ids.contains(&client.server) {
            findings.push(Finding {
                at: vec![Key("clients"), Index(i), Key("server")],
                first: None,
                problem: Problem::UnknownReference {
                    from: format!("client {:?}", client.id),
                    item: Item::Server,
                    id: client.server.clone(),
                    known: server_ids.clone(),
                },
            });
        }
        let name = client_secret_name(client);
        for (field, value, reference) in [
            ("secret", &client.secret, name.to_string()),
            (
                "private_key",
                &client.private_key,
                format!("{name}.private_key"),
            ),
        ] {
            if let Some(value) = value
                && !names_value_kept_outside(value)
            {
                findings.push(Finding {
                    at: vec![Key("clients"), Index(i), Key(field)],
                    first: None,
                    problem: literal_secret(field, &reference),
                });
            }
        }
    }
    duplicates(
        &mut findings,
        Item::Environment,
        None,
        c.environments.iter().map(|e| e.name.as_str()),
        |i| vec![Key("environments"), Index(i), Key("name")],
    );
    duplicates(
        &mut findings,
        Item::Scenario,
        None,
        c.scenarios.iter().map(|s| s.id.as_str()),
        |i| vec![Key("scenarios"), Index(i), Key("id")],
    );
    for (i, scenario) in c.scenarios.iter().enumerate() {
        duplicates(
            &mut findings,
            Item::Step,
            Some(&scenario.id),
            scenario.steps.iter().map(|s| s.id.as_str()),
            |j| {
                vec![
                    Key("scenarios"),
                    Index(i),
                    Key("steps"),
                    Index(j),
                    Key("id"),
                ]
            },
        );
        for (j, step) in scenario.steps.iter().enumerate() {
            let at = |field: &'static str| {
                vec![
                    Key("scenarios"),
                    Index(i),
                    Key("steps"),
                    Index(j),
                    Key(step.action.kind().as_str()),
                    Key(field),
                ]
            };
            let from = format!("step {:?} of scenario {:?}", step.id, scenario.id);
            if let Some(client) = step.client()
                && !client_ids.iter().any(|c| c == client)
            {
                findings.push(Finding {
                    at: at("client"),
                    first: None,
                    problem: Problem::UnknownReference {
                        from: from.clone(),
                        item: Item::Client,
                        id: client.to_string(),
                        known: client_ids.clone(),
                    },
                });
            }
            if let Action::Inspect(inspect) = &step.action
                && let Some(server) = &inspect.server
                && !server_ids.contains(server)
            {
                findings.push(Finding {
                    at: at("server"),
                    first: None,
                    problem: Problem::UnknownReference {
                        from,
                        item: Item::Server,
                        id: server.clone(),
                        known: server_ids.clone(),
                    },
                });
            }
            for (mut path, why) in request_problems(&step.action) {
                let mut at = vec![
                    Key("scenarios"),
                    Index(i),
                    Key("steps"),
                    Index(j),
                    Key(step.action.kind().as_str()),
                ];
                at.append(&mut path);
                findings.push(Finding {
                    at,
                    first: None,
                    problem: Problem::Request {
                        step: step.id.clone(),
                        scenario: scenario.id.clone(),
                        why,
                    },
                });
            }
            if let Action::Token(token) = &step.action
                && let Some(password) = &token.password
                && !names_value_kept_outside(password)
            {
                let who = password_owner(token.username.as_deref(), &step.id);
                findings.push(Finding {
                    at: at("password"),
                    first: None,
                    problem: literal_secret("password", &format!("{who}.password")),
                });
            }
        }
    }
    check_probe(&mut findings, c, &server_ids, &client_ids);
    findings
}

/// What a token or exchange step's request would break, each with the path (within the action)
/// of the value at fault: an empty required parameter, a standard parameter in `params`, an
/// `omit` of something Baton does not send. A step that means it (a negative test) says so
/// with `omit`.
fn request_problems(action: &Action) -> Vec<(DocPath, String)> {
    let (omit, params) = match action {
        Action::Token(t) => (&t.omit, &t.params),
        Action::Exchange(e) => (&e.omit, &e.params),
        _ => return Vec::new(),
    };
    let mut problems = Vec::new();
    let omitted = |name: &str| omit.iter().any(|o| o == name);
    let negative_test = |name: &str| {
        format!("to send such a request on purpose (a negative test), write omit = [\"{name}\"]")
    };
    if let Action::Token(t) = action
        && t.grant.is_interactive()
        && !omit.is_empty()
    {
        problems.push((
            vec![Key("omit")],
            format!(
                "`omit` applies to requests Baton builds; a {} step's requests are made by the sign-in",
                t.grant.as_str()
            ),
        ));
    }
    for (n, name) in omit.iter().enumerate() {
        if !omittable().contains(&name.as_str()) {
            let why = if RESERVED.contains(&name.as_str()) {
                format!(
                    "omit names {name:?}: client authentication follows the client's `auth`, and cannot be omitted"
                )
            } else {
                format!(
                    "omit names {name:?}, which is not a standard parameter; it can omit {}",
                    omittable().join(", ")
                )
            };
            problems.push((vec![Key("omit"), Index(n)], why));
        }
    }
    for name in params.keys() {
        let at = vec![Key("params"), Name(name.clone())];
        if name.trim().is_empty() {
            problems.push((at, "params has a parameter with an empty name".to_owned()));
        } else if RESERVED.contains(&name.as_str()) && !omitted(name) {
            let why = if omittable().contains(&name.as_str()) {
                format!(
                    "params.{name} is a standard parameter, which Baton sends itself from the step's own fields; to send your own value instead (a negative test), also write omit = [\"{name}\"]"
                )
            } else {
                format!(
                    "params.{name}: client authentication follows the client's `auth`, not a parameter"
                )
            };
            problems.push((at, why));
        }
    }
    if let Action::Exchange(e) = action {
        for (field, value) in [
            ("subject_token", &e.subject_token),
            ("subject_token_type", &e.subject_token_type),
        ] {
            if value.trim().is_empty() && !omitted(field) {
                problems.push((
                    vec![Key(field)],
                    format!(
                        "{field} is empty, and RFC 8693 §2.1 requires it; {}",
                        negative_test(field)
                    ),
                ));
            }
        }
        let pair = [
            ("actor_token", &e.actor_token, "actor_token_type"),
            ("actor_token_type", &e.actor_token_type, "actor_token"),
        ];
        for (field, value, other) in pair {
            let given = value.as_deref().is_some_and(|v| !v.trim().is_empty());
            let other_given = match other {
                "actor_token" => e.actor_token.as_deref(),
                _ => e.actor_token_type.as_deref(),
            }
            .is_some_and(|v| !v.trim().is_empty());
            if given && !other_given && !omitted(other) {
                problems.push((
                    vec![Key(field)],
                    format!(
                        "{field} is given without {other}, and RFC 8693 §2.1 requires both or neither; {}",
                        negative_test(other)
                    ),
                ));
            }
        }
    }
    problems
}

/// `[probe]`: its server and every client it names are the collection's, and the subject's
/// password, when it has one, is a reference.
fn check_probe(
    findings: &mut Vec<Finding>,
    c: &Collection,
    server_ids: &[String],
    client_ids: &[String],
) {
    let Some(probe) = &c.probe else { return };
    let mut unknown = |at: DocPath, from: &str, item: Item, id: &str| {
        let known = match item {
            Item::Server => server_ids,
            _ => client_ids,
        };
        if !known.iter().any(|k| k == id) {
            findings.push(Finding {
                at,
                first: None,
                problem: Problem::UnknownReference {
                    from: from.to_string(),
                    item,
                    id: id.to_string(),
                    known: known.to_vec(),
                },
            });
        }
    };
    unknown(
        vec![Key("probe"), Key("server")],
        "[probe] server",
        Item::Server,
        &probe.server,
    );
    unknown(
        vec![Key("probe"), Key("exchanger")],
        "[probe] exchanger",
        Item::Client,
        &probe.exchanger,
    );
    if let ProbeSubject::Obtained(step) = &probe.subject {
        unknown(
            vec![Key("probe"), Key("subject"), Key("client")],
            "[probe] subject",
            Item::Client,
            &step.client,
        );
    }
    for (field, id) in [("actor", &probe.actor), ("attacker", &probe.attacker)] {
        if let Some(id) = id {
            unknown(
                vec![Key("probe"), Key(field)],
                &format!("[probe] {field}"),
                Item::Client,
                id,
            );
        }
    }
    if let ProbeSubject::Obtained(step) = &probe.subject
        && let Some(password) = &step.password
        && !names_value_kept_outside(password)
    {
        let who = password_owner(step.username.as_deref(), "subject");
        findings.push(Finding {
            at: vec![Key("probe"), Key("subject"), Key("password")],
            first: None,
            problem: literal_secret("password", &format!("{who}.password")),
        });
    }
}

/// Values a file cannot hold, which only a collection built in memory can have: checked before
/// saving. Each is named by scenario, step and assertion, since there is no line to point at.
pub(crate) fn unwritable(c: &Collection) -> Vec<Problem> {
    let mut problems = Vec::new();
    for scenario in &c.scenarios {
        for step in &scenario.steps {
            for (n, assertion) in step.assertions.iter().enumerate() {
                let holds_null = serde_json::to_value(assertion).is_ok_and(|v| contains_null(&v));
                if holds_null {
                    problems.push(Problem::NotRepresentable {
                        what: format!(
                            "assertion {} of step {:?} in scenario {:?}",
                            n + 1,
                            step.id,
                            scenario.id
                        ),
                    });
                }
            }
        }
    }
    problems
}

fn contains_null(v: &Json) -> bool {
    match v {
        Json::Null => true,
        Json::Array(a) => a.iter().any(contains_null),
        Json::Object(o) => o.values().any(contains_null),
        _ => false,
    }
}

/// A finding for each id seen before, pointing at the later one.
fn duplicates<'a>(
    findings: &mut Vec<Finding>,
    item: Item,
    scenario: Option<&str>,
    ids: impl Iterator<Item = &'a str>,
    path: impl Fn(usize) -> DocPath,
) {
    let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
    for (i, id) in ids.enumerate() {
        match seen.get(id) {
            Some(&first) => findings.push(Finding {
                at: path(i),
                first: Some(path(first)),
                problem: Problem::Duplicate {
                    item,
                    id: id.to_string(),
                    scenario: scenario.map(str::to_string),
                    first_line: None,
                },
            }),
            None => {
                seen.insert(id, i);
            }
        }
    }
}

fn literal_secret(field: &'static str, name: &str) -> Problem {
    Problem::LiteralSecret {
        field,
        reference: format!("{{{{secret.{name}}}}}"),
        env_var: env_var_name(name),
    }
}

/// Whether a secret field holds no secret itself: exactly one `{{secret.NAME}}` reference, or a
/// `{{data.COLUMN}}` of the run's iteration data (a file given to `baton run`, not kept in the
/// collection; the value is masked like a secret's).
pub(crate) fn names_value_kept_outside(value: &str) -> bool {
    is_secret_reference(value) || is_data_reference(value)
}

/// Whether `value` is exactly one `{{secret.NAME}}` reference and nothing else.
pub(crate) fn is_secret_reference(value: &str) -> bool {
    is_single_reference(value, "secret.")
}

/// Whether `value` is exactly one `{{data.COLUMN}}` reference and nothing else.
fn is_data_reference(value: &str) -> bool {
    is_single_reference(value, "data.")
}

/// Whether `value` is exactly one `{{KIND.NAME}}` reference (`kind` with its dot) and nothing else.
fn is_single_reference(value: &str, kind: &str) -> bool {
    value
        .strip_prefix("{{")
        .and_then(|v| v.strip_suffix("}}"))
        .and_then(|inner| inner.trim().strip_prefix(kind))
        .is_some_and(|name| {
            !name.is_empty()
                && !name
                    .chars()
                    .any(|c| c.is_whitespace() || c == '{' || c == '}')
        })
}

/// `name` if it can serve as a secret's name as it is (letters, digits, `.`, `-`, `_`).
fn plain_name(name: &str) -> Option<&str> {
    let plain = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'));
    plain.then_some(name)
}

/// The secret name suggested for a client's credentials: its `client_id`, as the lab names its
/// demo clients' secrets, or its id in the collection.
fn client_secret_name(client: &Client) -> &str {
    plain_name(&client.client_id).unwrap_or(&client.id)
}

/// Whose password a token step sends: its `username`, as the lab names its demo users'
/// passwords (`alice.password`), or the step's id.
fn password_owner<'a>(username: Option<&'a str>, step_id: &'a str) -> &'a str {
    username
        .and_then(plain_name)
        .or_else(|| plain_name(step_id))
        .unwrap_or("NAME")
}

/// The reference a literal secret is written as when a collection is exported, so that an
/// export never carries a secret: the same name the error message suggests.
pub(crate) fn replace_literal_secrets(c: &mut Collection) {
    for client in &mut c.clients {
        let name = client_secret_name(client).to_string();
        if let Some(s) = &mut client.secret
            && !names_value_kept_outside(s)
        {
            *s = format!("{{{{secret.{name}}}}}");
        }
        if let Some(k) = &mut client.private_key
            && !names_value_kept_outside(k)
        {
            *k = format!("{{{{secret.{name}.private_key}}}}");
        }
    }
    for scenario in &mut c.scenarios {
        for step in &mut scenario.steps {
            if let Action::Token(token) = &mut step.action {
                replace_password(token, &step.id);
            }
        }
    }
    if let Some(probe) = &mut c.probe
        && let ProbeSubject::Obtained(token) = &mut probe.subject
    {
        replace_password(token, "subject");
    }
}

fn replace_password(token: &mut TokenStep, step_id: &str) {
    let who = password_owner(token.username.as_deref(), step_id).to_string();
    if let Some(p) = &mut token.password
        && !names_value_kept_outside(p)
    {
        *p = format!("{{{{secret.{who}.password}}}}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_secret_reference_is_exactly_one_reference() {
        assert!(is_secret_reference("{{secret.web-app}}"));
        assert!(is_secret_reference("{{ secret.alice.password }}"));
        assert!(!names_value_kept_outside("{{secret.}}"));
        assert!(!names_value_kept_outside("hunter2"));
        assert!(!names_value_kept_outside("x{{secret.a}}"));
        assert!(!names_value_kept_outside("{{secret.a}}{{secret.b}}"));
        assert!(!names_value_kept_outside("{{env.a}}"));
    }
}
