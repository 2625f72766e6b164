//! A layered, left-to-right layout of the delegation graph, for the drawings Baton writes itself
//! (the app lays out its own). Each scenario is a band, one under another. Within a band a
//! token's column is the longest path of exchanges that leads to it, except that a token nothing
//! leads to (a first token, an actor's token) stands just left of the first token made from it.
//! An edge that spans several columns passes through a reserved lane in each column between, so
//! it never runs under a box. Rows are ordered by the barycentre of neighbours, keeping the
//! ordering with the fewest crossings, and boxes in a column are stacked, so none overlap.

use std::collections::{BTreeMap, VecDeque};

use crate::scenario::graph::{EdgeRole, Graph};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Size {
    pub width: i32,
    pub height: i32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Point {
    pub x: i32,
    pub y: i32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rect {
    pub x: i32,
    pub y: i32,
    pub width: i32,
    pub height: i32,
}

impl Rect {
    pub fn right(&self) -> i32 {
        self.x + self.width
    }
    pub fn bottom(&self) -> i32 {
        self.y + self.height
    }
    pub fn center_y(&self) -> i32 {
        self.y + self.height / 2
    }
    /// Whether the two share any area (touching edges do not count).
    pub fn overlaps(&self, other: &Rect) -> bool {
        self.x < other.right()
            && other.x < self.right()
            && self.y < other.bottom()
            && other.y < self.bottom()
    }
}

/// Distances, in pixels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Spacing {
    /// Around the whole drawing.
    pub margin: i32,
    /// Kept free above the first band (for a legend).
    pub top: i32,
    pub column_gap: i32,
    pub row_gap: i32,
    pub band_gap: i32,
    /// The height of a band's heading.
    pub heading: i32,
    /// The height an edge passing through a column takes there.
    pub lane: i32,
}

impl Default for Spacing {
    fn default() -> Self {
        Spacing {
            margin: 24,
            top: 0,
            column_gap: 72,
            row_gap: 24,
            band_gap: 40,
            heading: 32,
            lane: 8,
        }
    }
}

/// One scenario's part of the drawing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Band {
    pub scenario_id: String,
    /// The band, heading included.
    pub area: Rect,
    /// Where the heading's baseline starts.
    pub heading: Point,
}

/// The line an edge follows: from a point on its source's right side, through the lanes of the
/// columns it passes, to a point on its target's left side. Consecutive points at the same height
/// are joined straight; others by a curve leaving and arriving horizontally.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    /// Index into `graph.edges`.
    pub edge: usize,
    pub points: Vec<Point>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layout {
    pub width: i32,
    pub height: i32,
    pub bands: Vec<Band>,
    /// Per `graph.nodes` index, then per `graph.refusals` index; `None` for a repeated node id
    /// (the first one is drawn).
    pub nodes: Vec<Option<Rect>>,
    /// One per edge whose ends are both drawn, in edge order.
    pub routes: Vec<Route>,
}

/// The size used for a node `sizes` says nothing about.
const DEFAULT_SIZE: Size = Size {
    width: 200,
    height: 80,
};

/// How many ordering sweeps to try; more rarely helps.
const SWEEPS: usize = 8;

