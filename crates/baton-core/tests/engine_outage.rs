//! Outages and lab changes: a `lab` step through a fake lab control, retries against a scripted
//! server, and the outage and chain-splicing scenarios against the real lab.

mod common;

use std::collections::{BTreeMap, VecDeque};
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use baton_core::FixedClock;
use baton_core::http::{HttpClient, HttpRequest, HttpResponse, TransportError};
use baton_core::scenario::{
    Collection, Engine, LabControl, LabFaults, LabFuture, MapSecrets, RunOptions, RunRecord,
    StepRecord, StepStatus,
};
use baton_sts::{Check, Faults, StsHandle};
use serde_json::json;

/// A lab that only remembers what it was told.
#[derive(Default)]
struct FakeLab {
    faults: Mutex<LabFaults>,
    checks_off: Mutex<Vec<String>>,
    /// Every change, in order, as `faults` or `checks`.
    log: Mutex<Vec<String>>,
}

impl LabControl for FakeLab {
    fn faults(&self) -> LabFaults {
        self.faults.lock().expect("lock").clone()
    }
    fn set_faults(&self, faults: LabFaults) -> LabFuture<'_> {
        Box::pin(async move {
            if faults.latency_ms > 60_000 {
                return Err("latency_ms must be at most 60000".into());
            }
            self.log
                .lock()
                .expect("lock")
                .push(format!("faults {faults:?}"));
            *self.faults.lock().expect("lock") = faults;
            Ok(())
        })
    }
    fn checks_off(&self) -> Vec<String> {
        self.checks_off.lock().expect("lock").clone()
    }
    fn set_checks_off(&self, checks: Vec<String>) -> Result<(), String> {
        if let Some(bad) = checks.iter().find(|c| c.as_str() != "may_act_carried") {
            return Err(format!("no check is named {bad:?}"));
        }
        *self.checks_off.lock().expect("lock") = checks;
        Ok(())
    }
}

/// One scripted answer: a status and its `Retry-After`, or no answer at all.
type Answer = Result<(u16, Option<&'static str>), TransportError>;

/// Answers with a scripted list of outcomes, then 200 with a token for ever.
#[derive(Default)]
struct Scripted {
    script: Mutex<VecDeque<Answer>>,
    sent: Mutex<usize>,
}

impl Scripted {
    fn new(script: Vec<Answer>) -> Self {
        Scripted {
            script: Mutex::new(script.into()),
            sent: Mutex::new(0),
        }
    }
    fn sent(&self) -> usize {
        *self.sent.lock().expect("lock")
    }
}

#[async_trait]
impl HttpClient for Scripted {
    async fn send(&self, request: &HttpRequest) -> Result<HttpResponse, TransportError> {
        *self.sent.lock().expect("lock") += 1;
        let next = self.script.lock().expect("lock").pop_front();
        let (status, retry_after) = match next {
            Some(Err(e)) => return Err(e),
            Some(Ok(answer)) => answer,
            None => (200, None),
        };
        let body = if status == 200 {
            json!({"access_token": "opaque-token", "token_type": "Bearer", "expires_in": 60})
        } else {
            json!({"error": "temporarily_unavailable", "error_description": "busy"})
        };
        let mut headers = vec![
            ("content-type".to_owned(), "application/json".to_owned()),
            ("cache-control".to_owned(), "no-store".to_owned()),
        ];
        if let Some(secs) = retry_after {
            headers.push(("retry-after".to_owned(), secs.to_owned()));
        }
        let _ = request;
        Ok(HttpResponse {
            status,
            headers,
            body: body.to_string().into_bytes(),
        })
    }
}

fn refused(url: &str) -> TransportError {
    TransportError::Unreachable {
        url: url.to_owned(),
        reason: "connection refused: nothing listens there".to_owned(),
    }
}

const BASE: &str = r#"
name = "outage"

[[servers]]
id = "as"
token_endpoint = "http://as.example/token"

[[clients]]
id = "svc"
server = "as"
client_id = "svc"
auth = "client_secret_post"
secret = "s3cret"
"#;

fn collection(steps: &str) -> Collection {
    toml::from_str(&format!(
        "{BASE}\n[[scenarios]]\nid = \"s\"\nname = \"S\"\n{steps}"
    ))
    .expect("collection")
}

fn options() -> RunOptions {
    RunOptions {
        environment: None,
        overrides: BTreeMap::new(),
        secrets: Arc::new(MapSecrets::default()),
        data: None,
    }
}

async fn run(engine: &Engine, c: &Collection) -> RunRecord {
    engine
        .run(c, &c.scenarios[0], &options(), &mut |_| {})
        .await
        .expect("references resolve")
}

fn step<'a>(r: &'a RunRecord, id: &str) -> &'a StepRecord {
    r.steps.iter().find(|s| s.id == id).expect("step ran")
}

