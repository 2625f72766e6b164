//! The graph as a standalone SVG drawing: `baton graph`'s default and the app's diagram export.
//! Everything is drawn with presentation attributes (no stylesheet, no web font), so the file
//! looks the same in a browser, an image viewer or a PNG converter.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

use crate::report::card::{self, Line, Origin, Tone};
use crate::report::layout::{Layout, Point, Rect, Size, Spacing, layout};
use crate::report::xml;
use crate::scenario::graph::{EdgeRole, ExchangeEdge, ExchangeKind, Graph, RefusalNode, TokenNode};

const FONT: &str = "ui-monospace, SFMono-Regular, Menlo, Consolas, 'DejaVu Sans Mono', monospace";
const FONT_SIZE: i32 = 12;
/// The advance of one character of the monospaced font at `FONT_SIZE`, in tenths of a pixel.
const CHAR_TENTHS: i32 = 73;
const PAD: i32 = 10;
const HEADER: i32 = 22;
const LINE: i32 = 16;
/// Longer values are cut, with `…`; the node's tooltip has them whole.
const MAX_CHARS: usize = 44;
const MIN_WIDTH: i32 = 190;
/// Rows one value may take before the rest is cut.
const MAX_ROWS: usize = 3;
const LEGEND: i32 = 44;

const INK: &str = "#1e293b";
const MUTED: &str = "#64748b";
const WARN: &str = "#b91c1c";
const DELEGATION: &str = "#2563eb";
const IMPERSONATION: &str = "#ea580c";
const GRANT: &str = "#7c3aed";

/// Draws the graph: one band per scenario, tokens as boxes, exchanges as arrows.
pub fn svg(graph: &Graph) -> String {
    let origins = card::origins(graph);
    let cards: Vec<Card> = graph
        .nodes
        .iter()
        .map(|n| {
            let origin = origins.get(n.id.as_str()).copied();
            Card::new(n, origin.unwrap_or(Origin::Outside))
        })
        .chain(graph.refusals.iter().map(Card::refusal))
        .collect();
    let width = cards
        .iter()
        .map(Card::chars)
        .max()
        .map_or(MIN_WIDTH, |c| text_width(c) + 2 * PAD)
        .max(MIN_WIDTH);
    let sizes: Vec<Size> = cards
        .iter()
        .map(|c| Size {
            width,
            height: HEADER + LINE * c.rows.len() as i32 + PAD,
        })
        .collect();
    let spacing = Spacing {
        top: LEGEND,
        ..Spacing::default()
    };
    let placed = layout(graph, &sizes, &spacing);
    let heading_width = placed
        .bands
        .iter()
        .map(|b| b.heading.x + text_width(b.scenario_id.chars().count()) * 7 / 6)
        .max()
        .unwrap_or(0);
    let total_width = placed
        .width
        .max(legend_width() + 2 * spacing.margin)
        .max(heading_width + spacing.margin);
    let total_height = if graph.nodes.is_empty() {
        placed.height + 2 * LINE
    } else {
        placed.height
    };

    let mut out = String::new();
    let _ = writeln!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{total_width}\" height=\"{total_height}\" \
         viewBox=\"0 0 {total_width} {total_height}\" font-family=\"{FONT}\" \
         font-size=\"{FONT_SIZE}\" role=\"img\">"
    );
    let _ = writeln!(out, "<title>Baton: token exchanges</title>");
    let _ = writeln!(
        out,
        "<desc>{} tokens, {} exchange edges, {} scenarios. Solid arrows lead from the subject \
         token to the token issued for it, dashed ones from the actor token; blue is delegation \
         (the issued token names its actor in act), orange impersonation.</desc>",
        graph.nodes.len(),
        graph.edges.len(),
        placed.bands.len()
    );
    write_defs(&mut out);
    let _ = writeln!(
        out,
        "<rect width=\"{total_width}\" height=\"{total_height}\" fill=\"#ffffff\"/>"
    );
    write_legend(&mut out, spacing.margin, spacing.margin);
    if graph.nodes.is_empty() {
        let _ = writeln!(
            out,
            "<text x=\"{}\" y=\"{}\" fill=\"{MUTED}\">No tokens: the run issued or used none.</text>",
            spacing.margin,
            spacing.margin + LEGEND + LINE
        );
    }
    write_bands(&mut out, &placed, total_width, &spacing);
    let _ = writeln!(out, "<g class=\"edges\">");
    let step_names: BTreeMap<&str, &str> = graph
        .nodes
        .iter()
        .map(|n| (n.id.as_str(), n.step_name.as_str()))
        .collect();
    for route in &placed.routes {
        if let Some(edge) = graph.edges.get(route.edge) {
            let step = step_names.get(edge.to.as_str()).copied();
            write_edge(&mut out, edge, &route.points, step.unwrap_or(&edge.step_id));
        }
    }
    let _ = writeln!(out, "</g>");
    let _ = writeln!(out, "<g class=\"tokens\">");
    let mut ids = Ids::default();
    let boxes = graph
        .nodes
        .iter()
        .map(|n| (n.id.as_str(), n.issued))
        .chain(graph.refusals.iter().map(|r| (r.id.as_str(), true)));
    for (((node_id, issued), card), rect) in boxes.zip(&cards).zip(&placed.nodes) {
        if let Some(rect) = rect {
            write_node(&mut out, node_id, issued, card, *rect, &ids.next(node_id));
        }
    }
    let _ = writeln!(out, "</g>");
    out.push_str("</svg>\n");
    out
}

