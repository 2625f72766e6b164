//! The running lab's shared state.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use crate::clock::{Clock, IdSource};
use crate::connection::Limits;
use crate::dpop::NonceState;
use crate::faults::Faults;
use crate::keys::{ClientKey, JwkKey, SigningKey};
use crate::log::RequestLog;
use crate::policy::{Check, Checks, Policy};
use crate::signin::state::SignInStores;
use crate::store::{Admission, BoundedStore, STORE_CAPACITY};
use crate::tls::LabTls;
use crate::tokens::{OpaqueRecord, RefreshRecord};

pub(crate) const TOKEN_PATH: &str = "/token";
pub(crate) const INTROSPECTION_PATH: &str = "/introspect";
pub(crate) const REVOCATION_PATH: &str = "/revoke";
pub(crate) const JWKS_PATH: &str = "/jwks";
/// The certificate of the key that signs SAML assertions (PEM), as a relying party trusts it.
pub(crate) const SAML_CERTIFICATE_PATH: &str = "/saml/certificate";
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
    pub(crate) limits: Limits,
    refresh: Mutex<BoundedStore<String, RefreshRecord>>,
    /// The claims of opaque access tokens (clients with `opaque_access_tokens`), until `exp`.
    opaque: Mutex<BoundedStore<String, OpaqueRecord>>,
    /// `(client_id, jti)` of client assertions seen, until their `exp` (RFC 7523 §3 item 7).
    assertions: Mutex<BoundedStore<(String, String), ()>>,
    /// `jti` of revoked JWTs, until their `exp` (RFC 7009).
    revoked: Mutex<BoundedStore<String, ()>>,
    /// Other issuers whose JWTs are accepted as authorization grants, with their keys.
    pub(crate) trusted: Vec<(String, Vec<JwkKey>)>,
    /// `(iss, jti)` of redeemed jwt-bearer assertions, until their `exp` (RFC 7523 §3 item 7).
    grants: Mutex<BoundedStore<(String, String), ()>>,
    /// `(jkt, jti)` of DPoP proofs seen, until they leave the `iat` window (RFC 9449 §11.1).
    dpop_proofs: Mutex<BoundedStore<(String, String), ()>>,
    /// The DPoP nonces the lab hands out (RFC 9449 §8).
    pub(crate) dpop_nonces: Mutex<NonceState>,
    /// Pushed requests, authorization codes and device codes of users' sign-ins.
    pub(crate) signin: SignInStores,
    /// The CA and TLS setup when the lab serves HTTPS (`StsConfig::tls`).
    pub(crate) tls: Option<LabTls>,
    /// The faults in force (`[faults]`, or set on the running lab).
    faults: Mutex<Faults>,
    /// Requests seen since the faults were last set: spreads a flaky fault's failures.
    faulted_requests: AtomicU64,
    /// Checks switched off on the running lab, on top of the policy's `[checks]`.
    checks_off: Mutex<Vec<Check>>,
}

fn first_use(
    store: &Mutex<BoundedStore<(String, String), ()>>,
    clock: &Clock,
    key: (String, String),
    exp: u64,
) -> bool {
    let now = clock.now();
    let mut seen = lock(store);
    if seen.contains(&key, now) {
        return false;
    }
    seen.insert(key, (), exp, now);
    true
}

