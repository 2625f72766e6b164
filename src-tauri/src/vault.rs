//! Secrets entered in the app: kept in the operating system's keyring when there is one
//! (`keyring`: Secret Service on Linux, Keychain on macOS, Credential Manager on Windows),
//! otherwise in Baton's store, which the UI then says plainly. Values never leave this module
//! except as [`Secret`], and never go into a collection file.
//!
//! A keyring cannot list what it holds, so the names of the secrets Baton put there are kept in
//! `keyring-secrets.json` in the data folder (names only).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, mpsc};
use std::time::Duration;

use baton_core::Secret;
use baton_core::scenario::SecretSource;
use baton_store::files::write_atomically;

use crate::error::IpcError;
use crate::views::KeyringStatus;

/// The keyring's service name: entries are (`dev.baton.app`, secret name).
pub const KEYRING_SERVICE: &str = "dev.baton.app";
/// Set to `off` to keep secrets out of the OS keyring (tests, shared machines).
pub const KEYRING_VAR: &str = "BATON_KEYRING";
const INDEX_FILE: &str = "keyring-secrets.json";
/// How long the first contact with the keyring may take before Baton gives up on it (a
/// Secret Service that never answers must not hold up the launch).
const PROBE_TIMEOUT: Duration = Duration::from_secs(3);

/// Somewhere secrets can be kept outside the store.
pub trait Keyring: Send + Sync {
    fn status(&self) -> KeyringStatus;
    fn get(&self, name: &str) -> Result<Option<Secret>, String>;
    fn set(&self, name: &str, value: &Secret) -> Result<(), String>;
    fn delete(&self, name: &str) -> Result<(), String>;
}

/// The operating system's keyring, through the `keyring` crate.
pub struct OsKeyring {
    status: KeyringStatus,
}

impl OsKeyring {
    /// Finds out, once, whether the keyring answers: a lookup of a name Baton never sets must
    /// come back as "no entry". Runs on its own thread with a timeout.
    pub fn probe() -> OsKeyring {
        if std::env::var(KEYRING_VAR).is_ok_and(|v| v.eq_ignore_ascii_case("off")) {
            return OsKeyring::unavailable(format!("{KEYRING_VAR}=off"));
        }
        let (tx, rx) = mpsc::channel();
        let spawned = std::thread::Builder::new()
            .name("keyring-probe".into())
            .spawn(move || {
                let answer = keyring::Entry::new(KEYRING_SERVICE, "baton-keyring-probe")
                    .and_then(|e| e.get_password());
                let _ = tx.send(match answer {
                    Ok(_) | Err(keyring::Error::NoEntry) => Ok(()),
                    Err(e) => Err(e.to_string()),
                });
            });
        let answer = match spawned {
            Ok(_) => rx
                .recv_timeout(PROBE_TIMEOUT)
                .unwrap_or_else(|_| Err("the keyring did not answer within 3 s".to_string())),
            Err(e) => Err(format!("the keyring could not be asked: {e}")),
        };
        match answer {
            Ok(()) => OsKeyring {
                status: KeyringStatus {
                    available: true,
                    problem: None,
                },
            },
            Err(problem) => OsKeyring::unavailable(problem),
        }
    }

    fn unavailable(problem: String) -> OsKeyring {
        OsKeyring {
            status: KeyringStatus {
                available: false,
                problem: Some(problem),
            },
        }
    }

    fn entry(&self, name: &str) -> Result<keyring::Entry, String> {
        if !self.status.available {
            return Err(self.status.problem.clone().unwrap_or_default());
        }
        keyring::Entry::new(KEYRING_SERVICE, name).map_err(|e| e.to_string())
    }
}

impl Keyring for OsKeyring {
    fn status(&self) -> KeyringStatus {
        self.status.clone()
    }

    fn get(&self, name: &str) -> Result<Option<Secret>, String> {
        match self.entry(name)?.get_password() {
            Ok(value) => Ok(Some(Secret::new(value))),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(e.to_string()),
        }
    }

    fn set(&self, name: &str, value: &Secret) -> Result<(), String> {
        self.entry(name)?
            .set_password(value.expose())
            .map_err(|e| e.to_string())
    }

