//! What the tests that run the demo collection against the lab token service share: the
//! collection, a deterministic lab on a random loopback port, and the options and engine a
//! `baton run --sts` would use.
#![allow(dead_code)] // each test binary uses its own part of this

use std::collections::BTreeMap;
use std::sync::Arc;

use baton_core::FixedClock;
use baton_core::http::{HttpSettings, ReqwestClient};
use baton_core::scenario::{Collection, Engine, MapSecrets, RunOptions};
use baton_sts::{DETERMINISTIC_NOW, Policy, StsConfig, StsHandle};

/// `examples/demo.baton.toml`, read with serde alone (the file format lives in baton-store).
pub fn demo() -> Collection {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../examples/demo.baton.toml"
    ))
    .expect("examples/demo.baton.toml");
    let mut table: toml::Table = toml::from_str(&text).expect("valid TOML");
    table.remove("format");
    table.try_into().expect("a collection")
}

/// The lab in deterministic mode on a free port.
pub async fn lab() -> StsHandle {
    baton_sts::spawn(StsConfig {
        policy: Policy::lab_default(),
        port: 0,
        deterministic: true,
        trusted_issuers: Vec::new(),
        tls: false,
    })
    .await
    .expect("lab starts")
}

/// `{{env.lab}}` pointing at the lab, and its demo credentials as secrets.
pub fn lab_options(lab: &StsHandle) -> RunOptions {
    let mut secrets = MapSecrets::default();
    for (name, value) in lab.policy().credentials() {
        secrets.insert(name, value);
    }
    RunOptions {
        environment: None,
        overrides: BTreeMap::from([("lab".to_string(), lab.base_url().to_string())]),
        secrets: Arc::new(secrets),
        data: None,
    }
}

pub fn http() -> ReqwestClient {
    ReqwestClient::new(&HttpSettings::default()).expect("http client")
}

/// An engine on the deterministic lab's frozen clock.
pub fn engine() -> Engine {
    Engine::new(
        Arc::new(http()),
        Arc::new(FixedClock(i64::try_from(DETERMINISTIC_NOW).expect("fits"))),
    )
}
