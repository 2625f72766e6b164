//! The bodies of the IPC commands (docs/ipc.md), as plain functions over [`AppState`]: each is a
//! few calls into the crates. `shell.rs` adapts them to Tauri; tests call them directly.

use baton_core::Secret;
use baton_core::connection::{self, ConnectionReport};
use baton_core::discovery;
use baton_core::report::{self, RunDiff};
use baton_core::scenario::{
    Assertion, AssertionOutcome, ClaimPath, Collection, Graph, Progress, Scenario, claim_paths,
    compare_tokens, recheck, resolve_server, variants,
};
use baton_store::files::{read_collection, save_collection_file, write_atomically};
use baton_store::{CollectionSummary, RunId, RunSummary, Store, StoreError};
use baton_sts::Policy;
use serde::Serialize;
use ts_rs::TS;

use crate::error::{IpcError, IpcErrorCode};
use crate::file_grants::{FilePurpose, diagram_target};
use crate::state::AppState;
use crate::views::{
    CollectionProgress, CollectionRunView, CompareMode, CompareSide, CompareView, DiagramFormat,
    DiscoveryView, LabFaultsView, LabInfo, LabRequestView, LabView, RunPhase, RunProgress, RunView,
    ScenarioResult, ScenarioStatus, SecretEntry, SecretLocation, SecretsView, Workspace,
};
use baton_store::keyring::check_name;

mod presets;
mod probes;

pub use presets::{FilledPreset, PresetInfo, fill_preset, list_presets};
pub use probes::{diff_probe_runs, list_probe_runs, load_probe_run, probe_catalogue, run_probes};

pub fn workspace(state: &AppState) -> Result<Workspace, IpcError> {
    Ok(Workspace {
        collections: state.store()?.list_collections()?,
        lab: LabInfo::of(&state.lab()),
        data_dir: state.data_dir().display().to_string(),
        opens: state.seeded().map(str::to_string),
    })
}

pub fn load_collection(state: &AppState, name: &str) -> Result<Collection, IpcError> {
    Ok(state.store()?.load_collection(name)?)
}

/// Inserts or replaces the collection by name, in one transaction.
pub fn save_collection(
    state: &AppState,
    collection: &Collection,
) -> Result<CollectionSummary, IpcError> {
    let mut store = state.store()?;
    store.save_collection(collection)?;
    summary(&store, &collection.name)
}

pub fn rename_collection(
    state: &AppState,
    from: &str,
    to: &str,
) -> Result<CollectionSummary, IpcError> {
    let mut store = state.store()?;
    store.rename_collection(from, to)?;
    summary(&store, to)
}

pub fn duplicate_collection(
    state: &AppState,
    from: &str,
    to: &str,
) -> Result<CollectionSummary, IpcError> {
    let mut store = state.store()?;
    store.duplicate_collection(from, to)?;
    summary(&store, to)
}

/// Deletes the collection and returns it, so the UI can offer Undo (`save_collection` of it).
/// Its run history goes with it.
pub fn delete_collection(state: &AppState, name: &str) -> Result<Collection, IpcError> {
    let mut store = state.store()?;
    let collection = store.load_collection(name)?;
    store.delete_collection(name)?;
    Ok(collection)
}

/// Runs a scenario of a saved collection against its servers (`{{env.lab}}` is the app's lab),
/// reporting each step as it starts and finishes, and saves the run. A reference that does not
/// resolve stops it before anything is sent.
pub async fn run_scenario(
    state: &AppState,
    collection: &str,
    scenario_id: &str,
    environment: Option<String>,
    on_progress: &mut (dyn FnMut(RunProgress) + Send),
) -> Result<RunView, IpcError> {
    let (loaded, store_path) = load(state, collection)?;
    let scenario = find_scenario(&loaded, scenario_id, &store_path)?;
    let options = state.run_options(environment);
    let record = state
        .engine()
        .run(&loaded, scenario, &options, &mut |p| {
            state.sign_in().follow(&loaded, &p);
            on_progress(RunProgress::of(&loaded.name, p));
        })
        .await;
    // However the run ended, no sign-in of it waits any more.
    state.sign_in().run_ended();
    let record = record?;
    // The run happened whatever the store does now: it is shown even when it cannot be kept
    // (the collection was deleted meanwhile, the disk is full), with no run number.
    let run_id = keep_run(state, &loaded.name, &record);
    Ok(RunView::new(run_id, record))
}

