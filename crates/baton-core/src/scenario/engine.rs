//! Runs a scenario: resolve each step's references, send its request through the injected HTTP
//! client, decode and verify the tokens, judge the response, check the assertions, and record
//! it all. Progress is reported as it happens, so a terminal or a window can follow along.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Map, Value as Json};
use sha2::{Digest, Sha256};

use crate::auth::{AuthMethod, ClientAuth, SigningKey};
use crate::client::ClientError;
use crate::client::TokenClient;
use crate::clock::Clock;
use crate::dpop::DpopKey;
use crate::findings::{Finding, Severity, TokenRole, check_token};
use crate::http::{HttpClient, HttpRequest, TransportError, Value};
use crate::jwt::decode;
use crate::mtls::ClientIdentity;
use crate::request::{ExchangeParams, Grant, TokenRequest, TypedToken};
use crate::response::{TokenResponse, parse_token_response};
use crate::scenario::assert::{ToCheck, check_all};
use crate::scenario::lab::{self, LabControl, LabGuard};
use crate::scenario::model::Repeat;
use crate::scenario::model::{
    Action, Assertion, Client, Collection, ExchangeStep, FirstGrant, InspectStep, IntrospectStep,
    LabStep, MAX_RETRY_AFTER_MS, Retry, Scenario, Server, Step, TokenStep,
};
use crate::scenario::record::{
    AttemptRecord, InputRole, InputToken, RECORD_VERSION, RunOutcome, RunRecord, StepRecord,
    StepStatus, TokenRecord, VerificationRecord,
};
use crate::scenario::record::{CallTiming, RepeatStats};
use crate::scenario::reference::{
    DataRow, ResolveError, ResolvedEnv, Resolver, StepOutputs, Unavailable, check_scenario,
    resolve_environment,
};
use crate::scenario::secrets::SecretSource;
use crate::scenario::server::ResolvedServerUrls as ResolvedServer;
use crate::scenario::token_cache::{CacheKey, TokenCache, cache_key};
use crate::signin::device::{self, Poll};
use crate::signin::{self, Interaction, OpenWith, SignInEndpoints, SignInOptions, SignInRequest};
use crate::token_type;
use crate::verify::{Jwks, VerifyOptions, verify};

/// What a run is given besides the scenario.
#[derive(Clone)]
pub struct RunOptions {
    /// The environment to use; the collection's first when `None`.
    pub environment: Option<String>,
    /// Variables set by the caller on top of the environment (`lab` when the lab runs).
    pub overrides: BTreeMap<String, String>,
    pub secrets: Arc<dyn SecretSource>,
    /// The row of iteration data `{{data.NAME}}` reads (`baton run --iteration-data`).
    pub data: Option<DataRow>,
}

/// What a run reports while it goes.
#[derive(Debug, Clone, Copy)]
pub enum Progress<'a> {
    StepStarted {
        scenario: &'a Scenario,
        index: usize,
        step: &'a Step,
    },
    StepFinished {
        scenario: &'a Scenario,
        index: usize,
        record: &'a StepRecord,
    },
}

/// Runs scenarios with one HTTP client and one clock.
#[derive(Clone)]
pub struct Engine {
    client: TokenClient,
    http: Arc<dyn HttpClient>,
    clock: Arc<dyn Clock>,
    /// Someone who can sign in; without one, interactive steps are refused.
    interaction: Option<Arc<dyn Interaction>>,
    /// DPoP keys made for clients without one of their own, by collection and client: kept in
    /// memory for as long as the engine (the app's session, a CLI run), so a client's tokens
    /// are all bound to one key. Never written anywhere.
    dpop_keys: Arc<Mutex<HashMap<(String, String), DpopKey>>>,
    /// Baton's own lab, for `lab` steps; without it they fail with a message saying where to
    /// run them.
    lab: Option<Arc<dyn LabControl>>,
    /// Token answers kept for steps with `cache` on, for as long as the engine (the app's
    /// session, a CLI run), bounded. Never written anywhere.
    token_cache: Arc<Mutex<TokenCache>>,
}

/// The most DPoP keys an engine keeps.
const MAX_DPOP_KEYS: usize = 256;

/// What one step's action produced before the assertions.
struct Produced {
    status: StepStatus,
    error: Option<String>,
    request: Option<crate::http::RecordedRequest>,
    response: Option<TokenResponse>,
    sent_at: Option<i64>,
    inputs: Vec<InputToken>,
    token: Option<TokenRecord>,
    introspection: Option<Map<String, Json>>,
    findings: Vec<Finding>,
    outputs: StepOutputs,
    /// No answer came: the server could not be reached.
    unreachable: bool,
    attempts: Vec<AttemptRecord>,
    lab_changes: Vec<String>,
    /// The opaque token's claims were read at this introspection endpoint.
    introspected_at: Option<String>,
    /// Standard parameters the request left out on purpose.
    omitted: Vec<String>,
}

impl Produced {
    fn failed(status: StepStatus, error: String) -> Self {
        Produced {
            status,
            error: Some(error),
            request: None,
            response: None,
            sent_at: None,
            inputs: Vec::new(),
            token: None,
            introspection: None,
            findings: Vec::new(),
            outputs: StepOutputs::default(),
            unreachable: false,
            attempts: Vec::new(),
            lab_changes: Vec::new(),
            introspected_at: None,
            omitted: Vec::new(),
        }
    }

    /// A request that got no answer.
    fn transport_failed(e: &TransportError) -> Self {
        let mut p = Produced::failed(StepStatus::Error, e.to_string());
        p.unreachable = matches!(
            e,
            TransportError::Unreachable { .. } | TransportError::Timeout { .. }
        );
        p
    }

    /// Whether a retry may help: no answer, or 503 / 429 (RFC 9110 §15.6.4, RFC 6585 §4).
    fn retryable(&self) -> bool {
        self.unreachable || matches!(self.response.as_ref().map(|r| r.status), Some(503 | 429))
    }

    /// The `Retry-After` of the answer in milliseconds (delay-seconds only, RFC 9110 §10.2.3),
    /// capped at [`MAX_RETRY_AFTER_MS`].
    fn retry_after_ms(&self) -> Option<u64> {
        let secs: u64 = self
            .response
            .as_ref()?
            .header("retry-after")?
            .trim()
            .parse()
            .ok()?;
        Some(secs.saturating_mul(1000).min(MAX_RETRY_AFTER_MS))
    }

    fn attempt(&self, elapsed_ms: u64, waited_ms: u64) -> AttemptRecord {
        let status = self.response.as_ref().map(|r| r.status);
        let error = match (&self.response, &self.error) {
            (Some(r), _) => r.error().map(|e| e.error.as_str().to_owned()),
            (None, e) => e.clone(),
        };
        AttemptRecord {
            status,
            error,
            elapsed_ms,
            waited_ms,
        }
    }
}

impl Engine {
    pub fn new(http: Arc<dyn HttpClient>, clock: Arc<dyn Clock>) -> Self {
        Self {
            client: TokenClient::new(http.clone(), clock.clone()),
            http,
            clock,
            interaction: None,
            dpop_keys: Arc::new(Mutex::new(HashMap::new())),
            lab: None,
            token_cache: Arc::new(Mutex::new(TokenCache::default())),
        }
    }

