//! Verification against a JWKS with real keys: good, expired, wrong key, wrong algorithm, not a
//! JWT; and client assertions for private_key_jwt.

use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use baton_core::http::{HttpClient, HttpRequest, HttpResponse, TransportError};
use baton_core::verify::{Jwks, VerifyOptions, VerifyProblem, verify};
use baton_core::{
    ClientAuth, ExchangeParams, FixedClock, Secret, SigningAlg, SigningKey, TokenClient,
    TokenRequest, decode, token_type,
};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use p256::pkcs8::{EncodePrivateKey, LineEnding};
use serde_json::{Value, json};

const NOW: i64 = 1_800_000_000;

struct Key {
    pem: String,
    jwk: Value,
    alg: Algorithm,
}

fn es256(kid: &str) -> Key {
    let sk = p256::ecdsa::SigningKey::random(&mut rand::rngs::OsRng);
    let pem = sk.to_pkcs8_pem(LineEnding::LF).expect("pem").to_string();
    let point = sk.verifying_key().to_encoded_point(false);
    let jwk = json!({"kty":"EC","crv":"P-256","kid":kid,"use":"sig","alg":"ES256",
        "x": URL_SAFE_NO_PAD.encode(point.x().expect("x")),
        "y": URL_SAFE_NO_PAD.encode(point.y().expect("y"))});
    Key {
        pem,
        jwk,
        alg: Algorithm::ES256,
    }
}

fn eddsa(kid: &str) -> Key {
    let sk = ed25519_dalek::SigningKey::generate(&mut rand::rngs::OsRng);
    let pem = sk.to_pkcs8_pem(LineEnding::LF).expect("pem").to_string();
    let jwk = json!({"kty":"OKP","crv":"Ed25519","kid":kid,
        "x": URL_SAFE_NO_PAD.encode(sk.verifying_key().as_bytes())});
    Key {
        pem,
        jwk,
        alg: Algorithm::EdDSA,
    }
}

fn rs256(kid: &str) -> Key {
    use rsa::traits::PublicKeyParts;
    let sk = rsa::RsaPrivateKey::new(&mut rand::rngs::OsRng, 2048).expect("rsa");
    let pem = sk.to_pkcs8_pem(LineEnding::LF).expect("pem").to_string();
    let jwk = json!({"kty":"RSA","kid":kid,
        "n": URL_SAFE_NO_PAD.encode(sk.n().to_bytes_be()),
        "e": URL_SAFE_NO_PAD.encode(sk.e().to_bytes_be())});
    Key {
        pem,
        jwk,
        alg: Algorithm::RS256,
    }
}

fn sign(key: &Key, kid: Option<&str>, claims: &Value) -> String {
    let enc = match key.alg {
        Algorithm::ES256 => EncodingKey::from_ec_pem(key.pem.as_bytes()),
        Algorithm::EdDSA => EncodingKey::from_ed_pem(key.pem.as_bytes()),
        _ => EncodingKey::from_rsa_pem(key.pem.as_bytes()),
    }
    .expect("key");
    let mut header = Header::new(key.alg);
    header.kid = kid.map(str::to_string);
    jsonwebtoken::encode(&header, claims, &enc).expect("sign")
}

fn jwks(keys: &[&Key]) -> Jwks {
    let set = json!({"keys": keys.iter().map(|k| k.jwk.clone()).collect::<Vec<_>>()});
    Jwks::parse(set.to_string().as_bytes(), "test").expect("jwks")
}

fn claims(exp: i64) -> Value {
    json!({"iss":"https://lab","sub":"alice","aud":"payments","exp":exp,"iat":NOW - 5})
}

#[test]
fn good_tokens_verify_for_each_algorithm() {
    for key in [es256("e1"), eddsa("d1"), rs256("r1")] {
        let kid = key.jwk["kid"].as_str().expect("kid").to_string();
        let token = sign(&key, Some(&kid), &claims(NOW + 300));
        let mut options = VerifyOptions::new(NOW);
        options.issuer = Some("https://lab".into());
        options.audience = Some("payments".into());
        let v = verify(&token, &jwks(&[&key]), &options);
        assert!(v.valid, "{:?}: {:?}", key.alg, v.problems);
        assert_eq!(v.kid.as_deref(), Some(kid.as_str()));
    }
}

#[test]
fn expired_token_says_when() {
    let key = es256("k");
    let token = sign(&key, Some("k"), &claims(NOW - 600));
    let v = verify(&token, &jwks(&[&key]), &VerifyOptions::new(NOW));
    assert!(!v.valid);
    assert!(
        matches!(v.problems[..], [VerifyProblem::Expired { ago: 600, .. }]),
        "{:?}",
        v.problems
    );
    assert!(v.problems[0].to_string().contains("600 s ago"));
    // Within the leeway it still verifies.
    let token = sign(&key, Some("k"), &claims(NOW - 30));
    assert!(verify(&token, &jwks(&[&key]), &VerifyOptions::new(NOW)).valid);
}

#[test]
fn wrong_key_is_a_bad_signature_and_unknown_kid_is_named() {
    let signer = es256("k");
    let other = es256("k");
    let token = sign(&signer, Some("k"), &claims(NOW + 60));
    let v = verify(&token, &jwks(&[&other]), &VerifyOptions::new(NOW));
    assert!(
        matches!(v.problems[..], [VerifyProblem::BadSignature { .. }]),
        "{:?}",
        v.problems
    );

    let token = sign(&signer, Some("rotated"), &claims(NOW + 60));
    let v = verify(&token, &jwks(&[&signer]), &VerifyOptions::new(NOW));
    let msg = v.problems[0].to_string();
    assert!(
        msg.contains("\"rotated\"") && msg.contains("EC kid=k"),
        "{msg}"
    );
}

