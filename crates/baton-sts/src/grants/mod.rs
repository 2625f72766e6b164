//! The token endpoint: parse, authenticate the client, dispatch on `grant_type`, respond.

mod authorization_code;
mod client_credentials;
mod device_code;
mod exchange;
mod jwt_bearer;
mod password;
mod refresh;
pub(crate) mod target;

use std::sync::Arc;
use std::time::SystemTime;

use axum::body::Body;
use axum::extract::{Extension, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde_json::{Map, Value, json};

use crate::client_auth::{self, Endpoint};
use crate::errors::OAuthError;
use crate::form::Form;
use crate::lab::{Lab, TOKEN_PATH};
use crate::log::{RequestLogEntry, RequestOutcome};
use crate::policy::{Grant, MayAct};
use crate::response::json_no_store;
use crate::text::quoted;
use crate::tls::{ClientCertificate, PeerCertificate, peer_certificate};
use crate::tokens::{Issued, TokenKind, TokenSpec};
use crate::{body, dpop, mtls};

/// What a grant produced.
pub(crate) struct Granted {
    pub(crate) token: Issued,
    pub(crate) refresh_token: Option<Issued>,
    /// Token exchange responses carry `issued_token_type` (RFC 8693 §2.2.1).
    pub(crate) exchange: bool,
}

impl Granted {
    fn to_json(&self) -> Value {
        let mut body = Map::new();
        body.insert("access_token".into(), json!(self.token.token));
        if self.exchange {
            body.insert("issued_token_type".into(), json!(self.token.kind.uri()));
        }
        // RFC 9449 §5: a bound access token is a DPoP token.
        let token_type = match (&self.token.jkt, self.token.kind) {
            (Some(_), TokenKind::AccessToken) => "DPoP",
            (_, kind) => kind.token_type(),
        };
        body.insert("token_type".into(), json!(token_type));
        body.insert("expires_in".into(), json!(self.token.expires_in()));
        body.insert("scope".into(), json!(self.token.scopes.join(" ")));
        if let Some(refresh) = &self.refresh_token {
            body.insert("refresh_token".into(), json!(refresh.token));
        }
        Value::Object(body)
    }
}

pub(crate) async fn token_endpoint(
    State(lab): State<Arc<Lab>>,
    headers: HeaderMap,
    peer: Option<Extension<PeerCertificate>>,
    body: Body,
) -> Response {
    let mut grant_type = None;
    let mut client_id = None;
    let result = match body::read(&lab, &headers, body).await {
        Ok(bytes) => handle(
            &lab,
            &headers,
            peer_certificate(&peer),
            &bytes,
            &mut grant_type,
            &mut client_id,
        ),
        Err(e) => Err(e),
    };
    let (mut response, outcome, status) = match result {
        Ok((granted, id_token)) => {
            let outcome = RequestOutcome::Issued {
                token_type: granted.token.kind.uri().to_owned(),
            };
            let mut body = granted.to_json();
            // OpenID Connect Core §3.1.3.3: a sign-in with `openid` also gets an ID token.
            if let (Some(id_token), Value::Object(map)) = (id_token, &mut body) {
                map.insert("id_token".into(), json!(id_token));
            }
            (json_no_store(StatusCode::OK, &body), outcome, 200)
        }
        Err(e) => e.into_logged(),
    };
    // RFC 9449 §8.2: the next nonce travels with every answer to a DPoP request.
    if lab.policy.dpop_nonce
        && headers.contains_key("dpop")
        && !response.headers().contains_key("dpop-nonce")
        && let Ok(value) = axum::http::HeaderValue::from_str(&lab.dpop_nonce())
    {
        response.headers_mut().insert("dpop-nonce", value);
    }
    lab.log.push(RequestLogEntry {
        time: SystemTime::now(),
        endpoint: TOKEN_PATH.to_owned(),
        grant_type,
        client_id,
        outcome,
        status,
    });
    response
}

fn handle(
    lab: &Lab,
    headers: &HeaderMap,
    peer: Option<&ClientCertificate>,
    body: &[u8],
    grant_type_seen: &mut Option<String>,
    client_id: &mut Option<String>,
) -> Result<(Granted, Option<String>), OAuthError> {
    let mut form = Form::parse(headers, body)?;
    let grant_type = form.required("grant_type")?;
    *grant_type_seen = Some(grant_type.to_owned());
    let client = client_auth::authenticate(lab, headers, peer, &form, Endpoint::Token, client_id)?;
    let Some(grant) = Grant::from_grant_type(grant_type) else {
        return Err(OAuthError::new(
            crate::errors::ErrorCode::UnsupportedGrantType,
            format!(
                "grant_type {} is not supported; the lab supports {}",
                quoted(grant_type),
                Grant::ALL.map(Grant::grant_type).join(", ")
            ),
        ));
    };
    if !client.allows_grant(grant) {
        return Err(OAuthError::unauthorized_client(format!(
            "client {:?} may not use the {} grant (it may use: {})",
            client.client_id,
            grant.policy_name(),
            client
                .grants
                .iter()
                .map(|g| g.policy_name())
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    let jkt = dpop::check_token_request(lab, headers, client)?;
    form.set_dpop_jkt(jkt.clone());
    let x5t = mtls::token_binding(lab, client, peer)?;
    form.set_certificate_x5t(x5t.clone());
    // Sign-in grants may add an ID token to the response.
    let (granted, id_token) = match grant {
        Grant::AuthorizationCode => authorization_code::grant(lab, client, &form)?,
        Grant::DeviceCode => device_code::grant(lab, client, &form)?,
        Grant::ClientCredentials => (client_credentials::grant(lab, client, &form)?, None),
        Grant::Password => (password::grant(lab, client, &form)?, None),
        Grant::RefreshToken => (refresh::grant(lab, client, &form)?, None),
        Grant::TokenExchange => (exchange::grant(lab, client, &form)?, None),
        Grant::JwtBearer => (jwt_bearer::grant(lab, client, &form)?, None),
    };
    // A grant that forgot to bind its access token to the proven key must not hand out a bearer
    // token in its place.
    if let Some(jkt) = &jkt
        && granted.token.kind == TokenKind::AccessToken
        && granted.token.jkt.as_ref() != Some(jkt)
    {
        return Err(OAuthError::server_error(format!(
            "the {} grant did not bind its access token to the DPoP key",
            grant.policy_name()
        )));
    }
    if let Some(x5t) = &x5t
        && granted.token.kind == TokenKind::AccessToken
        && granted.token.x5t.as_ref() != Some(x5t)
    {
        return Err(OAuthError::server_error(format!(
            "the {} grant did not bind its access token to the client certificate",
            grant.policy_name()
        )));
    }
    Ok((granted, id_token))
}

/// Binds `spec` to what the request proved: its DPoP key (RFC 9449 §6.1: `cnf.jkt`) and, for a
/// client with certificate-bound tokens, its TLS client certificate (RFC 8705 §3.1:
/// `cnf.x5t#S256`).
pub(crate) fn bind_token(spec: &mut TokenSpec, form: &Form) {
    let mut cnf = Map::new();
    if let Some(jkt) = form.dpop_jkt() {
        cnf.insert("jkt".into(), json!(jkt));
    }
    if let Some(x5t) = form.certificate_x5t() {
        cnf.insert(crate::tokens::CNF_X5T_S256.into(), json!(x5t));
    }
    if !cnf.is_empty() {
        spec.extra.insert("cnf".into(), Value::Object(cnf));
    }
}

/// How long a JWT authorization grant or ID-JAG for another domain lives: long enough to be
/// redeemed at once, short enough that a leaked one soon is worthless.
pub(crate) const GRANT_LIFETIME_SECS: u64 = 300;

/// Claims the lab sets itself, never copied from one token to another as "the user's claims".
const LAB_CLAIMS: &[&str] = &[
    "iss",
    "sub",
    "aud",
    "exp",
    "iat",
    "nbf",
    "jti",
    "client_id",
    "scope",
    "act",
    "may_act",
    "cnf",
    "resource",
];

/// A token's claims about its user (`email`, `name`…): everything but the lab's own claims.
pub(crate) fn user_claims(claims: &Map<String, Value>) -> Map<String, Value> {
    claims
        .iter()
        .filter(|(k, _)| !LAB_CLAIMS.contains(&k.as_str()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

/// A policy `may_act` as the JSON claim.
pub(crate) fn may_act_claim(m: &MayAct) -> Value {
    let mut obj = Map::new();
    obj.insert("sub".into(), json!(m.sub));
    if let Some(iss) = &m.iss {
        obj.insert("iss".into(), json!(iss));
    }
    Value::Object(obj)
}

/// A TOML value (a user's extra claim) as JSON. Datetimes become their RFC 3339 text.
pub(crate) fn toml_to_json(v: &toml::Value) -> Value {
    match v {
        toml::Value::String(s) => json!(s),
        toml::Value::Integer(i) => json!(i),
        toml::Value::Float(f) => json!(f),
        toml::Value::Boolean(b) => json!(b),
        toml::Value::Datetime(d) => json!(d.to_string()),
        toml::Value::Array(a) => Value::Array(a.iter().map(toml_to_json).collect()),
        toml::Value::Table(t) => Value::Object(
            t.iter()
                .map(|(k, v)| (k.clone(), toml_to_json(v)))
                .collect(),
        ),
    }
}