/// A node's box: its lines wrapped between parts and cut to fit.
struct Card {
    title: String,
    origin: Origin,
    rows: Vec<Row>,
    tooltip: String,
}

/// One line of text in a box; a value's continuation has no label and is indented.
struct Row {
    tone: Tone,
    label: &'static str,
    indent: usize,
    text: String,
}

impl Card {
    fn new(node: &TokenNode, origin: Origin) -> Self {
        let tag = origin.tag();
        let rows = card::lines(node).iter().flat_map(rows).collect();
        Card {
            title: card::cut(&card::title(node), MAX_CHARS.saturating_sub(tag.len() + 2)),
            origin,
            rows,
            tooltip: card::details(node, origin),
        }
    }

    fn refusal(r: &RefusalNode) -> Self {
        let origin = Origin::Exchanged(ExchangeKind::Refused);
        Card {
            title: "✗ no token".to_string(),
            origin,
            rows: card::refusal_lines(r).iter().flat_map(rows).collect(),
            tooltip: card::refusal_details(r),
        }
    }

    fn chars(&self) -> usize {
        let header = self.title.chars().count() + 2 + self.origin.tag().chars().count();
        self.rows
            .iter()
            .map(|r| r.indent + r.text.chars().count())
            .chain([header])
            .max()
            .unwrap_or(0)
    }
}

/// Wraps a line between its parts onto at most `MAX_ROWS` rows; a part too long for a row is
/// cut, as is the last row when parts remain. A continuation starts with the separator's
/// symbol, so `act: a ← b` continues `← c`.
fn rows(line: &Line) -> Vec<Row> {
    let indent = line.label.chars().count() + 1;
    let room = MAX_CHARS.saturating_sub(indent);
    let lead = line.sep.trim();
    let mut texts: Vec<String> = Vec::new();
    let mut current = String::new();
    for (i, part) in line.parts.iter().enumerate() {
        let joined = if current.is_empty() {
            match (i, lead.is_empty()) {
                (0, _) | (_, true) => part.clone(),
                _ => format!("{lead} {part}"),
            }
        } else {
            format!("{current}{}{part}", line.sep)
        };
        if current.is_empty() || joined.chars().count() <= room {
            current = joined;
            continue;
        }
        texts.push(std::mem::take(&mut current));
        current = if lead.is_empty() {
            part.clone()
        } else {
            format!("{lead} {part}")
        };
    }
    texts.push(current);
    if texts.len() > MAX_ROWS {
        texts.truncate(MAX_ROWS);
        if let Some(last) = texts.last_mut() {
            last.push_str(" …");
        }
    }
    texts
        .into_iter()
        .enumerate()
        .map(|(i, text)| Row {
            tone: line.tone,
            label: if i == 0 { line.label } else { "" },
            indent,
            text: card::cut(&text, room),
        })
        .collect()
}

