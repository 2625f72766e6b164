//! The Probe view's commands as the window calls them: the app state on a temporary data folder,
//! probing its own lab (on a free loopback port) through `{{env.lab}}`.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeSet;
use std::path::Path;
use std::sync::Arc;

use baton_app::commands;
use baton_app::views::{ProbeRunProgress, RunPhase};
use baton_app::{AppState, IpcErrorCode};
use baton_core::probe::{ProbeGroup, ProbeOutcome, catalogue};
use baton_core::scenario::{Collection, FirstGrant, ProbeSubject, ProbeTarget, TokenStep};
use baton_store::files::parse_collection;
use baton_store::keyring::MemoryKeyring;
use tempfile::TempDir;
use tokio::sync::Notify;

/// The lab's probe roles (its default policy has them), the server being the app's own lab.
const PROBED: &str = include_str!("fixtures/probe-lab.baton.toml");
const PROBED_NAME: &str = "Probe the lab";

async fn start(dir: &Path) -> AppState {
    match AppState::start_with(dir, Arc::new(MemoryKeyring::default())).await {
        Ok(state) => state,
        Err(e) => panic!("the app state did not start: {e}"),
    }
}

/// The app state with the collection above saved, as an import would.
async fn start_probing(dir: &Path) -> AppState {
    let state = start(dir).await;
    let collection: Collection = parse_collection(PROBED, Path::new("probe.baton.toml")).unwrap();
    commands::save_collection(&state, &collection).unwrap();
    state
}

