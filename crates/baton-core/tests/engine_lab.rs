//! The scenario engine against the lab token service on a random loopback port: the demo
//! collection passes, failures say what was expected, and deterministic runs repeat exactly.

mod common;

use std::sync::{Arc, Mutex};

use baton_core::scenario::{Collection, ExchangeKind, Graph, Progress, RunRecord, StepStatus};
use baton_sts::{Policy, StsConfig, StsHandle};

use common::{demo, engine, lab, lab_options as options};

async fn run_all(collection: &Collection, lab: &StsHandle) -> Vec<RunRecord> {
    let engine = engine();
    let options = options(lab);
    let mut records = Vec::new();
    for scenario in &collection.scenarios {
        let record = engine
            .run(collection, scenario, &options, &mut |_| {})
            .await
            .expect("references resolve");
        records.push(record);
    }
    records
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

#[tokio::test]
async fn the_demo_collection_passes_against_the_lab() {
    let lab = lab().await;
    let collection = demo();
    assert_eq!(collection.scenarios.len(), 9);
    for record in run_all(&collection, &lab).await {
        assert!(
            record.passed(),
            "{} failed:\n{}",
            record.scenario_id,
            explain(&record)
        );
    }
}

#[tokio::test]
async fn the_three_hop_chain_records_every_actor_and_verifies() {
    let lab = lab().await;
    let collection = demo();
    let records = run_all(&collection, &lab).await;
    let chain = records
        .iter()
        .find(|r| r.scenario_id == "agent-chain")
        .expect("agent-chain ran");
    let hop3 = chain.steps.iter().find(|s| s.id == "hop-3").expect("hop-3");
    let token = hop3.token.as_ref().expect("hop-3 issued a token");
    let jwt = token.decoded.jwt().expect("a JWT");
    let actors: Vec<String> = jwt.act_chain.actors.iter().map(|p| p.label()).collect();
    assert_eq!(actors, ["payment-agent", "flight-agent", "planner-agent"]);
    let verification = token
        .verification
        .as_ref()
        .expect("verified against the lab's JWKS");
    assert!(verification.valid, "{:?}", verification.problems);
    // The subject of hop 3 is the token hop 2 issued: the graph can join them.
    let hop2 = chain.steps.iter().find(|s| s.id == "hop-2").expect("hop-2");
    let subject = hop3.inputs.first().expect("a subject input");
    assert_eq!(subject.from_step.as_deref(), Some("hop-2"));
    assert_eq!(
        subject.token.fingerprint,
        hop2.token.as_ref().expect("hop-2 token").fingerprint
    );
    // The chain view reads the act claims the lab wrote: Bob, then each agent as it joined.
    let graph = Graph::of_run(chain);
    let lines: Vec<Vec<&str>> = graph
        .chains
        .iter()
        .map(|c| c.principals.iter().map(|p| p.name.as_str()).collect())
        .collect();
    assert_eq!(
        lines,
        [["bob", "planner-agent", "flight-agent", "payment-agent"]]
    );
    let hops = &graph.chains[0].hops;
    assert!(hops.iter().all(|h| h.kind == ExchangeKind::Delegation));
    assert_eq!(
        hops.iter().map(|h| h.audience.clone()).collect::<Vec<_>>(),
        [["flight-agent"], ["payment-agent"], ["payments-api"]]
    );
    // The client secret never reaches the record.
    let recorded = serde_json::to_string(&hop3.request).expect("serialises");
    assert!(!recorded.contains("payment-agent-secret"), "{recorded}");
}

#[tokio::test]
async fn the_saml_assertion_is_decoded_and_verified_with_the_labs_certificate() {
    let lab = lab().await;
    let collection = demo();
    let records = run_all(&collection, &lab).await;
    let run = records
        .iter()
        .find(|r| r.scenario_id == "legacy-saml")
        .expect("legacy-saml ran");
    let step = run
        .steps
        .iter()
        .find(|s| s.id == "assertion")
        .expect("assertion");
    let token = step.token.as_ref().expect("an issued token");
    assert_eq!(
        token.token_type.as_deref(),
        Some("urn:ietf:params:oauth:token-type:saml2")
    );
    let saml = token.decoded.saml().expect("read as a SAML assertion");
    assert_eq!(saml.audiences, ["legacy-hr-app"]);
    assert_eq!(saml.subject.as_deref(), Some("alice"));
    assert_eq!(saml.issuer.as_deref(), Some(lab.issuer()));
    let v = token.verification.as_ref().expect("checked");
    assert!(v.valid, "{:?}", v.problems);
    assert_eq!(v.jwks_uri, lab.saml_certificate_uri());
    assert_eq!(v.alg.as_deref(), Some("ECDSA-SHA256"));
    // In the graph it is a SAML node with its audience and subject, fed by alice's JWT.
    let graph = baton_core::scenario::graph::Graph::of_run(run);
    let node = graph
        .nodes
        .iter()
        .find(|n| n.step_id == "assertion")
        .expect("a node");
    assert_eq!(node.token_type.as_deref(), Some("saml2"));
    assert_eq!(node.aud, ["legacy-hr-app"]);
    assert_eq!(node.scope, ["profile", "email"]);
    assert_eq!(node.verified, Some(true));
    assert!(!node.opaque);
}

#[tokio::test]
async fn deterministic_runs_repeat_exactly_apart_from_timings() {
    // Each `baton run --sts` starts a fresh lab; the port is fixed so `iss` is the same.
    let first_lab = lab().await;
    let port = first_lab.port();
    let collection = demo();
    // Timings: how long each step took, and the Date header of each response.
    let strip = |mut records: Vec<RunRecord>| {
        for r in &mut records {
            r.elapsed_ms = 0;
            for s in &mut r.steps {
                s.elapsed_ms = 0;
                // A repeated step's counts repeat; its latencies do not.
                if let Some(stats) = &mut s.repeat {
                    let times = stats.times;
                    stats.latencies_ms.clear();
                    stats.started_ms.clear();
                    (stats.min_ms, stats.p50_ms, stats.p90_ms) = (0, 0, 0);
                    (stats.p99_ms, stats.max_ms, stats.total_ms) = (0, 0, 0);
                    assert!(times > 0);
                }
                if let Some(response) = &mut s.response {
                    response
                        .headers
                        .retain(|(name, _)| !name.eq_ignore_ascii_case("date"));
                }
            }
        }
        serde_json::to_string_pretty(&records).expect("serialises")
    };
    let first = strip(run_all(&collection, &first_lab).await);
    first_lab.stop().await;
    let second_lab = baton_sts::spawn(StsConfig {
        policy: Policy::lab_default(),
        port,
        deterministic: true,
        trusted_issuers: Vec::new(),
        tls: false,
    })
    .await
    .expect("lab restarts on the same port");
    let second = strip(run_all(&collection, &second_lab).await);
    if first != second {
        let diff: Vec<(&str, &str)> = first
            .lines()
            .zip(second.lines())
            .filter(|(a, b)| a != b)
            .take(5)
            .collect();
        panic!("the runs differ: {diff:?}");
    }
}

#[tokio::test]
async fn a_failing_assertion_says_what_was_expected_and_what_came() {
    let lab = lab().await;
    let mut collection = demo();
    let scenario = collection
        .scenarios
        .iter_mut()
        .find(|s| s.id == "microservices")
        .expect("microservices");
    let payments = scenario
        .steps
        .iter_mut()
        .find(|s| s.id == "payments")
        .expect("payments step");
    payments.assertions = vec![baton_core::scenario::Assertion::ActChain(vec![
        "web-app".into(),
    ])];
    let scenario = scenario.clone();
    let events = Arc::new(Mutex::new(Vec::new()));
    let seen = events.clone();
    let record = engine()
        .run(&collection, &scenario, &options(&lab), &mut move |p| {
            let line = match p {
                Progress::StepStarted { step, .. } => format!("start {}", step.id),
                Progress::StepFinished { record, .. } => {
                    format!("finish {} {}", record.id, record.status.as_str())
                }
            };
            seen.lock().expect("lock").push(line);
        })
        .await
        .expect("resolves");
    assert!(!record.passed());
    let step = record
        .steps
        .iter()
        .find(|s| s.id == "payments")
        .expect("payments");
    assert_eq!(step.status, StepStatus::Failed);
    let failure = step
        .assertions
        .iter()
        .find(|a| !a.passed)
        .expect("a failure");
    assert_eq!(
        failure.message,
        "act chain: expected [web-app], got [order-service]"
    );
    let events = events.lock().expect("lock").clone();
    assert_eq!(events.first().map(String::as_str), Some("start login"));
    assert!(
        events.contains(&"finish payments failed".to_string()),
        "{events:?}"
    );
    assert_eq!(events.len(), 2 * scenario.steps.len());
}

#[tokio::test]
async fn the_hundred_calls_demo_saves_99_round_trips_with_the_cache() {
    let lab = lab().await;
    let collection = demo();
    let scenario = collection
        .scenario("payments-100")
        .expect("payments-100")
        .clone();
    let record = engine()
        .run(&collection, &scenario, &options(&lab), &mut |_| {})
        .await
        .expect("resolves");
    assert!(record.passed(), "{}", explain(&record));
    let stats = |id: &str| {
        record
            .steps
            .iter()
            .find(|s| s.id == id)
            .and_then(|s| s.repeat.clone())
            .expect("repeat stats")
    };
    let every_time = stats("every-time");
    assert_eq!(
        (
            every_time.times,
            every_time.round_trips,
            every_time.from_cache
        ),
        (100, 100, 0)
    );
    let cached = stats("cached");
    assert_eq!(
        (cached.times, cached.round_trips, cached.from_cache),
        (100, 1, 99)
    );
    assert_eq!(cached.latencies_ms.len(), 100);
}
