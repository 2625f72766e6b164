//! Opening a store: the connection, its settings and the schema check.

use std::fmt;
use std::path::Path;

use baton_core::{Clock, SystemClock};
use rusqlite::{Connection, OpenFlags, OptionalExtension, Transaction};

use crate::error::{Context, Result, StoreError};
use crate::migrate;

/// Baton's database: collections, scenarios, secrets and run history in one SQLite file.
///
/// A `Store` holds one connection. It is `Send` but not `Sync`: async code moves it into
/// `spawn_blocking`, or keeps it behind a mutex (`Arc<std::sync::Mutex<Store>>` or tokio's),
/// and calls it from one task at a time. Two stores may open the same file, in this process or
/// another; SQLite's locks keep their writes apart.
pub struct Store {
    pub(crate) conn: Connection,
    /// The file, as shown in messages; `:memory:` for an in-memory store.
    pub(crate) path: String,
    clock: Box<dyn Clock>,
}

// A connection may move between threads but not be shared; the store promises as much.
const _: fn() = || {
    fn send<T: Send>() {}
    send::<Store>();
};

impl fmt::Debug for Store {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Store").field("path", &self.path).finish()
    }
}

impl Store {
    /// Opens the store at `path`, creating the file if there is none, and brings its schema up
    /// to date.
    ///
    /// A file written by a newer Baton, or an SQLite file that is not a Baton store, is refused
    /// before anything is written to it, and left byte for byte as it was.
    pub fn open(path: impl AsRef<Path>) -> Result<Store> {
        let path = path.as_ref();
        let shown = path.display().to_string();
        // No SQLITE_OPEN_URI: a file name is a file name, even one that starts with `file:`.
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(path, flags)
            .map_err(|e| migrate::opening_error(e, &shown))?;
        Self::init(conn, shown)
    }

    /// A store that lives as long as the value: for tests, and for `baton run file.yaml`.
    pub fn open_in_memory() -> Result<Store> {
        let shown = ":memory:".to_string();
        let conn = Connection::open_in_memory().map_err(|e| migrate::opening_error(e, &shown))?;
        Self::init(conn, shown)
    }

    /// Uses `clock` for the `updated_at` of what is saved from now on.
    pub fn with_clock(mut self, clock: impl Clock + 'static) -> Store {
        self.clock = Box::new(clock);
        self
    }

    /// The database file (`:memory:` for an in-memory store).
    pub fn path(&self) -> &str {
        &self.path
    }

    fn init(mut conn: Connection, path: String) -> Result<Store> {
        // Only reads until the version is known to be ours: a newer Baton's file stays untouched.
        migrate::check_version(&conn, &path)?;
        // WAL: readers do not block the writer, and a commit is one append to the log.
        // synchronous = NORMAL: in WAL mode a commit is durable against a crash of the process
        // (SIGKILL, a panic) because it is in the OS once `write` returns; only a power loss or
        // OS crash may lose the last commits, never corrupt the file. FULL would fsync every
        // save for that last case, which an interactive tool does not need.
        let mode: String = conn
            .pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get(0))
            .map_err(|e| migrate::opening_error(e, &path))?;
        if mode != "wal" && mode != "memory" {
            return Err(StoreError::NoWal { path, mode });
        }
        conn.pragma_update(None, "synchronous", "NORMAL")
            .map_err(|e| migrate::opening_error(e, &path))?;
        conn.pragma_update(None, "foreign_keys", true)
            .map_err(|e| migrate::opening_error(e, &path))?;
        migrate::migrate(&mut conn, &path)?;
        Ok(Store {
            conn,
            path,
            clock: Box::new(SystemClock),
        })
    }

    /// The schema version of the open database (after migration, [`crate::SCHEMA_VERSION`]).
    pub fn schema_version(&self) -> Result<u32> {
        self.conn
            .pragma_query_value(None, "user_version", |row| row.get(0))
            .context(&self.path, || "read the schema version".to_string())
    }

    /// Epoch seconds, for `updated_at`.
    pub(crate) fn now(&self) -> i64 {
        self.clock.now()
    }

    /// Starts a write: the write lock is taken now, so a busy database fails here (after the
    /// busy timeout), not halfway through.
    pub(crate) fn write(&mut self, action: &str) -> Result<(Transaction<'_>, &str)> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .context(&self.path, || action.to_string())?;
        Ok((tx, &self.path))
    }

    /// Starts a read that sees one state of the database across several queries.
    pub(crate) fn read(&self, action: &str) -> Result<Transaction<'_>> {
        self.conn
            .unchecked_transaction()
            .context(&self.path, || action.to_string())
    }
}

/// The row id of collection `name`.
pub(crate) fn collection_id(conn: &Connection, path: &str, name: &str) -> Result<i64> {
    conn.query_row(
        "SELECT id FROM collections WHERE name = ?1",
        [name],
        |row| row.get(0),
    )
    .optional()
    .context(path, || format!("look up collection {name:?}"))?
    .ok_or_else(|| StoreError::CollectionNotFound {
        path: path.to_string(),
        name: name.to_string(),
    })
}

/// Refuses a blank name before anything is written.
pub(crate) fn require_name(path: &str, what: &'static str, name: &str) -> Result<()> {
    if name.trim().is_empty() {
        return Err(StoreError::BlankName {
            path: path.to_string(),
            what,
        });
    }
    Ok(())
}
