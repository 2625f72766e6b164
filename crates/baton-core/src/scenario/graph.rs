//! The delegation graph of a run: tokens are nodes, exchanges are edges. Computed here, from
//! run records, so the app, `baton graph` and the reports draw the same thing.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::jwt::DecodedToken;
use crate::scenario::model::StepKind;
use crate::scenario::record::{InputRole, RunRecord, StepRecord, TokenRecord};
use crate::token_type;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Graph {
    pub nodes: Vec<TokenNode>,
    pub edges: Vec<ExchangeEdge>,
}

/// One token: who it is about, for whom, what it allows, and who acts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct TokenNode {
    /// The token's fingerprint, unique within a graph.
    pub id: String,
    pub scenario_id: String,
    /// The step that produced the token, or first used it when it came from outside the run.
    pub step_id: String,
    pub step_name: String,
    /// Whether a step of this run issued the token.
    pub issued: bool,
    pub sub: Option<String>,
    pub aud: Vec<String>,
    pub scope: Vec<String>,
    /// The token type: the short alias of a registered URI (`access_token`, `jwt`, …), else
    /// the URI as sent; `None` when the response did not say.
    pub token_type: Option<String>,
    pub issuer: Option<String>,
    pub client_id: Option<String>,
    /// The act chain, current actor first.
    pub act_chain: Vec<String>,
    /// `may_act`, as a label (`sub` or `client_id`), when the token names who may act for it.
    pub may_act: Option<String>,
    #[ts(type = "number | null")]
    pub exp: Option<i64>,
    /// Set when the token is not a readable JWT.
    pub opaque: bool,
    /// The signature held (`true`), failed (`false`), or was not checked (`null`).
    pub verified: Option<bool>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum EdgeRole {
    /// subject → issued (drawn solid)
    Subject,
    /// actor → issued (drawn dashed)
    Actor,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ExchangeKind {
    /// The issued token carries `act`: someone acts for the subject (RFC 8693 §1.1).
    Delegation,
    /// No `act`: the holder appears to be the subject.
    Impersonation,
    /// A JWT presented as an authorization grant (RFC 7523), usually at another trust domain's
    /// server: the grant that joins two domains' tokens.
    Grant,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ExchangeEdge {
    pub id: String,
    pub from: String,
    pub to: String,
    pub role: EdgeRole,
    pub kind: ExchangeKind,
    /// The exchange step.
    pub step_id: String,
}

impl Graph {
    /// The graph of several runs side by side (nodes keep their scenario).
    pub fn of_runs<'a>(runs: impl IntoIterator<Item = &'a RunRecord>) -> Graph {
        let mut graph = Graph {
            nodes: Vec::new(),
            edges: Vec::new(),
        };
        for run in runs {
            let one = Graph::of_run(run);
            graph.nodes.extend(one.nodes);
            graph.edges.extend(one.edges);
        }
        graph
    }

    /// Tokens in the order the run met them; an edge for the subject and the actor of every
    /// exchange that issued a token. A token met twice is one node.
    pub fn of_run(run: &RunRecord) -> Graph {
        let mut nodes: Vec<TokenNode> = Vec::new();
        let mut index: BTreeMap<String, usize> = BTreeMap::new();
        let mut edges = Vec::new();
        let mut add = |nodes: &mut Vec<TokenNode>, step: &StepRecord, t: &TokenRecord, issued| {
            let id = node_id(run, t);
            match index.get(&id) {
                Some(&i) => {
                    if issued && !nodes[i].issued {
                        nodes[i] = node(run, step, t, true);
                    }
                }
                None => {
                    index.insert(id, nodes.len());
                    nodes.push(node(run, step, t, issued));
                }
            }
        };
        for step in &run.steps {
            for input in &step.inputs {
                add(&mut nodes, step, &input.token, false);
            }
            let Some(issued) = &step.token else { continue };
            if step.kind == StepKind::Inspect {
                continue;
            }
            if matches!(step.kind, StepKind::Token | StepKind::Exchange) {
                add(&mut nodes, step, issued, true);
            }
            let kind = match (&issued.decoded, step.kind) {
                // A first token made from a token: a JWT bearer grant.
                (_, StepKind::Token) if !step.inputs.is_empty() => ExchangeKind::Grant,
                (_, StepKind::Token) => continue,
                (DecodedToken::Jwt(j), StepKind::Exchange) if j.claims.contains_key("act") => {
                    ExchangeKind::Delegation
                }
                (_, StepKind::Exchange) => ExchangeKind::Impersonation,
                _ => continue,
            };
            for input in &step.inputs {
                let role = match input.role {
                    InputRole::Subject => EdgeRole::Subject,
                    InputRole::Actor => EdgeRole::Actor,
                    InputRole::Inspected => continue,
                };
                let from = node_id(run, &input.token);
                let to = node_id(run, issued);
                edges.push(ExchangeEdge {
                    id: format!("{}:{}:{}", step.id, role_name(role), from),
                    from,
                    to,
                    role,
                    kind,
                    step_id: step.id.clone(),
                });
            }
        }
        Graph { nodes, edges }
    }
}

fn role_name(role: EdgeRole) -> &'static str {
    match role {
        EdgeRole::Subject => "subject",
        EdgeRole::Actor => "actor",
    }
}

