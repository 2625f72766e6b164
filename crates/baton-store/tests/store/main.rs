//! The store as a user meets it: through its API, on a real file in a temp dir.

mod collections;
mod crash;
mod migrations;
mod probes;
mod runs;
mod scenarios;
mod secrets;

use std::collections::BTreeMap;
use std::path::PathBuf;

use baton_core::AuthMethod;
use baton_core::scenario::{
    Action, Assertion, ClaimCheck, Client, Collection, Environment, ExchangeStep, FirstGrant,
    RunOutcome, RunRecord, Scenario, Server, Step, TokenStep,
};
use baton_store::Store;
use tempfile::TempDir;

/// A store in a fresh temp dir; the dir lives as long as the returned guard.
pub fn temp_store() -> (TempDir, PathBuf, Store) {
    let dir = tempfile::tempdir().expect("a temp dir");
    let path = dir.path().join("baton.sqlite");
    let store = Store::open(&path).expect("open a new store");
    (dir, path, store)
}

pub fn scenario(id: &str, name: &str, steps: usize) -> Scenario {
    let mut all = vec![Step {
        id: "alice".into(),
        name: "Alice signs in".into(),
        notes: Some("password grant".into()),
        action: Action::Token(TokenStep {
            client: "web".into(),
            grant: FirstGrant::Password,
            username: Some("alice".into()),
            password: Some("{{secret.alice}}".into()),
            refresh_token: None,
            assertion: None,
            requested_token_use: None,
            audience: vec![],
            resource: vec![],
            scope: Some("orders:read".into()),
            params: BTreeMap::new(),
            omit: Vec::new(),
        }),
        assertions: vec![Assertion::Status(200)],
        retry: None,
        cache: None,
        cache_margin_secs: None,
        repeat: None,
    }];
    for i in 1..steps {
        all.push(Step {
            id: format!("exchange{i}"),
            name: format!("Exchange {i}"),
            notes: None,
            action: Action::Exchange(ExchangeStep {
                client: "web".into(),
                subject_token: "{{steps.alice.access_token}}".into(),
                subject_token_type: "access_token".into(),
                actor_token: None,
                actor_token_type: None,
                requested_token_type: None,
                audience: vec!["orders".into()],
                resource: vec![],
                scope: None,
                params: BTreeMap::new(),
                omit: Vec::new(),
            }),
            assertions: vec![Assertion::Claim {
                path: "act.sub".into(),
                check: ClaimCheck::Equals("web".into()),
            }],
            retry: None,
            cache: None,
            cache_margin_secs: None,
            repeat: None,
        });
    }
    all.truncate(steps);
    Scenario {
        id: id.into(),
        name: name.into(),
        description: Some(format!("{name}, described")),
        steps: all,
        cache: false,
        cache_margin_secs: None,
    }
}

/// A collection with a bit of everything, so a round trip can lose something.
pub fn collection(name: &str) -> Collection {
    Collection {
        probe: None,
        name: name.into(),
        description: Some("Delegation at the order service".into()),
        servers: vec![Server {
            id: "lab".into(),
            name: Some("Lab".into()),
            issuer: Some("http://127.0.0.1:8080".into()),
            token_endpoint: "{{env.BASE}}/token".into(),
            jwks_uri: Some("{{env.BASE}}/jwks".into()),
            introspection_endpoint: None,
            authorization_endpoint: None,
            device_authorization_endpoint: None,
            preset: None,
        }],
        clients: vec![Client {
            id: "web".into(),
            server: "lab".into(),
            client_id: "web-app".into(),
            auth: AuthMethod::ClientSecretBasic,
            secret: Some("{{secret.web}}".into()),
            private_key: None,
            key_id: None,
            dpop: false,
            dpop_key: None,
            certificate: None,
            certificate_key: None,
        }],
        environments: vec![
            Environment {
                name: "local".into(),
                variables: BTreeMap::from([("BASE".into(), "http://127.0.0.1:8080".into())]),
            },
            Environment {
                name: "staging".into(),
                variables: BTreeMap::from([("BASE".into(), "https://staging.invalid".into())]),
            },
        ],
        scenarios: vec![
            scenario("sc_delegation", "Delegation", 2),
            scenario("sc_refusal", "Refusal", 1),
            scenario("sc_chain", "Chain", 3),
        ],
    }
}

pub fn run(collection: &str, scenario_id: &str, started_at: i64, outcome: RunOutcome) -> RunRecord {
    RunRecord {
        record_version: baton_core::scenario::record::RECORD_VERSION,
        collection: collection.into(),
        scenario_id: scenario_id.into(),
        scenario_name: format!("Scenario {scenario_id}"),
        environment: Some("local".into()),
        started_at,
        elapsed_ms: 1234,
        outcome,
        steps: vec![],
    }
}
