//! Collection files: what is written, that it reads back as the same collection, and that every
//! mistake in a file is reported at its line and column with what was expected.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use baton_core::auth::AuthMethod;
use baton_core::findings::Severity;
use baton_core::scenario::{
    Action, Assertion, ClaimCheck, Client, Collection, Environment, ExchangeStep, FirstGrant,
    GivenToken, InspectStep, IntrospectStep, ProbeSubject, ProbeTarget, Scenario, Server, Step,
    TokenStep,
};
use baton_store::files::{
    FileError, Item, Problem, parse_collection, read_collection, read_folder, save_collection_file,
    write_collection,
};
use proptest::prelude::*;
use serde_json::json;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/files")
        .join(name)
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

fn lab() -> Server {
    Server {
        id: "lab".into(),
        name: Some("Baton lab".into()),
        issuer: Some("{{env.lab}}".into()),
        token_endpoint: "{{env.lab}}/token".into(),
        jwks_uri: Some("{{env.lab}}/jwks".into()),
        introspection_endpoint: Some("{{env.lab}}/introspect".into()),
        authorization_endpoint: None,
        device_authorization_endpoint: None,
        preset: None,
    }
}

fn client(id: &str, auth: AuthMethod) -> Client {
    Client {
        id: id.into(),
        server: "lab".into(),
        client_id: id.into(),
        auth,
        secret: Some(format!("{{{{secret.{id}}}}}")),
        private_key: None,
        key_id: None,
        dpop: false,
        dpop_key: None,
        certificate: None,
        certificate_key: None,
    }
}

fn step(id: &str, name: &str, action: Action, assertions: Vec<Assertion>) -> Step {
    Step {
        id: id.into(),
        name: name.into(),
        notes: None,
        action,
        assertions,
        retry: None,
        cache: None,
        cache_margin_secs: None,
        repeat: None,
    }
}

/// A collection with every kind of step and assertion, and text that needs care.
fn delegation() -> Collection {
    let mut signer = client("signer", AuthMethod::PrivateKeyJwt);
    signer.secret = None;
    signer.private_key = Some("{{secret.signer.private_key}}".into());
    signer.key_id = Some("key-1".into());
    let login = TokenStep {
        client: "web-app".into(),
        grant: FirstGrant::Password,
        username: Some("alice".into()),
        password: Some("{{secret.alice.password}}".into()),
        refresh_token: None,
        assertion: None,
        requested_token_use: None,
        audience: strings(&["orders-api"]),
        resource: vec![],
        scope: Some("orders:read payments:charge".into()),
        params: BTreeMap::new(),
        omit: Vec::new(),
    };
    let refresh = TokenStep {
        client: "web-app".into(),
        grant: FirstGrant::RefreshToken,
        username: None,
        password: None,
        refresh_token: Some("{{steps.login.refresh_token}}".into()),
        assertion: None,
        requested_token_use: None,
        audience: vec![],
        resource: strings(&["https://orders.example/"]),
        scope: None,
        params: BTreeMap::from([("prompt".to_string(), "none".to_string())]),
        omit: Vec::new(),
    };
    let service = TokenStep {
        client: "order-service".into(),
        grant: FirstGrant::ClientCredentials,
        username: None,
        password: None,
        refresh_token: None,
        assertion: None,
        requested_token_use: None,
        audience: vec![],
        resource: vec![],
        scope: None,
        params: BTreeMap::new(),
        omit: Vec::new(),
    };
    let swap = ExchangeStep {
        client: "order-service".into(),
        subject_token: "{{steps.login.access_token}}".into(),
        subject_token_type: "access_token".into(),
        actor_token: Some("{{steps.service.access_token}}".into()),
        actor_token_type: Some("access_token".into()),
        requested_token_type: Some("urn:ietf:params:oauth:token-type:jwt".into()),
        audience: strings(&["payments-api"]),
        resource: strings(&["https://payments.example/"]),
        scope: Some("payments:charge".into()),
        params: BTreeMap::from([
            ("x-trace".to_string(), "on".to_string()),
            ("tenant id".to_string(), "acme".to_string()),
        ]),
        omit: Vec::new(),
    };
    let mut swap_step = step(
        "swap",
        "The order service acts for Alice",
        Action::Exchange(swap),
        vec![
            Assertion::Status(200),
            Assertion::SubPreserved,
            Assertion::Claim {
                path: "act.sub".into(),
                check: ClaimCheck::Equals(json!("order-service")),
            },
            Assertion::Claim {
                path: "scope".into(),
                check: ClaimCheck::Contains(json!("payments:charge")),
            },
            Assertion::Claim {
                path: "iss".into(),
                check: ClaimCheck::Matches(r"^https?://[^/]+$".into()),
            },
            Assertion::Claim {
                path: "may_act".into(),
                check: ClaimCheck::Exists,
            },
            Assertion::Claim {
                path: "act.act".into(),
                check: ClaimCheck::Absent,
            },
            Assertion::Claim {
                path: "cnf".into(),
                check: ClaimCheck::Equals(json!({"jkt": "abc", "alg": ["ES256", 2, 2.5, true]})),
            },
            Assertion::ScopeSubsetOf(strings(&["payments:charge"])),
            Assertion::ScopeSubsetOfSubject,
            Assertion::AudContains("payments-api".into()),
            Assertion::ActChain(strings(&["order-service"])),
            Assertion::ActDepth(1),
            Assertion::NoFindingsAtOrAbove(Severity::Warning),
        ],
    );
    swap_step.notes = Some(
        "Delegation: the token is still about Alice (sub)\nand names the order service as the actor (act)."
            .into(),
    );
    Collection {
        probe: None,
        name: "Delegation \"by the book\"".into(),
        description: Some(
            "Alice's order, paid by a service acting for her.\nEvery step kind, every assertion kind.\n"
                .into(),
        ),
        servers: vec![lab()],
        clients: vec![
            client("web-app", AuthMethod::ClientSecretBasic),
            client("order-service", AuthMethod::ClientSecretPost),
            signer,
            Client {
                secret: None,
                ..client("public", AuthMethod::None)
            },
        ],
        environments: vec![
            Environment {
                name: "local".into(),
                variables: BTreeMap::from([
                    ("lab".to_string(), "http://127.0.0.1:8693".to_string()),
                    ("région".to_string(), "eu-west — Zürich".to_string()),
                ]),
            },
            Environment {
                name: "empty".into(),
                variables: BTreeMap::new(),
            },
        ],
        scenarios: vec![
            Scenario {
                id: "delegation".into(),
                name: "Order service acts for Alice".into(),
                description: None,
                steps: vec![
                    step(
                        "login",
                        "Alice signs in",
                        Action::Token(login),
                        vec![Assertion::Status(200)],
                    ),
                    step("service", "The service's token", Action::Token(service), vec![]),
                    swap_step,
                    step(
                        "refresh",
                        "Alice's token, refreshed",
                        Action::Token(refresh),
                        vec![Assertion::Error("invalid_grant".into())],
                    ),
                    step(
                        "audit",
                        "Introspect the exchanged token",
                        Action::Introspect(IntrospectStep {
                            client: "order-service".into(),
                            token: "{{steps.swap.access_token}}".into(),
                            token_type_hint: Some("access_token".into()),
                        }),
                        vec![Assertion::Claim {
                            path: "active".into(),
                            check: ClaimCheck::Equals(json!(true)),
                        }],
                    ),
                    step(
                        "look",
                        "Decode and verify it",
                        Action::Inspect(InspectStep {
                            token: "{{steps.swap.access_token}}".into(),
                            server: Some("lab".into()),
                        }),
                        vec![],
                    ),
                ],
                cache: false,
                cache_margin_secs: None,
            },
            Scenario {
                id: "empty".into(),
                name: "No steps yet".into(),
                description: Some("".into()),
                steps: vec![],
                cache: false,
                cache_margin_secs: None,
            },
        ],
    }
}

