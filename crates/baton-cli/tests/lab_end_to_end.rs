//! The `baton` binary against the lab token service on a random loopback port: delegation,
//! impersonation, a three-hop chain, and every refusal, as a user would run them.

use assert_cmd::Command;
use baton_sts::{StsConfig, StsHandle, spawn};
use serde_json::Value;

async fn lab() -> StsHandle {
    spawn(StsConfig::default()).await.expect("lab starts")
}

fn baton() -> Command {
    Command::cargo_bin("baton").expect("binary")
}

/// Runs `baton` with the demo secret of `client` in `CLIENT_SECRET`, returning (exit code, JSON).
fn run_json(client: &str, args: &[&str]) -> (i32, Value) {
    let output = baton()
        .env("CLIENT_SECRET", format!("{client}-secret"))
        .env("ALICE_PASSWORD", "alice-password")
        .env("BOB_PASSWORD", "bob-password")
        .args(args)
        .args(["--client-id", client, "--json"])
        .output()
        .expect("runs");
    let json = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\nstderr: {}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    });
    (output.status.code().unwrap_or(-1), json)
}

fn token_of(json: &Value) -> String {
    json["result"]["issued"]["token"]
        .as_str()
        .unwrap_or_else(|| panic!("no issued token in {json:#}"))
        .to_string()
}

fn claims(json: &Value) -> &Value {
    &json["result"]["issued"]["decoded"]["claims"]
}

