//! What the CLI's verdicts say, and only that: `--fail-on error|warning` fails a command whose
//! server answered but departed from the RFCs (exit code 4, for `baton exchange` and `baton
//! run`, without any assertion); a signature that was not checked says so; discovery's findings
//! are labelled as discovery's.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::thread;

use assert_cmd::Command;

/// A token endpoint on loopback that answers `answers` requests with `headers` and a successful
/// exchange response (and its metadata with its own), then stops.
fn token_endpoint(headers: &'static str, answers: usize) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    let url = format!("{base}/token");
    thread::spawn(move || {
        for stream in listener.incoming().take(answers) {
            let Ok(mut stream) = stream else { return };
            let mut reader = BufReader::new(stream.try_clone().expect("clone"));
            let mut length = 0usize;
            let mut request_line = String::new();
            let _ = reader.read_line(&mut request_line);
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
                if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                    length = v.trim().parse().unwrap_or(0);
                }
            }
            let mut body = vec![0; length.min(1 << 20)];
            let _ = reader.read_exact(&mut body);
            let json = if request_line.contains("/.well-known/") {
                format!(
                    r#"{{"issuer":"{base}","token_endpoint":"{base}/token","grant_types_supported":["urn:ietf:params:oauth:grant-type:token-exchange"]}}"#
                )
            } else {
                r#"{"access_token":"opaque-abc","issued_token_type":"urn:ietf:params:oauth:token-type:access_token","token_type":"Bearer","expires_in":60}"#.to_string()
            };
            let _ = write!(
                stream,
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n{headers}Content-Length: {}\r\nConnection: close\r\n\r\n{json}",
                json.len()
            );
        }
    });
    url
}

fn baton(args: &[&str]) -> (i32, String, String) {
    let store = tempfile::tempdir().expect("temp dir");
    let out = Command::cargo_bin("baton")
        .expect("binary")
        .env("CLIENT_SECRET", "s")
        .env("BATON_SECRET_C", "s")
        .env("BATON_STORE", store.path().join("baton.sqlite"))
        .args(args)
        .output()
        .expect("runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn exchange(url: &str, extra: &[&str]) -> (i32, String, String) {
    let mut args = vec![
        "exchange",
        "--server",
        url,
        "--client-id",
        "c",
        "--client-secret-env",
        "CLIENT_SECRET",
        "--subject-token",
        "subject-abc",
        "--subject-token-type",
        "access_token",
    ];
    args.extend_from_slice(extra);
    baton(&args)
}

const CLEAN: &str = "Cache-Control: no-store\r\nPragma: no-cache\r\n";

#[test]
fn an_exchange_with_an_error_finding_exits_4_only_when_asked() {
    let url = token_endpoint("", 3);
    let (code, _, err) = exchange(&url, &[]);
    assert_eq!(code, 0, "without --fail-on the exchange succeeded: {err}");

    let (code, _, err) = exchange(&url, &["--fail-on", "error"]);
    assert_eq!(code, 4, "{err}");
    assert!(err.contains("at or above error (--fail-on error)"), "{err}");
    assert!(
        err.contains("response: error response.cache-control (RFC 6749 §5.1)"),
        "{err}"
    );

    let (code, _, err) = exchange(&url, &["--fail-on", "warning"]);
    assert_eq!(code, 4, "{err}");
}

#[test]
fn a_clean_exchange_passes_fail_on_error() {
    let url = token_endpoint(CLEAN, 1);
    let (code, out, err) = exchange(&url, &["--fail-on", "error"]);
    assert_eq!(code, 0, "{out}{err}");
}

#[test]
fn a_run_whose_assertions_pass_fails_on_findings_when_asked() {
    let url = token_endpoint("", 2);
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("gate.baton.toml");
    std::fs::write(
        &file,
        format!(
            r#"format = 1
name = "Gate"

[[servers]]
id = "s"
token_endpoint = "{url}"

[[clients]]
id = "c"
server = "s"
client_id = "c"
auth = "client_secret_basic"
secret = "{{{{secret.c}}}}"

[[scenarios]]
id = "swap"
name = "A swap"

[[scenarios.steps]]
id = "swap"
name = "Swap a token"
assert = [{{ status = 200 }}]

[scenarios.steps.exchange]
client = "c"
subject_token = "subject-abc"
subject_token_type = "access_token"
"#
        ),
    )
    .expect("write");
    let path = file.to_str().expect("utf-8");
    let (code, out, err) = baton(&["run", path]);
    assert_eq!(code, 0, "{out}{err}");
    let (code, out, err) = baton(&["run", path, "--fail-on", "error"]);
    assert_eq!(code, 4, "{out}{err}");
    assert!(
        err.contains("swap / swap: error response.cache-control"),
        "{err}"
    );
}

#[test]
fn discoverys_findings_are_labelled_as_discoverys() {
    let url = token_endpoint(CLEAN, 2);
    let issuer = url.trim_end_matches("/token");
    let (code, out, err) = baton(&[
        "exchange",
        "--issuer",
        issuer,
        "--client-id",
        "c",
        "--client-secret-env",
        "CLIENT_SECRET",
        "--subject-token",
        "subject-abc",
        "--subject-token-type",
        "access_token",
    ]);
    assert_eq!(code, 0, "{out}{err}");
    let discovery = out.find("\nDiscovery findings").expect(&out);
    let own = out.find("\nFindings").expect(&out);
    assert!(discovery < own, "{out}");
    assert_eq!(out.matches("\nFindings").count(), 1, "{out}");
}

#[test]
fn inspect_without_a_key_says_the_signature_was_not_checked() {
    // {"alg":"RS256","typ":"JWT"}.{"sub":"alice","iss":"https://issuer.example"}.signature
    let token = "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJhbGljZSIsImlzcyI6Imh0dHBzOi8vaXNzdWVyLmV4YW1wbGUifQ.c2ln";
    let (code, out, err) = baton(&["inspect", token]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("Signature: not checked (give --jwks URL|FILE to check it)"),
        "{out}"
    );
}
