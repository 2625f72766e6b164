//! Every finding Baton knows is triggered here at least once, and a clean response triggers none.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use baton_core::findings::{ResponseCheck, TokenRole, check_response, check_token};
use baton_core::http::HttpResponse;
use baton_core::jwt::{DecodedToken, decode};
use baton_core::response::parse_token_response;
use baton_core::token_type::{ACCESS_TOKEN, ID_TOKEN, JWT};
use baton_core::{ExchangeParams, Finding, Grant, Severity, TokenRequest};
use serde_json::{Value, json};

const NOW: i64 = 1_800_000_000;

fn jwt(header: Value, claims: Value) -> String {
    let enc = |v: &Value| URL_SAFE_NO_PAD.encode(v.to_string());
    format!("{}.{}.c2ln", enc(&header), enc(&claims))
}

fn at(claims: Value) -> String {
    jwt(json!({"alg":"ES256","typ":"at+jwt","kid":"k"}), claims)
}

fn subject() -> String {
    at(
        json!({"iss":"https://as","sub":"alice","aud":"orders","client_id":"web","scope":"orders:read pay:read",
              "iat":NOW - 10,"exp":NOW + 3600,"jti":"1"}),
    )
}

fn actor() -> String {
    at(
        json!({"iss":"https://as","sub":"order-service","aud":"as","client_id":"order-service",
              "iat":NOW,"exp":NOW + 600,"jti":"2"}),
    )
}

fn issued_claims() -> Value {
    json!({"iss":"https://as","sub":"alice","aud":"payments","client_id":"order-service","scope":"pay:read",
           "iat":NOW,"exp":NOW + 300,"jti":"3","act":{"sub":"order-service"}})
}

fn exchange_request() -> TokenRequest {
    TokenRequest::exchange(
        ExchangeParams::new(
            subject(),
            ACCESS_TOKEN,
            Some(actor()),
            Some(ACCESS_TOKEN.into()),
            Some(ACCESS_TOKEN.into()),
        )
        .expect("valid"),
    )
    .audience("payments")
    .scope("pay:read")
}

fn good_headers() -> Vec<(String, String)> {
    vec![
        (
            "content-type".into(),
            "application/json;charset=UTF-8".into(),
        ),
        ("cache-control".into(), "no-store".into()),
        ("pragma".into(), "no-cache".into()),
    ]
}

fn good_body(token: &str) -> Value {
    json!({"access_token":token,"issued_token_type":ACCESS_TOKEN,"token_type":"Bearer",
           "expires_in":300,"scope":"pay:read"})
}

struct Case {
    request: TokenRequest,
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
    basic: bool,
    client_id: Option<&'static str>,
}

impl Case {
    fn exchange(body: Value) -> Self {
        Self {
            request: exchange_request(),
            status: 200,
            headers: good_headers(),
            body: body.to_string(),
            basic: false,
            client_id: None,
        }
    }

    fn findings(&self) -> Vec<Finding> {
        let response = parse_token_response(&HttpResponse {
            status: self.status,
            headers: self.headers.clone(),
            body: self.body.clone().into_bytes(),
        });
        let subject = self
            .request
            .exchange_params()
            .map(|p| decode(&p.subject.token));
        let issued = response
            .success()
            .and_then(|s| s.access_token.as_deref())
            .map(decode);
        let mut out = check_response(&ResponseCheck {
            request: &self.request,
            response: &response,
            subject: subject.as_ref().and_then(DecodedToken::jwt),
            issued: issued.as_ref(),
            received_at: NOW,
            used_authorization_header: self.basic,
            client_id: self.client_id,
        });
        if let Some(j) = issued.as_ref().and_then(DecodedToken::jwt) {
            out.extend(check_token(j, TokenRole::AccessToken));
        }
        out
    }
}

fn ids(findings: &[Finding]) -> Vec<&str> {
    findings.iter().map(|f| f.id.as_str()).collect()
}

