//! The engine's token cache: a token request whose inputs match an earlier one is answered with
//! the earlier token until shortly before it expires, as a client that caches tokens would.
//! Keys are SHA-256 digests of the inputs, so the subject and actor tokens presented are not
//! kept; the value is the answer itself (it holds the issued token, which is the point).

use std::collections::{HashMap, VecDeque};

use serde_json::Value as Json;
use sha2::{Digest, Sha256};

use crate::auth::ClientAuth;
use crate::client::TokenResult;
use crate::request::{Grant, TokenRequest};

/// The most answers an engine keeps; the oldest goes first.
pub const TOKEN_CACHE_CAPACITY: usize = 1_000;

/// What identifies a cached answer: the SHA-256 of the endpoint, the client and every
/// parameter of the request.
pub type CacheKey = [u8; 32];

/// Cached answers by key, oldest first out.
#[derive(Debug)]
pub struct TokenCache {
    entries: HashMap<CacheKey, Entry>,
    order: VecDeque<CacheKey>,
    capacity: usize,
}

#[derive(Debug)]
struct Entry {
    result: TokenResult,
    /// The token's `exp` minus the margin: used while the clock is before it.
    use_until: i64,
}

impl Default for TokenCache {
    fn default() -> Self {
        Self::with_capacity(TOKEN_CACHE_CAPACITY)
    }
}

impl TokenCache {
    pub fn with_capacity(capacity: usize) -> Self {
        Self {
            entries: HashMap::new(),
            order: VecDeque::new(),
            capacity: capacity.max(1),
        }
    }

    /// The answer cached under `key`, if it is still to be used at `now`. An answer past its
    /// time is forgotten.
    pub fn get(&mut self, key: &CacheKey, now: i64) -> Option<TokenResult> {
        let fresh = self.entries.get(key).map(|e| now < e.use_until)?;
        if fresh {
            return self.entries.get(key).map(|e| e.result.clone());
        }
        self.entries.remove(key);
        self.order.retain(|k| k != key);
        None
    }

    /// Keeps `result` under `key` until its token's expiry minus `margin_secs`. Only a success
    /// that carries a token with an expiry is kept (its JWT `exp`, else `expires_in` from when
    /// it was sent); the rest, or one already too close to expiry at `now`, is not.
    pub fn insert(&mut self, key: CacheKey, result: &TokenResult, margin_secs: u32, now: i64) {
        let Some(expires_at) = expiry(result) else {
            return;
        };
        let use_until = expires_at.saturating_sub(i64::from(margin_secs));
        if use_until <= now {
            return;
        }
        if self.entries.contains_key(&key) {
            self.order.retain(|k| *k != key);
        }
        while self.entries.len() >= self.capacity {
            let Some(oldest) = self.order.pop_front() else {
                break;
            };
            self.entries.remove(&oldest);
        }
        self.order.push_back(key);
        self.entries.insert(
            key,
            Entry {
                result: result.clone(),
                use_until,
            },
        );
    }

