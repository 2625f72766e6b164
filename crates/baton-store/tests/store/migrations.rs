use std::fs;
use std::path::{Path, PathBuf};

use baton_core::scenario::{GivenToken, ProbeSubject, ProbeTarget, RunOutcome};
use baton_store::migrate::MIGRATIONS;
use baton_store::{SCHEMA_VERSION, Store, StoreError};
use rusqlite::Connection;

use crate::probes::report as probe_report;
use crate::{collection, run, temp_store};

const FIXTURE_ENV: &str = "BATON_STORE_WRITE_FIXTURE";

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/schema-1.sqlite")
}

fn user_version(path: &Path) -> i64 {
    Connection::open(path)
        .expect("open the database")
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .expect("read user_version")
}

/// Every file in `dir` with its bytes.
fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<_> = fs::read_dir(dir)
        .expect("list the temp dir")
        .map(|e| {
            let e = e.expect("list the temp dir");
            (
                e.file_name().to_string_lossy().into_owned(),
                fs::read(e.path()).expect("read a file of the temp dir"),
            )
        })
        .collect();
    files.sort();
    files
}

/// Remakes `tests/fixtures/schema-1.sqlite`: a database as Baton left it when migration 0001
/// was the newest, holding one collection. Run it only when that is what you mean:
///
/// ```sh
/// BATON_STORE_WRITE_FIXTURE=1 cargo test -p baton-store --test store \
///     migrations::write_the_schema_1_fixture -- --exact --ignored
/// ```
#[test]
#[ignore = "writes a committed fixture; run with BATON_STORE_WRITE_FIXTURE=1"]
fn write_the_schema_1_fixture() {
    if std::env::var_os(FIXTURE_ENV).is_none() {
        return;
    }
    let path = fixture();
    let _ = fs::remove_file(&path);
    let conn = Connection::open(&path).unwrap();
    conn.pragma_update(None, "journal_mode", "WAL").unwrap();
    conn.execute_batch(MIGRATIONS[0].sql).unwrap();
    conn.pragma_update(None, "user_version", 1).unwrap();

    let c = collection("Legacy");
    conn.execute(
        "INSERT INTO collections (name, description, servers, clients, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, 1700000000, 1700000000)",
        (
            &c.name,
            &c.description,
            serde_json::to_string(&c.servers).unwrap(),
            serde_json::to_string(&c.clients).unwrap(),
        ),
    )
    .unwrap();
    for (i, s) in c.scenarios.iter().enumerate() {
        conn.execute(
            "INSERT INTO scenarios (collection_id, id, name, position, step_count, body, updated_at)
             VALUES (1, ?1, ?2, ?3, ?4, ?5, 1700000000)",
            (
                &s.id,
                &s.name,
                i as i64,
                s.steps.len() as i64,
                serde_json::to_string(s).unwrap(),
            ),
        )
        .unwrap();
    }
    for (i, e) in c.environments.iter().enumerate() {
        conn.execute(
            "INSERT INTO environments (collection_id, position, name, body) VALUES (1, ?1, ?2, ?3)",
            (i as i64, &e.name, serde_json::to_string(e).unwrap()),
        )
        .unwrap();
    }
    conn.execute(
        "INSERT INTO secrets (name, value, updated_at) VALUES ('web', 's3cret', 1700000000)",
        [],
    )
    .unwrap();
    conn.execute_batch("VACUUM").unwrap();
    drop(conn);
}

