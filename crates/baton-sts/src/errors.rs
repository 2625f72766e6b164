//! Errors: OAuth error responses (RFC 6749 §5.2, RFC 8693 §2.2.2) and failures to start.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use serde_json::json;

use crate::keys::KeyError;
use crate::log::RequestOutcome;
use crate::policy::PolicyError;
use crate::response::json_no_store;

/// The registered error codes the lab uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ErrorCode {
    InvalidRequest,
    InvalidClient,
    InvalidGrant,
    UnauthorizedClient,
    UnsupportedGrantType,
    InvalidScope,
    /// RFC 8693 §2.2.2.
    InvalidTarget,
    /// The lab itself failed (e.g. signing); sent with status 500.
    ServerError,
    /// The lab cannot do it now (a full store); sent with status 503 (RFC 7009 §2.2.1).
    TemporarilyUnavailable,
    /// RFC 9449 §5: the DPoP proof is missing or invalid.
    InvalidDpopProof,
    /// RFC 9449 §8: the proof must carry the nonce sent in the `DPoP-Nonce` header.
    UseDpopNonce,
    /// RFC 6749 §4.1.2.1 and RFC 8628 §3.5: the user said no.
    AccessDenied,
    /// RFC 6749 §4.1.2.1.
    UnsupportedResponseType,
    /// RFC 8628 §3.5: the user has not answered yet.
    AuthorizationPending,
    /// RFC 8628 §3.5: polled sooner than the interval.
    SlowDown,
    /// RFC 8628 §3.5: the device code expired.
    ExpiredToken,
}

impl ErrorCode {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            ErrorCode::InvalidRequest => "invalid_request",
            ErrorCode::InvalidClient => "invalid_client",
            ErrorCode::InvalidGrant => "invalid_grant",
            ErrorCode::UnauthorizedClient => "unauthorized_client",
            ErrorCode::UnsupportedGrantType => "unsupported_grant_type",
            ErrorCode::InvalidScope => "invalid_scope",
            ErrorCode::InvalidTarget => "invalid_target",
            ErrorCode::ServerError => "server_error",
            ErrorCode::TemporarilyUnavailable => "temporarily_unavailable",
            ErrorCode::InvalidDpopProof => "invalid_dpop_proof",
            ErrorCode::UseDpopNonce => "use_dpop_nonce",
            ErrorCode::AccessDenied => "access_denied",
            ErrorCode::UnsupportedResponseType => "unsupported_response_type",
            ErrorCode::AuthorizationPending => "authorization_pending",
            ErrorCode::SlowDown => "slow_down",
            ErrorCode::ExpiredToken => "expired_token",
        }
    }
}

/// An error response the token or introspection endpoint sends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct OAuthError {
    pub(crate) code: ErrorCode,
    pub(crate) description: String,
    /// The client tried HTTP Basic: a 401 must then challenge with `WWW-Authenticate: Basic`.
    pub(crate) basic_challenge: bool,
    /// A status other than the code's usual one (413, 405, 404, 408).
    pub(crate) status: Option<StatusCode>,
    /// The `Allow` header of a 405.
    pub(crate) allow: Option<&'static str>,
    /// The `DPoP-Nonce` header (RFC 9449 §8).
    pub(crate) dpop_nonce: Option<String>,
}

impl OAuthError {
    pub(crate) fn new(code: ErrorCode, description: impl Into<String>) -> Self {
        OAuthError {
            code,
            description: description.into(),
            basic_challenge: false,
            status: None,
            allow: None,
            dpop_nonce: None,
        }
    }

