//! The attacks the lab's `[checks]` stop, with the probe suite's roles (alice-app, agent-a,
//! agent-n): each is refused by the default lab and succeeds once its check is switched off.

use serde_json::json;

use crate::common::*;

const DOCS: (&str, &str) = ("audience", "documents-api");

/// alice-app's own token: the "user" token of the probe suite, naming agent-a in may_act.
async fn alice_app(lab: &baton_sts::StsHandle) -> String {
    client_token_with(lab, "alice-app", &[("scope", "profile documents:read")]).await
}

fn assert_refused_because(r: &Reply, needle: &str) {
    r.assert_error("invalid_request");
    assert!(
        r.description().contains(needle),
        "expected {needle:?} in: {}",
        r.description()
    );
}

#[tokio::test]
async fn alice_app_tokens_name_agent_a_in_may_act() {
    let lab = lab().await;
    let c = claims(&alice_app(&lab).await);
    assert_eq!(c["sub"], "alice-app");
    assert_eq!(c["aud"], "documents-api");
    assert_eq!(c["scope"], "profile documents:read");
    assert_eq!(c["may_act"], json!({"sub": "agent-a"}));
}

#[tokio::test]
async fn another_clients_token_as_actor_token_is_refused() {
    for off in [false, true] {
        let lab = if off {
            lab_without(&["actor_bound_to_client"]).await
        } else {
            lab().await
        };
        let own = client_token(&lab, "agent-n").await;
        let agent_a = client_token(&lab, "agent-a").await;
        let r = exchange(&lab, "agent-n", &own, Some(&agent_a), &[DOCS]).await;
        if off {
            r.assert_issued();
            // The attack: agent-n's token now says agent-a acted.
            assert_eq!(claims(r.token())["act"], json!({"sub": "agent-a"}));
        } else {
            assert_refused_because(
                &r,
                "actor_token was issued to \"agent-a\", not to the client presenting it (\"agent-n\")",
            );
        }
    }
}

#[tokio::test]
async fn swapped_subject_and_actor_are_refused() {
    for off in [false, true] {
        let lab = if off {
            lab_without(&["actor_bound_to_client"]).await
        } else {
            lab().await
        };
        let user = alice_app(&lab).await;
        let agent = client_token(&lab, "agent-a").await;
        let r = exchange(&lab, "agent-a", &agent, Some(&user), &[DOCS]).await;
        if off {
            r.assert_issued();
            assert_eq!(claims(r.token())["act"]["sub"], "alice-app");
        } else {
            assert_refused_because(&r, "actor_token was issued to \"alice-app\"");
        }
    }
}

#[tokio::test]
async fn an_actor_token_naming_the_client_in_its_aud_is_bound_to_it() {
    // planner-agent's own tokens are for flight-agent (its default audience): flight-agent may
    // present one as its actor token, as the check's definition allows.
    let lab = lab().await;
    let bob = password_token(&lab, "web-app", "bob", &[("audience", "planner-agent")]).await;
    let planner = client_token(&lab, "planner-agent").await;
    let hop1 = exchange(&lab, "planner-agent", bob.token(), Some(&planner), &[]).await;
    hop1.assert_issued();
    let r = exchange(&lab, "flight-agent", hop1.token(), Some(&planner), &[]).await;
    assert_eq!(r.status, 400, "{:#}", r.body);
    // Refused by may_act (the token names flight-agent, the actor is planner-agent), not by
    // the binding: the actor token's aud is flight-agent.
    assert!(r.description().contains("may_act"), "{}", r.description());
}

#[tokio::test]
async fn an_actor_not_named_in_may_act_is_refused() {
    for off in [false, true] {
        let lab = if off {
            lab_without(&["may_act_enforced"]).await
        } else {
            lab().await
        };
        let user = alice_app(&lab).await;
        let attacker = client_token(&lab, "agent-n").await;
        let r = exchange(&lab, "agent-n", &user, Some(&attacker), &[DOCS]).await;
        if off {
            r.assert_issued();
        } else {
            assert_refused_because(
                &r,
                "actor \"agent-n\" is not named in the subject token's may_act",
            );
        }
        // Impersonation: the client itself must be named.
        let r = exchange(&lab, "agent-n", &user, None, &[DOCS]).await;
        if off {
            r.assert_issued();
        } else {
            assert_refused_because(&r, "client \"agent-n\" is not named");
        }
    }
}

#[tokio::test]
async fn may_act_travels_down_the_chain() {
    for off in [false, true] {
        let lab = if off {
            lab_without(&["may_act_carried"]).await
        } else {
            lab().await
        };
        let user = alice_app(&lab).await;
        let agent_a = client_token(&lab, "agent-a").await;
        let first = exchange(&lab, "agent-a", &user, Some(&agent_a), &[DOCS]).await;
        first.assert_issued();
        let first_claims = claims(first.token());
        let attacker = client_token(&lab, "agent-n").await;
        let second = exchange(&lab, "agent-n", first.token(), Some(&attacker), &[DOCS]).await;
        if off {
            assert!(first_claims.get("may_act").is_none(), "{first_claims}");
            second.assert_issued();
            let c = claims(second.token());
            assert_eq!(c["sub"], "alice-app");
            assert_eq!(
                c["act"],
                json!({"sub": "agent-n", "act": {"sub": "agent-a"}})
            );
        } else {
            assert_eq!(first_claims["may_act"], json!({"sub": "agent-a"}));
            assert_refused_because(
                &second,
                "actor \"agent-n\" is not named in the subject token's may_act",
            );
        }
    }
}

