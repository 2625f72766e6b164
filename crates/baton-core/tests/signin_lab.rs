//! A user's sign-in, a device approval and DPoP through the engine, end to end against the lab:
//! the lab's own sign-in page is driven over HTTP by a fake browser, as a person would click it.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use baton_core::SystemClock;
use baton_core::http::{HttpSettings, ReqwestClient};
use baton_core::scenario::{Collection, Engine, MapSecrets, RunOptions, StepRecord, StepStatus};
use baton_core::signin::Interaction;
use baton_core::signin::device::DeviceAuthorization;
use baton_sts::{Policy, StsConfig, StsHandle};

const COLLECTION: &str = r#"
name = "sign-in"

[[servers]]
id = "lab"
issuer = "{{env.lab}}"
token_endpoint = "{{env.lab}}/token"
jwks_uri = "{{env.lab}}/jwks"

[[clients]]
id = "app"
server = "lab"
client_id = "signin-app"
auth = "none"

[[clients]]
id = "dpop"
server = "lab"
client_id = "dpop-app"
auth = "client_secret_basic"
secret = "{{secret.dpop-app}}"
dpop = true

[[scenarios]]
id = "code"
name = "Alice signs in, and the app exchanges her token"

[[scenarios.steps]]
id = "signin"
name = "sign in"
[scenarios.steps.token]
client = "app"
grant = "authorization_code"
scope = "openid orders:read"

[[scenarios.steps]]
id = "inspect"
name = "her ID token"
[scenarios.steps.inspect]
token = "{{steps.signin.id_token}}"
server = "lab"

[[scenarios]]
id = "device"
name = "Alice approves a device"

[[scenarios.steps]]
id = "device"
name = "device"
[scenarios.steps.token]
client = "app"
grant = "device_code"
scope = "orders:read"

[[scenarios]]
id = "dpop"
name = "A DPoP-bound token"

[[scenarios.steps]]
id = "bound"
name = "bound"
[scenarios.steps.token]
client = "dpop"
grant = "client_credentials"
"#;

fn collection() -> Collection {
    toml::from_str(COLLECTION).expect("a collection")
}

async fn lab(edit: impl FnOnce(&mut Policy)) -> StsHandle {
    let mut policy = Policy::lab_default();
    edit(&mut policy);
    baton_sts::spawn(StsConfig {
        policy,
        port: 0,
        deterministic: false,
        trusted_issuers: Vec::new(),
        tls: false,
    })
    .await
    .expect("lab starts")
}

fn options(lab: &StsHandle) -> RunOptions {
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

fn engine() -> Engine {
    Engine::new(
        Arc::new(ReqwestClient::new(&HttpSettings::default()).expect("http")),
        Arc::new(SystemClock),
    )
}

fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}

fn encode<'a>(pairs: impl Iterator<Item = (&'a str, &'a str)>) -> String {
    url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish()
}

/// The hidden fields of the lab's sign-in form.
fn hidden(html: &str) -> Vec<(String, String)> {
    html.split("<input type=\"hidden\" ")
        .skip(1)
        .filter_map(|part| {
            let name = part.split("name=\"").nth(1)?.split('"').next()?;
            let value = part.split("value=\"").nth(1)?.split('"').next()?;
            let value = value
                .replace("&quot;", "\"")
                .replace("&#39;", "'")
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&amp;", "&");
            Some((name.to_owned(), value))
        })
        .collect()
}

/// A person at a browser: signs in as alice and answers `decision`; remembers what it saw.
struct Person {
    decision: &'static str,
    lab: String,
    opened: Mutex<Vec<String>>,
}

impl Person {
    fn new(lab: &StsHandle, decision: &'static str) -> Arc<Person> {
        Arc::new(Person {
            decision,
            lab: lab.base_url().to_owned(),
            opened: Mutex::new(Vec::new()),
        })
    }
}