fn actors(json: &Value) -> Vec<String> {
    json["result"]["issued"]["decoded"]["act_chain"]["actors"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|p| p["sub"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

fn finding_ids(json: &Value) -> Vec<String> {
    json["result"]["findings"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|f| f["id"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

fn error_of(json: &Value) -> (u64, String) {
    (
        json["result"]["response"]["status"].as_u64().unwrap_or(0),
        json["result"]["response"]["outcome"]["error"]
            .as_str()
            .unwrap_or("")
            .to_string(),
    )
}

fn password_token(issuer: &str, client: &str, user: &str, scope: &str, audience: &str) -> String {
    let env = if user == "bob" {
        "BOB_PASSWORD"
    } else {
        "ALICE_PASSWORD"
    };
    let (code, json) = run_json(
        client,
        &[
            "token",
            "--issuer",
            issuer,
            "--client-secret-env",
            "CLIENT_SECRET",
            "--grant",
            "password",
            "--username",
            user,
            "--password-env",
            env,
            "--scope",
            scope,
            "--audience",
            audience,
        ],
    );
    assert_eq!(code, 0, "{json:#}");
    token_of(&json)
}

fn client_token(issuer: &str, client: &str) -> String {
    let (code, json) = run_json(
        client,
        &[
            "token",
            "--issuer",
            issuer,
            "--client-secret-env",
            "CLIENT_SECRET",
        ],
    );
    assert_eq!(code, 0, "{json:#}");
    token_of(&json)
}

fn exchange(
    issuer: &str,
    client: &str,
    subject: &str,
    actor: Option<&str>,
    extra: &[&str],
) -> (i32, Value) {
    let mut args = vec![
        "exchange",
        "--issuer",
        issuer,
        "--client-secret-env",
        "CLIENT_SECRET",
        "--subject-token",
        subject,
        "--subject-token-type",
        "access_token",
    ];
    if let Some(a) = actor {
        args.extend(["--actor-token", a, "--actor-token-type", "access_token"]);
    }
    args.extend(extra);
    run_json(client, &args)
}

#[tokio::test(flavor = "multi_thread")]
async fn delegation_names_the_actor_and_verifies() {
    let lab = lab().await;
    let iss = lab.issuer().to_string();
    let alice = password_token(
        &iss,
        "web-app",
        "alice",
        "orders:read payments:charge",
        "orders-api",
    );
    let actor = client_token(&iss, "order-service");
    let (code, json) = exchange(
        &iss,
        "order-service",
        &alice,
        Some(&actor),
        &["--audience", "payments-api", "--scope", "payments:charge"],
    );
    assert_eq!(code, 0, "{json:#}");
    assert_eq!(claims(&json)["sub"], "alice");
    assert_eq!(claims(&json)["aud"], "payments-api");
    assert_eq!(claims(&json)["scope"], "payments:charge");
    assert_eq!(actors(&json), ["order-service"]);
    assert_eq!(
        json["verification"]["valid"], true,
        "{:#}",
        json["verification"]
    );
    assert_eq!(json["discovery"]["token_exchange_advertised"], true);
    let errors: Vec<&Value> = json["result"]["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["severity"] == "error")
        .collect();
    assert!(
        errors.is_empty(),
        "the lab must produce no error-level findings: {errors:?}"
    );
    lab.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn impersonation_has_no_act() {
    let lab = lab().await;
    let iss = lab.issuer().to_string();
    let subject = client_token(&iss, "mobile-app");
    let (code, json) = exchange(
        &iss,
        "api-gateway",
        &subject,
        None,
        &["--audience", "backend-api"],
    );
    assert_eq!(code, 0, "{json:#}");
    assert_eq!(claims(&json)["sub"], "mobile-app");
    assert!(claims(&json).get("act").is_none());
    assert!(
        finding_ids(&json)
            .iter()
            .all(|id| !id.starts_with("token.act")),
        "{:?}",
        finding_ids(&json)
    );
    lab.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn three_hops_nest_act_with_the_current_actor_outermost() {
    let lab = lab().await;
    let iss = lab.issuer().to_string();
    let bob = password_token(
        &iss,
        "web-app",
        "bob",
        "trips:plan flights:book payments:charge",
        "planner-agent",
    );
    let mut subject = bob;
    for (client, audience) in [
        ("planner-agent", "flight-agent"),
        ("flight-agent", "payment-agent"),
        ("payment-agent", "payments-api"),
    ] {
        let actor = client_token(&iss, client);
        let (code, json) = exchange(
            &iss,
            client,
            &subject,
            Some(&actor),
            &["--audience", audience, "--scope", "payments:charge"],
        );
        assert_eq!(code, 0, "{client}: {json:#}");
        subject = token_of(&json);
        if client == "payment-agent" {
            assert_eq!(
                actors(&json),
                ["payment-agent", "flight-agent", "planner-agent"]
            );
            assert_eq!(claims(&json)["sub"], "bob");
        }
    }
    // The human view shows the same chain.
    let out = baton().args(["inspect", &subject]).output().expect("runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("payment-agent <- flight-agent <- planner-agent"),
        "{text}"
    );
    lab.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_actor_not_named_in_may_act_is_refused() {
    let lab = lab().await;
    let iss = lab.issuer().to_string();
    let bob = password_token(
        &iss,
        "web-app",
        "bob",
        "trips:plan flights:book payments:charge",
        "planner-agent",
    );
    let actor = client_token(&iss, "flight-agent");
    let (code, json) = exchange(
        &iss,
        "flight-agent",
        &bob,
        Some(&actor),
        &["--audience", "payment-agent"],
    );
    assert_eq!(code, 1);
    let (status, error) = error_of(&json);
    assert_eq!((status, error.as_str()), (400, "invalid_request"));
    assert!(
        json["result"]["response"]["outcome"]["error_description"]
            .as_str()
            .unwrap_or("")
            .contains("may_act")
    );
    lab.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn each_refusal_has_its_rfc_error_code() {
    let lab = lab().await;
    let iss = lab.issuer().to_string();
    let alice = password_token(
        &iss,
        "web-app",
        "alice",
        "orders:read payments:charge",
        "orders-api",
    );
    let actor = client_token(&iss, "order-service");

    // Scope escalation.
    let (code, json) = exchange(
        &iss,
        "order-service",
        &alice,
        Some(&actor),
        &["--audience", "payments-api", "--scope", "payments:refund"],
    );
    assert_eq!(
        (code, error_of(&json)),
        (1, (400, "invalid_scope".to_string()))
    );
    // An audience the client may not ask for.
    let (code, json) = exchange(
        &iss,
        "order-service",
        &alice,
        Some(&actor),
        &["--audience", "backend-api"],
    );
    assert_eq!(
        (code, error_of(&json)),
        (1, (400, "invalid_target".to_string()))
    );
    // Delegation by a client that may not delegate.
    let gw_actor = client_token(&iss, "mobile-app");
    let (code, json) = exchange(
        &iss,
        "api-gateway",
        &alice,
        Some(&gw_actor),
        &["--audience", "backend-api"],
    );
    assert_eq!(
        (code, error_of(&json)),
        (1, (400, "unauthorized_client".to_string()))
    );
    // A malformed subject token.
    let (code, json) = exchange(
        &iss,
        "order-service",
        "not-a-token",
        Some(&actor),
        &["--audience", "payments-api"],
    );
    assert_eq!(
        (code, error_of(&json)),
        (1, (400, "invalid_request".to_string()))
    );
    // A grant the server does not support.
    let (code, json) = run_json(
        "order-service",
        &[
            "token",
            "--issuer",
            &iss,
            "--client-secret-env",
            "CLIENT_SECRET",
            "--grant",
            "client-credentials",
            "--param",
            "x=1",
        ],
    );
    assert_eq!(code, 0, "{json:#}");
    let out = baton()
        .env("CLIENT_SECRET", "zz-not-the-secret-zz")
        .args([
            "exchange",
            "--issuer",
            &iss,
            "--client-id",
            "order-service",
            "--client-secret-env",
            "CLIENT_SECRET",
            "--subject-token",
            &alice,
            "--json",
        ])
        .output()
        .expect("runs");
    let json: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(error_of(&json), (401, "invalid_client".to_string()));
    let headers = json["result"]["response"]["headers"]
        .as_array()
        .expect("headers");
    assert!(headers.iter().any(|h| h[0] == "www-authenticate" && h[1].as_str().unwrap_or("").starts_with("Basic")), "{headers:?}");
    assert!(
        !String::from_utf8_lossy(&out.stdout).contains("zz-not-the-secret-zz"),
        "the secret must never be printed"
    );
    lab.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn unsupported_grant_type_and_confidential_client_without_secret() {
    let lab = lab().await;
    let iss = lab.issuer().to_string();
    // A confidential client sending no secret (auth none).
    let out = baton()
        .args([
            "token",
            "--issuer",
            &iss,
            "--client-id",
            "order-service",
            "--auth",
            "none",
            "--json",
        ])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    let json: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(error_of(&json).1, "invalid_client");
    // A grant type the lab does not know: the CLI has no option for one, so send it by hand.
    use baton_core::http::{HttpClient, HttpRequest, HttpSettings, ReqwestClient, Value as V};
    let mut req = HttpRequest::post_form(lab.token_endpoint());
    req.push_form("grant_type", V::Plain("urn:example:made-up".into()));
    req.push_form("client_id", V::Plain("order-service".into()));
    req.push_form("client_secret", V::Plain("order-service-secret".into()));
    let resp = ReqwestClient::new(&HttpSettings::default())
        .expect("client")
        .send(&req)
        .await
        .expect("sent");
    assert_eq!(resp.status, 400);
    let body: Value = serde_json::from_slice(&resp.body).expect("json");
    assert_eq!(body["error"], "unsupported_grant_type");
    lab.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn n_a_token_type_for_an_id_token() {
    let lab = lab().await;
    let iss = lab.issuer().to_string();
    let alice = password_token(
        &iss,
        "web-app",
        "alice",
        "orders:read payments:charge",
        "orders-api",
    );
    let actor = client_token(&iss, "order-service");
    let (code, json) = exchange(
        &iss,
        "order-service",
        &alice,
        Some(&actor),
        &[
            "--audience",
            "payments-api",
            "--requested-token-type",
            "id_token",
        ],
    );
    assert_eq!(code, 0, "{json:#}");
    let success = &json["result"]["response"]["outcome"];
    assert_eq!(success["token_type"], "N_A");
    assert_eq!(
        success["issued_token_type"],
        "urn:ietf:params:oauth:token-type:id_token"
    );
    lab.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn inspect_shows_a_saml_assertion_and_checks_it_with_the_labs_certificate() {
    let lab = lab().await;
    let iss = lab.issuer().to_string();
    let alice = password_token(&iss, "hr-portal", "alice", "profile email", "hr-portal");
    let (code, json) = exchange(
        &iss,
        "hr-portal",
        &alice,
        None,
        &[
            "--requested-token-type",
            "saml2",
            "--audience",
            "legacy-hr-app",
        ],
    );
    assert_eq!(code, 0, "{json:#}");
    assert_eq!(
        json["result"]["issued"]["decoded"]["kind"], "saml",
        "{json:#}"
    );
    let assertion = token_of(&json);

    let cert = lab.saml_certificate_uri();
    let out = baton()
        .args(["inspect", &assertion, "--saml-certificate", &cert])
        .args(["--audience", "legacy-hr-app"])
        .output()
        .expect("runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{text}");
    for line in [
        "Token: SAML 2.0 assertion",
        &format!("issuer    {iss}"),
        "subject   alice",
        "audience  legacy-hr-app",
        "attribute scope = profile, email",
        "signed    ECDSA-SHA256, reference #saml_",
        "Signature: valid (ECDSA-SHA256",
    ] {
        assert!(text.contains(line), "{line:?} not in:\n{text}");
    }

    // For another audience it does not hold, and the exit code says so.
    let out = baton()
        .args(["inspect", &assertion, "--saml-certificate", &cert])
        .args(["--audience", "payroll"])
        .output()
        .expect("runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert_ne!(out.status.code(), Some(0), "{text}");
    assert!(
        text.contains("its AudienceRestriction names \"legacy-hr-app\", not \"payroll\""),
        "{text}"
    );
    lab.stop().await;
}
