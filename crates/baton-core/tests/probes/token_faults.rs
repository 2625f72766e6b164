//! Helpers the token, chain, issued, introspection, revocation and opaque tests share: reading
//! and re-encoding JWTs (the signature kept), telling which client sent a request, asserting a
//! skip, and [`Opaque`], which makes the lab look like a server of opaque tokens.
#![allow(dead_code)]

use std::collections::HashMap;
use std::sync::Mutex;

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use baton_core::http::{HttpRequest, HttpResponse};
use baton_core::probe::{ProbeOutcome, ProbeResult};
use serde_json::{Map, Value as Json};

use crate::harness::*;

/// Header and claims of a JWT, unverified.
pub fn jwt_parts(token: &str) -> Option<(Map<String, Json>, Map<String, Json>)> {
    let parts: Vec<&str> = token.split('.').collect();
    if parts.len() != 3 {
        return None;
    }
    let read = |p: &str| -> Option<Map<String, Json>> {
        let bytes = URL_SAFE_NO_PAD.decode(p).ok()?;
        serde_json::from_slice(&bytes).ok()
    };
    Some((read(parts[0])?, read(parts[1])?))
}

/// `token` with header and claims changed, the signature kept.
pub fn reencode(
    token: &str,
    change: impl FnOnce(&mut Map<String, Json>, &mut Map<String, Json>),
) -> String {
    let Some((mut header, mut claims)) = jwt_parts(token) else {
        return token.to_string();
    };
    change(&mut header, &mut claims);
    let enc = |m: &Map<String, Json>| URL_SAFE_NO_PAD.encode(serde_json::to_vec(m).expect("JSON"));
    let signature = token.rsplit('.').next().unwrap_or_default();
    format!("{}.{}.{signature}", enc(&header), enc(&claims))
}

/// Changes the JWT access token of a successful exchange response.
pub fn rewrite_exchange_token(
    request: &HttpRequest,
    response: &mut HttpResponse,
    change: impl FnOnce(&mut Map<String, Json>, &mut Map<String, Json>),
) {
    if !is_exchange(request) || response.status != 200 {
        return;
    }
    let Some(mut body) = json_body(response) else {
        return;
    };
    if let Some(token) = body.get("access_token").and_then(Json::as_str) {
        let rewritten = reencode(token, change);
        body.insert("access_token".into(), Json::String(rewritten));
        set_json(response, &body);
    }
}

/// The client a request authenticates as with client_secret_basic.
pub fn client_of(request: &HttpRequest) -> Option<String> {
    let header = request.header("authorization")?;
    let encoded = header.strip_prefix("Basic ")?;
    let decoded = String::from_utf8(STANDARD.decode(encoded).ok()?).ok()?;
    decoded.split(':').next().map(str::to_string)
}

/// A Basic header for one of the lab's demo clients (their secrets are `<id>-secret`).
pub fn basic_for(client: &str) -> String {
    baton_core::auth::basic_authorization(
        client,
        &baton_core::Secret::new(format!("{client}-secret")),
    )
}

/// Replaces the request's client authentication by `client`'s.
pub fn authenticate_as(request: &mut HttpRequest, client: &str) {
    request
        .headers
        .retain(|(n, _)| !n.eq_ignore_ascii_case("authorization"));
    request.push_header(
        "Authorization",
        baton_core::http::Value::Plain(basic_for(client)),
    );
}

pub fn is_path(request: &HttpRequest, path: &str) -> bool {
    path_is(request, path)
}

/// The probe is skipped behind `fault`, with a reason containing `why`.
pub async fn assert_skip(id: &str, fault: impl Fault + 'static, why: &str) -> ProbeResult {
    let result = run_one(id, fault).await;
    assert_eq!(
        result.outcome,
        ProbeOutcome::Skip,
        "{id} should skip: {}",
        result.reason
    );
    assert!(result.reason.contains(why), "{id}: {}", result.reason);
    result
}

/// The probe passes behind `fault` (a server that differs from the lab legitimately).
pub async fn assert_pass_behind(id: &str, fault: impl Fault + 'static) -> String {
    let result = run_one(id, fault).await;
    assert_eq!(
        result.outcome,
        ProbeOutcome::Pass,
        "{id} behind a legitimate difference: {}",
        result.reason
    );
    result.reason
}

/// The form parameters that carry tokens to the server.
const TOKEN_PARAMS: [&str; 3] = ["subject_token", "actor_token", "token"];

/// The lab as a server of opaque tokens: every JWT it issues is handed out as a handle
/// (`opq-N`), and handles sent back are turned into the JWT again before the lab sees them. An
/// inner fault sees the lab's own view (JWTs).
pub struct Opaque<F: Fault = Honest> {
    inner: F,
    handles: Mutex<HashMap<String, String>>,
}

impl Opaque<Honest> {
    pub fn new() -> Self {
        Opaque::with(Honest)
    }
}

