//! The delegation graph of a run: tokens are nodes, exchanges are edges, a refused exchange is
//! a refusal its subject and actor lead into, and the chains of principals the exchanges built.
//! Computed here, from run records, so the app, `baton graph` and the reports draw the same thing.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::jwt::DecodedToken;
use crate::response::Outcome;
use crate::scenario::model::StepKind;
use crate::scenario::record::{InputRole, RunRecord, StepRecord, StepStatus, TokenRecord};
use crate::token_type;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Graph {
    pub nodes: Vec<TokenNode>,
    /// Edges lead from a token to the token issued for it, or to a refusal.
    pub edges: Vec<ExchangeEdge>,
    /// Exchanges the server refused or that never reached it: each is drawn as a node of its own
    /// that the subject and actor edges lead into. (Reports written before refusals were drawn
    /// have none.)
    #[serde(default)]
    pub refusals: Vec<RefusalNode>,
    /// The principals each line of exchanges passed the subject through, one chain per token
    /// (or refusal) at the end of a line, in the order the run reached them.
    #[serde(default)]
    pub chains: Vec<DelegationChain>,
}

/// An exchange (or JWT grant) that issued no token: the server answered with an OAuth error or
/// something unreadable, or could not be reached.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct RefusalNode {
    /// `{scenario}/refused:{step}`, unique within a graph and never a token's id.
    pub id: String,
    pub scenario_id: String,
    pub step_id: String,
    pub step_name: String,
    /// The OAuth `error` code (RFC 6749 §5.2), when the server sent one.
    pub error: Option<String>,
    /// `error_description`, what came instead of a readable answer, or why nothing came.
    pub description: Option<String>,
    /// The HTTP status, when the server answered.
    pub status: Option<u16>,
}

/// A line of exchanges, read left to right: the subject, then whoever each hop let act.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct DelegationChain {
    /// The id of the token or refusal the line ends at.
    pub id: String,
    pub scenario_id: String,
    /// The subject first; `principals[i + 1]` is who hop `i` let act (or asked to).
    pub principals: Vec<ChainPrincipal>,
    pub hops: Vec<ChainHop>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum PrincipalKind {
    /// The subject: a person (or whoever `sub` names) the tokens are about.
    User,
    /// Named in `act`: acts for the subject.
    Actor,
    /// A client holding a token that does not name it (impersonation, a grant), or a subject
    /// that is a client itself.
    Client,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ChainPrincipal {
    pub name: String,
    pub kind: PrincipalKind,
    /// The token the principal holds in this chain (the subject's first token, the token a hop
    /// issued); for a refused hop, the actor token presented, if any.
    pub token_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ChainHop {
    pub step_id: String,
    pub step_name: String,
    pub kind: ExchangeKind,
    /// The issued token's `aud`; for a refused hop, the audience (else resource) requested.
    pub audience: Vec<String>,
    /// The issued token's scope; for a refused hop, the scope requested.
    pub scope: Vec<String>,
    pub subject_token_id: String,
    pub actor_token_id: Option<String>,
    /// `None` when the hop was refused.
    pub issued_token_id: Option<String>,
    /// Set when the hop was refused.
    pub refusal_id: Option<String>,
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
    /// No token came: the server refused, or could not be reached. The edge leads to a refusal.
    Refused,
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
        let mut graph = Graph::default();
        for run in runs {
            graph.extend(Graph::of_run(run));
        }
        graph
    }

    /// Adds another graph's nodes, edges, refusals and chains after this one's.
    pub fn extend(&mut self, other: Graph) {
        self.nodes.extend(other.nodes);
        self.edges.extend(other.edges);
        self.refusals.extend(other.refusals);
        self.chains.extend(other.chains);
    }

    /// Tokens in the order the run met them; an edge for the subject and the actor of every
    /// exchange that issued a token, or into the refusal of one that did not. A token met twice
    /// is one node.
    pub fn of_run(run: &RunRecord) -> Graph {
        let mut nodes: Vec<TokenNode> = Vec::new();
        let mut index: BTreeMap<String, usize> = BTreeMap::new();
        let mut edges = Vec::new();
        let mut refusals = Vec::new();
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
            let (to, kind) = match &step.token {
                None => match refusal(run, step) {
                    Some(r) => {
                        let id = r.id.clone();
                        refusals.push(r);
                        (id, ExchangeKind::Refused)
                    }
                    None => continue,
                },
                Some(_) if step.kind == StepKind::Inspect => continue,
                Some(issued) => {
                    if matches!(step.kind, StepKind::Token | StepKind::Exchange) {
                        add(&mut nodes, step, issued, true);
                    }
                    let kind = match (&issued.decoded, step.kind) {
                        // A first token made from a token: a JWT bearer grant.
                        (_, StepKind::Token) if !step.inputs.is_empty() => ExchangeKind::Grant,
                        (_, StepKind::Token) => continue,
                        (DecodedToken::Jwt(j), StepKind::Exchange)
                            if j.claims.contains_key("act") =>
                        {
                            ExchangeKind::Delegation
                        }
                        (_, StepKind::Exchange) => ExchangeKind::Impersonation,
                        _ => continue,
                    };
                    (node_id(run, issued), kind)
                }
            };
            for input in &step.inputs {
                let role = match input.role {
                    InputRole::Subject => EdgeRole::Subject,
                    InputRole::Actor => EdgeRole::Actor,
                    InputRole::Inspected => continue,
                };
                let from = node_id(run, &input.token);
                edges.push(ExchangeEdge {
                    id: format!("{}:{}:{}", step.id, role_name(role), from),
                    from,
                    to: to.clone(),
                    role,
                    kind,
                    step_id: step.id.clone(),
                });
            }
        }
        let chains = chains(run, &nodes, &edges, &refusals);
        Graph {
            nodes,
            edges,
            refusals,
            chains,
        }
    }
}

