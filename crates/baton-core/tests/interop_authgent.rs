//! Interop against a real, independent RFC 8693 server: authgent-server 0.3.4 (PyPI), started by
//! `tests/interop/authgent/start.sh`. Baton is used exactly as a user would use it (discovery,
//! client authentication, client credentials, delegation, a second hop, JWKS verification), and
//! its findings must name the deviations the server really shows (see
//! `tests/interop/authgent/NOTES.md`, D1–D12).
//!
//! The test needs python3 (>= 3.11) and, on its first run, pip access to install the server into
//! `target/interop/authgent/venv`. If the server cannot be started the test fails with
//! start.sh's stderr; it never skips.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use baton_core::discovery::discover;
use baton_core::token_type::ACCESS_TOKEN;
use baton_core::verify::{Jwks, VerifyOptions, verify};
use baton_core::{
    ClientAuth, ExchangeParams, Grant, HttpSettings, Jwt, ReqwestClient, Secret, SystemClock,
    TokenClient, TokenRequest, TokenResult,
};
use serde_json::Value;

/// start.sh installs on its first run (about 15 s) and waits up to 60 s for the server.
const START_TIMEOUT: Duration = Duration::from_secs(300);

fn interop_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/interop/authgent")
}

/// A running authgent-server. Dropping it stops the server, also when an assertion failed.
struct Server {
    info: Value,
    pid: u32,
}

impl Server {
    fn start() -> Server {
        let script = interop_dir().join("start.sh");
        let mut child = Command::new(&script)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("could not run {}: {e}", script.display()));
        let mut stdout = child.stdout.take().expect("stdout is piped");
        let mut stderr = child.stderr.take().expect("stderr is piped");
        let out_reader = std::thread::spawn(move || {
            let mut s = String::new();
            let _ = stdout.read_to_string(&mut s);
            s
        });
        let err_reader = std::thread::spawn(move || {
            let mut s = String::new();
            let _ = stderr.read_to_string(&mut s);
            s
        });
        let deadline = Instant::now() + START_TIMEOUT;
        let status = loop {
            match child.try_wait().expect("waiting for start.sh") {
                Some(status) => break status,
                None if Instant::now() >= deadline => {
                    let _ = child.kill();
                    let _ = child.wait();
                    let err = err_reader.join().unwrap_or_default();
                    panic!(
                        "{} did not finish within {START_TIMEOUT:?}; its stderr:\n{err}",
                        script.display()
                    );
                }
                None => std::thread::sleep(Duration::from_millis(50)),
            }
        };
        let out = out_reader.join().unwrap_or_default();
        let err = err_reader.join().unwrap_or_default();
        assert!(
            status.success(),
            "the authgent interop server could not be started: {} exited with {status} \
             (it needs python3 >= 3.11 and, on the first run, pip access to PyPI); its stderr:\n{err}",
            script.display()
        );
        let line = out.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
        let info: Value = serde_json::from_str(line).unwrap_or_else(|e| {
            panic!("start.sh printed no JSON line ({e}); stdout: {out:?}; stderr:\n{err}")
        });
        let pid = info["pid"]
            .as_u64()
            .and_then(|p| u32::try_from(p).ok())
            .unwrap_or_else(|| panic!("start.sh's JSON has no pid: {info}"));
        Server { info, pid }
    }

    fn str(&self, key: &str) -> String {
        self.info[key]
            .as_str()
            .unwrap_or_else(|| panic!("start.sh's JSON has no {key:?}: {}", self.info))
            .to_string()
    }

    fn client(&self, name: &str) -> (String, String) {
        let c = &self.info["clients"][name];
        let get = |k: &str| {
            c[k].as_str()
                .unwrap_or_else(|| panic!("client {name} has no {k}: {}", self.info))
                .to_string()
        };
        (get("client_id"), get("client_secret"))
    }

    fn basic(&self, name: &str) -> ClientAuth {
        let (client_id, secret) = self.client(name);
        ClientAuth::SecretBasic {
            client_id,
            secret: Secret::new(secret),
        }
    }

    fn post(&self, name: &str) -> ClientAuth {
        let (client_id, secret) = self.client(name);
        ClientAuth::SecretPost {
            client_id,
            secret: Secret::new(secret),
        }
    }

    fn sub(&self, name: &str) -> String {
        format!("client:{}", self.client(name).0)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let stop = interop_dir().join("stop.sh");
        let stopped = Command::new(&stop)
            .arg(self.pid.to_string())
            .stdin(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if !stopped {
            // stop.sh refuses pids that are not serve.py; a plain kill is the last resort.
            let _ = Command::new("kill")
                .arg("-TERM")
                .arg(self.pid.to_string())
                .status();
        }
    }
}