/// The layout is a decision, reviewed in the fixture; `BATON_BLESS=1` rewrites the fixture
/// after a deliberate change.
#[test]
fn a_collection_is_written_as_the_fixture_shows() {
    let path = fixture("delegation.baton.toml");
    let written = write_collection(&delegation());
    if std::env::var_os("BATON_BLESS").is_some() {
        fs::write(&path, &written).unwrap();
    }
    assert_eq!(written, fs::read_to_string(&path).unwrap_or_default());
}

#[test]
fn the_written_file_reads_back_as_the_same_collection() {
    let collection = delegation();
    let text = write_collection(&collection);
    let read = parse_collection(&text, Path::new("d.baton.toml"));
    assert_eq!(read.ok(), Some(collection));
    let from_file = read_collection(&fixture("delegation.baton.toml"));
    assert_eq!(from_file.ok(), Some(delegation()));
}

#[test]
fn written_text_is_stable() {
    let text = write_collection(&delegation());
    let again = parse_collection(&text, Path::new("d.baton.toml")).map(|c| write_collection(&c));
    assert_eq!(again.ok(), Some(text));
}

#[test]
fn an_empty_collection_round_trips() {
    let empty = Collection {
        probe: None,
        name: String::new(),
        description: None,
        servers: vec![],
        clients: vec![],
        environments: vec![],
        scenarios: vec![],
    };
    let text = write_collection(&empty);
    assert_eq!(
        text,
        "# Baton collection, format 1: docs/collection-format.md\nformat = 1\nname = \"\"\n"
    );
    assert_eq!(
        parse_collection(&text, Path::new("e.baton.toml")).ok(),
        Some(empty)
    );
}

#[test]
fn the_demo_collection_reads_and_round_trips() {
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/demo.baton.toml");
    let collection = match read_collection(&demo) {
        Ok(c) => c,
        Err(e) => panic!("{e}"),
    };
    assert_eq!(collection.scenarios.len(), 9);
    // Scenario 8's cache and repeat survive the round trip below.
    let cached = collection
        .scenario("payments-100")
        .and_then(|s| s.steps.iter().find(|s| s.id == "cached"))
        .unwrap();
    assert_eq!(
        (cached.cache, cached.repeat.map(|r| r.times)),
        (Some(true), Some(100))
    );
    let text = write_collection(&collection);
    assert_eq!(
        parse_collection(&text, &demo).ok(),
        Some(collection),
        "{text}"
    );
}

/// The user documentation's example is a file Baton reads, and exactly what Baton would write.
#[test]
fn the_documented_example_is_what_baton_writes() {
    let doc = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/collection-format.md");
    let doc = fs::read_to_string(doc).unwrap();
    let example = doc
        .split_once("```toml\n")
        .and_then(|(_, rest)| rest.split_once("```"))
        .map(|(example, _)| example)
        .unwrap();
    let collection = match parse_collection(example, Path::new("example.baton.toml")) {
        Ok(c) => c,
        Err(e) => panic!("{e}"),
    };
    assert_eq!(collection.scenarios[0].steps.len(), 3);
    assert_eq!(write_collection(&collection), example);
}

/// Strings that a naive writer gets wrong, in every kind of place a string goes.
#[test]
fn awkward_strings_round_trip_everywhere() {
    let awkward = [
        "",
        " ",
        "\"",
        "\"\"",
        "\"\"\"",
        "ends with a quote\"",
        "\\",
        "back\\slash\\",
        "\\n is not a newline",
        "line\nbreak",
        "\n",
        "\nleading newline",
        "trailing newline\n",
        "\"\"\"\n\"\"\"",
        "windows\r\nline",
        "tab\there",
        "bell\u{7}, escape \u{1b}, delete \u{7f}, nul \u{0}, c1 \u{85}",
        "'single' and 'quotes'''",
        "unicode: Zürich, 東京, emoji 🎫, rtl עברית, combining é",
        "{{env.x}} and {{steps.a.claims.act.sub}}",
        "# not a comment",
        "key = \"value\"",
        "[[not.a.table]]",
        "\u{feff}bom",
        "\u{2028}line separator",
    ];
    for s in awkward {
        let mut c = delegation();
        c.name = s.into();
        c.description = Some(s.into());
        c.servers[0].name = Some(s.into());
        c.environments[0].variables.insert(s.into(), s.into());
        c.scenarios[0].description = Some(s.into());
        let swap = &mut c.scenarios[0].steps[2];
        swap.notes = Some(s.into());
        swap.assertions.push(Assertion::Claim {
            path: s.into(),
            check: ClaimCheck::Equals(json!({ s: [s] })),
        });
        swap.assertions.push(Assertion::ActChain(vec![s.into()]));
        if let Action::Exchange(e) = &mut swap.action {
            // A parameter needs a name, and a standard one is sent through its own field.
            e.params.insert(format!("x-{s}"), s.into());
            e.scope = Some(s.into());
        }
        let text = write_collection(&c);
        let read = parse_collection(&text, Path::new("a.baton.toml"));
        match read {
            Ok(read) => {
                assert_eq!(read, c, "{s:?} in\n{text}");
                assert_eq!(write_collection(&read), text, "{s:?}");
            }
            Err(e) => panic!("{s:?}: {e}\n{text}"),
        }
    }
}