/// The refusal of a step that asked for a token from a token and got none: an OAuth error, an
/// unreadable answer, or no answer (its inputs were sent, or about to be). `None` for a step
/// that issued, was skipped, or never got as far as its tokens.
fn refusal(run: &RunRecord, step: &StepRecord) -> Option<RefusalNode> {
    let exchanging = match step.kind {
        StepKind::Exchange => true,
        StepKind::Token => !step.inputs.is_empty(),
        _ => false,
    };
    if !exchanging || step.status == StepStatus::Skipped {
        return None;
    }
    let (error, description, status) = match &step.response {
        Some(r) => match &r.outcome {
            Outcome::Success(_) => return None,
            Outcome::Error(e) => (
                Some(e.error.as_str().to_string()),
                e.error_description.clone(),
                Some(r.status),
            ),
            Outcome::Unreadable { problem, .. } => {
                (None, Some(problem.describe().to_string()), Some(r.status))
            }
        },
        None if !step.inputs.is_empty() => (None, step.error.clone(), None),
        None => return None,
    };
    Some(RefusalNode {
        id: format!("{}/refused:{}", run.scenario_id, step.id),
        scenario_id: run.scenario_id.clone(),
        step_id: step.id.clone(),
        step_name: step.name.clone(),
        error,
        description,
        status,
    })
}

