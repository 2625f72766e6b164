//! Mapping a provider's known error responses to advice in the provider's own terms.

use regex::Regex;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{KnownError, Preset};
use crate::response::TokenResponse;

/// What a provider's error means and what to change, from its preset.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Advice {
    pub preset_id: String,
    pub provider: String,
    /// The error code answered.
    pub error: String,
    /// Which known error matched, e.g. `invalid_grant, description matches AADSTS65001\b`.
    pub matched: String,
    pub advice: String,
    /// Where the provider documents it.
    pub sources: Vec<String>,
}

impl std::fmt::Display for Advice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.provider, self.advice)
    }
}

impl Preset {
    /// Advice for a token endpoint's error response, if the provider's preset knows the error.
    pub fn explain(&self, response: &TokenResponse) -> Option<Advice> {
        let error = response.error()?;
        self.explain_error(
            Some(response.status),
            error.error.as_str(),
            error.error_description.as_deref(),
        )
    }

    /// Advice for an error code, with the HTTP status and the description when known. The first
    /// known error that matches wins, so the files list the specific ones first.
    pub fn explain_error(
        &self,
        status: Option<u16>,
        error: &str,
        description: Option<&str>,
    ) -> Option<Advice> {
        let known = self
            .errors
            .iter()
            .find(|k| matches(k, status, error, description))?;
        Some(Advice {
            preset_id: self.id.clone(),
            provider: self.name.clone(),
            error: error.to_string(),
            matched: describe(known),
            advice: known.advice.clone(),
            sources: self.sources.clone(),
        })
    }
}

fn matches(
    known: &KnownError,
    status: Option<u16>,
    error: &str,
    description: Option<&str>,
) -> bool {
    if known.error != error {
        return false;
    }
    if let (Some(expected), Some(got)) = (known.status, status)
        && expected != got
    {
        return false;
    }
    let description = description.unwrap_or("");
    if let Some(needle) = &known.description_contains
        && !description.to_lowercase().contains(&needle.to_lowercase())
    {
        return false;
    }
    if let Some(pattern) = &known.description_regex {
        // Patterns are checked when the file is loaded; one that does not compile matches nothing.
        return Regex::new(pattern).is_ok_and(|re| re.is_match(description));
    }
    true
}

fn describe(known: &KnownError) -> String {
    let mut out = known.error.clone();
    if let Some(status) = known.status {
        out.push_str(&format!(", HTTP {status}"));
    }
    if let Some(needle) = &known.description_contains {
        out.push_str(&format!(", description contains {needle:?}"));
    }
    if let Some(pattern) = &known.description_regex {
        out.push_str(&format!(", description matches {pattern}"));
    }
    out
}
