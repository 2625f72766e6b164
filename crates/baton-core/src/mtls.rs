//! Mutual TLS (RFC 8705): a client certificate a request is sent with, and the checks on a
//! certificate-bound token.

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use serde_json::Value as Json;
use sha2::{Digest, Sha256};

use crate::findings::{Finding, Severity};
use crate::jwt::Jwt;
use crate::secret::Secret;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum IdentityError {
    #[error("the client certificate is not PEM (expected a -----BEGIN CERTIFICATE----- block)")]
    NoCertificate,
    #[error("the client certificate's PEM block is not base64: {0}")]
    BadBase64(String),
    #[error(
        "the client certificate's private key is not PEM (expected a -----BEGIN … PRIVATE KEY----- block)"
    )]
    NoKey,
}

/// A client certificate (PEM, possibly with its chain) and its private key.
#[derive(Clone)]
pub struct ClientIdentity {
    cert_pem: String,
    key_pem: Secret,
    thumbprint: String,
}

impl std::fmt::Debug for ClientIdentity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientIdentity")
            .field("x5t#S256", &self.thumbprint)
            .field("key", &"[redacted]")
            .finish()
    }
}

impl PartialEq for ClientIdentity {
    fn eq(&self, other: &Self) -> bool {
        self.thumbprint == other.thumbprint && self.key_pem == other.key_pem
    }
}

impl Eq for ClientIdentity {}

impl ClientIdentity {
    pub fn from_pem(cert_pem: &str, key_pem: Secret) -> Result<Self, IdentityError> {
        if !key_pem.expose().contains("PRIVATE KEY-----") {
            return Err(IdentityError::NoKey);
        }
        let der = first_certificate_der(cert_pem)?;
        Ok(Self {
            cert_pem: cert_pem.to_owned(),
            key_pem,
            thumbprint: URL_SAFE_NO_PAD.encode(Sha256::digest(&der)),
        })
    }

    /// `x5t#S256`: the base64url SHA-256 of the certificate's DER (RFC 8705 §3.1).
    pub fn thumbprint(&self) -> &str {
        &self.thumbprint
    }

    /// Certificate and key in one PEM, as TLS libraries take them. Holds the private key.
    pub fn pem_bundle(&self) -> Secret {
        Secret::new(format!(
            "{}\n{}\n",
            self.cert_pem.trim(),
            self.key_pem.expose().trim()
        ))
    }
}

/// The DER of the first certificate of a PEM text.
fn first_certificate_der(pem: &str) -> Result<Vec<u8>, IdentityError> {
    const BEGIN: &str = "-----BEGIN CERTIFICATE-----";
    const END: &str = "-----END CERTIFICATE-----";
    let start = pem.find(BEGIN).ok_or(IdentityError::NoCertificate)?;
    let rest = pem
        .get(start + BEGIN.len()..)
        .ok_or(IdentityError::NoCertificate)?;
    let end = rest.find(END).ok_or(IdentityError::NoCertificate)?;
    let body: String = rest
        .get(..end)
        .unwrap_or_default()
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    STANDARD
        .decode(body)
        .map_err(|e| IdentityError::BadBase64(e.to_string()))
}

/// Checks what a server issued to a request made with `identity`: whether the token is bound to
/// that certificate (`cnf.x5t#S256`, RFC 8705 §3.1).
pub fn check_issued(issued: Option<&Jwt>, identity: &ClientIdentity) -> Vec<Finding> {
    let Some(jwt) = issued else {
        return Vec::new();
    };
    let bound = jwt
        .claims
        .get("cnf")
        .and_then(|c| c.get("x5t#S256"))
        .and_then(Json::as_str);
    match bound {
        Some(t) if t == identity.thumbprint() => Vec::new(),
        Some(t) => vec![Finding::new(
            "mtls.cnf.mismatch",
            Severity::Error,
            "RFC 8705 §3.1",
            format!(
                "the token's cnf.x5t#S256 {t:?} is not the thumbprint of the certificate Baton presented ({:?}): a resource server would refuse it from this client",
                identity.thumbprint()
            ),
        )],
        None => vec![Finding::new(
            "mtls.not-bound",
            Severity::Info,
            "RFC 8705 §3",
            "Baton presented a client certificate, but the token is not bound to it (no cnf.x5t#S256): a stolen copy works without the certificate",
        )],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // A throwaway self-signed certificate (its DER's SHA-256 is computed independently below).
    const CERT: &str = "-----BEGIN CERTIFICATE-----\nMIIBfjCCASOgAwIBAgIUQ0dLRUhLVF9CQVRPTl9URVNUXzEwCgYIKoZIzj0EAwIw\n-----END CERTIFICATE-----\n";

    #[test]
    fn the_thumbprint_is_the_sha256_of_the_der() {
        let der = STANDARD
            .decode("MIIBfjCCASOgAwIBAgIUQ0dLRUhLVF9CQVRPTl9URVNUXzEwCgYIKoZIzj0EAwIw")
            .expect("base64");
        let id = ClientIdentity::from_pem(
            CERT,
            Secret::new("-----BEGIN PRIVATE KEY-----\nx\n-----END PRIVATE KEY-----"),
        )
        .expect("reads");
        assert_eq!(
            id.thumbprint(),
            URL_SAFE_NO_PAD.encode(Sha256::digest(&der))
        );
        assert!(!format!("{id:?}").contains("PRIVATE"));
    }

    #[test]
    fn bad_pem_is_named() {
        let key = Secret::new("-----BEGIN PRIVATE KEY-----\nx\n-----END PRIVATE KEY-----");
        assert_eq!(
            ClientIdentity::from_pem("nope", key.clone()).unwrap_err(),
            IdentityError::NoCertificate
        );
        assert_eq!(
            ClientIdentity::from_pem(CERT, Secret::new("nope")).unwrap_err(),
            IdentityError::NoKey
        );
        assert!(matches!(
            ClientIdentity::from_pem(
                "-----BEGIN CERTIFICATE-----\n!!!\n-----END CERTIFICATE-----",
                key
            ),
            Err(IdentityError::BadBase64(_))
        ));
    }
}
