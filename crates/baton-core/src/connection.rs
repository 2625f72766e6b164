//! A connection test: does a server's token endpoint answer like an OAuth server, do its keys
//! load, does its metadata advertise token exchange. Nothing here fails: an unreachable server
//! is a failed check that says why.

use serde::Serialize;
use serde_json::Value as Json;
use ts_rs::TS;

use crate::discovery::discover;
use crate::http::{HttpClient, HttpRequest, HttpResponse, Value};
use crate::scenario::server::ResolvedServerUrls;
use crate::token_type::TOKEN_EXCHANGE_GRANT;
use crate::verify::Jwks;

/// What a connection test found, one check per URL the server has.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct ConnectionReport {
    pub server_id: String,
    pub checks: Vec<ConnectionCheck>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct ConnectionCheck {
    /// `token_endpoint`, `jwks` or `metadata`.
    pub name: String,
    pub url: String,
    pub ok: bool,
    /// The HTTP status, when there was a response and one status tells it.
    #[ts(type = "number | null")]
    pub status: Option<u16>,
    pub detail: String,
}

/// Checks the token endpoint, then the JWKS (if the server has a `jwks_uri`), then the metadata
/// (if it has an `issuer`).
pub async fn test_connection(
    http: &dyn HttpClient,
    server: &ResolvedServerUrls,
) -> ConnectionReport {
    let mut checks = vec![token_endpoint(http, &server.token_endpoint).await];
    if let Some(uri) = &server.jwks_uri {
        checks.push(jwks(http, uri).await);
    }
    if let Some(issuer) = &server.issuer {
        checks.push(metadata(http, issuer).await);
    }
    ConnectionReport {
        server_id: server.id.clone(),
        checks,
    }
}

/// A token-exchange request with no subject token and no client authentication: any OAuth server
/// refuses it with an error JSON (RFC 6749 §5.2), which shows it is there and speaks OAuth.
async fn token_endpoint(http: &dyn HttpClient, url: &str) -> ConnectionCheck {
    let mut request = HttpRequest::post_form(url);
    request.push_form("grant_type", Value::Plain(TOKEN_EXCHANGE_GRANT.into()));
    let check = |ok: bool, status: Option<u16>, detail: String| ConnectionCheck {
        name: "token_endpoint".into(),
        url: url.to_string(),
        ok,
        status,
        detail,
    };
    let response = match http.send(&request).await {
        Ok(r) => r,
        Err(e) => return check(false, None, e.to_string()),
    };
    let status = response.status;
    let (ok, detail) = judge_token_response(&response);
    check(ok, Some(status), detail)
}

fn judge_token_response(response: &HttpResponse) -> (bool, String) {
    let status = response.status;
    let json: Option<Json> = serde_json::from_slice(&response.body).ok();
    let error = json
        .as_ref()
        .and_then(|j| j.get("error"))
        .and_then(Json::as_str);
    match (error, json.as_ref()) {
        (Some(error), Some(j)) => {
            let description = j
                .get("error_description")
                .and_then(Json::as_str)
                .map(|d| format!(": {d}"))
                .unwrap_or_default();
            let said = format!("{status} {error}{description}");
            if status == 400 || status == 401 {
                (true, said)
            } else {
                (
                    false,
                    format!(
                        "{said} (an OAuth error, but RFC 6749 §5.2 answers it with 400 or 401)"
                    ),
                )
            }
        }
        (None, Some(j)) if j.get("access_token").is_some() => (
            false,
            format!(
                "{status}: it issued a token for a request with no subject token and no client"
            ),
        ),
        (None, Some(_)) => (
            false,
            format!("{status}: JSON without an \"error\" member, not an OAuth error response"),
        ),
        (None, None) if looks_like_html(response) => (
            false,
            format!(
                "{status}: an HTML page, not an OAuth error JSON (is this the token endpoint?)"
            ),
        ),
        (_, None) => (
            false,
            format!("{status}: not JSON: {}", excerpt(&response.body_text())),
        ),
    }
}

fn looks_like_html(response: &HttpResponse) -> bool {
    response
        .header("content-type")
        .is_some_and(|t| t.to_ascii_lowercase().contains("html"))
        || response.body_text().trim_start().starts_with('<')
}

/// The start of a body, on one line.
fn excerpt(text: &str) -> String {
    let line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if line.is_empty() {
        return "an empty body".into();
    }
    let mut short: String = line.chars().take(80).collect();
    if short.len() < line.len() {
        short.push('…');
    }
    format!("{short:?}")
}

async fn jwks(http: &dyn HttpClient, url: &str) -> ConnectionCheck {
    let check = |ok: bool, status: Option<u16>, detail: String| ConnectionCheck {
        name: "jwks".into(),
        url: url.to_string(),
        ok,
        status,
        detail,
    };
    let response = match http.send(&HttpRequest::get(url)).await {
        Ok(r) => r,
        Err(e) => return check(false, None, e.to_string()),
    };
    let status = Some(response.status);
    if response.status != 200 {
        let what = if looks_like_html(&response) {
            "an HTML page".to_string()
        } else {
            excerpt(&response.body_text())
        };
        return check(false, status, format!("HTTP {}: {what}", response.status));
    }
    let set = match Jwks::parse(&response.body, url) {
        Ok(set) => set,
        Err(e) => return check(false, status, e.to_string()),
    };
    let algs: Vec<String> = set
        .keys
        .iter()
        .map(|k| {
            k.common
                .key_algorithm
                .map_or_else(|| "no alg".to_string(), |a| format!("{a:?}"))
        })
        .collect();
    let mut detail = match algs.len() {
        0 => "no usable keys".to_string(),
        1 => format!("1 key: {}", algs.join(", ")),
        n => format!("{n} keys: {}", algs.join(", ")),
    };
    if !set.skipped.is_empty() {
        detail.push_str(&format!("; skipped {}", set.skipped.join("; ")));
    }
    check(!set.keys.is_empty(), status, detail)
}

/// RFC 8414 / OpenID Connect discovery at the issuer. Reachable is `ok`; whether token exchange
/// is advertised is told, not required (many servers that support it do not say so).
async fn metadata(http: &dyn HttpClient, issuer: &str) -> ConnectionCheck {
    match discover(http, issuer).await {
        Ok(d) => ConnectionCheck {
            name: "metadata".into(),
            detail: if d.token_exchange_advertised {
                format!(
                    "token exchange is advertised ({TOKEN_EXCHANGE_GRANT} in grant_types_supported)"
                )
            } else {
                "token exchange is not advertised (grant_types_supported does not list it)".into()
            },
            url: d.metadata_url,
            ok: true,
            // Discovery only keeps a document it could read: that was a 200.
            status: Some(200),
        },
        Err(e) => ConnectionCheck {
            name: "metadata".into(),
            url: issuer.to_string(),
            ok: false,
            status: None,
            detail: e.to_string(),
        },
    }
}