fn ids(result: &TokenResult) -> Vec<&str> {
    result.findings.iter().map(|f| f.id.as_str()).collect()
}

fn has(result: &TokenResult, id: &str) -> bool {
    result.findings.iter().any(|f| f.id == id)
}

#[track_caller]
fn assert_finding(result: &TokenResult, id: &str) {
    assert!(
        has(result, id),
        "expected finding {id}; got {:?}\nresponse: HTTP {} {}",
        ids(result),
        result.response.status,
        result.response.body
    );
}

#[track_caller]
fn assert_no_finding(result: &TokenResult, id: &str) {
    assert!(
        !has(result, id),
        "unexpected finding {id}: {:?}",
        result.findings.iter().find(|f| f.id == id)
    );
}

/// The issued token of a successful response, decoded as a JWT.
#[track_caller]
fn issued(result: &TokenResult) -> (&str, &Jwt) {
    assert_eq!(
        result.response.status, 200,
        "expected a token; got HTTP {} {}",
        result.response.status, result.response.body
    );
    let issued = result.issued.as_ref().unwrap_or_else(|| {
        panic!(
            "the 200 response carries no token: {}",
            result.response.body
        )
    });
    let jwt = issued
        .decoded
        .jwt()
        .unwrap_or_else(|| panic!("the issued token is not a JWT: {:?}", issued.decoded));
    (issued.token.as_str(), jwt)
}

fn labels(jwt: &Jwt) -> Vec<String> {
    jwt.act_chain.actors.iter().map(|a| a.label()).collect()
}

/// The server's own deviations on every successful token response (D1, D2, D3).
#[track_caller]
fn assert_success_deviations(result: &TokenResult) {
    assert_finding(result, "response.cache-control"); // D1
    assert_finding(result, "response.member-null"); // D2: "refresh_token": null
    assert_finding(result, "token.typ.not-at-jwt"); // D3: "typ": "JWT"
    let null = result
        .findings
        .iter()
        .filter(|f| f.id == "response.member-null")
        .any(|f| f.message.contains("`refresh_token`"));
    assert!(null, "refresh_token null not named: {:?}", result.findings);
    for clean in [
        "response.content-type",
        "response.status",
        "response.member-type",
        "response.access-token.missing",
        "response.token-type.missing",
        "response.issued-token-type.missing",
        "token.expires-in.mismatch",
        "token.scope.widened",
        "token.act.malformed",
        "token.alg.none",
    ] {
        assert_no_finding(result, clean);
    }
}

fn exchange(subject: &str, actor: Option<&str>) -> ExchangeParams {
    ExchangeParams::new(
        subject,
        ACCESS_TOKEN,
        actor.map(str::to_string),
        actor.map(|_| ACCESS_TOKEN.to_string()),
        None,
    )
    .expect("valid exchange parameters")
}

