//! Collections: saved whole, listed, renamed, duplicated and deleted by name.

use baton_core::scenario::{Collection, Environment, Scenario};
use rusqlite::{OptionalExtension, params};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{Context, Result, StoreError, from_json, to_json};
use crate::scenarios::insert_scenario;
use crate::store::{Store, collection_id, require_name};

/// A collection as listed: enough to choose one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct CollectionSummary {
    pub name: String,
    pub description: Option<String>,
    #[ts(type = "number")]
    pub scenario_count: usize,
    /// Epoch seconds of the last save, rename or scenario change.
    #[ts(type = "number")]
    pub updated_at: i64,
}

impl Store {
    /// Saves `collection` under its name, replacing whatever was saved under that name, in one
    /// transaction: if anything fails, the store keeps what it had. The collection's run history
    /// stays with it.
    pub fn save_collection(&mut self, collection: &Collection) -> Result<()> {
        let name = collection.name.as_str();
        require_name(&self.path, "collection", name)?;
        let now = self.now();
        let servers = to_json(&collection.servers, &self.path, || {
            format!("the servers of collection {name:?}")
        })?;
        let clients = to_json(&collection.clients, &self.path, || {
            format!("the clients of collection {name:?}")
        })?;
        let probe = collection
            .probe
            .as_ref()
            .map(|p| {
                to_json(p, &self.path, || {
                    format!("the probe target of collection {name:?}")
                })
            })
            .transpose()?;
        let action = format!("save collection {name:?}");
        let (tx, path) = self.write(&action)?;
        let id: i64 = tx
            .query_row(
                "INSERT INTO collections (name, description, servers, clients, probe, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)
                 ON CONFLICT (name) DO UPDATE SET
                     description = excluded.description,
                     servers = excluded.servers,
                     clients = excluded.clients,
                     probe = excluded.probe,
                     updated_at = excluded.updated_at
                 RETURNING id",
                params![name, collection.description, servers, clients, probe, now],
                |row| row.get(0),
            )
            .context(path, || action.clone())?;
        tx.execute("DELETE FROM scenarios WHERE collection_id = ?1", [id])
            .context(path, || action.clone())?;
        tx.execute("DELETE FROM environments WHERE collection_id = ?1", [id])
            .context(path, || action.clone())?;
        for (position, scenario) in collection.scenarios.iter().enumerate() {
            insert_scenario(&tx, path, id, name, position, scenario, now)?;
        }
        for (position, environment) in collection.environments.iter().enumerate() {
            let body = to_json(environment, path, || {
                format!("environment {:?} of collection {name:?}", environment.name)
            })?;
            tx.execute(
                "INSERT INTO environments (collection_id, position, name, body)
                 VALUES (?1, ?2, ?3, ?4)",
                params![id, position, environment.name, body],
            )
            .context(path, || action.clone())?;
        }
        tx.commit().context(path, || action.clone())
    }

    /// The collection saved as `name`, scenarios and environments in their order.
    pub fn load_collection(&self, name: &str) -> Result<Collection> {
        let path = self.path.as_str();
        let action = || format!("load collection {name:?}");
        let tx = self.read(&action())?;
        type Row = (i64, Option<String>, String, String, Option<String>);
        let (id, description, servers, clients, probe): Row = tx
            .query_row(
                "SELECT id, description, servers, clients, probe FROM collections WHERE name = ?1",
                [name],
                |row| {
                    Ok((
                        row.get(0)?,
                        row.get(1)?,
                        row.get(2)?,
                        row.get(3)?,
                        row.get(4)?,
                    ))
                },
            )
            .optional()
            .context(path, action)?
            .ok_or_else(|| StoreError::CollectionNotFound {
                path: path.to_string(),
                name: name.to_string(),
            })?;

        let mut scenarios = Vec::new();
        let mut stmt = tx
            .prepare_cached(
                "SELECT id, body FROM scenarios WHERE collection_id = ?1 ORDER BY position",
            )
            .context(path, action)?;
        let mut rows = stmt.query([id]).context(path, action)?;
        while let Some(row) = rows.next().context(path, action)? {
            let scenario_id: String = row.get(0).context(path, action)?;
            let body: String = row.get(1).context(path, action)?;
            scenarios.push(from_json::<Scenario>(&body, path, || {
                format!("scenario {scenario_id:?} of collection {name:?}")
            })?);
        }
        drop(rows);
        drop(stmt);

        let mut environments = Vec::new();
        let mut stmt = tx
            .prepare_cached(
                "SELECT name, body FROM environments WHERE collection_id = ?1 ORDER BY position",
            )
            .context(path, action)?;
        let mut rows = stmt.query([id]).context(path, action)?;
        while let Some(row) = rows.next().context(path, action)? {
            let env_name: String = row.get(0).context(path, action)?;
            let body: String = row.get(1).context(path, action)?;
            environments.push(from_json::<Environment>(&body, path, || {
                format!("environment {env_name:?} of collection {name:?}")
            })?);
        }

        let probe = probe
            .map(|p| {
                from_json(&p, path, || {
                    format!("the probe target of collection {name:?}")
                })
            })
            .transpose()?;
        Ok(Collection {
            name: name.to_string(),
            description,
            servers: from_json(&servers, path, || {
                format!("the servers of collection {name:?}")
            })?,
            clients: from_json(&clients, path, || {
                format!("the clients of collection {name:?}")
            })?,
            environments,
            scenarios,
            probe,
        })
    }

