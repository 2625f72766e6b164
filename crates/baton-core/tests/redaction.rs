//! Refresh tokens never leave the engine in the clear: a scenario that signs in, introspects its
//! refresh token, refreshes and introspects the new one, against the lab. The tokens are read off
//! the wire; the records (as progress, as returned, as serialised) must not hold any of them,
//! while the steps that need the real value still work.

mod common;

use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use baton_core::http::{HttpClient, HttpRequest, HttpResponse, TransportError};
use baton_core::redact::redact_runs;
use baton_core::scenario::{Engine, Progress, Scenario, StepStatus};
use baton_core::secret::MASK;
use baton_core::{FixedClock, ReqwestClient};
use baton_sts::DETERMINISTIC_NOW;
use serde_json::Value;

use common::{demo, http, lab, lab_options};

/// The real client, keeping every response body as it came over the wire.
struct Wiretap {
    inner: ReqwestClient,
    bodies: Mutex<Vec<String>>,
}

#[async_trait]
impl HttpClient for Wiretap {
    async fn send(&self, request: &HttpRequest) -> Result<HttpResponse, TransportError> {
        let response = self.inner.send(request).await?;
        self.bodies
            .lock()
            .expect("not poisoned")
            .push(response.body_text());
        Ok(response)
    }
}

const SCENARIO: &str = r#"
id = "refresh"
name = "Sign in, introspect the refresh token, refresh, introspect the new one"

[[steps]]
id = "login"
name = "Alice signs in"
[steps.token]
client = "web-app"
grant = "password"
username = "alice"
password = "{{secret.alice.password}}"
scope = "orders:read"

[[steps]]
id = "check"
name = "The refresh token is active"
assert = [{ claim = "active", equals = true }]
[steps.introspect]
client = "web-app"
token = "{{steps.login.refresh_token}}"
token_type_hint = "refresh_token"

[[steps]]
id = "renew"
name = "The web app refreshes"
[steps.token]
client = "web-app"
grant = "refresh_token"
refresh_token = "{{steps.login.refresh_token}}"

[[steps]]
id = "check-new"
name = "The new refresh token is active"
assert = [{ claim = "active", equals = true }]
[steps.introspect]
client = "web-app"
token = "{{steps.renew.refresh_token}}"
token_type_hint = "refresh_token"
"#;

fn scenario() -> Scenario {
    toml::from_str(SCENARIO).expect("the scenario parses")
}

/// Every `refresh_token` member of the bodies that came back.
fn refresh_tokens_on_the_wire(bodies: &[String]) -> Vec<String> {
    bodies
        .iter()
        .filter_map(|b| serde_json::from_str::<Value>(b).ok())
        .filter_map(|v| v["refresh_token"].as_str().map(str::to_owned))
        .collect()
}

#[tokio::test]
async fn refresh_tokens_are_masked_in_every_record_that_leaves_the_engine() {
    let lab = lab().await;
    let mut collection = demo();
    let scenario = scenario();
    collection.scenarios = vec![scenario.clone()];
    let tap = Arc::new(Wiretap {
        inner: http(),
        bodies: Mutex::default(),
    });
    let engine = Engine::new(
        tap.clone(),
        Arc::new(FixedClock(i64::try_from(DETERMINISTIC_NOW).expect("fits"))),
    );
    let mut shown = Vec::new();
    let record = engine
        .run(&collection, &scenario, &lab_options(&lab), &mut |p| {
            if let Progress::StepFinished { record, .. } = p {
                shown.push(serde_json::to_string(record).expect("serialises"));
            }
        })
        .await
        .expect("references resolve");

    // The real values went where they were needed: both introspections saw an active token,
    // and the refresh grant was accepted.
    for step in &record.steps {
        assert_eq!(step.status, StepStatus::Passed, "{}: {:?}", step.id, step);
    }
    let issued = refresh_tokens_on_the_wire(&tap.bodies.lock().expect("not poisoned"));
    assert_eq!(issued.len(), 2, "the login and the refresh each issued one");
    assert_ne!(issued[0], issued[1], "the lab rotates refresh tokens");

    let saved = serde_json::to_string(&record).expect("serialises");
    for text in shown.iter().chain([&saved]) {
        for token in &issued {
            assert!(!text.contains(token.as_str()), "{token} in {text}");
        }
    }
    // What stands in their place says what it was.
    let login = &record.steps[0];
    let masked = login
        .response
        .as_ref()
        .and_then(|r| r.success())
        .and_then(|s| s.refresh_token.clone())
        .expect("a refresh token member");
    assert_eq!(
        masked,
        format!("rt{MASK}"),
        "rt_ and six digits: two characters shown"
    );
    let check = record.steps[1]
        .request
        .as_ref()
        .and_then(|r| r.body.clone())
        .expect("the introspection's body");
    assert_eq!(check, "token=rt****&token_type_hint=refresh_token");
    assert_eq!(
        record.steps[1].inputs[0].token.token,
        format!("rt{MASK}"),
        "the introspected token as recorded"
    );
    // The access token is not a refresh token: it stays, for the inspector and replays.
    let access = login.token.as_ref().expect("an access token");
    assert!(access.token.starts_with("eyJ") && !access.token.contains(MASK));
}

#[tokio::test]
async fn redacting_every_token_keeps_the_decoded_claims() {
    let lab = lab().await;
    let mut collection = demo();
    let scenario = scenario();
    collection.scenarios = vec![scenario.clone()];
    let tap = Arc::new(Wiretap {
        inner: http(),
        bodies: Mutex::default(),
    });
    let engine = Engine::new(
        tap.clone(),
        Arc::new(FixedClock(i64::try_from(DETERMINISTIC_NOW).expect("fits"))),
    );
    let record = engine
        .run(&collection, &scenario, &lab_options(&lab), &mut |_| {})
        .await
        .expect("references resolve");
    let access_tokens: Vec<String> = tap
        .bodies
        .lock()
        .expect("not poisoned")
        .iter()
        .filter_map(|b| serde_json::from_str::<Value>(b).ok())
        .filter_map(|v| v["access_token"].as_str().map(str::to_owned))
        .collect();
    assert_eq!(access_tokens.len(), 2);

    let mut records = vec![record];
    redact_runs(&mut records);
    let text = serde_json::to_string(&records).expect("serialises");
    for token in &access_tokens {
        assert!(!text.contains(token.as_str()), "{token} in the report");
    }
    let login = records[0].steps[0].token.as_ref().expect("a token");
    assert!(
        login.token.starts_with("eyJ") && login.token.ends_with(MASK) && login.token.len() == 8,
        "{}",
        login.token
    );
    let jwt = login.decoded.jwt().expect("the claims are kept");
    assert_eq!(jwt.sub(), Some("alice"));
    assert!(jwt.alg().is_some());
}