    fn delete(&self, name: &str) -> Result<(), String> {
        match self.entry(name)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(e.to_string()),
        }
    }
}

/// The names of the secrets in the keyring, saved beside the store.
pub struct KeyringIndex {
    path: PathBuf,
    names: Mutex<BTreeSet<String>>,
}

impl KeyringIndex {
    /// Reads the index in `data_dir`; a missing file is an empty index, an unreadable one is
    /// reported (and treated as empty) so the app still starts.
    pub fn open(data_dir: &Path) -> KeyringIndex {
        let path = data_dir.join(INDEX_FILE);
        let names = match std::fs::read_to_string(&path) {
            Ok(text) => serde_json::from_str(&text).unwrap_or_else(|e| {
                eprintln!(
                    "baton-app: {} is not a list of names ({e}); secrets in the keyring are not listed until they are set again",
                    path.display()
                );
                BTreeSet::new()
            }),
            Err(_) => BTreeSet::new(),
        };
        KeyringIndex {
            path,
            names: Mutex::new(names),
        }
    }

    fn names(&self) -> MutexGuard<'_, BTreeSet<String>> {
        self.names.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn contains(&self, name: &str) -> bool {
        self.names().contains(name)
    }

    pub fn list(&self) -> Vec<String> {
        self.names().iter().cloned().collect()
    }

    /// Adds or removes a name and saves the index at once.
    pub fn update(&self, name: &str, present: bool) -> Result<(), IpcError> {
        let mut names = self.names();
        let changed = if present {
            names.insert(name.to_string())
        } else {
            names.remove(name)
        };
        if !changed {
            return Ok(());
        }
        let text = serde_json::to_string_pretty(&*names).map_err(|e| {
            IpcError::internal("the keyring index could not be encoded").with_detail(e.to_string())
        })?;
        write_atomically(&self.path, text.as_bytes()).map_err(IpcError::from)
    }
}

/// The keyring as the engine's secret source: only names Baton put there are looked up.
pub struct KeyringSecrets {
    pub keyring: Arc<dyn Keyring>,
    pub index: Arc<KeyringIndex>,
}

impl SecretSource for KeyringSecrets {
    fn secret(&self, name: &str) -> Option<Secret> {
        if !self.index.contains(name) {
            return None;
        }
        match self.keyring.get(name) {
            Ok(value) => value,
            Err(e) => {
                eprintln!("baton-app: secret {name:?} could not be read from the keyring: {e}");
                None
            }
        }
    }
}

/// A name `{{secret.NAME}}` can refer to: letters, digits, `_`, `-` and `.`.
pub fn check_name(name: &str) -> Result<(), IpcError> {
    let ok = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'));
    if ok {
        Ok(())
    } else {
        Err(IpcError::invalid_input(format!(
            "secret name {name:?}: use letters, digits, '_', '-' and '.' (it is written {{{{secret.NAME}}}} in a collection)"
        )))
    }
}

/// A keyring in memory, for tests; `available: false` plays a machine without one.
#[derive(Default)]
pub struct MemoryKeyring {
    pub unavailable: Option<String>,
    values: Mutex<std::collections::BTreeMap<String, String>>,
}

impl MemoryKeyring {
    pub fn without_keyring(problem: &str) -> MemoryKeyring {
        MemoryKeyring {
            unavailable: Some(problem.to_string()),
            ..MemoryKeyring::default()
        }
    }

    fn values(&self) -> MutexGuard<'_, std::collections::BTreeMap<String, String>> {
        self.values.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl Keyring for MemoryKeyring {
    fn status(&self) -> KeyringStatus {
        KeyringStatus {
            available: self.unavailable.is_none(),
            problem: self.unavailable.clone(),
        }
    }

    fn get(&self, name: &str) -> Result<Option<Secret>, String> {
        Ok(self.values().get(name).cloned().map(Secret::new))
    }

    fn set(&self, name: &str, value: &Secret) -> Result<(), String> {
        if let Some(problem) = &self.unavailable {
            return Err(problem.clone());
        }
        self.values()
            .insert(name.to_string(), value.expose().to_string());
        Ok(())
    }

    fn delete(&self, name: &str) -> Result<(), String> {
        self.values().remove(name);
        Ok(())
    }
}
