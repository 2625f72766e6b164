//! The HTTP boundary: a request Baton is about to send (with its secrets marked), the response
//! exactly as it came, and the injected client that carries one to the other.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use rustls::pki_types::CertificateDer;

use crate::mtls::ClientIdentity;
use crate::secret::{MASK, Secret};
use crate::tls;

/// A header or form value; secrets are masked wherever the request is shown or recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    Plain(String),
    Secret(Secret),
}

impl Value {
    fn exposed(&self) -> &str {
        match self {
            Value::Plain(v) => v,
            Value::Secret(s) => s.expose(),
        }
    }

    fn shown(&self, reveal: bool) -> &str {
        match self {
            Value::Plain(v) => v,
            Value::Secret(s) if reveal => s.expose(),
            Value::Secret(_) => MASK,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "UPPERCASE")]
#[ts(export)]
pub enum Method {
    Get,
    Post,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
        }
    }
}

/// A request ready to send. Form parameters keep their order, so the body on the wire is exactly
/// the one a test or a curl command shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpRequest {
    pub method: Method,
    pub url: String,
    pub headers: Vec<(String, Value)>,
    pub form: Option<Vec<(String, Value)>>,
    /// A body sent exactly as given instead of the form (a probe's JSON body, say). It holds no
    /// secret: it is recorded and shown as it is.
    pub raw_body: Option<String>,
    /// The client certificate to present in the TLS handshake (mutual TLS, RFC 8705).
    pub identity: Option<ClientIdentity>,
}

impl HttpRequest {
    pub fn get(url: impl Into<String>) -> Self {
        Self {
            method: Method::Get,
            url: url.into(),
            headers: vec![("Accept".into(), Value::Plain("application/json".into()))],
            form: None,
            raw_body: None,
            identity: None,
        }
    }

    pub fn post_form(url: impl Into<String>) -> Self {
        Self {
            method: Method::Post,
            url: url.into(),
            headers: vec![
                (
                    "Content-Type".into(),
                    Value::Plain("application/x-www-form-urlencoded".into()),
                ),
                ("Accept".into(), Value::Plain("application/json".into())),
            ],
            form: Some(Vec::new()),
            raw_body: None,
            identity: None,
        }
    }

    pub fn push_form(&mut self, name: &str, value: Value) {
        self.form
            .get_or_insert_with(Vec::new)
            .push((name.to_string(), value));
    }

    pub fn push_header(&mut self, name: &str, value: Value) {
        self.headers.push((name.to_string(), value));
    }

    /// The value of a header (case-insensitive), secrets included.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.exposed())
    }

    /// Every value of a form parameter, in order.
    pub fn form_values(&self, name: &str) -> Vec<&str> {
        self.form
            .iter()
            .flatten()
            .filter(|(n, _)| n == name)
            .map(|(_, v)| v.exposed())
            .collect()
    }

    pub fn form_value(&self, name: &str) -> Option<&str> {
        self.form_values(name).into_iter().next()
    }

    /// The body as sent on the wire (`application/x-www-form-urlencoded`), secrets included.
    pub fn body(&self) -> Option<String> {
        self.encode_form(true)
    }

    fn encode_form(&self, reveal: bool) -> Option<String> {
        if let Some(raw) = &self.raw_body {
            return Some(raw.clone());
        }
        let form = self.form.as_ref()?;
        let mut ser = url::form_urlencoded::Serializer::new(String::new());
        for (name, value) in form {
            ser.append_pair(name, value.shown(reveal));
        }
        Some(ser.finish())
    }

    /// The request as it is recorded and shown: every secret replaced by a mask.
    pub fn recorded(&self) -> RecordedRequest {
        RecordedRequest {
            method: self.method,
            url: self.url.clone(),
            headers: self
                .headers
                .iter()
                .map(|(n, v)| (n.clone(), v.shown(false).to_string()))
                .collect(),
            body: self.encode_form(false),
        }
    }

    /// The request as a curl command line for a POSIX shell. Secrets are masked unless `reveal`.
    pub fn to_curl(&self, reveal: bool) -> String {
        if let Some(raw) = &self.raw_body {
            return curl_command(
                self.method,
                &self.url,
                self.headers
                    .iter()
                    .map(|(n, v)| (n.as_str(), v.shown(reveal))),
                [CurlData::Raw(raw)],
            );
        }
        curl_command(
            self.method,
            &self.url,
            self.headers
                .iter()
                .map(|(n, v)| (n.as_str(), v.shown(reveal))),
            self.form
                .iter()
                .flatten()
                .map(|(n, v)| CurlData::Field(n, v.shown(reveal))),
        )
    }
}

