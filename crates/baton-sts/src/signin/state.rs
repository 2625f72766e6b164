//! What the lab remembers between a user's sign-in and the client's token request: pushed
//! requests (RFC 9126), authorization codes (RFC 6749 §4.1) and device codes (RFC 8628). Every
//! store is a [`BoundedStore`] of at most [`STORE_CAPACITY`] entries, and each entry holds only
//! bounded values (policy names, a checked redirect URI, `state` and `nonce` of limited length).

use std::sync::{Mutex, MutexGuard};
use std::time::Instant;

use super::request::AuthRequest;
use crate::store::{BoundedStore, STORE_CAPACITY};
use crate::tokens::TokenSpec;

/// RFC 9126 §2.2 and RFC 6749 §4.1.2: a pushed request and a code live 60 s.
pub(crate) const CODE_LIFETIME: u64 = 60;
/// RFC 8628 §3.2: how long a device code may be polled.
pub(crate) const DEVICE_CODE_LIFETIME: u64 = 600;

/// A user's sign-in, ready to become tokens.
#[derive(Debug, Clone)]
pub(crate) struct SignedIn {
    /// The access token's contents.
    pub(crate) spec: TokenSpec,
    /// Whether `openid` was granted: the token response then carries an ID token.
    pub(crate) openid: bool,
    pub(crate) nonce: Option<String>,
    /// When the user entered their password (OpenID Connect Core §2 `auth_time`).
    pub(crate) auth_time: u64,
}

/// An authorization code, before and after it is redeemed.
#[derive(Debug, Clone)]
pub(crate) enum CodeState {
    Issued(Box<IssuedCode>),
    /// Kept so that a second use revokes what the first got (RFC 6749 §4.1.2).
    Redeemed {
        access_jti: Option<String>,
        access_exp: u64,
        refresh_token: Option<String>,
    },
}

#[derive(Debug, Clone)]
pub(crate) struct IssuedCode {
    pub(crate) client_id: String,
    pub(crate) redirect_uri: String,
    pub(crate) code_challenge: Option<String>,
    pub(crate) signed_in: SignedIn,
}

#[derive(Debug, Clone)]
pub(crate) enum DeviceState {
    Pending,
    Approved(Box<SignedIn>),
    Denied,
}

/// A device authorization (RFC 8628 §3.1), keyed by its device code.
#[derive(Debug, Clone)]
pub(crate) struct DeviceGrant {
    pub(crate) client_id: String,
    pub(crate) request: AuthRequest,
    pub(crate) user_code: String,
    /// Seconds between polls; grows by 5 with every `slow_down` (§3.5).
    pub(crate) interval: u64,
    /// Real time, not the lab's clock: the deterministic mode's clock stands still.
    pub(crate) last_poll: Option<Instant>,
    pub(crate) state: DeviceState,
}

pub(crate) struct SignInStores {
    /// `request_uri` → the pushed request and the client that pushed it.
    pushed: Mutex<BoundedStore<String, AuthRequest>>,
    codes: Mutex<BoundedStore<String, CodeState>>,
    /// device code → the grant.
    devices: Mutex<BoundedStore<String, DeviceGrant>>,
    /// user code (normalised, no dash) → device code.
    user_codes: Mutex<BoundedStore<String, String>>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl SignInStores {
    pub(crate) fn new() -> SignInStores {
        SignInStores {
            pushed: Mutex::new(BoundedStore::new(STORE_CAPACITY)),
            codes: Mutex::new(BoundedStore::new(STORE_CAPACITY)),
            devices: Mutex::new(BoundedStore::new(STORE_CAPACITY)),
            user_codes: Mutex::new(BoundedStore::new(STORE_CAPACITY)),
        }
    }

    pub(crate) fn pushed(&self) -> MutexGuard<'_, BoundedStore<String, AuthRequest>> {
        lock(&self.pushed)
    }

    pub(crate) fn codes(&self) -> MutexGuard<'_, BoundedStore<String, CodeState>> {
        lock(&self.codes)
    }

    pub(crate) fn devices(&self) -> MutexGuard<'_, BoundedStore<String, DeviceGrant>> {
        lock(&self.devices)
    }

    pub(crate) fn user_codes(&self) -> MutexGuard<'_, BoundedStore<String, String>> {
        lock(&self.user_codes)
    }
}

/// A lab whose clock stands at `now`, for tests of what expires.
#[cfg(test)]
pub(crate) fn test_lab(now: u64) -> crate::lab::Lab {
    use crate::policy::{Policy, SigningAlg};
    let key = crate::keys::SigningKey::create(SigningAlg::ES256, true).expect("key");
    crate::lab::Lab::new(
        Policy::lab_default(),
        "http://127.0.0.1:1".to_owned(),
        key,
        std::collections::HashMap::new(),
        crate::clock::Clock::fixed(now),
        crate::clock::IdSource::counter(),
        std::sync::Arc::new(crate::log::RequestLog::default()),
        crate::connection::Limits::default(),
        Vec::new(),
        None,
    )
}

/// signin-app's request for alice's orders token.
#[cfg(test)]
pub(crate) fn test_request() -> AuthRequest {
    AuthRequest {
        client_id: "signin-app".to_owned(),
        redirect_uri: "http://127.0.0.1:9/callback".to_owned(),
        state: None,
        scopes: Some(vec!["orders:read".to_owned()]),
        openid: false,
        audiences: vec!["orders-api".to_owned()],
        code_challenge: None,
        nonce: None,
    }
}
