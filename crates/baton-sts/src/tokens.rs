//! The lab's own tokens: minting JWTs and opaque refresh tokens, and verifying JWTs presented
//! back to it (subject and actor tokens, introspection).

use serde_json::{Map, Value, json};

use crate::errors::OAuthError;
use crate::lab::Lab;

pub(crate) const TYPE_ACCESS_TOKEN: &str = "urn:ietf:params:oauth:token-type:access_token";
pub(crate) const TYPE_REFRESH_TOKEN: &str = "urn:ietf:params:oauth:token-type:refresh_token";
pub(crate) const TYPE_ID_TOKEN: &str = "urn:ietf:params:oauth:token-type:id_token";
pub(crate) const TYPE_JWT: &str = "urn:ietf:params:oauth:token-type:jwt";
/// draft-ietf-oauth-identity-assertion-authz-grant: an Identity Assertion JWT Authorization Grant.
pub(crate) const TYPE_ID_JAG: &str = "urn:ietf:params:oauth:token-type:id-jag";
/// RFC 8693 §3: a base64url-encoded SAML 2.0 assertion.
pub(crate) const TYPE_SAML2: &str = "urn:ietf:params:oauth:token-type:saml2";

/// The JWT header `typ` of an ID-JAG.
pub(crate) const TYP_ID_JAG: &str = "oauth-id-jag+jwt";

/// The JWT header `typ` of the lab's access tokens (RFC 9068).
pub(crate) const TYP_ACCESS_TOKEN: &str = "at+jwt";

/// How far in the future `nbf` and `iat` may lie (clocks drift) before a token is refused.
pub(crate) const CLOCK_SKEW_SECS: u64 = 60;

/// The kinds of token the lab can issue (RFC 8693 §3 token type identifiers).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TokenKind {
    AccessToken,
    Jwt,
    IdToken,
    RefreshToken,
    IdJag,
    Saml2,
}

impl TokenKind {
    pub(crate) fn from_uri(uri: &str) -> Option<TokenKind> {
        match uri {
            TYPE_ACCESS_TOKEN => Some(TokenKind::AccessToken),
            TYPE_JWT => Some(TokenKind::Jwt),
            TYPE_ID_TOKEN => Some(TokenKind::IdToken),
            TYPE_REFRESH_TOKEN => Some(TokenKind::RefreshToken),
            TYPE_ID_JAG => Some(TokenKind::IdJag),
            TYPE_SAML2 => Some(TokenKind::Saml2),
            _ => None,
        }
    }

    pub(crate) fn uri(self) -> &'static str {
        match self {
            TokenKind::AccessToken => TYPE_ACCESS_TOKEN,
            TokenKind::Jwt => TYPE_JWT,
            TokenKind::IdToken => TYPE_ID_TOKEN,
            TokenKind::RefreshToken => TYPE_REFRESH_TOKEN,
            TokenKind::IdJag => TYPE_ID_JAG,
            TokenKind::Saml2 => TYPE_SAML2,
        }
    }

    /// RFC 8693 §2.2.1: `Bearer` for an access token usable as one, `N_A` for everything else.
    pub(crate) fn token_type(self) -> &'static str {
        match self {
            TokenKind::AccessToken => "Bearer",
            _ => "N_A",
        }
    }

    /// The JWT header `typ`: RFC 9068 `at+jwt` for access tokens only.
    fn jwt_typ(self) -> &'static str {
        match self {
            TokenKind::AccessToken => TYP_ACCESS_TOKEN,
            TokenKind::IdJag => TYP_ID_JAG,
            _ => "JWT",
        }
    }
}

/// What a token says, before it gets an `iat`, `exp` and `jti`.
#[derive(Debug, Clone)]
pub(crate) struct TokenSpec {
    pub(crate) sub: String,
    pub(crate) client_id: String,
    pub(crate) aud: Vec<String>,
    pub(crate) scopes: Vec<String>,
    pub(crate) act: Option<Value>,
    pub(crate) may_act: Option<Value>,
    /// Extra claims (a user's `claims` from the policy).
    pub(crate) extra: Map<String, Value>,
    /// The token must not outlive this instant (the subject token's `exp` in an exchange).
    pub(crate) not_after: Option<u64>,
}