const TOKEN_STEP: &str =
    "[scenarios.steps.token]\nclient = \"svc\"\ngrant = \"client_credentials\"\n";

#[tokio::test]
async fn a_lab_step_without_a_lab_says_where_to_run_it() {
    let c =
        collection("[[scenarios.steps]]\nid = \"down\"\nname = \"Down\"\nlab = { down = true }\n");
    let engine = Engine::new(Arc::new(Scripted::default()), Arc::new(FixedClock(0)));
    let r = run(&engine, &c).await;
    let s = step(&r, "down");
    assert_eq!(s.status, StepStatus::Error);
    assert_eq!(
        s.error.as_deref(),
        Some("this step changes Baton's lab; run it in the app or with `baton run --sts`")
    );
}

#[tokio::test]
async fn lab_steps_change_the_lab_say_so_and_are_put_back_at_the_end() {
    let c = collection(
        r#"
[[scenarios.steps]]
id = "slow"
name = "Slow and vulnerable"
lab = { latency_ms = 250, checks_off = ["may_act_carried"] }

[[scenarios.steps]]
id = "down"
name = "Down"
lab = { down = true }

[[scenarios.steps]]
id = "bad"
name = "A check the lab does not know"
lab = { checks_off = ["nope"] }

[[scenarios.steps]]
id = "clear"
name = "Cleared"
lab = { clear = true }
"#,
    );
    let lab = Arc::new(FakeLab::default());
    // The lab was skewed before the scenario: that is what is put back.
    *lab.faults.lock().expect("lock") = LabFaults {
        clock_skew_secs: 5,
        ..LabFaults::default()
    };
    let engine = Engine::new(Arc::new(Scripted::default()), Arc::new(FixedClock(0)))
        .with_lab_control(lab.clone());
    let r = run(&engine, &c).await;
    assert_eq!(
        step(&r, "slow").lab_changes,
        [
            "slow: 250 ms before every answer",
            "checks switched off: may_act_carried"
        ]
    );
    assert_eq!(step(&r, "slow").status, StepStatus::Passed);
    assert_eq!(
        step(&r, "down").lab_changes,
        ["down: connections are refused"]
    );
    let bad = step(&r, "bad");
    assert_eq!(bad.status, StepStatus::Error);
    assert_eq!(bad.error.as_deref(), Some("no check is named \"nope\""));
    assert_eq!(
        step(&r, "clear").lab_changes,
        [
            "up: connections are accepted again",
            "latency: none",
            "clock: on time again",
            "checks: all back as the policy has them"
        ]
    );
    // Ended: as before the scenario.
    assert_eq!(
        lab.faults(),
        LabFaults {
            clock_skew_secs: 5,
            ..LabFaults::default()
        }
    );
    assert!(lab.checks_off().is_empty());
}

#[tokio::test]
async fn a_scenario_that_leaves_the_lab_down_brings_it_back() {
    let c = collection(
        "[[scenarios.steps]]\nid = \"down\"\nname = \"Down\"\nlab = { down = true, failure_rate = 0.5 }\n",
    );
    let lab = Arc::new(FakeLab::default());
    let engine = Engine::new(Arc::new(Scripted::default()), Arc::new(FixedClock(0)))
        .with_lab_control(lab.clone());
    let r = run(&engine, &c).await;
    assert!(r.passed());
    assert_eq!(lab.faults(), LabFaults::default());
    assert_eq!(lab.log.lock().expect("lock").len(), 2, "set, then put back");
}

