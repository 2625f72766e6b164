//! The commands behind compare, the lab panel, the collection runner, run history, the
//! assertion editor, diagram export and secrets, as the window calls them: the app state on a
//! temporary data folder with its own lab on a free loopback port.
#![allow(clippy::unwrap_used)]

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use baton_app::commands;
use baton_app::file_grants::FilePurpose;
use baton_app::views::{CollectionProgress, LabOutcome, RunPhase, ScenarioStatus, SecretLocation};
use baton_app::{AppState, IpcErrorCode};
use baton_core::scenario::Collection;
use baton_core::scenario::{Assertion, ClaimCheck};
use baton_store::keyring::MemoryKeyring;
use tempfile::TempDir;

const DEMO: &str = "Baton demo";

async fn start_with(dir: &Path, keyring: MemoryKeyring) -> AppState {
    match AppState::start_with(dir, Arc::new(keyring)).await {
        Ok(state) => state,
        Err(e) => panic!("the app state did not start: {e}"),
    }
}

async fn start(dir: &Path) -> AppState {
    start_with(dir, MemoryKeyring::default()).await
}

fn act_sub(side: &baton_app::views::CompareSide) -> Option<String> {
    let step = side
        .run
        .record
        .steps
        .iter()
        .find(|s| s.id == side.step_id)?;
    let jwt = step.token.as_ref()?.decoded.jwt()?;
    jwt.claims
        .get("act")
        .and_then(|a| a.get("sub"))
        .and_then(|s| s.as_str())
        .map(str::to_string)
}

