//! Request validation probes: each passes against the lab and fails against a lab behind a
//! fault that accepts the broken request.

use std::sync::Mutex;

use baton_core::http::{HttpRequest, HttpResponse, Method, Value};
use baton_core::token_type::{ACCESS_TOKEN, ID_TOKEN, TOKEN_EXCHANGE_GRANT};
use serde_json::json;

use crate::harness::{
    Fault, assert_fail, assert_pass, form, is_exchange, json_body, remove_form, set_form,
    set_header,
};

/// Turns `response` into a token response, as a server that accepted the request would send.
pub fn fake_token(response: &mut HttpResponse) {
    response.status = 200;
    set_header(response, "content-type", "application/json");
    set_header(response, "cache-control", "no-store");
    response.body = json!({
        "access_token": "issued-by-a-faulty-server",
        "issued_token_type": ACCESS_TOKEN,
        "token_type": "Bearer",
        "expires_in": 60,
    })
    .to_string()
    .into_bytes();
}

/// Remembers the subject token (the first token the lab issues, before any probe runs).
#[derive(Default)]
pub struct SubjectMemory(Mutex<Option<String>>);

impl SubjectMemory {
    pub fn see(&self, request: &HttpRequest, response: &HttpResponse) {
        if request.form_value("grant_type") != Some("client_credentials") {
            return;
        }
        let mut seen = self.0.lock().unwrap_or_else(|p| p.into_inner());
        if seen.is_none()
            && let Some(token) = json_body(response).and_then(|b| {
                b.get("access_token")
                    .and_then(|t| t.as_str())
                    .map(String::from)
            })
        {
            *seen = Some(token);
        }
    }

    pub fn get(&self) -> Option<String> {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }
}

// request.no-subject-token

struct IssuesWithoutSubject;
impl Fault for IssuesWithoutSubject {
    fn response(&self, request: &HttpRequest, response: &mut HttpResponse) {
        if is_exchange(request) && form(request, "subject_token").is_none() {
            fake_token(response);
        }
    }
}

#[tokio::test]
async fn no_subject_token_passes() {
    assert_pass("request.no-subject-token").await;
}

#[tokio::test]
async fn no_subject_token_fails_when_a_token_is_issued_anyway() {
    let why = assert_fail("request.no-subject-token", IssuesWithoutSubject).await;
    assert!(why.contains("without subject_token was accepted"), "{why}");
}

// request.no-subject-token-type

struct DefaultSubjectType;
impl Fault for DefaultSubjectType {
    fn request(&self, request: &mut HttpRequest) {
        if is_exchange(request) && form(request, "subject_token_type").is_none() {
            set_form(request, "subject_token_type", ACCESS_TOKEN);
        }
    }
}

#[tokio::test]
async fn no_subject_token_type_passes() {
    assert_pass("request.no-subject-token-type").await;
}

#[tokio::test]
async fn no_subject_token_type_fails_when_a_default_is_assumed() {
    let why = assert_fail("request.no-subject-token-type", DefaultSubjectType).await;
    assert!(
        why.contains("without subject_token_type was accepted"),
        "{why}"
    );
}

// request.actor-token-without-type

struct DefaultActorType;
impl Fault for DefaultActorType {
    fn request(&self, request: &mut HttpRequest) {
        if form(request, "actor_token").is_some() && form(request, "actor_token_type").is_none() {
            set_form(request, "actor_token_type", ACCESS_TOKEN);
        }
    }
}

#[tokio::test]
async fn actor_token_without_type_passes() {
    assert_pass("request.actor-token-without-type").await;
}

#[tokio::test]
async fn actor_token_without_type_fails_when_a_default_is_assumed() {
    let why = assert_fail("request.actor-token-without-type", DefaultActorType).await;
    assert!(why.contains("no actor_token_type was accepted"), "{why}");
}

// request.actor-type-without-token

struct IgnoreLoneActorType;
impl Fault for IgnoreLoneActorType {
    fn request(&self, request: &mut HttpRequest) {
        if form(request, "actor_token").is_none() {
            remove_form(request, "actor_token_type");
        }
    }
}

#[tokio::test]
async fn actor_type_without_token_passes() {
    assert_pass("request.actor-type-without-token").await;
}

