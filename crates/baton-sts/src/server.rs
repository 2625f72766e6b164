//! Starting and stopping the lab: bind 127.0.0.1, serve under the connection limits, shut down
//! gracefully.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::routing::{get, post};
use tokio::net::TcpListener;
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;

use crate::clock::{Clock, DETERMINISTIC_NOW, IdSource};
use crate::connection::{self, Limits, ListenerCommand};
use crate::errors::StsError;
use crate::faults::Faults;
use crate::keys::{JwkKey, SigningKey, client_key_from_pem, jwks_keys};
use crate::lab::{
    INTROSPECTION_PATH, JWKS_PATH, Lab, METADATA_PATH, OPENID_METADATA_PATH, REVOCATION_PATH,
    SAML_CERTIFICATE_PATH, TOKEN_PATH,
};
use crate::log::{RequestLog, RequestLogEntry};
use crate::policy::{Check, ClientAuth, Policy};
use crate::tls::LabTls;
use crate::{fallback, faults, grants, introspect, metadata, revoke, signin};

/// How long [`StsHandle::stop`] lets open connections finish before cutting them.
const GRACEFUL_STOP: Duration = Duration::from_secs(5);

/// How to run the lab.
#[derive(Debug, Clone)]
pub struct StsConfig {
    pub policy: Policy,
    /// 0 picks a free port.
    pub port: u16,
    /// Fixed keys, a clock frozen at 2026-01-01T00:00:00Z and counter-based ids, so the same
    /// requests give byte-identical tokens. Tokens include `iss`, which defaults to the base URL:
    /// use a fixed `port` (or set `issuer` in the policy) to compare runs.
    pub deterministic: bool,
    /// Other issuers whose JWTs this lab accepts as authorization grants (RFC 7523 jwt-bearer):
    /// domain A's lab, for a domain B. Each JWKS is read once, at spawn.
    pub trusted_issuers: Vec<TrustedIssuer>,
    /// Serve HTTPS (`https://127.0.0.1:PORT`) with a CA made at start
    /// ([`StsHandle::ca_pem`]), asking clients for an optional certificate: mutual-TLS client
    /// authentication and certificate-bound tokens (RFC 8705). Off: plain HTTP.
    pub tls: bool,
}

/// An issuer the lab trusts, with its public keys (a JWKS: `{"keys": [...]}`).
#[derive(Debug, Clone, PartialEq)]
pub struct TrustedIssuer {
    pub issuer: String,
    pub jwks: serde_json::Value,
}

impl Default for StsConfig {
    fn default() -> Self {
        StsConfig {
            policy: Policy::lab_default(),
            port: 0,
            deterministic: false,
            trusted_issuers: Vec::new(),
            tls: false,
        }
    }
}

/// A running lab. Dropping it stops the server too (without waiting).
pub struct StsHandle {
    lab: Arc<Lab>,
    /// Taken by the first stop; behind a mutex so a shared handle can be stopped
    /// ([`StsHandle::shutdown`]), as the app does to restart its lab with a new policy.
    shutdown: Mutex<Option<oneshot::Sender<()>>>,
    task: Mutex<Option<JoinHandle<()>>>,
    /// Closes and reopens the listening socket (a down fault).
    listener: mpsc::Sender<ListenerCommand>,
    /// One change of faults at a time: the listener's state follows the last one set.
    fault_change: tokio::sync::Mutex<()>,
}

/// Checks everything [`spawn`] checks about a policy before it binds a port: the policy's own
/// rules and every client's public key. A policy that passes starts (unless the port is taken).
pub fn check(policy: &Policy) -> Result<(), StsError> {
    client_keys(policy).map(|_| ())
}

fn client_keys(policy: &Policy) -> Result<HashMap<String, crate::keys::ClientKey>, StsError> {
    // A policy built in code has not been through the file checks.
    policy.validate()?;
    let mut client_keys = HashMap::new();
    for client in &policy.clients {
        if let ClientAuth::PrivateKeyJwt { public_key_pem } = &client.auth {
            let key =
                client_key_from_pem(public_key_pem).map_err(|reason| StsError::ClientKey {
                    client_id: client.client_id.clone(),
                    reason,
                })?;
            client_keys.insert(client.client_id.clone(), key);
        }
    }
    Ok(client_keys)
}

