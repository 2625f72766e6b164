//! What a user saves: a collection of servers, clients, environments and scenarios. These types
//! are the plain-file format (see docs/collection-format.md) and what the store keeps, so their
//! field names are the RFC parameter names and their order is the order written to files.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value as Json;
use ts_rs::TS;

use crate::auth::AuthMethod;
use crate::findings::Severity;

/// A named set of servers, clients, environments and scenarios, saved and shared as one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
#[ts(export)]
pub struct Collection {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub servers: Vec<Server>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub clients: Vec<Client>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub environments: Vec<Environment>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub scenarios: Vec<Scenario>,
    /// What `baton probe` and the app's Probe view run against (`[probe]`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub probe: Option<ProbeTarget>,
}

/// A probe target: the server to probe and the roles the probes play (`[probe]` in a file).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
#[ts(export)]
pub struct ProbeTarget {
    /// The `id` of one of the collection's servers.
    pub server: String,
    /// The `id` of the client that performs exchanges.
    pub exchanger: String,
    /// How the subject token is obtained.
    pub subject: ProbeSubject,
    /// The client whose own client_credentials token is the actor token.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actor: Option<String>,
    /// Another client with the exchange grant, for the splicing probes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attacker: Option<String>,
    /// An audience the exchanger may ask for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audience: Option<String>,
    /// A resource URI (RFC 8707) the exchanger may ask for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource: Option<String>,
    /// A scope the exchanger may ask for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
}

/// The subject token of a probe run: obtained like a token step, or given as it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(untagged)]
#[ts(export)]
// Read once from a file, never moved around in bulk: boxing would only complicate the model.
#[allow(clippy::large_enum_variant)]
pub enum ProbeSubject {
    Given(GivenToken),
    Obtained(TokenStep),
}

/// A token given as it is, e.g. `{ token = "{{env.subject}}", type = "access_token" }`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
#[ts(export)]
pub struct GivenToken {
    pub token: String,
    /// A token type URI or its short alias.
    #[serde(rename = "type")]
    pub token_type: String,
}

/// An authorization server. Every URL may use `{{env.NAME}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
#[ts(export)]
pub struct Server {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The expected `iss` of its tokens; checked when they are verified.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issuer: Option<String>,
    pub token_endpoint: String,
    /// Where its signing keys are; without it, tokens are decoded but not verified.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub jwks_uri: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub introspection_endpoint: Option<String>,
    /// Where users sign in (the authorization code grant). Without it, a sign-in step reads it
    /// from the issuer's metadata.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authorization_endpoint: Option<String>,
    /// RFC 8628's device authorization endpoint; read from the metadata when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_authorization_endpoint: Option<String>,
    /// The provider preset it was made from (`baton presets`): each request to it is checked
    /// against the provider's rules, and a known refusal gets the provider's advice.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preset: Option<String>,
}

/// A client registered at a server, and how it authenticates. Credentials are references only
/// (`{{secret.NAME}}`): a collection file never holds a secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
#[ts(export)]
pub struct Client {
    pub id: String,
    /// The `id` of its server in this collection.
    pub server: String,
    pub client_id: String,
    pub auth: AuthMethod,
    /// `client_secret_basic` and `client_secret_post`: a `{{secret.NAME}}` reference.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
    /// `private_key_jwt`: a `{{secret.NAME}}` reference to a PEM private key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub private_key: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_id: Option<String>,
    /// `tls_client_auth` and `self_signed_tls_client_auth`: a `{{secret.NAME}}` reference to the
    /// client certificate (PEM; kept with its key, though it is not itself secret).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certificate: Option<String>,
    /// A `{{secret.NAME}}` reference to the certificate's PEM private key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certificate_key: Option<String>,
    /// Prove possession of a key on each token request (DPoP, RFC 9449).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub dpop: bool,
    /// The DPoP key: a `{{secret.NAME}}` reference to a P-256 PEM private key. Without it, a key
    /// is made when the client first needs one and kept in memory for the engine's life.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dpop_key: Option<String>,
}

