//! Baseline probes: each passes against the lab and fails against a lab made to misbehave.

use baton_core::http::{HttpRequest, HttpResponse};
use baton_core::probe::ProbeOutcome;
use serde_json::{Value as Json, json};

use crate::harness::*;

/// Refuses every token exchange, as a server without the grant would.
struct RefusesExchanges;
impl Fault for RefusesExchanges {
    fn response(&self, request: &HttpRequest, response: &mut HttpResponse) {
        if is_exchange(request) {
            response.status = 400;
            response.body = br#"{"error":"unsupported_grant_type"}"#.to_vec();
        }
    }
}

#[tokio::test]
async fn plain_exchange() {
    assert_pass("baseline.plain-exchange").await;
    let why = assert_fail("baseline.plain-exchange", RefusesExchanges).await;
    assert!(why.contains("unsupported_grant_type"), "{why}");
}

/// Issues delegated tokens without `act`.
struct DropsAct;
impl Fault for DropsAct {
    fn response(&self, request: &HttpRequest, response: &mut HttpResponse) {
        if is_exchange(request) {
            rewrite_issued(response, |c| {
                c.remove("act");
            });
        }
    }
}

#[tokio::test]
async fn delegation() {
    assert_pass("baseline.delegation").await;
    let why = assert_fail("baseline.delegation", DropsAct).await;
    assert!(why.contains("no act claim"), "{why}");
}

/// Claims an actor that never acted.
struct InventsAct;
impl Fault for InventsAct {
    fn response(&self, request: &HttpRequest, response: &mut HttpResponse) {
        if is_exchange(request) && form(request, "actor_token").is_none() {
            rewrite_issued(response, |c| {
                c.insert("act".into(), json!({"sub": "someone"}));
            });
        }
    }
}

#[tokio::test]
async fn impersonation() {
    assert_pass("baseline.impersonation").await;
    let why = assert_fail("baseline.impersonation", InventsAct).await;
    assert!(why.contains("claims an actor"), "{why}");
}

/// Issues an access token whatever type was requested.
struct IgnoresRequestedType;
impl Fault for IgnoresRequestedType {
    fn request(&self, request: &mut HttpRequest) {
        remove_form(request, "requested_token_type");
    }
}

/// Says the wrong issued_token_type.
struct WrongIssuedType;
impl Fault for WrongIssuedType {
    fn response(&self, request: &HttpRequest, response: &mut HttpResponse) {
        if is_exchange(request)
            && let Some(mut body) = json_body(response)
            && body.contains_key("issued_token_type")
        {
            body.insert(
                "issued_token_type".into(),
                json!("urn:ietf:params:oauth:token-type:jwt"),
            );
            set_json(response, &body);
        }
    }
}

#[tokio::test]
async fn requested_types() {
    assert_pass("baseline.requested-access-token").await;
    assert_fail("baseline.requested-access-token", WrongIssuedType).await;
    for id in [
        "baseline.requested-jwt",
        "baseline.requested-id-token",
        "baseline.requested-refresh-token",
    ] {
        let result = run_one(id, Honest).await;
        // The lab issues every registered type it can sign; a clean refusal would be a skip.
        assert_ne!(
            result.outcome,
            ProbeOutcome::Fail,
            "{id}: {}",
            result.reason
        );
        let why = assert_fail(id, IgnoresRequestedType).await;
        assert!(why.contains("was issued"), "{id}: {why}");
    }
}

/// Refuses any request that names an audience or a resource.
struct RefusesTargets;
impl Fault for RefusesTargets {
    fn response(&self, request: &HttpRequest, response: &mut HttpResponse) {
        if is_exchange(request)
            && (form(request, "audience").is_some() || form(request, "resource").is_some())
        {
            response.status = 400;
            response.body = br#"{"error":"invalid_target"}"#.to_vec();
        }
    }
}

#[tokio::test]
async fn audience_and_resource() {
    assert_pass("baseline.audience").await;
    let why = assert_fail("baseline.audience", RefusesTargets).await;
    assert!(why.contains("invalid_target"), "{why}");
    assert_pass("baseline.resource").await;
    let why = assert_fail("baseline.resource", RefusesTargets).await;
    assert!(why.contains("https://documents.example.com/"), "{why}");
}

/// Grants more scope than asked.
struct WidensScope;
impl Fault for WidensScope {
    fn response(&self, request: &HttpRequest, response: &mut HttpResponse) {
        if is_exchange(request)
            && let Some(mut body) = json_body(response)
            && body.contains_key("access_token")
        {
            body.insert(
                "scope".into(),
                Json::String("documents:read documents:write".into()),
            );
            set_json(response, &body);
        }
    }
}

#[tokio::test]
async fn scope() {
    assert_pass("baseline.scope").await;
    let why = assert_fail("baseline.scope", WidensScope).await;
    assert!(why.contains("more than requested"), "{why}");
}
