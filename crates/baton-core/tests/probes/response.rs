//! Response conformance probes: each passes against the lab and fails against a lab behind a
//! fault that changes its answers.

use baton_core::http::{HttpRequest, HttpResponse};
use baton_core::token_type::REFRESH_TOKEN;
use serde_json::{Value as Json, json};

use crate::harness::{
    Fault, assert_fail, assert_pass, form, is_exchange, json_body, remove_form, remove_header,
    set_form, set_header, set_json,
};

/// Changes the JSON body of every token exchange answer with `change`.
fn change_exchange_json(
    request: &HttpRequest,
    response: &mut HttpResponse,
    change: impl FnOnce(&mut serde_json::Map<String, Json>),
) {
    if !is_exchange(request) {
        return;
    }
    if let Some(mut body) = json_body(response) {
        change(&mut body);
        set_json(response, &body);
    }
}

/// Changes the JSON body of the token exchange successes.
fn change_issued(
    request: &HttpRequest,
    response: &mut HttpResponse,
    change: impl FnOnce(&mut serde_json::Map<String, Json>),
) {
    if response.status == 200 {
        change_exchange_json(request, response, change);
    }
}

// response.issued-token-type

struct NoIssuedTokenType;
impl Fault for NoIssuedTokenType {
    fn response(&self, request: &HttpRequest, response: &mut HttpResponse) {
        change_issued(request, response, |b| {
            b.remove("issued_token_type");
        });
    }
}

struct IssuedTypeAsName;
impl Fault for IssuedTypeAsName {
    fn response(&self, request: &HttpRequest, response: &mut HttpResponse) {
        change_issued(request, response, |b| {
            b.insert("issued_token_type".into(), json!("access_token"));
        });
    }
}

#[tokio::test]
async fn issued_token_type_passes() {
    assert_pass("response.issued-token-type").await;
}

#[tokio::test]
async fn issued_token_type_fails_when_missing() {
    let why = assert_fail("response.issued-token-type", NoIssuedTokenType).await;
    assert!(why.contains("has no issued_token_type"), "{why}");
}

#[tokio::test]
async fn issued_token_type_fails_when_not_a_uri() {
    let why = assert_fail("response.issued-token-type", IssuedTypeAsName).await;
    assert!(
        why.contains("\"access_token\", which is not a URI"),
        "{why}"
    );
}

// response.token-type-value

struct TokenTypeAccessToken;
impl Fault for TokenTypeAccessToken {
    fn response(&self, request: &HttpRequest, response: &mut HttpResponse) {
        change_issued(request, response, |b| {
            b.insert("token_type".into(), json!("access_token"));
        });
    }
}

/// A refresh token said to be a Bearer access token.
struct RefreshAsBearer;
impl Fault for RefreshAsBearer {
    fn response(&self, request: &HttpRequest, response: &mut HttpResponse) {
        change_issued(request, response, |b| {
            if b.get("issued_token_type") == Some(&json!(REFRESH_TOKEN)) {
                b.insert("token_type".into(), json!("Bearer"));
            }
        });
    }
}

#[tokio::test]
async fn token_type_value_passes() {
    assert_pass("response.token-type-value").await;
}

#[tokio::test]
async fn token_type_value_fails_for_a_type_name() {
    let why = assert_fail("response.token-type-value", TokenTypeAccessToken).await;
    assert!(why.contains("token_type \"access_token\""), "{why}");
}

#[tokio::test]
async fn token_type_value_fails_when_a_refresh_token_claims_bearer() {
    let why = assert_fail("response.token-type-value", RefreshAsBearer).await;
    assert!(
        why.contains("refresh_token was issued with token_type \"Bearer\""),
        "{why}"
    );
    assert!(why.contains("N_A"), "{why}");
}

// response.expires-in

struct ExpiresIn(Json);
impl Fault for ExpiresIn {
    fn response(&self, request: &HttpRequest, response: &mut HttpResponse) {
        let value = self.0.clone();
        change_issued(request, response, |b| {
            if value.is_null() {
                b.remove("expires_in");
            } else {
                b.insert("expires_in".into(), value);
            }
        });
    }
}

#[tokio::test]
async fn expires_in_passes() {
    assert_pass("response.expires-in").await;
}

#[tokio::test]
async fn expires_in_fails_when_it_disagrees_with_exp() {
    let why = assert_fail("response.expires-in", ExpiresIn(json!(86400))).await;
    assert!(
        why.contains("expires_in is 86400 s, but the issued token's exp - iat"),
        "{why}"
    );
}

#[tokio::test]
async fn expires_in_fails_without_overflow_on_a_huge_value() {
    let why = assert_fail("response.expires-in", ExpiresIn(json!(u64::MAX))).await;
    assert!(why.contains(&u64::MAX.to_string()), "{why}");
}

