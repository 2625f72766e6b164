//! Writes the UI's compare fixture (`ui/src/fixtures/compare-ai-assistant.json`) from the app's
//! own `compare_step`, against a lab of its own on a free loopback port:
//!
//! ```sh
//! cargo run -p baton-app --example compare_fixture
//! ```

use std::path::Path;
use std::sync::Arc;

use baton_app::{AppState, commands};
use baton_store::keyring::MemoryKeyring;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let data = std::env::temp_dir().join(format!("baton-compare-fixture-{}", std::process::id()));
    let state = AppState::start_with(&data, Arc::new(MemoryKeyring::default())).await?;
    let view =
        commands::compare_step(&state, "Baton demo", "ai-assistant", "airline", None).await?;
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/src/fixtures/compare-ai-assistant.json");
    std::fs::write(&path, serde_json::to_string_pretty(&view)? + "\n")?;
    drop(state);
    std::fs::remove_dir_all(&data)?;
    println!("wrote {}", path.display());
    Ok(())
}
