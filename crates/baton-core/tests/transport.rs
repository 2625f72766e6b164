//! The real HTTP client against loopback: unreachable servers, timeouts, redirects not followed.

use std::time::Duration;

use baton_core::http::{HttpClient, HttpRequest, HttpSettings, ReqwestClient, TransportError};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

fn client(timeout_ms: u64) -> ReqwestClient {
    ReqwestClient::new(&HttpSettings {
        timeout: Duration::from_millis(timeout_ms),
        ..HttpSettings::default()
    })
    .expect("client")
}

#[tokio::test]
async fn unreachable_server_is_named() {
    // Bind then drop, so the port is very likely closed.
    let port = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port();
    let url = format!("http://127.0.0.1:{port}/token");
    let err = client(2000)
        .send(&HttpRequest::post_form(&url))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, TransportError::Unreachable { url: u, .. } if *u == url),
        "{err:?}"
    );
    assert!(err.to_string().contains(&url));
    assert!(
        err.to_string()
            .contains("connection refused: nothing listens there, so the server is down"),
        "{err}"
    );
}

#[tokio::test]
async fn a_server_that_never_answers_times_out() {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("http://{}/token", listener.local_addr().expect("addr"));
    let holder = tokio::spawn(async move {
        let (socket, _) = listener.accept().await.expect("accept");
        tokio::time::sleep(Duration::from_secs(5)).await;
        drop(socket);
    });
    let err = client(300)
        .send(&HttpRequest::post_form(&url))
        .await
        .unwrap_err();
    assert!(matches!(err, TransportError::Timeout { .. }), "{err:?}");
    holder.abort();
}

#[tokio::test]
async fn a_server_that_closes_the_connection_without_answering_gave_no_answer() {
    // What a client meets when a token service goes down under it: the connection is accepted,
    // the request read, and the connection closed with no answer.
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("http://{}/token", listener.local_addr().expect("addr"));
    let closer = tokio::spawn(async move {
        for _ in 0..2 {
            let (mut socket, _) = listener.accept().await.expect("accept");
            let mut buf = [0u8; 1024];
            let _ = socket.read(&mut buf).await;
            drop(socket);
        }
    });
    let err = client(2000)
        .send(&HttpRequest::post_form(&url))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, TransportError::Unreachable { url: u, .. } if *u == url),
        "{err:?}"
    );
    assert!(
        err.to_string()
            .contains("the connection was closed before an answer came"),
        "{err}"
    );
    closer.abort();
}

#[tokio::test]
async fn redirects_are_shown_not_followed() {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("http://{}/token", listener.local_addr().expect("addr"));
    let server = tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.expect("accept");
        let mut buf = [0u8; 4096];
        let _ = socket.read(&mut buf).await;
        socket
            .write_all(b"HTTP/1.1 302 Found\r\nLocation: http://127.0.0.1:1/elsewhere\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            .await
            .expect("write");
    });
    let response = client(2000)
        .send(&HttpRequest::post_form(&url))
        .await
        .expect("response");
    assert_eq!(response.status, 302);
    assert_eq!(
        response.header("location"),
        Some("http://127.0.0.1:1/elsewhere")
    );
    server.await.expect("server");
}

#[tokio::test]
async fn a_bad_url_is_reported() {
    let err = client(1000)
        .send(&HttpRequest::get("ftp://x/y"))
        .await
        .unwrap_err();
    assert!(matches!(err, TransportError::InvalidUrl { .. }));
    let err = client(1000)
        .send(&HttpRequest::get("not a url"))
        .await
        .unwrap_err();
    assert!(matches!(err, TransportError::InvalidUrl { .. }));
}

#[test]
fn a_missing_ca_file_is_named() {
    let err = ReqwestClient::new(&HttpSettings {
        ca_file: Some("/nonexistent/ca.pem".into()),
        ..HttpSettings::default()
    })
    .unwrap_err();
    assert!(err.to_string().contains("/nonexistent/ca.pem"));
}

/// A server that answers 200 and then streams `total` bytes of body (no Content-Length, so only
/// reading tells the size), counting how many it could send before the client hung up.
async fn streaming_server(total: usize) -> (String, tokio::task::JoinHandle<usize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("http://{}/jwks", listener.local_addr().expect("addr"));
    let server = tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.expect("accept");
        let mut buf = [0u8; 4096];
        let _ = socket.read(&mut buf).await;
        let head =
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n";
        if socket.write_all(head).await.is_err() {
            return 0;
        }
        let chunk = vec![b'x'; 64 * 1024];
        let mut sent = 0;
        while sent < total {
            if socket.write_all(&chunk).await.is_err() {
                break;
            }
            sent += chunk.len();
        }
        sent
    });
    (url, server)
}

#[tokio::test]
async fn a_body_past_the_limit_is_refused_without_reading_it_all() {
    const TOTAL: usize = 256 * 1024 * 1024;
    let (url, server) = streaming_server(TOTAL).await;
    let http = ReqwestClient::new(&HttpSettings {
        max_response_bytes: 64 * 1024,
        ..HttpSettings::default()
    })
    .expect("client");
    let err = http.send(&HttpRequest::get(&url)).await.unwrap_err();
    assert!(
        matches!(&err, TransportError::TooLarge { limit: 65_536, .. }),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        format!(
            "the response body from {url} is larger than the 64 KiB Baton reads (--max-response-bytes)"
        )
    );
    drop(http);
    let sent = tokio::time::timeout(Duration::from_secs(20), server)
        .await
        .expect("the server stops once the client hangs up")
        .expect("server");
    // What the kernel's socket buffers took, not the 256 MiB the server had to send.
    assert!(sent < 32 * 1024 * 1024, "the server sent {sent} bytes");
}

#[tokio::test]
async fn an_announced_length_past_the_limit_is_refused_at_once() {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("http://{}/token", listener.local_addr().expect("addr"));
    let server = tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.expect("accept");
        let mut buf = [0u8; 4096];
        let _ = socket.read(&mut buf).await;
        let _ = socket
            .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 17179869184\r\n\r\n{\"access_token\":")
            .await;
        // Never sends the rest: the client must not wait for it.
        tokio::time::sleep(Duration::from_secs(10)).await;
    });
    let err = ReqwestClient::new(&HttpSettings::default())
        .expect("client")
        .send(&HttpRequest::post_form(&url))
        .await
        .unwrap_err();
    assert!(
        err.to_string()
            .ends_with("is larger than the 16 MiB Baton reads (--max-response-bytes)"),
        "{err}"
    );
    server.abort();
}

#[tokio::test]
async fn a_body_within_the_limit_is_read_whole() {
    let (url, server) = streaming_server(128 * 1024).await;
    let response = ReqwestClient::new(&HttpSettings {
        max_response_bytes: 128 * 1024,
        ..HttpSettings::default()
    })
    .expect("client")
    .send(&HttpRequest::get(&url))
    .await
    .expect("response");
    assert_eq!(response.body.len(), 128 * 1024);
    assert_eq!(server.await.expect("server"), 128 * 1024);
}
