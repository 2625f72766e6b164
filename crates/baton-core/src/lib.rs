//! Baton's domain, free of any UI: RFC 8693 token requests and client authentication, the
//! response kept whole, token decoding and verification, and findings against the RFCs.

pub mod auth;
#[cfg(test)]
mod bindings;
pub mod client;
pub mod clock;
pub mod connection;
pub mod discovery;
pub mod dpop;
pub mod findings;
pub mod http;
pub mod jwt;
pub mod mtls;
pub mod preset;
pub mod probe;
pub mod redact;
pub mod report;
pub mod request;
pub mod response;
pub mod saml;
pub mod scenario;
pub mod secret;
pub mod signin;
pub mod timestamp;
mod tls;
pub mod token_type;
pub mod verify;

pub use auth::{AuthMethod, ClientAuth, SigningAlg, SigningKey};
pub use client::{ClientError, IssuedToken, TokenClient, TokenResult};
pub use clock::{Clock, FixedClock, SystemClock};
pub use findings::{Finding, Severity};
pub use http::{HttpClient, HttpRequest, HttpResponse, HttpSettings, ReqwestClient};
pub use jwt::{DecodedToken, Jwt, decode};
pub use request::{ExchangeParams, Grant, TokenRequest, TypedToken};
pub use response::{ErrorCode, Outcome, TokenResponse};
pub use secret::Secret;
