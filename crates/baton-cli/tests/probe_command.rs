//! `baton probe` and `baton diff` of probe reports as a user runs them: the demo's `[probe]`
//! against the lab with every report parsed back, exit 2 for each unusable input, `--var`
//! for `probe` and `run`, and a regression found by `diff`.
//!
//! Whether every probe passes against the lab is the probes' and the lab's business (their own
//! tests): here the exit code is asserted only where it does not depend on that.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use baton_core::probe::report::from_json;
use baton_core::probe::{ProbeOutcome, ProbeReport, catalogue};
use baton_core::scenario::secrets::env_var_name;
use baton_sts::{StsConfig, StsHandle, spawn};
use serde_json::Value;

fn demo_file() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/demo.baton.toml")
}

fn demo_text() -> String {
    std::fs::read_to_string(demo_file()).expect("the demo collection")
}

fn path_str(p: &Path) -> &str {
    p.to_str().expect("utf-8 temp path")
}

/// Runs `baton` with a private store and no keyring, with `env` set; returns (code, out, err).
fn baton_with(args: &[&str], dir: &Path, env: &[(String, String)]) -> (i32, String, String) {
    let out = Command::cargo_bin("baton")
        .expect("binary")
        .env("BATON_STORE", dir.join("store.sqlite"))
        .env("BATON_KEYRING", "off")
        .envs(env.iter().cloned())
        .args(args)
        .output()
        .expect("runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn baton(args: &[&str], dir: &Path) -> (i32, String, String) {
    baton_with(args, dir, &[])
}

/// The lab's credentials as `BATON_SECRET_*` variables, as a user without `--sts` supplies them.
fn lab_secrets(lab: &StsHandle) -> Vec<(String, String)> {
    lab.policy()
        .credentials()
        .into_iter()
        .map(|(name, value)| (env_var_name(&name), value))
        .collect()
}

fn read_report(path: &Path) -> ProbeReport {
    let text = std::fs::read_to_string(path).expect("the JSON report is written");
    from_json(&text, &path.display().to_string()).unwrap_or_else(|e| panic!("{e}"))
}

/// The 1-based line of the first line of `text` that starts with `prefix`.
fn line_of(text: &str, prefix: &str) -> usize {
    text.lines()
        .position(|l| l.starts_with(prefix))
        .map(|i| i + 1)
        .unwrap_or_else(|| panic!("no line starts with {prefix:?}"))
}

#[test]
fn the_demo_is_probed_against_the_lab_and_every_report_parses_back() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (json, junit, markdown) = (
        dir.path().join("probes.json"),
        dir.path().join("probes.xml"),
        dir.path().join("probes.md"),
    );
    let (code, out, err) = baton(
        &[
            "probe",
            path_str(&demo_file()),
            "--sts",
            "--json",
            path_str(&json),
            "--junit",
            path_str(&junit),
            "--markdown",
            path_str(&markdown),
        ],
        dir.path(),
    );

    let report = read_report(&json);
    // Exit 1 exactly when an error-severity probe failed, 0 otherwise.
    let failed_errors = report.failed_errors().count();
    assert_eq!(code, i32::from(failed_errors > 0), "{out}\n{err}");
    assert_eq!(report.collection, "Baton demo");
    assert_eq!(report.server, "lab");
    assert!(!report.cancelled);
    assert_eq!(report.results.len(), catalogue().len(), "every probe ran");
    assert!(
        report.overall.passed > 0,
        "the lab answers at least some probes right: {out}"
    );
    for r in &report.results {
        assert!(!r.reason.is_empty() && r.rfc.starts_with("RFC "), "{r:?}");
    }
    let count = |o: ProbeOutcome| report.results.iter().filter(|r| r.outcome == o).count();
    assert_eq!(
        (
            report.overall.passed as usize,
            report.overall.failed as usize,
            report.overall.skipped as usize
        ),
        (
            count(ProbeOutcome::Pass),
            count(ProbeOutcome::Fail),
            count(ProbeOutcome::Skip)
        )
    );
    // The JSON keeps the members the issue names, per probe.
    let raw: Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    for member in [
        "id",
        "group",
        "title",
        "rfc",
        "severity",
        "outcome",
        "reason",
        "exchanges",
    ] {
        assert!(raw["results"][0].get(member).is_some(), "{member}");
    }

    // The card on stdout: grade, groups, overall; failures before skips before passes.
    assert!(out.contains(&format!("Grade {}: ", report.grade)), "{out}");
    assert!(out.contains("  Overall "), "{out}");
    for g in &report.groups {
        assert!(out.contains(&g.title), "{} in {out}", g.title);
    }
    if let (Some(f), Some(p)) = (out.find("Failures ("), out.find("Passed (")) {
        assert!(f < p, "{out}");
    }

    let xml = std::fs::read_to_string(&junit).expect("JUnit written");
    let doc = roxmltree::Document::parse(&xml).expect("JUnit is well-formed XML");
    let suites = doc
        .descendants()
        .filter(|n| n.has_tag_name("testsuite"))
        .count();
    assert_eq!(suites, report.groups.len(), "a suite per group");
    let cases: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name("testcase"))
        .collect();
    assert_eq!(cases.len(), report.results.len(), "a case per probe");
    let failures = doc
        .descendants()
        .filter(|n| n.has_tag_name("failure"))
        .count();
    let skips = doc
        .descendants()
        .filter(|n| n.has_tag_name("skipped"))
        .count();
    assert_eq!(
        (failures, skips),
        (count(ProbeOutcome::Fail), count(ProbeOutcome::Skip))
    );

    let md = std::fs::read_to_string(&markdown).expect("Markdown written");
    assert!(
        md.starts_with("# Probe report: Baton demo, server `lab`\n"),
        "{md}"
    );
    assert!(md.contains(&format!("**Grade {}**", report.grade)), "{md}");
    assert!(md.contains("| Group | Passed | Failed | Skipped | Score |"));
    let rows = md.lines().filter(|l| l.starts_with("| ")).count();
    assert_eq!(
        rows,
        report.groups.len() + 3,
        "header, rule, groups, overall"
    );
    assert_eq!(md.contains("## Failures ("), count(ProbeOutcome::Fail) > 0);
    assert_eq!(md.contains("## Skipped ("), count(ProbeOutcome::Skip) > 0);
}