#[test]
fn claim_values_of_every_json_kind_round_trip() {
    let values = [
        json!(0),
        json!(-1),
        json!(i64::MIN),
        json!(u64::MAX),
        json!(0.5),
        json!(-0.0),
        json!(2.0),
        json!(1e300),
        json!(1.5e-7),
        json!(f64::MAX),
        json!(false),
        json!([]),
        json!({}),
        json!([1, "two", [3.0], { "four": 4 }]),
        json!({ "z": 1, "a": { "y": [], "b": "x" }, "key with space": 1 }),
    ];
    for v in values {
        let mut c = delegation();
        c.scenarios[0].steps[0].assertions = vec![
            Assertion::Claim {
                path: "x".into(),
                check: ClaimCheck::Equals(v.clone()),
            },
            Assertion::Claim {
                path: "x".into(),
                check: ClaimCheck::Contains(v.clone()),
            },
        ];
        let text = write_collection(&c);
        let read = parse_collection(&text, Path::new("j.baton.toml"));
        assert_eq!(read.as_ref().ok(), Some(&c), "{v}\n{text}");
        let rewritten = read.ok().map(|r| write_collection(&r));
        assert_eq!(rewritten, Some(text), "{v}");
    }
}

#[test]
fn a_step_is_laid_out_for_reading() {
    let text = write_collection(&delegation());
    // The action is a sub-table; the assertions are inline tables, one a line when many.
    assert!(text.contains(
        "\n[[scenarios.steps]]\nid = \"login\"\nname = \"Alice signs in\"\nassert = [{ status = 200 }]\n\n[scenarios.steps.token]\nclient = \"web-app\"\n"
    ));
    assert!(text.contains(
        "assert = [\n    { status = 200 },\n    { sub_preserved = true },\n    { claim = \"act.sub\", equals = \"order-service\" },\n"
    ));
    assert!(text.contains(
        "notes = \"\"\"\nDelegation: the token is still about Alice (sub)\nand names the order service as the actor (act).\"\"\"\n"
    ));
}

#[test]
fn a_literal_secret_is_never_written() {
    let mut c = delegation();
    c.clients[0].secret = Some("hunter2".into());
    c.clients[2].private_key = Some("-----BEGIN PRIVATE KEY-----".into());
    if let Action::Token(t) = &mut c.scenarios[0].steps[0].action {
        t.password = Some("alice-password".into());
    }
    let text = write_collection(&c);
    assert!(!text.contains("hunter2"));
    assert!(!text.contains("BEGIN PRIVATE KEY"));
    assert!(!text.contains("alice-password"));
    assert!(text.contains("secret = \"{{secret.web-app}}\""));
    assert!(text.contains("private_key = \"{{secret.signer.private_key}}\""));
    assert!(text.contains("password = \"{{secret.alice.password}}\""));
}

// ---------------------------------------------------------------------------------------------
// Saving and reading folders

#[test]
fn saving_replaces_the_file_whole_and_leaves_nothing_else() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("d.baton.toml");
    fs::write(&path, "old").unwrap();
    save_collection_file(&path, &delegation()).unwrap();
    assert_eq!(
        fs::read_to_string(&path).unwrap(),
        write_collection(&delegation())
    );
    let names: Vec<_> = fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, vec!["d.baton.toml"]);
    assert_eq!(read_collection(&path).ok(), Some(delegation()));
}

#[cfg(unix)]
#[test]
fn a_saved_file_keeps_its_permissions() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("private.baton.toml");
    fs::write(&path, "old").unwrap();
    fs::set_permissions(&path, fs::Permissions::from_mode(0o600)).unwrap();
    save_collection_file(&path, &delegation()).unwrap();
    let mode = fs::metadata(&path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
}

#[test]
fn a_collection_that_could_not_be_read_back_is_not_saved() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("d.baton.toml");
    fs::write(&path, "old").unwrap();

    let mut c = delegation();
    c.clients[1].secret = Some("s3cr3t".into());
    let err = save_collection_file(&path, &c).unwrap_err();
    assert!(
        matches!(
            err.problem(),
            Some(Problem::LiteralSecret {
                field: "secret",
                ..
            })
        ),
        "{err}"
    );
    assert!(!err.to_string().contains("s3cr3t"));

    let mut c = delegation();
    c.scenarios[0].steps[1].id = "login".into();
    let err = save_collection_file(&path, &c).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "{}: not saved: a second step in scenario \"delegation\" has the id \"login\"; each step of a scenario needs its own id",
            path.display()
        )
    );

    let mut c = delegation();
    c.scenarios[0].steps[0].assertions = vec![Assertion::Claim {
        path: "x".into(),
        check: ClaimCheck::Equals(serde_json::Value::Null),
    }];
    let err = save_collection_file(&path, &c).unwrap_err();
    assert!(
        err.to_string().contains(
            "assertion 1 of step \"login\" in scenario \"delegation\" holds null, which a TOML file cannot hold"
        ),
        "{err}"
    );

    let mut c = delegation();
    c.scenarios[0].steps[0].assertions = vec![Assertion::Claim {
        path: "x".into(),
        check: ClaimCheck::Matches("(unclosed".into()),
    }];
    let err = save_collection_file(&path, &c).unwrap_err();
    assert!(
        err.to_string().contains("`matches` is not a valid pattern"),
        "{err}"
    );

    assert_eq!(fs::read_to_string(&path).unwrap(), "old");
    assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
}

#[test]
fn saving_into_a_missing_folder_fails_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("missing/d.baton.toml");
    let err = save_collection_file(&path, &delegation()).unwrap_err();
    assert!(matches!(err, FileError::Write { .. }));
    assert!(
        err.to_string()
            .starts_with(&format!("{}: cannot save it: ", path.display()))
    );
}

#[test]
fn a_folder_is_read_in_name_order_and_other_files_are_ignored() {
    let found = read_folder(&fixture("folder")).unwrap();
    let names: Vec<_> = found
        .iter()
        .map(|(p, c)| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                c.name.clone(),
            )
        })
        .collect();
    assert_eq!(
        names,
        vec![
            ("a.baton.toml".to_string(), "A".to_string()),
            ("b.baton.toml".to_string(), "B".to_string()),
        ]
    );
}

#[test]
fn a_folder_with_a_broken_file_names_it() {
    let err = read_folder(&fixture("broken-folder")).unwrap_err();
    let path = fixture("broken-folder").join("b.baton.toml");
    assert_eq!(
        err.to_string(),
        format!("{}:6:1: missing field `token_endpoint`", path.display())
    );
}

