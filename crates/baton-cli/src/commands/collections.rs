//! `baton import` and `baton export`: collections between plain files and the store.

use baton_store::{Store, files};

use crate::cli::{ExportArgs, ImportArgs};
use crate::commands::run::write_atomically;
use crate::error::{CliError, usage};
use crate::store_path;

pub fn import(args: &ImportArgs) -> Result<(), CliError> {
    // Read and check the whole file first: a broken file changes nothing in the store.
    let collection = files::read_collection(&args.file).map_err(|e| usage(e.to_string()))?;
    let path = store_path::resolve(args.store.as_deref());
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)
            .map_err(|e| usage(format!("{} could not be created: {e}", dir.display())))?;
    }
    let mut store = Store::open(&path).map_err(|e| usage(e.to_string()))?;
    store
        .save_collection(&collection)
        .map_err(|e| usage(e.to_string()))?;
    println!(
        "Imported {:?} ({} scenarios) into {}",
        collection.name,
        collection.scenarios.len(),
        path.display()
    );
    Ok(())
}

pub fn export(args: &ExportArgs) -> Result<(), CliError> {
    let path = store_path::resolve(args.store.as_deref());
    if !path.exists() {
        return Err(usage(format!(
            "there is no store at {} (import a collection with `baton import FILE`)",
            path.display()
        )));
    }
    let store = Store::open(&path).map_err(|e| usage(e.to_string()))?;
    if args.list {
        for c in store.list_collections().map_err(|e| usage(e.to_string()))? {
            println!("{}\t{} scenarios", c.name, c.scenario_count);
        }
        return Ok(());
    }
    let name = args.name.as_deref().unwrap_or_default();
    let collection = store
        .load_collection(name)
        .map_err(|e| usage(e.to_string()))?;
    let text = files::write_collection(&collection);
    match &args.output {
        Some(file) => {
            write_atomically(file, &text)?;
            eprintln!("Exported {name:?} to {}", file.display());
        }
        None => print!("{text}"),
    }
    Ok(())
}