/// Named values for `{{env.NAME}}`. A value may itself refer to other variables.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
#[ts(export)]
pub struct Environment {
    pub name: String,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub variables: BTreeMap<String, String>,
}

/// An ordered list of steps that tells one story, with what each step must show.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
#[ts(export)]
pub struct Scenario {
    pub id: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub steps: Vec<Step>,
    /// Answer each exchange step from the engine's token cache while its token is fresh (a
    /// step's own `cache` decides for that step).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub cache: bool,
    /// How long before its `exp` a cached token is no longer used; 30 s when not set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cache_margin_secs: Option<u32>,
}

/// One step: exactly one action (`token`, `exchange`, `introspect`, `inspect` or `lab`) and
/// its assertions.
// Serialized as `StepFields`, so its TypeScript is that shape too.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(try_from = "StepFields", into = "StepFields")]
#[ts(export, as = "StepFields")]
pub struct Step {
    pub id: String,
    pub name: String,
    /// Shown beside the step when it is presented.
    pub notes: Option<String>,
    pub action: Action,
    pub assertions: Vec<Assertion>,
    /// Send again after a connection failure, a 503 or a 429 (`retry = { attempts, backoff_ms }`).
    pub retry: Option<Retry>,
    /// Answer from the engine's token cache while the token is fresh (`token` and `exchange`
    /// steps); `None` follows the scenario's `cache`.
    pub cache: Option<bool>,
    /// How long before its `exp` a cached token is no longer used; the scenario's, or 30 s.
    pub cache_margin_secs: Option<u32>,
    /// Make the step's request many times and record the latencies.
    pub repeat: Option<Repeat>,
}

/// How a step that sends a request retries: up to `attempts` tries in all, waiting `backoff_ms`
/// after the first failure and twice as long after each next one (at most
/// [`MAX_BACKOFF_MS`]), or the `Retry-After` a 503 or 429 names (at most
/// [`MAX_RETRY_AFTER_MS`]). Only a connection failure (or timeout), 503 and 429 are retried:
/// any other answer is the server's word.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
#[ts(export)]
pub struct Retry {
    /// Tries in all, the first included (2 to [`MAX_ATTEMPTS`]).
    pub attempts: u32,
    /// The first wait, in milliseconds; it doubles after each failure.
    #[serde(default = "default_backoff_ms")]
    #[ts(type = "number")]
    pub backoff_ms: u64,
}

/// The most tries a step's `retry` may ask for.
pub const MAX_ATTEMPTS: u32 = 10;
/// The longest wait between two tries, however far the back-off has doubled.
pub const MAX_BACKOFF_MS: u64 = 10_000;
/// The longest `Retry-After` honoured; a server asking for more is waited on this long.
pub const MAX_RETRY_AFTER_MS: u64 = 30_000;

fn default_backoff_ms() -> u64 {
    200
}

impl Retry {
    fn check(&self) -> Result<(), String> {
        if !(2..=MAX_ATTEMPTS).contains(&self.attempts) {
            return Err(format!(
                "retry.attempts must be between 2 and {MAX_ATTEMPTS} (tries in all, the first included), not {}",
                self.attempts
            ));
        }
        if self.backoff_ms > MAX_BACKOFF_MS {
            return Err(format!(
                "retry.backoff_ms must be at most {MAX_BACKOFF_MS}, not {}",
                self.backoff_ms
            ));
        }
        Ok(())
    }

    /// The wait after failed try number `failed` (from 1), before any `Retry-After`.
    pub fn backoff(&self, failed: u32) -> u64 {
        let doublings = failed.saturating_sub(1).min(16);
        self.backoff_ms
            .saturating_mul(1u64 << doublings)
            .min(MAX_BACKOFF_MS)
    }
}

