//! The running lab's shared state.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

use crate::clock::{Clock, IdSource};
use crate::keys::{ClientKey, SigningKey};
use crate::log::RequestLog;
use crate::policy::Policy;
use crate::tokens::RefreshRecord;

pub(crate) const TOKEN_PATH: &str = "/token";
pub(crate) const INTROSPECTION_PATH: &str = "/introspect";
pub(crate) const JWKS_PATH: &str = "/jwks";
pub(crate) const METADATA_PATH: &str = "/.well-known/oauth-authorization-server";
pub(crate) const OPENID_METADATA_PATH: &str = "/.well-known/openid-configuration";

pub(crate) struct Lab {
    pub(crate) policy: Policy,
    pub(crate) base_url: String,
    pub(crate) issuer: String,
    pub(crate) key: SigningKey,
    pub(crate) client_keys: HashMap<String, ClientKey>,
    pub(crate) clock: Clock,
    pub(crate) ids: IdSource,
    pub(crate) log: Arc<RequestLog>,
    refresh: Mutex<HashMap<String, RefreshRecord>>,
    /// `(client_id, jti)` of client assertions seen, with their `exp` (RFC 7523 §3 item 7).
    assertions: Mutex<HashMap<(String, String), u64>>,
}

/// Locks a mutex whose data stays consistent even if a holder panicked (each critical section
/// is a single map operation).
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl Lab {
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn new(
        policy: Policy,
        base_url: String,
        key: SigningKey,
        client_keys: HashMap<String, ClientKey>,
        clock: Clock,
        ids: IdSource,
        log: Arc<RequestLog>,
    ) -> Lab {
        let issuer = policy.issuer.clone().unwrap_or_else(|| base_url.clone());
        Lab {
            policy,
            base_url,
            issuer,
            key,
            client_keys,
            clock,
            ids,
            log,
            refresh: Mutex::default(),
            assertions: Mutex::default(),
        }
    }

    pub(crate) fn token_endpoint(&self) -> String {
        format!("{}{TOKEN_PATH}", self.base_url)
    }

    pub(crate) fn introspection_endpoint(&self) -> String {
        format!("{}{INTROSPECTION_PATH}", self.base_url)
    }

    pub(crate) fn jwks_uri(&self) -> String {
        format!("{}{JWKS_PATH}", self.base_url)
    }

    pub(crate) fn refresh_tokens(&self) -> MutexGuard<'_, HashMap<String, RefreshRecord>> {
        lock(&self.refresh)
    }

    /// Records an assertion's jti; false if it was already used and has not yet expired.
    pub(crate) fn first_use_of_assertion(&self, client_id: &str, jti: &str, exp: u64) -> bool {
        let now = self.clock.now();
        let mut seen = lock(&self.assertions);
        // Forget expired assertions: they are refused on exp anyway, and this bounds the map.
        seen.retain(|_, e| *e > now);
        seen.insert((client_id.to_owned(), jti.to_owned()), exp)
            .is_none()
    }
}
