//! A user's sign-in at /authorize (RFC 6749 §4.1, RFC 7636, RFC 9207), driven over HTTP as a
//! browser would, and the code redeemed at /token.

use crate::common::*;
use crate::signin_common::*;

#[tokio::test]
async fn the_code_flow_signs_alice_in_and_gets_her_tokens() {
    let lab = lab().await;
    let ch = challenge(VERIFIER);
    let page = get_page(&authorize_url(
        &lab,
        &code_request(&ch, &[("nonce", "n-42")]),
    ))
    .await;
    assert_eq!(page.status, 200);
    assert_eq!(
        page.headers
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("text/html; charset=utf-8")
    );
    assert_eq!(
        page.headers
            .get("cache-control")
            .and_then(|v| v.to_str().ok()),
        Some("no-store")
    );
    assert!(page.headers.get("x-frame-options").is_some());
    for field in [
        "name=\"username\"",
        "name=\"password\"",
        "value=\"allow\"",
        "value=\"deny\"",
    ] {
        assert!(page.html.contains(field), "{field} missing:\n{}", page.html);
    }
    assert!(page.html.contains("signin-app") && page.html.contains("orders:read"));
    // Self-contained: no scripts, no outside stylesheets, images or fonts.
    for outside in ["<script", "<link", "src=", "url("] {
        assert!(!page.html.contains(outside), "{outside}:\n{}", page.html);
    }

    let back = sign_in(&lab, &page, "alice", "alice-password", "allow").await;
    assert_eq!(back.status, 303, "{}", back.html);
    let location = back.location();
    assert!(
        location.starts_with("http://127.0.0.1:49152/callback?"),
        "{location}"
    );
    let q = query(location);
    assert_eq!(param(&q, "state"), Some("st-123"));
    assert_eq!(param(&q, "iss"), Some(lab.issuer()));
    let code = param(&q, "code").expect("code");

    let r = redeem(&lab, code, REDIRECT, Some(VERIFIER)).await;
    r.assert_issued();
    let at = claims(r.token());
    assert_eq!(at["sub"], "alice");
    assert_eq!(at["client_id"], "signin-app");
    assert_eq!(at["aud"], "orders-api");
    assert_eq!(at["scope"], "openid orders:read");
    assert_eq!(header(r.token())["typ"], "at+jwt");
    assert!(r.body["refresh_token"].is_string());

    let id = r.body["id_token"].as_str().expect("id_token");
    let h = header(id);
    assert_eq!(h["typ"], "JWT");
    assert_eq!(h["kid"], lab.key_id(), "signed with the key in /jwks");
    let c = claims(id);
    assert_eq!(c["iss"], lab.issuer());
    assert_eq!(c["sub"], "alice");
    assert_eq!(c["aud"], "signin-app");
    assert_eq!(c["nonce"], "n-42");
    assert_eq!(c["email"], "alice@example.com");
    for claim in ["exp", "iat", "auth_time"] {
        assert!(c[claim].is_u64(), "{claim}: {c}");
    }
    assert!(c["exp"].as_u64() > c["iat"].as_u64());

    // The refresh token works for the public client, and the log saw the sign-in.
    let refreshed = post(
        &lab.token_endpoint(),
        &[
            ("grant_type", "refresh_token"),
            ("client_id", "signin-app"),
            (
                "refresh_token",
                r.body["refresh_token"].as_str().unwrap_or(""),
            ),
        ],
        None,
    )
    .await;
    refreshed.assert_issued();
    let log = lab.recent_requests();
    let authorize: Vec<_> = log.iter().filter(|e| e.endpoint == "/authorize").collect();
    assert_eq!(authorize.len(), 2, "{log:?}");
    assert_eq!(authorize[1].status, 303);
    assert_eq!(authorize[1].client_id.as_deref(), Some("signin-app"));
    assert!(
        log.iter()
            .any(|e| e.grant_type.as_deref() == Some("authorization_code") && e.status == 200)
    );
}

#[tokio::test]
async fn without_openid_there_is_no_id_token_and_a_confidential_client_redeems_with_its_secret() {
    let lab = lab().await;
    let ch = challenge(VERIFIER);
    let mut params = code_request(&ch, &[]);
    params[1] = ("client_id", "web-app");
    params[4] = ("scope", "orders:write");
    let code = code_for(&lab, &params).await;
    let r = token(
        &lab,
        "web-app",
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", REDIRECT),
            ("code_verifier", VERIFIER),
        ],
    )
    .await;
    r.assert_issued();
    assert!(r.body.get("id_token").is_none(), "{}", r.body);
    assert_eq!(claims(r.token())["scope"], "orders:write");
}

