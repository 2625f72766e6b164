//! RFC 8693 token exchange: validate the subject (and actor) token, decide delegation or
//! impersonation, honour `may_act`, narrow audience and scope, build the `act` chain.

use serde_json::{Map, Value, json};

use super::target::{audience_scopes, narrow_scope, parse_scope, resolve_audiences};
use super::{GRANT_LIFETIME_SECS, Granted, may_act_claim, user_claims};
use crate::errors::OAuthError;
use crate::form::Form;
use crate::lab::Lab;
use crate::policy::Client;
use crate::text::quoted;
use crate::tokens::{
    TYPE_ACCESS_TOKEN, TYPE_ID_JAG, TYPE_ID_TOKEN, TYPE_JWT, TYPE_SAML2, TokenKind, TokenSpec,
    Verified,
};

/// Token types the lab accepts as an actor: all of them mean "one of the lab's JWTs".
const ACCEPTED_INPUT_TYPES: &[&str] = &[TYPE_ACCESS_TOKEN, TYPE_JWT, TYPE_ID_TOKEN];
/// A subject token may also be one of the lab's SAML 2.0 assertions.
const ACCEPTED_SUBJECT_TYPES: &[&str] = &[TYPE_ACCESS_TOKEN, TYPE_JWT, TYPE_ID_TOKEN, TYPE_SAML2];

