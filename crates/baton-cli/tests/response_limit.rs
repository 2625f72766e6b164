//! `--max-response-bytes`: a token endpoint answering with more than the limit is an error that
//! names the limit and the option, not a process that grows until it is killed.

use std::io::{Read, Write};
use std::net::TcpListener;

use assert_cmd::Command;

/// Answers one request with a 200 whose body is `size` bytes of JSON-looking text.
fn one_answer(size: usize) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}/token", listener.local_addr().expect("addr"));
    std::thread::spawn(move || {
        if let Ok((mut socket, _)) = listener.accept() {
            let mut buf = [0u8; 8192];
            let _ = socket.read(&mut buf);
            let body = format!("{{\"pad\":\"{}\"}}", "x".repeat(size.saturating_sub(10)));
            let _ = write!(
                socket,
                "HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n{body}"
            );
        }
    });
    url
}

fn exchange(url: &str, extra: &[&str]) -> (i32, String) {
    let out = Command::cargo_bin("baton")
        .expect("binary")
        .args(["exchange", "--server", url, "--client-id", "c"])
        .args(["--subject-token", "opaque-subject"])
        .args(extra)
        .output()
        .expect("runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_response_past_max_response_bytes_is_named_with_the_limit() {
    let url = one_answer(8 * 1024);
    let (code, err) = exchange(&url, &["--max-response-bytes", "4KiB"]);
    assert_eq!(code, 3, "{err}");
    assert!(
        err.contains(&format!(
            "the response body from {url} is larger than the 4 KiB Baton reads (--max-response-bytes)"
        )),
        "{err}"
    );
    // The same answer within the default limit is read and shown.
    let url = one_answer(8 * 1024);
    let (code, err) = exchange(&url, &[]);
    assert_eq!(code, 1, "the server's 400 is a refusal: {err}");
    assert!(!err.contains("--max-response-bytes"), "{err}");
}

#[test]
fn a_size_that_is_not_one_is_refused() {
    let (code, err) = exchange(
        "http://127.0.0.1:9/token",
        &["--max-response-bytes", "lots"],
    );
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("\"lots\" is not a size like 16MiB"), "{err}");
}
