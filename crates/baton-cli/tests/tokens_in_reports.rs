//! Tokens in what `baton run` and `baton probe` leave behind: refresh tokens never appear in the
//! clear (report, summary, stored run), and with `--redact-tokens` no other token does either,
//! while the decoded claims stay.

use std::net::TcpListener;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use baton_store::Store;
use regex::Regex;
use serde_json::Value;

/// A sign-in, its refresh token introspected, a refresh, the new refresh token introspected.
/// The introspections assert `active`, so the real tokens were sent.
const COLLECTION: &str = r#"format = 1
name = "Refresh"

[[servers]]
id = "lab"
name = "Baton lab token service"
issuer = "{{env.lab}}"
token_endpoint = "{{env.lab}}/token"
jwks_uri = "{{env.lab}}/jwks"
introspection_endpoint = "{{env.lab}}/introspect"

[[clients]]
id = "web-app"
server = "lab"
client_id = "web-app"
auth = "client_secret_basic"
secret = "{{secret.web-app}}"

[[scenarios]]
id = "refresh"
name = "Sign in and refresh"

[[scenarios.steps]]
id = "login"
name = "Alice signs in"

[scenarios.steps.token]
client = "web-app"
grant = "password"
username = "alice"
password = "{{secret.alice.password}}"
scope = "orders:read"

[[scenarios.steps]]
id = "check"
name = "The refresh token is active"
assert = [{ claim = "active", equals = true }]

[scenarios.steps.introspect]
client = "web-app"
token = "{{steps.login.refresh_token}}"
token_type_hint = "refresh_token"

[[scenarios.steps]]
id = "renew"
name = "The web app refreshes"

[scenarios.steps.token]
client = "web-app"
grant = "refresh_token"
refresh_token = "{{steps.login.refresh_token}}"

[[scenarios.steps]]
id = "check-new"
name = "The new refresh token is active"
assert = [{ claim = "active", equals = true }]

[scenarios.steps.introspect]
client = "web-app"
token = "{{steps.renew.refresh_token}}"
token_type_hint = "refresh_token"
"#;

const REFRESH_TOKEN_TYPE: &str = "urn:ietf:params:oauth:token-type:refresh_token";

fn path_str(p: &Path) -> &str {
    p.to_str().expect("utf-8 temp path")
}