fn find_scenario<'a>(
    collection: &'a Collection,
    scenario_id: &str,
    store_path: &str,
) -> Result<&'a Scenario, IpcError> {
    collection
        .scenarios
        .iter()
        .find(|s| s.id == scenario_id)
        .ok_or_else(|| {
            IpcError::from(StoreError::ScenarioNotFound {
                path: store_path.to_string(),
                collection: collection.name.clone(),
                id: scenario_id.to_string(),
            })
        })
}

/// A collection and its store's path (for messages).
fn load(state: &AppState, collection: &str) -> Result<(Collection, String), IpcError> {
    let store = state.store()?;
    Ok((store.load_collection(collection)?, store.path().to_string()))
}

/// Saves a finished run; a run that cannot be kept is still shown, with no run number.
fn keep_run(
    state: &AppState,
    collection: &str,
    record: &baton_core::scenario::RunRecord,
) -> Option<RunId> {
    match state
        .store()
        .and_then(|mut s| Ok(s.save_run(collection, record)?))
    {
        Ok(id) => Some(id),
        Err(e) => {
            eprintln!(
                "baton-app: the run of {:?} could not be saved: {e}",
                record.scenario_id
            );
            None
        }
    }
}

/// Runs an exchange step of a saved scenario twice, as delegation (with an actor token) and as
/// impersonation (without), each time with the steps before it; neither run is saved.
pub async fn compare_step(
    state: &AppState,
    collection: &str,
    scenario_id: &str,
    step_id: &str,
    environment: Option<String>,
) -> Result<CompareView, IpcError> {
    let (loaded, store_path) = load(state, collection)?;
    let scenario = find_scenario(&loaded, scenario_id, &store_path)?;
    let v =
        variants(&loaded, scenario, step_id).map_err(|e| IpcError::invalid_input(e.to_string()))?;
    let options = state.run_options(environment);
    let engine = state.engine();
    let (mut quiet_a, mut quiet_b) = (|_: Progress<'_>| {}, |_: Progress<'_>| {});
    let (delegation, impersonation) = tokio::join!(
        engine.run(&loaded, &v.delegation, &options, &mut quiet_a),
        engine.run(&loaded, &v.impersonation, &options, &mut quiet_b),
    );
    state.sign_in().run_ended();
    let (delegation, impersonation) = (delegation?, impersonation?);
    let step =
        |r: &baton_core::scenario::RunRecord| r.steps.iter().find(|s| s.id == v.step_id).cloned();
    let differences = match (step(&impersonation), step(&delegation)) {
        (Some(i), Some(d)) => compare_tokens(&i, &d),
        _ => None,
    };
    Ok(CompareView {
        collection: loaded.name.clone(),
        scenario_id: scenario.id.clone(),
        step_id: v.step_id.clone(),
        delegation: CompareSide {
            mode: CompareMode::Delegation,
            run: RunView::new(None, delegation),
            step_id: v.step_id.clone(),
            changes: v.delegation_changes.clone(),
        },
        impersonation: CompareSide {
            mode: CompareMode::Impersonation,
            run: RunView::new(None, impersonation),
            step_id: v.step_id.clone(),
            changes: v.impersonation_changes.clone(),
        },
        differences,
    })
}

pub fn lab_status(state: &AppState) -> LabView {
    let policy = state.lab_policy();
    LabView::of(
        &state.lab(),
        &policy.toml,
        policy.is_default,
        policy.restarted_at,
    )
}

