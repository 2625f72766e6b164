//! `[probe]` in a collection file: written in a stable layout, read back as the same target in
//! both subject forms, and every mistake in it located at its line and column.

use std::collections::BTreeMap;
use std::path::Path;

use baton_core::auth::AuthMethod;
use baton_core::scenario::{
    Client, Collection, FirstGrant, GivenToken, ProbeSubject, ProbeTarget, Server, TokenStep,
};
use baton_store::files::{
    FileError, Item, Problem, parse_collection, save_collection_file, write_collection,
};

fn client(id: &str) -> Client {
    Client {
        id: id.into(),
        server: "lab".into(),
        client_id: id.into(),
        auth: AuthMethod::ClientSecretBasic,
        secret: Some(format!("{{{{secret.{id}}}}}")),
        private_key: None,
        key_id: None,
        dpop: false,
        dpop_key: None,
        certificate: None,
        certificate_key: None,
    }
}

fn obtained() -> ProbeSubject {
    ProbeSubject::Obtained(TokenStep {
        client: "alice-app".into(),
        grant: FirstGrant::ClientCredentials,
        username: None,
        password: None,
        refresh_token: None,
        assertion: None,
        requested_token_use: None,
        audience: vec!["documents-api".into()],
        resource: vec![],
        scope: Some("profile documents:read".into()),
        params: BTreeMap::from([("tenant".to_string(), "acme".to_string())]),
        omit: Vec::new(),
    })
}

fn given() -> ProbeSubject {
    ProbeSubject::Given(GivenToken {
        token: "{{env.subject}}".into(),
        token_type: "access_token".into(),
    })
}

/// A collection with the probe roles and a `[probe]` whose subject is `subject`.
pub fn probed(subject: ProbeSubject) -> Collection {
    Collection {
        name: "Probed".into(),
        description: None,
        servers: vec![Server {
            id: "lab".into(),
            name: None,
            issuer: Some("{{env.lab}}".into()),
            token_endpoint: "{{env.lab}}/token".into(),
            jwks_uri: None,
            introspection_endpoint: None,
            authorization_endpoint: None,
            device_authorization_endpoint: None,
            preset: None,
        }],
        clients: vec![client("alice-app"), client("agent-a"), client("agent-n")],
        environments: vec![],
        scenarios: vec![],
        probe: Some(ProbeTarget {
            server: "lab".into(),
            exchanger: "agent-a".into(),
            subject,
            actor: Some("agent-a".into()),
            attacker: Some("agent-n".into()),
            audience: Some("documents-api".into()),
            resource: None,
            scope: Some("documents:read".into()),
        }),
    }
}

#[test]
fn a_probe_target_is_written_in_a_stable_layout_before_the_scenarios() {
    let mut c = probed(obtained());
    c.scenarios = vec![baton_core::scenario::Scenario {
        id: "s".into(),
        name: "S".into(),
        description: None,
        steps: vec![],
        cache: false,
        cache_margin_secs: None,
    }];
    let text = write_collection(&c);
    let expected = r#"
[probe]
server = "lab"
exchanger = "agent-a"
subject = { client = "alice-app", grant = "client_credentials", audience = ["documents-api"], scope = "profile documents:read", params = { tenant = "acme" } }
actor = "agent-a"
attacker = "agent-n"
audience = "documents-api"
scope = "documents:read"

[[scenarios]]
"#;
    assert!(text.contains(expected), "{text}");
    assert_eq!(write_collection(&c), text, "the same text every time");

    let text = write_collection(&probed(given()));
    assert!(
        text.contains("subject = { token = \"{{env.subject}}\", type = \"access_token\" }\n"),
        "{text}"
    );
}

#[test]
fn both_subject_forms_read_back_as_written() {
    for subject in [obtained(), given()] {
        let c = probed(subject);
        let text = write_collection(&c);
        match parse_collection(&text, Path::new("p.baton.toml")) {
            Ok(read) => assert_eq!(read, c, "{text}"),
            Err(e) => panic!("{e}\n{text}"),
        }
    }
}

