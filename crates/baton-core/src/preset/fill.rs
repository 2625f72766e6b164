//! Filling a preset's URL templates with the user's parameters: a server profile, or an error
//! that names the parameter (or the endpoint) that was wrong.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{ParameterKind, Preset, PresetParameter};
use crate::scenario::model::Server;

/// A server's endpoints, filled from a preset: what a request is sent to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ServerProfile {
    /// The id of the preset it was filled from.
    pub preset: String,
    pub issuer: Option<String>,
    /// Where the provider's metadata is (OpenID Connect discovery or RFC 8414).
    pub discovery_url: Option<String>,
    pub token_endpoint: String,
    pub jwks_uri: Option<String>,
    pub introspection_endpoint: Option<String>,
    /// The `audience` a request names when the provider fixes it.
    pub audience: Option<String>,
}

impl ServerProfile {
    /// The profile as a collection's server, with this id.
    pub fn to_server(&self, id: impl Into<String>, name: Option<String>) -> Server {
        Server {
            id: id.into(),
            name,
            issuer: self.issuer.clone(),
            token_endpoint: self.token_endpoint.clone(),
            jwks_uri: self.jwks_uri.clone(),
            introspection_endpoint: self.introspection_endpoint.clone(),
            // A sign-in reads these from the issuer's metadata.
            authorization_endpoint: None,
            device_authorization_endpoint: None,
            preset: Some(self.preset.clone()),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PresetError {
    #[error("there is no preset {id:?} (there are: {known})")]
    UnknownPreset { id: String, known: String },
    #[error(
        "preset {preset}: the parameter {parameter} is missing ({description}), e.g. {parameter}={example}"
    )]
    MissingParameter {
        preset: String,
        parameter: String,
        description: String,
        example: String,
    },
    #[error("preset {preset} has no parameter {parameter:?} (it has: {known})")]
    UnknownParameter {
        preset: String,
        parameter: String,
        known: String,
    },
    #[error("preset {preset}: the parameter {parameter}={value:?} {reason}")]
    BadValue {
        preset: String,
        parameter: String,
        value: String,
        reason: String,
    },
    #[error("preset {preset}: the {endpoint} URL {url:?} is not valid: {reason}")]
    BadUrl {
        preset: String,
        endpoint: String,
        url: String,
        reason: String,
    },
}

impl Preset {
    /// Fills every endpoint template with `params`. Every parameter must be given, none may be
    /// unknown, and each value must be of its kind, so that no value can break a URL.
    pub fn fill(&self, params: &BTreeMap<String, String>) -> Result<ServerProfile, PresetError> {
        if let Some(unknown) = params
            .keys()
            .find(|k| !self.parameters.iter().any(|p| &p.name == *k))
        {
            return Err(PresetError::UnknownParameter {
                preset: self.id.clone(),
                parameter: unknown.clone(),
                known: self
                    .parameters
                    .iter()
                    .map(|p| p.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
            });
        }
        let mut values = BTreeMap::new();
        for parameter in &self.parameters {
            let value = params.get(&parameter.name).map(|v| v.trim()).unwrap_or("");
            if value.is_empty() {
                return Err(PresetError::MissingParameter {
                    preset: self.id.clone(),
                    parameter: parameter.name.clone(),
                    description: parameter.description.clone(),
                    example: parameter.example.clone(),
                });
            }
            let value =
                checked_value(parameter, value).map_err(|reason| PresetError::BadValue {
                    preset: self.id.clone(),
                    parameter: parameter.name.clone(),
                    value: value.to_string(),
                    reason,
                })?;
            values.insert(parameter.name.as_str(), value);
        }
        let endpoints = &self.endpoints;
        let url = |endpoint: &str, template: &str| -> Result<String, PresetError> {
            let filled = self.substitute(endpoint, template, &values)?;
            url::Url::parse(&filled).map_err(|e| PresetError::BadUrl {
                preset: self.id.clone(),
                endpoint: endpoint.to_string(),
                url: filled.clone(),
                reason: e.to_string(),
            })?;
            Ok(filled)
        };
        let optional = |endpoint: &str, template: &Option<String>| {
            template.as_deref().map(|t| url(endpoint, t)).transpose()
        };
        Ok(ServerProfile {
            preset: self.id.clone(),
            issuer: optional("issuer", &endpoints.issuer)?,
            discovery_url: optional("discovery", &endpoints.discovery)?,
            token_endpoint: url("token", &endpoints.token)?,
            jwks_uri: optional("jwks_uri", &endpoints.jwks_uri)?,
            introspection_endpoint: optional("introspection", &endpoints.introspection)?,
            // Not a URL (Google's is `//iam.googleapis.com/...`): filled, not parsed.
            audience: endpoints
                .audience
                .as_deref()
                .map(|t| self.substitute("audience", t, &values))
                .transpose()?,
        })
    }

    /// The parameters' examples, which fill every template (the tests rely on it).
    pub fn example_parameters(&self) -> BTreeMap<String, String> {
        self.parameters
            .iter()
            .map(|p| (p.name.clone(), p.example.clone()))
            .collect()
    }

    fn substitute(
        &self,
        endpoint: &str,
        template: &str,
        values: &BTreeMap<&str, String>,
    ) -> Result<String, PresetError> {
        let bad = |reason: String| PresetError::BadUrl {
            preset: self.id.clone(),
            endpoint: endpoint.to_string(),
            url: template.to_string(),
            reason,
        };
        let mut out = String::with_capacity(template.len());
        let mut rest = template;
        while let Some(open) = rest.find('{') {
            out.push_str(&rest[..open]);
            let after = &rest[open + 1..];
            let close = after
                .find('}')
                .ok_or_else(|| bad("a `{` is not closed".into()))?;
            let name = &after[..close];
            let value = values
                .get(name)
                .ok_or_else(|| bad(format!("{{{name}}} is not a parameter of the preset")))?;
            out.push_str(value);
            rest = &after[close + 1..];
        }
        out.push_str(rest);
        Ok(out)
    }
}

/// The `{name}`s a template uses, in order.
pub(super) fn placeholders(template: &str) -> Result<Vec<String>, String> {
    let mut names = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let close = after.find('}').ok_or("a `{` is not closed")?;
        let name = &after[..close];
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_lowercase() || c == '_') {
            return Err(format!("{{{name}}} is not a parameter name"));
        }
        names.push(name.to_string());
        rest = &after[close + 1..];
    }
    Ok(names)
}

