//! Every assertion kind, passing and failing, with the message a user reads.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use baton_core::decode;
use baton_core::findings::{Finding, Severity};
use baton_core::jwt::Jwt;
use baton_core::scenario::assert::{Observed, check};
use baton_core::scenario::{Assertion, ClaimCheck};
use serde_json::{Value, json};

fn jwt(claims: Value) -> Jwt {
    let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"ES256","typ":"at+jwt"}"#);
    let payload = URL_SAFE_NO_PAD.encode(claims.to_string());
    let token = format!("{header}.{payload}.c2ln");
    decode(&token).jwt().cloned().expect("a JWT")
}

fn issued() -> Jwt {
    jwt(json!({
        "sub": "bob", "aud": ["payments-api", "ledger"], "scope": "payments:charge",
        "exp": 1767229200, "client_id": "payment-agent",
        "act": {"sub": "payment-agent", "act": {"sub": "flight-agent", "act": {"sub": "planner-agent"}}}
    }))
}

fn subject() -> Jwt {
    jwt(json!({"sub": "bob", "aud": "payment-agent", "scope": "payments:charge flights:book"}))
}

fn outcome(assertion: Assertion, o: &Observed<'_>) -> (bool, String) {
    let r = check(&assertion, o);
    (r.passed, r.message)
}

fn granted<'a>(token: &'a Jwt, subject: &'a Jwt, findings: &'a [Finding]) -> Observed<'a> {
    Observed {
        status: Some(200),
        error: None,
        claims: Some(&token.claims),
        no_claims_because: None,
        token: Some(token),
        subject: Some(subject),
        findings,
        unreachable: false,
        round_trips: Some(1),
        response: None,
    }
}

fn refused() -> Observed<'static> {
    Observed {
        status: Some(400),
        error: Some("invalid_scope"),
        claims: None,
        no_claims_because: Some("the server refused; no token was issued"),
        token: None,
        subject: None,
        findings: &[],
        unreachable: false,
        round_trips: Some(1),
        response: None,
    }
}

#[test]
fn status() {
    let (t, s) = (issued(), subject());
    let o = granted(&t, &s, &[]);
    assert_eq!(
        outcome(Assertion::Status(200), &o),
        (true, "HTTP status is 200".into())
    );
    assert_eq!(
        outcome(Assertion::Status(200), &refused()),
        (
            false,
            "HTTP status: expected 200, got 400 (invalid_scope)".into()
        )
    );
}

#[test]
fn error_code() {
    let (t, s) = (issued(), subject());
    assert_eq!(
        outcome(Assertion::Error("invalid_scope".into()), &refused()),
        (true, "refused with invalid_scope".into())
    );
    assert_eq!(
        outcome(Assertion::Error("invalid_target".into()), &refused()),
        (
            false,
            "error: expected invalid_target, got invalid_scope".into()
        )
    );
    assert_eq!(
        outcome(
            Assertion::Error("invalid_scope".into()),
            &granted(&t, &s, &[])
        ),
        (
            false,
            "error: expected a refusal with invalid_scope, but the server granted it (200)".into()
        )
    );
}

#[test]
fn claim_equals_contains_matches_exists_absent() {
    let (t, s) = (issued(), subject());
    let o = granted(&t, &s, &[]);
    let claim = |path: &str, check: ClaimCheck| Assertion::Claim {
        path: path.into(),
        check,
    };
    let cases: Vec<(Assertion, bool, &str)> = vec![
        (
            claim("act.sub", ClaimCheck::Equals(json!("payment-agent"))),
            true,
            "claim act.sub is \"payment-agent\"",
        ),
        (
            claim("act.sub", ClaimCheck::Equals(json!("web-app"))),
            false,
            "claim act.sub: expected \"web-app\", got \"payment-agent\"",
        ),
        (
            claim("exp", ClaimCheck::Equals(json!(1767229200.0))),
            true,
            "claim exp is 1767229200",
        ),
        (
            claim(
                "act.act.act.sub",
                ClaimCheck::Equals(json!("planner-agent")),
            ),
            true,
            "claim act.act.act.sub is \"planner-agent\"",
        ),
        (
            claim("aud.1", ClaimCheck::Equals(json!("ledger"))),
            true,
            "claim aud.1 is \"ledger\"",
        ),
        (
            claim("aud", ClaimCheck::Contains(json!("ledger"))),
            true,
            "claim aud contains \"ledger\"",
        ),
        (
            claim("aud", ClaimCheck::Contains(json!("orders-api"))),
            false,
            "claim aud: expected to contain \"orders-api\", got [\"payments-api\",\"ledger\"]",
        ),
        (
            claim("scope", ClaimCheck::Contains(json!("charge"))),
            true,
            "claim scope contains \"charge\"",
        ),
        (
            claim("client_id", ClaimCheck::Matches("^payment-".into())),
            true,
            "claim client_id \"payment-agent\" matches /^payment-/",
        ),
        (
            claim("client_id", ClaimCheck::Matches("^web-".into())),
            false,
            "claim client_id: expected to match /^web-/, got \"payment-agent\"",
        ),
        (
            claim("exp", ClaimCheck::Matches("^1".into())),
            false,
            "claim exp: expected a string matching /^1/, got 1767229200",
        ),
        (
            claim("act", ClaimCheck::Exists),
            true,
            "claim act is present ({\"sub\":\"payment-agent\",\"act\":{\"sub\":\"flight-agent\",\"act\":{\"sub\":\"planner-agent\"}}})",
        ),
        (
            claim("may_act", ClaimCheck::Exists),
            false,
            "claim may_act: expected present, got absent",
        ),
        (
            claim("may_act", ClaimCheck::Absent),
            true,
            "claim may_act is absent",
        ),
        (
            claim("sub", ClaimCheck::Absent),
            false,
            "claim sub: expected absent, got \"bob\"",
        ),
        (
            claim("nope", ClaimCheck::Equals(json!(1))),
            false,
            "claim nope: expected 1, got nothing (no such claim)",
        ),
    ];
    for (assertion, passed, message) in cases {
        assert_eq!(
            outcome(assertion.clone(), &o),
            (passed, message.to_string()),
            "{assertion:?}"
        );
    }
    let (p, m) = outcome(claim("sub", ClaimCheck::Exists), &refused());
    assert!(!p);
    assert_eq!(m, "claim sub: the server refused; no token was issued");
}

