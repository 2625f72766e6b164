//! `{{…}}` references: what resolves, and the errors that name the scenario, the step and the
//! reference. The engine runs against a fake HTTP client that records the exact requests.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use baton_core::FixedClock;
use baton_core::http::{HttpClient, HttpRequest, HttpResponse, TransportError};
use baton_core::scenario::reference::{Part, Problem, Reference, parse_template};
use baton_core::scenario::{Collection, Engine, MapSecrets, RunOptions, StepStatus};
use serde_json::json;

/// Answers every token request with a JWT whose claims echo the request's scope.
#[derive(Default)]
struct FakeServer {
    seen: Mutex<Vec<HttpRequest>>,
}

#[async_trait]
impl HttpClient for FakeServer {
    async fn send(&self, request: &HttpRequest) -> Result<HttpResponse, TransportError> {
        let n = {
            let mut seen = self.seen.lock().expect("lock");
            seen.push(request.clone());
            seen.len()
        };
        let claims = json!({
            "sub": "alice", "aud": "api", "n": n,
            "scope": request.form_value("scope").unwrap_or(""),
            "nested": {"team": "payments"}
        });
        let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"ES256","typ":"at+jwt"}"#);
        let token = format!(
            "{header}.{}.c2ln",
            URL_SAFE_NO_PAD.encode(claims.to_string())
        );
        let body = json!({
            "access_token": token, "token_type": "Bearer", "expires_in": 60,
            "refresh_token": format!("rt-{n}"),
            "issued_token_type": "urn:ietf:params:oauth:token-type:access_token"
        });
        Ok(HttpResponse {
            status: 200,
            headers: vec![
                ("content-type".into(), "application/json".into()),
                ("cache-control".into(), "no-store".into()),
            ],
            body: body.to_string().into_bytes(),
        })
    }
}

const COLLECTION: &str = r#"
name = "refs"

[[servers]]
id = "as"
token_endpoint = "{{env.base}}/token"

[[clients]]
id = "svc"
server = "as"
client_id = "{{env.client}}"
auth = "client_secret_post"
secret = "{{secret.svc}}"

[[environments]]
name = "dev"
[environments.variables]
base = "https://{{env.host}}"
host = "as.example"
client = "svc-1"
aud = "payments"

[[environments]]
name = "loop"
[environments.variables]
base = "{{env.other}}"
other = "{{env.base}}"
client = "svc-1"
aud = "x"
host = "x"

[[scenarios]]
id = "s"
name = "references"

[[scenarios.steps]]
id = "login"
name = "first token"
[scenarios.steps.token]
client = "svc"
grant = "client_credentials"
scope = "read write"

[[scenarios.steps]]
id = "swap"
name = "exchange"
[scenarios.steps.exchange]
client = "svc"
subject_token = "{{steps.login.access_token}}"
subject_token_type = "{{steps.login.issued_token_type}}"
audience = ["{{env.aud}}", "team-{{steps.login.claims.nested.team}}"]
scope = "{{steps.login.claims.scope}}"

[[scenarios.steps]]
id = "refresh"
name = "refresh"
[scenarios.steps.token]
client = "svc"
grant = "refresh_token"
refresh_token = "{{steps.login.refresh_token}}"
"#;

fn collection() -> Collection {
    toml::from_str(COLLECTION).expect("the test collection parses")
}

fn options(env: &str) -> RunOptions {
    let mut secrets = MapSecrets::default();
    secrets.insert("svc", "s3cret");
    RunOptions {
        environment: Some(env.into()),
        overrides: BTreeMap::new(),
        secrets: Arc::new(secrets),
        data: None,
    }
}

async fn run(
    c: &Collection,
    env: &str,
) -> Result<(baton_core::scenario::RunRecord, Vec<HttpRequest>), String> {
    let fake = Arc::new(FakeServer::default());
    let engine = Engine::new(fake.clone(), Arc::new(FixedClock(1_767_225_600)));
    let record = engine
        .run(c, &c.scenarios[0], &options(env), &mut |_| {})
        .await
        .map_err(|e| e.to_string())?;
    let seen = fake.seen.lock().expect("lock").clone();
    Ok((record, seen))
}

#[test]
fn templates_split_into_text_and_references() {
    let parts = parse_template("Bearer {{ steps.a.access_token }} for {{env.x}}").expect("parses");
    assert_eq!(parts.len(), 4);
    assert!(
        matches!(&parts[1], Part::Ref { reference: Reference::Step { step, .. }, written } if step == "a" && written == "{{steps.a.access_token}}")
    );
    assert!(matches!(&parts[3], Part::Ref { reference: Reference::Env(n), .. } if n == "x"));
    assert_eq!(parse_template("{{env.x"), Err(Problem::Unclosed));
    assert_eq!(
        parse_template("{{vars.x}}").map_err(|e| e.to_string()),
        Err("{{vars.x}} is not a reference Baton knows: use steps.<id>.<output>, env.<name>, secret.<name> or data.<column>".into())
    );
    assert_eq!(
        parse_template("{{steps.a.idtoken}}").map_err(|e| e.to_string()),
        Err("{{steps.a.idtoken}}: a step's outputs are access_token, refresh_token, id_token, issued_token_type and claims.<path>".into())
    );
}

