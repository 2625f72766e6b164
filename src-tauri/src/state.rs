//! What the app holds while it runs: the store, the lab token service, the engine, and the
//! secrets a run may use. Built once on launch, without a window, so tests build it too.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, RwLock};
use std::time::{SystemTime, UNIX_EPOCH};

use baton_core::Secret;
use baton_core::SystemClock;
use baton_core::clock::Clock;
use baton_core::http::{HttpClient, HttpSettings, ReqwestClient};
use baton_core::scenario::{Chain, Engine, EnvSecrets, RunOptions, SecretSource};
use baton_store::files::parse_collection;
use baton_store::{Store, StoreSecrets};
use baton_sts::{Policy, StsConfig, StsHandle};

use crate::data_dir::STORE_FILE;
use crate::error::{IpcError, IpcErrorCode};
use crate::file_grants::FileGrants;
use crate::signin::BrowserSignIn;
use baton_store::keyring::{Keyring, KeyringIndex, KeyringSecrets, LazyOsKeyring};

/// The demo workspace, seeded into an empty store: the demo collection, and a user's sign-in to
/// the lab (kept in a folder of its own, so `baton run examples` does not run it unattended).
const DEMOS: [(&str, &str); 4] = [
    (
        include_str!("../../examples/demo.baton.toml"),
        "examples/demo.baton.toml (built in)",
    ),
    (
        include_str!("../../examples/cross-domain.baton.toml"),
        "examples/cross-domain.baton.toml (built in)",
    ),
    (
        include_str!("../../examples/sign-in/sign-in.baton.toml"),
        "examples/sign-in/sign-in.baton.toml (built in)",
    ),
    (
        include_str!("../../examples/trade-offs.baton.toml"),
        "examples/trade-offs.baton.toml (built in)",
    ),
];

pub struct AppState {
    /// The store is `Send` but not `Sync`: one command uses it at a time. Never held across an
    /// `.await`, and not while a run goes (the run reads secrets from it).
    store: Arc<Mutex<Store>>,
    /// The running lab: replaced (on the same port) when its policy changes.
    lab: SharedLab,
    /// The lab's domain B, which trusts the lab's keys: restarted with the lab, since a restarted
    /// lab has new keys.
    domain_b: SharedLab,
    /// The policy text the lab runs, and when it (re)started.
    lab_policy: Mutex<LabPolicy>,
    /// One policy change at a time.
    lab_restart: tokio::sync::Mutex<()>,
    engine: Engine,
    /// Who signs in when a step needs a person: the browser, watched by the window.
    sign_in: Arc<BrowserSignIn>,
    http: Arc<dyn HttpClient>,
    secrets: Arc<dyn SecretSource>,
    keyring: Arc<dyn Keyring>,
    keyring_index: Arc<KeyringIndex>,
    /// Set while a collection run goes: sending `true` cancels it.
    collection_run: Mutex<Option<tokio::sync::watch::Sender<bool>>>,
    /// The files the user chose in Baton's dialogs, not used yet.
    files: FileGrants,
    /// Set while a probe run goes: storing `true` stops it before its next probe.
    probe_run: Mutex<Option<Arc<AtomicBool>>>,
    clock: Arc<dyn Clock>,
    data_dir: PathBuf,
    /// The collection to open first when this launch seeded the demo workspace.
    seeded: Option<String>,
}

/// A collection run that is going: dropping it lets the next one start.
pub struct CollectionRun<'a> {
    state: &'a AppState,
    /// Turns `true` when the user cancels.
    pub cancel: tokio::sync::watch::Receiver<bool>,
}

impl Drop for CollectionRun<'_> {
    fn drop(&mut self) {
        *self
            .state
            .collection_run
            .lock()
            .unwrap_or_else(|p| p.into_inner()) = None;
    }
}

/// A probe run that is going: dropping it lets the next one start.
pub struct ProbeRun<'a> {
    state: &'a AppState,
    /// Turns `true` when the user cancels; the probe runner reads it between probes.
    pub cancel: Arc<AtomicBool>,
}

