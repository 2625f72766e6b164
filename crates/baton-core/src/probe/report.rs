//! A probe report for people and tools: JSON (what `baton diff` and the app read back), JUnit
//! XML for CI (a suite per group, a case per probe), the Markdown report card, and the same card
//! as plain text for a terminal.
//!
//! Every card reads in one order: the grade, the score per group and overall, then the failures
//! (error severity first) with their RFC section, reason and fix, then the skips with their
//! reasons, then the passes in a compact list.

use std::collections::BTreeMap;
use std::fmt::Write;

use serde_json::Value as Json;

use crate::report::{ReportError, json_kind, not_json, strip_position, xml};

use super::{GroupScore, PROBE_REPORT_VERSION, ProbeGroup, ProbeOutcome, ProbeReport, ProbeResult};

/// The report as pretty-printed JSON, members in the model's order.
pub fn to_json(report: &ProbeReport) -> String {
    // Every member is a string, number, bool, array or string-keyed object: serde_json cannot
    // fail on it. Should that ever change, the text still says what went wrong.
    serde_json::to_string_pretty(report).unwrap_or_else(|e| {
        serde_json::json!({ "error": format!("the probe report could not be written: {e}") })
            .to_string()
    })
}

/// Whether `value` has the shape of a probe report (rather than a run report): `reportVersion`
/// and `results`. A run report has `report_version` and `runs`.
pub fn is_probe_report(value: &Json) -> bool {
    value.get("reportVersion").is_some() && value.get("results").is_some()
}

/// Reads a probe report; `origin` (usually the file's path) names it in errors. Says what the
/// text is instead when it is not a probe report, and refuses one from a newer Baton before
/// trying to read its contents.
pub fn from_json(text: &str, origin: &str) -> Result<ProbeReport, ReportError> {
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
    let Some(version) = top.get("reportVersion") else {
        let reason = if top.contains_key("report_version") && top.contains_key("runs") {
            "it is a run report (`baton run --json`), not a probe report (a probe report has `reportVersion` and `results`)"
                .to_string()
        } else {
            "it has no `reportVersion` member (a probe report has `reportVersion` and `results`)"
                .to_string()
        };
        return Err(ReportError::NotAReport { origin, reason });
    };
    let found = match version.as_u64() {
        Some(v) if v >= 1 => v,
        _ => {
            return Err(ReportError::NotAReport {
                reason: format!("`reportVersion` is {version}, not a version Baton writes"),
                origin,
            });
        }
    };
    if found > u64::from(PROBE_REPORT_VERSION) {
        return Err(ReportError::TooNew {
            origin,
            found,
            supported: PROBE_REPORT_VERSION,
        });
    }
    // Parsed again from the text, so that a mistake is reported with its line and column.
    serde_json::from_str(text).map_err(|e| ReportError::Malformed {
        origin,
        message: strip_position(&e.to_string()),
        line: e.line(),
        column: e.column(),
    })
}

/// The failures, error severity first (then warning, then info), each severity in run order.
pub fn failures(report: &ProbeReport) -> Vec<&ProbeResult> {
    let mut failed: Vec<&ProbeResult> = of(report, ProbeOutcome::Fail).collect();
    failed.sort_by_key(|r| std::cmp::Reverse(r.severity));
    failed
}

fn of(report: &ProbeReport, outcome: ProbeOutcome) -> impl Iterator<Item = &ProbeResult> {
    report.results.iter().filter(move |r| r.outcome == outcome)
}

/// The passes, grouped, in the card's group order.
fn passes_by_group(report: &ProbeReport) -> BTreeMap<ProbeGroup, Vec<&ProbeResult>> {
    let mut groups: BTreeMap<ProbeGroup, Vec<&ProbeResult>> = BTreeMap::new();
    for r in of(report, ProbeOutcome::Pass) {
        groups.entry(r.group).or_default().push(r);
    }
    groups
}

fn percent(score: &GroupScore) -> String {
    score
        .score
        .map_or_else(|| "n/a".to_string(), |s| format!("{s}%"))
}

/// "52 of 55 judged probes passed (94%); 3 failed, 7 skipped".
fn headline(report: &ProbeReport) -> String {
    let o = &report.overall;
    let judged = u64::from(o.passed) + u64::from(o.failed);
    let mut line = if judged == 0 {
        "no probe could be judged".to_string()
    } else {
        format!(
            "{} of {judged} judged probes passed ({})",
            o.passed,
            percent(o)
        )
    };
    let _ = write!(line, "; {} failed, {} skipped", o.failed, o.skipped);
    line
}

