use std::sync::{Arc, Mutex};

use baton_core::Secret;
use baton_core::scenario::SecretSource;
use baton_store::{Store, StoreError, StoreSecrets};

use crate::temp_store;

fn exposed(secret: Option<Secret>) -> Option<String> {
    secret.map(|s| s.expose().to_string())
}

#[test]
fn secrets_are_set_replaced_listed_by_name_and_deleted() {
    let (_dir, path, mut store) = temp_store();
    store.set_secret("web", &Secret::new("s3cret")).unwrap();
    store.set_secret("alice", &Secret::new("pw1")).unwrap();
    store.set_secret("alice", &Secret::new("pw2")).unwrap();

    assert_eq!(
        exposed(store.secret("alice").unwrap()).as_deref(),
        Some("pw2")
    );
    assert_eq!(store.secret_names().unwrap(), ["alice", "web"]);
    assert!(store.secret("nobody").unwrap().is_none());

    store.delete_secret("alice").unwrap();
    assert!(store.secret("alice").unwrap().is_none());
    let err = store.delete_secret("alice").unwrap_err();
    assert!(matches!(err, StoreError::SecretNotFound { .. }), "{err}");
    assert!(err.to_string().contains("\"alice\""), "{err}");
    drop(store);

    let store = Store::open(&path).unwrap();
    assert_eq!(
        exposed(store.secret("web").unwrap()).as_deref(),
        Some("s3cret")
    );
}

#[test]
fn a_secret_needs_a_name() {
    let (_dir, _path, mut store) = temp_store();
    let err = store.set_secret("", &Secret::new("x")).unwrap_err();
    assert!(matches!(err, StoreError::BlankName { .. }), "{err}");
    assert!(store.secret_names().unwrap().is_empty());
}

#[test]
fn the_engine_resolves_secrets_from_the_store_including_ones_set_later() {
    let (_dir, _path, mut store) = temp_store();
    store.set_secret("web", &Secret::new("s3cret")).unwrap();
    let shared = Arc::new(Mutex::new(store));
    let source = StoreSecrets::new(Arc::clone(&shared));

    assert_eq!(exposed(source.secret("web")).as_deref(), Some("s3cret"));
    assert!(source.secret("alice").is_none());

    shared
        .lock()
        .unwrap()
        .set_secret("alice", &Secret::new("pw"))
        .unwrap();
    assert_eq!(exposed(source.secret("alice")).as_deref(), Some("pw"));

    // The engine holds sources as `Box<dyn SecretSource>`, possibly across threads.
    let boxed: Box<dyn SecretSource> = Box::new(source);
    let found = std::thread::spawn(move || exposed(boxed.secret("web")))
        .join()
        .unwrap();
    assert_eq!(found.as_deref(), Some("s3cret"));
}

#[test]
fn a_store_can_be_moved_to_another_thread() {
    let (_dir, _path, mut store) = temp_store();
    store.set_secret("web", &Secret::new("s3cret")).unwrap();
    let names = std::thread::spawn(move || store.secret_names().unwrap())
        .join()
        .unwrap();
    assert_eq!(names, ["web"]);
}
