//! Reading a request body under the lab's limits: at most [`MAX_BODY_BYTES`], within the
//! body read timeout; anything else is an OAuth error (413, 408, 400), never a plain-text page.

use std::pin::Pin;
use std::time::Duration;

use axum::body::{Body, Bytes, HttpBody};
use axum::http::{HeaderMap, StatusCode, header};

use crate::connection::MAX_BODY_BYTES;
use crate::errors::OAuthError;
use crate::lab::Lab;

/// The most of an oversized body the lab reads, and throws away, after refusing it: a client
/// still sending when the connection closes would get a reset instead of the 413 (a "lingering
/// close", as other servers do). Bounded in bytes and by the body read timeout.
const DRAIN_MAX_BYTES: usize = 8 * 1024 * 1024;

fn too_large() -> OAuthError {
    OAuthError::invalid_request(format!(
        "the request body is larger than the lab accepts ({MAX_BODY_BYTES} bytes)"
    ))
    .with_status(StatusCode::PAYLOAD_TOO_LARGE)
}

enum Collected {
    Whole(Bytes),
    TooLarge,
    Broken,
}

/// The whole body, or the error to answer with. A declared `Content-Length` over the limit is
/// refused before a byte of the body is kept.
pub(crate) async fn read(lab: &Lab, headers: &HeaderMap, body: Body) -> Result<Bytes, OAuthError> {
    let timeout = lab.limits.body_read_timeout;
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > MAX_BODY_BYTES as u64) {
        drain_in_background(body, timeout);
        return Err(too_large());
    }
    let mut body = body;
    match tokio::time::timeout(timeout, collect(&mut body)).await {
        Ok(Collected::Whole(bytes)) => Ok(bytes),
        Ok(Collected::TooLarge) => {
            drain_in_background(body, timeout);
            Err(too_large())
        }
        Ok(Collected::Broken) => Err(OAuthError::invalid_request(
            "the request body could not be read (connection error or bad chunked encoding)",
        )),
        Err(_) => Err(OAuthError::invalid_request(format!(
            "the request body did not arrive within {} s",
            timeout.as_secs_f64()
        ))
        .with_status(StatusCode::REQUEST_TIMEOUT)),
    }
}

async fn next_data(body: &mut Body) -> Option<Result<Bytes, ()>> {
    loop {
        match std::future::poll_fn(|cx| Pin::new(&mut *body).poll_frame(cx)).await? {
            Err(_) => return Some(Err(())),
            Ok(frame) => {
                if let Ok(data) = frame.into_data() {
                    return Some(Ok(data));
                }
                // Trailers: nothing the lab reads.
            }
        }
    }
}

async fn collect(body: &mut Body) -> Collected {
    let mut out = Vec::new();
    while let Some(data) = next_data(body).await {
        let Ok(data) = data else {
            return Collected::Broken;
        };
        if out.len().saturating_add(data.len()) > MAX_BODY_BYTES {
            return Collected::TooLarge;
        }
        out.extend_from_slice(&data);
    }
    Collected::Whole(Bytes::from(out))
}

/// Reads and discards what is left of a refused body, up to [`DRAIN_MAX_BYTES`] or `timeout`.
fn drain_in_background(mut body: Body, timeout: Duration) {
    tokio::spawn(async move {
        let _ = tokio::time::timeout(timeout, async move {
            let mut seen = 0usize;
            while let Some(Ok(data)) = next_data(&mut body).await {
                seen = seen.saturating_add(data.len());
                if seen > DRAIN_MAX_BYTES {
                    break;
                }
            }
        })
        .await;
    });
}
