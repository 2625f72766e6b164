//! Reading a token without trusting it: JWT header and claims, the `act` chain and `may_act`.
//! Anything that is not a readable JWS compact token is reported as opaque, never a panic.

use base64::Engine;
use base64::engine::general_purpose::{URL_SAFE, URL_SAFE_NO_PAD};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value as Json};
use ts_rs::TS;

use crate::saml::{SamlAssertion, assertion_xml, decode_assertion};
use crate::timestamp::{self, TIME_CLAIMS, TimeOutOfRange};

/// `act` nesting deeper than this is reported as malformed rather than walked.
pub const MAX_ACT_DEPTH: usize = 32;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[ts(export)]
pub enum DecodedToken {
    Jwt(Box<Jwt>),
    /// A SAML 2.0 assertion (RFC 8693 `saml2`: base64url of the XML).
    Saml(Box<SamlAssertion>),
    Opaque(Opaque),
}

impl DecodedToken {
    pub fn jwt(&self) -> Option<&Jwt> {
        match self {
            DecodedToken::Jwt(j) => Some(j.as_ref()),
            DecodedToken::Saml(_) | DecodedToken::Opaque(_) => None,
        }
    }

    pub fn saml(&self) -> Option<&SamlAssertion> {
        match self {
            DecodedToken::Saml(a) => Some(a.as_ref()),
            DecodedToken::Jwt(_) | DecodedToken::Opaque(_) => None,
        }
    }
}

/// A token that is not a readable JWT, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Opaque {
    pub reason: String,
    #[ts(type = "number")]
    pub length: usize,
}

/// One party in an act chain (RFC 8693 §4.1): the identifying members of one `act` level.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Principal {
    pub sub: Option<String>,
    pub iss: Option<String>,
    pub client_id: Option<String>,
    /// Every member of this level except the nested `act`.
    pub claims: Map<String, Json>,
}

impl Principal {
    fn from_object(obj: &Map<String, Json>) -> Self {
        let get = |k: &str| obj.get(k).and_then(Json::as_str).map(str::to_string);
        let mut claims = obj.clone();
        claims.remove("act");
        Self {
            sub: get("sub"),
            iss: get("iss"),
            client_id: get("client_id"),
            claims,
        }
    }

    /// A short name for display: `sub`, else `client_id`, else the JSON.
    pub fn label(&self) -> String {
        self.sub
            .clone()
            .or_else(|| self.client_id.clone())
            .unwrap_or_else(|| Json::Object(self.claims.clone()).to_string())
    }
}

/// The act chain, or what is wrong with it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ActChain {
    /// Outermost (the current actor) first, then prior actors.
    pub actors: Vec<Principal>,
    /// Set when `act` is present but not as RFC 8693 §4.1 describes it.
    pub problem: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Jwt {
    pub header: Map<String, Json>,
    pub claims: Map<String, Json>,
    pub signature_present: bool,
    pub act_chain: ActChain,
    /// `may_act` (RFC 8693 §4.4), as sent.
    pub may_act: Option<Json>,
}

