//! What the commands return and the events carry, beyond the crates' own types: each is made
//! from those types here, with no protocol logic of its own.

use baton_core::discovery::Discovery;
use baton_core::findings::Finding;
use baton_core::scenario::{Graph, Progress, RunRecord, StepRecord, TokenDiff, step_diff};
use baton_store::{CollectionSummary, RunId};
use baton_sts::StsHandle;
use serde::Serialize;
use ts_rs::TS;

/// What the app shows on launch.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct Workspace {
    pub collections: Vec<CollectionSummary>,
    pub lab: LabInfo,
    /// The folder that holds the store (`baton.sqlite`).
    pub data_dir: String,
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
