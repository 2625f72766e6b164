//! Baton's store: collections, scenarios, secrets, run and probe history in one SQLite file.
//!
//! The schema is a list of numbered migrations compiled in ([`migrate`]), applied in one
//! transaction when a store opens; a file from a newer Baton is refused and left untouched. The
//! database is in WAL mode and every save is one transaction, so a crash of the process (even
//! `kill -9`) keeps every save that returned and never leaves a damaged file.
//!
//! Scenarios, environments, run records and probe reports are stored in their serde form as
//! JSON, beside the columns that are listed, ordered and looked up. Timestamps are epoch seconds.

mod collections;
mod error;
pub mod files;
pub mod keyring;
pub mod migrate;
mod probe_runs;
mod runs;
mod scenarios;
mod secrets;
mod store;

pub use collections::CollectionSummary;
pub use error::{Result, StoreError};
pub use migrate::SCHEMA_VERSION;
pub use probe_runs::ProbeRunSummary;
pub use runs::{RunId, RunSummary};
pub use scenarios::ScenarioSummary;
pub use secrets::StoreSecrets;
pub use store::Store;