#[test]
fn a_lab_step_must_change_something_and_retry_is_bounded() {
    let parse = |steps: &str| {
        toml::from_str::<Collection>(&format!(
            "{BASE}\n[[scenarios]]\nid = \"s\"\nname = \"S\"\n{steps}"
        ))
        .map_err(|e| e.to_string())
    };
    let e = parse("[[scenarios.steps]]\nid = \"x\"\nname = \"X\"\nlab = {}\n").expect_err("empty");
    assert!(e.contains("the lab step changes nothing"), "{e}");
    let e = parse("[[scenarios.steps]]\nid = \"x\"\nname = \"X\"\nlab = { failure_rate = 3.0 }\n")
        .expect_err("rate");
    assert!(
        e.contains("lab.failure_rate must be between 0 and 1"),
        "{e}"
    );
    let e = parse(&format!(
        "[[scenarios.steps]]\nid = \"x\"\nname = \"X\"\nretry = {{ attempts = 50 }}\n{TOKEN_STEP}"
    ))
    .expect_err("too many");
    assert!(e.contains("retry.attempts must be between 2 and 10"), "{e}");
    let e = parse("[[scenarios.steps]]\nid = \"x\"\nname = \"X\"\nretry = { attempts = 2 }\nlab = { down = true }\n")
        .expect_err("retry on a lab step");
    assert!(
        e.contains("retry applies to steps that send a request"),
        "{e}"
    );
}

#[tokio::test]
async fn retries_honour_retry_after_and_record_every_attempt() {
    let c = collection(&format!(
        "[[scenarios.steps]]\nid = \"t\"\nname = \"T\"\nretry = {{ attempts = 4, backoff_ms = 10 }}\n{TOKEN_STEP}"
    ));
    let http = Arc::new(Scripted::new(vec![
        Err(refused("http://as.example/token")),
        Ok((503, Some("0"))),
        Ok((429, None)),
    ]));
    let engine = Engine::new(http.clone(), Arc::new(FixedClock(0)));
    let r = run(&engine, &c).await;
    let s = step(&r, "t");
    assert_eq!(s.status, StepStatus::Passed, "{:?}", s.error);
    assert_eq!(http.sent(), 4);
    let seen: Vec<(Option<u16>, u64)> =
        s.attempts.iter().map(|a| (a.status, a.waited_ms)).collect();
    // Back-off 10 ms after the refusal, Retry-After: 0 after the 503, 40 ms (doubled twice)
    // after the 429.
    assert_eq!(
        seen,
        [(None, 0), (Some(503), 10), (Some(429), 0), (Some(200), 40)]
    );
    let first = s.attempts[0].error.as_deref().unwrap_or("");
    assert!(first.contains("connection refused"), "{first}");
    assert_eq!(
        s.attempts[1].error.as_deref(),
        Some("temporarily_unavailable")
    );
}

#[tokio::test]
async fn a_refusal_is_not_retried_and_retries_give_up_at_the_limit() {
    let c = collection(&format!(
        "[[scenarios.steps]]\nid = \"t\"\nname = \"T\"\nretry = {{ attempts = 3, backoff_ms = 1 }}\n{TOKEN_STEP}"
    ));
    let http = Arc::new(Scripted::new(vec![Ok((400, None))]));
    let r = run(&Engine::new(http.clone(), Arc::new(FixedClock(0))), &c).await;
    assert_eq!(http.sent(), 1, "a 400 is the server's word");
    assert_eq!(step(&r, "t").attempts.len(), 1);

    let url = "http://as.example/token";
    let http = Arc::new(Scripted::new(vec![
        Err(refused(url)),
        Err(refused(url)),
        Err(refused(url)),
        Err(refused(url)),
    ]));
    let r = run(&Engine::new(http.clone(), Arc::new(FixedClock(0))), &c).await;
    let s = step(&r, "t");
    assert_eq!(http.sent(), 3);
    assert_eq!(s.status, StepStatus::Error);
    assert!(s.unreachable);
    assert_eq!(s.attempts.len(), 3);
}

