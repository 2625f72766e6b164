//! The Probe view's commands: the catalogue, a probe run against a server of a saved collection
//! (the app's own lab for `{{env.lab}}`), cancel, and the saved runs with their differences.

use std::sync::Arc;

use baton_core::probe::{
    self, ProbeChange, ProbeProgress, ProbeReport, ProbeSession, Selection, catalogue, diff_reports,
};
use baton_core::scenario::ProbeTarget;
use baton_store::ProbeRunSummary;

use crate::error::IpcError;
use crate::state::AppState;
use crate::views::{ProbeInfo, ProbeRunProgress, ProbeRunView};

/// Every probe Baton has, in the order a run takes them.
pub fn probe_catalogue() -> Vec<ProbeInfo> {
    catalogue().iter().map(ProbeInfo::from).collect()
}

/// Probes a server of a saved collection. `target` (the roles chosen in the Probe view) replaces
/// the collection's `[probe]`, or supplies one; `only` names groups or probe ids (all when
/// empty). Every probe is reported as it starts and finishes; cancelling stops before the next
/// probe and the report says so. The report is saved, cancelled or not.
pub async fn run_probes(
    state: &AppState,
    collection: &str,
    environment: Option<String>,
    target: Option<ProbeTarget>,
    only: Vec<String>,
    on_progress: &mut (dyn FnMut(ProbeRunProgress) + Send),
) -> Result<ProbeRunView, IpcError> {
    let mut loaded = state.store()?.load_collection(collection)?;
    if let Some(target) = target {
        loaded.probe = Some(target);
    }
    let probes = Selection { only }
        .probes()
        .map_err(IpcError::invalid_input)?;
    let Some(going) = state.begin_probe_run() else {
        return Err(IpcError::conflict(
            "a probe run is already going; cancel it or wait for it to finish",
        ));
    };
    let (http, clock, secrets) = state.probe_parts();
    let session = ProbeSession::prepare(
        http,
        clock,
        &loaded,
        environment.as_deref(),
        &state.overrides(),
        secrets,
    )
    .await?;
    let server = session.server.id.clone();
    let mut forward =
        |p: ProbeProgress<'_>| on_progress(ProbeRunProgress::of(&loaded.name, &server, p));
    let report = probe::run(Arc::new(session), &probes, &mut forward, &going.cancel).await;
    drop(going);
    let run_id = keep_probe_run(state, &loaded.name, &report);
    Ok(ProbeRunView { run_id, report })
}

/// Saves a finished probe run; one that cannot be kept is still shown, with no run number.
fn keep_probe_run(state: &AppState, collection: &str, report: &ProbeReport) -> Option<i64> {
    match state
        .store()
        .and_then(|s| Ok(s.save_probe_run(collection, report)?))
    {
        Ok(id) => Some(id),
        Err(e) => {
            eprintln!(
                "baton-app: the probe run of {:?} could not be saved: {e}",
                report.server
            );
            None
        }
    }
}

/// A collection's saved probe runs, newest first.
pub fn list_probe_runs(
    state: &AppState,
    collection: &str,
) -> Result<Vec<ProbeRunSummary>, IpcError> {
    Ok(state.store()?.probe_runs(collection)?)
}

pub fn load_probe_run(state: &AppState, id: i64) -> Result<ProbeRunView, IpcError> {
    let report = state.store()?.probe_run(id)?;
    Ok(ProbeRunView {
        run_id: Some(id),
        report,
    })
}

/// The probes whose outcome changed from the saved run `before` to `after`, regressions first
/// (`baton_core::probe::diff_reports`).
pub fn diff_probe_runs(
    state: &AppState,
    before: i64,
    after: i64,
) -> Result<Vec<ProbeChange>, IpcError> {
    let store = state.store()?;
    let (before, after) = (store.probe_run(before)?, store.probe_run(after)?);
    drop(store);
    Ok(diff_reports(&before, &after))
}
