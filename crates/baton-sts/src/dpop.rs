//! RFC 9449 DPoP at the token endpoint: checking a proof (§4.3), the nonces the lab may ask
//! for (§8), and the key thumbprint a bound token carries as `cnf.jkt` (§6.1).

use axum::http::HeaderMap;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::Algorithm;
use serde_json::{Map, Value};

use crate::errors::OAuthError;
use crate::keys::{describe_jwt_error, jwk_key, jwk_thumbprint};
use crate::lab::{Lab, lock};
use crate::policy::Client;
use crate::text::quoted;
use crate::tokens::CLOCK_SKEW_SECS;

/// The proof algorithms the lab verifies (asymmetric only, RFC 9449 §4.3 item 5), for the
/// metadata's `dpop_signing_alg_values_supported`.
pub(crate) const DPOP_ALGS: &[&str] = &["ES256", "EdDSA", "RS256"];

/// How old a proof's `iat` may be (RFC 9449 §11.1: a short window bounds the replay cache).
pub(crate) const PROOF_MAX_AGE_SECS: u64 = 300;

/// How long a nonce the lab hands out stays current; the one before it is still accepted.
pub(crate) const NONCE_ROTATION_SECS: u64 = 120;

/// The longest proof `jti` the lab keeps in its replay cache.
const MAX_JTI_CHARS: usize = 256;

const DPOP_HEADER: &str = "dpop";

/// The lab's current DPoP nonce and the one before it: O(1) memory however many clients ask.
#[derive(Default)]
pub(crate) struct NonceState {
    current: Option<(String, u64)>,
    previous: Option<String>,
}

impl Lab {
    /// The nonce to hand out now, rotated every [`NONCE_ROTATION_SECS`].
    pub(crate) fn dpop_nonce(&self) -> String {
        let now = self.clock.now();
        let mut state = lock(&self.dpop_nonces);
        match &state.current {
            Some((nonce, since)) if now.saturating_sub(*since) < NONCE_ROTATION_SECS => {
                nonce.clone()
            }
            _ => {
                let fresh = self.ids.next("dpop_nonce");
                state.previous = state.current.take().map(|(n, _)| n);
                state.current = Some((fresh.clone(), now));
                fresh
            }
        }
    }

    fn dpop_nonce_is_current(&self, nonce: &str) -> bool {
        // Rotates first, so that an expired current nonce is no longer accepted as current.
        let current = self.dpop_nonce();
        let state = lock(&self.dpop_nonces);
        nonce == current || state.previous.as_deref() == Some(nonce)
    }
}

fn invalid(why: impl Into<String>) -> OAuthError {
    OAuthError::invalid_dpop_proof(format!("DPoP proof: {}", why.into()))
}

/// Checks the request's DPoP proof, if any, for `POST` to the token endpoint. Returns the
/// proof key's thumbprint, or `None` without a proof (refused if `client` requires DPoP).
pub(crate) fn check_token_request(
    lab: &Lab,
    headers: &HeaderMap,
    client: &Client,
) -> Result<Option<String>, OAuthError> {
    let mut all = headers.get_all(DPOP_HEADER).iter();
    let Some(value) = all.next() else {
        if client.dpop {
            return Err(OAuthError::invalid_dpop_proof(format!(
                "client {:?} requires DPoP (its policy says dpop = \"required\") and the request has no DPoP header",
                client.client_id
            )));
        }
        return Ok(None);
    };
    // §4.3 item 1: exactly one DPoP header.
    if all.next().is_some() {
        return Err(invalid("the request has more than one DPoP header"));
    }
    let proof = value
        .to_str()
        .map_err(|_| invalid("the DPoP header is not ASCII"))?;
    let jkt = check_proof(lab, proof, "POST", &lab.token_endpoint())?;
    Ok(Some(jkt))
}

