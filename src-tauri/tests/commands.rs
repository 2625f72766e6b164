//! The commands as the window calls them, without a window: the app state on a temporary data
//! folder, with its own lab token service on a free loopback port.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use baton_app::commands;
use baton_app::file_grants::FilePurpose;
use baton_app::state::seed_demo;
use baton_app::views::{RunPhase, RunProgress};
use baton_app::{AppState, IpcError, IpcErrorCode};
use baton_core::scenario::ExchangeKind;
use baton_store::keyring::MemoryKeyring;
use baton_store::{CollectionSummary, Store};
use tempfile::TempDir;

const DEMO: &str = "Baton demo";
/// The built-in collection seeded beside the demo.
const TRADE_OFFS: &str = "Baton trade-offs";
const SIGN_IN: &str = "Sign-in demo";
/// The collection of the two trust domains.
const CROSS_DOMAIN: &str = "Across trust domains";

async fn start(dir: &Path) -> AppState {
    // A keyring in memory: tests never touch the user's own.
    match AppState::start_with(dir, Arc::new(MemoryKeyring::default())).await {
        Ok(state) => state,
        Err(e) => panic!("the app state did not start: {e}"),
    }
}

fn names(state: &AppState) -> Vec<String> {
    match commands::workspace(state) {
        Ok(workspace) => workspace.collections.into_iter().map(|c| c.name).collect(),
        Err(e) => panic!("workspace failed: {e}"),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_new_workspace_is_seeded_with_the_demo_once() {
    let dir = TempDir::new().unwrap();
    let state = start(dir.path()).await;
    let workspace = commands::workspace(&state).unwrap();
    let count = |name: &str| {
        workspace
            .collections
            .iter()
            .find(|c| c.name == name)
            .map(|c| c.scenario_count)
    };
    assert_eq!(workspace.collections.len(), 4);
    assert_eq!(count(DEMO), Some(9));
    // The user's sign-in and the two trust domains sit beside the demo; the demo opens.
    assert_eq!(count(SIGN_IN), Some(1));
    assert_eq!(count(CROSS_DOMAIN), Some(3));
    assert_eq!(count("Baton trade-offs"), Some(2));
    assert_eq!(workspace.opens.as_deref(), Some(DEMO));
    assert!(dir.path().join("baton.sqlite").is_file());
    assert_eq!(workspace.data_dir, dir.path().display().to_string());
    assert!(workspace.lab.base_url.starts_with("http://127.0.0.1:"));
    assert!(workspace.lab.clients.iter().any(|c| c == "planner-agent"));
    assert!(workspace.lab.users.iter().any(|u| u == "alice"));

    // A second collection, then a restart: nothing is seeded over the user's work.
    commands::duplicate_collection(&state, DEMO, "Mine").unwrap();
    commands::delete_collection(&state, DEMO).unwrap();
    commands::delete_collection(&state, SIGN_IN).unwrap();
    commands::delete_collection(&state, CROSS_DOMAIN).unwrap();
    commands::delete_collection(&state, "Baton trade-offs").unwrap();
    drop(state);
    let again = start(dir.path()).await;
    assert_eq!(names(&again), ["Mine"]);
    assert_eq!(commands::workspace(&again).unwrap().opens, None);
}

#[test]
fn seeding_skips_a_store_that_has_collections() {
    let mut store = Store::open_in_memory().unwrap();
    assert_eq!(seed_demo(&mut store).unwrap().as_deref(), Some(DEMO));
    assert_eq!(seed_demo(&mut store).unwrap(), None);
    assert_eq!(store.list_collections().unwrap().len(), 4);
}

/// Runs the three cross-domain scenarios in the app and checks each passes.
async fn run_cross_domain(state: &AppState) {
    for id in ["identity-chaining", "id-jag", "on-behalf-of"] {
        let view = commands::run_scenario(state, CROSS_DOMAIN, id, None, &mut |_| {})
            .await
            .expect("the scenario runs");
        assert!(
            view.record.passed(),
            "{id}: {:#?}",
            view.record.failures().collect::<Vec<_>>()
        );
        if id == "id-jag" {
            assert!(
                view.graph
                    .edges
                    .iter()
                    .any(|e| e.kind == ExchangeKind::Grant),
                "the grant joins the two domains' tokens"
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_cross_domain_scenarios_run_against_the_lab_and_its_domain_b_even_after_a_restart() {
    let dir = TempDir::new().unwrap();
    let state = start(dir.path()).await;
    run_cross_domain(&state).await;
    // A restarted lab has new keys: domain B is restarted to trust them.
    let policy = baton_sts::Policy::lab_default_toml().to_string();
    commands::apply_lab_policy(&state, &policy).await.unwrap();
    run_cross_domain(&state).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_delegation_chain_runs_against_the_lab_and_is_saved() {
    let dir = TempDir::new().unwrap();
    let state = start(dir.path()).await;
    let mut events: Vec<RunProgress> = Vec::new();
    let view = commands::run_scenario(&state, DEMO, "agent-chain", None, &mut |p| events.push(p))
        .await
        .unwrap();

    assert!(
        view.record.passed(),
        "{:#?}",
        view.record.failures().collect::<Vec<_>>()
    );
    let steps = view.record.steps.len();
    assert_eq!(
        events.len(),
        2 * steps,
        "a started and a finished event per step"
    );
    assert_eq!(events[0].phase, RunPhase::Started);
    assert_eq!(events[0].step_id, "bob");
    assert!(events[0].record.is_none());
    let last = &events[2 * steps - 1];
    assert_eq!((last.phase, last.index), (RunPhase::Finished, steps - 1));
    assert_eq!(last.collection, DEMO);
    assert!(last.record.is_some());

    // The last hop's issued token names all three actors, current first.
    let issued = view
        .graph
        .nodes
        .iter()
        .find(|n| n.issued && n.step_id == "hop-3")
        .unwrap();
    assert_eq!(
        issued.act_chain,
        ["payment-agent", "flight-agent", "planner-agent"]
    );
    assert_eq!(issued.sub.as_deref(), Some("bob"));
    assert!(
        view.graph
            .edges
            .iter()
            .any(|e| e.to == issued.id && e.kind == ExchangeKind::Delegation)
    );

    // Each step that sent a request has its curl, secrets masked; each exchange its diff.
    assert_eq!(view.steps.len(), steps);
    let hop = view.steps.iter().find(|s| s.step_id == "hop-1").unwrap();
    let curl = hop.curl.as_deref().unwrap();
    assert!(curl.starts_with("curl "), "{curl}");
    assert!(curl.contains("/token"), "{curl}");
    assert!(hop.diff.is_some());
    let login = view.steps.iter().find(|s| s.step_id == "bob").unwrap();
    assert!(login.diff.is_none(), "a password grant is no exchange");
    let secret = state
        .lab()
        .policy()
        .credentials()
        .into_iter()
        .find(|(name, _)| name == "planner-agent")
        .map(|(_, value)| value)
        .unwrap();
    let json = serde_json::to_string(&view).unwrap();
    assert!(!json.contains(&secret), "a client secret crossed IPC");

    // Saved: listed newest first and read back whole.
    let id = view.run_id.unwrap();
    let runs = commands::list_runs(&state, DEMO, "agent-chain").unwrap();
    assert_eq!(runs.len(), 1);
    assert_eq!(runs[0].id, id);
    let loaded = commands::load_run(&state, id.0).unwrap();
    assert_eq!(loaded.record, view.record);
    assert_eq!(loaded.graph, view.graph);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_run_that_cannot_resolve_sends_nothing() {
    let dir = TempDir::new().unwrap();
    let state = start(dir.path()).await;
    let mut events = 0;
    let err = commands::run_scenario(
        &state,
        DEMO,
        "agent-chain",
        Some("staging".into()),
        &mut |_| events += 1,
    )
    .await
    .unwrap_err();
    assert_eq!(err.code, IpcErrorCode::Unresolved);
    assert!(err.message.contains("staging"), "{}", err.message);
    assert_eq!(events, 0);
    assert!(
        commands::list_runs(&state, DEMO, "agent-chain")
            .unwrap()
            .is_empty()
    );

    let err = commands::run_scenario(&state, DEMO, "nope", None, &mut |_| {})
        .await
        .unwrap_err();
    assert_eq!(err.code, IpcErrorCode::NotFound);
    assert!(err.message.contains("\"nope\""), "{}", err.message);
}

#[tokio::test(flavor = "multi_thread")]
async fn delete_returns_the_collection_and_saving_it_undoes_the_delete() {
    let dir = TempDir::new().unwrap();
    let state = start(dir.path()).await;
    let before = commands::load_collection(&state, DEMO).unwrap();

    let deleted = commands::delete_collection(&state, DEMO).unwrap();
    assert_eq!(deleted, before);
    assert_eq!(names(&state), [CROSS_DOMAIN, TRADE_OFFS, SIGN_IN]);
    let gone = commands::load_collection(&state, DEMO).unwrap_err();
    assert_eq!(gone.code, IpcErrorCode::NotFound);

    let summary = commands::save_collection(&state, &deleted).unwrap();
    assert_eq!(summary.name, DEMO);
    assert_eq!(summary.scenario_count, 9);
    assert_eq!(commands::load_collection(&state, DEMO).unwrap(), before);
}

#[tokio::test(flavor = "multi_thread")]
async fn rename_and_duplicate_refuse_a_taken_name() {
    let dir = TempDir::new().unwrap();
    let state = start(dir.path()).await;
    let copy = commands::duplicate_collection(&state, DEMO, "Copy").unwrap();
    assert_eq!((copy.name.as_str(), copy.scenario_count), ("Copy", 9));
    let err = commands::rename_collection(&state, "Copy", DEMO).unwrap_err();
    assert_eq!(err.code, IpcErrorCode::Conflict);
    let err = commands::duplicate_collection(&state, DEMO, "Copy").unwrap_err();
    assert_eq!(err.code, IpcErrorCode::Conflict);
    let renamed = commands::rename_collection(&state, "Copy", "Training").unwrap();
    assert_eq!(renamed.name, "Training");
    assert_eq!(
        names(&state),
        [CROSS_DOMAIN, DEMO, TRADE_OFFS, SIGN_IN, "Training"]
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_broken_file_is_reported_where_it_is_wrong_and_changes_nothing() {
    let dir = TempDir::new().unwrap();
    let state = start(dir.path()).await;
    let exported = dir.path().join("demo.baton.toml");
    export_to(&state, DEMO, &exported).unwrap();
    let text = std::fs::read_to_string(&exported).unwrap();

    // A typo in a key on line 3, in a collection renamed so that it would otherwise import.
    let broken = text
        .replacen("name = \"Baton demo\"", "name = \"Imported\"", 1)
        .replacen("description = ", "descripton = ", 1);
    let line = broken
        .lines()
        .position(|l| l.starts_with("descripton"))
        .unwrap()
        + 1;
    let path = dir.path().join("broken.baton.toml");
    std::fs::write(&path, &broken).unwrap();

    let err = import_from(&state, &path).unwrap_err();
    assert_eq!(err.code, IpcErrorCode::InvalidInput);
    let at = format!("{}:{line}:", path.display());
    assert!(
        err.message.starts_with(&at),
        "{} (expected {at})",
        err.message
    );
    assert!(err.message.contains("descripton"), "{}", err.message);
    assert_eq!(names(&state), [CROSS_DOMAIN, DEMO, TRADE_OFFS, SIGN_IN]);

    let missing = import_from(&state, &dir.path().join("none.baton.toml")).unwrap_err();
    assert_eq!(missing.code, IpcErrorCode::NotFound);
}

#[tokio::test(flavor = "multi_thread")]
async fn export_then_import_gives_the_same_collection_and_never_overwrites() {
    let dir = TempDir::new().unwrap();
    let state = start(dir.path()).await;
    let file = dir.path().join("demo.baton.toml");
    export_to(&state, DEMO, &file).unwrap();

    let taken = import_from(&state, &file).unwrap_err();
    assert_eq!(taken.code, IpcErrorCode::Conflict);

    let original = commands::load_collection(&state, DEMO).unwrap();
    commands::rename_collection(&state, DEMO, "Old").unwrap();
    let summary = import_from(&state, &file).unwrap();
    assert_eq!(summary.name, DEMO);
    assert_eq!(commands::load_collection(&state, DEMO).unwrap(), original);

    let err = export_to(&state, "nope", &dir.path().join("x.baton.toml")).unwrap_err();
    assert_eq!(err.code, IpcErrorCode::NotFound);
    let err = export_to(&state, DEMO, &dir.path().join("no/such/dir.toml")).unwrap_err();
    assert_eq!(err.code, IpcErrorCode::InvalidInput);
}

#[tokio::test(flavor = "multi_thread")]
async fn discovery_finds_the_lab_and_reports_an_unreachable_server() {
    let dir = TempDir::new().unwrap();
    let state = start(dir.path()).await;
    let issuer = state.lab().issuer().to_string();
    let found = commands::discover(&state, &issuer).await.unwrap();
    assert!(found.token_exchange_advertised);
    assert_eq!(found.token_endpoint, Some(state.lab().token_endpoint()));
    assert_eq!(found.jwks_uri, Some(state.lab().jwks_uri()));

    let err = commands::discover(&state, "not a url").await.unwrap_err();
    assert_eq!(err.code, IpcErrorCode::InvalidInput);
    // Port 9 (discard): nothing listens there on a test machine.
    let err = commands::discover(&state, "http://127.0.0.1:9")
        .await
        .unwrap_err();
    assert_eq!(err.code, IpcErrorCode::Transport);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_demo_lab_server_passes_its_connection_test() {
    let dir = TempDir::new().unwrap();
    let state = start(dir.path()).await;
    // The demo's `lab` environment says 127.0.0.1:8693; the app's lab is elsewhere and wins.
    let report = commands::test_connection(&state, DEMO, "lab", Some("lab"))
        .await
        .unwrap();
    assert_eq!(report.server_id, "lab");
    let urls: Vec<&str> = report.checks.iter().map(|c| c.url.as_str()).collect();
    assert_eq!(urls[0], state.lab().token_endpoint());
    assert_eq!(urls[1], state.lab().jwks_uri());
    assert!(report.checks.iter().all(|c| c.ok), "{report:#?}");

    let err = commands::test_connection(&state, DEMO, "nope", None)
        .await
        .unwrap_err();
    assert_eq!(err.code, IpcErrorCode::NotFound);
    let err = commands::test_connection(&state, "no such collection", "lab", None)
        .await
        .unwrap_err();
    assert_eq!(err.code, IpcErrorCode::NotFound);

    let mut broken = commands::load_collection(&state, DEMO).unwrap();
    broken.servers[0].token_endpoint = "{{env.nowhere}}/token".into();
    commands::save_collection(&state, &broken).unwrap();
    let err = commands::test_connection(&state, DEMO, "lab", None)
        .await
        .unwrap_err();
    assert_eq!(err.code, IpcErrorCode::Unresolved);
    assert!(err.message.contains("{{env.nowhere}}"), "{err}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_store_that_cannot_open_is_an_error_not_a_panic() {
    let dir = TempDir::new().unwrap();
    std::fs::write(
        dir.path().join("baton.sqlite"),
        "not a database, a text file",
    )
    .unwrap();
    let err = AppState::start(dir.path()).await.err().unwrap();
    assert_eq!(err.code, IpcErrorCode::Store);
    assert!(err.message.contains("baton.sqlite"), "{}", err.message);

    let file = dir.path().join("a-file");
    std::fs::write(&file, "").unwrap();
    let err = AppState::start(&file).await.err().unwrap();
    assert_eq!(err.code, IpcErrorCode::Store);
    assert!(err.message.contains("a-file"), "{}", err.message);
}

#[test]
fn presets_are_listed_with_their_parameters_and_filled_into_a_server() {
    let presets = commands::list_presets();
    let keycloak = presets
        .iter()
        .find(|p| p.id == "keycloak")
        .expect("keycloak is a preset");
    let names: Vec<&str> = keycloak
        .parameters
        .iter()
        .map(|p| p.name.as_str())
        .collect();
    assert_eq!(names, ["base_url", "realm"]);
    assert!(!keycloak.sources.is_empty());

    let params = BTreeMap::from([
        (
            "base_url".to_string(),
            "https://sso.example.com/".to_string(),
        ),
        ("realm".to_string(), "shop".to_string()),
    ]);
    let filled = commands::fill_preset("keycloak", &params).unwrap();
    assert_eq!(
        filled.server.token_endpoint,
        "https://sso.example.com/realms/shop/protocol/openid-connect/token"
    );
    assert_eq!(
        filled.server.issuer.as_deref(),
        Some("https://sso.example.com/realms/shop")
    );
    // The server keeps its preset, so runs check requests against Keycloak's rules.
    assert_eq!(filled.server.preset.as_deref(), Some("keycloak"));
}

#[test]
fn a_preset_missing_a_parameter_names_it() {
    let params = BTreeMap::from([(
        "base_url".to_string(),
        "https://sso.example.com".to_string(),
    )]);
    let err = commands::fill_preset("keycloak", &params).unwrap_err();
    assert_eq!(err.code, IpcErrorCode::InvalidInput);
    assert_eq!(err.field.as_deref(), Some("realm"));
    assert!(err.message.contains("realm"), "{}", err.message);

    let bad = BTreeMap::from([
        (
            "base_url".to_string(),
            "https://sso.example.com".to_string(),
        ),
        ("realm".to_string(), "a/b".to_string()),
    ]);
    let err = commands::fill_preset("keycloak", &bad).unwrap_err();
    assert_eq!(err.field.as_deref(), Some("realm"));

    let err = commands::fill_preset("nope", &params).unwrap_err();
    assert_eq!(err.code, IpcErrorCode::NotFound);
    assert!(err.message.contains("keycloak"), "{}", err.message);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_dpop_client_in_a_collection_gets_a_token_bound_to_its_key() {
    let dir = TempDir::new().unwrap();
    let state = start(dir.path()).await;
    let mut collection = commands::load_collection(&state, DEMO).unwrap();
    let text = r#"
id = "dpop-app"
server = "lab"
client_id = "dpop-app"
auth = "client_secret_basic"
secret = "{{secret.dpop-app}}"
dpop = true
"#;
    collection.clients.push(toml::from_str(text).unwrap());
    let scenario: baton_core::scenario::Scenario = toml::from_str(
        r#"
id = "dpop"
name = "A DPoP-bound token"
[[steps]]
id = "bound"
name = "dpop-app proves its key"
[steps.token]
client = "dpop-app"
grant = "client_credentials"
"#,
    )
    .unwrap();
    collection.scenarios.push(scenario);
    commands::save_collection(&state, &collection).unwrap();

    let view = commands::run_scenario(&state, DEMO, "dpop", None, &mut |_| {})
        .await
        .unwrap();
    assert!(
        view.record.passed(),
        "{:#?}",
        view.record.failures().collect::<Vec<_>>()
    );
    let step = &view.record.steps[0];
    let success = step.response.as_ref().and_then(|r| r.success()).unwrap();
    assert_eq!(success.token_type.as_deref(), Some("DPoP"));
    let claims = &step.token.as_ref().unwrap().decoded.jwt().unwrap().claims;
    assert!(claims["cnf"]["jkt"].is_string(), "{claims:?}");
    assert!(step.findings.iter().all(|f| !f.id.starts_with("dpop.")));
}

#[tokio::test(flavor = "multi_thread")]
async fn the_token_cache_outlives_a_run_and_clear_token_cache_empties_it() {
    let dir = TempDir::new().unwrap();
    let state = start(dir.path()).await;
    let view = commands::run_scenario(&state, DEMO, "payments-100", None, &mut |_| {})
        .await
        .unwrap();
    assert!(
        view.record.passed(),
        "{:#?}",
        view.record.failures().collect::<Vec<_>>()
    );
    let cached = view
        .record
        .steps
        .iter()
        .find(|s| s.id == "cached")
        .and_then(|s| s.repeat.clone())
        .unwrap();
    assert_eq!((cached.round_trips, cached.from_cache), (1, 99));
    // The run's token is still cached after it: the engine lives with the app.
    assert_eq!(commands::clear_token_cache(&state), 1);
    assert_eq!(commands::clear_token_cache(&state), 0);
}

/// What the window does: the user picks `path` in the export dialog, then the window exports.
fn export_to(state: &AppState, name: &str, path: &std::path::Path) -> Result<(), IpcError> {
    let choice = state
        .files()
        .grant(path.to_path_buf(), FilePurpose::ExportCollection);
    commands::export_collection(state, name, &choice.grant)
}

/// The user picks `path` in the import dialog, then the window imports it.
fn import_from(state: &AppState, path: &std::path::Path) -> Result<CollectionSummary, IpcError> {
    let choice = state
        .files()
        .grant(path.to_path_buf(), FilePurpose::ImportCollection);
    commands::import_collection(state, &choice.grant)
}

#[tokio::test(flavor = "multi_thread")]
async fn the_window_cannot_name_a_file_of_its_own() {
    let dir = TempDir::new().unwrap();
    let state = start(dir.path()).await;
    let target = dir.path().join("elsewhere.baton.toml");
    std::fs::write(&target, "kept").unwrap();

    // A path sent where a grant belongs writes nothing and reads nothing.
    let err = commands::export_collection(&state, DEMO, &target.display().to_string()).unwrap_err();
    assert_eq!(err.code, IpcErrorCode::InvalidInput);
    assert!(
        err.message.contains("pick in its own dialog"),
        "{}",
        err.message
    );
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "kept");
    assert!(commands::import_collection(&state, &target.display().to_string()).is_err());

    // A file chosen to import cannot be overwritten by an export, and a grant is used once.
    let chosen = state
        .files()
        .grant(target.clone(), FilePurpose::ImportCollection);
    assert!(commands::export_collection(&state, DEMO, &chosen.grant).is_err());
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "kept");
    let exported = state
        .files()
        .grant(target.clone(), FilePurpose::ExportCollection);
    commands::export_collection(&state, DEMO, &exported.grant).unwrap();
    assert!(
        std::fs::read_to_string(&target)
            .unwrap()
            .contains("Baton demo")
    );
    std::fs::write(&target, "kept").unwrap();
    assert!(commands::export_collection(&state, DEMO, &exported.grant).is_err());
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "kept");
}