impl Interaction for Person {
    fn open(&self, url: &str) -> Result<(), String> {
        self.opened.lock().expect("lock").push(url.to_owned());
        let url = url.to_owned();
        let lab = self.lab.clone();
        let decision = self.decision;
        tokio::spawn(async move {
            let b = browser();
            let page = b
                .get(&url)
                .send()
                .await
                .expect("page")
                .text()
                .await
                .expect("html");
            let mut form = hidden(&page);
            form.push(("username".into(), "alice".into()));
            form.push(("password".into(), "alice-password".into()));
            form.push(("decision".into(), decision.into()));
            let answer = b
                .post(format!("{lab}/authorize"))
                .header("content-type", "application/x-www-form-urlencoded")
                .body(encode(form.iter().map(|(k, v)| (k.as_str(), v.as_str()))))
                .send()
                .await
                .expect("submitted");
            let back = answer
                .headers()
                .get("location")
                .and_then(|l| l.to_str().ok())
                .expect("redirected back")
                .to_owned();
            // The browser follows the redirect to Baton's loopback listener.
            b.get(back).send().await.expect("callback");
        });
        Ok(())
    }

    fn show_device_code(&self, device: &DeviceAuthorization) {
        let code = device.user_code.clone();
        let lab = self.lab.clone();
        let decision = self.decision;
        tokio::spawn(async move {
            let form = [
                ("user_code", code.as_str()),
                ("username", "alice"),
                ("password", "alice-password"),
                ("decision", decision),
            ];
            browser()
                .post(format!("{lab}/device"))
                .header("content-type", "application/x-www-form-urlencoded")
                .body(encode(form.iter().copied()))
                .send()
                .await
                .expect("approved");
        });
    }
}

async fn run(engine: &Engine, lab: &StsHandle, scenario: &str) -> Vec<StepRecord> {
    let collection = collection();
    let scenario = collection.scenario(scenario).expect("scenario").clone();
    engine
        .run(&collection, &scenario, &options(lab), &mut |_| {})
        .await
        .expect("runs")
        .steps
}

#[tokio::test]
async fn a_user_signs_in_through_the_labs_page() {
    let lab = lab(|_| {}).await;
    let person = Person::new(&lab, "allow");
    let engine = engine().with_interaction(person.clone());
    let steps = run(&engine, &lab, "code").await;
    let signin = &steps[0];
    assert_eq!(signin.status, StepStatus::Passed, "{:?}", signin.error);
    let token = signin.token.as_ref().expect("a token");
    let jwt = token.decoded.jwt().expect("a JWT");
    assert_eq!(jwt.sub(), Some("alice"));
    assert!(token.verification.as_ref().is_some_and(|v| v.valid));
    assert!(
        signin
            .findings
            .iter()
            .all(|f| !f.id.starts_with("id-token")),
        "the ID token checks out: {:?}",
        signin.findings
    );
    // The request went by PAR, since the lab advertises it: the browser saw only a request_uri.
    let opened = person.opened.lock().expect("lock").clone();
    assert_eq!(opened.len(), 1);
    assert!(opened[0].contains("request_uri="), "{}", opened[0]);
    assert!(!opened[0].contains("code_challenge"), "{}", opened[0]);
    // The code redemption carried the verifier, masked in the record.
    let body = signin
        .request
        .as_ref()
        .and_then(|r| r.body.clone())
        .unwrap_or_default();
    assert!(body.contains("grant_type=authorization_code"), "{body}");
    assert!(body.contains("code_verifier=****"), "{body}");
    // The ID token is an output later steps can use.
    let inspected = &steps[1];
    assert_eq!(
        inspected.status,
        StepStatus::Passed,
        "{:?}",
        inspected.error
    );
    let id = inspected
        .token
        .as_ref()
        .and_then(|t| t.decoded.jwt())
        .expect("ID token");
    assert_eq!(id.aud(), vec!["signin-app".to_string()]);
    assert!(id.claim_str("nonce").is_some());
}

