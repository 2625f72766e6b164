//! Where the app keeps its store. `BATON_DATA_DIR` wins (tests, a portable setup, a development
//! build kept apart from one's data); otherwise the platform's app-data folder
//! (`~/.local/share/dev.baton.app` on Linux), in a debug build too: it is the store the `baton`
//! CLI uses by default, so a collection imported with the CLI shows in the app a newcomer starts
//! with `scripts/start.sh` (a debug build), and the other way round.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

/// The environment variable that overrides the data folder.
pub const DATA_DIR_VAR: &str = "BATON_DATA_DIR";

/// The store's file name inside the data folder.
pub const STORE_FILE: &str = "baton.sqlite";

/// Picks the data folder. `app_data_dir` is Tauri's answer, asked only when there is no
/// override. A relative override is taken from the current folder.
pub fn choose(
    env_override: Option<OsString>,
    app_data_dir: impl FnOnce() -> Result<PathBuf, String>,
) -> Result<PathBuf, String> {
    if let Some(dir) = env_override.filter(|d| !d.is_empty()) {
        return std::path::absolute(&dir).map_err(|e| {
            format!(
                "{DATA_DIR_VAR}={} is not a usable folder: {e}",
                Path::new(&dir).display()
            )
        });
    }
    app_data_dir().map_err(|e| format!("the app-data folder is unknown ({e}); set {DATA_DIR_VAR}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn platform() -> Result<PathBuf, String> {
        Ok(PathBuf::from("/home/u/.local/share/dev.baton.app"))
    }

    #[test]
    fn every_build_uses_the_app_data_folder() {
        assert_eq!(
            choose(None, platform),
            Ok(PathBuf::from("/home/u/.local/share/dev.baton.app"))
        );
    }

    #[test]
    fn the_folder_is_the_one_the_cli_defaults_to() {
        // Tauri names the app-data folder after the identifier; crates/baton-cli/src/store_path.rs
        // (APP_IDENTIFIER) defaults to the same folder.
        assert!(include_str!("../tauri.conf.json").contains(r#""identifier": "dev.baton.app""#));
    }

    #[test]
    fn the_variable_overrides_it_and_blank_is_unset() {
        let set = Some(OsString::from("/tmp/baton-test"));
        assert_eq!(
            choose(set.clone(), platform),
            Ok(PathBuf::from("/tmp/baton-test"))
        );
        assert_eq!(choose(set, platform), Ok(PathBuf::from("/tmp/baton-test")));
        assert_eq!(
            choose(Some(OsString::new()), platform),
            Ok(PathBuf::from("/home/u/.local/share/dev.baton.app"))
        );
    }

    #[test]
    fn a_relative_override_is_made_absolute() {
        let dir = choose(Some(OsString::from("data")), platform).unwrap();
        assert!(dir.is_absolute());
        assert!(dir.ends_with("data"));
    }

    #[test]
    fn no_app_data_folder_says_how_to_set_one() {
        let err = choose(None, || Err("no home".to_string())).unwrap_err();
        assert!(err.contains("BATON_DATA_DIR"), "{err}");
    }
}