#[tokio::test]
async fn a_clients_own_may_act_still_takes_precedence() {
    // Story 6: planner-agent's policy names flight-agent, whatever bob's token said.
    let lab = lab().await;
    let bob = password_token(&lab, "web-app", "bob", &[("audience", "planner-agent")]).await;
    assert_eq!(claims(bob.token())["may_act"]["sub"], "planner-agent");
    let planner = client_token(&lab, "planner-agent").await;
    let hop1 = exchange(&lab, "planner-agent", bob.token(), Some(&planner), &[]).await;
    hop1.assert_issued();
    assert_eq!(
        claims(hop1.token())["may_act"],
        json!({"sub": "flight-agent"})
    );
}

#[tokio::test]
async fn an_access_token_declared_as_an_id_token_is_refused() {
    for off in [false, true] {
        let lab = if off {
            lab_without(&["token_type_matches"]).await
        } else {
            lab().await
        };
        let user = alice_app(&lab).await;
        let agent = client_token(&lab, "agent-a").await;
        let r = exchange_typed(
            &lab,
            "agent-a",
            (&user, ID_TOKEN),
            Some((&agent, AT)),
            &[DOCS],
        )
        .await;
        if off {
            r.assert_issued();
        } else {
            assert_refused_because(
                &r,
                "subject_token is an access token (typ at+jwt), not an ID token",
            );
        }
        // The actor token's declared type is checked the same way.
        let r = exchange_typed(
            &lab,
            "agent-a",
            (&user, AT),
            Some((&agent, ID_TOKEN)),
            &[DOCS],
        )
        .await;
        if off {
            r.assert_issued();
        } else {
            assert_refused_because(&r, "actor_token is an access token");
        }
    }
}

#[tokio::test]
async fn an_id_token_must_be_declared_as_one_and_jwt_takes_either() {
    for off in [false, true] {
        let lab = if off {
            lab_without(&["token_type_matches"]).await
        } else {
            lab().await
        };
        let user = alice_app(&lab).await;
        let agent = client_token(&lab, "agent-a").await;
        let id = exchange(
            &lab,
            "agent-a",
            &user,
            Some(&agent),
            &[DOCS, ("requested_token_type", ID_TOKEN)],
        )
        .await;
        id.assert_issued();
        assert_eq!(header(id.token())["typ"], "JWT");
        let id = id.token().to_owned();

        let as_access =
            exchange_typed(&lab, "agent-a", (&id, AT), Some((&agent, AT)), &[DOCS]).await;
        if off {
            as_access.assert_issued();
        } else {
            assert_refused_because(
                &as_access,
                "subject_token is not an access token (its typ is \"JWT\"",
            );
        }
        for (token, kind) in [(&id, ID_TOKEN), (&id, JWT), (&user, JWT)] {
            exchange_typed(&lab, "agent-a", (token, kind), Some((&agent, AT)), &[DOCS])
                .await
                .assert_issued();
        }
    }
}

#[tokio::test]
async fn a_refresh_token_is_never_a_subject() {
    let lab = lab_without(&["token_type_matches"]).await;
    let user = alice_app(&lab).await;
    let agent = client_token(&lab, "agent-a").await;
    let rt = exchange(
        &lab,
        "agent-a",
        &user,
        Some(&agent),
        &[DOCS, ("requested_token_type", RT)],
    )
    .await;
    rt.assert_issued();
    for kind in [RT, AT] {
        let r = exchange_typed(
            &lab,
            "agent-a",
            (rt.token(), kind),
            Some((&agent, AT)),
            &[DOCS],
        )
        .await;
        r.assert_error("invalid_request");
    }
}

#[tokio::test]
async fn a_token_meant_for_another_client_is_refused() {
    for off in [false, true] {
        let lab = if off {
            lab_without(&["subject_audience"]).await
        } else {
            lab().await
        };
        // Alice's token for the travel assistant (a client) reaches agent-a.
        let r = password_token(
            &lab,
            "web-app",
            "alice",
            &[("audience", "travel-assistant")],
        )
        .await;
        r.assert_issued();
        let r = exchange(&lab, "agent-a", r.token(), None, &[DOCS]).await;
        if off {
            r.assert_issued();
            assert_eq!(claims(r.token())["scope"], "profile");
        } else {
            assert_refused_because(
                &r,
                "subject_token is meant for \"travel-assistant\" (its aud), not for \"agent-a\"",
            );
        }
    }
}

