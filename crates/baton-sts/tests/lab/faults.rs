//! The lab failing on purpose: down, slow, 503 with Retry-After, flaky, a skewed clock, and
//! checks switched off on the running lab.

use std::time::{Duration, Instant};

use baton_sts::{Check, DETERMINISTIC_NOW, Faults, Policy, PolicyError};
use serde_json::json;

use crate::common::*;

const DOCS: (&str, &str) = ("audience", "documents-api");

async fn metadata_status(
    client: &reqwest::Client,
    lab: &baton_sts::StsHandle,
) -> Result<u16, String> {
    client
        .get(lab.metadata_url())
        .send()
        .await
        .map(|r| r.status().as_u16())
        .map_err(|e| format!("{e:?}"))
}

#[tokio::test]
async fn down_refuses_connections_and_comes_back_on_the_same_port() {
    let lab = lab().await;
    let port = lab.port();
    // One client throughout: its kept-alive connection must not outlive the outage.
    let client = reqwest::Client::new();
    assert_eq!(metadata_status(&client, &lab).await, Ok(200));

    lab.set_faults(Faults {
        down: true,
        ..Faults::default()
    })
    .await
    .expect("goes down");
    assert!(lab.faults().down);
    let refused = tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .expect_err("nothing listens while down");
    assert_eq!(refused.kind(), std::io::ErrorKind::ConnectionRefused);
    let err = metadata_status(&client, &lab).await.expect_err("down");
    assert!(err.to_lowercase().contains("connect"), "{err}");

    lab.set_faults(Faults::default()).await.expect("comes back");
    assert_eq!(lab.port(), port);
    assert!(lab.faults().is_none());
    assert_eq!(metadata_status(&client, &lab).await, Ok(200));
    client_token(&lab, "order-service").await;
}

#[tokio::test]
async fn unavailable_answers_503_with_retry_after_everywhere_and_logs_it() {
    let lab = lab().await;
    lab.set_faults(Faults {
        unavailable_retry_after: Some(7),
        ..Faults::default()
    })
    .await
    .expect("set");
    let r = token(
        &lab,
        "order-service",
        &[("grant_type", "client_credentials")],
    )
    .await;
    assert_eq!(r.status, 503, "{:#}", r.body);
    assert_eq!(r.error(), "temporarily_unavailable");
    assert!(
        r.description().contains("retry after 7 s"),
        "{}",
        r.description()
    );
    assert_eq!(r.header("retry-after"), Some("7"));
    assert_no_store(&r);

    let jwks = reqwest::get(lab.jwks_uri()).await.expect("GET");
    assert_eq!(
        jwks.status().as_u16(),
        503,
        "the whole service is unavailable"
    );

    let log = lab.recent_requests();
    let last = log.last().expect("logged");
    assert_eq!((last.endpoint.as_str(), last.status), ("/jwks", 503));

    lab.set_faults(Faults::default()).await.expect("cleared");
    client_token(&lab, "order-service").await;
}

