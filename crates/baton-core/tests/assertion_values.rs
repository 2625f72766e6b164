//! What assertions compare, against the lab on a random loopback port: `{{…}}` references in
//! their values are resolved before they are compared (and checked before the first request),
//! a response's own members can be asserted, and an opaque token's claims are read through
//! introspection.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use async_trait::async_trait;
use baton_core::FixedClock;
use baton_core::http::{HttpClient, HttpRequest, HttpResponse, ReqwestClient, TransportError};
use baton_core::scenario::{
    Collection, Engine, RunOptions, RunRecord, Scenario, StepRecord, StepStatus, recheck,
};
use baton_sts::DETERMINISTIC_NOW;
use serde::Deserialize;

use common::{demo, http, lab, lab_options};

/// The demo's servers and clients with these scenarios instead of its own.
fn with_scenarios(toml_text: &str) -> Collection {
    #[derive(Deserialize)]
    struct Scenarios {
        scenarios: Vec<Scenario>,
    }
    let parsed: Scenarios = toml::from_str(toml_text).expect("scenarios");
    let mut collection = demo();
    collection.scenarios = parsed.scenarios;
    collection
}

/// The real HTTP client, counting what it sends.
struct Counting {
    inner: ReqwestClient,
    sent: AtomicUsize,
}

#[async_trait]
impl HttpClient for Counting {
    async fn send(&self, request: &HttpRequest) -> Result<HttpResponse, TransportError> {
        self.sent.fetch_add(1, Ordering::SeqCst);
        self.inner.send(request).await
    }
}

fn counting_engine() -> (Engine, Arc<Counting>) {
    let http = Arc::new(Counting {
        inner: http(),
        sent: AtomicUsize::new(0),
    });
    let engine = Engine::new(
        http.clone(),
        Arc::new(FixedClock(i64::try_from(DETERMINISTIC_NOW).expect("fits"))),
    );
    (engine, http)
}

fn options(lab: &baton_sts::StsHandle) -> RunOptions {
    let mut options = lab_options(lab);
    options
        .overrides
        .insert("api".to_string(), "payments-api".to_string());
    options
}

fn step<'a>(record: &'a RunRecord, id: &str) -> &'a StepRecord {
    record
        .steps
        .iter()
        .find(|s| s.id == id)
        .unwrap_or_else(|| panic!("step {id}"))
}

fn explain(record: &RunRecord) -> String {
    let mut out = String::new();
    for step in &record.steps {
        out.push_str(&format!(
            "  {} {} {:?}\n",
            step.status.as_str(),
            step.id,
            step.error
        ));
        for a in &step.assertions {
            out.push_str(&format!("    {} {}\n", a.passed, a.message));
        }
    }
    out
}

/// Alice signs in, the order service gets its own token and exchanges hers for a payments
/// token; `ASSERT` is the exchange's assertions.
const DELEGATION: &str = r#"
[[scenarios]]
id = "delegation"
name = "Delegation"

[[scenarios.steps]]
id = "login"
name = "Alice signs in"

[scenarios.steps.token]
client = "web-app"
grant = "password"
username = "alice"
password = "{{secret.alice.password}}"
scope = "orders:read payments:charge"

[[scenarios.steps]]
id = "service"
name = "The order service's own token"

[scenarios.steps.token]
client = "order-service"
grant = "client_credentials"

[[scenarios.steps]]
id = "hop1"
name = "The order service exchanges Alice's token"
assert = ASSERT

[scenarios.steps.exchange]
client = "order-service"
subject_token = "{{steps.login.access_token}}"
subject_token_type = "access_token"
actor_token = "{{steps.service.access_token}}"
actor_token_type = "access_token"
audience = ["payments-api"]
scope = "payments:charge"

[[scenarios.steps]]
id = "later"
name = "A later step"

[scenarios.steps.token]
client = "order-service"
grant = "client_credentials"
"#;

fn delegation(assertions: &str) -> Collection {
    with_scenarios(&DELEGATION.replace("ASSERT", assertions))
}

