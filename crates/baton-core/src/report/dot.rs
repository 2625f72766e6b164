//! The graph in Graphviz DOT, for `dot -Tsvg` or `-Tpng` and for tools that read DOT.

use std::fmt::Write;

use crate::report::card::{self, Origin};
use crate::scenario::graph::{EdgeRole, ExchangeKind, Graph};

/// `digraph` left to right; a cluster per scenario; each token a box listing its claims; subject
/// edges solid, actor edges dashed, coloured by delegation or impersonation.
pub fn dot(graph: &Graph) -> String {
    let origins = card::origins(graph);
    let mut out = String::new();
    out.push_str("// Baton: token exchanges. Solid: subject -> issued; dashed: actor -> issued;\n");
    out.push_str("// blue: delegation (the issued token has act); orange: impersonation;\n");
    out.push_str("// red dotted: into an exchange that was refused.\n");
    out.push_str("digraph baton {\n");
    out.push_str("  rankdir=LR;\n");
    out.push_str("  graph [fontname=\"Helvetica\", fontsize=12, nodesep=0.3, ranksep=0.7];\n");
    out.push_str(
        "  node [shape=box, style=\"rounded,filled\", fontname=\"Courier\", fontsize=10, \
         color=\"#334155\", fillcolor=\"#ffffff\"];\n",
    );
    out.push_str("  edge [penwidth=1.4, arrowsize=0.8];\n");

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
    let mut declared = std::collections::BTreeSet::new();
    for (i, scenario) in scenarios.iter().enumerate() {
        let _ = writeln!(out, "  subgraph \"cluster_{i}\" {{");
        let _ = writeln!(out, "    label={};", quote(scenario));
        out.push_str("    style=\"rounded\"; color=\"#cbd5e1\";\n");
        for node in graph.nodes.iter().filter(|n| n.scenario_id == *scenario) {
            if !declared.insert(node.id.as_str()) {
                continue;
            }
            let origin = origins
                .get(node.id.as_str())
                .copied()
                .unwrap_or(Origin::Outside);
            let mut label = format!("{} [{}]\\l", escape(&card::title(node)), origin.tag());
            for line in card::lines(node) {
                let _ = write!(label, "{} {}\\l", line.label, escape(&line.value()));
            }
            let (fill, style) = match origin {
                Origin::Outside => ("#f1f5f9", "rounded,filled,dashed"),
                Origin::Issued => ("#ffffff", "rounded,filled"),
                Origin::Exchanged(ExchangeKind::Delegation) => ("#dbeafe", "rounded,filled"),
                Origin::Exchanged(ExchangeKind::Impersonation) => ("#ffedd5", "rounded,filled"),
                Origin::Exchanged(ExchangeKind::Grant) => ("#ede9fe", "rounded,filled"),
                Origin::Exchanged(ExchangeKind::Refused) => ("#fef2f2", "rounded,filled,dashed"),
            };
            let _ = writeln!(
                out,
                "    {} [label=\"{label}\", style=\"{style}\", fillcolor=\"{fill}\", tooltip={}];",
                quote(&node.id),
                quote(&card::details(node, origin)),
            );
        }
        for refusal in graph.refusals.iter().filter(|r| r.scenario_id == *scenario) {
            if !declared.insert(refusal.id.as_str()) {
                continue;
            }
            let mut label = String::from("✗ no token [refused]\\l");
            for line in card::refusal_lines(refusal) {
                let _ = write!(label, "{} {}\\l", line.label, escape(&line.value()));
            }
            let _ = writeln!(
                out,
                "    {} [label=\"{label}\", style=\"rounded,filled,dashed\", color=\"#b91c1c\", \
                 fillcolor=\"#fef2f2\", tooltip={}];",
                quote(&refusal.id),
                quote(&card::refusal_details(refusal)),
            );
        }
        out.push_str("  }\n");
    }
    for edge in &graph.edges {
        let style = match (edge.role, edge.kind) {
            (_, ExchangeKind::Refused) => "dotted",
            (EdgeRole::Subject, _) => "solid",
            (EdgeRole::Actor, _) => "dashed",
        };
        let (colour, kind) = match edge.kind {
            ExchangeKind::Delegation => ("#2563eb", "delegation"),
            ExchangeKind::Impersonation => ("#ea580c", "impersonation"),
            ExchangeKind::Grant => ("#7c3aed", "JWT grant"),
            ExchangeKind::Refused => ("#b91c1c", "refused, no token"),
        };
        let role = match edge.role {
            EdgeRole::Subject => "subject",
            EdgeRole::Actor => "actor",
        };
        let _ = writeln!(
            out,
            "  {} -> {} [style={style}, color=\"{colour}\", tooltip={}];",
            quote(&edge.from),
            quote(&edge.to),
            quote(&format!("{role} -> issued ({kind}), step {}", edge.step_id)),
        );
    }
    out.push_str("}\n");
    out
}

/// A DOT quoted string. DOT's only escape in a quoted string is `\"`, and graphviz reads
/// backslashes in labels as its own escapes, so backslashes are doubled; line breaks become
/// `\n`, other control characters spaces. A string may not end in a backslash (it would escape
/// the closing quote), so one that would gets a space.
fn quote(s: &str) -> String {
    let mut q = String::from("\"");
    q.push_str(&escape(s));
    if q.ends_with('\\') {
        q.push(' ');
    }
    q.push('"');
    q
}

fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
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
    fn quotes_and_backslashes_cannot_end_a_string_early() {
        assert_eq!(quote(r#"say "hi""#), r#""say \"hi\"""#);
        assert_eq!(quote("a\\"), "\"a\\\\ \"");
        assert_eq!(quote("two\nlines\u{7}"), "\"two\\nlines \"");
    }
}
