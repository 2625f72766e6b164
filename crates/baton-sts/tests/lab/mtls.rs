//! The lab over HTTPS: mutual-TLS client authentication and certificate-bound tokens
//! (RFC 8705), as a client with or without a certificate sees them. Thumbprints are computed
//! here from the PEM, not with the lab's code.

use std::time::{Duration, Instant};

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use baton_sts::{Limits, Policy, StsConfig, StsHandle};
use reqwest::{Certificate, Identity};
use serde_json::Value;
use sha2::{Digest, Sha256};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::common::*;

async fn tls_lab_with(policy: Policy, limits: Limits) -> StsHandle {
    baton_sts::spawn_with_limits(
        StsConfig {
            policy,
            tls: true,
            ..StsConfig::default()
        },
        limits,
    )
    .await
    .expect("HTTPS lab starts")
}

async fn tls_lab() -> StsHandle {
    tls_lab_with(Policy::lab_default(), Limits::default()).await
}

/// A client that trusts the lab's CA and presents `identity` (certificate, key) if given.
fn client(lab: &StsHandle, identity: Option<(&str, &str)>) -> reqwest::Client {
    let ca = lab.ca_pem().expect("an HTTPS lab has a CA");
    let mut builder = reqwest::Client::builder()
        .no_proxy()
        .tls_certs_only([Certificate::from_pem(ca.as_bytes()).expect("CA PEM")]);
    if let Some((cert, key)) = identity {
        builder = builder
            .identity(Identity::from_pem(format!("{cert}{key}").as_bytes()).expect("identity"));
    }
    builder.build().expect("client")
}

async fn post_with(http: &reqwest::Client, url: &str, params: &[(&str, &str)]) -> Reply {
    let resp = http
        .post(url)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form_body(params))
        .send()
        .await
        .expect("request sent");
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    let text = resp.text().await.expect("body");
    let body = serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"));
    Reply {
        status,
        headers,
        body,
    }
}

async fn client_credentials(lab: &StsHandle, http: &reqwest::Client, client_id: &str) -> Reply {
    post_with(
        http,
        &lab.token_endpoint(),
        &[
            ("grant_type", "client_credentials"),
            ("client_id", client_id),
        ],
    )
    .await
}

/// The DER of a PEM certificate, read by hand.
fn der_of(pem: &str) -> Vec<u8> {
    let body: String = pem
        .lines()
        .skip_while(|l| !l.starts_with("-----BEGIN CERTIFICATE-----"))
        .skip(1)
        .take_while(|l| !l.starts_with("-----END"))
        .collect();
    STANDARD.decode(body).expect("base64 certificate")
}

/// RFC 8705 §3.1: base64url(SHA-256(DER)).
fn thumbprint(pem: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(der_of(pem)))
}

/// A self-signed certificate naming `dns`, and its key.
fn self_signed(dns: &str) -> (String, String) {
    let params = rcgen::CertificateParams::new(vec![dns.to_owned()]).expect("params");
    let key = rcgen::KeyPair::generate().expect("key");
    let cert = params.self_signed(&key).expect("certificate");
    (cert.pem(), key.serialize_pem())
}

fn x5t(token: &str) -> Value {
    claims(token)["cnf"]["x5t#S256"].clone()
}

