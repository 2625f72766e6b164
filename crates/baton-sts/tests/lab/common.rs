//! Helpers: plain HTTP against a spawned lab, as any client would talk to it.

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use baton_sts::{Policy, StsConfig, StsHandle};
use serde_json::Value;

pub const TOKEN_EXCHANGE: &str = "urn:ietf:params:oauth:grant-type:token-exchange";
pub const AT: &str = "urn:ietf:params:oauth:token-type:access_token";
pub const JWT: &str = "urn:ietf:params:oauth:token-type:jwt";
pub const ID_TOKEN: &str = "urn:ietf:params:oauth:token-type:id_token";
pub const RT: &str = "urn:ietf:params:oauth:token-type:refresh_token";

pub async fn lab() -> StsHandle {
    baton_sts::spawn(StsConfig::default())
        .await
        .expect("lab starts")
}

pub async fn lab_with(policy: Policy, deterministic: bool) -> StsHandle {
    baton_sts::spawn(StsConfig {
        policy,
        port: 0,
        deterministic,
        trusted_issuers: Vec::new(),
        tls: false,
    })
    .await
    .expect("lab starts")
}

/// The default policy with a change applied to its TOML source.
pub fn policy_with(edit: impl FnOnce(String) -> String) -> Policy {
    let src = edit(Policy::lab_default_toml().to_owned());
    Policy::from_toml_str(&src, "edited lab policy").expect("edited policy parses")
}

/// application/x-www-form-urlencoded, encoding everything but unreserved characters.
pub fn urlencode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

pub fn form_body(params: &[(&str, &str)]) -> String {
    params
        .iter()
        .map(|(k, v)| format!("{}={}", urlencode(k), urlencode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// `Authorization: Basic` per RFC 6749 §2.3.1 (id and secret form-urlencoded first).
pub fn basic(id: &str, secret: &str) -> String {
    format!(
        "Basic {}",
        STANDARD.encode(format!("{}:{}", urlencode(id), urlencode(secret)))
    )
}

#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub body: Value,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    pub fn error(&self) -> &str {
        self.body["error"].as_str().unwrap_or("")
    }

    pub fn description(&self) -> &str {
        self.body["error_description"].as_str().unwrap_or("")
    }

    pub fn token(&self) -> &str {
        self.body["access_token"]
            .as_str()
            .expect("access_token in response")
    }

    /// Asserts a refusal with `code`, the right status and the RFC 6749 §5.2 shape.
    pub fn assert_error(&self, code: &str) -> &Self {
        assert_eq!(self.error(), code, "{:#}", self.body);
        let status = if code == "invalid_client" { 401 } else { 400 };
        assert_eq!(self.status, status, "{:#}", self.body);
        assert!(
            !self.description().is_empty(),
            "no error_description: {:#}",
            self.body
        );
        assert_no_store(self);
        self
    }

    /// Asserts success with every field RFC 6749 / RFC 8693 require, consistent with the JWT.
    pub fn assert_issued(&self) -> &Self {
        assert_eq!(self.status, 200, "{:#}", self.body);
        assert_no_store(self);
        assert!(self.body["access_token"].is_string());
        assert!(self.body["token_type"].is_string());
        assert!(self.body["expires_in"].is_u64());
        assert!(self.body["scope"].is_string());
        self
    }
}

pub fn assert_no_store(reply: &Reply) {
    assert_eq!(reply.header("cache-control"), Some("no-store"));
    assert_eq!(reply.header("pragma"), Some("no-cache"));
    assert_eq!(reply.header("content-type"), Some("application/json"));
}

pub async fn post(url: &str, params: &[(&str, &str)], authorization: Option<&str>) -> Reply {
    let mut req = reqwest::Client::new()
        .post(url)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form_body(params));
    if let Some(a) = authorization {
        req = req.header("authorization", a);
    }
    let resp = req.send().await.expect("request sent");
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

pub async fn get_json(url: &str) -> (reqwest::header::HeaderMap, Value) {
    let resp = reqwest::get(url).await.expect("GET");
    assert_eq!(resp.status().as_u16(), 200);
    let headers = resp.headers().clone();
    let body = serde_json::from_str(&resp.text().await.expect("body")).expect("JSON");
    (headers, body)
}

/// POSTs to the token endpoint with client_secret_basic `<client>-secret`.
pub async fn token(lab: &StsHandle, client: &str, params: &[(&str, &str)]) -> Reply {
    let secret = format!("{client}-secret");
    post(&lab.token_endpoint(), params, Some(&basic(client, &secret))).await
}

pub async fn password_token(
    lab: &StsHandle,
    client: &str,
    user: &str,
    extra: &[(&str, &str)],
) -> Reply {
    let pw = format!("{user}-password");
    let mut params = vec![
        ("grant_type", "password"),
        ("username", user),
        ("password", pw.as_str()),
    ];
    params.extend_from_slice(extra);
    token(lab, client, &params).await
}

pub async fn client_token(lab: &StsHandle, client: &str) -> String {
    let r = token(lab, client, &[("grant_type", "client_credentials")]).await;
    r.assert_issued();
    r.token().to_owned()
}

/// Token exchange by `client`, with an optional actor token.
pub async fn exchange(
    lab: &StsHandle,
    client: &str,
    subject: &str,
    actor: Option<&str>,
    extra: &[(&str, &str)],
) -> Reply {
    let mut params = vec![
        ("grant_type", TOKEN_EXCHANGE),
        ("subject_token", subject),
        ("subject_token_type", AT),
    ];
    if let Some(actor) = actor {
        params.push(("actor_token", actor));
        params.push(("actor_token_type", AT));
    }
    params.extend_from_slice(extra);
    token(lab, client, &params).await
}

fn decode_part(token: &str, index: usize) -> Value {
    let part = token.split('.').nth(index).expect("JWT part");
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(part).expect("base64url")).expect("JSON")
}

