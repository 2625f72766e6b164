//! Runs the selected probes one after another (several change the server's state: revocation,
//! chains), reports progress, stops between probes when cancelled, and builds the report card.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use crate::findings::Severity;

use super::session::{ProbeSession, Probing};
use super::{
    GroupScore, PROBE_REPORT_VERSION, Probe, ProbeGroup, ProbeOutcome, ProbeReport, ProbeResult,
    catalogue,
};

/// Which probes to run: every one, or those whose group or id is named.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Selection {
    /// Group names (`chain`) or probe ids (`chain.upstream-splice`); empty means all.
    pub only: Vec<String>,
}

impl Selection {
    /// The probes selected, in catalogue order. A name that is neither a group nor a probe is
    /// an error that lists the groups.
    pub fn probes(&self) -> Result<Vec<Probe>, String> {
        let all = catalogue();
        for name in &self.only {
            if ProbeGroup::parse(name).is_none() && !all.iter().any(|p| p.id == name) {
                return Err(format!(
                    "--only {name:?} is neither a probe group ({}) nor a probe id (`baton probe --list` lists them)",
                    ProbeGroup::ALL.map(ProbeGroup::as_str).join(", ")
                ));
            }
        }
        Ok(all
            .into_iter()
            .filter(|p| {
                self.only.is_empty() || self.only.iter().any(|n| n == p.id || n == p.group.as_str())
            })
            .collect())
    }
}

/// What a probe run reports while it goes.
#[derive(Debug, Clone, Copy)]
pub enum ProbeProgress<'a> {
    Started {
        index: usize,
        total: usize,
        probe: &'a Probe,
    },
    Finished {
        index: usize,
        total: usize,
        result: &'a ProbeResult,
    },
}