/// RFC 9449 §4.3 for one proof; returns the thumbprint of its key.
fn check_proof(lab: &Lab, proof: &str, method: &str, url: &str) -> Result<String, OAuthError> {
    // Item 2: a well-formed JWS; the header is read as JSON to see every member of `jwk`.
    let header_part = proof.split('.').next().unwrap_or_default();
    if proof.split('.').count() != 3 {
        return Err(invalid(
            "it is not a JWS compact serialisation (three base64url parts)",
        ));
    }
    let header: Map<String, Value> = URL_SAFE_NO_PAD
        .decode(header_part)
        .ok()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .ok_or_else(|| invalid("its header is not base64url JSON"))?;
    // Item 4: typ dpop+jwt.
    match header.get("typ").and_then(Value::as_str) {
        Some(t) if t.eq_ignore_ascii_case("dpop+jwt") => {}
        Some(t) => return Err(invalid(format!("its typ is {}, not dpop+jwt", quoted(t)))),
        None => return Err(invalid("its header has no typ (dpop+jwt)")),
    }
    // Item 5: an asymmetric algorithm the lab supports.
    let alg_name = header.get("alg").and_then(Value::as_str).unwrap_or("");
    let alg = match alg_name {
        "ES256" => Algorithm::ES256,
        "EdDSA" => Algorithm::EdDSA,
        "RS256" => Algorithm::RS256,
        other => {
            return Err(invalid(format!(
                "its alg {} is not accepted (the lab accepts {})",
                quoted(other),
                DPOP_ALGS.join(", ")
            )));
        }
    };
    // Item 7: the public key, and no private one.
    let Some(jwk) = header.get("jwk") else {
        return Err(invalid("its header has no jwk"));
    };
    let key = jwk_key(jwk).map_err(|why| invalid(format!("its jwk: {why}")))?;
    if !key.algorithms.contains(&alg) {
        return Err(invalid(format!(
            "its alg {alg_name} does not go with its jwk's key type"
        )));
    }
    // Item 6: the signature, with that key.
    let mut validation = jsonwebtoken::Validation::new(alg);
    validation.validate_exp = false;
    validation.validate_aud = false;
    validation.required_spec_claims.clear();
    let claims = jsonwebtoken::decode::<Map<String, Value>>(proof, &key.key, &validation)
        .map_err(|e| invalid(describe_jwt_error(&e)))?
        .claims;
    let jkt = jwk_thumbprint(jwk).map_err(|why| invalid(format!("its jwk: {why}")))?;

    // Item 8: htm.
    let str_claim = |name: &str| claims.get(name).and_then(Value::as_str);
    match str_claim("htm") {
        Some(m) if m == method => {}
        Some(m) => {
            return Err(invalid(format!(
                "its htm is {}, but the request is a {method}",
                quoted(m)
            )));
        }
        None => return Err(invalid("it has no htm claim")),
    }
    // Item 9: htu, ignoring query and fragment.
    match str_claim("htu") {
        Some(u) if same_uri(u, url) => {}
        Some(u) => {
            return Err(invalid(format!(
                "its htu is {}, but the request went to {url}",
                quoted(u)
            )));
        }
        None => return Err(invalid("it has no htu claim")),
    }
    // Item 11: created recently, not in the future.
    let now = lab.clock.now();
    let Some(iat) = claims.get("iat").and_then(Value::as_u64) else {
        return Err(invalid("it has no numeric iat claim"));
    };
    if iat > now.saturating_add(CLOCK_SKEW_SECS) {
        return Err(invalid(format!(
            "its iat {iat} is {} s in the future by the lab's clock",
            iat - now
        )));
    }
    if now.saturating_sub(iat) > PROOF_MAX_AGE_SECS {
        return Err(invalid(format!(
            "its iat {iat} is {} s old; the lab accepts proofs at most {PROOF_MAX_AGE_SECS} s old",
            now - iat
        )));
    }
    // Item 10: the nonce, when the lab asks for one (§8).
    if lab.policy.dpop_nonce {
        let problem = match str_claim("nonce") {
            None => Some("the lab requires a DPoP nonce and the proof has none".to_owned()),
            Some(n) if !lab.dpop_nonce_is_current(n) => Some(format!(
                "its nonce {} is not one the lab handed out recently",
                quoted(n)
            )),
            Some(_) => None,
        };
        if let Some(why) = problem {
            return Err(OAuthError::use_dpop_nonce(format!(
                "DPoP proof: {why}; retry with the DPoP-Nonce this response carries"
            ))
            .with_dpop_nonce(lab.dpop_nonce()));
        }
    }
    // Item 12: jti, once within the window.
    let Some(jti) = str_claim("jti") else {
        return Err(invalid("it has no jti claim"));
    };
    if jti.is_empty() || jti.chars().count() > MAX_JTI_CHARS {
        return Err(invalid(format!(
            "its jti must have 1 to {MAX_JTI_CHARS} characters"
        )));
    }
    let until = iat
        .saturating_add(PROOF_MAX_AGE_SECS)
        .max(now.saturating_add(1));
    if !lab.first_use_of_dpop_proof(&jkt, jti, until) {
        return Err(invalid(format!(
            "its jti {} was already used: a proof is good for one request",
            quoted(jti)
        )));
    }
    Ok(jkt)
}

/// `htu` against the request URL: without query and fragment (RFC 9449 §4.3 item 9), scheme and
/// host compared case-insensitively (RFC 3986 §6.2.2.1).
fn same_uri(htu: &str, url: &str) -> bool {
    let strip = |u: &str| {
        let end = u.find(['?', '#']).unwrap_or(u.len());
        let u = &u[..end];
        // Lowercase up to the path: "scheme://authority".
        let path_at = u
            .find("://")
            .and_then(|i| u[i + 3..].find('/').map(|j| i + 3 + j))
            .unwrap_or(u.len());
        format!("{}{}", u[..path_at].to_ascii_lowercase(), &u[path_at..])
    };
    strip(htu) == strip(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn htu_ignores_query_fragment_and_case_of_scheme_and_host() {
        let url = "http://127.0.0.1:8787/token";
        assert!(same_uri("http://127.0.0.1:8787/token", url));
        assert!(same_uri("HTTP://127.0.0.1:8787/token?x=1#f", url));
        assert!(!same_uri("http://127.0.0.1:8787/Token", url));
        assert!(!same_uri("http://127.0.0.1:8787/token/", url));
        assert!(!same_uri("http://127.0.0.1:8788/token", url));
    }
}
