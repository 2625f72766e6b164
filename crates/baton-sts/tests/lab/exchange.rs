use std::time::Duration;

use serde_json::json;

use crate::common::*;

async fn alice(lab: &baton_sts::StsHandle, extra: &[(&str, &str)]) -> String {
    let r = password_token(lab, "web-app", "alice", extra).await;
    r.assert_issued();
    r.token().to_owned()
}

/// Checks the RFC 8693 response fields against the issued JWT.
fn assert_exchange(r: &Reply, issued_type: &str, token_type: &str) {
    r.assert_issued();
    assert_eq!(r.body["issued_token_type"], issued_type, "{:#}", r.body);
    assert_eq!(r.body["token_type"], token_type);
}

fn assert_consistent_jwt(r: &Reply, typ: &str) -> serde_json::Value {
    let c = claims(r.token());
    assert_eq!(header(r.token())["typ"], typ);
    assert_eq!(r.body["scope"], c["scope"]);
    let (exp, iat) = (
        c["exp"].as_u64().unwrap_or(0),
        c["iat"].as_u64().unwrap_or(0),
    );
    assert_eq!(r.body["expires_in"].as_u64(), Some(exp - iat));
    c
}

#[tokio::test]
async fn microservices_delegation_narrows_and_records_the_actor() {
    let lab = lab().await;
    let subject = alice(&lab, &[]).await;
    let actor = client_token(&lab, "order-service").await;

    let r = exchange(
        &lab,
        "order-service",
        &subject,
        Some(&actor),
        &[("audience", "payments-api"), ("scope", "payments:charge")],
    )
    .await;
    assert_exchange(&r, AT, "Bearer");
    let c = assert_consistent_jwt(&r, "at+jwt");
    assert_eq!(c["sub"], "alice");
    assert_eq!(c["aud"], "payments-api");
    assert_eq!(c["client_id"], "order-service");
    assert_eq!(c["scope"], "payments:charge");
    assert_eq!(c["act"], json!({"sub": "order-service"}));
    assert!(c["exp"].as_u64() <= claims(&subject)["exp"].as_u64());

    // A resource maps to its audience; no scope requested: subject's ∩ audience's.
    let r = exchange(
        &lab,
        "order-service",
        &subject,
        Some(&actor),
        &[("resource", "https://shipping.example.com/")],
    )
    .await;
    assert_exchange(&r, AT, "Bearer");
    let c = claims(r.token());
    assert_eq!(c["aud"], "shipping-api");
    assert_eq!(c["scope"], "shipping:create");
}

#[tokio::test]
async fn gateway_impersonation_has_no_act() {
    let lab = lab().await;
    let subject = client_token(&lab, "mobile-app").await;
    let r = exchange(&lab, "api-gateway", &subject, None, &[]).await;
    assert_exchange(&r, AT, "Bearer");
    let c = assert_consistent_jwt(&r, "at+jwt");
    assert_eq!(c["sub"], "mobile-app");
    assert_eq!(c["aud"], "backend-api");
    assert_eq!(c["client_id"], "api-gateway");
    assert!(
        c.get("act").is_none(),
        "impersonation must not add act: {c}"
    );
}

#[tokio::test]
async fn workload_federation_accepts_a_jwt_subject() {
    let lab = lab().await;
    let external = client_token(&lab, "ci-workload").await;
    let params = [
        ("grant_type", TOKEN_EXCHANGE),
        ("subject_token", external.as_str()),
        ("subject_token_type", JWT),
        ("requested_token_type", AT),
        ("audience", "cloud-storage"),
        ("scope", "storage:read"),
    ];
    let r = token(&lab, "cloud-federation", &params).await;
    assert_exchange(&r, AT, "Bearer");
    let c = claims(r.token());
    assert_eq!(c["sub"], "ci-workload");
    assert_eq!(c["aud"], "cloud-storage");
    assert_eq!(c["scope"], "storage:read");
}

