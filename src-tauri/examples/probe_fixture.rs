//! Writes the UI's probe fixtures from the app's own `run_probes`, against a lab of its own on a
//! free loopback port, with the roles of `tests/fixtures/probe-lab.baton.toml`:
//!
//! - `ui/src/fixtures/probe-lab-vulnerable.json`: the lab with `actor_bound_to_client` switched
//!   off, so the chain-splicing probes fail: the report the UI tests read, every exchange kept;
//! - `ui/src/fixtures/probe-lab.json`: the lab as it ships (every check on), a run to compare the
//!   first with; its exchanges are left out to keep the file small.
//!
//! Both are written as compact JSON (a full report is a few hundred kilobytes pretty-printed).
//!
//! ```sh
//! cargo run -p baton-app --example probe_fixture
//! ```

use std::path::Path;
use std::sync::Arc;

use baton_app::views::ProbeRunView;
use baton_app::{AppState, commands};
use baton_store::files::parse_collection;
use baton_store::keyring::MemoryKeyring;

const PROBED: &str = include_str!("../tests/fixtures/probe-lab.baton.toml");

async fn probe(state: &AppState, name: &str) -> Result<ProbeRunView, Box<dyn std::error::Error>> {
    let view = commands::run_probes(state, name, None, None, vec![], &mut |_| {}).await?;
    println!(
        "grade {}: {} passed, {} failed, {} skipped",
        view.report.grade,
        view.report.overall.passed,
        view.report.overall.failed,
        view.report.overall.skipped
    );
    Ok(view)
}

fn write(name: &str, view: &ProbeRunView) -> Result<(), Box<dyn std::error::Error>> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../ui/src/fixtures")
        .join(name);
    std::fs::write(&path, serde_json::to_string(view)? + "\n")?;
    println!("wrote {}", path.display());
    Ok(())
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let data = std::env::temp_dir().join(format!("baton-probe-fixture-{}", std::process::id()));
    let state = AppState::start_with(&data, Arc::new(MemoryKeyring::default())).await?;
    let collection = parse_collection(PROBED, Path::new("tests/fixtures/probe-lab.baton.toml"))?;
    commands::save_collection(&state, &collection)?;

    let honest = probe(&state, &collection.name).await?;
    let policy = baton_sts::Policy::lab_default_toml().replacen(
        "# [checks]\n# actor_bound_to_client = true",
        "[checks]\nactor_bound_to_client = false",
        1,
    );
    commands::apply_lab_policy(&state, &policy).await?;
    let vulnerable = probe(&state, &collection.name).await?;

    let mut honest = honest;
    for result in &mut honest.report.results {
        result.exchanges.clear();
    }
    write("probe-lab.json", &honest)?;
    write("probe-lab-vulnerable.json", &vulnerable)?;
    drop(state);
    std::fs::remove_dir_all(&data)?;
    Ok(())
}