    /// Lets `lab` steps change Baton's lab through `lab`. What a scenario changes is put back
    /// when it ends.
    pub fn with_lab_control(mut self, lab: Arc<dyn LabControl>) -> Self {
        self.lab = Some(lab);
        self
    }

    /// Forgets every cached token: the next request of each cached step goes to its server.
    pub fn clear_token_cache(&self) {
        lock_cache(&self.token_cache).clear();
    }

    /// How many token answers the cache holds.
    pub fn token_cache_len(&self) -> usize {
        lock_cache(&self.token_cache).len()
    }

    /// Lets steps that sign a user in (authorization code, device code) ask `interaction`.
    pub fn with_interaction(mut self, interaction: Arc<dyn Interaction>) -> Self {
        self.interaction = Some(interaction);
        self
    }

    /// Checks every reference of `scenario` without sending anything, so a whole collection can
    /// be checked before the first request of its first scenario.
    pub fn check(
        collection: &Collection,
        scenario: &Scenario,
        options: &RunOptions,
    ) -> Result<(), ResolveError> {
        let mut env = resolve_environment(
            collection,
            scenario,
            options.environment.as_deref(),
            &options.overrides,
        )?;
        env.data.clone_from(&options.data);
        check_scenario(collection, scenario, &env, options.secrets.as_ref())
    }

    /// Runs every step of `scenario` in order. A reference that cannot resolve stops the run
    /// before anything is sent (the `Err`); a step that fails is recorded and the run goes on.
    pub async fn run(
        &self,
        collection: &Collection,
        scenario: &Scenario,
        options: &RunOptions,
        progress: &mut (dyn FnMut(Progress<'_>) + Send),
    ) -> Result<RunRecord, ResolveError> {
        let mut env = resolve_environment(
            collection,
            scenario,
            options.environment.as_deref(),
            &options.overrides,
        )?;
        env.data.clone_from(&options.data);
        check_scenario(collection, scenario, &env, options.secrets.as_ref())?;

        let started_at = self.clock.now();
        let started = Instant::now();
        let mut run = ScenarioRun {
            engine: self,
            collection,
            env: &env,
            secrets: options.secrets.as_ref(),
            outputs: BTreeMap::new(),
            jwks: HashMap::new(),
            metadata: HashMap::new(),
            lab_guard: None,
            policy: StepPolicy::default(),
            calls: Calls::default(),
        };
        let mut steps = Vec::with_capacity(scenario.steps.len());
        for (index, step) in scenario.steps.iter().enumerate() {
            progress(Progress::StepStarted {
                scenario,
                index,
                step,
            });
            run.policy = StepPolicy {
                cache_margin: step.cache_margin(scenario),
                repeat: step.repeat,
            };
            let record = run.step(step).await;
            progress(Progress::StepFinished {
                scenario,
                index,
                record: &record,
            });
            steps.push(record);
        }
        // What the scenario changed in the lab is put back, whatever its steps did.
        if let Some(guard) = run.lab_guard.take() {
            let _ = guard.restore().await;
        }
        let outcome = if steps.iter().all(|s| s.status == StepStatus::Passed) {
            RunOutcome::Passed
        } else {
            RunOutcome::Failed
        };
        Ok(RunRecord {
            record_version: RECORD_VERSION,
            collection: collection.name.clone(),
            scenario_id: scenario.id.clone(),
            scenario_name: scenario.name.clone(),
            environment: env.name.clone(),
            started_at,
            elapsed_ms: millis(started),
            outcome,
            steps,
        })
    }
}

/// The state of one scenario's run: earlier steps' outputs and the keys fetched so far.
struct ScenarioRun<'a> {
    engine: &'a Engine,
    collection: &'a Collection,
    env: &'a ResolvedEnv,
    secrets: &'a dyn SecretSource,
    outputs: BTreeMap<String, StepOutputs>,
    /// JWKS by URL, fetched once per run; an error is kept so it is reported, not retried.
    jwks: HashMap<String, Result<Arc<Jwks>, String>>,
    /// Authorization server metadata by issuer, read once per run for sign-in endpoints.
    metadata: HashMap<String, Result<Map<String, Json>, String>>,
    /// The lab as it was before the first `lab` step; put back when the run ends.
    lab_guard: Option<LabGuard>,
    /// The current step's cache and repeat settings.
    policy: StepPolicy,
    /// What the current step's calls did, for its record.
    calls: Calls,
}

/// How the current step's token request is made: from the cache (with this margin before
/// `exp`) or not, once or repeated.
#[derive(Debug, Clone, Copy, Default)]
struct StepPolicy {
    cache_margin: Option<u32>,
    repeat: Option<Repeat>,
}

/// What a step's token requests did beyond the first call's answer.
#[derive(Debug, Default)]
struct Calls {
    from_cache: bool,
    repeat: Option<RepeatStats>,
}

impl ScenarioRun<'_> {
    async fn step(&mut self, step: &Step) -> StepRecord {
        let started = Instant::now();
        let mut produced = match (&step.action, step.retry) {
            (Action::Lab(l), _) => self.lab(l).await,
            (action, Some(retry)) => self.with_retry(action, retry).await,
            (action, None) => self.act(action).await,
        };
        if step.assertions.iter().any(reads_claims) {
            self.introspect_opaque(step, &mut produced).await;
        }
        let omit = match &step.action {
            Action::Token(t) => t.omit.as_slice(),
            Action::Exchange(e) => e.omit.as_slice(),
            _ => &[],
        };
        if produced.request.is_some() {
            produced.omitted = omit.to_vec();
        }
        let elapsed_ms = millis(started);
        self.outputs
            .insert(step.id.clone(), produced.outputs.clone());
        let assertions = self.resolve_assertions(&step.assertions);
        let calls = std::mem::take(&mut self.calls);
        let mut record = with_calls(
            finish(step, produced, elapsed_ms, &assertions),
            calls,
            &assertions,
        );
        // The record leaves the engine (progress, store, reports, the window) with refresh
        // tokens masked; `outputs` keeps them for later steps' references.
        crate::redact::mask_refresh_tokens(&mut record, self.outputs.values());
        record
    }

    /// The step's assertions with the references in their values resolved: what earlier steps
    /// produced and the environment. One that cannot be (an earlier step issued no token) fails
    /// with the reason, never compared as written.
    fn resolve_assertions(&self, assertions: &[Assertion]) -> Vec<ToCheck> {
        let r = self.resolver();
        assertions
            .iter()
            .map(|a| match r.assertion(a) {
                Ok(resolved) => ToCheck::Ready(resolved),
                Err(e) => ToCheck::Unresolved {
                    assertion: a.clone(),
                    reason: e.to_string(),
                },
            })
            .collect()
    }

    async fn act(&mut self, action: &Action) -> Produced {
        match action {
            Action::Token(t) => self.token(t).await,
            Action::Exchange(e) => self.exchange(e).await,
            Action::Introspect(i) => self.introspect(i).await,
            Action::Inspect(i) => self.inspect(i).await,
            Action::Lab(l) => self.lab(l).await,
        }
    }