#[tokio::test]
async fn an_expected_outage_passes_and_an_unexpected_answer_fails() {
    let steps = |script| {
        let c = collection(&format!(
            "[[scenarios.steps]]\nid = \"t\"\nname = \"T\"\nassert = [{{ unreachable = true }}]\n{TOKEN_STEP}"
        ));
        (c, Arc::new(Scripted::new(script)))
    };
    let (c, http) = steps(vec![Err(refused("http://as.example/token"))]);
    let r = run(&Engine::new(http, Arc::new(FixedClock(0))), &c).await;
    let s = step(&r, "t");
    assert_eq!(s.status, StepStatus::Passed);
    assert!(
        s.error
            .as_deref()
            .unwrap_or("")
            .contains("connection refused")
    );
    assert!(s.assertions[0].passed);

    let (c, http) = steps(vec![]);
    let r = run(&Engine::new(http, Arc::new(FixedClock(0))), &c).await;
    let s = step(&r, "t");
    assert_eq!(s.status, StepStatus::Failed);
    assert_eq!(
        s.assertions[0].message,
        "expected no answer (the server unreachable), but it answered 200"
    );
}

/// The app's and the CLI's bridge, in small: the engine's lab control over the real lab.
struct Bridge(Arc<StsHandle>);

impl LabControl for Bridge {
    fn faults(&self) -> LabFaults {
        let f = self.0.faults();
        LabFaults {
            down: f.down,
            latency_ms: f.latency_ms,
            unavailable_retry_after: f.unavailable_retry_after,
            failure_rate: f.failure_rate,
            clock_skew_secs: f.clock_skew_secs,
        }
    }
    fn set_faults(&self, f: LabFaults) -> LabFuture<'_> {
        Box::pin(async move {
            self.0
                .set_faults(Faults {
                    down: f.down,
                    latency_ms: f.latency_ms,
                    unavailable_retry_after: f.unavailable_retry_after,
                    failure_rate: f.failure_rate,
                    clock_skew_secs: f.clock_skew_secs,
                })
                .await
                .map_err(|e| e.to_string())
        })
    }
    fn checks_off(&self) -> Vec<String> {
        self.0
            .checks_off()
            .iter()
            .map(|c| c.name().to_owned())
            .collect()
    }
    fn set_checks_off(&self, names: Vec<String>) -> Result<(), String> {
        let checks = names
            .iter()
            .map(|n| Check::from_name(n).ok_or_else(|| format!("no check is named {n:?}")))
            .collect::<Result<Vec<_>, _>>()?;
        self.0.set_checks_off(checks);
        Ok(())
    }
}

fn trade_offs() -> Collection {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../examples/trade-offs.baton.toml"
    ))
    .expect("examples/trade-offs.baton.toml");
    let mut table: toml::Table = toml::from_str(&text).expect("valid TOML");
    table.remove("format");
    table.try_into().expect("a collection")
}

#[tokio::test]
async fn the_outage_and_chain_splicing_scenarios_pass_against_the_lab() {
    let lab = Arc::new(common::lab().await);
    let port = lab.port();
    let engine = common::engine().with_lab_control(Arc::new(Bridge(lab.clone())));
    let options = common::lab_options(&lab);
    let collection = trade_offs();
    for id in ["outage", "chain-splicing"] {
        let scenario = collection.scenario(id).expect("scenario");
        let r = engine
            .run(&collection, scenario, &options, &mut |_| {})
            .await
            .expect("references resolve");
        let explain: Vec<String> = r
            .steps
            .iter()
            .map(|s| {
                format!(
                    "{} {} {:?} {:?}",
                    s.id,
                    s.status.as_str(),
                    s.error,
                    s.assertions
                )
            })
            .collect();
        assert!(r.passed(), "{id}:\n{}", explain.join("\n"));
        if id == "outage" {
            let during = step(&r, "during");
            assert!(during.unreachable);
            let error = during.error.as_deref().unwrap_or("");
            assert!(error.contains("connection refused"), "{error}");
            let retried = step(&r, "retrying");
            let statuses: Vec<Option<u16>> = retried.attempts.iter().map(|a| a.status).collect();
            assert_eq!(statuses, [Some(503), Some(200)]);
        }
        // Whatever the scenario did, the lab is as it was, on the same port.
        assert!(lab.faults().is_none(), "{:?}", lab.faults());
        assert!(lab.checks_off().is_empty());
        assert_eq!(lab.port(), port);
    }
}
