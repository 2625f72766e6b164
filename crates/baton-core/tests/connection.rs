//! The connection test against the lab token service on a random loopback port, an unreachable
//! port, and a server that answers every request with an HTML page.

use std::collections::BTreeMap;

mod common;

use baton_core::connection::{ConnectionCheck, ConnectionReport, test_connection};
use baton_core::scenario::{ResolvedServerUrls, ServerError, resolve_server};

use common::{demo, http, lab};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

fn check<'a>(report: &'a ConnectionReport, name: &str) -> &'a ConnectionCheck {
    report
        .checks
        .iter()
        .find(|c| c.name == name)
        .unwrap_or_else(|| panic!("no {name} check in {report:#?}"))
}

/// A server at `base` with every URL a collection can give it.
fn server_at(base: &str) -> ResolvedServerUrls {
    ResolvedServerUrls {
        id: "s".into(),
        token_endpoint: format!("{base}/token"),
        issuer: Some(base.to_string()),
        jwks_uri: Some(format!("{base}/jwks")),
        introspection_endpoint: None,
        authorization_endpoint: None,
        device_authorization_endpoint: None,
        preset: None,
    }
}

#[tokio::test]
async fn the_lab_passes_every_check_and_advertises_token_exchange() {
    let lab = lab().await;
    let overrides = BTreeMap::from([("lab".to_string(), lab.base_url().to_string())]);
    let server = resolve_server(&demo(), "lab", None, &overrides).expect("the lab resolves");
    assert_eq!(server.token_endpoint, format!("{}/token", lab.base_url()));

    let report = test_connection(&http(), &server).await;
    assert_eq!(report.server_id, "lab");
    let names: Vec<&str> = report.checks.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["token_endpoint", "jwks", "metadata"]);
    assert!(report.checks.iter().all(|c| c.ok), "{report:#?}");

    let token = check(&report, "token_endpoint");
    assert!(matches!(token.status, Some(400 | 401)), "{token:?}");
    assert!(token.detail.contains("invalid_"), "{token:?}");
    let jwks = check(&report, "jwks");
    assert_eq!(jwks.detail, "1 key: ES256");
    let metadata = check(&report, "metadata");
    assert!(
        metadata.detail.starts_with("token exchange is advertised"),
        "{metadata:?}"
    );
}

#[tokio::test]
async fn an_unreachable_server_is_failed_checks_that_name_the_url() {
    let report = test_connection(&http(), &server_at("http://127.0.0.1:9")).await;
    assert_eq!(report.checks.len(), 3);
    for c in &report.checks {
        assert!(!c.ok, "{c:?}");
        assert_eq!(c.status, None, "{c:?}");
        assert!(c.detail.contains("127.0.0.1:9"), "{c:?}");
    }
    assert_eq!(
        check(&report, "token_endpoint").url,
        "http://127.0.0.1:9/token"
    );
}

/// A loopback server that answers every request with a 200 HTML page, like a web site's.
async fn html_server() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("address");
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut buf = [0u8; 8192];
                let _ = socket.read(&mut buf).await;
                let body = "<!doctype html><html><body>Welcome</body></html>";
                let response = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: text/html\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = socket.write_all(response.as_bytes()).await;
                let _ = socket.shutdown().await;
            });
        }
    });
    format!("http://{addr}")
}

#[tokio::test]
async fn a_server_that_answers_html_fails_the_token_endpoint_check() {
    let base = html_server().await;
    let report = test_connection(&http(), &server_at(&base)).await;
    let token = check(&report, "token_endpoint");
    assert!(!token.ok);
    assert_eq!(token.status, Some(200));
    assert!(token.detail.contains("HTML"), "{token:?}");
    let jwks = check(&report, "jwks");
    assert!(!jwks.ok);
    assert!(jwks.detail.contains("JWKS"), "{jwks:?}");
    assert!(!check(&report, "metadata").ok);
}

#[test]
fn an_unknown_server_or_a_missing_variable_does_not_resolve() {
    let demo = demo();
    let unknown = resolve_server(&demo, "nope", None, &BTreeMap::new()).expect_err("unknown");
    assert!(
        matches!(unknown, ServerError::UnknownServer { .. }),
        "{unknown}"
    );
    assert!(unknown.to_string().contains("lab"), "{unknown}");

    let mut broken = demo.clone();
    broken.servers[0].jwks_uri = Some("{{env.nowhere}}/jwks".into());
    let missing = resolve_server(&broken, "lab", None, &BTreeMap::new()).expect_err("missing");
    assert!(
        matches!(&missing, ServerError::Unresolved { field, .. } if field == "jwks_uri"),
        "{missing}"
    );
    assert!(missing.to_string().contains("{{env.nowhere}}"), "{missing}");

    let no_env = resolve_server(&demo, "lab", Some("prod"), &BTreeMap::new()).expect_err("env");
    assert!(no_env.to_string().contains("prod"), "{no_env}");
}
