//! Token exchanges per second through the scenario engine, against the in-process lab token
//! service on 127.0.0.1, beside the very same requests sent by a bare reqwest loop in the same
//! process and run. The figures only mean something as ratios to that baseline: see
//! docs/performance.md for how to read them.
//!
//! `cargo bench -p baton-core --bench exchanges`
//!
//! Group `exchanges` (every variant does 1,000 RFC 8693 exchanges per iteration, one at a time,
//! the way the engine sends them; throughput is counted in exchanges):
//! - `bare_reqwest`: the 1,000 exchange requests the engine sent, replayed byte for byte (same
//!   URL, headers, Basic credentials and form body) with a plain `reqwest::Client`. The baseline.
//! - `engine_one_scenario`: one scenario, the way a user writes it: `login` (password grant),
//!   `service` (client credentials), then 1,000 exchange steps referring to
//!   `{{steps.login.access_token}}` and `{{steps.service.access_token}}`, each with the seven
//!   assertions of the demo's "payments" step. Two token requests more than the baseline (0.2 %).
//! - `engine_scenario_per_exchange`: 1,000 one-step scenarios run one after another (the tokens
//!   come from `{{env.…}}`), so every exchange also pays a run's fixed costs.
//! - `engine_canned_http`: `engine_one_scenario` with an HTTP client that answers from memory:
//!   the engine's own CPU per exchange, no network and no lab.
//! - `http_floor_get_jwks`: 1,000 `GET /jwks` with the bare client: the loopback round trip
//!   through reqwest, hyper and axum with next to no work behind it.
//! - `bare_reqwest_random_lab`: the baseline against a lab in normal (non-deterministic) mode.
//!
//! Group `per_token`: the crypto and decoding each exchange involves, one token at a time.

use std::collections::BTreeMap;
use std::hint::black_box;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use baton_core::http::{
    HttpClient, HttpRequest, HttpResponse, HttpSettings, Method, ReqwestClient, TransportError,
    Value,
};
use baton_core::scenario::{
    Action, Assertion, ClaimCheck, Client, Collection, Engine, Environment, ExchangeStep,
    FirstGrant, MapSecrets, RunOptions, RunRecord, Scenario, Server, Step, TokenStep,
};
use baton_core::verify::{Jwks, VerifyOptions, verify};
use baton_core::{AuthMethod, Clock, FixedClock, Severity, SystemClock};
use baton_sts::{DETERMINISTIC_NOW, Policy, StsConfig, StsHandle};
use criterion::{
    BenchmarkGroup, Criterion, SamplingMode, Throughput, criterion_group, criterion_main,
    measurement::WallTime,
};
use serde_json::json;
use tokio::runtime::Runtime;

/// Exchanges per iteration.
const EXCHANGES: usize = 1_000;
const TOKEN_EXCHANGE: &str = "urn:ietf:params:oauth:grant-type:token-exchange";

// ---------------------------------------------------------------------------------------------
// The collection, built in code.
// ---------------------------------------------------------------------------------------------

fn collection(scenarios: Vec<Scenario>) -> Collection {
    let client = |id: &str| Client {
        id: id.into(),
        server: "lab".into(),
        client_id: id.into(),
        auth: AuthMethod::ClientSecretBasic,
        secret: Some(format!("{{{{secret.{id}}}}}")),
        private_key: None,
        key_id: None,
        dpop: false,
        dpop_key: None,
        certificate: None,
        certificate_key: None,
    };
    Collection {
        probe: None,
        name: "exchange benchmark".into(),
        description: None,
        servers: vec![Server {
            id: "lab".into(),
            name: None,
            issuer: Some("{{env.lab}}".into()),
            token_endpoint: "{{env.lab}}/token".into(),
            jwks_uri: Some("{{env.lab}}/jwks".into()),
            introspection_endpoint: None,
            authorization_endpoint: None,
            device_authorization_endpoint: None,
            preset: None,
        }],
        clients: vec![client("web-app"), client("order-service")],
        environments: vec![Environment {
            name: "lab".into(),
            variables: BTreeMap::from([("lab".into(), "http://127.0.0.1:8693".into())]),
        }],
        scenarios,
    }
}

