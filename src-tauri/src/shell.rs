//! The Tauri side: start the app state on launch, and one `#[tauri::command]` per command of
//! docs/ipc.md, each handing its arguments to [`crate::commands`]. Every command is `async` so it
//! runs off the window's thread.

use std::collections::BTreeMap;
use std::path::Path;

use baton_core::connection::ConnectionReport;
use baton_core::probe::ProbeChange;
use baton_core::report::RunDiff;
use baton_core::scenario::{Assertion, Collection, ProbeTarget};
use baton_store::{CollectionSummary, ProbeRunSummary, RunSummary};
use tauri::{AppHandle, Emitter, Manager, State, WebviewWindowBuilder};
use tauri_plugin_dialog::DialogExt;

use crate::commands::{self, AssertionPreview, FilledPreset, PresetInfo};
use crate::data_dir::{self, DATA_DIR_VAR};
use crate::error::{IpcError, IpcErrorCode};
use crate::file_grants::{DialogSpec, FileChoice, FilePurpose};
use crate::signin::{SIGN_IN_FINISHED, SIGN_IN_WAITING, SignInEvent};
use crate::state::AppState;
use crate::views::{
    CollectionRunView, CompareView, DiscoveryView, LabFaultsView, LabRequestView, LabView,
    ProbeInfo, ProbeRunView, RunView, SecretsView, Workspace,
};

/// The window of tauri.conf.json (created here, not by Tauri: see [`open_window`]).
const MAIN_WINDOW: &str = "main";

/// The event a run sends as each step starts and finishes (payload: `RunProgress`).
pub const RUN_PROGRESS: &str = "run-progress";

/// The event a collection run sends as each scenario starts and finishes (payload:
/// `CollectionProgress`).
pub const COLLECTION_PROGRESS: &str = "collection-progress";

/// The event a probe run sends as each probe starts and finishes (payload: `ProbeRunProgress`).
pub const PROBE_PROGRESS: &str = "probe-progress";

/// The app state, or why it could not start: then every command answers with that error, so the
/// window can show it (the UI asks `workspace` first).
pub struct Launch(Result<AppState, IpcError>);

impl Launch {
    fn state(&self) -> Result<&AppState, IpcError> {
        self.0.as_ref().map_err(Clone::clone)
    }
}

/// Runs the app until its window closes.
pub fn run() {
    let result = tauri::Builder::default()
        .plugin(tauri_plugin_dialog::init())
        .plugin(tauri_plugin_window_state::Builder::default().build())
        .setup(|app| {
            let launch = launch(app.handle());
            if let Ok(state) = &launch.0 {
                let handle = app.handle().clone();
                state
                    .sign_in()
                    .notify_with(move |event| emit_sign_in(&handle, event));
            }
            let webview_data = launch.0.as_ref().ok().map(|s| s.data_dir().join("webview"));
            app.manage(launch);
            open_window(app.handle(), webview_data.as_deref())?;
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            workspace,
            load_collection,
            save_collection,
            rename_collection,
            duplicate_collection,
            delete_collection,
            run_scenario,
            list_runs,
            load_run,
            discover,
            test_connection,
            choose_file,
            import_collection,
            export_collection,
            compare_step,
            lab_status,
            lab_requests,
            clear_token_cache,
            apply_lab_policy,
            reset_lab_policy,
            set_lab_faults,
            run_collection,
            cancel_collection_run,
            diff_runs,
            preview_assertions,
            export_diagram,
            list_secrets,
            set_secret,
            delete_secret,
            probe_catalogue,
            run_probes,
            cancel_probe_run,
            list_probe_runs,
            load_probe_run,
            diff_probe_runs,
            cancel_sign_in,
            open_sign_in_again,
            list_presets,
            fill_preset,
        ])
        .run(tauri::generate_context!());
    if let Err(e) = result {
        eprintln!("baton-app: the window could not start: {e}");
        std::process::exit(1);
    }
}

/// Tells the window about a sign-in (`sign-in-waiting`, `sign-in-finished`).
fn emit_sign_in(app: &AppHandle, event: SignInEvent) {
    let sent = match event {
        SignInEvent::Waiting(w) => app.emit(SIGN_IN_WAITING, w).map(|()| SIGN_IN_WAITING),
        SignInEvent::Finished(f) => app.emit(SIGN_IN_FINISHED, f).map(|()| SIGN_IN_FINISHED),
    };
    if let Err(e) = sent {
        eprintln!("baton-app: a sign-in event was not sent: {e}");
    }
}

