//! Baton's lab token service: an RFC 8693 token exchange authorization server on 127.0.0.1,
//! driven by a TOML policy (see `POLICY.md`).
//!
//! ```no_run
//! # async fn demo() -> Result<(), baton_sts::StsError> {
//! let lab = baton_sts::spawn(baton_sts::StsConfig::default()).await?;
//! println!("token endpoint: {}", lab.token_endpoint());
//! lab.stop().await;
//! # Ok(()) }
//! ```
//!
//! Endpoints: RFC 8414 metadata (also at the OpenID discovery path), `/jwks`, `/token`
//! (client_credentials, password, refresh_token, token exchange) and `/introspect` (RFC 7662).

mod client_auth;
mod clock;
mod errors;
mod form;
mod grants;
mod introspect;
mod keys;
mod lab;
mod log;
mod metadata;
mod policy;
mod response;
mod secret;
mod server;
mod tokens;

pub use clock::DETERMINISTIC_NOW;
pub use errors::StsError;
pub use keys::KeyError;
pub use log::{REQUEST_LOG_CAPACITY, RequestLogEntry, RequestOutcome};
pub use policy::{
    Audience, Client, ClientAuth, Grant, MayAct, Policy, PolicyError, SigningAlg, User,
};
pub use secret::Secret;
pub use server::{StsConfig, StsHandle, check, spawn};