/// Runs `baton` with a private store and no keyring; returns (code, out, err).
fn baton(args: &[&str], store: &Path) -> (i32, String, String) {
    let out = Command::cargo_bin("baton")
        .expect("binary")
        .env("BATON_STORE", store)
        .env("BATON_KEYRING", "off")
        .args(args)
        .output()
        .expect("runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

fn collection_file(dir: &Path) -> PathBuf {
    let file = dir.join("refresh.baton.toml");
    std::fs::write(&file, COLLECTION).expect("written");
    file
}

/// The deterministic lab's refresh tokens are `rt_` and a six-digit counter.
fn clear_refresh_token() -> Regex {
    Regex::new(r"rt_[0-9]{6}").expect("regex")
}

/// Every file of the store (the database and its write-ahead log), as text.
fn store_bytes(store: &Path) -> String {
    let dir = store.parent().expect("a folder");
    let mut all = String::new();
    for entry in std::fs::read_dir(dir).expect("the store's folder") {
        let path = entry.expect("an entry").path();
        if path
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with("store.sqlite"))
        {
            all.push_str(&String::from_utf8_lossy(
                &std::fs::read(&path).expect("readable"),
            ));
        }
    }
    all
}

#[test]
fn refresh_tokens_are_masked_in_the_report_the_store_and_the_requests() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = dir.path().join("data").join("store.sqlite");
    let file = collection_file(dir.path());
    let (code, _, err) = baton(&["import", path_str(&file)], &store);
    assert_eq!(code, 0, "{err}");

    let json = dir.path().join("run.json");
    let (code, out, err) = baton(
        &["run", "Refresh", "--sts", "--json", path_str(&json)],
        &store,
    );
    // Both introspections found their token active: the real values were sent.
    assert_eq!(code, 0, "{out}\n{err}");
    let clear = clear_refresh_token();

    let report = std::fs::read_to_string(&json).expect("the report");
    assert!(!clear.is_match(&report), "a refresh token in the report");
    assert!(
        !clear.is_match(&out) && !clear.is_match(&err),
        "{out}\n{err}"
    );
    let report: Value = serde_json::from_str(&report).expect("JSON");
    let steps = &report["runs"][0]["record"]["steps"];
    let login = &steps[0]["response"];
    assert_eq!(login["outcome"]["refresh_token"], "rt****", "{login:#}");
    assert!(
        login["body"]
            .as_str()
            .is_some_and(|b| b.contains(r#""refresh_token":"rt****""#)),
        "{login:#}"
    );
    assert_eq!(
        steps[1]["request"]["body"],
        "token=rt****&token_type_hint=refresh_token"
    );
    assert_eq!(
        steps[3]["request"]["body"],
        "token=rt****&token_type_hint=refresh_token"
    );
    // The refresh grant's own refresh_token is masked like a secret.
    assert!(
        steps[2]["request"]["body"]
            .as_str()
            .is_some_and(|b| b.contains("refresh_token=****")),
        "{:#}",
        steps[2]["request"]
    );

    // The run saved in the store, through the store and on disk.
    let saved = Store::open(&store).expect("the store opens");
    let runs = saved.list_runs("Refresh", "refresh").expect("listed");
    assert_eq!(runs.len(), 1);
    let record = serde_json::to_string(&saved.load_run(runs[0].id).expect("loads")).expect("JSON");
    assert!(!clear.is_match(&record), "{record}");
    assert!(record.contains("rt****"), "{record}");
    drop(saved);
    assert!(
        !clear.is_match(&store_bytes(&store)),
        "a refresh token in the store's files"
    );
}

/// Every token string a run report holds as written: issued and presented.
fn tokens_in(report: &Value) -> Vec<String> {
    let mut out = Vec::new();
    for run in report["runs"].as_array().into_iter().flatten() {
        for step in run["record"]["steps"].as_array().into_iter().flatten() {
            if let Some(t) = step["token"]["token"].as_str() {
                out.push(t.to_owned());
            }
            for input in step["inputs"].as_array().into_iter().flatten() {
                if let Some(t) = input["token"]["token"].as_str() {
                    out.push(t.to_owned());
                }
            }
        }
    }
    out
}

#[test]
fn redact_tokens_masks_every_token_and_keeps_the_claims() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = dir.path().join("store.sqlite");
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/demo.baton.toml");
    // One port for both runs: the deterministic lab then issues the very same tokens.
    let port = free_port().to_string();
    let run = |json: &Path, redact: bool| {
        let mut args = vec![
            "run",
            path_str(&demo),
            "--sts",
            "--sts-port",
            &port,
            "--filter",
            "agent-chain",
            "--json",
            path_str(json),
        ];
        if redact {
            args.push("--redact-tokens");
        }
        let (code, out, err) = baton(&args, &store);
        assert_eq!(code, 0, "{out}\n{err}");
        let text = std::fs::read_to_string(json).expect("the report");
        let value: Value = serde_json::from_str(&text).expect("JSON");
        (text, value)
    };

    let (_, plain) = run(&dir.path().join("plain.json"), false);
    let tokens = tokens_in(&plain);
    assert!(tokens.len() >= 4, "{tokens:?}");
    // Without the option the access tokens are there, as issued.
    assert!(tokens.iter().all(|t| t.starts_with("eyJ") && t.len() > 100));

    let (text, redacted) = run(&dir.path().join("redacted.json"), true);
    for token in &tokens {
        assert!(!text.contains(token.as_str()), "{token} in the report");
        // Nor its signature alone, in any raw request or response.
        let signature = token.rsplit('.').next().unwrap_or_default();
        assert!(!text.contains(signature), "a signature in the report");
    }
    for token in tokens_in(&redacted) {
        assert!(
            token.starts_with("eyJ") && token.ends_with("****"),
            "{token}"
        );
    }
    // The claims are still there to read, and the graph still joins the hops.
    let steps = &redacted["runs"][0]["record"]["steps"];
    let plain_steps = &plain["runs"][0]["record"]["steps"];
    for (a, b) in steps
        .as_array()
        .into_iter()
        .flatten()
        .zip(plain_steps.as_array().into_iter().flatten())
    {
        assert_eq!(a["token"]["decoded"], b["token"]["decoded"]);
        assert_eq!(a["token"]["fingerprint"], b["token"]["fingerprint"]);
    }
    assert!(
        steps
            .as_array()
            .into_iter()
            .flatten()
            .any(|s| s["token"]["decoded"]["claims"]["act"]["sub"].is_string()),
        "a delegated token's act claim"
    );
    assert_eq!(redacted["runs"][0]["graph"], plain["runs"][0]["graph"]);
}

#[test]
fn probe_redact_tokens_masks_what_the_probes_sent_and_received() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = dir.path().join("store.sqlite");
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/demo.baton.toml");
    let probe = |json: &Path, redact: bool| {
        let mut args = vec![
            "probe",
            path_str(&demo),
            "--sts",
            "--only",
            "baseline",
            "--json",
            path_str(json),
        ];
        if redact {
            args.push("--redact-tokens");
        }
        let (code, out, err) = baton(&args, &store);
        assert!(code == 0 || code == 1, "{out}\n{err}");
        let text = std::fs::read_to_string(json).expect("the report");
        let value: Value = serde_json::from_str(&text).expect("JSON");
        (text, value)
    };
    // Every access token a response carried, and every subject token a request sent.
    let tokens = |report: &Value| {
        let mut issued = Vec::new();
        let mut sent = Vec::new();
        for result in report["results"].as_array().into_iter().flatten() {
            for e in result["exchanges"].as_array().into_iter().flatten() {
                if let Some(body) = e["response"]["body"].as_str()
                    && let Ok(v) = serde_json::from_str::<Value>(body)
                    && let Some(t) = v["access_token"].as_str()
                {
                    let refresh = v["issued_token_type"] == REFRESH_TOKEN_TYPE;
                    issued.push((t.to_owned(), refresh));
                }
                if let Some(body) = e["request"]["body"].as_str() {
                    sent.extend(
                        url::form_urlencoded::parse(body.as_bytes())
                            .filter(|(n, _)| n == "subject_token")
                            .map(|(_, v)| v.into_owned()),
                    );
                }
            }
        }
        (issued, sent)
    };

    let (_, plain) = probe(&dir.path().join("plain.json"), false);
    let (issued, sent) = tokens(&plain);
    assert!(!sent.is_empty());
    // Without the option the access tokens are there, as issued; a refresh token issued by an
    // exchange is masked either way.
    assert!(
        issued
            .iter()
            .any(|(t, refresh)| !refresh && t.starts_with("eyJ") && !t.ends_with("****"))
    );
    assert!(issued.iter().any(|(_, refresh)| *refresh), "{issued:?}");
    for (t, _) in issued.iter().filter(|(_, refresh)| *refresh) {
        assert!(t.ends_with("****"), "a refresh token in the clear: {t}");
    }

    let (text, redacted) = probe(&dir.path().join("redacted.json"), true);
    let (issued, sent) = tokens(&redacted);
    assert!(!issued.is_empty() && !sent.is_empty());
    for t in issued.iter().map(|(t, _)| t).chain(&sent) {
        assert!(t.ends_with("****") && t.chars().count() <= 8, "{t}");
    }
    // The eyJ… of any JWT would be a token left whole.
    let whole_jwt = Regex::new(r"eyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.").expect("regex");
    assert!(!whole_jwt.is_match(&text), "a JWT in the redacted report");
}