    /// When the step's token is opaque and its server has an introspection endpoint, reads its
    /// claims there (as the step's client), so claim and scope assertions can check them; they
    /// are recorded as the step's `introspection`, with the endpoint. An introspection that
    /// fails is a finding of the step.
    async fn introspect_opaque(&mut self, step: &Step, p: &mut Produced) {
        let Some(client_id) = (match &step.action {
            Action::Token(t) => Some(t.client.as_str()),
            Action::Exchange(e) => Some(e.client.as_str()),
            _ => None,
        }) else {
            return;
        };
        let Some(token) = p
            .token
            .as_ref()
            .filter(|t| t.decoded.jwt().is_none() && t.decoded.saml().is_none())
            .map(|t| t.token.clone())
        else {
            return;
        };
        if p.introspection.is_some() || p.response.as_ref().and_then(|r| r.success()).is_none() {
            return;
        }
        let Ok((_, server, auth)) = self.connect(client_id) else {
            return;
        };
        let Some(endpoint) = server.introspection_endpoint.clone() else {
            return;
        };
        let failed = |why: String| Finding {
            id: "introspection.automatic".into(),
            severity: Severity::Warning,
            message: format!(
                "the token is opaque, and reading its claims at {endpoint} failed: {why}"
            ),
            reference: "RFC 7662 §2".into(),
        };
        let mut request = HttpRequest::post_form(&endpoint);
        request.push_form("token", Value::Plain(token));
        request.push_form("token_type_hint", Value::Plain("access_token".into()));
        if let Err(e) = auth.apply(&mut request, &endpoint, self.engine.clock.now()) {
            p.findings.push(failed(e.to_string()));
            return;
        }
        let response = match self.engine.http.send(&request).await {
            Ok(r) => r,
            Err(e) => {
                p.findings.push(failed(e.to_string()));
                return;
            }
        };
        match serde_json::from_slice::<Json>(&response.body) {
            Ok(Json::Object(members)) if response.status == 200 => {
                p.outputs.claims = Some(members.clone());
                p.introspection = Some(members);
                p.introspected_at = Some(endpoint.clone());
            }
            _ => p.findings.push(failed(format!(
                "HTTP {} without a JSON object",
                response.status
            ))),
        }
    }

    /// Sends the step's request up to `retry.attempts` times while it gets no answer, a 503 or a
    /// 429, waiting the back-off or the server's `Retry-After` between tries; each try recorded.
    async fn with_retry(&mut self, action: &Action, retry: Retry) -> Produced {
        let mut attempts = Vec::new();
        let mut waited_ms = 0;
        let mut tries = 0u32;
        loop {
            tries = tries.saturating_add(1);
            let started = Instant::now();
            let mut produced = self.act(action).await;
            attempts.push(produced.attempt(millis(started), waited_ms));
            if !produced.retryable() || tries >= retry.attempts {
                produced.attempts = attempts;
                return produced;
            }
            waited_ms = produced
                .retry_after_ms()
                .unwrap_or_else(|| retry.backoff(tries));
            tokio::time::sleep(Duration::from_millis(waited_ms)).await;
        }
    }

    /// A `lab` step: changes Baton's lab, remembering first how it was.
    async fn lab(&mut self, step: &LabStep) -> Produced {
        let Some(control) = self.engine.lab.clone() else {
            return Produced::failed(
                StepStatus::Error,
                "this step changes Baton's lab; run it in the app or with `baton run --sts`"
                    .to_owned(),
            );
        };
        if self.lab_guard.is_none() {
            self.lab_guard = Some(LabGuard::new(control.clone()));
        }
        match lab::apply(control.as_ref(), step).await {
            Ok(changes) => {
                let mut p = Produced::failed(StepStatus::Passed, String::new());
                p.error = None;
                p.lab_changes = changes;
                p
            }
            Err(e) => Produced::failed(StepStatus::Error, e),
        }
    }