#[tokio::test]
async fn the_lab_serves_https_and_refuses_plain_http_cleanly() {
    let lab = tls_lab().await;
    assert!(
        lab.base_url().starts_with("https://127.0.0.1:"),
        "{}",
        lab.base_url()
    );
    assert!(lab.issuer().starts_with("https://"), "{}", lab.issuer());
    let http = client(&lab, None);
    let meta = get_with(&http, &lab.metadata_url()).await;
    assert_eq!(meta["token_endpoint"], lab.token_endpoint());

    // Without the lab's CA the server is not trusted: it is real TLS, with its own CA.
    let untrusting = reqwest::Client::builder()
        .no_proxy()
        .tls_certs_only([
            Certificate::from_pem(tls_lab().await.ca_pem().expect("ca").as_bytes()).expect("pem"),
        ])
        .build()
        .expect("client");
    assert!(untrusting.get(lab.metadata_url()).send().await.is_err());

    // Plain HTTP to the HTTPS port: the connection is closed at once, not held.
    let mut stream = TcpStream::connect(("127.0.0.1", lab.port()))
        .await
        .expect("connect");
    stream
        .write_all(
            b"GET /.well-known/oauth-authorization-server HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
        )
        .await
        .expect("write");
    let took = closed_within(&mut stream, Duration::from_secs(5)).await;
    assert!(took < Duration::from_secs(2), "{took:?}");
    // And the lab still serves HTTPS.
    let status = http.get(lab.jwks_uri()).send().await.expect("GET").status();
    assert_eq!(status.as_u16(), 200);
    // A plain-HTTP lab has no CA to hand out.
    assert_eq!(lab_with(Policy::lab_default(), false).await.ca_pem(), None);
}

/// Reads until the server closes; what arrives (a TLS alert) is not HTTP.
async fn closed_within(stream: &mut TcpStream, limit: Duration) -> Duration {
    let start = Instant::now();
    let mut buf = [0u8; 4096];
    loop {
        match tokio::time::timeout(limit, stream.read(&mut buf)).await {
            Ok(Ok(0)) | Ok(Err(_)) => return start.elapsed(),
            Ok(Ok(n)) => assert!(
                !buf[..n].starts_with(b"HTTP/"),
                "an HTTP answer over the TLS port"
            ),
            Err(_) => panic!("the connection was still open after {limit:?}"),
        }
    }
}

#[tokio::test]
async fn mtls_app_with_a_lab_issued_certificate_gets_a_token_bound_to_it() {
    let lab = tls_lab().await;
    let (cert, key) = lab.issue_client_certificate("mtls-app").expect("issued");
    let http = client(&lab, Some((&cert, &key)));
    let reply = client_credentials(&lab, &http, "mtls-app").await;
    reply.assert_issued();
    let token = reply.token().to_owned();
    assert_eq!(x5t(&token), thumbprint(&cert));
    assert_eq!(claims(&token)["client_id"], "mtls-app");
    // RFC 8705 does not change the token type.
    assert_eq!(reply.body["token_type"], "Bearer");

    // Introspection (mtls-app authenticating with its certificate there too) shows the binding.
    let answer = post_with(
        &http,
        &lab.introspection_endpoint(),
        &[("token", &token), ("client_id", "mtls-app")],
    )
    .await;
    assert_eq!(answer.status, 200, "{:?}", answer.body);
    assert_eq!(answer.body["active"], true);
    assert_eq!(answer.body["cnf"]["x5t#S256"], thumbprint(&cert));
    // Another client introspecting sees it too.
    let seen = introspect_via_secret(&lab, &token).await;
    assert_eq!(seen["cnf"]["x5t#S256"], thumbprint(&cert));

    // A token exchange by the same client is bound to the same certificate.
    let exchanged = post_with(
        &http,
        &lab.token_endpoint(),
        &[
            ("grant_type", TOKEN_EXCHANGE),
            ("client_id", "mtls-app"),
            ("subject_token", &token),
            ("subject_token_type", AT),
        ],
    )
    .await;
    exchanged.assert_issued();
    assert_eq!(x5t(exchanged.token()), thumbprint(&cert));
}

async fn introspect_via_secret(lab: &StsHandle, token: &str) -> Value {
    let http = client(lab, None);
    let resp = http
        .post(lab.introspection_endpoint())
        .header(
            "authorization",
            basic("order-service", "order-service-secret"),
        )
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form_body(&[("token", token)]))
        .send()
        .await
        .expect("introspect");
    serde_json::from_str(&resp.text().await.expect("body")).expect("JSON")
}