fn step(id: String, action: Action, assertions: Vec<Assertion>) -> Step {
    Step {
        name: id.clone(),
        id,
        notes: None,
        action,
        assertions,
        retry: None,
        cache: None,
        cache_margin_secs: None,
        repeat: None,
    }
}

/// Story 1 of the demo: the order service exchanges Alice's token, acting as itself, for a
/// narrow payments token; the assertions are the demo's.
fn exchange_step(id: String, subject: &str, actor: &str) -> Step {
    step(
        id,
        Action::Exchange(ExchangeStep {
            client: "order-service".into(),
            subject_token: subject.into(),
            subject_token_type: "access_token".into(),
            actor_token: Some(actor.into()),
            actor_token_type: Some("access_token".into()),
            requested_token_type: None,
            audience: vec!["payments-api".into()],
            resource: Vec::new(),
            scope: Some("payments:charge".into()),
            params: BTreeMap::new(),
            omit: Vec::new(),
        }),
        vec![
            Assertion::Status(200),
            Assertion::SubPreserved,
            Assertion::Claim {
                path: "act.sub".into(),
                check: ClaimCheck::Equals(json!("order-service")),
            },
            Assertion::AudContains("payments-api".into()),
            Assertion::ScopeSubsetOf(vec!["payments:charge".into()]),
            Assertion::ScopeSubsetOfSubject,
            Assertion::NoFindingsAtOrAbove(Severity::Warning),
        ],
    )
}

fn token_step(id: &str, client: &str, grant: FirstGrant) -> Step {
    let password = grant == FirstGrant::Password;
    step(
        id.into(),
        Action::Token(TokenStep {
            client: client.into(),
            grant,
            username: password.then(|| "alice".into()),
            password: password.then(|| "{{secret.alice.password}}".into()),
            refresh_token: None,
            assertion: None,
            requested_token_use: None,
            audience: Vec::new(),
            resource: Vec::new(),
            scope: password
                .then(|| "orders:read orders:write payments:charge shipping:create".into()),
            params: BTreeMap::new(),
            omit: Vec::new(),
        }),
        Vec::new(),
    )
}

/// `login`, `service`, then [`EXCHANGES`] exchange steps referring to both.
fn one_scenario() -> Scenario {
    let mut steps = vec![
        token_step("login", "web-app", FirstGrant::Password),
        token_step("service", "order-service", FirstGrant::ClientCredentials),
    ];
    steps.extend((1..=EXCHANGES).map(|i| {
        exchange_step(
            format!("payments-{i:04}"),
            "{{steps.login.access_token}}",
            "{{steps.service.access_token}}",
        )
    }));
    Scenario {
        id: "thousand-exchanges".into(),
        name: "1,000 exchanges of one login".into(),
        description: None,
        steps,
        cache: false,
        cache_margin_secs: None,
    }
}

/// [`EXCHANGES`] scenarios of one exchange step each, the tokens given as variables.
fn scenario_per_exchange() -> Vec<Scenario> {
    (1..=EXCHANGES)
        .map(|i| Scenario {
            id: format!("exchange-{i:04}"),
            name: format!("exchange {i}"),
            description: None,
            steps: vec![exchange_step(
                "payments".into(),
                "{{env.subject_token}}",
                "{{env.actor_token}}",
            )],
            cache: false,
            cache_margin_secs: None,
        })
        .collect()
}

