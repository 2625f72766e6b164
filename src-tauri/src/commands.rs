//! The bodies of the IPC commands (docs/ipc.md), as plain functions over [`AppState`]: each is a
//! few calls into the crates. `shell.rs` adapts them to Tauri; tests call them directly.

use std::path::Path;

use baton_core::connection::{self, ConnectionReport};
use baton_core::discovery;
use baton_core::scenario::{Collection, resolve_server};
use baton_store::files::{read_collection, save_collection_file};
use baton_store::{CollectionSummary, RunId, RunSummary, Store, StoreError};

use crate::error::IpcError;
use crate::state::AppState;
use crate::views::{DiscoveryView, LabInfo, RunProgress, RunView, Workspace};

pub fn workspace(state: &AppState) -> Result<Workspace, IpcError> {
    Ok(Workspace {
        collections: state.store()?.list_collections()?,
        lab: LabInfo::of(state.lab()),
        data_dir: state.data_dir().display().to_string(),
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
    let (loaded, store_path) = {
        let store = state.store()?;
        (store.load_collection(collection)?, store.path().to_string())
    };
    let scenario = loaded
        .scenarios
        .iter()
        .find(|s| s.id == scenario_id)
        .ok_or_else(|| {
            IpcError::from(StoreError::ScenarioNotFound {
                path: store_path,
                collection: collection.to_string(),
                id: scenario_id.to_string(),
            })
        })?;
    let options = state.run_options(environment);
    let record = state
        .engine()
        .run(&loaded, scenario, &options, &mut |p| {
            on_progress(RunProgress::of(&loaded.name, p));
        })
        .await?;
    // The run happened whatever the store does now: it is shown even when it cannot be kept
    // (the collection was deleted meanwhile, the disk is full), with no run number.
    let run_id = match state
        .store()
        .and_then(|mut s| Ok(s.save_run(&loaded.name, &record)?))
    {
        Ok(id) => Some(id),
        Err(e) => {
            eprintln!("baton-app: the run of {scenario_id:?} could not be saved: {e}");
            None
        }
    };
    Ok(RunView::new(run_id, record))
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
/// is never overwritten (`conflict`): the user renames or deletes it first.
pub fn import_collection(state: &AppState, path: &Path) -> Result<CollectionSummary, IpcError> {
    let collection = read_collection(path)?;
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

/// Writes a saved collection to a file (no secrets are ever in it), replacing the file at once.
pub fn export_collection(state: &AppState, name: &str, path: &Path) -> Result<(), IpcError> {
    let collection = state.store()?.load_collection(name)?;
    Ok(save_collection_file(path, &collection)?)
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
