//! Client authentication at the token endpoint (RFC 6749 §2.3, RFC 7523 §2.2).

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::http::{HttpRequest, Value};
use crate::mtls::ClientIdentity;
use crate::secret::Secret;

/// The value of `client_assertion_type` for a JWT client assertion (RFC 7523 §2.2).
pub const JWT_BEARER_ASSERTION: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/// How long a client assertion is valid: short, since it is made for one request.
const ASSERTION_LIFETIME_SECS: i64 = 120;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum AuthMethod {
    ClientSecretBasic,
    ClientSecretPost,
    PrivateKeyJwt,
    /// Mutual TLS with a certificate from a CA the server trusts (RFC 8705 §2.1).
    TlsClientAuth,
    /// Mutual TLS with a self-signed certificate registered at the server (RFC 8705 §2.2).
    SelfSignedTlsClientAuth,
    None,
}

impl AuthMethod {
    pub fn as_str(self) -> &'static str {
        match self {
            AuthMethod::ClientSecretBasic => "client_secret_basic",
            AuthMethod::ClientSecretPost => "client_secret_post",
            AuthMethod::PrivateKeyJwt => "private_key_jwt",
            AuthMethod::TlsClientAuth => "tls_client_auth",
            AuthMethod::SelfSignedTlsClientAuth => "self_signed_tls_client_auth",
            AuthMethod::None => "none",
        }
    }
}

/// The algorithms Baton signs client assertions with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum SigningAlg {
    RS256,
    ES256,
    EdDSA,
}

impl SigningAlg {
    fn jwt_alg(self) -> Algorithm {
        match self {
            SigningAlg::RS256 => Algorithm::RS256,
            SigningAlg::ES256 => Algorithm::ES256,
            SigningAlg::EdDSA => Algorithm::EdDSA,
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "RS256" => Some(SigningAlg::RS256),
            "ES256" => Some(SigningAlg::ES256),
            "EdDSA" | "Ed25519" => Some(SigningAlg::EdDSA),
            _ => None,
        }
    }
}

/// A private key the user supplied for `private_key_jwt`.
#[derive(Clone)]
pub struct SigningKey {
    alg: SigningAlg,
    key: EncodingKey,
    kid: Option<String>,
}

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SigningKey")
            .field("alg", &self.alg)
            .field("kid", &self.kid)
            .field("key", &"[redacted]")
            .finish()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("the private key is not a PEM {expected} key: {reason}")]
    WrongKey {
        expected: &'static str,
        reason: String,
    },
    #[error(
        "the private key is not an RSA, P-256 or Ed25519 PEM key (expected a -----BEGIN PRIVATE KEY----- block)"
    )]
    Unrecognised,
}

impl SigningKey {
    /// Reads a PEM private key. With no algorithm given, it is chosen from the key itself.
    pub fn from_pem(
        pem: &Secret,
        alg: Option<SigningAlg>,
        kid: Option<String>,
    ) -> Result<Self, KeyError> {
        let bytes = pem.expose().as_bytes();
        let try_alg = |alg: SigningAlg| -> Result<EncodingKey, KeyError> {
            let (result, expected) = match alg {
                SigningAlg::RS256 => (EncodingKey::from_rsa_pem(bytes), "RSA"),
                SigningAlg::ES256 => (EncodingKey::from_ec_pem(bytes), "P-256 (EC)"),
                SigningAlg::EdDSA => (EncodingKey::from_ed_pem(bytes), "Ed25519"),
            };
            let key = result.map_err(|e| KeyError::WrongKey {
                expected,
                reason: e.to_string(),
            })?;
            // Parsing the PEM does not prove the key fits the algorithm: sign once to be sure.
            jsonwebtoken::encode(&Header::new(alg.jwt_alg()), &serde_json::json!({}), &key)
                .map_err(|e| KeyError::WrongKey {
                    expected,
                    reason: e.to_string(),
                })?;
            Ok(key)
        };
        match alg {
            Some(alg) => Ok(Self {
                alg,
                key: try_alg(alg)?,
                kid,
            }),
            None => [SigningAlg::ES256, SigningAlg::EdDSA, SigningAlg::RS256]
                .into_iter()
                .find_map(|alg| {
                    try_alg(alg).ok().map(|key| Self {
                        alg,
                        key,
                        kid: kid.clone(),
                    })
                })
                .ok_or(KeyError::Unrecognised),
        }
    }

    pub fn alg(&self) -> SigningAlg {
        self.alg
    }
}

