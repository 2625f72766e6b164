//! The engine's token cache and repeated steps against the lab on a random loopback port: a
//! cached exchange sends nothing, any changed input misses, a token near its `exp` is fetched
//! again, the cache can be cleared, and a repeated step counts its round trips.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, AtomicUsize, Ordering};

use async_trait::async_trait;
use baton_core::Clock;
use baton_core::http::{HttpClient, HttpRequest, HttpResponse, TransportError};
use baton_core::scenario::{Engine, RunRecord, Scenario, StepRecord, StepStatus};
use baton_sts::{DETERMINISTIC_NOW, StsHandle};

use common::{demo, http, lab, lab_options};

/// The lab's HTTP, counting the token exchanges sent, and failing every request from the
/// `fail_from`th exchange on (to see a repeated step's failures).
struct Counting {
    inner: baton_core::http::ReqwestClient,
    exchanges: AtomicUsize,
    fail_from: usize,
}

#[async_trait]
impl HttpClient for Counting {
    async fn send(&self, request: &HttpRequest) -> Result<HttpResponse, TransportError> {
        let body = request.recorded().body.unwrap_or_default();
        if body.contains("token-exchange") {
            let n = self.exchanges.fetch_add(1, Ordering::SeqCst) + 1;
            if n >= self.fail_from {
                return Err(TransportError::Unreachable {
                    url: request.url.clone(),
                    reason: "the test cut the line".into(),
                });
            }
        }
        self.inner.send(request).await
    }
}

/// A clock the test moves.
struct Movable(AtomicI64);

impl Clock for Movable {
    fn now(&self) -> i64 {
        self.0.load(Ordering::SeqCst)
    }
}

struct Setup {
    lab: StsHandle,
    http: Arc<Counting>,
    clock: Arc<Movable>,
    engine: Engine,
}

async fn setup(fail_from: usize) -> Setup {
    let lab = lab().await;
    let http = Arc::new(Counting {
        inner: http(),
        exchanges: AtomicUsize::new(0),
        fail_from,
    });
    let clock = Arc::new(Movable(AtomicI64::new(
        i64::try_from(DETERMINISTIC_NOW).expect("fits"),
    )));
    let engine = Engine::new(http.clone(), clock.clone());
    Setup {
        lab,
        http,
        clock,
        engine,
    }
}

/// What a run did, briefly, for a failed assertion's message.
fn brief(record: &RunRecord) -> Vec<String> {
    record
        .steps
        .iter()
        .map(|s| {
            let failed: Vec<&str> = s
                .assertions
                .iter()
                .filter(|a| !a.passed)
                .map(|a| a.message.as_str())
                .collect();
            format!("{} {} {:?} {failed:?}", s.id, s.status.as_str(), s.error)
        })
        .collect()
}

/// Alice signs in once; the scenario then exchanges her token for the payments API with
/// `payments` (its TOML given), as the order service.
fn scenario(payments: &str) -> Scenario {
    let text = format!(
        r#"
id = "cache-test"
name = "cache test"

[[steps]]
id = "login"
name = "Alice signs in"
token = {{ client = "web-app", grant = "password", username = "alice", password = "{{{{secret.alice.password}}}}", scope = "orders:read payments:charge" }}

[[steps]]
id = "service"
name = "The order service's own token"
token = {{ client = "order-service", grant = "client_credentials" }}

{payments}
"#
    );
    toml::from_str(&text).expect("a scenario")
}

fn payments_step(extra: &str, audience: &str) -> String {
    format!(
        r#"
[[steps]]
id = "payments"
name = "A payments token"
{extra}
exchange = {{ client = "order-service", subject_token = "{{{{steps.login.access_token}}}}", subject_token_type = "access_token", actor_token = "{{{{steps.service.access_token}}}}", actor_token_type = "access_token", audience = ["{audience}"], scope = "payments:charge" }}
"#
    )
}

impl Setup {
    async fn run(&self, scenario: &Scenario) -> RunRecord {
        self.engine
            .run(&demo(), scenario, &lab_options(&self.lab), &mut |_| {})
            .await
            .expect("references resolve")
    }

    fn exchanges(&self) -> usize {
        self.http.exchanges.load(Ordering::SeqCst)
    }
}

fn payments(record: &RunRecord) -> &StepRecord {
    record
        .steps
        .iter()
        .find(|s| s.id == "payments")
        .expect("the payments step")
}

