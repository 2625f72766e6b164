//! Metadata probes: each passes against the lab and fails against a lab behind a fault that
//! changes its metadata (or what it accepts).

use baton_core::http::{HttpRequest, HttpResponse};
use baton_core::probe::ProbeOutcome;
use baton_core::token_type::TOKEN_EXCHANGE_GRANT;
use serde_json::{Map, Value as Json, json};

use crate::harness::{
    Fault, assert_fail, assert_pass, form, json_body, run_one, set_header, set_json,
};

fn is_metadata(request: &HttpRequest) -> bool {
    request.url.contains("/.well-known/")
}

/// Changes the metadata document with `change`.
struct Metadata(fn(&mut Map<String, Json>));
impl Fault for Metadata {
    fn response(&self, request: &HttpRequest, response: &mut HttpResponse) {
        if is_metadata(request)
            && let Some(mut doc) = json_body(response)
        {
            (self.0)(&mut doc);
            set_json(response, &doc);
        }
    }
}

/// No metadata at all: every well-known URL is 404.
struct NoMetadata;
impl Fault for NoMetadata {
    fn response(&self, request: &HttpRequest, response: &mut HttpResponse) {
        if is_metadata(request) {
            response.status = 404;
            set_header(response, "content-type", "text/plain");
            response.body = b"Not Found".to_vec();
        }
    }
}

#[tokio::test]
async fn every_metadata_probe_skips_without_metadata() {
    for id in [
        "metadata.required-members",
        "metadata.issuer-matches",
        "metadata.token-exchange-advertised",
        "metadata.token-endpoint-matches",
        "metadata.advertised-grants-accepted",
        "metadata.advertised-auth-methods-accepted",
        "metadata.supported-spelling",
        "metadata.revocation-advertised-consistently",
    ] {
        let result = run_one(id, NoMetadata).await;
        assert_eq!(
            result.outcome,
            ProbeOutcome::Skip,
            "{id}: {}",
            result.reason
        );
        assert!(
            result.reason.contains("publishes no metadata"),
            "{id}: {}",
            result.reason
        );
    }
}

// metadata.required-members

#[tokio::test]
async fn required_members_passes() {
    assert_pass("metadata.required-members").await;
}

#[tokio::test]
async fn required_members_fails_without_response_types_supported() {
    let fault = Metadata(|doc| {
        doc.remove("response_types_supported");
    });
    let why = assert_fail("metadata.required-members", fault).await;
    assert!(why.contains("it lacks response_types_supported"), "{why}");
}

#[tokio::test]
async fn required_members_fails_without_issuer_and_token_endpoint() {
    let fault = Metadata(|doc| {
        doc.remove("issuer");
        doc.remove("token_endpoint");
    });
    let why = assert_fail("metadata.required-members", fault).await;
    assert!(why.contains("it lacks issuer, token_endpoint"), "{why}");
}

#[tokio::test]
async fn required_members_fails_when_the_default_grants_need_an_authorization_endpoint() {
    // The lab now has an authorization endpoint: a server without one, and without
    // grant_types_supported (whose default includes authorization_code), lacks it.
    let fault = Metadata(|doc| {
        doc.remove("grant_types_supported");
        doc.remove("authorization_endpoint");
    });
    let why = assert_fail("metadata.required-members", fault).await;
    assert!(why.contains("it lacks authorization_endpoint"), "{why}");
}

// metadata.issuer-matches

#[tokio::test]
async fn issuer_matches_passes() {
    assert_pass("metadata.issuer-matches").await;
}

#[tokio::test]
async fn issuer_matches_fails_for_another_issuer() {
    let fault = Metadata(|doc| {
        doc.insert("issuer".into(), json!("https://elsewhere.example"));
    });
    let why = assert_fail("metadata.issuer-matches", fault).await;
    assert!(
        why.contains("names issuer \"https://elsewhere.example\""),
        "{why}"
    );
}

#[tokio::test]
async fn issuer_matches_fails_for_a_trailing_slash() {
    let fault = Metadata(|doc| {
        let issuer = doc["issuer"].as_str().unwrap_or_default().to_string();
        doc.insert("issuer".into(), json!(format!("{issuer}/")));
    });
    let why = assert_fail("metadata.issuer-matches", fault).await;
    assert!(why.contains("only by a trailing slash"), "{why}");
}

// metadata.token-exchange-advertised

#[tokio::test]
async fn token_exchange_advertised_passes() {
    assert_pass("metadata.token-exchange-advertised").await;
}

