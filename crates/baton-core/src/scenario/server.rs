//! A server of a collection with its `{{env.…}}` references replaced: what a run sends to, and
//! what a connection test checks. One path for both, so they never disagree about a URL.

use std::collections::BTreeMap;

use crate::scenario::model::{Collection, Server};
use crate::scenario::reference::{Resolver, environment_values};
use crate::scenario::secrets::MapSecrets;

/// A server's URLs, every reference resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolvedServerUrls {
    pub id: String,
    pub token_endpoint: String,
    pub issuer: Option<String>,
    pub jwks_uri: Option<String>,
    pub introspection_endpoint: Option<String>,
    pub authorization_endpoint: Option<String>,
    pub device_authorization_endpoint: Option<String>,
    pub preset: Option<String>,
}

/// Why a server of a collection cannot be resolved.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ServerError {
    #[error("server {server:?} is not in collection {collection:?} (it has: {known})")]
    UnknownServer {
        collection: String,
        server: String,
        known: String,
    },
    /// A reference in one of its URLs, or in the environment, has no value.
    #[error("server {server:?} ({field}): {reason}")]
    Unresolved {
        server: String,
        field: String,
        reason: String,
    },
}

impl ResolvedServerUrls {
    /// Resolves `server`'s URLs with `r`. The error names the field that failed.
    pub fn resolve(server: &Server, r: &Resolver<'_>) -> Result<Self, (String, String)> {
        let plain = |field: &str, t: &str| {
            r.plain(t)
                .map(|v| v.text)
                .map_err(|e| (field.to_string(), e.to_string()))
        };
        let opt =
            |field: &str, t: &Option<String>| t.as_deref().map(|t| plain(field, t)).transpose();
        Ok(ResolvedServerUrls {
            id: server.id.clone(),
            token_endpoint: plain("token_endpoint", &server.token_endpoint)?,
            issuer: opt("issuer", &server.issuer)?,
            jwks_uri: opt("jwks_uri", &server.jwks_uri)?,
            introspection_endpoint: opt("introspection_endpoint", &server.introspection_endpoint)?,
            authorization_endpoint: opt("authorization_endpoint", &server.authorization_endpoint)?,
            device_authorization_endpoint: opt(
                "device_authorization_endpoint",
                &server.device_authorization_endpoint,
            )?,
            preset: server.preset.clone(),
        })
    }
}

/// The server `server_id` of `collection`, resolved against the environment `environment` (or
/// the collection's first) with `overrides` on top (such as `lab`, the lab's URL). A server's URLs
/// may use the environment only, never a secret or a step's output.
pub fn resolve_server(
    collection: &Collection,
    server_id: &str,
    environment: Option<&str>,
    overrides: &BTreeMap<String, String>,
) -> Result<ResolvedServerUrls, ServerError> {
    let server = collection
        .server(server_id)
        .ok_or_else(|| ServerError::UnknownServer {
            collection: collection.name.clone(),
            server: server_id.to_string(),
            known: collection
                .servers
                .iter()
                .map(|s| s.id.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        })?;
    let unresolved = |(field, reason): (String, String)| ServerError::Unresolved {
        server: server_id.to_string(),
        field,
        reason,
    };
    let env =
        environment_values(collection, environment, overrides).map_err(|(field, problem)| {
            unresolved((
                field.unwrap_or_else(|| "environment".into()),
                problem.to_string(),
            ))
        })?;
    let no_secrets = MapSecrets::default();
    let no_outputs = BTreeMap::new();
    let r = Resolver {
        env: &env,
        secrets: &no_secrets,
        outputs: &no_outputs,
    };
    ResolvedServerUrls::resolve(server, &r).map_err(unresolved)
}
