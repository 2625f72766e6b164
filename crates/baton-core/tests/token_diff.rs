//! What an exchange changed, issued token against subject token: delegation (an actor added,
//! audience and scope narrowed, the subject kept), impersonation (no actor), and the steps that
//! have nothing to compare (a refusal, an opaque token, a step that is not an exchange). First
//! on tokens built by hand, then on the demo collection run against the lab.

mod common;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use baton_core::scenario::record::{InputRole, InputToken, StepRecord, StepStatus, TokenRecord};
use baton_core::scenario::{RunRecord, StepKind, step_diff, token_diff};
use baton_core::{Jwt, decode};
use serde_json::{Value, json};

const NOW: i64 = 1_800_000_000;

fn raw(claims: &Value) -> String {
    let part = |v: &Value| URL_SAFE_NO_PAD.encode(v.to_string());
    format!("{}.{}.c2ln", part(&json!({"alg": "ES256"})), part(claims))
}

fn jwt(claims: Value) -> Jwt {
    decode(&raw(&claims)).jwt().cloned().expect("a JWT")
}

fn record(token: &str) -> TokenRecord {
    TokenRecord {
        fingerprint: "0000000000000000".into(),
        token: token.into(),
        token_type: None,
        decoded: decode(token),
        verification: None,
    }
}

/// Alice's token from signing in to the web app.
fn alice() -> Value {
    json!({
        "iss": "https://sts.example/", "sub": "alice", "client_id": "web-app",
        "aud": ["orders-api", "payments-api"], "scope": "orders:read payments:charge",
        "iat": NOW, "exp": NOW + 3600, "jti": "a1", "auth_time": NOW - 5, "acr": "1",
    })
}

/// An exchange step with `subject` as its subject input and `issued` as its token, if any.
fn exchange_step(subject: &str, issued: Option<&str>) -> StepRecord {
    StepRecord {
        id: "exchange".into(),
        name: "exchange".into(),
        kind: StepKind::Exchange,
        status: StepStatus::Passed,
        error: None,
        request: None,
        response: None,
        sent_at: Some(NOW),
        elapsed_ms: 3,
        inputs: vec![
            InputToken {
                role: InputRole::Actor,
                from_step: None,
                token: record(&raw(&json!({"sub": "order-service"}))),
            },
            InputToken {
                role: InputRole::Subject,
                from_step: Some("login".into()),
                token: record(subject),
            },
        ],
        token: issued.map(record),
        introspection: None,
        findings: Vec::new(),
        assertions: Vec::new(),
        attempts: Vec::new(),
        unreachable: false,
        lab_changes: Vec::new(),
        from_cache: false,
        repeat: None,
        introspected_at: None,
        omitted: Vec::new(),
    }
}

#[test]
fn delegation_adds_an_actor_and_narrows_audience_and_scope_keeping_the_subject() {
    let subject = jwt(alice());
    let issued = jwt(json!({
        "iss": "https://sts.example/", "sub": "alice", "client_id": "order-service",
        "aud": "payments-api", "scope": "payments:charge",
        "iat": NOW + 10, "exp": NOW + 310, "jti": "b2", "auth_time": NOW - 5, "acr": "2",
        "act": {"sub": "order-service"}, "cnf": {"jkt": "abc"},
    }));
    let d = token_diff(&subject, &issued);

    assert!(d.sub.preserved);
    assert_eq!(d.sub.after.as_deref(), Some("alice"));

    assert_eq!(d.aud.before, ["orders-api", "payments-api"]);
    assert_eq!(d.aud.after, ["payments-api"]);
    assert!(d.aud.added.is_empty());
    assert_eq!(d.aud.removed, ["orders-api"]);
    assert!(d.aud.narrowed);

    assert_eq!(d.scope.removed, ["orders:read"]);
    assert!(d.scope.added.is_empty());
    assert!(d.scope.narrowed);

    assert!(d.act.before.is_empty());
    assert_eq!(d.act.after, ["order-service"]);
    assert!(d.act_added);

    assert_eq!(
        (d.exp.before, d.exp.after),
        (Some(NOW + 3600), Some(NOW + 310))
    );
    assert_eq!(
        (d.lifetime.before, d.lifetime.after),
        (Some(3600), Some(300))
    );

    assert!(d.iss.preserved);
    assert!(!d.client_id.preserved);
    assert_eq!(d.client_id.before.as_deref(), Some("web-app"));
    assert_eq!(d.client_id.after.as_deref(), Some("order-service"));

    // iat, exp and jti changed too, but they change on every issuance; act has its own field.
    assert_eq!(d.other.added, ["cnf"]);
    assert!(d.other.removed.is_empty());
    assert_eq!(d.other.changed, ["acr"]);
}