#[tokio::test]
async fn token_exchange_advertised_fails_when_the_grant_is_not_listed() {
    let fault = Metadata(|doc| {
        if let Some(Json::Array(grants)) = doc.get_mut("grant_types_supported") {
            grants.retain(|g| g != TOKEN_EXCHANGE_GRANT);
        }
    });
    let why = assert_fail("metadata.token-exchange-advertised", fault).await;
    assert!(
        why.contains("does not list urn:ietf:params:oauth:grant-type:token-exchange"),
        "{why}"
    );
}

// metadata.token-endpoint-matches

#[tokio::test]
async fn token_endpoint_matches_passes() {
    assert_pass("metadata.token-endpoint-matches").await;
}

#[tokio::test]
async fn token_endpoint_matches_fails_for_another_endpoint() {
    let fault = Metadata(|doc| {
        doc.insert(
            "token_endpoint".into(),
            json!("https://elsewhere.example/oauth/token"),
        );
    });
    let why = assert_fail("metadata.token-endpoint-matches", fault).await;
    assert!(
        why.contains("\"https://elsewhere.example/oauth/token\""),
        "{why}"
    );
}

// metadata.advertised-grants-accepted

/// The password grant is advertised, but the token endpoint says it does not know it.
struct PasswordUnsupported;
impl Fault for PasswordUnsupported {
    fn response(&self, request: &HttpRequest, response: &mut HttpResponse) {
        if form(request, "grant_type").as_deref() == Some("password") {
            response.status = 400;
            let body = json!({"error": "unsupported_grant_type"});
            if let Json::Object(body) = body {
                set_json(response, &body);
            }
        }
    }
}

#[tokio::test]
async fn advertised_grants_accepted_passes() {
    assert_pass("metadata.advertised-grants-accepted").await;
}

#[tokio::test]
async fn advertised_grants_accepted_fails_when_an_advertised_grant_is_unsupported() {
    let why = assert_fail("metadata.advertised-grants-accepted", PasswordUnsupported).await;
    assert!(why.contains("unsupported_grant_type to password"), "{why}");
}

// metadata.advertised-auth-methods-accepted

/// client_secret_post is advertised, but refused.
struct PostRefused;
impl Fault for PostRefused {
    fn response(&self, request: &HttpRequest, response: &mut HttpResponse) {
        if form(request, "client_secret").is_some() {
            response.status = 401;
            let body = json!({"error": "invalid_client", "error_description": "client_secret_post is not accepted"});
            if let Json::Object(body) = body {
                set_json(response, &body);
            }
        }
    }
}

#[tokio::test]
async fn advertised_auth_methods_accepted_passes() {
    assert_pass("metadata.advertised-auth-methods-accepted").await;
}

#[tokio::test]
async fn advertised_auth_methods_accepted_fails_when_post_is_refused() {
    let why = assert_fail("metadata.advertised-auth-methods-accepted", PostRefused).await;
    assert!(why.contains("client_secret_post was refused"), "{why}");
}

// metadata.supported-spelling

#[tokio::test]
async fn supported_spelling_passes() {
    assert_pass("metadata.supported-spelling").await;
}

#[tokio::test]
async fn supported_spelling_fails_for_a_near_miss() {
    let fault = Metadata(|doc| {
        if let Some(v) = doc.remove("grant_types_supported") {
            doc.insert("grant_type_supported".into(), v);
        }
        if let Some(v) = doc.remove("scopes_supported") {
            doc.insert("scopes_suported".into(), v);
        }
    });
    let why = assert_fail("metadata.supported-spelling", fault).await;
    assert!(
        why.contains("grant_type_supported (did you mean grant_types_supported?)"),
        "{why}"
    );
    assert!(why.contains("scopes_suported"), "{why}");
}

// metadata.revocation-advertised-consistently

#[tokio::test]
async fn revocation_advertised_consistently_passes() {
    assert_pass("metadata.revocation-advertised-consistently").await;
}

#[tokio::test]
async fn revocation_advertised_consistently_fails_without_signing_algs_for_a_jwt_method() {
    let fault = Metadata(|doc| {
        doc.remove("revocation_endpoint_auth_signing_alg_values_supported");
    });
    let why = assert_fail("metadata.revocation-advertised-consistently", fault).await;
    assert!(why.contains("lists private_key_jwt"), "{why}");
    assert!(why.contains("MUST be present"), "{why}");
}

#[tokio::test]
async fn revocation_advertised_consistently_fails_for_methods_without_an_endpoint() {
    let fault = Metadata(|doc| {
        doc.remove("revocation_endpoint");
    });
    let why = assert_fail("metadata.revocation-advertised-consistently", fault).await;
    assert!(why.contains("but no revocation_endpoint"), "{why}");
}
