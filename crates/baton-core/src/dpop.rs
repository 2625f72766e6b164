//! DPoP (RFC 9449): a proof of possession of a client's key on each request, and the checks on
//! what a server bound to that key.
//!
//! A key is a P-256 key (ES256, which every DPoP server accepts), generated when a client first
//! needs one and kept as a secret like any other private key.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, EncodingKey, Header, jwk::Jwk};
use p256::elliptic_curve::sec1::ToEncodedPoint;
use p256::pkcs8::{DecodePrivateKey, EncodePrivateKey, LineEnding};
use rand::RngCore;
use serde_json::{Value as Json, json};
use sha2::{Digest, Sha256};

use crate::findings::{Finding, Severity};
use crate::jwt::Jwt;
use crate::secret::Secret;

/// The `typ` of a proof (§4.2).
pub const PROOF_TYP: &str = "dpop+jwt";
/// The error a server answers when it wants a nonce in the proof (§8).
pub const USE_DPOP_NONCE: &str = "use_dpop_nonce";

#[derive(Debug, thiserror::Error)]
pub enum DpopError {
    #[error(
        "the DPoP key is not a P-256 private key in PEM (PKCS#8, -----BEGIN PRIVATE KEY-----): {0}"
    )]
    Key(String),
    #[error("could not sign the DPoP proof: {0}")]
    Sign(String),
}

/// A client's DPoP key.
#[derive(Clone)]
pub struct DpopKey {
    encoding: EncodingKey,
    pem: Secret,
    jwk: Json,
    thumbprint: String,
}

impl std::fmt::Debug for DpopKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DpopKey")
            .field("thumbprint", &self.thumbprint)
            .field("key", &"[redacted]")
            .finish()
    }
}

impl DpopKey {
    /// A fresh P-256 key.
    pub fn generate() -> Result<Self, DpopError> {
        let secret = p256::SecretKey::random(&mut rand::rngs::OsRng);
        Self::from_secret(&secret)
    }

    /// A key kept as PKCS#8 PEM.
    pub fn from_pem(pem: &Secret) -> Result<Self, DpopError> {
        let secret = p256::SecretKey::from_pkcs8_pem(pem.expose().trim())
            .map_err(|e| DpopError::Key(e.to_string()))?;
        Self::from_secret(&secret)
    }

    fn from_secret(secret: &p256::SecretKey) -> Result<Self, DpopError> {
        let pem = secret
            .to_pkcs8_pem(LineEnding::LF)
            .map_err(|e| DpopError::Key(e.to_string()))?;
        let encoding =
            EncodingKey::from_ec_pem(pem.as_bytes()).map_err(|e| DpopError::Key(e.to_string()))?;
        let point = secret.public_key().to_encoded_point(false);
        let (Some(x), Some(y)) = (point.x(), point.y()) else {
            return Err(DpopError::Key("the public key has no coordinates".into()));
        };
        let jwk = json!({
            "kty": "EC",
            "crv": "P-256",
            "x": URL_SAFE_NO_PAD.encode(x),
            "y": URL_SAFE_NO_PAD.encode(y),
        });
        let thumbprint =
            jwk_thumbprint(&jwk).ok_or_else(|| DpopError::Key("no thumbprint".into()))?;
        Ok(Self {
            encoding,
            pem: Secret::new(pem.to_string()),
            jwk,
            thumbprint,
        })
    }

    /// The private key as PEM, to keep as a secret.
    pub fn to_pem(&self) -> &Secret {
        &self.pem
    }

    /// The public key as a JWK.
    pub fn public_jwk(&self) -> &Json {
        &self.jwk
    }

    /// The RFC 7638 SHA-256 thumbprint: the `jkt` a bound token's `cnf` must carry.
    pub fn thumbprint(&self) -> &str {
        &self.thumbprint
    }