#[test]
fn a_further_hop_puts_the_new_actor_first_and_keeps_the_prior_chain() {
    let mut first = alice();
    first["act"] = json!({"sub": "planner-agent"});
    let mut second = alice();
    second["act"] = json!({"sub": "flight-agent", "act": {"sub": "planner-agent"}});
    let d = token_diff(&jwt(first), &jwt(second));
    assert_eq!(d.act.before, ["planner-agent"]);
    assert_eq!(d.act.after, ["flight-agent", "planner-agent"]);
    assert!(d.act_added);
    // Nothing else changed, so nothing else is reported.
    assert!(d.aud.added.is_empty() && d.aud.removed.is_empty() && !d.aud.narrowed);
    assert!(!d.scope.narrowed);
    assert!(d.other.added.is_empty() && d.other.removed.is_empty() && d.other.changed.is_empty());
}

#[test]
fn impersonation_names_no_actor_and_a_new_audience_is_not_narrowing() {
    let subject = jwt(
        json!({"sub": "mobile-app", "aud": "api-gateway", "scope": "read",
        "iat": NOW, "exp": NOW + 600}),
    );
    let issued = jwt(
        json!({"sub": "mobile-app", "aud": "backend-api", "scope": "read write",
        "iat": NOW, "exp": NOW + 600}),
    );
    let d = token_diff(&subject, &issued);
    assert!(d.sub.preserved);
    assert!(d.act.before.is_empty() && d.act.after.is_empty());
    assert!(!d.act_added);
    assert_eq!(d.aud.added, ["backend-api"]);
    assert_eq!(d.aud.removed, ["api-gateway"]);
    assert!(!d.aud.narrowed);
    assert_eq!(d.scope.added, ["write"]);
    assert!(!d.scope.narrowed);
    // Absent claims are absent on both sides, not "preserved".
    assert!(!d.client_id.preserved);
    assert_eq!(d.client_id.before, None);
}

#[test]
fn a_changed_subject_is_not_preserved() {
    let d = token_diff(&jwt(json!({"sub": "alice"})), &jwt(json!({"sub": "bob"})));
    assert!(!d.sub.preserved);
    assert_eq!(d.sub.before.as_deref(), Some("alice"));
    assert_eq!(d.sub.after.as_deref(), Some("bob"));
    assert_eq!((d.lifetime.before, d.lifetime.after), (None, None));
}

#[test]
fn an_extreme_lifetime_does_not_overflow() {
    let d = token_diff(
        &jwt(json!({"iat": i64::MIN, "exp": i64::MAX})),
        &jwt(json!({"iat": 0, "exp": i64::MAX})),
    );
    // Times before year 1 or after year 9999 are named as out of range, never computed with.
    assert_eq!(d.lifetime.before, None);
    assert_eq!(d.lifetime.after, None);
    let d = token_diff(
        &jwt(json!({"iat": 0, "exp": 3600})),
        &jwt(json!({"iat": 0, "exp": 253_402_300_799_i64})),
    );
    assert_eq!(d.lifetime.before, Some(3600));
    assert_eq!(d.lifetime.after, Some(253_402_300_799));
}

#[test]
fn step_diff_compares_the_subject_input_not_the_actor() {
    let issued =
        raw(&json!({"sub": "alice", "aud": "payments-api", "act": {"sub": "order-service"}}));
    let d = step_diff(&exchange_step(&raw(&alice()), Some(&issued))).expect("a diff");
    assert_eq!(d.sub.before.as_deref(), Some("alice"));
    assert!(d.sub.preserved);
    assert!(d.act_added);
}

