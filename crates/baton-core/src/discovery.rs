//! Finding a server's endpoints from its issuer: RFC 8414 metadata first, then OpenID Connect
//! discovery, and whether the token-exchange grant is advertised.

use serde::Serialize;
use serde_json::{Map, Value as Json};
use ts_rs::TS;

use crate::findings::{Finding, Severity};
use crate::http::{HttpClient, HttpRequest, TransportError};
use crate::token_type::TOKEN_EXCHANGE_GRANT;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum MetadataSource {
    /// `/.well-known/oauth-authorization-server` (RFC 8414).
    Rfc8414,
    /// `/.well-known/openid-configuration` (OpenID Connect Discovery 1.0).
    OpenIdConnect,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct ServerMetadata {
    pub issuer: Option<String>,
    pub token_endpoint: Option<String>,
    pub jwks_uri: Option<String>,
    pub introspection_endpoint: Option<String>,
    pub grant_types_supported: Option<Vec<String>>,
    pub token_endpoint_auth_methods_supported: Option<Vec<String>>,
    /// The whole document, as sent.
    pub document: Map<String, Json>,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct Discovery {
    pub metadata_url: String,
    pub source: MetadataSource,
    pub metadata: ServerMetadata,
    /// Whether `grant_types_supported` lists the token-exchange grant.
    pub token_exchange_advertised: bool,
    pub findings: Vec<Finding>,
}

#[derive(Debug, thiserror::Error)]
pub enum DiscoveryError {
    #[error("{issuer:?} is not an issuer URL: {reason}")]
    BadIssuer { issuer: String, reason: String },
    #[error("no metadata found for {issuer}: {}", .attempts.join("; "))]
    NotFound {
        issuer: String,
        attempts: Vec<String>,
    },
    #[error("the metadata at {url} has no token_endpoint")]
    NoTokenEndpoint { url: String },
    #[error(transparent)]
    Transport(#[from] TransportError),
}

/// The two well-known URLs for an issuer, in the order they are tried.
pub fn metadata_urls(issuer: &str) -> Result<[(MetadataSource, String); 2], DiscoveryError> {
    let url = url::Url::parse(issuer).map_err(|e| DiscoveryError::BadIssuer {
        issuer: issuer.to_string(),
        reason: e.to_string(),
    })?;
    if url.query().is_some() || url.fragment().is_some() {
        return Err(DiscoveryError::BadIssuer {
            issuer: issuer.to_string(),
            reason: "an issuer has no query or fragment (RFC 8414 §2)".into(),
        });
    }
    let origin = url.origin().ascii_serialization();
    let path = url.path().trim_end_matches('/');
    // RFC 8414 §3.1 inserts the well-known segment between the host and the issuer's path;
    // OpenID Connect appends it to the issuer.
    Ok([
        (
            MetadataSource::Rfc8414,
            format!("{origin}/.well-known/oauth-authorization-server{path}"),
        ),
        (
            MetadataSource::OpenIdConnect,
            format!("{origin}{path}/.well-known/openid-configuration"),
        ),
    ])
}

pub async fn discover(http: &dyn HttpClient, issuer: &str) -> Result<Discovery, DiscoveryError> {
    let issuer = issuer.trim();
    let mut attempts = Vec::new();
    for (source, url) in metadata_urls(issuer)? {
        let response = match http.send(&HttpRequest::get(&url)).await {
            Ok(r) => r,
            // A server that cannot be reached will not answer the second URL either.
            Err(e @ (TransportError::Unreachable { .. } | TransportError::Tls { .. })) => {
                return Err(e.into());
            }
            Err(e) => {
                attempts.push(format!("{url}: {e}"));
                continue;
            }
        };
        if response.status != 200 {
            attempts.push(format!("{url}: HTTP {}", response.status));
            continue;
        }
        let document = match serde_json::from_slice::<Json>(&response.body) {
            Ok(Json::Object(map)) => map,
            Ok(_) => {
                attempts.push(format!("{url}: JSON but not an object"));
                continue;
            }
            Err(e) => {
                attempts.push(format!("{url}: not JSON ({e})"));
                continue;
            }
        };
        return build(issuer, url, source, document);
    }
    Err(DiscoveryError::NotFound {
        issuer: issuer.to_string(),
        attempts,
    })
}

fn build(
    issuer: &str,
    url: String,
    source: MetadataSource,
    document: Map<String, Json>,
) -> Result<Discovery, DiscoveryError> {
    let string = |k: &str| document.get(k).and_then(Json::as_str).map(str::to_string);
    let list = |k: &str| {
        document.get(k).and_then(Json::as_array).map(|a| {
            a.iter()
                .filter_map(Json::as_str)
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
    };
    let metadata = ServerMetadata {
        issuer: string("issuer"),
        token_endpoint: string("token_endpoint"),
        jwks_uri: string("jwks_uri"),
        introspection_endpoint: string("introspection_endpoint"),
        grant_types_supported: list("grant_types_supported"),
        token_endpoint_auth_methods_supported: list("token_endpoint_auth_methods_supported"),
        document: document.clone(),
    };
    if metadata.token_endpoint.is_none() {
        return Err(DiscoveryError::NoTokenEndpoint { url });
    }
    let mut findings = Vec::new();
    // RFC 8414 §3.3: identical, character for character; a trailing slash is a different issuer.
    if metadata.issuer.as_deref() != Some(issuer) {
        findings.push(Finding {
            id: "discovery.issuer.mismatch".into(),
            severity: Severity::Error,
            message: format!(
                "the metadata's issuer is {:?} but it was fetched for {issuer:?}; clients must refuse it",
                metadata.issuer
            ),
            reference: "RFC 8414 §3.3".into(),
        });
    }
    let token_exchange_advertised = metadata
        .grant_types_supported
        .as_ref()
        .is_some_and(|g| g.iter().any(|g| g == TOKEN_EXCHANGE_GRANT));
    if !token_exchange_advertised {
        findings.push(Finding {
            id: "discovery.token-exchange.not-advertised".into(),
            severity: Severity::Warning,
            message: match &metadata.grant_types_supported {
                Some(_) => "grant_types_supported does not list urn:ietf:params:oauth:grant-type:token-exchange".into(),
                None => "the metadata has no grant_types_supported, which defaults to authorization_code and implicit: token exchange is not advertised".into(),
            },
            reference: "RFC 8414 §2".into(),
        });
    }
    Ok(Discovery {
        metadata_url: url,
        source,
        metadata,
        token_exchange_advertised,
        findings,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn well_known_urls_follow_each_spec() {
        let [a, b] = metadata_urls("https://as.example/tenant/1/").expect("ok");
        assert_eq!(
            a.1,
            "https://as.example/.well-known/oauth-authorization-server/tenant/1"
        );
        assert_eq!(
            b.1,
            "https://as.example/tenant/1/.well-known/openid-configuration"
        );
        let [a, b] = metadata_urls("http://127.0.0.1:8080").expect("ok");
        assert_eq!(
            a.1,
            "http://127.0.0.1:8080/.well-known/oauth-authorization-server"
        );
        assert_eq!(
            b.1,
            "http://127.0.0.1:8080/.well-known/openid-configuration"
        );
        assert!(metadata_urls("not a url").is_err());
        assert!(metadata_urls("https://as.example/?x=1").is_err());
    }
}