fn text_width(chars: usize) -> i32 {
    i32::try_from(chars)
        .unwrap_or(i32::MAX / CHAR_TENTHS)
        .saturating_mul(CHAR_TENTHS)
        / 10
}

/// Element ids: the node id with anything but letters, digits, `-`, `_` and `.` replaced, made
/// unique. The exact node id is kept in `data-node`.
#[derive(Default)]
struct Ids {
    used: BTreeSet<String>,
}

impl Ids {
    fn next(&mut self, node_id: &str) -> String {
        let base: String = node_id
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        let base = format!("token-{base}");
        let mut id = base.clone();
        let mut n = 2;
        while self.used.contains(&id) {
            id = format!("{base}-{n}");
            n += 1;
        }
        self.used.insert(id.clone());
        id
    }
}

fn colour(kind: ExchangeKind) -> &'static str {
    match kind {
        ExchangeKind::Delegation => DELEGATION,
        ExchangeKind::Impersonation => IMPERSONATION,
        ExchangeKind::Grant => GRANT,
        ExchangeKind::Refused => WARN,
    }
}

fn kind_name(kind: ExchangeKind) -> &'static str {
    match kind {
        ExchangeKind::Delegation => "delegation",
        ExchangeKind::Impersonation => "impersonation",
        ExchangeKind::Grant => "grant",
        ExchangeKind::Refused => "refused",
    }
}

fn write_defs(out: &mut String) {
    out.push_str("<defs>\n");
    for kind in [
        ExchangeKind::Delegation,
        ExchangeKind::Impersonation,
        ExchangeKind::Grant,
        ExchangeKind::Refused,
    ] {
        let _ = writeln!(
            out,
            "<marker id=\"baton-arrow-{}\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" \
             markerWidth=\"7\" markerHeight=\"7\" orient=\"auto\">\
             <path d=\"M0,0 L10,5 L0,10 z\" fill=\"{}\"/></marker>",
            kind_name(kind),
            colour(kind)
        );
    }
    out.push_str("</defs>\n");
}

fn legend_width() -> i32 {
    LEGEND_ITEMS
        .iter()
        .map(|(_, label)| 40 + text_width(label.chars().count()) + 24)
        .sum()
}

const LEGEND_ITEMS: [(&str, &str); 8] = [
    ("subject", "subject → issued"),
    ("actor", "actor → issued"),
    ("delegation", "delegation (act)"),
    ("impersonation", "impersonation (no act)"),
    ("grant", "JWT grant (RFC 7523)"),
    ("refused", "✗ refused"),
    ("issued", "issued in the run"),
    ("outside", "from outside"),
];

fn write_legend(out: &mut String, x0: i32, y0: i32) {
    let _ = writeln!(out, "<g class=\"legend\">");
    let mut x = x0;
    let y = y0 + 8;
    for (what, label) in LEGEND_ITEMS {
        let sample = match what {
            "subject" => format!(
                "<line x1=\"{x}\" y1=\"{y}\" x2=\"{}\" y2=\"{y}\" stroke=\"{INK}\" stroke-width=\"1.6\"/>",
                x + 32
            ),
            "actor" => format!(
                "<line x1=\"{x}\" y1=\"{y}\" x2=\"{}\" y2=\"{y}\" stroke=\"{INK}\" stroke-width=\"1.6\" stroke-dasharray=\"6 4\"/>",
                x + 32
            ),
            "delegation" | "impersonation" | "grant" | "refused" => {
                let kind = match what {
                    "delegation" => ExchangeKind::Delegation,
                    "grant" => ExchangeKind::Grant,
                    "refused" => ExchangeKind::Refused,
                    _ => ExchangeKind::Impersonation,
                };
                format!(
                    "<line x1=\"{x}\" y1=\"{y}\" x2=\"{}\" y2=\"{y}\" stroke=\"{}\" stroke-width=\"2\" marker-end=\"url(#baton-arrow-{})\"/>",
                    x + 30,
                    colour(kind),
                    kind_name(kind)
                )
            }
            "issued" => format!(
                "<rect x=\"{x}\" y=\"{}\" width=\"32\" height=\"14\" rx=\"4\" fill=\"#ffffff\" stroke=\"#334155\" stroke-width=\"1.5\"/>",
                y - 7
            ),
            _ => format!(
                "<rect x=\"{x}\" y=\"{}\" width=\"32\" height=\"14\" rx=\"4\" fill=\"#f1f5f9\" stroke=\"#94a3b8\" stroke-width=\"1.5\" stroke-dasharray=\"4 3\"/>",
                y - 7
            ),
        };
        out.push_str(&sample);
        let _ = writeln!(
            out,
            "<text x=\"{}\" y=\"{}\" fill=\"{INK}\">{}</text>",
            x + 40,
            y + 4,
            xml::text(label)
        );
        x += 40 + text_width(label.chars().count()) + 24;
    }
    let _ = writeln!(out, "</g>");
}

