//! Comparing one exchange as delegation and as impersonation, run against the lab: the actor
//! shows in `act` only on the delegation side, a policy that forbids impersonation shows as a
//! refusal, and a step with no actor gets one fetched (or says why it could not). Then
//! re-checking assertions against recorded steps gives what the engine gave, and a step's
//! claims are listed by the paths assertions name them with.

mod common;

use baton_core::scenario::{
    Assertion, ClaimCheck, Collection, CompareVariants, RunRecord, Scenario, StepRecord,
    StepStatus, claim_paths, compare_tokens, recheck, variants,
};
use baton_sts::StsHandle;
use serde_json::json;

use common::{demo, engine, lab, lab_options};

fn scenario<'a>(collection: &'a Collection, id: &str) -> &'a Scenario {
    collection.scenario(id).expect("a demo scenario")
}

async fn run(collection: &Collection, scenario: &Scenario, lab: &StsHandle) -> RunRecord {
    engine()
        .run(collection, scenario, &lab_options(lab), &mut |_| {})
        .await
        .expect("references resolve")
}

fn step<'a>(record: &'a RunRecord, id: &str) -> &'a StepRecord {
    record
        .steps
        .iter()
        .find(|s| s.id == id)
        .unwrap_or_else(|| panic!("no step {id} in {:?}", record.steps))
}

/// Both variants run: (delegation, impersonation).
async fn run_both(
    collection: &Collection,
    v: &CompareVariants,
    lab: &StsHandle,
) -> (RunRecord, RunRecord) {
    (
        run(collection, &v.delegation, lab).await,
        run(collection, &v.impersonation, lab).await,
    )
}

#[tokio::test]
async fn the_assistant_acts_for_alice_only_on_the_delegation_side() {
    let lab = lab().await;
    let collection = demo();
    let v = variants(
        &collection,
        scenario(&collection, "ai-assistant"),
        "airline",
    )
    .expect("airline is an exchange");
    assert_eq!(
        v.impersonation_changes,
        [
            "actor_token and actor_token_type removed",
            "the step's assertions are left out: they describe one mode",
        ]
    );
    let (delegation, impersonation) = run_both(&collection, &v, &lab).await;

    let del = step(&delegation, "airline");
    let imp = step(&impersonation, "airline");
    assert_eq!(del.status, StepStatus::Passed, "{del:?}");
    assert_eq!(imp.status, StepStatus::Passed, "{imp:?}");
    let claims = |s: &StepRecord| {
        s.token
            .as_ref()
            .and_then(|t| t.decoded.jwt())
            .map(|j| j.claims.clone())
            .expect("a JWT issued")
    };
    assert_eq!(claims(del)["act"]["sub"], json!("travel-assistant"));
    assert_eq!(claims(imp).get("act"), None);
    assert_eq!(claims(del)["sub"], claims(imp)["sub"]);

    let diff = compare_tokens(imp, del).expect("both issued JWTs");
    assert!(diff.act_added);
    assert_eq!(diff.act.before, Vec::<String>::new());
    assert_eq!(diff.act.after, ["travel-assistant"]);
    assert!(diff.sub.preserved);
}

#[tokio::test]
async fn the_order_service_may_not_impersonate_so_that_side_is_refused() {
    let lab = lab().await;
    let collection = demo();
    let v = variants(
        &collection,
        scenario(&collection, "microservices"),
        "payments",
    )
    .expect("payments is an exchange");
    assert!(
        v.delegation_changes
            .contains(&"later steps are left out: shipping".to_string()),
        "{:?}",
        v.delegation_changes
    );
    let (delegation, impersonation) = run_both(&collection, &v, &lab).await;
    assert_eq!(delegation.steps.len(), 3, "shipping is left out");

    let del = step(&delegation, "payments");
    assert_eq!(del.status, StepStatus::Passed, "{del:?}");
    let imp = step(&impersonation, "payments");
    assert_eq!(imp.status, StepStatus::Failed, "{imp:?}");
    let response = imp.response.as_ref().expect("the lab answered");
    assert!(response.error().is_some(), "refused: {response:?}");
    assert!(imp.token.is_none());
    let implicit = &imp.assertions[0];
    assert!(!implicit.passed);
    assert!(
        implicit.message.contains("must succeed"),
        "{}",
        implicit.message
    );
    assert_eq!(imp.assertions.len(), 1, "only the implicit check");
    assert_eq!(compare_tokens(imp, del), None);
}