/// Forgets the tokens the engine cached for steps with `cache` on (they persist across runs
/// within a session); says how many were forgotten.
pub fn clear_token_cache(state: &AppState) -> usize {
    let engine = state.engine();
    let count = engine.token_cache_len();
    engine.clear_token_cache();
    count
}

/// The requests the lab answered, newest first.
pub fn lab_requests(state: &AppState) -> Vec<LabRequestView> {
    state
        .lab()
        .recent_requests()
        .iter()
        .rev()
        .map(LabRequestView::from)
        .collect()
}

/// Restarts the lab, on its port, with the policy `toml`. A mistake is refused at its line and
/// the lab keeps its old policy.
pub async fn apply_lab_policy(state: &AppState, toml: &str) -> Result<LabView, IpcError> {
    let policy = Policy::from_toml_str(toml, "lab policy")?;
    let is_default = toml == Policy::lab_default_toml();
    state
        .restart_lab(policy, toml.to_string(), is_default)
        .await?;
    Ok(lab_status(state))
}

/// Puts `faults` in force on the running lab (all off: cleared). Out-of-bounds values are
/// refused and change nothing.
pub async fn set_lab_faults(state: &AppState, faults: LabFaultsView) -> Result<LabView, IpcError> {
    state.lab().set_faults(faults.into()).await?;
    Ok(lab_status(state))
}

pub async fn reset_lab_policy(state: &AppState) -> Result<LabView, IpcError> {
    apply_lab_policy(state, Policy::lab_default_toml()).await
}

/// Runs the scenarios of a saved collection (all, or those named, in collection order), one
/// after the other, saving each run. Cancelling stops the scenario that is running (its run is
/// not saved) and the ones after it.
pub async fn run_collection(
    state: &AppState,
    collection: &str,
    scenario_ids: Option<Vec<String>>,
    environment: Option<String>,
    on_scenario: &mut (dyn FnMut(CollectionProgress) + Send),
    on_step: &mut (dyn FnMut(RunProgress) + Send),
) -> Result<CollectionRunView, IpcError> {
    let (loaded, store_path) = load(state, collection)?;
    let chosen: Vec<&Scenario> = match &scenario_ids {
        None => loaded.scenarios.iter().collect(),
        Some(ids) => {
            for id in ids {
                find_scenario(&loaded, id, &store_path)?;
            }
            loaded
                .scenarios
                .iter()
                .filter(|s| ids.contains(&s.id))
                .collect()
        }
    };
    let Some(mut going) = state.begin_collection_run() else {
        return Err(IpcError::conflict(
            "a collection run is already going; cancel it or wait for it to finish",
        ));
    };
    let total = chosen.len();
    let options = state.run_options(environment.clone());
    let mut results = Vec::with_capacity(total);
    let mut cancelled = false;
    for (position, scenario) in chosen.into_iter().enumerate() {
        let progress = |phase, status, run_id| CollectionProgress {
            collection: loaded.name.clone(),
            scenario_id: scenario.id.clone(),
            position,
            total,
            phase,
            status,
            run_id,
        };
        let result = |status, run, error| ScenarioResult {
            scenario_id: scenario.id.clone(),
            scenario_name: scenario.name.clone(),
            status,
            run,
            error,
        };
        if cancelled || *going.cancel.borrow() {
            cancelled = true;
            results.push(result(ScenarioStatus::NotRun, None, None));
            continue;
        }
        on_scenario(progress(RunPhase::Started, None, None));
        let mut forward = |p: Progress<'_>| {
            state.sign_in().follow(&loaded, &p);
            on_step(RunProgress::of(&loaded.name, p));
        };
        let run = state
            .engine()
            .run(&loaded, scenario, &options, &mut forward);
        let outcome = tokio::select! {
            record = run => Some(record),
            _ = going.cancel.wait_for(|c| *c) => None,
        };
        state.sign_in().run_ended();
        let (status, run, error) = match outcome {
            None => {
                cancelled = true;
                (ScenarioStatus::Cancelled, None, None)
            }
            Some(Err(e)) => (ScenarioStatus::Error, None, Some(IpcError::from(e).message)),
            Some(Ok(record)) => {
                let status = if record.passed() {
                    ScenarioStatus::Passed
                } else {
                    ScenarioStatus::Failed
                };
                let run_id = keep_run(state, &loaded.name, &record);
                (status, Some(RunView::new(run_id, record)), None)
            }
        };
        on_scenario(progress(
            RunPhase::Finished,
            Some(status),
            run.as_ref().and_then(|r| r.run_id),
        ));
        results.push(result(status, run, error));
    }
    drop(going);
    Ok(CollectionRunView {
        collection: loaded.name.clone(),
        environment,
        cancelled,
        results,
    })
}