#[tokio::test(flavor = "multi_thread")]
async fn compare_shows_act_with_delegation_and_none_with_impersonation() {
    let dir = TempDir::new().unwrap();
    let state = start(dir.path()).await;
    let view = commands::compare_step(&state, DEMO, "ai-assistant", "airline", None)
        .await
        .unwrap();
    assert_eq!(
        act_sub(&view.delegation).as_deref(),
        Some("travel-assistant")
    );
    assert_eq!(act_sub(&view.impersonation), None);
    assert!(
        view.delegation.run.run_id.is_none(),
        "compare runs are not saved"
    );
    let differences = view.differences.expect("both sides issued a JWT");
    assert!(
        differences.act_added,
        "delegation adds an actor over impersonation"
    );
    assert!(
        view.impersonation
            .changes
            .iter()
            .any(|c| c.contains("actor_token")),
        "{:?}",
        view.impersonation.changes
    );
    // Nothing went into the history.
    assert!(
        commands::list_runs(&state, DEMO, "ai-assistant")
            .unwrap()
            .is_empty()
    );

    let not_exchange = commands::compare_step(&state, DEMO, "ai-assistant", "login", None)
        .await
        .unwrap_err();
    assert_eq!(not_exchange.code, IpcErrorCode::InvalidInput);
    assert!(
        not_exchange.message.contains("login"),
        "{}",
        not_exchange.message
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_policy_mistake_is_refused_at_its_line_and_the_lab_keeps_running() {
    let dir = TempDir::new().unwrap();
    let state = start(dir.path()).await;
    let before = commands::lab_status(&state);
    assert!(before.is_default);
    assert!(
        before
            .clients
            .iter()
            .any(|c| c.client_id == "order-service" && c.may_delegate)
    );

    let broken =
        before
            .policy_toml
            .replacen("max_chain_depth = 4", "max_chain_depth = \"four\"", 1);
    let line = broken
        .lines()
        .position(|l| l.starts_with("max_chain_depth"))
        .unwrap()
        + 1;
    let err = commands::apply_lab_policy(&state, &broken)
        .await
        .unwrap_err();
    assert_eq!(err.code, IpcErrorCode::InvalidInput);
    assert_eq!(err.line, Some(line), "{}", err.message);

    // The old lab still answers: the demo runs.
    let run = commands::run_scenario(&state, DEMO, "microservices", None, &mut |_| {})
        .await
        .unwrap();
    assert!(run.record.passed());
    assert!(commands::lab_status(&state).is_default);
}

#[tokio::test(flavor = "multi_thread")]
async fn taking_away_delegation_makes_the_exchange_refused_and_reset_restores_it() {
    // The order service may now only impersonate: its delegation with an actor token is refused.
    // (Taking away both rights is refused by the policy check, which says to drop the grant.)
    let dir = TempDir::new().unwrap();
    let state = start(dir.path()).await;
    let before = commands::lab_status(&state);
    let policy = before.policy_toml.replacen(
        "grants = [\"client_credentials\", \"token-exchange\"]\nmay_delegate = true\naudiences = [\"payments-api\", \"shipping-api\"]",
        "grants = [\"client_credentials\", \"token-exchange\"]\nmay_impersonate = true\naudiences = [\"payments-api\", \"shipping-api\"]",
        1,
    );
    assert_ne!(policy, before.policy_toml, "the edit found order-service");
    commands::run_scenario(&state, DEMO, "sso", None, &mut |_| {})
        .await
        .unwrap();
    let before_restart = commands::lab_requests(&state).len();
    assert!(before_restart > 0);
    let after = commands::apply_lab_policy(&state, &policy).await.unwrap();
    assert_eq!(
        commands::lab_requests(&state).len(),
        before_restart,
        "the restarted lab keeps the requests the old one answered"
    );
    assert!(!after.is_default);
    assert_eq!(
        after.base_url, before.base_url,
        "the lab restarts on the same port"
    );
    assert!(
        after
            .clients
            .iter()
            .any(|c| c.client_id == "order-service" && !c.may_delegate)
    );

    let run = commands::run_scenario(&state, DEMO, "microservices", None, &mut |_| {})
        .await
        .unwrap();
    let payments = run
        .record
        .steps
        .iter()
        .find(|s| s.id == "payments")
        .unwrap();
    let error = payments
        .response
        .as_ref()
        .and_then(|r| r.error())
        .map(|e| e.error.as_str().to_string());
    assert!(error.is_some(), "the exchange is refused: {payments:#?}");
    assert!(!run.record.passed());

    let requests = commands::lab_requests(&state);
    let refused = requests
        .iter()
        .find(|r| r.outcome == LabOutcome::Refused)
        .expect("the refusal is in the lab's recent requests");
    assert_eq!(refused.client_id.as_deref(), Some("order-service"));
    assert!(
        requests.windows(2).all(|w| w[0].time_ms >= w[1].time_ms),
        "newest first"
    );

    let reset = commands::reset_lab_policy(&state).await.unwrap();
    assert!(reset.is_default);
    let again = commands::run_scenario(&state, DEMO, "microservices", None, &mut |_| {})
        .await
        .unwrap();
    assert!(again.record.passed());
}

/// The demo with one assertion that cannot hold, in a second collection.
fn with_a_failing_assertion(state: &AppState) -> Collection {
    let mut collection = commands::load_collection(state, DEMO).unwrap();
    collection.name = "QA".into();
    let scenario = collection
        .scenarios
        .iter_mut()
        .find(|s| s.id == "ai-assistant")
        .unwrap();
    let step = scenario
        .steps
        .iter_mut()
        .find(|s| s.id == "airline")
        .unwrap();
    step.assertions.push(Assertion::Claim {
        path: "act.sub".into(),
        check: ClaimCheck::Equals(serde_json::json!("someone-else")),
    });
    commands::save_collection(state, &collection).unwrap();
    collection
}

#[tokio::test(flavor = "multi_thread")]
async fn a_collection_run_reports_each_scenario_and_saves_its_runs() {
    let dir = TempDir::new().unwrap();
    let state = start(dir.path()).await;
    with_a_failing_assertion(&state);
    let mut scenarios: Vec<CollectionProgress> = Vec::new();
    let mut steps = 0;
    let view = commands::run_collection(
        &state,
        "QA",
        None,
        None,
        &mut |p| scenarios.push(p),
        &mut |_| steps += 1,
    )
    .await
    .unwrap();
    assert!(!view.cancelled);
    assert_eq!(view.results.len(), 9);
    let failed: Vec<_> = view
        .results
        .iter()
        .filter(|r| r.status != ScenarioStatus::Passed)
        .collect();
    assert_eq!(failed.len(), 1, "{failed:#?}");
    assert_eq!(failed[0].scenario_id, "ai-assistant");
    assert_eq!(failed[0].status, ScenarioStatus::Failed);
    let run = failed[0].run.as_ref().unwrap();
    let outcome = run
        .record
        .steps
        .iter()
        .flat_map(|s| &s.assertions)
        .find(|a| !a.passed)
        .unwrap();
    assert!(
        outcome.message.contains("someone-else"),
        "{}",
        outcome.message
    );

    assert_eq!(scenarios.len(), 18, "started and finished per scenario");
    assert!(scenarios.iter().all(|p| p.total == 9));
    assert_eq!(scenarios[17].position, 8);
    assert_eq!(scenarios[17].phase, RunPhase::Finished);
    assert!(steps > 18, "step events too");
    for result in &view.results {
        let saved = commands::list_runs(&state, "QA", &result.scenario_id).unwrap();
        assert_eq!(saved.len(), 1, "{} saved", result.scenario_id);
        assert_eq!(Some(saved[0].id), result.run.as_ref().unwrap().run_id);
    }

    // A selection runs only what was picked, in collection order.
    let picked = commands::run_collection(
        &state,
        "QA",
        Some(vec!["sso".into(), "microservices".into()]),
        None,
        &mut |_| {},
        &mut |_| {},
    )
    .await
    .unwrap();
    let ids: Vec<_> = picked
        .results
        .iter()
        .map(|r| r.scenario_id.as_str())
        .collect();
    assert_eq!(ids, ["microservices", "sso"]);

    let unknown = commands::run_collection(
        &state,
        "QA",
        Some(vec!["nope".into()]),
        None,
        &mut |_| {},
        &mut |_| {},
    )
    .await
    .unwrap_err();
    assert_eq!(unknown.code, IpcErrorCode::NotFound);
}

#[tokio::test(flavor = "multi_thread")]
async fn cancelling_stops_the_collection_run_and_keeps_what_finished() {
    let dir = TempDir::new().unwrap();
    let state = Arc::new(start(dir.path()).await);
    assert!(!state.cancel_collection_run(), "nothing to cancel");
    let canceller = state.clone();
    // Cancel as soon as the second scenario starts.
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<usize>();
    let waiter = tokio::spawn(async move {
        while let Some(position) = rx.recv().await {
            if position == 1 {
                assert!(canceller.cancel_collection_run());
                return;
            }
        }
    });
    let view = commands::run_collection(
        &state,
        DEMO,
        None,
        None,
        &mut |p| {
            if p.phase == RunPhase::Started {
                let _ = tx.send(p.position);
            }
        },
        &mut |_| std::thread::sleep(Duration::from_millis(20)),
    )
    .await
    .unwrap();
    waiter.await.unwrap();
    assert!(view.cancelled);
    assert_eq!(view.results[0].status, ScenarioStatus::Passed);
    assert!(
        view.results[2..]
            .iter()
            .all(|r| r.status == ScenarioStatus::NotRun),
        "{:?}",
        view.results.iter().map(|r| r.status).collect::<Vec<_>>()
    );
    assert!(matches!(
        view.results[1].status,
        ScenarioStatus::Cancelled | ScenarioStatus::Passed
    ));
    // The next run may start.
    assert!(state.begin_collection_run().is_some());
    // And a run that is dropped half-way (its window went away) does not block the next.
    let mut started = false;
    let dropped = tokio::time::timeout(
        Duration::from_millis(5),
        commands::run_collection(
            &state,
            DEMO,
            None,
            None,
            &mut |_| started = true,
            &mut |_| {},
        ),
    )
    .await;
    assert!(
        dropped.is_err() && started,
        "the run was under way when it was dropped"
    );
    let going = state.begin_collection_run();
    assert!(going.is_some());
    assert!(state.begin_collection_run().is_none(), "one at a time");
}

#[tokio::test(flavor = "multi_thread")]
async fn two_runs_compare_and_assertions_preview_against_a_saved_run() {
    let dir = TempDir::new().unwrap();
    let state = start(dir.path()).await;
    let first = commands::run_scenario(&state, DEMO, "ai-assistant", None, &mut |_| {})
        .await
        .unwrap();
    with_a_failing_assertion(&state);
    let mut demo = commands::load_collection(&state, "QA").unwrap();
    demo.name = DEMO.into();
    commands::save_collection(&state, &demo).unwrap();
    let second = commands::run_scenario(&state, DEMO, "ai-assistant", None, &mut |_| {})
        .await
        .unwrap();
    let diff =
        commands::diff_runs(&state, first.run_id.unwrap().0, second.run_id.unwrap().0).unwrap();
    let lines = diff.lines().join("\n");
    assert!(
        lines.contains("someone-else") || lines.contains("act.sub"),
        "{lines}"
    );
    assert!(!diff.is_empty());

    let id = first.run_id.unwrap().0;
    let assertions = vec![
        Assertion::Claim {
            path: "act.sub".into(),
            check: ClaimCheck::Equals(serde_json::json!("travel-assistant")),
        },
        Assertion::Claim {
            path: "scope".into(),
            check: ClaimCheck::Equals(serde_json::json!("booking:cancel")),
        },
    ];
    let preview = commands::preview_assertions(&state, id, "airline", &assertions).unwrap();
    assert!(preview.claims.iter().any(|c| c.path == "act.sub"));
    let passed: Vec<bool> = preview.outcomes.iter().map(|o| o.passed).collect();
    // The implicit "must succeed" first, then the two asked for.
    assert_eq!(passed, [true, true, false], "{:#?}", preview.outcomes);
    assert!(preview.outcomes[2].message.contains("booking:create"));
    let missing = commands::preview_assertions(&state, id, "nope", &assertions).unwrap_err();
    assert_eq!(missing.code, IpcErrorCode::NotFound);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_run_exports_as_svg_and_png() {
    let dir = TempDir::new().unwrap();
    let state = start(dir.path()).await;
    let run = commands::run_scenario(&state, DEMO, "agent-chain", None, &mut |_| {})
        .await
        .unwrap();
    let id = run.run_id.unwrap().0;
    let svg = dir.path().join("chain.svg");
    commands::export_diagram(&state, id, &diagram_grant(&state, &svg)).unwrap();
    let text = std::fs::read_to_string(&svg).unwrap();
    assert!(
        text.starts_with("<svg") || text.starts_with("<?xml"),
        "{}",
        &text[..40]
    );
    assert!(text.contains("payment-agent"));
    let png = dir.path().join("chain.png");
    commands::export_diagram(&state, id, &diagram_grant(&state, &png)).unwrap();
    let bytes = std::fs::read(&png).unwrap();
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");
    let nowhere = dir.path().join("missing-folder").join("x.svg");
    let err = commands::export_diagram(&state, id, &diagram_grant(&state, &nowhere)).unwrap_err();
    assert!(err.message.contains("missing-folder"), "{}", err.message);
}

#[tokio::test(flavor = "multi_thread")]
async fn secrets_go_to_the_keyring_when_there_is_one_and_are_used_by_runs() {
    let dir = TempDir::new().unwrap();
    let state = start(dir.path()).await;
    let view = commands::set_secret(&state, "alice.password", "alice-password").unwrap();
    assert!(view.keyring.available);
    assert_eq!(view.secrets.len(), 1);
    assert_eq!(view.secrets[0].stored_in, SecretLocation::Keyring);
    assert!(dir.path().join("keyring-secrets.json").is_file());
    let store_text = std::fs::read(dir.path().join("baton.sqlite")).unwrap();
    assert!(
        !String::from_utf8_lossy(&store_text).contains("alice-password"),
        "the value is not in the store"
    );
    // A wrong value in the keyring wins over the lab's demo credential: the run is refused.
    commands::set_secret(&state, "alice.password", "wrong").unwrap();
    let run = commands::run_scenario(&state, DEMO, "ai-assistant", None, &mut |_| {})
        .await
        .unwrap();
    assert!(!run.record.passed());
    let view = commands::delete_secret(&state, "alice.password").unwrap();
    assert!(view.secrets.is_empty());
    let bad = commands::set_secret(&state, "has space", "x").unwrap_err();
    assert_eq!(bad.code, IpcErrorCode::InvalidInput);
}

#[tokio::test(flavor = "multi_thread")]
async fn without_a_keyring_secrets_go_to_the_store_and_say_so() {
    let dir = TempDir::new().unwrap();
    let state = start_with(
        dir.path(),
        MemoryKeyring::without_keyring("no Secret Service on the session bus"),
    )
    .await;
    let view = commands::set_secret(&state, "api-key", "k-123").unwrap();
    assert!(!view.keyring.available);
    assert!(view.keyring.problem.unwrap().contains("Secret Service"));
    assert_eq!(view.secrets[0].stored_in, SecretLocation::Store);
    // Never in an exported file.
    let out = dir.path().join("demo.baton.toml");
    let chosen = state
        .files()
        .grant(out.clone(), FilePurpose::ExportCollection);
    commands::export_collection(&state, DEMO, &chosen.grant).unwrap();
    assert!(!std::fs::read_to_string(&out).unwrap().contains("k-123"));
    let gone = commands::delete_secret(&state, "nope").unwrap_err();
    assert_eq!(gone.code, IpcErrorCode::NotFound);
}

/// The user picks `path` in the diagram's save dialog.
fn diagram_grant(state: &AppState, path: &std::path::Path) -> String {
    state
        .files()
        .grant(path.to_path_buf(), FilePurpose::ExportDiagram)
        .grant
}
