//! Verifying a JWT against a JWKS: signature with an algorithm allow-list, then `exp`, `nbf`,
//! `iss` and `aud` against an injected clock. Each reason for refusal is named.

use std::path::Path;

use jsonwebtoken::jwk::{AlgorithmParameters, Jwk};
use jsonwebtoken::{Algorithm, AlgorithmFamily, DecodingKey};
use serde::Serialize;
use serde_json::Value as Json;

use crate::http::{HttpClient, HttpRequest, TransportError};
use crate::jwt::{DecodedToken, Jwt, decode};
use crate::timestamp::TimeOutOfRange;

/// The asymmetric algorithms accepted unless the user says otherwise. HMAC is left out: a
/// published JWKS has no business holding a shared secret (RFC 8725 §3.1).
pub const DEFAULT_ALGORITHMS: [Algorithm; 8] = [
    Algorithm::RS256,
    Algorithm::RS384,
    Algorithm::RS512,
    Algorithm::PS256,
    Algorithm::PS384,
    Algorithm::PS512,
    Algorithm::ES256,
    Algorithm::EdDSA,
];

/// A key set, read leniently: a key Baton cannot use is skipped and named, not fatal.
#[derive(Debug, Clone, Default)]
pub struct Jwks {
    pub keys: Vec<Jwk>,
    /// One line per key that was skipped, saying why.
    pub skipped: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum JwksError {
    #[error("could not read the JWKS file {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("could not fetch the JWKS: {0}")]
    Transport(#[from] TransportError),
    #[error("the JWKS at {origin} answered HTTP {status}")]
    Status { origin: String, status: u16 },
    #[error("the JWKS at {origin} is not a JSON object with a \"keys\" array: {reason}")]
    Shape { origin: String, reason: String },
}

impl Jwks {
    pub fn parse(bytes: &[u8], origin: &str) -> Result<Self, JwksError> {
        let shape = |reason: String| JwksError::Shape {
            origin: origin.to_string(),
            reason,
        };
        let json: Json = serde_json::from_slice(bytes).map_err(|e| shape(e.to_string()))?;
        let keys = json
            .get("keys")
            .and_then(Json::as_array)
            .ok_or_else(|| shape("no \"keys\" array".into()))?;
        let mut set = Jwks::default();
        for (i, key) in keys.iter().enumerate() {
            let kid = key.get("kid").and_then(Json::as_str).unwrap_or("no kid");
            match serde_json::from_value::<Jwk>(key.clone()) {
                Ok(jwk) => match &jwk.algorithm {
                    AlgorithmParameters::RSA(_)
                    | AlgorithmParameters::EllipticCurve(_)
                    | AlgorithmParameters::OctetKeyPair(_) => set.keys.push(jwk),
                    AlgorithmParameters::OctetKey(_) => set.skipped.push(format!(
                        "key {i} ({kid}): a symmetric (oct) key, never used to verify"
                    )),
                    _ => set.skipped.push(format!(
                        "key {i} ({kid}): key type {} is not supported",
                        key.get("kty")
                            .map_or_else(|| "missing".to_string(), Json::to_string)
                    )),
                },
                Err(e) => set.skipped.push(format!("key {i} ({kid}): {e}")),
            }
        }
        Ok(set)
    }

    pub fn from_file(path: &Path) -> Result<Self, JwksError> {
        let bytes = std::fs::read(path).map_err(|source| JwksError::Read {
            path: path.display().to_string(),
            source,
        })?;
        Self::parse(&bytes, &path.display().to_string())
    }

    pub async fn fetch(http: &dyn HttpClient, url: &str) -> Result<Self, JwksError> {
        let response = http.send(&HttpRequest::get(url)).await?;
        if response.status != 200 {
            return Err(JwksError::Status {
                origin: url.to_string(),
                status: response.status,
            });
        }
        Self::parse(&response.body, url)
    }

    fn key_id(jwk: &Jwk) -> Option<&str> {
        jwk.common.key_id.as_deref()
    }
}

#[derive(Debug, Clone)]
pub struct VerifyOptions {
    pub algorithms: Vec<Algorithm>,
    pub issuer: Option<String>,
    pub audience: Option<String>,
    /// Clock skew tolerated on `exp` and `nbf`, in seconds.
    pub leeway_secs: i64,
    pub now: i64,
}

impl VerifyOptions {
    pub fn new(now: i64) -> Self {
        Self {
            algorithms: DEFAULT_ALGORITHMS.to_vec(),
            issuer: None,
            audience: None,
            leeway_secs: 60,
            now,
        }
    }
}

/// Why a token did not verify.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VerifyProblem {
    #[error("not a JWT: {0}")]
    NotAJwt(String),
    #[error("the header has no \"alg\"")]
    NoAlg,
    #[error(
        "\"alg\": \"none\" means the token is unsigned and must never be accepted (RFC 8725 §3.1)"
    )]
    AlgNone,
    #[error("\"alg\": {alg:?} is not in the allowed list ({allowed})")]
    AlgNotAllowed { alg: String, allowed: String },
    #[error("no key in the JWKS has kid {kid:?} (the JWKS has: {available})")]
    UnknownKid { kid: String, available: String },
    #[error("no key in the JWKS fits alg {alg} (the JWKS has: {available})")]
    NoUsableKey { alg: String, available: String },
    #[error(
        "the signature does not match any key for alg {alg} (wrong key, or the token was altered)"
    )]
    BadSignature { alg: String },
    #[error("expired at {exp}, {ago} s ago (leeway {leeway} s)")]
    Expired { exp: i64, ago: i64, leeway: i64 },
    #[error("not valid before {nbf}, {in_secs} s from now (leeway {leeway} s)")]
    NotYetValid { nbf: i64, in_secs: i64, leeway: i64 },
    /// A time claim no real token carries (after year 9999, before year 1, or past `i64`).
    #[error("{0}")]
    TimeOutOfRange(TimeOutOfRange),
    #[error("issuer is {found:?}, expected {expected:?}")]
    WrongIssuer {
        expected: String,
        found: Option<String>,
    },
    #[error("audience {found:?} does not include {expected:?}")]
    WrongAudience {
        expected: String,
        found: Vec<String>,
    },
}