/// What a curl command sends as its body.
enum CurlData<'a> {
    /// One form parameter, unencoded: `--data-urlencode` encodes it as the form serializer does,
    /// and a user replacing a masked value types it as it is.
    Field(&'a str, &'a str),
    /// A body sent exactly as given.
    Raw(&'a str),
}

/// A curl command line for a POSIX shell, one option per line.
fn curl_command<'a>(
    method: Method,
    url: &str,
    headers: impl IntoIterator<Item = (&'a str, &'a str)>,
    data: impl IntoIterator<Item = CurlData<'a>>,
) -> String {
    let mut first = String::from("curl -sS");
    if method != Method::Get {
        first.push_str(" -X ");
        first.push_str(method.as_str());
    }
    first.push(' ');
    first.push_str(&shell_quote(url));
    let mut lines = vec![first];
    for (name, value) in headers {
        lines.push(format!("-H {}", shell_quote(&format!("{name}: {value}"))));
    }
    for item in data {
        lines.push(match item {
            CurlData::Field(name, value) => format!(
                "--data-urlencode {}",
                shell_quote(&format!("{name}={value}"))
            ),
            CurlData::Raw(body) => format!("--data-raw {}", shell_quote(body)),
        });
    }
    lines.join(" \\\n  ")
}

fn shell_quote(s: &str) -> String {
    if !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:=@%+,".contains(c))
    {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

/// A request as kept in a run record and shown to a user: secrets masked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct RecordedRequest {
    pub method: Method,
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body: Option<String>,
}

impl RecordedRequest {
    /// The request as a curl command line for a POSIX shell, secrets masked as recorded: the
    /// same command [`HttpRequest::to_curl`] gives before it is sent. A body that is not a form
    /// Baton would have written is passed as it is.
    pub fn to_curl(&self) -> String {
        let headers = self.headers.iter().map(|(n, v)| (n.as_str(), v.as_str()));
        let Some(body) = self.body.as_deref() else {
            return curl_command(self.method, &self.url, headers, []);
        };
        let fields: Vec<(String, String)> = url::form_urlencoded::parse(body.as_bytes())
            .into_owned()
            .collect();
        // Only when decoding loses nothing: a body with stray `%`, bare `;` or other bytes the
        // serializer never writes would come out different.
        let form = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(&fields)
            .finish();
        if form == body {
            let data = fields
                .iter()
                .map(|(n, v)| CurlData::Field(n.as_str(), v.as_str()));
            curl_command(self.method, &self.url, headers, data)
        } else {
            curl_command(self.method, &self.url, headers, [CurlData::Raw(body)])
        }
    }
}

/// A response exactly as the server sent it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpResponse {
    pub status: u16,
    /// Names as received (lower-case over HTTP/2), in order, repeated names kept.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl HttpResponse {
    /// The first value of a header, compared case-insensitively.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn body_text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
pub enum TransportError {
    #[error("{url:?} is not a usable URL: {reason}")]
    InvalidUrl { url: String, reason: String },
    #[error("could not connect to {url}: {reason}")]
    Unreachable { url: String, reason: String },
    #[error("no response from {url} within {} (the timeout can be raised)", wait_in_words(*millis))]
    Timeout { url: String, millis: u64 },
    #[error("TLS failure talking to {url}: {reason}")]
    Tls { url: String, reason: String },
    #[error(
        "the response body from {url} is larger than the {} Baton reads (--max-response-bytes)",
        byte_size(*limit)
    )]
    TooLarge { url: String, limit: u64 },
    #[error("request to {url} failed: {reason}")]
    Other { url: String, reason: String },
}

/// The largest response body Baton reads unless told otherwise: 16 MiB, far more than any token
/// endpoint, JWKS or metadata document needs.
pub const DEFAULT_MAX_RESPONSE_BYTES: u64 = 16 * 1024 * 1024;

/// `16 MiB`, `64 KiB`, or `1000 bytes`: a limit as a person would write it.
pub fn byte_size(bytes: u64) -> String {
    const KIB: u64 = 1024;
    const MIB: u64 = 1024 * 1024;
    if bytes >= MIB && bytes.is_multiple_of(MIB) {
        format!("{} MiB", bytes / MIB)
    } else if bytes >= KIB && bytes.is_multiple_of(KIB) {
        format!("{} KiB", bytes / KIB)
    } else if bytes == 1 {
        "1 byte".into()
    } else {
        format!("{bytes} bytes")
    }
}

/// Carries a request to a server. Injected, so tests can check the exact request with no network.
#[async_trait]
pub trait HttpClient: Send + Sync {
    async fn send(&self, request: &HttpRequest) -> Result<HttpResponse, TransportError>;
}

