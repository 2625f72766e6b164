//! Secrets: the values of `{{secret.NAME}}`, kept apart from every collection.
//!
//! They are stored as they are, unencrypted, in the database file: the file is as sensitive as
//! the secrets in it. They are never logged: values cross this module only as [`Secret`].

use std::sync::{Arc, Mutex, PoisonError};

use baton_core::Secret;
use baton_core::scenario::SecretSource;
use rusqlite::{OptionalExtension, params};

use crate::error::{Context, Result, StoreError};
use crate::store::{Store, require_name};

impl Store {
    /// Sets secret `name`, replacing its value if it has one.
    pub fn set_secret(&mut self, name: &str, value: &Secret) -> Result<()> {
        require_name(&self.path, "secret", name)?;
        let now = self.now();
        let action = format!("save secret {name:?}");
        let (tx, path) = self.write(&action)?;
        tx.execute(
            "INSERT INTO secrets (name, value, updated_at) VALUES (?1, ?2, ?3)
             ON CONFLICT (name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
            params![name, value.expose(), now],
        )
        .context(path, || action.clone())?;
        tx.commit().context(path, || action.clone())
    }

    /// The value of secret `name`, if it is set.
    pub fn secret(&self, name: &str) -> Result<Option<Secret>> {
        self.conn
            .query_row("SELECT value FROM secrets WHERE name = ?1", [name], |row| {
                row.get::<_, String>(0)
            })
            .optional()
            .map(|value| value.map(Secret::new))
            .context(&self.path, || format!("read secret {name:?}"))
    }

    /// Deletes secret `name`.
    pub fn delete_secret(&mut self, name: &str) -> Result<()> {
        let deleted = self
            .conn
            .execute("DELETE FROM secrets WHERE name = ?1", [name])
            .context(&self.path, || format!("delete secret {name:?}"))?;
        if deleted == 0 {
            return Err(StoreError::SecretNotFound {
                path: self.path.clone(),
                name: name.to_string(),
            });
        }
        Ok(())
    }

    /// The names of the secrets that are set, sorted; never their values.
    pub fn secret_names(&self) -> Result<Vec<String>> {
        let action = || "list the secret names".to_string();
        let mut stmt = self
            .conn
            .prepare_cached("SELECT name FROM secrets ORDER BY name")
            .context(&self.path, action)?;
        let rows = stmt
            .query_map([], |row| row.get(0))
            .context(&self.path, action)?;
        rows.collect::<rusqlite::Result<Vec<String>>>()
            .context(&self.path, action)
    }
}

/// The store's secret table as a [`SecretSource`] for the engine, read at each lookup so a
/// secret set while the app runs is used by the next run.
///
/// A [`Store`] is not `Sync`, so this shares it behind a mutex; the app can keep the same
/// `Arc<Mutex<Store>>` for everything else. A lookup that fails to read the database (locked,
/// damaged) answers "not set", and the run reports the secret as missing by name.
#[derive(Debug, Clone)]
pub struct StoreSecrets(Arc<Mutex<Store>>);

impl StoreSecrets {
    pub fn new(store: Arc<Mutex<Store>>) -> Self {
        Self(store)
    }

    /// The shared store, for everything that is not a secret lookup.
    pub fn store(&self) -> &Arc<Mutex<Store>> {
        &self.0
    }
}

impl From<Store> for StoreSecrets {
    fn from(store: Store) -> Self {
        Self(Arc::new(Mutex::new(store)))
    }
}

impl SecretSource for StoreSecrets {
    fn secret(&self, name: &str) -> Option<Secret> {
        // Every write is a transaction, so a panic elsewhere cannot leave the store half-changed:
        // a poisoned lock is safe to use.
        let store = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        store.secret(name).ok().flatten()
    }
}