#[test]
fn a_file_without_a_probe_section_exits_2_and_says_so() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("plain.baton.toml");
    let text = demo_text();
    let start = text.find("[probe]").expect("the demo has [probe]");
    let end = start + text[start..].find("\n\n").expect("[probe] ends");
    std::fs::write(&file, format!("{}{}", &text[..start], &text[end + 2..])).unwrap();

    let (code, out, err) = baton(&["probe", path_str(&file), "--sts"], dir.path());
    assert_eq!(code, 2, "{out}\n{err}");
    assert!(err.contains(path_str(&file)), "{err}");
    assert!(err.contains("has no [probe] section"), "{err}");
    assert!(out.is_empty(), "nothing is probed: {out}");
}

#[test]
fn an_unknown_exchanger_exits_2_naming_it_and_its_line() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("typo.baton.toml");
    let text = demo_text().replacen("exchanger = \"agent-a\"", "exchanger = \"agent-x\"", 1);
    std::fs::write(&file, &text).unwrap();
    let line = line_of(&text, "exchanger = ");

    let (code, _, err) = baton(&["probe", path_str(&file), "--sts"], dir.path());
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains(&format!(
            "{}:{line}:13: [probe] exchanger names client \"agent-x\", which is not in this collection",
            path_str(&file)
        )),
        "{err}"
    );
}

#[test]
fn an_unknown_only_name_and_a_malformed_var_exit_2() {
    let dir = tempfile::tempdir().expect("temp dir");
    let demo = demo_file();
    let (code, _, err) = baton(
        &["probe", path_str(&demo), "--sts", "--only", "nosuch"],
        dir.path(),
    );
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("--only \"nosuch\" is neither a probe group"),
        "{err}"
    );

    for command in ["probe", "run"] {
        let (code, _, err) = baton(
            &[command, path_str(&demo), "--sts", "--var", "no-equals-sign"],
            dir.path(),
        );
        assert_eq!(code, 2, "{command}: {err}");
        assert!(
            err.contains("--var \"no-equals-sign\": there is no `=`"),
            "{command}: {err}"
        );
    }
}

#[test]
fn list_prints_the_catalogue_without_a_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (code, out, err) = baton(&["probe", "--list", "--only", "chain"], dir.path());
    assert_eq!(code, 0, "{err}");
    let chain: Vec<_> = catalogue()
        .into_iter()
        .filter(|p| p.id.starts_with("chain."))
        .collect();
    assert!(!chain.is_empty());
    for p in &chain {
        let line = out
            .lines()
            .find(|l| l.starts_with(&format!("{} ", p.id)))
            .unwrap_or_else(|| panic!("{} in {out}", p.id));
        assert!(
            line.contains(p.severity.as_str()) && line.contains(p.rfc) && line.contains(p.title)
        );
    }
    assert!(!out.contains("baseline."), "only the chain group: {out}");
}

/// A collection whose environment points at a port where nothing listens.
const ELSEWHERE: &str = r#"format = 1
name = "Elsewhere"

[[servers]]
id = "lab"
issuer = "{{env.lab}}"
token_endpoint = "{{env.lab}}/token"