#[tokio::test]
async fn a_wrong_verifier_a_missing_one_and_a_wrong_redirect_are_refused() {
    let lab = lab().await;
    let ch = challenge(VERIFIER);
    let code = code_for(&lab, &code_request(&ch, &[])).await;
    let other = "x".repeat(43);
    let r = redeem(&lab, &code, REDIRECT, Some(&other)).await;
    r.assert_error("invalid_grant");
    assert!(
        r.description().contains("code_verifier"),
        "{}",
        r.description()
    );
    redeem(&lab, &code, REDIRECT, None)
        .await
        .assert_error("invalid_grant");
    let r = redeem(
        &lab,
        &code,
        "http://127.0.0.1:49153/callback",
        Some(VERIFIER),
    )
    .await;
    r.assert_error("invalid_grant");
    assert!(
        r.description().contains("redirect_uri"),
        "{}",
        r.description()
    );
    // Another client cannot redeem it.
    let r = token(
        &lab,
        "web-app",
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", REDIRECT),
            ("code_verifier", VERIFIER),
        ],
    )
    .await;
    r.assert_error("invalid_grant");
    // None of that used the code up.
    redeem(&lab, &code, REDIRECT, Some(VERIFIER))
        .await
        .assert_issued();
}

#[tokio::test]
async fn a_code_works_once_and_its_reuse_revokes_the_tokens() {
    let lab = lab().await;
    let ch = challenge(VERIFIER);
    let code = code_for(&lab, &code_request(&ch, &[])).await;
    let first = redeem(&lab, &code, REDIRECT, Some(VERIFIER)).await;
    first.assert_issued();
    let again = redeem(&lab, &code, REDIRECT, Some(VERIFIER)).await;
    again.assert_error("invalid_grant");
    assert!(
        again.description().contains("already used"),
        "{}",
        again.description()
    );
    // RFC 6749 §4.1.2: what the first use got is revoked.
    let introspected = introspect_as(&lab, "order-service", first.token()).await;
    assert_eq!(introspected.body["active"], false, "{}", introspected.body);
    let refresh = post(
        &lab.token_endpoint(),
        &[
            ("grant_type", "refresh_token"),
            ("client_id", "signin-app"),
            (
                "refresh_token",
                first.body["refresh_token"].as_str().unwrap_or(""),
            ),
        ],
        None,
    )
    .await;
    refresh.assert_error("invalid_grant");
    redeem(&lab, "code_never-issued", REDIRECT, Some(VERIFIER))
        .await
        .assert_error("invalid_grant");
}

#[tokio::test]
async fn an_unknown_client_or_unregistered_redirect_gets_a_page_never_a_redirect() {
    let lab = lab().await;
    let ch = challenge(VERIFIER);
    let cases: Vec<(Vec<(&str, &str)>, &str)> = vec![
        (
            {
                let mut p = code_request(&ch, &[]);
                p[2] = ("redirect_uri", "https://evil.example/callback");
                p
            },
            "not registered",
        ),
        (
            {
                let mut p = code_request(&ch, &[]);
                p[2] = ("redirect_uri", "http://127.0.0.1:49152/other");
                p
            },
            "not registered",
        ),
        (
            {
                let mut p = code_request(&ch, &[]);
                p[1] = ("client_id", "nobody");
                p
            },
            "unknown client",
        ),
        (
            code_request(&ch, &[])
                .into_iter()
                .filter(|(k, _)| *k != "redirect_uri")
                .collect(),
            "no redirect_uri",
        ),
    ];
    for (params, says) in cases {
        let page = get_page(&authorize_url(&lab, &params)).await;
        assert_eq!(page.status, 400, "{params:?}");
        assert!(page.headers.get("location").is_none(), "{params:?}");
        assert!(page.html.contains(says), "{says}: {}", page.html);
        assert!(page.html.starts_with("<!DOCTYPE html>"));
    }
    // The same for the form's POST.
    let mut fields: Vec<(String, String)> = code_request(&ch, &[])
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
    fields[2].1 = "https://evil.example/callback".into();
    fields.extend([
        ("username".into(), "alice".into()),
        ("password".into(), "alice-password".into()),
        ("decision".into(), "allow".into()),
    ]);
    let page = post_form(&lab.authorization_endpoint(), &fields).await;
    assert_eq!(page.status, 400);
    assert!(page.headers.get("location").is_none());
    let log = lab.recent_requests();
    assert!(
        log.iter()
            .filter(|e| e.endpoint == "/authorize")
            .all(|e| e.status == 400)
    );
}