    fn resolver(&self) -> Resolver<'_> {
        Resolver {
            env: self.env,
            secrets: self.secrets,
            outputs: &self.outputs,
        }
    }

    /// The client, its server and its credentials, resolved.
    fn connect(&self, client_id: &str) -> Result<(Client, ResolvedServer, ClientAuth), String> {
        connect_client(self.collection, &self.resolver(), client_id)
    }

    async fn token(&mut self, t: &TokenStep) -> Produced {
        if t.grant.is_interactive() {
            return self.interactive(t).await;
        }
        let request = match self.token_request(t) {
            Ok(r) => r,
            Err(e) => return *e,
        };
        // A JWT presented as the grant is this token's subject: the graph joins the two (across
        // trust domains, the grant that joins them).
        let mut inputs = Vec::new();
        if let (Grant::JwtBearer { assertion, .. }, Some(written)) =
            (&request.grant, t.assertion.as_deref())
        {
            let from_step = self
                .resolver()
                .plain(written)
                .ok()
                .and_then(|v| v.from_step);
            inputs.push(InputToken {
                role: InputRole::Subject,
                from_step,
                token: token_record(assertion, Some(token_type::JWT.to_owned()), None),
            });
        }
        self.send(&t.client, request, inputs).await
    }

    fn token_request(&self, t: &TokenStep) -> Result<TokenRequest, Box<Produced>> {
        let r = self.resolver();
        let grant = match t.grant {
            FirstGrant::ClientCredentials => Grant::ClientCredentials,
            FirstGrant::Password => {
                let username = t
                    .username
                    .as_deref()
                    .ok_or_else(|| bad("the password grant needs `username`"))?;
                let password = t
                    .password
                    .as_deref()
                    .ok_or_else(|| bad("the password grant needs `password`"))?;
                Grant::Password {
                    username: r.plain(username).map_err(skipped)?.text,
                    password: r.secret(password).map_err(skipped)?,
                }
            }
            FirstGrant::RefreshToken => {
                let token = t
                    .refresh_token
                    .as_deref()
                    .ok_or_else(|| bad("the refresh_token grant needs `refresh_token`"))?;
                Grant::RefreshToken {
                    refresh_token: r.secret(token).map_err(skipped)?,
                }
            }
            FirstGrant::JwtBearer => {
                let assertion = t.assertion.as_deref().ok_or_else(|| {
                    bad("the jwt_bearer grant needs `assertion` (the JWT to present)")
                })?;
                Grant::JwtBearer {
                    assertion: r.plain(assertion).map_err(skipped)?.text,
                    requested_token_use: t
                        .requested_token_use
                        .as_deref()
                        .map(|u| r.plain(u).map(|v| v.text))
                        .transpose()
                        .map_err(skipped)?,
                }
            }
            FirstGrant::AuthorizationCode | FirstGrant::DeviceCode => {
                // Built by the sign-in itself, which has the code.
                return Err(bad("an interactive grant has no request of its own"));
            }
        };
        let mut request = TokenRequest::new(grant);
        request.omit = t.omit.clone();
        apply_common(
            &r,
            &mut request,
            &t.audience,
            &t.resource,
            &t.scope,
            &t.params,
        )?;
        Ok(request)
    }

    async fn exchange(&mut self, e: &ExchangeStep) -> Produced {
        let r = self.resolver();
        let built = (|| -> Result<(TokenRequest, Vec<InputToken>), Box<Produced>> {
            let subject = r.plain(&e.subject_token).map_err(skipped)?;
            let subject_type =
                token_type::expand(&r.plain(&e.subject_token_type).map_err(skipped)?.text);
            let actor = e
                .actor_token
                .as_deref()
                .map(|a| r.plain(a))
                .transpose()
                .map_err(skipped)?;
            // A token type may be written as its alias (`access_token`) or in full.
            let type_uri = |t: &Option<String>| {
                t.as_deref()
                    .map(|a| r.plain(a).map(|v| token_type::expand(&v.text)))
                    .transpose()
                    .map_err(skipped)
            };
            let actor_type = type_uri(&e.actor_token_type)?;
            let requested = type_uri(&e.requested_token_type)?;
            let mut inputs = vec![InputToken {
                role: InputRole::Subject,
                from_step: subject.from_step.clone(),
                token: token_record(&subject.text, Some(subject_type.clone()), None),
            }];
            if let Some(a) = &actor {
                inputs.push(InputToken {
                    role: InputRole::Actor,
                    from_step: a.from_step.clone(),
                    token: token_record(&a.text, actor_type.clone(), None),
                });
            }
            let params = if e.omit.is_empty() {
                ExchangeParams::new(
                    subject.text,
                    subject_type,
                    actor.map(|a| a.text),
                    actor_type,
                    requested,
                )
                .map_err(|err| Box::new(Produced::failed(StepStatus::Error, err.to_string())))?
            } else {
                // A deliberately malformed request (a negative test): RFC 8693's rules are the
                // server's to enforce, and what is omitted is not sent.
                ExchangeParams {
                    subject: TypedToken {
                        token: subject.text,
                        token_type: subject_type,
                    },
                    actor: actor.map(|a| TypedToken {
                        token: a.text,
                        token_type: actor_type.unwrap_or_default(),
                    }),
                    requested_token_type: requested,
                }
            };
            let mut request = TokenRequest::exchange(params);
            request.omit = e.omit.clone();
            apply_common(
                &r,
                &mut request,
                &e.audience,
                &e.resource,
                &e.scope,
                &e.params,
            )?;
            Ok((request, inputs))
        })();
        match built {
            Ok((request, inputs)) => self.send(&e.client, request, inputs).await,
            Err(p) => *p,
        }
    }

    /// Sends a token request and turns the result into a step's outputs.
    async fn send(
        &mut self,
        client_id: &str,
        request: TokenRequest,
        inputs: Vec<InputToken>,
    ) -> Produced {
        let (client, server, auth) = match self.connect(client_id) {
            Ok(c) => c,
            Err(e) => return Produced::failed(StepStatus::Error, e),
        };
        let dpop = match self.dpop_key(&client) {
            Ok(k) => k,
            Err(e) => return Produced::failed(StepStatus::Error, e),
        };
        // RFC 8705 §5: a client using mutual TLS sends to the server's mTLS endpoint alias.
        let endpoint = match auth.identity() {
            Some(_) => self
                .mtls_token_endpoint(&server)
                .await
                .unwrap_or_else(|| server.token_endpoint.clone()),
            None => server.token_endpoint.clone(),
        };
        // A server made from a provider preset: its rules are checked before the request goes.
        let preset = server
            .preset
            .as_deref()
            .and_then(crate::preset::Preset::find);
        let warnings = preset
            .map(|p| p.check(&request, auth.method()))
            .unwrap_or_default();
        // The first call is made alone, so that with the cache on it fills the cache for the
        // repeats; its answer is the step's.
        let started = Instant::now();
        let key = self
            .policy
            .cache_margin
            .map(|_| cache_key(&endpoint, &auth, &request));
        let cached = key
            .as_ref()
            .and_then(|k| lock_cache(&self.engine.token_cache).get(k, self.engine.clock.now()));
        let from_cache = cached.is_some();
        let first = match cached {
            Some(hit) => Ok(hit),
            None => {
                self.engine
                    .client
                    .execute_with(&endpoint, &auth, &request, dpop.as_ref())
                    .await
            }
        };
        let mut first = first;
        if let (Ok(result), false) = (&mut first, from_cache) {
            if let Some(preset) = preset {
                result
                    .findings
                    .extend(warnings.into_iter().map(|w| preset_finding(&w)));
                if let Some(advice) = preset.explain(&result.response) {
                    result.findings.push(Finding {
                        id: "preset.advice".into(),
                        severity: Severity::Info,
                        message: advice.to_string(),
                        reference: format!("{} (preset {})", advice.provider, advice.preset_id),
                    });
                }
            }
            // Kept before the repeats start, so they find it.
            if let (Some(k), Some(margin)) = (key, self.policy.cache_margin) {
                lock_cache(&self.engine.token_cache).insert(
                    k,
                    result,
                    margin,
                    self.engine.clock.now(),
                );
            }
        }
        let first_status = first.as_ref().ok().map(|r| r.response.status);
        let first_call = CallTiming {
            started_ms: 0,
            latency_ms: millis_u32(started),
            from_cache,
            failed: first.is_err(),
        };
        self.calls.from_cache = from_cache;
        if let Some(repeat) = self.policy.repeat {
            let calls = Arc::new(RepeatCalls {
                client: self.engine.client.clone(),
                clock: self.engine.clock.clone(),
                cache: self.engine.token_cache.clone(),
                key,
                margin: self.policy.cache_margin.unwrap_or(0),
                endpoint: endpoint.clone(),
                auth: auth.clone(),
                request: request.clone(),
                dpop: dpop.clone(),
                first_status,
                started,
            });
            let mut timings = vec![first_call];
            timings.extend(calls.run(repeat).await);
            self.calls.repeat = Some(RepeatStats::of(&timings, millis_u32(started)));
        }
        let result = match first {
            Ok(r) => r,
            Err(e) => {
                let mut p = match &e {
                    ClientError::Transport(t) => Produced::transport_failed(t),
                    _ => Produced::failed(StepStatus::Error, e.to_string()),
                };
                p.inputs = inputs;
                return p;
            }
        };
        if from_cache {
            let mut p = self.produced(&server, result, inputs).await;
            p.request = None;
            return p;
        }
        self.produced(&server, result, inputs).await
    }

    /// A token result as a step's outputs, its token verified.
    async fn produced(
        &mut self,
        server: &ResolvedServer,
        result: crate::client::TokenResult,
        inputs: Vec<InputToken>,
    ) -> Produced {
        let mut token = None;
        let mut result = result;
        if let Some(issued) = &result.issued {
            let verification = self.verification(server, &issued.token).await;
            if let Some(v) = &verification
                && issued.decoded.saml().is_some()
            {
                result.findings.extend(crate::saml::findings(&v.problems));
            }
            token = Some(TokenRecord {
                fingerprint: fingerprint(&issued.token),
                token: issued.token.clone(),
                token_type: issued.token_type_uri.clone(),
                decoded: issued.decoded.clone(),
                verification,
            });
        }
        let success = result.response.success();
        let outputs = StepOutputs {
            access_token: success.and_then(|s| s.access_token.clone()),
            refresh_token: success.and_then(|s| s.refresh_token.clone()),
            id_token: success
                .and_then(|s| s.members.get("id_token"))
                .and_then(Json::as_str)
                .map(str::to_owned),
            issued_token_type: success.and_then(|s| s.issued_token_type.clone()),
            claims: token
                .as_ref()
                .and_then(|t| t.decoded.jwt())
                .map(|j| j.claims.clone()),
        };
        Produced {
            status: StepStatus::Passed,
            error: None,
            request: Some(result.request),
            response: Some(result.response),
            sent_at: Some(result.sent_at),
            inputs,
            token,
            introspection: None,
            findings: result.findings,
            outputs,
            unreachable: false,
            attempts: Vec::new(),
            lab_changes: Vec::new(),
            introspected_at: None,
            omitted: Vec::new(),
        }
    }

    async fn introspect(&mut self, i: &IntrospectStep) -> Produced {
        let r = self.resolver();
        let token = match r.plain(&i.token) {
            Ok(t) => t,
            Err(e) => return *skipped(e),
        };
        let hint = match i.token_type_hint.as_deref().map(|h| r.plain(h)).transpose() {
            Ok(h) => h.map(|h| h.text),
            Err(e) => return *skipped(e),
        };
        let (_, server, auth) = match self.connect(&i.client) {
            Ok(c) => c,
            Err(e) => return Produced::failed(StepStatus::Error, e),
        };
        let input = InputToken {
            role: InputRole::Inspected,
            from_step: token.from_step.clone(),
            token: token_record(&token.text, None, None),
        };
        let Some(endpoint) = server.introspection_endpoint.clone() else {
            return Produced::failed(
                StepStatus::Error,
                format!("server {:?} has no introspection_endpoint", server.id),
            );
        };
        let now = self.engine.clock.now();
        let mut request = HttpRequest::post_form(&endpoint);
        request.push_form("token", Value::Plain(token.text.clone()));
        if let Some(h) = hint {
            request.push_form("token_type_hint", Value::Plain(h));
        }
        if let Err(e) = auth.apply(&mut request, &endpoint, now) {
            return Produced::failed(StepStatus::Error, e.to_string());
        }
        let response = match self.engine.http.send(&request).await {
            Ok(r) => r,
            Err(e) => {
                let mut p = Produced::transport_failed(&e);
                p.request = Some(request.recorded());
                p.inputs = vec![input];
                return p;
            }
        };
        let parsed = parse_token_response(&response);
        let members = match serde_json::from_slice::<Json>(&response.body) {
            Ok(Json::Object(m)) => Some(m),
            _ => None,
        };
        let mut findings = Vec::new();
        if response.status == 200 {
            if let Some(m) = &members {
                findings.extend(introspection_findings(m));
            }
            match members.as_ref().map(|m| m.get("active")) {
                Some(Some(Json::Bool(_))) => {}
                Some(_) => findings.push(Finding {
                    id: "introspection.active".into(),
                    severity: Severity::Error,
                    message: "the introspection response has no boolean \"active\" member".into(),
                    reference: "RFC 7662 §2.2".into(),
                }),
                None => findings.push(Finding {
                    id: "introspection.not-json".into(),
                    severity: Severity::Error,
                    message: "the introspection response is not a JSON object".into(),
                    reference: "RFC 7662 §2.2".into(),
                }),
            }
        }
        Produced {
            status: StepStatus::Passed,
            error: None,
            request: Some(request.recorded()),
            response: Some(parsed),
            sent_at: Some(now),
            inputs: vec![input],
            token: None,
            introspection: members.clone(),
            findings,
            outputs: StepOutputs {
                claims: members,
                ..StepOutputs::default()
            },
            unreachable: false,
            attempts: Vec::new(),
            lab_changes: Vec::new(),
            introspected_at: None,
            omitted: Vec::new(),
        }
    }

    async fn inspect(&mut self, i: &InspectStep) -> Produced {
        let token = match self.resolver().plain(&i.token) {
            Ok(t) => t,
            Err(e) => return *skipped(e),
        };
        let server = match &i.server {
            None => None,
            Some(id) => match self.collection.server(id).map(|s| self.resolve_server(s)) {
                Some(Ok(s)) => Some(s),
                Some(Err(e)) => return Produced::failed(StepStatus::Error, e),
                None => {
                    return Produced::failed(
                        StepStatus::Error,
                        format!("server {id:?} is not in the collection"),
                    );
                }
            },
        };
        let verification = match &server {
            Some(s) => self.verification(s, &token.text).await,
            None => None,
        };
        let record = token_record(&token.text, None, verification);
        let findings = record
            .decoded
            .jwt()
            .map(|j| check_token(j, TokenRole::Unknown))
            .unwrap_or_default();
        let claims = record.decoded.jwt().map(|j| j.claims.clone());
        Produced {
            status: StepStatus::Passed,
            error: None,
            request: None,
            response: None,
            sent_at: None,
            inputs: vec![InputToken {
                role: InputRole::Inspected,
                from_step: token.from_step,
                token: record.clone(),
            }],
            token: Some(record),
            introspection: None,
            findings,
            outputs: StepOutputs {
                access_token: Some(token.text),
                claims,
                ..StepOutputs::default()
            },
            unreachable: false,
            attempts: Vec::new(),
            lab_changes: Vec::new(),
            introspected_at: None,
            omitted: Vec::new(),
        }
    }

    fn resolve_server(&self, server: &Server) -> Result<ResolvedServer, String> {
        ResolvedServer::resolve(server, &self.resolver()).map_err(|(_, reason)| reason)
    }

    /// Verifies a JWT against its server's keys, when the server has a `jwks_uri`; a SAML
    /// assertion against the certificate its server's metadata names (`saml_certificate_uri`).
    async fn verification(
        &mut self,
        server: &ResolvedServer,
        token: &str,
    ) -> Option<VerificationRecord> {
        if decode(token).saml().is_some() {
            return self.saml_verification(server, token).await;
        }
        let uri = server.jwks_uri.clone()?;
        decode(token).jwt()?;
        let record = match self.jwks_at(&uri).await {
            Ok(jwks) => {
                let mut options = VerifyOptions::new(self.engine.clock.now());
                options.issuer = server.issuer.clone();
                let v = verify(token, &jwks, &options);
                VerificationRecord {
                    valid: v.valid,
                    jwks_uri: uri,
                    kid: v.kid,
                    alg: v.alg,
                    problems: v.problems.iter().map(ToString::to_string).collect(),
                }
            }
            Err(e) => VerificationRecord {
                valid: false,
                jwks_uri: uri,
                kid: None,
                alg: None,
                problems: vec![format!("the keys could not be fetched: {e}")],
            },
        };
        Some(record)
    }

    /// Checks a SAML assertion's signature and conditions with the certificate at the server's
    /// `saml_certificate_uri` (read from its metadata, so the server needs an `issuer`).
    async fn saml_verification(
        &mut self,
        server: &ResolvedServer,
        token: &str,
    ) -> Option<VerificationRecord> {
        let uri = match self.discovered(server, "saml_certificate_uri").await {
            Ok(Some(uri)) => uri,
            Ok(None) => return None,
            Err(e) => {
                return Some(VerificationRecord {
                    valid: false,
                    jwks_uri: String::new(),
                    kid: None,
                    alg: None,
                    problems: vec![format!("the server's metadata could not be read: {e}")],
                });
            }
        };
        let now = self.engine.clock.now();
        let record = match crate::saml::fetch_certificate(self.engine.http.as_ref(), &uri).await {
            Ok(der) => {
                let v = crate::saml::verify_saml(token, &der, now, None);
                VerificationRecord {
                    valid: v.valid,
                    jwks_uri: uri,
                    kid: None,
                    alg: v.algorithm,
                    problems: v.problems,
                }
            }
            Err(e) => VerificationRecord {
                valid: false,
                jwks_uri: uri,
                kid: None,
                alg: None,
                problems: vec![e],
            },
        };
        Some(record)
    }

    /// The JWKS at `uri`, fetched once per run.
    async fn jwks_at(&mut self, uri: &str) -> Result<Arc<Jwks>, String> {
        if !self.jwks.contains_key(uri) {
            let fetched = Jwks::fetch(self.engine.http.as_ref(), uri)
                .await
                .map(Arc::new)
                .map_err(|e| e.to_string());
            self.jwks.insert(uri.to_owned(), fetched);
        }
        self.jwks
            .get(uri)
            .cloned()
            .unwrap_or_else(|| Err("the keys were not fetched".into()))
    }

    /// The client's DPoP key: its own, or one made for this run.
    fn dpop_key(&mut self, client: &Client) -> Result<Option<DpopKey>, String> {
        if !client.dpop {
            return Ok(None);
        }
        if let Some(reference) = &client.dpop_key {
            let pem = self
                .resolver()
                .secret(reference)
                .map_err(|e| format!("client {:?}: its dpop_key: {e}", client.id))?;
            return DpopKey::from_pem(&pem)
                .map(Some)
                .map_err(|e| format!("client {:?}: its dpop_key: {e}", client.id));
        }
        let mut keys = self
            .engine
            .dpop_keys
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        let name = (self.collection.name.clone(), client.id.clone());
        if let Some(key) = keys.get(&name) {
            return Ok(Some(key.clone()));
        }
        let key = DpopKey::generate().map_err(|e| e.to_string())?;
        if keys.len() >= MAX_DPOP_KEYS {
            keys.clear();
        }
        keys.insert(name, key.clone());
        Ok(Some(key))
    }

    /// A member of the server's metadata (RFC 8414), read from its issuer once per run.
    async fn discovered(
        &mut self,
        server: &ResolvedServer,
        member: &str,
    ) -> Result<Option<String>, String> {
        let Some(issuer) = server.issuer.clone() else {
            return Ok(None);
        };
        if !self.metadata.contains_key(&issuer) {
            let found = crate::discovery::discover(self.engine.http.as_ref(), &issuer)
                .await
                .map(|d| d.metadata.document)
                .map_err(|e| e.to_string());
            self.metadata.insert(issuer.clone(), found);
        }
        match self.metadata.get(&issuer) {
            Some(Ok(doc)) => Ok(doc.get(member).and_then(Json::as_str).map(str::to_owned)),
            Some(Err(e)) => Err(e.clone()),
            None => Ok(None),
        }
    }

    /// The token endpoint of the server's `mtls_endpoint_aliases`, if its metadata has one.
    async fn mtls_token_endpoint(&mut self, server: &ResolvedServer) -> Option<String> {
        self.discovered(server, "issuer").await.ok()?;
        let issuer = server.issuer.as_ref()?;
        match self.metadata.get(issuer) {
            Some(Ok(doc)) => doc
                .get("mtls_endpoint_aliases")
                .and_then(|a| a.get("token_endpoint"))
                .and_then(Json::as_str)
                .map(str::to_owned),
            _ => None,
        }
    }

    /// An endpoint named on the server, or else in its metadata.
    async fn endpoint(
        &mut self,
        server: &ResolvedServer,
        configured: Option<String>,
        member: &str,
    ) -> Result<String, String> {
        if let Some(url) = configured {
            return Ok(url);
        }
        match self.discovered(server, member).await {
            Ok(Some(url)) => Ok(url),
            Ok(None) if server.issuer.is_none() => Err(format!(
                "server {:?} has no {member} and no issuer to read it from; add {member} to the server",
                server.id
            )),
            Ok(None) => Err(format!(
                "server {:?} has no {member}, and its metadata names none: it may not support this grant",
                server.id
            )),
            Err(e) => Err(format!(
                "server {:?} has no {member}, and its metadata could not be read: {e}",
                server.id
            )),
        }
    }

    /// A step whose grant needs a person: a sign-in through the browser, or a device approval.
    async fn interactive(&mut self, t: &TokenStep) -> Produced {
        let Some(interaction) = self.engine.interaction.clone() else {
            return Produced::failed(
                StepStatus::Error,
                format!(
                    "the {} grant needs a person to sign in, and this run has no one at the keyboard (no terminal, or CI). \
                     To run it unattended, give it a token instead: a refresh_token step with refresh_token = \"{{{{secret.NAME}}}}\" \
                     (set BATON_SECRET_NAME to a refresh token from an earlier sign-in), or a client_credentials or jwt_bearer step",
                    t.grant.as_str()
                ),
            );
        };
        let (_, server, auth) = match self.connect(&t.client) {
            Ok(c) => c,
            Err(e) => return Produced::failed(StepStatus::Error, e),
        };
        let r = self.resolver();
        let resolved = (|| -> Result<SignInRequest, Box<Produced>> {
            let scope = t
                .scope
                .as_deref()
                .map(|s| r.plain(s).map(|v| v.text))
                .transpose()
                .map_err(skipped)?;
            let mut resource = Vec::new();
            for value in &t.resource {
                resource.push(r.plain(value).map_err(skipped)?.text);
            }
            let mut extra = Vec::new();
            for value in &t.audience {
                extra.push(("audience".to_owned(), r.plain(value).map_err(skipped)?.text));
            }
            for (name, value) in &t.params {
                extra.push((name.clone(), r.plain(value).map_err(skipped)?.text));
            }
            Ok(SignInRequest {
                scope,
                resource,
                extra,
            })
        })();
        let request = match resolved {
            Ok(r) => r,
            Err(p) => return *p,
        };
        let cancelled = interaction.cancelled();
        let result = if t.grant == FirstGrant::DeviceCode {
            let endpoint = match self
                .endpoint(
                    &server,
                    server.device_authorization_endpoint.clone(),
                    "device_authorization_endpoint",
                )
                .await
            {
                Ok(e) => e,
                Err(e) => return Produced::failed(StepStatus::Error, e),
            };
            let started = device::authorize(
                &self.engine.client,
                &endpoint,
                &auth,
                request.scope.as_deref(),
                &request.extra,
            )
            .await;
            match started {
                Ok(code) => {
                    interaction.show_device_code(&code);
                    device::poll(
                        &self.engine.client,
                        &server.token_endpoint,
                        &auth,
                        &code,
                        &mut |_: Poll| {},
                        cancelled,
                    )
                    .await
                    .map_err(|e| e.to_string())
                }
                Err(e) => Err(e.to_string()),
            }
        } else {
            let authorization_endpoint = match self
                .endpoint(
                    &server,
                    server.authorization_endpoint.clone(),
                    "authorization_endpoint",
                )
                .await
            {
                Ok(e) => e,
                Err(e) => return Produced::failed(StepStatus::Error, e),
            };
            let par_endpoint = self
                .discovered(&server, "pushed_authorization_request_endpoint")
                .await
                .ok()
                .flatten();
            let jwks = match server.jwks_uri.clone() {
                Some(uri) => self.jwks_at(&uri).await.ok(),
                None => None,
            };
            let endpoints = SignInEndpoints {
                authorization_endpoint,
                token_endpoint: server.token_endpoint.clone(),
                par_endpoint,
                issuer: server.issuer.clone(),
            };
            let options = SignInOptions {
                port: 0,
                timeout: interaction.timeout(),
                jwks,
            };
            signin::sign_in(
                &self.engine.client,
                &endpoints,
                &auth,
                &request,
                &OpenWith(interaction.as_ref()),
                &options,
                cancelled,
            )
            .await
            .map(|signed| signed.token)
            .map_err(|e| e.to_string())
        };
        match result {
            Ok(token) => self.produced(&server, token, Vec::new()).await,
            Err(e) => Produced::failed(StepStatus::Error, e),
        }
    }
}

