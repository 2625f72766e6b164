//! `baton`: Baton's command line.

mod cli;
mod commands;
mod connect;
mod error;
mod fail_on;
mod interact;
mod lab_control;
mod render;
mod secrets;
mod store_path;

use std::process::ExitCode;

use clap::Parser;

use crate::cli::{Cli, Command};

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: could not start the async runtime: {e}");
            return ExitCode::from(error::exit::USAGE);
        }
    };
    let result = runtime.block_on(async move {
        match cli.command {
            Command::Sts(args) => commands::sts::run(args).await,
            Command::Token(args) => commands::token::run(args).await,
            Command::Exchange(args) => commands::exchange::run(args).await,
            Command::Presets(args) => commands::presets::run(&args),
            Command::Inspect(args) => commands::inspect::run(args).await,
            Command::Demo(args) => commands::demo::run(args).await,
            Command::Run(args) => commands::run::run(args).await,
            Command::Probe(args) => commands::probe::run(args).await,
            Command::Graph(args) => commands::graph::run(&args),
            Command::Diff(args) => commands::diff::run(&args),
            Command::Import(args) => commands::collections::import(&args),
            Command::Export(args) => commands::collections::export(&args),
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(e.code())
        }
    }
}