async fn get_with(http: &reqwest::Client, url: &str) -> Value {
    let resp = http.get(url).send().await.expect("HTTPS GET");
    assert_eq!(resp.status().as_u16(), 200);
    serde_json::from_str(&resp.text().await.expect("body")).expect("JSON")
}

#[tokio::test]
async fn no_certificate_or_the_wrong_one_is_invalid_client() {
    let lab = tls_lab().await;
    let none = client_credentials(&lab, &client(&lab, None), "mtls-app").await;
    none.assert_error("invalid_client");
    assert_eq!(none.status, 401);
    assert!(
        none.description()
            .contains("presented no client certificate"),
        "{}",
        none.description()
    );

    // A certificate from the lab's CA, for another client.
    let (cert, key) = lab.issue_client_certificate("other-app").expect("issued");
    let other = client_credentials(&lab, &client(&lab, Some((&cert, &key))), "mtls-app").await;
    other.assert_error("invalid_client");
    let d = other.description();
    assert!(
        d.contains("tls_client_auth_san_dns \"mtls-app.baton.test\"")
            && d.contains("other-app.baton.test"),
        "{d}"
    );

    // A self-signed certificate with mtls-app's name: anyone could make one.
    let (forged, forged_key) = self_signed("mtls-app.baton.test");
    let forged_reply = client_credentials(
        &lab,
        &client(&lab, Some((&forged, &forged_key))),
        "mtls-app",
    )
    .await;
    forged_reply.assert_error("invalid_client");
    assert!(
        forged_reply
            .description()
            .contains("was not issued by the lab's CA"),
        "{}",
        forged_reply.description()
    );

    // A certificate from another lab's CA.
    let elsewhere = tls_lab().await;
    let (cert, key) = elsewhere
        .issue_client_certificate("mtls-app")
        .expect("issued");
    let foreign = client_credentials(&lab, &client(&lab, Some((&cert, &key))), "mtls-app").await;
    foreign.assert_error("invalid_client");
    assert!(
        foreign.description().contains("UnknownIssuer"),
        "{}",
        foreign.description()
    );

    // mtls-app may not fall back to a secret.
    let secret = post_with(
        &client(&lab, None),
        &lab.token_endpoint(),
        &[
            ("grant_type", "client_credentials"),
            ("client_id", "mtls-app"),
            ("client_secret", "mtls-app-secret"),
        ],
    )
    .await;
    secret.assert_error("invalid_client");
    assert!(
        secret.description().contains("tls_client_auth"),
        "{}",
        secret.description()
    );
}

#[tokio::test]
async fn with_the_chain_check_off_a_forged_certificate_authenticates() {
    let policy = policy_with(|src| format!("{src}\n[checks]\nclient_certificate_chain = false\n"));
    let lab = tls_lab_with(policy, Limits::default()).await;
    let (forged, key) = self_signed("mtls-app.baton.test");
    let reply = client_credentials(&lab, &client(&lab, Some((&forged, &key))), "mtls-app").await;
    reply.assert_issued();
    assert_eq!(x5t(reply.token()), thumbprint(&forged));
}

#[tokio::test]
async fn a_subject_dn_registration_matches_the_certificate_subject() {
    let policy = policy_with(|src| {
        src.replace(
            "tls_client_auth_san_dns = \"mtls-app.baton.test\"",
            "tls_client_auth_subject_dn = \"CN=mtls-app, O=Baton lab\"",
        )
    });
    let lab = tls_lab_with(policy, Limits::default()).await;
    let (cert, key) = lab.issue_client_certificate("mtls-app").expect("issued");
    client_credentials(&lab, &client(&lab, Some((&cert, &key))), "mtls-app")
        .await
        .assert_issued();
    let (cert, key) = lab.issue_client_certificate("mtls-app2").expect("issued");
    let wrong = client_credentials(&lab, &client(&lab, Some((&cert, &key))), "mtls-app").await;
    wrong.assert_error("invalid_client");
    assert!(
        wrong
            .description()
            .contains("subject \"CN=mtls-app2,O=Baton lab\""),
        "{}",
        wrong.description()
    );
}