impl<F: Fault> Opaque<F> {
    pub fn with(inner: F) -> Self {
        Opaque {
            inner,
            handles: Mutex::new(HashMap::new()),
        }
    }
}

impl<F: Fault> Fault for Opaque<F> {
    fn request(&self, request: &mut HttpRequest) {
        let handles = self.handles.lock().expect("lock").clone();
        for name in TOKEN_PARAMS {
            if let Some(value) = form(request, name)
                && let Some(jwt) = handles.get(&value)
            {
                set_form(request, name, jwt);
            }
        }
        self.inner.request(request);
    }

    fn response(&self, request: &HttpRequest, response: &mut HttpResponse) {
        self.inner.response(request, response);
        let Some(mut body) = json_body(response) else {
            return;
        };
        let Some(token) = body.get("access_token").and_then(Json::as_str) else {
            return;
        };
        if jwt_parts(token).is_none() {
            return;
        }
        let mut handles = self.handles.lock().expect("lock");
        let handle = format!("opq-{}", handles.len() + 1);
        handles.insert(handle.clone(), token.to_string());
        body.insert("access_token".into(), Json::String(handle));
        set_json(response, &body);
    }
}

/// Metadata without `member`: a server that does not advertise it.
pub struct WithoutMetadataMember(pub &'static str);
impl Fault for WithoutMetadataMember {
    fn response(&self, request: &HttpRequest, response: &mut HttpResponse) {
        if request.url.contains("/.well-known/")
            && let Some(mut body) = json_body(response)
        {
            body.remove(self.0);
            set_json(response, &body);
        }
    }
}

/// One probe against `lab` behind `fault`, with `collection` (a variation of
/// [`PROBE_COLLECTION`]) in place of the harness's, and `extra` environment variables.
pub async fn run_on(
    lab: &baton_sts::StsHandle,
    collection: &str,
    extra: &[(&str, &str)],
    fault: impl Fault + 'static,
    id: &str,
) -> ProbeResult {
    use std::collections::BTreeMap;
    use std::sync::Arc;
    use std::sync::atomic::AtomicBool;

    use baton_core::SystemClock;
    use baton_core::probe::{self, ProbeSession, Selection};
    use baton_core::scenario::{Collection, MapSecrets};

    let table: toml::Table = toml::from_str(collection).expect("valid TOML");
    let collection: Collection = table.try_into().expect("a collection");
    let mut overrides = BTreeMap::from([("lab".to_string(), lab.base_url().to_string())]);
    for (k, v) in extra {
        overrides.insert((*k).to_string(), (*v).to_string());
    }
    let mut secrets = MapSecrets::default();
    for (name, value) in lab.policy().credentials() {
        secrets.insert(name, value);
    }
    let session = ProbeSession::prepare(
        Arc::new(Faulty::new(fault)),
        Arc::new(SystemClock),
        &collection,
        None,
        &overrides,
        Arc::new(secrets),
    )
    .await
    .expect("the probe roles resolve");
    let probes = Selection {
        only: vec![id.to_string()],
    }
    .probes()
    .expect("known probe");
    let report = probe::run(
        Arc::new(session),
        &probes,
        &mut |_| {},
        &AtomicBool::new(false),
    )
    .await;
    report.results.into_iter().next().expect("the probe ran")
}

/// [`run_on`] a fresh default lab.
pub async fn run_with_collection(
    collection: &str,
    fault: impl Fault + 'static,
    id: &str,
) -> ProbeResult {
    let lab = lab().await;
    let result = run_on(&lab, collection, &[], fault, id).await;
    lab.stop().await;
    result
}

/// One probe with the subject token given (alice-app's own token, fetched first) rather than
/// obtained by the run.
pub async fn run_with_given_subject(fault: impl Fault + 'static, id: &str) -> ProbeResult {
    let lab = lab().await;
    let mut request = HttpRequest::post_form(format!("{}/token", lab.base_url()));
    request.push_form(
        "grant_type",
        baton_core::http::Value::Plain("client_credentials".into()),
    );
    authenticate_as(&mut request, "alice-app");
    let client =
        baton_core::ReqwestClient::new(&baton_core::HttpSettings::default()).expect("http client");
    let response = baton_core::HttpClient::send(&client, &request)
        .await
        .expect("the lab answers");
    let body: Json = serde_json::from_slice(&response.body).expect("JSON");
    let token = body["access_token"].as_str().expect("a token").to_string();
    let collection = PROBE_COLLECTION.replace(
        "subject = { client = \"alice-app\", grant = \"client_credentials\", scope = \"profile documents:read\" }",
        "subject = { token = \"{{env.subject}}\", type = \"access_token\" }",
    );
    assert_ne!(collection, PROBE_COLLECTION);
    let result = run_on(&lab, &collection, &[("subject", &token)], fault, id).await;
    lab.stop().await;
    result
}