    /// A proof for one request (§4.2): `htm` and `htu` of the request, a fresh `jti`, `iat`, the
    /// server's nonce when it gave one, and `ath` when the request carries an access token.
    pub fn proof(
        &self,
        method: &str,
        url: &str,
        now: i64,
        nonce: Option<&str>,
        access_token: Option<&str>,
    ) -> Result<String, DpopError> {
        let mut header = Header::new(Algorithm::ES256);
        header.typ = Some(PROOF_TYP.into());
        header.jwk = Some(
            serde_json::from_value::<Jwk>(self.jwk.clone())
                .map_err(|e| DpopError::Sign(e.to_string()))?,
        );
        let mut jti = [0u8; 16];
        rand::thread_rng().fill_bytes(&mut jti);
        let mut claims = json!({
            "jti": URL_SAFE_NO_PAD.encode(jti),
            "htm": method,
            "htu": htu(url),
            "iat": now,
        });
        if let Some(nonce) = nonce {
            claims["nonce"] = json!(nonce);
        }
        if let Some(token) = access_token {
            claims["ath"] = json!(URL_SAFE_NO_PAD.encode(Sha256::digest(token.as_bytes())));
        }
        jsonwebtoken::encode(&header, &claims, &self.encoding)
            .map_err(|e| DpopError::Sign(e.to_string()))
    }
}

/// The `htu` of a request: its URL without query and fragment (§4.2).
pub fn htu(url: &str) -> String {
    let end = url.find(['?', '#']).unwrap_or(url.len());
    url.get(..end).unwrap_or(url).to_owned()
}

/// The RFC 7638 thumbprint of a public JWK (EC, RSA or OKP), or `None` if a required member is
/// missing.
pub fn jwk_thumbprint(jwk: &Json) -> Option<String> {
    let member = |name: &str| jwk.get(name).and_then(Json::as_str);
    // The required members, in lexicographic order, with no whitespace (§3.2).
    let canonical = match member("kty")? {
        "EC" => format!(
            r#"{{"crv":{},"kty":"EC","x":{},"y":{}}}"#,
            Json::from(member("crv")?),
            Json::from(member("x")?),
            Json::from(member("y")?)
        ),
        "RSA" => format!(
            r#"{{"e":{},"kty":"RSA","n":{}}}"#,
            Json::from(member("e")?),
            Json::from(member("n")?)
        ),
        "OKP" => format!(
            r#"{{"crv":{},"kty":"OKP","x":{}}}"#,
            Json::from(member("crv")?),
            Json::from(member("x")?)
        ),
        _ => return None,
    };
    Some(URL_SAFE_NO_PAD.encode(Sha256::digest(canonical.as_bytes())))
}

const RFC9449_BOUND: &str = "RFC 9449 §5";

