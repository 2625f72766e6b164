use serde_json::json;

use crate::common::*;

async fn introspect(lab: &baton_sts::StsHandle, token: &str) -> Reply {
    let r = post(
        &lab.introspection_endpoint(),
        &[("token", token)],
        Some(&basic("order-service", "order-service-secret")),
    )
    .await;
    assert_eq!(r.status, 200, "{:#}", r.body);
    assert_no_store(&r);
    r
}

#[tokio::test]
async fn active_token_with_act() {
    let lab = lab().await;
    let subject = password_token(&lab, "web-app", "alice", &[]).await;
    let actor = client_token(&lab, "order-service").await;
    let r = exchange(&lab, "order-service", subject.token(), Some(&actor), &[]).await;
    r.assert_issued();
    let i = introspect(&lab, r.token()).await;
    let c = claims(r.token());
    assert_eq!(i.body["active"], true);
    for claim in [
        "iss",
        "sub",
        "aud",
        "exp",
        "iat",
        "client_id",
        "scope",
        "act",
        "jti",
    ] {
        assert_eq!(i.body[claim], c[claim], "{claim}");
    }
    assert_eq!(i.body["act"], json!({"sub": "order-service"}));
    assert_eq!(i.body["token_type"], "Bearer");

    let bob = password_token(&lab, "web-app", "bob", &[("audience", "planner-agent")]).await;
    assert_eq!(
        introspect(&lab, bob.token()).await.body["may_act"],
        json!({"sub": "planner-agent"})
    );
}

#[tokio::test]
async fn inactive_tokens() {
    let lab = lab().await;
    assert_eq!(
        introspect(&lab, "garbage").await.body,
        json!({"active": false})
    );
    let other = crate::common::lab().await;
    let foreign = client_token(&other, "order-service").await;
    assert_eq!(
        introspect(&lab, &foreign).await.body,
        json!({"active": false})
    );
}

#[tokio::test]
async fn refresh_tokens_introspect_too() {
    let lab = lab().await;
    let r = password_token(&lab, "web-app", "alice", &[]).await;
    let rt = r.body["refresh_token"].as_str().expect("refresh token");
    let i = introspect(&lab, rt).await;
    assert_eq!(i.body["active"], true);
    assert_eq!(i.body["sub"], "alice");
    assert_eq!(i.body["client_id"], "web-app");
}

#[tokio::test]
async fn introspection_needs_an_authenticated_client() {
    let lab = lab().await;
    let r = post(
        &lab.introspection_endpoint(),
        &[("token", "x"), ("client_id", "baton-cli")],
        None,
    )
    .await;
    r.assert_error("invalid_client");
    let r = post(
        &lab.introspection_endpoint(),
        &[("token", "x")],
        Some(&basic("order-service", "wrong")),
    )
    .await;
    r.assert_error("invalid_client");
    assert!(r.header("www-authenticate").is_some());
    let r = post(
        &lab.introspection_endpoint(),
        &[],
        Some(&basic("order-service", "order-service-secret")),
    )
    .await;
    r.assert_error("invalid_request");
    assert!(r.description().contains("token"));
}
