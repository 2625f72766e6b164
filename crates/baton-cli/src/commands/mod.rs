//! One module per command; helpers that several commands share live here.

use regex::{Regex, RegexBuilder};

use crate::error::{CliError, usage};

pub mod collections;
pub mod demo;
pub mod diff;
pub mod exchange;
pub mod graph;
pub mod inspect;
pub mod run;
pub mod send;
pub mod sts;
pub mod token;

/// `--filter PATTERN`: a case-insensitive regex matched against a scenario's id and name.
pub fn scenario_filter(pattern: Option<&str>) -> Result<Option<Regex>, CliError> {
    pattern
        .map(|p| {
            RegexBuilder::new(p)
                .case_insensitive(true)
                .build()
                .map_err(|e| usage(format!("--filter {p:?} is not a valid pattern: {e}")))
        })
        .transpose()
}