/// Runs `probes` against the session's server. Cancelling stops before the next probe; the
/// report then holds what finished and says it was cancelled.
pub async fn run(
    session: Arc<ProbeSession>,
    probes: &[Probe],
    progress: &mut (dyn FnMut(ProbeProgress<'_>) + Send),
    cancel: &AtomicBool,
) -> ProbeReport {
    let started_at = session.now();
    let started = Instant::now();
    let total = probes.len();
    let mut results = Vec::with_capacity(total);
    let mut cancelled = false;
    // Probes in a row whose every request got no answer at all.
    let mut unanswered = 0usize;
    // Refresh tokens seen so far: masked in every result, wherever a later probe sends one.
    let mut refresh_tokens = crate::redact::Redactor::default();
    for (index, probe) in probes.iter().enumerate() {
        if cancel.load(Ordering::SeqCst) {
            cancelled = true;
            break;
        }
        if unanswered >= GIVE_UP_AFTER_UNANSWERED {
            let result = not_run(
                probe,
                format!(
                    "not run: the server stopped answering ({GIVE_UP_AFTER_UNANSWERED} probes in a row got no response at all); check that it is up and reachable, then probe again"
                ),
            );
            progress(ProbeProgress::Finished {
                index,
                total,
                result: &result,
            });
            results.push(result);
            continue;
        }
        progress(ProbeProgress::Started {
            index,
            total,
            probe,
        });
        let probing = Probing::new(session.clone());
        let verdict = (probe.run)(&probing).await;
        let mut result = ProbeResult {
            id: probe.id.to_string(),
            group: probe.group,
            title: probe.title.to_string(),
            rfc: probe.rfc.to_string(),
            severity: probe.severity,
            outcome: verdict.outcome(),
            reason: verdict.reason().to_string(),
            fix: probe.fix.to_string(),
            exchanges: probing.take_exchanges(),
        };
        crate::redact::mask_refresh_tokens_in_probe(&mut result, &mut refresh_tokens);
        let no_answer =
            !result.exchanges.is_empty() && result.exchanges.iter().all(|e| e.response.is_none());
        unanswered = if no_answer { unanswered + 1 } else { 0 };
        progress(ProbeProgress::Finished {
            index,
            total,
            result: &result,
        });
        results.push(result);
    }
    let elapsed_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    build_report(
        session.collection_name(),
        &session.server.id,
        &session.server.token_endpoint,
        session.environment(),
        started_at,
        elapsed_ms,
        cancelled,
        results,
    )
}

/// After this many probes in a row got no response to any request, the rest are not sent: a
/// server that is down would otherwise cost every remaining request its full timeout.
const GIVE_UP_AFTER_UNANSWERED: usize = 3;

/// A probe that was not run, skipped with `reason`.
fn not_run(probe: &Probe, reason: String) -> ProbeResult {
    ProbeResult {
        id: probe.id.to_string(),
        group: probe.group,
        title: probe.title.to_string(),
        rfc: probe.rfc.to_string(),
        severity: probe.severity,
        outcome: ProbeOutcome::Skip,
        reason,
        fix: probe.fix.to_string(),
        exchanges: Vec::new(),
    }
}

/// The report card for `results`: a score per group and overall, and the grade.
#[allow(clippy::too_many_arguments)]
pub(crate) fn build_report(
    collection: &str,
    server: &str,
    token_endpoint: &str,
    environment: Option<&str>,
    started_at: i64,
    elapsed_ms: u64,
    cancelled: bool,
    results: Vec<ProbeResult>,
) -> ProbeReport {
    let groups: Vec<GroupScore> = ProbeGroup::ALL
        .into_iter()
        .filter(|g| results.iter().any(|r| r.group == *g))
        .map(|g| score(g, g.title(), results.iter().filter(|r| r.group == g)))
        .collect();
    let overall = score(ProbeGroup::Baseline, "Overall", results.iter());
    let grade = grade(&results).to_string();
    ProbeReport {
        report_version: PROBE_REPORT_VERSION,
        collection: collection.to_string(),
        server: server.to_string(),
        token_endpoint: token_endpoint.to_string(),
        environment: environment.map(str::to_string),
        started_at,
        elapsed_ms,
        cancelled,
        results,
        groups,
        overall,
        grade,
    }
}

fn score<'a>(
    group: ProbeGroup,
    title: &str,
    results: impl Iterator<Item = &'a ProbeResult>,
) -> GroupScore {
    let (mut passed, mut failed, mut skipped) = (0u32, 0u32, 0u32);
    for r in results {
        match r.outcome {
            ProbeOutcome::Pass => passed = passed.saturating_add(1),
            ProbeOutcome::Fail => failed = failed.saturating_add(1),
            ProbeOutcome::Skip => skipped = skipped.saturating_add(1),
        }
    }
    let judged = u64::from(passed) + u64::from(failed);
    let score =
        (judged > 0).then(|| u32::try_from(u64::from(passed) * 100 / judged).unwrap_or(100));
    GroupScore {
        group,
        title: title.to_string(),
        passed,
        failed,
        skipped,
        score,
    }
}

/// A: nothing failed. B: only info or warning failures. C, D, F: one or two, three to five,
/// more than five error-level failures. `-`: every probe was skipped.
fn grade(results: &[ProbeResult]) -> &'static str {
    let failed = |s: Severity| {
        results
            .iter()
            .filter(|r| r.outcome == ProbeOutcome::Fail && r.severity == s)
            .count()
    };
    let judged = results.iter().any(|r| r.outcome != ProbeOutcome::Skip);
    match failed(Severity::Error) {
        // Nothing was judged: no grade, rather than an A for a server never asked anything.
        _ if !judged => "-",
        0 if failed(Severity::Warning) == 0 && failed(Severity::Info) == 0 => "A",
        0 => "B",
        1..=2 => "C",
        3..=5 => "D",
        _ => "F",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn result(outcome: ProbeOutcome, severity: Severity) -> ProbeResult {
        ProbeResult {
            id: "x.y".into(),
            group: ProbeGroup::Request,
            title: String::new(),
            rfc: String::new(),
            severity,
            outcome,
            reason: String::new(),
            fix: String::new(),
            exchanges: Vec::new(),
        }
    }

    #[test]
    fn the_grade_follows_the_worst_failures() {
        use ProbeOutcome::*;
        use Severity::*;
        let grade_of = |rs: Vec<ProbeResult>| grade(&rs);
        assert_eq!(
            grade_of(vec![result(Pass, Error), result(Skip, Error)]),
            "A"
        );
        assert_eq!(
            grade_of(vec![result(Pass, Error), result(Fail, Warning)]),
            "B"
        );
        assert_eq!(grade_of(vec![result(Fail, Error), result(Fail, Info)]), "C");
        assert_eq!(grade_of(vec![result(Fail, Error); 4]), "D");
        assert_eq!(grade_of(vec![result(Fail, Error); 6]), "F");
        assert_eq!(grade_of(vec![result(Skip, Error); 3]), "-");
    }

    #[test]
    fn scores_count_only_what_was_judged() {
        use ProbeOutcome::*;
        let rs = [
            result(Pass, Severity::Error),
            result(Fail, Severity::Error),
            result(Skip, Severity::Error),
            result(Pass, Severity::Error),
        ];
        let s = score(ProbeGroup::Request, "t", rs.iter());
        assert_eq!(
            (s.passed, s.failed, s.skipped, s.score),
            (2, 1, 1, Some(66))
        );
        let none = score(
            ProbeGroup::Request,
            "t",
            [result(Skip, Severity::Info)].iter(),
        );
        assert_eq!(none.score, None);
    }
}
