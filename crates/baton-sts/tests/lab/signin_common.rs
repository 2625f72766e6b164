//! A fake browser for the sign-in pages: GET a page, read its form, POST it back, follow
//! nothing (redirects are read, not followed).

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use baton_sts::StsHandle;
use sha2::{Digest, Sha256};

use crate::common::*;

pub const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
pub const REDIRECT: &str = "http://127.0.0.1:49152/callback";
pub const DEVICE_CODE: &str = "urn:ietf:params:oauth:grant-type:device_code";

pub fn challenge(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

pub fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}

pub struct Page {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub html: String,
}

impl Page {
    pub fn location(&self) -> &str {
        self.headers
            .get("location")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    /// The hidden fields of the page's form, unescaped.
    pub fn hidden(&self) -> Vec<(String, String)> {
        let mut out = Vec::new();
        for part in self.html.split("<input type=\"hidden\" ").skip(1) {
            let attr = |name: &str| {
                let start = part.find(&format!("{name}=\""))? + name.len() + 2;
                let len = part[start..].find('"')?;
                Some(unescape(&part[start..start + len]))
            };
            if let (Some(n), Some(v)) = (attr("name"), attr("value")) {
                out.push((n, v));
            }
        }
        out
    }
}

fn unescape(s: &str) -> String {
    s.replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

pub async fn get_page(url: &str) -> Page {
    let resp = browser().get(url).send().await.expect("GET");
    read(resp).await
}

pub async fn post_form(url: &str, fields: &[(String, String)]) -> Page {
    let pairs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let resp = browser()
        .post(url)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form_body(&pairs))
        .send()
        .await
        .expect("POST");
    read(resp).await
}

async fn read(resp: reqwest::Response) -> Page {
    Page {
        status: resp.status().as_u16(),
        headers: resp.headers().clone(),
        html: resp.text().await.expect("body"),
    }
}

/// `/authorize?…` for `params`.
pub fn authorize_url(lab: &StsHandle, params: &[(&str, &str)]) -> String {
    format!("{}?{}", lab.authorization_endpoint(), form_body(params))
}

/// signin-app's request for alice's orders token with PKCE and `state`.
pub fn code_request<'a>(
    challenge: &'a str,
    extra: &[(&'a str, &'a str)],
) -> Vec<(&'a str, &'a str)> {
    let mut p = vec![
        ("response_type", "code"),
        ("client_id", "signin-app"),
        ("redirect_uri", REDIRECT),
        ("state", "st-123"),
        ("scope", "openid orders:read"),
        ("code_challenge", challenge),
        ("code_challenge_method", "S256"),
    ];
    p.extend_from_slice(extra);
    p
}

/// Submits a sign-in page's form as a user would.
pub async fn sign_in(
    lab: &StsHandle,
    page: &Page,
    user: &str,
    password: &str,
    decision: &str,
) -> Page {
    let mut fields = page.hidden();
    fields.push(("username".into(), user.into()));
    fields.push(("password".into(), password.into()));
    fields.push(("decision".into(), decision.into()));
    post_form(&lab.authorization_endpoint(), &fields).await
}

/// The query parameters of a redirect's Location.
pub fn query(location: &str) -> Vec<(String, String)> {
    let url = url::Url::parse(location).expect("Location is a URL");
    url.query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

pub fn param<'a>(q: &'a [(String, String)], name: &str) -> Option<&'a str> {
    q.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
}

/// The whole browser part: page, sign in as alice, allow; returns the code.
pub async fn code_for(lab: &StsHandle, params: &[(&str, &str)]) -> String {
    let page = get_page(&authorize_url(lab, params)).await;
    assert_eq!(page.status, 200, "{}", page.html);
    let back = sign_in(lab, &page, "alice", "alice-password", "allow").await;
    assert_eq!(back.status, 303, "{}", back.html);
    let q = query(back.location());
    param(&q, "code").expect("code in the redirect").to_owned()
}

pub async fn redeem(lab: &StsHandle, code: &str, redirect: &str, verifier: Option<&str>) -> Reply {
    let mut params = vec![
        ("grant_type", "authorization_code"),
        ("client_id", "signin-app"),
        ("code", code),
        ("redirect_uri", redirect),
    ];
    if let Some(v) = verifier {
        params.push(("code_verifier", v));
    }
    post(&lab.token_endpoint(), &params, None).await
}
