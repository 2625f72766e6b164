//! The whole suite against the lab: out of the box it passes every probe that applies to it, and
//! with one of its `[checks]` switched off, exactly the probes of that hole fail.

use baton_core::probe::{ProbeOutcome, ProbeReport};

use crate::harness::*;

fn with_outcome(report: &ProbeReport, outcome: ProbeOutcome) -> Vec<String> {
    report
        .results
        .iter()
        .filter(|r| r.outcome == outcome)
        .map(|r| r.id.clone())
        .collect()
}

#[tokio::test]
async fn the_lab_passes_every_probe_that_applies() {
    let lab = lab().await;
    let report = run_against(&lab, Honest, &[]).await;
    lab.stop().await;
    let failed: Vec<String> = report
        .results
        .iter()
        .filter(|r| r.outcome == ProbeOutcome::Fail)
        .map(|r| format!("{}: {}", r.id, r.reason))
        .collect();
    assert!(failed.is_empty(), "the lab fails:\n{}", failed.join("\n"));
    assert!(
        report.results.len() >= 60,
        "{} probes",
        report.results.len()
    );
    // What does not apply to the lab, and why: its tokens are JWTs.
    for r in report
        .results
        .iter()
        .filter(|r| r.outcome == ProbeOutcome::Skip)
    {
        assert!(
            r.id.starts_with("opaque."),
            "{} skipped: {}",
            r.id,
            r.reason
        );
        assert!(r.reason.contains("JWT"), "{}: {}", r.id, r.reason);
    }
    assert_eq!(report.grade, "A");
    assert!(!report.cancelled);
}

/// Each check the probes can see from outside, and the probes that fail once it is off.
/// (`time_claims` is not here: a token with `nbf` in the future can only be forged with the
/// server's own key, so from outside the signature check refuses it first. The lab's own tests
/// cover it with the deterministic mode's published key.)
const HOLES: [(&str, &[&str]); 7] = [
    (
        "actor_bound_to_client",
        &[
            "chain.actor-token-of-another-client",
            "chain.subject-actor-swapped",
        ],
    ),
    ("actor_not_subject", &["chain.circular"]),
    // The carried restriction is enforced by the same check on the next hop.
    (
        "may_act_enforced",
        &[
            "chain.may-act-first-hop",
            "chain.may-act-every-hop",
            "chain.upstream-splice",
        ],
    ),
    (
        "may_act_carried",
        &["chain.may-act-every-hop", "chain.upstream-splice"],
    ),
    ("subject_audience", &["chain.foreign-aud-subject"]),
    ("token_type_matches", &["request.type-mismatch"]),
    (
        "revocation",
        // derived-tokens is info: it reports what happens, either way.
        &["revocation.revoked-subject-refused"],
    ),
];

#[tokio::test]
async fn each_check_switched_off_fails_exactly_its_probes() {
    for (check, expected) in HOLES {
        let lab = lab_without(&[check]).await;
        let report = run_against(&lab, Honest, &[]).await;
        lab.stop().await;
        let mut failed = with_outcome(&report, ProbeOutcome::Fail);
        failed.sort();
        let mut expected: Vec<String> = expected.iter().map(|s| s.to_string()).collect();
        expected.sort();
        assert_eq!(failed, expected, "with {check} off");
    }
}

#[tokio::test]
async fn a_server_that_goes_away_is_not_waited_for_probe_after_probe() {
    let lab = lab().await;
    let overrides =
        std::collections::BTreeMap::from([("lab".to_string(), lab.base_url().to_string())]);
    let mut secrets = baton_core::scenario::MapSecrets::default();
    for (name, value) in lab.policy().credentials() {
        secrets.insert(name, value);
    }
    // The subject token is obtained while the lab is up; then it stops.
    let session = baton_core::probe::ProbeSession::prepare(
        std::sync::Arc::new(Faulty::new(Honest)),
        std::sync::Arc::new(baton_core::SystemClock),
        &collection(),
        None,
        &overrides,
        std::sync::Arc::new(secrets),
    )
    .await
    .expect("the session is prepared while the lab is up");
    lab.stop().await;
    let probes = baton_core::probe::Selection::default()
        .probes()
        .expect("the catalogue");
    let report = baton_core::probe::run(
        std::sync::Arc::new(session),
        &probes,
        &mut |_| {},
        &std::sync::atomic::AtomicBool::new(false),
    )
    .await;
    assert_eq!(
        report.results.len(),
        probes.len(),
        "every probe is reported"
    );
    assert!(with_outcome(&report, ProbeOutcome::Fail).is_empty());
    let sent: usize = report.results.iter().map(|r| r.exchanges.len()).sum();
    assert!(
        sent <= 10,
        "{sent} requests were sent to a server that was gone"
    );
    let last = report.results.last().expect("results");
    assert!(
        last.reason.contains("the server stopped answering"),
        "{}",
        last.reason
    );
    assert_eq!(report.grade, "-");
}
