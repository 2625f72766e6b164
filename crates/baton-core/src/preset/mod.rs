//! Provider presets: what Baton knows about one provider's token exchange, as data.
//!
//! Each provider is one TOML file in `crates/baton-core/presets/`, embedded in the binary: the
//! parameters a user gives (a realm, a tenant), URL templates that turn them into a server's
//! endpoints ([`Preset::fill`]), the provider's rules for an exchange request, checked before the
//! request is sent ([`Preset::check`]), and its known error responses mapped to advice in the
//! provider's own terms ([`Preset::explain`]). Adding a provider adds a file, not code.
//!
//! The file types below are the file format, so their fields keep the file's snake_case names
//! (as the collection format does); what a check or an explanation produces is camelCase, as the
//! probe reports are.

mod check;
mod explain;
mod fill;

use std::collections::BTreeSet;
use std::sync::OnceLock;

use regex::Regex;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::auth::AuthMethod;

pub use check::{PresetWarning, RuleKind};
pub use explain::Advice;
pub use fill::{PresetError, ServerProfile};

/// The embedded preset files, by file name; a file's `id` is its name without `.toml`.
const FILES: [(&str, &str); 10] = [
    ("keycloak.toml", include_str!("../../presets/keycloak.toml")),
    (
        "keycloak-legacy.toml",
        include_str!("../../presets/keycloak-legacy.toml"),
    ),
    ("okta.toml", include_str!("../../presets/okta.toml")),
    ("okta-xaa.toml", include_str!("../../presets/okta-xaa.toml")),
    ("auth0.toml", include_str!("../../presets/auth0.toml")),
    ("entra.toml", include_str!("../../presets/entra.toml")),
    (
        "google-sts.toml",
        include_str!("../../presets/google-sts.toml"),
    ),
    ("zitadel.toml", include_str!("../../presets/zitadel.toml")),
    ("dex.toml", include_str!("../../presets/dex.toml")),
    ("spring.toml", include_str!("../../presets/spring.toml")),
];

/// One provider's token exchange, as its preset file describes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
#[ts(export)]
pub struct Preset {
    /// The name a user selects it by (`--preset keycloak`).
    pub id: String,
    pub name: String,
    pub description: String,
    /// The documentation every fact of the file was taken from.
    pub sources: Vec<String>,
    /// Whether the file was checked against the real service, not only its documentation.
    pub verified_against_real_service: bool,
    /// What the user gives, in the order it is asked for.
    pub parameters: Vec<PresetParameter>,
    pub endpoints: EndpointTemplates,
    pub rules: ExchangeRules,
    /// Known error responses, most specific first: the first that matches gives the advice.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<KnownError>,
}

/// A value the user gives, used in the URL templates as `{name}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
#[ts(export)]
pub struct PresetParameter {
    pub name: String,
    pub kind: ParameterKind,
    pub description: String,
    pub example: String,
}

/// What a parameter's value may be, so that it cannot break the URL it goes into.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ParameterKind {
    /// An absolute http(s) URL with no query or fragment; a trailing `/` is dropped.
    Url,
    /// A host name, optionally with `:port`; no scheme, no path.
    Host,
    /// One path segment: letters, digits and `-._~`.
    Segment,
    /// Digits only.
    Number,
}

/// URL templates filled with the parameters. Only the token endpoint is always there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
#[ts(export)]
pub struct EndpointTemplates {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issuer: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub discovery: Option<String>,
    pub token: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub jwks_uri: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub introspection: Option<String>,
    /// The `audience` a request names when the provider fixes it (Google's pool provider).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audience: Option<String>,
}

/// Whether the provider takes an actor token (RFC 8693 §2.1) in this flow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ActorSupport {
    Supported,
    NotSupported,
    /// The documentation does not say; Baton does not guess.
    Undocumented,
}

/// The provider's rules for an exchange request. An empty list means the documentation does not
/// say, and nothing is checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
#[ts(export)]
pub struct ExchangeRules {
    /// The grant the provider's flow uses (not always RFC 8693's: Entra's on-behalf-of).
    pub grant_type: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grant_note: Option<String>,
    /// The client authentication methods the documentation names for this flow.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub auth_methods: Vec<AuthMethod>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth_note: Option<String>,
    pub actor: ActorSupport,
    /// Whether an issued token carries `act`; absent when the documentation does not say.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issues_act: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actor_note: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub required: Vec<RequiredParameter>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub forbidden: Vec<ForbiddenParameter>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub forbidden_values: Vec<ForbiddenValue>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub forbidden_prefixes: Vec<ForbiddenPrefixes>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub subject_token_types: Vec<TokenTypeRule>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub requested_token_types: Vec<TokenTypeRule>,
    /// Parameters outside RFC 8693 that the provider reads, and what they mean.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extensions: Vec<Extension>,
}

/// A form parameter the request must have (with this exact value, if one is given).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
#[ts(export)]
pub struct RequiredParameter {
    pub param: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    pub why: String,
}

