//! Baton's desktop app: a thin Tauri shell over the crates. On launch it opens the store, seeds
//! the demo workspace into an empty one and starts the lab token service; the commands of
//! docs/ipc.md are plain functions over [`AppState`] ([`commands`]), adapted to Tauri in
//! [`shell`]. No protocol logic lives here.

pub mod commands;
pub mod data_dir;
pub mod error;
pub mod file_grants;
mod lab_control;
pub mod shell;
pub mod signin;
pub mod state;
pub mod views;

pub use error::{IpcError, IpcErrorCode};
pub use shell::run;
pub use state::AppState;
