//! Where the store is: `--store`, else `BATON_STORE`, else the app-data directory the desktop
//! app uses, so `baton run NAME` sees the collections saved in the app.

use std::path::{Path, PathBuf};

/// The app's identifier, which names its data directory on every platform.
pub const APP_IDENTIFIER: &str = "dev.baton.app";
const FILE_NAME: &str = "baton.sqlite";

pub fn resolve(explicit: Option<&Path>) -> PathBuf {
    if let Some(p) = explicit {
        return p.to_path_buf();
    }
    if let Some(p) = std::env::var_os("BATON_STORE").filter(|v| !v.is_empty()) {
        return PathBuf::from(p);
    }
    data_dir().join(APP_IDENTIFIER).join(FILE_NAME)
}

/// The platform's per-user data directory (what Tauri calls the app-data directory's parent).
fn data_dir() -> PathBuf {
    let var = |name: &str| {
        std::env::var_os(name)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    let home = var("HOME").unwrap_or_else(|| PathBuf::from("."));
    if cfg!(target_os = "macos") {
        home.join("Library").join("Application Support")
    } else if cfg!(windows) {
        var("APPDATA").unwrap_or(home)
    } else {
        var("XDG_DATA_HOME").unwrap_or_else(|| home.join(".local").join("share"))
    }
}
