//! `--fail-on error|warning`: a non-zero exit when findings reach a severity, so a CI job can
//! gate on Baton's verdict about a server without writing an assertion.

use baton_core::{Finding, Severity};
use clap::ValueEnum;

use crate::error::CliError;

/// The least severity that fails the command.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    /// Error-level findings fail it.
    Error,
    /// Warnings and errors fail it.
    Warning,
}

impl FailOn {
    fn least(self) -> Severity {
        match self {
            FailOn::Error => Severity::Error,
            FailOn::Warning => Severity::Warning,
        }
    }

    fn name(self) -> &'static str {
        match self {
            FailOn::Error => "error",
            FailOn::Warning => "warning",
        }
    }

    /// Fails when any of `findings` (each with where it was found) is at least as severe.
    pub fn check<'a>(
        self,
        findings: impl IntoIterator<Item = (String, &'a Finding)>,
    ) -> Result<(), CliError> {
        let hits: Vec<String> = findings
            .into_iter()
            .filter(|(_, f)| f.severity >= self.least())
            .map(|(at, f)| format!("  {at}: {} {} ({})", f.severity.as_str(), f.id, f.reference))
            .collect();
        if hits.is_empty() {
            return Ok(());
        }
        Err(CliError::Findings(format!(
            "{} finding{} at or above {} (--fail-on {}):\n{}",
            hits.len(),
            if hits.len() == 1 { "" } else { "s" },
            self.name(),
            self.name(),
            hits.join("\n")
        )))
    }
}
