//! `baton run`, `graph`, `diff`, `import` and `export` as a user runs them: the demo collection
//! against the in-process lab, exit codes 0, 1 and 2, reports parsed back, deterministic reruns.

use std::net::TcpListener;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

fn examples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples")
}

fn demo_file() -> PathBuf {
    examples().join("demo.baton.toml")
}

/// Runs `baton` with a private store, so no test sees the user's own.
fn baton(args: &[&str], store: &Path) -> (i32, String, String) {
    let out = Command::cargo_bin("baton")
        .expect("binary")
        .env("BATON_STORE", store)
        // Never the keyring of the machine the tests run on.
        .env("BATON_KEYRING", "off")
        .env_remove("BATON_SECRET_WEB_APP")
        .args(args)
        .output()
        .expect("runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Runs the demo against the lab with a JSON report in `dir`; returns the store and the report.
fn demo_report(dir: &Path) -> (PathBuf, PathBuf) {
    let store = dir.join("store.sqlite");
    let json = dir.join("run.json");
    let (code, _, err) = baton(
        &[
            "run",
            path_str(&demo_file()),
            "--sts",
            "--json",
            path_str(&json),
        ],
        &store,
    );
    assert_eq!(code, 0, "{err}");
    (store, json)
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

fn path_str(p: &Path) -> &str {
    p.to_str().expect("utf-8 temp path")
}

#[test]
fn the_demo_collection_passes_with_junit_and_json_reports() {
    let dir = tempfile::tempdir().expect("temp dir");
    let junit = dir.path().join("junit.xml");
    let json = dir.path().join("run.json");
    let (code, out, err) = baton(
        &[
            "run",
            path_str(&examples()),
            "--sts",
            "--junit",
            path_str(&junit),
            "--json",
            path_str(&json),
        ],
        &dir.path().join("store.sqlite"),
    );
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(out.contains("14 passed, 0 failed (14 scenarios)"), "{out}");
    assert!(out.contains("agent-chain"), "{out}");

    let xml = std::fs::read_to_string(&junit).expect("junit written");
    let doc = roxmltree::Document::parse(&xml).expect("JUnit is well-formed XML");
    let cases: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name("testcase"))
        .collect();
    assert_eq!(
        cases.len(),
        14,
        "the demo, the cross-domain and the trade-offs collection"
    );
    assert!(
        cases
            .iter()
            .all(|c| !c.children().any(|n| n.has_tag_name("failure")))
    );

    let report: Value =
        serde_json::from_str(&std::fs::read_to_string(&json).expect("json written"))
            .expect("JSON report parses");
    let runs = report["runs"].as_array().expect("runs");
    assert_eq!(runs.len(), 14);
    let chain = runs
        .iter()
        .find(|r| r["record"]["scenario_id"] == "agent-chain")
        .expect("agent-chain");
    let edges = chain["graph"]["edges"].as_array().expect("edges");
    assert_eq!(
        edges.len(),
        6,
        "three exchanges, each with a subject and an actor"
    );

    // Scenario 8: the repeated steps' table, their stats in the JSON report and in JUnit.
    let row = |name: &str| -> Vec<String> {
        out.lines()
            .find(|l| l.starts_with(name))
            .unwrap_or_else(|| panic!("no row for {name} in\n{out}"))
            .split_whitespace()
            .skip(3)
            .map(str::to_owned)
            .collect()
    };
    assert!(out.contains("repeated step"), "{out}");
    assert_eq!(
        row("payments-100 / every-time")[..4],
        ["100", "100", "0", "0"]
    );
    assert_eq!(row("payments-100 / cached")[..4], ["100", "1", "99", "0"]);
    let hundred = runs
        .iter()
        .find(|r| r["record"]["scenario_id"] == "payments-100")
        .expect("payments-100");
    let cached = hundred["record"]["steps"]
        .as_array()
        .and_then(|s| s.iter().find(|s| s["id"] == "cached"))
        .expect("the cached step");
    assert_eq!(cached["repeat"]["round_trips"], 1);
    assert_eq!(cached["repeat"]["from_cache"], 99);
    assert_eq!(
        cached["repeat"]["latencies_ms"].as_array().map(Vec::len),
        Some(100)
    );
    assert!(
        xml.contains("repeated: 100 calls: 1 round trip, 99 from cache, 0 failed; p50"),
        "{xml}"
    );
}

#[test]
fn the_outage_scenario_takes_the_lab_down_and_back_under_baton_run_sts() {
    let dir = tempfile::tempdir().expect("temp dir");
    let json = dir.path().join("run.json");
    let (code, out, err) = baton(
        &[
            "run",
            path_str(&examples().join("trade-offs.baton.toml")),
            "--sts",
            "--filter",
            "outage",
            "--json",
            path_str(&json),
        ],
        &dir.path().join("store.sqlite"),
    );
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(out.contains("1 passed, 0 failed (1 scenarios)"), "{out}");
    // Each step's line says what happened to it, in words.
    assert!(
        err.contains("outage / outage-starts: lab: down: connections are refused"),
        "{err}"
    );
    // A new connection is refused; one kept alive from before is closed under the request:
    // which one a client meets depends on its connection pool, as against a real server.
    assert!(
        err.contains("outage / during: no answer, as expected: could not connect to")
            && (err.contains("connection refused: nothing listens there")
                || err.contains("the connection was closed before an answer came")),
        "{err}"
    );
    assert!(
        err.contains("outage / retrying (2 attempts: 503, 200 after waiting 100 ms)"),
        "{err}"
    );
    // A service that kept its token from before the outage still has one.
    assert!(err.contains("outage / during-cached (from cache)"), "{err}");
    let report: Value =
        serde_json::from_str(&std::fs::read_to_string(&json).expect("json written"))
            .expect("JSON report parses");
    let steps = report["runs"][0]["record"]["steps"]
        .as_array()
        .expect("steps");
    let step = |id: &str| {
        steps
            .iter()
            .find(|s| s["id"] == id)
            .unwrap_or_else(|| panic!("{id} in the report"))
    };
    assert_eq!(step("during")["unreachable"], true);
    assert_eq!(step("unavailable")["response"]["status"], 503);
    let attempts = step("retrying")["attempts"].as_array().expect("attempts");
    assert_eq!(attempts[0]["status"], 503);
    assert_eq!(attempts[0]["error"], "temporarily_unavailable");
    assert_eq!(attempts[1]["waited_ms"], 100);
    assert_eq!(step("after")["response"]["status"], 200);
    assert!(step("before").get("attempts").is_none(), "sent once");
}

#[test]
fn a_lab_step_without_sts_says_where_to_run_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    let var = format!("lab=http://127.0.0.1:{}", free_port());
    let out = Command::cargo_bin("baton")
        .expect("binary")
        .env("BATON_STORE", dir.path().join("store.sqlite"))
        .env("BATON_KEYRING", "off")
        .env("BATON_SECRET_ALICE_APP", "alice-app-secret")
        .env("BATON_SECRET_AGENT_A", "agent-a-secret")
        .env("BATON_SECRET_AGENT_N", "agent-n-secret")
        .args([
            "run",
            path_str(&examples().join("trade-offs.baton.toml")),
            "--filter",
            "chain-splicing",
            "--var",
            &var,
        ])
        .output()
        .expect("runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains("chain-splicing / make-vulnerable: this step changes Baton's lab; run it in the app or with `baton run --sts`"),
        "{text}"
    );
}

const FAILING: &str = r#"# Baton collection, format 1: docs/collection-format.md
format = 1
name = "Failing"

[[servers]]
id = "lab"
token_endpoint = "{{env.lab}}/token"

[[clients]]
id = "order-service"
server = "lab"
client_id = "order-service"
auth = "client_secret_basic"
secret = "{{secret.order-service}}"

[[scenarios]]
id = "wrong-expectation"
name = "Expects the wrong scope"

[[scenarios.steps]]
id = "service"
name = "Client credentials"
assert = [{ scope_subset_of = ["payments:charge"] }]

[scenarios.steps.token]
client = "order-service"
grant = "client_credentials"
"#;

#[test]
fn a_failed_assertion_exits_1_and_is_reported_in_junit() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("failing.baton.toml");
    std::fs::write(&file, FAILING).expect("write");
    let junit = dir.path().join("junit.xml");
    let (code, out, err) = baton(
        &["run", path_str(&file), "--sts", "--junit", path_str(&junit)],
        &dir.path().join("store.sqlite"),
    );
    assert_eq!(code, 1, "{out}\n{err}");
    let expected = "scope: \"payments:charge payments:refund\" is not within the allowed set \"payments:charge\"; not allowed: payments:refund";
    assert!(out.contains(expected), "{out}");
    assert!(err.contains("1 of 1 scenarios failed"), "{err}");
    let xml = std::fs::read_to_string(&junit).expect("junit written");
    let doc = roxmltree::Document::parse(&xml).expect("well-formed");
    let failure = doc
        .descendants()
        .find(|n| n.has_tag_name("failure"))
        .expect("a <failure>");
    let text = format!(
        "{} {}",
        failure.attribute("message").unwrap_or_default(),
        failure.text().unwrap_or_default()
    );
    assert!(text.contains("not allowed: payments:refund"), "{text}");
}

