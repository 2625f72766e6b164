//! One request to a token endpoint, end to end: build it, send it through the injected client,
//! read the response, decode the tokens and judge what came back.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use serde::Serialize;

use crate::auth::ClientAuth;
use crate::clock::Clock;
use crate::dpop::{self, DpopKey, USE_DPOP_NONCE};
use crate::findings::{Finding, ResponseCheck, TokenRole, check_response, check_token};
use crate::http::{HttpClient, HttpRequest, RecordedRequest, TransportError, Value};
use crate::jwt::{DecodedToken, decode};
use crate::request::{RequestError, TokenRequest};
use crate::response::{TokenResponse, parse_token_response};
use crate::token_type;

#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    #[error("the request could not be built: {0}")]
    Request(#[from] RequestError),
    #[error(transparent)]
    Transport(#[from] TransportError),
    #[error("the DPoP proof could not be made: {0}")]
    Dpop(String),
}

/// The token a response carried, decoded.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IssuedToken {
    pub token: String,
    pub token_type_uri: Option<String>,
    pub decoded: DecodedToken,
}

/// What one request to a token endpoint produced. An OAuth error is a result, not a failure.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TokenResult {
    /// The request as sent, secrets masked.
    pub request: RecordedRequest,
    pub response: TokenResponse,
    /// When the request was sent (epoch seconds) and how long the answer took.
    pub sent_at: i64,
    pub elapsed_ms: u64,
    pub issued: Option<IssuedToken>,
    pub findings: Vec<Finding>,
}

#[derive(Clone)]
pub struct TokenClient {
    http: Arc<dyn HttpClient>,
    clock: Arc<dyn Clock>,
    /// The last `DPoP-Nonce` each endpoint gave (RFC 9449 §8), sent in its next proofs.
    dpop_nonces: Arc<Mutex<HashMap<String, String>>>,
}

/// The most endpoints whose DPoP nonce is remembered.
const MAX_REMEMBERED_NONCES: usize = 256;

impl TokenClient {
    pub fn new(http: Arc<dyn HttpClient>, clock: Arc<dyn Clock>) -> Self {
        Self {
            http,
            clock,
            dpop_nonces: Arc::new(Mutex::new(HashMap::new())),
        }
    }

    pub fn http(&self) -> &dyn HttpClient {
        self.http.as_ref()
    }

    pub fn now(&self) -> i64 {
        self.clock.now()
    }

    /// The exact request that `execute` would send (for curl, or for a test).
    pub fn prepare(
        &self,
        token_endpoint: &str,
        auth: &ClientAuth,
        request: &TokenRequest,
    ) -> Result<HttpRequest, RequestError> {
        request.to_http(token_endpoint, auth, self.clock.now())
    }

    pub async fn execute(
        &self,
        token_endpoint: &str,
        auth: &ClientAuth,
        request: &TokenRequest,
    ) -> Result<TokenResult, ClientError> {
        self.execute_with(token_endpoint, auth, request, None).await
    }