#[tokio::test]
async fn authgent_server_interop() {
    let started = Instant::now();
    let server = Server::start();
    eprintln!(
        "authgent-server {} at {} (pid {}) in {:?}",
        server.str("version"),
        server.str("issuer"),
        server.pid,
        started.elapsed()
    );
    let issuer = server.str("issuer");

    let http = Arc::new(ReqwestClient::new(&HttpSettings::default()).expect("HTTP client"));
    let client = TokenClient::new(http.clone(), Arc::new(SystemClock));

    // ── Discovery ────────────────────────────────────────────────────────
    let discovery = discover(http.as_ref(), &issuer).await.expect("discovery");
    assert!(discovery.token_exchange_advertised);
    assert!(
        discovery.findings.is_empty(),
        "discovery findings: {:?}",
        discovery.findings
    );
    assert_eq!(discovery.metadata.issuer.as_deref(), Some(issuer.as_str()));
    let token_endpoint = discovery
        .metadata
        .token_endpoint
        .clone()
        .expect("token_endpoint");
    assert_eq!(token_endpoint, server.str("token_endpoint"));
    let jwks_uri = discovery.metadata.jwks_uri.clone().expect("jwks_uri");
    assert_eq!(jwks_uri, server.str("jwks_uri"));
    let jwks = Jwks::fetch(http.as_ref(), &jwks_uri).await.expect("JWKS");
    assert!(!jwks.keys.is_empty(), "no usable key: {:?}", jwks.skipped);
    let check = |token: &str, audience: &str| {
        let mut options = VerifyOptions::new(client.now());
        options.issuer = Some(issuer.clone());
        options.audience = Some(audience.to_string());
        verify(token, &jwks, &options)
    };

    // ── client_credentials: each agent's own token ───────────────────────
    let cc = TokenRequest::new(Grant::ClientCredentials).scope("read");
    let a = client
        .execute(&token_endpoint, &server.basic("agent_a"), &cc)
        .await
        .expect("client_credentials for agent_a");
    let (a_token, a_jwt) = issued(&a);
    assert_eq!(a_jwt.sub(), Some(server.sub("agent_a").as_str()));
    assert_eq!(a_jwt.claim_str("scope"), Some("read"));
    assert!(a_jwt.act_chain.actors.is_empty());
    assert_success_deviations(&a);
    // D2 also for issued_token_type, sent as null on client_credentials.
    assert!(
        a.findings
            .iter()
            .any(|f| f.id == "response.member-null" && f.message.contains("`issued_token_type`")),
        "{:?}",
        a.findings
    );
    let v = check(a_token, &issuer);
    assert!(v.valid, "agent_a's token does not verify: {v:?}");
    assert_eq!(v.alg.as_deref(), Some("ES256"));

    let b = client
        .execute(&token_endpoint, &server.post("agent_b"), &cc)
        .await
        .expect("client_credentials for agent_b");
    let (b_token, _) = issued(&b);
    let c = client
        .execute(&token_endpoint, &server.basic("agent_c"), &cc)
        .await
        .expect("client_credentials for agent_c");
    let (c_token, _) = issued(&c);

    // ── Delegation: agent_b acts for agent_a ─────────────────────────────
    let hop1_request = TokenRequest::exchange(exchange(a_token, Some(b_token)))
        .audience("https://api.example")
        .scope("read");
    let hop1 = client
        .execute(&token_endpoint, &server.post("agent_b"), &hop1_request)
        .await
        .expect("delegation by agent_b");
    let (hop1_token, hop1_jwt) = issued(&hop1);
    let issued1 = hop1.issued.as_ref().expect("issued");
    assert_eq!(issued1.token_type_uri.as_deref(), Some(ACCESS_TOKEN));
    assert_eq!(hop1_jwt.sub(), Some(server.sub("agent_a").as_str()));
    assert_eq!(labels(hop1_jwt), vec![server.sub("agent_b")]);
    assert_eq!(hop1_jwt.aud(), vec!["https://api.example".to_string()]);
    assert_success_deviations(&hop1);
    for clean in [
        "token.act.wrong-actor",
        "token.act.absent",
        "token.aud.missing-requested",
        "token.sub.changed",
        "response.issued-token-type.differs",
    ] {
        assert_no_finding(&hop1, clean);
    }
    let v = check(hop1_token, "https://api.example");
    assert!(v.valid, "the delegated token does not verify: {v:?}");

    // ── Second hop: agent_c acts for agent_b acting for agent_a ──────────
    // D4: the subject token's aud is https://api.example, not this server; it is accepted.
    let hop2_request = TokenRequest::exchange(exchange(hop1_token, Some(c_token)))
        .audience("https://api2.example")
        .scope("read");
    let hop2 = client
        .execute(&token_endpoint, &server.basic("agent_c"), &hop2_request)
        .await
        .expect("second hop by agent_c");
    let (hop2_token, hop2_jwt) = issued(&hop2);
    assert_eq!(hop2_jwt.sub(), Some(server.sub("agent_a").as_str()));
    assert_eq!(
        labels(hop2_jwt),
        vec![server.sub("agent_c"), server.sub("agent_b")],
        "outermost act is the current actor"
    );
    assert_success_deviations(&hop2);
    assert_no_finding(&hop2, "token.act.wrong-actor");
    assert_no_finding(&hop2, "token.sub.changed");
    let v = check(hop2_token, "https://api2.example");
    assert!(v.valid, "the 2-hop token does not verify: {v:?}");

    // ── D5: the actor token is ignored; act names the authenticated client ─
    let wrong_actor_request = TokenRequest::exchange(exchange(a_token, Some(c_token)))
        .audience("https://api.example")
        .scope("read");
    let wrong_actor = client
        .execute(
            &token_endpoint,
            &server.basic("agent_b"),
            &wrong_actor_request,
        )
        .await
        .expect("exchange with another client's actor token");
    let (_, wa_jwt) = issued(&wrong_actor);
    assert_eq!(labels(wa_jwt), vec![server.sub("agent_b")]);
    assert_finding(&wrong_actor, "token.act.wrong-actor");
    let msg = &wrong_actor
        .findings
        .iter()
        .find(|f| f.id == "token.act.wrong-actor")
        .expect("found above")
        .message;
    assert!(
        msg.contains(&server.sub("agent_b")) && msg.contains(&server.sub("agent_c")),
        "{msg}"
    );

    // ── Errors ───────────────────────────────────────────────────────────
    // D7: an invalid subject token gives invalid_grant (RFC 8693 §2.2.2 says invalid_request).
    let bad_subject = client
        .execute(
            &token_endpoint,
            &server.basic("agent_b"),
            &TokenRequest::exchange(exchange("not.a.jwt", None))
                .audience("https://api.example")
                .scope("read"),
        )
        .await
        .expect("exchange of an invalid subject token");
    assert_eq!(bad_subject.response.status, 400);
    let e = bad_subject.response.error().expect("an OAuth error");
    assert_eq!(e.error.as_str(), "invalid_grant");
    assert!(bad_subject.issued.is_none());
    assert_no_finding(&bad_subject, "response.error.unregistered");
    assert_no_finding(&bad_subject, "response.error.status");
    assert_no_finding(&bad_subject, "response.content-type");

    // D10: scope wider than the subject token's → 403 scope_escalation.
    let escalation = client
        .execute(
            &token_endpoint,
            &server.basic("agent_b"),
            &TokenRequest::exchange(exchange(a_token, None))
                .audience("https://api.example")
                .scope("read write"),
        )
        .await
        .expect("scope escalation");
    assert_eq!(escalation.response.status, 403);
    let e = escalation.response.error().expect("an OAuth error");
    assert_eq!(e.error.as_str(), "scope_escalation");
    assert!(!e.error.is_registered());
    assert_finding(&escalation, "response.error.unregistered");
    assert_finding(&escalation, "response.error.status");
    assert_no_finding(&escalation, "response.error.www-authenticate");

    // D9: unknown client with Basic → 401 invalid_client, but a Bearer challenge.
    let unknown = client
        .execute(
            &token_endpoint,
            &ClientAuth::SecretBasic {
                client_id: "nope".into(),
                secret: Secret::new("nope"),
            },
            &cc,
        )
        .await
        .expect("unknown client");
    assert_eq!(unknown.response.status, 401);
    assert_eq!(
        unknown
            .response
            .error()
            .expect("an OAuth error")
            .error
            .as_str(),
        "invalid_client"
    );
    let challenge = unknown
        .response
        .header("www-authenticate")
        .expect("a challenge");
    assert!(challenge.starts_with("Bearer"), "{challenge}");
    assert_finding(&unknown, "response.error.www-authenticate");
    assert_no_finding(&unknown, "response.error.status");
    assert_no_finding(&unknown, "response.error.unregistered");

    // Wrong secret in the body: 401 invalid_client is conformant, and no challenge is due.
    let (b_id, _) = server.client("agent_b");
    let wrong_secret = client
        .execute(
            &token_endpoint,
            &ClientAuth::SecretPost {
                client_id: b_id,
                secret: Secret::new("wrong"),
            },
            &cc,
        )
        .await
        .expect("wrong secret");
    assert_eq!(wrong_secret.response.status, 401);
    assert_eq!(
        wrong_secret
            .response
            .error()
            .expect("an OAuth error")
            .error
            .as_str(),
        "invalid_client"
    );
    assert!(
        wrong_secret.findings.is_empty(),
        "a conformant error has findings: {:?}",
        wrong_secret.findings
    );

    eprintln!("authgent interop done in {:?}", started.elapsed());
    drop(server);
}