#[tokio::test]
async fn a_user_who_says_no_is_a_failed_step_with_the_reason() {
    let lab = lab(|_| {}).await;
    let engine = engine().with_interaction(Person::new(&lab, "deny"));
    let steps = run(&engine, &lab, "code").await;
    assert_eq!(steps[0].status, StepStatus::Error);
    let error = steps[0].error.clone().unwrap_or_default();
    assert!(error.contains("access_denied"), "{error}");
}

#[tokio::test]
async fn without_a_person_a_sign_in_says_how_to_run_unattended() {
    let lab = lab(|_| {}).await;
    let steps = run(&engine(), &lab, "code").await;
    assert_eq!(steps[0].status, StepStatus::Error);
    let error = steps[0].error.clone().unwrap_or_default();
    assert!(
        error.contains("no one at the keyboard") && error.contains("refresh_token"),
        "{error}"
    );
}

#[tokio::test]
async fn a_device_is_approved_while_baton_polls() {
    let lab = lab(|p| p.device_interval = 1).await;
    let engine = engine().with_interaction(Person::new(&lab, "allow"));
    let steps = run(&engine, &lab, "device").await;
    assert_eq!(steps[0].status, StepStatus::Passed, "{:?}", steps[0].error);
    let jwt = steps[0]
        .token
        .as_ref()
        .and_then(|t| t.decoded.jwt())
        .expect("a token");
    assert_eq!(jwt.sub(), Some("alice"));
    assert_eq!(
        steps[0]
            .request
            .as_ref()
            .and_then(|r| r.body.clone())
            .map(|b| b.contains("device_code=****")),
        Some(true)
    );
}

#[tokio::test]
async fn a_dpop_client_gets_a_token_bound_to_its_key_even_when_a_nonce_is_asked() {
    for nonce in [false, true] {
        let lab = lab(|p| p.dpop_nonce = nonce).await;
        let steps = run(&engine(), &lab, "dpop").await;
        let step = &steps[0];
        assert_eq!(step.status, StepStatus::Passed, "{:?}", step.error);
        let response = step.response.as_ref().expect("a response");
        assert_eq!(
            response.success().and_then(|s| s.token_type.as_deref()),
            Some("DPoP"),
            "nonce {nonce}: {}",
            response.body
        );
        let jwt = step
            .token
            .as_ref()
            .and_then(|t| t.decoded.jwt())
            .expect("JWT");
        assert!(
            jwt.claims.get("cnf").and_then(|c| c.get("jkt")).is_some(),
            "{:?}",
            jwt.claims
        );
        assert!(
            step.findings.iter().all(|f| !f.id.starts_with("dpop.")),
            "bound to the key that made the proof: {:?}",
            step.findings
        );
        let sent = step.request.as_ref().expect("request");
        assert!(
            sent.headers.iter().any(|(n, _)| n == "DPoP"),
            "{:?}",
            sent.headers
        );
    }
}

#[tokio::test]
async fn a_clients_dpop_key_is_the_same_from_run_to_run_of_one_engine() {
    let lab = lab(|_| {}).await;
    let engine = engine();
    let jkt = |step: &StepRecord| {
        step.token
            .as_ref()
            .and_then(|t| t.decoded.jwt())
            .and_then(|j| j.claims.get("cnf"))
            .and_then(|c| c.get("jkt"))
            .and_then(|v| v.as_str())
            .map(str::to_owned)
    };
    let first = run(&engine, &lab, "dpop").await;
    let second = run(&engine, &lab, "dpop").await;
    assert!(jkt(&first[0]).is_some());
    assert_eq!(jkt(&first[0]), jkt(&second[0]));
    // Another engine (another session) makes its own key.
    let other = run(&self::engine(), &lab, "dpop").await;
    assert_ne!(jkt(&first[0]), jkt(&other[0]));
}