fn options(lab: &StsHandle, extra: &[(&str, &str)]) -> RunOptions {
    let mut secrets = MapSecrets::default();
    for (name, value) in lab.policy().credentials() {
        secrets.insert(name, value);
    }
    let mut overrides = BTreeMap::from([("lab".to_string(), lab.base_url().to_string())]);
    overrides.extend(extra.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    RunOptions {
        environment: None,
        overrides,
        secrets: Arc::new(secrets),
        data: None,
    }
}

fn clock(deterministic: bool) -> Arc<dyn Clock> {
    if deterministic {
        Arc::new(FixedClock(
            i64::try_from(DETERMINISTIC_NOW).expect("fits in i64"),
        ))
    } else {
        Arc::new(SystemClock)
    }
}

fn http_settings() -> HttpSettings {
    HttpSettings::default()
}

// ---------------------------------------------------------------------------------------------
// HTTP clients: the real one recording what it sends, and one answering from memory.
// ---------------------------------------------------------------------------------------------

/// The real client, keeping every request and response (used once, to capture the baseline).
struct Recording {
    inner: ReqwestClient,
    seen: Mutex<Vec<(HttpRequest, HttpResponse)>>,
}

#[async_trait]
impl HttpClient for Recording {
    async fn send(&self, request: &HttpRequest) -> Result<HttpResponse, TransportError> {
        let response = self.inner.send(request).await?;
        self.seen
            .lock()
            .expect("not poisoned")
            .push((request.clone(), response.clone()));
        Ok(response)
    }
}

/// Answers every request from responses captured from the lab: by `grant_type` for the token
/// endpoint, the key set for any GET.
struct Canned {
    by_grant: BTreeMap<String, HttpResponse>,
    jwks: HttpResponse,
}

#[async_trait]
impl HttpClient for Canned {
    async fn send(&self, request: &HttpRequest) -> Result<HttpResponse, TransportError> {
        if request.method == Method::Get {
            return Ok(self.jwks.clone());
        }
        let grant = request.form_value("grant_type").unwrap_or_default();
        self.by_grant
            .get(grant)
            .cloned()
            .ok_or_else(|| TransportError::Other {
                url: request.url.clone(),
                reason: format!("nothing canned for grant_type {grant:?}"),
            })
    }
}

/// One request as it goes on the wire, secrets exposed.
struct Wire {
    url: String,
    headers: Vec<(String, String)>,
    body: String,
}

impl Wire {
    fn of(request: &HttpRequest) -> Wire {
        Wire {
            url: request.url.clone(),
            headers: request
                .headers
                .iter()
                .map(|(name, value)| {
                    let value = match value {
                        Value::Plain(v) => v.clone(),
                        Value::Secret(s) => s.expose().to_string(),
                    };
                    (name.clone(), value)
                })
                .collect(),
            body: request.body().expect("a token request has a form body"),
        }
    }
}

/// A plain reqwest client configured as [`ReqwestClient`] is: no redirects, same timeout, same
/// User-Agent.
fn bare_client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(http_settings().timeout)
        .user_agent(concat!("baton/", env!("CARGO_PKG_VERSION")))
        .build()
        .expect("reqwest client")
}

async fn bare_loop(client: &reqwest::Client, requests: &[Wire]) {
    for w in requests {
        let mut builder = client.post(&w.url);
        for (name, value) in &w.headers {
            builder = builder.header(name.as_str(), value.as_str());
        }
        let response = builder
            .body(w.body.clone())
            .send()
            .await
            .expect("the lab answers");
        assert_eq!(response.status().as_u16(), 200, "the exchange succeeds");
        black_box(response.bytes().await.expect("a body"));
    }
}

async fn get_loop(client: &reqwest::Client, url: &str, count: usize) {
    for _ in 0..count {
        let response = client.get(url).send().await.expect("the lab answers");
        assert_eq!(response.status().as_u16(), 200);
        black_box(response.bytes().await.expect("a body"));
    }
}

async fn run_checked(
    engine: &Engine,
    collection: &Collection,
    scenario: &Scenario,
    options: &RunOptions,
) -> RunRecord {
    let record = engine
        .run(collection, scenario, options, &mut |_| {})
        .await
        .expect("references resolve");
    black_box(record)
}

// ---------------------------------------------------------------------------------------------
// Setup: a lab, one captured run, the requests to replay.
// ---------------------------------------------------------------------------------------------

