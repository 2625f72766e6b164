//! RFC 7523 §2.1: a JWT as an authorization grant. Three uses:
//! - a JWT authorization grant from a trusted issuer (identity chaining,
//!   draft-ietf-oauth-identity-chaining) or from the lab itself;
//! - an ID-JAG (draft-ietf-oauth-identity-assertion-authz-grant), `typ` `oauth-id-jag+jwt`;
//! - on-behalf-of (Microsoft Entra): `requested_token_use=on_behalf_of` with an access token the
//!   lab issued to the requesting client's API.

use serde_json::{Map, Value, json};

use super::exchange::{act_depth, may_act_allows};
use super::target::{audience_scopes, narrow_scope, parse_scope, resolve_audiences};
use super::{Granted, bind_token, user_claims};
use crate::errors::OAuthError;
use crate::form::Form;
use crate::lab::Lab;
use crate::policy::Client;
use crate::text::quoted;
use crate::tokens::{TYP_ID_JAG, TokenKind, TokenSpec, Verified};

/// The longest assertion `jti` the lab keeps in its replay cache.
const MAX_JTI_CHARS: usize = 256;

pub(super) fn grant(lab: &Lab, client: &Client, form: &Form) -> Result<Granted, OAuthError> {
    let assertion = form.required("assertion")?;
    match form.single("requested_token_use")? {
        None => authorization_grant(lab, client, form, assertion),
        Some("on_behalf_of") => on_behalf_of(lab, client, form, assertion),
        Some(other) => Err(OAuthError::invalid_request(format!(
            "requested_token_use {} is not supported (the lab knows on_behalf_of)",
            quoted(other)
        ))),
    }
}

fn refused(why: impl std::fmt::Display) -> OAuthError {
    OAuthError::invalid_grant(format!("assertion is not acceptable: {why}"))
}

/// A JWT authorization grant or an ID-JAG (RFC 7523 §3).
fn authorization_grant(
    lab: &Lab,
    client: &Client,
    form: &Form,
    assertion: &str,
) -> Result<Granted, OAuthError> {
    let checks = &lab.checks();
    let grant = lab.verify_assertion(assertion).map_err(refused)?;
    let typ = grant.typ.as_deref().unwrap_or("none");
    let id_jag = typ.eq_ignore_ascii_case(TYP_ID_JAG);
    // RFC 8725 §3.11: an access token is not a grant, whoever issued it.
    if grant.is_access_token() {
        return Err(refused(
            "it is an access token (typ at+jwt), not an authorization grant: ask its issuer for a JWT authorization grant (token exchange, requested_token_type jwt) or an ID-JAG",
        ));
    }
    // §3 item 3: the lab is the audience (its issuer or its token endpoint).
    let accepted = [lab.issuer.clone(), lab.token_endpoint()];
    let auds = grant.audiences();
    if !auds.iter().any(|a| accepted.iter().any(|x| x == a)) {
        let named: Vec<String> = auds.iter().take(5).map(|a| quoted(a)).collect();
        return Err(refused(format!(
            "its aud [{}] names neither this lab's issuer {:?} nor its token endpoint {:?}",
            named.join(", "),
            lab.issuer,
            lab.token_endpoint()
        )));
    }
    // The ID-JAG draft: the client the grant was issued to is the one redeeming it.
    let id = client.client_id.as_str();
    if checks.grant_client_bound {
        match grant.client_id() {
            Some(cid) if cid == id => {}
            Some(cid) => {
                return Err(refused(format!(
                    "it was issued to client {}, not to {id:?}",
                    quoted(cid)
                )));
            }
            None if id_jag => return Err(refused("it is an ID-JAG without a client_id claim")),
            None => {}
        }
    }
    let jti = grant_jti(&grant)?;

    // Where the token goes: the ID-JAG's resource, else the request's audience/resource.
    let resource_claim = grant.claims.get("resource").and_then(Value::as_str);
    let (audiences, resources) = (form.all("audience"), form.all("resource"));
    let aud = match resource_claim {
        Some(resource) if id_jag && audiences.is_empty() && resources.is_empty() => {
            resolve_audiences(&lab.policy, client, &[], &[resource])?
        }
        Some(resource) if id_jag => {
            let aud = resolve_audiences(&lab.policy, client, &audiences, &resources)?;
            let meant = resolve_audiences(&lab.policy, client, &[], &[resource])?;
            if let Some(other) = aud.iter().find(|a| !meant.contains(a)) {
                return Err(OAuthError::invalid_target(format!(
                    "the ID-JAG is for resource {} ({}), not for audience {other:?}",
                    quoted(resource),
                    meant.join(", ")
                )));
            }
            aud
        }
        _ => resolve_audiences(&lab.policy, client, &audiences, &resources)?,
    };
    if !id_jag
        && let Some(a) = aud
            .iter()
            .filter_map(|a| lab.policy.audience(a))
            .find(|a| a.requires_id_jag)
    {
        return Err(refused(format!(
            "audience {:?} is reached only with an ID-JAG (typ {TYP_ID_JAG}), and its typ is {}",
            a.name,
            quoted(typ)
        )));
    }

    // Scope: what the grant carries, else what the policy lets its user have.
    let held = if grant.claims.contains_key("scope") {
        grant.scopes()
    } else {
        lab.policy
            .user(grant.sub())
            .map(|u| u.scopes.clone())
            .unwrap_or_default()
    };
    let allowed = audience_scopes(&lab.policy, &aud);
    let requested = parse_scope(form.single("scope")?)?;
    let scopes = narrow_scope(requested.as_deref(), &held, "the assertion", &allowed, &aud)?;

    // §3 item 7: redeemed once. Recorded last, so a request refused for a typo costs nothing.
    if checks.assertion_single_use && !lab.first_use_of_grant(grant.iss(), jti, grant.exp()) {
        return Err(refused(format!(
            "its jti {} was already redeemed: a grant is good for one token",
            quoted(jti)
        )));
    }
    let mut spec = TokenSpec {
        sub: grant.sub().to_owned(),
        client_id: id.to_owned(),
        aud,
        scopes,
        // Identity chaining keeps who acted in the other domain.
        act: grant.act().cloned(),
        may_act: None,
        extra: user_claims(&grant.claims),
        not_after: None,
    };
    bind_token(&mut spec, form);
    let token = lab.mint_jwt(&spec, TokenKind::AccessToken)?;
    Ok(Granted {
        token,
        refresh_token: None,
        exchange: false,
    })
}

