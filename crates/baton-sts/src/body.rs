//! Reading a request body under the lab's limits: at most [`MAX_BODY_BYTES`], within the
//! body read timeout; anything else is an OAuth error (413, 408, 400), never a plain-text page.

use std::pin::Pin;

use axum::body::{Body, Bytes, HttpBody};
use axum::http::{HeaderMap, StatusCode, header};

use crate::connection::MAX_BODY_BYTES;
use crate::errors::OAuthError;
use crate::lab::Lab;

fn too_large() -> OAuthError {
    OAuthError::invalid_request(format!(
        "the request body is larger than the lab accepts ({MAX_BODY_BYTES} bytes)"
    ))
    .with_status(StatusCode::PAYLOAD_TOO_LARGE)
}

/// The whole body, or the error to answer with. A declared `Content-Length` over the limit is
/// refused before a byte of the body is read.
pub(crate) async fn read(lab: &Lab, headers: &HeaderMap, body: Body) -> Result<Bytes, OAuthError> {
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > MAX_BODY_BYTES as u64) {
        return Err(too_large());
    }
    let timeout = lab.limits.body_read_timeout;
    match tokio::time::timeout(timeout, collect(body)).await {
        Ok(result) => result,
        Err(_) => Err(OAuthError::invalid_request(format!(
            "the request body did not arrive within {} s",
            timeout.as_secs_f64()
        ))
        .with_status(StatusCode::REQUEST_TIMEOUT)),
    }
}

async fn collect(mut body: Body) -> Result<Bytes, OAuthError> {
    let mut out = Vec::new();
    while let Some(frame) = std::future::poll_fn(|cx| Pin::new(&mut body).poll_frame(cx)).await {
        let frame = frame.map_err(|_| {
            OAuthError::invalid_request(
                "the request body could not be read (connection error or bad chunked encoding)",
            )
        })?;
        if let Ok(data) = frame.into_data() {
            if out.len().saturating_add(data.len()) > MAX_BODY_BYTES {
                return Err(too_large());
            }
            out.extend_from_slice(&data);
        }
    }
    Ok(Bytes::from(out))
}
