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
    if !document.contains_key("response_types_supported") {
        findings.push(Finding {
            id: "discovery.response-types.missing".into(),
            severity: Severity::Warning,
            message: "the metadata has no response_types_supported, which RFC 8414 requires".into(),
            reference: "RFC 8414 §2".into(),
        });
    }
    for problem in document.keys().filter_map(|k| misspelt_member(k)) {
        findings.push(Finding {
            id: "discovery.member.misspelt".into(),
            severity: Severity::Warning,
            message: format!("a metadata member looks misspelt, so clients ignore it: {problem}"),
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

/// The `*_supported` names of the IANA "OAuth Authorization Server Metadata" registry (RFC 8414
/// and the specifications that registered into it, OpenID Connect Discovery among them).
const REGISTERED_SUPPORTED: &[&str] = &[
    // RFC 8414 §2
    "scopes_supported",
    "response_types_supported",
    "response_modes_supported",
    "grant_types_supported",
    "token_endpoint_auth_methods_supported",
    "token_endpoint_auth_signing_alg_values_supported",
    "ui_locales_supported",
    "revocation_endpoint_auth_methods_supported",
    "revocation_endpoint_auth_signing_alg_values_supported",
    "introspection_endpoint_auth_methods_supported",
    "introspection_endpoint_auth_signing_alg_values_supported",
    "code_challenge_methods_supported",
    // OpenID Connect Discovery 1.0 §3
    "acr_values_supported",
    "subject_types_supported",
    "id_token_signing_alg_values_supported",
    "id_token_encryption_alg_values_supported",
    "id_token_encryption_enc_values_supported",
    "userinfo_signing_alg_values_supported",
    "userinfo_encryption_alg_values_supported",
    "userinfo_encryption_enc_values_supported",
    "request_object_signing_alg_values_supported",
    "request_object_encryption_alg_values_supported",
    "request_object_encryption_enc_values_supported",
    "display_values_supported",
    "claim_types_supported",
    "claims_supported",
    "claims_locales_supported",
    "claims_parameter_supported",
    "request_parameter_supported",
    "request_uri_parameter_supported",
    // OpenID Connect logout, CIBA, prompt=create, Native SSO
    "frontchannel_logout_supported",
    "frontchannel_logout_session_supported",
    "backchannel_logout_supported",
    "backchannel_logout_session_supported",
    "backchannel_token_delivery_modes_supported",
    "backchannel_authentication_request_signing_alg_values_supported",
    "backchannel_user_code_parameter_supported",
    "prompt_values_supported",
    "native_sso_supported",
    // RFC 9449 (DPoP), RFC 9207, RFC 9396, RFC 9701, JARM
    "dpop_signing_alg_values_supported",
    "authorization_response_iss_parameter_supported",
    "authorization_details_types_supported",
    "introspection_signing_alg_values_supported",
    "introspection_encryption_alg_values_supported",
    "introspection_encryption_enc_values_supported",
    "authorization_signing_alg_values_supported",
    "authorization_encryption_alg_values_supported",
    "authorization_encryption_enc_values_supported",
    // OpenID Connect for Identity Assurance, Federation, Grant Management, OpenID4VCI
    "trust_frameworks_supported",
    "evidence_supported",
    "documents_supported",
    "documents_methods_supported",
    "documents_validation_methods_supported",
    "documents_verification_methods_supported",
    "id_documents_supported",
    "id_documents_verification_methods_supported",
    "electronic_records_supported",
    "claims_in_verified_claims_supported",
    "verified_claims_supported",
    "attachments_supported",
    "digest_algorithms_supported",
    "client_registration_types_supported",
    "request_authentication_methods_supported",
    "request_authentication_signing_alg_values_supported",
    "grant_management_actions_supported",
    "pre-authorized_grant_anonymous_access_supported",
    "client_id_metadata_document_supported",
];

/// Whether `name` is one of the registered `*_supported` metadata names.
pub fn is_registered_member(name: &str) -> bool {
    REGISTERED_SUPPORTED.contains(&name)
}

/// Levenshtein distance, in characters.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitute = prev + usize::from(ca != *cb);
            prev = row[j + 1];
            row[j + 1] = substitute.min(prev + 1).min(row[j] + 1);
        }
    }
    row[b.len()]
}

/// How close a member name may be to a registered one and still count as a misspelling of it.
const NEAR_MISS: usize = 2;

/// What is wrong with a metadata member's name, when it looks like a misspelt `*_supported`
/// name (within two edits of a registered one, or of the word `supported`). Names that are
/// merely unknown, such as a vendor's own, are not misspellings.
pub fn misspelt_member(name: &str) -> Option<String> {
    if REGISTERED_SUPPORTED.contains(&name) {
        return None;
    }
    let lower = name.to_ascii_lowercase();
    let nearest = REGISTERED_SUPPORTED
        .iter()
        .filter(|r| lower.len().abs_diff(r.len()) <= NEAR_MISS)
        .map(|r| (distance(&lower, r), *r))
        .min();
    if let Some((d, registered)) = nearest
        && d <= NEAR_MISS
    {
        return Some(format!(
            "{} (did you mean {registered}?)",
            crate::probe::shorten(name, 120)
        ));
    }
    let last = name.rsplit(['_', '-']).next().unwrap_or(name);
    if last != "supported"
        && last.len() > 4
        && last.len().abs_diff("supported".len()) <= NEAR_MISS
        && distance(&last.to_ascii_lowercase(), "supported") <= NEAR_MISS
    {
        return Some(format!(
            "{} (\"{}\" for \"supported\")",
            crate::probe::shorten(name, 120),
            crate::probe::shorten(last, 120)
        ));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn near_misses_are_named() {
        assert_eq!(misspelt_member("grant_types_supported"), None);
        assert!(
            misspelt_member("grant_type_supported")
                .is_some_and(|m| m.contains("grant_types_supported"))
        );
        assert!(
            misspelt_member("token_endpoint_auth_method_supported")
                .is_some_and(|m| m.contains("token_endpoint_auth_methods_supported"))
        );
        assert!(misspelt_member("scopes_suported").is_some());
        assert!(misspelt_member("my_vendor_features_suported").is_some());
        assert_eq!(misspelt_member("my_vendor_features_supported"), None);
        assert_eq!(misspelt_member("issuer"), None);
        assert_eq!(misspelt_member("token_endpoint"), None);
    }

    #[test]
    fn distance_counts_edits() {
        assert_eq!(distance("kitten", "sitting"), 3);
        assert_eq!(distance("", "abc"), 3);
        assert_eq!(distance("same", "same"), 0);
    }

    #[test]
    fn misspelt_supported_names_are_found_and_extensions_left_alone() {
        assert!(misspelt_member("grant_types_supported").is_none());
        assert!(misspelt_member("x_vendor_thing_supported").is_none());
        assert!(misspelt_member("authorization_response_iss_parameter_supported").is_none());
        let m = misspelt_member("grant_type_supported").expect("a near miss");
        assert!(m.contains("grant_types_supported"), "{m}");
        let m = misspelt_member("scopes_suported").expect("a near miss");
        assert!(m.contains("scopes_supported"), "{m}");
    }

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