/// What changed from one saved run to another: claims, findings, statuses, assertion outcomes.
pub fn diff_runs(state: &AppState, before: i64, after: i64) -> Result<RunDiff, IpcError> {
    let store = state.store()?;
    let before = store.load_run(RunId(before))?;
    let after = store.load_run(RunId(after))?;
    Ok(report::diff(&[before], &[after]))
}

/// What the assertion editor shows: the claims of a step of a saved run, and how `assertions`
/// fare against that step, checked as a run checks them.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct AssertionPreview {
    pub claims: Vec<ClaimPath>,
    pub outcomes: Vec<AssertionOutcome>,
}

pub fn preview_assertions(
    state: &AppState,
    run_id: i64,
    step_id: &str,
    assertions: &[Assertion],
) -> Result<AssertionPreview, IpcError> {
    let record = state.store()?.load_run(RunId(run_id))?;
    let step = record
        .steps
        .iter()
        .find(|s| s.id == step_id)
        .ok_or_else(|| {
            IpcError::not_found(format!(
                "run #{run_id} of {:?} has no step {step_id:?} (the step was added after that run; run the scenario again)",
                record.scenario_id
            ))
        })?;
    Ok(AssertionPreview {
        claims: claim_paths(step),
        outcomes: recheck(step, assertions),
    })
}

/// Writes a saved run's graph as SVG or PNG (by the chosen file's extension) into the file the
/// user chose for it (`grant`): the renderer of `baton graph`.
pub fn export_diagram(state: &AppState, run_id: i64, grant: &str) -> Result<(), IpcError> {
    let record = state.store()?.load_run(RunId(run_id))?;
    let path = state.files().take(grant, FilePurpose::ExportDiagram)?;
    let (path, format) = diagram_target(&path);
    let graph = Graph::of_run(&record);
    let bytes = match format {
        DiagramFormat::Svg => report::svg(&graph).into_bytes(),
        DiagramFormat::Png => report::png(&graph).map_err(|e| {
            IpcError::internal("the diagram could not be drawn as PNG").with_detail(e.to_string())
        })?,
    };
    Ok(write_atomically(&path, &bytes)?)
}

pub fn list_secrets(state: &AppState) -> Result<SecretsView, IpcError> {
    let mut secrets: Vec<SecretEntry> = state
        .keyring_index()
        .list()
        .into_iter()
        .map(|name| SecretEntry {
            name,
            stored_in: SecretLocation::Keyring,
        })
        .collect();
    for name in state.store()?.secret_names()? {
        if !secrets.iter().any(|s| s.name == name) {
            secrets.push(SecretEntry {
                name,
                stored_in: SecretLocation::Store,
            });
        }
    }
    secrets.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(SecretsView {
        keyring: state.keyring().status(),
        secrets,
    })
}

/// Keeps a secret in the OS keyring when there is one, else in the store; either way in one
/// place only.
pub fn set_secret(state: &AppState, name: &str, value: &str) -> Result<SecretsView, IpcError> {
    check_name(name).map_err(IpcError::invalid_input)?;
    if value.is_empty() {
        return Err(IpcError::invalid_input(format!(
            "secret {name:?} has no value"
        )));
    }
    let secret = Secret::new(value);
    if state.keyring().status().available {
        state.keyring().set(name, &secret).map_err(|e| {
            IpcError::new(
                IpcErrorCode::Internal,
                format!("secret {name:?} could not be saved in the OS keyring"),
            )
            .with_detail(e)
        })?;
        state.keyring_index().update(name, true)?;
        let mut store = state.store()?;
        if store.secret(name)?.is_some() {
            store.delete_secret(name)?;
        }
    } else {
        state.store()?.set_secret(name, &secret)?;
    }
    list_secrets(state)
}