/// Runs `scenario` twice with one login: the login's token is the same only within a run, so
/// the second exchange of a run is the one the cache can answer. Here the scenario itself has
/// two exchange steps with the same inputs.
fn twice(extra: &str, audiences: [&str; 2]) -> Scenario {
    let mut s = scenario(&payments_step(extra, audiences[0]));
    let mut again = scenario(&payments_step(extra, audiences[1]))
        .steps
        .remove(2);
    again.id = "again".into();
    s.steps.push(again);
    s
}

fn step<'a>(record: &'a RunRecord, id: &str) -> &'a StepRecord {
    record.steps.iter().find(|s| s.id == id).expect("the step")
}

#[tokio::test]
async fn a_cached_exchange_is_answered_without_a_request() {
    let s = setup(usize::MAX).await;
    let record = s
        .run(&twice("cache = true", ["payments-api", "payments-api"]))
        .await;
    assert!(record.passed(), "{:?}", brief(&record));
    let first = step(&record, "payments");
    let second = step(&record, "again");
    assert!(!first.from_cache);
    assert!(second.from_cache, "the same inputs: from the cache");
    assert_eq!(s.exchanges(), 1, "one exchange went to the lab");
    assert!(second.request.is_none(), "no request is recorded for a hit");
    let token = |r: &StepRecord| r.token.as_ref().expect("a token").token.clone();
    assert_eq!(token(first), token(second));
}

#[tokio::test]
async fn the_cache_is_off_unless_asked_for() {
    let s = setup(usize::MAX).await;
    let record = s.run(&twice("", ["payments-api", "payments-api"])).await;
    assert!(record.passed(), "{:?}", brief(&record));
    assert!(!step(&record, "again").from_cache);
    assert_eq!(s.exchanges(), 2);
}

#[tokio::test]
async fn the_scenarios_cache_covers_its_exchange_steps() {
    let s = setup(usize::MAX).await;
    let mut scenario = twice("", ["payments-api", "payments-api"]);
    scenario.cache = true;
    let record = s.run(&scenario).await;
    assert!(step(&record, "again").from_cache);
    assert_eq!(s.exchanges(), 1);
    // A step may still say no.
    let mut scenario = twice("cache = false", ["payments-api", "payments-api"]);
    scenario.cache = true;
    let record = s.run(&scenario).await;
    assert!(!step(&record, "again").from_cache);
}

#[tokio::test]
async fn a_different_audience_misses() {
    let s = setup(usize::MAX).await;
    let record = s
        .run(&twice("cache = true", ["payments-api", "orders-api"]))
        .await;
    assert!(!step(&record, "again").from_cache);
    assert_eq!(s.exchanges(), 2);
}

#[tokio::test]
async fn a_token_within_the_margin_of_its_exp_is_fetched_again_and_clear_forgets() {
    let s = setup(usize::MAX).await;
    // One login for all runs: a `steps.login` token given as the subject through the env
    // would change per run, so this scenario's login is itself cached.
    let mut scenario = scenario(&payments_step(
        "cache = true\ncache_margin_secs = 60",
        "payments-api",
    ));
    scenario.steps[0].cache = Some(true);
    scenario.steps[1].cache = Some(true);
    let first = s.run(&scenario).await;
    assert!(first.passed(), "{:?}", brief(&first));
    let exp = payments(&first)
        .token
        .as_ref()
        .and_then(|t| t.decoded.jwt())
        .and_then(|j| j.claims.get("exp"))
        .and_then(serde_json::Value::as_i64)
        .expect("exp");
    assert_eq!(s.exchanges(), 1);

    s.clock.0.store(exp - 61, Ordering::SeqCst);
    let before_margin = s.run(&scenario).await;
    assert!(payments(&before_margin).from_cache, "61 s before exp");
    assert_eq!(s.exchanges(), 1);

    s.clock.0.store(exp - 60, Ordering::SeqCst);
    let within_margin = s.run(&scenario).await;
    assert!(!payments(&within_margin).from_cache, "60 s before exp");
    assert_eq!(s.exchanges(), 2);

    // That token was already within the margin, so it was not kept: with the clock moved back,
    // the next run fetches one (the lab's clock is frozen, so the same exp) and the one after
    // uses it.
    s.clock.0.store(exp - 3_000, Ordering::SeqCst);
    assert!(!payments(&s.run(&scenario).await).from_cache);
    assert!(payments(&s.run(&scenario).await).from_cache);
    assert_eq!(s.exchanges(), 3);
    assert!(s.engine.token_cache_len() >= 1);
    s.engine.clear_token_cache();
    assert_eq!(s.engine.token_cache_len(), 0);
    assert!(!payments(&s.run(&scenario).await).from_cache);
    assert_eq!(s.exchanges(), 4);
}

