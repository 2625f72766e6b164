//! TLS failures in words, against HTTPS servers on loopback with certificates made here: an
//! unknown CA says to give it with --ca-file, a wrong host names the certificate's names, and a
//! self-signed certificate (CA:TRUE, as `openssl req -x509` makes it) named by the user is
//! trusted as it is, but still only for its own names and dates.

use std::sync::Arc;

use baton_core::http::{HttpClient, HttpRequest, HttpSettings, ReqwestClient, TransportError};
use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, DnType, IsCa, KeyPair, KeyUsagePurpose,
};
use rustls::ServerConfig;
use rustls::crypto::aws_lc_rs;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;

/// An HTTPS server on 127.0.0.1 presenting `chain`, answering every request 200 `{"ok":true}`.
async fn serve(chain: Vec<CertificateDer<'static>>, key: &KeyPair) -> String {
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der()));
    let config = ServerConfig::builder_with_provider(Arc::new(aws_lc_rs::default_provider()))
        .with_safe_default_protocol_versions()
        .expect("versions")
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .expect("server config");
    let acceptor = TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("https://{}/token", listener.local_addr().expect("addr"));
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                let Ok(mut tls) = acceptor.accept(socket).await else {
                    return;
                };
                let mut buf = [0u8; 4096];
                let _ = tls.read(&mut buf).await;
                let body = r#"{"ok":true}"#;
                let answer = format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = tls.write_all(answer.as_bytes()).await;
                let _ = tls.shutdown().await;
            });
        }
    });
    url
}

fn ca(name: &str) -> CertifiedIssuer<'static, KeyPair> {
    let mut params = CertificateParams::default();
    params.distinguished_name.push(DnType::CommonName, name);
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    CertifiedIssuer::self_signed(params, KeyPair::generate().expect("key")).expect("CA")
}

/// A server certificate for `names` signed by `ca`, with its key.
fn leaf(
    names: &[&str],
    ca: &CertifiedIssuer<'static, KeyPair>,
) -> (CertificateDer<'static>, KeyPair) {
    let params = CertificateParams::new(names.iter().map(|n| n.to_string()).collect::<Vec<_>>())
        .expect("names");
    let key = KeyPair::generate().expect("key");
    let cert = params.signed_by(&key, ca).expect("signed");
    (cert.der().clone(), key)
}

/// A self-signed certificate for `names` marked CA:TRUE, as `openssl req -x509` makes one.
fn self_signed_ca_true(
    names: &[&str],
    expired: bool,
) -> (String, CertificateDer<'static>, KeyPair) {
    let mut params =
        CertificateParams::new(names.iter().map(|n| n.to_string()).collect::<Vec<_>>())
            .expect("names");
    params
        .distinguished_name
        .push(DnType::CommonName, "self-signed test server");
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    if expired {
        params.not_before = rcgen::date_time_ymd(2001, 1, 1);
        params.not_after = rcgen::date_time_ymd(2002, 1, 1);
    }
    let key = KeyPair::generate().expect("key");
    let cert = params.self_signed(&key).expect("self-signed");
    (cert.pem(), cert.der().clone(), key)
}

fn trusting(ca_pem: Vec<String>) -> ReqwestClient {
    ReqwestClient::new(&HttpSettings {
        ca_pem,
        ..HttpSettings::default()
    })
    .expect("client")
}

async fn tls_failure(client: &ReqwestClient, url: &str) -> String {
    match client.send(&HttpRequest::get(url)).await {
        Err(TransportError::Tls { reason, .. }) => reason,
        other => panic!("expected a TLS failure, got {other:?}"),
    }
}