#[tokio::test]
async fn self_signed_app_authenticates_with_its_registered_certificate_only() {
    let lab = tls_lab().await;
    let cert = baton_sts::SELF_SIGNED_APP_CERTIFICATE_PEM;
    let key = baton_sts::SELF_SIGNED_APP_KEY_PEM;
    let reply = client_credentials(&lab, &client(&lab, Some((cert, key))), "self-signed-app").await;
    reply.assert_issued();
    assert_eq!(x5t(reply.token()), thumbprint(cert));

    let (other, other_key) = self_signed("self-signed-app.baton.test");
    let refused = client_credentials(
        &lab,
        &client(&lab, Some((&other, &other_key))),
        "self-signed-app",
    )
    .await;
    refused.assert_error("invalid_client");
    assert_eq!(refused.status, 401);
    let d = refused.description();
    assert!(
        d.contains("registered with a self-signed certificate")
            && d.contains(&thumbprint(cert))
            && d.contains(&thumbprint(&other)),
        "{d}"
    );
    // The certificate of another client does not do either, though the lab's CA issued it.
    let (cert, key) = lab
        .issue_client_certificate("self-signed-app")
        .expect("issued");
    client_credentials(&lab, &client(&lab, Some((&cert, &key))), "self-signed-app")
        .await
        .assert_error("invalid_client");
}

#[tokio::test]
async fn metadata_advertises_mutual_tls_only_over_https() {
    let lab = tls_lab().await;
    let meta = get_with(&client(&lab, None), &lab.metadata_url()).await;
    assert_eq!(meta["tls_client_certificate_bound_access_tokens"], true);
    for key in [
        "token_endpoint_auth_methods_supported",
        "introspection_endpoint_auth_methods_supported",
        "revocation_endpoint_auth_methods_supported",
    ] {
        let methods = meta[key].as_array().expect(key);
        for m in ["tls_client_auth", "self_signed_tls_client_auth"] {
            assert!(methods.contains(&Value::from(m)), "{key} lacks {m}");
        }
    }
    let aliases = &meta["mtls_endpoint_aliases"];
    assert_eq!(aliases["token_endpoint"], lab.token_endpoint());
    assert_eq!(
        aliases["introspection_endpoint"],
        lab.introspection_endpoint()
    );
    assert_eq!(aliases["revocation_endpoint"], lab.revocation_endpoint());
    assert!(aliases["pushed_authorization_request_endpoint"].is_string());

    let plain = lab_with(Policy::lab_default(), false).await;
    let (_, meta) = get_json(&plain.metadata_url()).await;
    assert!(meta.get("mtls_endpoint_aliases").is_none());
    assert!(
        meta.get("tls_client_certificate_bound_access_tokens")
            .is_none()
    );
}

#[tokio::test]
async fn a_plain_http_lab_says_why_mutual_tls_cannot_work() {
    let lab = lab_with(Policy::lab_default(), false).await;
    assert_eq!(lab.issue_client_certificate("mtls-app"), None);
    let reply = post(
        &lab.token_endpoint(),
        &[
            ("grant_type", "client_credentials"),
            ("client_id", "mtls-app"),
        ],
        None,
    )
    .await;
    reply.assert_error("invalid_client");
    assert!(
        reply.description().contains("plain HTTP"),
        "{}",
        reply.description()
    );
}

