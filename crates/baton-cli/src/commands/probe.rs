//! `baton probe`: run the probes against the server a collection's `[probe]` names, with a
//! progress bar, then print the report card and write the JSON, JUnit and Markdown reports.
//! Exit 0 when no error-severity probe failed, 1 when one did, 2 when the file, its `[probe]`,
//! the roles, a `--var` or an `--only` name is unusable (nothing is probed then).

use std::io::IsTerminal;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use baton_core::SystemClock;
use baton_core::http::{HttpSettings, ReqwestClient};
use baton_core::probe::report::{card, junit, markdown, to_json};
use baton_core::probe::{
    self, Probe, ProbeGroup, ProbeOutcome, ProbeProgress, ProbeReport, ProbeSession,
    ProbeSetupError, Selection,
};
use baton_sts::Policy;
use indicatif::{ProgressBar, ProgressStyle};

use crate::cli::ProbeArgs;
use crate::commands::run::{Source, load, overrides, secrets, shared_store, write_atomically};
use crate::commands::sts::start;
use crate::commands::variables;
use crate::error::{CliError, usage};
use crate::store_path;

pub async fn run(args: ProbeArgs) -> Result<(), CliError> {
    let probes = Selection {
        only: args.only.clone(),
    }
    .probes()
    .map_err(usage)?;
    if args.list {
        print!("{}", list(&probes));
        return Ok(());
    }
    let Some(target) = args.target.as_deref() else {
        return Err(usage(
            "name a collection file with a [probe] section (or use --list)",
        ));
    };
    let vars = variables(&args.vars)?;
    let store_file = store_path::resolve(args.store.as_deref());
    let (sources, opened) = load(target, &store_file)?;
    let source = probed(target, sources)?;

    let lab = if args.sts {
        // Not deterministic: the probes judge times (expiry, nbf, iat) against the real clock.
        Some(start(Policy::lab_default(), args.sts_port, false).await?)
    } else {
        None
    };
    if let Some(lab) = &lab {
        eprintln!(
            "Lab token service at {}: {{{{env.lab}}}} points there.",
            lab.base_url()
        );
    }
    let store = shared_store(opened, &store_file);
    let http = ReqwestClient::new(&HttpSettings::default()).map_err(|e| usage(e.to_string()))?;
    let session = ProbeSession::prepare(
        Arc::new(http),
        Arc::new(SystemClock),
        &source.collection,
        args.env.as_deref(),
        &overrides(lab.as_ref(), vars),
        secrets(lab.as_ref(), store.as_ref(), &store_file),
    )
    .await
    .map_err(|e| setup_error(&source.origin, &e))?;

    let cancel = Arc::new(AtomicBool::new(false));
    let watcher = tokio::spawn(stop_on_ctrl_c(cancel.clone()));
    let mut view = View::new(probes.len() as u64);
    let mut report = probe::run(Arc::new(session), &probes, &mut |p| view.on(p), &cancel).await;
    watcher.abort();
    view.finish();
    if let Some(lab) = lab {
        lab.stop().await;
    }

    if source.from_store
        && let Some(store) = &store
    {
        let saved = store
            .lock()
            .map_err(|_| usage("the store is unusable after an earlier failure"))?
            .save_probe_run(&source.collection.name, &report);
        if let Err(e) = saved {
            eprintln!("warning: the probe run could not be saved to the store: {e}");
        }
    }
    // Reports may leave the machine: with --redact-tokens they hold no usable token.
    if args.redact_tokens {
        baton_core::redact::redact_probe_report(&mut report);
    }
    print!("\n{}", card(&report));
    write_reports(&args, &report)?;
    verdict(&report)
}

