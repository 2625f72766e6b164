//! `baton run`: run the scenarios of collection files, a folder of them, or a collection in the
//! store; show progress and a summary; write JUnit and JSON reports. Exit 0 when everything
//! passed, 1 when a step or an assertion failed, 2 when a collection could not be read or its
//! references do not resolve (nothing is sent then).

use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use baton_core::http::{HttpSettings, ReqwestClient};
use baton_core::report::{RunReport, junit};
use baton_core::scenario::{
    Chain, Collection, Engine, EnvSecrets, MapSecrets, Progress, RepeatStats, RunOptions,
    RunRecord, SecretSource, StepRecord, StepStatus,
};
use baton_core::{Clock, FixedClock, SystemClock};
use baton_store::{Store, StoreSecrets, files};
use baton_sts::{DETERMINISTIC_NOW, Policy, StsConfig, StsHandle, spawn};
use indicatif::{ProgressBar, ProgressStyle};

use crate::cli::RunArgs;
use crate::commands::sts::start_domain_b;
use crate::commands::{scenario_filter, variables};
use crate::error::{CliError, usage};
use crate::store_path;

/// A collection to run, and where it came from.
pub(crate) struct Source {
    pub origin: String,
    pub collection: Collection,
    /// Set when it came from the store: its runs are saved there.
    pub from_store: bool,
}

