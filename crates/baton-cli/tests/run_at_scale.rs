//! `baton run` at scale, as a QA team drives it from CI: `--jobs N` (scenarios at once, output
//! and reports in the collection's order), `--iteration-data` (one run per CSV or JSON row,
//! `{{data.NAME}}`), `--bail` and `--timeout`.

use std::net::TcpListener;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

fn examples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples")
}

/// Runs `baton` with a private store, so no test sees the user's own.
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

fn path_str(p: &Path) -> &str {
    p.to_str().expect("utf-8 temp path")
}

/// What a reader of a report compares between two runs: each scenario in order, its outcome,
/// and each step's id and status.
fn shape(report: &Path) -> Vec<String> {
    let v: Value = serde_json::from_str(&std::fs::read_to_string(report).expect("report"))
        .expect("JSON report");
    v["runs"]
        .as_array()
        .expect("runs")
        .iter()
        .map(|run| {
            let r = &run["record"];
            let steps: Vec<String> = r["steps"]
                .as_array()
                .expect("steps")
                .iter()
                .map(|s| format!("{}={}", s["id"].as_str().unwrap_or("?"), s["status"]))
                .collect();
            format!(
                "{} {} [{}]",
                r["scenario_id"].as_str().unwrap_or("?"),
                r["outcome"],
                steps.join(" ")
            )
        })
        .collect()
}

/// The lines `baton run` writes while it goes (no terminal: one per step and per scenario),
/// up to their detail (which names the lab's port).
fn progress_lines(stderr: &str) -> Vec<&str> {
    stderr
        .lines()
        .filter(|l| l.starts_with("  ") || l.starts_with("PASS ") || l.starts_with("FAIL "))
        .map(|l| l.split(": ").next().unwrap_or(l))
        .collect()
}

fn testcase_names(junit: &Path) -> Vec<String> {
    let xml = std::fs::read_to_string(junit).expect("junit");
    let doc = roxmltree::Document::parse(&xml).expect("well-formed");
    doc.descendants()
        .filter(|n| n.has_tag_name("testcase"))
        .map(|n| n.attribute("name").unwrap_or_default().to_string())
        .collect()
}

#[test]
fn jobs_run_scenarios_at_once_and_report_them_in_the_collections_order() {
    let dir = tempfile::tempdir().expect("temp dir");
    // The trade-offs take the lab down and back with `lab` steps: those scenarios must run
    // alone, or the others would see the outage.
    let files = [
        examples().join("demo.baton.toml"),
        examples().join("trade-offs.baton.toml"),
    ];
    let mut shapes = Vec::new();
    let mut lines = Vec::new();
    let mut junits = Vec::new();
    for jobs in ["1", "4"] {
        let mut names = Vec::new();
        let mut all_lines = Vec::new();
        let mut all_shapes = Vec::new();
        for file in &files {
            let json = dir.path().join(format!("run-{jobs}.json"));
            let junit = dir.path().join(format!("junit-{jobs}.xml"));
            let (code, out, err) = baton(
                &[
                    "run",
                    path_str(file),
                    "--sts",
                    "--jobs",
                    jobs,
                    "--json",
                    path_str(&json),
                    "--junit",
                    path_str(&junit),
                ],
                &dir.path().join("store.sqlite"),
            );
            assert_eq!(code, 0, "--jobs {jobs} {}:\n{out}\n{err}", file.display());
            all_lines.extend(progress_lines(&err).into_iter().map(str::to_owned));
            all_shapes.extend(shape(&json));
            names.extend(testcase_names(&junit));
        }
        lines.push(all_lines);
        shapes.push(all_shapes);
        junits.push(names);
    }
    assert!(shapes[0].len() >= 10, "{:?}", shapes[0]);
    assert_eq!(
        shapes[0], shapes[1],
        "reports in the same order, same outcomes"
    );
    assert_eq!(junits[0], junits[1], "JUnit test cases in the same order");
    assert_eq!(
        lines[0], lines[1],
        "the progress lines come out as if run one by one"
    );
}

