//! RFC 7009 revocation at `/revoke`, and what a revoked token can no longer do.

use serde_json::json;

use crate::common::*;

async fn revoke(lab: &baton_sts::StsHandle, client: &str, params: &[(&str, &str)]) -> u16 {
    let secret = format!("{client}-secret");
    let resp = reqwest::Client::new()
        .post(lab.revocation_endpoint())
        .header("content-type", "application/x-www-form-urlencoded")
        .header("authorization", basic(client, &secret))
        .body(form_body(params))
        .send()
        .await
        .expect("revocation request");
    let status = resp.status().as_u16();
    if status == 200 {
        assert_eq!(
            resp.headers()
                .get("cache-control")
                .and_then(|v| v.to_str().ok()),
            Some("no-store")
        );
    }
    status
}

#[tokio::test]
async fn metadata_advertises_revocation() {
    let lab = lab().await;
    let (_, m) = get_json(&lab.metadata_url()).await;
    assert_eq!(m["revocation_endpoint"], lab.revocation_endpoint());
    assert_eq!(
        m["revocation_endpoint_auth_methods_supported"],
        json!([
            "client_secret_basic",
            "client_secret_post",
            "private_key_jwt"
        ])
    );
}

#[tokio::test]
async fn a_revoked_token_cannot_be_exchanged_and_introspects_inactive() {
    let lab = lab().await;
    let user = client_token(&lab, "alice-app").await;
    let agent = client_token(&lab, "agent-a").await;
    exchange(&lab, "agent-a", &user, Some(&agent), &[])
        .await
        .assert_issued();
    assert_eq!(
        introspect_as(&lab, "agent-a", &agent).await.body["active"],
        true
    );

    assert_eq!(
        revoke(
            &lab,
            "agent-a",
            &[("token", &agent), ("token_type_hint", "access_token")]
        )
        .await,
        200
    );

    let r = exchange(&lab, "agent-a", &user, Some(&agent), &[]).await;
    r.assert_error("invalid_request");
    assert!(
        r.description()
            .contains("actor_token is not acceptable: it has been revoked"),
        "{}",
        r.description()
    );
    let r = introspect_as(&lab, "agent-a", &agent).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body, json!({"active": false}));

    // Revoking again, or revoking garbage, is still 200 (RFC 7009 §2.2).
    assert_eq!(revoke(&lab, "agent-a", &[("token", &agent)]).await, 200);
    assert_eq!(
        revoke(&lab, "agent-a", &[("token", "not-a-token")]).await,
        200
    );
    assert_eq!(
        revoke(
            &lab,
            "agent-a",
            &[("token", "a.b.c"), ("token_type_hint", "whatever")]
        )
        .await,
        200
    );
}

#[tokio::test]
async fn a_revoked_subject_token_cannot_be_exchanged() {
    let lab = lab().await;
    let user = client_token(&lab, "alice-app").await;
    let agent = client_token(&lab, "agent-a").await;
    assert_eq!(revoke(&lab, "alice-app", &[("token", &user)]).await, 200);
    let r = exchange(&lab, "agent-a", &user, Some(&agent), &[]).await;
    r.assert_error("invalid_request");
    assert!(
        r.description()
            .starts_with("subject_token is not acceptable: it has been revoked")
    );
}

#[tokio::test]
async fn a_revoked_refresh_token_cannot_be_refreshed() {
    let lab = lab().await;
    let login = password_token(&lab, "web-app", "alice", &[]).await;
    let rt = login.body["refresh_token"]
        .as_str()
        .expect("refresh token")
        .to_owned();
    assert_eq!(
        introspect_as(&lab, "web-app", &rt).await.body["active"],
        true
    );

    assert_eq!(
        revoke(
            &lab,
            "web-app",
            &[("token", &rt), ("token_type_hint", "refresh_token")]
        )
        .await,
        200
    );

    let r = token(
        &lab,
        "web-app",
        &[("grant_type", "refresh_token"), ("refresh_token", &rt)],
    )
    .await;
    r.assert_error("invalid_grant");
    assert_eq!(
        introspect_as(&lab, "web-app", &rt).await.body,
        json!({"active": false})
    );
}

#[tokio::test]
async fn only_the_client_a_token_was_issued_to_can_revoke_it() {
    let lab = lab().await;
    let user = client_token(&lab, "alice-app").await;
    let agent = client_token(&lab, "agent-a").await;
    // agent-n gets 200 (RFC 7009 §2.1: refuse silently), and nothing is revoked.
    assert_eq!(revoke(&lab, "agent-n", &[("token", &user)]).await, 200);
    exchange(&lab, "agent-a", &user, Some(&agent), &[])
        .await
        .assert_issued();

    let login = password_token(&lab, "web-app", "alice", &[]).await;
    let rt = login.body["refresh_token"]
        .as_str()
        .expect("refresh token")
        .to_owned();
    assert_eq!(revoke(&lab, "agent-n", &[("token", &rt)]).await, 200);
    token(
        &lab,
        "web-app",
        &[("grant_type", "refresh_token"), ("refresh_token", &rt)],
    )
    .await
    .assert_issued();
}

#[tokio::test]
async fn revocation_needs_an_authenticated_confidential_client_and_a_token() {
    let lab = lab().await;
    let url = lab.revocation_endpoint();
    let r = post(&url, &[("token", "x")], None).await;
    r.assert_error("invalid_client");
    assert_eq!(r.header("www-authenticate"), None);

    let r = post(&url, &[("token", "x")], Some(&basic("agent-a", "wrong"))).await;
    r.assert_error("invalid_client");
    assert_eq!(
        r.header("www-authenticate"),
        Some("Basic realm=\"baton-lab\"")
    );

    let r = post(&url, &[("token", "x"), ("client_id", "baton-cli")], None).await;
    r.assert_error("invalid_client");
    assert!(r.description().contains("public"), "{}", r.description());

    let r = post(&url, &[], Some(&basic("agent-a", "agent-a-secret"))).await;
    r.assert_error("invalid_request");
    assert!(r.description().contains("token"), "{}", r.description());

    let r = post(
        &url,
        &[("token", "x"), ("token", "y")],
        Some(&basic("agent-a", "agent-a-secret")),
    )
    .await;
    r.assert_error("invalid_request");
}

#[tokio::test]
async fn with_the_check_off_revoke_answers_200_and_forgets_nothing() {
    let lab = lab_without(&["revocation"]).await;
    let user = client_token(&lab, "alice-app").await;
    let agent = client_token(&lab, "agent-a").await;
    assert_eq!(revoke(&lab, "agent-a", &[("token", &agent)]).await, 200);
    exchange(&lab, "agent-a", &user, Some(&agent), &[])
        .await
        .assert_issued();
    assert_eq!(
        introspect_as(&lab, "agent-a", &agent).await.body["active"],
        true
    );

    let login = password_token(&lab, "web-app", "alice", &[]).await;
    let rt = login.body["refresh_token"]
        .as_str()
        .expect("refresh token")
        .to_owned();
    assert_eq!(revoke(&lab, "web-app", &[("token", &rt)]).await, 200);
    token(
        &lab,
        "web-app",
        &[("grant_type", "refresh_token"), ("refresh_token", &rt)],
    )
    .await
    .assert_issued();
}
