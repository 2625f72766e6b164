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
//! (client_credentials, password, refresh_token, token exchange, authorization_code, device_code,
//! RFC 7523 jwt-bearer, with RFC 9449 DPoP), `/introspect` (RFC 7662) and `/revoke` (RFC 7009).
//! Every error there is OAuth JSON with `Cache-Control: no-store`.
//!
//! A policy's demo users sign in for real, offline: `/authorize` (RFC 6749 §4.1 with PKCE S256,
//! RFC 7636, and `iss` in the response, RFC 9207) serves a small HTML page whose form fields
//! `username`, `password` and `decision` (`allow` / `deny`) a test or a fake browser can fill in;
//! `/par` takes pushed requests (RFC 9126); `/device_authorization` and `/device` are the device
//! grant (RFC 8628). With `openid` the token response has an ID token. See `POLICY.md`, "Signing
//! a user in", and [`StsHandle::authorization_endpoint`].
//!
//! Two labs make two trust domains: domain B ([`Policy::domain_b`]) trusts domain A's keys
//! ([`StsHandle::trusted_issuer`], [`StsConfig::trusted_issuers`]) and redeems A's JWT
//! authorization grants (identity chaining) and ID-JAGs.
//!
//! With [`StsConfig::tls`] the lab serves HTTPS with a CA made at start ([`StsHandle::ca_pem`])
//! and RFC 8705 mutual TLS: the client auth methods `tls_client_auth` and
//! `self_signed_tls_client_auth` ([`ClientAuth`]), certificate-bound tokens (`cnf.x5t#S256`), and
//! client certificates from its CA ([`StsHandle::issue_client_certificate`]). See `POLICY.md`,
//! "HTTPS and mutual TLS".
//!
//! The lab can fail on purpose, to show what an outage of the token service does: down, slow,
//! unavailable (503 with `Retry-After`), flaky, or with its clock set wrong ([`Faults`], the
//! policy's `[faults]`, [`StsHandle::set_faults`]).
//!
//! The lab is meant to be attacked: its security checks are on by default and a policy can switch
//! each one off on purpose ([`Checks`], [`Policy::disabled_checks`]). Its memory and connections
//! are bounded whatever clients send ([`STORE_CAPACITY`], [`LOG_FIELD_MAX_CHARS`], [`Limits`]).

mod body;
mod client_auth;
mod clock;
mod connection;
mod demo;
mod dpop;
mod errors;
mod fallback;
mod faults;
mod form;
mod grants;
mod introspect;
mod jwt_shape;
mod keys;
mod lab;
mod log;
mod metadata;
mod mtls;
mod policy;
mod redirect;
mod response;
mod revoke;
mod saml;
mod secret;
mod server;
mod signin;
mod store;
mod text;
mod tls;
mod tokens;

pub use clock::DETERMINISTIC_NOW;
pub use connection::{
    BODY_READ_TIMEOUT, HEADER_READ_TIMEOUT, IDLE_TIMEOUT, Limits, MAX_BODY_BYTES, MAX_CONNECTIONS,
    TLS_HANDSHAKE_TIMEOUT,
};
pub use demo::{SELF_SIGNED_APP_CERTIFICATE_PEM, SELF_SIGNED_APP_KEY_PEM};
pub use errors::StsError;
pub use faults::{Faults, MAX_CLOCK_SKEW_SECS, MAX_LATENCY_MS, MAX_RETRY_AFTER_SECS};
pub use keys::{KeyError, exchange_crypto_cost};
pub use log::{LOG_FIELD_MAX_CHARS, REQUEST_LOG_CAPACITY, RequestLogEntry, RequestOutcome};
pub use policy::{
    Audience, CertificateSubject, Check, Checks, Client, ClientAuth, Grant, MayAct, Policy,
    PolicyError, RegisteredCertificate, SigningAlg, User,
};
pub use secret::Secret;
pub use server::{StsConfig, StsHandle, TrustedIssuer, check, spawn, spawn_with_limits};
pub use store::STORE_CAPACITY;
