//! Issued-token probes: the lab's exchanged tokens pass; a lab whose exchange responses are
//! rewritten (wider scope, longer life, another audience, claims or typ missing, a payload that
//! no longer matches its signature) fails.

use baton_core::http::{HttpRequest, HttpResponse};
use serde_json::{Value as Json, json};

use crate::harness::*;
use crate::token_faults::*;

/// Says the exchange granted more than the subject token holds.
struct WidensScope;
impl Fault for WidensScope {
    fn response(&self, request: &HttpRequest, response: &mut HttpResponse) {
        if is_exchange(request)
            && response.status == 200
            && let Some(mut body) = json_body(response)
        {
            body.insert("scope".into(), json!("documents:read documents:write"));
            set_json(response, &body);
        }
    }
}

/// Issues tokens that live two hours longer than they should.
struct Outlives;
impl Fault for Outlives {
    fn response(&self, request: &HttpRequest, response: &mut HttpResponse) {
        rewrite_exchange_token(request, response, |_, claims| {
            if let Some(exp) = claims.get("exp").and_then(Json::as_i64) {
                claims.insert("exp".into(), json!(exp + 7200));
            }
        });
    }
}

/// Ignores the requested audience.
struct OtherAudience;
impl Fault for OtherAudience {
    fn response(&self, request: &HttpRequest, response: &mut HttpResponse) {
        rewrite_exchange_token(request, response, |_, claims| {
            claims.insert("aud".into(), json!("some-other-api"));
        });
    }
}

/// Leaves jti out.
struct NoJti;
impl Fault for NoJti {
    fn response(&self, request: &HttpRequest, response: &mut HttpResponse) {
        rewrite_exchange_token(request, response, |_, claims| {
            claims.remove("jti");
        });
    }
}

/// Types issued tokens as plain JWT.
struct PlainTyp;
impl Fault for PlainTyp {
    fn response(&self, request: &HttpRequest, response: &mut HttpResponse) {
        rewrite_exchange_token(request, response, |header, _| {
            header.insert("typ".into(), json!("JWT"));
        });
    }
}

/// Changes a claim after signing.
struct AltersPayload;
impl Fault for AltersPayload {
    fn response(&self, request: &HttpRequest, response: &mut HttpResponse) {
        rewrite_exchange_token(request, response, |_, claims| {
            claims.insert("scope".into(), json!("documents:read profile"));
        });
    }
}

#[tokio::test]
async fn scope_not_wider() {
    assert_pass("issued.scope-not-wider").await;
    let why = assert_fail("issued.scope-not-wider", WidensScope).await;
    assert!(why.contains("documents:write"), "{why}");
}

#[tokio::test]
async fn lifetime_not_beyond_subject() {
    assert_pass("issued.lifetime-not-beyond-subject").await;
    let why = assert_fail("issued.lifetime-not-beyond-subject", Outlives).await;
    assert!(why.contains("after the subject token"), "{why}");
}

#[tokio::test]
async fn audience_honoured() {
    assert_pass("issued.audience-honoured").await;
    let why = assert_fail("issued.audience-honoured", OtherAudience).await;
    assert!(why.contains("some-other-api"), "{why}");
}

#[tokio::test]
async fn rfc9068_profile() {
    assert_pass("issued.rfc9068-profile").await;
    let why = assert_fail("issued.rfc9068-profile", NoJti).await;
    assert!(why.contains("lacks jti"), "{why}");
    // typ plain JWT is noted, not failed, when the claims are all there.
    let why = assert_pass_behind("issued.rfc9068-profile", PlainTyp).await;
    assert!(why.contains("info: typ is \"JWT\""), "{why}");
}

#[tokio::test]
async fn explicit_typing() {
    assert_pass("issued.explicit-typing").await;
    let why = assert_fail("issued.explicit-typing", PlainTyp).await;
    assert!(why.contains("generic \"JWT\""), "{why}");
}

#[tokio::test]
async fn signature_verifies() {
    assert_pass("issued.signature-verifies").await;
    let why = assert_fail("issued.signature-verifies", AltersPayload).await;
    assert!(why.contains("signature does not match"), "{why}");
}

#[tokio::test]
async fn opaque_issued_tokens_skip_with_a_reason() {
    assert_skip(
        "issued.audience-honoured",
        Opaque::new(),
        "opaque.issued-judged",
    )
    .await;
    assert_skip(
        "issued.scope-not-wider",
        Opaque::new(),
        "opaque.subject-judged",
    )
    .await;
}
