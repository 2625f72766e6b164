//! A server's answer to a probe's request, with the readings probes judge by.

use serde_json::{Map, Value as Json};

use crate::http::HttpResponse;
use crate::jwt::{Jwt, decode};

use super::Verdict;

/// A response, read once as JSON when it is JSON.
#[derive(Debug, Clone)]
pub struct Answer {
    response: HttpResponse,
    json: Option<Json>,
}

impl Answer {
    pub fn new(response: HttpResponse) -> Self {
        let json = serde_json::from_slice(&response.body).ok();
        Answer { response, json }
    }

    pub fn status(&self) -> u16 {
        self.response.status
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.response.header(name)
    }

    /// Every value of a header (a server may repeat one).
    pub fn headers(&self, name: &str) -> Vec<&str> {
        self.response
            .headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
            .collect()
    }

    pub fn body(&self) -> &[u8] {
        &self.response.body
    }

    pub fn response(&self) -> &HttpResponse {
        &self.response
    }

    pub fn json(&self) -> Option<&Json> {
        self.json.as_ref()
    }

    pub fn json_object(&self) -> Option<&Map<String, Json>> {
        self.json.as_ref().and_then(Json::as_object)
    }

    /// A string member of the JSON body.
    pub fn member(&self, name: &str) -> Option<&str> {
        self.json_object()
            .and_then(|m| m.get(name))
            .and_then(Json::as_str)
    }

    /// 2xx.
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status())
    }

    /// A success that carries a token.
    pub fn issued(&self) -> bool {
        self.is_success() && self.access_token().is_some()
    }

    pub fn access_token(&self) -> Option<&str> {
        self.member("access_token")
    }

    /// The issued token decoded, when it is a JWT.
    pub fn issued_jwt(&self) -> Option<Jwt> {
        self.access_token().and_then(|t| decode(t).jwt().cloned())
    }

    /// The OAuth `error` code of an error response.
    pub fn error_code(&self) -> Option<&str> {
        if self.is_success() {
            None
        } else {
            self.member("error")
        }
    }

    /// The content type's media type, lower-case, without parameters.
    pub fn media_type(&self) -> Option<String> {
        self.header("content-type").map(|c| {
            c.split(';')
                .next()
                .unwrap_or_default()
                .trim()
                .to_ascii_lowercase()
        })
    }

    /// The JSON members whose value is `null`.
    pub fn null_members(&self) -> Vec<String> {
        self.json_object()
            .map(|m| {
                m.iter()
                    .filter(|(_, v)| v.is_null())
                    .map(|(k, _)| k.clone())
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The answer in a few words, for a verdict's reason: `HTTP 400 invalid_request`,
    /// `HTTP 200 with a token`, `HTTP 500 (not JSON)`.
    pub fn describe(&self) -> String {
        let status = self.status();
        if self.issued() {
            return format!("HTTP {status} with a token");
        }
        match (self.member("error"), self.json.is_some()) {
            (Some(code), _) => match self.member("error_description") {
                Some(d) => format!("HTTP {status} {code} ({})", shorten(d, 120)),
                None => format!("HTTP {status} {code}"),
            },
            (None, true) => format!("HTTP {status} (JSON without an error code)"),
            (None, false) if self.response.body.is_empty() => {
                format!("HTTP {status} with an empty body")
            }
            (None, false) => format!("HTTP {status} (not JSON)"),
        }
    }

    /// The judgment every "must be refused" probe shares: a 4xx refusal passes; a token issued
    /// fails; a 5xx fails (a server must refuse bad input, not crash on it); anything else fails
    /// with what came.
    pub fn must_refuse(&self, what: &str) -> Verdict {
        let status = self.status();
        if self.issued() {
            Verdict::Fail(format!(
                "{what} was accepted: {}; it must be refused",
                self.describe()
            ))
        } else if (400..500).contains(&status) {
            Verdict::Pass(format!("{what} was refused: {}", self.describe()))
        } else if status >= 500 {
            Verdict::Fail(format!(
                "{what} made the server fail ({}); it must be refused with a 4xx OAuth error",
                self.describe()
            ))
        } else {
            Verdict::Fail(format!(
                "{what} got {}; it must be refused with a 4xx OAuth error",
                self.describe()
            ))
        }
    }

    /// `must_refuse`, and the refusal must carry `code` with `status`.
    pub fn must_refuse_with(&self, what: &str, code: &str, status: u16) -> Verdict {
        match self.must_refuse(what) {
            Verdict::Pass(_) => {
                let got = self.error_code();
                if got == Some(code) && self.status() == status {
                    Verdict::Pass(format!("{what} was refused with HTTP {status} {code}"))
                } else {
                    Verdict::Fail(format!(
                        "{what} was refused with {}; the right answer is HTTP {status} {code}",
                        self.describe()
                    ))
                }
            }
            other => other,
        }
    }
}

/// The first `max` characters of `text`, with an ellipsis when cut.
pub(crate) fn shorten(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", &text[..i]),
        None => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(status: u16, body: &str) -> Answer {
        Answer::new(HttpResponse {
            status,
            headers: vec![("Content-Type".into(), "application/json".into())],
            body: body.as_bytes().to_vec(),
        })
    }

    #[test]
    fn a_refusal_passes_a_token_or_a_crash_fails() {
        let refused = answer(400, r#"{"error":"invalid_request"}"#);
        assert!(matches!(refused.must_refuse("x"), Verdict::Pass(_)));
        let issued = answer(200, r#"{"access_token":"t","token_type":"Bearer"}"#);
        assert!(matches!(issued.must_refuse("x"), Verdict::Fail(_)));
        let crashed = answer(500, "Internal Server Error");
        let Verdict::Fail(why) = crashed.must_refuse("x") else {
            panic!("a 500 must fail")
        };
        assert!(why.contains("HTTP 500 (not JSON)"), "{why}");
    }

    #[test]
    fn the_right_code_and_status_are_required_when_asked() {
        let wrong = answer(400, r#"{"error":"invalid_grant"}"#);
        assert!(matches!(
            wrong.must_refuse_with("x", "invalid_request", 400),
            Verdict::Fail(_)
        ));
        let right = answer(400, r#"{"error":"invalid_request"}"#);
        assert!(matches!(
            right.must_refuse_with("x", "invalid_request", 400),
            Verdict::Pass(_)
        ));
    }

    #[test]
    fn nulls_are_listed() {
        let a = answer(200, r#"{"access_token":"t","refresh_token":null}"#);
        assert_eq!(a.null_members(), vec!["refresh_token".to_string()]);
    }
}
