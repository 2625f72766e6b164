//! A user's sign-in: the authorization code grant with PKCE (RFC 6749 §4.1, RFC 7636) through
//! the system browser and a loopback redirect (RFC 8252 §7.3), with pushed authorization requests
//! (RFC 9126) when the server has an endpoint for them, `state` and the `iss` response parameter
//! (RFC 9207) checked, and the ID token validated when OpenID Connect is asked for. The device
//! authorization grant (RFC 8628), for a terminal without a browser, is in [`device`].
//!
//! The same code serves the CLI and the app: the caller only says how to show the URL
//! ([`Browser`]).

pub mod device;
pub mod loopback;
pub mod pkce;

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use serde::Deserialize;

use crate::auth::ClientAuth;
use crate::client::{ClientError, TokenClient, TokenResult};
use crate::findings::{Finding, Severity};
use crate::http::{HttpRequest, Value};
use crate::jwt::{DecodedToken, decode};
use crate::request::{Grant, TokenRequest};
use crate::secret::Secret;
use crate::verify::{Jwks, VerifyOptions, verify};

pub use loopback::LoopbackListener;
pub use pkce::Pkce;

/// How long Baton waits for the user to finish in the browser.
pub const DEFAULT_SIGN_IN_TIMEOUT: Duration = Duration::from_secs(300);
/// The largest PAR response read.
const MAX_PAR_BODY: usize = 64 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum SignInError {
    #[error("could not listen for the sign-in redirect on 127.0.0.1:{port}: {reason}")]
    Listen { port: u16, reason: String },
    #[error("no sign-in came back within {seconds} s; start it again and finish it in the browser")]
    TimedOut { seconds: u64 },
    #[error("the sign-in was cancelled")]
    Cancelled,
    #[error(
        "{count} requests reached the sign-in listener that were not its callback; it stopped listening"
    )]
    TooManyStrayRequests { count: usize },
    #[error("could not open a browser ({reason}); open this address yourself: {url}")]
    Browser { url: String, reason: String },
    #[error(
        "the redirect's state {found:?} is not the one Baton sent: it did not come from this sign-in (a forged or stale redirect, RFC 6749 §10.12), so its code was not used"
    )]
    StateMismatch { found: Option<String> },
    #[error(
        "the redirect names issuer {found:?}, but the sign-in went to {expected:?} (RFC 9207 §2.4: a mix-up attack or a misconfigured server), so its code was not used"
    )]
    IssuerMismatch { expected: String, found: String },
    #[error("the server refused the sign-in: {error}{}", description.as_deref().map(|d| format!(": {d}")).unwrap_or_default())]
    Refused {
        error: String,
        description: Option<String>,
    },
    #[error("the redirect carried neither a code nor an error: {query}")]
    NoCode { query: String },
    #[error("the pushed authorization request (RFC 9126) to {url} failed: {reason}")]
    Par { url: String, reason: String },
    #[error("{0:?} is not a usable authorization endpoint: {1}")]
    BadEndpoint(String, String),
    #[error(transparent)]
    Client(#[from] ClientError),
}

/// Where a server signs users in and issues their tokens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignInEndpoints {
    pub authorization_endpoint: String,
    pub token_endpoint: String,
    /// RFC 9126; used whenever the server has one.
    pub par_endpoint: Option<String>,
    /// Checked against the redirect's `iss` and the ID token's.
    pub issuer: Option<String>,
}

/// What to ask the user for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SignInRequest {
    pub scope: Option<String>,
    /// RFC 8707 resource indicators.
    pub resource: Vec<String>,
    /// Further authorization request parameters (`prompt`, `login_hint`, `audience`, …).
    pub extra: Vec<(String, String)>,
}

impl SignInRequest {
    /// Whether this is an OpenID Connect request, which gets a nonce and an ID token.
    pub fn is_openid(&self) -> bool {
        self.scope
            .as_deref()
            .is_some_and(|s| s.split_whitespace().any(|v| v == "openid"))
    }
}

/// Shows the authorization URL to the user.
pub trait Browser: Send + Sync {
    fn open(&self, url: &str) -> Result<(), String>;
}

