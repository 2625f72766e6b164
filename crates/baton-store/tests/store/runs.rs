use baton_core::scenario::RunOutcome;
use baton_core::scenario::record::RECORD_VERSION;
use baton_store::{RunId, StoreError};

use crate::{collection, run, temp_store};

#[test]
fn a_saved_run_loads_back_as_it_was_recorded() {
    let (_dir, _path, mut store) = temp_store();
    store.save_collection(&collection("Orders")).unwrap();
    let record = run("Orders", "sc_chain", 1_700_000_000, RunOutcome::Failed);
    let id = store.save_run("Orders", &record).unwrap();
    assert_eq!(store.load_run(id).unwrap(), record);
}

#[test]
fn a_scenarios_runs_are_listed_newest_first_and_only_its_own() {
    let (_dir, _path, mut store) = temp_store();
    store.save_collection(&collection("Orders")).unwrap();
    let mut other = collection("Billing");
    other.scenarios.truncate(1);
    store.save_collection(&other).unwrap();

    let old = store
        .save_run(
            "Orders",
            &run("Orders", "sc_chain", 100, RunOutcome::Passed),
        )
        .unwrap();
    let newest = store
        .save_run(
            "Orders",
            &run("Orders", "sc_chain", 300, RunOutcome::Failed),
        )
        .unwrap();
    // Saved later, but started earlier: the history is by start time.
    let middle = store
        .save_run(
            "Orders",
            &run("Orders", "sc_chain", 200, RunOutcome::Passed),
        )
        .unwrap();
    // Same start time: the one saved last first.
    let middle_later = store
        .save_run(
            "Orders",
            &run("Orders", "sc_chain", 200, RunOutcome::Passed),
        )
        .unwrap();
    store
        .save_run(
            "Orders",
            &run("Orders", "sc_refusal", 999, RunOutcome::Passed),
        )
        .unwrap();
    store
        .save_run(
            "Billing",
            &run("Billing", "sc_chain", 999, RunOutcome::Passed),
        )
        .unwrap();

    let listed = store.list_runs("Orders", "sc_chain").unwrap();
    let ids: Vec<RunId> = listed.iter().map(|r| r.id).collect();
    assert_eq!(ids, [newest, middle_later, middle, old]);
    assert_eq!(listed[0].outcome, RunOutcome::Failed);
    assert_eq!(listed[0].started_at, 300);
    assert_eq!(listed[0].elapsed_ms, 1234);
    assert_eq!(listed[0].scenario_id, "sc_chain");
    assert!(store.list_runs("Orders", "sc_none").unwrap().is_empty());
}

#[test]
fn a_missing_run_or_collection_is_an_error_naming_it() {
    let (_dir, _path, mut store) = temp_store();
    let err = store.load_run(RunId(42)).unwrap_err();
    assert!(matches!(err, StoreError::RunNotFound { .. }), "{err}");
    assert!(err.to_string().contains("42"), "{err}");

    let err = store
        .save_run("Nope", &run("Nope", "sc", 1, RunOutcome::Passed))
        .unwrap_err();
    assert!(
        matches!(err, StoreError::CollectionNotFound { .. }),
        "{err}"
    );
    let err = store.list_runs("Nope", "sc").unwrap_err();
    assert!(err.to_string().contains("\"Nope\""), "{err}");
}

#[test]
fn a_run_recorded_by_a_newer_baton_is_refused_by_version() {
    let (_dir, _path, mut store) = temp_store();
    store.save_collection(&collection("Orders")).unwrap();
    let mut record = run("Orders", "sc_chain", 1, RunOutcome::Passed);
    record.record_version = RECORD_VERSION + 1;
    let id = store.save_run("Orders", &record).unwrap();

    let err = store.load_run(id).unwrap_err();
    assert!(matches!(err, StoreError::RunTooNew { .. }), "{err}");
    let message = err.to_string();
    assert!(
        message.contains(&format!("record version {}", RECORD_VERSION + 1)),
        "{message}"
    );
    // It still shows in the history.
    assert_eq!(store.list_runs("Orders", "sc_chain").unwrap().len(), 1);
}
