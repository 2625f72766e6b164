//! The schema, as numbered SQL migrations compiled into the binary. `PRAGMA user_version` holds
//! the number of the last one applied; opening a store applies the rest in one transaction.
//! A migration, once released, is never edited: a change to the schema is a new migration.

use rusqlite::{Connection, ErrorCode, TransactionBehavior};

use crate::error::{Result, StoreError};

/// One step of the schema.
#[derive(Debug, Clone, Copy)]
pub struct Migration {
    /// Its number; after it is applied, `user_version` is this.
    pub version: u32,
    pub name: &'static str,
    pub sql: &'static str,
}

/// Every migration, in order, numbered from 1 without gaps.
pub const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "0001_collections",
        sql: include_str!("../migrations/0001_collections.sql"),
    },
    Migration {
        version: 2,
        name: "0002_runs",
        sql: include_str!("../migrations/0002_runs.sql"),
    },
    Migration {
        version: 3,
        name: "0003_probe",
        sql: include_str!("../migrations/0003_probe.sql"),
    },
];

/// The newest schema this build knows: the number of the last migration.
pub const SCHEMA_VERSION: u32 = 3;

/// The schema version of an open database, without writing anything.
///
/// Refuses a database from a newer Baton, and an SQLite database with tables that is not a
/// Baton store (version 0 but not empty), before anything is written to it.
pub(crate) fn check_version(conn: &Connection, path: &str) -> Result<u32> {
    let found: i64 = conn
        .pragma_query_value(None, "user_version", |row| row.get(0))
        .map_err(|e| opening_error(e, path))?;
    if found > i64::from(SCHEMA_VERSION) {
        return Err(StoreError::TooNew {
            path: path.to_string(),
            found,
            supported: SCHEMA_VERSION,
        });
    }
    let Ok(version) = u32::try_from(found) else {
        return Err(StoreError::NotAStore {
            path: path.to_string(),
        });
    };
    if version == 0 {
        let objects: i64 = conn
            .query_row("SELECT count(*) FROM sqlite_schema", [], |row| row.get(0))
            .map_err(|e| opening_error(e, path))?;
        if objects > 0 {
            return Err(StoreError::NotAStore {
                path: path.to_string(),
            });
        }
    }
    Ok(version)
}

/// Applies every migration the database does not have yet, all in one transaction: a failure
/// leaves the database at the version it had.
pub(crate) fn migrate(conn: &mut Connection, path: &str) -> Result<()> {
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(|e| opening_error(e, path))?;
    // Read again under the write lock: another process may have migrated since the first look.
    let current = check_version(&tx, path)?;
    let pending = MIGRATIONS.iter().filter(|m| m.version > current);
    for migration in pending {
        let failed = |source| StoreError::Migration {
            path: path.to_string(),
            version: migration.version,
            name: migration.name,
            source,
        };
        tx.execute_batch(migration.sql).map_err(failed)?;
        tx.pragma_update(None, "user_version", migration.version)
            .map_err(failed)?;
    }
    tx.commit().map_err(|e| opening_error(e, path))
}

/// An error while opening: "not a database" gets its own message, anything else names the file.
pub(crate) fn opening_error(source: rusqlite::Error, path: &str) -> StoreError {
    match source.sqlite_error_code() {
        Some(ErrorCode::NotADatabase) => StoreError::NotAStore {
            path: path.to_string(),
        },
        _ => StoreError::Open {
            path: path.to_string(),
            source,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_are_numbered_from_one_without_gaps_and_end_at_the_schema_version() {
        for (i, m) in MIGRATIONS.iter().enumerate() {
            assert_eq!(m.version as usize, i + 1, "{}", m.name);
            assert!(
                m.name.starts_with(&format!("{:04}_", m.version)),
                "{} should start with its number",
                m.name
            );
        }
        assert_eq!(MIGRATIONS.last().map(|m| m.version), Some(SCHEMA_VERSION));
    }

    #[test]
    fn a_failing_migration_leaves_the_database_at_its_old_version() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(MIGRATIONS[0].sql).unwrap();
        conn.pragma_update(None, "user_version", 1).unwrap();
        // Migration 2 creates `runs`; make that fail.
        conn.execute_batch("CREATE TABLE runs (x)").unwrap();
        let err = migrate(&mut conn, "test.sqlite").unwrap_err();
        assert!(
            matches!(err, StoreError::Migration { version: 2, .. }),
            "{err}"
        );
        let message = err.to_string();
        assert!(
            message.contains("test.sqlite") && message.contains("0002_runs"),
            "{message}"
        );
        let version: u32 = conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .unwrap();
        assert_eq!(version, 1);
    }
}
