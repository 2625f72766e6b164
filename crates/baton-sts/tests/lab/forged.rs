//! Forged subject and actor tokens. Tokens "signed by the lab" are made with the deterministic
//! mode's published demo key (that is what the mode is for: nothing to protect), so claims the
//! lab itself never writes (a future `nbf`, another `iss`) can be tried.

use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use baton_sts::{DETERMINISTIC_NOW, StsHandle};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use p256::pkcs8::EncodePrivateKey;
use serde_json::{Value, json};

use crate::common::*;

/// The deterministic lab's ES256 key (see `keys.rs`: a published demo seed).
fn lab_key() -> EncodingKey {
    let secret = p256::SecretKey::from_slice(b"baton-lab-demo-p256-key-00000001").expect("seed");
    EncodingKey::from_ec_der(secret.to_pkcs8_der().expect("der").as_bytes())
}

fn stranger_key() -> EncodingKey {
    let secret = p256::SecretKey::random(&mut rand::rngs::OsRng);
    EncodingKey::from_ec_der(secret.to_pkcs8_der().expect("der").as_bytes())
}

fn lab_header(lab: &StsHandle) -> Header {
    let mut h = Header::new(Algorithm::ES256);
    h.typ = Some("at+jwt".to_owned());
    h.kid = Some(lab.key_id().to_owned());
    h
}

/// alice-app's token as the lab would write it, at the deterministic clock.
fn alice_app_claims(lab: &StsHandle) -> Value {
    json!({
        "iss": lab.issuer(),
        "sub": "alice-app",
        "aud": "documents-api",
        "exp": DETERMINISTIC_NOW + 3600,
        "iat": DETERMINISTIC_NOW,
        "jti": "forged-1",
        "client_id": "alice-app",
        "scope": "profile documents:read",
        "may_act": {"sub": "agent-a"},
    })
}

fn sign(header: &Header, claims: &Value, key: &EncodingKey) -> String {
    jsonwebtoken::encode(header, claims, key).expect("sign")
}

fn b64(v: &Value) -> String {
    URL_SAFE_NO_PAD.encode(v.to_string())
}

async fn try_subject(lab: &StsHandle, subject: &str) -> Reply {
    let agent = client_token(lab, "agent-a").await;
    exchange(lab, "agent-a", subject, Some(&agent), &[]).await
}

fn assert_refused(r: &Reply, needle: &str) {
    r.assert_error("invalid_request");
    assert!(
        r.description()
            .starts_with("subject_token is not acceptable")
            && r.description().contains(needle),
        "expected {needle:?} in: {}",
        r.description()
    );
}

#[tokio::test]
async fn the_genuine_forgery_baseline_is_accepted() {
    // The forging set-up is right: the same claims and key the lab uses pass.
    let lab = lab_with(baton_sts::Policy::lab_default(), true).await;
    let token = sign(&lab_header(&lab), &alice_app_claims(&lab), &lab_key());
    try_subject(&lab, &token).await.assert_issued();
}

#[tokio::test]
async fn forged_signatures_and_algorithms_are_refused() {
    let lab = lab_with(baton_sts::Policy::lab_default(), true).await;
    let claims = alice_app_claims(&lab);

    // alg none, with and without a signature part.
    let none_header = json!({"alg": "none", "typ": "at+jwt", "kid": lab.key_id()});
    for token in [
        format!("{}.{}.", b64(&none_header), b64(&claims)),
        format!("{}.{}", b64(&none_header), b64(&claims)),
    ] {
        assert_refused(
            &try_subject(&lab, &token).await,
            "its alg is none: the lab accepts only signed tokens",
        );
    }

    // HS256 keyed with the lab's public key (the JWK's x||y, and its JSON text).
    let (_, jwks) = get_json(&lab.jwks_uri()).await;
    let jwk = &jwks["keys"][0];
    let mut hs = Header::new(Algorithm::HS256);
    hs.kid = Some(lab.key_id().to_owned());
    hs.typ = Some("at+jwt".to_owned());
    for secret in [
        jwk.to_string().into_bytes(),
        [
            URL_SAFE_NO_PAD
                .decode(jwk["x"].as_str().unwrap_or_default())
                .unwrap_or_default(),
            URL_SAFE_NO_PAD
                .decode(jwk["y"].as_str().unwrap_or_default())
                .unwrap_or_default(),
        ]
        .concat(),
    ] {
        let token = sign(&hs, &claims, &EncodingKey::from_secret(&secret));
        assert_refused(&try_subject(&lab, &token).await, "HS256");
    }

    // Another key that claims the lab's kid.
    let token = sign(&lab_header(&lab), &claims, &stranger_key());
    assert_refused(
        &try_subject(&lab, &token).await,
        "signature does not verify",
    );

    // A tampered payload under a genuine signature.
    let genuine = sign(&lab_header(&lab), &claims, &lab_key());
    let mut widened = claims.clone();
    widened["scope"] = json!("profile documents:read documents:write");
    let parts: Vec<&str> = genuine.split('.').collect();
    let tampered = format!("{}.{}.{}", parts[0], b64(&widened), parts[2]);
    assert_refused(
        &try_subject(&lab, &tampered).await,
        "signature does not verify",
    );
}

#[tokio::test]
async fn foreign_issuers_and_expired_tokens_are_refused() {
    let lab = lab_with(baton_sts::Policy::lab_default(), true).await;
    let mut claims = alice_app_claims(&lab);
    claims["iss"] = json!("https://evil.example");
    let token = sign(&lab_header(&lab), &claims, &lab_key());
    assert_refused(
        &try_subject(&lab, &token).await,
        "issued by \"https://evil.example\"",
    );

    let mut claims = alice_app_claims(&lab);
    claims["exp"] = json!(DETERMINISTIC_NOW - 1);
    let token = sign(&lab_header(&lab), &claims, &lab_key());
    assert_refused(&try_subject(&lab, &token).await, "expired");
}