/// A SAML assertion as a node: its NameID, audiences, `scope` attribute, Issuer and
/// NotOnOrAfter; the act chain from its `act` attribute (current actor first).
fn saml_node(
    run: &RunRecord,
    step: &StepRecord,
    t: &TokenRecord,
    a: &crate::saml::SamlAssertion,
    issued: bool,
) -> TokenNode {
    let values = |name: &str| {
        a.attribute(name)
            .map(|attr| attr.values.clone())
            .unwrap_or_default()
    };
    TokenNode {
        id: node_id(run, t),
        scenario_id: run.scenario_id.clone(),
        step_id: step.id.clone(),
        step_name: step.name.clone(),
        issued,
        sub: a.subject.clone(),
        aud: a.audiences.clone(),
        scope: values("scope"),
        token_type: Some(
            token_type::short_name(token_type::SAML2)
                .unwrap_or("saml2")
                .to_string(),
        ),
        issuer: a.issuer.clone(),
        client_id: values("client_id").into_iter().next(),
        act_chain: values("act"),
        may_act: None,
        exp: a.not_on_or_after,
        opaque: false,
        verified: t.verification.as_ref().map(|v| v.valid),
    }
}

/// Node ids are scoped by scenario so the graphs of several runs can share one drawing.
fn node_id(run: &RunRecord, t: &TokenRecord) -> String {
    format!("{}/{}", run.scenario_id, t.fingerprint)
}

fn node(run: &RunRecord, step: &StepRecord, t: &TokenRecord, issued: bool) -> TokenNode {
    if let Some(saml) = t.decoded.saml() {
        return saml_node(run, step, t, saml, issued);
    }
    let jwt = t.decoded.jwt();
    let label = |p: &crate::jwt::Principal| p.label();
    TokenNode {
        id: node_id(run, t),
        scenario_id: run.scenario_id.clone(),
        step_id: step.id.clone(),
        step_name: step.name.clone(),
        issued,
        sub: jwt.and_then(|j| j.sub().map(str::to_string)),
        aud: jwt.map(|j| j.aud()).unwrap_or_default(),
        scope: jwt.and_then(|j| j.scopes()).unwrap_or_default(),
        token_type: t
            .token_type
            .as_deref()
            .map(|u| token_type::short_name(u).map_or_else(|| u.to_string(), str::to_string)),
        issuer: jwt.and_then(|j| j.iss().map(str::to_string)),
        client_id: jwt.and_then(|j| j.claim_str("client_id").map(str::to_string)),
        act_chain: jwt
            .map(|j| j.act_chain.actors.iter().map(label).collect())
            .unwrap_or_default(),
        may_act: jwt.and_then(|j| j.may_act.as_ref()).map(|m| {
            m.get("sub")
                .or_else(|| m.get("client_id"))
                .and_then(serde_json::Value::as_str)
                .map_or_else(|| m.to_string(), str::to_string)
        }),
        exp: jwt.and_then(|j| j.time("exp")),
        opaque: jwt.is_none(),
        verified: t.verification.as_ref().map(|v| v.valid),
    }
}
