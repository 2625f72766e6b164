//! What the commands return and the events carry, beyond the crates' own types: each is made
//! from those types here, with no protocol logic of its own.

use baton_core::discovery::Discovery;
use baton_core::findings::Finding;
use baton_core::scenario::{Graph, Progress, RunRecord, StepRecord, TokenDiff, step_diff};
use baton_store::keyring::KeyringStatus;
use baton_store::{CollectionSummary, RunId};
use std::time::UNIX_EPOCH;

use baton_sts::{Check, RequestLogEntry, RequestOutcome, StsHandle};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

mod probes;

pub use probes::{ProbeInfo, ProbeRunProgress, ProbeRunView};

/// What the app shows on launch.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct Workspace {
    pub collections: Vec<CollectionSummary>,
    pub lab: LabInfo,
    /// The folder that holds the store (`baton.sqlite`).
    pub data_dir: String,
    /// The collection to show open at launch: the demo, when this launch seeded the built-in
    /// collections into an empty store.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub opens: Option<String>,
}

/// The lab token service the app started on launch. Runs set `{{env.lab}}` to `base_url` and
/// supply its demo credentials.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct LabInfo {
    pub base_url: String,
    pub issuer: String,
    pub clients: Vec<String>,
    pub users: Vec<String>,
}

impl LabInfo {
    pub fn of(lab: &StsHandle) -> LabInfo {
        let policy = lab.policy();
        LabInfo {
            base_url: lab.base_url().to_string(),
            issuer: lab.issuer().to_string(),
            clients: policy.clients.iter().map(|c| c.client_id.clone()).collect(),
            users: policy.users.iter().map(|u| u.username.clone()).collect(),
        }
    }
}

/// A run as the app shows it: the record, its graph, and per step what the UI cannot compute.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct RunView {
    /// The run's number in the store; null when it could not be saved there.
    pub run_id: Option<RunId>,
    pub record: RunRecord,
    pub graph: Graph,
    pub steps: Vec<StepView>,
}

impl RunView {
    pub fn new(run_id: Option<RunId>, record: RunRecord) -> RunView {
        RunView {
            run_id,
            graph: Graph::of_run(&record),
            steps: record.steps.iter().map(StepView::of).collect(),
            record,
        }
    }
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct StepView {
    pub step_id: String,
    /// The request as a curl command, secrets masked; null when nothing was sent.
    pub curl: Option<String>,
    /// An exchange's issued token against its subject token; null for other steps, a refused
    /// exchange or an opaque token.
    pub diff: Option<TokenDiff>,
}

impl StepView {
    fn of(step: &StepRecord) -> StepView {
        StepView {
            step_id: step.id.clone(),
            curl: step.request.as_ref().map(|r| r.to_curl()),
            diff: step_diff(step),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum RunPhase {
    Started,
    Finished,
}

/// The payload of the `run-progress` event.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct RunProgress {
    pub collection: String,
    pub scenario_id: String,
    /// The step's position in the scenario, from 0.
    #[ts(type = "number")]
    pub index: usize,
    pub step_id: String,
    pub phase: RunPhase,
    /// Set when `phase` is `finished`.
    pub record: Option<StepRecord>,
}

impl RunProgress {
    pub fn of(collection: &str, progress: Progress<'_>) -> RunProgress {
        match progress {
            Progress::StepStarted {
                scenario,
                index,
                step,
            } => RunProgress {
                collection: collection.to_string(),
                scenario_id: scenario.id.clone(),
                index,
                step_id: step.id.clone(),
                phase: RunPhase::Started,
                record: None,
            },
            Progress::StepFinished {
                scenario,
                index,
                record,
            } => RunProgress {
                collection: collection.to_string(),
                scenario_id: scenario.id.clone(),
                index,
                step_id: record.id.clone(),
                phase: RunPhase::Finished,
                record: Some(record.clone()),
            },
        }
    }
}

/// What discovery found at an issuer.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct DiscoveryView {
    pub metadata_url: String,
    pub token_endpoint: Option<String>,
    pub jwks_uri: Option<String>,
    pub introspection_endpoint: Option<String>,
    pub token_exchange_advertised: bool,
    pub findings: Vec<Finding>,
}

impl From<Discovery> for DiscoveryView {
    fn from(d: Discovery) -> Self {
        DiscoveryView {
            metadata_url: d.metadata_url,
            token_endpoint: d.metadata.token_endpoint,
            jwks_uri: d.metadata.jwks_uri,
            introspection_endpoint: d.metadata.introspection_endpoint,
            token_exchange_advertised: d.token_exchange_advertised,
            findings: d.findings,
        }
    }
}

/// Delegation or impersonation: with an actor token, or without.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum CompareMode {
    Delegation,
    Impersonation,
}

/// One side of a comparison: the scenario run up to the compared exchange, in one mode.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct CompareSide {
    pub mode: CompareMode,
    /// Not saved: `run_id` is null.
    pub run: RunView,
    /// The compared step in `run.record.steps`.
    pub step_id: String,
    /// How this variant differs from the saved step, in words.
    pub changes: Vec<String>,
}