impl Drop for ProbeRun<'_> {
    fn drop(&mut self) {
        *self
            .state
            .probe_run
            .lock()
            .unwrap_or_else(|p| p.into_inner()) = None;
    }
}

/// The lab in use now, shared with the secret source that serves its demo credentials.
pub(crate) type SharedLab = Arc<RwLock<Arc<StsHandle>>>;

#[derive(Debug, Clone)]
pub struct LabPolicy {
    pub toml: String,
    pub is_default: bool,
    /// Epoch milliseconds.
    pub restarted_at: u64,
}

impl AppState {
    /// Opens (or creates) the store in `data_dir`, seeds the demo workspace into an empty one,
    /// and starts the lab token service on a free loopback port.
    pub async fn start(data_dir: &Path) -> Result<AppState, IpcError> {
        // The keyring is asked whether it is there when secrets are first listed or used.
        AppState::start_with(data_dir, Arc::new(LazyOsKeyring::default())).await
    }

    /// [`AppState::start`] with a given keyring (tests use one in memory).
    pub async fn start_with(
        data_dir: &Path,
        keyring: Arc<dyn Keyring>,
    ) -> Result<AppState, IpcError> {
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
        let seeded = seed_demo(&mut store)?;
        if seeded.is_some() {
            eprintln!("baton-app: seeded the demo workspace into {}", store.path());
        }

        let lab = baton_sts::spawn(StsConfig {
            policy: Policy::lab_default(),
            port: 0,
            deterministic: false,
            trusted_issuers: Vec::new(),
            tls: false,
        })
        .await
        .map_err(|e| {
            IpcError::internal("the lab token service could not start").with_detail(e.to_string())
        })?;

        let domain_b = spawn_domain_b(&lab, 0).await?;

        let http: Arc<dyn HttpClient> =
            Arc::new(ReqwestClient::new(&HttpSettings::default()).map_err(|e| {
                IpcError::internal("the HTTP client could not be set up").with_detail(e.to_string())
            })?);
        // The app's lab is not deterministic: its tokens are judged at the real time.
        let clock: Arc<dyn Clock> = Arc::new(SystemClock);
        let sign_in = Arc::new(BrowserSignIn::default());
        let lab: SharedLab = Arc::new(RwLock::new(Arc::new(lab)));
        // `lab` steps change the lab running now (a restart replaces it).
        let engine = Engine::new(http.clone(), clock.clone())
            .with_interaction(sign_in.clone())
            .with_lab_control(Arc::new(crate::lab_control::AppLab(lab.clone())));
        let store = Arc::new(Mutex::new(store));
        let keyring_index = Arc::new(KeyringIndex::open(data_dir));
        let secrets = secrets(&store, &lab, &keyring, &keyring_index);
        Ok(AppState {
            store,
            lab,
            domain_b: Arc::new(RwLock::new(Arc::new(domain_b))),
            lab_policy: Mutex::new(LabPolicy {
                toml: Policy::lab_default_toml().to_string(),
                is_default: true,
                restarted_at: now_ms(),
            }),
            lab_restart: tokio::sync::Mutex::new(()),
            engine,
            sign_in,
            http,
            secrets,
            keyring,
            keyring_index,
            collection_run: Mutex::new(None),
            files: FileGrants::default(),
            probe_run: Mutex::new(None),
            clock,
            data_dir: data_dir.to_path_buf(),
            seeded,
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

    /// The lab running now.
    pub fn lab(&self) -> Arc<StsHandle> {
        self.lab.read().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// The lab's domain B running now.
    pub fn domain_b(&self) -> Arc<StsHandle> {
        self.domain_b
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// Starts domain B again, on its port, trusting the keys of the lab running now.
    async fn restart_domain_b(&self) -> Result<(), IpcError> {
        let old = self.domain_b();
        let port = old.port();
        old.shutdown().await;
        let lab = self.lab();
        let new = match spawn_domain_b(&lab, port).await {
            Ok(b) => b,
            // Its port was taken meanwhile: any free one will do, `lab_b` follows it.
            Err(_) => spawn_domain_b(&lab, 0).await?,
        };
        *self.domain_b.write().unwrap_or_else(|p| p.into_inner()) = Arc::new(new);
        Ok(())
    }

    pub fn lab_policy(&self) -> LabPolicy {
        self.lab_policy
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// Restarts the lab on its port with `policy` (its text is `toml`). The policy is checked
    /// first: one the lab cannot run is refused with its line and the lab keeps running as it
    /// was. Should the new lab fail to start all the same, the old policy is started again.
    pub async fn restart_lab(
        &self,
        policy: Policy,
        toml: String,
        is_default: bool,
    ) -> Result<(), IpcError> {
        let _one_at_a_time = self.lab_restart.lock().await;
        baton_sts::check(&policy)?;
        let old = self.lab();
        let port = old.port();
        old.shutdown().await;
        let started = baton_sts::spawn(StsConfig {
            policy,
            port,
            deterministic: false,
            trusted_issuers: Vec::new(),
            tls: false,
        })
        .await;
        match started {
            Ok(new) => {
                new.carry_requests_from(&old);
                *self.lab.write().unwrap_or_else(|p| p.into_inner()) = Arc::new(new);
                *self.lab_policy.lock().unwrap_or_else(|p| p.into_inner()) = LabPolicy {
                    toml,
                    is_default,
                    restarted_at: now_ms(),
                };
                self.restart_domain_b().await
            }
            Err(e) => {
                let restored = baton_sts::spawn(StsConfig {
                    policy: old.policy().clone(),
                    port,
                    deterministic: false,
                    trusted_issuers: Vec::new(),
                    tls: false,
                })
                .await;
                let error = IpcError::from(e);
                match restored {
                    Ok(lab) => {
                        lab.carry_requests_from(&old);
                        *self.lab.write().unwrap_or_else(|p| p.into_inner()) = Arc::new(lab);
                        self.restart_domain_b().await?;
                        Err(IpcError {
                            message: format!(
                                "{} (the lab is running its previous policy again)",
                                error.message
                            ),
                            ..error
                        })
                    }
                    Err(again) => Err(IpcError {
                        message: format!(
                            "{}; the previous policy could not be started again either: {again}. Restart Baton.",
                            error.message
                        ),
                        ..error
                    }),
                }
            }
        }
    }

    pub fn keyring(&self) -> &dyn Keyring {
        self.keyring.as_ref()
    }

    pub fn keyring_index(&self) -> &KeyringIndex {
        &self.keyring_index
    }

    /// Marks a collection run as going, until the returned guard is dropped (however the run
    /// ends); `None` if one is already going. The guard's receiver turns `true` on cancel.
    pub fn begin_collection_run(&self) -> Option<CollectionRun<'_>> {
        let mut slot = self
            .collection_run
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        if slot.is_some() {
            return None;
        }
        let (tx, rx) = tokio::sync::watch::channel(false);
        *slot = Some(tx);
        Some(CollectionRun {
            state: self,
            cancel: rx,
        })
    }

    /// Tells the collection run that is going to stop; false when none is.
    pub fn cancel_collection_run(&self) -> bool {
        match &*self
            .collection_run
            .lock()
            .unwrap_or_else(|p| p.into_inner())
        {
            Some(tx) => tx.send(true).is_ok(),
            None => false,
        }
    }

    /// Marks a probe run as going, until the returned guard is dropped (however the run ends);
    /// `None` if one is already going.
    pub fn begin_probe_run(&self) -> Option<ProbeRun<'_>> {
        let mut slot = self.probe_run.lock().unwrap_or_else(|p| p.into_inner());
        if slot.is_some() {
            return None;
        }
        let cancel = Arc::new(AtomicBool::new(false));
        *slot = Some(cancel.clone());
        Some(ProbeRun {
            state: self,
            cancel,
        })
    }

    /// Tells the probe run that is going to stop before its next probe; false when none is.
    pub fn cancel_probe_run(&self) -> bool {
        match &*self.probe_run.lock().unwrap_or_else(|p| p.into_inner()) {
            Some(cancel) => {
                cancel.store(true, Ordering::SeqCst);
                true
            }
            None => false,
        }
    }

    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// The sign-in a step may be waiting for.
    pub fn sign_in(&self) -> &BrowserSignIn {
        &self.sign_in
    }

    pub fn http(&self) -> &dyn HttpClient {
        self.http.as_ref()
    }

    /// What a probe session is given: the HTTP client, the clock and the secrets of runs.
    pub fn probe_parts(&self) -> (Arc<dyn HttpClient>, Arc<dyn Clock>, Arc<dyn SecretSource>) {
        (self.http.clone(), self.clock.clone(), self.secrets.clone())
    }

    /// The collection a fresh workspace opens first (the demo), when this launch seeded it.
    pub fn seeded(&self) -> Option<&str> {
        self.seeded.as_deref()
    }

    /// The files the user chose in Baton's dialogs: the only ones commands read or write.
    pub fn files(&self) -> &FileGrants {
        &self.files
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
            data: None,
        }
    }

    /// The variables the app sets over any environment's: `lab`, the lab's URL, and `lab_b`,
    /// its domain B's.
    pub fn overrides(&self) -> BTreeMap<String, String> {
        BTreeMap::from([
            ("lab".to_string(), self.lab().base_url().to_string()),
            ("lab_b".to_string(), self.domain_b().base_url().to_string()),
        ])
    }
}

/// Domain B (another organisation's authorization server) on `port`, trusting `lab`'s keys.
async fn spawn_domain_b(lab: &StsHandle, port: u16) -> Result<StsHandle, IpcError> {
    baton_sts::spawn(StsConfig {
        policy: Policy::domain_b(),
        port,
        deterministic: false,
        trusted_issuers: vec![lab.trusted_issuer()],
        tls: false,
    })
    .await
    .map_err(|e| {
        IpcError::internal("the lab's domain B could not start").with_detail(e.to_string())
    })
}

/// Saves the demo collections into a store that has no collection yet. Returns the name of the
/// one a fresh workspace opens (the demo), or `None` when the store had collections.
pub fn seed_demo(store: &mut Store) -> Result<Option<String>, IpcError> {
    if !store.list_collections()?.is_empty() {
        return Ok(None);
    }
    let mut first = None;
    for (text, origin) in DEMOS {
        let demo = parse_collection(text, Path::new(origin)).map_err(|e| {
            IpcError::internal(format!("the built-in collection {origin} does not parse"))
                .with_detail(e.to_string())
        })?;
        store.save_collection(&demo)?;
        first.get_or_insert(demo.name);
    }
    Ok(first)
}

/// Secrets from `BATON_SECRET_*`, then the OS keyring, then the store's secret table, then the
/// lab's demo credentials (of the policy it runs now): the order of `baton run --sts`, with the
/// keyring before the store.
fn secrets(
    store: &Arc<Mutex<Store>>,
    lab: &SharedLab,
    keyring: &Arc<dyn Keyring>,
    index: &Arc<KeyringIndex>,
) -> Arc<dyn SecretSource> {
    Arc::new(Chain(vec![
        Box::new(EnvSecrets),
        Box::new(KeyringSecrets {
            keyring: keyring.clone(),
            index: index.clone(),
        }),
        Box::new(StoreSecrets::new(store.clone())),
        Box::new(LabSecrets(lab.clone())),
    ]))
}

/// The running lab's demo credentials, read at each lookup so a policy change is seen.
struct LabSecrets(SharedLab);

impl SecretSource for LabSecrets {
    fn secret(&self, name: &str) -> Option<Secret> {
        let lab = self.0.read().unwrap_or_else(|p| p.into_inner()).clone();
        lab.policy()
            .credentials()
            .into_iter()
            .find(|(n, _)| n == name)
            .map(|(_, value)| Secret::new(value))
    }
}

fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
        .unwrap_or(0)
}
