//! What can go wrong in a command, and the exit code each failure gives.

use baton_core::ClientError;

/// Exit codes, documented in `baton --help`.
pub mod exit {
    /// The server answered with an OAuth error, an unreadable body, or a token failed verification.
    pub const REFUSED: u8 = 1;
    /// The command line or an input file is wrong.
    pub const USAGE: u8 = 2;
    /// The server could not be reached, timed out, or TLS failed.
    pub const TRANSPORT: u8 = 3;
    /// Findings reached the severity `--fail-on` names (the exchange itself succeeded).
    pub const FINDINGS: u8 = 4;
}

#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error("{0}")]
    Usage(String),
    #[error("{0}")]
    Transport(String),
    /// Already reported on the terminal; only the exit code is left to give.
    #[error("{0}")]
    Refused(String),
    /// `--fail-on`: findings at or above the severity given.
    #[error("{0}")]
    Findings(String),
}

impl CliError {
    pub fn code(&self) -> u8 {
        match self {
            CliError::Usage(_) => exit::USAGE,
            CliError::Transport(_) => exit::TRANSPORT,
            CliError::Refused(_) => exit::REFUSED,
            CliError::Findings(_) => exit::FINDINGS,
        }
    }
}

impl From<ClientError> for CliError {
    fn from(e: ClientError) -> Self {
        match e {
            ClientError::Request(e) => CliError::Usage(e.to_string()),
            ClientError::Transport(e) => CliError::Transport(e.to_string()),
            ClientError::Dpop(e) => {
                CliError::Usage(format!("the DPoP proof could not be made: {e}"))
            }
        }
    }
}

pub fn usage(message: impl Into<String>) -> CliError {
    CliError::Usage(message.into())
}