#[test]
fn scope_subsets() {
    let (t, s) = (issued(), subject());
    let o = granted(&t, &s, &[]);
    assert_eq!(
        outcome(
            Assertion::ScopeSubsetOf(vec!["payments:charge".into(), "x".into()]),
            &o
        ),
        (true, "scope \"payments:charge\" ⊆ the allowed set".into())
    );
    assert_eq!(
        outcome(Assertion::ScopeSubsetOf(vec!["flights:book".into()]), &o),
        (
            false,
            "scope: \"payments:charge\" is not within the allowed set \"flights:book\"; not allowed: payments:charge".into()
        )
    );
    assert!(outcome(Assertion::ScopeSubsetOfSubject, &o).0);
    let narrow = jwt(json!({"sub": "bob", "scope": "flights:book"}));
    let o = granted(&t, &narrow, &[]);
    assert_eq!(
        outcome(Assertion::ScopeSubsetOfSubject, &o),
        (
            false,
            "scope: \"payments:charge\" is not within the subject token's scope \"flights:book\"; not allowed: payments:charge".into()
        )
    );
}

#[test]
fn aud_contains_and_sub_preserved() {
    let (t, s) = (issued(), subject());
    let o = granted(&t, &s, &[]);
    assert!(outcome(Assertion::AudContains("payments-api".into()), &o).0);
    assert_eq!(
        outcome(Assertion::AudContains("orders-api".into()), &o),
        (
            false,
            "aud: expected to contain \"orders-api\", got [\"payments-api\", \"ledger\"]".into()
        )
    );
    assert_eq!(
        outcome(Assertion::SubPreserved, &o),
        (true, "sub \"bob\" preserved".into())
    );
    let other = jwt(json!({"sub": "alice"}));
    assert_eq!(
        outcome(Assertion::SubPreserved, &granted(&t, &other, &[])),
        (
            false,
            "sub: expected the subject's \"alice\", got \"bob\"".into()
        )
    );
}

#[test]
fn act_chain_and_depth() {
    let (t, s) = (issued(), subject());
    let o = granted(&t, &s, &[]);
    let chain = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    assert_eq!(
        outcome(
            Assertion::ActChain(chain(&["payment-agent", "flight-agent", "planner-agent"])),
            &o
        ),
        (
            true,
            "act chain is [payment-agent, flight-agent, planner-agent]".into()
        )
    );
    assert_eq!(
        outcome(Assertion::ActChain(chain(&["payment-agent"])), &o),
        (
            false,
            "act chain: expected [payment-agent], got [payment-agent, flight-agent, planner-agent]"
                .into()
        )
    );
    assert_eq!(
        outcome(Assertion::ActDepth(3), &o),
        (true, "act depth is 3".into())
    );
    assert_eq!(
        outcome(Assertion::ActDepth(1), &o),
        (
            false,
            "act depth: expected 1, got 3 ([payment-agent, flight-agent, planner-agent])".into()
        )
    );
    let plain = jwt(json!({"sub": "bob"}));
    assert_eq!(
        outcome(
            Assertion::ActChain(chain(&["x"])),
            &granted(&plain, &s, &[])
        ),
        (false, "act chain: expected [x], got no act".into())
    );
}

#[test]
fn no_findings_at_or_above() {
    let (t, s) = (issued(), subject());
    let findings = vec![Finding {
        id: "response.cache-control".into(),
        severity: Severity::Warning,
        message: "no Cache-Control: no-store".into(),
        reference: "RFC 6749 §5.1".into(),
    }];
    let o = granted(&t, &s, &findings);
    assert_eq!(
        outcome(Assertion::NoFindingsAtOrAbove(Severity::Error), &o),
        (true, "no findings at error or above".into())
    );
    assert_eq!(
        outcome(Assertion::NoFindingsAtOrAbove(Severity::Warning), &o),
        (
            false,
            "expected no findings at warning or above, got 1: response.cache-control (warning)"
                .into()
        )
    );
}
