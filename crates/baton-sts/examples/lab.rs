//! The lab token service as a bare process, for load and memory measurements
//! (`scripts/measure-lab-memory.sh`): `cargo run --release -p baton-sts --example lab -- --port 8787`.
//!
//! Takes the same arguments as `baton sts` that matter here (`--port N`, `--policy FILE`,
//! `--deterministic`; a leading `sts` is ignored), so the script can drive either binary. It uses
//! only `spawn`, `StsConfig` and `Policy`, so it also builds against older revisions of the crate
//! for a baseline. `--crypto-cost` (`scripts/bench-lab.sh`) prints what the cryptography of one
//! delegation exchange costs with the lab's key and backend, and exits.

use std::path::PathBuf;
use std::process::ExitCode;

use baton_sts::{Policy, StsConfig};

fn usage(why: &str) -> ExitCode {
    eprintln!(
        "lab: {why}\nusage: lab [sts] [--port N] [--policy FILE] [--deterministic] | --crypto-cost"
    );
    ExitCode::from(2)
}

#[tokio::main]
async fn main() -> ExitCode {
    let mut port = 0u16;
    let mut policy_path: Option<PathBuf> = None;
    let mut deterministic = false;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "sts" => {}
            "--deterministic" => deterministic = true,
            "--crypto-cost" => return crypto_cost(),
            "--port" => match args.next().and_then(|p| p.parse().ok()) {
                Some(p) => port = p,
                None => return usage("--port needs a number"),
            },
            "--policy" => match args.next() {
                Some(p) => policy_path = Some(PathBuf::from(p)),
                None => return usage("--policy needs a file"),
            },
            other => return usage(&format!("unknown argument {other:?}")),
        }
    }
    let policy = match policy_path {
        Some(path) => match Policy::from_file(&path) {
            Ok(p) => p,
            Err(e) => return usage(&e.to_string()),
        },
        None => Policy::lab_default(),
    };
    let lab = match baton_sts::spawn(StsConfig {
        policy,
        port,
        deterministic,
        trusted_issuers: Vec::new(),
        tls: false,
    })
    .await
    {
        Ok(lab) => lab,
        Err(e) => {
            eprintln!("lab: {e}");
            return ExitCode::FAILURE;
        }
    };
    println!("token endpoint  {}", lab.token_endpoint());
    if let Err(e) = tokio::signal::ctrl_c().await {
        eprintln!("lab: cannot wait for Ctrl-C ({e}); stopping");
    }
    lab.stop().await;
    ExitCode::SUCCESS
}

/// Two ES256 verifications and one signature, in microseconds, for both kinds of signature.
fn crypto_cost() -> ExitCode {
    for (deterministic, what) in [(false, "random nonces"), (true, "RFC 6979, deterministic")] {
        match baton_sts::exchange_crypto_cost(deterministic, 2000) {
            Ok(cost) => println!(
                "crypto per exchange ({what}): {:.1} us",
                cost.as_secs_f64() * 1e6
            ),
            Err(e) => {
                eprintln!("lab: {e}");
                return ExitCode::FAILURE;
            }
        }
    }
    ExitCode::SUCCESS
}
