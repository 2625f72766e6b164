//! `baton diff`: what changed between two run reports, timings aside.

use baton_core::report::diff;

use crate::cli::DiffArgs;
use crate::commands::graph::read_report;
use crate::error::CliError;

pub fn run(args: &DiffArgs) -> Result<(), CliError> {
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