/// Checks what a server issued for a request made with DPoP proof of `key`: the token type and
/// the binding of a JWT access token.
pub fn check_issued(token_type: Option<&str>, issued: Option<&Jwt>, key: &DpopKey) -> Vec<Finding> {
    let mut found = Vec::new();
    let jkt = issued.and_then(|jwt| {
        jwt.claims
            .get("cnf")
            .and_then(|c| c.get("jkt"))
            .and_then(Json::as_str)
    });
    let dpop_type = token_type.is_some_and(|t| t.eq_ignore_ascii_case("DPoP"));
    match (dpop_type, jkt) {
        (true, Some(jkt)) if jkt != key.thumbprint() => found.push(Finding::new(
            "dpop.cnf.mismatch",
            Severity::Error,
            "RFC 9449 §6.1",
            format!(
                "the token's cnf.jkt {jkt:?} is not the thumbprint of the key that signed the proof ({:?})",
                key.thumbprint()
            ),
        )),
        (true, None) if issued.is_some() => found.push(Finding::new(
            "dpop.cnf.missing",
            Severity::Error,
            "RFC 9449 §6.1",
            "token_type is DPoP but the JWT access token has no cnf.jkt: a resource server cannot tell which key it is bound to",
        )),
        (false, Some(_)) => found.push(Finding::new(
            "dpop.token-type.bearer",
            Severity::Error,
            RFC9449_BOUND,
            format!(
                "the token is bound to a DPoP key (cnf.jkt) but token_type is {:?}: it must be \"DPoP\", or a client will send it as a bearer token and be refused",
                token_type.unwrap_or("")
            ),
        )),
        (false, None) => found.push(Finding::new(
            "dpop.not-bound",
            Severity::Info,
            RFC9449_BOUND,
            format!(
                "Baton sent a DPoP proof, but the server issued a {:?} token that is not bound to the key (it ignores DPoP for this client)",
                token_type.unwrap_or("")
            ),
        )),
        _ => {}
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jwt::{DecodedToken, decode};

    #[test]
    fn rfc7638_example_thumbprint() {
        // RFC 7638 §3.1.
        let jwk = json!({
            "kty": "RSA",
            "n": "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw",
            "e": "AQAB",
            "alg": "RS256",
            "kid": "2011-04-29"
        });
        assert_eq!(
            jwk_thumbprint(&jwk).as_deref(),
            Some("NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs")
        );
        assert_eq!(jwk_thumbprint(&json!({"kty": "EC", "crv": "P-256"})), None);
    }

    #[test]
    fn a_proof_has_the_members_of_section_4_2() {
        let key = DpopKey::generate().expect("key");
        let proof = key
            .proof(
                "POST",
                "https://as.example/token?x=1#f",
                1_000,
                Some("n-1"),
                Some("at"),
            )
            .expect("proof");
        let DecodedToken::Jwt(jwt) = decode(&proof) else {
            panic!("not a JWT");
        };
        assert_eq!(jwt.typ(), Some(PROOF_TYP));
        assert_eq!(jwt.alg(), Some("ES256"));
        let jwk = jwt.header.get("jwk").expect("jwk");
        assert!(jwk.get("d").is_none(), "never the private key");
        assert_eq!(jwk_thumbprint(jwk).as_deref(), Some(key.thumbprint()));
        assert_eq!(jwt.claim_str("htm"), Some("POST"));
        assert_eq!(jwt.claim_str("htu"), Some("https://as.example/token"));
        assert_eq!(jwt.claim_str("nonce"), Some("n-1"));
        assert_eq!(jwt.time("iat"), Some(1_000));
        assert_eq!(
            jwt.claim_str("ath"),
            Some(URL_SAFE_NO_PAD.encode(Sha256::digest(b"at")).as_str())
        );
        let again = key
            .proof("POST", "https://as.example/token", 1_000, None, None)
            .expect("proof");
        let DecodedToken::Jwt(again) = decode(&again) else {
            panic!("not a JWT");
        };
        assert_ne!(
            again.claim_str("jti"),
            jwt.claim_str("jti"),
            "a fresh jti each time"
        );
    }

    #[test]
    fn a_kept_key_is_the_same_key() {
        let key = DpopKey::generate().expect("key");
        let back = DpopKey::from_pem(key.to_pem()).expect("reads back");
        assert_eq!(back.thumbprint(), key.thumbprint());
        let err = DpopKey::from_pem(&Secret::new("nope")).unwrap_err();
        assert!(err.to_string().contains("P-256"), "{err}");
        assert!(!format!("{key:?}").contains("PRIVATE"));
    }

    fn token_with(claims: Json) -> Jwt {
        let e = |v: &Json| URL_SAFE_NO_PAD.encode(v.to_string());
        let raw = format!("{}.{}.sig", e(&json!({"alg": "ES256"})), e(&claims));
        match decode(&raw) {
            DecodedToken::Jwt(j) => *j,
            DecodedToken::Opaque(o) => panic!("{}", o.reason),
            DecodedToken::Saml(_) => panic!("a SAML assertion, not a JWT"),
        }
    }

    #[test]
    fn what_was_issued_is_checked_against_the_key() {
        let key = DpopKey::generate().expect("key");
        let ids = |t: Option<&str>, jwt: Option<&Jwt>| -> Vec<String> {
            check_issued(t, jwt, &key)
                .into_iter()
                .map(|f| f.id)
                .collect()
        };
        let bound = token_with(json!({"cnf": {"jkt": key.thumbprint()}}));
        let other = token_with(json!({"cnf": {"jkt": "someone-else"}}));
        let unbound = token_with(json!({"sub": "a"}));
        assert!(ids(Some("DPoP"), Some(&bound)).is_empty());
        assert_eq!(ids(Some("DPoP"), Some(&other)), ["dpop.cnf.mismatch"]);
        assert_eq!(ids(Some("DPoP"), Some(&unbound)), ["dpop.cnf.missing"]);
        assert_eq!(
            ids(Some("Bearer"), Some(&bound)),
            ["dpop.token-type.bearer"]
        );
        assert_eq!(ids(Some("Bearer"), Some(&unbound)), ["dpop.not-bound"]);
        assert!(
            ids(Some("DPoP"), None).is_empty(),
            "an opaque DPoP token cannot be checked"
        );
    }
}
