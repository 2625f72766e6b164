//! RFC 6749 §4.3: the resource owner password grant, for the policy's demo users.

use super::target::{audience_scopes, narrow_scope, parse_scope, resolve_audiences};
use super::{Granted, bind_token, may_act_claim, toml_to_json};
use crate::errors::OAuthError;
use crate::form::Form;
use crate::lab::Lab;
use crate::policy::{Client, Grant};
use crate::tokens::{TokenKind, TokenSpec};

pub(super) fn grant(lab: &Lab, client: &Client, form: &Form) -> Result<Granted, OAuthError> {
    let username = form.required("username")?;
    let password = form.required("password")?;
    let user = match lab.policy.user(username) {
        Some(u) if u.password.matches(password) => u,
        // One message for both cases, as a real server would not say which part was wrong.
        _ => return Err(OAuthError::invalid_grant("wrong username or password")),
    };
    let aud = resolve_audiences(
        &lab.policy,
        client,
        &form.all("audience"),
        &form.all("resource"),
    )?;
    let allowed = audience_scopes(&lab.policy, &aud);
    let requested = parse_scope(form.single("scope")?)?;
    let holder = format!("user {:?}", user.username);
    let scopes = narrow_scope(requested.as_deref(), &user.scopes, &holder, &allowed, &aud)?;
    let mut spec = TokenSpec {
        sub: user.username.clone(),
        client_id: client.client_id.clone(),
        aud,
        scopes,
        act: None,
        // The client's may_act (who may act next for tokens it holds) wins over the user's.
        may_act: client
            .may_act
            .as_ref()
            .or(user.may_act.as_ref())
            .map(may_act_claim),
        extra: user
            .claims
            .iter()
            .map(|(k, v)| (k.clone(), toml_to_json(v)))
            .collect(),
        not_after: None,
    };
    // The refresh token is bound too (RFC 9449 §5).
    bind_token(&mut spec, form);
    let token = lab.mint_jwt(&spec, TokenKind::AccessToken)?;
    let refresh_token = client
        .allows_grant(Grant::RefreshToken)
        .then(|| lab.mint_refresh(&spec));
    Ok(Granted {
        token,
        refresh_token,
        exchange: false,
    })
}