/// Lays the graph out; `sizes[i]` is the size of `graph.nodes[i]`'s box, then of the refusals'.
pub fn layout(graph: &Graph, sizes: &[Size], spacing: &Spacing) -> Layout {
    let size = |i: usize| sizes.get(i).copied().unwrap_or(DEFAULT_SIZE);
    // Bands in order of first appearance; a repeated node id is drawn once.
    let mut first: BTreeMap<&str, usize> = BTreeMap::new();
    // Refusals are boxes like tokens, after them.
    let boxes: Vec<(&str, &str)> = graph
        .nodes
        .iter()
        .map(|n| (n.id.as_str(), n.scenario_id.as_str()))
        .chain(
            graph
                .refusals
                .iter()
                .map(|r| (r.id.as_str(), r.scenario_id.as_str())),
        )
        .collect();
    let mut band_of: Vec<usize> = vec![usize::MAX; boxes.len()];
    let mut bands: Vec<(&str, Vec<usize>)> = Vec::new();
    for (i, &(id, scenario_id)) in boxes.iter().enumerate() {
        if first.contains_key(id) {
            continue;
        }
        first.insert(id, i);
        let b = match bands.iter().position(|(s, _)| *s == scenario_id) {
            Some(b) => b,
            None => {
                bands.push((scenario_id, Vec::new()));
                bands.len() - 1
            }
        };
        band_of[i] = b;
        bands[b].1.push(i);
    }
    // Edges whose ends exist: those within one band are laid out with it; the rest (between
    // bands, or onto the same token) are drawn directly afterwards.
    let mut local: Vec<Vec<(usize, usize, usize)>> = vec![Vec::new(); bands.len()];
    let mut direct: Vec<(usize, usize, usize)> = Vec::new();
    for (e, edge) in graph.edges.iter().enumerate() {
        let (Some(&from), Some(&to)) = (first.get(edge.from.as_str()), first.get(edge.to.as_str()))
        else {
            continue;
        };
        if band_of[from] == band_of[to] && from != to {
            local[band_of[from]].push((from, to, e));
        } else {
            direct.push((from, to, e));
        }
    }

    // A token is drawn level with its subject token where it can be, so a chain of exchanges
    // reads along one row and the actors' tokens sit beside it.
    let primary: Vec<bool> = graph
        .edges
        .iter()
        .map(|e| e.role == EdgeRole::Subject)
        .collect();
    let mut rects: Vec<Option<Rect>> = vec![None; boxes.len()];
    let mut routes: Vec<Route> = Vec::new();
    let mut out_bands = Vec::new();
    let mut top = spacing.margin + spacing.top;
    let mut right = spacing.margin;
    for ((scenario_id, nodes), edges) in bands.iter().zip(&local) {
        let placed = place_band(
            nodes,
            edges,
            &primary,
            &size,
            spacing,
            top + spacing.heading,
        );
        for (i, r) in &placed.rects {
            rects[*i] = Some(*r);
        }
        routes.extend(placed.routes);
        let bottom = placed.bottom.max(top + spacing.heading);
        right = right.max(placed.right);
        out_bands.push(Band {
            scenario_id: (*scenario_id).to_string(),
            area: Rect {
                x: spacing.margin,
                y: top,
                width: 0,
                height: bottom - top,
            },
            heading: Point {
                x: spacing.margin,
                y: top + spacing.heading * 3 / 5,
            },
        });
        top = bottom + spacing.band_gap;
    }
    for band in &mut out_bands {
        band.area.width = right - spacing.margin;
    }
    for (from, to, e) in direct {
        if let (Some(a), Some(b)) = (rects[from], rects[to]) {
            routes.push(Route {
                edge: e,
                points: direct_route(a, b, from == to, spacing),
            });
        }
    }
    routes.sort_by_key(|r| r.edge);
    let height = if out_bands.is_empty() {
        spacing.margin * 2 + spacing.top
    } else {
        top - spacing.band_gap + spacing.margin
    };
    Layout {
        width: right + spacing.margin,
        height,
        bands: out_bands,
        nodes: rects,
        routes,
    }
}

/// A loop over the top for an edge onto the same token, a plain curve otherwise.
fn direct_route(a: Rect, b: Rect, same: bool, spacing: &Spacing) -> Vec<Point> {
    let start = Point {
        x: a.right(),
        y: a.center_y(),
    };
    let end = Point {
        x: b.x,
        y: b.center_y(),
    };
    if !same && b.x > a.right() {
        return vec![start, end];
    }
    let over = a.y.min(b.y) - spacing.row_gap / 2;
    let reach = spacing.column_gap / 3;
    vec![
        start,
        Point {
            x: a.right() + reach,
            y: over,
        },
        Point {
            x: b.x - reach,
            y: over,
        },
        end,
    ]
}

struct Placed {
    rects: Vec<(usize, Rect)>,
    routes: Vec<Route>,
    bottom: i32,
    right: i32,
}

/// A box or a lane in a column.
struct Item {
    /// Index into the band's nodes; `None` for a lane.
    node: Option<usize>,
    col: usize,
    size: Size,
}

