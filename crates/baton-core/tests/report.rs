//! Reports from hand-built run records: a three-hop delegation chain, an impersonation of a
//! token from outside the run, a refusal whose assertions fail and a step that could not run.
//! The SVG, PNG, DOT, Mermaid and JUnit outputs are parsed back, the diff is checked for each kind
//! of change, and the JSON report is read back.

use std::collections::{BTreeMap, BTreeSet};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use baton_core::findings::{Finding, Severity};
use baton_core::http::{HttpResponse, Method, RecordedRequest};
use baton_core::report::layout::Rect;
use baton_core::report::{
    Detail, REPORT_VERSION, ReportError, RunReport, Side, diff, dot, junit, mermaid, png, svg,
};
use baton_core::response::parse_token_response;
use baton_core::scenario::{
    Assertion, AssertionOutcome, ClaimCheck, EdgeRole, ExchangeEdge, ExchangeKind, Graph,
    InputRole, InputToken, RunOutcome, RunRecord, StepKind, StepRecord, StepStatus, TokenNode,
    TokenRecord,
};
use baton_core::{decode, token_type};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

const NOW: i64 = 1_800_000_000;
const ISS: &str = "https://sts.example/";

// ---------------------------------------------------------------------------------------------
// Building records by hand

fn b64(v: &Value) -> String {
    URL_SAFE_NO_PAD.encode(v.to_string())
}

fn token(claims: Value) -> TokenRecord {
    let raw = format!(
        "{}.{}.c2ln",
        b64(&json!({"alg": "ES256", "typ": "at+jwt", "kid": "k1"})),
        b64(&claims)
    );
    let digest = Sha256::digest(raw.as_bytes());
    let fingerprint: String = digest.iter().take(8).map(|b| format!("{b:02x}")).collect();
    TokenRecord {
        fingerprint,
        token: raw.clone(),
        token_type: Some(token_type::ACCESS_TOKEN.to_string()),
        decoded: decode(&raw),
        verification: None,
    }
}

fn claims(sub: &str, aud: &str, scope: &str, act: Option<Value>) -> Value {
    let mut c = json!({"iss": ISS, "sub": sub, "aud": aud, "scope": scope,
        "iat": NOW, "exp": NOW + 300, "jti": format!("{sub}-{aud}")});
    if let Some(act) = act {
        c["act"] = act;
    }
    c
}

fn response(status: u16, body: Value) -> baton_core::response::TokenResponse {
    parse_token_response(&HttpResponse {
        status,
        headers: vec![
            ("content-type".into(), "application/json".into()),
            ("cache-control".into(), "no-store".into()),
        ],
        body: body.to_string().into_bytes(),
    })
}

fn step(id: &str, name: &str, kind: StepKind) -> StepRecord {
    StepRecord {
        id: id.into(),
        name: name.into(),
        kind,
        status: StepStatus::Passed,
        error: None,
        request: Some(RecordedRequest {
            method: Method::Post,
            url: "http://127.0.0.1:8443/token".into(),
            headers: vec![("authorization".into(), "Basic [redacted]".into())],
            body: Some("grant_type=...".into()),
        }),
        response: None,
        sent_at: Some(NOW),
        elapsed_ms: 12,
        inputs: Vec::new(),
        token: None,
        introspection: None,
        findings: Vec::new(),
        assertions: Vec::new(),
        attempts: Vec::new(),
        unreachable: false,
        lab_changes: Vec::new(),
        from_cache: false,
        repeat: None,
        introspected_at: None,
        omitted: Vec::new(),
    }
}

/// A step that obtained `t` (client credentials or password).
fn obtain(id: &str, name: &str, t: &TokenRecord) -> StepRecord {
    StepRecord {
        response: Some(response(
            200,
            json!({"access_token": t.token, "token_type": "Bearer", "expires_in": 300}),
        )),
        token: Some(t.clone()),
        ..step(id, name, StepKind::Token)
    }
}

/// An exchange of `subject` (from step `from`, or from outside) and maybe `actor` for `issued`.
fn exchange(
    id: &str,
    name: &str,
    subject: (&TokenRecord, Option<&str>),
    actor: Option<(&TokenRecord, &str)>,
    issued: &TokenRecord,
) -> StepRecord {
    let mut inputs = vec![InputToken {
        role: InputRole::Subject,
        from_step: subject.1.map(str::to_string),
        token: subject.0.clone(),
    }];
    if let Some((a, from)) = actor {
        inputs.push(InputToken {
            role: InputRole::Actor,
            from_step: Some(from.into()),
            token: a.clone(),
        });
    }
    StepRecord {
        response: Some(response(
            200,
            json!({"access_token": issued.token, "issued_token_type": token_type::ACCESS_TOKEN,
                "token_type": "Bearer", "expires_in": 300}),
        )),
        inputs,
        token: Some(issued.clone()),
        ..step(id, name, StepKind::Exchange)
    }
}

fn outcome(assertion: Assertion, passed: bool, message: &str) -> AssertionOutcome {
    AssertionOutcome {
        assertion,
        passed,
        message: message.into(),
    }
}

fn record(id: &str, name: &str, steps: Vec<StepRecord>) -> RunRecord {
    let passed = steps.iter().all(|s| s.status == StepStatus::Passed);
    RunRecord {
        record_version: 1,
        collection: "demo".into(),
        scenario_id: id.into(),
        scenario_name: name.into(),
        environment: Some("lab".into()),
        started_at: NOW,
        elapsed_ms: 120,
        outcome: if passed {
            RunOutcome::Passed
        } else {
            RunOutcome::Failed
        },
        steps,
    }
}

