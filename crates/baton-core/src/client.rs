//! One request to a token endpoint, end to end: build it, send it through the injected client,
//! read the response, decode the tokens and judge what came back.

use std::sync::Arc;
use std::time::Instant;

use serde::Serialize;

use crate::auth::ClientAuth;
use crate::clock::Clock;
use crate::findings::{Finding, ResponseCheck, TokenRole, check_response, check_token};
use crate::http::{HttpClient, HttpRequest, RecordedRequest, TransportError};
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
}

impl TokenClient {
    pub fn new(http: Arc<dyn HttpClient>, clock: Arc<dyn Clock>) -> Self {
        Self { http, clock }
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
        let http_request = self.prepare(token_endpoint, auth, request)?;
        let sent_at = self.clock.now();
        let started = Instant::now();
        let http_response = self.http.send(&http_request).await?;
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
