//! Where the app keeps its store. `BATON_DATA_DIR` wins (tests, a portable setup); otherwise the
//! platform's app-data folder (`~/.local/share/dev.baton.app` on Linux), except that a debug
//! build uses a sibling `dev.baton.app-dev`, so a development build never touches a user's data.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

/// The environment variable that overrides the data folder.
pub const DATA_DIR_VAR: &str = "BATON_DATA_DIR";

/// The store's file name inside the data folder.
pub const STORE_FILE: &str = "baton.sqlite";

/// Picks the data folder. `app_data_dir` is Tauri's answer, asked only when there is no
/// override; `debug` is whether this is a development build. A relative override is taken from
/// the current folder.
pub fn choose(
    env_override: Option<OsString>,
    app_data_dir: impl FnOnce() -> Result<PathBuf, String>,
    debug: bool,
) -> Result<PathBuf, String> {
    if let Some(dir) = env_override.filter(|d| !d.is_empty()) {
        return std::path::absolute(&dir).map_err(|e| {
            format!(
                "{DATA_DIR_VAR}={} is not a usable folder: {e}",
                Path::new(&dir).display()
            )
        });
    }
    let dir = app_data_dir()
        .map_err(|e| format!("the app-data folder is unknown ({e}); set {DATA_DIR_VAR}"))?;
    Ok(if debug {
        development_sibling(&dir)
    } else {
        dir
    })
}

/// `…/dev.baton.app` → `…/dev.baton.app-dev`.
fn development_sibling(dir: &Path) -> PathBuf {
    let mut name = dir
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_else(|| OsString::from("dev.baton.app"));
    name.push("-dev");
    dir.with_file_name(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn platform() -> Result<PathBuf, String> {
        Ok(PathBuf::from("/home/u/.local/share/dev.baton.app"))
    }

    #[test]
    fn a_release_build_uses_the_app_data_folder() {
        assert_eq!(
            choose(None, platform, false),
            Ok(PathBuf::from("/home/u/.local/share/dev.baton.app"))
        );
    }

    #[test]
    fn a_debug_build_never_uses_the_users_folder() {
        assert_eq!(
            choose(None, platform, true),
            Ok(PathBuf::from("/home/u/.local/share/dev.baton.app-dev"))
        );
    }

    #[test]
    fn the_variable_overrides_both_and_blank_is_unset() {
        let set = Some(OsString::from("/tmp/baton-test"));
        assert_eq!(
            choose(set.clone(), platform, true),
            Ok(PathBuf::from("/tmp/baton-test"))
        );
        assert_eq!(
            choose(set, platform, false),
            Ok(PathBuf::from("/tmp/baton-test"))
        );
        assert_eq!(
            choose(Some(OsString::new()), platform, false),
            Ok(PathBuf::from("/home/u/.local/share/dev.baton.app"))
        );
    }

    #[test]
    fn a_relative_override_is_made_absolute() {
        let dir = choose(Some(OsString::from("data")), platform, false).unwrap();
        assert!(dir.is_absolute());
        assert!(dir.ends_with("data"));
    }

    #[test]
    fn no_app_data_folder_says_how_to_set_one() {
        let err = choose(None, || Err("no home".to_string()), false).unwrap_err();
        assert!(err.contains("BATON_DATA_DIR"), "{err}");
    }
}