#[test]
fn unreadable_or_unresolvable_collections_exit_2_and_say_where() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = dir.path().join("store.sqlite");
    let broken = dir.path().join("broken.baton.toml");
    std::fs::write(&broken, FAILING.replace("grant = ", "grnat = ")).expect("write");
    let (code, _, err) = baton(&["run", path_str(&broken), "--sts"], &store);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("broken.baton.toml:27:1"), "{err}");
    assert!(err.contains("grnat"), "{err}");

    let typo = dir.path().join("typo.baton.toml");
    std::fs::write(
        &typo,
        FAILING.replace(
            "grant = \"client_credentials\"",
            "grant = \"client_credentials\"\nscope = \"{{steps.nope.claims.scope}}\"",
        ),
    )
    .expect("write");
    let (code, _, err) = baton(&["run", path_str(&typo), "--sts"], &store);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains(r#"scenario "wrong-expectation", step "service" (token.scope): {{steps.nope.claims.scope}} refers to step "nope""#),
        "{err}"
    );

    let (code, _, err) = baton(&["run", path_str(&demo_file())], &store);
    assert_eq!(
        code, 2,
        "without --sts the lab's secrets are missing: {err}"
    );
    assert!(err.contains("BATON_SECRET_WEB_APP"), "{err}");

    let (code, _, err) = baton(&["run", "No such collection"], &store);
    assert_eq!(code, 2);
    assert!(err.contains("there is no store at"), "{err}");

    let (code, _, err) = baton(
        &["run", path_str(&demo_file()), "--sts", "--filter", "zzz"],
        &store,
    );
    assert_eq!(code, 2);
    assert!(
        err.contains("no scenario matches --filter \"zzz\""),
        "{err}"
    );
}