/// Who Baton is at the token endpoint, and how it proves it.
#[derive(Debug, Clone)]
pub enum ClientAuth {
    /// `client_secret_basic`: id and secret in the Authorization header.
    SecretBasic { client_id: String, secret: Secret },
    /// `client_secret_post`: id and secret in the form body.
    SecretPost { client_id: String, secret: Secret },
    /// `private_key_jwt`: a signed assertion (RFC 7523). `audience` defaults to the token endpoint.
    PrivateKeyJwt {
        client_id: String,
        key: SigningKey,
        audience: Option<String>,
    },
    /// Mutual TLS (RFC 8705 §2): the certificate in the TLS handshake, `client_id` in the body.
    Tls {
        client_id: String,
        identity: ClientIdentity,
        /// `self_signed_tls_client_auth` rather than `tls_client_auth`.
        self_signed: bool,
    },
    /// A public client: `client_id` in the body and nothing else; no `client_id` at all if empty.
    None { client_id: String },
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum AuthError {
    #[error("could not sign the client assertion for {client_id}: {reason}")]
    Sign { client_id: String, reason: String },
}

impl ClientAuth {
    pub fn method(&self) -> AuthMethod {
        match self {
            ClientAuth::SecretBasic { .. } => AuthMethod::ClientSecretBasic,
            ClientAuth::SecretPost { .. } => AuthMethod::ClientSecretPost,
            ClientAuth::PrivateKeyJwt { .. } => AuthMethod::PrivateKeyJwt,
            ClientAuth::Tls {
                self_signed: false, ..
            } => AuthMethod::TlsClientAuth,
            ClientAuth::Tls {
                self_signed: true, ..
            } => AuthMethod::SelfSignedTlsClientAuth,
            ClientAuth::None { .. } => AuthMethod::None,
        }
    }

    /// The client certificate presented, for mutual TLS.
    pub fn identity(&self) -> Option<&ClientIdentity> {
        match self {
            ClientAuth::Tls { identity, .. } => Some(identity),
            _ => None,
        }
    }

    pub fn client_id(&self) -> &str {
        match self {
            ClientAuth::SecretBasic { client_id, .. }
            | ClientAuth::SecretPost { client_id, .. }
            | ClientAuth::PrivateKeyJwt { client_id, .. }
            | ClientAuth::Tls { client_id, .. }
            | ClientAuth::None { client_id } => client_id,
        }
    }

    /// Adds the credentials to a request for `token_endpoint`, at time `now` (epoch seconds).
    pub fn apply(
        &self,
        request: &mut HttpRequest,
        token_endpoint: &str,
        now: i64,
    ) -> Result<(), AuthError> {
        match self {
            ClientAuth::SecretBasic { client_id, secret } => {
                request.push_header(
                    "Authorization",
                    Value::Secret(Secret::new(basic_authorization(client_id, secret))),
                );
            }
            ClientAuth::SecretPost { client_id, secret } => {
                request.push_form("client_id", Value::Plain(client_id.clone()));
                request.push_form("client_secret", Value::Secret(secret.clone()));
            }
            ClientAuth::PrivateKeyJwt {
                client_id,
                key,
                audience,
            } => {
                let aud = audience.as_deref().unwrap_or(token_endpoint);
                let assertion = client_assertion(client_id, key, aud, now)?;
                request.push_form("client_id", Value::Plain(client_id.clone()));
                request.push_form(
                    "client_assertion_type",
                    Value::Plain(JWT_BEARER_ASSERTION.into()),
                );
                request.push_form("client_assertion", Value::Secret(assertion));
            }
            ClientAuth::Tls {
                client_id,
                identity,
                ..
            } => {
                request.push_form("client_id", Value::Plain(client_id.clone()));
                request.identity = Some(identity.clone());
            }
            ClientAuth::None { client_id } => {
                if !client_id.is_empty() {
                    request.push_form("client_id", Value::Plain(client_id.clone()));
                }
            }
        }
        Ok(())
    }
}

/// `Basic base64(urlencode(id):urlencode(secret))`: RFC 6749 §2.3.1 form-encodes both parts
/// first, which many clients forget (a `:` or `%` in a secret then breaks authentication).
pub fn basic_authorization(client_id: &str, secret: &Secret) -> String {
    let encode = |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
    let pair = format!("{}:{}", encode(client_id), encode(secret.expose()));
    format!("Basic {}", STANDARD.encode(pair))
}

fn client_assertion(
    client_id: &str,
    key: &SigningKey,
    audience: &str,
    now: i64,
) -> Result<Secret, AuthError> {
    let mut jti = [0u8; 16];
    rand::thread_rng().fill_bytes(&mut jti);
    let claims = serde_json::json!({
        "iss": client_id,
        "sub": client_id,
        "aud": audience,
        "iat": now,
        "exp": now.saturating_add(ASSERTION_LIFETIME_SECS),
        "jti": URL_SAFE_NO_PAD.encode(jti),
    });
    let mut header = Header::new(key.alg.jwt_alg());
    header.typ = Some("JWT".into());
    header.kid = key.kid.clone();
    jsonwebtoken::encode(&header, &claims, &key.key)
        .map(Secret::new)
        .map_err(|e| AuthError::Sign {
            client_id: client_id.to_string(),
            reason: e.to_string(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_form_encodes_id_and_secret_before_base64() {
        let header = basic_authorization("my client", &Secret::new("p:ss%word&"));
        let decoded = STANDARD
            .decode(header.trim_start_matches("Basic "))
            .expect("base64");
        assert_eq!(
            String::from_utf8(decoded).expect("utf8"),
            "my+client:p%3Ass%25word%26"
        );
    }

    #[test]
    fn unknown_pem_is_reported_not_panicked() {
        let err = SigningKey::from_pem(&Secret::new("not a key"), None, None).unwrap_err();
        assert!(err.to_string().contains("not an RSA, P-256 or Ed25519"));
        let err = SigningKey::from_pem(&Secret::new("garbage"), Some(SigningAlg::ES256), None)
            .unwrap_err();
        assert!(err.to_string().contains("P-256"), "{err}");
    }
}
