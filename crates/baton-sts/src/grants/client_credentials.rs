//! RFC 6749 §4.4: a client's token for itself (`sub` = `client_id`).

use serde_json::Map;

use super::target::{audience_scopes, narrow_scope, parse_scope, resolve_audiences};
use super::{Granted, bind_token, may_act_claim};
use crate::errors::OAuthError;
use crate::form::Form;
use crate::lab::Lab;
use crate::policy::Client;
use crate::tokens::{TokenKind, TokenSpec};

pub(super) fn grant(lab: &Lab, client: &Client, form: &Form) -> Result<Granted, OAuthError> {
    let aud = resolve_audiences(
        &lab.policy,
        client,
        &form.all("audience"),
        &form.all("resource"),
    )?;
    let allowed = audience_scopes(&lab.policy, &aud);
    let held = client.scopes.clone().unwrap_or_else(|| allowed.clone());
    let requested = parse_scope(form.single("scope")?)?;
    let holder = format!("client {:?}", client.client_id);
    let scopes = narrow_scope(requested.as_deref(), &held, &holder, &allowed, &aud)?;
    let mut spec = TokenSpec {
        sub: client.client_id.clone(),
        client_id: client.client_id.clone(),
        aud,
        scopes,
        act: None,
        may_act: client.may_act.as_ref().map(may_act_claim),
        extra: Map::new(),
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