#[tokio::test]
async fn sso_and_assistant_stories() {
    let lab = lab().await;
    let a = password_token(&lab, "app-a", "alice", &[]).await;
    a.assert_issued();
    let r = exchange(&lab, "app-b", a.token(), None, &[("audience", "app-b")]).await;
    assert_exchange(&r, AT, "Bearer");
    let c = claims(r.token());
    assert_eq!(
        (c["sub"].as_str(), c["aud"].as_str(), c["scope"].as_str()),
        (Some("alice"), Some("app-b"), Some("profile email"))
    );

    let broad = alice(&lab, &[("audience", "travel-assistant")]).await;
    let r = exchange(
        &lab,
        "travel-assistant",
        &broad,
        None,
        &[("audience", "airline-booking"), ("scope", "booking:create")],
    )
    .await;
    assert_exchange(&r, AT, "Bearer");
    let c = claims(r.token());
    assert_eq!(
        (c["aud"].as_str(), c["scope"].as_str()),
        (Some("airline-booking"), Some("booking:create"))
    );
}

/// bob → planner-agent → flight-agent → payment-agent.
async fn three_hops(lab: &baton_sts::StsHandle) -> Vec<Reply> {
    let bob = password_token(lab, "web-app", "bob", &[("audience", "planner-agent")]).await;
    bob.assert_issued();
    let mut subject = bob.token().to_owned();
    let mut replies = Vec::new();
    for agent in ["planner-agent", "flight-agent", "payment-agent"] {
        let actor = client_token(lab, agent).await;
        let r = exchange(lab, agent, &subject, Some(&actor), &[]).await;
        if r.status != 200 {
            replies.push(r);
            break;
        }
        subject = r.token().to_owned();
        replies.push(r);
    }
    replies
}

#[tokio::test]
async fn agent_chain_nests_act_outermost_current() {
    let lab = lab().await;
    let replies = three_hops(&lab).await;
    assert_eq!(replies.len(), 3);
    for r in &replies {
        assert_exchange(r, AT, "Bearer");
    }
    let c = claims(replies[2].token());
    assert_eq!(c["sub"], "bob");
    assert_eq!(c["aud"], "payments-api");
    assert_eq!(c["scope"], "payments:charge");
    assert_eq!(
        c["act"],
        json!({"sub": "payment-agent", "act": {"sub": "flight-agent", "act": {"sub": "planner-agent"}}})
    );
    // Each hop names the next agent (the client policy's may_act).
    assert_eq!(
        claims(replies[0].token())["may_act"],
        json!({"sub": "flight-agent"})
    );
}

#[tokio::test]
async fn chain_depth_limit() {
    let lab = lab_with(
        policy_with(|s| s.replace("max_chain_depth = 4", "max_chain_depth = 2")),
        false,
    )
    .await;
    let replies = three_hops(&lab).await;
    assert_eq!(replies.len(), 3);
    let last = &replies[2];
    last.assert_error("invalid_request");
    assert!(
        last.description().contains("max_chain_depth"),
        "{}",
        last.description()
    );
}

#[tokio::test]
async fn may_act_refuses_other_actors() {
    let lab = lab().await;
    let bob = password_token(&lab, "web-app", "bob", &[("audience", "planner-agent")]).await;
    let actor = client_token(&lab, "flight-agent").await;
    let r = exchange(&lab, "flight-agent", bob.token(), Some(&actor), &[]).await;
    r.assert_error("invalid_request");
    assert!(
        r.description()
            .contains("\"flight-agent\" is not named in the subject token's may_act"),
        "{}",
        r.description()
    );
}