/// The one collection of `sources` that has a `[probe]`.
fn probed(target: &str, sources: Vec<Source>) -> Result<Source, CliError> {
    let total = sources.len();
    let (mut with, without): (Vec<Source>, Vec<Source>) = sources
        .into_iter()
        .partition(|s| s.collection.probe.is_some());
    match (with.len(), without.into_iter().next()) {
        (1, _) => Ok(with.remove(0)),
        (0, Some(only)) if total == 1 => Err(setup_error(
            &only.origin,
            &ProbeSetupError::NoTarget {
                collection: only.collection.name,
            },
        )),
        (0, _) => Err(usage(format!(
            "{target}: none of its {total} collections has a [probe] section (see docs/collection-format.md)"
        ))),
        (_, _) => Err(usage(format!(
            "{target}: several collections have a [probe] section ({}); name the file to probe",
            with.iter()
                .map(|s| s.origin.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ))),
    }
}

/// A setup error, with the file or store collection it is about.
fn setup_error(origin: &str, e: &ProbeSetupError) -> CliError {
    usage(format!("{origin}: {e}"))
}

/// The first Ctrl-C stops the run after the probe in flight (the report says it was cancelled);
/// a second one quits at once.
async fn stop_on_ctrl_c(cancel: Arc<AtomicBool>) {
    if tokio::signal::ctrl_c().await.is_err() {
        return;
    }
    cancel.store(true, Ordering::SeqCst);
    eprintln!("\nStopping after the probe in flight (Ctrl-C again to quit now).");
    if tokio::signal::ctrl_c().await.is_ok() {
        std::process::exit(130);
    }
}

fn write_reports(args: &ProbeArgs, report: &ProbeReport) -> Result<(), CliError> {
    if let Some(path) = &args.json {
        write(path, "JSON report", to_json(report) + "\n")?;
    }
    if let Some(path) = &args.junit {
        write(path, "JUnit report", junit(report))?;
    }
    if let Some(path) = &args.markdown {
        write(path, "Markdown report", markdown(report))?;
    }
    Ok(())
}

fn write(path: &Path, what: &str, text: String) -> Result<(), CliError> {
    write_atomically(path, text)?;
    eprintln!("{what}: {}", path.display());
    Ok(())
}

/// Exit 1 when an error-severity probe failed.
fn verdict(report: &ProbeReport) -> Result<(), CliError> {
    let failed = report.failed_errors().count();
    if report.overall.passed == 0 && report.overall.failed == 0 && !report.results.is_empty() {
        eprintln!(
            "warning: no probe could be judged (every one was skipped): check that the server is reachable and the roles can get tokens"
        );
    }
    if failed > 0 {
        return Err(CliError::Refused(format!(
            "{failed} error-severity probe{} failed",
            if failed == 1 { "" } else { "s" }
        )));
    }
    Ok(())
}

/// `--list`: the catalogue (or the `--only` selection), one probe a line.
fn list(probes: &[Probe]) -> String {
    let id_width = probes.iter().map(|p| p.id.len()).max().unwrap_or(2);
    let rfc_width = probes
        .iter()
        .map(|p| p.rfc.chars().count())
        .max()
        .unwrap_or(3);
    let mut out = format!(
        "{:<id_width$}  {:<8}  {:<rfc_width$}  title\n",
        "id", "severity", "rfc"
    );
    for p in probes {
        out.push_str(&format!(
            "{:<id_width$}  {:<8}  {:<rfc_width$}  {}\n",
            p.id,
            p.severity.as_str(),
            p.rfc,
            p.title
        ));
    }
    let groups = ProbeGroup::ALL
        .iter()
        .filter(|g| probes.iter().any(|p| p.group == **g))
        .count();
    out.push_str(&format!("\n{} probes in {groups} groups\n", probes.len()));
    out
}

/// A progress bar with the probe in flight on a terminal; a line per probe otherwise (CI logs).
struct View {
    bar: Option<ProgressBar>,
}

impl View {
    fn new(total: u64) -> Self {
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = ProgressBar::new(total);
            let style =
                ProgressStyle::with_template("{bar:30.cyan/blue} {pos}/{len} probes  {msg}")
                    .unwrap_or_else(|_| ProgressStyle::default_bar());
            bar.set_style(style);
            bar.enable_steady_tick(Duration::from_millis(120));
            bar
        });
        View { bar }
    }

    fn on(&mut self, p: ProbeProgress<'_>) {
        match p {
            ProbeProgress::Started { probe, .. } => {
                if let Some(bar) = &self.bar {
                    bar.set_message(probe.title);
                }
            }
            ProbeProgress::Finished {
                index,
                total,
                result,
            } => {
                let line = format!(
                    "  {} {}",
                    match result.outcome {
                        ProbeOutcome::Pass => "pass",
                        ProbeOutcome::Fail => "FAIL",
                        ProbeOutcome::Skip => "skip",
                    },
                    result.id
                );
                match &self.bar {
                    Some(bar) => {
                        if result.outcome == ProbeOutcome::Fail {
                            bar.println(line);
                        }
                        bar.inc(1);
                    }
                    None => eprintln!("[{}/{total}] {}", index + 1, line.trim_start()),
                }
            }
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