/// `repeat = { times = 100, concurrency = 8 }`: a step's request made `times` times, at most
/// `concurrency` at once. The first call is made alone (it fills the cache, when the cache is
/// on); its token and response are the step's, and its assertions are checked on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
#[ts(export)]
pub struct Repeat {
    /// 1 to [`MAX_REPEAT_TIMES`].
    pub times: u32,
    /// 1 to [`MAX_REPEAT_CONCURRENCY`]; 1 when not set.
    #[serde(default = "one")]
    pub concurrency: u32,
}

fn one() -> u32 {
    1
}

/// The most calls a repeated step makes.
pub const MAX_REPEAT_TIMES: u32 = 10_000;
/// The most calls of a repeated step in flight at once.
pub const MAX_REPEAT_CONCURRENCY: u32 = 64;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Action {
    Token(TokenStep),
    Exchange(ExchangeStep),
    Introspect(IntrospectStep),
    Inspect(InspectStep),
    Lab(LabStep),
}

impl Action {
    pub fn kind(&self) -> StepKind {
        match self {
            Action::Token(_) => StepKind::Token,
            Action::Exchange(_) => StepKind::Exchange,
            Action::Introspect(_) => StepKind::Introspect,
            Action::Inspect(_) => StepKind::Inspect,
            Action::Lab(_) => StepKind::Lab,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum StepKind {
    Token,
    Exchange,
    Introspect,
    Inspect,
    /// Changes Baton's lab: a fault, or checks switched off.
    Lab,
}

impl StepKind {
    pub fn as_str(self) -> &'static str {
        match self {
            StepKind::Token => "token",
            StepKind::Exchange => "exchange",
            StepKind::Introspect => "introspect",
            StepKind::Inspect => "inspect",
            StepKind::Lab => "lab",
        }
    }
}

/// The grants that obtain a first token.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum FirstGrant {
    #[default]
    ClientCredentials,
    Password,
    RefreshToken,
    /// A user signs in through a browser (authorization code with PKCE). Needs someone at the
    /// keyboard.
    AuthorizationCode,
    /// A JWT as the grant (RFC 7523): `assertion`, and for on-behalf-of `requested_token_use`.
    JwtBearer,
    /// The device authorization grant (RFC 8628): the user approves on another device.
    DeviceCode,
}

impl FirstGrant {
    /// Whether the grant needs a person to sign in while it runs.
    pub fn is_interactive(self) -> bool {
        matches!(self, FirstGrant::AuthorizationCode | FirstGrant::DeviceCode)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            FirstGrant::ClientCredentials => "client_credentials",
            FirstGrant::Password => "password",
            FirstGrant::RefreshToken => "refresh_token",
            FirstGrant::AuthorizationCode => "authorization_code",
            FirstGrant::JwtBearer => "jwt_bearer",
            FirstGrant::DeviceCode => "device_code",
        }
    }
}

/// Obtain a token: client credentials, a user's password or sign-in, a refresh token, a JWT
/// grant or a device authorization.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
#[ts(export)]
pub struct TokenStep {
    /// The `id` of a client in this collection.
    pub client: String,
    pub grant: FirstGrant,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    /// A `{{secret.NAME}}` reference.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password: Option<String>,
    /// Usually `{{steps.ID.refresh_token}}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
    /// `jwt_bearer`: the JWT presented as the grant, e.g. `{{steps.ID.access_token}}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assertion: Option<String>,
    /// `jwt_bearer`: Entra ID's `on_behalf_of`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requested_token_use: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub audience: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub resource: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    /// Further form parameters, sent after the standard ones.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub params: BTreeMap<String, String>,
    /// Standard parameters left out of the request on purpose, for a negative test; a name
    /// also in `params` sends that value instead of Baton's.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub omit: Vec<String>,
}

/// A token exchange (RFC 8693 §2.1), every parameter of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
#[ts(export)]
pub struct ExchangeStep {
    pub client: String,
    pub subject_token: String,
    /// A token type URI or its short alias (`access_token`, `jwt`, `id_token`, …).
    pub subject_token_type: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actor_token: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actor_token_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requested_token_type: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub audience: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub resource: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub params: BTreeMap<String, String>,
    /// Standard parameters left out of the request on purpose, for a negative test; a name
    /// also in `params` sends that value instead of Baton's.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub omit: Vec<String>,
}