/// Each trusted issuer's keys, read from its JWKS.
fn trusted_keys(trusted: &[TrustedIssuer]) -> Result<Vec<(String, Vec<JwkKey>)>, StsError> {
    let mut out: Vec<(String, Vec<JwkKey>)> = Vec::with_capacity(trusted.len());
    for t in trusted {
        let fail = |reason: String| StsError::TrustedIssuer {
            issuer: t.issuer.clone(),
            reason,
        };
        if t.issuer.is_empty() {
            return Err(fail("the issuer is empty".to_owned()));
        }
        if out.iter().any(|(iss, _)| iss == &t.issuer) {
            return Err(fail("it is listed twice".to_owned()));
        }
        out.push((t.issuer.clone(), jwks_keys(&t.jwks).map_err(fail)?));
    }
    Ok(out)
}

/// Starts the lab on `127.0.0.1:config.port` and returns once it accepts connections.
pub async fn spawn(config: StsConfig) -> Result<StsHandle, StsError> {
    spawn_with_limits(config, Limits::default()).await
}

/// [`spawn`] with other connection limits: shorter timeouts for tests and benchmarks.
pub async fn spawn_with_limits(config: StsConfig, limits: Limits) -> Result<StsHandle, StsError> {
    let StsConfig {
        policy,
        port,
        deterministic,
        trusted_issuers,
        tls,
    } = config;
    let client_keys = client_keys(&policy)?;
    let faults = policy.faults.clone();
    let trusted = trusted_keys(&trusted_issuers)?;
    let alg = policy.signing_alg;
    // RSA key generation takes a noticeable moment; keep it off the async workers.
    let key = tokio::task::spawn_blocking(move || SigningKey::create(alg, deterministic))
        .await
        .map_err(StsError::KeyTask)??;
    // The TLS keys are random even in deterministic mode: no token depends on them.
    let tls = if tls {
        Some(
            tokio::task::spawn_blocking(LabTls::create)
                .await
                .map_err(StsError::KeyTask)??,
        )
    } else {
        None
    };
    let acceptor = tls.as_ref().map(|t| t.acceptor.clone());

    // Loopback only: the lab holds demo credentials anyone could read.
    let listener = TcpListener::bind(("127.0.0.1", port))
        .await
        .map_err(|source| StsError::Bind { port, source })?;
    let bound = listener
        .local_addr()
        .map_err(|source| StsError::Bind { port, source })?;
    let scheme = if tls.is_some() { "https" } else { "http" };
    let base_url = format!("{scheme}://127.0.0.1:{}", bound.port());

    let (clock, ids) = if deterministic {
        (Clock::fixed(DETERMINISTIC_NOW), IdSource::counter())
    } else {
        (Clock::system(), IdSource::Random)
    };
    let lab = Arc::new(Lab::new(
        policy,
        base_url,
        key,
        client_keys,
        clock,
        ids,
        Arc::new(RequestLog::default()),
        limits,
        trusted,
        tls,
    ));

    // Every answer is OAuth JSON, also a wrong method (405) or path (404).
    let router = Router::new()
        .route(
            METADATA_PATH,
            get(metadata::metadata_endpoint).fallback(fallback::get_only),
        )
        .route(
            OPENID_METADATA_PATH,
            get(metadata::metadata_endpoint).fallback(fallback::get_only),
        )
        .route(
            JWKS_PATH,
            get(metadata::jwks_endpoint).fallback(fallback::get_only),
        )
        .route(
            SAML_CERTIFICATE_PATH,
            get(metadata::saml_certificate_endpoint).fallback(fallback::get_only),
        )
        .route(
            TOKEN_PATH,
            post(grants::token_endpoint).fallback(fallback::post_only),
        )
        .route(
            INTROSPECTION_PATH,
            post(introspect::introspection_endpoint).fallback(fallback::post_only),
        )
        .route(
            REVOCATION_PATH,
            post(revoke::revocation_endpoint).fallback(fallback::post_only),
        )
        .merge(signin::router())
        .fallback(fallback::not_found)
        // Faults come first: a slow or unavailable lab is slow or unavailable everywhere.
        .layer(axum::middleware::from_fn_with_state(
            lab.clone(),
            faults::apply,
        ))
        .with_state(lab.clone());

    // Either an explicit stop or the handle being dropped (sender gone) ends the server.
    let (shutdown_tx, shutdown_rx) = oneshot::channel::<()>();
    let (listener_tx, listener_rx) = mpsc::channel(4);
    let task = tokio::spawn(connection::serve(
        listener,
        router,
        limits,
        acceptor,
        shutdown_rx,
        listener_rx,
    ));
    let handle = StsHandle {
        lab,
        shutdown: Mutex::new(Some(shutdown_tx)),
        task: Mutex::new(Some(task)),
        listener: listener_tx,
        fault_change: tokio::sync::Mutex::new(()),
    };
    // The policy's `[faults]` (validated with the policy).
    if !faults.is_none() {
        handle.set_faults(faults).await?;
    }
    Ok(handle)
}