pub(super) fn grant(lab: &Lab, client: &Client, form: &Form) -> Result<Granted, OAuthError> {
    let subject_token = form.required("subject_token")?;
    let subject_type = form.required("subject_token_type")?;
    // RFC 8693 §2.1: actor_token_type is required with actor_token and forbidden without it.
    let actor = match (
        form.single("actor_token")?,
        form.single("actor_token_type")?,
    ) {
        (Some(token), Some(kind)) => Some((token, kind)),
        (None, None) => None,
        (Some(_), None) => {
            return Err(OAuthError::invalid_request(
                "actor_token_type is required when actor_token is present",
            ));
        }
        (None, Some(_)) => {
            return Err(OAuthError::invalid_request(
                "actor_token_type was sent without an actor_token",
            ));
        }
    };
    let requested_kind = match form.single("requested_token_type")? {
        None => TokenKind::AccessToken,
        Some(uri) => TokenKind::from_uri(uri).ok_or_else(|| {
            OAuthError::invalid_request(format!(
                "cannot issue requested_token_type {}: the lab issues access_token, jwt, id_token, refresh_token, id-jag and saml2",
                quoted(uri)
            ))
        })?,
    };
    check_input_type("subject_token_type", subject_type, ACCEPTED_SUBJECT_TYPES)?;
    if let Some((_, kind)) = actor {
        check_input_type("actor_token_type", kind, ACCEPTED_INPUT_TYPES)?;
    }

    // Whether this client may exchange this way at all, before looking at the tokens.
    let id = &client.client_id;
    if actor.is_some() && !client.may_delegate {
        return Err(OAuthError::unauthorized_client(format!(
            "client {id:?} may not delegate: the policy does not let it exchange with an actor_token"
        )));
    }
    if actor.is_none() && !client.may_impersonate {
        return Err(OAuthError::unauthorized_client(format!(
            "client {id:?} may not impersonate: the policy requires an actor_token (delegation) from it"
        )));
    }

    let checks = &lab.checks();
    let subject = if subject_type == TYPE_SAML2 {
        lab.verify_saml(subject_token)
    } else {
        lab.verify_jwt(subject_token)
    }
    .map_err(|why| {
        OAuthError::invalid_request(format!("subject_token is not acceptable: {why}"))
    })?;
    if checks.token_type_matches {
        check_declared_type("subject", subject_type, &subject)?;
    }
    let actor = match actor {
        Some((token, kind)) => {
            let actor = lab.verify_jwt(token).map_err(|why| {
                OAuthError::invalid_request(format!("actor_token is not acceptable: {why}"))
            })?;
            if checks.token_type_matches {
                check_declared_type("actor", kind, &actor)?;
            }
            if checks.actor_bound_to_client {
                check_actor_bound_to(&actor, id)?;
            }
            if checks.actor_not_subject && actor.sub() == subject.sub() {
                return Err(OAuthError::invalid_request(format!(
                    "the actor_token is about {:?}, the subject itself: a party cannot act for itself",
                    actor.sub()
                )));
            }
            Some(actor)
        }
        None => None,
    };
    let prior_depth = match subject.act() {
        Some(act) => act_depth(act).map_err(|why| {
            OAuthError::invalid_request(format!("subject_token has a malformed act claim: {why}"))
        })?,
        None => 0,
    };

    // RFC 8693 §4.4: the subject token may name who is allowed to act for its subject.
    if checks.may_act_enforced
        && let Some(may_act) = subject.may_act()
    {
        let (role, who, iss) = match &actor {
            Some(a) => ("actor", a.sub().to_owned(), a.iss().to_owned()),
            None => ("client", id.clone(), lab.issuer.clone()),
        };
        let allowed = may_act_allows(may_act, &who, &iss).map_err(|why| {
            OAuthError::invalid_request(format!(
                "subject_token has a malformed may_act claim: {why}"
            ))
        })?;
        if !allowed {
            return Err(OAuthError::invalid_request(format!(
                "{role} {who:?} is not named in the subject token's may_act ({may_act})"
            )));
        }
    }
    // The actor token's own binding is `actor_bound_to_client`: it proves who acts, whatever
    // its audience.
    if checks.subject_audience {
        check_subject_meant_for(client, &subject)?;
    }

    let aud = resolve_audiences(
        &lab.policy,
        client,
        &form.all("audience"),
        &form.all("resource"),
    )?;
    let cross_domain = check_cross_domain(lab, &aud, requested_kind)?;
    let allowed = audience_scopes(&lab.policy, &aud);
    let requested = parse_scope(form.single("scope")?)?;
    let scopes = narrow_scope(
        requested.as_deref(),
        &subject.scopes(),
        "the subject token",
        &allowed,
        &aud,
    )?;

    let (act, depth) = match &actor {
        Some(a) => (Some(delegation_act(a, &subject)), prior_depth + 1),
        // Impersonation adds no actor; prior actors stay on record.
        None => (subject.act().cloned(), prior_depth),
    };
    if depth > lab.policy.max_chain_depth {
        return Err(OAuthError::invalid_request(format!(
            "the issued token's act chain would be {depth} deep, more than the policy's max_chain_depth of {}",
            lab.policy.max_chain_depth
        )));
    }

    // Who may act next: the client's own policy decides if it has a may_act; otherwise the
    // subject's restriction travels on, so a later hop cannot escape what the user allowed.
    let may_act = match &client.may_act {
        Some(m) => Some(may_act_claim(m)),
        None if checks.may_act_carried => subject.may_act().cloned(),
        None => None,
    };
    let mut spec = TokenSpec {
        sub: subject.sub().to_owned(),
        client_id: id.clone(),
        aud,
        scopes,
        act,
        may_act,
        extra: Map::new(),
        // The new token must not outlive the one it was exchanged for.
        not_after: Some(subject.exp()),
    };
    if cross_domain {
        // A grant for another domain (identity chaining, ID-JAG): short-lived, about the user
        // (their claims travel), and naming no one who may act next here.
        spec.extra = user_claims(&subject.claims);
        spec.may_act = None;
        let short = lab.clock.now().saturating_add(GRANT_LIFETIME_SECS);
        spec.not_after = Some(subject.exp().min(short));
        if requested_kind == TokenKind::IdJag {
            // The ID-JAG's claims are the draft's: no act chain.
            spec.act = None;
            match form.all("resource").as_slice() {
                [] => {}
                [one] => {
                    spec.extra.insert("resource".into(), json!(one));
                }
                many => {
                    spec.extra.insert("resource".into(), json!(many));
                }
            }
        }
    }
    if requested_kind == TokenKind::Saml2 {
        // A SAML relying party reads the user's attributes from the assertion itself.
        spec.extra = user_claims(&subject.claims);
        spec.may_act = None;
    }
    if matches!(
        requested_kind,
        TokenKind::AccessToken | TokenKind::RefreshToken
    ) {
        super::bind_token(&mut spec, form);
    }
    let token = match requested_kind {
        TokenKind::RefreshToken => lab.mint_refresh(&spec),
        TokenKind::Saml2 => lab.mint_saml(&spec)?,
        kind => lab.mint_jwt(&spec, kind)?,
    };
    Ok(Granted {
        token,
        refresh_token: None,
        exchange: true,
    })
}

