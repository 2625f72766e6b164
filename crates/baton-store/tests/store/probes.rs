//! A collection's probe target and its probe history, through the store.

use std::collections::BTreeMap;

use baton_core::AuthMethod;
use baton_core::findings::Severity;
use baton_core::http::{Method, RecordedRequest};
use baton_core::probe::{
    GroupScore, PROBE_REPORT_VERSION, ProbeExchange, ProbeGroup, ProbeOutcome, ProbeReport,
    ProbeResult, RecordedResponse,
};
use baton_core::scenario::{Client, FirstGrant, GivenToken, ProbeSubject, ProbeTarget, TokenStep};
use baton_store::{ProbeRunSummary, Store, StoreError};

use crate::{collection, temp_store};

fn target(subject: ProbeSubject) -> ProbeTarget {
    ProbeTarget {
        server: "lab".into(),
        exchanger: "agent".into(),
        subject,
        actor: Some("agent".into()),
        attacker: None,
        audience: Some("documents-api".into()),
        resource: None,
        scope: Some("documents:read".into()),
    }
}

fn probed(name: &str, subject: ProbeSubject) -> baton_core::scenario::Collection {
    let mut c = collection(name);
    c.clients.push(Client {
        id: "agent".into(),
        server: "lab".into(),
        client_id: "agent-a".into(),
        auth: AuthMethod::ClientSecretBasic,
        secret: Some("{{secret.agent-a}}".into()),
        private_key: None,
        key_id: None,
        dpop: false,
        dpop_key: None,
        certificate: None,
        certificate_key: None,
    });
    c.probe = Some(target(subject));
    c
}

fn subjects() -> [ProbeSubject; 2] {
    [
        ProbeSubject::Obtained(TokenStep {
            client: "web".into(),
            grant: FirstGrant::Password,
            username: Some("alice".into()),
            password: Some("{{secret.alice}}".into()),
            refresh_token: None,
            assertion: None,
            requested_token_use: None,
            audience: vec!["documents-api".into()],
            resource: vec![],
            scope: Some("profile documents:read".into()),
            params: BTreeMap::from([("tenant".to_string(), "acme".to_string())]),
            omit: Vec::new(),
        }),
        ProbeSubject::Given(GivenToken {
            token: "{{env.subject}}".into(),
            token_type: "access_token".into(),
        }),
    ]
}

fn result(id: &str, group: ProbeGroup, outcome: ProbeOutcome) -> ProbeResult {
    ProbeResult {
        id: id.into(),
        group,
        title: format!("{id} holds"),
        rfc: "RFC 8693 §2.1".into(),
        severity: Severity::Error,
        outcome,
        reason: format!("{id}: what was sent and what came back"),
        fix: "Refuse it.".into(),
        exchanges: vec![ProbeExchange {
            label: "the exchange".into(),
            request: RecordedRequest {
                method: Method::Post,
                url: "http://127.0.0.1:1/token".into(),
                headers: vec![("authorization".into(), "Basic ****".into())],
                body: Some("grant_type=x".into()),
            },
            response: Some(RecordedResponse {
                status: 400,
                headers: vec![("content-type".into(), "application/json".into())],
                body: "{\"error\":\"invalid_request\"}".into(),
                truncated: false,
            }),
            error: None,
            elapsed_ms: 3,
        }],
    }
}

fn score(group: ProbeGroup, title: &str, passed: u32, failed: u32, skipped: u32) -> GroupScore {
    GroupScore {
        group,
        title: title.into(),
        passed,
        failed,
        skipped,
        score: (passed + failed > 0).then(|| passed * 100 / (passed + failed)),
    }
}

pub fn report(server: &str, started_at: i64, grade: &str) -> ProbeReport {
    ProbeReport {
        report_version: PROBE_REPORT_VERSION,
        collection: "Orders".into(),
        server: server.into(),
        token_endpoint: "http://127.0.0.1:1/token".into(),
        environment: Some("local".into()),
        started_at,
        elapsed_ms: 42,
        cancelled: false,
        results: vec![
            result("baseline.plain", ProbeGroup::Baseline, ProbeOutcome::Pass),
            result("chain.splice", ProbeGroup::Chain, ProbeOutcome::Fail),
            result(
                "revocation.revoked",
                ProbeGroup::Revocation,
                ProbeOutcome::Skip,
            ),
        ],
        groups: vec![
            score(ProbeGroup::Baseline, "Baseline", 1, 0, 0),
            score(ProbeGroup::Chain, "Delegation integrity", 0, 1, 0),
            score(ProbeGroup::Revocation, "Revocation", 0, 0, 1),
        ],
        overall: score(ProbeGroup::Baseline, "Overall", 1, 1, 1),
        grade: grade.into(),
    }
}