struct Lab {
    handle: StsHandle,
    deterministic: bool,
    /// The 1,000 exchange requests of one engine run, as sent.
    exchanges: Vec<Wire>,
    /// The subject and actor tokens those requests carry.
    subject_token: String,
    actor_token: String,
    /// One response per grant type, and the key set, for [`Canned`].
    canned: Canned,
    /// One token the lab issued in an exchange.
    issued: String,
}

fn start_lab(rt: &Runtime, deterministic: bool) -> Lab {
    rt.block_on(async {
        let handle = baton_sts::spawn(StsConfig {
            policy: Policy::lab_default(),
            port: 0,
            deterministic,
            trusted_issuers: Vec::new(),
            tls: false,
        })
        .await
        .expect("the lab starts");
        let recording = Arc::new(Recording {
            inner: ReqwestClient::new(&http_settings()).expect("http client"),
            seen: Mutex::new(Vec::new()),
        });
        let engine = Engine::new(recording.clone(), clock(deterministic));
        let scenario = one_scenario();
        let record = run_checked(
            &engine,
            &collection(vec![scenario.clone()]),
            &scenario,
            &options(&handle, &[]),
        )
        .await;
        assert!(record.passed(), "the benchmark scenario passes");
        for s in &record.steps {
            let v = s.token.as_ref().and_then(|t| t.verification.as_ref());
            assert!(v.is_some_and(|v| v.valid), "{} verified", s.id);
        }
        let seen = std::mem::take(&mut *recording.seen.lock().expect("not poisoned"));
        let exchanges: Vec<&(HttpRequest, HttpResponse)> = seen
            .iter()
            .filter(|(r, _)| r.form_value("grant_type") == Some(TOKEN_EXCHANGE))
            .collect();
        assert_eq!(exchanges.len(), EXCHANGES);
        let first = &exchanges[0].0;
        let subject_token = first.form_value("subject_token").expect("subject").into();
        let actor_token = first.form_value("actor_token").expect("actor").into();
        let issued = serde_json::from_slice::<serde_json::Value>(&exchanges[0].1.body)
            .expect("JSON")["access_token"]
            .as_str()
            .expect("an access token")
            .to_string();
        let mut by_grant = BTreeMap::new();
        let mut jwks = None;
        for (request, response) in &seen {
            match request.form_value("grant_type") {
                Some(g) => {
                    by_grant
                        .entry(g.to_string())
                        .or_insert_with(|| response.clone());
                }
                None => jwks = Some(response.clone()),
            }
        }
        Lab {
            deterministic,
            exchanges: exchanges.iter().map(|(r, _)| Wire::of(r)).collect(),
            subject_token,
            actor_token,
            canned: Canned {
                by_grant,
                jwks: jwks.expect("the engine fetched the key set"),
            },
            issued,
            handle,
        }
    })
}

fn runtime() -> Runtime {
    // The lab, the client's connection tasks and the engine share one runtime, as in the app.
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("tokio runtime")
}

// ---------------------------------------------------------------------------------------------
// The benchmarks.
// ---------------------------------------------------------------------------------------------

fn configure(group: &mut BenchmarkGroup<'_, WallTime>) {
    group
        .sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(6))
        .throughput(Throughput::Elements(EXCHANGES as u64));
}

