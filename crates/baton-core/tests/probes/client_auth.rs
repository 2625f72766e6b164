//! Client authentication probes: each passes against the lab and fails against a lab behind a
//! fault that lets the manipulated credentials through.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use baton_core::auth::basic_authorization;
use baton_core::http::{HttpRequest, HttpResponse, Value};
use baton_core::secret::Secret;

use crate::harness::{
    Fault, assert_fail, assert_pass, form, path_is, remove_form, set_form, set_header,
};

/// The lab's secret for a client.
fn lab_secret(client_id: &str) -> String {
    format!("{client_id}-secret")
}

fn basic(client_id: &str) -> Value {
    Value::Secret(Secret::new(basic_authorization(
        client_id,
        &Secret::new(lab_secret(client_id)),
    )))
}

/// The client id of a Basic header, when it decodes.
fn basic_client(request: &HttpRequest) -> Option<String> {
    let value = request.header("authorization")?;
    let encoded = value.strip_prefix("Basic ")?;
    let decoded = String::from_utf8(STANDARD.decode(encoded.trim()).ok()?).ok()?;
    let (id, _) = decoded.split_once(':')?;
    url::form_urlencoded::parse(format!("i={id}").as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
}

fn set_authorization(request: &mut HttpRequest, value: Value) {
    request
        .headers
        .retain(|(n, _)| !n.eq_ignore_ascii_case("authorization"));
    request.headers.push(("Authorization".into(), value));
}

/// A server that does not check secrets: whatever secret came (or none), the right one reaches
/// the lab.
struct RightSecret;
impl Fault for RightSecret {
    fn request(&self, request: &mut HttpRequest) {
        if !path_is(request, "/token") {
            return;
        }
        if let Some(id) = basic_client(request) {
            set_authorization(request, basic(&id));
        } else if let Some(id) = form(request, "client_id")
            && form(request, "client_assertion").is_none()
        {
            set_form(request, "client_secret", &lab_secret(&id));
        }
    }
}

// client-auth.no-secret

#[tokio::test]
async fn no_secret_passes() {
    assert_pass("client-auth.no-secret").await;
}

#[tokio::test]
async fn no_secret_fails_when_client_id_alone_is_enough() {
    let why = assert_fail("client-auth.no-secret", RightSecret).await;
    assert!(
        why.contains("client_id only, no secret was accepted"),
        "{why}"
    );
}

// client-auth.wrong-secret

#[tokio::test]
async fn wrong_secret_passes() {
    assert_pass("client-auth.wrong-secret").await;
}

#[tokio::test]
async fn wrong_secret_fails_when_secrets_are_not_checked() {
    let why = assert_fail("client-auth.wrong-secret", RightSecret).await;
    assert!(why.contains("with a wrong secret was accepted"), "{why}");
}

// client-auth.other-clients-secret

#[tokio::test]
async fn other_clients_secret_passes() {
    assert_pass("client-auth.other-clients-secret").await;
}

#[tokio::test]
async fn other_clients_secret_fails_when_secrets_are_not_checked() {
    let why = assert_fail("client-auth.other-clients-secret", RightSecret).await;
    assert!(why.contains("agent-n's secret was accepted"), "{why}");
}

// client-auth.malformed-basic

/// A server that ignores an Authorization header it cannot decode and takes the exchanger's
/// credentials from elsewhere (here: supplied).
struct IgnoreMalformedBasic;
impl Fault for IgnoreMalformedBasic {
    fn request(&self, request: &mut HttpRequest) {
        if request.header("authorization") == Some("Basic !!!notbase64") {
            set_authorization(request, basic("agent-a"));
        }
    }
}

#[tokio::test]
async fn malformed_basic_passes() {
    assert_pass("client-auth.malformed-basic").await;
}

#[tokio::test]
async fn malformed_basic_fails_when_the_header_is_ignored() {
    let why = assert_fail("client-auth.malformed-basic", IgnoreMalformedBasic).await;
    assert!(why.contains("Basic !!!notbase64"), "{why}");
    assert!(why.contains("was accepted"), "{why}");
}

// client-auth.two-methods

/// A server that silently uses one method when two are sent.
struct DropBodySecret;
impl Fault for DropBodySecret {
    fn request(&self, request: &mut HttpRequest) {
        if request.header("authorization").is_some() && form(request, "client_secret").is_some() {
            remove_form(request, "client_secret");
            remove_form(request, "client_id");
        }
    }
}

#[tokio::test]
async fn two_methods_passes() {
    assert_pass("client-auth.two-methods").await;
}

#[tokio::test]
async fn two_methods_fails_when_one_is_silently_used() {
    let why = assert_fail("client-auth.two-methods", DropBodySecret).await;
    assert!(
        why.contains("both in a Basic header and as client_secret"),
        "{why}"
    );
    assert!(why.contains("was accepted"), "{why}");
}

// client-auth.two-authorization-headers

/// A server that takes the first of two Authorization headers.
struct FirstAuthorization;
impl Fault for FirstAuthorization {
    fn request(&self, request: &mut HttpRequest) {
        let mut seen = false;
        request.headers.retain(|(n, _)| {
            if !n.eq_ignore_ascii_case("authorization") {
                return true;
            }
            let keep = !seen;
            seen = true;
            keep
        });
    }
}

#[tokio::test]
async fn two_authorization_headers_passes() {
    assert_pass("client-auth.two-authorization-headers").await;
}

#[tokio::test]
async fn two_authorization_headers_fails_when_the_first_is_taken() {
    let why = assert_fail("client-auth.two-authorization-headers", FirstAuthorization).await;
    assert!(why.contains("two Authorization headers"), "{why}");
    assert!(why.contains("was accepted"), "{why}");
}

// client-auth.basic-challenge

struct NoChallenge;
impl Fault for NoChallenge {
    fn response(&self, _: &HttpRequest, response: &mut HttpResponse) {
        crate::harness::remove_header(response, "www-authenticate");
    }
}

struct BearerChallenge;
impl Fault for BearerChallenge {
    fn response(&self, _: &HttpRequest, response: &mut HttpResponse) {
        if response.header("www-authenticate").is_some() {
            set_header(response, "WWW-Authenticate", "Bearer realm=\"lab\"");
        }
    }
}

#[tokio::test]
async fn basic_challenge_passes() {
    assert_pass("client-auth.basic-challenge").await;
}

#[tokio::test]
async fn basic_challenge_fails_without_the_header() {
    let why = assert_fail("client-auth.basic-challenge", NoChallenge).await;
    assert!(why.contains("without a WWW-Authenticate header"), "{why}");
}

#[tokio::test]
async fn basic_challenge_fails_with_another_scheme() {
    let why = assert_fail("client-auth.basic-challenge", BearerChallenge).await;
    assert!(why.contains("not Bearer"), "{why}");
}

// client-auth.unknown-client

/// A server that lets unknown clients in (as if they were a known one).
struct UnknownAsKnown;
impl Fault for UnknownAsKnown {
    fn request(&self, request: &mut HttpRequest) {
        if basic_client(request).as_deref() == Some("baton-probe-unknown-client") {
            set_authorization(request, basic("agent-a"));
        }
    }
}

#[tokio::test]
async fn unknown_client_passes() {
    assert_pass("client-auth.unknown-client").await;
}

#[tokio::test]
async fn unknown_client_fails_when_it_is_let_in() {
    let why = assert_fail("client-auth.unknown-client", UnknownAsKnown).await;
    assert!(why.contains("unknown client"), "{why}");
    assert!(why.contains("was accepted"), "{why}");
}