#[tokio::test]
async fn accepts_audiences_is_the_deliberate_exception() {
    // Story 4 works because app-b accepts app-a's tokens; without that line it is refused.
    let lab = lab_with(
        policy_with(|s| s.replace("accepts_audiences = [\"app-a\"]\n", "")),
        false,
    )
    .await;
    assert!(
        lab.policy()
            .client("app-b")
            .is_some_and(|c| c.accepts_audiences.is_empty())
    );
    let a = password_token(&lab, "app-a", "alice", &[]).await;
    let r = exchange(&lab, "app-b", a.token(), None, &[("audience", "app-b")]).await;
    assert_refused_because(&r, "meant for \"app-a\"");

    let default_lab = crate::common::lab().await;
    let a = password_token(&default_lab, "app-a", "alice", &[]).await;
    exchange(
        &default_lab,
        "app-b",
        a.token(),
        None,
        &[("audience", "app-b")],
    )
    .await
    .assert_issued();
}

#[tokio::test]
async fn what_the_default_lab_issues_to_the_probe_roles() {
    let lab = lab().await;
    let user = alice_app(&lab).await;
    let agent = client_token(&lab, "agent-a").await;

    // Delegation, narrowed to documents:read.
    let delegated = exchange(
        &lab,
        "agent-a",
        &user,
        Some(&agent),
        &[DOCS, ("scope", "documents:read")],
    )
    .await;
    delegated.assert_issued();
    let c = claims(delegated.token());
    assert_eq!(
        (&c["sub"], &c["aud"], &c["scope"], &c["act"]),
        (
            &json!("alice-app"),
            &json!("documents-api"),
            &json!("documents:read"),
            &json!({"sub": "agent-a"})
        )
    );

    // Impersonation: no act.
    let r = exchange(&lab, "agent-a", &user, None, &[DOCS]).await;
    r.assert_issued();
    assert!(claims(r.token()).get("act").is_none());

    // Re-exchanging its own delegated token nests the chain.
    let r = exchange(&lab, "agent-a", delegated.token(), Some(&agent), &[DOCS]).await;
    r.assert_issued();
    assert_eq!(
        claims(r.token())["act"],
        json!({"sub": "agent-a", "act": {"sub": "agent-a"}})
    );

    // Every requested token type; the resource URL means documents-api.
    for (kind, token_type) in [(AT, "Bearer"), (JWT, "N_A"), (ID_TOKEN, "N_A"), (RT, "N_A")] {
        let r = exchange(
            &lab,
            "agent-a",
            &user,
            Some(&agent),
            &[
                ("resource", "https://documents.example.com/"),
                ("requested_token_type", kind),
            ],
        )
        .await;
        r.assert_issued();
        assert_eq!(r.body["issued_token_type"], kind);
        assert_eq!(r.body["token_type"], token_type);
        let nulls = r
            .body
            .as_object()
            .map_or(0, |o| o.values().filter(|v| v.is_null()).count());
        assert_eq!(nulls, 0, "{:#}", r.body);
    }
}

#[tokio::test]
async fn the_policy_lists_what_is_switched_off() {
    let lab = lab_without(&["actor_bound_to_client", "time_claims"]).await;
    let off: Vec<(&str, &str)> = lab
        .policy()
        .disabled_checks()
        .iter()
        .map(|c| (c.name(), c.description()))
        .collect();
    assert_eq!(off.len(), 2);
    assert_eq!(off[0].0, "actor_bound_to_client");
    assert_eq!(off[1].0, "time_claims");
    assert!(off.iter().all(|(_, d)| !d.is_empty()));
    assert!(lab_policy_default_has_nothing_off());
}

fn lab_policy_default_has_nothing_off() -> bool {
    baton_sts::Policy::lab_default()
        .disabled_checks()
        .is_empty()
}

#[tokio::test]
async fn a_token_for_a_resource_another_client_serves_is_refused() {
    for off in [false, true] {
        let lab = if off {
            lab_without(&["subject_audience"]).await
        } else {
            lab().await
        };
        // agent-a's own token is for agent-a's own API; agent-n does not serve it.
        let agent_a = client_token(&lab, "agent-a").await;
        assert_eq!(claims(&agent_a)["aud"], "agent-a");
        let own = client_token(&lab, "agent-n").await;
        let r = exchange(&lab, "agent-n", &agent_a, Some(&own), &[DOCS]).await;
        if off {
            r.assert_issued();
        } else {
            assert_refused_because(
                &r,
                "subject_token is meant for \"agent-a\" (its aud), not for \"agent-n\"",
            );
        }
    }
}

#[tokio::test]
async fn a_party_acting_for_itself_is_refused() {
    for off in [false, true] {
        let lab = if off {
            lab_without(&["actor_not_subject"]).await
        } else {
            lab().await
        };
        let own = client_token(&lab, "agent-a").await;
        let r = exchange(&lab, "agent-a", &own, Some(&own), &[DOCS]).await;
        if off {
            r.assert_issued();
            assert_eq!(claims(r.token())["act"], json!({"sub": "agent-a"}));
            assert_eq!(claims(r.token())["sub"], "agent-a");
        } else {
            assert_refused_because(&r, "a party cannot act for itself");
        }
    }
}