#[test]
fn a_missing_file_is_named() {
    let path = fixture("nowhere.baton.toml");
    let err = read_collection(&path).unwrap_err();
    assert!(matches!(err, FileError::Read { .. }));
    assert!(
        err.to_string()
            .starts_with(&format!("{}: cannot read it: ", path.display()))
    );
}

#[test]
fn a_file_that_is_not_utf8_is_located() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bin.baton.toml");
    fs::write(&path, b"format = 1\nname = \"caf\xe9\"\n").unwrap();
    let err = read_collection(&path).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!("{}:2:12: the file is not UTF-8 text", path.display())
    );
}

// ---------------------------------------------------------------------------------------------
// Mistakes: each at its line and column, saying what was expected

/// The error for `text`, as shown: `f.baton.toml:LINE:COLUMN: message`.
fn error(text: &str) -> String {
    match parse_collection(text, Path::new("f.baton.toml")) {
        Ok(c) => panic!("read without error: {c:?}"),
        Err(e) => e.to_string(),
    }
}

fn problem(text: &str) -> Problem {
    match parse_collection(text, Path::new("f.baton.toml")) {
        Err(FileError::Invalid { problem, .. }) => problem,
        other => panic!("expected a mistake, got {other:?}"),
    }
}

const GOOD: &str = r#"# Baton collection, format 1: docs/collection-format.md
format = 1
name = "Good"

[[servers]]
id = "lab"
token_endpoint = "http://127.0.0.1:8693/token"

[[clients]]
id = "web-app"
server = "lab"
client_id = "web-app"
auth = "client_secret_basic"
secret = "{{secret.web-app}}"

[[environments]]
name = "local"

[[scenarios]]
id = "s"
name = "S"

[[scenarios.steps]]
id = "login"
name = "Log in"
assert = [{ status = 200 }, { claim = "sub", equals = "alice" }]

[scenarios.steps.token]
client = "web-app"
grant = "password"
username = "alice"
password = "{{secret.alice.password}}"

[[scenarios.steps]]
id = "look"
name = "Look"

[scenarios.steps.inspect]
token = "{{steps.login.access_token}}"
server = "lab"
"#;

/// GOOD with the first `from` replaced; it must be there.
fn good_with(from: &str, to: &str) -> String {
    assert!(GOOD.contains(from), "{from:?} is not in GOOD");
    GOOD.replacen(from, to, 1)
}

/// GOOD with the last `from` replaced.
fn good_with_last(from: &str, to: &str) -> String {
    match GOOD.rfind(from) {
        Some(i) => format!("{}{to}{}", &GOOD[..i], &GOOD[i + from.len()..]),
        None => panic!("{from:?} is not in GOOD"),
    }
}

#[test]
fn the_good_file_is_good() {
    let c = parse_collection(GOOD, Path::new("g.baton.toml")).unwrap();
    assert_eq!(c.scenarios[0].steps.len(), 2);
}

#[test]
fn a_syntax_error_is_located() {
    let text = good_with("name = \"Good\"", "name = \"Good");
    assert_eq!(
        error(&text),
        "f.baton.toml:3:13: not valid TOML: invalid basic string, expected `\"`"
    );
    let text = good_with("id = \"lab\"", "id = lab");
    assert!(
        error(&text).starts_with("f.baton.toml:6:6: not valid TOML: "),
        "{}",
        error(&text)
    );
    let text = good_with("format = 1\n", "format = 1\nformat = 1\n");
    assert!(
        error(&text).starts_with("f.baton.toml:3:1: not valid TOML: "),
        "{}",
        error(&text)
    );
}

#[test]
fn an_unknown_key_lists_the_expected_keys() {
    let text = good_with("token_endpoint =", "tokn_endpoint =");
    assert_eq!(
        error(&text),
        "f.baton.toml:7:1: unknown field `tokn_endpoint`, expected one of `id`, `name`, `issuer`, `token_endpoint`, `jwks_uri`, `introspection_endpoint`, `authorization_endpoint`, `device_authorization_endpoint`, `preset`"
    );
    let text = good_with("name = \"Good\"", "name = \"Good\"\ntitle = \"x\"");
    assert_eq!(
        error(&text),
        "f.baton.toml:4:1: unknown field `title`, expected one of `name`, `description`, `servers`, `clients`, `environments`, `scenarios`, `probe`"
    );
    let text = good_with_last("server = \"lab\"", "sever = \"lab\"");
    assert_eq!(
        error(&text),
        "f.baton.toml:40:1: unknown field `sever`, expected `token` or `server`"
    );
}

#[test]
fn a_wrong_type_says_what_was_expected() {
    let text = good_with("name = \"S\"", "name = 5");
    assert_eq!(
        error(&text),
        "f.baton.toml:21:8: expected a string, found integer `5`"
    );
    let text = good_with("{ status = 200 }", "{ status = \"200\" }");
    assert_eq!(
        error(&text),
        "f.baton.toml:26:22: expected a whole number from 0 to 65535, found string \"200\""
    );
    let text = good_with("auth = \"client_secret_basic\"", "auth = 1");
    assert_eq!(
        error(&text),
        "f.baton.toml:13:8: `auth` must be one of `client_secret_basic`, `client_secret_post`, `private_key_jwt`, `tls_client_auth`, `self_signed_tls_client_auth`, `none`, not integer"
    );
    let text = good_with("grant = \"password\"", "grant = \"pasword\"");
    assert_eq!(
        error(&text),
        "f.baton.toml:30:9: unknown variant `pasword`, expected one of `client_credentials`, `password`, `refresh_token`, `authorization_code`, `jwt_bearer`, `device_code`"
    );
    let text = good_with("[[clients]]", "[clients]");
    assert_eq!(
        error(&text),
        "f.baton.toml:9:1: expected an array, found a table"
    );
}

#[test]
fn a_missing_key_is_named_at_its_table() {
    let text = good_with("client_id = \"web-app\"\n", "");
    assert_eq!(error(&text), "f.baton.toml:9:1: missing field `client_id`");
    let text = good_with("name = \"Good\"\n", "");
    assert_eq!(error(&text), "f.baton.toml:1:1: missing field `name`");
}