/// Someone at the keyboard, for the grants that need one (a sign-in, a device approval).
pub trait Interaction: Send + Sync {
    /// Shows the sign-in URL: opens a browser, or prints it.
    fn open(&self, url: &str) -> Result<(), String>;
    /// Shows the device flow's user code and where to enter it.
    fn show_device_code(&self, device: &device::DeviceAuthorization);
    /// How long to wait for the user.
    fn timeout(&self) -> Duration {
        DEFAULT_SIGN_IN_TIMEOUT
    }
    /// Completes when the user cancels.
    fn cancelled(&self) -> Pin<Box<dyn Future<Output = ()> + Send + '_>> {
        Box::pin(std::future::pending())
    }
}

/// An [`Interaction`] seen as a [`Browser`].
pub struct OpenWith<'a>(pub &'a dyn Interaction);

impl Browser for OpenWith<'_> {
    fn open(&self, url: &str) -> Result<(), String> {
        self.0.open(url)
    }
}

/// The system's browser: the command in `BATON_BROWSER` if set (it gets the URL as its one
/// argument), else `xdg-open`, `open` or `start`.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemBrowser;

impl Browser for SystemBrowser {
    fn open(&self, url: &str) -> Result<(), String> {
        let mut command = if let Some(custom) = std::env::var_os("BATON_BROWSER") {
            std::process::Command::new(custom)
        } else if cfg!(target_os = "macos") {
            std::process::Command::new("open")
        } else if cfg!(windows) {
            let mut c = std::process::Command::new("cmd");
            c.args(["/C", "start", ""]);
            c
        } else {
            std::process::Command::new("xdg-open")
        };
        command
            .arg(url)
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .map(|_| ())
            .map_err(|e| e.to_string())
    }
}

/// A sign-in under way: what was sent and what must come back.
#[derive(Debug, Clone)]
pub struct AuthorizationStart {
    /// The URL the user opens.
    pub url: String,
    pub redirect_uri: String,
    pub state: String,
    pub nonce: Option<String>,
    pub pkce: Pkce,
    /// The `request_uri` when the request was pushed first (RFC 9126).
    pub request_uri: Option<String>,
}

#[derive(Deserialize)]
struct ParResponse {
    request_uri: String,
}

/// Builds the authorization request, pushing it first when the server has a PAR endpoint.
pub async fn start(
    client: &TokenClient,
    endpoints: &SignInEndpoints,
    auth: &ClientAuth,
    request: &SignInRequest,
    redirect_uri: &str,
) -> Result<AuthorizationStart, SignInError> {
    let pkce = Pkce::generate();
    let state = pkce::random_value();
    let nonce = request.is_openid().then(pkce::random_value);
    let mut params: Vec<(String, String)> = vec![
        ("response_type".into(), "code".into()),
        ("client_id".into(), auth.client_id().to_owned()),
        ("redirect_uri".into(), redirect_uri.to_owned()),
    ];
    if let Some(scope) = &request.scope {
        params.push(("scope".into(), scope.clone()));
    }
    params.push(("state".into(), state.clone()));
    params.push(("code_challenge".into(), pkce.challenge.clone()));
    params.push(("code_challenge_method".into(), pkce::S256.into()));
    if let Some(nonce) = &nonce {
        params.push(("nonce".into(), nonce.clone()));
    }
    for r in &request.resource {
        params.push(("resource".into(), r.clone()));
    }
    params.extend(request.extra.iter().cloned());

    let mut base = url::Url::parse(&endpoints.authorization_endpoint).map_err(|e| {
        SignInError::BadEndpoint(endpoints.authorization_endpoint.clone(), e.to_string())
    })?;
    let request_uri = match &endpoints.par_endpoint {
        Some(par) => Some(push(client, par, auth, &params).await?),
        None => None,
    };
    {
        let mut query = base.query_pairs_mut();
        match &request_uri {
            Some(uri) => {
                query.append_pair("client_id", auth.client_id());
                query.append_pair("request_uri", uri);
            }
            None => {
                for (k, v) in &params {
                    query.append_pair(k, v);
                }
            }
        }
    }
    Ok(AuthorizationStart {
        url: base.into(),
        redirect_uri: redirect_uri.to_owned(),
        state,
        nonce,
        pkce,
        request_uri,
    })
}