fn write_bands(out: &mut String, placed: &Layout, total_width: i32, spacing: &Spacing) {
    let _ = writeln!(out, "<g class=\"bands\">");
    for band in &placed.bands {
        let Rect { y, height, .. } = band.area;
        let _ = writeln!(
            out,
            "<g class=\"band\" data-scenario=\"{}\"><rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"10\" fill=\"#f8fafc\" stroke=\"#e2e8f0\"/>\
             <text x=\"{}\" y=\"{}\" font-size=\"14\" font-weight=\"bold\" fill=\"{INK}\">{}</text></g>",
            xml::attr(&band.scenario_id),
            spacing.margin / 2,
            y - 6,
            total_width - spacing.margin,
            height + 18,
            band.heading.x,
            band.heading.y,
            xml::text(&band.scenario_id)
        );
    }
    let _ = writeln!(out, "</g>");
}

fn write_edge(out: &mut String, edge: &ExchangeEdge, points: &[Point], step: &str) {
    let (role, dash) = match (edge.role, edge.kind) {
        (_, ExchangeKind::Refused) => (role_name(edge.role), " stroke-dasharray=\"3 3\""),
        (EdgeRole::Subject, _) => ("subject", ""),
        (EdgeRole::Actor, _) => ("actor", " stroke-dasharray=\"6 4\""),
    };
    let kind = kind_name(edge.kind);
    let title = match edge.kind {
        ExchangeKind::Refused => format!("✗ {role} → refused, in step {step:?}: no token issued"),
        _ => format!("{role} → issued, by {kind}, in step {step:?}"),
    };
    let _ = writeln!(
        out,
        "<path class=\"edge {role} {kind}\" data-edge=\"{}\" data-from=\"{}\" data-to=\"{}\" d=\"{}\" \
         fill=\"none\" stroke=\"{}\" stroke-width=\"1.6\"{dash} marker-end=\"url(#baton-arrow-{kind})\">\
         <title>{}</title></path>",
        xml::attr(&edge.id),
        xml::attr(&edge.from),
        xml::attr(&edge.to),
        path_data(points),
        colour(edge.kind),
        xml::text(&title)
    );
}

/// Straight where two points are level and in order, otherwise a curve that leaves and arrives
/// horizontally.
fn path_data(points: &[Point]) -> String {
    let mut d = String::new();
    let Some(first) = points.first() else {
        return d;
    };
    let _ = write!(d, "M{},{}", first.x, first.y);
    for pair in points.windows(2) {
        let (a, b) = (pair[0], pair[1]);
        if a.y == b.y && b.x >= a.x {
            let _ = write!(d, " L{},{}", b.x, b.y);
        } else {
            let dx = ((b.x - a.x).abs() / 2).max(24);
            let _ = write!(
                d,
                " C{},{} {},{} {},{}",
                a.x + dx,
                a.y,
                b.x - dx,
                b.y,
                b.x,
                b.y
            );
        }
    }
    d
}

fn role_name(role: EdgeRole) -> &'static str {
    match role {
        EdgeRole::Subject => "subject",
        EdgeRole::Actor => "actor",
    }
}