/// Whether the exchange is for another domain's authorization server (an audience with
/// `authorization_server = true`). Such a token is a JWT authorization grant (`jwt`, identity
/// chaining) or an ID-JAG, addressed to that domain alone; an ID-JAG is for nothing else.
fn check_cross_domain(lab: &Lab, aud: &[String], kind: TokenKind) -> Result<bool, OAuthError> {
    let domains: Vec<&str> = aud
        .iter()
        .filter_map(|a| lab.policy.audience(a))
        .filter(|a| a.authorization_server)
        .map(|a| a.name.as_str())
        .collect();
    let named = aud
        .iter()
        .map(|a| format!("{a:?}"))
        .collect::<Vec<_>>()
        .join(", ");
    if domains.is_empty() {
        if kind == TokenKind::IdJag {
            return Err(OAuthError::invalid_target(format!(
                "an ID-JAG is issued only for another domain's authorization server (an audience with authorization_server = true), and {named} is not one"
            )));
        }
        return Ok(false);
    }
    if aud.len() > 1 {
        return Err(OAuthError::invalid_target(format!(
            "a grant for another domain is addressed to that domain's authorization server alone; the request names {named}"
        )));
    }
    match kind {
        TokenKind::Jwt | TokenKind::IdJag => Ok(true),
        _ => Err(OAuthError::invalid_request(format!(
            "audience {named} is another domain's authorization server: ask for requested_token_type {TYPE_JWT} (a JWT authorization grant, identity chaining) or {TYPE_ID_JAG}"
        ))),
    }
}

fn check_input_type(param: &str, uri: &str, accepted: &[&str]) -> Result<(), OAuthError> {
    if accepted.contains(&uri) {
        Ok(())
    } else {
        Err(OAuthError::invalid_request(format!(
            "{param} {} is not supported: the lab accepts its own tokens as {}",
            quoted(uri),
            accepted.join(", ")
        )))
    }
}

/// `token_type_matches`: an `access_token` must be an access token (`typ` `at+jwt`, RFC 9068),
/// an `id_token` must not be one and must have an ID token's claims (OpenID Connect Core §2);
/// `jwt` is any of the lab's JWTs.
fn check_declared_type(role: &str, declared: &str, token: &Verified) -> Result<(), OAuthError> {
    let typ = token.typ.as_deref().unwrap_or("none");
    let mismatch = match declared {
        TYPE_ACCESS_TOKEN if !token.is_access_token() => Some(format!(
            "{role}_token_type is {TYPE_ACCESS_TOKEN}, but the {role}_token is not an access token (its typ is {}, not at+jwt)",
            quoted(typ)
        )),
        TYPE_ID_TOKEN if token.is_access_token() => Some(format!(
            "{role}_token_type is {TYPE_ID_TOKEN}, but the {role}_token is an access token (typ at+jwt), not an ID token"
        )),
        TYPE_ID_TOKEN => ["aud", "iat"]
            .into_iter()
            .find(|c| !token.claims.contains_key(*c))
            .map(|missing| {
                format!(
                    "{role}_token_type is {TYPE_ID_TOKEN}, but the {role}_token has no {missing} claim, which an ID token must have"
                )
            }),
        _ => None,
    };
    match mismatch {
        Some(why) => Err(OAuthError::invalid_request(why)),
        None => Ok(()),
    }
}

/// `actor_bound_to_client`: the actor token is the presenting client's own (its `sub` or
/// `client_id`), or names the client in its `aud`. Otherwise a client could act as anyone whose
/// token it has seen.
fn check_actor_bound_to(actor: &Verified, client_id: &str) -> Result<(), OAuthError> {
    let bound = actor.sub() == client_id
        || actor.client_id() == Some(client_id)
        || actor.audiences().contains(&client_id);
    if bound {
        return Ok(());
    }
    let holder = actor.client_id().unwrap_or(actor.sub());
    Err(OAuthError::invalid_request(format!(
        "actor_token was issued to {}, not to the client presenting it ({client_id:?})",
        quoted(holder)
    )))
}

