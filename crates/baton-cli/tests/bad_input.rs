//! Bad input gets a clear message and the documented exit code; secrets never reach the screen.

use assert_cmd::Command;

fn baton() -> Command {
    Command::cargo_bin("baton").expect("binary")
}

fn run(args: &[&str], env: &[(&str, &str)]) -> (i32, String, String) {
    let mut cmd = baton();
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.args(args).output().expect("runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_broken_jwt_is_named_with_exit_code_2() {
    let (code, _, err) = run(&["inspect", "eyJhbGciOi.broken"], &[]);
    assert_eq!(code, 2);
    assert!(err.contains("3 dot-separated parts, this has 2"), "{err}");
    let (code, out, _) = run(&["inspect", "2YotnFZFEjr1zCsicMWpAA"], &[]);
    assert_eq!(code, 0);
    assert!(out.contains("opaque"), "{out}");
}

#[test]
fn an_unreachable_server_exits_3_and_names_the_url() {
    let (code, _, err) = run(
        &[
            "exchange",
            "--server",
            "http://127.0.0.1:9/token",
            "--client-id",
            "c",
            "--subject-token",
            "a.b.c",
        ],
        &[],
    );
    assert_eq!(code, 3, "{err}");
    assert!(
        err.contains("could not connect to http://127.0.0.1:9/token"),
        "{err}"
    );
}

#[test]
fn curl_output_masks_the_secret_unless_revealed() {
    let args = [
        "exchange",
        "--server",
        "https://as.example/token",
        "--client-id",
        "svc",
        "--client-secret-env",
        "SVC_SECRET",
        "--auth",
        "post",
        "--subject-token",
        "s.t.x",
        "--audience",
        "payments",
        "--audience",
        "ledger",
        "--curl",
    ];
    let (code, out, _) = run(&args, &[("SVC_SECRET", "very-secret")]);
    assert_eq!(code, 0);
    assert!(out.contains("'client_secret=****'"), "{out}");
    assert!(
        out.contains("--data-urlencode audience=payments")
            && out.contains("--data-urlencode audience=ledger")
    );
    assert!(!out.contains("very-secret"));
    let mut revealed = args.to_vec();
    revealed.push("--reveal-secrets");
    let (_, out, _) = run(&revealed, &[("SVC_SECRET", "very-secret")]);
    assert!(out.contains("client_secret=very-secret"), "{out}");
}

#[test]
fn a_missing_secret_variable_is_named() {
    let (code, _, err) = run(
        &[
            "token",
            "--server",
            "http://127.0.0.1:9/token",
            "--client-id",
            "c",
            "--client-secret-env",
            "NOPE_NOT_SET",
        ],
        &[],
    );
    assert_eq!(code, 2);
    assert!(
        err.contains("NOPE_NOT_SET") && err.contains("not set"),
        "{err}"
    );
}

#[test]
fn actor_type_without_actor_token_is_refused_before_sending() {
    let (code, _, err) = run(
        &[
            "exchange",
            "--server",
            "http://127.0.0.1:9/token",
            "--client-id",
            "c",
            "--subject-token",
            "s",
            "--actor-token-type",
            "jwt",
        ],
        &[],
    );
    assert_eq!(code, 2);
    assert!(err.contains("both or neither"), "{err}");
}

#[test]
fn a_broken_policy_file_is_reported_with_its_line() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("lab.toml");
    std::fs::write(
        &path,
        "signing_alg = \"ES256\"\nmax_chain_depth = \"deep\"\n",
    )
    .expect("write");
    let (code, _, err) = run(&["sts", "--policy", path.to_str().expect("utf8")], &[]);
    assert_eq!(code, 2);
    assert!(
        err.contains("lab.toml:2:") && err.contains("\"deep\""),
        "{err}"
    );
}

#[test]
fn a_fault_the_lab_does_not_know_or_out_of_bounds_is_refused() {
    let (code, _, err) = run(&["sts", "--fault", "slwo=3"], &[]);
    assert_eq!(code, 2);
    assert!(
        err.contains("--fault \"slwo=3\": not a fault the lab knows (use down, slow=MS, 503=SECS, flaky=RATE or skew=SECS)"),
        "{err}"
    );
    let (code, _, err) = run(&["sts", "--fault", "flaky=2"], &[]);
    assert_eq!(code, 2);
    assert!(
        err.contains("failure_rate must be between 0 and 1, not 2"),
        "{err}"
    );
    let (code, _, err) = run(&["sts", "--fault", "slow"], &[]);
    assert_eq!(code, 2);
    assert!(err.contains("it needs a value after ="), "{err}");
}

#[test]
fn every_command_has_an_example_in_its_help() {
    for cmd in ["sts", "token", "exchange", "inspect", "demo"] {
        let (code, out, _) = run(&[cmd, "--help"], &[]);
        assert_eq!(code, 0);
        assert!(out.contains("Example"), "{cmd} --help has no example");
        assert!(
            !out.contains("--client-secret "),
            "secrets are never options"
        );
    }
}

#[test]
fn sts_with_faults_prints_them_and_is_really_down() {
    use std::io::{BufRead, BufReader};
    use std::process::Stdio;
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("baton"))
        .args(["sts", "--fault", "down", "--fault", "skew=-30"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("baton sts starts");
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = Vec::new();
    for line in BufReader::new(stdout).lines().map_while(Result::ok) {
        let done = line.contains("Press Ctrl-C");
        lines.push(line);
        if done {
            break;
        }
    }
    let text = lines.join("\n");
    let port: u16 = text
        .lines()
        .find_map(|l| l.trim().strip_prefix("token endpoint  http://127.0.0.1:"))
        .and_then(|rest| rest.split('/').next())
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("no token endpoint in:\n{text}"));
    let refused = std::net::TcpStream::connect(("127.0.0.1", port));
    let _ = child.kill();
    let _ = child.wait();
    assert!(
        text.contains(
            "Failing on purpose (faults in force)\n  down: connections are refused\n  clock skew: the lab's clock runs 30 s behind"
        ),
        "{text}"
    );
    assert!(
        refused.is_err(),
        "the lab is down: nothing listens on {port}"
    );
}