/// A user's token exchanged three times, each hop by another agent: the last token's act chain
/// is booking-agent ← flight-agent ← planner-agent.
fn agents() -> RunRecord {
    let user = token(claims(
        "alice",
        "planner-agent",
        "trips:plan flights:book",
        None,
    ));
    let planner = token(claims("planner-agent", "sts", "", None));
    let flight = token(claims("flight-agent", "sts", "", None));
    let booking = token(claims("booking-agent", "sts", "", None));
    let act1 = json!({"sub": "planner-agent"});
    let act2 = json!({"sub": "flight-agent", "act": act1});
    let act3 = json!({"sub": "booking-agent", "act": act2});
    let hop1 = token(claims(
        "alice",
        "flight-agent",
        "flights:book",
        Some(act1.clone()),
    ));
    let hop2 = token(claims(
        "alice",
        "booking-agent",
        "flights:book",
        Some(act2.clone()),
    ));
    let hop3 = token(claims("alice", "airline-api", "flights:book", Some(act3)));
    let mut last = exchange(
        "hop-3",
        "Booking agent calls the airline",
        (&hop2, Some("hop-2")),
        Some((&booking, "booking-token")),
        &hop3,
    );
    last.assertions = vec![
        outcome(
            Assertion::ActChain(vec![
                "booking-agent".into(),
                "flight-agent".into(),
                "planner-agent".into(),
            ]),
            true,
            "act chain is [booking-agent, flight-agent, planner-agent]",
        ),
        outcome(
            Assertion::Claim {
                path: "scope".into(),
                check: ClaimCheck::Equals(json!("flights:book")),
            },
            true,
            "scope equals \"flights:book\"",
        ),
    ];
    record(
        "agents",
        "An agent delegates to specialised agents",
        vec![
            obtain("login", "Alice signs in", &user),
            obtain("planner-token", "Planner agent token", &planner),
            exchange(
                "hop-1",
                "Planner delegates to the flight agent",
                (&user, Some("login")),
                Some((&planner, "planner-token")),
                &hop1,
            ),
            obtain("flight-token", "Flight agent token", &flight),
            exchange(
                "hop-2",
                "Flight agent delegates to the booking agent",
                (&hop1, Some("hop-1")),
                Some((&flight, "flight-token")),
                &hop2,
            ),
            obtain("booking-token", "Booking agent token", &booking),
            last,
        ],
    )
}

/// A pasted token (from outside the run) exchanged without an actor. Its subject's name needs
/// escaping in every format.
fn gateway() -> RunRecord {
    let pasted = token(claims(
        "o'brien <ops> & \"co\"",
        "gateway",
        "orders:read orders:write",
        None,
    ));
    let backend = token(claims(
        "o'brien <ops> & \"co\"",
        "orders-backend",
        "orders:read",
        None,
    ));
    let mut swap = exchange(
        "swap",
        "Gateway swaps for a backend token",
        (&pasted, None),
        None,
        &backend,
    );
    swap.findings = vec![Finding {
        id: "token.typ".into(),
        severity: Severity::Warning,
        message: "typ is not at+jwt".into(),
        reference: "RFC 9068 §2.1".into(),
    }];
    record("gateway", "API gateway", vec![swap])
}

/// An escalation the server refuses with invalid_target where invalid_scope was expected.
fn refusal() -> RunRecord {
    let user = token(claims("alice", "orders", "orders:read", None));
    let mut refused = step("escalate", "Ask for more scope", StepKind::Exchange);
    refused.status = StepStatus::Failed;
    refused.inputs = vec![InputToken {
        role: InputRole::Subject,
        from_step: Some("login".into()),
        token: user.clone(),
    }];
    refused.response = Some(response(
        400,
        json!({"error": "invalid_target", "error_description": "audience not allowed"}),
    ));
    refused.assertions = vec![
        outcome(Assertion::Status(400), true, "status is 400"),
        outcome(
            Assertion::Error("invalid_scope".into()),
            false,
            "error: expected \"invalid_scope\", got \"invalid_target\"",
        ),
        outcome(
            Assertion::Claim {
                path: "aud".into(),
                check: ClaimCheck::Absent,
            },
            false,
            "aud: expected <absent> & got nothing to check",
        ),
    ];
    record(
        "refusals",
        "Refusals",
        vec![obtain("login", "Alice signs in", &user), refused],
    )
}

/// The server cannot be reached; the next step is skipped.
fn unreachable() -> RunRecord {
    let mut down = step("login", "Sign in", StepKind::Token);
    down.status = StepStatus::Error;
    down.error =
        Some("could not reach http://127.0.0.1:9/token: connection refused \u{1b}[0m".into());
    let mut skipped = step("use", "Use the token", StepKind::Exchange);
    skipped.status = StepStatus::Skipped;
    skipped.error = Some("step login produced no token".into());
    skipped.request = None;
    record("offline", "Server down", vec![down, skipped])
}

fn records() -> Vec<RunRecord> {
    vec![agents(), gateway(), refusal(), unreachable()]
}

fn graph() -> Graph {
    Graph::of_runs(&records())
}

// ---------------------------------------------------------------------------------------------
// The graph these records make (what the drawings must show)