    pub(crate) fn invalid_request(d: impl Into<String>) -> Self {
        Self::new(ErrorCode::InvalidRequest, d)
    }
    pub(crate) fn invalid_client(d: impl Into<String>) -> Self {
        Self::new(ErrorCode::InvalidClient, d)
    }
    pub(crate) fn invalid_grant(d: impl Into<String>) -> Self {
        Self::new(ErrorCode::InvalidGrant, d)
    }
    pub(crate) fn unauthorized_client(d: impl Into<String>) -> Self {
        Self::new(ErrorCode::UnauthorizedClient, d)
    }
    pub(crate) fn invalid_scope(d: impl Into<String>) -> Self {
        Self::new(ErrorCode::InvalidScope, d)
    }
    pub(crate) fn invalid_target(d: impl Into<String>) -> Self {
        Self::new(ErrorCode::InvalidTarget, d)
    }
    pub(crate) fn server_error(d: impl Into<String>) -> Self {
        Self::new(ErrorCode::ServerError, d)
    }
    pub(crate) fn invalid_dpop_proof(d: impl Into<String>) -> Self {
        Self::new(ErrorCode::InvalidDpopProof, d)
    }
    pub(crate) fn use_dpop_nonce(d: impl Into<String>) -> Self {
        Self::new(ErrorCode::UseDpopNonce, d)
    }
    pub(crate) fn with_dpop_nonce(mut self, nonce: String) -> Self {
        self.dpop_nonce = Some(nonce);
        self
    }
    pub(crate) fn missing(param: &str) -> Self {
        Self::invalid_request(format!("missing required parameter {param}"))
    }

    pub(crate) fn with_basic_challenge(mut self, basic: bool) -> Self {
        self.basic_challenge = basic;
        self
    }

    pub(crate) fn with_status(mut self, status: StatusCode) -> Self {
        self.status = Some(status);
        self
    }

    /// A 405 naming the methods the endpoint answers.
    pub(crate) fn method_not_allowed(allow: &'static str, description: String) -> Self {
        let mut e = Self::invalid_request(description).with_status(StatusCode::METHOD_NOT_ALLOWED);
        e.allow = Some(allow);
        e
    }

    pub(crate) fn status(&self) -> StatusCode {
        if let Some(status) = self.status {
            return status;
        }
        match self.code {
            ErrorCode::InvalidClient => StatusCode::UNAUTHORIZED,
            ErrorCode::ServerError => StatusCode::INTERNAL_SERVER_ERROR,
            ErrorCode::TemporarilyUnavailable => StatusCode::SERVICE_UNAVAILABLE,
            _ => StatusCode::BAD_REQUEST,
        }
    }

    pub(crate) fn into_response(self) -> Response {
        let body = json!({ "error": self.code.as_str(), "error_description": self.description });
        let mut response = json_no_store(self.status(), &body);
        if self.code == ErrorCode::InvalidClient && self.basic_challenge {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Basic realm=\"baton-lab\""),
            );
        }
        if let Some(nonce) = &self.dpop_nonce
            && let Ok(value) = HeaderValue::from_str(nonce)
        {
            response.headers_mut().insert("dpop-nonce", value);
        }
        if let Some(allow) = self.allow {
            response
                .headers_mut()
                .insert(header::ALLOW, HeaderValue::from_static(allow));
        }
        response
    }

    /// The refusal as sent, with what the request log keeps of it.
    pub(crate) fn into_logged(self) -> (Response, RequestOutcome, u16) {
        let outcome = RequestOutcome::Refused {
            error: self.code.as_str().to_owned(),
            description: self.description.clone(),
        };
        let status = self.status().as_u16();
        (self.into_response(), outcome, status)
    }
}

/// Why the lab token service could not start.
#[derive(Debug, thiserror::Error)]
pub enum StsError {
    #[error("invalid lab policy: {0}")]
    Policy(#[from] PolicyError),
    #[error(transparent)]
    Key(#[from] KeyError),
    #[error("client {client_id:?}: public_key_pem: {reason}")]
    ClientKey { client_id: String, reason: String },
    #[error("trusted issuer {issuer:?}: {reason}")]
    TrustedIssuer { issuer: String, reason: String },
    #[error("cannot listen on 127.0.0.1:{port}: {source}")]
    Bind {
        port: u16,
        #[source]
        source: std::io::Error,
    },
    #[error("invalid lab faults: {0}")]
    Faults(String),
    #[error("the signing key task failed: {0}")]
    KeyTask(#[source] tokio::task::JoinError),
}