/// Pushes the authorization request (RFC 9126 §2.1) and returns its `request_uri`.
async fn push(
    client: &TokenClient,
    par: &str,
    auth: &ClientAuth,
    params: &[(String, String)],
) -> Result<String, SignInError> {
    let failed = |reason: String| SignInError::Par {
        url: par.to_owned(),
        reason,
    };
    let mut http = HttpRequest::post_form(par);
    // RFC 9126 §2.1 sends client_id in the body; every method but Basic already puts it there.
    let auth_sends_id = !matches!(auth, ClientAuth::SecretBasic { .. });
    for (k, v) in params {
        if k == "client_id" && auth_sends_id {
            continue;
        }
        http.push_form(k, Value::Plain(v.clone()));
    }
    auth.apply(&mut http, par, client.now())
        .map_err(|e| failed(e.to_string()))?;
    let response = client
        .http()
        .send(&http)
        .await
        .map_err(|e| failed(e.to_string()))?;
    let body = String::from_utf8_lossy(
        response
            .body
            .get(..MAX_PAR_BODY.min(response.body.len()))
            .unwrap_or_default(),
    )
    .into_owned();
    if response.status != 201 && response.status != 200 {
        return Err(failed(format!("HTTP {}: {}", response.status, body.trim())));
    }
    let parsed: ParResponse = serde_json::from_str(&body).map_err(|e| {
        failed(format!(
            "the answer has no request_uri ({e}): {}",
            body.trim()
        ))
    })?;
    Ok(parsed.request_uri)
}

/// Reads the redirect's query: the code, once `state` and `iss` check out.
pub fn read_callback(
    query: &str,
    start: &AuthorizationStart,
    expected_issuer: Option<&str>,
) -> Result<Secret, SignInError> {
    let mut code = None;
    let mut state = None;
    let mut iss = None;
    let mut error = None;
    let mut description = None;
    for (k, v) in url::form_urlencoded::parse(query.as_bytes()) {
        match k.as_ref() {
            "code" => code = Some(v.into_owned()),
            "state" => state = Some(v.into_owned()),
            "iss" => iss = Some(v.into_owned()),
            "error" => error = Some(v.into_owned()),
            "error_description" => description = Some(v.into_owned()),
            _ => {}
        }
    }
    if state.as_deref() != Some(start.state.as_str()) {
        return Err(SignInError::StateMismatch { found: state });
    }
    if let (Some(expected), Some(found)) = (expected_issuer, &iss)
        && expected != found
    {
        return Err(SignInError::IssuerMismatch {
            expected: expected.to_owned(),
            found: found.clone(),
        });
    }
    if let Some(error) = error {
        return Err(SignInError::Refused { error, description });
    }
    code.map(Secret::new).ok_or_else(|| SignInError::NoCode {
        query: query.to_owned(),
    })
}

/// The token request that redeems `code`.
pub fn redeem_request(start: &AuthorizationStart, code: Secret) -> TokenRequest {
    TokenRequest::new(Grant::AuthorizationCode {
        code,
        redirect_uri: start.redirect_uri.clone(),
        code_verifier: Some(start.pkce.verifier.clone()),
    })
}

/// What a finished sign-in produced.
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub authorization_url: String,
    /// The code's redemption, with the ID token's findings added to its own.
    pub token: TokenResult,
}

/// Options for [`sign_in`].
#[derive(Debug, Clone)]
pub struct SignInOptions {
    /// The loopback port; 0 picks a free one.
    pub port: u16,
    pub timeout: Duration,
    /// Keys to verify the ID token with.
    pub jwks: Option<std::sync::Arc<Jwks>>,
}

impl Default for SignInOptions {
    fn default() -> Self {
        Self {
            port: 0,
            timeout: DEFAULT_SIGN_IN_TIMEOUT,
            jwks: None,
        }
    }
}

/// The whole sign-in: listen, show the URL, wait for the redirect, redeem the code, check the
/// ID token. `cancel` ends the wait when it completes.
pub async fn sign_in(
    client: &TokenClient,
    endpoints: &SignInEndpoints,
    auth: &ClientAuth,
    request: &SignInRequest,
    browser: &dyn Browser,
    options: &SignInOptions,
    cancel: impl Future<Output = ()>,
) -> Result<SignedIn, SignInError> {
    let listener = LoopbackListener::bind(options.port).await?;
    let started = start(client, endpoints, auth, request, listener.redirect_uri()).await?;
    browser
        .open(&started.url)
        .map_err(|reason| SignInError::Browser {
            url: started.url.clone(),
            reason,
        })?;
    let query = listener.wait(options.timeout, cancel).await?;
    let code = read_callback(&query, &started, endpoints.issuer.as_deref())?;
    let mut redeem = redeem_request(&started, code);
    // RFC 8707: the resource the user consented to is asked for again at the token endpoint.
    redeem.resource = request.resource.clone();
    let mut token = client
        .execute(&endpoints.token_endpoint, auth, &redeem)
        .await?;
    if request.is_openid() {
        let id_token = token
            .response
            .success()
            .and_then(|s| s.members.get("id_token"))
            .and_then(|v| v.as_str())
            .map(str::to_owned);
        let checks = IdTokenChecks {
            issuer: endpoints.issuer.as_deref(),
            client_id: auth.client_id(),
            nonce: started.nonce.as_deref(),
            jwks: options.jwks.as_deref(),
            now: client.now(),
        };
        if token.response.success().is_some() {
            token
                .findings
                .extend(check_id_token(id_token.as_deref(), &checks));
        }
    }
    Ok(SignedIn {
        authorization_url: started.url,
        token,
    })
}

