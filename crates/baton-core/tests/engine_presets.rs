//! A collection's server made from a provider preset: the engine checks each request against
//! the provider's rules before sending it, and names an unknown preset before anything is sent.

mod common;

use baton_core::scenario::{Collection, Engine};

fn collection(preset: &str) -> Collection {
    let text = format!(
        r#"
name = "preset"

[[servers]]
id = "lab"
issuer = "{{{{env.lab}}}}"
token_endpoint = "{{{{env.lab}}}}/token"
preset = "{preset}"

[[clients]]
id = "order-service"
server = "lab"
client_id = "order-service"
auth = "client_secret_basic"
secret = "{{{{secret.order-service}}}}"

[[scenarios]]
id = "s"
name = "s"

[[scenarios.steps]]
id = "t"
name = "t"
[scenarios.steps.token]
client = "order-service"
grant = "client_credentials"
"#
    );
    toml::from_str(&text).expect("a collection")
}

#[tokio::test]
async fn a_request_that_breaks_the_providers_rules_is_warned_about_on_its_step() {
    let lab = common::lab().await;
    let options = common::lab_options(&lab);
    // Entra's on-behalf-of takes the JWT bearer grant, never client_credentials.
    let c = collection("entra");
    let run = common::engine()
        .run(&c, &c.scenarios[0], &options, &mut |_| {})
        .await
        .expect("runs");
    let step = &run.steps[0];
    let rules: Vec<_> = step
        .findings
        .iter()
        .filter(|f| f.id == "preset.rule")
        .collect();
    assert!(!rules.is_empty(), "{:#?}", step.findings);
    assert!(
        rules.iter().any(|f| f.message.contains("jwt-bearer")),
        "{rules:#?}"
    );
    assert!(
        rules[0].reference.contains("Microsoft Entra ID"),
        "{rules:#?}"
    );
}

#[test]
fn an_unknown_preset_is_named_before_anything_is_sent() {
    let c = collection("keycloack");
    let mut secrets = baton_core::scenario::MapSecrets::default();
    secrets.insert("order-service", "x");
    let options = baton_core::scenario::RunOptions {
        environment: None,
        overrides: [("lab".to_string(), "http://127.0.0.1:9".to_string())].into(),
        secrets: std::sync::Arc::new(secrets),
        data: None,
    };
    let err = Engine::check(&c, &c.scenarios[0], &options).unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("\"keycloack\"") && text.contains("keycloak"),
        "{text}"
    );
}
