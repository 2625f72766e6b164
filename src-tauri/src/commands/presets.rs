//! Provider presets in the server panel: the list to choose from, and a preset filled with the
//! user's parameters as a server to add to a collection.

use std::collections::BTreeMap;

use baton_core::preset::{ExchangeRules, Preset, PresetError, PresetParameter};
use baton_core::scenario::Server;
use serde::Serialize;
use ts_rs::TS;

use crate::error::IpcError;

/// A provider to choose: what it is, what it asks for, where its facts come from.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PresetInfo {
    pub id: String,
    pub name: String,
    pub description: String,
    /// What the user gives, in the order it is asked for, each with a description and example.
    pub parameters: Vec<PresetParameter>,
    /// The documentation its facts were taken from.
    pub sources: Vec<String>,
    /// Whether it was checked against the real service, not only its documentation.
    pub verified: bool,
    /// The provider's rules for an exchange request (shown as notes).
    pub rules: ExchangeRules,
}

/// A preset filled with the user's parameters.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct FilledPreset {
    /// The server to add to a collection; its `id` is the preset's, for the user to change.
    pub server: Server,
    /// Where the provider's metadata is.
    pub discovery_url: Option<String>,
    /// The `audience` a request names when the provider fixes it.
    pub audience: Option<String>,
}

pub fn list_presets() -> Vec<PresetInfo> {
    Preset::all()
        .iter()
        .map(|p| PresetInfo {
            id: p.id.clone(),
            name: p.name.clone(),
            description: p.description.clone(),
            parameters: p.parameters.clone(),
            sources: p.sources.clone(),
            verified: p.verified_against_real_service,
            rules: p.rules.clone(),
        })
        .collect()
}

/// Fills preset `id` with `params`. A missing or wrong parameter is an `invalid_input` error whose
/// `field` names it.
pub fn fill_preset(id: &str, params: &BTreeMap<String, String>) -> Result<FilledPreset, IpcError> {
    let preset = Preset::get(id).map_err(preset_error)?;
    let profile = preset.fill(params).map_err(preset_error)?;
    Ok(FilledPreset {
        server: profile.to_server(preset.id.clone(), Some(preset.name.clone())),
        discovery_url: profile.discovery_url,
        audience: profile.audience,
    })
}

fn preset_error(e: PresetError) -> IpcError {
    let message = e.to_string();
    match e {
        PresetError::UnknownPreset { .. } => IpcError::not_found(message),
        PresetError::MissingParameter { parameter, .. }
        | PresetError::UnknownParameter { parameter, .. }
        | PresetError::BadValue { parameter, .. } => {
            IpcError::invalid_input(message).in_field(parameter)
        }
        PresetError::BadUrl { .. } => IpcError::invalid_input(message),
    }
}
