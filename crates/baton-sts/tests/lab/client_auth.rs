use std::time::{SystemTime, UNIX_EPOCH};

use baton_sts::{Client, ClientAuth, Grant, Policy, Secret};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use p256::pkcs8::{EncodePrivateKey, EncodePublicKey, LineEnding};
use serde_json::json;

use crate::common::*;

fn client(id: &str, auth: ClientAuth) -> Client {
    Client {
        client_id: id.to_owned(),
        description: None,
        auth,
        grants: vec![Grant::ClientCredentials],
        may_delegate: false,
        may_impersonate: false,
        audiences: vec!["payments-api".to_owned()],
        default_audience: Some("payments-api".to_owned()),
        scopes: None,
        may_act: None,
        accepts_audiences: Vec::new(),
        dpop: false,
        redirect_uris: Vec::new(),
        tls_client_certificate_bound_access_tokens: false,
        opaque_access_tokens: false,
    }
}

#[tokio::test]
async fn client_secret_post_works() {
    let lab = lab().await;
    let params = [
        ("grant_type", "client_credentials"),
        ("client_id", "order-service"),
        ("client_secret", "order-service-secret"),
    ];
    post(&lab.token_endpoint(), &params, None)
        .await
        .assert_issued();
}

#[tokio::test]
async fn bad_basic_credentials_get_401_with_challenge() {
    let lab = lab().await;
    let r = post(
        &lab.token_endpoint(),
        &[("grant_type", "client_credentials")],
        Some(&basic("order-service", "wrong")),
    )
    .await;
    r.assert_error("invalid_client");
    assert_eq!(
        r.header("www-authenticate"),
        Some("Basic realm=\"baton-lab\"")
    );

    let r = post(
        &lab.token_endpoint(),
        &[("grant_type", "client_credentials")],
        Some(&basic("nobody", "x")),
    )
    .await;
    r.assert_error("invalid_client");
    assert!(r.header("www-authenticate").is_some());

    // Without Basic there is no challenge.
    let params = [
        ("grant_type", "client_credentials"),
        ("client_id", "order-service"),
        ("client_secret", "wrong"),
    ];
    let r = post(&lab.token_endpoint(), &params, None).await;
    r.assert_error("invalid_client");
    assert_eq!(r.header("www-authenticate"), None);
}

#[tokio::test]
async fn confidential_client_without_secret_is_refused() {
    let lab = lab().await;
    let params = [
        ("grant_type", "client_credentials"),
        ("client_id", "order-service"),
    ];
    let r = post(&lab.token_endpoint(), &params, None).await;
    r.assert_error("invalid_client");
    assert!(
        r.description().contains("confidential"),
        "{}",
        r.description()
    );
    // And no identification at all.
    post(
        &lab.token_endpoint(),
        &[("grant_type", "client_credentials")],
        None,
    )
    .await
    .assert_error("invalid_client");
}

#[tokio::test]
async fn public_client_may_not_send_a_secret() {
    let lab = lab().await;
    let params = [
        ("grant_type", "password"),
        ("username", "alice"),
        ("password", "alice-password"),
    ];
    post(
        &lab.token_endpoint(),
        &params,
        Some(&basic("baton-cli", "anything")),
    )
    .await
    .assert_error("invalid_client");
}

#[tokio::test]
async fn two_methods_at_once_is_invalid_request() {
    let lab = lab().await;
    let params = [
        ("grant_type", "client_credentials"),
        ("client_id", "order-service"),
        ("client_secret", "order-service-secret"),
    ];
    let r = post(
        &lab.token_endpoint(),
        &params,
        Some(&basic("order-service", "order-service-secret")),
    )
    .await;
    r.assert_error("invalid_request");
    assert!(r.description().contains("more than one"));
}