pub fn delete_secret(state: &AppState, name: &str) -> Result<SecretsView, IpcError> {
    let in_keyring = state.keyring_index().contains(name);
    if in_keyring {
        state.keyring().delete(name).map_err(|e| {
            IpcError::internal(format!(
                "secret {name:?} could not be deleted from the OS keyring"
            ))
            .with_detail(e)
        })?;
        state.keyring_index().update(name, false)?;
    }
    let mut store = state.store()?;
    if store.secret(name)?.is_some() {
        store.delete_secret(name)?;
    } else if !in_keyring {
        return Err(IpcError::not_found(format!(
            "there is no secret named {name:?}"
        )));
    }
    drop(store);
    list_secrets(state)
}

/// A scenario's saved runs, newest first.
pub fn list_runs(
    state: &AppState,
    collection: &str,
    scenario_id: &str,
) -> Result<Vec<RunSummary>, IpcError> {
    Ok(state.store()?.list_runs(collection, scenario_id)?)
}

pub fn load_run(state: &AppState, id: i64) -> Result<RunView, IpcError> {
    let record = state.store()?.load_run(RunId(id))?;
    Ok(RunView::new(Some(RunId(id)), record))
}

/// RFC 8414 metadata, then OpenID Connect discovery, at `issuer`.
pub async fn discover(state: &AppState, issuer: &str) -> Result<DiscoveryView, IpcError> {
    Ok(discovery::discover(state.http(), issuer).await?.into())
}

/// Checks a server of a saved collection (`{{env.lab}}` is the app's lab): its token endpoint,
/// keys and metadata. An unreachable server is a failed check, not an error.
pub async fn test_connection(
    state: &AppState,
    collection: &str,
    server_id: &str,
    environment: Option<&str>,
) -> Result<ConnectionReport, IpcError> {
    let loaded = state.store()?.load_collection(collection)?;
    let server = resolve_server(&loaded, server_id, environment, &state.overrides())?;
    Ok(connection::test_connection(state.http(), &server).await)
}

/// Reads a collection file and saves it as a new collection. A broken file changes nothing
/// (`invalid_input`, the message starting with `path:line:col`); a collection of the same name
/// is never overwritten (`conflict`): the user renames or deletes it first. `grant` is the file
/// the user chose in the import dialog.
pub fn import_collection(state: &AppState, grant: &str) -> Result<CollectionSummary, IpcError> {
    let path = state.files().take(grant, FilePurpose::ImportCollection)?;
    let collection = read_collection(&path)?;
    let mut store = state.store()?;
    if store
        .list_collections()?
        .iter()
        .any(|c| c.name == collection.name)
    {
        return Err(IpcError::conflict(format!(
            "there is already a collection named {:?}; rename or delete it, then import {} again",
            collection.name,
            path.display()
        )));
    }
    store.save_collection(&collection)?;
    summary(&store, &collection.name)
}

/// Writes a saved collection (no secrets are ever in it) to the file the user chose in the export
/// dialog (`grant`), replacing the file at once.
pub fn export_collection(state: &AppState, name: &str, grant: &str) -> Result<(), IpcError> {
    let collection = state.store()?.load_collection(name)?;
    let path = state.files().take(grant, FilePurpose::ExportCollection)?;
    Ok(save_collection_file(&path, &collection)?)
}

/// The listing of one collection, as just written.
fn summary(store: &Store, name: &str) -> Result<CollectionSummary, IpcError> {
    store
        .list_collections()?
        .into_iter()
        .find(|c| c.name == name)
        .ok_or_else(|| {
            IpcError::internal(format!("collection {name:?} was saved but is not listed"))
        })
}