#[test]
fn the_issues_own_form_reads() {
    let text = format!("{BASE}{PROBE}");
    let c = parse_collection(&text, Path::new("p.baton.toml")).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(c.probe, probed(obtained_plain()).probe);
}

fn obtained_plain() -> ProbeSubject {
    ProbeSubject::Obtained(TokenStep {
        client: "alice-app".into(),
        grant: FirstGrant::ClientCredentials,
        username: None,
        password: None,
        refresh_token: None,
        assertion: None,
        requested_token_use: None,
        audience: vec![],
        resource: vec![],
        scope: Some("profile documents:read".into()),
        params: BTreeMap::new(),
        omit: Vec::new(),
    })
}

#[test]
fn a_subjects_literal_password_is_never_written_and_never_read() {
    let mut c = probed(obtained());
    if let Some(ProbeTarget {
        subject: ProbeSubject::Obtained(step),
        ..
    }) = &mut c.probe
    {
        step.grant = FirstGrant::Password;
        step.username = Some("alice".into());
        step.password = Some("alice-password".into());
    }
    let text = write_collection(&c);
    assert!(!text.contains("alice-password"), "{text}");
    assert!(
        text.contains("password = \"{{secret.alice.password}}\""),
        "{text}"
    );

    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("p.baton.toml");
    let err = save_collection_file(&path, &c).expect_err("a literal password is refused");
    assert!(
        matches!(err.problem(), Some(Problem::LiteralSecret { .. })),
        "{err}"
    );
    assert!(!path.exists());
}

// ---------------------------------------------------------------------------------------------
// Mistakes in [probe], each at its line and column

const BASE: &str = r#"format = 1
name = "Probed"

[[servers]]
id = "lab"
issuer = "{{env.lab}}"
token_endpoint = "{{env.lab}}/token"

[[clients]]
id = "alice-app"
server = "lab"
client_id = "alice-app"
auth = "client_secret_basic"
secret = "{{secret.alice-app}}"

[[clients]]
id = "agent-a"
server = "lab"
client_id = "agent-a"
auth = "client_secret_basic"
secret = "{{secret.agent-a}}"

[[clients]]
id = "agent-n"
server = "lab"
client_id = "agent-n"
auth = "client_secret_basic"
secret = "{{secret.agent-n}}"
"#;

/// Line 30 is `[probe]`.
const PROBE: &str = r#"
[probe]
server = "lab"
exchanger = "agent-a"
subject = { client = "alice-app", grant = "client_credentials", scope = "profile documents:read" }
actor = "agent-a"
attacker = "agent-n"
audience = "documents-api"
scope = "documents:read"
"#;

/// The error for BASE with PROBE, its first `from` replaced by `to`.
fn error_with(from: &str, to: &str) -> FileError {
    assert!(PROBE.contains(from), "{from:?} is not in PROBE");
    let text = format!("{BASE}{}", PROBE.replacen(from, to, 1));
    match parse_collection(&text, Path::new("f.baton.toml")) {
        Ok(c) => panic!("read without error: {:?}", c.probe),
        Err(e) => e,
    }
}

#[test]
fn an_unknown_client_in_a_role_is_named_at_its_line() {
    let err = error_with("exchanger = \"agent-a\"", "exchanger = \"agent-x\"");
    assert_eq!(
        err.to_string(),
        "f.baton.toml:32:13: [probe] exchanger names client \"agent-x\", which is not in this collection; expected one of its clients: \"alice-app\", \"agent-a\", \"agent-n\""
    );
    assert!(matches!(
        err.problem(),
        Some(Problem::UnknownReference {
            item: Item::Client,
            ..
        })
    ));

    let err = error_with("attacker = \"agent-n\"", "attacker = \"mallory\"");
    assert!(
        err.to_string()
            .starts_with("f.baton.toml:35:12: [probe] attacker names client \"mallory\""),
        "{err}"
    );
    let err = error_with("actor = \"agent-a\"", "actor = \"nobody\"");
    assert!(
        err.to_string()
            .starts_with("f.baton.toml:34:9: [probe] actor names client \"nobody\""),
        "{err}"
    );
    let err = error_with("client = \"alice-app\"", "client = \"alice\"");
    assert!(
        err.to_string()
            .starts_with("f.baton.toml:33:22: [probe] subject names client \"alice\""),
        "{err}"
    );
}