/// Token introspection (RFC 7662) at the client's server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
#[ts(export)]
pub struct IntrospectStep {
    pub client: String,
    pub token: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token_type_hint: Option<String>,
}

/// Decode a given token and, when `server` names one with a `jwks_uri`, verify it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
#[ts(export)]
pub struct InspectStep {
    pub token: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server: Option<String>,
}

/// Changes Baton's own lab while the scenario runs (an outage, an attack demo): each field set
/// changes that fault, the others stay as they are; `clear` first puts every fault and check
/// back. What a scenario changes is put back when it ends. Only Baton's lab can be changed: the
/// app's, or `baton run --sts`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
#[ts(export)]
pub struct LabStep {
    /// Connections refused (`true`) or accepted again (`false`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub down: Option<bool>,
    /// Milliseconds added before every answer (0: none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(type = "number | null")]
    pub latency_ms: Option<u64>,
    /// Every request answered 503 with `Retry-After` this many seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(type = "number | null")]
    pub unavailable_retry_after: Option<u64>,
    /// The share of requests (0 to 1) answered 503.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure_rate: Option<f64>,
    /// Seconds the lab's clock runs ahead (or behind, negative).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(type = "number | null")]
    pub clock_skew_secs: Option<i64>,
    /// The lab's checks switched off from this step on (by their `[checks]` names), replacing
    /// any a step switched off before.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub checks_off: Vec<String>,
    /// Put every fault and check back first.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub clear: bool,
}

impl LabStep {
    fn check(&self, step_id: &str) -> Result<(), String> {
        if !self.clear
            && self.down.is_none()
            && self.latency_ms.is_none()
            && self.unavailable_retry_after.is_none()
            && self.failure_rate.is_none()
            && self.clock_skew_secs.is_none()
            && self.checks_off.is_empty()
        {
            return Err(format!(
                "step {step_id:?}: the lab step changes nothing; set down, latency_ms, unavailable_retry_after, failure_rate, clock_skew_secs, checks_off or clear = true"
            ));
        }
        if let Some(rate) = self.failure_rate
            && !(0.0..=1.0).contains(&rate)
        {
            return Err(format!(
                "step {step_id:?}: lab.failure_rate must be between 0 and 1, not {rate}"
            ));
        }
        if self.checks_off.iter().any(|c| c.trim().is_empty()) {
            return Err(format!(
                "step {step_id:?}: lab.checks_off has an empty name"
            ));
        }
        Ok(())
    }
}

/// What a step must show. The token checked is the step's token: the one issued (`token`,
/// `exchange`), the one inspected (`inspect`), or the introspection response (`introspect`).
// Serialized as `AssertionFields`, so its TypeScript is that shape too.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(try_from = "AssertionFields", into = "AssertionFields")]
#[ts(export, as = "AssertionFields")]
pub enum Assertion {
    /// The HTTP status of the response.
    Status(u16),
    /// The OAuth error code of a refusal (RFC 6749 §5.2, RFC 8693 §2.2.2).
    Error(String),
    /// A claim, by dotted path (`act.sub`, `may_act.sub`, `aud`).
    Claim { path: String, check: ClaimCheck },
    /// A member of the response's JSON body, by dotted path (`issued_token_type`, `scope`,
    /// `error_description`): what the server said, whatever its token is.
    Response { path: String, check: ClaimCheck },
    /// Every granted scope is one of these.
    ScopeSubsetOf(Vec<String>),
    /// Every granted scope was in the subject token's scope.
    ScopeSubsetOfSubject,
    /// `aud` holds this value.
    AudContains(String),
    /// `sub` is the subject token's `sub`.
    SubPreserved,
    /// The act chain, current actor first, by each actor's `sub` (or `client_id`).
    ActChain(Vec<String>),
    /// How many actors the act chain has.
    ActDepth(usize),
    /// No finding at or above this severity.
    NoFindingsAtOrAbove(Severity),
    /// The request got no answer: the server could not be reached (connection refused, a
    /// timeout). An outage expected, so the step passes.
    Unreachable,
    /// How many requests the step sent: for a repeated step, its round trips; otherwise 1, or
    /// 0 when its token came from the cache.
    RoundTrips(u32),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClaimCheck {
    Equals(Json),
    /// A string contains the text, or an array holds the value.
    Contains(Json),
    /// A string value matches this regular expression.
    Matches(String),
    Exists,
    Absent,
}

/// How a step is written in a file, and sent over IPC: the action under its own key. Exactly
/// one of `token`, `exchange`, `introspect`, `inspect` and `lab` is set; reading a `Step`
/// checks that.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct StepFields {
    pub id: String,
    pub name: String,
    /// Shown beside the step when it is presented.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<TokenStep>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exchange: Option<ExchangeStep>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub introspect: Option<IntrospectStep>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inspect: Option<InspectStep>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lab: Option<LabStep>,
    #[serde(default, rename = "assert", skip_serializing_if = "Vec::is_empty")]
    pub assertions: Vec<Assertion>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry: Option<Retry>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cache: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cache_margin_secs: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repeat: Option<Repeat>,
}