/// One chain per line of subject edges, ending where no exchange took the token further (a
/// token, or a refusal), in the order the run reached those ends. A line with no exchange is no
/// chain.
fn chains(
    run: &RunRecord,
    nodes: &[TokenNode],
    edges: &[ExchangeEdge],
    refusals: &[RefusalNode],
) -> Vec<DelegationChain> {
    let token: BTreeMap<&str, &TokenNode> = nodes.iter().map(|n| (n.id.as_str(), n)).collect();
    let refused: BTreeMap<&str, &RefusalNode> =
        refusals.iter().map(|r| (r.id.as_str(), r)).collect();
    let mut subject_of: BTreeMap<&str, &ExchangeEdge> = BTreeMap::new();
    let mut actor_of: BTreeMap<&str, &str> = BTreeMap::new();
    let mut continued: BTreeSet<&str> = BTreeSet::new();
    for e in edges {
        match e.role {
            EdgeRole::Subject => {
                subject_of.entry(e.to.as_str()).or_insert(e);
                if e.from != e.to {
                    continued.insert(e.from.as_str());
                }
            }
            EdgeRole::Actor => {
                actor_of.entry(e.to.as_str()).or_insert(e.from.as_str());
            }
        }
    }
    let mut ends: Vec<&str> = Vec::new();
    for e in edges {
        let end = e.to.as_str();
        if e.role == EdgeRole::Subject && !continued.contains(end) && !ends.contains(&end) {
            ends.push(end);
        }
    }
    let mut chains = Vec::new();
    for end in ends {
        // Back along the subject edges to the first token; a token seen twice ends the walk.
        let mut path: Vec<&ExchangeEdge> = Vec::new();
        let mut seen: BTreeSet<&str> = BTreeSet::from([end]);
        let mut at = end;
        while let Some(e) = subject_of.get(at) {
            path.push(e);
            if !seen.insert(e.from.as_str()) {
                break;
            }
            at = e.from.as_str();
        }
        path.reverse();
        let Some(first) = path.first().and_then(|e| token.get(e.from.as_str())) else {
            continue;
        };
        let mut principals = subject(first);
        let mut hops = Vec::new();
        for e in path {
            let step = run.steps.iter().find(|s| s.id == e.step_id);
            let actor_token = actor_of.get(e.to.as_str()).copied();
            let actor = actor_token.and_then(|a| token.get(a)).copied();
            let asked_by = step.and_then(|s| request_field(s, "client_id").next());
            if let Some(r) = refused.get(e.to.as_str()) {
                let requested = |name| step.map(|s| request_field(s, name).collect::<Vec<_>>());
                let audience = requested("audience")
                    .filter(|a| !a.is_empty())
                    .or_else(|| requested("resource"))
                    .unwrap_or_default();
                let scope = requested("scope")
                    .unwrap_or_default()
                    .iter()
                    .flat_map(|s| s.split_whitespace().map(str::to_string))
                    .collect();
                principals.push(ChainPrincipal {
                    name: actor
                        .and_then(holder)
                        .or(asked_by)
                        .unwrap_or_else(|| "?".into()),
                    kind: if actor.is_some() {
                        PrincipalKind::Actor
                    } else {
                        PrincipalKind::Client
                    },
                    token_id: actor_token.map(str::to_string),
                });
                hops.push(ChainHop {
                    step_id: r.step_id.clone(),
                    step_name: r.step_name.clone(),
                    kind: ExchangeKind::Refused,
                    audience,
                    scope,
                    subject_token_id: e.from.clone(),
                    actor_token_id: actor_token.map(str::to_string),
                    issued_token_id: None,
                    refusal_id: Some(r.id.clone()),
                });
                continue;
            }
            let Some(issued) = token.get(e.to.as_str()) else {
                continue;
            };
            // Who the hop let act: the current actor the issued token names; where it names
            // none, whoever holds it (the actor token's subject, else the client).
            let (name, kind) = match (e.kind, issued.act_chain.first()) {
                (ExchangeKind::Delegation, Some(current)) => {
                    (Some(current.clone()), PrincipalKind::Actor)
                }
                _ => (
                    actor
                        .and_then(holder)
                        .or_else(|| issued.client_id.clone())
                        .or(asked_by),
                    PrincipalKind::Client,
                ),
            };
            principals.push(ChainPrincipal {
                name: name.unwrap_or_else(|| "?".into()),
                kind,
                token_id: Some(issued.id.clone()),
            });
            hops.push(ChainHop {
                step_id: e.step_id.clone(),
                step_name: issued.step_name.clone(),
                kind: e.kind,
                audience: issued.aud.clone(),
                scope: issued.scope.clone(),
                subject_token_id: e.from.clone(),
                actor_token_id: actor_token.map(str::to_string),
                issued_token_id: Some(issued.id.clone()),
                refusal_id: None,
            });
        }
        if hops.is_empty() {
            continue;
        }
        chains.push(DelegationChain {
            id: end.to_string(),
            scenario_id: run.scenario_id.clone(),
            principals,
            hops,
        });
    }
    chains
}

/// The principals a chain starts with: whom the first token is about, then any actors it
/// already names, earliest first.
fn subject(first: &TokenNode) -> Vec<ChainPrincipal> {
    let is_client = match (&first.sub, &first.client_id) {
        (Some(sub), Some(client)) => sub == client,
        (None, Some(_)) => true,
        _ => false,
    };
    let mut principals = vec![ChainPrincipal {
        name: holder(first).unwrap_or_else(|| "?".into()),
        kind: if is_client {
            PrincipalKind::Client
        } else {
            PrincipalKind::User
        },
        token_id: Some(first.id.clone()),
    }];
    principals.extend(first.act_chain.iter().rev().map(|a| ChainPrincipal {
        name: a.clone(),
        kind: PrincipalKind::Actor,
        token_id: Some(first.id.clone()),
    }));
    principals
}

/// Whom a token is about: `sub`, else its `client_id`.
fn holder(t: &TokenNode) -> Option<String> {
    t.sub.clone().or_else(|| t.client_id.clone())
}

