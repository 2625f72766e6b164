//! A user's sign-in: the authorization endpoint (RFC 6749 §4.1 with PKCE, RFC 7636), pushed
//! authorization requests (RFC 9126) and the device authorization grant (RFC 8628). The token
//! endpoint redeems what these hand out (`grants::authorization_code`, `grants::device_code`).

// A refusal carries the redirect it is sent on; it is made once per refused request, so its size
// costs nothing worth boxing for.
#![allow(clippy::result_large_err)]

pub(crate) mod authorize;
pub(crate) mod device;
pub(crate) mod page;
pub(crate) mod par;
pub(crate) mod pkce;
pub(crate) mod request;
pub(crate) mod state;
pub(crate) mod user;

use std::sync::Arc;
use std::time::SystemTime;

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderValue, Method, StatusCode, Uri, header};
use axum::response::Response;
use axum::routing::{get, post};

use crate::errors::OAuthError;
use crate::fallback;
use crate::lab::Lab;
use crate::log::{RequestLogEntry, RequestOutcome};
use crate::server::StsHandle;
use crate::text::quoted;

pub(crate) const AUTHORIZE_PATH: &str = "/authorize";
pub(crate) const PAR_PATH: &str = "/par";
pub(crate) const DEVICE_AUTHORIZATION_PATH: &str = "/device_authorization";
pub(crate) const DEVICE_PATH: &str = "/device";

/// The sign-in endpoints, merged into the lab's router.
pub(crate) fn router() -> Router<Arc<Lab>> {
    Router::new()
        .route(
            AUTHORIZE_PATH,
            get(authorize::show)
                .post(authorize::submit)
                .fallback(get_or_post_only),
        )
        .route(
            PAR_PATH,
            post(par::par_endpoint).fallback(fallback::post_only),
        )
        .route(
            DEVICE_AUTHORIZATION_PATH,
            post(device::device_authorization_endpoint).fallback(fallback::post_only),
        )
        .route(
            DEVICE_PATH,
            get(device::show)
                .post(device::submit)
                .fallback(get_or_post_only),
        )
}

impl Lab {
    pub(crate) fn authorization_endpoint(&self) -> String {
        format!("{}{AUTHORIZE_PATH}", self.base_url)
    }
    pub(crate) fn par_endpoint(&self) -> String {
        format!("{}{PAR_PATH}", self.base_url)
    }
    pub(crate) fn device_authorization_endpoint(&self) -> String {
        format!("{}{DEVICE_AUTHORIZATION_PATH}", self.base_url)
    }
    pub(crate) fn device_verification_uri(&self) -> String {
        format!("{}{DEVICE_PATH}", self.base_url)
    }
}

impl StsHandle {
    /// The authorization endpoint (`/authorize`, RFC 6749 §3.1): the sign-in page.
    pub fn authorization_endpoint(&self) -> String {
        format!("{}{AUTHORIZE_PATH}", self.base_url())
    }

    /// The pushed authorization request endpoint (`/par`, RFC 9126).
    pub fn par_endpoint(&self) -> String {
        format!("{}{PAR_PATH}", self.base_url())
    }

    /// The device authorization endpoint (`/device_authorization`, RFC 8628 §3.1).
    pub fn device_authorization_endpoint(&self) -> String {
        format!("{}{DEVICE_AUTHORIZATION_PATH}", self.base_url())
    }

    /// Where a user enters a device's code (`/device`, RFC 8628 §3.3).
    pub fn device_verification_uri(&self) -> String {
        format!("{}{DEVICE_PATH}", self.base_url())
    }
}

pub(crate) fn log(
    lab: &Lab,
    endpoint: &str,
    client_id: Option<String>,
    outcome: RequestOutcome,
    status: StatusCode,
) {
    lab.log.push(RequestLogEntry {
        time: SystemTime::now(),
        endpoint: endpoint.to_owned(),
        grant_type: None,
        client_id,
        outcome,
        status: status.as_u16(),
    });
}

pub(crate) fn refused(error: &str, description: impl Into<String>) -> RequestOutcome {
    RequestOutcome::Refused {
        error: error.to_owned(),
        description: description.into(),
    }
}

/// `303 See Other` to `location`, never cached (it may carry a code).
pub(crate) fn see_other(location: &str) -> Response {
    let mut response = Response::new(axum::body::Body::empty());
    *response.status_mut() = StatusCode::SEE_OTHER;
    let h = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(location) {
        h.insert(header::LOCATION, value);
    }
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
    response
}

/// A method other than GET or POST at a page (`/authorize`, `/device`).
async fn get_or_post_only(State(lab): State<Arc<Lab>>, method: Method, uri: Uri) -> Response {
    let e = OAuthError::method_not_allowed(
        "GET, POST",
        format!(
            "{} is not allowed on {}: this page is read with GET and its form sent with POST",
            quoted(method.as_str()),
            uri.path()
        ),
    );
    let (response, outcome, status) = e.into_logged();
    lab.log.push(RequestLogEntry {
        time: SystemTime::now(),
        endpoint: uri.path().to_owned(),
        grant_type: None,
        client_id: None,
        outcome,
        status,
    });
    response
}