#[tokio::test]
async fn a_gateway_that_cannot_fetch_its_own_token_skips_the_delegation_side() {
    let lab = lab().await;
    let collection = demo();
    let v = variants(&collection, scenario(&collection, "api-gateway"), "backend")
        .expect("backend is an exchange");
    assert_eq!(
        v.delegation_changes[0],
        "actor_token added: api-gateway's own client_credentials token (new step compare-actor)"
    );
    let (delegation, impersonation) = run_both(&collection, &v, &lab).await;

    // The api-gateway client may only exchange tokens, so its client_credentials request is
    // refused, and the exchange that needs that token does not run.
    let actor = step(&delegation, "compare-actor");
    assert_eq!(actor.status, StepStatus::Failed, "{actor:?}");
    assert!(
        actor.response.as_ref().and_then(|r| r.error()).is_some(),
        "{actor:?}"
    );
    let del = step(&delegation, "backend");
    assert_eq!(del.status, StepStatus::Skipped, "{del:?}");
    let why = del.error.as_deref().unwrap_or_default();
    assert!(why.contains("compare-actor"), "{why}");

    let imp = step(&impersonation, "backend");
    assert_eq!(imp.status, StepStatus::Passed, "{imp:?}");
    assert!(!delegation.passed());
    assert!(impersonation.passed());
}

#[tokio::test]
async fn rechecking_a_recorded_run_gives_what_the_engine_gave() {
    let lab = lab().await;
    let collection = demo();
    let mut checked = 0;
    let mut runs = Vec::new();
    for s in &collection.scenarios {
        runs.push((s.clone(), run(&collection, s, &lab).await));
    }
    // Refusals, skipped steps and an implicit check that fails, from the comparisons.
    for (id, step_id) in [("microservices", "payments"), ("api-gateway", "backend")] {
        let v = variants(&collection, scenario(&collection, id), step_id).expect("an exchange");
        for s in [v.delegation, v.impersonation] {
            let record = run(&collection, &s, &lab).await;
            runs.push((s, record));
        }
    }
    let mut statuses = std::collections::BTreeSet::new();
    for (scenario, record) in &runs {
        for (saved, recorded) in scenario.steps.iter().zip(&record.steps) {
            assert_eq!(saved.id, recorded.id);
            assert_eq!(
                recheck(recorded, &saved.assertions),
                recorded.assertions,
                "{} / {}",
                scenario.id,
                saved.id
            );
            statuses.insert(recorded.status.as_str());
            checked += 1;
        }
    }
    assert!(checked > 20, "{checked}");
    assert_eq!(
        statuses.into_iter().collect::<Vec<_>>(),
        ["failed", "passed", "skipped"]
    );
}

#[tokio::test]
async fn rechecking_with_edited_assertions_judges_the_recorded_token() {
    let lab = lab().await;
    let collection = demo();
    let record = run(&collection, scenario(&collection, "ai-assistant"), &lab).await;
    let airline = step(&record, "airline");
    let claim = |path: &str, check| Assertion::Claim {
        path: path.into(),
        check,
    };
    let outcomes = recheck(
        airline,
        &[
            claim("act.sub", ClaimCheck::Equals(json!("travel-assistant"))),
            claim("act.sub", ClaimCheck::Equals(json!("someone-else"))),
        ],
    );
    let passed: Vec<bool> = outcomes.iter().map(|o| o.passed).collect();
    // The implicit "must succeed" first, since neither names a status or an error.
    assert_eq!(passed, [true, true, false]);
    assert!(
        outcomes[2].message.contains("travel-assistant"),
        "{}",
        outcomes[2].message
    );
    // An explicit status replaces the implicit one.
    let outcomes = recheck(airline, &[Assertion::Status(400)]);
    assert_eq!(outcomes.len(), 1);
    assert!(!outcomes[0].passed);

    // A skipped step gets no outcomes, whatever is asserted.
    let mut skipped = airline.clone();
    skipped.status = StepStatus::Skipped;
    assert_eq!(recheck(&skipped, &[Assertion::Status(200)]), []);
}

#[tokio::test]
async fn claim_paths_lists_every_claim_and_every_member_of_an_object() {
    let lab = lab().await;
    let collection = demo();
    let record = run(&collection, scenario(&collection, "agent-chain"), &lab).await;
    let last = record
        .steps
        .iter()
        .rev()
        .find(|s| s.token.is_some())
        .expect("a token");
    let paths = claim_paths(last);
    let names: Vec<&str> = paths.iter().map(|p| p.path.as_str()).collect();
    let mut sorted = names.clone();
    sorted.sort_unstable();
    assert_eq!(names, sorted, "sorted by path");
    for expected in ["act", "act.sub", "act.act", "act.act.sub", "sub", "aud"] {
        assert!(names.contains(&expected), "{expected} missing: {names:?}");
    }
    let value = |path: &str| &paths.iter().find(|p| p.path == path).expect(path).value;
    let claims = &last
        .token
        .as_ref()
        .and_then(|t| t.decoded.jwt())
        .expect("a JWT")
        .claims;
    assert_eq!(value("act"), &claims["act"]);
    assert_eq!(value("act.sub"), &claims["act"]["sub"]);
    if let Some(aud) = claims.get("aud").filter(|a| a.is_array()) {
        assert_eq!(value("aud"), aud);
        assert!(!names.iter().any(|n| n.starts_with("aud.")), "{names:?}");
    }

    // A refusal has no claims.
    let v = variants(
        &collection,
        scenario(&collection, "microservices"),
        "payments",
    )
    .expect("an exchange");
    let refused = run(&collection, &v.impersonation, &lab).await;
    assert_eq!(claim_paths(step(&refused, "payments")), []);
}
