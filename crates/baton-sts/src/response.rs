//! JSON responses. Every token and introspection response, success or error, forbids caching
//! (RFC 6749 §5.1, RFC 7662 §2.2).

use axum::body::Body;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use serde_json::Value;

/// A JSON response with `Cache-Control: no-store` and `Pragma: no-cache`.
pub(crate) fn json_no_store(status: StatusCode, body: &Value) -> Response {
    let mut response = json(status, body);
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
    response
}

/// A JSON response (metadata, JWKS).
pub(crate) fn json(status: StatusCode, body: &Value) -> Response {
    let mut response = Response::new(Body::from(body.to_string()));
    *response.status_mut() = status;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}
