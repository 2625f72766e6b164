//! Scenarios inside a collection: listed in order, saved one at a time by id, deleted.

use baton_core::scenario::Scenario;
use rusqlite::{Connection, params};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{Context, Result, StoreError, to_json};
use crate::store::{Store, collection_id, require_name};

/// A scenario as listed: enough to show it in its place.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ScenarioSummary {
    pub id: String,
    pub name: String,
    #[ts(type = "number")]
    pub step_count: usize,
    /// Its place in the collection; ascending, not necessarily contiguous.
    pub position: u32,
}

/// The listing, in collection order. It reads the `scenarios_in_order` index
/// (collection_id, position): no scan of the table, no sort.
pub(crate) const LIST_SCENARIOS: &str = "SELECT id, name, step_count, position
     FROM scenarios WHERE collection_id = ?1 ORDER BY position";

impl Store {
    /// The scenarios of `collection`, in collection order.
    pub fn list_scenarios(&self, collection: &str) -> Result<Vec<ScenarioSummary>> {
        let path = self.path.as_str();
        let action = || format!("list the scenarios of collection {collection:?}");
        let tx = self.read(&action())?;
        let id = collection_id(&tx, path, collection)?;
        let mut stmt = tx.prepare_cached(LIST_SCENARIOS).context(path, action)?;
        let rows = stmt
            .query_map([id], |row| {
                Ok(ScenarioSummary {
                    id: row.get(0)?,
                    name: row.get(1)?,
                    step_count: row.get(2)?,
                    position: row.get(3)?,
                })
            })
            .context(path, action)?;
        rows.collect::<rusqlite::Result<Vec<_>>>()
            .context(path, action)
    }

    /// Saves `scenario` in `collection`: replaces the scenario with its id where it stands, or
    /// adds it at the end.
    pub fn save_scenario(&mut self, collection: &str, scenario: &Scenario) -> Result<()> {
        require_name(&self.path, "scenario id", &scenario.id)?;
        let now = self.now();
        let body = to_json(scenario, &self.path, || {
            format!("scenario {:?} of collection {collection:?}", scenario.id)
        })?;
        let action = format!(
            "save scenario {:?} in collection {collection:?}",
            scenario.id
        );
        let (tx, path) = self.write(&action)?;
        let id = collection_id(&tx, path, collection)?;
        tx.execute(
            "INSERT INTO scenarios (collection_id, id, name, position, step_count, body, updated_at)
             VALUES (?1, ?2, ?3,
                     (SELECT coalesce(max(position) + 1, 0) FROM scenarios WHERE collection_id = ?1),
                     ?4, ?5, ?6)
             ON CONFLICT (collection_id, id) DO UPDATE SET
                 name = excluded.name,
                 step_count = excluded.step_count,
                 body = excluded.body,
                 updated_at = excluded.updated_at",
            params![id, scenario.id, scenario.name, scenario.steps.len(), body, now],
        )
        .context(path, || action.clone())?;
        touch_collection(&tx, path, id, now)?;
        tx.commit().context(path, || action.clone())
    }

    /// Deletes scenario `id` from `collection`. Its run history is kept.
    pub fn delete_scenario(&mut self, collection: &str, id: &str) -> Result<()> {
        let now = self.now();
        let action = format!("delete scenario {id:?} from collection {collection:?}");
        let (tx, path) = self.write(&action)?;
        let cid = collection_id(&tx, path, collection)?;
        let deleted = tx
            .execute(
                "DELETE FROM scenarios WHERE collection_id = ?1 AND id = ?2",
                params![cid, id],
            )
            .context(path, || action.clone())?;
        if deleted == 0 {
            return Err(StoreError::ScenarioNotFound {
                path: path.to_string(),
                collection: collection.to_string(),
                id: id.to_string(),
            });
        }
        touch_collection(&tx, path, cid, now)?;
        tx.commit().context(path, || action.clone())
    }
}