fn launch(app: &AppHandle) -> Launch {
    let dir = data_dir::choose(std::env::var_os(DATA_DIR_VAR), || {
        app.path().app_data_dir().map_err(|e| e.to_string())
    });
    let state = match dir {
        Ok(dir) => {
            eprintln!("baton-app: data folder {}", dir.display());
            tauri::async_runtime::block_on(AppState::start(&dir))
        }
        Err(message) => Err(IpcError::new(IpcErrorCode::Store, message)),
    };
    match &state {
        Ok(state) => eprintln!("baton-app: lab token service at {}", state.lab().base_url()),
        Err(e) => eprintln!("baton-app: could not start: {e}"),
    }
    Launch(state)
}

/// Opens the main window. Its web storage is kept in the data folder beside the store, so a
/// development build or a test (`BATON_DATA_DIR`) never shares it with the user's app; when the
/// app could not start, WebKit's default place is used.
fn open_window(
    app: &AppHandle,
    webview_data: Option<&Path>,
) -> Result<(), Box<dyn std::error::Error>> {
    let config = app
        .config()
        .app
        .windows
        .iter()
        .find(|w| w.label == MAIN_WINDOW)
        .ok_or(format!(
            "tauri.conf.json has no window labelled {MAIN_WINDOW:?}"
        ))?;
    let mut window = WebviewWindowBuilder::from_config(app, config)?;
    if let Some(dir) = webview_data {
        window = window.data_directory(dir.to_path_buf());
    }
    window.build()?;
    Ok(())
}

#[tauri::command]
async fn workspace(launch: State<'_, Launch>) -> Result<Workspace, IpcError> {
    commands::workspace(launch.state()?)
}

#[tauri::command]
async fn load_collection(launch: State<'_, Launch>, name: String) -> Result<Collection, IpcError> {
    commands::load_collection(launch.state()?, &name)
}

#[tauri::command]
async fn save_collection(
    launch: State<'_, Launch>,
    collection: Collection,
) -> Result<CollectionSummary, IpcError> {
    commands::save_collection(launch.state()?, &collection)
}

#[tauri::command]
async fn rename_collection(
    launch: State<'_, Launch>,
    from: String,
    to: String,
) -> Result<CollectionSummary, IpcError> {
    commands::rename_collection(launch.state()?, &from, &to)
}

#[tauri::command]
async fn duplicate_collection(
    launch: State<'_, Launch>,
    from: String,
    to: String,
) -> Result<CollectionSummary, IpcError> {
    commands::duplicate_collection(launch.state()?, &from, &to)
}

#[tauri::command]
async fn delete_collection(
    launch: State<'_, Launch>,
    name: String,
) -> Result<Collection, IpcError> {
    commands::delete_collection(launch.state()?, &name)
}

#[tauri::command]
async fn run_scenario(
    app: AppHandle,
    launch: State<'_, Launch>,
    collection: String,
    scenario_id: String,
    environment: Option<String>,
) -> Result<RunView, IpcError> {
    let mut emit = |progress| {
        if let Err(e) = app.emit(RUN_PROGRESS, progress) {
            eprintln!("baton-app: a {RUN_PROGRESS} event was not sent: {e}");
        }
    };
    commands::run_scenario(
        launch.state()?,
        &collection,
        &scenario_id,
        environment,
        &mut emit,
    )
    .await
}

#[tauri::command]
async fn list_runs(
    launch: State<'_, Launch>,
    collection: String,
    scenario_id: String,
) -> Result<Vec<RunSummary>, IpcError> {
    commands::list_runs(launch.state()?, &collection, &scenario_id)
}

#[tauri::command]
async fn load_run(launch: State<'_, Launch>, id: i64) -> Result<RunView, IpcError> {
    commands::load_run(launch.state()?, id)
}

#[tauri::command]
async fn discover(launch: State<'_, Launch>, issuer: String) -> Result<DiscoveryView, IpcError> {
    commands::discover(launch.state()?, &issuer).await
}

#[tauri::command]
async fn test_connection(
    launch: State<'_, Launch>,
    collection: String,
    server_id: String,
    environment: Option<String>,
) -> Result<ConnectionReport, IpcError> {
    commands::test_connection(
        launch.state()?,
        &collection,
        &server_id,
        environment.as_deref(),
    )
    .await
}

