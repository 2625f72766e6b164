//! `baton graph`: the delegation graph of a run report, on standard output.

use std::path::Path;

use baton_core::report::{RunReport, dot, mermaid, svg};
use baton_core::scenario::Graph;

use crate::cli::GraphArgs;
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
    let graph = Graph {
        nodes: runs.iter().flat_map(|r| r.graph.nodes.clone()).collect(),
        edges: runs.iter().flat_map(|r| r.graph.edges.clone()).collect(),
    };
    let text = if args.dot {
        dot(&graph)
    } else if args.mermaid {
        mermaid(&graph)
    } else {
        svg(&graph)
    };
    print!("{text}");
    Ok(())
}

pub fn read_report(path: &Path) -> Result<RunReport, CliError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| usage(format!("{} could not be read: {e}", path.display())))?;
    RunReport::from_json(&text, &path.display().to_string()).map_err(|e| usage(e.to_string()))
}
