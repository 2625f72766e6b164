//! The device authorization grant (RFC 8628) and pushed authorization requests (RFC 9126).

use std::time::Duration;

use baton_sts::StsHandle;

use crate::common::*;
use crate::signin_common::*;

/// The lab with `device_interval = 1`, so tests poll quickly.
async fn fast_lab() -> StsHandle {
    let policy = policy_with(|s| s.replace("device_interval = 5", "device_interval = 1"));
    assert_eq!(policy.device_interval, 1);
    lab_with(policy, false).await
}

async fn start(lab: &StsHandle, scope: &str) -> Reply {
    let r = post(
        &lab.device_authorization_endpoint(),
        &[("client_id", "signin-app"), ("scope", scope)],
        None,
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_no_store(&r);
    r
}

async fn poll(lab: &StsHandle, device_code: &str) -> Reply {
    post(
        &lab.token_endpoint(),
        &[
            ("grant_type", DEVICE_CODE),
            ("client_id", "signin-app"),
            ("device_code", device_code),
        ],
        None,
    )
    .await
}

/// The user's part: open verification_uri_complete, sign in, decide.
async fn answer(
    lab: &StsHandle,
    started: &Reply,
    user: &str,
    password: &str,
    decision: &str,
) -> Page {
    let complete = started.body["verification_uri_complete"]
        .as_str()
        .expect("complete URI");
    let page = get_page(complete).await;
    assert_eq!(page.status, 200);
    let user_code = started.body["user_code"].as_str().unwrap_or("");
    assert!(
        page.html.contains(&format!("value=\"{user_code}\"")),
        "prefilled: {}",
        page.html
    );
    let fields: Vec<(String, String)> = [
        ("user_code", user_code.to_lowercase().as_str()),
        ("username", user),
        ("password", password),
        ("decision", decision),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    post_form(&lab.device_verification_uri(), &fields).await
}

#[tokio::test]
async fn a_device_polls_until_the_user_allows_then_gets_the_tokens_once() {
    let lab = fast_lab().await;
    let started = start(&lab, "openid orders:read").await;
    let b = &started.body;
    let user_code = b["user_code"].as_str().expect("user_code");
    assert_eq!(user_code.len(), 9);
    assert_eq!(&user_code[4..5], "-");
    assert!(
        user_code
            .chars()
            .filter(|c| *c != '-')
            .all(|c| "BCDFGHJKLMNPQRSTVWXZ".contains(c)),
        "{user_code}"
    );
    assert_eq!(b["verification_uri"], format!("{}/device", lab.base_url()));
    assert_eq!(
        b["verification_uri_complete"],
        format!("{}/device?user_code={user_code}", lab.base_url())
    );
    assert_eq!(b["expires_in"], 600);
    assert_eq!(b["interval"], 1);
    let device_code = b["device_code"].as_str().expect("device_code");

    let pending = poll(&lab, device_code).await;
    pending.assert_error("authorization_pending");
    let page = get_page(b["verification_uri_complete"].as_str().unwrap_or("")).await;
    assert!(
        page.html.contains("signin-app"),
        "the page names the app: {}",
        page.html
    );
    assert!(page.html.contains("orders:read"));

    let done = answer(&lab, &started, "alice", "alice-password", "allow").await;
    assert_eq!(done.status, 200);
    assert!(done.html.contains("signed in"), "{}", done.html);

    tokio::time::sleep(Duration::from_millis(1100)).await;
    let r = poll(&lab, device_code).await;
    r.assert_issued();
    assert_eq!(claims(r.token())["sub"], "alice");
    assert_eq!(claims(r.token())["scope"], "openid orders:read");
    let id = claims(r.body["id_token"].as_str().expect("id_token"));
    assert_eq!(id["aud"], "signin-app");
    assert!(id.get("nonce").is_none());

    poll(&lab, device_code).await.assert_error("invalid_grant");
    // The user code was used up too.
    let again = answer(&lab, &started, "alice", "alice-password", "allow").await;
    assert!(
        again.html.contains("unknown, already used or expired"),
        "{}",
        again.html
    );
    assert!(
        lab.recent_requests()
            .iter()
            .any(|e| e.endpoint == "/device_authorization" && e.status == 200)
    );
}

#[tokio::test]
async fn polling_too_fast_is_slow_down_and_the_interval_grows() {
    let lab = fast_lab().await;
    let started = start(&lab, "orders:read").await;
    let device_code = started.body["device_code"].as_str().unwrap_or("");
    poll(&lab, device_code)
        .await
        .assert_error("authorization_pending");
    let fast = poll(&lab, device_code).await;
    fast.assert_error("slow_down");
    assert!(fast.description().contains("6 s"), "{}", fast.description());
    // One interval (1 s) later is still too soon: it is 6 s now (RFC 8628 §3.5).
    tokio::time::sleep(Duration::from_millis(1100)).await;
    poll(&lab, device_code).await.assert_error("slow_down");
}

#[tokio::test]
async fn a_denied_device_gets_access_denied_and_wrong_passwords_show_the_page_again() {
    let lab = fast_lab().await;
    let started = start(&lab, "orders:read").await;
    let device_code = started.body["device_code"].as_str().unwrap_or("");
    let wrong = answer(&lab, &started, "alice", "nope", "allow").await;
    assert_eq!(wrong.status, 200);
    assert!(wrong.html.contains("Wrong username or password"));
    poll(&lab, device_code)
        .await
        .assert_error("authorization_pending");

    let denied = answer(&lab, &started, "", "", "deny").await;
    assert!(denied.html.contains("Access denied"), "{}", denied.html);
    tokio::time::sleep(Duration::from_millis(1100)).await;
    poll(&lab, device_code).await.assert_error("access_denied");
    poll(&lab, device_code).await.assert_error("invalid_grant");
}

#[tokio::test]
async fn device_codes_are_bound_to_their_client_and_to_the_grant() {
    let lab = fast_lab().await;
    let started = start(&lab, "orders:read").await;
    let device_code = started.body["device_code"].as_str().unwrap_or("");
    token(
        &lab,
        "web-app",
        &[("grant_type", DEVICE_CODE), ("device_code", device_code)],
    )
    .await
    .assert_error("unauthorized_client");
    // web-app has no device grant, so it cannot start one either.
    let r = post(
        &lab.device_authorization_endpoint(),
        &[("scope", "orders:read")],
        Some(&basic("web-app", "web-app-secret")),
    )
    .await;
    r.assert_error("unauthorized_client");
    let r = post(
        &lab.device_authorization_endpoint(),
        &[("client_id", "signin-app"), ("scope", "payments:refund")],
        None,
    )
    .await;
    r.assert_error("invalid_scope");
    poll(&lab, "dc_unknown").await.assert_error("invalid_grant");
    // The page with an unknown code says so, and escapes what was typed.
    let page = get_page(&format!(
        "{}?user_code=%3Cb%3E",
        lab.device_verification_uri()
    ))
    .await;
    assert_eq!(page.status, 200);
    assert!(page.html.contains("value=\"&lt;b&gt;\"") && !page.html.contains("<b>"));
}

#[tokio::test]
async fn a_pushed_request_is_used_once_by_the_client_that_pushed_it() {
    let lab = lab().await;
    let ch = challenge(VERIFIER);
    let pushed = post(
        &lab.par_endpoint(),
        &code_request(&ch, &[("nonce", "par-nonce")]),
        None,
    )
    .await;
    assert_eq!(pushed.status, 201, "{}", pushed.body);
    assert_no_store(&pushed);
    assert_eq!(pushed.body["expires_in"], 60);
    let request_uri = pushed.body["request_uri"].as_str().expect("request_uri");
    assert!(
        request_uri.starts_with("urn:ietf:params:oauth:request_uri:"),
        "{request_uri}"
    );

    // Another client cannot use it (and burns it trying).
    let stolen = get_page(&authorize_url(
        &lab,
        &[("client_id", "web-app"), ("request_uri", request_uri)],
    ))
    .await;
    assert_eq!(stolen.status, 400);

    let pushed = post(
        &lab.par_endpoint(),
        &code_request(&ch, &[("nonce", "par-nonce")]),
        None,
    )
    .await;
    let request_uri = pushed.body["request_uri"].as_str().expect("request_uri");
    // Only client_id and request_uri count: a state in the query is ignored (RFC 9126 §4).
    let code = code_for(
        &lab,
        &[
            ("client_id", "signin-app"),
            ("request_uri", request_uri),
            ("state", "ignored"),
        ],
    )
    .await;
    let r = redeem(&lab, &code, REDIRECT, Some(VERIFIER)).await;
    r.assert_issued();
    assert_eq!(
        claims(r.body["id_token"].as_str().unwrap_or(""))["nonce"],
        "par-nonce"
    );

    let reused = get_page(&authorize_url(
        &lab,
        &[("client_id", "signin-app"), ("request_uri", request_uri)],
    ))
    .await;
    assert_eq!(reused.status, 400);
    assert!(reused.html.contains("already used"), "{}", reused.html);
}

#[tokio::test]
async fn par_checks_the_client_and_the_request_and_answers_json() {
    let lab = lab().await;
    let ch = challenge(VERIFIER);
    let mut evil = code_request(&ch, &[]);
    evil[2] = ("redirect_uri", "https://evil.example/cb");
    post(&lab.par_endpoint(), &evil, None)
        .await
        .assert_error("invalid_request");
    let mut plain = code_request(&ch, &[]);
    plain[6] = ("code_challenge_method", "plain");
    post(&lab.par_endpoint(), &plain, None)
        .await
        .assert_error("invalid_request");
    let mut with_uri = code_request(&ch, &[]);
    with_uri.push(("request_uri", "urn:x"));
    post(&lab.par_endpoint(), &with_uri, None)
        .await
        .assert_error("invalid_request");
    // A confidential client must authenticate, as at /token.
    let mut web = code_request(&ch, &[]);
    web[1] = ("client_id", "web-app");
    post(&lab.par_endpoint(), &web, None)
        .await
        .assert_error("invalid_client");
    let ok = post(
        &lab.par_endpoint(),
        &web,
        Some(&basic("web-app", "web-app-secret")),
    )
    .await;
    assert_eq!(ok.status, 201, "{}", ok.body);
}

#[tokio::test]
async fn many_pushed_requests_stay_within_the_store_capacity() {
    let lab = lab().await;
    let ch = challenge(VERIFIER);
    let params = code_request(&ch, &[]);
    let client = reqwest::Client::new();
    let body = form_body(&params);
    let mut first = String::new();
    let mut last = String::new();
    for i in 0..=baton_sts::STORE_CAPACITY {
        let resp = client
            .post(lab.par_endpoint())
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body.clone())
            .send()
            .await
            .expect("POST /par");
        assert_eq!(resp.status().as_u16(), 201);
        let v: serde_json::Value =
            serde_json::from_str(&resp.text().await.expect("body")).expect("JSON");
        let uri = v["request_uri"].as_str().unwrap_or("").to_owned();
        if i == 0 {
            first = uri.clone();
        }
        last = uri;
    }
    // The oldest was forgotten to make room; the newest is there.
    let evicted = get_page(&authorize_url(
        &lab,
        &[("client_id", "signin-app"), ("request_uri", &first)],
    ))
    .await;
    assert_eq!(evicted.status, 400);
    let kept = get_page(&authorize_url(
        &lab,
        &[("client_id", "signin-app"), ("request_uri", &last)],
    ))
    .await;
    assert_eq!(kept.status, 200);
}
