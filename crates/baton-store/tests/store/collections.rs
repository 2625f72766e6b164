use baton_core::FixedClock;
use baton_core::scenario::RunOutcome;
use baton_store::{CollectionSummary, Store, StoreError};

use crate::{collection, run, scenario, temp_store};

#[test]
fn a_saved_collection_loads_back_whole_after_reopening() {
    let (_dir, path, mut store) = temp_store();
    let saved = collection("Orders");
    store.save_collection(&saved).unwrap();
    drop(store);

    let store = Store::open(&path).unwrap();
    assert_eq!(store.load_collection("Orders").unwrap(), saved);
}

#[test]
fn saving_again_replaces_the_whole_collection() {
    let (_dir, _path, mut store) = temp_store();
    store.save_collection(&collection("Orders")).unwrap();

    let mut second = collection("Orders");
    second.description = None;
    second.scenarios = vec![
        scenario("sc_new", "New", 1),
        scenario("sc_chain", "Chain", 1),
    ];
    second.environments.truncate(1);
    store.save_collection(&second).unwrap();

    assert_eq!(store.load_collection("Orders").unwrap(), second);
    let ids: Vec<String> = store
        .list_scenarios("Orders")
        .unwrap()
        .into_iter()
        .map(|s| s.id)
        .collect();
    assert_eq!(ids, ["sc_new", "sc_chain"]);
}

#[test]
fn a_save_that_fails_changes_nothing() {
    let (_dir, _path, mut store) = temp_store();
    let first = collection("Orders");
    store.save_collection(&first).unwrap();
    let before = store.list_collections().unwrap();

    // The first scenario is written before the second, duplicate id fails the save.
    let mut bad = collection("Orders");
    bad.description = Some("changed".into());
    bad.scenarios = vec![scenario("sc_same", "One", 1), scenario("sc_same", "Two", 2)];
    let err = store.save_collection(&bad).unwrap_err();
    assert!(
        matches!(err, StoreError::DuplicateScenarioId { .. }),
        "{err}"
    );
    let message = err.to_string();
    assert!(
        message.contains("sc_same")
            && message.contains("Orders")
            && message.contains("baton.sqlite"),
        "{message}"
    );

    assert_eq!(store.load_collection("Orders").unwrap(), first);
    assert_eq!(store.list_collections().unwrap(), before);

    // A new collection that fails the same way is not created at all.
    bad.name = "Fresh".into();
    store.save_collection(&bad).unwrap_err();
    assert!(matches!(
        store.load_collection("Fresh"),
        Err(StoreError::CollectionNotFound { .. })
    ));
}

#[test]
fn collections_are_listed_by_name_with_their_scenario_count_and_last_change() {
    let (_dir, _path, store) = temp_store();
    let mut store = store.with_clock(FixedClock(1_700_000_000));
    let mut b = collection("Billing");
    b.scenarios.truncate(1);
    store.save_collection(&b).unwrap();
    let mut store = store.with_clock(FixedClock(1_700_000_500));
    store.save_collection(&collection("Accounts")).unwrap();

    assert_eq!(
        store.list_collections().unwrap(),
        [
            CollectionSummary {
                name: "Accounts".into(),
                description: Some("Delegation at the order service".into()),
                scenario_count: 3,
                updated_at: 1_700_000_500,
            },
            CollectionSummary {
                name: "Billing".into(),
                description: Some("Delegation at the order service".into()),
                scenario_count: 1,
                updated_at: 1_700_000_000,
            },
        ]
    );

    // Changing one scenario is a change to its collection.
    let mut store = store.with_clock(FixedClock(1_700_009_999));
    store
        .save_scenario("Billing", &scenario("sc_more", "More", 1))
        .unwrap();
    let billing = &store.list_collections().unwrap()[1];
    assert_eq!(
        (billing.scenario_count, billing.updated_at),
        (2, 1_700_009_999)
    );
}

