//! One exchange step run both ways: as delegation (with an actor token, so the issued token
//! names the actor in `act`) and as impersonation (without one), for the app's side-by-side
//! comparison. Each variant is an ordinary scenario the engine runs; what was changed from the
//! saved step is said in plain words, so nobody mistakes a variant for what they saved.

use crate::scenario::model::{
    Action, Collection, ExchangeStep, FirstGrant, Scenario, Step, StepKind, TokenStep,
};
use crate::scenario::record::StepRecord;
use crate::scenario::token_diff::{TokenDiff, token_diff};

/// The id given to the step that fetches an actor token when the compared step has none;
/// `-2`, `-3`, … are appended when the scenario already has a step by that id.
const ACTOR_STEP: &str = "compare-actor";

/// The two scenarios to run to compare one exchange step as delegation and as impersonation.
#[derive(Debug, Clone, PartialEq)]
pub struct CompareVariants {
    /// The scenario up to the compared step, which sends an actor token.
    pub delegation: Scenario,
    /// The scenario up to the compared step, which sends no actor token.
    pub impersonation: Scenario,
    /// the compared step's id in both variants
    pub step_id: String,
    /// how each variant differs from the saved step, in plain words for the UI, e.g.
    /// "actor_token removed", "actor_token added: travel-assistant's own client_credentials
    /// token (new step compare-actor)", "the step's assertions are left out: they describe one
    /// mode"
    pub delegation_changes: Vec<String>,
    pub impersonation_changes: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum CompareError {
    #[error("scenario {scenario:?} has no step {step:?}; its steps are: {}", known_steps(.steps))]
    StepNotFound {
        scenario: String,
        step: String,
        steps: Vec<String>,
    },
    #[error(
        "step {step:?} of scenario {scenario:?} is a {} step; only an exchange can be compared as delegation and impersonation",
        .kind.as_str()
    )]
    NotAnExchange {
        scenario: String,
        step: String,
        kind: StepKind,
    },
    #[error(
        "step {step:?} exchanges as client {client:?}, which is not in the collection, so no actor token can be fetched for it"
    )]
    UnknownClient { step: String, client: String },
}

fn known_steps(steps: &[String]) -> String {
    if steps.is_empty() {
        "none".to_string()
    } else {
        steps.join(", ")
    }
}

/// `scenario` cut after the exchange step `step_id`, twice: once with an actor token and once
/// without. A step that already sends an actor token keeps it for delegation; one that does not
/// gets a new `client_credentials` step just before it, for its own client, whose access token
/// becomes the actor token. Both variants leave out the compared step's assertions, which were
/// written for one of the two modes; the engine still requires the exchange to succeed, so a
/// refusal shows as a failed step. Earlier steps keep their assertions.
pub fn variants(
    collection: &Collection,
    scenario: &Scenario,
    step_id: &str,
) -> Result<CompareVariants, CompareError> {
    let index = scenario
        .steps
        .iter()
        .position(|s| s.id == step_id)
        .ok_or_else(|| CompareError::StepNotFound {
            scenario: scenario.id.clone(),
            step: step_id.to_string(),
            steps: scenario.steps.iter().map(|s| s.id.clone()).collect(),
        })?;
    let step = &scenario.steps[index];
    let Action::Exchange(exchange) = &step.action else {
        return Err(CompareError::NotAnExchange {
            scenario: scenario.id.clone(),
            step: step.id.clone(),
            kind: step.action.kind(),
        });
    };
    if collection.client(&exchange.client).is_none() {
        return Err(CompareError::UnknownClient {
            step: step.id.clone(),
            client: exchange.client.clone(),
        });
    }

    let earlier = &scenario.steps[..index];
    let later: Vec<&str> = scenario.steps[index + 1..]
        .iter()
        .map(|s| s.id.as_str())
        .collect();
    let mut common_changes = Vec::new();
    if !step.assertions.is_empty() {
        common_changes
            .push("the step's assertions are left out: they describe one mode".to_string());
    }
    if !later.is_empty() {
        common_changes.push(format!("later steps are left out: {}", later.join(", ")));
    }

    // Delegation.
    let mut delegation_steps = earlier.to_vec();
    let mut delegation_exchange = exchange.clone();
    let mut delegation_changes = Vec::new();
    if exchange.actor_token.is_none() {
        let actor_id = free_id(scenario);
        delegation_steps.push(actor_step(&actor_id, &exchange.client));
        delegation_exchange.actor_token = Some(format!("{{{{steps.{actor_id}.access_token}}}}"));
        delegation_exchange.actor_token_type = Some("access_token".to_string());
        delegation_changes.push(format!(
            "actor_token added: {}'s own client_credentials token (new step {actor_id})",
            exchange.client
        ));
    }
    delegation_steps.push(compared(step, delegation_exchange));
    delegation_changes.extend(common_changes.iter().cloned());

    // Impersonation.
    let mut impersonation_steps = earlier.to_vec();
    let mut impersonation_exchange = exchange.clone();
    let mut impersonation_changes = Vec::new();
    let removed = match (
        impersonation_exchange.actor_token.take(),
        impersonation_exchange.actor_token_type.take(),
    ) {
        (Some(_), Some(_)) => Some("actor_token and actor_token_type removed"),
        (Some(_), None) => Some("actor_token removed"),
        (None, Some(_)) => Some("actor_token_type removed"),
        (None, None) => None,
    };
    impersonation_changes.extend(removed.map(str::to_string));
    impersonation_steps.push(compared(step, impersonation_exchange));
    impersonation_changes.extend(common_changes);

    let variant = |steps: Vec<Step>, mode: &str| Scenario {
        id: scenario.id.clone(),
        name: format!("{} (step {} as {mode})", scenario.name, step.id),
        description: scenario.description.clone(),
        steps,
        cache: false,
        cache_margin_secs: None,
    };
    Ok(CompareVariants {
        delegation: variant(delegation_steps, "delegation"),
        impersonation: variant(impersonation_steps, "impersonation"),
        step_id: step.id.clone(),
        delegation_changes,
        impersonation_changes,
    })
}