#[test]
fn a_probe_target_in_each_subject_form_loads_back_after_reopening() {
    for subject in subjects() {
        let (_dir, path, mut store) = temp_store();
        let saved = probed("Orders", subject);
        store.save_collection(&saved).unwrap();
        drop(store);
        let store = Store::open(&path).unwrap();
        assert_eq!(store.load_collection("Orders").unwrap(), saved);
    }
}

#[test]
fn a_probe_target_is_replaced_removed_and_duplicated_with_its_collection() {
    let (_dir, _path, mut store) = temp_store();
    let [obtained, given] = subjects();
    store.save_collection(&probed("Orders", obtained)).unwrap();
    let replaced = probed("Orders", given);
    store.save_collection(&replaced).unwrap();
    assert_eq!(store.load_collection("Orders").unwrap(), replaced);

    store.duplicate_collection("Orders", "Copy").unwrap();
    assert_eq!(store.load_collection("Copy").unwrap().probe, replaced.probe);

    let mut without = replaced.clone();
    without.probe = None;
    store.save_collection(&without).unwrap();
    assert_eq!(store.load_collection("Orders").unwrap().probe, None);
}

#[test]
fn a_probe_run_saved_loads_back_whole() {
    let (_dir, path, mut store) = temp_store();
    store.save_collection(&collection("Orders")).unwrap();
    let saved = report("lab", 1_700_000_000, "C");
    let id = store.save_probe_run("Orders", &saved).unwrap();
    drop(store);
    let store = Store::open(&path).unwrap();
    assert_eq!(store.probe_run(id).unwrap(), saved);
    assert_eq!(
        store.probe_runs("Orders").unwrap(),
        [ProbeRunSummary {
            id,
            server: "lab".into(),
            started_at: 1_700_000_000,
            grade: "C".into(),
            passed: 1,
            failed: 1,
            skipped: 1,
            cancelled: false,
        }]
    );
}

#[test]
fn a_collections_probe_runs_are_listed_newest_first_and_only_its_own() {
    let (_dir, _path, mut store) = temp_store();
    store.save_collection(&collection("Orders")).unwrap();
    store.save_collection(&collection("Billing")).unwrap();
    let old = store
        .save_probe_run("Orders", &report("lab", 100, "A"))
        .unwrap();
    let newest = store
        .save_probe_run("Orders", &report("idp", 300, "F"))
        .unwrap();
    let mut cancelled = report("lab", 200, "B");
    cancelled.cancelled = true;
    let middle = store.save_probe_run("Orders", &cancelled).unwrap();
    store
        .save_probe_run("Billing", &report("lab", 999, "A"))
        .unwrap();

    let listed = store.probe_runs("Orders").unwrap();
    let ids: Vec<i64> = listed.iter().map(|r| r.id).collect();
    assert_eq!(ids, [newest, middle, old]);
    assert_eq!(
        (listed[0].server.as_str(), listed[0].grade.as_str()),
        ("idp", "F")
    );
    assert!(listed[1].cancelled && !listed[0].cancelled);
    assert!(store.probe_runs("Billing").unwrap().len() == 1);
}

#[test]
fn a_missing_probe_run_or_collection_is_an_error_naming_it() {
    let (_dir, path, mut store) = temp_store();
    let err = store.probe_run(42).unwrap_err();
    assert!(
        matches!(err, StoreError::ProbeRunNotFound { id: 42, .. }),
        "{err}"
    );
    assert!(err.to_string().contains("#42"), "{err}");
    assert!(
        err.to_string().contains(&path.display().to_string()),
        "{err}"
    );

    let err = store
        .save_probe_run("Nope", &report("lab", 1, "A"))
        .unwrap_err();
    assert!(
        matches!(err, StoreError::CollectionNotFound { .. }),
        "{err}"
    );
    let err = store.probe_runs("Nope").unwrap_err();
    assert!(err.to_string().contains("\"Nope\""), "{err}");

    // A deleted collection takes its probe history with it.
    store.save_collection(&collection("Orders")).unwrap();
    let id = store
        .save_probe_run("Orders", &report("lab", 1, "A"))
        .unwrap();
    store.delete_collection("Orders").unwrap();
    assert!(matches!(
        store.probe_run(id),
        Err(StoreError::ProbeRunNotFound { .. })
    ));
}

#[test]
fn a_probe_run_reported_by_a_newer_baton_is_refused_by_version() {
    let (_dir, _path, mut store) = temp_store();
    store.save_collection(&collection("Orders")).unwrap();
    let mut newer = report("lab", 1, "A");
    newer.report_version = PROBE_REPORT_VERSION + 1;
    let id = store.save_probe_run("Orders", &newer).unwrap();
    let err = store.probe_run(id).unwrap_err();
    assert!(matches!(err, StoreError::ProbeRunTooNew { .. }), "{err}");
    assert!(
        err.to_string()
            .contains(&format!("report version {}", PROBE_REPORT_VERSION + 1)),
        "{err}"
    );
    assert_eq!(store.probe_runs("Orders").unwrap().len(), 1);
}