/// Opens the dialog for `purpose` (over the main window) and grants what the user picked; `None`
/// when the dialog was cancelled. The window has no dialog permission of its own.
#[tauri::command]
async fn choose_file(
    app: AppHandle,
    launch: State<'_, Launch>,
    purpose: FilePurpose,
    name: Option<String>,
) -> Result<Option<FileChoice>, IpcError> {
    let state = launch.state()?;
    let spec = DialogSpec::of(purpose, name.as_deref());
    let mut dialog = app.dialog().file().set_title(spec.title);
    if let Some(window) = app.get_webview_window(MAIN_WINDOW) {
        dialog = dialog.set_parent(&window);
    }
    for (filter, extensions) in &spec.filters {
        dialog = dialog.add_filter(*filter, extensions);
    }
    if let Some(file_name) = &spec.file_name {
        dialog = dialog.set_file_name(file_name);
    }
    // The blocking calls wait for the user; off the async workers, never on the main thread.
    let picked = tokio::task::spawn_blocking(move || {
        if spec.save {
            dialog.blocking_save_file()
        } else {
            dialog.blocking_pick_file()
        }
    })
    .await
    .map_err(|e| IpcError::internal("the file dialog failed").with_detail(e.to_string()))?;
    let Some(picked) = picked else {
        return Ok(None);
    };
    let path = picked.into_path().map_err(|e| {
        IpcError::invalid_input(format!("the chosen file is not a local path: {e}"))
    })?;
    Ok(Some(state.files().grant(path, purpose)))
}

#[tauri::command]
async fn import_collection(
    launch: State<'_, Launch>,
    grant: String,
) -> Result<CollectionSummary, IpcError> {
    commands::import_collection(launch.state()?, &grant)
}

#[tauri::command]
async fn export_collection(
    launch: State<'_, Launch>,
    name: String,
    grant: String,
) -> Result<(), IpcError> {
    commands::export_collection(launch.state()?, &name, &grant)
}

#[tauri::command]
async fn compare_step(
    launch: State<'_, Launch>,
    collection: String,
    scenario_id: String,
    step_id: String,
    environment: Option<String>,
) -> Result<CompareView, IpcError> {
    commands::compare_step(
        launch.state()?,
        &collection,
        &scenario_id,
        &step_id,
        environment,
    )
    .await
}

#[tauri::command]
async fn lab_status(launch: State<'_, Launch>) -> Result<LabView, IpcError> {
    Ok(commands::lab_status(launch.state()?))
}

#[tauri::command]
async fn lab_requests(launch: State<'_, Launch>) -> Result<Vec<LabRequestView>, IpcError> {
    Ok(commands::lab_requests(launch.state()?))
}

#[tauri::command]
async fn clear_token_cache(launch: State<'_, Launch>) -> Result<usize, IpcError> {
    Ok(commands::clear_token_cache(launch.state()?))
}

#[tauri::command]
async fn apply_lab_policy(launch: State<'_, Launch>, policy: String) -> Result<LabView, IpcError> {
    commands::apply_lab_policy(launch.state()?, &policy).await
}

#[tauri::command]
async fn set_lab_faults(
    launch: State<'_, Launch>,
    faults: LabFaultsView,
) -> Result<LabView, IpcError> {
    commands::set_lab_faults(launch.state()?, faults).await
}

#[tauri::command]
async fn reset_lab_policy(launch: State<'_, Launch>) -> Result<LabView, IpcError> {
    commands::reset_lab_policy(launch.state()?).await
}

#[tauri::command]
async fn run_collection(
    app: AppHandle,
    launch: State<'_, Launch>,
    collection: String,
    scenario_ids: Option<Vec<String>>,
    environment: Option<String>,
) -> Result<CollectionRunView, IpcError> {
    let mut on_scenario = |progress| {
        if let Err(e) = app.emit(COLLECTION_PROGRESS, progress) {
            eprintln!("baton-app: a {COLLECTION_PROGRESS} event was not sent: {e}");
        }
    };
    let mut on_step = |progress| {
        if let Err(e) = app.emit(RUN_PROGRESS, progress) {
            eprintln!("baton-app: a {RUN_PROGRESS} event was not sent: {e}");
        }
    };
    commands::run_collection(
        launch.state()?,
        &collection,
        scenario_ids,
        environment,
        &mut on_scenario,
        &mut on_step,
    )
    .await
}

