//! `baton graph`: the delegation graph of a run report, on standard output or in a file.

use std::io::{IsTerminal, Write};
use std::path::Path;

use baton_core::report::{RunReport, dot, mermaid, png, svg};
use baton_core::scenario::Graph;

use crate::cli::GraphArgs;
use crate::commands::run::write_atomically;
use crate::commands::scenario_filter;
use crate::error::{CliError, usage};

pub fn run(args: &GraphArgs) -> Result<(), CliError> {
    let report = read_report(&args.report)?;
    let filter = scenario_filter(args.filter.as_deref())?;
    let runs: Vec<_> = report
        .runs
        .iter()
        .filter(|r| {
            filter.as_ref().is_none_or(|f| {
                f.is_match(&r.record.scenario_id) || f.is_match(&r.record.scenario_name)
            })
        })
        .collect();
    if runs.is_empty() {
        return Err(usage(format!(
            "{}: no scenario to draw{}",
            args.report.display(),
            args.filter
                .as_deref()
                .map(|f| format!(" matches --filter {f:?}"))
                .unwrap_or_default()
        )));
    }
    let mut graph = Graph::default();
    for run in &runs {
        graph.extend(run.graph.clone());
    }
    let drawing = if args.png {
        png(&graph).map_err(|e| usage(format!("the PNG could not be drawn: {e}")))?
    } else if args.dot {
        dot(&graph).into_bytes()
    } else if args.mermaid {
        mermaid(&graph).into_bytes()
    } else {
        svg(&graph).into_bytes()
    };
    match &args.output {
        Some(file) => {
            write_atomically(file, &drawing)?;
            eprintln!("Wrote the graph to {}", file.display());
            Ok(())
        }
        // Binary on a terminal is garbage on the screen, and can leave the terminal unusable.
        None if args.png && std::io::stdout().is_terminal() => Err(usage(
            "a PNG is binary and standard output is a terminal: write it to a file with \
             -o FILE, or redirect it (> graph.png)",
        )),
        None => std::io::stdout()
            .lock()
            .write_all(&drawing)
            .and_then(|()| std::io::stdout().lock().flush())
            .map_err(|e| usage(format!("standard output could not be written: {e}"))),
    }
}

pub fn read_report(path: &Path) -> Result<RunReport, CliError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| usage(format!("{} could not be read: {e}", path.display())))?;
    RunReport::from_json(&text, &path.display().to_string()).map_err(|e| usage(e.to_string()))
}
