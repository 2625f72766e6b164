//! Mutual TLS (RFC 8705) through the engine against the lab serving HTTPS: a client certificate
//! from the lab's CA, a registered self-signed one, and the wrong one; certificate-bound tokens.

use std::collections::BTreeMap;
use std::sync::Arc;

use baton_core::SystemClock;
use baton_core::http::{HttpSettings, ReqwestClient};
use baton_core::scenario::{Collection, Engine, MapSecrets, RunOptions, StepRecord, StepStatus};
use baton_sts::{StsConfig, StsHandle};

const COLLECTION: &str = r#"
name = "mtls"

[[servers]]
id = "lab"
issuer = "{{env.lab}}"
token_endpoint = "{{env.lab}}/token"
jwks_uri = "{{env.lab}}/jwks"
introspection_endpoint = "{{env.lab}}/introspect"

[[clients]]
id = "mtls"
server = "lab"
client_id = "mtls-app"
auth = "tls_client_auth"
certificate = "{{secret.cert}}"
certificate_key = "{{secret.key}}"

[[clients]]
id = "self-signed"
server = "lab"
client_id = "self-signed-app"
auth = "self_signed_tls_client_auth"
certificate = "{{secret.self-cert}}"
certificate_key = "{{secret.self-key}}"

[[scenarios]]
id = "ca"
name = "a certificate from the lab's CA"
[[scenarios.steps]]
id = "t"
name = "t"
[scenarios.steps.token]
client = "mtls"
grant = "client_credentials"

[[scenarios]]
id = "self"
name = "a registered self-signed certificate"
[[scenarios.steps]]
id = "t"
name = "t"
[scenarios.steps.token]
client = "self-signed"
grant = "client_credentials"
"#;

async fn https_lab() -> StsHandle {
    baton_sts::spawn(StsConfig {
        tls: true,
        ..StsConfig::default()
    })
    .await
    .expect("lab starts")
}

async fn run(lab: &StsHandle, scenario: &str, cert_cn: &str) -> StepRecord {
    let collection: Collection = toml::from_str(COLLECTION).expect("collection");
    let (cert, key) = lab.issue_client_certificate(cert_cn).expect("TLS is on");
    let mut secrets = MapSecrets::default();
    secrets.insert("cert", cert);
    secrets.insert("key", key);
    secrets.insert("self-cert", baton_sts::SELF_SIGNED_APP_CERTIFICATE_PEM);
    secrets.insert("self-key", baton_sts::SELF_SIGNED_APP_KEY_PEM);
    let options = RunOptions {
        environment: None,
        overrides: BTreeMap::from([("lab".into(), lab.base_url().to_string())]),
        secrets: Arc::new(secrets),
        data: None,
    };
    let http = ReqwestClient::new(&HttpSettings {
        ca_pem: vec![lab.ca_pem().expect("a CA")],
        ..HttpSettings::default()
    })
    .expect("http");
    let engine = Engine::new(Arc::new(http), Arc::new(SystemClock));
    let scenario = collection.scenario(scenario).expect("scenario").clone();
    engine
        .run(&collection, &scenario, &options, &mut |_| {})
        .await
        .expect("runs")
        .steps
        .remove(0)
}

fn bound_to(step: &StepRecord) -> Option<String> {
    step.token
        .as_ref()?
        .decoded
        .jwt()?
        .claims
        .get("cnf")?
        .get("x5t#S256")?
        .as_str()
        .map(str::to_owned)
}

#[tokio::test]
async fn a_certificate_from_the_labs_ca_authenticates_and_binds_the_token() {
    let lab = https_lab().await;
    assert!(lab.base_url().starts_with("https://127.0.0.1:"));
    let step = run(&lab, "ca", "mtls-app").await;
    assert_eq!(step.status, StepStatus::Passed, "{:?}", step.error);
    let response = step.response.as_ref().expect("response");
    assert_eq!(response.status, 200, "{}", response.body);
    assert!(bound_to(&step).is_some(), "bound: {:?}", step.token);
    assert!(
        step.findings.iter().all(|f| !f.id.starts_with("mtls.")),
        "bound to the certificate Baton presented: {:?}",
        step.findings
    );
    let body = step
        .request
        .as_ref()
        .and_then(|r| r.body.clone())
        .unwrap_or_default();
    assert!(body.contains("client_id=mtls-app"), "{body}");
}

#[tokio::test]
async fn a_registered_self_signed_certificate_authenticates() {
    let lab = https_lab().await;
    let step = run(&lab, "self", "unused").await;
    assert_eq!(step.status, StepStatus::Passed, "{:?}", step.error);
    assert_eq!(step.response.as_ref().map(|r| r.status), Some(200));
    assert!(bound_to(&step).is_some());
}

#[tokio::test]
async fn a_certificate_for_someone_else_is_refused() {
    let lab = https_lab().await;
    let step = run(&lab, "ca", "intruder").await;
    let response = step.response.as_ref().expect("an answer");
    assert_eq!(response.status, 401, "{}", response.body);
    assert!(
        response.body.contains("invalid_client"),
        "{}",
        response.body
    );
}
