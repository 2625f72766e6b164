//! What the probe commands return and the `probe-progress` event carries. Like the probe report
//! itself (`baton probe --json`), these cross IPC with camelCase field names.

use baton_core::findings::Severity;
use baton_core::probe::{Probe, ProbeGroup, ProbeOutcome, ProbeProgress, ProbeReport};
use serde::Serialize;
use ts_rs::TS;

use super::RunPhase;

/// A probe as the catalogue lists it: what it measures, not how.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ProbeInfo {
    /// Stable: `group.name`, e.g. `chain.upstream-splice`.
    pub id: String,
    pub group: ProbeGroup,
    /// The group's title on the report card.
    pub group_title: String,
    pub title: String,
    /// The section measured, e.g. `RFC 8693 §2.1`.
    pub rfc: String,
    pub severity: Severity,
    /// How a server fixes a failure.
    pub fix: String,
}

impl From<&Probe> for ProbeInfo {
    fn from(p: &Probe) -> Self {
        ProbeInfo {
            id: p.id.to_string(),
            group: p.group,
            group_title: p.group.title().to_string(),
            title: p.title.to_string(),
            rfc: p.rfc.to_string(),
            severity: p.severity,
            fix: p.fix.to_string(),
        }
    }
}

/// The payload of the `probe-progress` event, sent as each probe starts and finishes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ProbeRunProgress {
    pub collection: String,
    /// The probed server's id in the collection.
    pub server: String,
    /// The probe's position in the run, from 0.
    #[ts(type = "number")]
    pub index: usize,
    /// How many probes the run has.
    #[ts(type = "number")]
    pub total: usize,
    pub probe_id: String,
    pub title: String,
    pub group: ProbeGroup,
    pub phase: RunPhase,
    /// Set when `phase` is `finished`.
    pub outcome: Option<ProbeOutcome>,
}

impl ProbeRunProgress {
    pub fn of(collection: &str, server: &str, progress: ProbeProgress<'_>) -> ProbeRunProgress {
        let base = |index, total, id: &str, title: &str, group, phase, outcome| ProbeRunProgress {
            collection: collection.to_string(),
            server: server.to_string(),
            index,
            total,
            probe_id: id.to_string(),
            title: title.to_string(),
            group,
            phase,
            outcome,
        };
        match progress {
            ProbeProgress::Started {
                index,
                total,
                probe,
            } => base(
                index,
                total,
                probe.id,
                probe.title,
                probe.group,
                RunPhase::Started,
                None,
            ),
            ProbeProgress::Finished {
                index,
                total,
                result,
            } => base(
                index,
                total,
                &result.id,
                &result.title,
                result.group,
                RunPhase::Finished,
                Some(result.outcome),
            ),
        }
    }
}

/// A probe run as the app shows it: the report, and its number in the store.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ProbeRunView {
    /// Null when the report could not be saved (it is shown all the same).
    #[ts(type = "number | null")]
    pub run_id: Option<i64>,
    pub report: ProbeReport,
}