#[tokio::test]
async fn a_repeated_step_counts_its_round_trips_with_and_without_the_cache() {
    let s = setup(usize::MAX).await;
    let uncached = s
        .run(&scenario(&payments_step(
            "repeat = { times = 40, concurrency = 8 }\nassert = [{ round_trips = 40 }]",
            "payments-api",
        )))
        .await;
    assert!(uncached.passed(), "{:?}", brief(&uncached));
    let stats = payments(&uncached).repeat.clone().expect("repeat stats");
    assert_eq!(
        (
            stats.times,
            stats.round_trips,
            stats.from_cache,
            stats.failures
        ),
        (40, 40, 0, 0)
    );
    assert_eq!(s.exchanges(), 40);
    assert_eq!(stats.latencies_ms.len(), 40);
    assert_eq!(stats.started_ms.len(), 40);
    assert_eq!(stats.started_ms[0], 0);
    assert!(stats.min_ms <= stats.p50_ms && stats.p50_ms <= stats.p90_ms);
    assert!(stats.p90_ms <= stats.p99_ms && stats.p99_ms <= stats.max_ms);
    assert!(stats.max_ms <= stats.total_ms);
    assert_eq!(
        stats.max_ms,
        stats.latencies_ms.iter().copied().max().unwrap_or(0)
    );

    let cached = s
        .run(&scenario(&payments_step(
            "cache = true\nrepeat = { times = 40, concurrency = 8 }\nassert = [{ round_trips = 1 }]",
            "payments-api",
        )))
        .await;
    assert!(cached.passed(), "{:?}", brief(&cached));
    let stats = payments(&cached).repeat.clone().expect("repeat stats");
    assert_eq!(
        (stats.times, stats.round_trips, stats.from_cache),
        (40, 1, 39)
    );
    assert_eq!(s.exchanges(), 41, "one more exchange for 40 calls");
    // The step's token is the first call's, which was a round trip.
    assert!(!payments(&cached).from_cache);
    assert!(payments(&cached).request.is_some());
}

#[tokio::test]
async fn a_repeated_step_fails_when_a_call_does_not_answer_like_the_first() {
    // The 6th exchange on goes nowhere.
    let s = setup(6).await;
    let record = s
        .run(&scenario(&payments_step(
            "repeat = { times = 10, concurrency = 1 }",
            "payments-api",
        )))
        .await;
    let step = payments(&record);
    assert_eq!(step.status, StepStatus::Failed);
    let stats = step.repeat.clone().expect("repeat stats");
    assert_eq!((stats.round_trips, stats.failures), (10, 5));
    assert_eq!(
        step.error.as_deref(),
        Some("5 of 10 calls did not answer as the first did (HTTP 200)")
    );
    // The assertions were the first call's, and held.
    assert!(step.assertions.iter().all(|a| a.passed));
}

#[test]
fn repeat_and_cache_are_refused_where_they_cannot_apply() {
    let err = |toml_text: &str| {
        toml::from_str::<Scenario>(toml_text)
            .expect_err("refused")
            .to_string()
    };
    let base = |extra: &str| {
        format!(
            r#"
id = "s"
name = "s"
[[steps]]
id = "look"
name = "look"
{extra}
inspect = {{ token = "x" }}
"#
        )
    };
    assert!(
        err(&base("repeat = { times = 3 }"))
            .contains("`repeat` applies to token and exchange steps, not to an inspect step")
    );
    assert!(
        err(&base("cache = true"))
            .contains("`cache` applies to token and exchange steps, not to an inspect step")
    );
    let exchange = |repeat: &str| {
        format!(
            r#"
id = "s"
name = "s"
[[steps]]
id = "x"
name = "x"
repeat = {repeat}
exchange = {{ client = "c", subject_token = "t", subject_token_type = "jwt" }}
"#
        )
    };
    assert!(
        err(&exchange("{ times = 10001 }"))
            .contains("repeat.times is 10001; it must be 1 to 10000")
    );
    assert!(err(&exchange("{ times = 0 }")).contains("repeat.times is 0"));
    assert!(
        err(&exchange("{ times = 5, concurrency = 65 }"))
            .contains("repeat.concurrency is 65; it must be 1 to 64")
    );
    let ok: Scenario = toml::from_str(&exchange("{ times = 5 }")).expect("accepted");
    assert_eq!(ok.steps[0].repeat.map(|r| r.concurrency), Some(1));
}
