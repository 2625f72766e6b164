//! The one error every command returns: a code the UI branches on, a message it shows as it is,
//! and a detail (the underlying cause) it offers behind a disclosure. Errors from the crates are
//! mapped here, by variant, never by their text.

use std::error::Error as StdError;
use std::fmt;

use baton_core::discovery::DiscoveryError;
use baton_core::probe::ProbeSetupError;
use baton_core::scenario::{ResolveError, ServerError};
use baton_store::StoreError;
use baton_store::files::FileError;
use baton_sts::{PolicyError, StsError};
use serde::Serialize;
use ts_rs::TS;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum IpcErrorCode {
    /// A collection, scenario, run or server that is not there.
    NotFound,
    /// A name, a file or a value the user gave is wrong; the message says where.
    InvalidInput,
    /// A reference of the scenario does not resolve; nothing was sent.
    Unresolved,
    /// A name already taken.
    Conflict,
    /// The database failed; the detail has the SQLite message.
    Store,
    /// A server could not be reached.
    Transport,
    /// A bug: the message says what.
    Internal,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct IpcError {
    pub code: IpcErrorCode,
    pub message: String,
    pub detail: Option<String>,
    /// The 1-based line of a mistake in a policy or a collection file, for the editor to mark.
    #[ts(type = "number | null")]
    pub line: Option<usize>,
    /// The form field a wrong value was given in (a preset's parameter), for the form to mark.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub field: Option<String>,
}

impl IpcError {
    pub fn new(code: IpcErrorCode, message: impl Into<String>) -> Self {
        IpcError {
            code,
            message: message.into(),
            detail: None,
            line: None,
            field: None,
        }
    }

    /// Names the form field the wrong value is in.
    pub fn in_field(mut self, field: impl Into<String>) -> Self {
        self.field = Some(field.into());
        self
    }

    pub fn at_line(mut self, line: Option<usize>) -> Self {
        self.line = line;
        self
    }

    pub fn with_detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(IpcErrorCode::NotFound, message)
    }

    pub fn invalid_input(message: impl Into<String>) -> Self {
        Self::new(IpcErrorCode::InvalidInput, message)
    }

    pub fn conflict(message: impl Into<String>) -> Self {
        Self::new(IpcErrorCode::Conflict, message)
    }

    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(IpcErrorCode::Internal, message)
    }

    /// `message` with the error's causes as the detail.
    fn from_error(code: IpcErrorCode, error: &(dyn StdError + 'static)) -> Self {
        IpcError {
            code,
            message: error.to_string(),
            detail: causes(error),
            line: None,
            field: None,
        }
    }
}

impl fmt::Display for IpcError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.message)?;
        if let Some(detail) = &self.detail {
            write!(f, " ({detail})")?;
        }
        Ok(())
    }
}

impl StdError for IpcError {}

