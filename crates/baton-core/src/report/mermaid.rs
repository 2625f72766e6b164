//! The graph as a Mermaid flowchart, for Markdown that renders Mermaid (GitHub, GitLab, docs).

use std::collections::BTreeMap;
use std::fmt::Write;

use crate::report::card::{self, Origin};
use crate::scenario::graph::{EdgeRole, ExchangeKind, Graph};

/// `flowchart LR`; a subgraph per scenario; node ids `n0`, `n1`, … (a token's own id may hold
/// anything); `-->` from the subject, `-.->` from the actor; issued tokens classed `delegation`,
/// `impersonation` or `issued`, tokens from outside the run `outside`, and edges coloured by kind.
pub fn mermaid(graph: &Graph) -> String {
    let origins = card::origins(graph);
    let mut ids: BTreeMap<&str, String> = BTreeMap::new();
    let mut out = String::from("flowchart LR\n");
    out.push_str(
        "  %% Baton: token exchanges. Solid: subject -> issued; dotted: actor -> issued;\n  \
         %% ending in x: into a refused exchange.\n",
    );

    let mut scenarios: Vec<&str> = Vec::new();
    let band_of = graph
        .nodes
        .iter()
        .map(|n| n.scenario_id.as_str())
        .chain(graph.refusals.iter().map(|r| r.scenario_id.as_str()));
    for scenario in band_of {
        if !scenarios.contains(&scenario) {
            scenarios.push(scenario);
        }
    }
    let mut classes: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for (s, scenario) in scenarios.iter().enumerate() {
        let _ = writeln!(out, "  subgraph s{s}[\"{}\"]", escape(scenario));
        for node in graph.nodes.iter().filter(|n| n.scenario_id == *scenario) {
            if ids.contains_key(node.id.as_str()) {
                continue;
            }
            let id = format!("n{}", ids.len());
            ids.insert(&node.id, id.clone());
            let origin = origins
                .get(node.id.as_str())
                .copied()
                .unwrap_or(Origin::Outside);
            let mut label = format!("<b>{}</b> · {}", escape(&card::title(node)), origin.tag());
            for line in card::lines(node) {
                let _ = write!(label, "<br/>{} {}", line.label, escape(&line.value()));
            }
            let _ = writeln!(out, "    {id}[\"{label}\"]");
            classes.entry(origin.tag()).or_default().push(id);
        }
        for refusal in graph.refusals.iter().filter(|r| r.scenario_id == *scenario) {
            if ids.contains_key(refusal.id.as_str()) {
                continue;
            }
            let id = format!("n{}", ids.len());
            ids.insert(&refusal.id, id.clone());
            let mut label = String::from("<b>✗ no token</b> · refused");
            for line in card::refusal_lines(refusal) {
                let _ = write!(label, "<br/>{} {}", line.label, escape(&line.value()));
            }
            let _ = writeln!(out, "    {id}[\"{label}\"]");
            classes.entry("refused").or_default().push(id);
        }
        out.push_str("  end\n");
    }

    let mut links: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    let mut count = 0;
    for edge in &graph.edges {
        let (Some(from), Some(to)) = (ids.get(edge.from.as_str()), ids.get(edge.to.as_str()))
        else {
            continue;
        };
        let arrow = match (edge.role, edge.kind) {
            (_, ExchangeKind::Refused) => "-.-x",
            (EdgeRole::Subject, _) => "-->",
            (EdgeRole::Actor, _) => "-.->",
        };
        let _ = writeln!(out, "  {from} {arrow} {to}");
        let kind = match edge.kind {
            ExchangeKind::Delegation => "delegation",
            ExchangeKind::Impersonation => "impersonation",
            ExchangeKind::Grant => "grant",
            ExchangeKind::Refused => "refused",
        };
        links.entry(kind).or_default().push(count);
        count += 1;
    }

    out.push_str("  classDef delegation fill:#dbeafe,stroke:#2563eb,color:#1e293b\n");
    out.push_str("  classDef impersonation fill:#ffedd5,stroke:#ea580c,color:#1e293b\n");
    out.push_str("  classDef grant fill:#ede9fe,stroke:#7c3aed,color:#1e293b\n");
    out.push_str(
        "  classDef refused fill:#fef2f2,stroke:#b91c1c,stroke-dasharray:4 3,color:#1e293b\n",
    );
    out.push_str("  classDef issued fill:#ffffff,stroke:#334155,color:#1e293b\n");
    out.push_str(
        "  classDef outside fill:#f1f5f9,stroke:#94a3b8,stroke-dasharray:4 3,color:#1e293b\n",
    );
    for (class, nodes) in &classes {
        let _ = writeln!(out, "  class {} {class}", nodes.join(","));
    }
    for (kind, indices) in &links {
        let colour = match *kind {
            "delegation" => "#2563eb",
            "grant" => "#7c3aed",
            "refused" => "#b91c1c",
            _ => "#ea580c",
        };
        let list: Vec<String> = indices.iter().map(usize::to_string).collect();
        let _ = writeln!(
            out,
            "  linkStyle {} stroke:{colour},stroke-width:1.5px",
            list.join(",")
        );
    }
    out
}

/// Text inside a quoted Mermaid label: characters Mermaid or the HTML it renders would read as
/// syntax become Mermaid entity codes (`#34;`); control characters become spaces.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '"' | '#' | '<' | '>' | '&' | '`' => {
                let _ = write!(out, "#{};", u32::from(c));
            }
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn label_syntax_is_written_as_entity_codes() {
        assert_eq!(
            escape(r#"a "b" <c> #1 & `d`"#),
            "a #34;b#34; #60;c#62; #35;1 #38; #96;d#96;"
        );
        assert_eq!(escape("x\ny"), "x y");
    }
}