fn place_band(
    nodes: &[usize],
    edges: &[(usize, usize, usize)],
    primary: &[bool],
    size: &dyn Fn(usize) -> Size,
    spacing: &Spacing,
    top: i32,
) -> Placed {
    let n = nodes.len();
    let local_of: BTreeMap<usize, usize> = nodes.iter().enumerate().map(|(l, &g)| (g, l)).collect();
    let edges: Vec<(usize, usize, usize)> = edges
        .iter()
        .filter_map(|&(f, t, e)| Some((*local_of.get(&f)?, *local_of.get(&t)?, e)))
        .collect();

    let order = topological_position(n, &edges);
    let (mut forward, backward): (Vec<_>, Vec<_>) = edges
        .iter()
        .copied()
        .partition(|&(f, t, _)| order[f] < order[t]);
    // In topological order of their sources, so one pass finds the longest paths.
    forward.sort_by_key(|&(f, _, e)| (order[f], e));
    let col = columns(n, &forward);

    // Items: the boxes, then a lane per column an edge passes through.
    let mut items: Vec<Item> = (0..n)
        .map(|l| Item {
            node: Some(l),
            col: col[l],
            size: size(nodes[l]),
        })
        .collect();
    let mut paths: Vec<(usize, Vec<usize>)> = Vec::new();
    let mut segments: Vec<(usize, usize)> = Vec::new();
    for &(f, t, e) in &forward {
        let mut path = vec![f];
        for c in col[f] + 1..col[t] {
            items.push(Item {
                node: None,
                col: c,
                size: Size {
                    width: 0,
                    height: spacing.lane,
                },
            });
            path.push(items.len() - 1);
        }
        path.push(t);
        segments.extend(path.windows(2).map(|w| (w[0], w[1])));
        paths.push((e, path));
    }
    // What each item is drawn level with: what leads to it along a subject edge.
    let mut lead: Vec<Vec<usize>> = vec![Vec::new(); items.len()];
    for (e, path) in &paths {
        if primary.get(*e).copied().unwrap_or(false) {
            for w in path.windows(2) {
                lead[w[1]].push(w[0]);
            }
        }
    }
    let ncols = items.iter().map(|i| i.col + 1).max().unwrap_or(0);
    let mut up: Vec<Vec<usize>> = vec![Vec::new(); items.len()];
    let mut down: Vec<Vec<usize>> = vec![Vec::new(); items.len()];
    for &(a, b) in &segments {
        down[a].push(b);
        up[b].push(a);
    }
    let mut cols: Vec<Vec<usize>> = vec![Vec::new(); ncols];
    for (i, item) in items.iter().enumerate() {
        cols[item.col].push(i);
    }
    let col_of: Vec<usize> = items.iter().map(|i| i.col).collect();
    order_rows(&mut cols, &up, &down, &segments, &col_of);

    // Columns: as wide as their widest box.
    let mut col_x = Vec::with_capacity(ncols);
    let mut col_w = Vec::with_capacity(ncols);
    let mut x = spacing.margin;
    for column in &cols {
        let w = column
            .iter()
            .map(|&i| items[i].size.width)
            .max()
            .unwrap_or(0)
            .max(spacing.lane * 4);
        col_x.push(x);
        col_w.push(w);
        x += w + spacing.column_gap;
    }
    let mut y = assign_rows(&cols, &items, &up, &lead, &down, spacing, top);
    // The passes may leave room above every column; the band starts at its highest box.
    if let Some(highest) = y.iter().min().copied() {
        for v in &mut y {
            *v -= highest - top;
        }
    }
    let rect = |i: usize| Rect {
        x: col_x[items[i].col],
        y: y[i],
        width: items[i].size.width,
        height: items[i].size.height,
    };
    let center = |i: usize| y[i] + items[i].size.height / 2;

    // Routes through their lanes; ends spread along each box's side, in the order of what lies
    // at the other end, so that edges meeting one box do not cross there.
    let mut routes: Vec<Route> = paths
        .iter()
        .map(|(e, path)| {
            let mut points = vec![Point {
                x: rect(path[0]).right(),
                y: center(path[0]),
            }];
            for &lane in &path[1..path.len() - 1] {
                let r = rect(lane);
                let cx = col_x[items[lane].col];
                let w = col_w[items[lane].col];
                points.push(Point {
                    x: cx,
                    y: r.center_y(),
                });
                points.push(Point {
                    x: cx + w,
                    y: r.center_y(),
                });
            }
            let last = path[path.len() - 1];
            points.push(Point {
                x: rect(last).x,
                y: center(last),
            });
            Route { edge: *e, points }
        })
        .collect();
    spread_ports(&mut routes, &paths, n, &|i| rect(i), &center);
    for &(f, t, e) in &backward {
        routes.push(Route {
            edge: e,
            points: direct_route(rect(f), rect(t), false, spacing),
        });
    }

    let rects: Vec<(usize, Rect)> = (0..n).map(|l| (nodes[l], rect(l))).collect();
    let bottom = (0..items.len())
        .map(|i| rect(i).bottom())
        .max()
        .unwrap_or(top);
    let right = col_x
        .last()
        .zip(col_w.last())
        .map_or(spacing.margin, |(x, w)| x + w);
    Placed {
        rects,
        routes,
        bottom,
        right,
    }
}

