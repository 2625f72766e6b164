use baton_core::scenario::RunOutcome;
use baton_store::{ScenarioSummary, StoreError};

use crate::{collection, run, scenario, temp_store};

fn summaries(store: &baton_store::Store, name: &str) -> Vec<(String, String, usize)> {
    store
        .list_scenarios(name)
        .expect("list the scenarios")
        .into_iter()
        .map(|s| (s.id, s.name, s.step_count))
        .collect()
}

fn row(id: &str, name: &str, steps: usize) -> (String, String, usize) {
    (id.into(), name.into(), steps)
}

#[test]
fn scenarios_are_listed_in_collection_order_with_their_step_count() {
    let (_dir, _path, mut store) = temp_store();
    store.save_collection(&collection("Orders")).unwrap();
    let listed = store.list_scenarios("Orders").unwrap();
    assert_eq!(
        listed,
        [
            ScenarioSummary {
                id: "sc_delegation".into(),
                name: "Delegation".into(),
                step_count: 2,
                position: 0
            },
            ScenarioSummary {
                id: "sc_refusal".into(),
                name: "Refusal".into(),
                step_count: 1,
                position: 1
            },
            ScenarioSummary {
                id: "sc_chain".into(),
                name: "Chain".into(),
                step_count: 3,
                position: 2
            },
        ]
    );
}

#[test]
fn saving_a_scenario_replaces_it_in_place_or_adds_it_at_the_end() {
    let (_dir, _path, mut store) = temp_store();
    store.save_collection(&collection("Orders")).unwrap();

    let edited = scenario("sc_refusal", "Refusal, edited", 3);
    store.save_scenario("Orders", &edited).unwrap();
    store
        .save_scenario("Orders", &scenario("sc_new", "New", 1))
        .unwrap();

    assert_eq!(
        summaries(&store, "Orders"),
        [
            row("sc_delegation", "Delegation", 2),
            row("sc_refusal", "Refusal, edited", 3),
            row("sc_chain", "Chain", 3),
            row("sc_new", "New", 1),
        ]
    );
    let loaded = store.load_collection("Orders").unwrap();
    assert_eq!(loaded.scenario("sc_refusal"), Some(&edited));
    assert_eq!(loaded.scenarios.len(), 4);
}

#[test]
fn a_deleted_scenario_is_gone_and_the_rest_keep_their_order() {
    let (_dir, _path, mut store) = temp_store();
    store.save_collection(&collection("Orders")).unwrap();
    store
        .save_run(
            "Orders",
            &run("Orders", "sc_refusal", 5, RunOutcome::Passed),
        )
        .unwrap();

    store.delete_scenario("Orders", "sc_refusal").unwrap();
    store
        .save_scenario("Orders", &scenario("sc_after", "After", 1))
        .unwrap();

    assert_eq!(
        summaries(&store, "Orders"),
        [
            row("sc_delegation", "Delegation", 2),
            row("sc_chain", "Chain", 3),
            row("sc_after", "After", 1),
        ]
    );
    // Its history is kept, for comparing with what comes next.
    assert_eq!(store.list_runs("Orders", "sc_refusal").unwrap().len(), 1);

    let err = store.delete_scenario("Orders", "sc_refusal").unwrap_err();
    assert!(matches!(err, StoreError::ScenarioNotFound { .. }), "{err}");
    let message = err.to_string();
    assert!(
        message.contains("sc_refusal") && message.contains("Orders"),
        "{message}"
    );
}

#[test]
fn scenarios_of_a_missing_collection_are_an_error_naming_it() {
    let (_dir, path, mut store) = temp_store();
    let err = store.list_scenarios("Nope").unwrap_err();
    assert!(
        matches!(err, StoreError::CollectionNotFound { .. }),
        "{err}"
    );
    let message = err.to_string();
    assert!(
        message.contains("\"Nope\"") && message.contains(&path.display().to_string()),
        "{message}"
    );
    let err = store
        .save_scenario("Nope", &scenario("sc", "S", 1))
        .unwrap_err();
    assert!(
        matches!(err, StoreError::CollectionNotFound { .. }),
        "{err}"
    );
    assert!(store.list_collections().unwrap().is_empty());
}

#[test]
fn a_scenario_needs_an_id() {
    let (_dir, _path, mut store) = temp_store();
    store.save_collection(&collection("Orders")).unwrap();
    let err = store
        .save_scenario("Orders", &scenario("", "No id", 1))
        .unwrap_err();
    assert!(matches!(err, StoreError::BlankName { .. }), "{err}");
    assert_eq!(store.list_scenarios("Orders").unwrap().len(), 3);
}