#[tokio::test]
async fn a_public_clients_refresh_token_is_bound_to_its_certificate() {
    // RFC 8705 §4: a public client, certificate-bound tokens without mTLS authentication.
    let policy = policy_with(|src| {
        format!(
            "{src}\n[[clients]]\nclient_id = \"pub-app\"\nauth = \"none\"\ngrants = [\"token-exchange\", \"refresh_token\"]\nmay_impersonate = true\naudiences = [\"documents-api\"]\ndefault_audience = \"documents-api\"\naccepts_audiences = [\"documents-api\"]\ntls_client_certificate_bound_access_tokens = true\n"
        )
    });
    let lab = tls_lab_with(policy, Limits::default()).await;
    let (mtls_cert, mtls_key) = lab.issue_client_certificate("mtls-app").expect("issued");
    let subject = client_credentials(
        &lab,
        &client(&lab, Some((&mtls_cert, &mtls_key))),
        "mtls-app",
    )
    .await
    .token()
    .to_owned();

    let (cert, key) = self_signed("pub-app.example");
    let http = client(&lab, Some((&cert, &key)));
    let exchanged = post_with(
        &http,
        &lab.token_endpoint(),
        &[
            ("grant_type", TOKEN_EXCHANGE),
            ("client_id", "pub-app"),
            ("subject_token", &subject),
            ("subject_token_type", AT),
            ("requested_token_type", RT),
        ],
    )
    .await;
    exchanged.assert_issued();
    let refresh = exchanged.token().to_owned();
    let refresh_with = |http: reqwest::Client| {
        let lab = &lab;
        let refresh = refresh.clone();
        async move {
            post_with(
                &http,
                &lab.token_endpoint(),
                &[
                    ("grant_type", "refresh_token"),
                    ("client_id", "pub-app"),
                    ("refresh_token", &refresh),
                ],
            )
            .await
        }
    };
    let (other, other_key) = self_signed("pub-app.example");
    let stolen = refresh_with(client(&lab, Some((&other, &other_key)))).await;
    stolen.assert_error("invalid_grant");
    assert!(
        stolen.description().contains(&thumbprint(&cert)),
        "{}",
        stolen.description()
    );
    refresh_with(client(&lab, None))
        .await
        .assert_error("invalid_request");
    let refreshed = refresh_with(http).await;
    refreshed.assert_issued();
    assert_eq!(x5t(refreshed.token()), thumbprint(&cert));
}

#[tokio::test]
async fn stalled_handshakes_and_garbage_do_not_hold_the_lab() {
    let limits = Limits {
        tls_handshake_timeout: Duration::from_millis(300),
        max_connections: 3,
        ..Limits::default()
    };
    let lab = tls_lab_with(Policy::lab_default(), limits).await;
    // Every slot taken by a connection that never says hello.
    let mut silent = Vec::new();
    for _ in 0..3 {
        silent.push(
            TcpStream::connect(("127.0.0.1", lab.port()))
                .await
                .expect("connect"),
        );
    }
    // A real client gets in once the handshakes time out.
    let (cert, key) = lab.issue_client_certificate("mtls-app").expect("issued");
    let started = Instant::now();
    let http = client(&lab, Some((&cert, &key)));
    tokio::time::timeout(
        Duration::from_secs(10),
        client_credentials(&lab, &http, "mtls-app"),
    )
    .await
    .expect("served while stalled handshakes held every slot")
    .assert_issued();
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    for stream in &mut silent {
        let took = closed_within(stream, Duration::from_secs(5)).await;
        assert!(took < Duration::from_secs(3), "{took:?}");
    }

    // Garbage instead of a ClientHello: closed at once, and the lab goes on serving.
    for garbage in [
        &b"\x00\x01\x02\x03hello?"[..],
        &[0x16, 0x03, 0x01, 0xff, 0xff, 0x01][..],
    ] {
        let mut stream = TcpStream::connect(("127.0.0.1", lab.port()))
            .await
            .expect("connect");
        stream.write_all(garbage).await.expect("write");
        closed_within(&mut stream, Duration::from_secs(5)).await;
    }
    client_credentials(&lab, &client(&lab, Some((&cert, &key))), "mtls-app")
        .await
        .assert_issued();
}