#[test]
fn a_step_with_two_actions_or_none_is_located() {
    let text = good_with(
        "[scenarios.steps.inspect]",
        "[scenarios.steps.introspect]\nclient = \"web-app\"\ntoken = \"x\"\n\n[scenarios.steps.inspect]",
    );
    assert_eq!(
        error(&text),
        "f.baton.toml:34:1: step \"look\" has 2 actions (introspect, inspect); a step does exactly one"
    );
    let text = good_with(
        "\n[scenarios.steps.inspect]\ntoken = \"{{steps.login.access_token}}\"\nserver = \"lab\"\n",
        "",
    );
    assert_eq!(
        error(&text),
        "f.baton.toml:34:1: step \"look\" has no action: give it one of `token`, `exchange`, `introspect`, `inspect` or `lab`"
    );
}

#[test]
fn a_bad_assertion_is_located() {
    let text = good_with(
        "{ status = 200 }",
        "{ status = 200, error = \"invalid_scope\" }",
    );
    assert_eq!(
        error(&text),
        "f.baton.toml:26:11: one assertion checks one thing, this one has status, error; split it into one table per check"
    );
    let text = good_with(
        "{ claim = \"sub\", equals = \"alice\" }",
        "{ claim = \"sub\", equals = \"alice\", exists = true }",
    );
    assert_eq!(
        error(&text),
        "f.baton.toml:26:29: the assertion on claim \"sub\" has equals and exists; write one assertion per check"
    );
    let text = good_with("{ status = 200 }", "{ stauts = 200 }");
    assert_eq!(
        error(&text),
        "f.baton.toml:26:13: unknown field `stauts`, expected one of `status`, `error`, `claim`, `response`, `equals`, `contains`, `matches`, `exists`, `scope_subset_of`, `scope_subset_of_subject`, `aud_contains`, `sub_preserved`, `act_chain`, `act_depth`, `no_findings_at_or_above`, `unreachable`, `round_trips`"
    );
    let text = good_with("{ status = 200 }", "{}");
    assert!(
        error(&text)
            .starts_with("f.baton.toml:26:11: an assertion needs one of: status, error, claim"),
        "{}",
        error(&text)
    );
    let text = good_with(
        "{ claim = \"sub\", equals = \"alice\" }",
        "{ equals = \"alice\" }",
    );
    assert_eq!(
        error(&text),
        "f.baton.toml:26:29: `equals` needs `claim = \"PATH\"` or `response = \"MEMBER\"` to say what it checks"
    );
    let text = good_with("{ status = 200 }", "{ sub_preserved = false }");
    assert_eq!(
        error(&text),
        "f.baton.toml:26:11: `sub_preserved = false` asserts nothing; remove it, or write `sub_preserved = true`"
    );
}

/// GOOD with an exchange step after the others, its table's lines `exchange`.
fn good_with_exchange(exchange: &str) -> String {
    format!(
        "{GOOD}\n[[scenarios.steps]]\nid = \"swap\"\nname = \"Swap\"\n\n[scenarios.steps.exchange]\nclient = \"web-app\"\nsubject_token = \"{{{{steps.login.access_token}}}}\"\n{exchange}\n"
    )
}

#[test]
fn a_request_its_server_must_refuse_is_refused_when_read_with_its_line() {
    let text = good_with(
        "username = \"alice\"\n",
        "username = \"alice\"\nparams = { subject_token_type = \"\" }\n",
    );
    assert_eq!(
        error(&text),
        "f.baton.toml:32:33: step \"login\" of scenario \"s\": params.subject_token_type is a standard parameter, which Baton sends itself from the step's own fields; to send your own value instead (a negative test), also write omit = [\"subject_token_type\"]"
    );
    let text = good_with_exchange("subject_token_type = \"\"");
    assert_eq!(
        error(&text),
        "f.baton.toml:49:22: step \"swap\" of scenario \"s\": subject_token_type is empty, and RFC 8693 §2.1 requires it; to send such a request on purpose (a negative test), write omit = [\"subject_token_type\"]"
    );
    let text = good_with_exchange(
        "subject_token_type = \"access_token\"\nactor_token = \"{{steps.login.access_token}}\"",
    );
    assert_eq!(
        error(&text),
        "f.baton.toml:50:15: step \"swap\" of scenario \"s\": actor_token is given without actor_token_type, and RFC 8693 §2.1 requires both or neither; to send such a request on purpose (a negative test), write omit = [\"actor_token_type\"]"
    );
    let text =
        good_with_exchange("subject_token_type = \"jwt\"\nomit = [\"scope\", \"client_secret\"]");
    assert_eq!(
        error(&text),
        "f.baton.toml:50:18: step \"swap\" of scenario \"s\": omit names \"client_secret\": client authentication follows the client's `auth`, and cannot be omitted"
    );
    let text = good_with_exchange("subject_token_type = \"jwt\"\nomit = [\"subject_tokn\"]");
    assert!(
        error(&text).starts_with(
            "f.baton.toml:50:9: step \"swap\" of scenario \"s\": omit names \"subject_tokn\", which is not a standard parameter; it can omit grant_type, subject_token, subject_token_type,"
        ),
        "{}",
        error(&text)
    );

    // Said on purpose, the same requests are read, and the omission is kept.
    for exchange in [
        "subject_token_type = \"\"\nomit = [\"subject_token_type\"]",
        "subject_token_type = \"jwt\"\nomit = [\"subject_token_type\"]\nparams = { subject_token_type = \"\" }",
    ] {
        let c = parse_collection(&good_with_exchange(exchange), Path::new("f.baton.toml"))
            .unwrap_or_else(|e| panic!("{exchange}: {e}"));
        let Action::Exchange(e) = &c.scenarios[0].steps[2].action else {
            panic!("an exchange")
        };
        assert_eq!(e.omit, ["subject_token_type"]);
        let written = write_collection(&c);
        assert!(
            written.contains("omit = [\"subject_token_type\"]"),
            "{written}"
        );
    }
}

#[test]
fn the_format_key_is_required_and_checked() {
    let text = good_with("format = 1\n", "");
    assert_eq!(
        error(&text),
        "f.baton.toml:1:1: this file does not say its format: a Baton collection file starts with `format = 1`"
    );
    assert_eq!(problem(&text), Problem::MissingFormat);
    let text = good_with("format = 1", "format = 2");
    assert_eq!(
        error(&text),
        "f.baton.toml:2:10: this file is format 2, written by a newer Baton; this Baton reads format 1: update Baton to open it"
    );
    // A newer file may have keys this Baton does not know: the version is what to report.
    let text = good_with("format = 1\n", "format = 3\ncolour = \"blue\"\n");
    assert_eq!(problem(&text), Problem::NewerFormat { found: "3".into() });
    let text = good_with("format = 1", "format = 0");
    assert_eq!(
        error(&text),
        "f.baton.toml:2:10: there is no collection format 0; this Baton reads format 1"
    );
    let text = good_with("format = 1", "format = \"1\"");
    assert_eq!(
        error(&text),
        "f.baton.toml:2:10: `format` is the version of the file format, a whole number: write `format = 1`"
    );
    let text = good_with(
        "format = 1",
        "format = 99999999999999999999999999999999999999999",
    );
    assert!(matches!(problem(&text), Problem::NewerFormat { .. }));
}

