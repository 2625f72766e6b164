//! Files the user chose in a dialog Baton opened. The window never names a path: it asks for a
//! dialog (`choose_file`), gets back a grant for what the user picked, and a command that reads
//! or writes a file takes only that grant, once, for the purpose the dialog was opened for. So
//! script in the window could never read or overwrite a file of its own choosing.

use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::IpcError;
use crate::views::DiagramFormat;

/// What a file is chosen for: decides the dialog (open or save, its filters) and which command
/// may use the answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum FilePurpose {
    /// A collection file to read (an open dialog).
    ImportCollection,
    /// Where to write a collection file (a save dialog).
    ExportCollection,
    /// Where to write a run's diagram, SVG or PNG by its extension (a save dialog).
    ExportDiagram,
}

/// The answer of a dialog: the grant to pass to the command, and the path for the window to show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct FileChoice {
    pub grant: String,
    pub path: String,
}

/// The dialog to open for a purpose.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DialogSpec {
    pub title: &'static str,
    /// Open (`false`) or save (`true`).
    pub save: bool,
    pub filters: Vec<(&'static str, &'static [&'static str])>,
    /// The file name a save dialog suggests.
    pub file_name: Option<String>,
}

impl DialogSpec {
    /// `name` names the collection or run the file is for.
    pub fn of(purpose: FilePurpose, name: Option<&str>) -> Self {
        let collection = ("Baton collection", &["toml"] as &'static [&'static str]);
        match purpose {
            FilePurpose::ImportCollection => Self {
                title: "Import a collection",
                save: false,
                filters: vec![collection],
                file_name: None,
            },
            FilePurpose::ExportCollection => Self {
                title: "Export the collection",
                save: true,
                filters: vec![collection],
                file_name: Some(format!("{}.baton.toml", slug(name, "collection"))),
            },
            FilePurpose::ExportDiagram => Self {
                title: "Export the diagram",
                save: true,
                filters: vec![("SVG image", &["svg"]), ("PNG image", &["png"])],
                file_name: Some(format!("{}.svg", slug(name, "diagram"))),
            },
        }
    }
}

/// `name` in lower case with runs of anything but letters and digits as one `-`.
fn slug(name: Option<&str>, fallback: &str) -> String {
    let mut out = String::new();
    for c in name.unwrap_or_default().chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    let out = out.trim_end_matches('-');
    if out.is_empty() {
        fallback.to_owned()
    } else {
        out.to_owned()
    }
}

/// The format a diagram's path asks for by its extension, and the path to write: a path without
/// `.svg` or `.png` gets `.svg`.
pub fn diagram_target(path: &Path) -> (PathBuf, DiagramFormat) {
    let extension = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    match extension.as_deref() {
        Some("png") => (path.to_path_buf(), DiagramFormat::Png),
        Some("svg") => (path.to_path_buf(), DiagramFormat::Svg),
        _ => {
            let mut with = path.as_os_str().to_owned();
            with.push(".svg");
            (PathBuf::from(with), DiagramFormat::Svg)
        }
    }
}

/// The grants not used yet: a few at most (a dialog answered and then abandoned is forgotten
/// when newer ones push it out).
#[derive(Debug, Default)]
pub struct FileGrants {
    granted: Mutex<Granted>,
}

#[derive(Debug, Default)]
struct Granted {
    next: u64,
    open: VecDeque<(String, PathBuf, FilePurpose)>,
}

const KEPT: usize = 8;

impl FileGrants {
    /// Records what the user picked in a dialog opened for `purpose`.
    pub fn grant(&self, path: PathBuf, purpose: FilePurpose) -> FileChoice {
        let path = match purpose {
            FilePurpose::ExportDiagram => diagram_target(&path).0,
            FilePurpose::ImportCollection | FilePurpose::ExportCollection => path,
        };
        let mut granted = self.granted.lock().unwrap_or_else(|e| e.into_inner());
        granted.next = granted.next.wrapping_add(1);
        let id = format!("file-{}", granted.next);
        if granted.open.len() >= KEPT {
            granted.open.pop_front();
        }
        let shown = path.display().to_string();
        granted.open.push_back((id.clone(), path, purpose));
        FileChoice {
            grant: id,
            path: shown,
        }
    }