/// The roles as the Probe view sends them: the collection's `[probe]`, the issue's.
fn roles() -> ProbeTarget {
    ProbeTarget {
        server: "lab".into(),
        exchanger: "agent-a".into(),
        subject: ProbeSubject::Obtained(TokenStep {
            client: "alice-app".into(),
            grant: FirstGrant::ClientCredentials,
            username: None,
            password: None,
            refresh_token: None,
            assertion: None,
            requested_token_use: None,
            audience: vec![],
            resource: vec![],
            scope: Some("profile documents:read".into()),
            params: Default::default(),
            omit: Vec::new(),
        }),
        actor: Some("agent-a".into()),
        attacker: Some("agent-n".into()),
        audience: Some("documents-api".into()),
        resource: None,
        scope: Some("documents:read".into()),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_apps_own_lab_is_probed_in_every_group_and_the_run_is_saved() {
    let dir = TempDir::new().unwrap();
    let state = start_probing(dir.path()).await;
    let mut events: Vec<ProbeRunProgress> = Vec::new();
    // The collection's own `[probe]`, kept by the store. The environment names an unreachable
    // port: the app's own lab replaces `{{env.lab}}`.
    assert_eq!(
        commands::load_collection(&state, PROBED_NAME)
            .unwrap()
            .probe,
        Some(roles())
    );
    let view = commands::run_probes(
        &state,
        PROBED_NAME,
        Some("lab".into()),
        None,
        vec![],
        &mut |p| events.push(p),
    )
    .await
    .unwrap();
    let report = &view.report;

    let all = catalogue();
    assert_eq!(report.results.len(), all.len(), "every probe ran");
    assert!(!report.cancelled);
    assert_eq!(report.server, "lab");
    assert!(
        report
            .token_endpoint
            .starts_with(state.lab().base_url().trim_end_matches('/')),
        "the app's lab was probed: {}",
        report.token_endpoint
    );
    let expected: BTreeSet<ProbeGroup> = all.iter().map(|p| p.group).collect();
    let reported: BTreeSet<ProbeGroup> = report.groups.iter().map(|g| g.group).collect();
    assert_eq!(reported, expected, "a score for every group");
    assert!(["A", "B", "C", "D", "F"].contains(&report.grade.as_str()));
    // The baseline works against the lab: the roles were right and the lab answered.
    let baseline = report.result("baseline.plain-exchange").unwrap();
    assert_eq!(baseline.outcome, ProbeOutcome::Pass, "{}", baseline.reason);
    assert!(!baseline.exchanges.is_empty());
    let secrets: Vec<String> = state
        .lab()
        .policy()
        .credentials()
        .into_iter()
        .map(|(_, v)| v)
        .collect();
    for result in &report.results {
        for exchange in &result.exchanges {
            let sent = format!("{:?} {:?}", exchange.request.headers, exchange.request.body);
            for secret in &secrets {
                assert!(
                    !sent.contains(secret.as_str()),
                    "{} recorded a secret: {sent}",
                    result.id
                );
            }
        }
    }

    // Two events per probe, in order, the finished one with its outcome.
    assert_eq!(events.len(), 2 * all.len());
    assert_eq!(events[0].phase, RunPhase::Started);
    assert_eq!(events[0].index, 0);
    assert_eq!(events[0].total, all.len());
    assert_eq!(events[0].probe_id, all[0].id);
    assert_eq!(events[0].outcome, None);
    assert_eq!(events[1].phase, RunPhase::Finished);
    assert_eq!(events[1].outcome, Some(report.results[0].outcome));
    let last = events.last().unwrap();
    assert_eq!(last.index, all.len() - 1);
    assert_eq!(last.collection, PROBED_NAME);
    assert_eq!(last.server, "lab");

    // Saved, listed and read back whole.
    let id = view.run_id.expect("the run is saved");
    let runs = commands::list_probe_runs(&state, PROBED_NAME).unwrap();
    assert_eq!(runs.len(), 1);
    assert_eq!(runs[0].id, id);
    assert_eq!(runs[0].grade, report.grade);
    assert_eq!(runs[0].failed, report.overall.failed);
    let loaded = commands::load_probe_run(&state, id).unwrap();
    assert_eq!(loaded.run_id, Some(id));
    assert_eq!(&loaded.report, report);
    // A run compared with itself changed nothing.
    assert!(
        commands::diff_probe_runs(&state, id, id)
            .unwrap()
            .is_empty()
    );
}

/// Runs only the chain-splicing group.
async fn run_chain(state: &AppState) -> baton_app::views::ProbeRunView {
    commands::run_probes(
        state,
        PROBED_NAME,
        None,
        Some(roles()),
        vec!["chain".into()],
        &mut |_| {},
    )
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn only_the_groups_asked_for_run_and_a_switched_off_check_shows_as_a_regression() {
    let dir = TempDir::new().unwrap();
    let state = start_probing(dir.path()).await;
    let before = run_chain(&state).await;
    assert!(
        before
            .report
            .results
            .iter()
            .all(|r| r.group == ProbeGroup::Chain)
    );
    assert_eq!(
        before.report.results.len(),
        catalogue()
            .iter()
            .filter(|p| p.group == ProbeGroup::Chain)
            .count()
    );

    // The trainer switches the check off: the lab now lets the splice through.
    let policy = baton_sts::Policy::lab_default_toml().replacen(
        "# [checks]\n# actor_bound_to_client = true",
        "[checks]\nactor_bound_to_client = false",
        1,
    );
    assert_ne!(policy, baton_sts::Policy::lab_default_toml());
    let lab = commands::apply_lab_policy(&state, &policy).await.unwrap();
    assert_eq!(
        lab.vulnerable
            .iter()
            .map(|c| c.name.as_str())
            .collect::<Vec<_>>(),
        ["actor_bound_to_client"]
    );
    assert!(!lab.vulnerable[0].risk.is_empty());

    let after = run_chain(&state).await;
    let changes =
        commands::diff_probe_runs(&state, before.run_id.unwrap(), after.run_id.unwrap()).unwrap();
    assert!(
        changes
            .first()
            .is_some_and(baton_core::probe::ProbeChange::is_regression),
        "a regression comes first: {changes:#?}"
    );
    let runs = commands::list_probe_runs(&state, PROBED_NAME).unwrap();
    assert_eq!(
        runs.iter().map(|r| r.id).collect::<Vec<_>>(),
        [after.run_id.unwrap(), before.run_id.unwrap()],
        "newest first"
    );

    // Reset: nothing is vulnerable any more.
    assert!(
        commands::reset_lab_policy(&state)
            .await
            .unwrap()
            .vulnerable
            .is_empty()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_cancelled_run_stops_between_probes_is_saved_and_blocks_no_other() {
    let dir = TempDir::new().unwrap();
    let state = start_probing(dir.path()).await;
    let first_done = Notify::new();
    let mut seen = 0usize;
    let mut on_progress = |p: ProbeRunProgress| {
        if p.phase == RunPhase::Finished {
            seen += 1;
            first_done.notify_one();
        }
    };
    let run = commands::run_probes(
        &state,
        PROBED_NAME,
        None,
        Some(roles()),
        vec![],
        &mut on_progress,
    );
    let cancel = async {
        first_done.notified().await;
        // One probe run at a time: a second is refused while the first goes.
        let second = commands::run_probes(
            &state,
            PROBED_NAME,
            None,
            Some(roles()),
            vec![],
            &mut |_| {},
        )
        .await
        .unwrap_err();
        assert_eq!(second.code, IpcErrorCode::Conflict);
        assert!(state.cancel_probe_run());
    };
    let (view, ()) = tokio::join!(run, cancel);
    let view = view.unwrap();
    assert!(view.report.cancelled);
    assert!(view.report.results.len() < catalogue().len());
    assert_eq!(view.report.results.len(), seen);
    assert!(!state.cancel_probe_run(), "nothing is going any more");
    let runs = commands::list_probe_runs(&state, PROBED_NAME).unwrap();
    assert!(runs[0].cancelled);

    // The next run starts.
    let again = commands::run_probes(
        &state,
        PROBED_NAME,
        None,
        Some(roles()),
        vec!["baseline.plain-exchange".into()],
        &mut |_| {},
    )
    .await
    .unwrap();
    assert_eq!(again.report.results.len(), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn unusable_roles_are_invalid_input_and_nothing_is_saved() {
    let dir = TempDir::new().unwrap();
    let state = start_probing(dir.path()).await;

    // No [probe] in the collection and none chosen.
    let mut bare = commands::load_collection(&state, PROBED_NAME).unwrap();
    bare.name = "No probe".into();
    bare.probe = None;
    commands::save_collection(&state, &bare).unwrap();
    let none = commands::run_probes(&state, "No probe", None, None, vec![], &mut |_| {})
        .await
        .unwrap_err();
    assert_eq!(none.code, IpcErrorCode::InvalidInput);
    assert!(none.message.contains("[probe]"), "{}", none.message);

    // A role that is not a client of the collection.
    let mut wrong = roles();
    wrong.attacker = Some("mallory".into());
    let e = commands::run_probes(&state, PROBED_NAME, None, Some(wrong), vec![], &mut |_| {})
        .await
        .unwrap_err();
    assert_eq!(e.code, IpcErrorCode::InvalidInput);
    assert!(e.message.contains("attacker"), "{}", e.message);

    // A group that does not exist.
    let e = commands::run_probes(
        &state,
        PROBED_NAME,
        None,
        Some(roles()),
        vec!["nonsense".into()],
        &mut |_| {},
    )
    .await
    .unwrap_err();
    assert_eq!(e.code, IpcErrorCode::InvalidInput);

    // An unknown collection.
    let e = commands::run_probes(&state, "Nope", None, Some(roles()), vec![], &mut |_| {})
        .await
        .unwrap_err();
    assert_eq!(e.code, IpcErrorCode::NotFound);

    assert!(
        commands::list_probe_runs(&state, PROBED_NAME)
            .unwrap()
            .is_empty()
    );
    let missing = commands::load_probe_run(&state, 4711).unwrap_err();
    assert_eq!(missing.code, IpcErrorCode::NotFound);
}

#[test]
fn the_catalogue_lists_every_probe_once_with_its_group_title() {
    let list = commands::probe_catalogue();
    assert_eq!(list.len(), catalogue().len());
    let ids: BTreeSet<&str> = list.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(ids.len(), list.len());
    assert!(list.iter().all(|p| p.group_title == p.group.title()));
}