const DATA_COLLECTION: &str = r#"format = 1
name = "Data-driven"

[[servers]]
id = "lab"
token_endpoint = "{{env.lab}}/token"

[[clients]]
id = "web-app"
server = "lab"
client_id = "web-app"
auth = "client_secret_basic"
secret = "{{secret.web-app}}"

[[scenarios]]
id = "login"
name = "A user signs in"

[[scenarios.steps]]
id = "user"
name = "Password grant"
assert = [{ claim = "sub", equals = "{{data.user}}" }]

[scenarios.steps.token]
client = "web-app"
grant = "password"
username = "{{data.user}}"
password = "{{data.password}}"
"#;

#[test]
fn iteration_data_runs_the_collection_once_per_row_and_reports_each() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("data.baton.toml");
    std::fs::write(&file, DATA_COLLECTION).expect("write");
    let store = dir.path().join("store.sqlite");

    let csv = dir.path().join("users.csv");
    std::fs::write(
        &csv,
        "user,password\nalice,alice-password\r\nbob,\"bob-password\"\n",
    )
    .expect("write");
    let junit = dir.path().join("junit.xml");
    let (code, out, err) = baton(
        &[
            "run",
            path_str(&file),
            "--sts",
            "--iteration-data",
            path_str(&csv),
            "--junit",
            path_str(&junit),
        ],
        &store,
    );
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(out.contains("login [row 1 of users.csv]"), "{out}");
    assert!(out.contains("login [row 2 of users.csv]"), "{out}");
    assert!(out.contains("2 passed, 0 failed (2 scenarios)"), "{out}");
    assert_eq!(
        testcase_names(&junit),
        [
            "A user signs in [row 1 of users.csv]",
            "A user signs in [row 2 of users.csv]"
        ]
    );

    // A password from the data file is masked in the reports like a secret.
    let report = dir.path().join("run.json");
    let (code, _, err) = baton(
        &[
            "run",
            path_str(&file),
            "--sts",
            "--iteration-data",
            path_str(&csv),
            "--json",
            path_str(&report),
        ],
        &store,
    );
    assert_eq!(code, 0, "{err}");
    let text = std::fs::read_to_string(&report).expect("report");
    assert!(text.contains("alice"), "the user is in the report");
    assert!(!text.contains("alice-password"), "the password is masked");

    // JSON rows; a wrong password in the second row fails that run only.
    let json = dir.path().join("users.json");
    std::fs::write(
        &json,
        r#"[{"user": "alice", "password": "alice-password"}, {"user": "bob", "password": "wrong"}]"#,
    )
    .expect("write");
    let (code, out, err) = baton(
        &[
            "run",
            path_str(&file),
            "--sts",
            "--iteration-data",
            path_str(&json),
        ],
        &store,
    );
    assert_eq!(code, 1, "{out}\n{err}");
    assert!(out.contains("1 passed, 1 failed (2 scenarios)"), "{out}");
    assert!(
        out.lines()
            .any(|l| l.starts_with("login [row 2 of users.json]") && l.ends_with("FAILED")),
        "{out}"
    );
}