impl Serialize for VerifyProblem {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verification {
    pub valid: bool,
    /// The key whose signature matched.
    pub kid: Option<String>,
    pub alg: Option<String>,
    pub problems: Vec<VerifyProblem>,
}

impl Verification {
    fn failed(alg: Option<String>, problem: VerifyProblem) -> Self {
        Self {
            valid: false,
            kid: None,
            alg,
            problems: vec![problem],
        }
    }
}

/// Verifies `token` against `jwks`. The signature is checked first; the claims only when it holds.
pub fn verify(token: &str, jwks: &Jwks, options: &VerifyOptions) -> Verification {
    let token = token.trim();
    let jwt = match decode(token) {
        DecodedToken::Jwt(j) => j,
        DecodedToken::Opaque(o) => {
            return Verification::failed(None, VerifyProblem::NotAJwt(o.reason));
        }
        DecodedToken::Saml(_) => {
            return Verification::failed(
                None,
                VerifyProblem::NotAJwt(
                    "a SAML 2.0 assertion: its XML signature is checked against a certificate, not a JWKS"
                        .into(),
                ),
            );
        }
    };
    let Some(alg_name) = jwt.alg().map(str::to_string) else {
        return Verification::failed(None, VerifyProblem::NoAlg);
    };
    let alg_out = Some(alg_name.clone());
    if alg_name.eq_ignore_ascii_case("none") {
        return Verification::failed(alg_out, VerifyProblem::AlgNone);
    }
    let allowed = || {
        options
            .algorithms
            .iter()
            .map(|a| format!("{a:?}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let alg = match alg_name.parse::<Algorithm>() {
        Ok(a) if options.algorithms.contains(&a) => a,
        _ => {
            return Verification::failed(
                alg_out,
                VerifyProblem::AlgNotAllowed {
                    alg: alg_name,
                    allowed: allowed(),
                },
            );
        }
    };
    let available = || describe_keys(jwks);
    let candidates: Vec<&Jwk> = match jwt.kid() {
        Some(kid) => {
            let found: Vec<&Jwk> = jwks
                .keys
                .iter()
                .filter(|k| Jwks::key_id(k) == Some(kid))
                .collect();
            if found.is_empty() {
                return Verification::failed(
                    alg_out,
                    VerifyProblem::UnknownKid {
                        kid: kid.to_string(),
                        available: available(),
                    },
                );
            }
            found
        }
        None => jwks.keys.iter().collect(),
    };
    let usable: Vec<(&Jwk, DecodingKey)> = candidates
        .into_iter()
        .filter(|k| key_fits(k, alg))
        .filter_map(|k| DecodingKey::from_jwk(k).ok().map(|d| (k, d)))
        .collect();
    if usable.is_empty() {
        return Verification::failed(
            alg_out,
            VerifyProblem::NoUsableKey {
                alg: alg_name,
                available: available(),
            },
        );
    }
    let Some((message, signature)) = token.rsplit_once('.') else {
        return Verification::failed(alg_out, VerifyProblem::NotAJwt("no signature".into()));
    };
    let matched = usable.iter().find(|(_, key)| {
        jsonwebtoken::crypto::verify(signature, message.as_bytes(), key, alg).unwrap_or(false)
    });
    let Some((jwk, _)) = matched else {
        return Verification::failed(alg_out, VerifyProblem::BadSignature { alg: alg_name });
    };
    let problems = check_claims(&jwt, options);
    Verification {
        valid: problems.is_empty(),
        kid: Jwks::key_id(jwk).map(str::to_string),
        alg: alg_out,
        problems,
    }
}

fn key_fits(jwk: &Jwk, alg: Algorithm) -> bool {
    let family_fits = matches!(
        (&jwk.algorithm, alg.family()),
        (AlgorithmParameters::RSA(_), AlgorithmFamily::Rsa)
            | (AlgorithmParameters::EllipticCurve(_), AlgorithmFamily::Ec)
            | (AlgorithmParameters::OctetKeyPair(_), AlgorithmFamily::Ed)
    );
    // A key that names its algorithm is only used for that one (RFC 7517 §4.4).
    let alg_fits = jwk
        .common
        .key_algorithm
        .is_none_or(|ka| format!("{ka:?}") == format!("{alg:?}"));
    family_fits && alg_fits
}

fn describe_keys(jwks: &Jwks) -> String {
    if jwks.keys.is_empty() {
        return "no usable keys".into();
    }
    jwks.keys
        .iter()
        .map(|k| {
            let kty = match &k.algorithm {
                AlgorithmParameters::RSA(_) => "RSA",
                AlgorithmParameters::EllipticCurve(_) => "EC",
                AlgorithmParameters::OctetKeyPair(_) => "OKP",
                AlgorithmParameters::OctetKey(_) => "oct",
                _ => "other",
            };
            format!("{kty} kid={}", Jwks::key_id(k).unwrap_or("-"))
        })
        .collect::<Vec<_>>()
        .join("; ")
}

fn check_claims(jwt: &Jwt, options: &VerifyOptions) -> Vec<VerifyProblem> {
    let mut problems = Vec::new();
    let now = options.now;
    let leeway = options.leeway_secs;
    // A token's times are whatever its issuer wrote, up to i64's ends and past them: one out of
    // range is a problem of its own, and `Jwt::time` leaves it out of the checks below.
    problems.extend(
        jwt.times_out_of_range()
            .into_iter()
            .map(VerifyProblem::TimeOutOfRange),
    );
    // The leeway and the clock are the user's: saturate rather than overflow.
    if let Some(exp) = jwt.time("exp")
        && now.saturating_sub(leeway) >= exp
    {
        problems.push(VerifyProblem::Expired {
            exp,
            ago: now.saturating_sub(exp),
            leeway,
        });
    }
    if let Some(nbf) = jwt.time("nbf")
        && now.saturating_add(leeway) < nbf
    {
        problems.push(VerifyProblem::NotYetValid {
            nbf,
            in_secs: nbf.saturating_sub(now),
            leeway,
        });
    }
    if let Some(expected) = &options.issuer
        && jwt.iss() != Some(expected.as_str())
    {
        problems.push(VerifyProblem::WrongIssuer {
            expected: expected.clone(),
            found: jwt.iss().map(str::to_string),
        });
    }
    if let Some(expected) = &options.audience {
        let aud = jwt.aud();
        if !aud.iter().any(|a| a == expected) {
            problems.push(VerifyProblem::WrongAudience {
                expected: expected.clone(),
                found: aud,
            });
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use base64::Engine;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;

    use super::*;

    fn jwt(claims: &str) -> Jwt {
        let raw = format!(
            "{}.{}.sig",
            URL_SAFE_NO_PAD.encode(r#"{"alg":"ES256"}"#),
            URL_SAFE_NO_PAD.encode(claims)
        );
        match decode(&raw) {
            DecodedToken::Jwt(j) => *j,
            DecodedToken::Opaque(o) => panic!("{}", o.reason),
            DecodedToken::Saml(_) => panic!("a SAML assertion, not a JWT"),
        }
    }

    #[test]
    fn times_at_the_ends_of_i64_are_out_of_range_not_an_overflow() {
        let mut options = VerifyOptions::new(1_000);
        let far_past = jwt(r#"{"exp":-9223372036854775808,"nbf":-9223372036854775808}"#);
        let messages = |j: &Jwt, o: &VerifyOptions| -> Vec<String> {
            check_claims(j, o).iter().map(ToString::to_string).collect()
        };
        assert_eq!(
            messages(&far_past, &options),
            [
                "nbf -9223372036854775808 is out of range (before year 1)",
                "exp -9223372036854775808 is out of range (before year 1)"
            ]
        );
        let far_future =
            jwt(r#"{"exp":9223372036854775807,"nbf":18446744073709551615,"iat":1e300}"#);
        assert_eq!(
            messages(&far_future, &options),
            [
                "iat 1e+300 is out of range (after year 9999)",
                "nbf 18446744073709551615 is out of range (after year 9999)",
                "exp 9223372036854775807 is out of range (after year 9999)"
            ]
        );
        // The user's leeway and clock at their ends saturate.
        let edges = jwt(r#"{"exp":253402300799,"nbf":-62135596800}"#);
        options.leeway_secs = i64::MAX;
        options.now = i64::MIN;
        assert_eq!(messages(&edges, &options), Vec::<String>::new());
        options.leeway_secs = i64::MIN;
        options.now = i64::MAX;
        let expired = messages(&edges, &options);
        assert!(
            expired[0].starts_with("expired at 253402300799"),
            "{expired:?}"
        );
    }
}
