//! The UI's canned runs (`ui/src/fixtures`) hold a run record and the graph built from it: the
//! graph must be what the graph builder makes of that record today, or the UI tests test a
//! drawing the app would never show. `BATON_FIXTURE_GRAPHS=DIR` writes each rebuilt graph to
//! `DIR/<fixture>.graph.json`, to put back into the fixture.

use std::path::Path;

use baton_core::scenario::{Graph, RunRecord};
use serde_json::Value;

const RUN_VIEWS: [&str; 2] = ["agent-chain.json", "refusals-failed.json"];

#[test]
fn each_fixture_graph_is_the_graph_of_its_record() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../ui/src/fixtures");
    let mut stale = Vec::new();
    for name in RUN_VIEWS {
        let text = std::fs::read_to_string(dir.join(name)).expect("the fixture reads");
        let view: Value = serde_json::from_str(&text).expect("the fixture is JSON");
        let record: RunRecord =
            serde_json::from_value(view["record"].clone()).expect("a run record");
        let built = Graph::of_run(&record);
        if let Ok(out) = std::env::var("BATON_FIXTURE_GRAPHS") {
            let json = serde_json::to_string_pretty(&built).expect("serialises");
            std::fs::write(Path::new(&out).join(format!("{name}.graph.json")), json)
                .expect("written");
        }
        let stored: Graph = serde_json::from_value(view["graph"].clone()).expect("a graph");
        if stored != built {
            stale.push(name);
        }
    }
    assert!(
        stale.is_empty(),
        "{stale:?}: the graph is not the graph of the record; rebuild it (see this file)"
    );
}