/// The error's sources, innermost last: for the store, the SQLite message.
fn causes(error: &(dyn StdError + 'static)) -> Option<String> {
    let mut parts = Vec::new();
    let mut next = error.source();
    while let Some(cause) = next {
        parts.push(cause.to_string());
        next = cause.source();
    }
    (!parts.is_empty()).then(|| parts.join(": "))
}

impl From<StoreError> for IpcError {
    fn from(e: StoreError) -> Self {
        use StoreError as S;
        let code = match &e {
            S::CollectionNotFound { .. }
            | S::ScenarioNotFound { .. }
            | S::SecretNotFound { .. }
            | S::RunNotFound { .. }
            | S::ProbeRunNotFound { .. } => IpcErrorCode::NotFound,
            S::CollectionExists { .. } => IpcErrorCode::Conflict,
            S::DuplicateScenarioId { .. } | S::BlankName { .. } => IpcErrorCode::InvalidInput,
            S::Open { .. }
            | S::NotAStore { .. }
            | S::TooNew { .. }
            | S::NoWal { .. }
            | S::Migration { .. }
            | S::Sqlite { .. }
            | S::RunTooNew { .. }
            | S::ProbeRunTooNew { .. }
            | S::Corrupt { .. }
            | S::Encode { .. } => IpcErrorCode::Store,
        };
        IpcError::from_error(code, &e)
    }
}

impl From<FileError> for IpcError {
    /// The message of a mistake in a file starts with `path:line:col`.
    fn from(e: FileError) -> Self {
        let code = match &e {
            FileError::Read { source, .. } if source.kind() == std::io::ErrorKind::NotFound => {
                IpcErrorCode::NotFound
            }
            FileError::Read { .. }
            | FileError::Write { .. }
            | FileError::Invalid { .. }
            | FileError::NotSaved { .. } => IpcErrorCode::InvalidInput,
        };
        let line = match &e {
            FileError::Invalid { at, .. } => Some(at.line),
            _ => None,
        };
        IpcError::from_error(code, &e).at_line(line)
    }
}

impl From<PolicyError> for IpcError {
    /// A policy the lab cannot run: `invalid_input` at its line.
    fn from(e: PolicyError) -> Self {
        let line = e.line();
        IpcError::from_error(IpcErrorCode::InvalidInput, &e).at_line(line)
    }
}

impl From<StsError> for IpcError {
    fn from(e: StsError) -> Self {
        match e {
            StsError::Policy(p) => p.into(),
            StsError::ClientKey { .. } | StsError::TrustedIssuer { .. } | StsError::Faults(_) => {
                IpcError::from_error(IpcErrorCode::InvalidInput, &e)
            }
            StsError::Bind { .. } | StsError::Key(_) | StsError::KeyTask(_) => {
                IpcError::from_error(IpcErrorCode::Internal, &e)
            }
        }
    }
}

impl From<ResolveError> for IpcError {
    fn from(e: ResolveError) -> Self {
        IpcError::from_error(IpcErrorCode::Unresolved, &e)
    }
}

impl From<ServerError> for IpcError {
    fn from(e: ServerError) -> Self {
        let code = match &e {
            ServerError::UnknownServer { .. } => IpcErrorCode::NotFound,
            ServerError::Unresolved { .. } => IpcErrorCode::Unresolved,
        };
        IpcError::from_error(code, &e)
    }
}

impl From<ProbeSetupError> for IpcError {
    /// The collection's `[probe]` or the roles chosen are unusable (`baton probe` exits 2 on
    /// these): the message says which role and why; nothing was probed.
    fn from(e: ProbeSetupError) -> Self {
        IpcError::from_error(IpcErrorCode::InvalidInput, &e)
    }
}

impl From<DiscoveryError> for IpcError {
    fn from(e: DiscoveryError) -> Self {
        let code = match &e {
            DiscoveryError::BadIssuer { .. } => IpcErrorCode::InvalidInput,
            DiscoveryError::NotFound { .. } | DiscoveryError::NoTokenEndpoint { .. } => {
                IpcErrorCode::NotFound
            }
            DiscoveryError::Transport(_) => IpcErrorCode::Transport,
        };
        IpcError::from_error(code, &e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_cross_ipc_in_snake_case() {
        let e = IpcError::invalid_input("x.baton.toml:3:1: bad").with_detail("why");
        let json = serde_json::to_value(&e).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"code": "invalid_input", "message": "x.baton.toml:3:1: bad", "detail": "why", "line": null})
        );
        let not_found = serde_json::to_value(IpcErrorCode::NotFound).unwrap();
        assert_eq!(not_found, "not_found");
    }

    #[test]
    fn store_errors_map_by_variant() {
        let missing: IpcError = StoreError::CollectionNotFound {
            path: "s.sqlite".into(),
            name: "x".into(),
        }
        .into();
        assert_eq!(missing.code, IpcErrorCode::NotFound);
        let taken: IpcError = StoreError::CollectionExists {
            path: "s.sqlite".into(),
            name: "x".into(),
        }
        .into();
        assert_eq!(taken.code, IpcErrorCode::Conflict);
        assert!(taken.message.contains("\"x\""), "{}", taken.message);
        let failed: IpcError = StoreError::Sqlite {
            path: "s.sqlite".into(),
            action: "save".into(),
            source: rusqlite::Error::InvalidQuery,
        }
        .into();
        assert_eq!(failed.code, IpcErrorCode::Store);
        assert!(failed.detail.is_some(), "the SQLite message is the detail");
    }
}