/// The values of a form field of the step's request body (secrets there are already masked).
fn request_field<'a>(step: &'a StepRecord, name: &'a str) -> impl Iterator<Item = String> + 'a {
    step.request
        .iter()
        .filter_map(|r| r.body.as_deref())
        .flat_map(|b| url::form_urlencoded::parse(b.as_bytes()))
        .filter(move |(n, _)| n == name)
        .map(|(_, v)| v.into_owned())
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

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;
    use crate::http::{HttpResponse, Method, RecordedRequest};
    use crate::response::parse_token_response;
    use crate::scenario::engine::fingerprint;
    use crate::scenario::record::{InputToken, RunOutcome};

    fn token(claims: Value) -> TokenRecord {
        use base64::Engine;
        let b64 = |v: Value| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string());
        let raw = format!("{}.{}.c2ln", b64(json!({"alg": "ES256"})), b64(claims));
        TokenRecord {
            fingerprint: fingerprint(&raw),
            token: raw.clone(),
            token_type: Some(crate::token_type::ACCESS_TOKEN.to_string()),
            decoded: crate::jwt::decode(&raw),
            verification: None,
        }
    }

    fn step(id: &str, kind: StepKind, body: &str) -> StepRecord {
        StepRecord {
            id: id.into(),
            name: format!("step {id}"),
            kind,
            status: StepStatus::Passed,
            error: None,
            request: Some(RecordedRequest {
                method: Method::Post,
                url: "http://127.0.0.1:9/token".into(),
                headers: Vec::new(),
                body: Some(body.into()),
            }),
            response: None,
            sent_at: None,
            elapsed_ms: 1,
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

    fn answer(status: u16, body: Value) -> Option<crate::response::TokenResponse> {
        Some(parse_token_response(&HttpResponse {
            status,
            headers: vec![("content-type".into(), "application/json".into())],
            body: body.to_string().into_bytes(),
        }))
    }

    fn obtain(id: &str, t: &TokenRecord) -> StepRecord {
        StepRecord {
            token: Some(t.clone()),
            response: answer(
                200,
                json!({"access_token": t.token, "token_type": "Bearer"}),
            ),
            ..step(id, StepKind::Token, "grant_type=client_credentials")
        }
    }

    fn input(role: InputRole, t: &TokenRecord) -> InputToken {
        InputToken {
            role,
            from_step: None,
            token: t.clone(),
        }
    }

    fn exchange(
        id: &str,
        subject: &TokenRecord,
        actor: Option<&TokenRecord>,
        issued: &TokenRecord,
    ) -> StepRecord {
        let mut inputs = vec![input(InputRole::Subject, subject)];
        inputs.extend(actor.map(|a| input(InputRole::Actor, a)));
        StepRecord {
            inputs,
            token: Some(issued.clone()),
            response: answer(
                200,
                json!({"access_token": issued.token, "token_type": "Bearer"}),
            ),
            ..step(
                id,
                StepKind::Exchange,
                "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Atoken-exchange",
            )
        }
    }

    fn run(steps: Vec<StepRecord>) -> RunRecord {
        RunRecord {
            record_version: 1,
            collection: "demo".into(),
            scenario_id: "agents".into(),
            scenario_name: "Agents".into(),
            environment: None,
            started_at: 0,
            elapsed_ms: 1,
            outcome: RunOutcome::Passed,
            steps,
        }
    }

    fn own(client: &str) -> TokenRecord {
        token(json!({"sub": client, "client_id": client, "aud": "sts"}))
    }

    /// The demo's scenario 6: bob's token, then three delegations, each adding an actor.
    fn three_hops() -> RunRecord {
        let bob = token(
            json!({"sub": "bob", "client_id": "web-app", "aud": "planner-agent",
            "scope": "trips:plan flights:book payments:charge", "may_act": {"sub": "planner-agent"}}),
        );
        let (planner, flight, payment) = (
            own("planner-agent"),
            own("flight-agent"),
            own("payment-agent"),
        );
        let hop1 = token(json!({"sub": "bob", "aud": "flight-agent",
            "scope": "flights:book payments:charge", "act": {"sub": "planner-agent"}}));
        let hop2 = token(
            json!({"sub": "bob", "aud": "payment-agent", "scope": "payments:charge",
            "act": {"sub": "flight-agent", "act": {"sub": "planner-agent"}}}),
        );
        let hop3 = token(
            json!({"sub": "bob", "aud": "payments-api", "scope": "payments:charge",
            "act": {"sub": "payment-agent", "act": {"sub": "flight-agent",
                "act": {"sub": "planner-agent"}}}}),
        );
        run(vec![
            obtain("bob", &bob),
            obtain("planner", &planner),
            exchange("hop-1", &bob, Some(&planner), &hop1),
            obtain("flight", &flight),
            exchange("hop-2", &hop1, Some(&flight), &hop2),
            obtain("payment", &payment),
            exchange("hop-3", &hop2, Some(&payment), &hop3),
        ])
    }

    fn names(chain: &DelegationChain) -> Vec<&str> {
        chain.principals.iter().map(|p| p.name.as_str()).collect()
    }

    #[test]
    fn three_delegations_read_as_four_principals_in_order() {
        let record = three_hops();
        let graph = Graph::of_run(&record);
        assert_eq!(graph.chains.len(), 1, "{:#?}", graph.chains);
        let chain = &graph.chains[0];
        assert_eq!(
            names(chain),
            ["bob", "planner-agent", "flight-agent", "payment-agent"]
        );
        let kinds: Vec<PrincipalKind> = chain.principals.iter().map(|p| p.kind).collect();
        assert_eq!(
            kinds,
            [
                PrincipalKind::User,
                PrincipalKind::Actor,
                PrincipalKind::Actor,
                PrincipalKind::Actor
            ]
        );
        let steps: Vec<&str> = chain.hops.iter().map(|h| h.step_id.as_str()).collect();
        assert_eq!(steps, ["hop-1", "hop-2", "hop-3"]);
        assert!(
            chain
                .hops
                .iter()
                .all(|h| h.kind == ExchangeKind::Delegation)
        );
        assert_eq!(chain.hops[0].audience, ["flight-agent"]);
        assert_eq!(chain.hops[2].audience, ["payments-api"]);
        assert_eq!(chain.hops[0].scope, ["flights:book", "payments:charge"]);
        // Each principal after the subject holds the token its hop issued; the chain ends at
        // the last one.
        let hop3 = node_id(&record, record.steps[6].token.as_ref().expect("issued"));
        assert_eq!(chain.id, hop3);
        assert_eq!(chain.principals[3].token_id.as_deref(), Some(hop3.as_str()));
        assert_eq!(
            chain.hops[2].issued_token_id.as_deref(),
            Some(hop3.as_str())
        );
        let payment = node_id(&record, record.steps[5].token.as_ref().expect("issued"));
        assert_eq!(chain.hops[2].actor_token_id.as_deref(), Some(&*payment));
        let bob = node_id(&record, record.steps[0].token.as_ref().expect("issued"));
        assert_eq!(chain.principals[0].token_id.as_deref(), Some(&*bob));
    }

    #[test]
    fn an_impersonation_hop_names_the_client_that_holds_the_token() {
        let alice = token(json!({"sub": "alice", "aud": "gateway", "scope": "orders:read"}));
        let backend = token(
            json!({"sub": "alice", "aud": "orders", "scope": "orders:read",
            "client_id": "gateway"}),
        );
        let graph = Graph::of_run(&run(vec![
            obtain("login", &alice),
            exchange("swap", &alice, None, &backend),
        ]));
        let chain = &graph.chains[0];
        assert_eq!(names(chain), ["alice", "gateway"]);
        assert_eq!(chain.principals[1].kind, PrincipalKind::Client);
        assert_eq!(chain.hops[0].kind, ExchangeKind::Impersonation);
        assert_eq!(chain.hops[0].audience, ["orders"]);
    }

    #[test]
    fn a_client_subject_is_a_client_and_a_token_already_acted_for_keeps_its_actors() {
        let svc = own("batch-job");
        let carried = token(json!({"sub": "carol", "act": {"sub": "portal"}}));
        let next = token(json!({"sub": "carol", "act": {"sub": "batch-job",
            "act": {"sub": "portal"}}}));
        let graph = Graph::of_run(&run(vec![
            obtain("svc", &svc),
            exchange("on", &carried, Some(&svc), &next),
        ]));
        assert_eq!(names(&graph.chains[0]), ["carol", "portal", "batch-job"]);
        let solo = Graph::of_run(&run(vec![
            obtain("svc", &svc),
            exchange("down", &svc, None, &own("batch-job-2")),
        ]));
        assert_eq!(solo.chains[0].principals[0].kind, PrincipalKind::Client);
    }

    #[test]
    fn a_refused_exchange_is_a_refusal_node_its_inputs_lead_into() {
        let mut record = three_hops();
        let hop2 = record.steps[4].token.clone().expect("issued");
        let payment = record.steps[5].token.clone().expect("issued");
        let refused = &mut record.steps[6];
        refused.token = None;
        refused.status = StepStatus::Failed;
        refused.response = answer(
            400,
            json!({"error": "invalid_target", "error_description": "payments-api is not allowed"}),
        );
        refused.request = Some(RecordedRequest {
            method: Method::Post,
            url: "http://127.0.0.1:9/token".into(),
            headers: Vec::new(),
            body: Some("audience=payments-api&scope=payments%3Acharge+payments%3Arefund".into()),
        });
        let graph = Graph::of_run(&record);

        assert_eq!(graph.refusals.len(), 1);
        let r = &graph.refusals[0];
        assert_eq!(r.step_id, "hop-3");
        assert_eq!(r.error.as_deref(), Some("invalid_target"));
        assert_eq!(
            r.description.as_deref(),
            Some("payments-api is not allowed")
        );
        assert_eq!(r.status, Some(400));
        let into: Vec<(&str, EdgeRole, ExchangeKind)> = graph
            .edges
            .iter()
            .filter(|e| e.to == r.id)
            .map(|e| (e.from.as_str(), e.role, e.kind))
            .collect();
        assert_eq!(
            into,
            [
                (
                    &*node_id(&record, &hop2),
                    EdgeRole::Subject,
                    ExchangeKind::Refused
                ),
                (
                    &*node_id(&record, &payment),
                    EdgeRole::Actor,
                    ExchangeKind::Refused
                ),
            ]
        );
        assert!(!graph.nodes.iter().any(|n| n.id == r.id));

        // The chain ends at the refusal: the hop asked for, and who asked.
        let chain = &graph.chains[0];
        assert_eq!(chain.id, r.id);
        assert_eq!(
            names(chain),
            ["bob", "planner-agent", "flight-agent", "payment-agent"]
        );
        let last = &chain.hops[2];
        assert_eq!(last.kind, ExchangeKind::Refused);
        assert_eq!(last.issued_token_id, None);
        assert_eq!(last.refusal_id.as_deref(), Some(r.id.as_str()));
        assert_eq!(last.audience, ["payments-api"]);
        assert_eq!(last.scope, ["payments:charge", "payments:refund"]);
    }

    #[test]
    fn an_unreachable_server_is_a_refusal_but_a_skipped_step_is_not() {
        let mut record = three_hops();
        let down = &mut record.steps[6];
        down.token = None;
        down.response = None;
        down.status = StepStatus::Error;
        down.error = Some("could not reach http://127.0.0.1:9/token: connection refused".into());
        let mut skipped = step("after", StepKind::Exchange, "");
        skipped.status = StepStatus::Skipped;
        record.steps.push(skipped);
        let graph = Graph::of_run(&record);
        assert_eq!(graph.refusals.len(), 1);
        assert_eq!(graph.refusals[0].error, None);
        assert_eq!(graph.refusals[0].status, None);
        assert!(
            graph.refusals[0]
                .description
                .as_deref()
                .is_some_and(|d| d.contains("connection refused"))
        );
        assert_eq!(
            graph
                .edges
                .iter()
                .filter(|e| e.kind == ExchangeKind::Refused)
                .count(),
            2
        );
    }

    #[test]
    fn a_branch_makes_one_chain_per_end_and_an_old_report_reads_without_chains() {
        let mut record = three_hops();
        let hop1 = record.steps[2].token.clone().expect("issued");
        let side = token(json!({"sub": "bob", "aud": "hotel-agent", "client_id": "hotels"}));
        record.steps.push(exchange("side", &hop1, None, &side));
        let graph = Graph::of_run(&record);
        let ends: Vec<Vec<&str>> = graph.chains.iter().map(names).collect();
        assert_eq!(
            ends,
            [
                vec!["bob", "planner-agent", "flight-agent", "payment-agent"],
                vec!["bob", "planner-agent", "hotels"],
            ]
        );

        let old = json!({"nodes": [], "edges": []});
        let read: Graph = serde_json::from_value(old).expect("an old graph reads");
        assert!(read.chains.is_empty() && read.refusals.is_empty());
    }
}