#[tokio::test]
async fn expires_in_fails_when_missing() {
    let why = assert_fail("response.expires-in", ExpiresIn(Json::Null)).await;
    assert!(why.contains("no expires_in"), "{why}");
}

// response.scope-when-differs

struct NoScopeMember;
impl Fault for NoScopeMember {
    fn response(&self, request: &HttpRequest, response: &mut HttpResponse) {
        change_issued(request, response, |b| {
            b.remove("scope");
        });
    }
}

#[tokio::test]
async fn scope_when_differs_passes() {
    assert_pass("response.scope-when-differs").await;
}

#[tokio::test]
async fn scope_when_differs_fails_when_scope_is_left_out() {
    let why = assert_fail("response.scope-when-differs", NoScopeMember).await;
    assert!(why.contains("no scope member"), "{why}");
}

// response.cache-control

struct StripCacheControl;
impl Fault for StripCacheControl {
    fn response(&self, _: &HttpRequest, response: &mut HttpResponse) {
        remove_header(response, "cache-control");
    }
}

struct CacheForAMinute;
impl Fault for CacheForAMinute {
    fn response(&self, _: &HttpRequest, response: &mut HttpResponse) {
        set_header(response, "Cache-Control", "max-age=60");
    }
}

#[tokio::test]
async fn cache_control_passes() {
    assert_pass("response.cache-control").await;
}

#[tokio::test]
async fn cache_control_fails_without_the_header() {
    let why = assert_fail("response.cache-control", StripCacheControl).await;
    assert!(why.contains("no Cache-Control header"), "{why}");
}

#[tokio::test]
async fn cache_control_fails_without_no_store() {
    let why = assert_fail("response.cache-control", CacheForAMinute).await;
    assert!(why.contains("max-age=60, without no-store"), "{why}");
}

// response.json-content-type

/// Errors in plain text, as the lab once sent its 405 and 413.
struct PlainErrors;
impl Fault for PlainErrors {
    fn response(&self, _: &HttpRequest, response: &mut HttpResponse) {
        if response.status >= 400 {
            set_header(response, "content-type", "text/plain; charset=utf-8");
        }
    }
}

#[tokio::test]
async fn json_content_type_passes() {
    assert_pass("response.json-content-type").await;
}

#[tokio::test]
async fn json_content_type_fails_for_plain_text_errors() {
    let why = assert_fail("response.json-content-type", PlainErrors).await;
    assert!(
        why.contains("the error response (400) is text/plain"),
        "{why}"
    );
}

// response.no-null-members

struct NullRefreshToken;
impl Fault for NullRefreshToken {
    fn response(&self, request: &HttpRequest, response: &mut HttpResponse) {
        change_issued(request, response, |b| {
            b.insert("refresh_token".into(), Json::Null);
        });
    }
}

struct NullErrorUri;
impl Fault for NullErrorUri {
    fn response(&self, request: &HttpRequest, response: &mut HttpResponse) {
        if response.status >= 400 {
            change_exchange_json(request, response, |b| {
                b.insert("error_uri".into(), Json::Null);
            });
        }
    }
}

#[tokio::test]
async fn no_null_members_passes() {
    assert_pass("response.no-null-members").await;
}

#[tokio::test]
async fn no_null_members_fails_for_a_null_in_a_success() {
    let why = assert_fail("response.no-null-members", NullRefreshToken).await;
    assert!(
        why.contains("the token response has refresh_token as null"),
        "{why}"
    );
}

#[tokio::test]
async fn no_null_members_fails_for_a_null_in_an_error() {
    let why = assert_fail("response.no-null-members", NullErrorUri).await;
    assert!(
        why.contains("the error response has error_uri as null"),
        "{why}"
    );
}

// response.error-bad-subject

/// Rewrites the error code of exchange refusals.
struct ExchangeErrorCode {
    from: &'static str,
    to: &'static str,
}
impl Fault for ExchangeErrorCode {
    fn response(&self, request: &HttpRequest, response: &mut HttpResponse) {
        if let Some(mut body) = json_body(response)
            && body.get("error") == Some(&json!(self.from))
            && form(request, "grant_type").is_some()
        {
            body.insert("error".into(), json!(self.to));
            set_json(response, &body);
        }
    }
}

#[tokio::test]
async fn error_bad_subject_passes() {
    assert_pass("response.error-bad-subject").await;
}

#[tokio::test]
async fn error_bad_subject_fails_for_invalid_grant() {
    let fault = ExchangeErrorCode {
        from: "invalid_request",
        to: "invalid_grant",
    };
    let why = assert_fail("response.error-bad-subject", fault).await;
    assert!(why.contains("HTTP 400 invalid_grant"), "{why}");
    assert!(
        why.contains("the right answer is HTTP 400 invalid_request"),
        "{why}"
    );
}