#[test]
fn an_unknown_server_is_named_with_the_known_ones() {
    let err = error_with("server = \"lab\"", "server = \"idp\"");
    assert_eq!(
        err.to_string(),
        "f.baton.toml:31:10: [probe] server names server \"idp\", which is not in this collection; expected one of its servers: \"lab\""
    );
}

#[test]
fn a_typo_in_probe_is_located_and_lists_the_keys() {
    let err = error_with("exchanger =", "exchangr =");
    let message = err.to_string();
    assert!(
        message.starts_with("f.baton.toml:32:1: unknown field `exchangr`, expected one of `server`, `exchanger`, `subject`"),
        "{message}"
    );
    let err = error_with("exchanger = \"agent-a\"\n", "");
    assert_eq!(
        err.to_string(),
        "f.baton.toml:30:1: missing field `exchanger`"
    );
}

#[test]
fn a_typo_inside_the_subject_names_the_key() {
    let err = error_with(
        "grant = \"client_credentials\"",
        "grnt = \"client_credentials\"",
    );
    assert_eq!(
        err.to_string(),
        "f.baton.toml:33:35: unknown field `grnt`, expected one of `client`, `grant`, `username`, `password`, `refresh_token`, `assertion`, `requested_token_use`, `audience`, `resource`, `scope`, `params`, `omit`"
    );

    let err = error_with("client_credentials", "client_credential");
    assert_eq!(
        err.to_string(),
        "f.baton.toml:33:43: unknown variant `client_credential`, expected one of `client_credentials`, `password`, `refresh_token`, `authorization_code`, `jwt_bearer`, `device_code`"
    );

    let err = error_with(
        "{ client = \"alice-app\", grant = \"client_credentials\", scope = \"profile documents:read\" }",
        "{ token = \"{{env.subject}}\", kind = \"access_token\" }",
    );
    assert_eq!(
        err.to_string(),
        "f.baton.toml:33:40: unknown field `kind`, expected `token` or `type`"
    );

    let err = error_with(
        "{ client = \"alice-app\", grant = \"client_credentials\", scope = \"profile documents:read\" }",
        "\"a-token\"",
    );
    assert_eq!(
        err.to_string(),
        "f.baton.toml:33:11: `subject` must be a table: a token step's fields ({ client = \"…\", grant = \"client_credentials\" }) or a given token ({ token = \"…\", type = \"access_token\" }), not string"
    );
}

#[test]
fn a_literal_password_in_the_subject_is_located() {
    let err = error_with(
        "grant = \"client_credentials\"",
        "grant = \"password\", username = \"alice\", password = \"hunter2\"",
    );
    let message = err.to_string();
    assert!(message.starts_with("f.baton.toml:33:"), "{message}");
    assert!(!message.contains("hunter2"), "{message}");
    assert!(
        message.contains("password = \"{{secret.alice.password}}\""),
        "{message}"
    );
}

/// The user documentation's `[probe]` example is a target Baton reads.
#[test]
fn the_documented_probe_example_reads() {
    let doc = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/collection-format.md");
    let doc = std::fs::read_to_string(doc).expect("docs/collection-format.md");
    let example = doc
        .split("```toml\n")
        .filter_map(|block| block.split_once("```").map(|(b, _)| b))
        .find(|b| b.starts_with("[probe]\n"))
        .expect("a [probe] example");
    let text = format!("{BASE}\n{example}");
    let c = parse_collection(&text, Path::new("doc.baton.toml")).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(c.probe, probed(obtained_plain()).probe);
}