/// An exchange step run as delegation and as impersonation, side by side.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct CompareView {
    pub collection: String,
    pub scenario_id: String,
    pub step_id: String,
    pub delegation: CompareSide,
    pub impersonation: CompareSide,
    /// The delegation side's issued token against the impersonation side's ("before" is
    /// impersonation, "after" delegation); null unless both sides issued a JWT.
    pub differences: Option<TokenDiff>,
}

/// The lab token service as its panel shows it.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct LabView {
    pub base_url: String,
    pub issuer: String,
    /// The policy running now, as the editor shows it.
    pub policy_toml: String,
    /// Whether it is the built-in policy.
    pub is_default: bool,
    /// Epoch milliseconds of the last (re)start.
    #[ts(type = "number")]
    pub restarted_at: u64,
    pub clients: Vec<LabClientView>,
    pub users: Vec<LabUserView>,
    pub audiences: Vec<String>,
    /// The security checks the policy switches off (`[checks]`), in a stable order: each one an
    /// attack the lab lets through on purpose. Empty for a lab that does all its checks.
    pub vulnerable: Vec<LabCheckView>,
    /// The faults in force (failing on purpose); all off normally.
    pub faults: LabFaultsView,
    /// Each fault in force, in words; empty when none.
    pub faults_in_force: Vec<String>,
    /// Checks a scenario switched off on the running lab, on top of the policy's.
    pub checks_off: Vec<String>,
}

/// The lab's faults, as the panel shows and sets them (the policy's `[faults]`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct LabFaultsView {
    /// Connections refused.
    pub down: bool,
    /// Milliseconds before every answer.
    #[ts(type = "number")]
    pub latency_ms: u64,
    /// Every request 503 with this `Retry-After` (seconds).
    #[ts(type = "number | null")]
    pub unavailable_retry_after: Option<u64>,
    /// The share of requests answered 503, 0 to 1.
    pub failure_rate: f64,
    /// Seconds the lab's clock runs ahead (negative: behind).
    #[ts(type = "number")]
    pub clock_skew_secs: i64,
}

impl From<baton_sts::Faults> for LabFaultsView {
    fn from(f: baton_sts::Faults) -> Self {
        LabFaultsView {
            down: f.down,
            latency_ms: f.latency_ms,
            unavailable_retry_after: f.unavailable_retry_after,
            failure_rate: f.failure_rate,
            clock_skew_secs: f.clock_skew_secs,
        }
    }
}

impl From<LabFaultsView> for baton_sts::Faults {
    fn from(f: LabFaultsView) -> Self {
        baton_sts::Faults {
            down: f.down,
            latency_ms: f.latency_ms,
            unavailable_retry_after: f.unavailable_retry_after,
            failure_rate: f.failure_rate,
            clock_skew_secs: f.clock_skew_secs,
        }
    }
}

/// A lab security check that is switched off.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct LabCheckView {
    /// Its key in the policy's `[checks]`, e.g. `actor_bound_to_client`.
    pub name: String,
    /// What the lab lets through while it is off.
    pub risk: String,
    /// What the lab enforces while it is on.
    pub description: String,
}