    pub fn clear(&mut self) {
        self.entries.clear();
        self.order.clear();
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// When the token of a successful answer expires (epoch seconds): its JWT `exp`, else the
/// response's `expires_in` counted from when the request was sent.
fn expiry(result: &TokenResult) -> Option<i64> {
    let success = result.response.success()?;
    let issued = result.issued.as_ref()?;
    let exp = issued
        .decoded
        .jwt()
        .and_then(|j| j.claims.get("exp"))
        .and_then(Json::as_i64);
    exp.or_else(|| {
        success
            .expires_in
            .map(|secs| result.sent_at.saturating_add(secs))
    })
}

/// The key of a request to `endpoint` as `auth`: every input that could change the answer, each
/// written with its length so no two different inputs run together.
pub fn cache_key(endpoint: &str, auth: &ClientAuth, request: &TokenRequest) -> CacheKey {
    let mut h = Sha256::new();
    let mut put = |name: &str, value: &str| {
        for part in [name, value] {
            h.update(u64::try_from(part.len()).unwrap_or(u64::MAX).to_be_bytes());
            h.update(part.as_bytes());
        }
    };
    put("endpoint", endpoint);
    put("client_id", auth.client_id());
    put("auth", auth.method().as_str());
    put("grant_type", request.grant.grant_type());
    match &request.grant {
        Grant::ClientCredentials => {}
        Grant::Password { username, password } => {
            put("username", username);
            put("password", password.expose());
        }
        Grant::RefreshToken { refresh_token } => put("refresh_token", refresh_token.expose()),
        Grant::TokenExchange(p) => {
            put("subject_token", &p.subject.token);
            put("subject_token_type", &p.subject.token_type);
            if let Some(a) = &p.actor {
                put("actor_token", &a.token);
                put("actor_token_type", &a.token_type);
            }
            if let Some(t) = &p.requested_token_type {
                put("requested_token_type", t);
            }
        }
        Grant::AuthorizationCode {
            code,
            redirect_uri,
            code_verifier,
        } => {
            put("code", code.expose());
            put("redirect_uri", redirect_uri);
            if let Some(v) = code_verifier {
                put("code_verifier", v.expose());
            }
        }
        Grant::JwtBearer {
            assertion,
            requested_token_use,
        } => {
            put("assertion", assertion);
            if let Some(u) = requested_token_use {
                put("requested_token_use", u);
            }
        }
        Grant::DeviceCode { device_code } => put("device_code", device_code.expose()),
    }
    for a in &request.audience {
        put("audience", a);
    }
    for r in &request.resource {
        put("resource", r);
    }
    if let Some(s) = &request.scope {
        put("scope", s);
    }
    for (name, value) in &request.extra {
        put(name, value);
    }
    for name in &request.omit {
        put("omit", name);
    }
    h.finalize().into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::{Method, RecordedRequest};
    use crate::jwt::decode;
    use crate::request::{ExchangeParams, TokenRequest};

    /// A JWT with `exp` (unsigned: the cache only reads it).
    fn jwt(exp: i64) -> String {
        use base64::Engine as _;
        let b64 = |v: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v);
        format!(
            "{}.{}.c2ln",
            b64(r#"{"alg":"none"}"#),
            b64(&format!(r#"{{"sub":"alice","exp":{exp}}}"#))
        )
    }

    fn answer(token: &str, expires_in: Option<i64>) -> TokenResult {
        let mut body = serde_json::json!({"access_token": token, "token_type": "Bearer"});
        if let Some(e) = expires_in {
            body["expires_in"] = e.into();
        }
        let response = crate::response::parse_token_response(&crate::http::HttpResponse {
            status: 200,
            headers: vec![("content-type".into(), "application/json".into())],
            body: body.to_string().into_bytes(),
        });
        TokenResult {
            request: RecordedRequest {
                method: Method::Post,
                url: "http://127.0.0.1/token".into(),
                headers: Vec::new(),
                body: None,
            },
            response,
            sent_at: 1_000,
            elapsed_ms: 1,
            issued: Some(crate::client::IssuedToken {
                token: token.to_owned(),
                token_type_uri: None,
                decoded: decode(token),
            }),
            findings: Vec::new(),
        }
    }

    fn key(n: u8) -> CacheKey {
        [n; 32]
    }

    #[test]
    fn a_token_is_used_until_its_exp_minus_the_margin() {
        let mut cache = TokenCache::default();
        cache.insert(key(1), &answer(&jwt(1_300), None), 30, 1_000);
        assert!(cache.get(&key(1), 1_269).is_some());
        assert!(cache.get(&key(1), 1_270).is_none(), "30 s before exp");
        assert!(cache.is_empty(), "an expired answer is forgotten");
    }

    #[test]
    fn without_exp_expires_in_counts_and_without_either_nothing_is_kept() {
        let mut cache = TokenCache::default();
        cache.insert(key(1), &answer("opaque", Some(100)), 30, 1_000);
        assert!(cache.get(&key(1), 1_069).is_some());
        assert!(cache.get(&key(1), 1_070).is_none());
        cache.insert(key(2), &answer("opaque", None), 30, 1_000);
        assert!(cache.get(&key(2), 1_000).is_none());
        // A token that expires within the margin is not worth keeping.
        cache.insert(key(3), &answer(&jwt(1_020), None), 30, 1_000);
        assert!(cache.is_empty());
    }

    #[test]
    fn the_oldest_answer_goes_first_when_full() {
        let mut cache = TokenCache::with_capacity(3);
        for n in 0..5 {
            cache.insert(key(n), &answer(&jwt(2_000), None), 30, 1_000);
        }
        assert_eq!(cache.len(), 3);
        assert!(cache.get(&key(0), 1_000).is_none());
        assert!(cache.get(&key(1), 1_000).is_none());
        assert!(cache.get(&key(4), 1_000).is_some());
    }

    #[test]
    fn keys_differ_by_every_input_and_hold_no_token() {
        let auth = ClientAuth::None {
            client_id: "order-service".into(),
        };
        let exchange = |subject: &str| {
            TokenRequest::exchange(
                ExchangeParams::new(subject, crate::token_type::ACCESS_TOKEN, None, None, None)
                    .expect("params"),
            )
        };
        let base = cache_key("http://as/token", &auth, &exchange("subject-a"));
        assert_eq!(
            base,
            cache_key("http://as/token", &auth, &exchange("subject-a"))
        );
        for other in [
            cache_key("http://as/token", &auth, &exchange("subject-b")),
            cache_key("http://as/other", &auth, &exchange("subject-a")),
            cache_key(
                "http://as/token",
                &auth,
                &exchange("subject-a").audience("payments-api"),
            ),
            cache_key(
                "http://as/token",
                &auth,
                &exchange("subject-a").scope("payments:charge"),
            ),
            cache_key(
                "http://as/token",
                &ClientAuth::None {
                    client_id: "web-app".into(),
                },
                &exchange("subject-a"),
            ),
        ] {
            assert_ne!(base, other);
        }
        // Length-prefixed: moving text from one value to the next changes the key.
        assert_ne!(
            cache_key("http://as/token", &auth, &exchange("ab").scope("c")),
            cache_key("http://as/token", &auth, &exchange("a").scope("bc")),
        );
        assert!(!String::from_utf8_lossy(&base).contains("subject-a"));
    }
}
