//! Chain probes: the lab refuses every splice and keeps the act chain; a lab behind a proxy that
//! ignores the actor, ties nothing to the presenting client, or rewrites the issued act fails.

use baton_core::http::{HttpRequest, HttpResponse};
use serde_json::{Value as Json, json};

use crate::harness::*;
use crate::token_faults::*;

/// A server that ignores who the actor is: actor_token and its type never reach the lab.
struct DropsActor;
impl Fault for DropsActor {
    fn request(&self, request: &mut HttpRequest) {
        if is_exchange(request) {
            remove_form(request, "actor_token");
            remove_form(request, "actor_token_type");
        }
    }
}

/// A server that never ties tokens to the presenting client: the attacker's exchanges reach the
/// lab as the exchanger's own, without the actor it named.
struct UntiedClients;
impl Fault for UntiedClients {
    fn request(&self, request: &mut HttpRequest) {
        if is_exchange(request) && client_of(request).as_deref() == Some("agent-n") {
            authenticate_as(request, "agent-a");
            remove_form(request, "actor_token");
            remove_form(request, "actor_token_type");
        }
    }
}

/// Issues delegated tokens whose act keeps only the current actor.
struct FlattensAct;
impl Fault for FlattensAct {
    fn response(&self, request: &HttpRequest, response: &mut HttpResponse) {
        rewrite_exchange_token(request, response, |_, claims| {
            if let Some(Json::Object(act)) = claims.get_mut("act") {
                act.remove("act");
            }
        });
    }
}

/// Names someone else than the actor in act.sub.
struct RenamesActor;
impl Fault for RenamesActor {
    fn response(&self, request: &HttpRequest, response: &mut HttpResponse) {
        rewrite_exchange_token(request, response, |_, claims| {
            if let Some(Json::Object(act)) = claims.get_mut("act") {
                act.insert("sub".into(), json!("someone-else"));
            }
        });
    }
}

/// Nests the current actor twice in act.
struct NestsTwice;
impl Fault for NestsTwice {
    fn response(&self, request: &HttpRequest, response: &mut HttpResponse) {
        rewrite_exchange_token(request, response, |_, claims| {
            if let Some(Json::Object(act)) = claims.get_mut("act") {
                let copy = Json::Object(act.clone());
                act.insert("act".into(), copy);
            }
        });
    }
}

#[tokio::test]
async fn actor_token_of_another_client() {
    let id = "chain.actor-token-of-another-client";
    assert_pass(id).await;
    let why = assert_fail(id, DropsActor).await;
    assert!(
        why.contains("agent-n presenting agent-a's own token") && why.contains("was accepted"),
        "{why}"
    );
}

#[tokio::test]
async fn subject_actor_swapped() {
    let id = "chain.subject-actor-swapped";
    assert_pass(id).await;
    let why = assert_fail(id, DropsActor).await;
    assert!(
        why.contains("swapped") && why.contains("was accepted"),
        "{why}"
    );
}

#[tokio::test]
async fn upstream_splice() {
    let id = "chain.upstream-splice";
    assert_pass(id).await;
    let why = assert_fail_without(id, &["may_act_carried"]).await;
    assert!(why.contains("spliced"), "{why}");
}

#[tokio::test]
async fn may_act_first_hop() {
    let id = "chain.may-act-first-hop";
    assert_pass(id).await;
    let why = assert_fail_without(id, &["may_act_enforced"]).await;
    assert!(
        why.contains("may_act") && why.contains("does not name it"),
        "{why}"
    );
}

#[tokio::test]
async fn may_act_every_hop() {
    let id = "chain.may-act-every-hop";
    assert_pass(id).await;
    let why = assert_fail_without(id, &["may_act_carried"]).await;
    assert!(why.contains("did not travel down the chain"), "{why}");
}

#[tokio::test]
async fn foreign_aud_subject() {
    let id = "chain.foreign-aud-subject";
    assert_pass(id).await;
    let why = assert_fail_without(id, &["subject_audience"]).await;
    assert!(why.contains("RFC 8725 §3.9"), "{why}");
}

#[tokio::test]
async fn act_nested() {
    let id = "chain.act-nested";
    assert_pass(id).await;
    let why = assert_fail(id, FlattensAct).await;
    assert!(why.contains("no nested act"), "{why}");
}

#[tokio::test]
async fn act_sub_matches_actor() {
    let id = "chain.act-sub-matches-actor";
    assert_pass(id).await;
    let why = assert_fail(id, RenamesActor).await;
    assert!(why.contains("\"someone-else\""), "{why}");
}

#[tokio::test]
async fn depth_limit() {
    let id = "chain.depth-limit";
    let result = run_one(id, Honest).await;
    assert_eq!(
        result.outcome,
        baton_core::probe::ProbeOutcome::Pass,
        "{}",
        result.reason
    );
    // The lab's max_chain_depth is 4: the fifth hop is refused.
    assert!(result.reason.contains("hop 5"), "{}", result.reason);
    let why = assert_fail(id, DropsActor).await;
    assert!(why.contains("no chain depth limit within 12 hops"), "{why}");
}

#[tokio::test]
async fn circular() {
    let id = "chain.circular";
    assert_pass(id).await;
    let why = assert_fail_without(id, &["actor_not_subject"]).await;
    assert!(why.contains("nested twice"), "{why}");
}

#[tokio::test]
async fn opaque_tokens_skip_with_a_reason() {
    assert_skip(
        "chain.may-act-first-hop",
        Opaque::new(),
        "opaque.subject-judged",
    )
    .await;
    assert_skip("chain.act-nested", Opaque::new(), "introspection").await;
}
