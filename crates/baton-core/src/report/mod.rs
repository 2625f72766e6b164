//! What a run leaves for people and tools outside the app: the JSON report `baton run` writes
//! and `baton diff` reads, the delegation graph as SVG, PNG, Graphviz DOT and Mermaid, JUnit XML for
//! CI, and the differences between two reports.

mod card;
pub mod diff;
pub mod dot;
pub mod junit;
pub mod layout;
pub mod mermaid;
pub mod png;
pub mod svg;
pub(crate) mod xml;

use serde::{Deserialize, Serialize};
use serde_json::Value as Json;

use crate::scenario::graph::Graph;
use crate::scenario::record::{RECORD_VERSION, RunRecord};

pub use diff::{Change, Detail, DiffOptions, RunDiff, Side, TokenForm, diff, diff_with};
pub use dot::dot;
pub use junit::junit;
pub use mermaid::mermaid;
pub use png::{PngError, png};
pub use svg::svg;

/// The version of the report layout; a reader refuses reports from a newer one.
pub const REPORT_VERSION: u32 = 1;

/// The runs of one `baton run`, each with its graph. It holds no wall-clock time of its own, so
/// two runs against a deterministic lab give the same report apart from `elapsed_ms`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunReport {
    pub report_version: u32,
    pub runs: Vec<ScenarioRun>,
}

/// One scenario's run and the graph drawn from it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScenarioRun {
    pub record: RunRecord,
    pub graph: Graph,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReportError {
    #[error("{origin} is not JSON: {message} (line {line}, column {column})")]
    NotJson {
        origin: String,
        message: String,
        line: usize,
        column: usize,
    },
    #[error("{origin} is not a Baton report: {reason}")]
    NotAReport { origin: String, reason: String },
    #[error(
        "{origin} is a version {found} Baton report, newer than this Baton reads (version \
         {supported} and older); update Baton to read it"
    )]
    TooNew {
        origin: String,
        found: u64,
        supported: u32,
    },
    #[error(
        "{origin}: run {index} (scenario {scenario:?}) is recorded in version {found} of the run \
         record, newer than this Baton reads (version {supported} and older); update Baton to \
         read it"
    )]
    RecordTooNew {
        origin: String,
        index: usize,
        scenario: String,
        found: u64,
        supported: u32,
    },
    #[error("{origin} is a Baton report, but {message} (line {line}, column {column})")]
    Malformed {
        origin: String,
        message: String,
        line: usize,
        column: usize,
    },
    #[error("the report could not be written as JSON: {0}")]
    Write(String),
}

impl RunReport {
    /// A report of these runs, in this order, each with its graph.
    pub fn new(records: Vec<RunRecord>) -> Self {
        RunReport {
            report_version: REPORT_VERSION,
            runs: records
                .into_iter()
                .map(|record| ScenarioRun {
                    graph: Graph::of_run(&record),
                    record,
                })
                .collect(),
        }
    }

    pub fn records(&self) -> impl Iterator<Item = &RunRecord> {
        self.runs.iter().map(|r| &r.record)
    }

    /// Every run's graph in one, for drawing a whole report.
    pub fn graph(&self) -> Graph {
        let mut graph = Graph::default();
        for run in &self.runs {
            graph.extend(run.graph.clone());
        }
        graph
    }

    /// Whether every run passed.
    pub fn passed(&self) -> bool {
        self.runs.iter().all(|r| r.record.passed())
    }

    /// The report as pretty-printed JSON, members in a stable order.
    pub fn to_json(&self) -> Result<String, ReportError> {
        serde_json::to_string_pretty(self).map_err(|e| ReportError::Write(e.to_string()))
    }

    /// Reads a report; `origin` (usually the file's path) names it in errors. Says what the text
    /// is instead when it is not a report, and refuses a report or record from a newer Baton
    /// before trying to read its contents.
    pub fn from_json(text: &str, origin: &str) -> Result<RunReport, ReportError> {
        let origin = origin.to_string();
        let value: Json = match serde_json::from_str(text) {
            Ok(v) => v,
            Err(e) => return Err(not_json(text, origin, &e)),
        };
        let Json::Object(top) = &value else {
            return Err(ReportError::NotAReport {
                reason: format!("it is a JSON {}, not an object", json_kind(&value)),
                origin,
            });
        };
        let Some(version) = top.get("report_version") else {
            let reason = if top.contains_key("record_version") && top.contains_key("scenario_id") {
                "it is a single run record, not a report (a report has `report_version` and `runs`)"
                    .to_string()
            } else if top.contains_key("nodes") && top.contains_key("edges") {
                "it is a graph, not a report (a report has `report_version` and `runs`)".to_string()
            } else {
                "it has no `report_version` member".to_string()
            };
            return Err(ReportError::NotAReport { origin, reason });
        };
        let found = match version.as_u64() {
            Some(v) if v >= 1 => v,
            _ => {
                return Err(ReportError::NotAReport {
                    reason: format!("`report_version` is {version}, not a version Baton writes"),
                    origin,
                });
            }
        };
        if found > u64::from(REPORT_VERSION) {
            return Err(ReportError::TooNew {
                origin,
                found,
                supported: REPORT_VERSION,
            });
        }
        if let Some(Json::Array(runs)) = top.get("runs") {
            for (index, run) in runs.iter().enumerate() {
                let record = run.get("record");
                let found = record.and_then(|r| r.get("record_version"));
                if let Some(found) = found.and_then(Json::as_u64)
                    && found > u64::from(RECORD_VERSION)
                {
                    let scenario = record
                        .and_then(|r| r.get("scenario_id"))
                        .and_then(Json::as_str)
                        .unwrap_or("?")
                        .to_string();
                    return Err(ReportError::RecordTooNew {
                        origin,
                        index,
                        scenario,
                        found,
                        supported: RECORD_VERSION,
                    });
                }
            }
        }
        // Parsed again from the text, so that a mistake is reported with its line and column.
        serde_json::from_str(text).map_err(|e| ReportError::Malformed {
            origin,
            message: strip_position(&e.to_string()),
            line: e.line(),
            column: e.column(),
        })
    }
}

pub(crate) fn not_json(text: &str, origin: String, e: &serde_json::Error) -> ReportError {
    let start = text.trim_start();
    if start.is_empty() {
        return ReportError::NotAReport {
            origin,
            reason: "it is empty".into(),
        };
    }
    if start.starts_with('<') {
        let what = if start.contains("<testsuite") {
            "a JUnit XML report"
        } else if start.contains("<svg") {
            "an SVG drawing"
        } else {
            "XML or HTML"
        };
        return ReportError::NotAReport {
            origin,
            reason: format!("it is {what}, not JSON"),
        };
    }
    ReportError::NotJson {
        origin,
        message: strip_position(&e.to_string()),
        line: e.line(),
        column: e.column(),
    }
}

/// serde_json appends " at line L column C"; the errors above say where in their own words.
pub(crate) fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
    }
}

pub(crate) fn json_kind(value: &Json) -> &'static str {
    match value {
        Json::Null => "null",
        Json::Bool(_) => "boolean",
        Json::Number(_) => "number",
        Json::String(_) => "string",
        Json::Array(_) => "array",
        Json::Object(_) => "object",
    }
}