/// `subject_audience` for the subject token (RFC 8725 §3.9): the lab accepts it only from a
/// client it was meant for: one its `aud` names, the client it was issued to, one its `may_act`
/// names, or one whose policy deliberately `accepts_audiences` one of its audiences (an API's own
/// backend, an SSO partner). A token without `aud` is meant for anyone.
fn check_subject_meant_for(client: &Client, token: &Verified) -> Result<(), OAuthError> {
    let id = client.client_id.as_str();
    let auds = token.audiences();
    let named_by_may_act = token.may_act().is_some_and(|m| {
        let entries: Vec<&Value> = match m {
            Value::Array(items) => items.iter().collect(),
            other => vec![other],
        };
        entries
            .iter()
            .any(|e| e.get("sub").and_then(Value::as_str) == Some(id))
    });
    let meant = auds.is_empty()
        || auds.contains(&id)
        || token.client_id() == Some(id)
        || named_by_may_act
        || auds
            .iter()
            .any(|a| client.accepts_audiences.iter().any(|x| x == a));
    if meant {
        return Ok(());
    }
    Err(OAuthError::invalid_request(format!(
        "subject_token is meant for {} (its aud), not for {id:?}; a client exchanges only tokens meant for it (or audiences its policy accepts_audiences)",
        auds.iter()
            .map(|a| format!("{a:?}"))
            .collect::<Vec<_>>()
            .join(", ")
    )))
}

/// `act` for a delegated token: the current actor outermost, the subject's prior chain inside.
fn delegation_act(actor: &Verified, subject: &Verified) -> Value {
    let mut act = Map::new();
    act.insert("sub".into(), json!(actor.sub()));
    if let Some(cid) = actor.client_id()
        && cid != actor.sub()
    {
        act.insert("client_id".into(), json!(cid));
    }
    if let Some(prior) = subject.act() {
        act.insert("act".into(), prior.clone());
    }
    Value::Object(act)
}

/// The depth of an `act` chain: each level an object with a string `sub`.
pub(crate) fn act_depth(act: &Value) -> Result<usize, String> {
    let mut depth = 0;
    let mut current = Some(act);
    while let Some(level) = current {
        let Value::Object(obj) = level else {
            return Err(format!("level {} is not a JSON object", depth + 1));
        };
        if !obj.get("sub").is_some_and(Value::is_string) {
            return Err(format!("level {} has no string sub", depth + 1));
        }
        depth += 1;
        current = obj.get("act");
    }
    Ok(depth)
}

/// Whether `may_act` (an object, or leniently an array of objects) names `sub` (and `iss`, when
/// the entry has one).
pub(super) fn may_act_allows(may_act: &Value, sub: &str, iss: &str) -> Result<bool, String> {
    let entries: Vec<&Value> = match may_act {
        Value::Array(items) => items.iter().collect(),
        other => vec![other],
    };
    let mut allowed = false;
    for entry in entries {
        let Value::Object(obj) = entry else {
            return Err("it is not a JSON object".to_owned());
        };
        let Some(entry_sub) = obj.get("sub").and_then(Value::as_str) else {
            return Err("it has no string sub".to_owned());
        };
        let iss_ok = obj
            .get("iss")
            .and_then(Value::as_str)
            .is_none_or(|i| i == iss);
        allowed |= entry_sub == sub && iss_ok;
    }
    Ok(allowed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn act_depth_counts_levels() {
        assert_eq!(act_depth(&json!({"sub": "a"})), Ok(1));
        assert_eq!(
            act_depth(&json!({"sub": "a", "act": {"sub": "b", "act": {"sub": "c"}}})),
            Ok(3)
        );
        assert!(act_depth(&json!({"act": {"sub": "b"}})).is_err());
        assert!(act_depth(&json!({"sub": "a", "act": "b"})).is_err());
    }

    #[test]
    fn may_act_matching() {
        let m = json!({"sub": "planner-agent"});
        assert_eq!(may_act_allows(&m, "planner-agent", "http://lab"), Ok(true));
        assert_eq!(may_act_allows(&m, "flight-agent", "http://lab"), Ok(false));
        let m = json!({"sub": "planner-agent", "iss": "http://other"});
        assert_eq!(may_act_allows(&m, "planner-agent", "http://lab"), Ok(false));
        let m = json!([{"sub": "a"}, {"sub": "b"}]);
        assert_eq!(may_act_allows(&m, "b", "x"), Ok(true));
        assert!(may_act_allows(&json!("a"), "a", "x").is_err());
    }
}