/// A provider rule the request broke, as a finding of its step.
fn preset_finding(w: &crate::preset::PresetWarning) -> Finding {
    Finding {
        id: "preset.rule".into(),
        severity: Severity::Warning,
        message: format!("{} {}", w.problem, w.fix),
        reference: format!("{} (preset {})", w.provider, w.preset_id),
    }
}

/// A client of `collection`, its server and its credentials, resolved with `r`: how a step (and a
/// probe's role) authenticates.
pub(crate) fn connect_client(
    collection: &Collection,
    r: &Resolver<'_>,
    client_id: &str,
) -> Result<(Client, ResolvedServer, ClientAuth), String> {
    let client = collection
        .client(client_id)
        .ok_or_else(|| format!("client {client_id:?} is not in the collection"))?;
    let server = collection
        .server(&client.server)
        .ok_or_else(|| format!("server {:?} is not in the collection", client.server))?;
    let resolved = ResolvedServer::resolve(server, r).map_err(|(_, reason)| reason)?;
    let plain = |t: &str| r.plain(t).map(|v| v.text).map_err(|e| e.to_string());
    let client_id_value = plain(&client.client_id)?;
    let secret = |field: &Option<String>, what: &str| {
        let text = field.as_deref().ok_or_else(|| {
            format!(
                "client {:?} authenticates with {} but has no {what}",
                client.id,
                client.auth.as_str()
            )
        })?;
        r.secret(text).map_err(|e| e.to_string())
    };
    let auth = match client.auth {
        AuthMethod::ClientSecretBasic => ClientAuth::SecretBasic {
            client_id: client_id_value,
            secret: secret(&client.secret, "secret")?,
        },
        AuthMethod::ClientSecretPost => ClientAuth::SecretPost {
            client_id: client_id_value,
            secret: secret(&client.secret, "secret")?,
        },
        AuthMethod::PrivateKeyJwt => {
            let pem = secret(&client.private_key, "private_key")?;
            let key = SigningKey::from_pem(&pem, None, client.key_id.clone())
                .map_err(|e| format!("client {:?}: its private_key: {e}", client.id))?;
            ClientAuth::PrivateKeyJwt {
                client_id: client_id_value,
                key,
                audience: None,
            }
        }
        AuthMethod::TlsClientAuth | AuthMethod::SelfSignedTlsClientAuth => {
            let cert = secret(&client.certificate, "certificate")?;
            let key = secret(&client.certificate_key, "certificate_key")?;
            let identity = ClientIdentity::from_pem(cert.expose(), key)
                .map_err(|e| format!("client {:?}: {e}", client.id))?;
            ClientAuth::Tls {
                client_id: client_id_value,
                identity,
                self_signed: client.auth == AuthMethod::SelfSignedTlsClientAuth,
            }
        }
        AuthMethod::None => ClientAuth::None {
            client_id: client_id_value,
        },
    };
    Ok((client.clone(), resolved, auth))
}

