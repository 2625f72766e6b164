use crate::common::*;

#[tokio::test]
async fn client_credentials_token_is_the_clients_own() {
    let lab = lab().await;
    let r = token(
        &lab,
        "order-service",
        &[("grant_type", "client_credentials")],
    )
    .await;
    r.assert_issued();
    assert_eq!(r.body["token_type"], "Bearer");
    let c = claims(r.token());
    assert_eq!(c["sub"], "order-service");
    assert_eq!(c["client_id"], "order-service");
    assert_eq!(c["aud"], "payments-api");
    assert_eq!(c["iss"], lab.issuer());
    assert_eq!(c["scope"], "payments:charge payments:refund");
    assert_eq!(r.body["scope"], c["scope"]);
    assert_eq!(
        r.body["expires_in"].as_u64(),
        Some(c["exp"].as_u64().unwrap_or(0) - c["iat"].as_u64().unwrap_or(0))
    );
    assert!(c["jti"].is_string());
    assert_eq!(header(r.token())["typ"], "at+jwt");
}

#[tokio::test]
async fn password_grant_issues_user_token_and_refresh_token() {
    let lab = lab().await;
    let r = password_token(&lab, "web-app", "alice", &[]).await;
    r.assert_issued();
    let c = claims(r.token());
    assert_eq!(c["sub"], "alice");
    assert_eq!(c["aud"], "orders-api");
    assert_eq!(c["client_id"], "web-app");
    assert_eq!(c["email"], "alice@example.com");
    assert_eq!(
        c["scope"],
        "orders:read orders:write payments:charge shipping:create"
    );
    assert!(r.body["refresh_token"].is_string());

    let narrowed = password_token(&lab, "web-app", "alice", &[("scope", "orders:read")]).await;
    narrowed.assert_issued();
    assert_eq!(narrowed.body["scope"], "orders:read");

    let wrong = token(
        &lab,
        "web-app",
        &[
            ("grant_type", "password"),
            ("username", "alice"),
            ("password", "nope"),
        ],
    )
    .await;
    wrong.assert_error("invalid_grant");
    let missing = token(
        &lab,
        "web-app",
        &[("grant_type", "password"), ("password", "x")],
    )
    .await;
    missing.assert_error("invalid_request");
    assert!(
        missing.description().contains("username"),
        "{}",
        missing.description()
    );
}

#[tokio::test]
async fn public_client_uses_password_grant_with_client_id_only() {
    let lab = lab().await;
    let params = [
        ("grant_type", "password"),
        ("client_id", "baton-cli"),
        ("username", "bob"),
        ("password", "bob-password"),
        ("audience", "planner-agent"),
    ];
    let r = post(&lab.token_endpoint(), &params, None).await;
    r.assert_issued();
    let c = claims(r.token());
    assert_eq!(c["client_id"], "baton-cli");
    assert_eq!(c["may_act"], serde_json::json!({"sub": "planner-agent"}));
}

#[tokio::test]
async fn refresh_tokens_rotate_and_stay_with_their_client() {
    let lab = lab().await;
    let first = password_token(&lab, "web-app", "alice", &[]).await;
    let rt = first.body["refresh_token"]
        .as_str()
        .expect("refresh token")
        .to_owned();

    let refreshed = token(
        &lab,
        "web-app",
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", &rt),
            ("scope", "orders:read"),
        ],
    )
    .await;
    refreshed.assert_issued();
    assert_eq!(refreshed.body["scope"], "orders:read");
    assert_eq!(claims(refreshed.token())["sub"], "alice");
    let rotated = refreshed.body["refresh_token"].as_str().expect("rotated");
    assert_ne!(rotated, rt);

    // The used one is gone.
    token(
        &lab,
        "web-app",
        &[("grant_type", "refresh_token"), ("refresh_token", &rt)],
    )
    .await
    .assert_error("invalid_grant");
    // Another client cannot use it.
    token(
        &lab,
        "app-a",
        &[("grant_type", "refresh_token"), ("refresh_token", rotated)],
    )
    .await
    .assert_error("invalid_grant");
    // Widening on refresh is refused, and does not burn the token.
    token(
        &lab,
        "web-app",
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", rotated),
            ("scope", "orders:read profile"),
        ],
    )
    .await
    .assert_error("invalid_scope");
    token(
        &lab,
        "web-app",
        &[("grant_type", "refresh_token"), ("refresh_token", rotated)],
    )
    .await
    .assert_issued();
}

#[tokio::test]
async fn grant_type_errors() {
    let lab = lab().await;
    let r = token(
        &lab,
        "web-app",
        &[("grant_type", "implicit"), ("code", "x")],
    )
    .await;
    r.assert_error("unsupported_grant_type");
    assert!(
        r.description().contains("authorization_code"),
        "the description lists what the lab supports: {}",
        r.description()
    );
    let r = token(&lab, "web-app", &[]).await;
    r.assert_error("invalid_request");
    assert!(r.description().contains("grant_type"));
    // A grant the policy does not give this client.
    token(&lab, "web-app", &[("grant_type", "client_credentials")])
        .await
        .assert_error("unauthorized_client");
    token(&lab, "web-app", &[("grant_type", TOKEN_EXCHANGE)])
        .await
        .assert_error("unauthorized_client");
    // Repeated parameters are refused (RFC 6749 §3.2).
    token(
        &lab,
        "order-service",
        &[
            ("grant_type", "client_credentials"),
            ("scope", "a"),
            ("scope", "b"),
        ],
    )
    .await
    .assert_error("invalid_request");
}

#[tokio::test]
async fn non_form_body_is_refused_as_json() {
    let lab = lab().await;
    let resp = reqwest::Client::new()
        .post(lab.token_endpoint())
        .header("content-type", "application/json")
        .body("{\"grant_type\":\"client_credentials\"}")
        .send()
        .await
        .expect("sent");
    assert_eq!(resp.status().as_u16(), 400);
    assert_eq!(
        resp.headers()
            .get("cache-control")
            .and_then(|v| v.to_str().ok()),
        Some("no-store")
    );
    let body: serde_json::Value =
        serde_json::from_str(&resp.text().await.expect("body")).expect("JSON");
    assert_eq!(body["error"], "invalid_request");
}

#[tokio::test]
async fn request_log_records_outcomes() {
    let lab = lab().await;
    client_token(&lab, "order-service").await;
    token(&lab, "order-service", &[("grant_type", "password")]).await;
    let log = lab.recent_requests();
    assert_eq!(log.len(), 2);
    assert_eq!(log[0].endpoint, "/token");
    assert_eq!(log[0].grant_type.as_deref(), Some("client_credentials"));
    assert_eq!(log[0].client_id.as_deref(), Some("order-service"));
    assert!(matches!(
        &log[0].outcome,
        baton_sts::RequestOutcome::Issued { .. }
    ));
    assert_eq!(log[0].status, 200);
    assert!(
        matches!(&log[1].outcome, baton_sts::RequestOutcome::Refused { error, .. } if error == "unauthorized_client")
    );
    assert_eq!(log[1].status, 400);
}
