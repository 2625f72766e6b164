//! A signed-in user's tokens: what they may be granted, and the token response for them (an
//! access token shaped like the password grant's, a refresh token, an OpenID Connect ID token).

use serde_json::{Map, Value, json};

use super::request::{AuthRequest, OPENID};
use super::state::SignedIn;
use crate::errors::OAuthError;
use crate::form::Form;
use crate::grants::target::{audience_scopes, narrow_scope};
use crate::grants::{Granted, bind_token, may_act_claim, toml_to_json};
use crate::lab::Lab;
use crate::policy::{Client, Grant, User};
use crate::tokens::{TokenKind, TokenSpec};

/// The demo user with this username and password.
pub(crate) fn check_password<'l>(lab: &'l Lab, username: &str, password: &str) -> Option<&'l User> {
    lab.policy
        .user(username)
        .filter(|u| u.password.matches(password))
}

/// What `user` is granted for `request`: the scopes named (each one the user must hold) or,
/// none named, every scope of the user's that the audiences allow; `openid` when asked.
pub(crate) fn sign_in(
    lab: &Lab,
    client: &Client,
    user: &User,
    request: &AuthRequest,
) -> Result<SignedIn, OAuthError> {
    let allowed = audience_scopes(&lab.policy, &request.audiences);
    let holder = format!("user {:?}", user.username);
    let mut scopes = narrow_scope(
        request.scopes.as_deref(),
        &user.scopes,
        &holder,
        &allowed,
        &request.audiences,
    )?;
    if request.openid {
        scopes.insert(0, OPENID.to_owned());
    }
    let spec = TokenSpec {
        sub: user.username.clone(),
        client_id: client.client_id.clone(),
        aud: request.audiences.clone(),
        scopes,
        act: None,
        // As the password grant: the client's may_act wins over the user's.
        may_act: client
            .may_act
            .as_ref()
            .or(user.may_act.as_ref())
            .map(may_act_claim),
        extra: user_claims(user),
        not_after: None,
    };
    Ok(SignedIn {
        spec,
        openid: request.openid,
        nonce: request.nonce.clone(),
        auth_time: lab.clock.now(),
    })
}

fn user_claims(user: &User) -> Map<String, Value> {
    user.claims
        .iter()
        .map(|(k, v)| (k.clone(), toml_to_json(v)))
        .collect()
}

/// The token response for a sign-in: the access token, a refresh token if the client may
/// refresh, and an ID token if `openid` was granted.
pub(crate) fn issue(
    lab: &Lab,
    client: &Client,
    signed_in: &SignedIn,
    form: &Form,
) -> Result<(Granted, Option<String>), OAuthError> {
    // The access and refresh tokens are bound to what the token request proved (DPoP key,
    // client certificate); the ID token is about the user and is not.
    let mut spec = signed_in.spec.clone();
    bind_token(&mut spec, form);
    let token = lab.mint_jwt(&spec, TokenKind::AccessToken)?;
    let refresh_token = client
        .allows_grant(Grant::RefreshToken)
        .then(|| lab.mint_refresh(&spec));
    let id_token = if signed_in.openid {
        Some(id_token(lab, client, signed_in)?)
    } else {
        None
    };
    Ok((
        Granted {
            token,
            refresh_token,
            exchange: false,
        },
        id_token,
    ))
}

/// The ID token's header `typ` (OpenID Connect Core §2 lets it be `JWT`; access tokens are
/// `at+jwt`, so the two cannot be taken for each other).
const ID_TOKEN_TYP: &str = "JWT";

/// OpenID Connect Core §2: `iss`, `sub`, `aud` = the client, `exp`, `iat`, `auth_time`,
/// `nonce` when the request had one; header `typ` `JWT`, signed with the lab's key.
fn id_token(lab: &Lab, client: &Client, signed_in: &SignedIn) -> Result<String, OAuthError> {
    let iat = lab.clock.now();
    let mut claims = Map::new();
    claims.insert("iss".into(), json!(lab.issuer));
    claims.insert("sub".into(), json!(signed_in.spec.sub));
    claims.insert("aud".into(), json!(client.client_id));
    claims.insert(
        "exp".into(),
        json!(iat.saturating_add(lab.policy.access_token_lifetime)),
    );
    claims.insert("iat".into(), json!(iat));
    claims.insert("auth_time".into(), json!(signed_in.auth_time));
    if let Some(nonce) = &signed_in.nonce {
        claims.insert("nonce".into(), json!(nonce));
    }
    claims.insert("jti".into(), json!(lab.ids.next("jti")));
    for (k, v) in &signed_in.spec.extra {
        claims.entry(k.clone()).or_insert_with(|| v.clone());
    }
    lab.key
        .sign(ID_TOKEN_TYP, &claims)
        .map_err(|e| OAuthError::server_error(e.to_string()))
}
