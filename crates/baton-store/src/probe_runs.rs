//! Probe history: every probe run of a collection, appended, listed newest first and read back
//! whole.

use baton_core::probe::{PROBE_REPORT_VERSION, ProbeReport};
use baton_core::redact::mask_refresh_tokens_in_probe_report;
use rusqlite::{OptionalExtension, params};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{Context, Result, StoreError, from_json, to_json};
use crate::store::{Store, collection_id};

/// A probe run as listed in a collection's probe history: the report card's first line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ProbeRunSummary {
    #[ts(type = "number")]
    pub id: i64,
    /// The probed server's id in the collection.
    pub server: String,
    /// Epoch seconds.
    #[ts(type = "number")]
    pub started_at: i64,
    pub grade: String,
    pub passed: u32,
    pub failed: u32,
    pub skipped: u32,
    pub cancelled: bool,
}

/// A collection's probe history, newest first. It reads the `probe_runs_by_collection` index
/// backwards.
pub(crate) const LIST_PROBE_RUNS: &str =
    "SELECT id, server, started_at, grade, passed, failed, skipped, cancelled
     FROM probe_runs WHERE collection_id = ?1
     ORDER BY started_at DESC, id DESC";

impl Store {
    /// Appends `report` to the probe history of `collection`; returns the run's id.
    ///
    /// One statement, so it needs no transaction of its own (and only `&self`): the collection
    /// is looked up inside the insert, and a missing one inserts nothing.
    /// Refresh tokens are stored masked, whoever made the report.
    pub fn save_probe_run(&self, collection: &str, report: &ProbeReport) -> Result<i64> {
        let mut masked = report.clone();
        mask_refresh_tokens_in_probe_report(&mut masked);
        let report = &masked;
        let path = self.path.as_str();
        let body = to_json(report, path, || {
            format!(
                "the probe run of server {:?} in collection {collection:?}",
                report.server
            )
        })?;
        let action = || {
            format!(
                "save a probe run of server {:?} in collection {collection:?}",
                report.server
            )
        };
        let inserted = self
            .conn
            .execute(
                "INSERT INTO probe_runs
                     (collection_id, server, started_at, grade, passed, failed, skipped, cancelled, body)
                 SELECT id, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9 FROM collections WHERE name = ?1",
                params![
                    collection,
                    report.server,
                    report.started_at,
                    report.grade,
                    report.overall.passed,
                    report.overall.failed,
                    report.overall.skipped,
                    report.cancelled,
                    body
                ],
            )
            .context(path, action)?;
        if inserted == 0 {
            return Err(StoreError::CollectionNotFound {
                path: path.to_string(),
                name: collection.to_string(),
            });
        }
        Ok(self.conn.last_insert_rowid())
    }

    /// The probe runs of `collection`, newest first.
    pub fn probe_runs(&self, collection: &str) -> Result<Vec<ProbeRunSummary>> {
        let path = self.path.as_str();
        let action = || format!("list the probe runs of collection {collection:?}");
        let tx = self.read(&action())?;
        let cid = collection_id(&tx, path, collection)?;
        let mut stmt = tx.prepare_cached(LIST_PROBE_RUNS).context(path, action)?;
        let rows = stmt
            .query_map([cid], |row| {
                Ok(ProbeRunSummary {
                    id: row.get(0)?,
                    server: row.get(1)?,
                    started_at: row.get(2)?,
                    grade: row.get(3)?,
                    passed: row.get(4)?,
                    failed: row.get(5)?,
                    skipped: row.get(6)?,
                    cancelled: row.get(7)?,
                })
            })
            .context(path, action)?;
        rows.collect::<rusqlite::Result<Vec<_>>>()
            .context(path, action)
    }

    /// Probe run `id`, whole, as it was reported; refresh tokens masked (an earlier Baton stored
    /// them in the clear).
    pub fn probe_run(&self, id: i64) -> Result<ProbeReport> {
        let path = self.path.as_str();
        let body: String = self
            .conn
            .query_row("SELECT body FROM probe_runs WHERE id = ?1", [id], |row| {
                row.get(0)
            })
            .optional()
            .context(path, || format!("load probe run #{id}"))?
            .ok_or_else(|| StoreError::ProbeRunNotFound {
                path: path.to_string(),
                id,
            })?;
        // Look at the version first: a newer layout may not parse as this one.
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct Version {
            report_version: u32,
        }
        let version: Version = from_json(&body, path, || format!("probe run #{id}"))?;
        if version.report_version > PROBE_REPORT_VERSION {
            return Err(StoreError::ProbeRunTooNew {
                path: path.to_string(),
                id,
                found: version.report_version,
                supported: PROBE_REPORT_VERSION,
            });
        }
        let mut report: ProbeReport = from_json(&body, path, || format!("probe run #{id}"))?;
        mask_refresh_tokens_in_probe_report(&mut report);
        Ok(report)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use baton_core::scenario::Collection;

    #[test]
    fn a_collections_probe_history_is_read_from_the_index_newest_first() {
        let mut store = Store::open_in_memory().unwrap();
        store
            .save_collection(&Collection {
                probe: None,
                name: "c".into(),
                description: None,
                servers: vec![],
                clients: vec![],
                environments: vec![],
                scenarios: vec![],
            })
            .unwrap();
        let cid = collection_id(&store.conn, "", "c").unwrap();
        let mut stmt = store
            .conn
            .prepare(&format!("EXPLAIN QUERY PLAN {LIST_PROBE_RUNS}"))
            .unwrap();
        let plan: Vec<String> = stmt
            .query_map([cid], |row| row.get(3))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        assert!(
            plan.iter().any(|d| d.contains("probe_runs_by_collection")),
            "{plan:?}"
        );
        assert!(
            !plan
                .iter()
                .any(|d| d.starts_with("SCAN probe_runs") || d.contains("TEMP B-TREE")),
            "{plan:?}"
        );
    }
}