    /// [`execute`](Self::execute), with a DPoP proof of `dpop` when given (RFC 9449 §5). A server
    /// that answers `use_dpop_nonce` gets the request once more with its nonce (§8).
    pub async fn execute_with(
        &self,
        token_endpoint: &str,
        auth: &ClientAuth,
        request: &TokenRequest,
        dpop: Option<&DpopKey>,
    ) -> Result<TokenResult, ClientError> {
        let mut http_request = self.prepare(token_endpoint, auth, request)?;
        let sent_at = self.clock.now();
        let started = Instant::now();
        let mut nonce_sent = None;
        if let Some(key) = dpop {
            nonce_sent = self.remembered_nonce(token_endpoint);
            http_request.push_header(
                "DPoP",
                Value::Plain(self.proof(key, token_endpoint, nonce_sent.as_deref())?),
            );
        }
        let mut http_response = self.http.send(&http_request).await?;
        if let Some(key) = dpop {
            let offered = http_response.header("DPoP-Nonce").map(str::to_owned);
            if let Some(nonce) = &offered {
                self.remember_nonce(token_endpoint, nonce);
            }
            if let Some(nonce) = offered
                && nonce_sent.as_deref() != Some(nonce.as_str())
                && asks_for_nonce(&http_response)
            {
                // The request is made again, complete: a new proof and a new client assertion.
                http_request = self.prepare(token_endpoint, auth, request)?;
                http_request.push_header(
                    "DPoP",
                    Value::Plain(self.proof(key, token_endpoint, Some(&nonce))?),
                );
                http_response = self.http.send(&http_request).await?;
                if let Some(next) = http_response.header("DPoP-Nonce") {
                    self.remember_nonce(token_endpoint, next);
                }
            }
        }
        let elapsed_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
        let response = parse_token_response(&http_response);

        let subject = request.exchange_params().map(|p| decode(&p.subject.token));
        let issued = response.success().and_then(|s| {
            s.access_token.as_ref().map(|token| IssuedToken {
                token: token.clone(),
                token_type_uri: s.issued_token_type.clone(),
                decoded: decode(token),
            })
        });

        let mut findings = check_response(&ResponseCheck {
            request,
            response: &response,
            subject: subject.as_ref().and_then(DecodedToken::jwt),
            issued: issued.as_ref().map(|i| &i.decoded),
            received_at: self.clock.now(),
            used_authorization_header: http_request.header("Authorization").is_some(),
            client_id: Some(auth.client_id()).filter(|id| !id.is_empty()),
        });
        if let Some(issued) = &issued
            && let Some(jwt) = issued.decoded.jwt()
        {
            findings.extend(check_token(jwt, issued_role(request, issued)));
            if issued.token_type_uri.as_deref() == Some(token_type::ID_JAG) {
                findings.extend(crate::findings::check_id_jag(jwt));
            }
        }
        if let (Some(identity), Some(_)) = (auth.identity(), response.success()) {
            findings.extend(crate::mtls::check_issued(
                issued.as_ref().and_then(|i| i.decoded.jwt()),
                identity,
            ));
        }
        if let (Some(key), Some(success)) = (dpop, response.success()) {
            findings.extend(dpop::check_issued(
                success.token_type.as_deref(),
                issued.as_ref().and_then(|i| i.decoded.jwt()),
                key,
            ));
        }
        Ok(TokenResult {
            request: http_request.recorded(),
            response,
            sent_at,
            elapsed_ms,
            issued,
            findings,
        })
    }
}

impl TokenClient {
    fn proof(&self, key: &DpopKey, url: &str, nonce: Option<&str>) -> Result<String, ClientError> {
        key.proof("POST", url, self.clock.now(), nonce, None)
            .map_err(|e| ClientError::Dpop(e.to_string()))
    }

    fn remembered_nonce(&self, endpoint: &str) -> Option<String> {
        self.dpop_nonces
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(&dpop::htu(endpoint))
            .cloned()
    }

    fn remember_nonce(&self, endpoint: &str, nonce: &str) {
        let mut nonces = self.dpop_nonces.lock().unwrap_or_else(|p| p.into_inner());
        if nonces.len() >= MAX_REMEMBERED_NONCES {
            nonces.clear();
        }
        nonces.insert(dpop::htu(endpoint), nonce.to_owned());
    }
}

/// Whether a response is the server's request for a DPoP nonce (RFC 9449 §8): a 400 with
/// `use_dpop_nonce`, or a 401 whose DPoP challenge says so.
fn asks_for_nonce(response: &crate::http::HttpResponse) -> bool {
    let in_body = serde_json::from_slice::<serde_json::Value>(&response.body)
        .ok()
        .and_then(|v| {
            v.get("error")
                .and_then(|e| e.as_str())
                .map(|e| e == USE_DPOP_NONCE)
        })
        .unwrap_or(false);
    let in_challenge = response
        .header("WWW-Authenticate")
        .is_some_and(|h| h.contains(USE_DPOP_NONCE));
    in_body || in_challenge
}

/// Whether the issued token is an access token, which decides if RFC 9068 applies to it.
fn issued_role(request: &TokenRequest, issued: &IssuedToken) -> TokenRole {
    if request.exchange_params().is_none() {
        return TokenRole::AccessToken;
    }
    match issued.token_type_uri.as_deref() {
        Some(token_type::ACCESS_TOKEN) => TokenRole::AccessToken,
        Some(_) => TokenRole::Other,
        None => TokenRole::Unknown,
    }
}
