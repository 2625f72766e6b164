//! The probes whose outcome changed between two reports: a server that regressed, or was fixed.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{ProbeOutcome, ProbeReport};

/// A probe whose outcome differs between an earlier and a later report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ProbeChange {
    pub id: String,
    pub title: String,
    /// `None`: the probe was not in that report.
    pub before: Option<ProbeOutcome>,
    pub after: Option<ProbeOutcome>,
}

impl ProbeChange {
    /// Passed before, fails now.
    pub fn is_regression(&self) -> bool {
        self.before == Some(ProbeOutcome::Pass) && self.after == Some(ProbeOutcome::Fail)
    }

    /// Failed before, passes now.
    pub fn is_fix(&self) -> bool {
        self.before == Some(ProbeOutcome::Fail) && self.after == Some(ProbeOutcome::Pass)
    }

    /// `pass → fail`, `(absent) → skip`.
    pub fn describe(&self) -> String {
        let side = |o: Option<ProbeOutcome>| o.map_or("(absent)", ProbeOutcome::as_str);
        format!("{} → {}", side(self.before), side(self.after))
    }

    fn rank(&self) -> u8 {
        if self.is_regression() {
            0
        } else if self.is_fix() {
            1
        } else {
            2
        }
    }
}

/// Every probe whose outcome changed from `before` to `after`, or that is in only one of them:
/// regressions (pass → fail) first, then fixes (fail → pass), then the rest; within each, in the
/// later report's order, then the earlier one's for probes it no longer has.
pub fn diff_reports(before: &ProbeReport, after: &ProbeReport) -> Vec<ProbeChange> {
    let earlier: HashMap<&str, ProbeOutcome> = before
        .results
        .iter()
        .map(|r| (r.id.as_str(), r.outcome))
        .collect();
    let later: HashMap<&str, ProbeOutcome> = after
        .results
        .iter()
        .map(|r| (r.id.as_str(), r.outcome))
        .collect();
    let mut changes: Vec<ProbeChange> = after
        .results
        .iter()
        .filter(|r| earlier.get(r.id.as_str()) != Some(&r.outcome))
        .map(|r| ProbeChange {
            id: r.id.clone(),
            title: r.title.clone(),
            before: earlier.get(r.id.as_str()).copied(),
            after: Some(r.outcome),
        })
        .collect();
    changes.extend(
        before
            .results
            .iter()
            .filter(|r| !later.contains_key(r.id.as_str()))
            .map(|r| ProbeChange {
                id: r.id.clone(),
                title: r.title.clone(),
                before: Some(r.outcome),
                after: None,
            }),
    );
    changes.sort_by_key(ProbeChange::rank);
    changes
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::findings::Severity;
    use crate::probe::ProbeGroup;
    use crate::probe::report::tests::{result, sample};

    fn with(report: &ProbeReport, id: &str, outcome: ProbeOutcome) -> ProbeReport {
        let mut changed = report.clone();
        for r in changed.results.iter_mut().filter(|r| r.id == id) {
            r.outcome = outcome;
        }
        changed
    }

    #[test]
    fn the_same_report_has_no_changes() {
        assert_eq!(diff_reports(&sample(), &sample()), []);
    }

    #[test]
    fn regressions_come_first_then_fixes_then_the_rest() {
        use ProbeOutcome::*;
        let before = sample();
        let mut after = with(&before, "revocation.revoked", Pass); // skip → pass
        after = with(&after, "chain.upstream-splice", Pass); // fail → pass
        after = with(&after, "chain.swap", Fail); // pass → fail
        after = with(&after, "baseline.delegation", Fail); // pass → fail
        after.results.retain(|r| r.id != "baseline.plain"); // gone
        after.results.push(result(
            "metadata.issuer",
            ProbeGroup::Metadata,
            Severity::Error,
            Skip,
            "no metadata",
        )); // new

        let changes = diff_reports(&before, &after);
        let ids: Vec<(&str, String)> = changes
            .iter()
            .map(|c| (c.id.as_str(), c.describe()))
            .collect();
        assert_eq!(
            ids,
            [
                ("baseline.delegation", "pass → fail".to_string()),
                ("chain.swap", "pass → fail".to_string()),
                ("chain.upstream-splice", "fail → pass".to_string()),
                ("revocation.revoked", "skip → pass".to_string()),
                ("metadata.issuer", "(absent) → skip".to_string()),
                ("baseline.plain", "pass → (absent)".to_string()),
            ]
        );
        assert!(changes[0].is_regression() && changes[1].is_regression());
        assert!(changes[2].is_fix() && !changes[2].is_regression());
        assert_eq!(changes[0].title, "Title of baseline.delegation");
    }
}
