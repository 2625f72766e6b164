use std::sync::{Arc, Mutex};

use async_trait::async_trait;

use super::*;
use crate::clock::FixedClock;
use crate::http::{HttpClient, HttpResponse, TransportError};

/// Answers every request with one response and keeps what it was sent.
struct Canned {
    status: u16,
    body: &'static str,
    sent: Mutex<Vec<HttpRequest>>,
}

#[async_trait]
impl HttpClient for Canned {
    async fn send(&self, request: &HttpRequest) -> Result<HttpResponse, TransportError> {
        self.sent
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(request.clone());
        Ok(HttpResponse {
            status: self.status,
            headers: vec![("content-type".into(), "application/json".into())],
            body: self.body.as_bytes().to_vec(),
        })
    }
}

fn client(http: Arc<Canned>) -> TokenClient {
    TokenClient::new(http, Arc::new(FixedClock(1_000)))
}

fn endpoints(par: Option<&str>) -> SignInEndpoints {
    SignInEndpoints {
        authorization_endpoint: "https://as.example/authorize?tenant=t1".into(),
        token_endpoint: "https://as.example/token".into(),
        par_endpoint: par.map(str::to_owned),
        issuer: Some("https://as.example".into()),
    }
}

fn public() -> ClientAuth {
    ClientAuth::None {
        client_id: "cli".into(),
    }
}

fn query_of(url: &str) -> Vec<(String, String)> {
    url::Url::parse(url)
        .expect("url")
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

#[tokio::test]
async fn the_authorization_url_carries_pkce_state_and_nonce() {
    let http = Arc::new(Canned {
        status: 200,
        body: "{}",
        sent: Mutex::new(Vec::new()),
    });
    let request = SignInRequest {
        scope: Some("openid profile".into()),
        resource: vec!["https://api.example/".into()],
        extra: vec![("prompt".into(), "login".into())],
    };
    let started = start(
        &client(http.clone()),
        &endpoints(None),
        &public(),
        &request,
        "http://127.0.0.1:5000/callback",
    )
    .await
    .expect("starts");
    let q = query_of(&started.url);
    let get = |k: &str| q.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
    assert_eq!(
        get("tenant"),
        Some("t1"),
        "the endpoint's own query is kept"
    );
    assert_eq!(get("response_type"), Some("code"));
    assert_eq!(get("client_id"), Some("cli"));
    assert_eq!(get("redirect_uri"), Some("http://127.0.0.1:5000/callback"));
    assert_eq!(get("code_challenge_method"), Some("S256"));
    assert_eq!(
        get("code_challenge"),
        Some(pkce::s256_challenge(started.pkce.verifier.expose()).as_str())
    );
    assert_eq!(get("state"), Some(started.state.as_str()));
    assert_eq!(get("nonce"), started.nonce.as_deref());
    assert_eq!(get("resource"), Some("https://api.example/"));
    assert_eq!(get("prompt"), Some("login"));
    assert!(
        !started.url.contains(started.pkce.verifier.expose()),
        "the verifier never leaves Baton before the code is redeemed"
    );
    assert!(
        http.sent.lock().expect("lock").is_empty(),
        "no PAR endpoint, nothing sent"
    );
}

#[tokio::test]
async fn with_a_par_endpoint_the_request_is_pushed_first() {
    let http = Arc::new(Canned {
        status: 201,
        body: r#"{"request_uri":"urn:ietf:params:oauth:request_uri:abc","expires_in":60}"#,
        sent: Mutex::new(Vec::new()),
    });
    let auth = ClientAuth::SecretBasic {
        client_id: "web".into(),
        secret: Secret::new("s"),
    };
    let started = start(
        &client(http.clone()),
        &endpoints(Some("https://as.example/par")),
        &auth,
        &SignInRequest::default(),
        "http://127.0.0.1:5000/callback",
    )
    .await
    .expect("starts");
    let q = query_of(&started.url);
    assert_eq!(
        q,
        vec![
            ("tenant".into(), "t1".into()),
            ("client_id".into(), "web".into()),
            (
                "request_uri".into(),
                "urn:ietf:params:oauth:request_uri:abc".into()
            ),
        ]
    );
    let sent = http.sent.lock().expect("lock");
    let par = sent.first().expect("pushed");
    assert_eq!(par.url, "https://as.example/par");
    assert_eq!(par.form_value("client_id"), Some("web"));
    assert_eq!(par.form_value("code_challenge_method"), Some("S256"));
    assert!(par.header("Authorization").is_some());
    assert_eq!(started.nonce, None, "no openid scope, no nonce");
}

#[tokio::test]
async fn a_par_refusal_says_what_the_server_said() {
    let http = Arc::new(Canned {
        status: 400,
        body: r#"{"error":"invalid_request","error_description":"redirect_uri not registered"}"#,
        sent: Mutex::new(Vec::new()),
    });
    let err = start(
        &client(http),
        &endpoints(Some("https://as.example/par")),
        &public(),
        &SignInRequest::default(),
        "http://127.0.0.1:5000/callback",
    )
    .await
    .unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("RFC 9126") && text.contains("redirect_uri not registered"),
        "{text}"
    );
}

