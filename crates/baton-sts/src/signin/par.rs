//! `/par` (RFC 9126): a client pushes its authorization request over an authenticated POST and
//! gets a `request_uri` to send the user's browser to `/authorize` with. The request is checked
//! as `/authorize` would check it; a fault is OAuth JSON, never a redirect.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Extension, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde_json::json;

use super::authorize::REQUEST_URI_PREFIX;
use super::state::CODE_LIFETIME;
use super::{PAR_PATH, log, request};
use crate::body;
use crate::client_auth::{self, Endpoint};
use crate::errors::OAuthError;
use crate::form::Form;
use crate::lab::Lab;
use crate::log::RequestOutcome;
use crate::response::json_no_store;
use crate::text::quoted;
use crate::tls::{ClientCertificate, PeerCertificate, peer_certificate};

pub(crate) async fn par_endpoint(
    State(lab): State<Arc<Lab>>,
    headers: HeaderMap,
    peer: Option<Extension<PeerCertificate>>,
    body: Body,
) -> Response {
    let mut client_id = None;
    let result = match body::read(&lab, &headers, body).await {
        Ok(bytes) => push(
            &lab,
            &headers,
            peer_certificate(&peer),
            &bytes,
            &mut client_id,
        ),
        Err(e) => Err(e),
    };
    let (response, outcome, status) = match result {
        Ok(request_uri) => (
            json_no_store(
                StatusCode::CREATED,
                &json!({ "request_uri": request_uri, "expires_in": CODE_LIFETIME }),
            ),
            RequestOutcome::Issued {
                token_type: "request_uri".to_owned(),
            },
            StatusCode::CREATED,
        ),
        Err(e) => {
            let (response, outcome, status) = e.into_logged();
            (
                response,
                outcome,
                StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST),
            )
        }
    };
    log(&lab, PAR_PATH, client_id, outcome, status);
    response
}

fn push(
    lab: &Lab,
    headers: &HeaderMap,
    peer: Option<&ClientCertificate>,
    body: &[u8],
    client_id: &mut Option<String>,
) -> Result<String, OAuthError> {
    let form = Form::parse(headers, body)?;
    // Client authentication as at the token endpoint (RFC 9126 §2).
    let client = client_auth::authenticate(lab, headers, peer, &form, Endpoint::Token, client_id)?;
    if form.single("request_uri")?.is_some() {
        return Err(OAuthError::invalid_request(
            "request_uri must not be pushed: it is what /par gives back (RFC 9126 §2.1)",
        ));
    }
    if let Some(named) = form.single("client_id")?
        && named != client.client_id
    {
        return Err(OAuthError::invalid_request(format!(
            "client_id {} differs from the authenticated client {:?}",
            quoted(named),
            client.client_id
        )));
    }
    let request = request::parse_for(lab, client, &form).map_err(|r| r.into_oauth())?;
    let request_uri = format!("{REQUEST_URI_PREFIX}{}", lab.ids.next("par"));
    let now = lab.clock.now();
    lab.signin.pushed().insert(
        request_uri.clone(),
        request,
        now.saturating_add(CODE_LIFETIME),
        now,
    );
    Ok(request_uri)
}