fn exchanges(c: &mut Criterion) {
    let rt = runtime();
    let lab = start_lab(&rt, true);
    let random_lab = start_lab(&rt, false);
    let bare = bare_client();

    let mut group = c.benchmark_group("exchanges");
    configure(&mut group);

    group.bench_function("bare_reqwest", |b| {
        b.iter(|| rt.block_on(bare_loop(&bare, &lab.exchanges)));
    });

    let scenario = one_scenario();
    let one = collection(vec![scenario.clone()]);
    let run_options = options(&lab.handle, &[]);
    let http = Arc::new(ReqwestClient::new(&http_settings()).expect("http client"));
    let engine = Engine::new(http.clone(), clock(lab.deterministic));
    group.bench_function("engine_one_scenario", |b| {
        b.iter(|| rt.block_on(run_checked(&engine, &one, &scenario, &run_options)));
    });

    let per_exchange = collection(scenario_per_exchange());
    let token_options = options(
        &lab.handle,
        &[
            ("subject_token", &lab.subject_token),
            ("actor_token", &lab.actor_token),
        ],
    );
    // The same bodies as the baseline's, byte for byte.
    rt.block_on(async {
        let record = run_checked(
            &engine,
            &per_exchange,
            &per_exchange.scenarios[0],
            &token_options,
        )
        .await;
        assert!(record.passed(), "a one-step scenario passes");
        // Client authentication is in the header, so the recorded body is the wire body.
        let body = record.steps[0]
            .request
            .as_ref()
            .and_then(|r| r.body.clone());
        assert_eq!(body, Some(lab.exchanges[0].body.clone()));
    });
    group.bench_function("engine_scenario_per_exchange", |b| {
        b.iter(|| {
            rt.block_on(async {
                for s in &per_exchange.scenarios {
                    run_checked(&engine, &per_exchange, s, &token_options).await;
                }
            });
        });
    });

    let canned = Canned {
        by_grant: lab.canned.by_grant.clone(),
        jwks: lab.canned.jwks.clone(),
    };
    let offline = Engine::new(Arc::new(canned), clock(lab.deterministic));
    let record = rt.block_on(run_checked(&offline, &one, &scenario, &run_options));
    assert!(record.passed(), "the canned run passes too");
    group.bench_function("engine_canned_http", |b| {
        b.iter(|| rt.block_on(run_checked(&offline, &one, &scenario, &run_options)));
    });

    let jwks_uri = lab.handle.jwks_uri();
    group.bench_function("http_floor_get_jwks", |b| {
        b.iter(|| rt.block_on(get_loop(&bare, &jwks_uri, EXCHANGES)));
    });

    group.bench_function("bare_reqwest_random_lab", |b| {
        b.iter(|| rt.block_on(bare_loop(&bare, &random_lab.exchanges)));
    });
    group.finish();

    per_token(c, &rt, &lab, http.as_ref());

    rt.block_on(async {
        lab.handle.stop().await;
        random_lab.handle.stop().await;
    });
}

/// The work behind one exchange, one token at a time: the lab verifies two ES256 tokens and
/// signs one; the engine decodes several and verifies one.
fn per_token(c: &mut Criterion, rt: &Runtime, lab: &Lab, http: &ReqwestClient) {
    let jwks = rt
        .block_on(Jwks::fetch(http, &lab.handle.jwks_uri()))
        .expect("the key set");
    let mut verify_options = VerifyOptions::new(DETERMINISTIC_NOW.try_into().expect("fits"));
    verify_options.issuer = Some(lab.handle.issuer().to_string());
    assert!(verify(&lab.issued, &jwks, &verify_options).valid);

    // Sign the claims of an issued token again, with a P-256 key, as the lab does.
    let claims = baton_core::decode(&lab.issued)
        .jwt()
        .expect("a JWT")
        .claims
        .clone();
    let der = {
        use p256::pkcs8::EncodePrivateKey;
        p256::SecretKey::from_slice(&[7u8; 32])
            .expect("a valid scalar")
            .to_pkcs8_der()
            .expect("PKCS#8")
    };
    let key = jsonwebtoken::EncodingKey::from_ec_der(der.as_bytes());
    let header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::ES256);

    let mut group = c.benchmark_group("per_token");
    group
        .sample_size(20)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .throughput(Throughput::Elements(1));
    group.bench_function("es256_sign", |b| {
        b.iter(|| jsonwebtoken::encode(&header, black_box(&claims), &key).expect("signs"));
    });
    group.bench_function("baton_verify_es256", |b| {
        b.iter(|| verify(black_box(&lab.issued), &jwks, &verify_options));
    });
    group.bench_function("baton_decode", |b| {
        b.iter(|| baton_core::decode(black_box(&lab.issued)));
    });
    group.finish();
}

criterion_group!(benches, exchanges);
criterion_main!(benches);