#[tokio::test]
async fn basic_credentials_are_form_urldecoded() {
    let mut policy = Policy::lab_default();
    let id = "svc:reports+1";
    let secret = "p@ss word+&=/%";
    policy
        .clients
        .push(client(id, ClientAuth::ClientSecret(Secret::new(secret))));
    let lab = lab_with(policy, false).await;
    let r = post(
        &lab.token_endpoint(),
        &[("grant_type", "client_credentials")],
        Some(&basic(id, secret)),
    )
    .await;
    r.assert_issued();
    assert_eq!(claims(r.token())["sub"], id);
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

struct Signer {
    key: EncodingKey,
}

impl Signer {
    fn assertion(&self, claims: serde_json::Value) -> String {
        jsonwebtoken::encode(&Header::new(Algorithm::ES256), &claims, &self.key).expect("sign")
    }
}

fn new_p256() -> (Signer, String) {
    let secret = p256::SecretKey::random(&mut rand::rngs::OsRng);
    let pem = secret
        .public_key()
        .to_public_key_pem(LineEnding::LF)
        .expect("pem");
    let der = secret.to_pkcs8_der().expect("der");
    (
        Signer {
            key: EncodingKey::from_ec_der(der.as_bytes()),
        },
        pem,
    )
}

#[tokio::test]
async fn private_key_jwt() {
    let (signer, pem) = new_p256();
    let (stranger, _) = new_p256();
    let mut policy = Policy::lab_default();
    policy.clients.push(client(
        "signer",
        ClientAuth::PrivateKeyJwt {
            public_key_pem: pem,
        },
    ));
    let lab = lab_with(policy, false).await;
    let endpoint = lab.token_endpoint();
    let send = |assertion: String| {
        let endpoint = endpoint.clone();
        async move {
            let params = [
                ("grant_type", "client_credentials"),
                (
                    "client_assertion_type",
                    "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
                ),
                ("client_assertion", assertion.as_str()),
            ];
            post(&endpoint, &params, None).await
        }
    };
    let good = |jti: &str| json!({"iss": "signer", "sub": "signer", "aud": endpoint, "exp": now() + 60, "jti": jti});

    let assertion = signer.assertion(good("one"));
    let r = send(assertion.clone()).await;
    r.assert_issued();
    assert_eq!(claims(r.token())["sub"], "signer");

    // The issuer is also an accepted audience.
    send(signer.assertion(json!({"iss": "signer", "sub": "signer", "aud": lab.issuer(), "exp": now() + 60, "jti": "two"})))
        .await
        .assert_issued();

    let r = send(assertion).await;
    r.assert_error("invalid_client");
    assert!(r.description().contains("replays"), "{}", r.description());

    let r = send(stranger.assertion(good("three"))).await;
    r.assert_error("invalid_client");
    assert!(r.description().contains("signature"), "{}", r.description());

    let wrong_aud = json!({"iss": "signer", "sub": "signer", "aud": "https://elsewhere.example/token", "exp": now() + 60, "jti": "four"});
    send(signer.assertion(wrong_aud))
        .await
        .assert_error("invalid_client");

    let expired = json!({"iss": "signer", "sub": "signer", "aud": endpoint, "exp": now() - 10, "jti": "five"});
    let r = send(signer.assertion(expired)).await;
    r.assert_error("invalid_client");
    assert!(r.description().contains("expired"), "{}", r.description());

    let sub_differs = json!({"iss": "signer", "sub": "someone", "aud": endpoint, "exp": now() + 60, "jti": "six"});
    send(signer.assertion(sub_differs))
        .await
        .assert_error("invalid_client");

    // A private_key_jwt client may not fall back to a secret or to nothing.
    let params = [
        ("grant_type", "client_credentials"),
        ("client_id", "signer"),
    ];
    post(&lab.token_endpoint(), &params, None)
        .await
        .assert_error("invalid_client");

    // The assertion type is required.
    let params = [
        ("grant_type", "client_credentials"),
        ("client_assertion", "a.b.c"),
    ];
    post(&lab.token_endpoint(), &params, None)
        .await
        .assert_error("invalid_client");
    let a = signer.assertion(good("seven"));
    let params = [
        ("grant_type", "client_credentials"),
        ("client_assertion", a.as_str()),
    ];
    let r = post(&lab.token_endpoint(), &params, None).await;
    r.assert_error("invalid_request");
    assert!(r.description().contains("client_assertion_type"));
}
