//! RFC 7662 token introspection, for the lab's JWTs and refresh tokens.

use std::sync::Arc;
use std::time::SystemTime;

use axum::body::Body;
use axum::extract::{Extension, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde_json::{Map, Value, json};

use crate::body;
use crate::client_auth::{self, Endpoint};
use crate::errors::OAuthError;
use crate::form::Form;
use crate::lab::{INTROSPECTION_PATH, Lab};
use crate::log::{RequestLogEntry, RequestOutcome};
use crate::response::json_no_store;
use crate::tls::{ClientCertificate, PeerCertificate, peer_certificate};

pub(crate) async fn introspection_endpoint(
    State(lab): State<Arc<Lab>>,
    headers: HeaderMap,
    peer: Option<Extension<PeerCertificate>>,
    body: Body,
) -> Response {
    let mut client_id = None;
    let result = match body::read(&lab, &headers, body).await {
        Ok(bytes) => introspect(
            &lab,
            &headers,
            peer_certificate(&peer),
            &bytes,
            &mut client_id,
        ),
        Err(e) => Err(e),
    };
    let (response, outcome, status) = match result {
        Ok(answer) => {
            let active = answer
                .get("active")
                .and_then(Value::as_bool)
                .unwrap_or(false);
            (
                json_no_store(StatusCode::OK, &answer),
                RequestOutcome::Introspected { active },
                200,
            )
        }
        Err(e) => e.into_logged(),
    };
    lab.log.push(RequestLogEntry {
        time: SystemTime::now(),
        endpoint: INTROSPECTION_PATH.to_owned(),
        grant_type: None,
        client_id,
        outcome,
        status,
    });
    response
}

fn introspect(
    lab: &Lab,
    headers: &HeaderMap,
    peer: Option<&ClientCertificate>,
    body: &[u8],
    client_id: &mut Option<String>,
) -> Result<Value, OAuthError> {
    let form = Form::parse(headers, body)?;
    client_auth::authenticate(
        lab,
        headers,
        peer,
        &form,
        Endpoint::Introspection,
        client_id,
    )?;
    let token = form.required("token")?;
    // token_type_hint is optional and only an optimisation (RFC 7662 §2.1); both kinds are
    // looked up regardless.
    let now = lab.clock.now();
    let refresh = lab.refresh_tokens().get(token, now).cloned();
    if let Some(record) = refresh
        && now < record.exp
    {
        let spec = &record.spec;
        let mut out = Map::new();
        out.insert("active".into(), json!(true));
        out.insert("iss".into(), json!(lab.issuer));
        out.insert("sub".into(), json!(spec.sub));
        out.insert("aud".into(), aud_value(&spec.aud));
        out.insert("scope".into(), json!(spec.scopes.join(" ")));
        out.insert("client_id".into(), json!(spec.client_id));
        out.insert("exp".into(), json!(record.exp));
        out.insert("iat".into(), json!(record.iat));
        if let Some(act) = &spec.act {
            out.insert("act".into(), act.clone());
        }
        if let Some(may_act) = &spec.may_act {
            out.insert("may_act".into(), may_act.clone());
        }
        if let Some(cnf) = spec.extra.get("cnf") {
            out.insert("cnf".into(), cnf.clone());
        }
        return Ok(Value::Object(out));
    }
    let Ok(verified) = lab.verify_jwt(token) else {
        // RFC 7662 §2.2: an invalid, expired or unknown token is just inactive, with no detail.
        return Ok(json!({ "active": false }));
    };
    let mut out = Map::new();
    out.insert("active".into(), json!(true));
    for claim in [
        "iss",
        "sub",
        "aud",
        "exp",
        "iat",
        "jti",
        "client_id",
        "scope",
    ] {
        if let Some(v) = verified.claims.get(claim) {
            out.insert(claim.into(), v.clone());
        }
    }
    // RFC 9449 §6.2: a bound token introspects with its cnf and token_type DPoP.
    let bound = crate::tokens::bound_jkt(&verified.claims).is_some();
    let token_type = match (verified.typ.as_deref() == Some("at+jwt"), bound) {
        (true, true) => "DPoP",
        (true, false) => "Bearer",
        _ => "N_A",
    };
    out.insert("token_type".into(), json!(token_type));
    for claim in ["act", "may_act", "cnf"] {
        if let Some(v) = verified.claims.get(claim) {
            out.insert(claim.into(), v.clone());
        }
    }
    Ok(Value::Object(out))
}

fn aud_value(aud: &[String]) -> Value {
    match aud {
        [one] => json!(one),
        many => json!(many),
    }
}
