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

/// A sign-in that issued a refresh token, and an introspection that sent it, as a record made
/// by a Baton that did not mask them.
fn run_with_a_clear_refresh_token(refresh: &str) -> baton_core::scenario::RunRecord {
    let body =
        format!(r#"{{"access_token":"at_1","token_type":"Bearer","refresh_token":"{refresh}"}}"#);
    let step = |id: &str, request_body: String, response: serde_json::Value| {
        serde_json::json!({
            "id": id, "name": id, "kind": "token", "status": "passed", "error": null,
            "request": {"method": "POST", "url": "http://127.0.0.1:1/token", "headers": [], "body": request_body},
            "response": response,
            "sent_at": 1, "elapsed_ms": 1, "inputs": [], "token": null, "introspection": null,
            "findings": [], "assertions": [],
        })
    };
    let mut record = run("Orders", "sc_chain", 1, RunOutcome::Passed);
    record.steps = serde_json::from_value(serde_json::json!([
        step("login", "grant_type=password".into(), serde_json::json!({
            "status": 200, "headers": [], "body": body,
            "outcome": {"kind": "success", "access_token": "at_1", "issued_token_type": null,
                "token_type": "Bearer", "expires_in": null, "scope": null,
                "refresh_token": refresh, "members": serde_json::from_str::<serde_json::Value>(&body).expect("JSON")},
        })),
        step("check", format!("token={refresh}&token_type_hint=refresh_token"), serde_json::Value::Null),
    ]))
    .expect("step records");
    record
}

#[test]
fn refresh_tokens_are_stored_and_loaded_masked() {
    let refresh = "rt_9Zs0Vn3kQeYbW1pX7LdA2mFh";
    let (_dir, path, mut store) = temp_store();
    store.save_collection(&collection("Orders")).unwrap();
    let record = run_with_a_clear_refresh_token(refresh);
    let id = store.save_run("Orders", &record).unwrap();

    let raw: String = rusqlite::Connection::open(&path)
        .unwrap()
        .query_row("SELECT record FROM runs WHERE id = ?1", [id.0], |r| {
            r.get(0)
        })
        .unwrap();
    assert!(!raw.contains(refresh), "stored in the clear: {raw}");
    assert!(raw.contains("rt_9****"), "{raw}");
    let loaded = store.load_run(id).unwrap();
    assert_eq!(
        loaded.steps[1]
            .request
            .as_ref()
            .and_then(|r| r.body.as_deref()),
        Some("token=rt_9****&token_type_hint=refresh_token")
    );

    // A run an earlier Baton stored in the clear is masked when it is read.
    let clear = serde_json::to_string(&record).unwrap();
    rusqlite::Connection::open(&path)
        .unwrap()
        .execute(
            "UPDATE runs SET record = ?1 WHERE id = ?2",
            rusqlite::params![clear, id.0],
        )
        .unwrap();
    let loaded = serde_json::to_string(&store.load_run(id).unwrap()).unwrap();
    assert!(!loaded.contains(refresh), "{loaded}");
    assert!(loaded.contains("rt_9****"), "{loaded}");
}
