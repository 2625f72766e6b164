//! Times at the ends of what JSON can hold (`iat`, `nbf`, `exp` of `i64::MIN`, `i64::MAX`,
//! `u64::MAX`, `1e300`) are named as out of range by `baton inspect`, never a panic (exit 101)
//! or a date thousands of centuries away. The test binary is a debug build: overflow panics.

use assert_cmd::Command;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use baton_core::probe::forge::ForgeKey;
use serde_json::{Map, Value, json};

fn inspect(args: &[&str]) -> (i32, String, String) {
    let out = Command::cargo_bin("baton")
        .expect("binary")
        .arg("inspect")
        .args(args)
        .output()
        .expect("runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn unsigned(claims: &str) -> String {
    format!(
        "{}.{}.c2ln",
        URL_SAFE_NO_PAD.encode(r#"{"alg":"ES256","typ":"JWT"}"#),
        URL_SAFE_NO_PAD.encode(claims)
    )
}

#[test]
fn inspect_names_times_out_of_range_instead_of_panicking() {
    let token = unsigned(
        r#"{"sub":"alice","iat":-9223372036854775808,"nbf":1e300,"exp":18446744073709551615}"#,
    );
    let (code, out, err) = inspect(&[&token]);
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(
        out.contains("iat      -9223372036854775808 is out of range (before year 1)"),
        "{out}"
    );
    assert!(
        out.contains("nbf      1e+300 is out of range (after year 9999)"),
        "{out}"
    );
    assert!(
        out.contains("exp      18446744073709551615 is out of range (after year 9999)"),
        "{out}"
    );
    assert!(out.contains("token.time.out-of-range"), "{out}");
    assert!(!out.contains("days"), "no date of a far century: {out}");
}

#[test]
fn inspect_with_a_jwks_says_a_signed_token_s_exp_is_out_of_range() {
    let key = ForgeKey::generate().expect("key");
    let dir = tempfile::tempdir().expect("temp dir");
    let jwks = dir.path().join("jwks.json");
    std::fs::write(&jwks, json!({ "keys": [key.public_jwk()] }).to_string()).expect("writes");
    let jwks = jwks.to_str().expect("utf-8 path");
    for (exp, message) in [
        (
            json!(i64::MAX),
            "exp 9223372036854775807 is out of range (after year 9999)",
        ),
        (
            json!(i64::MIN),
            "exp -9223372036854775808 is out of range (before year 1)",
        ),
    ] {
        let mut header = Map::new();
        header.insert("kid".into(), Value::String(key.kid().to_owned()));
        let mut claims = Map::new();
        claims.insert("sub".into(), json!("alice"));
        claims.insert("iat".into(), json!(1_700_000_000));
        claims.insert("exp".into(), exp);
        let token = key.sign(&header, &claims).expect("signs");
        let (code, out, err) = inspect(&["--jwks", jwks, &token]);
        // Exit 1: the token did not verify (not 101, a panic).
        assert_eq!(code, 1, "{out}\n{err}");
        assert!(out.contains("Signature: NOT VALID"), "{out}");
        assert!(out.contains(&format!("  - {message}")), "{out}");
        // The line is labelled exp already: the value and why, without the name again.
        let line = message.trim_start_matches("exp ");
        assert!(out.contains(&format!("exp      {line}")), "{out}");
    }
}