[[clients]]
id = "order-service"
server = "lab"
client_id = "order-service"
auth = "client_secret_basic"
secret = "{{secret.order-service}}"

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

[[environments]]
name = "local"

[environments.variables]
lab = "http://127.0.0.1:9"

[probe]
server = "lab"
exchanger = "agent-a"
subject = { client = "alice-app", grant = "client_credentials", scope = "profile documents:read" }

[[scenarios]]
id = "service"
name = "The order service gets its own token"

[[scenarios.steps]]
id = "service"
name = "Client credentials"
assert = [{ status = 200 }]

[scenarios.steps.token]
client = "order-service"
grant = "client_credentials"
"#;

#[tokio::test(flavor = "multi_thread")]
async fn var_overrides_the_environment_for_run_and_probe() {
    let lab = spawn(StsConfig::default()).await.expect("lab starts");
    let url = lab.base_url().to_string();
    let secrets = lab_secrets(&lab);
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("elsewhere.baton.toml");
    std::fs::write(&file, ELSEWHERE).unwrap();
    let var = format!("lab={url}");

    // Run: the environment's address fails, --var's passes.
    let (code, out, err) = baton_with(&["run", path_str(&file)], dir.path(), &secrets);
    assert_eq!(
        code, 1,
        "nothing listens at the environment's address: {out}\n{err}"
    );
    let (code, out, err) = baton_with(
        &["run", path_str(&file), "--var", &var],
        dir.path(),
        &secrets,
    );
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(out.contains("1 passed, 0 failed"), "{out}");

    // Probe: the subject token cannot be obtained from the environment's address (exit 2,
    // nothing probed); with --var the probes run against the lab.
    let (code, out, err) = baton_with(
        &["probe", path_str(&file), "--only", "baseline"],
        dir.path(),
        &secrets,
    );
    assert_eq!(code, 2, "{out}\n{err}");
    assert!(err.contains("[probe] subject"), "{err}");
    let json = dir.path().join("probes.json");
    let (code, out, err) = baton_with(
        &[
            "probe",
            path_str(&file),
            "--var",
            &var,
            "--only",
            "baseline",
            "--json",
            path_str(&json),
        ],
        dir.path(),
        &secrets,
    );
    assert!(code == 0 || code == 1, "{out}\n{err}");
    let report = read_report(&json);
    assert_eq!(report.token_endpoint, format!("{url}/token"));
    assert!(report.results.iter().all(|r| r.id.starts_with("baseline.")));
    assert!(
        report
            .results
            .iter()
            .any(|r| r.outcome != ProbeOutcome::Skip),
        "the lab was reached: {out}"
    );
    lab.stop().await;
}

#[test]
fn diff_of_two_probe_reports_lists_a_regression_first_and_exits_1() {
    let dir = tempfile::tempdir().expect("temp dir");
    let json = dir.path().join("before.json");
    let (code, out, err) = baton(
        &[
            "probe",
            path_str(&demo_file()),
            "--sts",
            "--only",
            "baseline",
            "--only",
            "response",
            "--json",
            path_str(&json),
        ],
        dir.path(),
    );
    assert!(code == 0 || code == 1, "{out}\n{err}");

    // Two reports that differ in one probe's outcome, pass → fail, whatever the lab did.
    let mut value: Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    let id = value["results"][0]["id"].as_str().unwrap().to_string();
    value["results"][0]["outcome"] = "pass".into();
    let before = dir.path().join("a.json");
    std::fs::write(&before, value.to_string()).unwrap();
    value["results"][0]["outcome"] = "fail".into();
    let after = dir.path().join("b.json");
    std::fs::write(&after, value.to_string()).unwrap();

    let (code, out, err) = baton(&["diff", path_str(&before), path_str(&after)], dir.path());
    assert_eq!(code, 1, "{out}\n{err}");
    let first = out
        .lines()
        .find(|l| l.trim_start().starts_with("regressed"))
        .unwrap_or_else(|| panic!("a regression in {out}"));
    assert!(
        first.contains(&id) && first.contains("pass → fail"),
        "{out}"
    );
    assert!(err.contains("1 probe regressed"), "{err}");

    // Fixed the other way round: listed, exit 0.
    let (code, out, _) = baton(&["diff", path_str(&after), path_str(&before)], dir.path());
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("fixed") && out.contains(&id), "{out}");

    // The same report: nothing changed.
    let (code, out, _) = baton(&["diff", path_str(&before), path_str(&before)], dir.path());
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("No probe changed its outcome."), "{out}");

    // A probe report and something else: exit 2, naming both.
    let other = dir.path().join("run.json");
    std::fs::write(&other, r#"{"report_version": 1, "runs": []}"#).unwrap();
    let (code, _, err) = baton(&["diff", path_str(&before), path_str(&other)], dir.path());
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("is a probe report and"), "{err}");
}