async fn run(collection: &Collection, lab: &baton_sts::StsHandle) -> RunRecord {
    let (engine, _) = counting_engine();
    engine
        .run(
            collection,
            &collection.scenarios[0],
            &options(lab),
            &mut |_| {},
        )
        .await
        .expect("references resolve")
}

#[tokio::test]
async fn references_in_assertion_values_are_resolved_before_they_are_compared() {
    let lab = lab().await;
    let collection = delegation(
        r#"[
    { claim = "act.sub", equals = "{{steps.service.claims.sub}}" },
    { claim = "sub", equals = "{{steps.login.claims.sub}}" },
    { claim = "iat", equals = "{{steps.login.claims.iat}}" },
    { act_chain = ["{{steps.service.claims.sub}}"] },
    { aud_contains = "{{env.api}}" },
    { claim = "aud", matches = "^{{env.api}}$" },
    { scope_subset_of = ["{{steps.hop1.claims.scope}}"] },
]"#,
    );
    // A step may not use its own outputs: refused before the run.
    let (engine, http) = counting_engine();
    let refused = engine
        .run(
            &collection,
            &collection.scenarios[0],
            &options(&lab),
            &mut |_| {},
        )
        .await
        .expect_err("a step's own claims are not there yet");
    assert!(
        refused.to_string().contains(
            "step \"hop1\" (assertion 7 (scope_subset_of)): {{steps.hop1.claims.scope}} refers to this step itself"
        ),
        "{refused}"
    );
    assert_eq!(http.sent.load(Ordering::SeqCst), 0);

    let mut collection = collection;
    collection.scenarios[0].steps[2].assertions.pop();
    let record = run(&collection, &lab).await;
    assert!(record.passed(), "{}", explain(&record));
    let messages: Vec<&str> = step(&record, "hop1")
        .assertions
        .iter()
        .map(|a| a.message.as_str())
        .collect();
    assert!(
        messages.contains(&"claim act.sub is \"order-service\""),
        "{messages:?}"
    );
    assert!(
        messages.contains(&"act chain is [order-service]"),
        "{messages:?}"
    );
    assert!(
        messages.contains(&"aud contains \"payments-api\""),
        "{messages:?}"
    );
    assert!(messages.iter().all(|m| !m.contains("{{")), "{messages:?}");

    // Checked again outside a run (the app's assertion editor), a reference cannot be
    // resolved: the assertion fails saying so, rather than compare the braces.
    let outcomes = recheck(
        step(&record, "hop1"),
        &collection.scenarios[0].steps[2].assertions,
    );
    let act = outcomes
        .iter()
        .find(|o| o.message.contains("act.sub") || o.message.contains("steps.service"))
        .expect("the act.sub assertion");
    assert!(!act.passed);
    assert_eq!(
        act.message,
        "not checked: {{steps.service.claims.sub}} is resolved when the scenario runs; run it again to check this assertion"
    );
}

#[tokio::test]
async fn a_failing_referenced_value_is_shown_resolved() {
    let lab = lab().await;
    let collection = delegation(
        r#"[
    { claim = "sub", equals = "{{steps.service.claims.sub}}" },
    { act_chain = ["client:{{env.api}}"] },
]"#,
    );
    let record = run(&collection, &lab).await;
    let hop1 = step(&record, "hop1");
    assert_eq!(hop1.status, StepStatus::Failed, "{}", explain(&record));
    let failures: Vec<&str> = hop1
        .assertions
        .iter()
        .filter(|a| !a.passed)
        .map(|a| a.message.as_str())
        .collect();
    assert_eq!(
        failures,
        [
            "claim sub: expected \"order-service\", got \"alice\"",
            "act chain: expected [client:payments-api], got [order-service]",
        ]
    );
}