impl From<Check> for LabCheckView {
    fn from(c: Check) -> Self {
        LabCheckView {
            name: c.name().to_string(),
            risk: c.when_off().to_string(),
            description: c.description().to_string(),
        }
    }
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct LabClientView {
    pub client_id: String,
    pub description: Option<String>,
    /// How it authenticates (the RFC 8414 method name).
    pub auth: String,
    pub grants: Vec<String>,
    pub may_delegate: bool,
    pub may_impersonate: bool,
    pub audiences: Vec<String>,
    /// Who may act next for the subject of tokens issued to this client.
    pub may_act: Option<String>,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct LabUserView {
    pub username: String,
    pub scopes: Vec<String>,
    pub may_act: Option<String>,
}

impl LabView {
    pub fn of(lab: &StsHandle, policy_toml: &str, is_default: bool, restarted_at: u64) -> LabView {
        let policy = lab.policy();
        let may_act = |m: &Option<baton_sts::MayAct>| m.as_ref().map(|m| m.sub.clone());
        LabView {
            base_url: lab.base_url().to_string(),
            issuer: lab.issuer().to_string(),
            policy_toml: policy_toml.to_string(),
            is_default,
            restarted_at,
            clients: policy
                .clients
                .iter()
                .map(|c| LabClientView {
                    client_id: c.client_id.clone(),
                    description: c.description.clone(),
                    auth: c.auth.method_name().to_string(),
                    grants: c
                        .grants
                        .iter()
                        .map(|g| g.policy_name().to_string())
                        .collect(),
                    may_delegate: c.may_delegate,
                    may_impersonate: c.may_impersonate,
                    audiences: c.audiences.clone(),
                    may_act: may_act(&c.may_act),
                })
                .collect(),
            users: policy
                .users
                .iter()
                .map(|u| LabUserView {
                    username: u.username.clone(),
                    scopes: u.scopes.clone(),
                    may_act: may_act(&u.may_act),
                })
                .collect(),
            audiences: policy.audiences.iter().map(|a| a.name.clone()).collect(),
            vulnerable: policy
                .disabled_checks()
                .into_iter()
                .map(LabCheckView::from)
                .collect(),
            faults: lab.faults().into(),
            faults_in_force: lab.faults().describe(),
            checks_off: lab
                .checks_off()
                .iter()
                .map(|c| c.name().to_string())
                .collect(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum LabOutcome {
    Issued,
    Introspected,
    Served,
    Refused,
}

/// A request the lab answered. No secrets and no tokens.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct LabRequestView {
    /// Epoch milliseconds.
    #[ts(type = "number")]
    pub time_ms: u64,
    pub endpoint: String,
    pub grant_type: Option<String>,
    pub client_id: Option<String>,
    pub status: u16,
    pub outcome: LabOutcome,
    /// The issued token type, "active"/"inactive", or the refusal's error and description.
    pub detail: String,
}

impl From<&RequestLogEntry> for LabRequestView {
    fn from(e: &RequestLogEntry) -> Self {
        let (outcome, detail) = match &e.outcome {
            RequestOutcome::Issued { token_type } => (LabOutcome::Issued, token_type.clone()),
            RequestOutcome::Introspected { active } => (
                LabOutcome::Introspected,
                if *active { "active" } else { "inactive" }.to_string(),
            ),
            RequestOutcome::Served => (LabOutcome::Served, String::new()),
            RequestOutcome::Refused { error, description } => (
                LabOutcome::Refused,
                if description.is_empty() {
                    error.clone()
                } else {
                    format!("{error}: {description}")
                },
            ),
        };
        LabRequestView {
            time_ms: e
                .time
                .duration_since(UNIX_EPOCH)
                .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
                .unwrap_or(0),
            endpoint: e.endpoint.clone(),
            grant_type: e.grant_type.clone(),
            client_id: e.client_id.clone(),
            status: e.status,
            outcome,
            detail,
        }
    }
}

/// How one scenario of a collection run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ScenarioStatus {
    Passed,
    Failed,
    /// It could not run: a reference did not resolve, nothing was sent.
    Error,
    /// It was running when the run was cancelled.
    Cancelled,
    /// The run was cancelled before it started.
    NotRun,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct ScenarioResult {
    pub scenario_id: String,
    pub scenario_name: String,
    pub status: ScenarioStatus,
    /// Saved (`run_id` set) when the scenario ran to its end.
    pub run: Option<RunView>,
    /// Why it errored.
    pub error: Option<String>,
}

/// A collection run: one result per scenario asked for, in collection order.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct CollectionRunView {
    pub collection: String,
    pub environment: Option<String>,
    pub cancelled: bool,
    pub results: Vec<ScenarioResult>,
}

/// The payload of the `collection-progress` event.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct CollectionProgress {
    pub collection: String,
    pub scenario_id: String,
    /// From 0.
    #[ts(type = "number")]
    pub position: usize,
    #[ts(type = "number")]
    pub total: usize,
    pub phase: RunPhase,
    /// Set when `phase` is `finished`.
    pub status: Option<ScenarioStatus>,
    pub run_id: Option<RunId>,
}

/// The file format of an exported diagram.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum DiagramFormat {
    Svg,
    Png,
}

/// Where a secret is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum SecretLocation {
    /// The operating system's keyring (Secret Service, Keychain, Credential Manager).
    Keyring,
    /// Baton's store, unencrypted.
    Store,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct SecretEntry {
    pub name: String,
    pub stored_in: SecretLocation,
}

/// The secrets the app holds (names only, never values) and where new ones go.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct SecretsView {
    pub keyring: KeyringStatus,
    pub secrets: Vec<SecretEntry>,
}