#[test]
fn wrong_alg_and_alg_none_are_refused() {
    let key = es256("k");
    let token = sign(&key, Some("k"), &claims(NOW + 60));
    let mut options = VerifyOptions::new(NOW);
    options.algorithms = vec![Algorithm::RS256];
    let v = verify(&token, &jwks(&[&key]), &options);
    assert!(
        matches!(&v.problems[..], [VerifyProblem::AlgNotAllowed { alg, .. }] if alg == "ES256")
    );

    // An RSA key cannot verify an ES256 token even if the kid matches.
    let rsa = rs256("k");
    let v = verify(&token, &jwks(&[&rsa]), &VerifyOptions::new(NOW));
    assert!(
        matches!(v.problems[..], [VerifyProblem::NoUsableKey { .. }]),
        "{:?}",
        v.problems
    );

    let enc = |v: &Value| URL_SAFE_NO_PAD.encode(v.to_string());
    let unsigned = format!(
        "{}.{}.",
        enc(&json!({"alg":"none"})),
        enc(&claims(NOW + 60))
    );
    let v = verify(&unsigned, &jwks(&[&key]), &VerifyOptions::new(NOW));
    assert_eq!(v.problems, vec![VerifyProblem::AlgNone]);
}

#[test]
fn wrong_issuer_and_audience_are_each_reported() {
    let key = eddsa("k");
    let token = sign(&key, Some("k"), &claims(NOW + 60));
    let mut options = VerifyOptions::new(NOW);
    options.issuer = Some("https://other".into());
    options.audience = Some("orders".into());
    let v = verify(&token, &jwks(&[&key]), &options);
    assert_eq!(v.problems.len(), 2, "{:?}", v.problems);
}

#[test]
fn not_a_jwt_is_reported() {
    let v = verify(
        "2YotnFZFEjr1zCsicMWpAA",
        &Jwks::default(),
        &VerifyOptions::new(NOW),
    );
    assert!(matches!(&v.problems[..], [VerifyProblem::NotAJwt(r)] if r.contains("opaque")));
}

#[test]
fn jwks_with_an_unusable_key_keeps_the_rest() {
    let key = es256("good");
    let set = json!({"keys":[{"kty":"XYZ","kid":"weird"}, key.jwk]});
    let jwks = Jwks::parse(set.to_string().as_bytes(), "file.json").expect("parses");
    assert_eq!(jwks.keys.len(), 1);
    assert!(jwks.skipped[0].contains("weird"));
    assert!(
        Jwks::parse(b"<html>", "https://as/jwks")
            .unwrap_err()
            .to_string()
            .contains("https://as/jwks")
    );
}

/// Records the request it is given and answers with a canned response.
struct Recorder {
    seen: Mutex<Vec<HttpRequest>>,
    reply: HttpResponse,
}

#[async_trait]
impl HttpClient for Recorder {
    async fn send(&self, request: &HttpRequest) -> Result<HttpResponse, TransportError> {
        self.seen.lock().expect("lock").push(request.clone());
        Ok(self.reply.clone())
    }
}

#[tokio::test]
async fn private_key_jwt_sends_a_verifiable_assertion_for_the_token_endpoint() {
    for key in [es256("c1"), eddsa("c1"), rs256("c1")] {
        let signing = SigningKey::from_pem(&Secret::new(key.pem.clone()), None, Some("c1".into()))
            .expect("key");
        let expected_alg = match key.alg {
            Algorithm::ES256 => SigningAlg::ES256,
            Algorithm::EdDSA => SigningAlg::EdDSA,
            _ => SigningAlg::RS256,
        };
        assert_eq!(signing.alg(), expected_alg);
        let recorder = Arc::new(Recorder {
            seen: Mutex::new(Vec::new()),
            reply: HttpResponse {
                status: 400,
                headers: vec![("content-type".into(), "application/json".into())],
                body: br#"{"error":"invalid_grant"}"#.to_vec(),
            },
        });
        let client = TokenClient::new(recorder.clone(), Arc::new(FixedClock(NOW)));
        let auth = ClientAuth::PrivateKeyJwt {
            client_id: "agent".into(),
            key: signing,
            audience: None,
        };
        let request = TokenRequest::exchange(
            ExchangeParams::new("s.t.x", token_type::ACCESS_TOKEN, None, None, None)
                .expect("valid"),
        );
        let result = client
            .execute("https://as.example/token", &auth, &request)
            .await
            .expect("sent");
        let seen = recorder.seen.lock().expect("lock")[0].clone();
        assert_eq!(seen.form_value("client_id"), Some("agent"));
        assert_eq!(
            seen.form_value("client_assertion_type"),
            Some("urn:ietf:params:oauth:client-assertion-type:jwt-bearer")
        );
        let assertion = seen.form_value("client_assertion").expect("assertion");
        let v = verify(assertion, &jwks(&[&key]), &{
            let mut o = VerifyOptions::new(NOW);
            o.audience = Some("https://as.example/token".into());
            o
        });
        assert!(v.valid, "{:?}", v.problems);
        let claims = decode(assertion).jwt().cloned().expect("jwt").claims;
        assert_eq!(claims["iss"], "agent");
        assert_eq!(claims["sub"], "agent");
        assert_eq!(claims["exp"], NOW + 120);
        assert!(claims["jti"].as_str().is_some_and(|j| j.len() >= 16));
        // The recorded request never holds the assertion itself.
        assert!(!result.request.body.unwrap_or_default().contains(assertion));
    }
}