/// What an introspection answer shows beyond `active` (RFC 7662 §2.2): no member sent as
/// `null`, and nothing but `active` about an inactive token.
fn introspection_findings(members: &Map<String, Json>) -> Vec<Finding> {
    let mut out = Vec::new();
    let nulls: Vec<&str> = members
        .iter()
        .filter(|(_, v)| v.is_null())
        .map(|(k, _)| k.as_str())
        .collect();
    if !nulls.is_empty() {
        out.push(Finding {
            id: "introspection.member-null".into(),
            severity: Severity::Warning,
            message: format!(
                "the introspection response sends {} as null; a member with no value is left out",
                nulls.join(", ")
            ),
            reference: "RFC 7662 §2.2".into(),
        });
    }
    if members.get("active") == Some(&Json::Bool(false)) && members.len() > 1 {
        let extra: Vec<&str> = members
            .keys()
            .filter(|k| *k != "active")
            .map(String::as_str)
            .collect();
        out.push(Finding {
            id: "introspection.inactive-discloses".into(),
            severity: Severity::Warning,
            message: format!(
                "the token is inactive, yet the response also tells {}: a server should say nothing more about an inactive token",
                extra.join(", ")
            ),
            reference: "RFC 7662 §2.2".into(),
        });
    }
    out
}