#[tokio::test]
async fn a_bad_reference_in_an_assertion_is_refused_before_any_request() {
    let lab = lab().await;
    for (assertion, expected) in [
        (
            r#"{ claim = "act.sub", equals = "{{steps.nope.claims.sub}}" }"#,
            "scenario \"delegation\", step \"hop1\" (assertion 1 (equals)): {{steps.nope.claims.sub}} refers to step \"nope\", which is not in this scenario (its steps: login, service, hop1, later)",
        ),
        (
            r#"{ act_chain = ["{{steps.later.claims.sub}}"] }"#,
            "scenario \"delegation\", step \"hop1\" (assertion 1 (act_chain)): {{steps.later.claims.sub}} refers to step \"later\", which comes after this one; a step can only use earlier steps' outputs",
        ),
        (
            r#"{ aud_contains = "{{env.missing}}" }"#,
            "(assertion 1 (aud_contains)): {{env.missing}}: the environment \"lab\" has no variable \"missing\"",
        ),
        (
            r#"{ error = "{{secret.web-app}}" }"#,
            "(assertion 1 (error)): {{secret.web-app}}: a secret may only be used where Baton masks it",
        ),
        (
            r#"{ claim = "sub", equals = ["alice", "{{steps.login.claim.sub}}"] }"#,
            "(assertion 1 (equals)): {{steps.login.claim.sub}}: a step's outputs are",
        ),
    ] {
        let collection = delegation(&format!("[{assertion}]"));
        let (engine, http) = counting_engine();
        let err = engine
            .run(
                &collection,
                &collection.scenarios[0],
                &options(&lab),
                &mut |_| {},
            )
            .await
            .expect_err("refused");
        assert!(err.to_string().contains(expected), "{assertion}: {err}");
        assert_eq!(http.sent.load(Ordering::SeqCst), 0, "{assertion}");
    }
}

/// Alice's JWT becomes a SAML assertion, which the legacy app's gateway trades for an opaque
/// token (the lab's `opaque_access_tokens`); `ASSERT` is the gateway step's assertions.
const OPAQUE: &str = r#"
[[scenarios]]
id = "opaque"
name = "Opaque"

[[scenarios.steps]]
id = "login"
name = "Alice signs in to the HR portal"

[scenarios.steps.token]
client = "hr-portal"
grant = "password"
username = "alice"
password = "{{secret.alice.password}}"

[[scenarios.steps]]
id = "assertion"
name = "A SAML assertion for the legacy app"

[scenarios.steps.exchange]
client = "hr-portal"
subject_token = "{{steps.login.access_token}}"
subject_token_type = "access_token"
requested_token_type = "saml2"
audience = ["legacy-hr-app"]

[[scenarios.steps]]
id = "gateway"
name = "The gateway trades it for an opaque token"
assert = ASSERT

[scenarios.steps.exchange]
client = "legacy-hr-app"
subject_token = "{{steps.assertion.access_token}}"
subject_token_type = "saml2"
"#;

fn opaque(assertions: &str) -> Collection {
    with_scenarios(&OPAQUE.replace("ASSERT", assertions))
}

#[tokio::test]
async fn an_opaque_tokens_claims_are_read_through_introspection() {
    let lab = lab().await;
    let collection = opaque(
        r#"[
    { claim = "sub", equals = "alice" },
    { claim = "client_id", equals = "legacy-hr-app" },
    { scope_subset_of = ["profile", "email"] },
    { aud_contains = "hr-api" },
]"#,
    );
    let record = run(&collection, &lab).await;
    assert!(record.passed(), "{}", explain(&record));
    let gateway = step(&record, "gateway");
    assert!(
        gateway
            .token
            .as_ref()
            .is_some_and(|t| t.decoded.jwt().is_none()),
        "the lab issues an opaque token here"
    );
    assert_eq!(
        gateway.introspected_at.as_deref(),
        Some(format!("{}/introspect", lab.base_url().trim_end_matches('/')).as_str())
    );
    assert_eq!(
        gateway
            .introspection
            .as_ref()
            .and_then(|m| m.get("sub"))
            .and_then(|v| v.as_str()),
        Some("alice")
    );

    // Without an introspection endpoint the claims cannot be read, and the message says how
    // to read them.
    let mut without = collection.clone();
    without.servers[0].introspection_endpoint = None;
    let record = run(&without, &lab).await;
    let gateway = step(&record, "gateway");
    assert_eq!(gateway.status, StepStatus::Failed);
    assert_eq!(gateway.introspected_at, None);
    let failure = gateway
        .assertions
        .iter()
        .find(|a| !a.passed)
        .expect("a failure");
    assert_eq!(
        failure.message,
        "claim sub: the token is opaque (not a JWT); give its server an introspection_endpoint to read its claims, or check the response with `response = \"MEMBER\"`"
    );
}

