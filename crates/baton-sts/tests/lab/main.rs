//! The lab token service over HTTP, as a client sees it. One test binary (one link) with a
//! module per concern.

mod client_auth;
mod common;
mod deterministic;
mod exchange;
mod grants;
mod introspect;
mod metadata;
mod policy_file;
