//! A token endpoint's response, kept whole and parsed without losing what the server sent.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value as Json};
use ts_rs::TS;

use crate::http::HttpResponse;

/// How much of an unparseable body is shown to the user.
const PREVIEW_CHARS: usize = 300;

/// An error code from RFC 6749 §5.2 or RFC 8693 §2.2.2, or whatever else the server sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(into = "String", from = "String")]
#[ts(export, type = "string")]
pub enum ErrorCode {
    InvalidRequest,
    InvalidClient,
    InvalidGrant,
    UnauthorizedClient,
    UnsupportedGrantType,
    InvalidScope,
    InvalidTarget,
    Other(String),
}

impl ErrorCode {
    pub fn parse(code: &str) -> Self {
        match code {
            "invalid_request" => ErrorCode::InvalidRequest,
            "invalid_client" => ErrorCode::InvalidClient,
            "invalid_grant" => ErrorCode::InvalidGrant,
            "unauthorized_client" => ErrorCode::UnauthorizedClient,
            "unsupported_grant_type" => ErrorCode::UnsupportedGrantType,
            "invalid_scope" => ErrorCode::InvalidScope,
            "invalid_target" => ErrorCode::InvalidTarget,
            other => ErrorCode::Other(other.to_string()),
        }
    }

    pub fn as_str(&self) -> &str {
        match self {
            ErrorCode::InvalidRequest => "invalid_request",
            ErrorCode::InvalidClient => "invalid_client",
            ErrorCode::InvalidGrant => "invalid_grant",
            ErrorCode::UnauthorizedClient => "unauthorized_client",
            ErrorCode::UnsupportedGrantType => "unsupported_grant_type",
            ErrorCode::InvalidScope => "invalid_scope",
            ErrorCode::InvalidTarget => "invalid_target",
            ErrorCode::Other(s) => s,
        }
    }

    /// Whether the code is one the token endpoint may return under RFC 6749 §5.2 / RFC 8693 §2.2.2.
    pub fn is_registered(&self) -> bool {
        !matches!(self, ErrorCode::Other(_))
    }
}

impl From<String> for ErrorCode {
    fn from(code: String) -> Self {
        ErrorCode::parse(&code)
    }
}

impl From<ErrorCode> for String {
    fn from(code: ErrorCode) -> Self {
        code.as_str().to_string()
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A successful token response (RFC 6749 §5.1, RFC 8693 §2.2.1). Values are exactly as sent:
/// `token_type` keeps its case (`N_A`, `bearer`), and members of the wrong JSON type are kept in
/// `members` for the findings to report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct TokenSuccess {
    pub access_token: Option<String>,
    pub issued_token_type: Option<String>,
    pub token_type: Option<String>,
    #[ts(type = "number | null")]
    pub expires_in: Option<i64>,
    pub scope: Option<String>,
    pub refresh_token: Option<String>,
    /// Every member of the body, including the ones above.
    pub members: Map<String, Json>,
}

/// An OAuth error response (RFC 6749 §5.2).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct OAuthError {
    pub error: ErrorCode,
    pub error_description: Option<String>,
    pub error_uri: Option<String>,
    pub members: Map<String, Json>,
}

impl std::fmt::Display for OAuthError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.error)?;
        if let Some(d) = &self.error_description {
            write!(f, ": {d}")?;
        }
        Ok(())
    }
}

/// Why a body could not be read as a token response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum BodyProblem {
    Empty,
    Html,
    NotJson,
    NotAnObject,
    /// JSON object with an error status but no `error` member.
    NoErrorMember,
}