#[tokio::test]
async fn outputs_env_and_secrets_resolve_into_the_exact_request() {
    let (record, seen) = run(&collection(), "dev").await.expect("runs");
    assert!(
        record.passed(),
        "{:?}",
        record
            .steps
            .iter()
            .map(|s| (&s.id, &s.error))
            .collect::<Vec<_>>()
    );
    assert_eq!(seen.len(), 3);
    let swap = &seen[1];
    assert_eq!(swap.url, "https://as.example/token");
    let subject = seen[0].form_value("scope");
    assert_eq!(subject, Some("read write"));
    assert_eq!(swap.form_values("audience"), ["payments", "team-payments"]);
    assert_eq!(swap.form_value("scope"), Some("read write"));
    assert_eq!(
        swap.form_value("subject_token_type"),
        Some("urn:ietf:params:oauth:token-type:access_token")
    );
    assert_eq!(swap.form_value("client_id"), Some("svc-1"));
    assert_eq!(swap.form_value("client_secret"), Some("s3cret"));
    assert_eq!(seen[2].form_value("refresh_token"), Some("rt-1"));
    // Recorded with the secrets masked.
    let body = record.steps[1]
        .request
        .as_ref()
        .and_then(|r| r.body.clone())
        .expect("body");
    assert!(body.contains("client_secret=****"), "{body}");
    assert!(!body.contains("s3cret"));
    assert_eq!(
        record.steps[1].inputs[0].from_step.as_deref(),
        Some("login")
    );
}

async fn error_of(edit: impl FnOnce(&mut Collection), env: &str) -> String {
    let mut c = collection();
    edit(&mut c);
    run(&c, env)
        .await
        .expect_err("the run is refused before sending")
}

fn exchange(c: &mut Collection) -> &mut baton_core::scenario::ExchangeStep {
    match &mut c.scenarios[0].steps[1].action {
        baton_core::scenario::Action::Exchange(e) => e,
        _ => unreachable!("step 2 is the exchange"),
    }
}

#[tokio::test]
async fn an_unknown_step_names_scenario_step_field_and_reference() {
    let e = error_of(
        |c| exchange(c).subject_token = "{{steps.logn.access_token}}".into(),
        "dev",
    )
    .await;
    assert_eq!(
        e,
        r#"scenario "s", step "swap" (exchange.subject_token): {{steps.logn.access_token}} refers to step "logn", which is not in this scenario (its steps: login, swap, refresh)"#
    );
}

#[tokio::test]
async fn a_later_step_or_the_step_itself_is_refused() {
    let e = error_of(
        |c| exchange(c).subject_token = "{{steps.refresh.access_token}}".into(),
        "dev",
    )
    .await;
    assert!(
        e.contains(r#"refers to step "refresh", which comes after this one"#),
        "{e}"
    );
    let e = error_of(
        |c| exchange(c).subject_token = "{{steps.swap.access_token}}".into(),
        "dev",
    )
    .await;
    assert!(
        e.contains("{{steps.swap.access_token}} refers to this step itself"),
        "{e}"
    );
}

#[tokio::test]
async fn a_missing_variable_lists_what_the_environment_has() {
    let e = error_of(
        |c| exchange(c).audience = vec!["{{env.audience}}".into()],
        "dev",
    )
    .await;
    assert_eq!(
        e,
        r#"scenario "s", step "swap" (exchange.audience): {{env.audience}}: the environment "dev" has no variable "audience" (it has: aud, base, client, host)"#
    );
}

#[tokio::test]
async fn variables_that_refer_to_each_other_in_a_cycle_are_reported() {
    let e = error_of(|_| {}, "loop").await;
    assert_eq!(
        e,
        r#"scenario "s" (env.base): {{env.base}}: the variables refer to each other in a cycle: base → other → base"#
    );
}

#[tokio::test]
async fn a_missing_secret_names_the_variable_to_set() {
    let e = error_of(
        |c| c.clients[0].secret = Some("{{secret.other}}".into()),
        "dev",
    )
    .await;
    assert!(
        e.contains(r#"no secret "other"; set the environment variable BATON_SECRET_OTHER"#),
        "{e}"
    );
    assert!(
        e.starts_with(r#"scenario "s", step "login" (client "svc": secret)"#),
        "{e}"
    );
}

#[tokio::test]
async fn a_secret_outside_a_masked_field_is_refused() {
    let e = error_of(|c| exchange(c).scope = Some("{{secret.svc}}".into()), "dev").await;
    assert!(
        e.contains("a secret may only be used where Baton masks it"),
        "{e}"
    );
    assert!(e.contains("exchange.scope"), "{e}");
}

#[tokio::test]
async fn unknown_clients_servers_and_environments_are_named() {
    let e = error_of(|c| exchange(c).client = "nobody".into(), "dev").await;
    assert!(
        e.contains(r#"client "nobody" is not in the collection (it has: svc)"#),
        "{e}"
    );
    let e = error_of(|c| c.clients[0].server = "elsewhere".into(), "dev").await;
    assert!(
        e.contains(r#"server "elsewhere" is not in the collection (it has: as)"#),
        "{e}"
    );
    let e = error_of(|_| {}, "prod").await;
    assert_eq!(
        e,
        r#"scenario "s": the environment "prod" is not in the collection (it has: dev, loop)"#
    );
}

#[tokio::test]
async fn a_claim_the_token_lacks_skips_the_step_that_needs_it() {
    let mut c = collection();
    exchange(&mut c).scope = Some("{{steps.login.claims.nested.nothing}}".into());
    let (record, seen) = run(&c, "dev")
        .await
        .expect("checks pass; the claim is only known at run time");
    let swap = &record.steps[1];
    assert_eq!(swap.status, StepStatus::Skipped);
    assert_eq!(
        swap.error.as_deref(),
        Some(
            r#"not run: {{steps.login.claims.nested.nothing}}: step "login"'s token has no claim "nested.nothing""#
        )
    );
    assert!(!record.passed());
    assert_eq!(seen.len(), 2, "the skipped step sent nothing");
}
