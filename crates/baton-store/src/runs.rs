//! Run history: every run record, appended, listed newest first and read back whole.

use std::fmt;

use baton_core::redact::mask_refresh_tokens_in_run;
use baton_core::scenario::record::RECORD_VERSION;
use baton_core::scenario::{RunOutcome, RunRecord};
use rusqlite::{OptionalExtension, params};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{Context, Result, StoreError, from_json, to_json};
use crate::store::{Store, collection_id};

/// A saved run, as numbered by the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, TS)]
#[serde(transparent)]
#[ts(export, type = "number")]
pub struct RunId(pub i64);

impl fmt::Display for RunId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{}", self.0)
    }
}

/// A run as listed in a scenario's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct RunSummary {
    pub id: RunId,
    pub scenario_id: String,
    /// Epoch seconds.
    #[ts(type = "number")]
    pub started_at: i64,
    pub outcome: RunOutcome,
    #[ts(type = "number")]
    pub elapsed_ms: u64,
}

/// A scenario's history, newest first. It reads the `runs_by_scenario` index backwards.
pub(crate) const LIST_RUNS: &str = "SELECT id, scenario_id, started_at, outcome, elapsed_ms
     FROM runs WHERE collection_id = ?1 AND scenario_id = ?2
     ORDER BY started_at DESC, id DESC";

fn outcome_name(outcome: RunOutcome) -> &'static str {
    match outcome {
        RunOutcome::Passed => "passed",
        RunOutcome::Failed => "failed",
    }
}

impl Store {
    /// Appends `record` to the history of `collection`.
    /// Refresh tokens are stored masked, whoever made the record.
    pub fn save_run(&mut self, collection: &str, record: &RunRecord) -> Result<RunId> {
        let mut masked = record.clone();
        mask_refresh_tokens_in_run(&mut masked);
        let record = &masked;
        let body = to_json(record, &self.path, || {
            format!(
                "the run of scenario {:?} in collection {collection:?}",
                record.scenario_id
            )
        })?;
        let action = format!(
            "save a run of scenario {:?} in collection {collection:?}",
            record.scenario_id
        );
        let (tx, path) = self.write(&action)?;
        let cid = collection_id(&tx, path, collection)?;
        tx.execute(
            "INSERT INTO runs (collection_id, scenario_id, started_at, outcome, elapsed_ms, record)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                cid,
                record.scenario_id,
                record.started_at,
                outcome_name(record.outcome),
                record.elapsed_ms,
                body
            ],
        )
        .context(path, || action.clone())?;
        let id = RunId(tx.last_insert_rowid());
        tx.commit().context(path, || action.clone())?;
        Ok(id)
    }

    /// The runs of scenario `scenario_id` in `collection`, newest first.
    pub fn list_runs(&self, collection: &str, scenario_id: &str) -> Result<Vec<RunSummary>> {
        let path = self.path.as_str();
        let action =
            || format!("list the runs of scenario {scenario_id:?} in collection {collection:?}");
        let tx = self.read(&action())?;
        let cid = collection_id(&tx, path, collection)?;
        let mut stmt = tx.prepare_cached(LIST_RUNS).context(path, action)?;
        let mut rows = stmt
            .query(params![cid, scenario_id])
            .context(path, action)?;
        let mut runs = Vec::new();
        while let Some(row) = rows.next().context(path, action)? {
            let id = RunId(row.get(0).context(path, action)?);
            let outcome: String = row.get(3).context(path, action)?;
            let outcome = match outcome.as_str() {
                "passed" => RunOutcome::Passed,
                "failed" => RunOutcome::Failed,
                // The schema's CHECK allows nothing else; a newer Baton would have migrated.
                other => {
                    return Err(StoreError::Corrupt {
                        path: path.to_string(),
                        what: format!("the outcome of run {id}"),
                        source: serde::de::Error::custom(format!("unknown outcome {other:?}")),
                    });
                }
            };
            runs.push(RunSummary {
                id,
                scenario_id: row.get(1).context(path, action)?,
                started_at: row.get(2).context(path, action)?,
                outcome,
                elapsed_ms: row.get(4).context(path, action)?,
            });
        }
        Ok(runs)
    }

    /// Run `id`, whole, as it was recorded; refresh tokens masked (an earlier Baton stored them
    /// in the clear).
    pub fn load_run(&self, id: RunId) -> Result<RunRecord> {
        let path = self.path.as_str();
        let body: String = self
            .conn
            .query_row("SELECT record FROM runs WHERE id = ?1", [id.0], |row| {
                row.get(0)
            })
            .optional()
            .context(path, || format!("load run {id}"))?
            .ok_or_else(|| StoreError::RunNotFound {
                path: path.to_string(),
                id,
            })?;
        // Look at the version first: a newer layout may not parse as this one.
        #[derive(Deserialize)]
        struct Version {
            record_version: u32,
        }
        let version: Version = from_json(&body, path, || format!("run {id}"))?;
        if version.record_version > RECORD_VERSION {
            return Err(StoreError::RunTooNew {
                path: path.to_string(),
                id,
                found: version.record_version,
                supported: RECORD_VERSION,
            });
        }
        let mut record: RunRecord = from_json(&body, path, || format!("run {id}"))?;
        mask_refresh_tokens_in_run(&mut record);
        Ok(record)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use baton_core::scenario::Collection;

    #[test]
    fn a_scenarios_history_is_read_from_the_index_newest_first() {
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
            .prepare(&format!("EXPLAIN QUERY PLAN {LIST_RUNS}"))
            .unwrap();
        let plan: Vec<String> = stmt
            .query_map(params![cid, "s"], |row| row.get(3))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        assert!(
            plan.iter().any(|d| d.contains("runs_by_scenario")),
            "{plan:?}"
        );
        assert!(
            !plan
                .iter()
                .any(|d| d.starts_with("SCAN runs") || d.contains("TEMP B-TREE")),
            "{plan:?}"
        );
    }
}
