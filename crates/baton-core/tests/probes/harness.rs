//! What every probe test shares: a lab on a random loopback port with the probe roles, the
//! collection whose `[probe]` points at it, and [`Faulty`]: the lab behind a proxy that
//! misbehaves on purpose, so each probe can be shown to fail against a server with its fault.
#![allow(dead_code)] // each group's tests use their own part of this

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use async_trait::async_trait;
use baton_core::SystemClock;
use baton_core::http::{
    HttpClient, HttpRequest, HttpResponse, HttpSettings, ReqwestClient, TransportError, Value,
};
use baton_core::probe::{self, ProbeOutcome, ProbeReport, ProbeResult, ProbeSession, Selection};
use baton_core::scenario::{Collection, MapSecrets};
use baton_sts::{Policy, StsConfig, StsHandle};
use serde_json::{Map, Value as Json};

/// The probe roles of the issue, on the lab's default policy.
pub const PROBE_COLLECTION: &str = r#"
name = "Probe the lab"

[[servers]]
id = "lab"
issuer = "{{env.lab}}"
token_endpoint = "{{env.lab}}/token"
jwks_uri = "{{env.lab}}/jwks"
introspection_endpoint = "{{env.lab}}/introspect"

[[clients]]
id = "alice-app"
server = "lab"
client_id = "alice-app"
auth = "client_secret_basic"
secret = "{{secret.alice-app}}"

[[clients]]
id = "agent-a"
server = "lab"
client_id = "agent-a"
auth = "client_secret_basic"
secret = "{{secret.agent-a}}"

[[clients]]
id = "agent-n"
server = "lab"
client_id = "agent-n"
auth = "client_secret_basic"
secret = "{{secret.agent-n}}"

[[environments]]
name = "lab"
variables = { lab = "http://127.0.0.1:8693" }

[probe]
server = "lab"
exchanger = "agent-a"
subject = { client = "alice-app", grant = "client_credentials", scope = "profile documents:read" }
actor = "agent-a"
attacker = "agent-n"
audience = "documents-api"
resource = "https://documents.example.com/"
scope = "documents:read"
"#;

pub fn collection() -> Collection {
    let table: toml::Table = toml::from_str(PROBE_COLLECTION).expect("valid TOML");
    table.try_into().expect("a collection")
}

/// The lab with its default policy (which has the probe roles) on a free loopback port.
pub async fn lab() -> StsHandle {
    lab_with(Policy::lab_default()).await
}

pub async fn lab_with(policy: Policy) -> StsHandle {
    baton_sts::spawn(StsConfig {
        policy,
        port: 0,
        deterministic: false,
        trusted_issuers: Vec::new(),
        tls: false,
    })
    .await
    .expect("lab starts")
}

/// A fault: how a misbehaving server differs from the lab. Each hook sees every request (the
/// subject token's, metadata and keys included) and changes what it wants.
pub trait Fault: Send + Sync {
    /// Changes the request before the lab sees it (e.g. drops a parameter the server ignores).
    fn request(&self, _request: &mut HttpRequest) {}
    /// Changes the lab's answer before the probe sees it.
    fn response(&self, _request: &HttpRequest, _response: &mut HttpResponse) {}
}

/// No fault: the lab as it is.
pub struct Honest;
impl Fault for Honest {}

/// The lab behind a fault.
pub struct Faulty {
    inner: ReqwestClient,
    fault: Box<dyn Fault>,
}

impl Faulty {
    pub fn new(fault: impl Fault + 'static) -> Self {
        Faulty {
            inner: ReqwestClient::new(&HttpSettings::default()).expect("http client"),
            fault: Box::new(fault),
        }
    }
}

#[async_trait]
impl HttpClient for Faulty {
    async fn send(&self, request: &HttpRequest) -> Result<HttpResponse, TransportError> {
        let mut request = request.clone();
        self.fault.request(&mut request);
        let mut response = self.inner.send(&request).await?;
        self.fault.response(&request, &mut response);
        Ok(response)
    }
}

/// The lab's credentials as secrets, and `{{env.lab}}` pointing at it.
fn secrets(lab: &StsHandle) -> MapSecrets {
    let mut secrets = MapSecrets::default();
    for (name, value) in lab.policy().credentials() {
        secrets.insert(name, value);
    }
    secrets
}

/// Runs the probes `only` names (all when empty) against `lab` behind `fault`.
pub async fn run_against(
    lab: &StsHandle,
    fault: impl Fault + 'static,
    only: &[&str],
) -> ProbeReport {
    let overrides = BTreeMap::from([("lab".to_string(), lab.base_url().to_string())]);
    let session = ProbeSession::prepare(
        Arc::new(Faulty::new(fault)),
        Arc::new(SystemClock),
        &collection(),
        None,
        &overrides,
        Arc::new(secrets(lab)),
    )
    .await
    .expect("the probe roles resolve and the subject token is issued");
    let selection = Selection {
        only: only.iter().map(|s| s.to_string()).collect(),
    };
    let probes = selection.probes().expect("known probes");
    probe::run(
        Arc::new(session),
        &probes,
        &mut |_| {},
        &AtomicBool::new(false),
    )
    .await
}