impl TryFrom<StepFields> for Step {
    type Error = String;

    fn try_from(f: StepFields) -> Result<Self, String> {
        let mut actions: Vec<Action> = [
            f.token.map(Action::Token),
            f.exchange.map(Action::Exchange),
            f.introspect.map(Action::Introspect),
            f.inspect.map(Action::Inspect),
            f.lab.map(Action::Lab),
        ]
        .into_iter()
        .flatten()
        .collect();
        let action = match actions.len() {
            1 => actions.remove(0),
            0 => {
                return Err(format!(
                    "step {:?} has no action: give it one of `token`, `exchange`, `introspect`, `inspect` or `lab`",
                    f.id
                ));
            }
            _ => {
                let kinds: Vec<&str> = actions.iter().map(|a| a.kind().as_str()).collect();
                return Err(format!(
                    "step {:?} has {} actions ({}); a step does exactly one",
                    f.id,
                    kinds.len(),
                    kinds.join(", ")
                ));
            }
        };
        if let Action::Lab(lab) = &action {
            lab.check(&f.id)?;
        }
        if let Some(retry) = &f.retry {
            if matches!(action, Action::Lab(_) | Action::Inspect(_)) {
                return Err(format!(
                    "step {:?}: retry applies to steps that send a request (token, exchange, introspect), not to a {} step",
                    f.id,
                    action.kind().as_str()
                ));
            }
            retry.check().map_err(|e| format!("step {:?}: {e}", f.id))?;
        }
        check_cache_and_repeat(&f.id, &action, f.cache, f.repeat)?;
        Ok(Step {
            id: f.id,
            name: f.name,
            notes: f.notes,
            action,
            assertions: f.assertions,
            retry: f.retry,
            cache: f.cache,
            cache_margin_secs: f.cache_margin_secs,
            repeat: f.repeat,
        })
    }
}

impl From<Step> for StepFields {
    fn from(s: Step) -> Self {
        let mut f = StepFields {
            id: s.id,
            name: s.name,
            notes: s.notes,
            token: None,
            exchange: None,
            introspect: None,
            inspect: None,
            lab: None,
            assertions: s.assertions,
            retry: s.retry,
            cache: s.cache,
            cache_margin_secs: s.cache_margin_secs,
            repeat: s.repeat,
        };
        match s.action {
            Action::Token(a) => f.token = Some(a),
            Action::Exchange(a) => f.exchange = Some(a),
            Action::Introspect(a) => f.introspect = Some(a),
            Action::Inspect(a) => f.inspect = Some(a),
            Action::Lab(a) => f.lab = Some(a),
        }
        f
    }
}