#[track_caller]
fn expect(case: &Case, id: &str, severity: Severity, reference: &str) {
    let findings = case.findings();
    let found = findings
        .iter()
        .find(|f| f.id == id)
        .unwrap_or_else(|| panic!("expected {id}, got {:?}", ids(&findings)));
    assert_eq!(found.severity, severity, "{id}");
    assert!(
        found.reference.contains(reference),
        "{id}: {}",
        found.reference
    );
    assert!(!found.message.is_empty());
}

#[test]
fn a_conforming_exchange_response_has_no_findings() {
    let case = Case::exchange(good_body(&at(issued_claims())));
    assert_eq!(ids(&case.findings()), Vec::<&str>::new());
}

#[test]
fn missing_members_of_rfc8693_2_2_1() {
    let mut body = good_body(&at(issued_claims()));
    body.as_object_mut().map(|o| o.remove("issued_token_type"));
    expect(
        &Case::exchange(body),
        "response.issued-token-type.missing",
        Severity::Error,
        "RFC 8693 §2.2.1",
    );

    let mut body = good_body(&at(issued_claims()));
    body.as_object_mut().map(|o| o.remove("token_type"));
    expect(
        &Case::exchange(body),
        "response.token-type.missing",
        Severity::Error,
        "RFC 8693 §2.2.1",
    );

    let mut body = good_body(&at(issued_claims()));
    body.as_object_mut().map(|o| o.remove("access_token"));
    expect(
        &Case::exchange(body),
        "response.access-token.missing",
        Severity::Error,
        "RFC 8693 §2.2.1",
    );
}

#[test]
fn token_type_must_be_n_a_for_an_id_token() {
    let mut body = good_body(&jwt(json!({"alg":"ES256"}), issued_claims()));
    body["issued_token_type"] = json!(ID_TOKEN);
    let mut case = Case::exchange(body);
    case.request = TokenRequest::exchange(
        ExchangeParams::new(subject(), ACCESS_TOKEN, None, None, Some(ID_TOKEN.into()))
            .expect("valid"),
    );
    expect(
        &case,
        "response.token-type.not-n-a",
        Severity::Warning,
        "RFC 8693 §2.2.1",
    );

    let mut body = good_body(&jwt(json!({"alg":"ES256"}), issued_claims()));
    body["issued_token_type"] = json!(ID_TOKEN);
    body["token_type"] = json!("N_A");
    case.body = body.to_string();
    assert!(!ids(&case.findings()).contains(&"response.token-type.not-n-a"));
}

#[test]
fn issued_type_other_than_requested_is_noted() {
    let mut body = good_body(&at(issued_claims()));
    body["issued_token_type"] = json!(JWT);
    expect(
        &Case::exchange(body),
        "response.issued-token-type.differs",
        Severity::Info,
        "RFC 8693 §2.2.1",
    );
}

#[test]
fn scope_missing_although_it_differs() {
    let mut claims = issued_claims();
    claims["scope"] = json!("orders:read");
    let mut body = good_body(&at(claims));
    body.as_object_mut().map(|o| o.remove("scope"));
    expect(
        &Case::exchange(body),
        "response.scope.missing",
        Severity::Warning,
        "RFC 8693 §2.2.1",
    );
}

#[test]
fn no_cache_control_no_store() {
    let mut case = Case::exchange(good_body(&at(issued_claims())));
    case.headers = vec![
        ("content-type".into(), "application/json".into()),
        ("cache-control".into(), "private".into()),
    ];
    expect(
        &case,
        "response.cache-control",
        Severity::Error,
        "RFC 6749 §5.1",
    );
}