/// Inserts one scenario of a collection being saved whole. A second scenario with the same id
/// fails here, and the caller's transaction is rolled back.
pub(crate) fn insert_scenario(
    conn: &Connection,
    path: &str,
    collection_id: i64,
    collection: &str,
    position: usize,
    scenario: &Scenario,
    now: i64,
) -> Result<()> {
    require_name(path, "scenario id", &scenario.id)?;
    let body = to_json(scenario, path, || {
        format!("scenario {:?} of collection {collection:?}", scenario.id)
    })?;
    let inserted = conn.execute(
        "INSERT INTO scenarios (collection_id, id, name, position, step_count, body, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            collection_id,
            scenario.id,
            scenario.name,
            position,
            scenario.steps.len(),
            body,
            now
        ],
    );
    match inserted {
        Ok(_) => Ok(()),
        Err(rusqlite::Error::SqliteFailure(e, _))
            if e.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY =>
        {
            Err(StoreError::DuplicateScenarioId {
                path: path.to_string(),
                collection: collection.to_string(),
                id: scenario.id.clone(),
            })
        }
        Err(e) => Err(e).context(path, || {
            format!(
                "save scenario {:?} in collection {collection:?}",
                scenario.id
            )
        }),
    }
}

/// Marks a collection changed.
fn touch_collection(conn: &Connection, path: &str, id: i64, now: i64) -> Result<()> {
    conn.execute(
        "UPDATE collections SET updated_at = ?2 WHERE id = ?1",
        params![id, now],
    )
    .context(path, || "mark the collection changed".to_string())?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use baton_core::scenario::Collection;

    fn plan(store: &Store, sql: &str, id: i64) -> Vec<String> {
        let mut stmt = store
            .conn
            .prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
            .unwrap();
        stmt.query_map([id], |row| row.get::<_, String>(3))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap()
    }

    #[test]
    fn ten_thousand_scenarios_are_listed_in_order_from_the_index() {
        let mut store = Store::open_in_memory().unwrap();
        let scenarios = (0..10_000)
            .map(|i| Scenario {
                id: format!("sc_{i:05}"),
                name: format!("Scenario {i}"),
                description: None,
                steps: vec![],
                cache: false,
                cache_margin_secs: None,
            })
            .collect();
        store
            .save_collection(&Collection {
                probe: None,
                name: "big".into(),
                description: None,
                servers: vec![],
                clients: vec![],
                environments: vec![],
                scenarios,
            })
            .unwrap();
        // One more after the fact, and one replaced in place: both keep the order.
        store
            .save_scenario(
                "big",
                &Scenario {
                    id: "sc_last".into(),
                    name: "Added".into(),
                    description: None,
                    steps: vec![],
                    cache: false,
                    cache_margin_secs: None,
                },
            )
            .unwrap();
        store
            .save_scenario(
                "big",
                &Scenario {
                    id: "sc_00042".into(),
                    name: "Renamed".into(),
                    description: None,
                    steps: vec![],
                    cache: false,
                    cache_margin_secs: None,
                },
            )
            .unwrap();

        let listed = store.list_scenarios("big").unwrap();
        assert_eq!(listed.len(), 10_001);
        assert!(listed.windows(2).all(|w| w[0].position < w[1].position));
        assert_eq!(listed[42].name, "Renamed");
        assert_eq!(listed[10_000].id, "sc_last");

        let id = collection_id(&store.conn, "", "big").unwrap();
        let plan = plan(&store, LIST_SCENARIOS, id);
        assert!(
            plan.iter()
                .any(|d| d.contains("USING INDEX scenarios_in_order")),
            "the listing should read the index: {plan:?}"
        );
        assert!(
            !plan
                .iter()
                .any(|d| d.starts_with("SCAN") || d.contains("TEMP B-TREE")),
            "the listing should neither scan nor sort: {plan:?}"
        );
    }
}