#[test]
fn duplicate_ids_point_at_the_second() {
    let second_server = "\n[[servers]]\nid = \"lab\"\ntoken_endpoint = \"http://other/token\"\n";
    let text = good_with("\n[[clients]]", &format!("{second_server}\n[[clients]]"));
    assert_eq!(
        error(&text),
        "f.baton.toml:10:6: a second server has the id \"lab\" (the first is on line 6); each server needs its own id"
    );
    assert_eq!(
        problem(&text),
        Problem::Duplicate {
            item: Item::Server,
            id: "lab".into(),
            scenario: None,
            first_line: Some(6)
        }
    );

    let second_client = "\n[[clients]]\nid = \"web-app\"\nserver = \"lab\"\nclient_id = \"other\"\nauth = \"none\"\n";
    let text = good_with(
        "\n[[environments]]",
        &format!("{second_client}\n[[environments]]"),
    );
    assert_eq!(
        error(&text),
        "f.baton.toml:17:6: a second client has the id \"web-app\" (the first is on line 10); each client needs its own id"
    );

    let text = good_with(
        "name = \"local\"\n",
        "name = \"local\"\n\n[[environments]]\nname = \"local\"\n",
    );
    assert_eq!(
        error(&text),
        "f.baton.toml:20:8: a second environment is named \"local\" (the first is on line 17); each environment needs its own name"
    );

    let text = format!("{GOOD}\n[[scenarios]]\nid = \"s\"\nname = \"Again\"\n");
    assert_eq!(
        error(&text),
        "f.baton.toml:43:6: a second scenario has the id \"s\" (the first is on line 20); each scenario needs its own id"
    );

    let text = good_with("id = \"look\"", "id = \"login\"");
    assert_eq!(
        error(&text),
        "f.baton.toml:35:6: a second step in scenario \"s\" has the id \"login\" (the first is on line 24); each step of a scenario needs its own id"
    );

    // The same step id in two scenarios is fine.
    let text = format!(
        "{GOOD}\n[[scenarios]]\nid = \"t\"\nname = \"T\"\n\n[[scenarios.steps]]\nid = \"login\"\nname = \"Log in\"\n\n[scenarios.steps.token]\nclient = \"web-app\"\ngrant = \"client_credentials\"\n"
    );
    assert!(parse_collection(&text, Path::new("f.baton.toml")).is_ok());
}

#[test]
fn unknown_clients_and_servers_are_named_with_the_known_ones() {
    let text = good_with("server = \"lab\"\nclient_id", "server = \"lba\"\nclient_id");
    assert_eq!(
        error(&text),
        "f.baton.toml:11:10: client \"web-app\" names server \"lba\", which is not in this collection; expected one of its servers: \"lab\""
    );
    let text = good_with("client = \"web-app\"", "client = \"webapp\"");
    assert_eq!(
        error(&text),
        "f.baton.toml:29:10: step \"login\" of scenario \"s\" names client \"webapp\", which is not in this collection; expected one of its clients: \"web-app\""
    );
    let text = good_with_last("server = \"lab\"", "server = \"idp\"");
    assert_eq!(
        error(&text),
        "f.baton.toml:40:10: step \"look\" of scenario \"s\" names server \"idp\", which is not in this collection; expected one of its servers: \"lab\""
    );
    // Of several mistakes, the first in the file is reported.
    let text = good_with("server = \"lab\"\nclient_id", "server = \"lba\"\nclient_id").replacen(
        "client = \"web-app\"",
        "client = \"webapp\"",
        1,
    );
    assert!(error(&text).starts_with("f.baton.toml:11:10: "));
    // With no servers at all, there is nothing to choose from.
    let text = "format = 1\nname = \"x\"\n\n[[clients]]\nid = \"c\"\nserver = \"lab\"\nclient_id = \"c\"\nauth = \"none\"\n";
    assert_eq!(
        error(text),
        "f.baton.toml:6:10: client \"c\" names server \"lab\", which is not in this collection; the collection has no servers"
    );
}

#[test]
fn a_literal_secret_is_refused_without_repeating_it() {
    let text = good_with("secret = \"{{secret.web-app}}\"", "secret = \"hunter2\"");
    let message = error(&text);
    assert_eq!(
        message,
        "f.baton.toml:14:10: `secret` must name a secret, not hold one: a collection file never holds a secret. Write `secret = \"{{secret.web-app}}\"` and supply the value in the environment variable BATON_SECRET_WEB_APP or in Baton's secret store"
    );
    assert!(!message.contains("hunter2"));

    let text = good_with(
        "password = \"{{secret.alice.password}}\"",
        "password = \"alice-password\"",
    );
    let message = error(&text);
    assert_eq!(
        message,
        "f.baton.toml:32:12: `password` must name a secret, not hold one: a collection file never holds a secret. Write `password = \"{{secret.alice.password}}\"` and supply the value in the environment variable BATON_SECRET_ALICE_PASSWORD or in Baton's secret store"
    );

    let text = good_with(
        "secret = \"{{secret.web-app}}\"",
        "private_key = \"-----BEGIN PRIVATE KEY-----\\nMIG...\"",
    );
    let message = error(&text);
    assert!(
        message.starts_with("f.baton.toml:14:15: `private_key` must name a secret, not hold one"),
        "{message}"
    );
    assert!(message.contains("`private_key = \"{{secret.web-app.private_key}}\"`"));
    assert!(message.contains("BATON_SECRET_WEB_APP_PRIVATE_KEY"));
    assert!(!message.contains("MIG"));

    // Nor is a value of another type, which is not shown either.
    let text = good_with("secret = \"{{secret.web-app}}\"", "secret = 271828");
    assert_eq!(
        error(&text),
        "f.baton.toml:14:10: `secret` must be a `{{secret.NAME}}` reference, a string, not integer"
    );

    // A reference with more around it, or to something else, is not a secret reference either.
    for value in [
        "x{{secret.web-app}}",
        "{{env.secret}}",
        "{{secret.a}}{{secret.b}}",
    ] {
        let text = good_with(
            "secret = \"{{secret.web-app}}\"",
            &format!("secret = \"{value}\""),
        );
        assert!(
            matches!(problem(&text), Problem::LiteralSecret { .. }),
            "{value}"
        );
    }
}