/// Everything but timings: the `elapsed_ms` of runs and steps, repeated steps' latencies and
/// each response's Date header.
fn without_timings(mut v: Value) -> Value {
    fn walk(v: &mut Value) {
        match v {
            Value::Object(map) => {
                map.remove("elapsed_ms");
                // A repeated step's latencies (its counts stay).
                for timing in [
                    "min_ms",
                    "p50_ms",
                    "p90_ms",
                    "p99_ms",
                    "max_ms",
                    "total_ms",
                    "latencies_ms",
                    "started_ms",
                ] {
                    map.remove(timing);
                }
                if let Some(Value::Array(headers)) = map.get_mut("headers") {
                    headers.retain(|h| {
                        h.get(0)
                            .and_then(Value::as_str)
                            .is_none_or(|n| !n.eq_ignore_ascii_case("date"))
                    });
                }
                map.values_mut().for_each(walk);
            }
            Value::Array(items) => items.iter_mut().for_each(walk),
            _ => {}
        }
    }
    walk(&mut v);
    v
}

#[test]
fn deterministic_reruns_are_identical_and_diff_shows_what_changed() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = dir.path().join("store.sqlite");
    let port = free_port().to_string();
    let report = |name: &str| {
        let path = dir.path().join(name);
        let (code, out, err) = baton(
            &[
                "run",
                path_str(&demo_file()),
                "--sts",
                "--sts-port",
                &port,
                "--json",
                path_str(&path),
            ],
            &store,
        );
        assert_eq!(code, 0, "{out}\n{err}");
        path
    };
    let a = report("a.json");
    let b = report("b.json");
    let read = |p: &Path| -> Value {
        serde_json::from_str(&std::fs::read_to_string(p).expect("read")).expect("json")
    };
    assert_eq!(without_timings(read(&a)), without_timings(read(&b)));

    let (code, out, _) = baton(&["diff", path_str(&a), path_str(&b)], &store);
    assert_eq!(code, 0, "{out}");
    assert!(out.starts_with("No differences"), "{out}");

    // Change one claim in the second report, as a server upgrade might.
    let mut changed = read(&b);
    let runs = changed["runs"].as_array_mut().expect("runs");
    let chain = runs
        .iter_mut()
        .find(|r| r["record"]["scenario_id"] == "agent-chain")
        .expect("agent-chain");
    let steps = chain["record"]["steps"].as_array_mut().expect("steps");
    let hop3 = steps
        .iter_mut()
        .find(|s| s["id"] == "hop-3")
        .expect("hop-3");
    hop3["token"]["decoded"]["claims"]["scope"] =
        Value::String("payments:charge payments:refund".into());
    std::fs::write(&b, changed.to_string()).expect("write");
    let (code, out, _) = baton(&["diff", path_str(&a), path_str(&b)], &store);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("agent-chain"), "{out}");
    assert!(out.contains("hop-3"), "{out}");
    assert!(out.contains("payments:refund"), "{out}");
}

