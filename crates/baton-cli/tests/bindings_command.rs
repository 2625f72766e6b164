//! `baton token` with a DPoP key and with a client certificate, against the lab: the tokens are
//! bound to the key or the certificate, and a client that must prove one and does not is refused.

use assert_cmd::Command;
use baton_sts::{StsConfig, StsHandle, spawn};
use serde_json::Value;

fn baton(args: &[&str]) -> (i32, Value, String) {
    let output = Command::cargo_bin("baton")
        .expect("binary")
        .env("DPOP_APP_SECRET", "dpop-app-secret")
        .args(args)
        .arg("--json")
        .output()
        .expect("runs");
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    let json = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\n{stderr}",
            String::from_utf8_lossy(&output.stdout)
        )
    });
    (output.status.code().unwrap_or(-1), json, stderr)
}

fn finding_ids(json: &Value) -> Vec<String> {
    json["result"]["findings"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|f| f["id"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread")]
async fn dpop_binds_the_token_to_the_key_and_its_absence_is_refused() {
    let lab = spawn(StsConfig::default()).await.expect("lab starts");
    let base = [
        "token",
        "--issuer",
        lab.base_url(),
        "--client-id",
        "dpop-app",
        "--client-secret-env",
        "DPOP_APP_SECRET",
    ];
    let mut with = base.to_vec();
    with.push("--dpop");
    let (code, json, err) = baton(&with);
    assert_eq!(code, 0, "{err}");
    assert_eq!(json["result"]["response"]["outcome"]["token_type"], "DPoP");
    let jkt = &json["result"]["issued"]["decoded"]["claims"]["cnf"]["jkt"];
    assert!(jkt.is_string(), "{json:#}");
    assert!(
        finding_ids(&json).iter().all(|f| !f.starts_with("dpop.")),
        "{:?}",
        finding_ids(&json)
    );
    let headers = json["result"]["request"]["headers"].to_string();
    assert!(headers.contains("\"DPoP\""), "{headers}");

    let (code, json, _) = baton(&base);
    assert_eq!(code, 1);
    assert_eq!(
        json["result"]["response"]["outcome"]["error"],
        "invalid_dpop_proof"
    );
}

async fn https_lab() -> StsHandle {
    spawn(StsConfig {
        tls: true,
        ..StsConfig::default()
    })
    .await
    .expect("lab starts")
}

#[tokio::test(flavor = "multi_thread")]
async fn a_client_certificate_authenticates_and_binds_the_token() {
    let lab = https_lab().await;
    let dir = tempfile::tempdir().expect("dir");
    let write = |name: &str, text: &str| {
        let path = dir.path().join(name);
        std::fs::write(&path, text).expect("written");
        path.to_str().expect("utf-8").to_owned()
    };
    let ca = write("ca.pem", &lab.ca_pem().expect("a CA"));
    let (cert, key) = lab.issue_client_certificate("mtls-app").expect("TLS");
    let cert = write("cert.pem", &cert);
    let key = write("key.pem", &key);
    let (code, json, err) = baton(&[
        "token",
        "--issuer",
        lab.base_url(),
        "--ca-file",
        &ca,
        "--client-id",
        "mtls-app",
        "--client-cert",
        &cert,
        "--client-key",
        &key,
    ]);
    assert_eq!(code, 0, "{err}\n{json:#}");
    assert!(
        json["result"]["issued"]["decoded"]["claims"]["cnf"]["x5t#S256"].is_string(),
        "{json:#}"
    );
    assert!(
        finding_ids(&json).iter().all(|f| !f.starts_with("mtls.")),
        "bound to the certificate presented: {:?}",
        finding_ids(&json)
    );

    // Another client's certificate does not authenticate mtls-app.
    let (other_cert, other_key) = lab.issue_client_certificate("someone-else").expect("TLS");
    let other_cert = write("other.pem", &other_cert);
    let other_key = write("other-key.pem", &other_key);
    let (code, json, _) = baton(&[
        "token",
        "--issuer",
        lab.base_url(),
        "--ca-file",
        &ca,
        "--client-id",
        "mtls-app",
        "--client-cert",
        &other_cert,
        "--client-key",
        &other_key,
    ]);
    assert_eq!(code, 1);
    assert_eq!(json["result"]["response"]["status"], 401);
}

#[test]
fn the_mtls_collection_runs_against_the_lab_over_https() {
    let dir = tempfile::tempdir().expect("dir");
    let examples = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/mtls");
    let output = Command::cargo_bin("baton")
        .expect("binary")
        .env("BATON_STORE", dir.path().join("store.sqlite"))
        .args(["run", examples, "--sts", "--sts-tls"])
        .output()
        .expect("runs");
    let out = String::from_utf8_lossy(&output.stdout);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{out}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(out.contains("2 passed, 0 failed (2 scenarios)"), "{out}");
}