#[test]
fn non_json_content_type_and_unreadable_bodies() {
    let mut case = Case::exchange(good_body(&at(issued_claims())));
    case.headers = vec![
        ("content-type".into(), "text/plain".into()),
        ("cache-control".into(), "no-store".into()),
    ];
    expect(
        &case,
        "response.content-type",
        Severity::Error,
        "RFC 6749 §5.1",
    );

    case.status = 502;
    case.headers = vec![("content-type".into(), "text/html".into())];
    case.body = "<html><body><h1>502 Bad Gateway</h1></body></html>".into();
    expect(
        &case,
        "response.unreadable",
        Severity::Error,
        "RFC 6749 §5.2",
    );
    let findings = case.findings();
    let unreadable = findings
        .iter()
        .find(|f| f.id == "response.unreadable")
        .expect("present");
    assert!(
        unreadable.message.contains("HTML") && unreadable.message.contains("502 Bad Gateway"),
        "{}",
        unreadable.message
    );
}

#[test]
fn members_of_the_wrong_type_or_null() {
    let mut body = good_body(&at(issued_claims()));
    body["expires_in"] = json!("300");
    expect(
        &Case::exchange(body),
        "response.member-type",
        Severity::Error,
        "RFC 6749 §5.1",
    );
    let mut body = good_body(&at(issued_claims()));
    body["refresh_token"] = Value::Null;
    expect(
        &Case::exchange(body),
        "response.member-null",
        Severity::Warning,
        "RFC 6749 §5.1",
    );
}

#[test]
fn success_with_a_status_other_than_200() {
    let mut case = Case::exchange(good_body(&at(issued_claims())));
    case.status = 201;
    expect(&case, "response.status", Severity::Warning, "RFC 6749 §5.1");
}

#[test]
fn unregistered_error_code_and_wrong_status() {
    let mut case = Case::exchange(json!({"error":"scope_escalation","error_description":"no"}));
    case.status = 403;
    expect(
        &case,
        "response.error.unregistered",
        Severity::Warning,
        "RFC 8693 §2.2.2",
    );
    expect(
        &case,
        "response.error.status",
        Severity::Warning,
        "RFC 6749 §5.2",
    );

    case.body = json!({"error":"invalid_target"}).to_string();
    case.status = 400;
    assert_eq!(ids(&case.findings()), Vec::<&str>::new());

    // DPoP registers its codes for every grant (RFC 9449 §5, §8); the device grant's codes
    // (RFC 8628 §3.5) belong to a device code request only.
    for code in ["invalid_dpop_proof", "use_dpop_nonce"] {
        case.body = json!({ "error": code }).to_string();
        assert_eq!(ids(&case.findings()), Vec::<&str>::new(), "{code}");
    }
    case.body = json!({"error":"authorization_pending"}).to_string();
    assert_eq!(ids(&case.findings()), ["response.error.unregistered"]);
}

#[test]
fn invalid_client_after_basic_needs_a_basic_challenge() {
    let mut case = Case::exchange(json!({"error":"invalid_client"}));
    case.status = 401;
    case.basic = true;
    case.headers
        .push(("www-authenticate".into(), "Bearer realm=\"x\"".into()));
    expect(
        &case,
        "response.error.www-authenticate",
        Severity::Warning,
        "RFC 6749 §5.2",
    );
    case.headers.pop();
    case.headers
        .push(("www-authenticate".into(), "Basic realm=\"x\"".into()));
    assert!(!ids(&case.findings()).contains(&"response.error.www-authenticate"));
}

#[test]
fn expires_in_inconsistent_with_exp() {
    let mut body = good_body(&at(issued_claims()));
    body["expires_in"] = json!(3600);
    expect(
        &Case::exchange(body),
        "token.expires-in.mismatch",
        Severity::Warning,
        "RFC 8693 §2.2.1",
    );
}