impl Jwt {
    pub fn alg(&self) -> Option<&str> {
        self.header.get("alg").and_then(Json::as_str)
    }
    pub fn typ(&self) -> Option<&str> {
        self.header.get("typ").and_then(Json::as_str)
    }
    pub fn kid(&self) -> Option<&str> {
        self.header.get("kid").and_then(Json::as_str)
    }
    pub fn claim_str(&self, name: &str) -> Option<&str> {
        self.claims.get(name).and_then(Json::as_str)
    }
    pub fn sub(&self) -> Option<&str> {
        self.claim_str("sub")
    }
    pub fn iss(&self) -> Option<&str> {
        self.claim_str("iss")
    }
    /// A numeric date claim (`exp`, `iat`, `nbf`) in whole seconds, when it is one between years
    /// 1 and 9999: a time out of that range is no time to compute with ([`Jwt::times_out_of_range`]
    /// tells of it).
    pub fn time(&self, name: &str) -> Option<i64> {
        self.checked_time(name)?.ok()
    }
    /// A numeric date claim, or why it is out of range; `None` when absent or not a number.
    pub fn checked_time(&self, name: &str) -> Option<Result<i64, TimeOutOfRange>> {
        timestamp::from_json(name, self.claims.get(name)?)
    }
    /// The time claims (`iat`, `nbf`, `exp`, `auth_time`) that are numbers out of range.
    pub fn times_out_of_range(&self) -> Vec<TimeOutOfRange> {
        TIME_CLAIMS
            .iter()
            .filter_map(|name| self.checked_time(name)?.err())
            .collect()
    }
    /// `exp - iat` in seconds, when both are there (and the difference fits).
    pub fn lifetime(&self) -> Option<i64> {
        self.time("exp")?.checked_sub(self.time("iat")?)
    }
    /// The act chain's labels, current actor first.
    pub fn actors(&self) -> Vec<String> {
        self.act_chain.actors.iter().map(Principal::label).collect()
    }
    /// `aud` as a list, whether sent as a string or an array.
    pub fn aud(&self) -> Vec<String> {
        match self.claims.get("aud") {
            Some(Json::String(s)) => vec![s.clone()],
            Some(Json::Array(items)) => items
                .iter()
                .filter_map(Json::as_str)
                .map(str::to_string)
                .collect(),
            _ => Vec::new(),
        }
    }
    /// The granted scopes: `scope` (space-delimited, RFC 8693 §4.2) or, failing that, `scp`.
    pub fn scopes(&self) -> Option<Vec<String>> {
        match (self.claims.get("scope"), self.claims.get("scp")) {
            (Some(Json::String(s)), _) => Some(split_scope(s)),
            (_, Some(Json::Array(items))) => Some(
                items
                    .iter()
                    .filter_map(Json::as_str)
                    .map(str::to_string)
                    .collect(),
            ),
            (_, Some(Json::String(s))) => Some(split_scope(s)),
            _ => None,
        }
    }
}

pub fn split_scope(scope: &str) -> Vec<String> {
    scope.split_whitespace().map(str::to_string).collect()
}

/// Decodes a token for display: a JWT, a SAML 2.0 assertion, or opaque. Does not verify anything.
pub fn decode(token: &str) -> DecodedToken {
    let token = token.trim();
    let opaque = |reason: String| {
        DecodedToken::Opaque(Opaque {
            reason,
            length: token.len(),
        })
    };
    if let Some(xml) = assertion_xml(token) {
        return match decode_assertion(&xml) {
            Ok(a) => DecodedToken::Saml(Box::new(a)),
            Err(why) => opaque(format!("XML that is not a readable SAML assertion: {why}")),
        };
    }
    let parts: Vec<&str> = token.split('.').collect();
    match parts.len() {
        3 => {}
        5 => {
            return opaque(
                "an encrypted JWT (JWE, 5 parts): it cannot be read without the key".into(),
            );
        }
        1 => {
            return opaque(
                "not a JWT (no '.' separators): an opaque token; introspection can say what it is"
                    .into(),
            );
        }
        n => {
            return opaque(format!(
                "not a JWT: a JWT has 3 dot-separated parts, this has {n}"
            ));
        }
    }
    let header = match decode_object(parts[0]) {
        Ok(h) => h,
        Err(e) => return opaque(format!("not a JWT: the header {e}")),
    };
    let claims = match decode_object(parts[1]) {
        Ok(c) => c,
        Err(e) => return opaque(format!("not a JWT: the payload {e}")),
    };
    let act_chain = act_chain(&claims);
    DecodedToken::Jwt(Box::new(Jwt {
        may_act: claims.get("may_act").cloned(),
        act_chain,
        header,
        claims,
        signature_present: !parts[2].is_empty(),
    }))
}

fn decode_object(part: &str) -> Result<Map<String, Json>, String> {
    // Padding is not allowed in JWS (RFC 7515 §2) but some servers send it; read it anyway.
    let bytes = URL_SAFE_NO_PAD
        .decode(part)
        .or_else(|_| URL_SAFE.decode(part))
        .map_err(|e| format!("is not base64url ({e})"))?;
    match serde_json::from_slice::<Json>(&bytes) {
        Ok(Json::Object(map)) => Ok(map),
        Ok(_) => Err("is JSON but not an object".into()),
        Err(e) => Err(format!("is not JSON ({e})")),
    }
}

