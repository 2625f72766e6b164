//! `examples/cross-domain.baton.toml` against the lab and its domain B: identity chaining, an
//! ID-JAG and on-behalf-of pass, and the graph joins the two domains' tokens by the grant.

mod common;

use baton_core::scenario::{Collection, EdgeRole, ExchangeKind, Graph, RunOutcome};
use baton_sts::{Policy, StsConfig};

fn collection() -> Collection {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../examples/cross-domain.baton.toml"
    ))
    .expect("examples/cross-domain.baton.toml");
    let mut table: toml::Table = toml::from_str(&text).expect("valid TOML");
    table.remove("format");
    table.try_into().expect("a collection")
}

#[tokio::test]
async fn both_domains_run_and_the_grant_joins_their_tokens() {
    let a = common::lab().await;
    let b = baton_sts::spawn(StsConfig {
        policy: Policy::domain_b(),
        port: 0,
        deterministic: true,
        trusted_issuers: vec![a.trusted_issuer()],
        tls: false,
    })
    .await
    .expect("domain B starts");
    let mut options = common::lab_options(&a);
    options
        .overrides
        .insert("lab_b".into(), b.base_url().to_string());
    let collection = collection();
    let engine = common::engine();
    for scenario in &collection.scenarios {
        let run = engine
            .run(&collection, scenario, &options, &mut |_| {})
            .await
            .expect("runs");
        assert_eq!(
            run.outcome,
            RunOutcome::Passed,
            "{}: {:#?}",
            scenario.id,
            run.steps
                .iter()
                .map(|s| (&s.id, &s.error, &s.assertions))
                .collect::<Vec<_>>()
        );
        if scenario.id == "id-jag" {
            let graph = Graph::of_run(&run);
            let grant: Vec<_> = graph
                .edges
                .iter()
                .filter(|e| e.kind == ExchangeKind::Grant)
                .collect();
            assert_eq!(grant.len(), 1, "{:#?}", graph.edges);
            assert_eq!(grant[0].role, EdgeRole::Subject);
            let node = |id: &str| graph.nodes.iter().find(|n| n.id == id).expect("node");
            assert_eq!(node(&grant[0].from).token_type.as_deref(), Some("id-jag"));
            assert_eq!(
                node(&grant[0].to).issuer.as_deref(),
                Some("https://domain-b.baton.test")
            );
        }
    }
}