/// `cache` and `repeat` apply to a step that sends a token request of its own (`token` without
/// a sign-in, `exchange`), and `repeat` stays within its bounds.
fn check_cache_and_repeat(
    id: &str,
    action: &Action,
    cache: Option<bool>,
    repeat: Option<Repeat>,
) -> Result<(), String> {
    let sends_token_request = match action {
        Action::Token(t) => !t.grant.is_interactive(),
        Action::Exchange(_) => true,
        Action::Introspect(_) | Action::Inspect(_) | Action::Lab(_) => false,
    };
    if !sends_token_request {
        let what = match action {
            Action::Token(t) => {
                format!("a {} step (it needs a person to sign in)", t.grant.as_str())
            }
            Action::Lab(_) => "a lab step".to_owned(),
            other => format!("an {} step", other.kind().as_str()),
        };
        if cache == Some(true) {
            return Err(format!(
                "step {id:?}: `cache` applies to token and exchange steps, not to {what}"
            ));
        }
        if repeat.is_some() {
            return Err(format!(
                "step {id:?}: `repeat` applies to token and exchange steps, not to {what}"
            ));
        }
    }
    if let Some(r) = repeat {
        if !(1..=MAX_REPEAT_TIMES).contains(&r.times) {
            return Err(format!(
                "step {id:?}: repeat.times is {}; it must be 1 to {MAX_REPEAT_TIMES}",
                r.times
            ));
        }
        if !(1..=MAX_REPEAT_CONCURRENCY).contains(&r.concurrency) {
            return Err(format!(
                "step {id:?}: repeat.concurrency is {}; it must be 1 to {MAX_REPEAT_CONCURRENCY}",
                r.concurrency
            ));
        }
    }
    Ok(())
}

/// How an assertion is written in a file, and sent over IPC: one small table, e.g.
/// `{ status = 200 }`, `{ claim = "act.sub", equals = "order-service" }`,
/// `{ act_chain = ["b", "a"] }`. Exactly one check is set (`claim` with one of `equals`,
/// `contains`, `matches` or `exists`); reading an `Assertion` checks that.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct AssertionFields {
    /// The HTTP status of the response.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// The OAuth error code of a refusal.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// A claim, by dotted path (`act.sub`); checked by `equals`, `contains`, `matches` or `exists`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub claim: Option<String>,
    /// A member of the response's JSON body, by dotted path (`issued_token_type`); checked by
    /// `equals`, `contains`, `matches` or `exists`, like a claim.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub equals: Option<Json>,
    /// A string contains the text, or an array holds the value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contains: Option<Json>,
    /// A regular expression the claim's string value matches.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub matches: Option<String>,
    /// `true`: the claim is present; `false`: it is absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exists: Option<bool>,
    /// Every granted scope is one of these.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope_subset_of: Option<Vec<String>>,
    /// `true`: every granted scope was in the subject token's scope.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope_subset_of_subject: Option<bool>,
    /// `aud` holds this value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aud_contains: Option<String>,
    /// `true`: `sub` is the subject token's `sub`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sub_preserved: Option<bool>,
    /// The act chain, current actor first, by each actor's `sub` (or `client_id`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub act_chain: Option<Vec<String>>,
    /// How many actors the act chain has.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(type = "number | null")]
    pub act_depth: Option<usize>,
    /// No finding at or above this severity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub no_findings_at_or_above: Option<Severity>,
    /// `true`: the request got no answer (the server could not be reached).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unreachable: Option<bool>,
    /// How many requests the step sent (a repeated step's round trips; 0 from the cache).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub round_trips: Option<u32>,
}

const ASSERTION_KINDS: &str = "status, error, claim or response (with equals, contains, matches or exists), \
     scope_subset_of, scope_subset_of_subject, aud_contains, sub_preserved, act_chain, act_depth, \
     no_findings_at_or_above, unreachable, round_trips";

impl TryFrom<AssertionFields> for Assertion {
    type Error = String;