// response.error-unknown-grant

#[tokio::test]
async fn error_unknown_grant_passes() {
    assert_pass("response.error-unknown-grant").await;
}

#[tokio::test]
async fn error_unknown_grant_fails_for_invalid_request() {
    let fault = ExchangeErrorCode {
        from: "unsupported_grant_type",
        to: "invalid_request",
    };
    let why = assert_fail("response.error-unknown-grant", fault).await;
    assert!(
        why.contains("the right answer is HTTP 400 unsupported_grant_type"),
        "{why}"
    );
}

// response.error-unauthorized-client

#[tokio::test]
async fn error_unauthorized_client_passes() {
    assert_pass("response.error-unauthorized-client").await;
}

#[tokio::test]
async fn error_unauthorized_client_fails_for_another_code() {
    let fault = ExchangeErrorCode {
        from: "unauthorized_client",
        to: "invalid_grant",
    };
    let why = assert_fail("response.error-unauthorized-client", fault).await;
    assert!(why.contains("by alice-app"), "{why}");
    assert!(
        why.contains("the right answer is HTTP 400 unauthorized_client"),
        "{why}"
    );
}

// response.error-invalid-target

/// A server that issues a token for an audience it does not know (here: for another one).
struct IgnoreUnknownAudience;
impl Fault for IgnoreUnknownAudience {
    fn request(&self, request: &mut HttpRequest) {
        if form(request, "audience").as_deref()
            == Some("https://baton.invalid/not-a-registered-audience")
        {
            set_form(request, "audience", "documents-api");
        }
    }
}

#[tokio::test]
async fn error_invalid_target_passes() {
    assert_pass("response.error-invalid-target").await;
}

#[tokio::test]
async fn error_invalid_target_fails_when_issued_anyway() {
    let why = assert_fail("response.error-invalid-target", IgnoreUnknownAudience).await;
    assert!(why.contains("was answered with a token for aud"), "{why}");
}

#[tokio::test]
async fn error_invalid_target_fails_for_invalid_request() {
    let fault = ExchangeErrorCode {
        from: "invalid_target",
        to: "invalid_request",
    };
    let why = assert_fail("response.error-invalid-target", fault).await;
    assert!(
        why.contains("the right answer is HTTP 400 invalid_target"),
        "{why}"
    );
}

// response.error-invalid-scope

/// A server that grants whatever scope is asked for.
struct GrantAnyScope;
impl Fault for GrantAnyScope {
    fn request(&self, request: &mut HttpRequest) {
        if form(request, "scope").as_deref() == Some("baton-probe-unknown-scope") {
            remove_form(request, "scope");
        }
    }
    fn response(&self, request: &HttpRequest, response: &mut HttpResponse) {
        if form(request, "scope").is_none() {
            change_issued(request, response, |b| {
                b.insert("scope".into(), json!("baton-probe-unknown-scope"));
            });
        }
    }
}

#[tokio::test]
async fn error_invalid_scope_passes() {
    assert_pass("response.error-invalid-scope").await;
}

#[tokio::test]
async fn error_invalid_scope_fails_for_another_code() {
    let fault = ExchangeErrorCode {
        from: "invalid_scope",
        to: "invalid_request",
    };
    let why = assert_fail("response.error-invalid-scope", fault).await;
    assert!(
        why.contains("the right answer is HTTP 400 invalid_scope"),
        "{why}"
    );
}

#[tokio::test]
async fn error_invalid_scope_fails_when_the_scope_is_granted() {
    let why = assert_fail("response.error-invalid-scope", GrantAnyScope).await;
    assert!(why.contains("answered with a token granting it"), "{why}");
}

// response.invalid-client-status

/// invalid_client with 400, though the client used Basic.
struct InvalidClient400;
impl Fault for InvalidClient400 {
    fn response(&self, _: &HttpRequest, response: &mut HttpResponse) {
        if json_body(response).and_then(|b| b.get("error").cloned())
            == Some(json!("invalid_client"))
        {
            response.status = 400;
        }
    }
}

#[tokio::test]
async fn invalid_client_status_passes() {
    assert_pass("response.invalid-client-status").await;
}

#[tokio::test]
async fn invalid_client_status_fails_for_400_after_basic() {
    let why = assert_fail("response.invalid-client-status", InvalidClient400).await;
    assert!(why.contains("HTTP 400 invalid_client"), "{why}");
    assert!(
        why.contains("the right answer is HTTP 401 invalid_client"),
        "{why}"
    );
}