fn apply_common(
    r: &Resolver<'_>,
    request: &mut TokenRequest,
    audience: &[String],
    resource: &[String],
    scope: &Option<String>,
    params: &BTreeMap<String, String>,
) -> Result<(), Box<Produced>> {
    for a in audience {
        request.audience.push(r.plain(a).map_err(skipped)?.text);
    }
    for res in resource {
        request.resource.push(r.plain(res).map_err(skipped)?.text);
    }
    if let Some(s) = scope {
        request.scope = Some(r.plain(s).map_err(skipped)?.text);
    }
    for (name, value) in params {
        request
            .extra
            .push((name.clone(), r.plain(value).map_err(skipped)?.text));
    }
    Ok(())
}

/// Whether an assertion reads the token's claims (which an opaque token only shows through
/// introspection).
fn reads_claims(a: &Assertion) -> bool {
    matches!(
        a,
        Assertion::Claim { .. } | Assertion::ScopeSubsetOf(_) | Assertion::AudContains(_)
    )
}

fn skipped(e: Unavailable) -> Box<Produced> {
    Box::new(Produced::failed(
        StepStatus::Skipped,
        format!("not run: {e}"),
    ))
}

fn bad(message: &str) -> Box<Produced> {
    Box::new(Produced::failed(StepStatus::Error, message.to_string()))
}