#[test]
fn iteration_data_that_does_not_fit_stops_the_run_before_anything_is_sent() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("data.baton.toml");
    std::fs::write(&file, DATA_COLLECTION).expect("write");
    let store = dir.path().join("store.sqlite");

    // A column the collection uses is missing.
    let csv = dir.path().join("names.csv");
    std::fs::write(&csv, "name,password\nalice,x\n").expect("write");
    let (code, _, err) = baton(
        &[
            "run",
            path_str(&file),
            "--sts",
            "--iteration-data",
            path_str(&csv),
        ],
        &store,
    );
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains(
            "{{data.user}}: row 1 of names.csv has no column \"user\" (it has: name, password)"
        ),
        "{err}"
    );

    // A broken row is named by its line.
    let broken = dir.path().join("broken.csv");
    std::fs::write(&broken, "user,password\nalice,x\nbob\n").expect("write");
    let (code, _, err) = baton(
        &[
            "run",
            path_str(&file),
            "--sts",
            "--iteration-data",
            path_str(&broken),
        ],
        &store,
    );
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("broken.csv:3: this row has 1 fields, the header line has 2"),
        "{err}"
    );

    // {{data.…}} without iteration data.
    let (code, _, err) = baton(&["run", path_str(&file), "--sts"], &store);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("has no iteration data (--iteration-data FILE)"),
        "{err}"
    );
}

const THREE_SCENARIOS: &str = r#"format = 1
name = "Bail"

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
id = "first"
name = "Passes"
[[scenarios.steps]]
id = "service"
name = "Client credentials"
[scenarios.steps.token]
client = "order-service"
grant = "client_credentials"

[[scenarios]]
id = "second"
name = "Fails"
[[scenarios.steps]]
id = "service"
name = "Client credentials"
assert = [{ scope_subset_of = ["nothing"] }]
[scenarios.steps.token]
client = "order-service"
grant = "client_credentials"

[[scenarios]]
id = "third"
name = "Never started"
[[scenarios.steps]]
id = "service"
name = "Client credentials"
[scenarios.steps.token]
client = "order-service"
grant = "client_credentials"
"#;

#[test]
fn bail_stops_at_the_first_failure() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("bail.baton.toml");
    std::fs::write(&file, THREE_SCENARIOS).expect("write");
    let junit = dir.path().join("junit.xml");
    let store = dir.path().join("store.sqlite");
    let (code, out, err) = baton(
        &[
            "run",
            path_str(&file),
            "--sts",
            "--bail",
            "--junit",
            path_str(&junit),
        ],
        &store,
    );
    assert_eq!(code, 1, "{out}\n{err}");
    assert!(
        out.contains("--bail: stopped at the first failure; 1 of 3 runs were not started"),
        "{out}"
    );
    assert_eq!(testcase_names(&junit), ["Passes", "Fails"]);
    // Without --bail every scenario runs.
    let (code, out, _) = baton(&["run", path_str(&file), "--sts"], &store);
    assert_eq!(code, 1);
    assert!(out.contains("2 passed, 1 failed (3 scenarios)"), "{out}");
}

#[test]
fn timeout_limits_each_request_and_says_how_long_it_waited() {
    let dir = tempfile::tempdir().expect("temp dir");
    // A server that accepts connections and never answers.
    let silent = TcpListener::bind("127.0.0.1:0").expect("listener");
    let url = format!("http://{}", silent.local_addr().expect("address"));
    let file = dir.path().join("silent.baton.toml");
    std::fs::write(&file, THREE_SCENARIOS).expect("write");
    let store = dir.path().join("store.sqlite");
    let out = Command::cargo_bin("baton")
        .expect("binary")
        .env("BATON_STORE", &store)
        .env("BATON_KEYRING", "off")
        .env("BATON_SECRET_ORDER_SERVICE", "x")
        .args([
            "run",
            path_str(&file),
            "--var",
            &format!("lab={url}"),
            "--filter",
            "first",
            "--timeout",
            "300ms",
        ])
        .output()
        .expect("runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains(&format!("no response from {url}/token within 300 ms")),
        "{stdout}"
    );
    drop(silent);

    let (code, _, err) = baton(&["run", path_str(&file), "--timeout", "0"], &store);
    assert_eq!(code, 2);
    assert!(
        err.contains("a timeout of 0 would refuse every answer"),
        "{err}"
    );
    let (code, _, err) = baton(&["run", path_str(&file), "--jobs", "0"], &store);
    assert_eq!(code, 2);
    assert!(err.contains("--jobs"), "{err}");
}