pub fn claims(token: &str) -> Value {
    decode_part(token, 1)
}

pub fn header(token: &str) -> Value {
    decode_part(token, 0)
}

/// The default lab with the named `[checks]` switched off.
pub async fn lab_without(checks: &[&str]) -> StsHandle {
    let policy = policy_with(|mut src| {
        src.push_str("\n[checks]\n");
        for c in checks {
            src.push_str(&format!("{c} = false\n"));
        }
        src
    });
    let names: Vec<&str> = policy.disabled_checks().iter().map(|c| c.name()).collect();
    assert_eq!(names, checks, "the policy switched off what was asked");
    lab_with(policy, false).await
}

/// `client`'s own client_credentials token, with extra parameters (e.g. `scope`).
pub async fn client_token_with(lab: &StsHandle, client: &str, extra: &[(&str, &str)]) -> String {
    let mut params = vec![("grant_type", "client_credentials")];
    params.extend_from_slice(extra);
    let r = token(lab, client, &params).await;
    r.assert_issued();
    r.token().to_owned()
}

/// Token exchange with explicit token types (`None`: no actor).
pub async fn exchange_typed(
    lab: &StsHandle,
    client: &str,
    subject: (&str, &str),
    actor: Option<(&str, &str)>,
    extra: &[(&str, &str)],
) -> Reply {
    let mut params = vec![
        ("grant_type", TOKEN_EXCHANGE),
        ("subject_token", subject.0),
        ("subject_token_type", subject.1),
    ];
    if let Some((token, kind)) = actor {
        params.push(("actor_token", token));
        params.push(("actor_token_type", kind));
    }
    params.extend_from_slice(extra);
    token(lab, client, &params).await
}

/// Introspection by `client` (client_secret_basic).
pub async fn introspect_as(lab: &StsHandle, client: &str, token: &str) -> Reply {
    let secret = format!("{client}-secret");
    post(
        &lab.introspection_endpoint(),
        &[("token", token)],
        Some(&basic(client, &secret)),
    )
    .await
}

/// A raw HTTP/1.1 exchange over one TCP connection: writes `request`, reads until the server
/// closes or 5 s pass, returns what came back.
pub async fn raw_http(lab: &StsHandle, request: &[u8]) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", lab.port()))
        .await
        .expect("connect");
    stream.write_all(request).await.expect("write");
    let mut out = Vec::new();
    let _ = tokio::time::timeout(
        std::time::Duration::from_secs(5),
        stream.read_to_end(&mut out),
    )
    .await;
    String::from_utf8_lossy(&out).into_owned()
}
