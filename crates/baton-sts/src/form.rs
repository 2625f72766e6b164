//! `application/x-www-form-urlencoded` request bodies. Parsed by hand rather than through serde
//! because RFC 8693 repeats `audience` and `resource`, while RFC 6749 §3.2 forbids repeating
//! any other parameter, and both rules need to see every pair.

use axum::http::{HeaderMap, header};

use crate::errors::OAuthError;
use crate::text::quoted;

pub(crate) struct Form {
    pairs: Vec<(String, String)>,
    /// The thumbprint of the key of the request's verified DPoP proof (RFC 9449), set by the
    /// token endpoint before a grant runs: what the grant binds its tokens to.
    dpop_jkt: Option<String>,
    /// The `x5t#S256` of the request's TLS client certificate when the client's tokens are bound
    /// to it (RFC 8705 §3), set like `dpop_jkt`.
    certificate_x5t: Option<String>,
}

impl Form {
    pub(crate) fn parse(headers: &HeaderMap, body: &[u8]) -> Result<Form, OAuthError> {
        if headers
            .get_all(header::CONTENT_TYPE)
            .iter()
            .nth(1)
            .is_some()
        {
            return Err(OAuthError::invalid_request(
                "the request has more than one Content-Type header",
            ));
        }
        let content_type = headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        let media_type = content_type.split(';').next().unwrap_or("").trim();
        if !media_type.eq_ignore_ascii_case("application/x-www-form-urlencoded") {
            let got = if content_type.is_empty() {
                "none".to_owned()
            } else {
                quoted(content_type)
            };
            return Err(OAuthError::invalid_request(format!(
                "the request body must be application/x-www-form-urlencoded (Content-Type was {got})"
            )));
        }
        let body = std::str::from_utf8(body)
            .map_err(|_| OAuthError::invalid_request("the request body is not UTF-8"))?;
        Form::from_query(body)
    }

    /// The parameters of a URL query (`/authorize?…`), encoded as a form body is.
    pub(crate) fn from_query(body: &str) -> Result<Form, OAuthError> {
        let mut pairs = Vec::new();
        for part in body.split('&').filter(|p| !p.is_empty()) {
            let (name, value) = part.split_once('=').unwrap_or((part, ""));
            let name = url_decode(name).map_err(OAuthError::invalid_request)?;
            let value = url_decode(value).map_err(|e| {
                OAuthError::invalid_request(format!("parameter {}: {e}", quoted(&name)))
            })?;
            pairs.push((name, value));
        }
        Ok(Form {
            pairs,
            dpop_jkt: None,
            certificate_x5t: None,
        })
    }

    pub(crate) fn set_dpop_jkt(&mut self, jkt: Option<String>) {
        self.dpop_jkt = jkt;
    }

    pub(crate) fn dpop_jkt(&self) -> Option<&str> {
        self.dpop_jkt.as_deref()
    }

    pub(crate) fn set_certificate_x5t(&mut self, x5t: Option<String>) {
        self.certificate_x5t = x5t;
    }

    pub(crate) fn certificate_x5t(&self) -> Option<&str> {
        self.certificate_x5t.as_deref()
    }

    /// A parameter that may appear at most once. An empty value counts as absent
    /// (RFC 6749 §3.1).
    pub(crate) fn single(&self, name: &str) -> Result<Option<&str>, OAuthError> {
        let mut found = self
            .pairs
            .iter()
            .filter(|(n, v)| n == name && !v.is_empty());
        let first = found.next();
        if found.next().is_some() {
            return Err(OAuthError::invalid_request(format!(
                "parameter {name} is repeated"
            )));
        }
        Ok(first.map(|(_, v)| v.as_str()))
    }

    pub(crate) fn required(&self, name: &str) -> Result<&str, OAuthError> {
        self.single(name)?.ok_or_else(|| OAuthError::missing(name))
    }

    /// A repeatable parameter (`audience`, `resource`), in request order.
    pub(crate) fn all(&self, name: &str) -> Vec<&str> {
        self.pairs
            .iter()
            .filter(|(n, v)| n == name && !v.is_empty())
            .map(|(_, v)| v.as_str())
            .collect()
    }
}

/// Decodes one form-urlencoded component: `+` is a space, `%XX` a byte; the result must be UTF-8.
pub(crate) fn url_decode(s: &str) -> Result<String, String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = bytes
                    .get(i + 1..i + 3)
                    .and_then(|h| std::str::from_utf8(h).ok());
                match hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                    Some(b) => out.push(b),
                    None => return Err(format!("bad percent-escape at byte {i} of {}", quoted(s))),
                }
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out).map_err(|_| format!("{} does not decode to UTF-8", quoted(s)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn form(body: &str) -> Form {
        let mut h = HeaderMap::new();
        h.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/x-www-form-urlencoded; charset=UTF-8"),
        );
        match Form::parse(&h, body.as_bytes()) {
            Ok(f) => f,
            Err(e) => panic!("{e:?}"),
        }
    }

    #[test]
    fn decodes_plus_and_percent() {
        assert_eq!(url_decode("a+b%3Ac%25").as_deref(), Ok("a b:c%"));
        assert_eq!(url_decode("%C3%A9").as_deref(), Ok("é"));
        assert!(url_decode("%zz").is_err());
        assert!(url_decode("%4").is_err());
        assert!(url_decode("%FF").is_err());
    }

    #[test]
    fn repeated_parameters() {
        let f = form("audience=a&audience=b&resource=r&grant_type=x&scope=");
        assert_eq!(f.all("audience"), ["a", "b"]);
        assert_eq!(f.single("grant_type").ok().flatten(), Some("x"));
        assert_eq!(f.single("scope").ok().flatten(), None);
        let f = form("grant_type=x&grant_type=y");
        assert!(f.single("grant_type").is_err());
    }

    #[test]
    fn wrong_content_type_is_refused() {
        let mut h = HeaderMap::new();
        h.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        let e = Form::parse(&h, b"{}").err().map(|e| e.description);
        assert!(e.is_some_and(|d| d.contains("application/json")));
    }
}