fn act_chain(claims: &Map<String, Json>) -> ActChain {
    let mut actors = Vec::new();
    let mut problem = None;
    let mut level = claims.get("act");
    while let Some(value) = level {
        let Json::Object(obj) = value else {
            problem = Some(format!(
                "`act` at depth {} is {} but must be a JSON object",
                actors.len() + 1,
                json_kind(value)
            ));
            break;
        };
        if actors.len() == MAX_ACT_DEPTH {
            problem = Some(format!(
                "`act` is nested deeper than {MAX_ACT_DEPTH} levels"
            ));
            break;
        }
        actors.push(Principal::from_object(obj));
        level = obj.get("act");
    }
    ActChain { actors, problem }
}

pub(crate) fn json_kind(value: &Json) -> &'static str {
    match value {
        Json::Null => "null",
        Json::Bool(_) => "a boolean",
        Json::Number(_) => "a number",
        Json::String(_) => "a string",
        Json::Array(_) => "an array",
        Json::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b64(json: &Json) -> String {
        URL_SAFE_NO_PAD.encode(json.to_string())
    }

    pub(crate) fn unsigned(header: Json, claims: Json) -> String {
        format!("{}.{}.c2ln", b64(&header), b64(&claims))
    }

    #[test]
    fn decodes_header_claims_and_nested_act_outermost_first() {
        let token = unsigned(
            serde_json::json!({"alg":"ES256","typ":"at+jwt","kid":"k1"}),
            serde_json::json!({
                "sub":"alice","aud":["payments","ledger"],"scope":"pay:read pay:write","exp":1700000000,
                "act":{"sub":"payment-agent","act":{"sub":"flight-agent","act":{"sub":"planner-agent"}}},
                "may_act":{"sub":"planner-agent"}
            }),
        );
        let DecodedToken::Jwt(jwt) = decode(&token) else {
            panic!("expected a JWT")
        };
        assert_eq!(jwt.alg(), Some("ES256"));
        assert_eq!(jwt.typ(), Some("at+jwt"));
        assert_eq!(jwt.sub(), Some("alice"));
        assert_eq!(jwt.aud(), vec!["payments", "ledger"]);
        assert_eq!(
            jwt.scopes(),
            Some(vec!["pay:read".to_string(), "pay:write".to_string()])
        );
        assert_eq!(jwt.time("exp"), Some(1_700_000_000));
        let names: Vec<String> = jwt.act_chain.actors.iter().map(Principal::label).collect();
        assert_eq!(names, ["payment-agent", "flight-agent", "planner-agent"]);
        assert!(jwt.act_chain.problem.is_none());
        assert!(jwt.act_chain.actors[0].claims.get("act").is_none());
        assert_eq!(
            jwt.may_act,
            Some(serde_json::json!({"sub":"planner-agent"}))
        );
    }

    #[test]
    fn malformed_act_is_a_problem_not_a_crash() {
        let token = unsigned(
            serde_json::json!({"alg":"none"}),
            serde_json::json!({"sub":"a","act":{"sub":"b","act":"c"}}),
        );
        let jwt = decode(&token).jwt().cloned().expect("jwt");
        assert_eq!(jwt.act_chain.actors.len(), 1);
        assert!(
            jwt.act_chain
                .problem
                .as_deref()
                .is_some_and(|p| p.contains("depth 2") && p.contains("a string"))
        );
    }

    #[test]
    fn non_jwts_are_opaque_with_a_reason() {
        let cases = [
            ("2YotnFZFEjr1zCsicMWpAA", "no '.' separators"),
            ("a.b", "3 dot-separated parts, this has 2"),
            ("a.b.c.d.e", "JWE"),
            ("!!!.e30.", "header is not base64url"),
            ("e30.bm90IGpzb24.", "payload is not JSON"),
            ("WzFd.e30.", "header is JSON but not an object"),
        ];
        for (token, why) in cases {
            match decode(token) {
                DecodedToken::Opaque(o) => assert!(o.reason.contains(why), "{token}: {}", o.reason),
                DecodedToken::Jwt(_) => panic!("{token} decoded as a JWT"),
                DecodedToken::Saml(_) => panic!("{token} decoded as SAML"),
            }
        }
    }

    #[test]
    fn aud_as_string_and_scp_as_array() {
        let token = unsigned(
            serde_json::json!({"alg":"RS256"}),
            serde_json::json!({"aud":"api","scp":["a","b"]}),
        );
        let jwt = decode(&token).jwt().cloned().expect("jwt");
        assert_eq!(jwt.aud(), vec!["api"]);
        assert_eq!(jwt.scopes(), Some(vec!["a".to_string(), "b".to_string()]));
    }
}