/// A refusal sent back to the client: its error, with `state` and `iss`.
async fn redirected_error(lab: &baton_sts::StsHandle, params: &[(&str, &str)]) -> (String, String) {
    let page = get_page(&authorize_url(lab, params)).await;
    assert_eq!(page.status, 303, "{params:?}: {}", page.html);
    let q = query(page.location());
    assert!(
        page.location()
            .starts_with("http://127.0.0.1:49152/callback?")
    );
    assert_eq!(param(&q, "state"), Some("st-123"));
    assert_eq!(param(&q, "iss"), Some(lab.issuer()));
    assert!(param(&q, "code").is_none());
    (
        param(&q, "error").unwrap_or("").to_owned(),
        param(&q, "error_description").unwrap_or("").to_owned(),
    )
}

#[tokio::test]
async fn other_faults_go_back_to_the_client() {
    let lab = lab().await;
    let ch = challenge(VERIFIER);
    let without = |name: &str| -> Vec<(&str, &str)> {
        code_request(&ch, &[])
            .into_iter()
            .filter(|(k, _)| {
                *k != name && !(name == "code_challenge" && *k == "code_challenge_method")
            })
            .collect()
    };
    let mut token_type = code_request(&ch, &[]);
    token_type[0] = ("response_type", "token");
    assert_eq!(
        redirected_error(&lab, &token_type).await.0,
        "unsupported_response_type"
    );

    let mut plain = code_request(&ch, &[]);
    plain[5] = ("code_challenge", VERIFIER);
    plain[6] = ("code_challenge_method", "plain");
    let (error, description) = redirected_error(&lab, &plain).await;
    assert_eq!(error, "invalid_request");
    assert!(description.contains("plain"), "{description}");

    let (error, description) = redirected_error(&lab, &without("code_challenge")).await;
    assert_eq!(error, "invalid_request");
    assert!(description.contains("public"), "{description}");

    let mut scope = code_request(&ch, &[]);
    scope[4] = ("scope", "openid payments:refund");
    assert_eq!(redirected_error(&lab, &scope).await.0, "invalid_scope");

    // web-app may not skip PKCE either while the check is on.
    let mut web = without("code_challenge");
    web[1] = ("client_id", "web-app");
    let (error, description) = redirected_error(&lab, &web).await;
    assert_eq!(error, "invalid_request");
    assert!(description.contains("pkce_required"), "{description}");
}

#[tokio::test]
async fn with_pkce_required_off_a_confidential_client_may_skip_pkce_but_not_a_public_one() {
    let lab = lab_without(&["pkce_required"]).await;
    let ch = challenge(VERIFIER);
    let mut web: Vec<(&str, &str)> = code_request(&ch, &[])
        .into_iter()
        .filter(|(k, _)| !k.starts_with("code_challenge"))
        .collect();
    web[1] = ("client_id", "web-app");
    let code = code_for(&lab, &web).await;
    let redeem_as_web = |verifier: Option<&'static str>| {
        let code = code.clone();
        let lab = &lab;
        async move {
            let mut params = vec![
                ("grant_type", "authorization_code"),
                ("code", code.as_str()),
                ("redirect_uri", REDIRECT),
            ];
            if let Some(v) = verifier {
                params.push(("code_verifier", v));
            }
            token(lab, "web-app", &params).await
        }
    };
    // A verifier for a code without a challenge is a downgrade (RFC 9700 §2.1.1).
    redeem_as_web(Some(VERIFIER))
        .await
        .assert_error("invalid_grant");
    redeem_as_web(None).await.assert_issued();

    let public: Vec<(&str, &str)> = code_request(&ch, &[])
        .into_iter()
        .filter(|(k, _)| !k.starts_with("code_challenge"))
        .collect();
    assert_eq!(redirected_error(&lab, &public).await.0, "invalid_request");
}

#[tokio::test]
async fn deny_wrong_password_and_no_decision() {
    let lab = lab().await;
    let ch = challenge(VERIFIER);
    let page = get_page(&authorize_url(&lab, &code_request(&ch, &[]))).await;

    let wrong = sign_in(&lab, &page, "alice", "bob-password", "allow").await;
    assert_eq!(wrong.status, 200);
    assert!(
        wrong.html.contains("Wrong username or password"),
        "{}",
        wrong.html
    );
    assert!(wrong.headers.get("location").is_none());
    // The page shown again still carries the request.
    assert_eq!(wrong.hidden(), page.hidden());

    let denied = sign_in(&lab, &page, "", "", "deny").await;
    assert_eq!(denied.status, 303);
    let q = query(denied.location());
    assert_eq!(param(&q, "error"), Some("access_denied"));
    assert_eq!(param(&q, "state"), Some("st-123"));
    assert_eq!(param(&q, "iss"), Some(lab.issuer()));

    // Bob signs in too, with the scopes he holds.
    let mut bob = code_request(&ch, &[]);
    bob[4] = ("scope", "payments:charge");
    let page = get_page(&authorize_url(&lab, &bob)).await;
    let back = sign_in(&lab, &page, "bob", "bob-password", "allow").await;
    assert_eq!(back.status, 303);
    let q = query(back.location());
    let r = redeem(
        &lab,
        param(&q, "code").unwrap_or(""),
        REDIRECT,
        Some(VERIFIER),
    )
    .await;
    r.assert_issued();
    assert_eq!(claims(r.token())["sub"], "bob");
    assert_eq!(claims(r.token())["may_act"]["sub"], "planner-agent");
    assert!(r.body.get("id_token").is_none());
}