/// The step's record, its assertions checked against what it produced (by `check_all`, as
/// `recheck` does for the app on a saved record). A step that sent a request and asserts neither
/// `status` nor `error` is expected to succeed.
fn finish(step: &Step, p: Produced, elapsed_ms: u64, assertions: &[ToCheck]) -> StepRecord {
    let mut record = StepRecord {
        id: step.id.clone(),
        name: step.name.clone(),
        kind: step.action.kind(),
        status: p.status,
        error: p.error,
        request: p.request,
        response: p.response,
        sent_at: p.sent_at,
        elapsed_ms,
        inputs: p.inputs,
        token: p.token,
        introspection: p.introspection,
        findings: p.findings,
        assertions: Vec::new(),
        attempts: p.attempts,
        unreachable: p.unreachable,
        lab_changes: p.lab_changes,
        from_cache: false,
        repeat: None,
        introspected_at: p.introspected_at,
        omitted: p.omitted,
    };
    // No answer, and the step says none was expected (an outage): it ran as it should.
    if record.status == StepStatus::Error
        && record.unreachable
        && step.assertions.contains(&Assertion::Unreachable)
    {
        record.status = StepStatus::Passed;
    }
    record.assertions = check_all(&record, assertions);
    if record.assertions.iter().any(|a| !a.passed) {
        record.status = StepStatus::Failed;
    }
    record
}

/// The cache, even if a thread panicked while holding it (its map stays whole).
fn lock_cache(cache: &Mutex<TokenCache>) -> std::sync::MutexGuard<'_, TokenCache> {
    cache.lock().unwrap_or_else(|p| p.into_inner())
}

/// The repeats of a step's token request after its first call: everything a call needs, owned,
/// so calls can run side by side.
struct RepeatCalls {
    client: TokenClient,
    clock: Arc<dyn Clock>,
    cache: Arc<Mutex<TokenCache>>,
    /// Set when the cache is on for the step.
    key: Option<CacheKey>,
    margin: u32,
    endpoint: String,
    auth: ClientAuth,
    request: TokenRequest,
    dpop: Option<DpopKey>,
    /// The first call's HTTP status: a repeat that answers otherwise (or not at all) failed.
    first_status: Option<u16>,
    /// When the first call started: each call's start is counted from it.
    started: Instant,
}

impl RepeatCalls {
    /// Makes calls 2 to `repeat.times`, at most `repeat.concurrency` at once, and returns their
    /// timings in call order.
    async fn run(self: Arc<Self>, repeat: Repeat) -> Vec<CallTiming> {
        let remaining = repeat.times.saturating_sub(1);
        let next = Arc::new(std::sync::atomic::AtomicU32::new(0));
        let mut workers = tokio::task::JoinSet::new();
        for _ in 0..repeat.concurrency.clamp(1, remaining.max(1)) {
            let calls = self.clone();
            let next = next.clone();
            workers.spawn(async move {
                let mut done = Vec::new();
                // Each worker takes the next call until none is left: at most `remaining`.
                loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    if i >= remaining {
                        break;
                    }
                    done.push((i, calls.call().await));
                }
                done
            });
        }
        let failed = CallTiming {
            started_ms: 0,
            latency_ms: 0,
            from_cache: false,
            failed: true,
        };
        let slots = usize::try_from(remaining).unwrap_or(0);
        let mut timings = vec![failed; slots];
        while let Some(joined) = workers.join_next().await {
            // A worker that panicked leaves its calls counted as failed.
            for (i, timing) in joined.unwrap_or_default() {
                if let Some(slot) = usize::try_from(i).ok().and_then(|i| timings.get_mut(i)) {
                    *slot = timing;
                }
            }
        }
        timings
    }

    /// One call: from the cache when it has the answer, else a request (whose answer the cache
    /// then keeps, when it is on).
    async fn call(&self) -> CallTiming {
        let started_ms = millis_u32(self.started);
        let began = Instant::now();
        let now = self.clock.now();
        if let Some(k) = &self.key
            && lock_cache(&self.cache).get(k, now).is_some()
        {
            return CallTiming {
                started_ms,
                latency_ms: millis_u32(began),
                from_cache: true,
                failed: false,
            };
        }
        let result = self
            .client
            .execute_with(
                &self.endpoint,
                &self.auth,
                &self.request,
                self.dpop.as_ref(),
            )
            .await;
        let latency_ms = millis_u32(began);
        let status = result.as_ref().ok().map(|r| r.response.status);
        if let (Some(k), Ok(r)) = (self.key, &result) {
            lock_cache(&self.cache).insert(k, r, self.margin, self.clock.now());
        }
        CallTiming {
            started_ms,
            latency_ms,
            from_cache: false,
            failed: status.is_none() || status != self.first_status,
        }
    }
}

/// A step's record with what its calls did: whether its token came from the cache, and a
/// repeated step's stats. A repeated step fails when any call failed (its assertions are
/// checked on the first call only; the others must answer as the first did).
fn with_calls(mut record: StepRecord, calls: Calls, assertions: &[ToCheck]) -> StepRecord {
    record.from_cache = calls.from_cache;
    record.repeat = calls.repeat;
    // A step that ran is Passed or Failed by its assertions alone (an action that produced
    // something is Passed), so checking them again with the calls known is the same judgement.
    let ran = matches!(record.status, StepStatus::Passed | StepStatus::Failed);
    if ran && (record.repeat.is_some() || record.from_cache) {
        record.assertions = check_all(&record, assertions);
        record.status = if record.assertions.iter().any(|a| !a.passed) {
            StepStatus::Failed
        } else {
            StepStatus::Passed
        };
    }
    if let Some(stats) = &record.repeat
        && stats.failures > 0
        && matches!(record.status, StepStatus::Passed | StepStatus::Failed)
    {
        record.status = StepStatus::Failed;
        let first = match record.response.as_ref() {
            Some(r) => format!("HTTP {}", r.status),
            None => "no answer".to_owned(),
        };
        record.error = Some(format!(
            "{} of {} calls did not answer as the first did ({first})",
            stats.failures, stats.times
        ));
    }
    record
}

fn millis_u32(started: Instant) -> u32 {
    u32::try_from(started.elapsed().as_millis()).unwrap_or(u32::MAX)
}

fn token_record(
    token: &str,
    token_type: Option<String>,
    verification: Option<VerificationRecord>,
) -> TokenRecord {
    TokenRecord {
        fingerprint: fingerprint(token),
        token: token.to_string(),
        token_type,
        decoded: decode(token),
        verification,
    }
}

/// The first 16 hex digits of the token's SHA-256.
pub fn fingerprint(token: &str) -> String {
    let digest = Sha256::digest(token.trim().as_bytes());
    digest.iter().take(8).map(|b| format!("{b:02x}")).collect()
}

fn millis(started: Instant) -> u64 {
    u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn members(v: Json) -> Map<String, Json> {
        v.as_object().cloned().unwrap_or_default()
    }

    #[test]
    fn introspection_nulls_and_disclosures_are_findings() {
        let ids = |v: Json| -> Vec<String> {
            introspection_findings(&members(v))
                .into_iter()
                .map(|f| f.id)
                .collect()
        };
        assert_eq!(
            ids(json!({"active": true, "sub": "alice"})),
            Vec::<String>::new()
        );
        assert_eq!(ids(json!({"active": false})), Vec::<String>::new());
        assert_eq!(
            ids(json!({"active": true, "username": null})),
            vec!["introspection.member-null"]
        );
        assert_eq!(
            ids(json!({"active": false, "sub": "alice"})),
            vec!["introspection.inactive-discloses"]
        );
    }
}