    /// Every collection, by name.
    pub fn list_collections(&self) -> Result<Vec<CollectionSummary>> {
        let path = self.path.as_str();
        let action = || "list the collections".to_string();
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT c.name, c.description,
                        (SELECT count(*) FROM scenarios s WHERE s.collection_id = c.id),
                        c.updated_at
                 FROM collections c
                 ORDER BY c.name",
            )
            .context(path, action)?;
        let rows = stmt
            .query_map([], |row| {
                Ok(CollectionSummary {
                    name: row.get(0)?,
                    description: row.get(1)?,
                    scenario_count: row.get(2)?,
                    updated_at: row.get(3)?,
                })
            })
            .context(path, action)?;
        rows.collect::<rusqlite::Result<Vec<_>>>()
            .context(path, action)
    }

    /// Gives collection `from` the name `to`. Its scenarios and run history go with it.
    pub fn rename_collection(&mut self, from: &str, to: &str) -> Result<()> {
        require_name(&self.path, "collection", to)?;
        let now = self.now();
        let action = format!("rename collection {from:?} to {to:?}");
        let (tx, path) = self.write(&action)?;
        let id = collection_id(&tx, path, from)?;
        if from == to {
            return Ok(());
        }
        refuse_existing(&tx, path, to)?;
        tx.execute(
            "UPDATE collections SET name = ?2, updated_at = ?3 WHERE id = ?1",
            params![id, to, now],
        )
        .context(path, || action.clone())?;
        tx.commit().context(path, || action.clone())
    }

    /// Deletes collection `name` with its scenarios, environments, run and probe history.
    pub fn delete_collection(&mut self, name: &str) -> Result<()> {
        let action = format!("delete collection {name:?}");
        let (tx, path) = self.write(&action)?;
        let deleted = tx
            .execute("DELETE FROM collections WHERE name = ?1", [name])
            .context(path, || action.clone())?;
        if deleted == 0 {
            return Err(StoreError::CollectionNotFound {
                path: path.to_string(),
                name: name.to_string(),
            });
        }
        tx.commit().context(path, || action.clone())
    }

    /// Copies collection `from` (servers, clients, probe target, environments and scenarios, in
    /// order) to a new collection `to`. Run and probe history stay with the original.
    pub fn duplicate_collection(&mut self, from: &str, to: &str) -> Result<()> {
        require_name(&self.path, "collection", to)?;
        let now = self.now();
        let action = format!("duplicate collection {from:?} as {to:?}");
        let (tx, path) = self.write(&action)?;
        let source = collection_id(&tx, path, from)?;
        refuse_existing(&tx, path, to)?;
        let copy: i64 = tx
            .query_row(
                "INSERT INTO collections (name, description, servers, clients, probe, created_at, updated_at)
                 SELECT ?2, description, servers, clients, probe, ?3, ?3 FROM collections WHERE id = ?1
                 RETURNING id",
                params![source, to, now],
                |row| row.get(0),
            )
            .context(path, || action.clone())?;
        tx.execute(
            "INSERT INTO scenarios (collection_id, id, name, position, step_count, body, updated_at)
             SELECT ?2, id, name, position, step_count, body, ?3
             FROM scenarios WHERE collection_id = ?1",
            params![source, copy, now],
        )
        .context(path, || action.clone())?;
        tx.execute(
            "INSERT INTO environments (collection_id, position, name, body)
             SELECT ?2, position, name, body FROM environments WHERE collection_id = ?1",
            params![source, copy],
        )
        .context(path, || action.clone())?;
        tx.commit().context(path, || action.clone())
    }
}

fn refuse_existing(conn: &rusqlite::Connection, path: &str, name: &str) -> Result<()> {
    match collection_id(conn, path, name) {
        Ok(_) => Err(StoreError::CollectionExists {
            path: path.to_string(),
            name: name.to_string(),
        }),
        Err(StoreError::CollectionNotFound { .. }) => Ok(()),
        Err(e) => Err(e),
    }
}
