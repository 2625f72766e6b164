//! The sign-in pages: small, self-contained HTML (no scripts, no external assets), every value
//! HTML-escaped. Tests and fake browsers drive them by their field names, which POLICY.md
//! documents: `username`, `password`, `decision` (`allow` / `deny`) and, at `/device`,
//! `user_code`.

use axum::body::Body;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;

/// Text for HTML: `& < > " '` escaped, so a value is safe in element content and in a quoted
/// attribute alike.
pub(crate) fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = "body{font-family:system-ui,sans-serif;background:#f4f5f7;color:#1d2330;margin:0}\
main{max-width:30rem;margin:3rem auto;background:#fff;border:1px solid #d8dce3;border-radius:8px;padding:1.5rem 2rem}\
h1{font-size:1.3rem;margin-top:0}label{display:block;margin:.8rem 0 .2rem;font-weight:600}\
input[type=text],input[type=password]{width:100%;box-sizing:border-box;padding:.45rem;font-size:1rem}\
.error{background:#fdecea;border:1px solid #e0a49c;padding:.5rem .8rem;border-radius:4px}\
.buttons{margin-top:1.2rem;display:flex;gap:.6rem}button{padding:.5rem 1.2rem;font-size:1rem}\
code{background:#eef0f3;padding:0 .2rem}ul{padding-left:1.2rem}small{color:#5b6474}";

/// A whole page with the headers every sign-in page carries: never cached, never framed
/// (RFC 6749 §10.13 clickjacking), no scripts or outside resources.
pub(crate) fn html(status: StatusCode, title: &str, body: &str) -> Response {
    let doc = format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
<title>{title} · Baton lab</title><style>{STYLE}</style></head>\
<body><main><h1>{title}</h1>\n{body}\n</main></body></html>\n",
        title = escape(title),
    );
    let mut response = Response::new(Body::from(doc));
    *response.status_mut() = status;
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
        ),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    response
}

/// A page that only says something (an error, "you may close this window").
pub(crate) fn message(status: StatusCode, title: &str, text: &str) -> Response {
    html(status, title, &format!("<p>{}</p>", escape(text)))
}

/// What a sign-in form shows and sends.
pub(crate) struct SignInForm<'a> {
    pub(crate) title: &'a str,
    /// Where the form posts.
    pub(crate) action: &'a str,
    /// Who asks: a client id and its description. `None` on the device page before a code is
    /// known.
    pub(crate) client: Option<(&'a str, Option<&'a str>)>,
    /// The scopes to consent to, or a sentence saying which.
    pub(crate) scopes: Vec<String>,
    pub(crate) audiences: &'a [String],
    pub(crate) demo_users: Vec<&'a str>,
    /// Sent back unchanged: the authorization request.
    pub(crate) hidden: Vec<(&'static str, String)>,
    /// `Some` on the device page: the user code field, prefilled.
    pub(crate) user_code: Option<&'a str>,
    pub(crate) username: &'a str,
    pub(crate) error: Option<&'a str>,
}

impl SignInForm<'_> {
    pub(crate) fn render(&self, status: StatusCode) -> Response {
        let mut b = String::new();
        if let Some(error) = self.error {
            b.push_str(&format!(
                "<p class=\"error\" role=\"alert\">{}</p>\n",
                escape(error)
            ));
        }
        match self.client {
            Some((client_id, description)) => {
                b.push_str(&format!(
                    "<p><code>{}</code> asks to act for you",
                    escape(client_id)
                ));
                if let Some(d) = description {
                    b.push_str(&format!(" <small>({})</small>", escape(d)));
                }
                b.push_str(&format!(
                    " at <code>{}</code> with:</p>\n<ul>\n",
                    escape(&self.audiences.join(", "))
                ));
                for s in &self.scopes {
                    b.push_str(&format!("<li><code>{}</code></li>\n", escape(s)));
                }
                b.push_str("</ul>\n");
            }
            None => b.push_str("<p>Enter the code your device shows, then sign in.</p>\n"),
        }
        b.push_str(&format!(
            "<form method=\"post\" action=\"{}\">\n",
            escape(self.action)
        ));
        for (name, value) in &self.hidden {
            b.push_str(&format!(
                "<input type=\"hidden\" name=\"{}\" value=\"{}\">\n",
                escape(name),
                escape(value)
            ));
        }
        if let Some(code) = self.user_code {
            b.push_str(&format!(
                "<label for=\"user_code\">Code shown on your device</label>\
<input type=\"text\" id=\"user_code\" name=\"user_code\" value=\"{}\" autocomplete=\"off\" placeholder=\"XXXX-XXXX\">\n",
                escape(code)
            ));
        }
        b.push_str(&format!(
            "<label for=\"username\">Username</label>\
<input type=\"text\" id=\"username\" name=\"username\" value=\"{}\" autocomplete=\"username\">\n\
<label for=\"password\">Password</label>\
<input type=\"password\" id=\"password\" name=\"password\" autocomplete=\"current-password\">\n",
            escape(self.username)
        ));
        if !self.demo_users.is_empty() {
            let users: Vec<String> = self
                .demo_users
                .iter()
                .map(|u| format!("<code>{}</code>", escape(u)))
                .collect();
            b.push_str(&format!(
                "<p><small>The lab's demo users: {}.</small></p>\n",
                users.join(", ")
            ));
        }
        b.push_str(
            "<div class=\"buttons\"><button type=\"submit\" name=\"decision\" value=\"allow\">Allow</button>\
<button type=\"submit\" name=\"decision\" value=\"deny\" formnovalidate>Deny</button></div>\n</form>",
        );
        html(status, self.title, &b)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_quotes() {
        assert_eq!(
            escape(r#"<script>alert("x")</script>&'"#),
            "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;"
        );
        assert_eq!(escape("plain é"), "plain é");
    }
}