#[test]
fn the_fixture_graph_has_the_expected_shape() {
    let g = graph();
    // agents: user, 3 agent tokens, 3 hops; gateway: pasted + backend; refusals: the user's,
    // and the refused escalation its subject edge leads into.
    assert_eq!(g.nodes.len(), 10);
    assert_eq!(g.edges.len(), 8);
    assert_eq!(g.refusals.len(), 1);
    assert_eq!(g.refusals[0].error.as_deref(), Some("invalid_target"));
    let refused: Vec<&ExchangeEdge> = g
        .edges
        .iter()
        .filter(|e| e.kind == ExchangeKind::Refused)
        .collect();
    assert_eq!(refused.len(), 1);
    assert_eq!(refused[0].to, g.refusals[0].id);
    // One chain per line of exchanges: the agents' three hops, the gateway's swap, the refusal.
    let chains: Vec<(&str, usize)> = g
        .chains
        .iter()
        .map(|c| (c.scenario_id.as_str(), c.hops.len()))
        .collect();
    assert_eq!(chains, [("agents", 3), ("gateway", 1), ("refusals", 1)]);
    assert_eq!(
        g.edges.iter().filter(|e| e.role == EdgeRole::Actor).count(),
        3
    );
    assert_eq!(
        g.edges
            .iter()
            .filter(|e| e.kind == ExchangeKind::Impersonation)
            .count(),
        1
    );
}

// ---------------------------------------------------------------------------------------------
// SVG

fn classes<'a>(n: &roxmltree::Node<'a, 'a>) -> Vec<&'a str> {
    n.attribute("class")
        .map(|c| c.split_whitespace().collect())
        .unwrap_or_default()
}

fn has_class(n: &roxmltree::Node, class: &str) -> bool {
    classes(n).contains(&class)
}

fn attr_i32(n: &roxmltree::Node, name: &str) -> i32 {
    n.attribute(name)
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("<{}> has no numeric {name}", n.tag_name().name()))
}

/// Each token's box, by node id.
fn boxes(doc: &roxmltree::Document) -> BTreeMap<String, Rect> {
    doc.descendants()
        .filter(|n| n.has_tag_name("g") && has_class(n, "token"))
        .map(|g| {
            let id = g.attribute("data-node").expect("data-node").to_string();
            let r = g
                .children()
                .find(|c| c.has_tag_name("rect") && has_class(c, "box"))
                .expect("a box");
            let rect = Rect {
                x: attr_i32(&r, "x"),
                y: attr_i32(&r, "y"),
                width: attr_i32(&r, "width"),
                height: attr_i32(&r, "height"),
            };
            (id, rect)
        })
        .collect()
}

fn assert_no_overlaps(boxes: &BTreeMap<String, Rect>) {
    let list: Vec<(&String, &Rect)> = boxes.iter().collect();
    for (i, (a, ra)) in list.iter().enumerate() {
        for (b, rb) in &list[i + 1..] {
            assert!(!ra.overlaps(rb), "{a} {ra:?} overlaps {b} {rb:?}");
        }
    }
}

#[test]
fn svg_draws_each_token_once_and_each_exchange_once_with_dashed_actors() {
    let g = graph();
    let text = svg(&g);
    let doc = roxmltree::Document::parse(&text).expect("the SVG is well-formed XML");
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "svg");
    assert_eq!(
        root.tag_name().namespace(),
        Some("http://www.w3.org/2000/svg")
    );

    let tokens: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name("g") && has_class(n, "token"))
        .collect();
    assert_eq!(tokens.len(), g.nodes.len() + g.refusals.len());
    let drawn: BTreeSet<&str> = tokens
        .iter()
        .filter_map(|t| t.attribute("data-node"))
        .collect();
    let expected: BTreeSet<&str> = g
        .nodes
        .iter()
        .map(|n| n.id.as_str())
        .chain(g.refusals.iter().map(|r| r.id.as_str()))
        .collect();
    assert_eq!(drawn, expected);
    let ids: BTreeSet<&str> = tokens.iter().filter_map(|t| t.attribute("id")).collect();
    assert_eq!(ids.len(), tokens.len(), "element ids are unique");
    for t in &tokens {
        let title = t.first_element_child().expect("a child");
        assert!(
            title.has_tag_name("title"),
            "each token starts with a <title>"
        );
    }

    let edges: Vec<_> = doc
        .descendants()
        .filter(|n| n.is_element() && has_class(n, "edge"))
        .collect();
    assert_eq!(edges.len(), g.edges.len());
    let mut stroke_by_kind: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for e in &edges {
        let dashed = e.attribute("stroke-dasharray").is_some();
        assert_eq!(
            dashed,
            has_class(e, "actor") || has_class(e, "refused"),
            "{:?}",
            e.attribute("data-edge")
        );
        assert!(has_class(e, "actor") != has_class(e, "subject"));
        assert!(e.attribute("marker-end").is_some(), "an arrowhead");
        let kind = if has_class(e, "delegation") {
            "delegation"
        } else if has_class(e, "refused") {
            "refused"
        } else {
            "impersonation"
        };
        stroke_by_kind
            .entry(kind)
            .or_default()
            .insert(e.attribute("stroke").expect("stroke"));
    }
    assert_eq!(stroke_by_kind.len(), 3);
    assert_ne!(stroke_by_kind["refused"], stroke_by_kind["impersonation"]);
    let refusal = doc
        .descendants()
        .find(|n| n.has_tag_name("g") && has_class(n, "refusal"))
        .expect("the refusal is drawn");
    let said: String = refusal
        .descendants()
        .filter(|n| n.is_text())
        .filter_map(|n| n.text())
        .collect();
    assert!(said.contains("invalid_target"), "{said}");
    assert!(said.contains("audience not allowed"), "{said}");
    assert_eq!(stroke_by_kind["delegation"].len(), 1);
    assert_ne!(
        stroke_by_kind["delegation"],
        stroke_by_kind["impersonation"]
    );

    // Each edge leaves its source's right side and ends on its target's left side.
    let rects = boxes(&doc);
    for e in &edges {
        let d = e.attribute("d").expect("d");
        let numbers: Vec<i32> = d
            .split(|c: char| !(c.is_ascii_digit() || c == '-'))
            .filter(|s| !s.is_empty())
            .map(|s| s.parse().expect("a number"))
            .collect();
        let from = &rects[e.attribute("data-from").expect("from")];
        let to = &rects[e.attribute("data-to").expect("to")];
        let (sx, sy) = (numbers[0], numbers[1]);
        let (ex, ey) = (numbers[numbers.len() - 2], numbers[numbers.len() - 1]);
        assert_eq!(sx, from.right());
        assert!(sy > from.y && sy < from.bottom());
        assert_eq!(ex, to.x);
        assert!(ey > to.y && ey < to.bottom());
    }
    assert_no_overlaps(&rects);

    // A legend names both kinds; each scenario has a heading.
    let all_text: String = doc
        .descendants()
        .filter(|n| n.is_text())
        .filter_map(|n| n.text())
        .collect::<Vec<_>>()
        .join("\n");
    for expected in [
        "delegation (act)",
        "impersonation (no act)",
        "agents",
        "gateway",
        "refusals",
        "booking-agent ← flight-agent ← planner-agent",
        "o'brien <ops> & \"co\"",
        "sts.example",
    ] {
        assert!(
            all_text.contains(expected),
            "the drawing shows {expected:?}"
        );
    }
}