/// The value as it goes into a URL, or why it cannot.
fn checked_value(parameter: &PresetParameter, value: &str) -> Result<String, String> {
    match parameter.kind {
        ParameterKind::Url => {
            let trimmed = value.trim_end_matches('/');
            let url = url::Url::parse(trimmed)
                .map_err(|e| format!("is not an absolute URL ({e}); e.g. {}", parameter.example))?;
            if !matches!(url.scheme(), "http" | "https") {
                return Err(format!("is not an http(s) URL; e.g. {}", parameter.example));
            }
            if url.host_str().is_none_or(str::is_empty) {
                return Err("has no host".into());
            }
            if url.query().is_some() || url.fragment().is_some() || trimmed.contains(['{', '}']) {
                return Err("may not have a query, a fragment or braces".into());
            }
            if trimmed.chars().any(char::is_whitespace) {
                return Err("may not contain spaces".into());
            }
            Ok(trimmed.to_string())
        }
        ParameterKind::Host => {
            if value.contains("://") {
                return Err(format!(
                    "is a URL; give the host only, e.g. {}",
                    parameter.example
                ));
            }
            let (host, port) = match value.rsplit_once(':') {
                Some((h, p)) => (h, Some(p)),
                None => (value, None),
            };
            let host_ok = !host.is_empty()
                && !host.starts_with(['.', '-'])
                && !host.ends_with(['.', '-'])
                && host
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-');
            let port_ok = port.is_none_or(|p| !p.is_empty() && p.parse::<u16>().is_ok());
            if host_ok && port_ok {
                Ok(value.to_string())
            } else {
                Err(format!(
                    "is not a host name (letters, digits, `.` and `-`, optionally :port), e.g. {}",
                    parameter.example
                ))
            }
        }
        ParameterKind::Segment => {
            let ok = value != "."
                && value != ".."
                && value
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_' | '~'));
            if ok {
                Ok(value.to_string())
            } else {
                Err(format!(
                    "would break the URL: use letters, digits and `-._~` only, e.g. {}",
                    parameter.example
                ))
            }
        }
        ParameterKind::Number => {
            if value.chars().all(|c| c.is_ascii_digit()) {
                Ok(value.to_string())
            } else {
                Err(format!(
                    "is not a number (digits only), e.g. {}",
                    parameter.example
                ))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keycloak() -> &'static Preset {
        Preset::find("keycloak").expect("embedded")
    }

    fn params(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn keycloak_fills_its_realm_endpoints() {
        let profile = keycloak()
            .fill(&params(&[
                ("base_url", "https://sso.example.com/"),
                ("realm", "acme"),
            ]))
            .expect("fills");
        assert_eq!(
            profile.token_endpoint,
            "https://sso.example.com/realms/acme/protocol/openid-connect/token"
        );
        assert_eq!(
            profile.issuer.as_deref(),
            Some("https://sso.example.com/realms/acme")
        );
        let server = profile.to_server("kc", None);
        assert_eq!(server.token_endpoint, profile.token_endpoint);
        assert_eq!(server.jwks_uri, profile.jwks_uri);
    }

    #[test]
    fn a_missing_or_unknown_parameter_is_named() {
        let err = keycloak()
            .fill(&params(&[("base_url", "https://sso.example.com")]))
            .unwrap_err();
        assert!(
            matches!(&err, PresetError::MissingParameter { parameter, .. } if parameter == "realm")
        );
        assert!(err.to_string().contains("realm=myrealm"), "{err}");
        let err = keycloak()
            .fill(&params(&[
                ("base_url", "https://sso.example.com"),
                ("realm", "a"),
                ("tenant", "x"),
            ]))
            .unwrap_err();
        assert!(err.to_string().contains("no parameter \"tenant\""), "{err}");
    }

    #[test]
    fn values_that_would_break_a_url_are_refused_by_name() {
        for (base, realm, named) in [
            ("https://sso.example.com", "a/b", "realm"),
            ("https://sso.example.com", "a?x=1", "realm"),
            ("https://sso.example.com", "..", "realm"),
            ("sso.example.com", "acme", "base_url"),
            ("https://sso.example.com?x=1", "acme", "base_url"),
            ("ftp://sso.example.com", "acme", "base_url"),
        ] {
            let err = keycloak()
                .fill(&params(&[("base_url", base), ("realm", realm)]))
                .unwrap_err();
            assert!(
                matches!(&err, PresetError::BadValue { parameter, .. } if parameter == named),
                "{base} {realm}: {err}"
            );
        }
        let okta = Preset::find("okta").expect("embedded");
        let err = okta
            .fill(&params(&[
                ("domain", "https://dev-1.okta.com"),
                ("auth_server_id", "default"),
            ]))
            .unwrap_err();
        assert!(err.to_string().contains("give the host only"), "{err}");
        let google = Preset::find("google-sts").expect("embedded");
        let err = google
            .fill(&params(&[
                ("project_number", "my-project"),
                ("pool", "p"),
                ("provider", "q"),
            ]))
            .unwrap_err();
        assert!(err.to_string().contains("project_number"), "{err}");
    }

    #[test]
    fn placeholders_are_read_and_bad_ones_refused() {
        assert_eq!(
            placeholders("{base_url}/realms/{realm}").expect("reads"),
            vec!["base_url", "realm"]
        );
        assert!(placeholders("{base_url/x").is_err());
        assert!(placeholders("{Base}").is_err());
    }
}