/// Each node's position in a topological order; where there is a cycle, the earliest node of
/// it (in the run's order) is taken first, and the edges into it count as going backwards.
fn topological_position(n: usize, edges: &[(usize, usize, usize)]) -> Vec<usize> {
    let mut indegree = vec![0usize; n];
    let mut succ: Vec<Vec<usize>> = vec![Vec::new(); n];
    for &(f, t, _) in edges {
        indegree[t] += 1;
        succ[f].push(t);
    }
    let mut position = vec![usize::MAX; n];
    let mut next = 0;
    let mut ready: VecDeque<usize> = (0..n).filter(|&v| indegree[v] == 0).collect();
    while next < n {
        let v = match ready.pop_front() {
            Some(v) if position[v] == usize::MAX => v,
            Some(_) => continue,
            None => match (0..n).find(|&v| position[v] == usize::MAX) {
                Some(v) => v,
                None => break,
            },
        };
        position[v] = next;
        next += 1;
        for &w in &succ[v] {
            if position[w] == usize::MAX {
                indegree[w] = indegree[w].saturating_sub(1);
                if indegree[w] == 0 {
                    ready.push_back(w);
                }
            }
        }
    }
    position
}

/// Longest path from a root, then roots moved right to just before their first child.
fn columns(n: usize, forward: &[(usize, usize, usize)]) -> Vec<usize> {
    let mut col = vec![0usize; n];
    let mut has_pred = vec![false; n];
    for &(_, t, _) in forward {
        has_pred[t] = true;
    }
    // `forward` is sorted by its sources' topological order, so the first pass settles every
    // column and the second only confirms it.
    loop {
        let mut changed = false;
        for &(f, t, _) in forward {
            if col[t] < col[f] + 1 {
                col[t] = col[f] + 1;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    for v in 0..n {
        if has_pred[v] {
            continue;
        }
        let first_child = forward
            .iter()
            .filter(|&&(f, _, _)| f == v)
            .map(|&(_, t, _)| col[t])
            .min();
        if let Some(c) = first_child {
            col[v] = col[v].max(c.saturating_sub(1));
        }
    }
    col
}

/// Orders each column by the barycentre of neighbours, sweeping right then left, and keeps the
/// order with the fewest crossings.
fn order_rows(
    cols: &mut [Vec<usize>],
    up: &[Vec<usize>],
    down: &[Vec<usize>],
    segments: &[(usize, usize)],
    col: &[usize],
) {
    let mut pos = vec![0usize; col.len()];
    let index = |cols: &[Vec<usize>], pos: &mut [usize]| {
        for column in cols {
            for (p, &i) in column.iter().enumerate() {
                pos[i] = p;
            }
        }
    };
    index(cols, &mut pos);
    let mut best = cols.to_vec();
    let mut best_crossings = crossings(segments, &pos, col);
    for sweep in 0..SWEEPS {
        if best_crossings == 0 {
            break;
        }
        let rightwards = sweep % 2 == 0;
        let order: Vec<usize> = if rightwards {
            (1..cols.len()).collect()
        } else {
            (0..cols.len().saturating_sub(1)).rev().collect()
        };
        for c in order {
            let neighbours = if rightwards { up } else { down };
            let mut keyed: Vec<(f64, usize)> = cols[c]
                .iter()
                .map(|&i| {
                    let nb = &neighbours[i];
                    let key = if nb.is_empty() {
                        pos[i] as f64
                    } else {
                        nb.iter().map(|&j| pos[j] as f64).sum::<f64>() / nb.len() as f64
                    };
                    (key, i)
                })
                .collect();
            keyed.sort_by(|a, b| a.0.total_cmp(&b.0));
            cols[c] = keyed.into_iter().map(|(_, i)| i).collect();
            for (p, &i) in cols[c].iter().enumerate() {
                pos[i] = p;
            }
        }
        let now = crossings(segments, &pos, col);
        if now < best_crossings {
            best_crossings = now;
            best = cols.to_vec();
        }
    }
    cols.clone_from_slice(&best);
}

/// Pairs of segments that cross. Every segment joins a column to the next, so two segments from
/// the same column cross when their ends are in opposite orders.
fn crossings(segments: &[(usize, usize)], pos: &[usize], col: &[usize]) -> usize {
    let mut by_column: BTreeMap<usize, Vec<(usize, usize)>> = BTreeMap::new();
    for &(a, b) in segments {
        by_column.entry(col[a]).or_default().push((pos[a], pos[b]));
    }
    let mut count = 0;
    for ends in by_column.values() {
        for (k, &(a1, b1)) in ends.iter().enumerate() {
            for &(a2, b2) in &ends[k + 1..] {
                if (a1 < a2 && b1 > b2) || (a1 > a2 && b1 < b2) {
                    count += 1;
                }
            }
        }
    }
    count
}

/// Heights: each box level with its subject token (or the middle of what leads to it, when no
/// subject does) as far as the boxes above it in its column allow; then a box nothing leads to
/// is moved towards what it leads to.
fn assign_rows(
    cols: &[Vec<usize>],
    items: &[Item],
    up: &[Vec<usize>],
    lead: &[Vec<usize>],
    down: &[Vec<usize>],
    spacing: &Spacing,
    top: i32,
) -> Vec<i32> {
    let mut y = vec![top; items.len()];
    let h = |i: usize| items[i].size.height;
    let gap = |a: usize, b: usize| {
        if items[a].node.is_some() && items[b].node.is_some() {
            spacing.row_gap
        } else {
            spacing.lane
        }
    };
    let middle = |y: &[i32], nb: &[usize]| -> Option<i32> {
        if nb.is_empty() {
            return None;
        }
        let sum: i64 = nb.iter().map(|&j| i64::from(y[j] + h(j) / 2)).sum();
        i32::try_from(sum / nb.len() as i64).ok()
    };
    let stack = |y: &mut [i32], column: &[usize], wanted: &dyn Fn(&[i32], usize) -> i32| {
        let mut prev: Option<usize> = None;
        for &i in column {
            let lowest = prev.map_or(top, |p| y[p] + h(p) + gap(p, i));
            y[i] = wanted(y, i).max(lowest);
            prev = Some(i);
        }
    };
    for column in cols {
        stack(&mut y, column, &|y, i| {
            middle(y, &lead[i])
                .or_else(|| middle(y, &up[i]))
                .map_or(top, |m| m - h(i) / 2)
        });
    }
    for column in cols.iter().rev() {
        stack(&mut y, column, &|y, i| {
            if up[i].is_empty() {
                middle(y, &down[i]).map_or(top, |m| m - h(i) / 2)
            } else {
                y[i]
            }
        });
    }
    y
}

/// Moves each route's ends apart along the side of the box they meet.
fn spread_ports(
    routes: &mut [Route],
    paths: &[(usize, Vec<usize>)],
    n: usize,
    rect: &dyn Fn(usize) -> Rect,
    center: &dyn Fn(usize) -> i32,
) {
    let mut outgoing: Vec<Vec<(i32, usize)>> = vec![Vec::new(); n];
    let mut incoming: Vec<Vec<(i32, usize)>> = vec![Vec::new(); n];
    for (r, (_, path)) in paths.iter().enumerate() {
        let (first, last) = (path[0], path[path.len() - 1]);
        outgoing[first].push((center(path[1]), r));
        incoming[last].push((center(path[path.len() - 2]), r));
    }
    for v in 0..n {
        let box_ = rect(v);
        for (list, at_start) in [(&mut outgoing[v], true), (&mut incoming[v], false)] {
            list.sort();
            let k = list.len() as i32;
            for (slot, &(_, r)) in list.iter().enumerate() {
                let y = box_.y + box_.height * (slot as i32 + 1) / (k + 1);
                let points = &mut routes[r].points;
                let p = if at_start {
                    points.first_mut()
                } else {
                    points.last_mut()
                };
                if let Some(p) = p {
                    p.y = y;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::graph::{ExchangeEdge, ExchangeKind, TokenNode};

    fn node(scenario: &str, id: &str) -> TokenNode {
        TokenNode {
            id: format!("{scenario}/{id}"),
            scenario_id: scenario.into(),
            step_id: id.into(),
            step_name: id.into(),
            issued: true,
            sub: None,
            aud: Vec::new(),
            scope: Vec::new(),
            token_type: None,
            issuer: None,
            client_id: None,
            act_chain: Vec::new(),
            may_act: None,
            exp: None,
            opaque: false,
            verified: None,
        }
    }

    fn edge(from: &str, to: &str, role: EdgeRole) -> ExchangeEdge {
        ExchangeEdge {
            id: format!("{from}->{to}"),
            from: from.into(),
            to: to.into(),
            role,
            kind: ExchangeKind::Delegation,
            step_id: to.into(),
        }
    }

    fn sizes(n: usize) -> Vec<Size> {
        vec![
            Size {
                width: 100,
                height: 50
            };
            n
        ]
    }

    fn assert_apart(l: &Layout) {
        let rects: Vec<Rect> = l.nodes.iter().flatten().copied().collect();
        for (i, a) in rects.iter().enumerate() {
            for b in &rects[i + 1..] {
                assert!(!a.overlaps(b), "{a:?} overlaps {b:?}");
            }
        }
    }

    #[test]
    fn a_chain_reads_along_one_row_with_actors_just_before_their_exchange() {
        let nodes = ["user", "hop1", "agent2", "hop2"]
            .map(|n| node("s", n))
            .to_vec();
        let edges = vec![
            edge("s/user", "s/hop1", EdgeRole::Subject),
            edge("s/hop1", "s/hop2", EdgeRole::Subject),
            edge("s/agent2", "s/hop2", EdgeRole::Actor),
        ];
        let graph = Graph {
            nodes,
            edges,
            ..Graph::default()
        };
        let l = layout(&graph, &sizes(4), &Spacing::default());
        let r: Vec<Rect> = l.nodes.iter().flatten().copied().collect();
        let (user, hop1, agent2, hop2) = (r[0], r[1], r[2], r[3]);
        assert_eq!((user.y, hop1.y, hop2.y), (user.y, user.y, user.y));
        assert!(user.right() < hop1.x && hop1.right() < hop2.x);
        assert_eq!(
            agent2.x, hop1.x,
            "the actor's token sits in the column before hop2"
        );
        assert!(agent2.y >= hop1.bottom());
        assert_eq!(l.routes.len(), 3);
        assert_apart(&l);
    }

    #[test]
    fn a_long_edge_passes_through_lanes_not_boxes() {
        let nodes = ["a", "b", "c", "d"].map(|n| node("s", n)).to_vec();
        let edges = vec![
            edge("s/a", "s/b", EdgeRole::Subject),
            edge("s/b", "s/c", EdgeRole::Subject),
            edge("s/c", "s/d", EdgeRole::Subject),
            edge("s/a", "s/d", EdgeRole::Actor),
        ];
        let graph = Graph {
            nodes,
            edges,
            ..Graph::default()
        };
        let l = layout(&graph, &sizes(4), &Spacing::default());
        let long = l.routes.iter().find(|r| r.edge == 3).expect("routed");
        // Through the columns of b and c: two points in each.
        assert_eq!(long.points.len(), 6);
        let boxes: Vec<Rect> = l.nodes.iter().flatten().copied().collect();
        for p in &long.points[1..5] {
            for b in &boxes {
                let inside = p.x > b.x && p.x < b.right() && p.y >= b.y && p.y <= b.bottom();
                assert!(!inside, "{p:?} is inside {b:?}");
            }
        }
        assert_apart(&l);
    }

    #[test]
    fn cycles_self_loops_repeated_ids_and_missing_ends_do_not_break_the_layout() {
        let mut nodes = ["a", "b", "c"].map(|n| node("s", n)).to_vec();
        nodes.push(node("s", "a"));
        nodes.push(node("t", "x"));
        let edges = vec![
            edge("s/a", "s/b", EdgeRole::Subject),
            edge("s/b", "s/c", EdgeRole::Subject),
            edge("s/c", "s/a", EdgeRole::Subject),
            edge("s/b", "s/b", EdgeRole::Actor),
            edge("s/a", "t/x", EdgeRole::Subject),
            edge("s/a", "nowhere", EdgeRole::Subject),
        ];
        let graph = Graph {
            nodes,
            edges,
            ..Graph::default()
        };
        let l = layout(&graph, &sizes(5), &Spacing::default());
        assert_eq!(l.nodes.iter().flatten().count(), 4);
        assert!(l.nodes[3].is_none(), "a repeated id is drawn once");
        assert_eq!(l.bands.len(), 2);
        let routed: Vec<usize> = l.routes.iter().map(|r| r.edge).collect();
        assert_eq!(routed, [0, 1, 2, 3, 4]);
        assert_apart(&l);
        let empty = layout(&Graph::default(), &[], &Spacing::default());
        assert!(empty.bands.is_empty() && empty.width > 0 && empty.height > 0);
    }
}
