//! What can go wrong in the store. Every message names the database file and the collection,
//! scenario, secret or run it is about, so it can be shown to a user as it is.

use crate::runs::RunId;

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot open the store {path}: {source}")]
    Open {
        path: String,
        #[source]
        source: rusqlite::Error,
    },

    #[error(
        "{path} is not a Baton store: it is not an SQLite database, or it is another program's, or it is damaged; it was left as it was"
    )]
    NotAStore { path: String },

    #[error(
        "{path} was written by a newer Baton (schema version {found}); this build supports schema versions up to {supported}. Open it with a newer Baton; the file was left as it was"
    )]
    TooNew {
        path: String,
        found: i64,
        supported: u32,
    },

    /// Some file systems (network shares) cannot hold a write-ahead log.
    #[error(
        "cannot use {path}: SQLite refused write-ahead logging there (journal mode stays {mode}); keep the store on a local disk"
    )]
    NoWal { path: String, mode: String },

    #[error(
        "cannot upgrade {path} to schema version {version} ({name}): {source}; the file was left at its old version"
    )]
    Migration {
        path: String,
        version: u32,
        name: &'static str,
        #[source]
        source: rusqlite::Error,
    },

    /// A query or a write failed: disk full, the file locked by another program, I/O error.
    #[error("{path}: cannot {action}: {source}")]
    Sqlite {
        path: String,
        action: String,
        #[source]
        source: rusqlite::Error,
    },

    #[error("{path} has no collection named {name:?}")]
    CollectionNotFound { path: String, name: String },

    #[error("{path} already has a collection named {name:?}")]
    CollectionExists { path: String, name: String },

    #[error("collection {collection:?} in {path} has no scenario with the id {id:?}")]
    ScenarioNotFound {
        path: String,
        collection: String,
        id: String,
    },

    #[error(
        "collection {collection:?} has more than one scenario with the id {id:?}; give each its own id. Nothing was saved to {path}"
    )]
    DuplicateScenarioId {
        path: String,
        collection: String,
        id: String,
    },

    #[error("{path} has no secret named {name:?}")]
    SecretNotFound { path: String, name: String },

    #[error("{path} has no run {id}")]
    RunNotFound { path: String, id: RunId },

    #[error(
        "run {id} in {path} was recorded by a newer Baton (record version {found}); this build reads record versions up to {supported}"
    )]
    RunTooNew {
        path: String,
        id: RunId,
        found: u32,
        supported: u32,
    },

    #[error("{path} has no probe run #{id}")]
    ProbeRunNotFound { path: String, id: i64 },

    #[error(
        "probe run #{id} in {path} was reported by a newer Baton (report version {found}); this build reads report versions up to {supported}"
    )]
    ProbeRunTooNew {
        path: String,
        id: i64,
        found: u32,
        supported: u32,
    },

    #[error("cannot save to {path}: a {what} needs a name that is not blank")]
    BlankName { path: String, what: &'static str },

    /// Stored JSON that this build cannot read back.
    #[error("{path}: {what} is stored in a form this build cannot read: {source}")]
    Corrupt {
        path: String,
        what: String,
        #[source]
        source: serde_json::Error,
    },

    #[error("cannot save {what} to {path}: {source}")]
    Encode {
        path: String,
        what: String,
        #[source]
        source: serde_json::Error,
    },
}

/// Names the file and the action on a failed query.
pub(crate) trait Context<T> {
    fn context(self, path: &str, action: impl FnOnce() -> String) -> Result<T>;
}

impl<T> Context<T> for rusqlite::Result<T> {
    fn context(self, path: &str, action: impl FnOnce() -> String) -> Result<T> {
        self.map_err(|source| StoreError::Sqlite {
            path: path.to_string(),
            action: action(),
            source,
        })
    }
}

/// The model's serde form, as stored in a JSON column.
pub(crate) fn to_json<T: serde::Serialize>(
    value: &T,
    path: &str,
    what: impl FnOnce() -> String,
) -> Result<String> {
    serde_json::to_string(value).map_err(|source| StoreError::Encode {
        path: path.to_string(),
        what: what(),
        source,
    })
}

pub(crate) fn from_json<T: serde::de::DeserializeOwned>(
    text: &str,
    path: &str,
    what: impl FnOnce() -> String,
) -> Result<T> {
    serde_json::from_str(text).map_err(|source| StoreError::Corrupt {
        path: path.to_string(),
        what: what(),
        source,
    })
}
