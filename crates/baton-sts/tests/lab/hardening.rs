//! What an outside attacker tries first: wrong methods and paths, oversized and slow bodies,
//! ambiguous headers, huge fields. Every answer is OAuth JSON that must not be cached, and
//! nothing a client sends is kept whole.

use std::time::Duration;

use baton_sts::{LOG_FIELD_MAX_CHARS, Limits, MAX_BODY_BYTES, RequestOutcome, StsConfig};
use serde_json::Value;

use crate::common::*;

async fn send(req: reqwest::RequestBuilder) -> Reply {
    let resp = req.send().await.expect("request sent");
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    let text = resp.text().await.expect("body");
    let body = serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text:?}"));
    Reply {
        status,
        headers,
        body,
    }
}

fn assert_json_error(r: &Reply, status: u16, code: &str) {
    assert_eq!(r.status, status, "{:#}", r.body);
    assert_eq!(r.error(), code, "{:#}", r.body);
    assert!(!r.description().is_empty());
    assert_no_store(r);
}

#[tokio::test]
async fn a_wrong_method_is_405_json_with_allow() {
    let lab = lab().await;
    let http = reqwest::Client::new();
    for url in [
        lab.token_endpoint(),
        lab.introspection_endpoint(),
        lab.revocation_endpoint(),
    ] {
        for method in [
            reqwest::Method::GET,
            reqwest::Method::PUT,
            reqwest::Method::DELETE,
        ] {
            let r = send(http.request(method.clone(), &url)).await;
            assert_json_error(&r, 405, "invalid_request");
            assert_eq!(r.header("allow"), Some("POST"), "{method} {url}");
        }
    }
    for url in [lab.jwks_uri(), lab.metadata_url()] {
        let r = send(http.post(&url)).await;
        assert_json_error(&r, 405, "invalid_request");
        assert_eq!(r.header("allow"), Some("GET, HEAD"));
    }
}

#[tokio::test]
async fn an_unknown_path_is_404_json() {
    let lab = lab().await;
    let http = reqwest::Client::new();
    let url = format!("{}/admin", lab.base_url());
    for req in [http.get(&url), http.post(&url)] {
        let r = send(req).await;
        assert_json_error(&r, 404, "invalid_request");
        assert!(r.description().contains("/admin"), "{}", r.description());
    }
}

#[tokio::test]
async fn a_body_over_the_limit_is_413_json() {
    let lab = lab().await;
    let http = reqwest::Client::new();
    for size in [MAX_BODY_BYTES + 1, 2 * 1024 * 1024] {
        let body = format!(
            "grant_type=client_credentials&client_id={}",
            "a".repeat(size)
        );
        let r = send(
            http.post(lab.token_endpoint())
                .header("content-type", "application/x-www-form-urlencoded")
                .body(body),
        )
        .await;
        assert_json_error(&r, 413, "invalid_request");
    }
    // Just under the limit is read (and refused for what it says).
    let body = format!(
        "grant_type=client_credentials&client_id={}",
        "a".repeat(MAX_BODY_BYTES - 100)
    );
    let r = send(
        http.post(lab.introspection_endpoint())
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body),
    )
    .await;
    assert_json_error(&r, 401, "invalid_client");
}

#[tokio::test]
async fn a_chunked_body_over_the_limit_is_413_json() {
    let lab = lab().await;
    let chunk = "a".repeat(16 * 1024);
    let mut request = String::from(
        "POST /token HTTP/1.1\r\nHost: lab\r\nConnection: close\r\nContent-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\n",
    );
    for _ in 0..6 {
        request.push_str(&format!("{:x}\r\n{chunk}\r\n", chunk.len()));
    }
    request.push_str("0\r\n\r\n");
    let answer = raw_http(&lab, request.as_bytes()).await;
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer:.300}");
    assert!(
        answer.contains("\"error\":\"invalid_request\""),
        "{answer:.300}"
    );
    assert!(
        answer
            .to_ascii_lowercase()
            .contains("cache-control: no-store"),
        "{answer:.300}"
    );
}

#[tokio::test]
async fn a_body_that_never_finishes_is_408_json() {
    let limits = Limits {
        body_read_timeout: Duration::from_millis(300),
        ..Limits::default()
    };
    let lab = baton_sts::spawn_with_limits(StsConfig::default(), limits)
        .await
        .expect("lab starts");
    let request = "POST /token HTTP/1.1\r\nHost: lab\r\nConnection: close\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\ngrant_type=";
    let answer = raw_http(&lab, request.as_bytes()).await;
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer:.300}");
    assert!(
        answer.contains("did not arrive within 0.3 s"),
        "{answer:.400}"
    );
}

#[tokio::test]
async fn a_huge_header_is_refused_before_the_lab_sees_it() {
    let lab = lab().await;
    let request = format!(
        "POST /token HTTP/1.1\r\nHost: lab\r\nConnection: close\r\nX-Big: {}\r\n\r\n",
        "a".repeat(100_000)
    );
    let answer = raw_http(&lab, request.as_bytes()).await;
    // hyper answers 431 and closes; the client may see a reset first, while still sending.
    assert!(
        answer.is_empty() || answer.starts_with("HTTP/1.1 431"),
        "{answer:.300}"
    );
    assert!(lab.recent_requests().is_empty());
    // The lab is still there for everyone else.
    client_token(&lab, "agent-a").await;
}

