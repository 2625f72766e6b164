//! How the store holds up with a large collection, on disk (a temp dir), nothing else running.
//!
//! `cargo bench -p baton-store`. Bounded: few samples, a short measurement time.

use std::hint::black_box;
use std::time::Duration;

use baton_core::scenario::{Action, Collection, InspectStep, Scenario, Step};
use baton_store::Store;
use criterion::{Criterion, criterion_group, criterion_main};

const SCENARIOS: usize = 10_000;

fn scenario(i: usize) -> Scenario {
    Scenario {
        id: format!("sc_{i:05}"),
        name: format!("Scenario {i}"),
        description: Some("A benchmark scenario with one step.".into()),
        steps: vec![Step {
            id: "inspect".into(),
            name: "Inspect the token".into(),
            notes: None,
            action: Action::Inspect(InspectStep {
                token: "{{env.TOKEN}}".into(),
                server: None,
            }),
            assertions: vec![],
            retry: None,
            cache: None,
            cache_margin_secs: None,
            repeat: None,
        }],
        cache: false,
        cache_margin_secs: None,
    }
}

fn large_store() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().expect("a temp dir");
    let mut store = Store::open(dir.path().join("bench.sqlite")).expect("open the store");
    store
        .save_collection(&Collection {
            probe: None,
            name: "large".into(),
            description: None,
            servers: vec![],
            clients: vec![],
            environments: vec![],
            scenarios: (0..SCENARIOS).map(scenario).collect(),
        })
        .expect("save 10,000 scenarios");
    (dir, store)
}

fn store(c: &mut Criterion) {
    let (_dir, mut store) = large_store();
    let mut group = c.benchmark_group("store");
    group
        .sample_size(20)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3));

    group.bench_function("list_scenarios of 10,000", |b| {
        b.iter(|| black_box(store.list_scenarios("large").expect("list")))
    });

    // Replaces one scenario in place: one transaction, one WAL commit.
    let mut edited = scenario(5_000);
    let mut n = 0u64;
    group.bench_function("save_scenario among 10,000", |b| {
        b.iter(|| {
            n += 1;
            edited.name = format!("Edited {n}");
            store.save_scenario("large", &edited).expect("save");
        })
    });
    group.finish();
}

criterion_group!(benches, store);
criterion_main!(benches);
