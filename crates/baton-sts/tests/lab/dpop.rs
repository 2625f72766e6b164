//! RFC 9449 DPoP at the token endpoint: bound tokens, nonces, and every §4.3 refusal.

use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use baton_sts::StsHandle;
use jsonwebtoken::jwk::Jwk;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use p256::ecdsa::signature::Signer;
use p256::ecdsa::{Signature, SigningKey};
use p256::pkcs8::EncodePrivateKey;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::common::*;

/// A client's DPoP key.
struct DpopKey {
    key: SigningKey,
}

impl DpopKey {
    fn new(seed: u8) -> DpopKey {
        DpopKey {
            key: SigningKey::from_slice(&[seed; 32]).expect("key"),
        }
    }

    fn public_jwk(&self) -> Value {
        let point = self.key.verifying_key().to_encoded_point(false);
        json!({
            "kty": "EC", "crv": "P-256",
            "x": URL_SAFE_NO_PAD.encode(point.x().expect("x")),
            "y": URL_SAFE_NO_PAD.encode(point.y().expect("y")),
        })
    }

    /// RFC 7638: SHA-256 over the required members in lexicographic order, no whitespace.
    fn thumbprint(&self) -> String {
        let jwk = self.public_jwk();
        let canonical = format!(
            r#"{{"crv":"P-256","kty":"EC","x":"{}","y":"{}"}}"#,
            jwk["x"].as_str().expect("x"),
            jwk["y"].as_str().expect("y")
        );
        URL_SAFE_NO_PAD.encode(Sha256::digest(canonical.as_bytes()))
    }

    /// A proof built with jsonwebtoken (the usual way a client would).
    fn proof(&self, claims: &Value) -> String {
        let mut header = Header::new(Algorithm::ES256);
        header.typ = Some("dpop+jwt".to_owned());
        header.jwk = Some(serde_json::from_value::<Jwk>(self.public_jwk()).expect("jwk"));
        let der = p256::SecretKey::from(self.key.as_nonzero_scalar())
            .to_pkcs8_der()
            .expect("pkcs8");
        let key = EncodingKey::from_ec_der(der.as_bytes());
        jsonwebtoken::encode(&header, claims, &key).expect("proof")
    }

    /// A proof with any header at all (what jsonwebtoken would not write), signed by this key.
    fn raw_proof(&self, header: &Value, claims: &Value) -> String {
        let b64 = |v: &Value| URL_SAFE_NO_PAD.encode(v.to_string());
        let input = format!("{}.{}", b64(header), b64(claims));
        let sig: Signature = self.key.sign(input.as_bytes());
        format!("{input}.{}", URL_SAFE_NO_PAD.encode(sig.to_bytes()))
    }
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock")
        .as_secs()
}

fn proof_claims(lab: &StsHandle, jti: &str) -> Value {
    json!({ "jti": jti, "htm": "POST", "htu": lab.token_endpoint(), "iat": now() })
}

/// POST to /token as `client` (client_secret_basic) with each of `dpop` as a DPoP header.
async fn token_with_dpop(
    lab: &StsHandle,
    client: &str,
    params: &[(&str, &str)],
    dpop: &[&str],
) -> Reply {
    let secret = format!("{client}-secret");
    let mut req = reqwest::Client::new()
        .post(lab.token_endpoint())
        .header("content-type", "application/x-www-form-urlencoded")
        .header("authorization", basic(client, &secret))
        .body(form_body(params));
    for p in dpop {
        req = req.header("DPoP", *p);
    }
    let resp = req.send().await.expect("sent");
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    let body = serde_json::from_str(&resp.text().await.expect("body")).expect("JSON");
    Reply {
        status,
        headers,
        body,
    }
}

const CC: (&str, &str) = ("grant_type", "client_credentials");

#[tokio::test]
async fn a_dpop_token_is_bound_to_the_proof_key() {
    let lab = lab().await;
    let key = DpopKey::new(3);
    let proof = key.proof(&proof_claims(&lab, "p-1"));
    let r = token_with_dpop(&lab, "dpop-app", &[CC], &[&proof]).await;
    r.assert_issued();
    assert_eq!(r.body["token_type"], "DPoP");
    let c = claims(r.token());
    assert_eq!(c["cnf"], json!({ "jkt": key.thumbprint() }));

    let i = introspect_as(&lab, "order-service", r.token()).await;
    assert_eq!(i.body["active"], true);
    assert_eq!(i.body["token_type"], "DPoP");
    assert_eq!(i.body["cnf"]["jkt"], key.thumbprint().as_str());

    // A client that does not require DPoP still gets a bound token when it sends a proof.
    let proof = key.proof(&proof_claims(&lab, "p-2"));
    let r = token_with_dpop(&lab, "order-service", &[CC], &[&proof]).await;
    r.assert_issued();
    assert_eq!(r.body["token_type"], "DPoP");
    // And a bearer token without one.
    let r = token_with_dpop(&lab, "order-service", &[CC], &[]).await;
    assert_eq!(r.body["token_type"], "Bearer");
    assert!(claims(r.token()).get("cnf").is_none());

    let (_, doc) = get_json(&lab.metadata_url()).await;
    assert_eq!(
        doc["dpop_signing_alg_values_supported"],
        json!(["ES256", "EdDSA", "RS256"])
    );
}

