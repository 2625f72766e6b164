//! The lab token service over HTTP, as a client sees it. One test binary (one link) with a
//! module per concern.

mod checks;
mod client_auth;
mod common;
mod connections;
mod deterministic;
mod device;
mod domains;
mod dpop;
mod exchange;
mod faults;
mod forged;
mod grants;
mod hardening;
mod introspect;
mod metadata;
mod mtls;
mod policy_file;
mod revocation;
mod saml;
mod signin;
mod signin_common;
