use std::io::Write;

use baton_sts::{Policy, PolicyError, StsConfig};

use crate::common::*;

fn write(src: &str) -> tempfile::NamedTempFile {
    let mut f = tempfile::NamedTempFile::new().expect("temp file");
    f.write_all(src.as_bytes()).expect("write");
    f
}

#[test]
fn syntax_errors_name_file_line_and_column() {
    let f = write(
        "signing_alg = \"ES256\"\naccess_token_lifetime = 60\n\n[[audiences]]\nname = \"api\"\nscopes = [\"read\"\n",
    );
    let e = Policy::from_file(f.path()).expect_err("unclosed array");
    let text = e.to_string();
    assert!(text.starts_with(&f.path().display().to_string()), "{text}");
    assert_eq!(e.line(), Some(6), "{text}");
}

#[test]
fn semantic_errors_name_the_client_and_line() {
    let src = Policy::lab_default_toml().replace(
        "audiences = [\"payments-api\", \"shipping-api\"]",
        "audiences = [\"payments-api\", \"shiping-api\"]",
    );
    let f = write(&src);
    let e = Policy::from_file(f.path()).expect_err("typo in audience");
    assert!(matches!(e, PolicyError::Invalid { .. }));
    let text = e.to_string();
    assert!(
        text.contains("client \"order-service\" names unknown audience \"shiping-api\""),
        "{text}"
    );
    let expected_line = src
        .lines()
        .position(|l| l.contains("shiping-api"))
        .map(|i| i + 1);
    assert_eq!(e.line(), expected_line, "{text}");
}

#[test]
fn unreadable_file() {
    let e = Policy::from_file(std::path::Path::new("/nonexistent/lab.toml")).expect_err("missing");
    assert!(matches!(e, PolicyError::Read { .. }));
    assert!(e.to_string().contains("/nonexistent/lab.toml"));
}

#[tokio::test]
async fn custom_policy_file_drives_the_lab() {
    let src = Policy::lab_default_toml()
        .replace(
            "# issuer = \"http://127.0.0.1:8787\"",
            "issuer = \"https://lab.example.test\"",
        )
        .replace("signing_alg = \"ES256\"", "signing_alg = \"EdDSA\"");
    let f = write(&src);
    let policy = Policy::from_file(f.path()).expect("valid");
    let lab = baton_sts::spawn(StsConfig {
        policy,
        port: 0,
        deterministic: false,
        trusted_issuers: Vec::new(),
        tls: false,
    })
    .await
    .expect("lab");
    assert_eq!(lab.issuer(), "https://lab.example.test");
    let (_, doc) = get_json(&lab.metadata_url()).await;
    assert_eq!(doc["issuer"], "https://lab.example.test");
    let t = client_token(&lab, "order-service").await;
    assert_eq!(header(&t)["alg"], "EdDSA");
    assert_eq!(claims(&t)["iss"], "https://lab.example.test");
    // A subject token from this lab is accepted back (issuer check uses the configured issuer).
    let subject = password_token(&lab, "web-app", "alice", &[]).await;
    exchange(&lab, "order-service", subject.token(), Some(&t), &[])
        .await
        .assert_issued();
}

#[tokio::test]
async fn invalid_policy_in_code_is_refused_at_spawn() {
    let mut policy = Policy::lab_default();
    policy.clients[0]
        .audiences
        .push("missing-audience".to_owned());
    let e = baton_sts::spawn(StsConfig {
        policy,
        port: 0,
        deterministic: false,
        trusted_issuers: Vec::new(),
        tls: false,
    })
    .await
    .expect_err("refused");
    assert!(e.to_string().contains("missing-audience"), "{e}");
}

#[test]
fn to_toml_round_trips_the_default() {
    let p = Policy::lab_default();
    assert_eq!(
        Policy::from_toml_str(&p.to_toml_string(), "round trip").expect("parses"),
        p
    );
}
