//! JUnit XML, for CI systems: a test case per scenario, failed assertions as failures, steps
//! that could not run as errors.

use std::fmt::Write;

use crate::report::xml;
use crate::scenario::record::{RunRecord, StepRecord, StepStatus};

/// One `<testsuite>` named `suite`, one `<testcase>` per run (class name: the collection; name:
/// the scenario). A scenario with an errored step is an error, else one with a failed assertion
/// is a failure (every failed assertion listed), else one whose every step was skipped is
/// skipped. `<system-out>` has a line per step.
pub fn junit(suite: &str, records: &[RunRecord]) -> String {
    let cases: Vec<Case> = records.iter().map(Case::of).collect();
    let count = |v: Verdict| cases.iter().filter(|c| c.verdict == v).count();
    let (failures, errors, skipped) = (
        count(Verdict::Failure),
        count(Verdict::Error),
        count(Verdict::Skipped),
    );
    let total_ms: u64 = records.iter().map(|r| r.elapsed_ms).sum();

    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let totals = format!(
        "tests=\"{}\" failures=\"{failures}\" errors=\"{errors}\" skipped=\"{skipped}\" time=\"{}\"",
        records.len(),
        seconds(total_ms)
    );
    let _ = writeln!(out, "<testsuites name=\"{}\" {totals}>", xml::attr(suite));
    let _ = writeln!(out, "  <testsuite name=\"{}\" {totals}>", xml::attr(suite));
    for (record, case) in records.iter().zip(&cases) {
        let _ = write!(
            out,
            "    <testcase classname=\"{}\" name=\"{}\" time=\"{}\">",
            xml::attr(&record.collection),
            xml::attr(&record.scenario_name),
            seconds(record.elapsed_ms)
        );
        out.push('\n');
        for (step, error) in &case.errors {
            let message = format!("{}: {error}", step.name);
            let _ = writeln!(
                out,
                "      <error message=\"{}\" type=\"step error\">{}</error>",
                xml::attr(&message),
                xml::text(&message)
            );
        }
        if !case.failures.is_empty() {
            let (n, first) = (case.failures.len(), &case.failures[0]);
            let message = if n == 1 {
                first.clone()
            } else {
                format!("{n} assertions failed; the first: {first}")
            };
            let _ = writeln!(
                out,
                "      <failure message=\"{}\" type=\"assertion\">{}</failure>",
                xml::attr(&message),
                xml::text(&case.failures.join("\n"))
            );
        }
        if case.verdict == Verdict::Skipped {
            let _ = writeln!(
                out,
                "      <skipped message=\"{}\"/>",
                xml::attr("no step of the scenario ran")
            );
        }
        let _ = writeln!(
            out,
            "      <system-out>{}</system-out>",
            xml::text(&summary(record))
        );
        out.push_str("    </testcase>\n");
    }
    out.push_str("  </testsuite>\n</testsuites>\n");
    out
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Verdict {
    Pass,
    Failure,
    Error,
    Skipped,
}

struct Case<'a> {
    verdict: Verdict,
    /// `step: message` for every assertion that did not hold.
    failures: Vec<String>,
    errors: Vec<(&'a StepRecord, String)>,
}

impl<'a> Case<'a> {
    fn of(record: &'a RunRecord) -> Self {
        let failures: Vec<String> = record
            .failures()
            .map(|(step, a)| format!("{}: {}", step.name, a.message))
            .collect();
        let errors: Vec<(&StepRecord, String)> = record
            .steps
            .iter()
            .filter(|s| s.status == StepStatus::Error)
            .map(|s| {
                let why = s
                    .error
                    .clone()
                    .unwrap_or_else(|| "the step could not run".into());
                (s, why)
            })
            .collect();
        let all_skipped = !record.steps.is_empty()
            && record.steps.iter().all(|s| s.status == StepStatus::Skipped);
        let verdict = if !errors.is_empty() {
            Verdict::Error
        } else if !failures.is_empty() {
            Verdict::Failure
        } else if all_skipped {
            Verdict::Skipped
        } else if !record.passed() {
            Verdict::Failure
        } else {
            Verdict::Pass
        };
        let mut case = Case {
            verdict,
            failures,
            errors,
        };
        // A run recorded as failed with no failed assertion or errored step still fails, and
        // says which steps did not pass.
        if verdict == Verdict::Failure && case.failures.is_empty() {
            let not_passed: Vec<String> = record
                .steps
                .iter()
                .filter(|s| s.status != StepStatus::Passed)
                .map(|s| format!("{}: {}", s.name, s.status.as_str()))
                .collect();
            case.failures.push(if not_passed.is_empty() {
                "the run is recorded as failed".to_string()
            } else {
                format!("the run failed: {}", not_passed.join(", "))
            });
        }
        case
    }
}

/// A line per step: status, name, kind, HTTP status or OAuth error, time.
fn summary(record: &RunRecord) -> String {
    let mut lines = Vec::new();
    for step in &record.steps {
        let mut line = format!(
            "[{}] {} ({})",
            step.status.as_str(),
            step.name,
            step.kind.as_str()
        );
        if let Some(response) = &step.response {
            let _ = write!(line, " HTTP {}", response.status);
            if let Some(e) = response.error() {
                let _ = write!(line, " {}", e.error);
            }
        }
        let _ = write!(line, " {} ms", step.elapsed_ms);
        if step.from_cache {
            line.push_str(" from cache");
        }
        if let Some(error) = &step.error {
            let _ = write!(line, ": {error}");
        }
        for a in step.assertions.iter().filter(|a| !a.passed) {
            let _ = write!(line, "\n    assertion failed: {}", a.message);
        }
        if let Some(stats) = &step.repeat {
            let _ = write!(line, "\n    repeated: {}", stats.describe());
        }
        lines.push(line);
    }
    lines.join("\n")
}

fn seconds(ms: u64) -> String {
    format!("{}.{:03}", ms / 1000, ms % 1000)
}