    fn try_from(f: AssertionFields) -> Result<Self, String> {
        let mut found: Vec<Assertion> = Vec::new();
        let mut names: Vec<&str> = Vec::new();
        let mut push = |name: &'static str, a: Option<Assertion>| {
            if let Some(a) = a {
                names.push(name);
                found.push(a);
            }
        };
        push("status", f.status.map(Assertion::Status));
        push("error", f.error.map(Assertion::Error));
        push(
            "scope_subset_of",
            f.scope_subset_of.map(Assertion::ScopeSubsetOf),
        );
        push("aud_contains", f.aud_contains.map(Assertion::AudContains));
        push("act_chain", f.act_chain.map(Assertion::ActChain));
        push("act_depth", f.act_depth.map(Assertion::ActDepth));
        push(
            "no_findings_at_or_above",
            f.no_findings_at_or_above
                .map(Assertion::NoFindingsAtOrAbove),
        );
        push("round_trips", f.round_trips.map(Assertion::RoundTrips));
        for (name, flag, assertion) in [
            (
                "scope_subset_of_subject",
                f.scope_subset_of_subject,
                Assertion::ScopeSubsetOfSubject,
            ),
            ("sub_preserved", f.sub_preserved, Assertion::SubPreserved),
            ("unreachable", f.unreachable, Assertion::Unreachable),
        ] {
            match flag {
                Some(true) => push(name, Some(assertion)),
                Some(false) => {
                    return Err(format!(
                        "`{name} = false` asserts nothing; remove it, or write `{name} = true`"
                    ));
                }
                None => {}
            }
        }
        let checks: Vec<(&str, ClaimCheck)> = [
            ("equals", f.equals.map(ClaimCheck::Equals)),
            ("contains", f.contains.map(ClaimCheck::Contains)),
            ("matches", f.matches.map(ClaimCheck::Matches)),
            (
                "exists",
                f.exists.map(|e| {
                    if e {
                        ClaimCheck::Exists
                    } else {
                        ClaimCheck::Absent
                    }
                }),
            ),
        ]
        .into_iter()
        .filter_map(|(n, c)| c.map(|c| (n, c)))
        .collect();
        let target = match (f.claim, f.response) {
            (Some(path), None) => Some(("claim", path)),
            (None, Some(path)) => Some(("response", path)),
            (Some(_), Some(_)) => {
                return Err(
                    "one assertion checks one thing, this one has claim and response; split it into one table per check"
                        .to_owned(),
                );
            }
            (None, None) => None,
        };
        match (target, checks.len()) {
            (Some((kind, path)), 1) => {
                if let Some((_, ClaimCheck::Matches(pattern))) = checks.first() {
                    regex::Regex::new(&pattern_without_references(pattern))
                        .map_err(|e| format!("`matches` is not a valid pattern: {e}"))?;
                }
                let check = checks.into_iter().map(|(_, c)| c).next();
                if let Some(check) = check {
                    let assertion = if kind == "claim" {
                        Assertion::Claim { path, check }
                    } else {
                        Assertion::Response { path, check }
                    };
                    push(kind, Some(assertion));
                }
            }
            (Some((kind, path)), 0) => {
                let what = if kind == "claim" {
                    "claim"
                } else {
                    "response member"
                };
                return Err(format!(
                    "the assertion on {what} {path:?} needs one of equals, contains, matches or exists"
                ));
            }
            (Some((kind, path)), _) => {
                let what = if kind == "claim" {
                    "claim"
                } else {
                    "response member"
                };
                let names: Vec<&str> = checks.iter().map(|(n, _)| *n).collect();
                return Err(format!(
                    "the assertion on {what} {path:?} has {}; write one assertion per check",
                    names.join(" and ")
                ));
            }
            (None, 0) => {}
            (None, _) => {
                let names: Vec<&str> = checks.iter().map(|(n, _)| *n).collect();
                return Err(format!(
                    "`{}` needs `claim = \"PATH\"` or `response = \"MEMBER\"` to say what it checks",
                    names.join("`, `")
                ));
            }
        }
        match found.len() {
            1 => Ok(found.remove(0)),
            0 => Err(format!("an assertion needs one of: {ASSERTION_KINDS}")),
            _ => Err(format!(
                "one assertion checks one thing, this one has {}; split it into one table per check",
                names.join(", ")
            )),
        }
    }
}

