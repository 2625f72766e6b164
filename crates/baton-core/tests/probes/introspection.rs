//! Introspection probes: the lab's /introspect passes; a lab whose introspection requests or
//! answers are rewritten fails.

use baton_core::http::{HttpRequest, HttpResponse};
use serde_json::{Map, Value as Json, json};

use baton_core::probe::ProbeOutcome;

use crate::harness::*;
use crate::token_faults::*;

fn is_introspection(request: &HttpRequest) -> bool {
    is_path(request, "/introspect")
}

/// Rewrites every introspection answer with `change`.
fn rewrite_answer(
    request: &HttpRequest,
    response: &mut HttpResponse,
    change: impl FnOnce(&mut Map<String, Json>),
) {
    if is_introspection(request)
        && let Some(mut body) = json_body(response)
    {
        change(&mut body);
        set_json(response, &body);
    }
}

/// Answers introspection without client authentication (the proxy authenticates for it).
struct NoAuthNeeded;
impl Fault for NoAuthNeeded {
    fn request(&self, request: &mut HttpRequest) {
        if is_introspection(request) && client_of(request).is_none() {
            authenticate_as(request, "agent-a");
        }
    }
}

/// Says every token is inactive.
struct AllInactive;
impl Fault for AllInactive {
    fn response(&self, request: &HttpRequest, response: &mut HttpResponse) {
        rewrite_answer(request, response, |b| {
            b.insert("active".into(), json!(false));
        });
    }
}

/// Answers with another sub than the token's.
struct WrongSub;
impl Fault for WrongSub {
    fn response(&self, request: &HttpRequest, response: &mut HttpResponse) {
        rewrite_answer(request, response, |b| {
            if b.contains_key("sub") {
                b.insert("sub".into(), json!("mallory"));
            }
        });
    }
}

/// Leaves act out.
struct DropsAct;
impl Fault for DropsAct {
    fn response(&self, request: &HttpRequest, response: &mut HttpResponse) {
        rewrite_answer(request, response, |b| {
            b.remove("act");
        });
    }
}

/// Says more about a token it does not know.
struct TalkativeInactive;
impl Fault for TalkativeInactive {
    fn response(&self, request: &HttpRequest, response: &mut HttpResponse) {
        rewrite_answer(request, response, |b| {
            if b.get("active") == Some(&json!(false)) {
                b.insert("error_description".into(), json!("token not found"));
            }
        });
    }
}

/// Says every token is active.
struct AllActive;
impl Fault for AllActive {
    fn response(&self, request: &HttpRequest, response: &mut HttpResponse) {
        rewrite_answer(request, response, |b| {
            b.insert("active".into(), json!(true));
        });
    }
}

/// Sends members with no value as null.
struct NullMembers;
impl Fault for NullMembers {
    fn response(&self, request: &HttpRequest, response: &mut HttpResponse) {
        rewrite_answer(request, response, |b| {
            b.insert("username".into(), Json::Null);
        });
    }
}

/// Answers a failed client authentication with 400 invalid_request.
struct WrongStatus;
impl Fault for WrongStatus {
    fn response(&self, request: &HttpRequest, response: &mut HttpResponse) {
        if is_introspection(request) && response.status == 401 {
            response.status = 400;
            response.body = br#"{"error":"invalid_request"}"#.to_vec();
        }
    }
}

#[tokio::test]
async fn requires_auth() {
    assert_pass("introspection.requires-auth").await;
    let why = assert_fail("introspection.requires-auth", NoAuthNeeded).await;
    assert!(
        why.contains("was answered") && why.contains("active = true"),
        "{why}"
    );
}

#[tokio::test]
async fn fresh_token_active() {
    assert_pass("introspection.fresh-token-active").await;
    let why = assert_fail("introspection.fresh-token-active", AllInactive).await;
    assert!(why.contains("active: false"), "{why}");
}

#[tokio::test]
async fn claims_agree() {
    assert_pass("introspection.claims-agree").await;
    let why = assert_fail("introspection.claims-agree", WrongSub).await;
    assert!(
        why.contains("sub: the token says") && why.contains("mallory"),
        "{why}"
    );
}

#[tokio::test]
async fn act_for_delegated() {
    assert_pass("introspection.act-for-delegated").await;
    let why = assert_fail("introspection.act-for-delegated", DropsAct).await;
    assert!(why.contains("has no act"), "{why}");
}

#[tokio::test]
async fn garbage_inactive() {
    assert_pass("introspection.garbage-inactive").await;
    let why = assert_fail("introspection.garbage-inactive", TalkativeInactive).await;
    assert!(why.contains("also has error_description"), "{why}");
    let why = assert_fail("introspection.garbage-inactive", AllActive).await;
    assert!(why.contains("active: true"), "{why}");
}

#[tokio::test]
async fn no_null_members() {
    assert_pass("introspection.no-null-members").await;
    let why = assert_fail("introspection.no-null-members", NullMembers).await;
    assert!(why.contains("username"), "{why}");
}

#[tokio::test]
async fn error_status() {
    assert_pass("introspection.error-status").await;
    let why = assert_fail("introspection.error-status", WrongStatus).await;
    assert!(why.contains("HTTP 401 invalid_client"), "{why}");
}

#[tokio::test]
async fn no_endpoint_skips() {
    // The server's settings name none and its metadata advertises none.
    let collection =
        PROBE_COLLECTION.replace("introspection_endpoint = \"{{env.lab}}/introspect\"\n", "");
    assert_ne!(collection, PROBE_COLLECTION);
    let result = run_with_collection(
        &collection,
        WithoutMetadataMember("introspection_endpoint"),
        "introspection.garbage-inactive",
    )
    .await;
    assert_eq!(result.outcome, ProbeOutcome::Skip, "{}", result.reason);
    assert_eq!(result.reason, "the server has no introspection endpoint");
}
