//! Token probes: every forgery is refused by the lab, and accepted by a lab behind a proxy that
//! swaps forged tokens for the real ones (a server that never verifies them); the key-URL probes
//! also fail when the server fetches the URL, even if it then refuses the token.

use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::Mutex;
use std::time::Duration;

use baton_core::http::{HttpRequest, HttpResponse};
use serde_json::Value as Json;

use crate::harness::*;
use crate::token_faults::*;

/// A server that does not verify tokens: a subject or actor token it did not issue, but whose
/// `jti` matches one it did, is replaced by that real token before the lab sees it.
#[derive(Default)]
struct AcceptsForged {
    issued: Mutex<HashMap<String, String>>,
}

impl Fault for AcceptsForged {
    fn request(&self, request: &mut HttpRequest) {
        if !is_exchange(request) {
            return;
        }
        let issued = self.issued.lock().expect("lock").clone();
        for name in ["subject_token", "actor_token"] {
            let Some(token) = form(request, name) else {
                continue;
            };
            if issued.values().any(|t| *t == token) {
                continue;
            }
            let jti = jwt_parts(&token)
                .and_then(|(_, c)| c.get("jti").and_then(Json::as_str).map(str::to_string));
            if let Some(real) = jti.and_then(|j| issued.get(&j)) {
                set_form(request, name, real);
            }
        }
    }

    fn response(&self, _request: &HttpRequest, response: &mut HttpResponse) {
        let Some(token) = json_body(response).and_then(|b| {
            b.get("access_token")
                .and_then(Json::as_str)
                .map(str::to_string)
        }) else {
            return;
        };
        if let Some(jti) = jwt_parts(&token)
            .and_then(|(_, c)| c.get("jti").and_then(Json::as_str).map(str::to_string))
        {
            self.issued.lock().expect("lock").insert(jti, token);
        }
    }
}

/// A server that fetches the key URL a subject token names (jku, x5u, or the x5u of an
/// embedded jwk), and then refuses the token anyway.
struct FetchesKeyUrl;

fn fetch(url: &str) {
    let Some(rest) = url.strip_prefix("http://") else {
        return;
    };
    let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
    if let Ok(mut stream) = TcpStream::connect(host) {
        let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
        let _ = write!(
            stream,
            "GET /{path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
        );
        let mut reply = Vec::new();
        let _ = stream.read_to_end(&mut reply);
    }
}

impl Fault for FetchesKeyUrl {
    fn request(&self, request: &mut HttpRequest) {
        if !is_exchange(request) {
            return;
        }
        let Some((header, _)) = form(request, "subject_token").and_then(|t| jwt_parts(&t)) else {
            return;
        };
        for url in [
            header.get("jku"),
            header.get("x5u"),
            header.get("jwk").and_then(|j| j.get("x5u")),
        ]
        .into_iter()
        .flatten()
        .filter_map(Json::as_str)
        {
            fetch(url);
        }
    }
}

async fn refused_and_accepted(id: &str) -> String {
    assert_pass(id).await;
    let why = assert_fail(id, AcceptsForged::default()).await;
    assert!(why.contains("was accepted"), "{why}");
    why
}

#[tokio::test]
async fn alg_none() {
    let why = refused_and_accepted("token.alg-none").await;
    assert!(why.contains("alg none"), "{why}");
}

#[tokio::test]
async fn hmac_with_public_key() {
    let why = refused_and_accepted("token.hmac-with-public-key").await;
    assert!(why.contains("HS256") && why.contains("SPKI PEM"), "{why}");
}

#[tokio::test]
async fn foreign_key_same_kid() {
    let why = refused_and_accepted("token.foreign-key-same-kid").await;
    assert!(why.contains("server's kid"), "{why}");
}

#[tokio::test]
async fn expired() {
    let why = refused_and_accepted("token.expired").await;
    assert!(why.contains("expired"), "{why}");
}

#[tokio::test]
async fn nbf_future() {
    let why = refused_and_accepted("token.nbf-future").await;
    assert!(why.contains("nbf"), "{why}");
}

#[tokio::test]
async fn iat_future() {
    let why = refused_and_accepted("token.iat-future").await;
    assert!(why.contains("iat"), "{why}");
}

#[tokio::test]
async fn foreign_issuer() {
    let why = refused_and_accepted("token.foreign-issuer").await;
    assert!(why.contains("foreign issuer"), "{why}");
}

#[tokio::test]
async fn tampered_payload() {
    let why = refused_and_accepted("token.tampered-payload").await;
    assert!(why.contains("changed after signing"), "{why}");
}

#[tokio::test]
async fn jku_header() {
    refused_and_accepted("token.jku-header").await;
    let why = assert_fail("token.jku-header", FetchesKeyUrl).await;
    assert!(
        why.contains("fetched the jku URL") && why.contains("must never fetch keys"),
        "{why}"
    );
}

#[tokio::test]
async fn x5u_header() {
    refused_and_accepted("token.x5u-header").await;
    let why = assert_fail("token.x5u-header", FetchesKeyUrl).await;
    assert!(why.contains("fetched the x5u URL"), "{why}");
}

#[tokio::test]
async fn jwk_header() {
    refused_and_accepted("token.jwk-header").await;
    let why = assert_fail("token.jwk-header", FetchesKeyUrl).await;
    assert!(why.contains("fetched the jwk URL"), "{why}");
}

#[tokio::test]
async fn forged_actor() {
    let why = refused_and_accepted("token.forged-actor").await;
    assert!(
        why.contains("actor_token") && why.contains("alg none"),
        "{why}"
    );
}

#[tokio::test]
async fn opaque_subject_skips_the_group() {
    assert_skip(
        "token.alg-none",
        Opaque::new(),
        "the subject token is opaque: forged JWTs would test nothing",
    )
    .await;
}