#[tokio::test]
async fn a_client_that_requires_dpop_must_send_a_proof() {
    let lab = lab().await;
    let r = token_with_dpop(&lab, "dpop-app", &[CC], &[]).await;
    r.assert_error("invalid_dpop_proof");
    assert!(
        r.description().contains("requires DPoP"),
        "{}",
        r.description()
    );
    // Token exchange too: its own token, exchanged with a proof, stays bound.
    let key = DpopKey::new(4);
    let own = token_with_dpop(
        &lab,
        "dpop-app",
        &[CC],
        &[&key.proof(&proof_claims(&lab, "x-1"))],
    )
    .await;
    let params = [
        ("grant_type", TOKEN_EXCHANGE),
        ("subject_token", own.token()),
        ("subject_token_type", AT),
        ("scope", "documents:read"),
    ];
    token_with_dpop(&lab, "dpop-app", &params, &[])
        .await
        .assert_error("invalid_dpop_proof");
    let r = token_with_dpop(
        &lab,
        "dpop-app",
        &params,
        &[&key.proof(&proof_claims(&lab, "x-2"))],
    )
    .await;
    r.assert_issued();
    assert_eq!(claims(r.token())["cnf"]["jkt"], key.thumbprint().as_str());
}

#[tokio::test]
async fn every_bad_proof_is_refused() {
    let lab = lab().await;
    let key = DpopKey::new(5);
    let refused = |r: Reply, needle: &str| {
        r.assert_error("invalid_dpop_proof");
        assert!(
            r.description().contains(needle),
            "{needle:?} in {}",
            r.description()
        );
    };
    let with = |f: &dyn Fn(&mut Value), jti: &str| {
        let mut c = proof_claims(&lab, jti);
        f(&mut c);
        key.proof(&c)
    };

    let p = with(&|c| c["htu"] = json!("http://127.0.0.1:1/token"), "htu");
    refused(
        token_with_dpop(&lab, "dpop-app", &[CC], &[&p]).await,
        "its htu",
    );
    let p = with(&|c| c["htm"] = json!("GET"), "htm");
    refused(
        token_with_dpop(&lab, "dpop-app", &[CC], &[&p]).await,
        "its htm is \"GET\"",
    );
    let p = with(&|c| c["iat"] = json!(now() - 3600), "old");
    refused(
        token_with_dpop(&lab, "dpop-app", &[CC], &[&p]).await,
        "s old",
    );
    let p = with(&|c| c["iat"] = json!(now() + 3600), "future");
    refused(
        token_with_dpop(&lab, "dpop-app", &[CC], &[&p]).await,
        "in the future",
    );

    // Replayed.
    let p = with(&|_| {}, "once");
    token_with_dpop(&lab, "dpop-app", &[CC], &[&p])
        .await
        .assert_issued();
    refused(
        token_with_dpop(&lab, "dpop-app", &[CC], &[&p]).await,
        "already used",
    );

    // A private key in the jwk.
    let mut jwk = key.public_jwk();
    jwk["d"] = json!(URL_SAFE_NO_PAD.encode(key.key.to_bytes()));
    let header = json!({"typ": "dpop+jwt", "alg": "ES256", "jwk": jwk});
    let p = key.raw_proof(&header, &proof_claims(&lab, "private"));
    refused(
        token_with_dpop(&lab, "dpop-app", &[CC], &[&p]).await,
        "private",
    );

    // Signed by another key than its jwk.
    let other = DpopKey::new(6);
    let header = json!({"typ": "dpop+jwt", "alg": "ES256", "jwk": other.public_jwk()});
    let p = key.raw_proof(&header, &proof_claims(&lab, "forged"));
    refused(
        token_with_dpop(&lab, "dpop-app", &[CC], &[&p]).await,
        "signature does not verify",
    );

    // Wrong typ, a symmetric alg.
    let header = json!({"typ": "JWT", "alg": "ES256", "jwk": key.public_jwk()});
    let p = key.raw_proof(&header, &proof_claims(&lab, "typ"));
    refused(
        token_with_dpop(&lab, "dpop-app", &[CC], &[&p]).await,
        "dpop+jwt",
    );
    let header = json!({"typ": "dpop+jwt", "alg": "HS256", "jwk": key.public_jwk()});
    let p = key.raw_proof(&header, &proof_claims(&lab, "hs"));
    refused(
        token_with_dpop(&lab, "dpop-app", &[CC], &[&p]).await,
        "HS256",
    );

    // Two DPoP headers, each a good proof.
    let (p1, p2) = (with(&|_| {}, "two-1"), with(&|_| {}, "two-2"));
    refused(
        token_with_dpop(&lab, "dpop-app", &[CC], &[&p1, &p2]).await,
        "more than one DPoP header",
    );
}