/// A `matches` pattern as it will be checked: each `{{…}}` reference stands for a value that is
/// matched literally, so the pattern around it must be valid on its own.
fn pattern_without_references(pattern: &str) -> String {
    use crate::scenario::reference::{Part, parse_template};
    match parse_template(pattern) {
        Ok(parts) => parts
            .into_iter()
            .map(|p| match p {
                Part::Text(t) => t,
                Part::Ref { .. } => "x".to_owned(),
            })
            .collect(),
        Err(_) => pattern.to_owned(),
    }
}

impl AssertionFields {
    fn set_check(&mut self, check: ClaimCheck) {
        match check {
            ClaimCheck::Equals(v) => self.equals = Some(v),
            ClaimCheck::Contains(v) => self.contains = Some(v),
            ClaimCheck::Matches(p) => self.matches = Some(p),
            ClaimCheck::Exists => self.exists = Some(true),
            ClaimCheck::Absent => self.exists = Some(false),
        }
    }
}

impl From<Assertion> for AssertionFields {
    fn from(a: Assertion) -> Self {
        let mut f = AssertionFields::default();
        match a {
            Assertion::Status(s) => f.status = Some(s),
            Assertion::Error(e) => f.error = Some(e),
            Assertion::Claim { path, check } => {
                f.claim = Some(path);
                f.set_check(check);
            }
            Assertion::Response { path, check } => {
                f.response = Some(path);
                f.set_check(check);
            }
            Assertion::ScopeSubsetOf(s) => f.scope_subset_of = Some(s),
            Assertion::ScopeSubsetOfSubject => f.scope_subset_of_subject = Some(true),
            Assertion::AudContains(a) => f.aud_contains = Some(a),
            Assertion::SubPreserved => f.sub_preserved = Some(true),
            Assertion::ActChain(c) => f.act_chain = Some(c),
            Assertion::ActDepth(d) => f.act_depth = Some(d),
            Assertion::NoFindingsAtOrAbove(s) => f.no_findings_at_or_above = Some(s),
            Assertion::Unreachable => f.unreachable = Some(true),
            Assertion::RoundTrips(n) => f.round_trips = Some(n),
        }
        f
    }
}

impl Collection {
    pub fn server(&self, id: &str) -> Option<&Server> {
        self.servers.iter().find(|s| s.id == id)
    }
    pub fn client(&self, id: &str) -> Option<&Client> {
        self.clients.iter().find(|c| c.id == id)
    }
    pub fn environment(&self, name: &str) -> Option<&Environment> {
        self.environments.iter().find(|e| e.name == name)
    }
    pub fn scenario(&self, id: &str) -> Option<&Scenario> {
        self.scenarios.iter().find(|s| s.id == id)
    }
}

impl Step {
    /// The client this step authenticates as, if it talks to a server.
    pub fn client(&self) -> Option<&str> {
        match &self.action {
            Action::Token(t) => Some(&t.client),
            Action::Exchange(e) => Some(&e.client),
            Action::Introspect(i) => Some(&i.client),
            Action::Inspect(_) | Action::Lab(_) => None,
        }
    }
}

/// How long before its `exp` a cached token stops being used, when nothing says otherwise.
pub const DEFAULT_CACHE_MARGIN_SECS: u32 = 30;

impl Step {
    /// The margin (seconds before `exp`) of the token cache for this step in `scenario`, or
    /// `None` when the cache is off for it: the step's `cache`, else the scenario's (which
    /// covers its exchange steps).
    pub fn cache_margin(&self, scenario: &Scenario) -> Option<u32> {
        let on = match self.cache {
            Some(on) => on,
            None => scenario.cache && matches!(self.action, Action::Exchange(_)),
        };
        on.then(|| {
            self.cache_margin_secs
                .or(scenario.cache_margin_secs)
                .unwrap_or(DEFAULT_CACHE_MARGIN_SECS)
        })
    }
}