#[tauri::command]
async fn cancel_collection_run(launch: State<'_, Launch>) -> Result<bool, IpcError> {
    Ok(launch.state()?.cancel_collection_run())
}

#[tauri::command]
async fn diff_runs(
    launch: State<'_, Launch>,
    before: i64,
    after: i64,
) -> Result<RunDiff, IpcError> {
    commands::diff_runs(launch.state()?, before, after)
}

#[tauri::command]
async fn preview_assertions(
    launch: State<'_, Launch>,
    run_id: i64,
    step_id: String,
    assertions: Vec<Assertion>,
) -> Result<AssertionPreview, IpcError> {
    commands::preview_assertions(launch.state()?, run_id, &step_id, &assertions)
}

#[tauri::command]
async fn export_diagram(
    launch: State<'_, Launch>,
    run_id: i64,
    grant: String,
) -> Result<(), IpcError> {
    commands::export_diagram(launch.state()?, run_id, &grant)
}

// The keyring is reached over D-Bus with blocking calls (the first also finds out whether it is
// there): off the async workers.
#[tauri::command]
async fn list_secrets(launch: State<'_, Launch>) -> Result<SecretsView, IpcError> {
    let state = launch.state()?;
    tokio::task::block_in_place(|| commands::list_secrets(state))
}

#[tauri::command]
async fn set_secret(
    launch: State<'_, Launch>,
    name: String,
    value: String,
) -> Result<SecretsView, IpcError> {
    let state = launch.state()?;
    tokio::task::block_in_place(|| commands::set_secret(state, &name, &value))
}

#[tauri::command]
async fn delete_secret(launch: State<'_, Launch>, name: String) -> Result<SecretsView, IpcError> {
    let state = launch.state()?;
    tokio::task::block_in_place(|| commands::delete_secret(state, &name))
}

#[tauri::command]
async fn probe_catalogue() -> Result<Vec<ProbeInfo>, IpcError> {
    Ok(commands::probe_catalogue())
}

#[tauri::command]
async fn run_probes(
    app: AppHandle,
    launch: State<'_, Launch>,
    collection: String,
    environment: Option<String>,
    target: Option<ProbeTarget>,
    only: Option<Vec<String>>,
) -> Result<ProbeRunView, IpcError> {
    let mut emit = |progress| {
        if let Err(e) = app.emit(PROBE_PROGRESS, progress) {
            eprintln!("baton-app: a {PROBE_PROGRESS} event was not sent: {e}");
        }
    };
    commands::run_probes(
        launch.state()?,
        &collection,
        environment,
        target,
        only.unwrap_or_default(),
        &mut emit,
    )
    .await
}

#[tauri::command]
async fn cancel_probe_run(launch: State<'_, Launch>) -> Result<bool, IpcError> {
    Ok(launch.state()?.cancel_probe_run())
}

#[tauri::command]
async fn list_probe_runs(
    launch: State<'_, Launch>,
    collection: String,
) -> Result<Vec<ProbeRunSummary>, IpcError> {
    commands::list_probe_runs(launch.state()?, &collection)
}

#[tauri::command]
async fn load_probe_run(launch: State<'_, Launch>, id: i64) -> Result<ProbeRunView, IpcError> {
    commands::load_probe_run(launch.state()?, id)
}

#[tauri::command]
async fn diff_probe_runs(
    launch: State<'_, Launch>,
    before: i64,
    after: i64,
) -> Result<Vec<ProbeChange>, IpcError> {
    commands::diff_probe_runs(launch.state()?, before, after)
}

#[tauri::command]
async fn cancel_sign_in(launch: State<'_, Launch>) -> Result<bool, IpcError> {
    Ok(launch.state()?.sign_in().cancel())
}

#[tauri::command]
async fn open_sign_in_again(launch: State<'_, Launch>) -> Result<bool, IpcError> {
    launch.state()?.sign_in().open_again().map_err(|reason| {
        IpcError::new(
            IpcErrorCode::InvalidInput,
            format!("the browser could not be opened: {reason}; copy the address instead"),
        )
    })
}

#[tauri::command]
async fn list_presets() -> Result<Vec<PresetInfo>, IpcError> {
    Ok(commands::list_presets())
}

#[tauri::command]
async fn fill_preset(
    id: String,
    params: BTreeMap<String, String>,
) -> Result<FilledPreset, IpcError> {
    commands::fill_preset(&id, &params)
}