#[test]
fn graph_draws_one_node_per_token_as_svg_dot_and_mermaid() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (store, json) = demo_report(dir.path());
    let report: Value =
        serde_json::from_str(&std::fs::read_to_string(&json).expect("read")).expect("json");
    let chain = report["runs"]
        .as_array()
        .and_then(|r| {
            r.iter()
                .find(|r| r["record"]["scenario_id"] == "agent-chain")
        })
        .expect("agent-chain");
    let nodes = chain["graph"]["nodes"].as_array().expect("nodes").len();
    assert_eq!(
        nodes, 7,
        "bob, three agents' own tokens, three exchanged tokens"
    );

    let (code, svg, err) = baton(
        &["graph", path_str(&json), "--filter", "^agent-chain$"],
        &store,
    );
    assert_eq!(code, 0, "{err}");
    let doc = roxmltree::Document::parse(&svg).expect("the SVG is well-formed XML");
    let tokens = doc
        .descendants()
        .filter(|n| {
            n.has_tag_name("g")
                && n.attribute("class")
                    .is_some_and(|c| c.split(' ').any(|c| c == "token"))
        })
        .count();
    assert_eq!(tokens, nodes);

    let (code, dot, _) = baton(
        &[
            "graph",
            path_str(&json),
            "--dot",
            "--filter",
            "^agent-chain$",
        ],
        &store,
    );
    assert_eq!(code, 0);
    assert!(dot.contains("digraph baton {"), "{dot}");
    let edges: Vec<&str> = dot
        .lines()
        .filter(|l| !l.trim_start().starts_with("//") && l.contains(" -> "))
        .collect();
    assert_eq!(edges.len(), 6, "{dot}");
    assert_eq!(
        edges.iter().filter(|l| l.contains("style=dashed")).count(),
        3,
        "three actor edges: {dot}"
    );

    let (code, mermaid, _) = baton(
        &[
            "graph",
            path_str(&json),
            "--mermaid",
            "--filter",
            "^agent-chain$",
        ],
        &store,
    );
    assert_eq!(code, 0);
    assert!(mermaid.starts_with("flowchart LR"), "{mermaid}");
    assert_eq!(mermaid.matches(" -.-> ").count(), 3, "{mermaid}");
    assert_eq!(mermaid.matches(" --> ").count(), 3, "{mermaid}");

    let (code, _, err) = baton(&["graph", path_str(&demo_file())], &store);
    assert_eq!(code, 2);
    assert!(err.contains("is not JSON"), "{err}");
}

