//! What can be wrong with a collection file, and where. Every message says what was expected, so
//! it can be shown as it is; the `Problem` says what kind of mistake it is, for code to branch on.

use std::fmt;
use std::path::{Path, PathBuf};

use super::FORMAT;

#[derive(Debug, thiserror::Error)]
pub enum FileError {
    #[error("{}: cannot read it: {source}", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error("{}: cannot save it: {source}", path.display())]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    /// A mistake in a file, at a line and column of it.
    #[error("{at}: {problem}")]
    Invalid { at: Location, problem: Problem },

    /// A collection that would make a file Baton cannot read back; nothing was written.
    #[error("{}: not saved: {problem}", path.display())]
    NotSaved { path: PathBuf, problem: Problem },
}

impl FileError {
    pub fn problem(&self) -> Option<&Problem> {
        match self {
            FileError::Invalid { problem, .. } | FileError::NotSaved { problem, .. } => {
                Some(problem)
            }
            FileError::Read { .. } | FileError::Write { .. } => None,
        }
    }

    pub fn location(&self) -> Option<&Location> {
        match self {
            FileError::Invalid { at, .. } => Some(at),
            _ => None,
        }
    }
}

/// A place in a file: its path, and a line and column counted from 1 (the column in characters).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub path: PathBuf,
    pub line: usize,
    pub column: usize,
}

impl Location {
    /// The line and column of byte `offset` of `text`.
    pub fn at_offset(path: &Path, text: &str, offset: usize) -> Location {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let before = &text[..offset];
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        Location {
            path: path.to_path_buf(),
            line: before.matches('\n').count() + 1,
            column: before[line_start..].chars().count() + 1,
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.path.display(), self.line, self.column)
    }
}

/// The things in a collection that have an id (or, for environments, a name).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Item {
    Server,
    Client,
    Environment,
    Scenario,
    Step,
}

impl Item {
    pub fn as_str(self) -> &'static str {
        match self {
            Item::Server => "server",
            Item::Client => "client",
            Item::Environment => "environment",
            Item::Scenario => "scenario",
            Item::Step => "step",
        }
    }

    fn plural(self) -> &'static str {
        match self {
            Item::Server => "servers",
            Item::Client => "clients",
            Item::Environment => "environments",
            Item::Scenario => "scenarios",
            Item::Step => "steps",
        }
    }
}

impl fmt::Display for Item {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Problem {
    #[error("the file is not UTF-8 text")]
    NotUtf8,

    /// Not TOML: the parser's message.
    #[error("not valid TOML: {0}")]
    Syntax(String),

    /// TOML, but not the shape of a collection: an unknown key, a wrong type, a missing key, a
    /// step without exactly one action, an assertion that is not one check. The message names
    /// what was expected.
    #[error("{0}")]
    Shape(String),

    #[error(
        "this file does not say its format: a Baton collection file starts with `format = {FORMAT}`"
    )]
    MissingFormat,

    #[error(
        "`format` is the version of the file format, a whole number: write `format = {FORMAT}`"
    )]
    FormatNotANumber,

    #[error(
        "this file is format {found}, written by a newer Baton; this Baton reads format {FORMAT}: update Baton to open it"
    )]
    NewerFormat { found: String },

    #[error("there is no collection format {found}; this Baton reads format {FORMAT}")]
    UnknownFormat { found: String },

    /// A second item with an id (or environment name) already used.
    #[error("{}", duplicate_message(*.item, .id, .scenario.as_deref(), *.first_line))]
    Duplicate {
        item: Item,
        id: String,
        /// For a step, the scenario it is in.
        scenario: Option<String>,
        /// Where the first one is, when read from a file.
        first_line: Option<usize>,
    },

    /// A client naming a server, or a step naming a client or server, that the collection does
    /// not have.
    #[error("{}", unknown_message(.from, *.item, .id, .known))]
    UnknownReference {
        /// Who names it: `client "web-app"`, `step "swap" of scenario "delegation"`.
        from: String,
        item: Item,
        id: String,
        /// The ids the collection has for that kind of item.
        known: Vec<String>,
    },

    /// A secret written as a value. The value itself is never repeated.
    #[error(
        "`{field}` must name a secret, not hold one: a collection file never holds a secret. Write `{field} = \"{reference}\"` and supply the value in the environment variable {env_var} or in Baton's secret store"
    )]
    LiteralSecret {
        field: &'static str,
        /// A reference to write instead, e.g. `{{secret.web-app}}`.
        reference: String,
        env_var: String,
    },

    /// A request a step would build that breaks the protocol (an empty required parameter, a
    /// standard parameter sent through `params`) without the step saying so with `omit`.
    #[error("step {step:?} of scenario {scenario:?}: {why}")]
    Request {
        step: String,
        scenario: String,
        why: String,
    },

    /// A value TOML cannot hold (a JSON null in a claim assertion).
    #[error(
        "{what} holds null, which a TOML file cannot hold; use `exists = false` for a claim that must be absent"
    )]
    NotRepresentable { what: String },
}

fn duplicate_message(item: Item, id: &str, scenario: Option<&str>, first: Option<usize>) -> String {
    let key = if item == Item::Environment {
        "is named"
    } else {
        "has the id"
    };
    let within = match scenario {
        Some(s) => format!(" in scenario {s:?}"),
        None => String::new(),
    };
    let first = match first {
        Some(line) => format!(" (the first is on line {line})"),
        None => String::new(),
    };
    let scope = match (item, scenario) {
        (Item::Step, Some(_)) => "each step of a scenario",
        (Item::Environment, _) => "each environment",
        (Item::Server, _) => "each server",
        (Item::Client, _) => "each client",
        (Item::Scenario, _) => "each scenario",
        (Item::Step, None) => "each step",
    };
    let what = if item == Item::Environment {
        "name"
    } else {
        "id"
    };
    format!("a second {item}{within} {key} {id:?}{first}; {scope} needs its own {what}")
}

fn unknown_message(from: &str, item: Item, id: &str, known: &[String]) -> String {
    let expected = if known.is_empty() {
        format!("the collection has no {}", item.plural())
    } else {
        let ids: Vec<String> = known.iter().map(|k| format!("{k:?}")).collect();
        format!("expected one of its {}: {}", item.plural(), ids.join(", "))
    };
    format!("{from} names {item} {id:?}, which is not in this collection; {expected}")
}