#[test]
fn svg_marks_issued_and_outside_tokens_and_the_chain_reads_left_to_right() {
    let g = graph();
    let doc_text = svg(&g);
    let doc = roxmltree::Document::parse(&doc_text).expect("well-formed");
    let rects = boxes(&doc);
    let by_id = |id: &str| {
        doc.descendants()
            .find(|n| n.attribute("data-node") == Some(id))
            .expect("drawn")
    };
    for node in &g.nodes {
        let g_el = by_id(&node.id);
        assert_eq!(has_class(&g_el, "issued"), node.issued, "{}", node.id);
        assert_eq!(has_class(&g_el, "outside"), !node.issued, "{}", node.id);
    }
    // Every exchange goes left to right.
    for e in &g.edges {
        assert!(
            rects[&e.from].right() < rects[&e.to].x,
            "{} -> {}",
            e.from,
            e.to
        );
    }
    // Scenarios are stacked: every agents box is above every gateway box.
    let bottom_of = |scenario: &str| {
        g.nodes
            .iter()
            .filter(|n| n.scenario_id == scenario)
            .map(|n| rects[&n.id].bottom())
            .max()
            .expect("nodes")
    };
    let top_of = |scenario: &str| {
        g.nodes
            .iter()
            .filter(|n| n.scenario_id == scenario)
            .map(|n| rects[&n.id].y)
            .min()
            .expect("nodes")
    };
    assert!(bottom_of("agents") < top_of("gateway"));
    assert!(bottom_of("gateway") < top_of("refusals"));
}

#[test]
fn an_empty_graph_is_still_a_drawing() {
    let text = svg(&Graph::default());
    let doc = roxmltree::Document::parse(&text).expect("well-formed");
    assert!(text.contains("No tokens"));
    assert_eq!(
        doc.descendants()
            .filter(|n| n.has_tag_name("g") && has_class(n, "token"))
            .count(),
        0
    );
}

fn node(scenario: &str, i: usize, issued: bool, act: usize) -> TokenNode {
    TokenNode {
        id: format!("{scenario}/{i:016x}"),
        scenario_id: scenario.into(),
        step_id: format!("step-{i}"),
        step_name: format!("Step {i}"),
        issued,
        sub: Some(format!("user-{}", i % 7)),
        aud: vec![format!("service-{i}")],
        scope: vec!["read".into(), format!("write:{i}")],
        token_type: Some("access_token".into()),
        issuer: Some("https://login.example.com/tenants/0000-1111-2222/v2.0".into()),
        client_id: None,
        act_chain: (0..act).map(|k| format!("agent-{k}")).collect(),
        may_act: None,
        exp: Some(NOW),
        opaque: false,
        verified: if i.is_multiple_of(11) {
            Some(false)
        } else {
            None
        },
    }
}

/// 300 tokens: one scenario of 200 (a binary tree of exchanges from one token, each with an
/// actor token, every third one reusing an actor from far back), and four chains of 25.
fn big_graph() -> Graph {
    let mut nodes: Vec<TokenNode> = Vec::new();
    let mut edges = Vec::new();
    let edge = |from: &TokenNode, to: &TokenNode, role, kind| ExchangeEdge {
        id: format!("{}:{:?}:{}", to.step_id, role, from.id),
        from: from.id.clone(),
        to: to.id.clone(),
        role,
        kind,
        step_id: to.step_id.clone(),
    };
    let big = "big";
    nodes.push(node(big, 0, false, 0));
    let mut subjects = vec![0usize];
    let mut shared_actor = None;
    while nodes.len() < 200 {
        let i = nodes.len();
        let k = subjects.len();
        let parent = subjects[(k - 1) / 2];
        let kind = if k % 5 == 0 {
            ExchangeKind::Impersonation
        } else {
            ExchangeKind::Delegation
        };
        let issued = node(big, i, true, (k % 4) + 1);
        edges.push(edge(&nodes[parent], &issued, EdgeRole::Subject, kind));
        match shared_actor {
            Some(a) if k % 3 == 0 => {
                edges.push(edge(&nodes[a], &issued, EdgeRole::Actor, kind));
                nodes.push(issued);
            }
            _ if nodes.len() + 2 <= 200 => {
                let actor = node(big, i + 1, true, 0);
                edges.push(edge(&actor, &issued, EdgeRole::Actor, kind));
                shared_actor.get_or_insert(i);
                nodes.push(actor);
                nodes.push(issued);
            }
            _ => nodes.push(issued),
        }
        subjects.push(nodes.len() - 1);
    }
    for s in 0..4 {
        let scenario = format!("chain-{s}");
        let first = nodes.len();
        for k in 0..25 {
            let n = node(&scenario, k, k > 0, k.min(3));
            if k > 0 {
                edges.push(edge(
                    &nodes[first + k - 1],
                    &n,
                    EdgeRole::Subject,
                    ExchangeKind::Delegation,
                ));
            }
            nodes.push(n);
        }
    }
    assert_eq!(nodes.len(), 300);
    Graph {
        nodes,
        edges,
        ..Graph::default()
    }
}