/// One probe against a fresh default lab behind `fault`.
pub async fn run_one(id: &str, fault: impl Fault + 'static) -> ProbeResult {
    let lab = lab().await;
    let report = run_against(&lab, fault, &[id]).await;
    lab.stop().await;
    report
        .results
        .into_iter()
        .next()
        .unwrap_or_else(|| panic!("probe {id} did not run"))
}

/// The default lab with the named `[checks]` switched off: a server with those holes.
pub async fn lab_without(checks: &[&str]) -> StsHandle {
    let mut policy = Policy::lab_default();
    for name in checks {
        let check = baton_sts::Check::from_name(name)
            .unwrap_or_else(|| panic!("{name} is not one of the lab's checks"));
        policy.checks.set(check, false);
    }
    lab_with(policy).await
}

/// The probe fails against the lab with `checks` switched off; returns the reason.
pub async fn assert_fail_without(id: &str, checks: &[&str]) -> String {
    let lab = lab_without(checks).await;
    let report = run_against(&lab, Honest, &[id]).await;
    lab.stop().await;
    let result = report
        .results
        .into_iter()
        .next()
        .unwrap_or_else(|| panic!("probe {id} did not run"));
    assert_eq!(
        result.outcome,
        ProbeOutcome::Fail,
        "{id} against the lab without {checks:?}: {}",
        result.reason
    );
    result.reason
}

/// The probe passes against the honest lab.
pub async fn assert_pass(id: &str) {
    let result = run_one(id, Honest).await;
    assert_eq!(
        result.outcome,
        ProbeOutcome::Pass,
        "{id} against the lab: {}",
        result.reason
    );
}

/// The probe fails against the lab behind `fault`; returns the reason for further checks.
pub async fn assert_fail(id: &str, fault: impl Fault + 'static) -> String {
    let result = run_one(id, fault).await;
    assert_eq!(
        result.outcome,
        ProbeOutcome::Fail,
        "{id} against a faulty lab: {}",
        result.reason
    );
    result.reason
}

// Helpers for writing faults.

pub fn form(request: &HttpRequest, name: &str) -> Option<String> {
    request.form_value(name).map(str::to_string)
}

pub fn is_exchange(request: &HttpRequest) -> bool {
    request.form_value("grant_type") == Some(baton_core::token_type::TOKEN_EXCHANGE_GRANT)
}

pub fn path_is(request: &HttpRequest, suffix: &str) -> bool {
    request
        .url
        .split('?')
        .next()
        .is_some_and(|u| u.ends_with(suffix))
}

pub fn remove_form(request: &mut HttpRequest, name: &str) {
    if let Some(form) = &mut request.form {
        form.retain(|(n, _)| n != name);
    }
}

pub fn set_form(request: &mut HttpRequest, name: &str, value: &str) {
    remove_form(request, name);
    request.push_form(name, Value::Plain(value.to_string()));
}

pub fn json_body(response: &HttpResponse) -> Option<Map<String, Json>> {
    serde_json::from_slice::<Json>(&response.body)
        .ok()
        .and_then(|j| j.as_object().cloned())
}

pub fn set_json(response: &mut HttpResponse, body: &Map<String, Json>) {
    response.body = serde_json::to_vec(body).expect("JSON");
}

pub fn remove_header(response: &mut HttpResponse, name: &str) {
    response
        .headers
        .retain(|(n, _)| !n.eq_ignore_ascii_case(name));
}

pub fn set_header(response: &mut HttpResponse, name: &str, value: &str) {
    remove_header(response, name);
    response.headers.push((name.to_string(), value.to_string()));
}

/// `token` with its claims changed by `change`, the header and signature kept: what a server
/// that issued those claims would have sent (the probes read claims without verifying).
pub fn rewrite_claims(token: &str, change: impl FnOnce(&mut Map<String, Json>)) -> String {
    use base64::Engine;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let parts: Vec<&str> = token.split('.').collect();
    assert_eq!(parts.len(), 3, "a JWT");
    let payload = URL_SAFE_NO_PAD.decode(parts[1]).expect("base64url");
    let mut claims: Map<String, Json> = serde_json::from_slice(&payload).expect("claims");
    change(&mut claims);
    let payload = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&claims).expect("JSON"));
    format!("{}.{payload}.{}", parts[0], parts[2])
}

/// Changes the issued token of a successful token response with `change`.
pub fn rewrite_issued(response: &mut HttpResponse, change: impl FnOnce(&mut Map<String, Json>)) {
    if response.status != 200 {
        return;
    }
    let Some(mut body) = json_body(response) else {
        return;
    };
    if let Some(token) = body.get("access_token").and_then(Json::as_str) {
        let rewritten = rewrite_claims(token, change);
        body.insert("access_token".into(), Json::String(rewritten));
        set_json(response, &body);
    }
}