fn started() -> AuthorizationStart {
    AuthorizationStart {
        url: String::new(),
        redirect_uri: "http://127.0.0.1:5000/callback".into(),
        state: "st4te".into(),
        nonce: None,
        pkce: Pkce::from_verifier("v"),
        request_uri: None,
    }
}

#[test]
fn the_callback_must_bring_back_our_state_and_issuer() {
    let s = started();
    let code = read_callback(
        "code=c1&state=st4te&iss=https%3A%2F%2Fas.example",
        &s,
        Some("https://as.example"),
    )
    .expect("code");
    assert_eq!(code.expose(), "c1");
    assert!(matches!(
        read_callback("code=c1&state=other", &s, None),
        Err(SignInError::StateMismatch { .. })
    ));
    assert!(matches!(
        read_callback("code=c1", &s, None),
        Err(SignInError::StateMismatch { found: None })
    ));
    assert!(matches!(
        read_callback(
            "code=c1&state=st4te&iss=https%3A%2F%2Fevil.example",
            &s,
            Some("https://as.example")
        ),
        Err(SignInError::IssuerMismatch { .. })
    ));
    let refused = read_callback(
        "error=access_denied&error_description=the+user+said+no&state=st4te",
        &s,
        None,
    )
    .unwrap_err();
    assert_eq!(
        refused.to_string(),
        "the server refused the sign-in: access_denied: the user said no"
    );
    assert!(matches!(
        read_callback("state=st4te", &s, None),
        Err(SignInError::NoCode { .. })
    ));
}

#[test]
fn the_redemption_sends_the_verifier() {
    let s = started();
    let request = redeem_request(&s, Secret::new("c1"));
    let http = request
        .to_http("https://as.example/token", &public(), 0)
        .expect("builds");
    assert_eq!(http.form_value("grant_type"), Some("authorization_code"));
    assert_eq!(http.form_value("code_verifier"), Some("v"));
    assert_eq!(
        http.form_value("redirect_uri"),
        Some("http://127.0.0.1:5000/callback")
    );
}

fn unsigned(claims: &str) -> String {
    use base64::Engine;
    let e = |s: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s);
    format!("{}.{}.sig", e(r#"{"alg":"ES256","typ":"JWT"}"#), e(claims))
}

#[test]
fn id_token_checks_name_each_problem() {
    let checks = IdTokenChecks {
        issuer: Some("https://as.example"),
        client_id: "cli",
        nonce: Some("n1"),
        jwks: None,
        now: 1_000,
    };
    let good = unsigned(
        r#"{"iss":"https://as.example","aud":"cli","exp":2000,"nonce":"n1","sub":"alice"}"#,
    );
    assert_eq!(check_id_token(Some(&good), &checks), vec![]);
    let bad = unsigned(r#"{"iss":"https://other.example","aud":["x","y"],"exp":10,"nonce":"n2"}"#);
    let ids: Vec<String> = check_id_token(Some(&bad), &checks)
        .into_iter()
        .map(|f| f.id)
        .collect();
    assert_eq!(
        ids,
        [
            "id-token.iss",
            "id-token.aud",
            "id-token.exp",
            "id-token.nonce",
            "id-token.azp"
        ]
    );
    assert_eq!(
        check_id_token(None, &checks).first().map(|f| f.id.as_str()),
        Some("id-token.missing")
    );
    let far = unsigned(
        r#"{"iss":"https://as.example","aud":"cli","exp":9223372036854775807,"nonce":"n1"}"#,
    );
    let messages: Vec<String> = check_id_token(Some(&far), &checks)
        .into_iter()
        .map(|f| f.message)
        .collect();
    assert_eq!(
        messages,
        ["the ID token's exp 9223372036854775807 is out of range (after year 9999)"]
    );
}