/// The issued tokens of the two variants' compared step, impersonation as "before" and
/// delegation as "after", so `act_added` says what the actor token changed. `None` unless both
/// issued a JWT.
pub fn compare_tokens(impersonation: &StepRecord, delegation: &StepRecord) -> Option<TokenDiff> {
    let before = impersonation.token.as_ref()?.decoded.jwt()?;
    let after = delegation.token.as_ref()?.decoded.jwt()?;
    Some(token_diff(before, after))
}

/// The compared step with `exchange` as its action and no assertions.
fn compared(step: &Step, exchange: ExchangeStep) -> Step {
    Step {
        id: step.id.clone(),
        name: step.name.clone(),
        notes: step.notes.clone(),
        action: Action::Exchange(exchange),
        assertions: Vec::new(),
        retry: step.retry,
        cache: None,
        cache_margin_secs: None,
        repeat: None,
    }
}

/// A `client_credentials` step for `client`, whose token is the actor token.
fn actor_step(id: &str, client: &str) -> Step {
    Step {
        id: id.to_string(),
        name: format!("{client}'s own token, as the actor (added for the comparison)"),
        notes: None,
        action: Action::Token(TokenStep {
            client: client.to_string(),
            grant: FirstGrant::ClientCredentials,
            ..TokenStep::default()
        }),
        assertions: Vec::new(),
        retry: None,
        cache: None,
        cache_margin_secs: None,
        repeat: None,
    }
}