/// The probe suite against authgent: its report must find the deviations NOTES.md lists that
/// only show when the server is asked something it must refuse (D5–D9, D11), and the ones a
/// normal exchange shows too (D1–D3).
#[tokio::test]
async fn probes_find_authgents_deviations() {
    use std::collections::BTreeMap;
    use std::sync::atomic::AtomicBool;

    use baton_core::probe::{self, ProbeOutcome, ProbeSession, Selection};
    use baton_core::scenario::{Collection, MapSecrets};

    let server = Server::start();
    let base = server.str("base_url");
    let mut secrets = MapSecrets::default();
    let mut clients = String::new();
    for name in ["agent_a", "agent_b", "agent_c", "cc_only"] {
        let (client_id, secret) = server.client(name);
        secrets.insert(name.to_string(), secret);
        clients.push_str(&format!(
            "[[clients]]\nid = \"{name}\"\nserver = \"authgent\"\nclient_id = \"{client_id}\"\nauth = \"client_secret_basic\"\nsecret = \"{{{{secret.{name}}}}}\"\n\n"
        ));
    }
    // The transcript's roles: agent_a's own token is the subject, agent_b exchanges it for an
    // API, agent_c is the other agent; authgent needs an audience or resource.
    let text = format!(
        r#"
name = "authgent"

[[servers]]
id = "authgent"
issuer = "{base}"
token_endpoint = "{token}"
jwks_uri = "{jwks}"
introspection_endpoint = "{introspect}"

{clients}
[probe]
server = "authgent"
exchanger = "agent_b"
subject = {{ client = "agent_a", grant = "client_credentials", scope = "read" }}
actor = "agent_b"
attacker = "agent_c"
audience = "https://api.example"
resource = "https://api.example"
scope = "read"
"#,
        token = server.str("token_endpoint"),
        jwks = server.str("jwks_uri"),
        introspect = server.str("introspection_endpoint"),
    );
    let table: toml::Table = toml::from_str(&text).expect("the collection is valid TOML");
    let collection: Collection = table.try_into().expect("a collection");
    let http = ReqwestClient::new(&HttpSettings::default()).expect("http client");
    let session = ProbeSession::prepare(
        Arc::new(http),
        Arc::new(SystemClock),
        &collection,
        None,
        &BTreeMap::new(),
        Arc::new(secrets),
    )
    .await
    .expect("the roles resolve and agent_a gets its token");
    let probes = Selection::default().probes().expect("the catalogue");
    let report = probe::run(
        Arc::new(session),
        &probes,
        &mut |_| {},
        &AtomicBool::new(false),
    )
    .await;

    // A person refreshing the README's report card keeps the report this run made.
    if let Ok(path) = std::env::var("BATON_AUTHGENT_PROBE_REPORT") {
        let json = serde_json::to_string_pretty(&report).expect("a report is JSON");
        std::fs::write(&path, json).unwrap_or_else(|e| panic!("writing {path}: {e}"));
        let card = baton_core::probe::report::markdown(&report);
        let md = format!("{path}.md");
        std::fs::write(&md, card).unwrap_or_else(|e| panic!("writing {md}: {e}"));
    }
    let outcome = |id: &str| {
        report
            .result(id)
            .unwrap_or_else(|| panic!("probe {id} is not in the report"))
    };
    let expect_fail = |id: &str, note: &str| {
        let r = outcome(id);
        assert_eq!(
            r.outcome,
            ProbeOutcome::Fail,
            "{id} ({note}) should fail against authgent: {}",
            r.reason
        );
    };
    // Asked what it must refuse.
    expect_fail(
        "request.garbage-actor-token",
        "D5: a garbage actor token is ignored",
    );
    expect_fail(
        "request.actor-token-without-type",
        "D5: actor_token_type not required",
    );
    expect_fail("request.no-subject-token-type", "D6");
    expect_fail(
        "client-auth.no-secret",
        "D8: a confidential client without its secret",
    );
    expect_fail(
        "response.error-bad-subject",
        "D7: invalid_grant for a bad subject token",
    );
    expect_fail(
        "client-auth.basic-challenge",
        "D9: a Bearer challenge after Basic",
    );
    expect_fail(
        "response.error-unknown-grant",
        "D11: invalid_request, not unsupported_grant_type",
    );
    // Shown by a normal exchange too.
    expect_fail("response.cache-control", "D1");
    expect_fail("response.no-null-members", "D2");
    expect_fail("issued.explicit-typing", "D3: typ JWT, not at+jwt");
    // Introspection without client authentication (the issue's list): authgent answers it.
    expect_fail(
        "introspection.requires-auth",
        "introspection without authentication",
    );
    // What it does right stays a pass.
    assert_eq!(
        outcome("baseline.plain-exchange").outcome,
        ProbeOutcome::Pass,
        "{}",
        outcome("baseline.plain-exchange").reason
    );
    assert!(report.failed_errors().count() > 0);
    assert_ne!(report.grade, "A");
}