#[test]
fn times_out_of_range_are_named_not_computed_with() {
    for (expires_in, value) in [
        (json!(i64::MAX), "9223372036854775807"),
        (json!(u64::MAX), "18446744073709551615"),
        (json!(1e300), "1e+300"),
    ] {
        let mut body = good_body(&at(issued_claims()));
        body["expires_in"] = expires_in;
        let case = Case::exchange(body);
        expect(
            &case,
            "response.expires-in.out-of-range",
            Severity::Error,
            "RFC 6749 §5.1",
        );
        let findings = case.findings();
        let found = findings
            .iter()
            .find(|f| f.id == "response.expires-in.out-of-range")
            .expect("found");
        assert_eq!(
            found.message,
            format!(
                "expires_in {value} is out of range (after year 9999), counted from the response: no token lives that long, so Baton does not compute its expiry"
            )
        );
    }
    let mut claims = issued_claims();
    claims["exp"] = json!(i64::MAX);
    claims["iat"] = json!(i64::MIN);
    let case = Case::exchange(good_body(&at(claims)));
    let messages: Vec<String> = case
        .findings()
        .into_iter()
        .filter(|f| f.id == "token.time.out-of-range")
        .map(|f| f.message)
        .collect();
    assert_eq!(
        messages,
        [
            "iat -9223372036854775808 is out of range (before year 1): no real token carries such a time, so Baton does not compute with it",
            "exp 9223372036854775807 is out of range (after year 9999): no real token carries such a time, so Baton does not compute with it"
        ]
    );
    // And no mismatch is computed from times that are not times.
    assert!(!ids(&case.findings()).contains(&"token.expires-in.mismatch"));
}

#[test]
fn requested_audience_absent_from_aud() {
    let mut claims = issued_claims();
    claims["aud"] = json!(["orders"]);
    expect(
        &Case::exchange(good_body(&at(claims))),
        "token.aud.missing-requested",
        Severity::Warning,
        "RFC 8693 §2.1",
    );
}

#[test]
fn scope_wider_than_the_subject_token() {
    let mut claims = issued_claims();
    claims["scope"] = json!("pay:read pay:refund");
    let mut body = good_body(&at(claims));
    body["scope"] = json!("pay:read pay:refund");
    let case = Case::exchange(body);
    expect(&case, "token.scope.widened", Severity::Error, "RFC 8693 §5");
    let f = case.findings();
    assert!(
        f.iter()
            .any(|f| f.id == "token.scope.widened" && f.message.contains("pay:refund"))
    );
}

#[test]
fn act_problems() {
    let mut claims = issued_claims();
    claims["act"] = json!("order-service");
    expect(
        &Case::exchange(good_body(&at(claims))),
        "token.act.malformed",
        Severity::Error,
        "RFC 8693 §4.1",
    );

    let mut claims = issued_claims();
    claims["act"] = json!({"sub":"order-service","exp":NOW + 10,"act":{"role":"x"}});
    let case = Case::exchange(good_body(&at(claims)));
    expect(
        &case,
        "token.act.non-identity-claims",
        Severity::Warning,
        "RFC 8693 §4.1",
    );
    expect(
        &case,
        "token.act.unidentified",
        Severity::Warning,
        "RFC 8693 §4.1",
    );

    let mut claims = issued_claims();
    claims["act"] = json!({"sub":"someone-else"});
    expect(
        &Case::exchange(good_body(&at(claims))),
        "token.act.wrong-actor",
        Severity::Error,
        "RFC 8693 §4.1",
    );

    let mut claims = issued_claims();
    claims.as_object_mut().map(|o| o.remove("act"));
    expect(
        &Case::exchange(good_body(&at(claims))),
        "token.act.absent",
        Severity::Info,
        "RFC 8693 §1.1",
    );

    let mut claims = issued_claims();
    claims["may_act"] = json!("planner");
    expect(
        &Case::exchange(good_body(&at(claims))),
        "token.may-act.malformed",
        Severity::Warning,
        "RFC 8693 §4.4",
    );
}