/// How Baton talks to one server.
#[derive(Debug, Clone)]
pub struct HttpSettings {
    pub timeout: Duration,
    /// An extra CA certificate (PEM) to trust, for servers with a private CA.
    pub ca_file: Option<PathBuf>,
    /// Accept any certificate. Only for a lab server whose certificate cannot be fixed.
    pub danger_accept_invalid_certs: bool,
    /// Extra CA certificates (PEM text) to trust: the lab's own CA when it serves HTTPS.
    pub ca_pem: Vec<String>,
    /// The largest response body read; a larger one is a [`TransportError::TooLarge`], and no
    /// more of it than this is ever held in memory.
    pub max_response_bytes: u64,
}

impl Default for HttpSettings {
    fn default() -> Self {
        Self {
            timeout: Duration::from_secs(30),
            ca_file: None,
            danger_accept_invalid_certs: false,
            ca_pem: Vec::new(),
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum HttpSetupError {
    #[error("could not read the CA file {path}: {source}")]
    ReadCa {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the CA file {path} holds no usable PEM certificate: {reason}")]
    BadCa { path: PathBuf, reason: String },
    #[error("could not set up the HTTP client: {0}")]
    Build(String),
}

/// The real client: reqwest with rustls. Redirects are never followed: a token endpoint that
/// redirects is shown as it is, since following it could send credentials elsewhere.
#[derive(Debug, Clone)]
pub struct ReqwestClient {
    inner: reqwest::Client,
    timeout: Duration,
    settings: HttpSettings,
    /// The certificates the user named to trust (`ca_file`, `ca_pem`), as DER.
    named: Vec<CertificateDer<'static>>,
    /// A client per certificate presented (mutual TLS), made when first needed.
    with_identity: Arc<Mutex<HashMap<String, reqwest::Client>>>,
}

/// The most client certificates one client keeps a connection pool for.
const MAX_IDENTITIES: usize = 32;

impl ReqwestClient {
    pub fn new(settings: &HttpSettings) -> Result<Self, HttpSetupError> {
        let mut named = Vec::new();
        if let Some(path) = &settings.ca_file {
            named.extend(read_ca(path)?);
        }
        for pem in &settings.ca_pem {
            named.extend(
                tls::certificates_from_pem(pem.as_bytes())
                    .map_err(|e| HttpSetupError::Build(format!("a trusted CA: {e}")))?,
            );
        }
        let inner = Self::builder(settings, &named, None)?
            .build()
            .map_err(|e| HttpSetupError::Build(error_chain(&e)))?;
        Ok(Self {
            inner,
            timeout: settings.timeout,
            settings: settings.clone(),
            named,
            with_identity: Arc::new(Mutex::new(HashMap::new())),
        })
    }

    /// The client that presents `identity`.
    fn client_for(&self, identity: &ClientIdentity) -> Result<reqwest::Client, String> {
        let mut clients = self.with_identity.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(c) = clients.get(identity.thumbprint()) {
            return Ok(c.clone());
        }
        let client = Self::builder(&self.settings, &self.named, Some(identity))
            .map_err(|e| e.to_string())?
            .build()
            .map_err(|e| error_chain(&e))?;
        if clients.len() >= MAX_IDENTITIES {
            clients.clear();
        }
        clients.insert(identity.thumbprint().to_owned(), client.clone());
        Ok(client)
    }

    fn builder(
        settings: &HttpSettings,
        named: &[CertificateDer<'static>],
        identity: Option<&ClientIdentity>,
    ) -> Result<reqwest::ClientBuilder, HttpSetupError> {
        let mut builder = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(settings.timeout)
            .user_agent(concat!("baton/", env!("CARGO_PKG_VERSION")));
        if settings.danger_accept_invalid_certs {
            builder = builder.tls_danger_accept_invalid_certs(true);
        } else if !named.is_empty() {
            // Baton's own configuration, so a named self-signed certificate is trusted as it is.
            let config =
                tls::client_config(named.to_vec(), identity).map_err(HttpSetupError::Build)?;
            return Ok(builder.tls_backend_preconfigured(config));
        }
        if let Some(identity) = identity {
            let pem = identity.pem_bundle();
            let id = reqwest::Identity::from_pem(pem.expose().as_bytes()).map_err(|e| {
                HttpSetupError::Build(format!(
                    "the client certificate or its key cannot be used: {}",
                    error_chain(&e)
                ))
            })?;
            builder = builder.identity(id);
        }
        Ok(builder)
    }
}

fn read_ca(path: &Path) -> Result<Vec<CertificateDer<'static>>, HttpSetupError> {
    let pem = std::fs::read(path).map_err(|source| HttpSetupError::ReadCa {
        path: path.to_path_buf(),
        source,
    })?;
    tls::certificates_from_pem(&pem).map_err(|reason| HttpSetupError::BadCa {
        path: path.to_path_buf(),
        reason,
    })
}

#[async_trait]
impl HttpClient for ReqwestClient {
    async fn send(&self, request: &HttpRequest) -> Result<HttpResponse, TransportError> {
        let url = reqwest::Url::parse(&request.url).map_err(|e| TransportError::InvalidUrl {
            url: request.url.clone(),
            reason: e.to_string(),
        })?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(TransportError::InvalidUrl {
                url: request.url.clone(),
                reason: "only http and https are supported".into(),
            });
        }
        let method = match request.method {
            Method::Get => reqwest::Method::GET,
            Method::Post => reqwest::Method::POST,
        };
        let client = match &request.identity {
            Some(identity) => self
                .client_for(identity)
                .map_err(|reason| TransportError::Tls {
                    url: request.url.clone(),
                    reason,
                })?,
            None => self.inner.clone(),
        };
        let mut builder = client.request(method, url);
        for (name, value) in &request.headers {
            builder = builder.header(name.as_str(), value.exposed());
        }
        if let Some(body) = request.body() {
            builder = builder.body(body);
        }
        let response = builder
            .send()
            .await
            .map_err(|e| self.classify(&request.url, &e))?;
        let status = response.status().as_u16();
        let headers = response
            .headers()
            .iter()
            .map(|(n, v)| {
                (
                    n.as_str().to_string(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect();
        let body = read_body(response, self.settings.max_response_bytes)
            .await
            .map_err(|e| match e {
                BodyError::TooLarge => TransportError::TooLarge {
                    url: request.url.clone(),
                    limit: self.settings.max_response_bytes,
                },
                BodyError::Read(e) => self.classify(&request.url, &e),
            })?;
        Ok(HttpResponse {
            status,
            headers,
            body,
        })
    }
}

enum BodyError {
    TooLarge,
    Read(reqwest::Error),
}

/// The body, read chunk by chunk and given up on as soon as it passes `limit`: a server sending
/// gigabytes costs at most `limit` bytes of memory.
async fn read_body(mut response: reqwest::Response, limit: u64) -> Result<Vec<u8>, BodyError> {
    if response.content_length().is_some_and(|n| n > limit) {
        return Err(BodyError::TooLarge);
    }
    // What the server announced (within the limit), else a small start that grows.
    let start = response.content_length().unwrap_or(0).min(64 * 1024);
    let mut body = Vec::with_capacity(usize::try_from(start).unwrap_or(0));
    while let Some(chunk) = response.chunk().await.map_err(BodyError::Read)? {
        let len = u64::try_from(body.len().saturating_add(chunk.len())).unwrap_or(u64::MAX);
        if len > limit {
            return Err(BodyError::TooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// `30 s`, `1.5 s`, `500 ms`: how long a request was given.
fn wait_in_words(millis: u64) -> String {
    if millis < 1000 {
        format!("{millis} ms")
    } else if millis.is_multiple_of(1000) {
        format!("{} s", millis / 1000)
    } else {
        format!("{:.1} s", millis as f64 / 1000.0)
    }
}

impl ReqwestClient {
    fn classify(&self, url: &str, e: &reqwest::Error) -> TransportError {
        let url = url.to_string();
        let reason = error_chain(e);
        if e.is_timeout() {
            return TransportError::Timeout {
                url,
                millis: u64::try_from(self.timeout.as_millis()).unwrap_or(u64::MAX),
            };
        }
        if let Some(words) = tls::failure_in_words(e) {
            return TransportError::Tls { url, reason: words };
        }
        let lower = reason.to_ascii_lowercase();
        if lower.contains("certificate") || lower.contains("tls") || lower.contains("handshake") {
            return TransportError::Tls { url, reason };
        }
        if e.is_connect() {
            return TransportError::Unreachable {
                reason: connect_failure_in_words(&lower, reason),
                url,
            };
        }
        // A kept-alive connection the server closed (it went down, or restarted) before it
        // answered: no answer came, as with a refused connection.
        if lower.contains("connection closed before message completed")
            || lower.contains("connection reset")
        {
            return TransportError::Unreachable {
                reason: format!(
                    "the connection was closed before an answer came: the server went away or closed it ({reason})"
                ),
                url,
            };
        }
        TransportError::Other { url, reason }
    }
}

/// A connection failure said plainly first, the library's words after: "connection refused"
/// means nothing listens at that address (the server is down, or the port is wrong).
fn connect_failure_in_words(lower: &str, reason: String) -> String {
    if lower.contains("connection refused") {
        format!(
            "connection refused: nothing listens there, so the server is down or the port is wrong ({reason})"
        )
    } else if lower.contains("dns error") || lower.contains("failed to lookup") {
        format!("the host name could not be resolved ({reason})")
    } else {
        reason
    }
}

/// An error with its causes, since reqwest's top-level message alone rarely says what happened.
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        let text = s.to_string();
        if !out.contains(&text) {
            out.push_str(": ");
            out.push_str(&text);
        }
        source = s.source();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> HttpRequest {
        let mut r = HttpRequest::post_form("https://as.example/token");
        r.push_header("Authorization", Value::Secret(Secret::new("Basic abc")));
        r.push_form("grant_type", Value::Plain("client_credentials".into()));
        r.push_form("scope", Value::Plain("a b".into()));
        r.push_form("client_secret", Value::Secret(Secret::new("s3cr&t")));
        r
    }

    #[test]
    fn body_is_form_encoded_in_order_with_secrets() {
        assert_eq!(
            sample().body().as_deref(),
            Some("grant_type=client_credentials&scope=a+b&client_secret=s3cr%26t")
        );
    }

    #[test]
    fn recorded_request_masks_secrets() {
        let rec = sample().recorded();
        assert_eq!(
            rec.body.as_deref(),
            Some("grant_type=client_credentials&scope=a+b&client_secret=****")
        );
        assert!(
            rec.headers
                .contains(&("Authorization".into(), "****".into()))
        );
        assert!(!format!("{rec:?}").contains("s3cr"));
    }

    #[test]
    fn curl_masks_unless_revealed_and_quotes_for_the_shell() {
        let masked = sample().to_curl(false);
        assert!(masked.contains("'Authorization: ****'"));
        assert!(masked.contains("--data-urlencode 'client_secret=****'"));
        assert!(masked.contains("--data-urlencode 'scope=a b'"));
        assert!(!masked.contains("s3cr"));
        let revealed = sample().to_curl(true);
        assert!(revealed.contains("'client_secret=s3cr&t'"));
        assert!(revealed.starts_with("curl -sS -X POST https://as.example/token"));
    }

    #[test]
    fn curl_of_a_recorded_request_is_the_masked_curl_of_the_request() {
        let request = sample();
        let recorded = request.recorded();
        assert_eq!(recorded.to_curl(), request.to_curl(false));
        let curl = recorded.to_curl();
        assert!(curl.contains("-H 'Authorization: ****'"), "{curl}");
        assert!(
            curl.contains("--data-urlencode 'client_secret=****'"),
            "{curl}"
        );
        assert!(curl.contains("--data-urlencode 'scope=a b'"), "{curl}");
        assert!(!curl.contains("s3cr"));
        // Read back from a saved run, the command is the same.
        let json = serde_json::to_string(&recorded).expect("serializes");
        let read: RecordedRequest = serde_json::from_str(&json).expect("reads back");
        assert_eq!(read.to_curl(), curl);
    }

    #[test]
    fn curl_of_a_recorded_get_has_no_body_and_an_odd_body_is_sent_raw() {
        let get = HttpRequest::get("https://as.example/.well-known/openid-configuration");
        assert_eq!(
            get.recorded().to_curl(),
            "curl -sS https://as.example/.well-known/openid-configuration \\\n  -H 'Accept: application/json'"
        );
        let odd = RecordedRequest {
            method: Method::Post,
            url: "https://as.example/token".into(),
            headers: vec![],
            body: Some("{\"grant_type\":\"it's\"}".into()),
        };
        assert_eq!(
            odd.to_curl(),
            "curl -sS -X POST https://as.example/token \\\n  --data-raw '{\"grant_type\":\"it'\\''s\"}'"
        );
    }

    #[test]
    fn byte_sizes_are_written_as_a_person_would() {
        assert_eq!(byte_size(DEFAULT_MAX_RESPONSE_BYTES), "16 MiB");
        assert_eq!(byte_size(64 * 1024), "64 KiB");
        assert_eq!(byte_size(1000), "1000 bytes");
        assert_eq!(byte_size(1), "1 byte");
        assert_eq!(byte_size(u64::MAX), "18446744073709551615 bytes");
    }

    #[test]
    fn shell_quote_escapes_single_quotes() {
        assert_eq!(shell_quote("it's"), r"'it'\''s'");
        assert_eq!(shell_quote(""), "''");
    }
}
