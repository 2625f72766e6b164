//! What the app holds while it runs: the store, the lab token service, the engine, and the
//! secrets a run may use. Built once on launch, without a window, so tests build it too.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

use baton_core::SystemClock;
use baton_core::http::{HttpClient, HttpSettings, ReqwestClient};
use baton_core::scenario::{Chain, Engine, EnvSecrets, MapSecrets, RunOptions, SecretSource};
use baton_store::files::parse_collection;
use baton_store::{Store, StoreSecrets};
use baton_sts::{Policy, StsConfig, StsHandle};

use crate::data_dir::STORE_FILE;
use crate::error::{IpcError, IpcErrorCode};

/// The demo workspace, seeded into an empty store.
const DEMO: &str = include_str!("../../examples/demo.baton.toml");
const DEMO_ORIGIN: &str = "examples/demo.baton.toml (built in)";

pub struct AppState {
    /// The store is `Send` but not `Sync`: one command uses it at a time. Never held across an
    /// `.await`, and not while a run goes (the run reads secrets from it).
    store: Arc<Mutex<Store>>,
    lab: StsHandle,
    engine: Engine,
    http: Arc<dyn HttpClient>,
    secrets: Arc<dyn SecretSource>,
    data_dir: PathBuf,
}

impl AppState {
    /// Opens (or creates) the store in `data_dir`, seeds the demo workspace into an empty one,
    /// and starts the lab token service on a free loopback port.
    pub async fn start(data_dir: &Path) -> Result<AppState, IpcError> {
        std::fs::create_dir_all(data_dir).map_err(|e| {
            IpcError::new(
                IpcErrorCode::Store,
                format!(
                    "the data folder {} could not be created",
                    data_dir.display()
                ),
            )
            .with_detail(e.to_string())
        })?;
        let mut store = Store::open(data_dir.join(STORE_FILE))?;
        if seed_demo(&mut store)? {
            eprintln!("baton-app: seeded the demo workspace into {}", store.path());
        }

        let lab = baton_sts::spawn(StsConfig {
            policy: Policy::lab_default(),
            port: 0,
            deterministic: false,
        })
        .await
        .map_err(|e| {
            IpcError::internal("the lab token service could not start").with_detail(e.to_string())
        })?;

        let http: Arc<dyn HttpClient> =
            Arc::new(ReqwestClient::new(&HttpSettings::default()).map_err(|e| {
                IpcError::internal("the HTTP client could not be set up").with_detail(e.to_string())
            })?);
        // The app's lab is not deterministic: its tokens are judged at the real time.
        let engine = Engine::new(http.clone(), Arc::new(SystemClock));
        let store = Arc::new(Mutex::new(store));
        let secrets = secrets(&store, &lab);
        Ok(AppState {
            store,
            lab,
            engine,
            http,
            secrets,
            data_dir: data_dir.to_path_buf(),
        })
    }

    /// The store, for one command's reads and writes.
    pub fn store(&self) -> Result<MutexGuard<'_, Store>, IpcError> {
        self.store.lock().map_err(|_| {
            IpcError::internal(
                "the store is unusable after an earlier failure; restart Baton (every save that finished is kept)",
            )
        })
    }

    pub fn lab(&self) -> &StsHandle {
        &self.lab
    }

    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    pub fn http(&self) -> &dyn HttpClient {
        self.http.as_ref()
    }

    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// How a run resolves `{{env.lab}}` and `{{secret.…}}`.
    pub fn run_options(&self, environment: Option<String>) -> RunOptions {
        RunOptions {
            environment,
            overrides: self.overrides(),
            secrets: self.secrets.clone(),
        }
    }

    /// The variables the app sets over any environment's: `lab`, the lab's URL.
    pub fn overrides(&self) -> BTreeMap<String, String> {
        BTreeMap::from([("lab".to_string(), self.lab.base_url().to_string())])
    }
}

/// Saves the demo collection into a store that has no collection yet. Returns whether it did.
pub fn seed_demo(store: &mut Store) -> Result<bool, IpcError> {
    if !store.list_collections()?.is_empty() {
        return Ok(false);
    }
    let demo = parse_collection(DEMO, Path::new(DEMO_ORIGIN)).map_err(|e| {
        IpcError::internal("the built-in demo collection does not parse").with_detail(e.to_string())
    })?;
    store.save_collection(&demo)?;
    Ok(true)
}

/// Secrets from `BATON_SECRET_*`, then the store's secret table, then the lab's demo
/// credentials: the same order as `baton run --sts`.
fn secrets(store: &Arc<Mutex<Store>>, lab: &StsHandle) -> Arc<dyn SecretSource> {
    let mut demo = MapSecrets::default();
    for (name, value) in lab.policy().credentials() {
        demo.insert(name, value);
    }
    Arc::new(Chain(vec![
        Box::new(EnvSecrets),
        Box::new(StoreSecrets::new(store.clone())),
        Box::new(demo),
    ]))
}
