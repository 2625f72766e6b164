//! Secrets in the operating system's keyring (`keyring`: Secret Service on Linux, Keychain on
//! macOS, Credential Manager on Windows). The app keeps the secrets entered in it there when
//! there is a keyring, otherwise in the store's table, and says so; `baton run` reads them the
//! same way. Values never leave this module except as [`Secret`], and never go into a
//! collection file.
//!
//! A keyring cannot list what it holds, so the names of the secrets Baton put there are kept in
//! `keyring-secrets.json` beside the store (names only).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, mpsc};
use std::time::Duration;

use baton_core::Secret;
use baton_core::scenario::SecretSource;
use serde::Serialize;
use ts_rs::TS;

use crate::files::{FileError, write_atomically};

/// The keyring's service name: entries are (`dev.baton.app`, secret name).
pub const KEYRING_SERVICE: &str = "dev.baton.app";
/// Set to `off` to keep secrets out of the OS keyring (tests, shared machines).
pub const KEYRING_VAR: &str = "BATON_KEYRING";
pub const INDEX_FILE: &str = "keyring-secrets.json";

/// Whether secrets can go to the keyring, and why not when they cannot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct KeyringStatus {
    pub available: bool,
    /// Why not, when it is not.
    pub problem: Option<String>,
}
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

/// The OS keyring, asked whether it is there only when first needed (listing or setting a
/// secret, or a run looking one up), so a slow Secret Service never holds up a launch.
#[derive(Default)]
pub struct LazyOsKeyring(OnceLock<OsKeyring>);

impl LazyOsKeyring {
    fn keyring(&self) -> &OsKeyring {
        self.0.get_or_init(|| {
            let keyring = OsKeyring::probe();
            if let Some(problem) = &keyring.status.problem {
                eprintln!("baton: no OS keyring ({problem}); secrets are kept in the store");
            }
            keyring
        })
    }
}

impl Keyring for LazyOsKeyring {
    fn status(&self) -> KeyringStatus {
        self.keyring().status()
    }

    fn get(&self, name: &str) -> Result<Option<Secret>, String> {
        self.keyring().get(name)
    }

    fn set(&self, name: &str, value: &Secret) -> Result<(), String> {
        self.keyring().set(name, value)
    }

    fn delete(&self, name: &str) -> Result<(), String> {
        self.keyring().delete(name)
    }
}

/// The names of the secrets in the keyring, saved in the folder of the store.
pub struct KeyringIndex {
    path: PathBuf,
    names: Mutex<BTreeSet<String>>,
}

impl KeyringIndex {
    /// Reads the index in `dir` (the store's folder); a missing file is an empty index, an
    /// unreadable one is reported on stderr (and treated as empty) so the app still starts.
    pub fn open(dir: &Path) -> KeyringIndex {
        let path = dir.join(INDEX_FILE);
        let names = match std::fs::read_to_string(&path) {
            Ok(text) => serde_json::from_str(&text).unwrap_or_else(|e| {
                eprintln!(
                    "baton: {} is not a list of names ({e}); secrets in the keyring are not listed until they are set again",
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

    pub fn is_empty(&self) -> bool {
        self.names().is_empty()
    }

    /// Adds or removes a name and saves the index at once.
    pub fn update(&self, name: &str, present: bool) -> Result<(), FileError> {
        let mut names = self.names();
        let changed = if present {
            names.insert(name.to_string())
        } else {
            names.remove(name)
        };
        if !changed {
            return Ok(());
        }
        let text = serde_json::to_string_pretty(&*names).map_err(|e| FileError::Write {
            path: self.path.clone(),
            source: std::io::Error::other(e),
        })?;
        write_atomically(&self.path, text.as_bytes())
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
                eprintln!("baton: secret {name:?} could not be read from the keyring: {e}");
                None
            }
        }
    }
}

/// A name `{{secret.NAME}}` can refer to: letters, digits, `_`, `-` and `.`; the error says so.
pub fn check_name(name: &str) -> Result<(), String> {
    let ok = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'));
    if ok {
        Ok(())
    } else {
        Err(format!(
            "secret name {name:?}: use letters, digits, '_', '-' and '.' (it is written {{{{secret.NAME}}}} in a collection)"
        ))
    }
}

/// The keyring as a secret source for `baton run` and the app, when Baton has put any secret
/// there (the index beside the store lists one): otherwise the keyring is not even asked.
pub fn keyring_secrets_beside(store_dir: &Path) -> Option<KeyringSecrets> {
    let index = KeyringIndex::open(store_dir);
    if index.is_empty() {
        return None;
    }
    let keyring = OsKeyring::probe();
    if let Some(problem) = keyring.status().problem {
        eprintln!(
            "warning: the OS keyring is not available ({problem}); secrets kept there are not used"
        );
    }
    Some(KeyringSecrets {
        keyring: Arc::new(keyring),
        index: Arc::new(index),
    })
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_index_keeps_names_across_opens_and_only_listed_names_are_looked_up() {
        let dir = tempfile::TempDir::new().unwrap();
        let index = KeyringIndex::open(dir.path());
        assert!(index.is_empty());
        index.update("api-key", true).unwrap();
        index.update("other", true).unwrap();
        index.update("other", false).unwrap();
        let again = KeyringIndex::open(dir.path());
        assert_eq!(again.list(), ["api-key"]);
        let text = std::fs::read_to_string(dir.path().join(INDEX_FILE)).unwrap();
        assert!(
            text.contains("api-key") && !text.contains("other"),
            "{text}"
        );

        let keyring = Arc::new(MemoryKeyring::default());
        keyring.set("api-key", &Secret::new("k-1")).unwrap();
        keyring.set("unlisted", &Secret::new("k-2")).unwrap();
        let source = KeyringSecrets {
            keyring,
            index: Arc::new(again),
        };
        assert_eq!(
            source
                .secret("api-key")
                .map(|s| s.expose().to_string())
                .as_deref(),
            Some("k-1")
        );
        assert!(
            source.secret("unlisted").is_none(),
            "a name Baton did not list is not read"
        );
    }

    #[test]
    fn a_damaged_index_is_empty_not_fatal() {
        let dir = tempfile::TempDir::new().unwrap();
        std::fs::write(dir.path().join(INDEX_FILE), "{not json").unwrap();
        assert!(KeyringIndex::open(dir.path()).is_empty());
    }

    #[test]
    fn names_are_those_a_reference_can_spell() {
        assert!(check_name("alice.password").is_ok());
        assert!(check_name("web-app_2").is_ok());
        let err = check_name("has space").unwrap_err();
        assert!(err.contains("{{secret.NAME}}"), "{err}");
        assert!(check_name("").is_err());
    }
}