impl BodyProblem {
    pub fn describe(&self) -> &'static str {
        match self {
            BodyProblem::Empty => "the body is empty",
            BodyProblem::Html => "the body is an HTML page, not JSON",
            BodyProblem::NotJson => "the body is not JSON",
            BodyProblem::NotAnObject => "the body is JSON but not an object",
            BodyProblem::NoErrorMember => {
                "the status is an error but the JSON body has no \"error\" member"
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[ts(export)]
pub enum Outcome {
    Success(TokenSuccess),
    Error(OAuthError),
    Unreadable {
        problem: BodyProblem,
        /// The first characters of the body, for the user to see what came instead.
        preview: String,
        detail: Option<String>,
    },
}

/// The whole response: status, headers and raw body, plus what Baton made of it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct TokenResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
    pub outcome: Outcome,
}

impl TokenResponse {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn success(&self) -> Option<&TokenSuccess> {
        match &self.outcome {
            Outcome::Success(s) => Some(s),
            _ => None,
        }
    }

    pub fn error(&self) -> Option<&OAuthError> {
        match &self.outcome {
            Outcome::Error(e) => Some(e),
            _ => None,
        }
    }
}

/// Reads a token endpoint response. Never fails: what cannot be parsed is described instead.
pub fn parse_token_response(http: &HttpResponse) -> TokenResponse {
    let body = http.body_text();
    let outcome = parse_outcome(http.status, &http.body, &body);
    TokenResponse {
        status: http.status,
        headers: http.headers.clone(),
        body,
        outcome,
    }
}

fn parse_outcome(status: u16, raw: &[u8], text: &str) -> Outcome {
    let unreadable = |problem, detail: Option<String>| Outcome::Unreadable {
        problem,
        preview: preview(text),
        detail,
    };
    if raw.iter().all(u8::is_ascii_whitespace) {
        return unreadable(BodyProblem::Empty, None);
    }
    let json: Json = match serde_json::from_slice(raw) {
        Ok(j) => j,
        Err(e) => {
            let problem = if looks_like_html(text) {
                BodyProblem::Html
            } else {
                BodyProblem::NotJson
            };
            return unreadable(problem, Some(e.to_string()));
        }
    };
    let Json::Object(members) = json else {
        return unreadable(BodyProblem::NotAnObject, None);
    };
    // RFC 6749 §5.2: an error response has an `error` member, whatever the status says.
    if let Some(code) = members.get("error").and_then(Json::as_str) {
        return Outcome::Error(OAuthError {
            error: ErrorCode::parse(code),
            error_description: string_member(&members, "error_description"),
            error_uri: string_member(&members, "error_uri"),
            members,
        });
    }
    if !(200..300).contains(&status) {
        return unreadable(BodyProblem::NoErrorMember, None);
    }
    Outcome::Success(TokenSuccess {
        access_token: string_member(&members, "access_token"),
        issued_token_type: string_member(&members, "issued_token_type"),
        token_type: string_member(&members, "token_type"),
        expires_in: members.get("expires_in").and_then(integer),
        scope: string_member(&members, "scope"),
        refresh_token: string_member(&members, "refresh_token"),
        members,
    })
}

fn string_member(members: &Map<String, Json>, name: &str) -> Option<String> {
    members.get(name).and_then(Json::as_str).map(str::to_string)
}

/// A JSON number that is a whole number of seconds (`3600` or `3600.0`).
pub(crate) fn integer(value: &Json) -> Option<i64> {
    value.as_i64().or_else(|| {
        value
            .as_f64()
            .filter(|f| f.fract() == 0.0 && f.abs() < 9.0e15)
            .map(|f| f as i64)
    })
}

fn looks_like_html(text: &str) -> bool {
    let start = text.trim_start().to_ascii_lowercase();
    start.starts_with("<!doctype html") || start.starts_with("<html") || start.starts_with("<head")
}

fn preview(text: &str) -> String {
    let mut out: String = text.chars().take(PREVIEW_CHARS).collect();
    if text.chars().nth(PREVIEW_CHARS).is_some() {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn response(status: u16, body: &str) -> TokenResponse {
        parse_token_response(&HttpResponse {
            status,
            headers: vec![("content-type".into(), "application/json".into())],
            body: body.as_bytes().to_vec(),
        })
    }

    #[test]
    fn success_keeps_values_exactly_as_sent() {
        let r = response(
            200,
            r#"{"access_token":"eyJ.x.y","issued_token_type":"urn:ietf:params:oauth:token-type:id_token",
                "token_type":"N_A","expires_in":60,"scope":"a b","x-vendor":{"k":1}}"#,
        );
        let s = r.success().expect("success");
        assert_eq!(s.token_type.as_deref(), Some("N_A"));
        assert_eq!(s.expires_in, Some(60));
        assert_eq!(s.scope.as_deref(), Some("a b"));
        assert_eq!(s.members["x-vendor"]["k"], 1);
        let r = response(200, r#"{"access_token":"t","token_type":"bearer"}"#);
        assert_eq!(
            r.success().and_then(|s| s.token_type.as_deref()),
            Some("bearer")
        );
    }

    #[test]
    fn error_response_including_invalid_target() {
        let r = response(
            400,
            r#"{"error":"invalid_target","error_description":"no such audience","error_uri":"https://as.example/e"}"#,
        );
        let e = r.error().expect("error");
        assert_eq!(e.error, ErrorCode::InvalidTarget);
        assert!(e.error.is_registered());
        assert_eq!(e.error_description.as_deref(), Some("no such audience"));
        assert_eq!(e.error_uri.as_deref(), Some("https://as.example/e"));
        assert_eq!(e.to_string(), "invalid_target: no such audience");
    }

    #[test]
    fn unknown_error_code_is_kept() {
        let r = response(400, r#"{"error":"token_expired"}"#);
        let e = r.error().expect("error");
        assert_eq!(e.error, ErrorCode::Other("token_expired".into()));
        assert!(!e.error.is_registered());
    }

    #[test]
    fn html_empty_and_non_object_bodies_are_described() {
        let r = response(502, "<!DOCTYPE html><html><body>Bad Gateway</body></html>");
        assert!(matches!(
            &r.outcome,
            Outcome::Unreadable { problem: BodyProblem::Html, preview, .. } if preview.contains("Bad Gateway")
        ));
        let r = response(200, "");
        assert!(matches!(
            r.outcome,
            Outcome::Unreadable {
                problem: BodyProblem::Empty,
                ..
            }
        ));
        let r = response(200, "[1,2]");
        assert!(matches!(
            r.outcome,
            Outcome::Unreadable {
                problem: BodyProblem::NotAnObject,
                ..
            }
        ));
        let r = response(500, r#"{"message":"boom"}"#);
        assert!(matches!(
            r.outcome,
            Outcome::Unreadable {
                problem: BodyProblem::NoErrorMember,
                ..
            }
        ));
        let r = response(200, "access_token=abc&token_type=bearer");
        assert!(matches!(
            r.outcome,
            Outcome::Unreadable {
                problem: BodyProblem::NotJson,
                ..
            }
        ));
    }

    #[test]
    fn preview_is_bounded() {
        let long = "x".repeat(10_000);
        let r = response(500, &long);
        let Outcome::Unreadable { preview, .. } = r.outcome else {
            panic!("expected unreadable")
        };
        assert_eq!(preview.chars().count(), PREVIEW_CHARS + 1);
    }
}
