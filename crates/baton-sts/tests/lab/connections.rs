//! Connections that hold the lab without using it: silent, slow or idle ones are closed, and a
//! real client still gets through. Short limits here; the lab's own are seconds long.

use std::time::{Duration, Instant};

use baton_sts::{Limits, StsConfig, StsHandle};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::common::*;

const SHORT: Duration = Duration::from_millis(300);

async fn lab_with_limits(limits: Limits) -> StsHandle {
    baton_sts::spawn_with_limits(StsConfig::default(), limits)
        .await
        .expect("lab starts")
}

fn short_limits() -> Limits {
    Limits {
        idle_timeout: SHORT,
        header_read_timeout: SHORT,
        body_read_timeout: SHORT,
        ..Limits::default()
    }
}

async fn connect(lab: &StsHandle) -> TcpStream {
    TcpStream::connect(("127.0.0.1", lab.port()))
        .await
        .expect("connect")
}

/// Waits (at most 10 s) for the server to close `stream`; returns how long it took.
async fn closed_by_server(stream: &mut TcpStream) -> Duration {
    let start = Instant::now();
    let mut buf = [0u8; 4096];
    let deadline = Duration::from_secs(10);
    loop {
        match tokio::time::timeout(deadline, stream.read(&mut buf)).await {
            Ok(Ok(0)) | Ok(Err(_)) => return start.elapsed(),
            // Bytes (a response): keep reading until the close.
            Ok(Ok(_)) => {}
            Err(_) => panic!("the connection was still open after {deadline:?}"),
        }
    }
}

#[tokio::test]
async fn silent_connections_do_not_lock_clients_out_and_are_closed() {
    let lab = lab_with_limits(short_limits()).await;
    let mut silent = Vec::new();
    for _ in 0..50 {
        silent.push(connect(&lab).await);
    }
    // A real client is served at once.
    client_token(&lab, "agent-a").await;
    for stream in &mut silent {
        let took = closed_by_server(stream).await;
        assert!(took < Duration::from_secs(5), "{took:?}");
    }
}

#[tokio::test]
async fn connections_past_the_cap_wait_their_turn() {
    let lab = lab_with_limits(Limits {
        max_connections: 4,
        ..short_limits()
    })
    .await;
    let mut silent = Vec::new();
    for _ in 0..4 {
        silent.push(connect(&lab).await);
    }
    // Served once a silent connection has been closed for its missing request head.
    let start = Instant::now();
    let token = tokio::time::timeout(Duration::from_secs(10), client_token(&lab, "agent-a"))
        .await
        .expect("served within 10 s");
    assert!(!token.is_empty());
    assert!(start.elapsed() >= SHORT / 2, "{:?}", start.elapsed());
}

#[tokio::test]
async fn a_slow_request_head_is_cut_off() {
    let lab = lab_with_limits(short_limits()).await;
    let mut stream = connect(&lab).await;
    stream
        .write_all(b"POST /token HTTP/1.1\r\nHost: lab\r\n")
        .await
        .expect("write");
    // A byte now and then does not keep it open.
    for _ in 0..3 {
        tokio::time::sleep(SHORT / 3).await;
        if stream.write_all(b"X").await.is_err() {
            break;
        }
    }
    closed_by_server(&mut stream).await;
}

#[tokio::test]
async fn an_idle_keep_alive_connection_is_closed() {
    let lab = lab_with_limits(Limits {
        idle_timeout: Duration::from_millis(500),
        header_read_timeout: Duration::from_secs(30),
        ..short_limits()
    })
    .await;
    let mut stream = connect(&lab).await;
    let body = "grant_type=client_credentials";
    let request = format!(
        "POST /token HTTP/1.1\r\nHost: lab\r\nAuthorization: {}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{body}",
        basic("agent-a", "agent-a-secret"),
        body.len()
    );
    // Two requests on one connection: keep-alive works, and then the idle one is closed,
    // though the head timeout (30 s) is far away.
    for _ in 0..2 {
        stream.write_all(request.as_bytes()).await.expect("write");
        let mut got = Vec::new();
        let mut buf = [0u8; 8192];
        while !String::from_utf8_lossy(&got).contains("\"access_token\"") {
            let n = tokio::time::timeout(Duration::from_secs(5), stream.read(&mut buf))
                .await
                .expect("answered")
                .expect("read");
            assert!(n > 0, "closed early");
            got.extend_from_slice(&buf[..n]);
        }
        assert!(String::from_utf8_lossy(&got).starts_with("HTTP/1.1 200"));
    }
    let took = closed_by_server(&mut stream).await;
    assert!(took < Duration::from_secs(5), "{took:?}");
}

#[tokio::test]
async fn stop_is_prompt_with_silent_connections_open() {
    let lab = lab_with_limits(Limits::default()).await;
    let port = lab.port();
    let mut silent = Vec::new();
    for _ in 0..20 {
        silent.push(connect(&lab).await);
    }
    let start = Instant::now();
    lab.stop().await;
    assert!(
        start.elapsed() < Duration::from_secs(3),
        "{:?}",
        start.elapsed()
    );
    for stream in &mut silent {
        closed_by_server(stream).await;
    }
    tokio::net::TcpListener::bind(("127.0.0.1", port))
        .await
        .expect("the port is free again");
}