fn seconds(ms: u64) -> String {
    format!("{}.{:03}", ms / 1000, ms % 1000)
}

fn probe_ms(r: &ProbeResult) -> u64 {
    r.exchanges
        .iter()
        .fold(0u64, |sum, x| sum.saturating_add(x.elapsed_ms))
}

/// One line per exchange: what was sent, and the status or the transport error.
fn exchange_lines(r: &ProbeResult) -> Vec<String> {
    r.exchanges
        .iter()
        .map(|x| {
            let outcome = match (&x.response, &x.error) {
                (Some(resp), _) => format!("HTTP {}", resp.status),
                (None, Some(e)) => format!("no answer: {e}"),
                (None, None) => "no answer".to_string(),
            };
            format!(
                "{}: {} {} -> {outcome}",
                x.label,
                x.request.method.as_str(),
                x.request.url
            )
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// JUnit XML

/// JUnit XML: one `<testsuite>` per group, a `<testcase>` per probe (class name: the group;
/// name: the probe's id and title), a `<failure>` for a fail (message: the reason; text: the
/// reason, the RFC section, how to fix it and the exchanges) and `<skipped message=…>` for a skip.
pub fn junit(report: &ProbeReport) -> String {
    let count = |o: ProbeOutcome| of(report, o).count();
    let total_ms = report.results.iter().map(probe_ms).sum::<u64>();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let name = format!(
        "Baton probes: {} (server {}), grade {}",
        report.collection, report.server, report.grade
    );
    let _ = writeln!(
        out,
        "<testsuites name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"{}\" time=\"{}\">",
        xml::attr(&name),
        report.results.len(),
        count(ProbeOutcome::Fail),
        count(ProbeOutcome::Skip),
        seconds(total_ms)
    );
    for group in ProbeGroup::ALL {
        let results: Vec<&ProbeResult> =
            report.results.iter().filter(|r| r.group == group).collect();
        if results.is_empty() {
            continue;
        }
        let n = |o: ProbeOutcome| results.iter().filter(|r| r.outcome == o).count();
        let _ = writeln!(
            out,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"{}\" time=\"{}\">",
            xml::attr(group.title()),
            results.len(),
            n(ProbeOutcome::Fail),
            n(ProbeOutcome::Skip),
            seconds(results.iter().map(|r| probe_ms(r)).sum())
        );
        for r in results {
            let _ = write!(
                out,
                "    <testcase classname=\"{}\" name=\"{}\" time=\"{}\">",
                xml::attr(group.as_str()),
                xml::attr(&format!("{}: {}", r.id, r.title)),
                seconds(probe_ms(r))
            );
            match r.outcome {
                ProbeOutcome::Pass => {}
                ProbeOutcome::Fail => {
                    let mut body = format!("{}\n{}\nHow to fix it: {}\n", r.reason, r.rfc, r.fix);
                    let lines = exchange_lines(r);
                    if !lines.is_empty() {
                        body.push_str("\nExchanges:\n");
                        for line in lines {
                            let _ = writeln!(body, "  {line}");
                        }
                    }
                    let _ = write!(
                        out,
                        "\n      <failure message=\"{}\" type=\"{}\">{}</failure>\n    ",
                        xml::attr(&r.reason),
                        r.severity.as_str(),
                        xml::text(&body)
                    );
                }
                ProbeOutcome::Skip => {
                    let _ = write!(
                        out,
                        "\n      <skipped message=\"{}\"/>\n    ",
                        xml::attr(&r.reason)
                    );
                }
            }
            out.push_str("</testcase>\n");
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}

// ---------------------------------------------------------------------------------------------
// Markdown

/// The report card in Markdown: the grade, a table of groups with scores, the failures (error
/// severity first) each with its RFC section, reason and fix, the skips with their reasons,
/// then the passes by group.
pub fn markdown(report: &ProbeReport) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# Probe report: {}, server {}\n",
        md(&report.collection),
        code(&report.server)
    );
    let _ = writeln!(
        out,
        "**Grade {}**: {}.\n",
        md(&report.grade),
        md(&headline(report))
    );
    let mut about = format!("Token endpoint {}", code(&report.token_endpoint));
    if let Some(env) = &report.environment {
        let _ = write!(about, ", environment {}", code(env));
    }
    let _ = write!(
        about,
        "; {} probes in {:.1} s.",
        report.results.len(),
        report.elapsed_ms as f64 / 1000.0
    );
    let _ = writeln!(out, "{about}\n");
    if report.cancelled {
        out.push_str(
            "> **Cancelled**: the run was stopped before every selected probe ran; the card shows those that did.\n\n",
        );
    }

    out.push_str("| Group | Passed | Failed | Skipped | Score |\n");
    out.push_str("| --- | ---: | ---: | ---: | ---: |\n");
    for g in &report.groups {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} |",
            md(&g.title),
            g.passed,
            g.failed,
            g.skipped,
            percent(g)
        );
    }
    let o = &report.overall;
    let _ = writeln!(
        out,
        "| **Overall** | **{}** | **{}** | **{}** | **{}** |",
        o.passed,
        o.failed,
        o.skipped,
        percent(o)
    );

    let failed = failures(report);
    if !failed.is_empty() {
        let _ = writeln!(out, "\n## Failures ({})", failed.len());
        for r in failed {
            let _ = writeln!(out, "\n### {}: {}\n", code(&r.id), md(&r.title));
            let _ = writeln!(
                out,
                "- **Severity:** {}\n- **RFC:** {}\n- **What happened:** {}\n- **How to fix it:** {}",
                r.severity.as_str(),
                md(&r.rfc),
                md(&r.reason),
                md(&r.fix)
            );
            let lines = exchange_lines(r);
            if !lines.is_empty() {
                out.push_str("- **Exchanges:**\n");
                for line in lines {
                    let _ = writeln!(out, "  - {}", md(&line));
                }
            }
        }
    }

    let skipped: Vec<&ProbeResult> = of(report, ProbeOutcome::Skip).collect();
    if !skipped.is_empty() {
        let _ = writeln!(out, "\n## Skipped ({})\n", skipped.len());
        for r in skipped {
            let _ = writeln!(out, "- {} {}: {}", code(&r.id), md(&r.title), md(&r.reason));
        }
    }

    let passed = passes_by_group(report);
    if !passed.is_empty() {
        let _ = writeln!(out, "\n## Passed ({})\n", o.passed);
        for (group, results) in passed {
            let ids: Vec<String> = results.iter().map(|r| code(&r.id)).collect();
            let _ = writeln!(out, "- **{}:** {}", md(group.title()), ids.join(", "));
        }
    }
    out
}

/// Text for Markdown: one line, control characters made visible, and the characters that would
/// become markup escaped.
fn md(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in plain(text).chars() {
        if matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '&' | '#'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// A code span that holds `text` whatever backticks it has.
fn code(text: &str) -> String {
    let text = one_line(text);
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    if longest > 0 {
        format!("{fence} {text} {fence}")
    } else {
        format!("{fence}{text}{fence}")
    }
}

// ---------------------------------------------------------------------------------------------
// The terminal card

/// The report card as plain text for a terminal, in the same order as the Markdown. What the
/// server sent is shown with its control characters made visible, so a hostile answer cannot
/// drive the terminal.
pub fn card(report: &ProbeReport) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Baton probes: {}, server {} ({})",
        plain(&report.collection),
        plain(&report.server),
        plain(&report.token_endpoint)
    );
    if report.cancelled {
        out.push_str("Cancelled: only the probes that ran are shown.\n");
    }
    let _ = writeln!(
        out,
        "\nGrade {}: {}\n",
        plain(&report.grade),
        headline(report)
    );

    let width = report
        .groups
        .iter()
        .map(|g| g.title.chars().count())
        .max()
        .unwrap_or(0)
        .max(7);
    let row = |out: &mut String, title: &str, g: &GroupScore| {
        let _ = writeln!(
            out,
            "  {:<width$}  {:>4}  {:>4}  {:>4}  {:>5}",
            plain(title),
            g.passed,
            g.failed,
            g.skipped,
            percent(g)
        );
    };
    let _ = writeln!(
        out,
        "  {:<width$}  {:>4}  {:>4}  {:>4}  {:>5}",
        "group", "pass", "fail", "skip", "score"
    );
    for g in &report.groups {
        row(&mut out, &g.title, g);
    }
    row(&mut out, "Overall", &report.overall);

    let failed = failures(report);
    if !failed.is_empty() {
        let _ = writeln!(out, "\nFailures ({}), errors first:", failed.len());
        for r in failed {
            let _ = writeln!(
                out,
                "  FAIL [{}] {}  {}",
                r.severity.as_str(),
                r.id,
                plain(&r.title)
            );
            let _ = writeln!(out, "       {}", plain(&r.rfc));
            let _ = writeln!(out, "       why: {}", plain(&r.reason));
            let _ = writeln!(out, "       fix: {}", plain(&r.fix));
        }
    }

    let skipped: Vec<&ProbeResult> = of(report, ProbeOutcome::Skip).collect();
    if !skipped.is_empty() {
        let _ = writeln!(out, "\nSkipped ({}):", skipped.len());
        for r in skipped {
            let _ = writeln!(out, "  SKIP {}  {}", r.id, plain(&r.title));
            let _ = writeln!(out, "       {}", plain(&r.reason));
        }
    }

    let passed = passes_by_group(report);
    if !passed.is_empty() {
        let _ = writeln!(out, "\nPassed ({}):", report.overall.passed);
        for (group, results) in passed {
            let ids: Vec<&str> = results.iter().map(|r| r.id.as_str()).collect();
            let _ = writeln!(out, "  {}: {}", group.title(), ids.join(", "));
        }
    }
    out
}

/// One line of text: line breaks and tabs as spaces.
fn one_line(text: &str) -> String {
    text.split(['\n', '\r', '\t'])
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// One line, with every other control character written as `\u{…}`.
fn plain(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in one_line(text).chars() {
        if c.is_control() {
            let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::findings::Severity;
    use crate::http::{Method, RecordedRequest};
    use crate::probe::runner::build_report;
    use crate::probe::{ProbeExchange, RecordedResponse};

    pub(crate) fn result(
        id: &str,
        group: ProbeGroup,
        severity: Severity,
        outcome: ProbeOutcome,
        reason: &str,
    ) -> ProbeResult {
        ProbeResult {
            id: id.into(),
            group,
            title: format!("Title of {id}"),
            rfc: "RFC 8693 §2.1".into(),
            severity,
            outcome,
            reason: reason.into(),
            fix: format!("Fix {id}."),
            exchanges: vec![ProbeExchange {
                label: "the exchange".into(),
                request: RecordedRequest {
                    method: Method::Post,
                    url: "http://127.0.0.1:1/token".into(),
                    headers: vec![("authorization".into(), "Basic ****".into())],
                    body: Some("grant_type=x".into()),
                },
                response: Some(RecordedResponse {
                    status: 200,
                    headers: vec![],
                    body: "{}".into(),
                    truncated: false,
                }),
                error: None,
                elapsed_ms: 1500,
            }],
        }
    }

    /// Two failures (a warning listed before an error, to check the order), a skip, three
    /// passes in two groups, and a reason full of markup.
    pub(crate) fn sample() -> ProbeReport {
        use ProbeGroup::*;
        use ProbeOutcome::*;
        build_report(
            "Demo <&>",
            "lab",
            "http://127.0.0.1:1/token",
            Some("local"),
            1_700_000_000,
            4200,
            false,
            vec![
                result("baseline.plain", Baseline, Severity::Error, Pass, "issued"),
                result(
                    "baseline.delegation",
                    Baseline,
                    Severity::Error,
                    Pass,
                    "act",
                ),
                result(
                    "response.token-type",
                    Response,
                    Severity::Warning,
                    Fail,
                    "token_type was \"access_token\" | not Bearer",
                ),
                result(
                    "chain.upstream-splice",
                    Chain,
                    Severity::Error,
                    Fail,
                    "the attacker got a token: <script>alert(1)</script> & \"quotes\"\u{1b}[31m",
                ),
                result(
                    "revocation.revoked",
                    Revocation,
                    Severity::Error,
                    Skip,
                    "the server advertises no revocation_endpoint",
                ),
                result("chain.swap", Chain, Severity::Error, Pass, "refused"),
            ],
        )
    }

    #[test]
    fn json_round_trips() {
        let report = sample();
        let text = to_json(&report);
        assert_eq!(from_json(&text, "r.json"), Ok(report));
        let value: Json = serde_json::from_str(&text).unwrap();
        assert!(is_probe_report(&value));
        let first = &value["results"][0];
        for member in [
            "id",
            "group",
            "title",
            "rfc",
            "severity",
            "outcome",
            "reason",
            "exchanges",
        ] {
            assert!(first.get(member).is_some(), "{member} in {first}");
        }
        assert_eq!(value["results"][2]["outcome"], "fail");
    }

    #[test]
    fn a_newer_report_is_refused_with_a_clear_message() {
        let mut value: Json = serde_json::from_str(&to_json(&sample())).unwrap();
        value["reportVersion"] = Json::from(PROBE_REPORT_VERSION + 1);
        // A newer layout may not parse as this one: the version is looked at first.
        value["results"] = Json::from("changed");
        let err = from_json(&value.to_string(), "new.json").unwrap_err();
        assert!(matches!(err, ReportError::TooNew { .. }), "{err}");
        assert_eq!(
            err.to_string(),
            format!(
                "new.json is a version {} Baton report, newer than this Baton reads (version {PROBE_REPORT_VERSION} and older); update Baton to read it",
                PROBE_REPORT_VERSION + 1
            )
        );
    }

    #[test]
    fn what_is_not_a_probe_report_is_named() {
        let run = r#"{"report_version": 1, "runs": []}"#;
        let err = from_json(run, "run.json").unwrap_err().to_string();
        assert!(
            err.contains("run.json is not a Baton report: it is a run report"),
            "{err}"
        );
        let err = from_json("[1]", "a.json").unwrap_err().to_string();
        assert!(err.contains("a JSON array"), "{err}");
        let err = from_json("<testsuites/>", "j.xml").unwrap_err().to_string();
        assert!(err.contains("JUnit"), "{err}");
        let err = from_json("{\"reportVersion\": 1,\n \"results\": 3}", "m.json")
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("m.json is a Baton report, but "), "{err}");
        assert!(err.contains("line 2"), "{err}");
        assert!(!is_probe_report(
            &serde_json::from_str::<Json>(run).unwrap()
        ));
    }

    #[test]
    fn junit_has_a_suite_per_group_and_a_case_per_probe() {
        let report = sample();
        let text = junit(&report);
        let doc = roxmltree::Document::parse(&text).expect("well-formed XML");
        let root = doc.root_element();
        assert_eq!(root.tag_name().name(), "testsuites");
        assert_eq!(root.attribute("tests"), Some("6"));
        assert_eq!(root.attribute("failures"), Some("2"));
        assert_eq!(root.attribute("skipped"), Some("1"));
        assert_eq!(
            root.attribute("name"),
            Some("Baton probes: Demo <&> (server lab), grade C")
        );

        let suites: Vec<_> = root
            .children()
            .filter(|n| n.has_tag_name("testsuite"))
            .collect();
        let names: Vec<_> = suites.iter().filter_map(|s| s.attribute("name")).collect();
        assert_eq!(
            names,
            [
                "Baseline",
                "Delegation integrity (chain splicing)",
                "Response conformance",
                "Revocation"
            ]
        );
        let chain = suites[1];
        assert_eq!(chain.attribute("tests"), Some("2"));
        assert_eq!(chain.attribute("failures"), Some("1"));
        let cases: Vec<_> = chain
            .children()
            .filter(|n| n.has_tag_name("testcase"))
            .collect();
        assert_eq!(cases.len(), 2);
        assert_eq!(cases[0].attribute("classname"), Some("chain"));
        assert_eq!(
            cases[0].attribute("name"),
            Some("chain.upstream-splice: Title of chain.upstream-splice")
        );
        assert_eq!(cases[0].attribute("time"), Some("1.500"));

        let failure = cases[0]
            .children()
            .find(|n| n.has_tag_name("failure"))
            .expect("a failure");
        assert_eq!(
            failure.attribute("message"),
            Some("the attacker got a token: <script>alert(1)</script> & \"quotes\"\\u{1b}[31m")
        );
        assert_eq!(failure.attribute("type"), Some("error"));
        let body = failure.text().unwrap_or_default();
        assert!(body.contains("RFC 8693 §2.1"), "{body}");
        assert!(
            body.contains("How to fix it: Fix chain.upstream-splice."),
            "{body}"
        );
        assert!(
            body.contains("the exchange: POST http://127.0.0.1:1/token -> HTTP 200"),
            "{body}"
        );
        assert!(
            !cases[1].children().any(|n| n.is_element()),
            "a pass is empty"
        );

        let skipped = suites[3]
            .descendants()
            .find(|n| n.has_tag_name("skipped"))
            .expect("a skip");
        assert_eq!(
            skipped.attribute("message"),
            Some("the server advertises no revocation_endpoint")
        );
    }

    #[test]
    fn the_markdown_card_reads_in_order() {
        let text = markdown(&sample());
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "# Probe report: Demo \\<\\&\\>, server `lab`");
        assert!(
            text.contains("**Grade C**: 3 of 5 judged probes passed (60%); 2 failed, 1 skipped."),
            "{text}"
        );

        // The table: a header, a row per group in the card's order, the overall line.
        let table: Vec<&str> = lines
            .iter()
            .copied()
            .filter(|l| l.starts_with('|'))
            .collect();
        assert_eq!(
            table,
            [
                "| Group | Passed | Failed | Skipped | Score |",
                "| --- | ---: | ---: | ---: | ---: |",
                "| Baseline | 2 | 0 | 0 | 100% |",
                "| Delegation integrity (chain splicing) | 1 | 1 | 0 | 50% |",
                "| Response conformance | 0 | 1 | 0 | 0% |",
                "| Revocation | 0 | 0 | 1 | n/a |",
                "| **Overall** | **3** | **2** | **1** | **60%** |",
            ]
        );

        // Sections in order: failures, skips, passes; the error failure before the warning.
        let at = |needle: &str| {
            text.find(needle)
                .unwrap_or_else(|| panic!("{needle} in {text}"))
        };
        assert!(at("## Failures (2)") < at("## Skipped (1)"));
        assert!(at("## Skipped (1)") < at("## Passed (3)"));
        assert!(at("### `chain.upstream-splice`") < at("### `response.token-type`"));
        assert!(text.contains("- **RFC:** RFC 8693 §2.1"), "{text}");
        assert!(
            text.contains("- **How to fix it:** Fix chain.upstream-splice."),
            "{text}"
        );
        assert!(
            text.contains("- **What happened:** the attacker got a token: \\<script\\>alert(1)\\</script\\> \\& \"quotes\""),
            "markup in a reason is escaped: {text}"
        );
        assert!(
            text.contains("\\\\u{1b}\\[31m"),
            "control characters shown: {text}"
        );
        assert!(!text.contains('\u{1b}'));
        assert!(
            text.contains("token\\_type was \"access\\_token\" \\| not Bearer"),
            "{text}"
        );
        assert!(text.contains(
            "- `revocation.revoked` Title of revocation.revoked: the server advertises no revocation\\_endpoint"
        ));
        assert!(text.contains("- **Baseline:** `baseline.plain`, `baseline.delegation`"));
        assert!(text.contains("- **Delegation integrity (chain splicing):** `chain.swap`"));
    }

    #[test]
    fn the_terminal_card_reads_in_the_same_order_and_shows_control_characters() {
        let text = card(&sample());
        let at = |needle: &str| {
            text.find(needle)
                .unwrap_or_else(|| panic!("{needle} in {text}"))
        };
        assert!(at("Grade C: 3 of 5 judged probes passed (60%)") < at("  Baseline"));
        assert!(at("  Overall") < at("Failures (2)"));
        assert!(
            at("FAIL [error] chain.upstream-splice") < at("FAIL [warning] response.token-type")
        );
        assert!(at("Failures (2)") < at("Skipped (1)"));
        assert!(at("Skipped (1)") < at("Passed (3)"));
        assert!(text.contains("       RFC 8693 §2.1\n"));
        assert!(text.contains("       fix: Fix chain.upstream-splice.\n"));
        assert!(!text.contains('\u{1b}'), "no escape reaches the terminal");
        assert!(text.contains("\\u{1b}[31m"));
        assert!(text.contains("  Baseline: baseline.plain, baseline.delegation\n"));
    }

    #[test]
    fn a_code_span_holds_backticks() {
        assert_eq!(code("lab"), "`lab`");
        assert_eq!(code("a`b"), "`` a`b ``");
    }
}
