//! Opaque probes: against the lab (JWTs) they skip, saying why; against the lab made to hand out
//! opaque handles they judge through introspection, and fail when introspection or the response
//! says something wrong.

use baton_core::http::{HttpRequest, HttpResponse};
use serde_json::json;

use crate::harness::*;
use crate::token_faults::*;

/// Says every token is inactive.
struct AllInactive;
impl Fault for AllInactive {
    fn response(&self, request: &HttpRequest, response: &mut HttpResponse) {
        if is_path(request, "/introspect")
            && let Some(mut body) = json_body(response)
        {
            body.insert("active".into(), json!(false));
            set_json(response, &body);
        }
    }
}

/// Says the exchange granted more than the subject holds.
struct WidensScope;
impl Fault for WidensScope {
    fn response(&self, request: &HttpRequest, response: &mut HttpResponse) {
        if is_exchange(request)
            && response.status == 200
            && let Some(mut body) = json_body(response)
        {
            body.insert("scope".into(), json!("documents:read documents:write"));
            set_json(response, &body);
        }
    }
}

#[tokio::test]
async fn subject_judged() {
    let id = "opaque.subject-judged";
    assert_skip(id, Honest, "the subject token is a JWT").await;
    let why = assert_pass_behind(id, Opaque::new()).await;
    assert!(
        why.contains("active with scope \"profile documents:read\""),
        "{why}"
    );
    let why = assert_fail(id, Opaque::with(AllInactive)).await;
    assert!(why.contains("active: false"), "{why}");
}

#[tokio::test]
async fn issued_judged() {
    let id = "opaque.issued-judged";
    assert_skip(id, Honest, "the issued token is a JWT").await;
    let why = assert_pass_behind(id, Opaque::new()).await;
    assert!(
        why.contains("within the subject's") && why.contains("names \"documents-api\""),
        "{why}"
    );
    let why = assert_fail(id, Opaque::with(WidensScope)).await;
    assert!(why.contains("documents:write"), "{why}");
}