#[tokio::test]
async fn a_lab_that_wants_nonces_challenges_then_accepts() {
    let lab = lab_with(
        policy_with(|src| format!("dpop_nonce = true\n{src}")),
        false,
    )
    .await;
    let key = DpopKey::new(7);
    let r = token_with_dpop(
        &lab,
        "dpop-app",
        &[CC],
        &[&key.proof(&proof_claims(&lab, "n-1"))],
    )
    .await;
    r.assert_error("use_dpop_nonce");
    let nonce = r
        .header("dpop-nonce")
        .expect("DPoP-Nonce header")
        .to_owned();
    assert!(!nonce.is_empty());

    let mut c = proof_claims(&lab, "n-2");
    c["nonce"] = json!(nonce);
    let r = token_with_dpop(&lab, "dpop-app", &[CC], &[&key.proof(&c)]).await;
    r.assert_issued();
    assert_eq!(claims(r.token())["cnf"]["jkt"], key.thumbprint().as_str());
    assert!(
        r.header("dpop-nonce").is_some(),
        "the next nonce comes along"
    );

    let mut c = proof_claims(&lab, "n-3");
    c["nonce"] = json!("made-up");
    let r = token_with_dpop(&lab, "dpop-app", &[CC], &[&key.proof(&c)]).await;
    r.assert_error("use_dpop_nonce");
}

#[tokio::test]
async fn a_public_clients_refresh_token_is_bound_to_its_key() {
    let lab = lab_with(
        policy_with(|src| {
            format!(
                "{src}\n[[clients]]\nclient_id = \"dpop-spa\"\nauth = \"none\"\ngrants = [\"password\", \"refresh_token\"]\ndpop = \"required\"\naudiences = [\"orders-api\"]\ndefault_audience = \"orders-api\"\n"
            )
        }),
        false,
    )
    .await;
    let key = DpopKey::new(8);
    let post_public = |params: Vec<(&'static str, String)>, proof: Option<String>| {
        let lab = &lab;
        async move {
            let mut req = reqwest::Client::new()
                .post(lab.token_endpoint())
                .header("content-type", "application/x-www-form-urlencoded");
            if let Some(p) = proof {
                req = req.header("DPoP", p);
            }
            let pairs: Vec<(&str, &str)> = params.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let resp = req.body(form_body(&pairs)).send().await.expect("sent");
            let status = resp.status().as_u16();
            let headers = resp.headers().clone();
            let body = serde_json::from_str(&resp.text().await.expect("body")).expect("JSON");
            Reply {
                status,
                headers,
                body,
            }
        }
    };
    let login = vec![
        ("grant_type", "password".to_owned()),
        ("client_id", "dpop-spa".to_owned()),
        ("username", "alice".to_owned()),
        ("password", "alice-password".to_owned()),
    ];
    let r = post_public(login, Some(key.proof(&proof_claims(&lab, "r-1")))).await;
    r.assert_issued();
    let refresh = r.body["refresh_token"]
        .as_str()
        .expect("refresh")
        .to_owned();
    let again = |refresh: &str| {
        vec![
            ("grant_type", "refresh_token".to_owned()),
            ("client_id", "dpop-spa".to_owned()),
            ("refresh_token", refresh.to_owned()),
        ]
    };
    let thief = DpopKey::new(9);
    let r = post_public(
        again(&refresh),
        Some(thief.proof(&proof_claims(&lab, "r-2"))),
    )
    .await;
    r.assert_error("invalid_dpop_proof");
    assert!(
        r.description().contains("bound to DPoP key"),
        "{}",
        r.description()
    );
    let r = post_public(again(&refresh), Some(key.proof(&proof_claims(&lab, "r-3")))).await;
    r.assert_issued();
    assert_eq!(r.body["token_type"], "DPoP");
    assert_eq!(claims(r.token())["cnf"]["jkt"], key.thumbprint().as_str());
    let i = introspect_as(
        &lab,
        "order-service",
        r.body["refresh_token"].as_str().expect("rt"),
    )
    .await;
    assert_eq!(i.body["cnf"]["jkt"], key.thumbprint().as_str());
}
