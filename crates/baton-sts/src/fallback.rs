//! Answers for requests no endpoint takes: a wrong method (405, with `Allow`) or an unknown path
//! (404). OAuth JSON like every other error, so a client never has to parse a plain-text page.

use std::sync::Arc;
use std::time::SystemTime;

use axum::extract::State;
use axum::http::{Method, StatusCode, Uri};
use axum::response::Response;

use crate::errors::OAuthError;
use crate::lab::{Lab, METADATA_PATH};
use crate::log::RequestLogEntry;
use crate::text::quoted;

/// A method other than POST at `/token`, `/introspect` or `/revoke`.
pub(crate) async fn post_only(State(lab): State<Arc<Lab>>, method: Method, uri: Uri) -> Response {
    let e = OAuthError::method_not_allowed(
        "POST",
        format!(
            "{} is not allowed on {}: this endpoint takes POST with a form body",
            quoted(method.as_str()),
            uri.path()
        ),
    );
    refuse(&lab, &uri, e)
}

/// A method other than GET (or HEAD) at the metadata and JWKS documents.
pub(crate) async fn get_only(State(lab): State<Arc<Lab>>, method: Method, uri: Uri) -> Response {
    let e = OAuthError::method_not_allowed(
        "GET, HEAD",
        format!(
            "{} is not allowed on {}: this document is read with GET",
            quoted(method.as_str()),
            uri.path()
        ),
    );
    refuse(&lab, &uri, e)
}

pub(crate) async fn not_found(State(lab): State<Arc<Lab>>, uri: Uri) -> Response {
    let e = OAuthError::invalid_request(format!(
        "there is no endpoint at {}; the lab's endpoints are listed at {METADATA_PATH}",
        quoted(uri.path())
    ))
    .with_status(StatusCode::NOT_FOUND);
    refuse(&lab, &uri, e)
}

fn refuse(lab: &Lab, uri: &Uri, e: OAuthError) -> Response {
    let (response, outcome, status) = e.into_logged();
    lab.log.push(RequestLogEntry {
        time: SystemTime::now(),
        // The log cuts it short; a path is at most what hyper accepts as a request head.
        endpoint: uri.path().to_owned(),
        grant_type: None,
        client_id: None,
        outcome,
        status,
    });
    response
}