impl StsHandle {
    /// `http://127.0.0.1:PORT`, or `https://127.0.0.1:PORT` with [`StsConfig::tls`].
    pub fn base_url(&self) -> &str {
        &self.lab.base_url
    }

    pub fn port(&self) -> u16 {
        self.lab
            .base_url
            .rsplit(':')
            .next()
            .and_then(|p| p.parse().ok())
            .unwrap_or(0)
    }

    pub fn issuer(&self) -> &str {
        &self.lab.issuer
    }

    pub fn token_endpoint(&self) -> String {
        self.lab.token_endpoint()
    }

    pub fn introspection_endpoint(&self) -> String {
        self.lab.introspection_endpoint()
    }

    /// The RFC 7009 revocation endpoint.
    pub fn revocation_endpoint(&self) -> String {
        self.lab.revocation_endpoint()
    }

    /// Where the certificate of the lab's SAML assertions is served (PEM).
    pub fn saml_certificate_uri(&self) -> String {
        format!("{}{}", self.base_url(), SAML_CERTIFICATE_PATH)
    }

    pub fn jwks_uri(&self) -> String {
        self.lab.jwks_uri()
    }

    /// The RFC 8414 metadata URL.
    pub fn metadata_url(&self) -> String {
        format!("{}{METADATA_PATH}", self.lab.base_url)
    }

    pub fn policy(&self) -> &Policy {
        &self.lab.policy
    }

    /// This lab as another lab's trusted issuer: its issuer and its public JWKS (what `/jwks`
    /// serves). `StsConfig { trusted_issuers: vec![a.trusted_issuer()], .. }` makes a second
    /// lab accept this one's JWT authorization grants and ID-JAGs.
    pub fn trusted_issuer(&self) -> TrustedIssuer {
        TrustedIssuer {
            issuer: self.lab.issuer.clone(),
            jwks: serde_json::json!({ "keys": [self.lab.key.public_jwk()] }),
        }
    }

    /// The lab's CA certificate (PEM) when it serves HTTPS ([`StsConfig::tls`]): trust it to
    /// reach the lab (its server certificate names `127.0.0.1` and `localhost`). A new CA is made
    /// at every start. `None` for a plain-HTTP lab.
    pub fn ca_pem(&self) -> Option<String> {
        self.lab.tls.as_ref().map(|t| t.ca_pem().to_owned())
    }

    /// A new client certificate signed by the lab's CA, for mutual TLS (RFC 8705 §2.1): subject
    /// `CN=<cn>,O=Baton lab` and, when `<cn>.baton.test` is a DNS name, that as its SAN DNS
    /// (so `issue_client_certificate("mtls-app")` authenticates the demo client `mtls-app`).
    /// Returns `(certificate_pem, private_key_pem)` (PKCS#8 P-256), or `None` for a plain-HTTP
    /// lab or if the certificate could not be made.
    pub fn issue_client_certificate(&self, cn: &str) -> Option<(String, String)> {
        self.lab.tls.as_ref()?.issue_client_certificate(cn).ok()
    }

