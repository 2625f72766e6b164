//! Plain-file import and export of collections: one collection per `*.baton.toml` file, written
//! so that it reads well and diffs well, read back with every mistake located by path, line and
//! column. The format is described for users in docs/collection-format.md.

mod check;
mod error;
mod parse;
mod write;

use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use baton_core::scenario::Collection;

pub use error::{FileError, Item, Location, Problem};
pub use parse::parse_collection;
pub use write::write_collection;

/// The version of the file format this Baton reads and writes (the `format` key).
pub const FORMAT: i64 = 1;

/// How a collection file's name ends.
pub const EXTENSION: &str = ".baton.toml";

/// Reads and parses one collection file.
pub fn read_collection(path: &Path) -> Result<Collection, FileError> {
    let bytes = fs::read(path).map_err(|source| FileError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let text = String::from_utf8(bytes).map_err(|e| {
        let valid = e.utf8_error().valid_up_to();
        // The bytes before the first bad one are text, so the position can be counted.
        let before = String::from_utf8_lossy(&e.as_bytes()[..valid]).into_owned();
        FileError::Invalid {
            at: Location::at_offset(path, &before, valid),
            problem: Problem::NotUtf8,
        }
    })?;
    parse_collection(&text, path)
}

/// Saves a collection to `path`, replacing the file at once: the text goes to a temporary file
/// beside it, is flushed to disk, and is renamed over the old file, so a crash leaves either the
/// old file or the new one, never half of one. A collection that could not be read back (a
/// duplicate id, a client naming a server it does not have, a secret written as a value) is
/// refused, and nothing is written.
pub fn save_collection_file(path: &Path, collection: &Collection) -> Result<(), FileError> {
    let not_saved = |problem| FileError::NotSaved {
        path: path.to_path_buf(),
        problem,
    };
    if let Some(finding) = check::check(collection).into_iter().next() {
        return Err(not_saved(finding.problem));
    }
    if let Some(problem) = check::unwritable(collection).into_iter().next() {
        return Err(not_saved(problem));
    }
    let text = write_collection(collection);
    // The checks above cover what a typed collection can get wrong; reading the text back
    // guards the rest (a `matches` pattern that is not a regular expression, say).
    if let Err(FileError::Invalid { problem, .. }) = parse_collection(&text, path) {
        return Err(not_saved(problem));
    }
    write_atomically(path, text.as_bytes())
}

/// Reads every `*.baton.toml` file in `dir` (not its subfolders), in the order of their names.
/// Stops at the first file with a mistake, whose error names it.
pub fn read_folder(dir: &Path) -> Result<Vec<(PathBuf, Collection)>, FileError> {
    let read_error = |source| FileError::Read {
        path: dir.to_path_buf(),
        source,
    };
    let mut paths = Vec::new();
    for entry in fs::read_dir(dir).map_err(read_error)? {
        let entry = entry.map_err(read_error)?;
        let path = entry.path();
        let is_collection = path.file_name().is_some_and(|n| {
            let n = n.to_string_lossy();
            n.ends_with(EXTENSION) && n.len() > EXTENSION.len()
        });
        if is_collection && path.is_file() {
            paths.push(path);
        }
    }
    paths.sort_by(|a, b| a.file_name().cmp(&b.file_name()));
    paths
        .into_iter()
        .map(|path| read_collection(&path).map(|c| (path, c)))
        .collect()
}

/// Writes `bytes` beside `path`, syncs, then renames over it: a crash or a full disk never
/// leaves half a file, and a replaced file keeps its permissions.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), FileError> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let write_error = |source| FileError::Write {
        path: path.to_path_buf(),
        source,
    };
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .ok_or_else(|| {
            write_error(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                "the path does not name a file",
            ))
        })?;
    let temp = dir.join(format!(
        ".{name}.{}-{}.tmp",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    let written = (|| {
        let mut file = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&temp)?;
        // A replaced file keeps its permissions (a collection kept private stays private).
        if let Ok(old) = fs::metadata(path) {
            file.set_permissions(old.permissions())?;
        }
        file.write_all(bytes)?;
        file.sync_all()?;
        drop(file);
        fs::rename(&temp, path)
    })();
    if let Err(e) = written {
        // Best effort: the temporary file is ours, and the error that matters is `e`.
        let _ = fs::remove_file(&temp);
        return Err(write_error(e));
    }
    sync_dir(&dir).map_err(write_error)
}

/// Makes the rename itself durable. Only Unix can open a directory to flush it.
#[cfg(unix)]
fn sync_dir(dir: &Path) -> std::io::Result<()> {
    fs::File::open(dir)?.sync_all()
}

#[cfg(not(unix))]
fn sync_dir(_dir: &Path) -> std::io::Result<()> {
    Ok(())
}