#[tokio::test]
async fn slow_adds_latency_before_answering() {
    let lab = lab().await;
    lab.set_faults(Faults {
        latency_ms: 300,
        ..Faults::default()
    })
    .await
    .expect("set");
    let started = Instant::now();
    client_token(&lab, "order-service").await;
    // A lower bound only: a slow machine can only make it longer.
    assert!(
        started.elapsed() >= Duration::from_millis(300),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn flaky_fails_the_given_share_of_requests_evenly() {
    let lab = lab().await;
    lab.set_faults(Faults {
        failure_rate: 0.5,
        ..Faults::default()
    })
    .await
    .expect("set");
    let mut statuses = Vec::new();
    for _ in 0..6 {
        let r = token(
            &lab,
            "order-service",
            &[("grant_type", "client_credentials")],
        )
        .await;
        if r.status == 503 {
            assert_eq!(r.error(), "temporarily_unavailable");
            assert_eq!(r.header("retry-after"), None);
        }
        statuses.push(r.status);
    }
    assert_eq!(statuses, [503, 200, 503, 200, 503, 200]);
}

#[tokio::test]
async fn a_skewed_clock_shifts_what_the_lab_issues_and_checks() {
    let lab = lab_with(Policy::lab_default(), true).await;
    let before = client_token(&lab, "order-service").await;
    assert_eq!(claims(&before)["iat"], DETERMINISTIC_NOW);

    lab.set_faults(Faults {
        clock_skew_secs: 3600,
        ..Faults::default()
    })
    .await
    .expect("set");
    let ahead = client_token(&lab, "order-service").await;
    assert_eq!(claims(&ahead)["iat"], DETERMINISTIC_NOW + 3600);

    // Behind by two hours, the token issued "an hour from now" is not valid yet.
    lab.set_faults(Faults {
        clock_skew_secs: -7200,
        ..Faults::default()
    })
    .await
    .expect("set");
    let r = post(
        &lab.introspection_endpoint(),
        &[("token", &ahead)],
        Some(&basic("order-service", "order-service-secret")),
    )
    .await;
    assert_eq!(r.body["active"], false, "{:#}", r.body);
}

#[tokio::test]
async fn bad_faults_are_refused_and_change_nothing() {
    let lab = lab().await;
    let e = lab
        .set_faults(Faults {
            failure_rate: 1.5,
            ..Faults::default()
        })
        .await
        .expect_err("out of range");
    assert!(e.to_string().contains("failure_rate"), "{e}");
    assert!(lab.faults().is_none());
}

#[tokio::test]
async fn the_policy_can_start_the_lab_faulted() {
    let policy = policy_with(|mut src| {
        src.push_str("\n[faults]\nunavailable_retry_after = 3\nclock_skew_secs = -60\n");
        src
    });
    assert_eq!(policy.faults.unavailable_retry_after, Some(3));
    let round = Policy::from_toml_str(&policy.to_toml_string(), "round trip").expect("parses");
    assert_eq!(round.faults, policy.faults);
    let lab = lab_with(policy, false).await;
    let r = token(
        &lab,
        "order-service",
        &[("grant_type", "client_credentials")],
    )
    .await;
    assert_eq!((r.status, r.header("retry-after")), (503, Some("3")));

    let src = format!(
        "{}\n[faults]\nfailure_rate = 2.0\n",
        Policy::lab_default_toml()
    );
    let e = Policy::from_toml_str(&src, "faulty.toml").expect_err("rate above 1");
    assert!(matches!(e, PolicyError::Invalid { .. }));
    assert!(
        e.to_string()
            .contains("failure_rate must be between 0 and 1"),
        "{e}"
    );
    let line = src
        .lines()
        .position(|l| l.contains("failure_rate"))
        .map(|i| i + 1);
    assert_eq!(e.line(), line, "{e}");

    let src = format!("{}\n[faults]\ndown_for = 3\n", Policy::lab_default_toml());
    let e = Policy::from_toml_str(&src, "typo.toml").expect_err("unknown key");
    assert!(e.to_string().contains("down_for"), "{e}");
}

/// Chain splicing: agent-n exchanges the token agent-a got for alice-app and joins her chain.
#[tokio::test]
async fn checks_switched_off_at_runtime_let_chain_splicing_through_and_back() {
    let lab = lab().await;
    async fn splice(lab: &baton_sts::StsHandle) -> Reply {
        let user =
            client_token_with(lab, "alice-app", &[("scope", "profile documents:read")]).await;
        let agent_a = client_token(lab, "agent-a").await;
        let first = exchange(lab, "agent-a", &user, Some(&agent_a), &[DOCS]).await;
        first.assert_issued();
        let attacker = client_token(lab, "agent-n").await;
        exchange(lab, "agent-n", first.token(), Some(&attacker), &[DOCS]).await
    }
    splice(&lab).await.assert_error("invalid_request");

    lab.set_checks_off(vec![Check::MayActCarried, Check::MayActCarried]);
    assert_eq!(lab.checks_off(), [Check::MayActCarried]);
    let spliced = splice(&lab).await;
    spliced.assert_issued();
    assert_eq!(
        claims(spliced.token())["act"],
        json!({"sub": "agent-n", "act": {"sub": "agent-a"}})
    );
    assert!(
        lab.policy().disabled_checks().is_empty(),
        "the policy itself is unchanged"
    );

    lab.set_checks_off(Vec::new());
    splice(&lab).await.assert_error("invalid_request");
}