/// `compare-actor`, or the first of `compare-actor-2`, `compare-actor-3`, … that no step of
/// the scenario has.
fn free_id(scenario: &Scenario) -> String {
    let taken = |id: &str| scenario.steps.iter().any(|s| s.id == id);
    if !taken(ACTOR_STEP) {
        return ACTOR_STEP.to_string();
    }
    (2..)
        .map(|n| format!("{ACTOR_STEP}-{n}"))
        .find(|id| !taken(id))
        .unwrap_or_else(|| ACTOR_STEP.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::AuthMethod;
    use crate::scenario::model::{Assertion, Client};

    fn exchange(actor: bool) -> ExchangeStep {
        ExchangeStep {
            client: "svc".into(),
            subject_token: "{{steps.login.access_token}}".into(),
            subject_token_type: "access_token".into(),
            actor_token: actor.then(|| "{{steps.own.access_token}}".into()),
            actor_token_type: actor.then(|| "access_token".into()),
            requested_token_type: None,
            audience: vec!["api".into()],
            resource: Vec::new(),
            scope: None,
            params: Default::default(),
            omit: Vec::new(),
        }
    }

    fn step(id: &str, action: Action, assertions: Vec<Assertion>) -> Step {
        Step {
            id: id.into(),
            name: id.into(),
            notes: None,
            action,
            assertions,
            retry: None,
            cache: None,
            cache_margin_secs: None,
            repeat: None,
        }
    }

    fn collection() -> Collection {
        Collection {
            probe: None,
            name: "c".into(),
            description: None,
            servers: Vec::new(),
            clients: vec![Client {
                id: "svc".into(),
                server: "lab".into(),
                client_id: "svc".into(),
                auth: AuthMethod::None,
                secret: None,
                private_key: None,
                key_id: None,
                dpop: false,
                dpop_key: None,
                certificate: None,
                certificate_key: None,
            }],
            environments: Vec::new(),
            scenarios: Vec::new(),
        }
    }

    /// login, (compare-actor as an unrelated step when `clash`), swap, after.
    fn scenario(actor: bool, clash: bool) -> Scenario {
        let login = actor_step("login", "svc");
        let mut steps = vec![step(
            "login",
            login.action,
            vec![Assertion::AudContains("svc".into())],
        )];
        if clash {
            steps.push(actor_step("compare-actor", "svc"));
        }
        steps.push(step(
            "swap",
            Action::Exchange(exchange(actor)),
            vec![Assertion::ActDepth(1)],
        ));
        steps.push(actor_step("after", "svc"));
        Scenario {
            id: "s".into(),
            name: "S".into(),
            description: None,
            steps,
            cache: false,
            cache_margin_secs: None,
        }
    }

    fn ids(s: &Scenario) -> Vec<&str> {
        s.steps.iter().map(|s| s.id.as_str()).collect()
    }

    fn exchange_of<'a>(s: &'a Scenario, id: &str) -> &'a ExchangeStep {
        match s.steps.iter().find(|s| s.id == id).map(|s| &s.action) {
            Some(Action::Exchange(e)) => e,
            other => panic!("{id} is not an exchange: {other:?}"),
        }
    }

    #[test]
    fn a_step_with_an_actor_keeps_it_for_delegation_and_loses_it_for_impersonation() {
        let v = variants(&collection(), &scenario(true, false), "swap").expect("variants");
        assert_eq!(ids(&v.delegation), ["login", "swap"]);
        assert_eq!(ids(&v.impersonation), ["login", "swap"]);
        assert_eq!(exchange_of(&v.delegation, "swap"), &exchange(true));
        let imp = exchange_of(&v.impersonation, "swap");
        assert_eq!((&imp.actor_token, &imp.actor_token_type), (&None, &None));
        assert_eq!(imp.audience, ["api"]);
        assert_eq!(
            v.delegation_changes,
            [
                "the step's assertions are left out: they describe one mode",
                "later steps are left out: after",
            ]
        );
        assert_eq!(
            v.impersonation_changes[0],
            "actor_token and actor_token_type removed"
        );
        for s in [&v.delegation, &v.impersonation] {
            assert!(s.steps[1].assertions.is_empty());
            assert_eq!(s.steps[0].assertions.len(), 1, "earlier steps keep theirs");
        }
        assert_eq!(v.step_id, "swap");
    }

    #[test]
    fn a_step_without_an_actor_gets_a_client_credentials_actor_step_for_delegation() {
        let v = variants(&collection(), &scenario(false, false), "swap").expect("variants");
        assert_eq!(ids(&v.delegation), ["login", "compare-actor", "swap"]);
        assert_eq!(ids(&v.impersonation), ["login", "swap"]);
        let Action::Token(t) = &v.delegation.steps[1].action else {
            panic!("not a token step");
        };
        assert_eq!(
            (t.client.as_str(), t.grant),
            ("svc", FirstGrant::ClientCredentials)
        );
        let del = exchange_of(&v.delegation, "swap");
        assert_eq!(
            del.actor_token.as_deref(),
            Some("{{steps.compare-actor.access_token}}")
        );
        assert_eq!(del.actor_token_type.as_deref(), Some("access_token"));
        assert_eq!(
            v.delegation_changes[0],
            "actor_token added: svc's own client_credentials token (new step compare-actor)"
        );
        assert!(
            !v.impersonation_changes.iter().any(|c| c.contains("actor")),
            "{:?}",
            v.impersonation_changes
        );
    }

    #[test]
    fn the_inserted_step_does_not_take_an_id_already_used() {
        let v = variants(&collection(), &scenario(false, true), "swap").expect("variants");
        assert_eq!(
            ids(&v.delegation),
            ["login", "compare-actor", "compare-actor-2", "swap"]
        );
        assert_eq!(
            exchange_of(&v.delegation, "swap").actor_token.as_deref(),
            Some("{{steps.compare-actor-2.access_token}}")
        );
    }

    #[test]
    fn an_unknown_step_lists_the_steps_and_a_token_step_says_its_kind() {
        let err = variants(&collection(), &scenario(true, false), "nope").expect_err("no step");
        assert_eq!(
            err.to_string(),
            "scenario \"s\" has no step \"nope\"; its steps are: login, swap, after"
        );
        let err = variants(&collection(), &scenario(true, false), "login").expect_err("a token");
        assert!(
            err.to_string()
                .contains("\"login\" of scenario \"s\" is a token step; only an exchange"),
            "{err}"
        );
        let mut other = collection();
        other.clients.clear();
        let err = variants(&other, &scenario(true, false), "swap").expect_err("no client");
        assert!(err.to_string().contains("client \"svc\""), "{err}");
    }
}