#[tokio::test]
async fn key_urls_in_the_header_are_never_fetched() {
    let lab = lab_with(baton_sts::Policy::lab_default(), true).await;
    // A listener standing in for an attacker's key server: the lab must never connect to it.
    let bait = tokio::net::TcpListener::bind(("127.0.0.1", 0))
        .await
        .expect("bind");
    let bait_url = format!(
        "http://127.0.0.1:{}/keys",
        bait.local_addr().expect("addr").port()
    );
    let stranger = p256::SecretKey::random(&mut rand::rngs::OsRng);
    let point =
        p256::elliptic_curve::sec1::ToEncodedPoint::to_encoded_point(&stranger.public_key(), false);
    let embedded = json!({
        "kty": "EC", "crv": "P-256",
        "x": URL_SAFE_NO_PAD.encode(point.x().expect("x")),
        "y": URL_SAFE_NO_PAD.encode(point.y().expect("y")),
    });
    let key = EncodingKey::from_ec_der(stranger.to_pkcs8_der().expect("der").as_bytes());
    let claims = alice_app_claims(&lab);
    let jwk: jsonwebtoken::jwk::Jwk = serde_json::from_value(embedded).expect("jwk");
    for which in ["jku", "x5u", "jwk"] {
        // Signed by the stranger's key, with the header saying where that key is.
        let mut header = lab_header(&lab);
        match which {
            "jku" => header.jku = Some(bait_url.clone()),
            "x5u" => header.x5u = Some(bait_url.clone()),
            _ => header.jwk = Some(jwk.clone()),
        }
        let token = sign(&header, &claims, &key);
        assert_refused(
            &try_subject(&lab, &token).await,
            "signature does not verify",
        );
    }
    let fetched = tokio::time::timeout(Duration::from_millis(300), bait.accept()).await;
    assert!(
        fetched.is_err(),
        "the lab connected to a URL from a token header"
    );
}

#[tokio::test]
async fn tokens_from_the_future_are_refused_unless_the_check_is_off() {
    for off in [false, true] {
        let mut policy = baton_sts::Policy::lab_default();
        policy.checks.time_claims = !off;
        let lab = lab_with(policy, true).await;
        for (claim, needle) in [("nbf", "not valid before"), ("iat", "in the future")] {
            let mut claims = alice_app_claims(&lab);
            claims[claim] = json!(DETERMINISTIC_NOW + 600);
            let token = sign(&lab_header(&lab), &claims, &lab_key());
            let r = try_subject(&lab, &token).await;
            if off {
                r.assert_issued();
            } else {
                assert_refused(&r, needle);
            }
        }
        // Within the 60 s skew is fine either way.
        let mut claims = alice_app_claims(&lab);
        claims["iat"] = json!(DETERMINISTIC_NOW + 30);
        claims["nbf"] = json!(DETERMINISTIC_NOW + 30);
        let token = sign(&lab_header(&lab), &claims, &lab_key());
        try_subject(&lab, &token).await.assert_issued();
    }
}

/// Signs `claims_json` (JSON text, which may hold what a `Value` cannot, such as `1e400`) under
/// the lab's header with the lab's key: only the claims themselves are wrong.
fn sign_text(lab: &StsHandle, claims_json: &str) -> String {
    let header = serde_json::to_string(&lab_header(lab)).expect("header");
    let message = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(header),
        URL_SAFE_NO_PAD.encode(claims_json)
    );
    let signature =
        jsonwebtoken::crypto::sign(message.as_bytes(), &lab_key(), Algorithm::ES256).expect("sign");
    format!("{message}.{signature}")
}

#[tokio::test]
async fn unreadable_claims_are_refused_for_what_they_are() {
    let lab = lab_with(baton_sts::Policy::lab_default(), true).await;
    let claims = alice_app_claims(&lab).to_string();
    // The set-up is right: the same claims as text pass.
    try_subject(&lab, &sign_text(&lab, &claims))
        .await
        .assert_issued();

    // An act chain 1000 actors deep.
    let mut act = r#"{"sub":"deep"}"#.to_owned();
    for _ in 1..1000 {
        act = format!(r#"{{"sub":"deep","act":{act}}}"#);
    }
    let deep = format!(r#"{},"act":{act}}}"#, &claims[..claims.len() - 1]);
    assert_refused(
        &try_subject(&lab, &sign_text(&lab, &deep)).await,
        "its act claim nests more than 100 deep",
    );

    // An exp beyond any double.
    let mut fields = alice_app_claims(&lab);
    fields["exp"] = json!("EXP");
    let huge = fields.to_string().replace(r#""EXP""#, "1e400");
    let r = try_subject(&lab, &sign_text(&lab, &huge)).await;
    assert_refused(
        &r,
        "its exp claim is not a number the lab can read: 1e400 is out of range",
    );
    assert!(!r.description().contains("not a JSON object"));

    // The same for an actor token.
    let subject = sign_text(&lab, &claims);
    let r = exchange(
        &lab,
        "agent-a",
        &subject,
        Some(&sign_text(&lab, &deep)),
        &[],
    )
    .await;
    r.assert_error("invalid_request");
    assert!(
        r.description().starts_with("actor_token")
            && r.description()
                .contains("its act claim nests more than 100 deep"),
        "{}",
        r.description()
    );
}