#[tokio::test]
async fn two_authorization_headers_are_refused() {
    let lab = lab().await;
    let r = send(
        reqwest::Client::new()
            .post(lab.token_endpoint())
            .header("content-type", "application/x-www-form-urlencoded")
            .header("authorization", basic("agent-a", "agent-a-secret"))
            .header("authorization", basic("agent-n", "wrong"))
            .body("grant_type=client_credentials"),
    )
    .await;
    assert_json_error(&r, 400, "invalid_request");
    assert!(
        r.description()
            .contains("more than one Authorization header")
    );
    // Either order: the first one is never taken.
    let r = send(
        reqwest::Client::new()
            .post(lab.token_endpoint())
            .header("content-type", "application/x-www-form-urlencoded")
            .header("authorization", basic("agent-n", "wrong"))
            .header("authorization", basic("agent-a", "agent-a-secret"))
            .body("grant_type=client_credentials"),
    )
    .await;
    assert_json_error(&r, 400, "invalid_request");
}

#[tokio::test]
async fn repeated_and_unknown_parameters_get_their_codes() {
    let lab = lab().await;
    let auth = basic("agent-a", "agent-a-secret");
    let r = post(
        &lab.token_endpoint(),
        &[
            ("grant_type", "client_credentials"),
            ("scope", "profile"),
            ("scope", "documents:read"),
        ],
        Some(&auth),
    )
    .await;
    r.assert_error("invalid_request");
    let r = post(
        &lab.token_endpoint(),
        &[("grant_type", "urn:example:magic")],
        Some(&auth),
    )
    .await;
    r.assert_error("unsupported_grant_type");
    let r = post(
        &lab.token_endpoint(),
        &[
            ("grant_type", "password"),
            ("username", "alice"),
            ("password", "alice-password"),
        ],
        Some(&auth),
    )
    .await;
    r.assert_error("unauthorized_client");
}

#[tokio::test]
async fn a_huge_field_is_cut_short_in_the_log_and_in_the_answer() {
    let lab = lab().await;
    let huge = "é".repeat(5_000);
    for _ in 0..3 {
        let r = post(
            &lab.token_endpoint(),
            &[
                ("grant_type", huge.as_str()),
                ("client_id", huge.as_str()),
                ("client_secret", "x"),
            ],
            None,
        )
        .await;
        r.assert_error("invalid_client");
        assert!(
            r.description().len() < 400,
            "{} bytes",
            r.description().len()
        );
    }
    let entries = lab.recent_requests();
    assert_eq!(entries.len(), 3);
    for e in entries {
        for field in [e.grant_type.as_deref(), e.client_id.as_deref()] {
            let field = field.expect("recorded");
            assert_eq!(field.chars().count(), LOG_FIELD_MAX_CHARS + 1);
            assert!(field.ends_with('…'));
        }
        let RequestOutcome::Refused { description, .. } = &e.outcome else {
            panic!("{e:?}");
        };
        assert!(description.chars().count() <= LOG_FIELD_MAX_CHARS + 1);
    }
}

#[tokio::test]
async fn answers_never_carry_null_members() {
    let lab = lab().await;
    let user = client_token(&lab, "alice-app").await;
    let agent = client_token(&lab, "agent-a").await;
    let r = exchange(
        &lab,
        "agent-a",
        &user,
        Some(&agent),
        &[("requested_token_type", RT)],
    )
    .await;
    r.assert_issued();
    assert_eq!(r.body["token_type"], "N_A");
    let garbage = introspect_as(&lab, "agent-a", "garbage").await;
    let active = introspect_as(&lab, "agent-a", &user).await;
    let refresh = introspect_as(&lab, "agent-a", r.token()).await;
    for body in [&r.body, &garbage.body, &active.body, &refresh.body] {
        fn no_nulls(v: &Value) -> bool {
            match v {
                Value::Null => false,
                Value::Object(m) => m.values().all(no_nulls),
                Value::Array(a) => a.iter().all(no_nulls),
                _ => true,
            }
        }
        assert!(no_nulls(body), "{body:#}");
    }
    assert_eq!(garbage.body, serde_json::json!({"active": false}));
    assert_no_store(&garbage);
}

#[tokio::test]
async fn two_authorization_headers_are_refused_at_every_client_endpoint() {
    let lab = lab().await;
    let at = client_token(&lab, "agent-a").await;
    for (url, body) in [
        (lab.introspection_endpoint(), format!("token={at}")),
        (lab.revocation_endpoint(), format!("token={at}")),
        (lab.par_endpoint(), "response_type=code".to_owned()),
        (
            lab.device_authorization_endpoint(),
            "scope=profile".to_owned(),
        ),
    ] {
        // Built with HeaderMap::append: two separate header lines, the good one first.
        let mut headers = reqwest::header::HeaderMap::new();
        for value in [basic("agent-a", "agent-a-secret"), format!("Bearer {at}")] {
            headers.append(
                reqwest::header::AUTHORIZATION,
                value.parse().expect("header value"),
            );
        }
        let r = send(
            reqwest::Client::new()
                .post(&url)
                .headers(headers)
                .header("content-type", "application/x-www-form-urlencoded")
                .body(body),
        )
        .await;
        assert_json_error(&r, 400, "invalid_request");
        assert!(
            r.description()
                .contains("more than one Authorization header"),
            "{url}: {}",
            r.description()
        );
    }
}
