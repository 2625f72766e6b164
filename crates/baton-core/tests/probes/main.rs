//! Every probe against the lab (which must pass it) and against the lab behind a fault made to
//! fail it, one fault per probe.

mod baseline;
mod chain;
mod client_auth;
mod harness;
mod introspection;
mod issued;
mod lab;
mod metadata;
mod opaque;
mod request;
mod response;
mod revocation;
mod token;
mod token_faults;