#[tokio::test]
async fn actor_type_without_token_fails_when_the_type_is_ignored() {
    let why = assert_fail("request.actor-type-without-token", IgnoreLoneActorType).await;
    assert!(why.contains("no actor_token was accepted"), "{why}");
}

// request.garbage-actor-token

/// A server that drops an actor token it cannot read and issues anyway.
struct DropGarbageActor;
impl Fault for DropGarbageActor {
    fn request(&self, request: &mut HttpRequest) {
        if form(request, "actor_token").as_deref() == Some("garbage.not.a-token") {
            remove_form(request, "actor_token");
            remove_form(request, "actor_token_type");
        }
    }
}

#[tokio::test]
async fn garbage_actor_token_passes() {
    assert_pass("request.garbage-actor-token").await;
}

#[tokio::test]
async fn garbage_actor_token_fails_when_it_is_ignored() {
    let why = assert_fail("request.garbage-actor-token", DropGarbageActor).await;
    assert!(why.contains("never ignored"), "{why}");
    assert!(why.contains("no act claim"), "{why}");
}

// request.garbage-subject-token

/// A server that accepts anything: the garbage subject token becomes the real one.
#[derive(Default)]
struct SwapGarbageSubject(SubjectMemory);
impl Fault for SwapGarbageSubject {
    fn request(&self, request: &mut HttpRequest) {
        if form(request, "subject_token").as_deref() == Some("garbage.not.a-token")
            && let Some(real) = self.0.get()
        {
            set_form(request, "subject_token", &real);
        }
    }
    fn response(&self, request: &HttpRequest, response: &mut HttpResponse) {
        self.0.see(request, response);
    }
}

#[tokio::test]
async fn garbage_subject_token_passes() {
    assert_pass("request.garbage-subject-token").await;
}

#[tokio::test]
async fn garbage_subject_token_fails_when_anything_is_accepted() {
    let why = assert_fail(
        "request.garbage-subject-token",
        SwapGarbageSubject::default(),
    )
    .await;
    assert!(
        why.contains("\"garbage.not.a-token\" was accepted"),
        "{why}"
    );
}

// request.unknown-token-type

struct UnknownTypeAsAccessToken;
impl Fault for UnknownTypeAsAccessToken {
    fn request(&self, request: &mut HttpRequest) {
        if form(request, "subject_token_type").as_deref() == Some("urn:example:baton:unknown") {
            set_form(request, "subject_token_type", ACCESS_TOKEN);
        }
    }
}

/// A server that crashes on a token type it does not know.
struct CrashOnUnknownType;
impl Fault for CrashOnUnknownType {
    fn response(&self, request: &HttpRequest, response: &mut HttpResponse) {
        if form(request, "subject_token_type").as_deref() == Some("urn:example:baton:unknown") {
            response.status = 500;
            set_header(response, "content-type", "text/plain");
            response.body = b"Internal Server Error".to_vec();
        }
    }
}

#[tokio::test]
async fn unknown_token_type_passes() {
    assert_pass("request.unknown-token-type").await;
}

#[tokio::test]
async fn unknown_token_type_fails_when_guessed() {
    let why = assert_fail("request.unknown-token-type", UnknownTypeAsAccessToken).await;
    assert!(
        why.contains("urn:example:baton:unknown was accepted"),
        "{why}"
    );
}

#[tokio::test]
async fn unknown_token_type_fails_when_the_server_crashes() {
    let why = assert_fail("request.unknown-token-type", CrashOnUnknownType).await;
    assert!(why.contains("made the server fail (HTTP 500"), "{why}");
}

// request.type-mismatch

struct IdTokenAsAccessToken;
impl Fault for IdTokenAsAccessToken {
    fn request(&self, request: &mut HttpRequest) {
        if form(request, "subject_token_type").as_deref() == Some(ID_TOKEN) {
            set_form(request, "subject_token_type", ACCESS_TOKEN);
        }
    }
}

#[tokio::test]
async fn type_mismatch_passes() {
    assert_pass("request.type-mismatch").await;
}