#[test]
fn broken_fixture_files_are_located() {
    let cases = [
        (
            "literal-secret.baton.toml",
            15,
            10,
            "`secret` must name a secret",
        ),
        (
            "newer-format.baton.toml",
            2,
            10,
            "this file is format 2, written by a newer Baton",
        ),
        (
            "duplicate-step.baton.toml",
            31,
            6,
            "a second step in scenario \"refusals\" has the id \"login\" (the first is on line 21)",
        ),
        (
            "unknown-client.baton.toml",
            32,
            10,
            "names client \"order-svc\", which is not in this collection; expected one of its clients: \"web-app\", \"order-service\"",
        ),
        (
            "two-actions.baton.toml",
            16,
            1,
            "step \"swap\" has 2 actions (token, exchange); a step does exactly one",
        ),
    ];
    for (name, line, column, message) in cases {
        let path = fixture(name);
        match read_collection(&path) {
            Err(FileError::Invalid { at, problem }) => {
                assert_eq!(
                    (at.path.as_path(), at.line, at.column),
                    (path.as_path(), line, column),
                    "{name}: {problem}"
                );
                assert!(problem.to_string().contains(message), "{name}: {problem}");
            }
            other => panic!("{name}: {other:?}"),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Any collection

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z][a-z0-9-]{0,8}",
        any::<String>(),
        "[\"'\\\\\n\r\t #=\\[\\]{}.é東🎫\u{7f}\u{0}]{0,12}",
    ]
}

fn id() -> impl Strategy<Value = String> {
    prop_oneof!["[a-z][a-z0-9-]{0,6}", "[^\n]{1,8}"]
}

fn list() -> impl Strategy<Value = Vec<String>> {
    prop::collection::vec(text(), 0..3)
}

fn map() -> impl Strategy<Value = BTreeMap<String, String>> {
    prop::collection::btree_map(text(), text(), 0..3)
}

/// What a generated step must `omit` for the request it describes to be read: a standard
/// parameter in `params` is sent on purpose; a name no request may carry is dropped.
fn omit_for(params: &mut BTreeMap<String, String>, may_omit: bool) -> Vec<String> {
    use baton_core::request::{RESERVED, omittable};
    params.retain(|name, _| {
        !name.trim().is_empty()
            && (!RESERVED.contains(&name.as_str())
                || (may_omit && omittable().contains(&name.as_str())))
    });
    params
        .keys()
        .filter(|n| RESERVED.contains(&n.as_str()))
        .cloned()
        .collect()
}

fn json_value() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        any::<bool>().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        any::<u64>().prop_map(serde_json::Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(serde_json::Value::from),
        text().prop_map(serde_json::Value::from),
    ];
    leaf.prop_recursive(3, 12, 3, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..3).prop_map(serde_json::Value::from),
            prop::collection::btree_map(text(), inner, 0..3)
                .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    })
}

fn severity() -> impl Strategy<Value = Severity> {
    prop_oneof![
        Just(Severity::Info),
        Just(Severity::Warning),
        Just(Severity::Error)
    ]
}

fn assertion() -> impl Strategy<Value = Assertion> {
    let check = prop_oneof![
        json_value().prop_map(ClaimCheck::Equals),
        json_value().prop_map(ClaimCheck::Contains),
        prop_oneof![Just("^a.*$"), Just("x|y"), Just(r"\d+")]
            .prop_map(|p| ClaimCheck::Matches(p.to_string())),
        Just(ClaimCheck::Exists),
        Just(ClaimCheck::Absent),
    ];
    prop_oneof![
        any::<u16>().prop_map(Assertion::Status),
        text().prop_map(Assertion::Error),
        (text(), check).prop_map(|(path, check)| Assertion::Claim { path, check }),
        list().prop_map(Assertion::ScopeSubsetOf),
        Just(Assertion::ScopeSubsetOfSubject),
        text().prop_map(Assertion::AudContains),
        Just(Assertion::SubPreserved),
        list().prop_map(Assertion::ActChain),
        any::<usize>().prop_map(Assertion::ActDepth),
        severity().prop_map(Assertion::NoFindingsAtOrAbove),
    ]
}

fn action() -> impl Strategy<Value = Action> {
    let grant = prop_oneof![
        Just(FirstGrant::ClientCredentials),
        Just(FirstGrant::Password),
        Just(FirstGrant::RefreshToken),
        Just(FirstGrant::AuthorizationCode),
        Just(FirstGrant::JwtBearer),
        Just(FirstGrant::DeviceCode)
    ];
    let secret = prop::option::of("[a-z.-]{1,8}".prop_map(|n| format!("{{{{secret.{n}}}}}")));
    let token = (
        grant,
        prop::option::of(text()),
        secret,
        (
            prop::option::of(text()),
            prop::option::of(text()),
            prop::option::of(text()),
        ),
        list(),
        list(),
        prop::option::of(text()),
        map(),
    )
        .prop_map(
            |(
                grant,
                username,
                password,
                (refresh_token, assertion, requested_token_use),
                audience,
                resource,
                scope,
                mut params,
            )| {
                let omit = omit_for(&mut params, !grant.is_interactive());
                Action::Token(TokenStep {
                    client: String::new(),
                    grant,
                    username,
                    password,
                    refresh_token,
                    assertion,
                    requested_token_use,
                    audience,
                    resource,
                    scope,
                    params,
                    omit,
                })
            },
        );
    let exchange = (
        text(),
        text(),
        prop::option::of(text()),
        prop::option::of(text()),
        prop::option::of(text()),
        list(),
        list(),
        prop::option::of(text()),
        map(),
    )
        .prop_map(
            |(
                subject_token,
                subject_token_type,
                actor_token,
                actor_token_type,
                requested,
                audience,
                resource,
                scope,
                mut params,
            )| {
                let mut omit = omit_for(&mut params, true);
                let blank = |v: &Option<String>| v.as_deref().is_none_or(|v| v.trim().is_empty());
                for (name, empty) in [
                    ("subject_token", subject_token.trim().is_empty()),
                    ("subject_token_type", subject_token_type.trim().is_empty()),
                    (
                        "actor_token",
                        !blank(&actor_token_type) && blank(&actor_token),
                    ),
                    (
                        "actor_token_type",
                        !blank(&actor_token) && blank(&actor_token_type),
                    ),
                ] {
                    if empty && !omit.iter().any(|o| o == name) {
                        omit.push(name.to_string());
                    }
                }
                Action::Exchange(ExchangeStep {
                    client: String::new(),
                    subject_token,
                    subject_token_type,
                    actor_token,
                    actor_token_type,
                    requested_token_type: requested,
                    audience,
                    resource,
                    scope,
                    params,
                    omit,
                })
            },
        );
    let introspect = (text(), prop::option::of(text())).prop_map(|(token, hint)| {
        Action::Introspect(IntrospectStep {
            client: String::new(),
            token,
            token_type_hint: hint,
        })
    });
    let inspect = (text(), any::<bool>()).prop_map(|(token, verify)| {
        Action::Inspect(InspectStep {
            token,
            server: verify.then(String::new),
        })
    });
    prop_oneof![token, exchange, introspect, inspect]
}

