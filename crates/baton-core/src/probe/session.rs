//! What every probe of a run shares: the server, the roles' credentials, the subject token, and
//! what was fetched once (metadata, keys, the roles' own tokens). And [`Probing`], one probe's
//! view of it, which records every exchange the probe makes.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Instant;

use serde_json::{Map, Value as Json};

use crate::auth::ClientAuth;
use crate::clock::Clock;
use crate::discovery::metadata_urls;
use crate::http::{HttpClient, HttpRequest, HttpResponse, TransportError, Value};
use crate::jwt::{Jwt, decode};
use crate::scenario::engine::connect_client;
use crate::scenario::model::{Collection, ProbeSubject, Scenario, Step, StepFields, TokenStep};
use crate::scenario::reference::{Resolver, environment_values};
use crate::scenario::secrets::SecretSource;
use crate::scenario::server::ResolvedServerUrls;
use crate::scenario::{Engine, RunOptions, StepStatus};
use crate::token_type;
use crate::verify::Jwks;

use super::answer::Answer;
use super::{ProbeExchange, RECORDED_BODY_LIMIT, RecordedResponse, Verdict};

/// Why a probe run cannot start: the file's `[probe]` or the roles are unusable. `baton probe`
/// exits 2 on these.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProbeSetupError {
    #[error("collection {collection:?} has no [probe] section (see docs/collection-format.md)")]
    NoTarget { collection: String },
    #[error("[probe] {field}: {reason}")]
    Role { field: String, reason: String },
    #[error("[probe] subject: the subject token could not be obtained: {reason}")]
    Subject { reason: String },
    #[error("[probe] server {server:?}: {reason}")]
    Server { server: String, reason: String },
}

/// A client the probes act as, with its credentials resolved.
#[derive(Debug, Clone)]
pub struct Role {
    /// The client's `id` in the collection.
    pub id: String,
    /// The `client_id` the server knows it by.
    pub client_id: String,
    pub auth: ClientAuth,
}

impl Role {
    /// The client's secret, when it authenticates with one.
    pub fn secret(&self) -> Option<&crate::secret::Secret> {
        match &self.auth {
            ClientAuth::SecretBasic { secret, .. } | ClientAuth::SecretPost { secret, .. } => {
                Some(secret)
            }
            _ => None,
        }
    }
}

/// The subject token every probe starts from, and its type URI.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubjectToken {
    pub token: String,
    pub token_type: String,
}

impl SubjectToken {
    /// The token decoded, when it is a JWT.
    pub fn jwt(&self) -> Option<Jwt> {
        decode(&self.token).jwt().cloned()
    }
}

/// How a fresh subject token is obtained (revocation needs its own).
#[derive(Clone)]
enum SubjectSource {
    Given,
    Obtained { step: Box<TokenStep> },
}

/// Fetched once per run: the roles' own tokens.
#[derive(Default)]
struct Cache {
    client_tokens: HashMap<String, Result<String, String>>,
}

/// Fetched once per probe, so each probe's report shows the document it judged.
#[derive(Default)]
struct ProbeCache {
    /// `None` inside: looked for, not found.
    metadata: Option<Option<(String, Map<String, Json>)>>,
    jwks: Option<Result<Arc<Jwks>, String>>,
}

