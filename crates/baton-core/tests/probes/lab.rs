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