/// A token the lab issued.
#[derive(Debug, Clone)]
pub(crate) struct Issued {
    pub(crate) token: String,
    pub(crate) kind: TokenKind,
    pub(crate) iat: u64,
    pub(crate) exp: u64,
    pub(crate) scopes: Vec<String>,
    /// The RFC 7638 thumbprint of the DPoP key the token is bound to (`cnf.jkt`), if any.
    pub(crate) jkt: Option<String>,
    /// The client certificate the token is bound to (`cnf.x5t#S256`, RFC 8705 §3.1), if any.
    pub(crate) x5t: Option<String>,
}

impl Issued {
    pub(crate) fn expires_in(&self) -> u64 {
        self.exp.saturating_sub(self.iat)
    }
}

/// A refresh token the lab handed out, kept in memory.
#[derive(Debug, Clone)]
pub(crate) struct RefreshRecord {
    pub(crate) spec: TokenSpec,
    pub(crate) iat: u64,
    pub(crate) exp: u64,
}

/// What an opaque access token stands for: the claims its JWT would have had.
#[derive(Debug, Clone)]
pub(crate) struct OpaqueRecord {
    pub(crate) claims: Map<String, Value>,
}

/// A JWT the lab verified: its own signature, its own issuer, not expired.
#[derive(Debug, Clone)]
pub(crate) struct Verified {
    pub(crate) typ: Option<String>,
    pub(crate) claims: Map<String, Value>,
}