fn write_node(out: &mut String, node_id: &str, issued: bool, card: &Card, r: Rect, id: &str) {
    let (fill, stroke, dash) = match (card.origin, issued) {
        (Origin::Exchanged(ExchangeKind::Refused), _) => {
            ("#fef2f2", WARN, " stroke-dasharray=\"4 3\"")
        }
        (_, true) => ("#ffffff", "#334155", ""),
        (_, false) => ("#f1f5f9", "#94a3b8", " stroke-dasharray=\"4 3\""),
    };
    let class = match card.origin {
        Origin::Outside => "outside",
        Origin::Issued => "issued",
        Origin::Exchanged(ExchangeKind::Delegation) => "issued delegation",
        Origin::Exchanged(ExchangeKind::Impersonation) => "issued impersonation",
        Origin::Exchanged(ExchangeKind::Grant) => "issued grant",
        Origin::Exchanged(ExchangeKind::Refused) => "refusal",
    };
    let _ = writeln!(
        out,
        "<g class=\"token {class}\" id=\"{}\" data-node=\"{}\">",
        xml::attr(id),
        xml::attr(node_id)
    );
    let _ = writeln!(out, "<title>{}</title>", xml::text(&card.tooltip));
    let _ = writeln!(
        out,
        "<rect class=\"box\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"8\" fill=\"{fill}\" \
         stroke=\"{stroke}\" stroke-width=\"1.5\"{dash}/>",
        r.x, r.y, r.width, r.height
    );
    let (header_fill, tag_colour) = match card.origin {
        Origin::Outside => (None, MUTED),
        Origin::Issued => (Some("#e2e8f0"), MUTED),
        Origin::Exchanged(ExchangeKind::Delegation) => (Some("#dbeafe"), DELEGATION),
        Origin::Exchanged(ExchangeKind::Impersonation) => (Some("#ffedd5"), IMPERSONATION),
        Origin::Exchanged(ExchangeKind::Grant) => (Some("#ede9fe"), GRANT),
        Origin::Exchanged(ExchangeKind::Refused) => (Some("#fee2e2"), WARN),
    };
    if let Some(header_fill) = header_fill {
        // The header strip, inside the border: rounded at the top like the box, square below.
        let (x, y, w, h, k) = (r.x + 1, r.y + 1, r.width - 2, HEADER - 1, 7);
        let _ = writeln!(
            out,
            "<path d=\"M{x},{} V{} Q{x},{y} {},{y} H{} Q{},{y} {},{} V{} Z\" fill=\"{header_fill}\"/>",
            y + h,
            y + k,
            x + k,
            x + w - k,
            x + w,
            x + w,
            y + k,
            y + h,
        );
    }
    let _ = writeln!(
        out,
        "<text x=\"{}\" y=\"{}\" font-weight=\"bold\" fill=\"{INK}\">{}</text>",
        r.x + PAD,
        r.y + 15,
        xml::text(&card.title)
    );
    let _ = writeln!(
        out,
        "<text x=\"{}\" y=\"{}\" text-anchor=\"end\" font-size=\"11\" fill=\"{tag_colour}\">{}</text>",
        r.right() - PAD,
        r.y + 15,
        card.origin.tag()
    );
    for (i, row) in card.rows.iter().enumerate() {
        let colour = match row.tone {
            Tone::Ink => INK,
            Tone::Muted => MUTED,
            Tone::Warn => WARN,
        };
        let y = r.y + HEADER + 12 + LINE * i as i32;
        if row.label.is_empty() {
            let _ = writeln!(
                out,
                "<text x=\"{}\" y=\"{y}\" fill=\"{colour}\">{}</text>",
                r.x + PAD + text_width(row.indent),
                xml::text(&row.text)
            );
        } else {
            let _ = writeln!(
                out,
                "<text x=\"{}\" y=\"{y}\" fill=\"{colour}\"><tspan fill=\"{MUTED}\">{}</tspan> {}</text>",
                r.x + PAD,
                xml::text(row.label),
                xml::text(&row.text)
            );
        }
    }
    out.push_str("</g>\n");
}