#[test]
fn a_new_store_is_at_the_latest_schema_in_wal_mode() {
    let (_dir, path, store) = temp_store();
    assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
    drop(store);
    assert_eq!(user_version(&path), i64::from(SCHEMA_VERSION));
    let mode: String = Connection::open(&path)
        .unwrap()
        .pragma_query_value(None, "journal_mode", |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
}

#[test]
fn a_database_from_schema_1_is_migrated_and_keeps_its_data() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.sqlite");
    fs::copy(fixture(), &path).unwrap();
    assert_eq!(user_version(&path), 1, "the fixture should be at schema 1");

    let mut store = Store::open(&path).unwrap();
    assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);

    let old = store.load_collection("Legacy").unwrap();
    // The fixture holds `collection("Legacy")` as it was when the fixture was made. Should the
    // helper change, compare with the old values here; remaking the fixture would hide exactly
    // the breakage this test is for.
    let expected = collection("Legacy");
    assert_eq!(old.description, expected.description);
    assert_eq!(old.servers, expected.servers);
    assert_eq!(old.clients, expected.clients);
    assert_eq!(old.environments, expected.environments);
    assert_eq!(old.scenarios, expected.scenarios);
    assert_eq!(
        store
            .secret("web")
            .unwrap()
            .map(|s| s.expose().to_string())
            .as_deref(),
        Some("s3cret")
    );
    let listed = store.list_collections().unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(
        (listed[0].scenario_count, listed[0].updated_at),
        (3, 1_700_000_000)
    );

    // What schema 2 added works on the migrated file, and survives reopening.
    let id = store
        .save_run("Legacy", &run("Legacy", "sc_chain", 5, RunOutcome::Passed))
        .unwrap();
    // And what schema 3 added: a probe target and a probe run.
    assert_eq!(old.probe, None);
    let mut probed = old.clone();
    probed.probe = Some(ProbeTarget {
        server: "lab".into(),
        exchanger: "web".into(),
        subject: ProbeSubject::Given(GivenToken {
            token: "{{env.subject}}".into(),
            token_type: "access_token".into(),
        }),
        actor: None,
        attacker: None,
        audience: None,
        resource: None,
        scope: None,
    });
    store.save_collection(&probed).unwrap();
    let probe_run = store
        .save_probe_run("Legacy", &probe_report("lab", 7, "B"))
        .unwrap();
    drop(store);
    let store = Store::open(&path).unwrap();
    assert_eq!(store.list_runs("Legacy", "sc_chain").unwrap()[0].id, id);
    assert_eq!(store.load_collection("Legacy").unwrap(), probed);
    assert_eq!(store.probe_runs("Legacy").unwrap()[0].id, probe_run);
}

#[test]
fn a_database_from_a_newer_baton_is_refused_and_left_untouched() {
    let (dir, path, mut store) = temp_store();
    store.save_collection(&collection("Orders")).unwrap();
    drop(store);
    let newer = i64::from(SCHEMA_VERSION) + 1;
    let conn = Connection::open(&path).unwrap();
    conn.pragma_update(None, "user_version", newer).unwrap();
    // Out of WAL mode, so that switching to it before looking at the version would show.
    conn.pragma_update(None, "journal_mode", "DELETE").unwrap();
    drop(conn);
    let before = snapshot(dir.path());

    let err = Store::open(&path).unwrap_err();

    assert!(matches!(err, StoreError::TooNew { .. }), "{err}");
    let message = err.to_string();
    assert!(message.contains(&path.display().to_string()), "{message}");
    assert!(
        message.contains(&format!("schema version {newer}")),
        "{message}"
    );
    assert!(
        message.contains(&format!("up to {SCHEMA_VERSION}")),
        "{message}"
    );
    assert_eq!(
        snapshot(dir.path()),
        before,
        "the file should be byte-identical"
    );
}

#[test]
fn a_file_that_is_not_a_baton_store_is_refused_and_left_untouched() {
    let dir = tempfile::tempdir().unwrap();

    let text = dir.path().join("notes.txt");
    fs::write(&text, "These are my notes, not a database. ".repeat(20)).unwrap();
    let other = dir.path().join("other-app.sqlite");
    Connection::open(&other)
        .unwrap()
        .execute_batch("CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('keep me');")
        .unwrap();
    let before = snapshot(dir.path());

    for path in [&text, &other] {
        let err = Store::open(path).unwrap_err();
        assert!(matches!(err, StoreError::NotAStore { .. }), "{err}");
        assert!(
            err.to_string().contains(&path.display().to_string()),
            "{err}"
        );
    }
    assert_eq!(snapshot(dir.path()), before);
}

#[test]
fn a_store_in_a_missing_directory_is_an_error_naming_the_path() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("no/such/dir/baton.sqlite");
    let err = Store::open(&path).unwrap_err();
    assert!(matches!(err, StoreError::Open { .. }), "{err}");
    assert!(
        err.to_string().contains(&path.display().to_string()),
        "{err}"
    );
}