#[tokio::test]
async fn response_members_can_be_asserted_whatever_the_token() {
    let lab = lab().await;
    let collection = opaque(
        r#"[
    { response = "issued_token_type", equals = "urn:ietf:params:oauth:token-type:access_token" },
    { response = "token_type", matches = "^(?i)bearer$" },
    { response = "expires_in", exists = true },
    { response = "refresh_token", exists = false },
]"#,
    );
    let record = run(&collection, &lab).await;
    assert!(record.passed(), "{}", explain(&record));
    assert_eq!(
        step(&record, "gateway").introspected_at,
        None,
        "no claim assertion, so no introspection"
    );

    let collection = opaque(
        r#"[
    { response = "issued_token_type", equals = "urn:ietf:params:oauth:token-type:jwt" },
    { response = "cnf", exists = true },
]"#,
    );
    let record = run(&collection, &lab).await;
    let gateway = step(&record, "gateway");
    assert_eq!(gateway.status, StepStatus::Failed);
    let failures: Vec<&str> = gateway
        .assertions
        .iter()
        .filter(|a| !a.passed)
        .map(|a| a.message.as_str())
        .collect();
    assert_eq!(
        failures,
        [
            "response issued_token_type: expected \"urn:ietf:params:oauth:token-type:jwt\", got \"urn:ietf:params:oauth:token-type:access_token\"",
            "response cnf: expected present, got absent",
        ]
    );
}

/// The payments exchange of `DELEGATION`, its request written by `exchange` (the lines after
/// the subject token) and asserted by `ASSERT`.
fn malformed(exchange: &str, assertions: &str) -> Collection {
    let text = DELEGATION.replace("ASSERT", assertions).replacen(
        "subject_token_type = \"access_token\"\nactor_token = \"{{steps.service.access_token}}\"\nactor_token_type = \"access_token\"",
        exchange,
        1,
    );
    with_scenarios(&text)
}

#[tokio::test]
async fn an_omitted_parameter_is_not_sent_and_the_record_says_so() {
    let lab = lab().await;
    let collection = malformed(
        "subject_token_type = \"\"\nomit = [\"subject_token_type\"]",
        r#"[{ status = 400 }, { error = "invalid_request" }]"#,
    );
    let record = run(&collection, &lab).await;
    let hop1 = step(&record, "hop1");
    assert_eq!(hop1.status, StepStatus::Passed, "{}", explain(&record));
    let body = hop1
        .request
        .as_ref()
        .and_then(|r| r.body.as_deref())
        .expect("the request was recorded");
    assert!(body.contains("subject_token="), "{body}");
    assert!(!body.contains("subject_token_type"), "{body}");
    assert_eq!(hop1.omitted, ["subject_token_type"]);
    assert!(
        step(&record, "login").omitted.is_empty(),
        "a step without omit is not marked"
    );

    // A name in both omit and params sends the step's own value in place of Baton's.
    let collection = malformed(
        "subject_token_type = \"access_token\"\nomit = [\"subject_token_type\"]\nparams = { subject_token_type = \"urn:example:unknown\" }",
        r#"[{ error = "invalid_request" }]"#,
    );
    let record = run(&collection, &lab).await;
    let hop1 = step(&record, "hop1");
    assert_eq!(hop1.status, StepStatus::Passed, "{}", explain(&record));
    let body = hop1
        .request
        .as_ref()
        .and_then(|r| r.body.as_deref())
        .expect("the request was recorded");
    assert_eq!(
        body.matches("subject_token_type=").count(),
        1,
        "sent once: {body}"
    );
    assert!(
        body.contains("subject_token_type=urn%3Aexample%3Aunknown"),
        "{body}"
    );
    assert_eq!(hop1.omitted, ["subject_token_type"]);
}