impl Verified {
    pub(crate) fn sub(&self) -> &str {
        self.claims
            .get("sub")
            .and_then(Value::as_str)
            .unwrap_or_default()
    }
    pub(crate) fn iss(&self) -> &str {
        self.claims
            .get("iss")
            .and_then(Value::as_str)
            .unwrap_or_default()
    }
    pub(crate) fn exp(&self) -> u64 {
        self.claims
            .get("exp")
            .and_then(Value::as_u64)
            .unwrap_or_default()
    }
    pub(crate) fn client_id(&self) -> Option<&str> {
        self.claims.get("client_id").and_then(Value::as_str)
    }
    pub(crate) fn jti(&self) -> Option<&str> {
        self.claims.get("jti").and_then(Value::as_str)
    }
    /// `aud` as a list (RFC 7519 §4.1.3 allows a string or an array of strings).
    pub(crate) fn audiences(&self) -> Vec<&str> {
        match self.claims.get("aud") {
            Some(Value::String(one)) => vec![one.as_str()],
            Some(Value::Array(many)) => many.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        }
    }
    /// Whether this is an access token (header `typ` `at+jwt`, RFC 9068 §2.1).
    pub(crate) fn is_access_token(&self) -> bool {
        self.typ
            .as_deref()
            .is_some_and(|t| t.eq_ignore_ascii_case(TYP_ACCESS_TOKEN))
    }
    pub(crate) fn scopes(&self) -> Vec<String> {
        self.claims
            .get("scope")
            .and_then(Value::as_str)
            .map(|s| {
                s.split(' ')
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default()
    }
    pub(crate) fn act(&self) -> Option<&Value> {
        self.claims.get("act")
    }
    pub(crate) fn may_act(&self) -> Option<&Value> {
        self.claims.get("may_act")
    }
}

impl Lab {
    /// Signs a JWT for `spec`. Lifetime: the policy's, cut short by `spec.not_after`.
    pub(crate) fn mint_jwt(&self, spec: &TokenSpec, kind: TokenKind) -> Result<Issued, OAuthError> {
        let iat = self.clock.now();
        let exp = self.expiry(iat, self.policy.access_token_lifetime, spec.not_after);
        let mut claims = Map::new();
        claims.insert("iss".into(), json!(self.issuer));
        claims.insert("sub".into(), json!(spec.sub));
        // One audience as a string, several as an array (RFC 7519 §4.1.3 allows both).
        claims.insert(
            "aud".into(),
            match spec.aud.as_slice() {
                [one] => json!(one),
                many => json!(many),
            },
        );
        claims.insert("exp".into(), json!(exp));
        claims.insert("iat".into(), json!(iat));
        claims.insert("jti".into(), json!(self.ids.next("jti")));
        claims.insert("client_id".into(), json!(spec.client_id));
        claims.insert("scope".into(), json!(spec.scopes.join(" ")));
        if let Some(act) = &spec.act {
            claims.insert("act".into(), act.clone());
        }
        if let Some(may_act) = &spec.may_act {
            claims.insert("may_act".into(), may_act.clone());
        }
        for (k, v) in &spec.extra {
            claims.entry(k.clone()).or_insert_with(|| v.clone());
        }
        let opaque = kind == TokenKind::AccessToken
            && self
                .policy
                .client(&spec.client_id)
                .is_some_and(|c| c.opaque_access_tokens);
        let token = if opaque {
            // Bounded: expired ones go first, then the oldest (see `store`).
            let token = self.ids.next("at");
            self.opaque_tokens().insert(
                token.clone(),
                OpaqueRecord {
                    claims: claims.clone(),
                },
                exp,
                iat,
            );
            token
        } else {
            self.key
                .sign(kind.jwt_typ(), &claims)
                .map_err(|e| OAuthError::server_error(e.to_string()))?
        };
        Ok(Issued {
            token,
            kind,
            iat,
            exp,
            scopes: spec.scopes.clone(),
            jkt: bound_jkt(&claims).map(str::to_owned),
            x5t: bound_x5t(&claims).map(str::to_owned),
        })
    }

    /// Creates an opaque refresh token and remembers what it stands for.
    pub(crate) fn mint_refresh(&self, spec: &TokenSpec) -> Issued {
        let iat = self.clock.now();
        let exp = self.expiry(iat, self.policy.refresh_token_lifetime, spec.not_after);
        self.store_refresh(spec.clone(), iat, exp)
    }

    /// Stores a refresh token with a given expiry (rotation keeps the original expiry).
    pub(crate) fn store_refresh(&self, spec: TokenSpec, iat: u64, exp: u64) -> Issued {
        let token = self.ids.next("rt");
        let scopes = spec.scopes.clone();
        let jkt = bound_jkt(&spec.extra).map(str::to_owned);
        let x5t = bound_x5t(&spec.extra).map(str::to_owned);
        let now = self.clock.now();
        // Bounded: expired refresh tokens go first, then the oldest (see `store`).
        self.refresh_tokens()
            .insert(token.clone(), RefreshRecord { spec, iat, exp }, exp, now);
        Issued {
            token,
            kind: TokenKind::RefreshToken,
            iat,
            exp,
            scopes,
            jkt,
            x5t,
        }
    }

    fn expiry(&self, iat: u64, lifetime: u64, not_after: Option<u64>) -> u64 {
        let exp = iat.saturating_add(lifetime);
        not_after.map_or(exp, |limit| exp.min(limit))
    }

    /// Verifies one of the lab's JWTs. The error says why, for a description naming `which`
    /// token (e.g. "subject_token is expired: …").
    /// An opaque access token the lab issued is read from its store, as the JWT it stands for.
    pub(crate) fn verify_jwt(&self, token: &str) -> Result<Verified, String> {
        let (header, claims) = if token.starts_with("at_") && !token.contains('.') {
            let record = self
                .opaque_tokens()
                .get(token, self.clock.now())
                .cloned()
                .ok_or("it is not an access token the lab issued, or it has expired")?;
            let mut header = jsonwebtoken::Header::new(self.key.alg());
            header.typ = Some(TYP_ACCESS_TOKEN.to_owned());
            (header, record.claims)
        } else {
            self.key.verify(token)?
        };
        match claims.get("iss").and_then(Value::as_str) {
            Some(iss) if iss == self.issuer => {}
            Some(iss) => {
                return Err(format!(
                    "it was issued by {iss:?}, not by this lab ({:?})",
                    self.issuer
                ));
            }
            None => return Err("it has no iss claim".to_owned()),
        }
        let Some(exp) = claims.get("exp").and_then(Value::as_u64) else {
            return Err("it has no numeric exp claim".to_owned());
        };
        let now = self.clock.now();
        // RFC 7519 §4.1.4: valid only strictly before exp.
        if now >= exp {
            return Err(format!(
                "it expired at {exp}, {} s ago by the lab's clock",
                now - exp
            ));
        }
        if !claims.get("sub").is_some_and(Value::is_string) {
            return Err("it has no sub claim".to_owned());
        }
        if self.checks().time_claims {
            not_in_the_future(&claims, now)?;
        }
        if self.checks().revocation
            && let Some(jti) = claims.get("jti").and_then(Value::as_str)
            && self.is_revoked(jti)
        {
            return Err("it has been revoked".to_owned());
        }
        Ok(Verified {
            typ: header.typ,
            claims,
        })
    }
}

/// `cnf.jkt` of a token's claims (RFC 9449 §6.1).
pub(crate) fn bound_jkt(claims: &Map<String, Value>) -> Option<&str> {
    claims.get("cnf")?.get("jkt")?.as_str()
}

/// The `cnf` member naming a certificate's SHA-256 thumbprint (RFC 8705 §3.1).
pub(crate) const CNF_X5T_S256: &str = "x5t#S256";

/// `cnf.x5t#S256` of a token's claims (RFC 8705 §3.1).
pub(crate) fn bound_x5t(claims: &Map<String, Value>) -> Option<&str> {
    claims.get("cnf")?.get(CNF_X5T_S256)?.as_str()
}

impl Lab {
    /// Verifies a JWT presented as an authorization grant (RFC 7523 §3): signed by this lab or
    /// by a trusted issuer, with `exp` not passed, a `sub`, and `nbf`/`iat` not in the future
    /// (`time_claims`). The audience and the rest are the grant's to check.
    pub(crate) fn verify_assertion(&self, token: &str) -> Result<Verified, String> {
        crate::jwt_shape::check(token)?;
        let unverified: Map<String, Value> = jsonwebtoken::dangerous::insecure_decode_claims(token)
            .map_err(|e| crate::keys::describe_jwt_error(&e))?;
        let Some(iss) = unverified.get("iss").and_then(Value::as_str) else {
            return Err("it has no iss claim".to_owned());
        };
        if iss == self.issuer {
            return self.verify_jwt(token);
        }
        let Some((_, keys)) = self.trusted.iter().find(|(t, _)| t == iss) else {
            let trusted: Vec<String> = std::iter::once(self.issuer.clone())
                .chain(self.trusted.iter().map(|(t, _)| t.clone()))
                .map(|t| format!("{t:?}"))
                .collect();
            return Err(format!(
                "its issuer {} is not trusted by this lab (it trusts {})",
                crate::text::quoted(iss),
                trusted.join(", ")
            ));
        };
        let (header, claims) = crate::keys::verify_with(keys, token)?;
        let Some(exp) = claims.get("exp").and_then(Value::as_u64) else {
            return Err("it has no numeric exp claim".to_owned());
        };
        let now = self.clock.now();
        if now >= exp {
            return Err(format!(
                "it expired at {exp}, {} s ago by the lab's clock",
                now - exp
            ));
        }
        if !claims.get("sub").is_some_and(Value::is_string) {
            return Err("it has no sub claim".to_owned());
        }
        if self.checks().time_claims {
            not_in_the_future(&claims, now)?;
        }
        Ok(Verified {
            typ: header.typ,
            claims,
        })
    }
}

/// RFC 7519 §4.1.5 and §4.1.6: a token is not valid before `nbf`, and one issued in the future
/// (`iat`) is forged or from a clock that is wrong; both beyond [`CLOCK_SKEW_SECS`].
fn not_in_the_future(claims: &Map<String, Value>, now: u64) -> Result<(), String> {
    let limit = now.saturating_add(CLOCK_SKEW_SECS);
    for claim in ["nbf", "iat"] {
        let Some(value) = claims.get(claim) else {
            continue;
        };
        let Some(t) = value.as_f64() else {
            return Err(format!("its {claim} claim is not a number"));
        };
        // NumericDate may have a fraction; whole seconds are enough to compare.
        if t > limit as f64 {
            let ahead = t - now as f64;
            return Err(match claim {
                "nbf" => format!(
                    "it is not valid before {value} (nbf), {ahead:.0} s from now by the lab's clock"
                ),
                _ => format!(
                    "it claims to be issued at {value} (iat), {ahead:.0} s in the future by the lab's clock"
                ),
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nbf_and_iat_may_be_slightly_ahead_but_not_more() {
        let at = |claim: &str, t: f64| {
            let mut m = Map::new();
            m.insert(claim.to_owned(), json!(t));
            not_in_the_future(&m, 1_000)
        };
        assert!(at("nbf", 1_060.0).is_ok());
        assert!(at("iat", 999.0).is_ok());
        let e = at("nbf", 1_061.0).err().unwrap_or_default();
        assert!(
            e.contains("not valid before 1061") && e.contains("61 s"),
            "{e}"
        );
        let e = at("iat", 5_000.5).err().unwrap_or_default();
        assert!(e.contains("issued at 5000.5"), "{e}");
        let mut m = Map::new();
        m.insert("iat".into(), json!("soon"));
        assert!(not_in_the_future(&m, 0).is_err());
        assert!(not_in_the_future(&Map::new(), 0).is_ok());
    }
}