/// The width and height a PNG's IHDR chunk gives.
fn png_size(bytes: &[u8]) -> (u32, u32) {
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "a PNG signature");
    assert_eq!(&bytes[12..16], b"IHDR");
    let be =
        |at: usize| u32::from_be_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]]);
    (be(16), be(20))
}

#[test]
fn graph_png_is_the_svg_at_twice_its_size_in_a_file_or_on_a_pipe() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (store, json) = demo_report(dir.path());
    let filter = ["--filter", "^agent-chain$"];

    let (code, svg, err) = baton(&["graph", path_str(&json), filter[0], filter[1]], &store);
    assert_eq!(code, 0, "{err}");
    let doc = roxmltree::Document::parse(&svg).expect("well-formed SVG");
    let attr = |name: &str| {
        doc.root_element()
            .attribute(name)
            .and_then(|v| v.parse::<u32>().ok())
            .expect("a whole-number size")
    };
    let (width, height) = (attr("width"), attr("height"));

    let file = dir.path().join("chain.png");
    let (code, out, err) = baton(
        &[
            "graph",
            path_str(&json),
            "--png",
            "-o",
            path_str(&file),
            filter[0],
            filter[1],
        ],
        &store,
    );
    assert_eq!(code, 0, "{err}");
    assert!(out.is_empty(), "nothing on standard output: {out}");
    assert!(err.contains("chain.png"), "{err}");
    let written = std::fs::read(&file).expect("the PNG was written");
    assert_eq!(png_size(&written), (2 * width, 2 * height));

    // Standard output that is not a terminal (here a pipe) takes the same bytes.
    let piped = Command::cargo_bin("baton")
        .expect("binary")
        .env("BATON_STORE", &store)
        .args(["graph", path_str(&json), "--png", filter[0], filter[1]])
        .output()
        .expect("runs");
    assert_eq!(piped.status.code(), Some(0));
    assert_eq!(piped.stdout, written);

    // On a terminal it refuses, and says what to do instead. `script` gives the command one.
    let binary = assert_cmd::cargo::cargo_bin("baton");
    let command = format!("{} graph {} --png", binary.display(), json.display());
    let on_terminal = std::process::Command::new("script")
        .args(["-qec", &command, "/dev/null"])
        .env("BATON_STORE", &store)
        .output()
        .expect("script(1) from util-linux runs");
    let shown = String::from_utf8_lossy(&on_terminal.stdout);
    assert_eq!(on_terminal.status.code(), Some(2), "{shown}");
    assert!(shown.contains("standard output is a terminal"), "{shown}");
    assert!(shown.contains("-o FILE"), "{shown}");
    assert!(
        !shown.contains("PNG\r\n\u{1a}"),
        "no image bytes on the terminal"
    );

    // -o writes the text formats too.
    let svg_file = dir.path().join("chain.svg");
    let (code, _, err) = baton(
        &[
            "graph",
            path_str(&json),
            "-o",
            path_str(&svg_file),
            filter[0],
            filter[1],
        ],
        &store,
    );
    assert_eq!(code, 0, "{err}");
    assert_eq!(std::fs::read_to_string(&svg_file).expect("written"), svg);

    let (code, _, err) = baton(&["graph", path_str(&json), "--png", "--dot"], &store);
    assert_eq!(code, 2);
    assert!(err.contains("cannot be used with"), "{err}");
}