fn step_strategy() -> impl Strategy<Value = Step> {
    (
        id(),
        text(),
        prop::option::of(text()),
        action(),
        prop::collection::vec(assertion(), 0..4),
    )
        .prop_map(|(id, name, notes, action, assertions)| Step {
            id,
            name,
            notes,
            action,
            assertions,
            retry: None,
            cache: None,
            cache_margin_secs: None,
            repeat: None,
        })
}

fn auth() -> impl Strategy<Value = AuthMethod> {
    prop_oneof![
        Just(AuthMethod::ClientSecretBasic),
        Just(AuthMethod::ClientSecretPost),
        Just(AuthMethod::PrivateKeyJwt),
        Just(AuthMethod::None)
    ]
}

/// Any collection that follows the rules: ids made unique, references pointed at what exists.
fn collection() -> impl Strategy<Value = Collection> {
    let server = (
        id(),
        prop::option::of(text()),
        prop::option::of(text()),
        text(),
        prop::option::of(text()),
        prop::option::of(text()),
        (prop::option::of(text()), prop::option::of(text())),
    )
        .prop_map(
            |(
                id,
                name,
                issuer,
                token_endpoint,
                jwks_uri,
                introspection_endpoint,
                (authorization_endpoint, device_authorization_endpoint),
            )| Server {
                id,
                name,
                issuer,
                token_endpoint,
                jwks_uri,
                introspection_endpoint,
                authorization_endpoint,
                device_authorization_endpoint,
                preset: None,
            },
        );
    let client = (
        id(),
        text(),
        auth(),
        any::<(bool, bool)>(),
        prop::option::of(text()),
        any::<(bool, bool)>(),
    )
        .prop_map(
            |(id, client_id, auth, (secret, key), key_id, (dpop, dpop_key))| Client {
                secret: secret.then(|| format!("{{{{secret.c{}}}}}", id.len())),
                private_key: key.then(|| "{{secret.key}}".to_string()),
                dpop_key: dpop_key.then(|| "{{secret.dpop}}".to_string()),
                certificate: dpop_key.then(|| "{{secret.cert}}".to_string()),
                certificate_key: dpop.then(|| "{{secret.cert-key}}".to_string()),
                id,
                server: String::new(),
                client_id,
                auth,
                key_id,
                dpop,
            },
        );
    let environment = (id(), map()).prop_map(|(name, variables)| Environment { name, variables });
    let scenario = (
        id(),
        text(),
        prop::option::of(text()),
        prop::collection::vec(step_strategy(), 0..4),
    )
        .prop_map(|(id, name, description, steps)| Scenario {
            id,
            name,
            description,
            steps,
            cache: false,
            cache_margin_secs: None,
        });
    (
        text(),
        prop::option::of(text()),
        prop::collection::vec(server, 1..3),
        prop::collection::vec(client, 1..3),
        prop::collection::vec(environment, 0..3),
        prop::collection::vec(scenario, 0..3),
        (0u8..3, text(), prop::option::of(text())),
    )
        .prop_map(
            |(
                name,
                description,
                mut servers,
                mut clients,
                mut environments,
                mut scenarios,
                (probe, text, scope),
            )| {
                for (i, s) in servers.iter_mut().enumerate() {
                    s.id = format!("{}#{i}", s.id);
                }
                for (i, c) in clients.iter_mut().enumerate() {
                    c.id = format!("{}#{i}", c.id);
                    c.server = servers[i % servers.len()].id.clone();
                }
                for (i, e) in environments.iter_mut().enumerate() {
                    e.name = format!("{}#{i}", e.name);
                }
                for (i, s) in scenarios.iter_mut().enumerate() {
                    s.id = format!("{}#{i}", s.id);
                    for (j, step) in s.steps.iter_mut().enumerate() {
                        step.id = format!("{}#{j}", step.id);
                        let client = clients[j % clients.len()].id.clone();
                        match &mut step.action {
                            Action::Token(t) => t.client = client,
                            Action::Exchange(e) => e.client = client,
                            Action::Introspect(x) => x.client = client,
                            Action::Inspect(x) => {
                                if x.server.is_some() {
                                    x.server = Some(servers[0].id.clone());
                                }
                            }
                            Action::Lab(_) => {}
                        }
                    }
                }
                // No target, a given token, or one obtained by the first client.
                let subject = match probe {
                    0 => None,
                    1 => Some(ProbeSubject::Given(GivenToken {
                        token: text.clone(),
                        token_type: "access_token".into(),
                    })),
                    _ => Some(ProbeSubject::Obtained(TokenStep {
                        client: clients[0].id.clone(),
                        grant: FirstGrant::ClientCredentials,
                        username: None,
                        password: None,
                        refresh_token: None,
                        assertion: None,
                        requested_token_use: None,
                        audience: vec![text.clone()],
                        resource: vec![],
                        scope: scope.clone(),
                        params: BTreeMap::from([(text.clone(), text.clone())]),
                        omit: Vec::new(),
                    })),
                };
                let probe = subject.map(|subject| ProbeTarget {
                    server: clients[0].server.clone(),
                    exchanger: clients[clients.len() - 1].id.clone(),
                    subject,
                    actor: scope.as_ref().map(|_| clients[0].id.clone()),
                    attacker: None,
                    audience: Some(text.clone()),
                    resource: None,
                    scope,
                });
                Collection {
                    probe,
                    name,
                    description,
                    servers,
                    clients,
                    environments,
                    scenarios,
                }
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn any_collection_round_trips(c in collection()) {
        let text = write_collection(&c);
        let read = parse_collection(&text, Path::new("p.baton.toml"));
        match read {
            Ok(read) => {
                prop_assert_eq!(&read, &c, "{}", text);
                prop_assert_eq!(write_collection(&read), text);
            }
            Err(e) => prop_assert!(false, "{}\n{}", e, text),
        }
    }
}
