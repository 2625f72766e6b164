//! `baton diff`: what changed between two run reports, timings aside; or, between two probe
//! reports, the probes whose outcome changed.

use std::path::Path;

use baton_core::probe::report::{from_json as probe_report_from_json, is_probe_report};
use baton_core::probe::{ProbeReport, diff_reports};
use baton_core::report::diff;
use serde_json::Value;

use crate::cli::DiffArgs;
use crate::commands::graph::read_report;
use crate::error::{CliError, usage};

pub fn run(args: &DiffArgs) -> Result<(), CliError> {
    match (is_probe(&args.before)?, is_probe(&args.after)?) {
        (true, true) => return probes(args),
        (false, false) => {}
        (before, _) => {
            let (probe, other) = if before {
                (&args.before, &args.after)
            } else {
                (&args.after, &args.before)
            };
            return Err(usage(format!(
                "{} is a probe report and {} is not: `baton diff` compares two run reports or two probe reports",
                probe.display(),
                other.display()
            )));
        }
    }
    let before = read_report(&args.before)?;
    let after = read_report(&args.after)?;
    let before: Vec<_> = before.records().cloned().collect();
    let after: Vec<_> = after.records().cloned().collect();
    let changes = diff(&before, &after);
    if changes.is_empty() {
        println!(
            "No differences: {} and {} agree on every status, claim, finding and assertion.",
            args.before.display(),
            args.after.display()
        );
        return Ok(());
    }
    let lines = changes.lines();
    for line in &lines {
        println!("{line}");
    }
    Err(CliError::Refused(format!("{} differences", lines.len())))
}

/// Whether the file has a probe report's shape. Text that is not JSON is left for the run
/// report reader, whose message says what it is.
fn is_probe(path: &Path) -> Result<bool, CliError> {
    let text = read(path)?;
    Ok(serde_json::from_str::<Value>(&text).is_ok_and(|v| is_probe_report(&v)))
}

fn read(path: &Path) -> Result<String, CliError> {
    std::fs::read_to_string(path)
        .map_err(|e| usage(format!("{} could not be read: {e}", path.display())))
}

fn read_probe_report(path: &Path) -> Result<ProbeReport, CliError> {
    probe_report_from_json(&read(path)?, &path.display().to_string())
        .map_err(|e| usage(e.to_string()))
}

/// The probes whose outcome changed, regressions first; exit 1 when one regressed.
fn probes(args: &DiffArgs) -> Result<(), CliError> {
    let before = read_probe_report(&args.before)?;
    let after = read_probe_report(&args.after)?;
    let changes = diff_reports(&before, &after);
    println!(
        "Probes: {} (grade {}) → {} (grade {})",
        args.before.display(),
        before.grade,
        args.after.display(),
        after.grade
    );
    if changes.is_empty() {
        println!("No probe changed its outcome.");
        return Ok(());
    }
    let width = changes.iter().map(|c| c.id.len()).max().unwrap_or(0);
    for c in &changes {
        let kind = if c.is_regression() {
            "regressed"
        } else if c.is_fix() {
            "fixed"
        } else {
            "changed"
        };
        println!(
            "  {kind:<9}  {:<width$}  {:<18}  {}",
            c.id,
            c.describe(),
            c.title
        );
    }
    let regressed = changes.iter().filter(|c| c.is_regression()).count();
    if regressed > 0 {
        return Err(CliError::Refused(format!(
            "{regressed} probe{} regressed (pass → fail)",
            if regressed == 1 { "" } else { "s" }
        )));
    }
    Ok(())
}