#[test]
fn three_hundred_tokens_are_drawn_without_overlapping_boxes() {
    let g = big_graph();
    let text = svg(&g);
    let doc = roxmltree::Document::parse(&text).expect("well-formed");
    let rects = boxes(&doc);
    assert_eq!(rects.len(), 300);
    assert_no_overlaps(&rects);
    let width = attr_i32(&doc.root_element(), "width");
    let height = attr_i32(&doc.root_element(), "height");
    for (id, r) in &rects {
        assert!(r.x >= 0 && r.y >= 0, "{id} starts inside the drawing");
        assert!(
            r.right() <= width && r.bottom() <= height,
            "{id} ends inside the drawing"
        );
    }
    let edges = doc
        .descendants()
        .filter(|n| n.is_element() && has_class(n, "edge"))
        .count();
    assert_eq!(edges, g.edges.len());
    // Exchanges still read left to right.
    for e in &g.edges {
        assert!(rects[&e.from].right() < rects[&e.to].x);
    }
}

// ---------------------------------------------------------------------------------------------
// DOT and Mermaid

/// The quoted DOT string at the start of `s`, unescaped just enough to compare ids, and the rest.
fn dot_string(s: &str) -> Option<(String, &str)> {
    let s = s.strip_prefix('"')?;
    let mut out = String::new();
    let mut chars = s.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '\\' => {
                let (_, next) = chars.next()?;
                if next != '"' {
                    out.push('\\');
                }
                out.push(next);
            }
            '"' => return Some((out, &s[i + 1..])),
            c => out.push(c),
        }
    }
    None
}