/// What an ID token must match (OpenID Connect Core §3.1.3.7).
pub struct IdTokenChecks<'a> {
    pub issuer: Option<&'a str>,
    pub client_id: &'a str,
    pub nonce: Option<&'a str>,
    pub jwks: Option<&'a Jwks>,
    pub now: i64,
}

const OIDC_ID_TOKEN: &str = "OpenID Connect Core §3.1.3.7";

/// Validates the ID token of a code redemption; each problem is a finding.
pub fn check_id_token(id_token: Option<&str>, checks: &IdTokenChecks<'_>) -> Vec<Finding> {
    let finding =
        |id: &str, message: String| Finding::new(id, Severity::Error, OIDC_ID_TOKEN, message);
    let Some(id_token) = id_token else {
        return vec![Finding::new(
            "id-token.missing",
            Severity::Error,
            "OpenID Connect Core §3.1.3.3",
            "the scope asked for openid, but the token response has no id_token",
        )];
    };
    let jwt = match decode(id_token) {
        DecodedToken::Jwt(jwt) => jwt,
        DecodedToken::Opaque(o) => {
            return vec![finding(
                "id-token.not-jwt",
                format!("the id_token is not a JWT: {}", o.reason),
            )];
        }
        DecodedToken::Saml(_) => {
            return vec![finding(
                "id-token.not-jwt",
                "the id_token is not a JWT: it is a SAML assertion".to_owned(),
            )];
        }
    };
    let mut found = Vec::new();
    if let Some(jwks) = checks.jwks {
        let mut options = VerifyOptions::new(checks.now);
        options.issuer = checks.issuer.map(str::to_owned);
        options.audience = Some(checks.client_id.to_owned());
        let verification = verify(id_token, jwks, &options);
        for problem in verification.problems {
            found.push(finding(
                "id-token.invalid",
                format!("the ID token does not verify: {problem}"),
            ));
        }
    } else {
        if let Some(issuer) = checks.issuer
            && jwt.iss() != Some(issuer)
        {
            found.push(finding(
                "id-token.iss",
                format!(
                    "the ID token's iss is {:?}, not the issuer {issuer:?}",
                    jwt.iss()
                ),
            ));
        }
        if !jwt.aud().iter().any(|a| a == checks.client_id) {
            found.push(finding(
                "id-token.aud",
                format!(
                    "the ID token's aud {:?} does not include the client {:?}",
                    jwt.aud(),
                    checks.client_id
                ),
            ));
        }
        match jwt.checked_time("exp") {
            Some(Ok(exp)) if exp <= checks.now => found.push(finding(
                "id-token.exp",
                format!("the ID token expired at {exp}"),
            )),
            Some(Ok(_)) => {}
            Some(Err(out_of_range)) => found.push(finding(
                "id-token.exp",
                format!("the ID token's {out_of_range}"),
            )),
            None => found.push(finding("id-token.exp", "the ID token has no exp".into())),
        }
    }
    if let Some(nonce) = checks.nonce {
        match jwt.claim_str("nonce") {
            Some(n) if n == nonce => {}
            other => found.push(finding(
                "id-token.nonce",
                format!(
                    "the ID token's nonce is {other:?}, not the one Baton sent: it may be replayed from another sign-in"
                ),
            )),
        }
    }
    let aud = jwt.aud();
    if aud.len() > 1 && jwt.claim_str("azp").is_none() {
        found.push(Finding::new(
            "id-token.azp",
            Severity::Warning,
            "OpenID Connect Core §2",
            format!("the ID token has several audiences {aud:?} but no azp"),
        ));
    }
    found
}

#[cfg(test)]
mod tests;