#[test]
fn a_refused_exchange_has_no_diff() {
    let mut step = exchange_step(&raw(&alice()), None);
    step.status = StepStatus::Failed;
    assert_eq!(step_diff(&step), None);
}

#[test]
fn an_opaque_token_on_either_side_has_no_diff() {
    let jwt_token = raw(&alice());
    let opaque = "2YotnFZFEjr1zCsicMWpAA";
    assert_eq!(step_diff(&exchange_step(&jwt_token, Some(opaque))), None);
    assert_eq!(step_diff(&exchange_step(opaque, Some(&jwt_token))), None);
}

#[test]
fn a_step_that_is_not_an_exchange_has_no_diff() {
    let token = raw(&alice());
    for kind in [StepKind::Token, StepKind::Inspect, StepKind::Introspect] {
        let step = StepRecord {
            kind,
            ..exchange_step(&token, Some(&token))
        };
        assert_eq!(step_diff(&step), None, "{kind:?}");
    }
}

#[test]
fn the_diff_serializes_with_snake_case_names_and_numbers() {
    let d = token_diff(&jwt(alice()), &jwt(alice()));
    let value = serde_json::to_value(&d).expect("serializes");
    let keys: Vec<&str> = value
        .as_object()
        .expect("an object")
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        [
            "sub",
            "aud",
            "scope",
            "exp",
            "lifetime",
            "act",
            "act_added",
            "iss",
            "client_id",
            "other"
        ]
    );
    assert_eq!(value["lifetime"], json!({"before": 3600, "after": 3600}));
    assert_eq!(
        value["sub"],
        json!({"before": "alice", "after": "alice", "preserved": true})
    );
}

// ---------------------------------------------------------------------------------------------
// The demo collection against the lab

async fn run_demo(scenarios: &[&str]) -> Vec<RunRecord> {
    let lab = common::lab().await;
    let collection = common::demo();
    let options = common::lab_options(&lab);
    let engine = common::engine();
    let mut records = Vec::new();
    for id in scenarios {
        let scenario = collection.scenario(id).expect("a demo scenario");
        let record = engine
            .run(&collection, scenario, &options, &mut |_| {})
            .await
            .expect("references resolve");
        records.push(record);
    }
    records
}

fn step<'a>(records: &'a [RunRecord], scenario: &str, step: &str) -> &'a StepRecord {
    records
        .iter()
        .find(|r| r.scenario_id == scenario)
        .and_then(|r| r.steps.iter().find(|s| s.id == step))
        .expect("the step ran")
}

#[tokio::test]
async fn the_demo_runs_diff_as_their_notes_say() {
    let records = run_demo(&["microservices", "api-gateway", "refusals"]).await;

    // "Delegation: the new token is still about Alice (sub), names the order service as the
    // actor (act), and carries only payments:charge."
    let d = step_diff(step(&records, "microservices", "payments")).expect("a diff");
    assert!(d.sub.preserved);
    assert_eq!(d.sub.after.as_deref(), Some("alice"));
    assert!(d.act_added);
    assert_eq!(d.act.after, ["order-service"]);
    assert_eq!(d.scope.after, ["payments:charge"]);
    assert!(d.scope.narrowed, "{:?}", d.scope);
    assert_eq!(d.aud.after, ["payments-api"]);

    // "Impersonation: no act claim, so the backend cannot tell the gateway was involved."
    let d = step_diff(step(&records, "api-gateway", "backend")).expect("a diff");
    assert!(d.sub.preserved);
    assert!(!d.act_added);
    assert!(d.act.after.is_empty());
    assert!(d.aud.added.contains(&"backend-api".to_string()));

    // A refusal issues nothing; a token step has no subject.
    assert_eq!(step_diff(step(&records, "refusals", "escalation")), None);
    assert_eq!(step_diff(step(&records, "microservices", "login")), None);
}