#[tokio::test]
async fn hostile_values_are_escaped_on_the_page() {
    let lab = lab().await;
    let ch = challenge(VERIFIER);
    let hostile = "\"><script>alert(1)</script><'";
    let page = get_page(&authorize_url(
        &lab,
        &code_request(&ch, &[("state", hostile)])
            .into_iter()
            .filter(|(k, v)| *k != "state" || *v == hostile)
            .collect::<Vec<_>>(),
    ))
    .await;
    assert_eq!(page.status, 200, "{}", page.html);
    assert!(!page.html.contains("<script>"), "{}", page.html);
    assert!(page.html.contains("&lt;script&gt;"));
    // The fake browser reads back exactly what was sent.
    assert!(
        page.hidden()
            .iter()
            .any(|(k, v)| k == "state" && v == hostile)
    );

    // A hostile scope goes back as invalid_scope; on the page of an unknown client it is text.
    let page = get_page(&authorize_url(
        &lab,
        &[("client_id", "<b>x</b>"), ("redirect_uri", "<i>")],
    ))
    .await;
    assert_eq!(page.status, 400);
    assert!(!page.html.contains("<b>x</b>") && page.html.contains("&lt;b&gt;x&lt;/b&gt;"));
    let mut bad_scope = code_request(&ch, &[]);
    bad_scope[4] = ("scope", "<img src=x onerror=alert(1)>");
    let page = get_page(&authorize_url(&lab, &bad_scope)).await;
    assert_eq!(page.status, 303);
    assert_eq!(
        param(&query(page.location()), "error"),
        Some("invalid_scope")
    );
}

#[tokio::test]
async fn a_loopback_redirect_matches_any_port_and_ipv6_only_if_registered() {
    let lab = lab().await;
    let ch = challenge(VERIFIER);
    for port in ["1", "65535"] {
        let redirect = format!("http://127.0.0.1:{port}/callback");
        let mut params = code_request(&ch, &[]);
        params[2] = ("redirect_uri", &redirect);
        let code = code_for(&lab, &params).await;
        redeem(&lab, &code, &redirect, Some(VERIFIER))
            .await
            .assert_issued();
    }
    let mut v6 = code_request(&ch, &[]);
    v6[2] = ("redirect_uri", "http://[::1]:5000/callback");
    assert_eq!(get_page(&authorize_url(&lab, &v6)).await.status, 400);
}

#[tokio::test]
async fn a_state_too_long_is_refused_and_not_echoed() {
    let lab = lab().await;
    let ch = challenge(VERIFIER);
    let long = "s".repeat(3000);
    let mut params = code_request(&ch, &[]);
    params[3] = ("state", &long);
    let page = get_page(&authorize_url(&lab, &params)).await;
    assert_eq!(page.status, 303);
    let q = query(page.location());
    assert_eq!(param(&q, "error"), Some("invalid_request"));
    assert_eq!(param(&q, "state"), None, "a state too long is not echoed");
}

#[tokio::test]
async fn many_sign_ins_keep_at_most_the_store_capacity_of_codes() {
    let lab = lab().await;
    let ch = challenge(VERIFIER);
    let mut fields: Vec<(String, String)> = code_request(&ch, &[])
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
    fields.extend([
        ("username".into(), "alice".into()),
        ("password".into(), "alice-password".into()),
        ("decision".into(), "allow".into()),
    ]);
    let pairs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let body = form_body(&pairs);
    let client = browser();
    let mut codes = Vec::new();
    for _ in 0..=baton_sts::STORE_CAPACITY {
        let resp = client
            .post(lab.authorization_endpoint())
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body.clone())
            .send()
            .await
            .expect("POST /authorize");
        assert_eq!(resp.status().as_u16(), 303);
        let location = resp
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        codes.push(param(&query(location), "code").unwrap_or("").to_owned());
    }
    // The oldest code was forgotten to make room; the newest still works.
    let first = codes.first().cloned().unwrap_or_default();
    let last = codes.last().cloned().unwrap_or_default();
    redeem(&lab, &first, REDIRECT, Some(VERIFIER))
        .await
        .assert_error("invalid_grant");
    redeem(&lab, &last, REDIRECT, Some(VERIFIER))
        .await
        .assert_issued();
}