fn grant_jti(grant: &Verified) -> Result<&str, OAuthError> {
    match grant.jti() {
        Some(jti) if !jti.is_empty() && jti.chars().count() <= MAX_JTI_CHARS => Ok(jti),
        Some(_) => Err(refused(format!(
            "its jti must have 1 to {MAX_JTI_CHARS} characters"
        ))),
        None => Err(refused(
            "it has no jti: the lab redeems a grant only once, by its jti",
        )),
    }
}

/// Microsoft Entra's on-behalf-of flow: a middle-tier API (the client) trades the user's access
/// token for it (its `aud` names the client) for a token for a downstream API, same user.
fn on_behalf_of(
    lab: &Lab,
    client: &Client,
    form: &Form,
    assertion: &str,
) -> Result<Granted, OAuthError> {
    let checks = &lab.checks();
    let id = client.client_id.as_str();
    let user = lab.verify_jwt(assertion).map_err(|why| {
        OAuthError::invalid_grant(format!(
            "the on_behalf_of assertion is not acceptable: {why} (it must be an access token this lab issued)"
        ))
    })?;
    if !user.is_access_token() {
        return Err(OAuthError::invalid_grant(format!(
            "the on_behalf_of assertion is not an access token (its typ is {}, not at+jwt)",
            quoted(user.typ.as_deref().unwrap_or("none"))
        )));
    }
    // The token was sent to the middle tier: its aud names the client (`subject_audience`).
    if checks.subject_audience && !user.audiences().contains(&id) {
        let auds: Vec<String> = user.audiences().iter().map(|a| quoted(a)).collect();
        return Err(OAuthError::invalid_grant(format!(
            "the on_behalf_of assertion is meant for {} (its aud), not for {id:?}: a middle tier trades only tokens sent to it",
            auds.join(", ")
        )));
    }
    if checks.may_act_enforced
        && let Some(may_act) = user.may_act()
    {
        let allowed = may_act_allows(may_act, id, &lab.issuer).map_err(|why| {
            OAuthError::invalid_grant(format!(
                "the on_behalf_of assertion has a malformed may_act claim: {why}"
            ))
        })?;
        if !allowed {
            return Err(OAuthError::invalid_grant(format!(
                "client {id:?} is not named in the assertion's may_act ({may_act})"
            )));
        }
    }
    let aud = resolve_audiences(
        &lab.policy,
        client,
        &form.all("audience"),
        &form.all("resource"),
    )?;
    let allowed = audience_scopes(&lab.policy, &aud);
    let requested = parse_scope(form.single("scope")?)?;
    let scopes = narrow_scope(
        requested.as_deref(),
        &user.scopes(),
        "the on_behalf_of assertion",
        &allowed,
        &aud,
    )?;
    let act = if lab.policy.obo_act {
        let mut act = Map::new();
        act.insert("sub".into(), json!(id));
        if let Some(prior) = user.act() {
            act.insert("act".into(), prior.clone());
        }
        let act = Value::Object(act);
        let depth = act_depth(&act).map_err(|why| {
            OAuthError::invalid_grant(format!(
                "the on_behalf_of assertion has a malformed act claim: {why}"
            ))
        })?;
        if depth > lab.policy.max_chain_depth {
            return Err(OAuthError::invalid_request(format!(
                "the issued token's act chain would be {depth} deep, more than the policy's max_chain_depth of {}",
                lab.policy.max_chain_depth
            )));
        }
        Some(act)
    } else {
        user.act().cloned()
    };
    let mut spec = TokenSpec {
        sub: user.sub().to_owned(),
        client_id: id.to_owned(),
        aud,
        scopes,
        act,
        may_act: None,
        extra: user_claims(&user.claims),
        not_after: Some(user.exp()),
    };
    bind_token(&mut spec, form);
    let token = lab.mint_jwt(&spec, TokenKind::AccessToken)?;
    Ok(Granted {
        token,
        refresh_token: None,
        exchange: false,
    })
}
