//! RFC 7009 token revocation, for the lab's JWTs (remembered by `jti` until they expire) and
//! refresh tokens (forgotten). With the `revocation` check off the endpoint still answers 200 but
//! forgets nothing: a deliberately broken server, for training.

use std::sync::Arc;
use std::time::SystemTime;

use axum::body::Body;
use axum::extract::{Extension, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;

use crate::client_auth::{self, Endpoint};
use crate::errors::{ErrorCode, OAuthError};
use crate::form::Form;
use crate::lab::{Lab, REVOCATION_PATH};
use crate::log::{RequestLogEntry, RequestOutcome};
use crate::store::Admission;
use crate::tls::{ClientCertificate, PeerCertificate, peer_certificate};
use crate::{body, policy::Client};

pub(crate) async fn revocation_endpoint(
    State(lab): State<Arc<Lab>>,
    headers: HeaderMap,
    peer: Option<Extension<PeerCertificate>>,
    body: Body,
) -> Response {
    let mut client_id = None;
    let result = match body::read(&lab, &headers, body).await {
        Ok(bytes) => revoke(
            &lab,
            &headers,
            peer_certificate(&peer),
            &bytes,
            &mut client_id,
        ),
        Err(e) => Err(e),
    };
    let (response, outcome, status) = match result {
        // RFC 7009 §2.2: the same answer whether anything was revoked; the log says no more.
        Ok(()) => (revoked_response(), RequestOutcome::Served, 200),
        Err(e) => e.into_logged(),
    };
    lab.log.push(RequestLogEntry {
        time: SystemTime::now(),
        endpoint: REVOCATION_PATH.to_owned(),
        grant_type: None,
        client_id,
        outcome,
        status,
    });
    response
}

/// 200 with an empty body (RFC 7009 §2.2), not to be cached.
fn revoked_response() -> Response {
    let mut response = Response::new(Body::empty());
    *response.status_mut() = StatusCode::OK;
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
    response
}

fn revoke(
    lab: &Lab,
    headers: &HeaderMap,
    peer: Option<&ClientCertificate>,
    body: &[u8],
    client_id: &mut Option<String>,
) -> Result<(), OAuthError> {
    let form = Form::parse(headers, body)?;
    let client =
        client_auth::authenticate(lab, headers, peer, &form, Endpoint::Revocation, client_id)?;
    let token = form.required("token")?;
    // The hint only speeds up a lookup (RFC 7009 §2.1); both kinds are looked up regardless. It
    // is still read, so that a repeated one is refused like any repeated parameter.
    form.single("token_type_hint")?;
    if !lab.checks().revocation {
        return Ok(());
    }
    if revoke_refresh_token(lab, client, token) {
        return Ok(());
    }
    // Unknown, malformed, expired or already revoked: nothing to do, and the answer is the same
    // (RFC 7009 §2.2).
    let Ok(verified) = lab.verify_jwt(token) else {
        return Ok(());
    };
    // RFC 7009 §2.1: only the client the token was issued to may revoke it; refuse silently.
    if verified.client_id() != Some(client.client_id.as_str()) {
        return Ok(());
    }
    let Some(jti) = verified.jti() else {
        return Ok(());
    };
    match lab.revoke_jti(jti, verified.exp()) {
        Admission::Stored => Ok(()),
        // Never forget a live revocation to make room; RFC 7009 §2.2.1 has the client retry.
        Admission::Full => Err(OAuthError::new(
            ErrorCode::TemporarilyUnavailable,
            "the lab's list of revoked tokens is full; retry once some of them have expired",
        )),
    }
}

/// Forgets a refresh token issued to `client`. True if `token` is a refresh token the lab knows
/// (whoever it was issued to).
fn revoke_refresh_token(lab: &Lab, client: &Client, token: &str) -> bool {
    let mut store = lab.refresh_tokens();
    let Some((record, _)) = store.peek(token) else {
        return false;
    };
    if record.spec.client_id == client.client_id {
        store.remove(token);
    }
    true
}