#[tokio::test]
async fn type_mismatch_fails_when_the_declared_type_is_not_checked() {
    let why = assert_fail("request.type-mismatch", IdTokenAsAccessToken).await;
    assert!(why.contains("as an id_token was accepted"), "{why}");
}

// request.unknown-grant-type

struct UnknownGrantAsExchange;
impl Fault for UnknownGrantAsExchange {
    fn request(&self, request: &mut HttpRequest) {
        if form(request, "grant_type").as_deref() == Some("urn:example:baton:no-such-grant") {
            set_form(request, "grant_type", TOKEN_EXCHANGE_GRANT);
        }
    }
}

#[tokio::test]
async fn unknown_grant_type_passes() {
    assert_pass("request.unknown-grant-type").await;
}

#[tokio::test]
async fn unknown_grant_type_fails_when_another_grant_is_assumed() {
    let why = assert_fail("request.unknown-grant-type", UnknownGrantAsExchange).await;
    assert!(why.contains("no-such-grant was accepted"), "{why}");
}

// request.repeated-parameter

/// A server that takes the first of repeated parameters.
struct FirstOfRepeated;
impl Fault for FirstOfRepeated {
    fn request(&self, request: &mut HttpRequest) {
        if let Some(form) = &mut request.form {
            let mut seen = false;
            form.retain(|(n, _)| {
                if n != "subject_token" {
                    return true;
                }
                let keep = !seen;
                seen = true;
                keep
            });
        }
    }
}

#[tokio::test]
async fn repeated_parameter_passes() {
    assert_pass("request.repeated-parameter").await;
}

#[tokio::test]
async fn repeated_parameter_fails_when_the_first_is_taken() {
    let why = assert_fail("request.repeated-parameter", FirstOfRepeated).await;
    assert!(why.contains("subject_token sent twice"), "{why}");
    assert!(why.contains("was accepted"), "{why}");
}

// request.get-method

/// A server that answers GET like POST.
struct GetAsPost;
impl Fault for GetAsPost {
    fn request(&self, request: &mut HttpRequest) {
        if request.method != Method::Get || !request.url.contains("/token?") {
            return;
        }
        let (base, query) = request
            .url
            .split_once('?')
            .map(|(b, q)| (b.to_string(), q.to_string()))
            .unwrap_or_default();
        let mut post = HttpRequest::post_form(base);
        for (name, value) in url::form_urlencoded::parse(query.as_bytes()) {
            post.push_form(&name, Value::Plain(value.into_owned()));
        }
        for (name, value) in &request.headers {
            if name.eq_ignore_ascii_case("authorization") {
                post.headers.push((name.clone(), value.clone()));
            }
        }
        *request = post;
    }
}

#[tokio::test]
async fn get_method_passes() {
    assert_pass("request.get-method").await;
}

#[tokio::test]
async fn get_method_fails_when_get_is_answered_with_a_token() {
    let why = assert_fail("request.get-method", GetAsPost).await;
    assert!(why.contains("sent with GET"), "{why}");
    assert!(why.contains("was accepted"), "{why}");
}

// request.not-a-form

/// A server that reads a JSON body as if it were the form.
struct JsonAsForm;
impl Fault for JsonAsForm {
    fn request(&self, request: &mut HttpRequest) {
        let Some(raw) = request.raw_body.take() else {
            return;
        };
        let Ok(serde_json::Value::Object(body)) = serde_json::from_str(&raw) else {
            request.raw_body = Some(raw);
            return;
        };
        request
            .headers
            .retain(|(n, _)| !n.eq_ignore_ascii_case("content-type"));
        request.headers.push((
            "Content-Type".into(),
            Value::Plain("application/x-www-form-urlencoded".into()),
        ));
        request.form = Some(Vec::new());
        for (name, value) in body {
            request.push_form(
                &name,
                Value::Plain(value.as_str().unwrap_or_default().to_string()),
            );
        }
    }
}

#[tokio::test]
async fn not_a_form_passes() {
    assert_pass("request.not-a-form").await;
}

#[tokio::test]
async fn not_a_form_fails_when_json_is_read() {
    let why = assert_fail("request.not-a-form", JsonAsForm).await;
    assert!(why.contains("JSON body"), "{why}");
    assert!(why.contains("was accepted"), "{why}");
}