#[test]
fn subject_changed_is_noted() {
    let mut claims = issued_claims();
    claims["sub"] = json!("bob");
    expect(
        &Case::exchange(good_body(&at(claims))),
        "token.sub.changed",
        Severity::Info,
        "RFC 8693 §1.1",
    );
}

#[test]
fn jwt_profile_and_bcp() {
    let token = jwt(json!({"alg":"ES256","typ":"JWT"}), issued_claims());
    expect(
        &Case::exchange(good_body(&token)),
        "token.typ.not-at-jwt",
        Severity::Info,
        "RFC 9068 §2.1",
    );

    let mut claims = issued_claims();
    claims.as_object_mut().map(|o| o.remove("jti"));
    expect(
        &Case::exchange(good_body(&at(claims))),
        "token.at-jwt.claims-missing",
        Severity::Warning,
        "RFC 9068 §2.2",
    );

    let token = jwt(json!({"alg":"none","typ":"at+jwt"}), issued_claims());
    expect(
        &Case::exchange(good_body(&token)),
        "token.alg.none",
        Severity::Error,
        "RFC 8725 §3.1",
    );
}

#[test]
fn first_token_grants_need_no_issued_token_type() {
    let case = Case {
        request: TokenRequest::new(Grant::ClientCredentials),
        status: 200,
        headers: good_headers(),
        body: json!({"access_token": at(issued_claims()), "token_type":"Bearer","expires_in":300})
            .to_string(),
        basic: false,
        client_id: None,
    };
    assert_eq!(ids(&case.findings()), Vec::<&str>::new());
}

#[test]
fn token_type_that_names_the_token_instead_of_its_use() {
    let mut body = good_body(&at(issued_claims()));
    body["token_type"] = json!("access_token");
    expect(
        &Case::exchange(body),
        "response.token-type.unknown",
        Severity::Warning,
        "RFC 6749 §7.1, RFC 8693 §2.2.1",
    );
    let mut body = good_body(&at(issued_claims()));
    body["token_type"] = json!("N_A");
    expect(
        &Case::exchange(body),
        "response.token-type.n-a-for-access-token",
        Severity::Warning,
        "RFC 8693 §2.2.1",
    );
    let mut body = good_body(&at(issued_claims()));
    body["token_type"] = json!("dpop");
    assert_eq!(ids(&Case::exchange(body).findings()), Vec::<&str>::new());
}

#[test]
fn invalid_grant_for_a_refused_exchange_is_the_wrong_code() {
    let case = Case::exchange(json!({"error":"invalid_grant","error_description":"bad subject"}));
    let mut case = case;
    case.status = 400;
    expect(
        &case,
        "response.error.exchange-code",
        Severity::Warning,
        "RFC 8693 §2.2.2",
    );
}

#[test]
fn rfc9068_claims_are_checked_without_at_jwt_too() {
    let mut claims = issued_claims();
    claims.as_object_mut().map(|o| o.remove("jti"));
    let token = jwt(json!({"alg":"ES256","typ":"JWT","kid":"k"}), claims);
    let case = Case::exchange(good_body(&token));
    expect(
        &case,
        "token.typ.not-at-jwt",
        Severity::Info,
        "RFC 9068 §2.1",
    );
    let found = case.findings();
    let missing = found
        .iter()
        .find(|f| f.id == "token.at-jwt.claims-missing")
        .expect("the missing claim is named without at+jwt too");
    assert_eq!(missing.severity, Severity::Info);
    assert!(missing.message.contains("jti"), "{}", missing.message);
}

#[test]
fn an_accepted_subject_token_for_another_party_is_noted() {
    let mut case = Case::exchange(good_body(&at(issued_claims())));
    case.client_id = Some("order-service");
    expect(
        &case,
        "token.subject-aud.foreign",
        Severity::Info,
        "RFC 8725 §3.9",
    );
    case.client_id = Some("orders");
    assert!(!ids(&case.findings()).contains(&"token.subject-aud.foreign"));
}