#[test]
fn import_export_round_trip_and_run_from_the_store() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = dir.path().join("data").join("store.sqlite");
    let (code, out, err) = baton(&["import", path_str(&demo_file())], &store);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("Imported \"Baton demo\" (9 scenarios)"),
        "{out}"
    );

    let exported = dir.path().join("out.baton.toml");
    let (code, _, err) = baton(&["export", "Baton demo", "-o", path_str(&exported)], &store);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        std::fs::read_to_string(&exported).expect("exported"),
        std::fs::read_to_string(demo_file()).expect("original"),
        "the demo file is in the exact form Baton writes"
    );

    let (code, out, err) = baton(
        &["run", "Baton demo", "--sts", "--filter", "refusals"],
        &store,
    );
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(out.contains("1 passed, 0 failed"), "{out}");

    // A broken import changes nothing that was there.
    let broken = dir.path().join("broken.baton.toml");
    let text = std::fs::read_to_string(demo_file()).expect("read");
    std::fs::write(
        &broken,
        text.replace("grant = \"password\"", "grant = \"pasword\""),
    )
    .expect("write");
    let (code, _, err) = baton(&["import", path_str(&broken)], &store);
    assert_eq!(code, 2);
    assert!(err.contains("broken.baton.toml:"), "{err}");
    let (_, list, _) = baton(&["export", "--list"], &store);
    assert_eq!(list.trim(), "Baton demo\t9 scenarios");
}

#[test]
fn secrets_the_app_put_in_a_keyring_that_is_not_there_are_reported_and_the_run_goes_on() {
    let dir = tempfile::TempDir::new().expect("temp dir");
    let store = dir.path().join("baton.sqlite");
    std::fs::write(dir.path().join("keyring-secrets.json"), r#"["api-key"]"#).expect("index");
    let (code, _out, err) = baton(&["run", path_str(&demo_file()), "--sts"], &store);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("the OS keyring is not available (BATON_KEYRING=off)"),
        "{err}"
    );
    // Without secrets listed there, the keyring is not asked at all.
    std::fs::remove_file(dir.path().join("keyring-secrets.json")).expect("remove");
    let (code, _out, err) = baton(&["run", path_str(&demo_file()), "--sts"], &store);
    assert_eq!(code, 0, "{err}");
    assert!(!err.contains("keyring"), "{err}");
}

#[test]
fn a_deliberately_malformed_request_and_an_introspected_opaque_token_are_shown_on_their_steps() {
    let dir = tempfile::tempdir().expect("temp dir");
    let demo = std::fs::read_to_string(demo_file()).expect("demo file");
    let file = dir.path().join("negative.baton.toml");
    let scenario = r#"
[[scenarios]]
id = "negative"
name = "Negative tests"

[[scenarios.steps]]
id = "login"
name = "Alice signs in to the HR portal"

[scenarios.steps.token]
client = "hr-portal"
grant = "password"
username = "alice"
password = "{{secret.alice.password}}"

[[scenarios.steps]]
id = "no-type"
name = "An exchange without subject_token_type"
assert = [{ error = "invalid_request" }]

[scenarios.steps.exchange]
client = "hr-portal"
subject_token = "{{steps.login.access_token}}"
subject_token_type = ""
omit = ["subject_token_type"]

[[scenarios.steps]]
id = "assertion"
name = "A SAML assertion"

[scenarios.steps.exchange]
client = "hr-portal"
subject_token = "{{steps.login.access_token}}"
subject_token_type = "access_token"
requested_token_type = "saml2"
audience = ["legacy-hr-app"]

[[scenarios.steps]]
id = "gateway"
name = "An opaque token"
assert = [{ claim = "sub", equals = "alice" }, { response = "token_type", exists = true }]

[scenarios.steps.exchange]
client = "legacy-hr-app"
subject_token = "{{steps.assertion.access_token}}"
subject_token_type = "saml2"
"#;
    std::fs::write(&file, format!("{demo}{scenario}")).expect("write");
    let (code, out, err) = baton(
        &["run", path_str(&file), "--sts", "--filter", "negative"],
        &dir.path().join("store.sqlite"),
    );
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(
        err.contains("negative / no-type [deliberately malformed: omits subject_token_type]"),
        "{err}"
    );
    assert!(
        err.contains("negative / gateway [opaque token introspected at http://127.0.0.1:")
            && err.contains("/introspect]"),
        "{err}"
    );
}