    /// The `kid` of the lab's signing key.
    pub fn key_id(&self) -> &str {
        self.lab.key.kid()
    }

    /// Takes over the requests `earlier` answered, before this lab's own: a lab restarted with
    /// a new policy keeps the history of the one it replaces.
    pub fn carry_requests_from(&self, earlier: &StsHandle) {
        self.lab.log.prepend(earlier.recent_requests());
    }

    /// The faults in force (none by default; the policy's `[faults]` at start).
    pub fn faults(&self) -> Faults {
        self.lab.faults()
    }

    /// Puts `faults` in force on the running lab, replacing the ones before
    /// ([`Faults::default`] clears them all). Going down closes the listening socket and every
    /// open connection before this returns; coming back binds the same port again, which fails
    /// ([`StsError::Bind`]) only if something else took it meanwhile.
    pub async fn set_faults(&self, faults: Faults) -> Result<(), StsError> {
        faults.validate().map_err(StsError::Faults)?;
        let _one_at_a_time = self.fault_change.lock().await;
        let was_down = self.lab.faults().down;
        if faults.down && !was_down {
            self.lab.set_faults(faults);
            let (done, closed) = oneshot::channel();
            // A stopped lab has no listener to close: it is down already.
            if self
                .listener
                .send(ListenerCommand::Close(done))
                .await
                .is_ok()
            {
                let _ = closed.await;
            }
            return Ok(());
        }
        if !faults.down && was_down {
            let (done, reopened) = oneshot::channel();
            if self
                .listener
                .send(ListenerCommand::Reopen(done))
                .await
                .is_ok()
                && let Ok(Err(source)) = reopened.await
            {
                return Err(StsError::Bind {
                    port: self.port(),
                    source,
                });
            }
        }
        self.lab.set_faults(faults);
        Ok(())
    }

    /// Checks switched off on the running lab, on top of the policy's own `[checks]` (sorted).
    pub fn checks_off(&self) -> Vec<Check> {
        self.lab.checks_off()
    }

    /// Switches `off` checks off on the running lab (an attack demo), replacing the ones set
    /// before; an empty list restores the policy's checks.
    pub fn set_checks_off(&self, off: Vec<Check>) {
        self.lab.set_checks_off(off);
    }

    /// The most recent requests (at most [`crate::REQUEST_LOG_CAPACITY`]), oldest first.
    pub fn recent_requests(&self) -> Vec<RequestLogEntry> {
        self.lab.log.snapshot()
    }

    /// Stops accepting, lets open requests finish (up to a few seconds), and returns once the
    /// port is free.
    pub async fn stop(self) {
        self.shutdown().await;
    }

    /// [`StsHandle::stop`] for a handle that is shared: the lab stops serving and the port is
    /// free when this returns; the handle still answers [`StsHandle::policy`] and the like.
    /// Stopping twice does nothing the second time.
    pub async fn shutdown(&self) {
        self.signal_stop();
        let task = lock(&self.task).take();
        if let Some(mut task) = task
            && tokio::time::timeout(GRACEFUL_STOP, &mut task)
                .await
                .is_err()
        {
            task.abort();
            let _ = task.await;
        }
    }

    fn signal_stop(&self) {
        if let Some(tx) = lock(&self.shutdown).take() {
            let _ = tx.send(());
        }
    }
}

/// The handle's mutexes guard a take-once `Option`; a panic elsewhere cannot leave it torn.
fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl Drop for StsHandle {
    fn drop(&mut self) {
        self.signal_stop();
    }
}

impl std::fmt::Debug for StsHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StsHandle")
            .field("base_url", &self.lab.base_url)
            .field("issuer", &self.lab.issuer)
            .finish()
    }
}
