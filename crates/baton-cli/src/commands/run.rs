//! `baton run`: run the scenarios of collection files, a folder of them, or a collection in the
//! store; show progress and a summary; write JUnit and JSON reports. Exit 0 when everything
//! passed, 1 when a step or an assertion failed, 2 when a collection could not be read or its
//! references do not resolve (nothing is sent then).

use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use baton_core::http::{HttpSettings, ReqwestClient};
use baton_core::report::{RunReport, junit};
use baton_core::scenario::{
    Action, Chain, Collection, DataRow, Engine, EnvSecrets, MapSecrets, Progress, RepeatStats,
    RunOptions, RunRecord, Scenario, SecretSource, StepRecord, StepStatus, read_iteration_data,
};
use baton_core::{Clock, FixedClock, SystemClock};
use baton_store::{Store, StoreSecrets, files};
use baton_sts::{DETERMINISTIC_NOW, Policy, StsConfig, StsHandle, spawn};
use indicatif::{ProgressBar, ProgressStyle};
use tokio::sync::RwLock;
use tokio::task::JoinSet;

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
    // One run of the collection per row of iteration data; one run without it.
    let rows: Vec<Option<DataRow>> = match &args.iteration_data {
        Some(path) => read_iteration_data(path)
            .map_err(|e| usage(e.to_string()))?
            .into_iter()
            .map(Some)
            .collect(),
        None => vec![None],
    };

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
        data: None,
    };

    // Everything is checked before the first request (every row of data too), so a typo
    // costs nothing.
    let mut plan: Vec<Job> = Vec::new();
    for (row, data) in rows.iter().enumerate() {
        let options = RunOptions {
            data: data.clone(),
            ..options.clone()
        };
        for (s, source) in sources.iter().enumerate() {
            for (i, scenario) in source.collection.scenarios.iter().enumerate() {
                if filter
                    .as_ref()
                    .is_some_and(|f| !f.is_match(&scenario.id) && !f.is_match(&scenario.name))
                {
                    continue;
                }
                Engine::check(&source.collection, scenario, &options)
                    .map_err(|e| usage(format!("{}: {e}", source.origin)))?;
                plan.push(Job {
                    source: s,
                    scenario: i,
                    row,
                });
            }
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
        timeout: args.timeout,
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
        .map(|j| {
            sources[j.source].collection.scenarios[j.scenario]
                .steps
                .len()
        })
        .sum();
    let started = Instant::now();
    let shared = Arc::new(Shared {
        sources,
        rows,
        engine,
        options,
        view: View::new(total_steps as u64),
        exclusive: RwLock::new(()),
        bailed: AtomicBool::new(false),
    });
    let outcome = run_plan(
        &shared,
        &plan,
        usize::from(args.jobs),
        args.bail,
        |record, job| {
            let source = &shared.sources[job.source];
            if source.from_store
                && let Some(store) = &store
            {
                store
                    .lock()
                    .map_err(|_| usage("the store is unusable after an earlier failure"))?
                    .save_run(&source.collection.name, record)
                    .map_err(|e| usage(format!("the run could not be saved: {e}")))?;
            }
            Ok(())
        },
    )
    .await;
    let view = &shared.view;
    view.finish();
    if let Some(lab) = lab {
        lab.shutdown().await;
    }
    if let Some(b) = lab_b {
        b.stop().await;
    }
    let mut records = outcome?;
    let not_started = plan.len().saturating_sub(records.len());

    // Reports may leave the machine: with --redact-tokens they hold no usable token.
    if args.redact_tokens {
        baton_core::redact::redact_runs(&mut records);
    }
    print!("{}", summary(&records, started.elapsed()));
    if not_started > 0 {
        println!(
            "--bail: stopped at the first failure; {not_started} of {} runs were not started",
            plan.len()
        );
    }
    let suite = shared
        .sources
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

/// One run of the plan: a scenario of a source, with a row of iteration data (or none).
#[derive(Debug, Clone, Copy)]
struct Job {
    source: usize,
    scenario: usize,
    row: usize,
}

/// What every running scenario shares.
struct Shared {
    sources: Vec<Source>,
    rows: Vec<Option<DataRow>>,
    engine: Engine,
    options: RunOptions,
    view: View,
    /// Scenarios that change the lab or need a person take it for writing: they run alone.
    exclusive: RwLock<()>,
    /// Set by --bail at the first failure: no further scenario starts.
    bailed: AtomicBool,
}

impl Shared {
    fn scenario(&self, job: Job) -> &Scenario {
        &self.sources[job.source].collection.scenarios[job.scenario]
    }

    /// The scenario's id, with its row of data when the run has iteration data.
    fn label(&self, job: Job) -> String {
        let id = &self.scenario(job).id;
        match &self.rows[job.row] {
            Some(row) => format!("{id} [{}]", row.origin),
            None => id.clone(),
        }
    }
}

/// A scenario that changes the lab (a `lab` step) or signs a person in cannot share the run
/// with others: the lab's faults would reach them, and two sign-ins would share a terminal.
fn runs_alone(scenario: &Scenario) -> bool {
    scenario.steps.iter().any(|step| match &step.action {
        Action::Lab(_) => true,
        Action::Token(t) => t.grant.is_interactive(),
        _ => false,
    })
}

/// Runs `plan` with up to `jobs` scenarios at once and returns the records in the plan's order.
/// `finished` sees each record in that order as soon as every earlier one is in (to save it).
/// With `bail`, nothing starts after the first failure; the records stop where the plan did.
async fn run_plan(
    shared: &Arc<Shared>,
    plan: &[Job],
    jobs: usize,
    bail: bool,
    mut finished: impl FnMut(&RunRecord, Job) -> Result<(), CliError>,
) -> Result<Vec<RunRecord>, CliError> {
    let mut running = JoinSet::new();
    let mut started = 0;
    let mut done: BTreeMap<usize, RunRecord> = BTreeMap::new();
    let mut records = Vec::with_capacity(plan.len());
    loop {
        while running.len() < jobs.max(1)
            && started < plan.len()
            && !shared.bailed.load(Ordering::SeqCst)
        {
            running.spawn(run_one(shared.clone(), started, plan[started]));
            started += 1;
        }
        let Some(joined) = running.join_next().await else {
            break;
        };
        let (index, result) =
            joined.map_err(|e| usage(format!("a scenario's run stopped: {e}")))?;
        let record = match result {
            Ok(record) => record,
            Err(e) => {
                running.abort_all();
                return Err(e);
            }
        };
        if bail && !record.passed() {
            shared.bailed.store(true, Ordering::SeqCst);
        }
        done.insert(index, record);
        // Hand on every record whose predecessors are all in.
        while let Some(record) = done.remove(&records.len()) {
            finished(&record, plan[records.len()])?;
            records.push(record);
        }
    }
    Ok(records)
}

/// Runs one scenario of the plan; its lines reach the terminal in the plan's order.
async fn run_one(
    shared: Arc<Shared>,
    index: usize,
    job: Job,
) -> (usize, Result<RunRecord, CliError>) {
    let scenario = shared.scenario(job);
    let alone = runs_alone(scenario);
    let _alone = if alone {
        Some(shared.exclusive.write().await)
    } else {
        None
    };
    let _together = if alone {
        None
    } else {
        Some(shared.exclusive.read().await)
    };
    let source = &shared.sources[job.source];
    let label = shared.label(job);
    let options = match &shared.rows[job.row] {
        Some(row) => RunOptions {
            data: Some(row.clone()),
            ..shared.options.clone()
        },
        None => shared.options.clone(),
    };
    let result = shared
        .engine
        .run(&source.collection, scenario, &options, &mut |p| {
            shared.view.on(index, &label, p);
        })
        .await;
    let result = match result {
        Ok(mut record) => {
            if let Some(row) = &shared.rows[job.row] {
                record.scenario_id = label.clone();
                record.scenario_name = format!("{} [{}]", record.scenario_name, row.origin);
            }
            shared.view.scenario_done(index, Some(&record));
            Ok(record)
        }
        Err(e) => {
            shared.view.scenario_done(index, None);
            Err(usage(format!("{}: {e}", source.origin)))
        }
    };
    (index, result)
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

/// A progress bar on a terminal; plain lines otherwise (CI logs). Lines come out in the plan's
/// order even when scenarios run at once: a scenario's lines wait until every earlier one has
/// finished; the bar counts every step as it ends.
struct View {
    bar: Option<ProgressBar>,
    order: Mutex<InOrder>,
}

/// Which run's lines go out now, and the lines of later runs held back until then.
#[derive(Default)]
struct InOrder {
    next: usize,
    /// Held lines of later runs, and whether that run has finished.
    held: BTreeMap<usize, (Vec<String>, bool)>,
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
        View {
            bar,
            order: Mutex::new(InOrder::default()),
        }
    }

    fn print(&self, line: &str) {
        match &self.bar {
            Some(bar) => bar.println(line),
            None => eprintln!("{line}"),
        }
    }

    /// A line of run `index` (`finished`: its last): out now if that run is the earliest
    /// unfinished one, else held until it is.
    fn line(&self, index: usize, line: Option<String>, finished: bool) {
        let Ok(mut order) = self.order.lock() else {
            if let Some(line) = &line {
                self.print(line);
            }
            return;
        };
        if index != order.next {
            let held = order.held.entry(index).or_default();
            held.0.extend(line);
            held.1 |= finished;
            return;
        }
        if let Some(line) = &line {
            self.print(line);
        }
        if !finished {
            return;
        }
        order.next += 1;
        // Release the runs after it, up to one still running (whose lines then go out live).
        loop {
            let next = order.next;
            let Some((lines, done)) = order.held.remove(&next) else {
                break;
            };
            for l in &lines {
                self.print(l);
            }
            if !done {
                break;
            }
            order.next += 1;
        }
    }

    fn on(&self, index: usize, label: &str, p: Progress<'_>) {
        match p {
            Progress::StepStarted { step, .. } => {
                if let Some(bar) = &self.bar {
                    bar.set_message(format!("{label} / {}", step.id));
                }
            }
            Progress::StepFinished { record, .. } => {
                let line = format!(
                    "  {} {label} / {}{}{}",
                    mark(record.status),
                    record.id,
                    calls_note(record),
                    step_detail(record)
                );
                if let Some(bar) = &self.bar {
                    bar.inc(1);
                    // On a terminal only what went wrong gets a line of its own.
                    if record.status == StepStatus::Passed {
                        return;
                    }
                }
                self.line(index, Some(line), false);
            }
        }
    }

    /// The run's closing line (none for a run that could not start), and the next run's turn.
    fn scenario_done(&self, index: usize, record: Option<&RunRecord>) {
        let line = record.map(|r| {
            format!(
                "{} {}",
                if r.passed() { "PASS" } else { "FAIL" },
                r.scenario_name
            )
        });
        self.line(index, line, true);
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