/// Everything the probes of one run share.
pub struct ProbeSession {
    http: Arc<dyn HttpClient>,
    clock: Arc<dyn Clock>,
    collection: Collection,
    environment: Option<String>,
    overrides: BTreeMap<String, String>,
    secrets: Arc<dyn SecretSource>,
    pub server: ResolvedServerUrls,
    pub exchanger: Role,
    pub actor: Option<Role>,
    pub attacker: Option<Role>,
    /// The client that obtained the subject token, when it was obtained by one.
    pub subject_client: Option<Role>,
    pub audience: Option<String>,
    pub resource: Option<String>,
    pub scope: Option<String>,
    pub subject: SubjectToken,
    source: SubjectSource,
    cache: Mutex<Cache>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl ProbeSession {
    /// Resolves the collection's `[probe]` in `environment` (with `overrides` on top), and
    /// obtains the subject token. Nothing is sent when a role cannot be resolved.
    pub async fn prepare(
        http: Arc<dyn HttpClient>,
        clock: Arc<dyn Clock>,
        collection: &Collection,
        environment: Option<&str>,
        overrides: &BTreeMap<String, String>,
        secrets: Arc<dyn SecretSource>,
    ) -> Result<ProbeSession, ProbeSetupError> {
        let target = collection
            .probe
            .as_ref()
            .ok_or_else(|| ProbeSetupError::NoTarget {
                collection: collection.name.clone(),
            })?;
        let env = environment_values(collection, environment, overrides).map_err(
            |(field, problem)| ProbeSetupError::Role {
                field: field.unwrap_or_else(|| "environment".into()),
                reason: problem.to_string(),
            },
        )?;
        let outputs = BTreeMap::new();
        let r = Resolver {
            env: &env,
            secrets: secrets.as_ref(),
            outputs: &outputs,
        };
        let server_def =
            collection
                .server(&target.server)
                .ok_or_else(|| ProbeSetupError::Server {
                    server: target.server.clone(),
                    reason: format!(
                        "not in the collection (it has: {})",
                        collection
                            .servers
                            .iter()
                            .map(|s| s.id.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                })?;
        let server = ResolvedServerUrls::resolve(server_def, &r).map_err(|(field, reason)| {
            ProbeSetupError::Server {
                server: target.server.clone(),
                reason: format!("{field}: {reason}"),
            }
        })?;
        let role = |field: &str, id: &str| -> Result<Role, ProbeSetupError> {
            let (client, client_server, auth) =
                connect_client(collection, &r, id).map_err(|reason| ProbeSetupError::Role {
                    field: field.into(),
                    reason,
                })?;
            if client.server != target.server {
                return Err(ProbeSetupError::Role {
                    field: field.into(),
                    reason: format!(
                        "client {id:?} belongs to server {:?}, not to the probed server {:?}",
                        client.server, target.server
                    ),
                });
            }
            let _ = client_server;
            Ok(Role {
                id: client.id.clone(),
                client_id: auth.client_id().to_string(),
                auth,
            })
        };
        let exchanger = role("exchanger", &target.exchanger)?;
        let actor = target
            .actor
            .as_deref()
            .map(|a| role("actor", a))
            .transpose()?;
        let attacker = target
            .attacker
            .as_deref()
            .map(|a| role("attacker", a))
            .transpose()?;
        let plain = |field: &str, t: &Option<String>| {
            t.as_deref()
                .map(|t| {
                    r.plain(t)
                        .map(|v| v.text)
                        .map_err(|e| ProbeSetupError::Role {
                            field: field.into(),
                            reason: e.to_string(),
                        })
                })
                .transpose()
        };
        let audience = plain("audience", &target.audience)?;
        let resource = plain("resource", &target.resource)?;
        let scope = plain("scope", &target.scope)?;

        let (subject, source, subject_client) = match &target.subject {
            ProbeSubject::Given(given) => {
                let token = r
                    .plain(&given.token)
                    .map_err(|e| ProbeSetupError::Role {
                        field: "subject.token".into(),
                        reason: e.to_string(),
                    })?
                    .text;
                let kind = r
                    .plain(&given.token_type)
                    .map_err(|e| ProbeSetupError::Role {
                        field: "subject.type".into(),
                        reason: e.to_string(),
                    })?
                    .text;
                let subject = SubjectToken {
                    token,
                    token_type: token_type::expand(&kind),
                };
                (subject, SubjectSource::Given, None)
            }
            ProbeSubject::Obtained(step) => {
                let client = role("subject.client", &step.client)?;
                (
                    SubjectToken {
                        token: String::new(),
                        token_type: token_type::ACCESS_TOKEN.to_string(),
                    },
                    SubjectSource::Obtained {
                        step: Box::new(step.clone()),
                    },
                    Some(client),
                )
            }
        };
        let mut session = ProbeSession {
            http,
            clock,
            collection: collection.clone(),
            environment: environment.map(str::to_string),
            overrides: overrides.clone(),
            secrets,
            server,
            exchanger,
            actor,
            attacker,
            subject_client,
            audience,
            resource,
            scope,
            subject,
            source,
            cache: Mutex::default(),
        };
        if matches!(session.source, SubjectSource::Obtained { .. }) {
            session.subject = session
                .obtain_subject()
                .await
                .map_err(|reason| ProbeSetupError::Subject { reason })?;
        }
        Ok(session)
    }

    pub fn collection_name(&self) -> &str {
        &self.collection.name
    }

    pub fn environment(&self) -> Option<&str> {
        self.environment.as_deref()
    }

    pub fn now(&self) -> i64 {
        self.clock.now()
    }

    /// A new subject token, obtained the way the `[probe]` says (a given token is returned as
    /// it is). Runs the token step through the engine, exactly as a scenario's step would.
    pub async fn obtain_subject(&self) -> Result<SubjectToken, String> {
        let SubjectSource::Obtained { step } = &self.source else {
            return Ok(self.subject.clone());
        };
        let fields = StepFields {
            id: "probe-subject".into(),
            name: "The probes' subject token".into(),
            notes: None,
            token: Some(step.as_ref().clone()),
            exchange: None,
            introspect: None,
            inspect: None,
            lab: None,
            assertions: Vec::new(),
            retry: None,
            cache: None,
            cache_margin_secs: None,
            repeat: None,
        };
        let step = Step::try_from(fields).map_err(|e| e.to_string())?;
        let scenario = Scenario {
            id: "probe-subject".into(),
            name: "The probes' subject token".into(),
            description: None,
            steps: vec![step],
            cache: false,
            cache_margin_secs: None,
        };
        let engine = Engine::new(self.http.clone(), self.clock.clone());
        let options = RunOptions {
            environment: self.environment.clone(),
            overrides: self.overrides.clone(),
            secrets: self.secrets.clone(),
            data: None,
        };
        let record = engine
            .run(&self.collection, &scenario, &options, &mut |_| {})
            .await
            .map_err(|e| e.to_string())?;
        let Some(step) = record.steps.first() else {
            return Err("the token step did not run".into());
        };
        if step.status != StepStatus::Passed {
            let why = step
                .error
                .clone()
                .or_else(|| {
                    step.response
                        .as_ref()
                        .and_then(|r| r.error())
                        .map(ToString::to_string)
                })
                .unwrap_or_else(|| "the server did not issue a token".into());
            return Err(why);
        }
        let token = step
            .token
            .as_ref()
            .map(|t| t.token.clone())
            .ok_or_else(|| "the response carried no access_token".to_string())?;
        Ok(SubjectToken {
            token,
            token_type: token_type::ACCESS_TOKEN.to_string(),
        })
    }
}

/// Form parameters that carry a credential: recorded masked whoever added them.
const SECRET_PARAMETERS: [&str; 4] = [
    "client_secret",
    "client_assertion",
    "password",
    "refresh_token",
];

/// One probe's view of the session: it records every exchange the probe makes.
pub struct Probing {
    pub session: Arc<ProbeSession>,
    log: Mutex<Vec<ProbeExchange>>,
    cache: Mutex<ProbeCache>,
}

impl Probing {
    pub fn new(session: Arc<ProbeSession>) -> Self {
        Probing {
            session,
            log: Mutex::default(),
            cache: Mutex::default(),
        }
    }

    /// The exchanges recorded so far, taken out.
    pub fn take_exchanges(&self) -> Vec<ProbeExchange> {
        std::mem::take(&mut *lock(&self.log))
    }

    pub fn token_endpoint(&self) -> &str {
        &self.session.server.token_endpoint
    }

    pub fn exchanger(&self) -> &Role {
        &self.session.exchanger
    }

    /// The actor role, or a skip saying it is not configured.
    pub fn actor(&self) -> Result<&Role, Verdict> {
        self.session
            .actor
            .as_ref()
            .ok_or_else(|| Verdict::Skip("no actor role is configured ([probe] actor)".into()))
    }

    /// The attacker role, or a skip saying it is not configured.
    pub fn attacker(&self) -> Result<&Role, Verdict> {
        self.session.attacker.as_ref().ok_or_else(|| {
            Verdict::Skip("no attacker role is configured ([probe] attacker)".into())
        })
    }

    pub fn subject(&self) -> &SubjectToken {
        &self.session.subject
    }

    /// Sends `request`, recording it under `label`. A transport failure is a skip: a
    /// connectivity problem is reported as such, never as a failed check.
    pub async fn send(&self, label: &str, request: HttpRequest) -> Result<Answer, Verdict> {
        let started = Instant::now();
        let mut result = self.session.http.send(&request).await;
        // A kept-alive connection the server closed just as it was reused fails before the server
        // saw anything: one retry, so a race is not reported as a server that cannot be reached.
        if matches!(result, Err(TransportError::Other { .. })) {
            result = self.session.http.send(&request).await;
        }
        let elapsed_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
        let (response, error) = match &result {
            Ok(r) => (Some(record_response(r)), None),
            Err(e) => (None, Some(e.to_string())),
        };
        lock(&self.log).push(ProbeExchange {
            label: label.to_string(),
            request: request.recorded(),
            response,
            error,
            elapsed_ms,
        });
        match result {
            Ok(response) => Ok(Answer::new(response)),
            Err(e) => Err(Verdict::Skip(format!("could not be judged: {label}: {e}"))),
        }
    }

    /// A form POST to `url` with `params`, authenticated as `role` (when given).
    pub fn form(
        &self,
        url: &str,
        role: Option<&Role>,
        params: &[(&str, &str)],
    ) -> Result<HttpRequest, Verdict> {
        let mut request = HttpRequest::post_form(url);
        for (name, value) in params {
            // Credentials a probe puts in the body itself are masked like the roles' own.
            let value = if SECRET_PARAMETERS.contains(name) {
                Value::Secret(crate::secret::Secret::new(*value))
            } else {
                Value::Plain((*value).to_string())
            };
            request.push_form(name, value);
        }
        if let Some(role) = role {
            role.auth
                .apply(&mut request, url, self.session.now())
                .map_err(|e| Verdict::Skip(format!("could not authenticate: {e}")))?;
        }
        Ok(request)
    }

    /// A token exchange by `role` with the form parameters given (`grant_type` is added first).
    pub async fn exchange(
        &self,
        label: &str,
        role: &Role,
        params: &[(&str, &str)],
    ) -> Result<Answer, Verdict> {
        let mut all = vec![("grant_type", token_type::TOKEN_EXCHANGE_GRANT)];
        all.extend_from_slice(params);
        let request = self.form(self.token_endpoint(), Some(role), &all)?;
        self.send(label, request).await
    }

    /// `role`'s own client_credentials token, fetched once per run (and recorded by the probe
    /// that fetched it). A refusal is a skip naming the role.
    pub async fn client_token(&self, role: &Role) -> Result<String, Verdict> {
        if let Some(cached) = lock(&self.session.cache)
            .client_tokens
            .get(&role.id)
            .cloned()
        {
            return cached.map_err(Verdict::Skip);
        }
        let request = self.form(
            self.token_endpoint(),
            Some(role),
            &[("grant_type", "client_credentials")],
        )?;
        let label = format!("{}'s own client_credentials token", role.id);
        let answer = self.send(&label, request).await?;
        let result = answer.access_token().map(str::to_string).ok_or_else(|| {
            format!(
                "{} could not get its own token with client_credentials: {}",
                role.id,
                answer.describe()
            )
        });
        lock(&self.session.cache)
            .client_tokens
            .insert(role.id.clone(), result.clone());
        result.map_err(Verdict::Skip)
    }

    /// The server's metadata (RFC 8414, then OpenID discovery) from its issuer, fetched once
    /// per probe.
    /// Returns the URL it came from and the document.
    pub async fn metadata(&self) -> Option<(String, Map<String, Json>)> {
        if let Some(cached) = lock(&self.cache).metadata.clone() {
            return cached;
        }
        let mut found = None;
        if let Some(issuer) = self.session.server.issuer.clone()
            && let Ok(urls) = metadata_urls(&issuer)
        {
            for (_, url) in urls {
                let Ok(answer) = self
                    .send("the server's metadata", HttpRequest::get(&url))
                    .await
                else {
                    continue;
                };
                if answer.status() == 200
                    && let Some(doc) = answer.json_object()
                {
                    found = Some((url, doc.clone()));
                    break;
                }
            }
        }
        lock(&self.cache).metadata = Some(found.clone());
        found
    }

    /// A metadata member that is a string URL (e.g. `revocation_endpoint`).
    pub async fn metadata_url(&self, member: &str) -> Option<String> {
        self.metadata()
            .await
            .and_then(|(_, doc)| doc.get(member).and_then(Json::as_str).map(str::to_string))
    }

    /// The introspection endpoint: the server's own setting, else its metadata's.
    pub async fn introspection_endpoint(&self) -> Option<String> {
        match &self.session.server.introspection_endpoint {
            Some(url) => Some(url.clone()),
            None => self.metadata_url("introspection_endpoint").await,
        }
    }

    /// The server's keys: its `jwks_uri`, else its metadata's; fetched once per probe.
    pub async fn jwks(&self) -> Result<Arc<Jwks>, String> {
        if let Some(cached) = lock(&self.cache).jwks.clone() {
            return cached;
        }
        let uri = match &self.session.server.jwks_uri {
            Some(u) => Some(u.clone()),
            None => self.metadata_url("jwks_uri").await,
        };
        let result = match uri {
            None => Err("the server has no jwks_uri".to_string()),
            Some(uri) => match self.send("the server's keys", HttpRequest::get(&uri)).await {
                Err(v) => Err(v.reason().to_string()),
                Ok(answer) => Jwks::parse(answer.body(), &uri)
                    .map(Arc::new)
                    .map_err(|e| e.to_string()),
            },
        };
        lock(&self.cache).jwks = Some(result.clone());
        result
    }
}

fn record_response(r: &HttpResponse) -> RecordedResponse {
    let truncated = r.body.len() > RECORDED_BODY_LIMIT;
    let kept = &r.body[..r.body.len().min(RECORDED_BODY_LIMIT)];
    RecordedResponse {
        status: r.status,
        headers: r.headers.clone(),
        body: String::from_utf8_lossy(kept).into_owned(),
        truncated,
    }
}