    /// The path a grant stands for, once, and only for the purpose its dialog was opened for.
    pub fn take(&self, grant: &str, purpose: FilePurpose) -> Result<PathBuf, IpcError> {
        let mut granted = self.granted.lock().unwrap_or_else(|e| e.into_inner());
        let at = granted
            .open
            .iter()
            .position(|(id, _, p)| id == grant && *p == purpose)
            .ok_or_else(|| {
                IpcError::invalid_input(format!(
                    "{grant:?} is not a file chosen in Baton's dialog for this: \
                     Baton reads and writes only files you pick in its own dialog"
                ))
            })?;
        let (_, path, _) = granted.open.remove(at).ok_or_else(|| {
            IpcError::internal("a file grant disappeared while it was taken".to_owned())
        })?;
        Ok(path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_grant_is_taken_once_and_only_for_its_purpose() {
        let grants = FileGrants::default();
        let choice = grants.grant(
            PathBuf::from("/home/me/a.baton.toml"),
            FilePurpose::ExportCollection,
        );
        assert_eq!(choice.path, "/home/me/a.baton.toml");
        let wrong = grants
            .take(&choice.grant, FilePurpose::ImportCollection)
            .unwrap_err();
        assert!(
            wrong
                .message
                .contains("not a file chosen in Baton's dialog"),
            "{}",
            wrong.message
        );
        assert_eq!(
            grants
                .take(&choice.grant, FilePurpose::ExportCollection)
                .unwrap(),
            PathBuf::from("/home/me/a.baton.toml")
        );
        assert!(
            grants
                .take(&choice.grant, FilePurpose::ExportCollection)
                .is_err()
        );
    }

    #[test]
    fn a_path_or_a_made_up_grant_is_refused() {
        let grants = FileGrants::default();
        grants.grant(
            PathBuf::from("/home/me/a.baton.toml"),
            FilePurpose::ImportCollection,
        );
        assert!(
            grants
                .take("/home/me/a.baton.toml", FilePurpose::ImportCollection)
                .is_err()
        );
        assert!(
            grants
                .take("file-2", FilePurpose::ImportCollection)
                .is_err()
        );
    }

    #[test]
    fn only_the_newest_grants_are_kept() {
        let grants = FileGrants::default();
        let first = grants.grant(PathBuf::from("/tmp/0"), FilePurpose::ImportCollection);
        for i in 1..=KEPT {
            grants.grant(
                PathBuf::from(format!("/tmp/{i}")),
                FilePurpose::ImportCollection,
            );
        }
        assert!(
            grants
                .take(&first.grant, FilePurpose::ImportCollection)
                .is_err()
        );
    }

    #[test]
    fn a_diagram_path_gets_its_format_from_its_extension() {
        assert_eq!(
            diagram_target(Path::new("/t/a.PNG")),
            (PathBuf::from("/t/a.PNG"), DiagramFormat::Png)
        );
        assert_eq!(
            diagram_target(Path::new("/t/a.svg")),
            (PathBuf::from("/t/a.svg"), DiagramFormat::Svg)
        );
        assert_eq!(
            diagram_target(Path::new("/t/agents")),
            (PathBuf::from("/t/agents.svg"), DiagramFormat::Svg)
        );
        let grants = FileGrants::default();
        assert_eq!(
            grants
                .grant(PathBuf::from("/t/x.pdf"), FilePurpose::ExportDiagram)
                .path,
            "/t/x.pdf.svg"
        );
    }

    #[test]
    fn save_dialogs_suggest_a_file_named_after_what_is_saved() {
        let spec = DialogSpec::of(FilePurpose::ExportCollection, Some("Baton demo!"));
        assert_eq!(spec.file_name.as_deref(), Some("baton-demo.baton.toml"));
        assert!(spec.save);
        let spec = DialogSpec::of(FilePurpose::ExportDiagram, Some("  "));
        assert_eq!(spec.file_name.as_deref(), Some("diagram.svg"));
        assert!(!DialogSpec::of(FilePurpose::ImportCollection, None).save);
    }
}