/// A form parameter the provider refuses in this flow.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
#[ts(export)]
pub struct ForbiddenParameter {
    pub param: String,
    pub why: String,
}

/// A value a form parameter may not have.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
#[ts(export)]
pub struct ForbiddenValue {
    pub param: String,
    pub value: String,
    pub why: String,
}

/// Prefixes (compared case-insensitively) a form parameter's value may not start with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
#[ts(export)]
pub struct ForbiddenPrefixes {
    pub param: String,
    pub prefixes: Vec<String>,
    pub why: String,
}

/// A token type the provider accepts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
#[ts(export)]
pub struct TokenTypeRule {
    pub uri: String,
    /// Accepted as a subject token type only together with an actor token.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub needs_actor: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// A non-standard parameter and its meaning.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
#[ts(export)]
pub struct Extension {
    pub param: String,
    pub meaning: String,
}

/// A known error response: the `error` code, and optionally the HTTP status and a substring
/// (case-insensitive) or a regular expression of `error_description`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
#[ts(export)]
pub struct KnownError {
    pub error: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description_contains: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description_regex: Option<String>,
    pub advice: String,
}

struct Loaded {
    presets: Vec<Preset>,
    problems: Vec<String>,
}

fn loaded() -> &'static Loaded {
    static LOADED: OnceLock<Loaded> = OnceLock::new();
    LOADED.get_or_init(|| {
        let mut presets: Vec<Preset> = Vec::new();
        let mut problems = Vec::new();
        for (file, text) in FILES {
            match parse(file, text) {
                Ok(preset) if presets.iter().any(|p| p.id == preset.id) => {
                    problems.push(format!("{file}: the id {:?} is used twice", preset.id));
                }
                Ok(preset) => presets.push(preset),
                Err(problem) => problems.push(problem),
            }
        }
        Loaded { presets, problems }
    })
}

/// Reads and checks one preset file. The error names the file and what is wrong in it.
pub fn parse(file: &str, text: &str) -> Result<Preset, String> {
    let preset: Preset = toml::from_str(text).map_err(|e| format!("{file}: {e}"))?;
    let problems = validate(&preset, file);
    if problems.is_empty() {
        Ok(preset)
    } else {
        Err(format!("{file}: {}", problems.join("; ")))
    }
}

/// What a parsed file gets wrong that TOML cannot say: an id that is not its file name, a
/// template naming an undeclared parameter, a pattern that does not compile.
fn validate(preset: &Preset, file: &str) -> Vec<String> {
    let mut problems = Vec::new();
    if file.strip_suffix(".toml") != Some(preset.id.as_str()) {
        problems.push(format!("the id {:?} is not the file's name", preset.id));
    }
    let declared: BTreeSet<&str> = preset.parameters.iter().map(|p| p.name.as_str()).collect();
    if declared.len() != preset.parameters.len() {
        problems.push("a parameter is declared twice".into());
    }
    for (endpoint, template) in preset.endpoints.templates() {
        match fill::placeholders(template) {
            Ok(names) => {
                for name in names.iter().filter(|n| !declared.contains(n.as_str())) {
                    problems.push(format!(
                        "endpoints.{endpoint} uses {{{name}}}, which is not a parameter"
                    ));
                }
            }
            Err(reason) => problems.push(format!("endpoints.{endpoint}: {reason}")),
        }
    }
    for known in &preset.errors {
        if let Some(pattern) = &known.description_regex
            && let Err(e) = Regex::new(pattern)
        {
            problems.push(format!("the pattern {pattern:?} does not compile: {e}"));
        }
    }
    problems
}

impl EndpointTemplates {
    /// Every template, by its key in the file.
    pub fn templates(&self) -> Vec<(&'static str, &str)> {
        let mut out = vec![("token", self.token.as_str())];
        for (key, value) in [
            ("issuer", &self.issuer),
            ("discovery", &self.discovery),
            ("jwks_uri", &self.jwks_uri),
            ("introspection", &self.introspection),
            ("audience", &self.audience),
        ] {
            if let Some(v) = value {
                out.push((key, v.as_str()));
            }
        }
        out
    }
}

impl Preset {
    /// Every embedded preset, parsed once. A file that fails to parse is left out and reported
    /// by [`Preset::load_problems`] (the tests require there are none).
    pub fn all() -> &'static [Preset] {
        &loaded().presets
    }

    /// Why an embedded file was left out of [`Preset::all`], one line per file.
    pub fn load_problems() -> &'static [String] {
        &loaded().problems
    }

    /// The preset with this id (case-insensitive).
    pub fn find(id: &str) -> Option<&'static Preset> {
        Self::all()
            .iter()
            .find(|p| p.id.eq_ignore_ascii_case(id.trim()))
    }

    /// [`Preset::find`], or an error that lists the ids there are.
    pub fn get(id: &str) -> Result<&'static Preset, PresetError> {
        Self::find(id).ok_or_else(|| PresetError::UnknownPreset {
            id: id.to_string(),
            known: Self::all()
                .iter()
                .map(|p| p.id.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        })
    }
}