#[test]
fn dot_declares_every_token_and_draws_actor_edges_dashed() {
    let g = graph();
    let text = dot(&g);
    assert!(text.contains("digraph baton {"));
    assert!(text.contains("rankdir=LR;"));
    let mut nodes = BTreeSet::new();
    let mut edges = Vec::new();
    for line in text.lines().map(str::trim) {
        if !line.starts_with('"') {
            continue;
        }
        let (first, rest) = dot_string(line).expect("a quoted id");
        if let Some(rest) = rest.strip_prefix(" -> ") {
            let (second, attrs) = dot_string(rest).expect("a quoted target");
            edges.push((first, second, attrs.to_string()));
        } else {
            assert!(rest.starts_with(" [label="), "{line}");
            nodes.insert(first);
        }
    }
    let expected: BTreeSet<String> = g
        .nodes
        .iter()
        .map(|n| n.id.clone())
        .chain(g.refusals.iter().map(|r| r.id.clone()))
        .collect();
    assert_eq!(nodes, expected);
    assert_eq!(edges.len(), g.edges.len());
    for ((from, to, attrs), e) in edges.iter().zip(&g.edges) {
        assert_eq!((from, to), (&e.from, &e.to));
        assert!(nodes.contains(from) && nodes.contains(to));
        let dashed = attrs.contains("style=dashed");
        assert_eq!(dashed, e.role == EdgeRole::Actor);
    }
    // The subject's quotes are escaped, so the label ends where it should.
    assert!(text.contains(r#"sub: o'brien <ops> & \"co\""#));
    let colours: BTreeSet<&str> = edges
        .iter()
        .filter_map(|(_, _, a)| a.split("color=\"").nth(1)?.split('"').next())
        .collect();
    assert_eq!(
        colours.len(),
        3,
        "delegation, impersonation and refusal differ"
    );
    assert!(text.contains("label=\"✗ no token [refused]\\lerror: invalid_target"));
}

#[test]
fn mermaid_uses_safe_ids_and_dotted_actor_links() {
    let g = graph();
    let text = mermaid(&g);
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("flowchart LR"));
    let mut nodes = BTreeSet::new();
    let (mut solid, mut dotted, mut refused) = (0, 0, 0);
    for line in text.lines().map(str::trim) {
        let words: Vec<&str> = line.split_whitespace().collect();
        if let Some((id, label)) = line.split_once("[\"") {
            if let Some(number) = id.strip_prefix('n') {
                assert!(number.chars().all(|c| c.is_ascii_digit()), "{id}");
                assert!(label.ends_with("\"]"));
                assert!(
                    !label[..label.len() - 2].contains('"'),
                    "a quote inside a label: {label}"
                );
                nodes.insert(id.to_string());
            }
        } else if words.len() == 3 && ["-->", "-.->", "-.-x"].contains(&words[1]) {
            assert!(
                nodes.contains(words[0]) && nodes.contains(words[2]),
                "{line}"
            );
            match words[1] {
                "-->" => solid += 1,
                "-.->" => dotted += 1,
                _ => refused += 1,
            }
        }
    }
    assert_eq!(nodes.len(), g.nodes.len() + g.refusals.len());
    let actors = g.edges.iter().filter(|e| e.role == EdgeRole::Actor).count();
    assert_eq!(refused, 1, "the refused escalation ends in x");
    assert_eq!(dotted, actors);
    assert_eq!(solid, g.edges.len() - actors - refused);
    assert!(text.contains("classDef refused"));
    assert!(text.contains("classDef delegation"));
    assert!(text.contains("classDef impersonation"));
    assert!(text.contains("o'brien #60;ops#62; #38; #34;co#34;"));
    assert!(text.contains("act: booking-agent ← flight-agent ← planner-agent"));
    let delegated = text
        .lines()
        .find(|l| l.trim_start().starts_with("class ") && l.ends_with(" delegation"))
        .expect("a class line for delegated tokens");
    assert_eq!(delegated.split(',').count(), 3, "three hops: {delegated}");
}

// ---------------------------------------------------------------------------------------------
// JUnit

fn child<'a, 'i>(case: &roxmltree::Node<'a, 'i>, tag: &str) -> Vec<roxmltree::Node<'a, 'i>> {
    case.children().filter(|n| n.has_tag_name(tag)).collect()
}

#[test]
fn junit_counts_failures_and_errors_and_lists_every_failed_assertion() {
    let records = records();
    let text = junit("baton demo", &records);
    let doc = roxmltree::Document::parse(&text).expect("well-formed XML");
    let suite = doc
        .descendants()
        .find(|n| n.has_tag_name("testsuite"))
        .expect("a testsuite");
    assert_eq!(
        doc.descendants()
            .filter(|n| n.has_tag_name("testsuite"))
            .count(),
        1
    );
    assert_eq!(suite.attribute("name"), Some("baton demo"));
    assert_eq!(suite.attribute("tests"), Some("4"));
    assert_eq!(suite.attribute("failures"), Some("1"));
    assert_eq!(suite.attribute("errors"), Some("1"));
    assert_eq!(suite.attribute("skipped"), Some("0"));
    assert_eq!(suite.attribute("time"), Some("0.480"));

    let cases: Vec<_> = suite
        .children()
        .filter(|n| n.has_tag_name("testcase"))
        .collect();
    assert_eq!(cases.len(), 4);
    for (case, record) in cases.iter().zip(&records) {
        assert_eq!(case.attribute("classname"), Some("demo"));
        assert_eq!(case.attribute("name"), Some(record.scenario_name.as_str()));
        assert_eq!(case.attribute("time"), Some("0.120"));
    }
    assert!(child(&cases[0], "failure").is_empty() && child(&cases[0], "error").is_empty());

    let failures = child(&cases[2], "failure");
    assert_eq!(failures.len(), 1);
    let message = failures[0].attribute("message").expect("message");
    assert!(message.contains("2 assertions failed"), "{message}");
    assert!(message.contains("Ask for more scope: error: expected \"invalid_scope\""));
    let body = failures[0].text().expect("body");
    assert_eq!(
        body.lines().collect::<Vec<_>>(),
        [
            "Ask for more scope: error: expected \"invalid_scope\", got \"invalid_target\"",
            "Ask for more scope: aud: expected <absent> & got nothing to check",
        ]
    );

    let errors = child(&cases[3], "error");
    assert_eq!(errors.len(), 1);
    let message = errors[0].attribute("message").expect("message");
    assert!(message.starts_with("Sign in: could not reach http://127.0.0.1:9/token"));
    assert!(
        message.contains("\\u{1b}"),
        "the escape character is shown, not dropped: {message}"
    );

    let out = child(&cases[2], "system-out");
    let out = out[0].text().expect("a summary");
    assert!(out.contains("[failed] Ask for more scope (exchange) HTTP 400 invalid_target"));
}

// ---------------------------------------------------------------------------------------------
// diff

/// The same runs again: other timings, other token strings, other issuance times.
fn rerun(records: &[RunRecord]) -> Vec<RunRecord> {
    let mut again = records.to_vec();
    for (r, run) in again.iter_mut().enumerate() {
        run.elapsed_ms += 1000 + r as u64;
        run.started_at += 60;
        for step in &mut run.steps {
            step.elapsed_ms += 7;
            step.sent_at = step.sent_at.map(|t| t + 60);
            if let Some(t) = &mut step.token {
                t.token.push_str("-resigned");
                t.fingerprint = format!("{}00", &t.fingerprint[..14]);
                if let baton_core::jwt::DecodedToken::Jwt(j) = &mut t.decoded {
                    j.claims.insert("iat".into(), json!(NOW + 60));
                    j.claims.insert("exp".into(), json!(NOW + 360));
                    j.claims.insert("jti".into(), json!("another"));
                }
            }
        }
    }
    again
}

#[test]
fn identical_runs_apart_from_timings_and_token_strings_have_no_differences() {
    let before = records();
    let after = rerun(&before);
    let d = diff(&before, &after);
    assert!(d.is_empty(), "{d}");
    assert_eq!(d.to_string(), "no differences\n");
}

fn jwt_claims(step: &mut StepRecord) -> &mut serde_json::Map<String, Value> {
    match &mut step.token.as_mut().expect("a token").decoded {
        baton_core::jwt::DecodedToken::Jwt(j) => &mut j.claims,
        baton_core::jwt::DecodedToken::Opaque(_) | baton_core::jwt::DecodedToken::Saml(_) => {
            panic!("a JWT")
        }
    }
}

#[test]
fn diff_reports_each_kind_of_change_one_line_each() {
    let before = records();
    let mut after = rerun(&before);
    // agents / hop-3: scope widened, a prior actor renamed, a claim added and one removed,
    // a longer lifetime, and an assertion that now fails.
    {
        let hop3 = &mut after[0].steps[6];
        let c = jwt_claims(hop3);
        c.insert("scope".into(), json!("flights:book hotels:book"));
        c["act"]["act"]["sub"] = json!("hotel-agent");
        c.insert("cnf".into(), json!({"jkt": "abc"}));
        c.remove("iss");
        c.insert("exp".into(), json!(NOW + 60 + 3600));
        hop3.assertions[1].passed = false;
        hop3.status = StepStatus::Failed;
        after[0].outcome = RunOutcome::Failed;
    }
    // agents / hop-2: another token type.
    after[0].steps[4]
        .token
        .as_mut()
        .expect("a token")
        .token_type = Some(token_type::JWT.to_string());
    // gateway / swap: the finding is gone and another appeared.
    after[1].steps[0].findings[0].id = "response.cache-control".into();
    // refusals / escalate: now the expected error, with another status.
    {
        let refused = &mut after[2].steps[1];
        refused.response = Some(response(403, json!({"error": "invalid_scope"})));
    }
    // offline: a step more; agents: a step fewer; a scenario that only ran before.
    after[3].steps.push(step("retry", "Retry", StepKind::Token));
    after[0].steps.remove(5);
    let mut extra = before.clone();
    extra.push(record("sso", "Single sign-on", Vec::new()));

    let d = diff(&extra, &after);
    let lines = d.lines();
    let expect = [
        "agents: outcome: passed → failed",
        "agents / booking-token: step only before (missing after)",
        "agents / hop-2: token type: access_token → jwt",
        "agents / hop-3: status: passed → failed",
        "agents / hop-3: lifetime: 300 s → 3600 s",
        "agents / hop-3: claim act.act.sub: \"flight-agent\" → \"hotel-agent\"",
        "agents / hop-3: claim cnf.jkt: added \"abc\"",
        "agents / hop-3: claim iss: removed (was \"https://sts.example/\")",
        "agents / hop-3: claim scope: \"flights:book\" → \"flights:book hotels:book\"",
        "agents / hop-3: assertion claim = \"scope\", equals = \"flights:book\": passed → failed",
        "gateway / swap: finding added: response.cache-control (warning): typ is not at+jwt",
        "gateway / swap: finding removed: token.typ (warning): typ is not at+jwt",
        "refusals / escalate: HTTP status: 400 → 403",
        "refusals / escalate: error: invalid_target → invalid_scope",
        "offline / retry: step only after (new)",
        "sso: scenario only before (missing after)",
    ];
    for line in expect {
        assert!(lines.iter().any(|l| l == line), "missing {line:?} in\n{d}");
    }
    assert_eq!(lines.len(), expect.len(), "unexpected lines in\n{d}");

    let json = serde_json::to_value(&d).expect("serialises");
    let first = &json["changes"][0];
    assert_eq!(first["scenario_id"], "agents");
    assert_eq!(first["change"], "outcome");
    assert!(
        d.changes
            .iter()
            .any(|c| c.detail == Detail::Scenario { only: Side::Before })
    );
}

#[test]
fn diff_sees_a_token_appear_where_there_was_a_refusal() {
    let before = records();
    let mut after = before.clone();
    let issued = token(claims("alice", "orders", "orders:read orders:write", None));
    let refused = &mut after[2].steps[1];
    refused.response = Some(response(200, json!({"access_token": issued.token})));
    refused.token = Some(issued);
    let lines = diff(&before, &after).lines();
    assert!(lines.contains(&"refusals / escalate: token: none → JWT".to_string()));
    assert!(lines.contains(&"refusals / escalate: claim sub: added \"alice\"".to_string()));
    assert!(lines.contains(&"refusals / escalate: lifetime: none → 300 s".to_string()));
}

// ---------------------------------------------------------------------------------------------
// The JSON report

#[test]
fn a_report_round_trips_through_json_and_holds_each_runs_graph() {
    let report = RunReport::new(records());
    assert_eq!(report.report_version, REPORT_VERSION);
    assert_eq!(report.runs.len(), 4);
    assert_eq!(report.runs[0].graph, Graph::of_run(&report.runs[0].record));
    assert_eq!(report.graph(), graph());
    assert!(!report.passed());
    let text = report.to_json().expect("writes");
    let back = RunReport::from_json(&text, "report.json").expect("reads");
    assert_eq!(back, report);
    let value: Value = serde_json::from_str(&text).expect("JSON");
    let keys: Vec<&String> = value.as_object().expect("object").keys().collect();
    assert_eq!(keys, ["report_version", "runs"], "no time of writing");

    // Two runs that differ only in timings give the same report once timings are set aside.
    let again = RunReport::new(rerun_timings_only(&records()));
    assert_ne!(again, report);
    let mut normalised = again.clone();
    for run in &mut normalised.runs {
        run.record.elapsed_ms = 120;
        for s in &mut run.record.steps {
            s.elapsed_ms = 12;
        }
    }
    assert_eq!(normalised.to_json().expect("writes"), text);
}

fn rerun_timings_only(records: &[RunRecord]) -> Vec<RunRecord> {
    let mut again = records.to_vec();
    for run in &mut again {
        run.elapsed_ms = 999;
        for s in &mut run.steps {
            s.elapsed_ms = 99;
        }
    }
    again
}

#[test]
fn reading_something_else_says_what_it_is() {
    let err = |text: &str| RunReport::from_json(text, "out/x.json").expect_err("refused");

    let e = err("{\"report_version\": 1, \"runs\": [");
    assert!(matches!(e, ReportError::NotJson { line: 1, .. }), "{e:?}");
    assert!(e.to_string().starts_with("out/x.json is not JSON: "), "{e}");

    let e = err("");
    assert_eq!(
        e.to_string(),
        "out/x.json is not a Baton report: it is empty"
    );

    let e = err("<?xml version=\"1.0\"?><testsuites><testsuite/></testsuites>");
    assert!(e.to_string().contains("JUnit XML"), "{e}");

    let e = err("[1, 2]");
    assert_eq!(
        e.to_string(),
        "out/x.json is not a Baton report: it is a JSON array, not an object"
    );

    let single = serde_json::to_string(&records()[0]).expect("writes");
    let e = err(&single);
    assert!(e.to_string().contains("a single run record"), "{e}");

    let e = err("{\"name\": \"demo\"}");
    assert!(e.to_string().contains("no `report_version`"), "{e}");

    let e = err("{\"report_version\": 2, \"runs\": [], \"new_field\": true}");
    assert_eq!(
        e,
        ReportError::TooNew {
            origin: "out/x.json".into(),
            found: 2,
            supported: 1
        }
    );
    assert!(e.to_string().contains("newer than this Baton reads"), "{e}");

    let mut report: Value = serde_json::to_value(RunReport::new(records())).expect("serialises");
    report["runs"][1]["record"]["record_version"] = json!(7);
    let e = err(&report.to_string());
    assert!(
        matches!(&e, ReportError::RecordTooNew { index: 1, scenario, found: 7, .. } if scenario == "gateway"),
        "{e:?}"
    );

    let e = err("{\"report_version\": 1,\n \"runs\": \"none\"}");
    assert!(matches!(e, ReportError::Malformed { line: 2, .. }), "{e:?}");
    assert!(e.to_string().contains("is a Baton report, but"), "{e}");
}

// ---------------------------------------------------------------------------------------------
// PNG

/// The `width` and `height` of the SVG's root element.
fn svg_size(text: &str) -> (u32, u32) {
    let doc = roxmltree::Document::parse(text).expect("well-formed SVG");
    let attr = |name: &str| {
        doc.root_element()
            .attribute(name)
            .and_then(|v| v.parse::<u32>().ok())
            .unwrap_or_else(|| panic!("no whole-number {name}"))
    };
    (attr("width"), attr("height"))
}

fn pixels(png: &[u8]) -> Vec<(u8, u8, u8)> {
    let pixmap = resvg::tiny_skia::Pixmap::decode_png(png).expect("the PNG decodes");
    pixmap
        .pixels()
        .iter()
        .map(|p| (p.red(), p.green(), p.blue()))
        .collect()
}

/// Pixels that are not the drawing's white background.
fn drawn_pixels(png: &[u8]) -> usize {
    pixels(png)
        .into_iter()
        .filter(|p| *p != (255, 255, 255))
        .count()
}

#[test]
fn the_png_is_the_svg_drawing_at_twice_its_size() {
    let g = graph();
    let image = png(&g).expect("a PNG");
    assert_eq!(&image[..8], b"\x89PNG\r\n\x1a\n", "the PNG signature");
    assert_eq!(&image[12..16], b"IHDR");
    let be =
        |at: usize| u32::from_be_bytes([image[at], image[at + 1], image[at + 2], image[at + 3]]);
    let (width, height) = svg_size(&svg(&g));
    assert!(width > 0 && height > 0);
    assert_eq!((be(16), be(20)), (2 * width, 2 * height));

    let drawn = drawn_pixels(&image);
    let total = (4 * width * height) as usize;
    assert!(drawn > total / 50, "{drawn} of {total} pixels drawn");
    assert!(drawn < total, "not one colour all over");

    // A smaller graph gives a smaller image.
    let one = Graph::of_runs(&records()[3..]);
    let small = png(&one).expect("a PNG");
    let (w, h) = svg_size(&svg(&one));
    let pixmap = resvg::tiny_skia::Pixmap::decode_png(&small).expect("decodes");
    assert_eq!((pixmap.width(), pixmap.height()), (2 * w, 2 * h));
    assert!(pixmap.width() * pixmap.height() < 4 * width * height);
}

#[test]
fn the_png_draws_the_labels() {
    let g = graph();
    let image = png(&g).expect("a PNG");
    // The same drawing with every <text> removed, rasterised the same way.
    let bare = regex::Regex::new(r"(?s)<text\b.*?</text>")
        .expect("a valid pattern")
        .replace_all(&svg(&g), "")
        .into_owned();
    let tree = resvg::usvg::Tree::from_str(&bare, &resvg::usvg::Options::default())
        .expect("the SVG parses");
    let size = tree.size().to_int_size().scale_by(2.0).expect("a size");
    let mut pixmap = resvg::tiny_skia::Pixmap::new(size.width(), size.height()).expect("a pixmap");
    resvg::render(
        &tree,
        resvg::tiny_skia::Transform::from_scale(2.0, 2.0),
        &mut pixmap.as_mut(),
    );
    let without = pixels(&pixmap.encode_png().expect("encodes"));
    let with = pixels(&image);
    assert_eq!(with.len(), without.len());
    let changed = with.iter().zip(&without).filter(|(a, b)| a != b).count();
    // Every token box has a few lines of text; together they cover a few percent of the image.
    assert!(
        changed > with.len() / 100,
        "the labels change {changed} of {} pixels",
        with.len()
    );
}
