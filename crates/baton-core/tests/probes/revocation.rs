//! Revocation probes: the lab's /revoke passes; a lab that revokes for anyone, or answers 200
//! without revoking, fails.

use baton_core::http::{HttpRequest, HttpResponse};
use baton_core::probe::ProbeOutcome;

use crate::harness::*;
use crate::token_faults::*;

fn is_revocation(request: &HttpRequest) -> bool {
    is_path(request, "/revoke")
}

/// Revokes without client authentication (the proxy authenticates for it).
struct NoAuthNeeded;
impl Fault for NoAuthNeeded {
    fn request(&self, request: &mut HttpRequest) {
        if is_revocation(request) && client_of(request).is_none() {
            authenticate_as(request, "agent-a");
        }
    }
}

/// Answers 200 and revokes nothing: the token never reaches the lab.
struct RevokesNothing;
impl Fault for RevokesNothing {
    fn request(&self, request: &mut HttpRequest) {
        if is_revocation(request) {
            remove_form(request, "token");
        }
    }
    fn response(&self, request: &HttpRequest, response: &mut HttpResponse) {
        if is_revocation(request) {
            response.status = 200;
            response.body.clear();
        }
    }
}

/// Introspection that crashes.
struct BrokenIntrospection;
impl Fault for BrokenIntrospection {
    fn response(&self, request: &HttpRequest, response: &mut HttpResponse) {
        if is_path(request, "/introspect") {
            response.status = 500;
            response.body = b"Internal Server Error".to_vec();
        }
    }
}

#[tokio::test]
async fn requires_auth() {
    let id = "revocation.requires-auth";
    assert_pass(id).await;
    let why = assert_fail(id, NoAuthNeeded).await;
    assert!(
        why.contains("no client authentication was answered HTTP 200")
            && why.contains("no longer active"),
        "{why}"
    );
}

#[tokio::test]
async fn revoked_subject_refused() {
    let id = "revocation.revoked-subject-refused";
    assert_pass(id).await;
    let why = assert_fail(id, RevokesNothing).await;
    assert!(
        why.contains("revoked by its own client was accepted"),
        "{why}"
    );
}

#[tokio::test]
async fn revoked_subject_needs_an_obtained_subject() {
    let result = run_with_given_subject(Honest, "revocation.revoked-subject-refused").await;
    assert_eq!(result.outcome, ProbeOutcome::Skip, "{}", result.reason);
    assert!(
        result
            .reason
            .contains("the subject token was given, not obtained"),
        "{}",
        result.reason
    );
}

#[tokio::test]
async fn derived_tokens() {
    let id = "revocation.derived-tokens";
    let result = run_one(id, Honest).await;
    assert_eq!(result.outcome, ProbeOutcome::Pass, "{}", result.reason);
    assert!(
        result.reason.contains("still active") || result.reason.contains("no longer active"),
        "{}",
        result.reason
    );
    let why = assert_fail(id, BrokenIntrospection).await;
    assert!(why.contains("HTTP 500"), "{why}");
}

#[tokio::test]
async fn no_endpoint_skips() {
    let result = run_one(
        "revocation.revoked-subject-refused",
        WithoutMetadataMember("revocation_endpoint"),
    )
    .await;
    assert_eq!(result.outcome, ProbeOutcome::Skip, "{}", result.reason);
    assert_eq!(
        result.reason,
        "the server advertises no revocation_endpoint"
    );
}