/// Locks a mutex whose data stays consistent even if a holder panicked (each critical section
/// is a single map operation).
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
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
        limits: Limits,
        trusted: Vec<(String, Vec<JwkKey>)>,
        tls: Option<LabTls>,
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
            limits,
            refresh: Mutex::new(BoundedStore::new(STORE_CAPACITY)),
            opaque: Mutex::new(BoundedStore::new(STORE_CAPACITY)),
            assertions: Mutex::new(BoundedStore::new(STORE_CAPACITY)),
            revoked: Mutex::new(BoundedStore::new(STORE_CAPACITY)),
            trusted,
            grants: Mutex::new(BoundedStore::new(STORE_CAPACITY)),
            dpop_proofs: Mutex::new(BoundedStore::new(STORE_CAPACITY)),
            dpop_nonces: Mutex::new(NonceState::default()),
            signin: SignInStores::new(),
            tls,
            faults: Mutex::new(Faults::default()),
            faulted_requests: AtomicU64::new(0),
            checks_off: Mutex::new(Vec::new()),
        }
    }

    /// The checks in force: the policy's, less those switched off on the running lab.
    pub(crate) fn checks(&self) -> Checks {
        let mut checks = self.policy.checks;
        for check in lock(&self.checks_off).iter() {
            checks.set(*check, false);
        }
        checks
    }

    pub(crate) fn checks_off(&self) -> Vec<Check> {
        lock(&self.checks_off).clone()
    }

    pub(crate) fn set_checks_off(&self, mut off: Vec<Check>) {
        off.sort();
        off.dedup();
        *lock(&self.checks_off) = off;
    }

    pub(crate) fn faults(&self) -> Faults {
        lock(&self.faults).clone()
    }

    /// Puts `faults` in force (already validated); the listener is the caller's business.
    pub(crate) fn set_faults(&self, faults: Faults) {
        self.clock.set_skew(faults.clock_skew_secs);
        self.faulted_requests.store(0, Ordering::Relaxed);
        *lock(&self.faults) = faults;
    }

    /// Counts a request under a flaky fault: 1 for the first since the faults were set.
    pub(crate) fn next_faulted_request(&self) -> u64 {
        self.faulted_requests
            .fetch_add(1, Ordering::Relaxed)
            .saturating_add(1)
    }

    /// Records a jwt-bearer assertion's `(iss, jti)`; false if it was already redeemed and has
    /// not yet expired. Like client assertions, the oldest live entry goes first when full.
    pub(crate) fn first_use_of_grant(&self, iss: &str, jti: &str, exp: u64) -> bool {
        first_use(
            &self.grants,
            &self.clock,
            (iss.to_owned(), jti.to_owned()),
            exp,
        )
    }

    /// Records a DPoP proof's `(jkt, jti)` until `until`; false if it was seen before.
    pub(crate) fn first_use_of_dpop_proof(&self, jkt: &str, jti: &str, until: u64) -> bool {
        first_use(
            &self.dpop_proofs,
            &self.clock,
            (jkt.to_owned(), jti.to_owned()),
            until,
        )
    }

    pub(crate) fn token_endpoint(&self) -> String {
        format!("{}{TOKEN_PATH}", self.base_url)
    }

    pub(crate) fn introspection_endpoint(&self) -> String {
        format!("{}{INTROSPECTION_PATH}", self.base_url)
    }

    pub(crate) fn revocation_endpoint(&self) -> String {
        format!("{}{REVOCATION_PATH}", self.base_url)
    }

    pub(crate) fn jwks_uri(&self) -> String {
        format!("{}{JWKS_PATH}", self.base_url)
    }

    pub(crate) fn saml_certificate_uri(&self) -> String {
        format!("{}{SAML_CERTIFICATE_PATH}", self.base_url)
    }

    pub(crate) fn opaque_tokens(&self) -> MutexGuard<'_, BoundedStore<String, OpaqueRecord>> {
        lock(&self.opaque)
    }

    pub(crate) fn refresh_tokens(&self) -> MutexGuard<'_, BoundedStore<String, RefreshRecord>> {
        lock(&self.refresh)
    }

    /// Records an assertion's jti; false if it was already used and has not yet expired.
    /// Expired assertions are forgotten (they are refused on exp anyway); when the cache is full
    /// of live ones, the oldest is forgotten first.
    pub(crate) fn first_use_of_assertion(&self, client_id: &str, jti: &str, exp: u64) -> bool {
        let now = self.clock.now();
        let key = (client_id.to_owned(), jti.to_owned());
        let mut seen = lock(&self.assertions);
        if seen.contains(&key, now) {
            return false;
        }
        seen.insert(key, (), exp, now);
        true
    }

    /// Remembers a revoked JWT's `jti` until the token's `exp`. Never forgets a live revocation
    /// to make room: `Full` means the revocation could not be recorded.
    pub(crate) fn revoke_jti(&self, jti: &str, exp: u64) -> Admission {
        let now = self.clock.now();
        lock(&self.revoked).insert_if_room(jti.to_owned(), (), exp, now)
    }

    pub(crate) fn is_revoked(&self, jti: &str) -> bool {
        lock(&self.revoked).contains(jti, self.clock.now())
    }
}