#[tokio::test]
async fn an_unknown_ca_says_to_give_it_with_ca_file() {
    let ca = ca("Test CA");
    let (cert, key) = leaf(&["127.0.0.1"], &ca);
    let url = serve(vec![cert], &key).await;
    let expected = "the server's certificate is not signed by a CA Baton trusts: give its CA with --ca-file, or check the server sends its whole chain";
    // Trusting nothing extra (the platform's roots only).
    let reason = tls_failure(
        &ReqwestClient::new(&HttpSettings::default()).expect("client"),
        &url,
    )
    .await;
    assert_eq!(reason, expected);
    // Trusting some other CA.
    let reason = tls_failure(&trusting(vec![self::ca("Other CA").pem()]), &url).await;
    assert_eq!(reason, expected);
    // Trusting another CA of the same name: its key does not sign this certificate.
    let reason = tls_failure(&trusting(vec![self::ca("Test CA").pem()]), &url).await;
    assert!(reason.contains("the CA Baton trusts under that name has another key (give the right one with --ca-file)"), "{reason}");
    assert!(!reason.contains("UnknownIssuer"));
    // Its own CA, given as a file, is trusted.
    let path = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("tls-errors-ca.pem");
    std::fs::write(&path, ca.pem()).expect("writes the CA");
    let client = ReqwestClient::new(&HttpSettings {
        ca_file: Some(path),
        ..HttpSettings::default()
    })
    .expect("client");
    let response = client.send(&HttpRequest::get(&url)).await.expect("trusted");
    assert_eq!(response.body_text(), r#"{"ok":true}"#);
}

#[tokio::test]
async fn a_self_signed_ca_true_certificate_named_by_the_user_is_trusted() {
    let (pem, der, key) = self_signed_ca_true(&["127.0.0.1", "localhost"], false);
    let url = serve(vec![der], &key).await;
    let response = trusting(vec![pem])
        .send(&HttpRequest::get(&url))
        .await
        .expect("a named self-signed certificate is trusted");
    assert_eq!(response.status, 200);
    assert_eq!(response.body_text(), r#"{"ok":true}"#);
    // Not named, it is refused, in words.
    let reason = tls_failure(&trusting(vec![ca("Test CA").pem()]), &url).await;
    assert!(reason.contains("--ca-file"), "{reason}");
    assert!(
        !reason.contains("CaUsedAsEndEntity") && !reason.contains("OtherError"),
        "{reason}"
    );
}

#[tokio::test]
async fn a_named_self_signed_certificate_is_still_checked_for_its_name_and_dates() {
    let (pem, der, key) = self_signed_ca_true(&["other.example"], false);
    let url = serve(vec![der], &key).await;
    let reason = tls_failure(&trusting(vec![pem]), &url).await;
    assert_eq!(
        reason,
        "the server's certificate is for other.example, not 127.0.0.1: connect with a name it has, or give the server a certificate for 127.0.0.1"
    );
    let (pem, der, key) = self_signed_ca_true(&["127.0.0.1"], true);
    let url = serve(vec![der], &key).await;
    let reason = tls_failure(&trusting(vec![pem]), &url).await;
    assert!(
        reason.starts_with("the server's certificate expired on 2002-01-01 00:00:00 UTC"),
        "{reason}"
    );
}

#[tokio::test]
async fn a_wrong_host_names_the_certificate_s_names() {
    let ca = ca("Test CA");
    let (cert, key) = leaf(&["api.example", "baton.test", "10.1.2.3"], &ca);
    let url = serve(vec![cert], &key).await;
    let reason = tls_failure(&trusting(vec![ca.pem()]), &url).await;
    assert_eq!(
        reason,
        "the server's certificate is for api.example, baton.test, 10.1.2.3, not 127.0.0.1: connect with a name it has, or give the server a certificate for 127.0.0.1"
    );
    assert!(!reason.contains("DnsName"), "{reason}");
}

#[tokio::test]
async fn plain_http_on_an_https_url_is_named() {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("https://{}/token", listener.local_addr().expect("addr"));
    tokio::spawn(async move {
        if let Ok((mut socket, _)) = listener.accept().await {
            let mut buf = [0u8; 1024];
            let _ = socket.read(&mut buf).await;
            let _ = socket
                .write_all(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
                .await;
        }
    });
    let reason = tls_failure(
        &ReqwestClient::new(&HttpSettings::default()).expect("client"),
        &url,
    )
    .await;
    assert!(reason.contains("did not answer in TLS"), "{reason}");
}