pub async fn run(args: RunArgs) -> Result<(), CliError> {
    let store_file = store_path::resolve(args.store.as_deref());
    let (sources, opened) = load(&args.target, &store_file)?;
    let filter = scenario_filter(args.filter.as_deref())?;
    let vars = variables(&args.vars)?;

    let lab = if args.sts {
        Some(Arc::new(
            spawn(StsConfig {
                policy: Policy::lab_default(),
                port: args.sts_port,
                deterministic: true,
                trusted_issuers: Vec::new(),
                tls: args.sts_tls,
            })
            .await
            .map_err(|e| usage(format!("the lab token service could not start: {e}")))?,
        ))
    } else {
        None
    };
    let lab_b = match &lab {
        Some(a) => Some(start_domain_b(a, true).await?),
        None => None,
    };
    let store = shared_store(opened, &store_file);
    let mut vars = vars;
    if let Some(b) = &lab_b {
        vars.entry("lab_b".to_string())
            .or_insert_with(|| b.base_url().to_string());
    }
    let options = RunOptions {
        environment: args.env.clone(),
        overrides: overrides(lab.as_deref(), vars),
        secrets: secrets(lab.as_deref(), store.as_ref(), &store_file),
    };

    // Everything is checked before the first request, so a typo costs nothing.
    let mut plan: Vec<(&Source, usize)> = Vec::new();
    for source in &sources {
        for (i, scenario) in source.collection.scenarios.iter().enumerate() {
            if filter
                .as_ref()
                .is_some_and(|f| !f.is_match(&scenario.id) && !f.is_match(&scenario.name))
            {
                continue;
            }
            Engine::check(&source.collection, scenario, &options)
                .map_err(|e| usage(format!("{}: {e}", source.origin)))?;
            plan.push((source, i));
        }
    }
    if plan.is_empty() {
        return Err(usage(match &args.filter {
            Some(f) => format!("no scenario matches --filter {f:?}"),
            None => format!("{} has no scenarios", args.target),
        }));
    }

    let clock: Arc<dyn Clock> = match &lab {
        // The deterministic lab's clock is frozen; its tokens are judged at its time.
        Some(_) => Arc::new(FixedClock(
            i64::try_from(DETERMINISTIC_NOW).unwrap_or(i64::MAX),
        )),
        None => Arc::new(SystemClock),
    };
    // Baton trusts the lab's own CA when the lab serves HTTPS.
    let http = ReqwestClient::new(&HttpSettings {
        ca_pem: lab.as_ref().and_then(|l| l.ca_pem()).into_iter().collect(),
        ..HttpSettings::default()
    })
    .map_err(|e| usage(e.to_string()))?;
    let mut engine = Engine::new(Arc::new(http), clock);
    if let Some(terminal) = crate::interact::Terminal::detect(args.no_browser) {
        engine = engine.with_interaction(Arc::new(terminal));
    }
    // `lab` steps change the in-process lab (and only it).
    if let Some(lab) = &lab {
        engine = engine.with_lab_control(Arc::new(crate::lab_control::StsLab(lab.clone())));
    }

    if let Some(lab) = &lab {
        eprintln!(
            "Lab token service (deterministic) at {}: {{{{env.lab}}}} points there.",
            lab.base_url()
        );
    }
    if let Some(b) = &lab_b {
        eprintln!(
            "Its domain B ({}) at {}: {{{{env.lab_b}}}} points there.",
            b.issuer(),
            b.base_url()
        );
    }
    let total_steps: usize = plan
        .iter()
        .map(|(s, i)| s.collection.scenarios[*i].steps.len())
        .sum();
    let mut view = View::new(total_steps as u64);
    let started = Instant::now();
    let mut records: Vec<RunRecord> = Vec::new();
    for (source, i) in &plan {
        let scenario = &source.collection.scenarios[*i];
        let record = engine
            .run(&source.collection, scenario, &options, &mut |p| view.on(p))
            .await
            .map_err(|e| usage(format!("{}: {e}", source.origin)))?;
        view.scenario_done(&record);
        if source.from_store
            && let Some(store) = &store
        {
            store
                .lock()
                .map_err(|_| usage("the store is unusable after an earlier failure"))?
                .save_run(&source.collection.name, &record)
                .map_err(|e| usage(format!("the run could not be saved: {e}")))?;
        }
        records.push(record);
    }
    view.finish();
    if let Some(lab) = lab {
        lab.shutdown().await;
    }
    if let Some(b) = lab_b {
        b.stop().await;
    }

    // Reports may leave the machine: with --redact-tokens they hold no usable token.
    if args.redact_tokens {
        baton_core::redact::redact_runs(&mut records);
    }
    print!("{}", summary(&records, started.elapsed()));
    let suite = sources
        .iter()
        .map(|s| s.collection.name.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    if let Some(path) = &args.junit {
        write_atomically(path, junit(&suite, &records))?;
        eprintln!("JUnit report: {}", path.display());
    }
    if let Some(path) = &args.json {
        let report = RunReport::new(records.clone());
        let text = serde_json::to_string_pretty(&report)
            .map_err(|e| usage(format!("the JSON report could not be written: {e}")))?;
        write_atomically(path, &(text + "\n"))?;
        eprintln!("JSON report: {}", path.display());
    }
    let failed = records.iter().filter(|r| !r.passed()).count();
    if failed > 0 {
        return Err(CliError::Refused(format!(
            "{failed} of {} scenarios failed",
            records.len()
        )));
    }
    match args.fail_on {
        Some(level) => level.check(records.iter().flat_map(|r| {
            r.steps.iter().flat_map(move |s| {
                s.findings
                    .iter()
                    .map(move |f| (format!("{} / {}", r.scenario_id, s.id), f))
            })
        })),
        None => Ok(()),
    }
}

/// The variables set on top of the environment: `lab` when the lab runs, then every `--var`
/// (which wins, so a `--var lab=…` points elsewhere on purpose).
pub(crate) fn overrides(
    lab: Option<&StsHandle>,
    vars: BTreeMap<String, String>,
) -> BTreeMap<String, String> {
    let mut all = BTreeMap::new();
    if let Some(lab) = lab {
        all.insert("lab".to_string(), lab.base_url().to_string());
    }
    all.extend(vars);
    all
}

/// A file, a folder of `*.baton.toml`, or the name of a collection in the store (which is
/// returned open, to save the runs in).
pub(crate) fn load(
    target: &str,
    store_file: &Path,
) -> Result<(Vec<Source>, Option<Store>), CliError> {
    let path = Path::new(target);
    if path.is_dir() {
        let found = files::read_folder(path).map_err(|e| usage(e.to_string()))?;
        if found.is_empty() {
            return Err(usage(format!(
                "{} has no collection files (*.baton.toml)",
                path.display()
            )));
        }
        let sources = found
            .into_iter()
            .map(|(p, collection)| Source {
                origin: p.display().to_string(),
                collection,
                from_store: false,
            })
            .collect();
        return Ok((sources, None));
    }
    if path.is_file() {
        let collection = files::read_collection(path).map_err(|e| usage(e.to_string()))?;
        let source = Source {
            origin: path.display().to_string(),
            collection,
            from_store: false,
        };
        return Ok((vec![source], None));
    }
    if target.contains('/') || target.ends_with(".toml") {
        return Err(usage(format!("{target}: no such file or folder")));
    }
    if !store_file.exists() {
        return Err(usage(format!(
            "{target:?} is neither a file, a folder, nor a collection: there is no store at {} (import one with `baton import FILE`)",
            store_file.display()
        )));
    }
    let store = open_store(store_file)?;
    let collection = store.load_collection(target).map_err(|e| {
        let known = store
            .list_collections()
            .map(|l| l.into_iter().map(|c| c.name).collect::<Vec<_>>().join(", "))
            .unwrap_or_default();
        usage(format!("{e} (the store has: {known})"))
    })?;
    let source = Source {
        origin: format!("collection {target:?} in {}", store_file.display()),
        collection,
        from_store: true,
    };
    Ok((vec![source], Some(store)))
}

/// The store, shared with the secret chain: the one a collection was loaded from, else the
/// store file when there is one (a file only reads its secret table).
pub(crate) fn shared_store(opened: Option<Store>, store_file: &Path) -> Option<Arc<Mutex<Store>>> {
    if let Some(store) = opened {
        return Some(Arc::new(Mutex::new(store)));
    }
    if !store_file.exists() {
        return None;
    }
    match open_store(store_file) {
        Ok(store) => Some(Arc::new(Mutex::new(store))),
        Err(e) => {
            eprintln!("warning: secrets from the store are not available: {e}");
            None
        }
    }
}

pub(crate) fn open_store(path: &Path) -> Result<Store, CliError> {
    Store::open(path).map_err(|e| usage(e.to_string()))
}

/// Secrets from `BATON_SECRET_*`, then the OS keyring (those the app put there), then the
/// store's secret table, then the lab's demo credentials: the app's order.
pub(crate) fn secrets(
    lab: Option<&StsHandle>,
    store: Option<&Arc<Mutex<Store>>>,
    store_file: &Path,
) -> Arc<dyn SecretSource> {
    let mut chain: Vec<Box<dyn SecretSource>> = vec![Box::new(EnvSecrets)];
    if let Some(keyring) = store_file
        .parent()
        .and_then(baton_store::keyring::keyring_secrets_beside)
    {
        chain.push(Box::new(keyring));
    }
    if let Some(store) = store {
        chain.push(Box::new(StoreSecrets::new(store.clone())));
    }
    if let Some(lab) = lab {
        let mut demo = MapSecrets::default();
        for (name, value) in lab.policy().credentials() {
            demo.insert(name, value);
        }
        // Over HTTPS, a client certificate from the lab's CA for its mtls-app.
        if let Some((cert, key)) = lab.issue_client_certificate("mtls-app") {
            demo.insert("mtls-app.certificate", cert);
            demo.insert("mtls-app.certificate_key", key);
            demo.insert(
                "self-signed-app.certificate",
                baton_sts::SELF_SIGNED_APP_CERTIFICATE_PEM,
            );
            demo.insert(
                "self-signed-app.certificate_key",
                baton_sts::SELF_SIGNED_APP_KEY_PEM,
            );
        }
        chain.push(Box::new(demo));
    }
    Arc::new(Chain(chain))
}

/// A progress bar on a terminal; plain lines otherwise (CI logs).
struct View {
    bar: Option<ProgressBar>,
}

impl View {
    fn new(total: u64) -> Self {
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = ProgressBar::new(total);
            let style = ProgressStyle::with_template("{bar:30.cyan/blue} {pos}/{len} steps  {msg}")
                .unwrap_or_else(|_| ProgressStyle::default_bar());
            bar.set_style(style);
            bar.enable_steady_tick(Duration::from_millis(120));
            bar
        });
        View { bar }
    }

    fn on(&mut self, p: Progress<'_>) {
        match p {
            Progress::StepStarted { scenario, step, .. } => {
                if let Some(bar) = &self.bar {
                    bar.set_message(format!("{} / {}", scenario.id, step.id));
                }
            }
            Progress::StepFinished {
                scenario, record, ..
            } => {
                let line = format!(
                    "  {} {} / {}{}{}",
                    mark(record.status),
                    scenario.id,
                    record.id,
                    calls_note(record),
                    step_detail(record)
                );
                match &self.bar {
                    Some(bar) => {
                        if record.status != StepStatus::Passed {
                            bar.println(line);
                        }
                        bar.inc(1);
                    }
                    None => eprintln!("{line}"),
                }
            }
        }
    }

    fn scenario_done(&self, record: &RunRecord) {
        let line = format!(
            "{} {}",
            if record.passed() { "PASS" } else { "FAIL" },
            record.scenario_name
        );
        match &self.bar {
            Some(bar) => bar.println(line),
            None => eprintln!("{line}"),
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

/// What a step's line adds: a request malformed on purpose, an opaque token read through
/// introspection, what a lab step changed, each try of a retried step, the error.
fn step_detail(record: &StepRecord) -> String {
    let mut out = String::new();
    if !record.omitted.is_empty() {
        out.push_str(&format!(
            " [deliberately malformed: omits {}]",
            record.omitted.join(", ")
        ));
    }
    if let Some(endpoint) = &record.introspected_at {
        out.push_str(&format!(" [opaque token introspected at {endpoint}]"));
    }
    if !record.lab_changes.is_empty() {
        out.push_str(&format!(": lab: {}", record.lab_changes.join("; ")));
    }
    if record.attempts.len() > 1 {
        let tries: Vec<String> = record
            .attempts
            .iter()
            .map(|a| {
                let got = a
                    .status
                    .map_or_else(|| "no answer".to_owned(), |s| s.to_string());
                if a.waited_ms > 0 {
                    format!("{got} after waiting {} ms", a.waited_ms)
                } else {
                    got
                }
            })
            .collect();
        out.push_str(&format!(
            " ({} attempts: {})",
            record.attempts.len(),
            tries.join(", ")
        ));
    }
    if let Some(e) = &record.error {
        if record.status == StepStatus::Passed && record.unreachable {
            out.push_str(&format!(": no answer, as expected: {e}"));
        } else {
            out.push_str(&format!(": {e}"));
        }
    }
    out
}

fn mark(status: StepStatus) -> &'static str {
    match status {
        StepStatus::Passed => "ok  ",
        StepStatus::Failed => "FAIL",
        StepStatus::Error => "ERR ",
        StepStatus::Skipped => "SKIP",
    }
}

/// The table at the end: one line per scenario, then each failure with its message.
pub fn summary(records: &[RunRecord], elapsed: Duration) -> String {
    let mut out = String::from("\n");
    let width = records
        .iter()
        .map(|r| r.scenario_id.chars().count())
        .max()
        .unwrap_or(8)
        .max(8);
    out.push_str(&format!(
        "{:<width$}  {:>5}  {:>6}  {:>7}  result\n",
        "scenario", "steps", "checks", "time"
    ));
    for r in records {
        let checks: usize = r.steps.iter().map(|s| s.assertions.len()).sum();
        let passed_checks: usize = r
            .steps
            .iter()
            .map(|s| s.assertions.iter().filter(|a| a.passed).count())
            .sum();
        out.push_str(&format!(
            "{:<width$}  {:>5}  {:>6}  {:>5}ms  {}\n",
            r.scenario_id,
            r.steps.len(),
            format!("{passed_checks}/{checks}"),
            r.elapsed_ms,
            if r.passed() { "passed" } else { "FAILED" }
        ));
    }
    out.push_str(&calls_table(records));
    let failures: Vec<String> = records
        .iter()
        .flat_map(|r| {
            r.steps.iter().flat_map(move |s| {
                let mut lines = Vec::new();
                if let Some(e) = s.error.as_ref().filter(|_| s.status != StepStatus::Passed) {
                    lines.push(format!("  {} / {}: {e}", r.scenario_id, s.id));
                }
                for a in s.assertions.iter().filter(|a| !a.passed) {
                    lines.push(format!("  {} / {}: {}", r.scenario_id, s.id, a.message));
                }
                lines
            })
        })
        .collect();
    if !failures.is_empty() {
        out.push_str("\nFailures:\n");
        for f in failures {
            out.push_str(&f);
            out.push('\n');
        }
    }
    let passed = records.iter().filter(|r| r.passed()).count();
    out.push_str(&format!(
        "\n{passed} passed, {} failed ({} scenarios) in {:.1}s\n",
        records.len() - passed,
        records.len(),
        elapsed.as_secs_f64()
    ));
    out
}

/// After a step's name: ` (from cache)`, or a repeated step's counts.
fn calls_note(record: &StepRecord) -> String {
    match &record.repeat {
        Some(r) => format!(
            " ({}×: {} round trips, {} from cache)",
            r.times, r.round_trips, r.from_cache
        ),
        None if record.from_cache => " (from cache)".to_string(),
        None => String::new(),
    }
}

/// A table of the repeated steps (their calls, round trips and latencies) and a line for each
/// step answered from the token cache. Empty when there are none.
pub fn calls_table(records: &[RunRecord]) -> String {
    let repeated: Vec<(String, &RepeatStats)> = records
        .iter()
        .flat_map(|r| {
            r.steps.iter().filter_map(move |s| {
                Some((format!("{} / {}", r.scenario_id, s.id), s.repeat.as_ref()?))
            })
        })
        .collect();
    let cached: Vec<String> = records
        .iter()
        .flat_map(|r| {
            r.steps
                .iter()
                .filter(|s| s.from_cache && s.repeat.is_none())
                .map(move |s| format!("{} / {}", r.scenario_id, s.id))
        })
        .collect();
    let mut out = String::new();
    if !repeated.is_empty() {
        let width = repeated
            .iter()
            .map(|(name, _)| name.chars().count())
            .max()
            .unwrap_or(4)
            .max(4);
        out.push_str(&format!(
            "\n{:<width$}  {:>5}  {:>11}  {:>10}  {:>6}  {:>7}  {:>7}  {:>7}  {:>7}  {:>8}\n",
            "repeated step",
            "times",
            "round trips",
            "from cache",
            "failed",
            "p50",
            "p90",
            "p99",
            "max",
            "total"
        ));
        for (name, r) in repeated {
            out.push_str(&format!(
                "{name:<width$}  {:>5}  {:>11}  {:>10}  {:>6}  {:>5}ms  {:>5}ms  {:>5}ms  {:>5}ms  {:>6}ms\n",
                r.times, r.round_trips, r.from_cache, r.failures, r.p50_ms, r.p90_ms, r.p99_ms, r.max_ms, r.total_ms
            ));
        }
    }
    if !cached.is_empty() && out.is_empty() {
        out.push('\n');
    }
    for name in cached {
        out.push_str(&format!("{name}: from cache\n"));
    }
    out
}

/// Written next to its final name, then renamed: a crash never leaves half a report.
pub fn write_atomically(path: &Path, text: impl AsRef<[u8]>) -> Result<(), CliError> {
    let fail = |e: std::io::Error| usage(format!("{} could not be written: {e}", path.display()));
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "report".into());
    let temp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    std::fs::write(&temp, text).map_err(fail)?;
    std::fs::rename(&temp, path).map_err(|e| {
        let _ = std::fs::remove_file(&temp);
        fail(e)
    })
}
