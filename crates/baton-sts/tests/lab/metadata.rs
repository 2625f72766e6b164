use baton_sts::{SigningAlg, StsConfig};
use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{DecodingKey, Validation};
use serde_json::{Map, Value};

use crate::common::*;

#[tokio::test]
async fn metadata_describes_the_lab() {
    let lab = lab().await;
    let (headers, doc) = get_json(&lab.metadata_url()).await;
    assert_eq!(
        headers.get("content-type").and_then(|v| v.to_str().ok()),
        Some("application/json")
    );
    assert_eq!(doc["issuer"], lab.issuer());
    assert_eq!(lab.issuer(), lab.base_url());
    assert_eq!(doc["token_endpoint"], lab.token_endpoint());
    assert_eq!(doc["jwks_uri"], lab.jwks_uri());
    assert_eq!(doc["introspection_endpoint"], lab.introspection_endpoint());
    let grants = doc["grant_types_supported"].as_array().expect("grants");
    for g in [
        "client_credentials",
        "password",
        "refresh_token",
        TOKEN_EXCHANGE,
    ] {
        assert!(grants.iter().any(|x| x == g), "{g} missing");
    }
    let methods = doc["token_endpoint_auth_methods_supported"]
        .as_array()
        .expect("methods");
    for m in [
        "client_secret_basic",
        "client_secret_post",
        "private_key_jwt",
        "none",
    ] {
        assert!(methods.iter().any(|x| x == m), "{m} missing");
    }
    assert!(
        doc["token_endpoint_auth_signing_alg_values_supported"]
            .as_array()
            .is_some_and(|a| a.iter().any(|x| x == "ES256"))
    );
    assert!(doc["introspection_endpoint_auth_methods_supported"].is_array());
    assert_eq!(doc["response_types_supported"], serde_json::json!(["code"]));
    assert_eq!(doc["authorization_endpoint"], lab.authorization_endpoint());
    assert_eq!(
        doc["code_challenge_methods_supported"],
        serde_json::json!(["S256"])
    );
    assert_eq!(doc["authorization_response_iss_parameter_supported"], true);
    assert_eq!(
        doc["pushed_authorization_request_endpoint"],
        format!("{}/par", lab.base_url())
    );
    assert_eq!(
        doc["device_authorization_endpoint"],
        format!("{}/device_authorization", lab.base_url())
    );
    for g in [
        "authorization_code",
        "urn:ietf:params:oauth:grant-type:device_code",
    ] {
        assert!(grants.iter().any(|x| x == g), "{g} missing");
    }
    assert!(
        doc["scopes_supported"]
            .as_array()
            .is_some_and(|a| a.iter().any(|x| x == "payments:charge"))
    );

    let (_, oidc) = get_json(&format!(
        "{}/.well-known/openid-configuration",
        lab.base_url()
    ))
    .await;
    assert_eq!(oidc, doc);
}

#[tokio::test]
async fn jwks_key_verifies_issued_tokens_for_every_alg() {
    for (alg, name) in [
        (SigningAlg::ES256, "ES256"),
        (SigningAlg::EdDSA, "EdDSA"),
        (SigningAlg::RS256, "RS256"),
    ] {
        let mut policy = baton_sts::Policy::lab_default();
        policy.signing_alg = alg;
        // Deterministic keys: RSA key generation is slow in a debug build.
        let lab = baton_sts::spawn(StsConfig {
            policy,
            port: 0,
            deterministic: alg == SigningAlg::RS256,
            trusted_issuers: Vec::new(),
            tls: false,
        })
        .await
        .expect("lab");
        let (_, jwks) = get_json(&lab.jwks_uri()).await;
        let key = &jwks["keys"][0];
        assert_eq!(key["alg"], name);
        assert_eq!(key["use"], "sig");
        assert_eq!(key["kid"], lab.key_id());
        assert!(key.get("d").is_none(), "private part published");

        let token = client_token(&lab, "order-service").await;
        let h = header(&token);
        assert_eq!(h["alg"], name);
        assert_eq!(h["kid"], lab.key_id());
        assert_eq!(h["typ"], "at+jwt");

        let set: JwkSet = serde_json::from_value(jwks).expect("JWK set");
        let jwk = set.find(lab.key_id()).expect("kid in set");
        let decoding = DecodingKey::from_jwk(jwk).expect("usable JWK");
        let mut validation =
            Validation::new(h["alg"].as_str().and_then(|a| a.parse().ok()).expect("alg"));
        validation.set_audience(&["payments-api"]);
        validation.set_issuer(&[lab.issuer()]);
        // Deterministic tokens are issued at 2026-01-01 and are stale by the real clock.
        validation.validate_exp = alg != SigningAlg::RS256;
        jsonwebtoken::decode::<Map<String, Value>>(&token, &decoding, &validation)
            .unwrap_or_else(|e| panic!("{name} token does not verify with the JWKS: {e}"));
    }
}