#[test]
fn renaming_a_collection_keeps_its_scenarios_and_history() {
    let (_dir, _path, mut store) = temp_store();
    store.save_collection(&collection("Orders")).unwrap();
    let run_id = store
        .save_run(
            "Orders",
            &run("Orders", "sc_refusal", 10, RunOutcome::Passed),
        )
        .unwrap();

    store.rename_collection("Orders", "Orders v2").unwrap();

    assert!(matches!(
        store.load_collection("Orders"),
        Err(StoreError::CollectionNotFound { .. })
    ));
    let renamed = store.load_collection("Orders v2").unwrap();
    assert_eq!(renamed.scenarios, collection("Orders").scenarios);
    let runs = store.list_runs("Orders v2", "sc_refusal").unwrap();
    assert_eq!(runs.iter().map(|r| r.id).collect::<Vec<_>>(), [run_id]);
}

#[test]
fn renaming_onto_an_existing_name_is_refused_and_changes_nothing() {
    let (_dir, _path, mut store) = temp_store();
    store.save_collection(&collection("Orders")).unwrap();
    let mut other = collection("Billing");
    other.scenarios.truncate(1);
    store.save_collection(&other).unwrap();

    let err = store.rename_collection("Orders", "Billing").unwrap_err();
    assert!(matches!(err, StoreError::CollectionExists { .. }), "{err}");
    assert!(err.to_string().contains("\"Billing\""), "{err}");
    assert_eq!(store.load_collection("Billing").unwrap(), other);
    assert_eq!(
        store.load_collection("Orders").unwrap(),
        collection("Orders")
    );

    let err = store.rename_collection("Nope", "Anything").unwrap_err();
    assert!(err.to_string().contains("\"Nope\""), "{err}");
    let err = store.rename_collection("Orders", "  ").unwrap_err();
    assert!(matches!(err, StoreError::BlankName { .. }), "{err}");
}

#[test]
fn deleting_a_collection_deletes_its_scenarios_and_history() {
    let (_dir, _path, mut store) = temp_store();
    store.save_collection(&collection("Orders")).unwrap();
    let run_id = store
        .save_run("Orders", &run("Orders", "sc_chain", 1, RunOutcome::Failed))
        .unwrap();

    store.delete_collection("Orders").unwrap();

    assert!(store.list_collections().unwrap().is_empty());
    assert!(matches!(
        store.load_run(run_id),
        Err(StoreError::RunNotFound { .. })
    ));
    // A new collection under the old name starts empty.
    let mut fresh = collection("Orders");
    fresh.scenarios.clear();
    store.save_collection(&fresh).unwrap();
    assert!(store.list_scenarios("Orders").unwrap().is_empty());
    assert!(store.list_runs("Orders", "sc_chain").unwrap().is_empty());

    let err = store.delete_collection("Missing").unwrap_err();
    assert!(
        matches!(err, StoreError::CollectionNotFound { .. }),
        "{err}"
    );
    assert!(err.to_string().contains("\"Missing\""), "{err}");
}

#[test]
fn a_duplicate_is_an_independent_copy_without_the_history() {
    let (_dir, _path, mut store) = temp_store();
    store.save_collection(&collection("Orders")).unwrap();
    store
        .save_run("Orders", &run("Orders", "sc_chain", 1, RunOutcome::Passed))
        .unwrap();

    store.duplicate_collection("Orders", "Orders copy").unwrap();

    let mut expected = collection("Orders");
    expected.name = "Orders copy".into();
    assert_eq!(store.load_collection("Orders copy").unwrap(), expected);
    assert!(
        store
            .list_runs("Orders copy", "sc_chain")
            .unwrap()
            .is_empty()
    );

    store.delete_scenario("Orders copy", "sc_chain").unwrap();
    assert_eq!(
        store.load_collection("Orders").unwrap(),
        collection("Orders")
    );

    let err = store
        .duplicate_collection("Orders", "Orders copy")
        .unwrap_err();
    assert!(matches!(err, StoreError::CollectionExists { .. }), "{err}");
    let err = store.duplicate_collection("Nope", "Other").unwrap_err();
    assert!(
        matches!(err, StoreError::CollectionNotFound { .. }),
        "{err}"
    );
}

#[test]
fn a_collection_needs_a_name() {
    let (_dir, _path, mut store) = temp_store();
    let err = store.save_collection(&collection(" ")).unwrap_err();
    assert!(matches!(err, StoreError::BlankName { .. }), "{err}");
    assert!(store.list_collections().unwrap().is_empty());
}
