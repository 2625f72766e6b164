//! The token endpoint: parse, authenticate the client, dispatch on `grant_type`, respond.

mod authorization_code;
mod client_credentials;
mod device_code;
mod exchange;
mod password;
mod refresh;
pub(crate) mod target;

use std::sync::Arc;
use std::time::SystemTime;

use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde_json::{Map, Value, json};

use crate::body;
use crate::client_auth::{self, Endpoint};
use crate::errors::OAuthError;
use crate::form::Form;
use crate::lab::{Lab, TOKEN_PATH};
use crate::log::{RequestLogEntry, RequestOutcome};
use crate::policy::{Grant, MayAct};
use crate::response::json_no_store;
use crate::text::quoted;
use crate::tokens::Issued;

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
        body.insert("token_type".into(), json!(self.token.kind.token_type()));
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
    body: Body,
) -> Response {
    let mut grant_type = None;
    let mut client_id = None;
    let result = match body::read(&lab, &headers, body).await {
        Ok(bytes) => handle(&lab, &headers, &bytes, &mut grant_type, &mut client_id),
        Err(e) => Err(e),
    };
    let (response, outcome, status) = match result {
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
    body: &[u8],
    grant_type_seen: &mut Option<String>,
    client_id: &mut Option<String>,
) -> Result<(Granted, Option<String>), OAuthError> {
    let form = Form::parse(headers, body)?;
    let grant_type = form.required("grant_type")?;
    *grant_type_seen = Some(grant_type.to_owned());
    let client = client_auth::authenticate(lab, headers, &form, Endpoint::Token, client_id)?;
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
    // Sign-in grants may add an ID token to the response.
    let granted = match grant {
        Grant::AuthorizationCode => return authorization_code::grant(lab, client, &form),
        Grant::DeviceCode => return device_code::grant(lab, client, &form),
        Grant::ClientCredentials => client_credentials::grant(lab, client, &form),
        Grant::Password => password::grant(lab, client, &form),
        Grant::RefreshToken => refresh::grant(lab, client, &form),
        Grant::TokenExchange => exchange::grant(lab, client, &form),
    };
    granted.map(|g| (g, None))
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