#[tokio::test]
async fn refusals() {
    let lab = lab().await;
    let subject = alice(&lab, &[]).await;
    let actor = client_token(&lab, "order-service").await;

    // Scope escalation: the audience allows payments:refund, alice's token does not have it.
    let r = exchange(
        &lab,
        "order-service",
        &subject,
        Some(&actor),
        &[("audience", "payments-api"), ("scope", "payments:refund")],
    )
    .await;
    r.assert_error("invalid_scope");
    assert!(r.description().contains("payments:refund"));

    // An audience the policy does not allow for this client, and an unknown one.
    exchange(
        &lab,
        "order-service",
        &subject,
        Some(&actor),
        &[("audience", "cloud-storage")],
    )
    .await
    .assert_error("invalid_target");
    exchange(
        &lab,
        "order-service",
        &subject,
        Some(&actor),
        &[("audience", "nowhere")],
    )
    .await
    .assert_error("invalid_target");
    exchange(
        &lab,
        "order-service",
        &subject,
        Some(&actor),
        &[("resource", "https://unknown.example/")],
    )
    .await
    .assert_error("invalid_target");

    // Delegation by a client that may not delegate; impersonation by one that may not.
    exchange(&lab, "api-gateway", &subject, Some(&actor), &[])
        .await
        .assert_error("unauthorized_client");
    exchange(&lab, "order-service", &subject, None, &[])
        .await
        .assert_error("unauthorized_client");

    // Parameter errors.
    let r = token(
        &lab,
        "order-service",
        &[("grant_type", TOKEN_EXCHANGE), ("subject_token_type", AT)],
    )
    .await;
    r.assert_error("invalid_request");
    assert!(r.description().contains("subject_token"));
    let params = [
        ("grant_type", TOKEN_EXCHANGE),
        ("subject_token", subject.as_str()),
        ("subject_token_type", AT),
        ("actor_token", actor.as_str()),
    ];
    let r = token(&lab, "order-service", &params).await;
    r.assert_error("invalid_request");
    assert!(r.description().contains("actor_token_type"));
    let r = exchange(
        &lab,
        "order-service",
        &subject,
        Some(&actor),
        // saml2 it issues (tests/lab/saml.rs), SAML 1.1 it does not.
        &[(
            "requested_token_type",
            "urn:ietf:params:oauth:token-type:saml1",
        )],
    )
    .await;
    r.assert_error("invalid_request");
    assert!(r.description().contains("cannot issue"));
    let params = [
        ("grant_type", TOKEN_EXCHANGE),
        ("subject_token", subject.as_str()),
        (
            "subject_token_type",
            "urn:ietf:params:oauth:token-type:saml1",
        ),
    ];
    token(&lab, "api-gateway", &params)
        .await
        .assert_error("invalid_request");

    // Tokens that are not the lab's.
    let r = exchange(&lab, "order-service", "not-a-jwt", Some(&actor), &[]).await;
    r.assert_error("invalid_request");
    assert!(
        r.description().starts_with("subject_token"),
        "{}",
        r.description()
    );
    let other = crate::common::lab().await;
    let foreign = client_token(&other, "order-service").await;
    let r = exchange(&lab, "order-service", &subject, Some(&foreign), &[]).await;
    r.assert_error("invalid_request");
    assert!(
        r.description().starts_with("actor_token"),
        "{}",
        r.description()
    );
}

#[tokio::test]
async fn non_access_token_types_are_n_a() {
    let lab = lab().await;
    let subject = alice(&lab, &[]).await;
    let actor = client_token(&lab, "order-service").await;
    for (requested, typ) in [(JWT, "JWT"), (ID_TOKEN, "JWT")] {
        let r = exchange(
            &lab,
            "order-service",
            &subject,
            Some(&actor),
            &[("requested_token_type", requested)],
        )
        .await;
        assert_exchange(&r, requested, "N_A");
        assert_consistent_jwt(&r, typ);
    }
    let r = exchange(
        &lab,
        "order-service",
        &subject,
        Some(&actor),
        &[("requested_token_type", RT)],
    )
    .await;
    assert_exchange(&r, RT, "N_A");
    assert!(!r.token().contains('.'), "refresh tokens are opaque");
}

#[tokio::test]
async fn lifetime_is_bounded_by_the_subject_and_expired_subjects_are_refused() {
    let lab = lab_with(
        policy_with(|s| s.replace("access_token_lifetime = 3600", "access_token_lifetime = 3")),
        false,
    )
    .await;
    let subject = alice(&lab, &[]).await;
    let actor = client_token(&lab, "order-service").await;
    tokio::time::sleep(Duration::from_millis(1100)).await;
    // The subject has 1–2 s left, less than the policy's 3 s.
    let actor2 = client_token(&lab, "order-service").await;
    let r = exchange(&lab, "order-service", &subject, Some(&actor2), &[]).await;
    assert_exchange(&r, AT, "Bearer");
    let c = assert_consistent_jwt(&r, "at+jwt");
    assert_eq!(c["exp"], claims(&subject)["exp"]);
    assert!(r.body["expires_in"].as_u64().is_some_and(|e| e < 3));

    tokio::time::sleep(Duration::from_millis(2000)).await;
    let r = exchange(&lab, "order-service", &subject, Some(&actor), &[]).await;
    r.assert_error("invalid_request");
    assert!(
        r.description().contains("subject_token") && r.description().contains("expired"),
        "{}",
        r.description()
    );
}
