//! An authorization request (RFC 6749 §4.1.1 with PKCE, RFC 7636 §4.3), checked in the order
//! RFC 6749 §4.1.2.1 sets: first the client and its redirect URI, whose faults are shown to the
//! user and never redirected; then everything else, whose faults go back to the client.

use crate::errors::{ErrorCode, OAuthError};
use crate::form::Form;
use crate::grants::target::{audience_scopes, parse_scope, resolve_audiences};
use crate::lab::Lab;
use crate::policy::{Client, ClientAuth, Grant};
use crate::redirect;
use crate::text::quoted;

use super::pkce;

/// The longest `state` the lab echoes, and the longest `nonce` it keeps with a code: each
/// stored request stays small whatever a client sends.
pub(crate) const STATE_MAX_CHARS: usize = 2048;
pub(crate) const NONCE_MAX_CHARS: usize = 512;

/// The OpenID Connect scope: asks for an ID token, is not an API's scope.
pub(crate) const OPENID: &str = "openid";

/// A checked authorization request.
#[derive(Debug, Clone)]
pub(crate) struct AuthRequest {
    pub(crate) client_id: String,
    /// Empty for a device authorization, which has none.
    pub(crate) redirect_uri: String,
    pub(crate) state: Option<String>,
    /// The scopes named, without `openid`; `None` when none were (then the user's scopes that
    /// the audiences allow are granted).
    pub(crate) scopes: Option<Vec<String>>,
    pub(crate) openid: bool,
    /// Resolved from `audience` / `resource`, or the client's default.
    pub(crate) audiences: Vec<String>,
    pub(crate) code_challenge: Option<String>,
    pub(crate) nonce: Option<String>,
}

impl AuthRequest {
    /// The request as form fields, for the sign-in page to send back unchanged.
    pub(crate) fn hidden_fields(&self) -> Vec<(&'static str, String)> {
        let mut out = vec![
            ("response_type", "code".to_owned()),
            ("client_id", self.client_id.clone()),
            ("redirect_uri", self.redirect_uri.clone()),
        ];
        if let Some(state) = &self.state {
            out.push(("state", state.clone()));
        }
        if let Some(scope) = self.scope_param() {
            out.push(("scope", scope));
        }
        for a in &self.audiences {
            out.push(("audience", a.clone()));
        }
        if let Some(challenge) = &self.code_challenge {
            out.push(("code_challenge", challenge.clone()));
            out.push(("code_challenge_method", pkce::S256.to_owned()));
        }
        if let Some(nonce) = &self.nonce {
            out.push(("nonce", nonce.clone()));
        }
        out
    }

    /// `scope` as the client sent it (`openid` first), if it sent one.
    fn scope_param(&self) -> Option<String> {
        let mut all: Vec<&str> = Vec::new();
        if self.openid {
            all.push(OPENID);
        }
        all.extend(self.scopes.iter().flatten().map(String::as_str));
        (!all.is_empty()).then(|| all.join(" "))
    }

    /// What the consent page lists.
    pub(crate) fn consent_lines(&self, lab: &Lab) -> Vec<String> {
        let mut lines = Vec::new();
        if self.openid {
            lines.push("openid (who you are: an ID token for the app)".to_owned());
        }
        match &self.scopes {
            Some(scopes) => lines.extend(scopes.iter().cloned()),
            None => lines.push(format!(
                "every scope of yours that {} accepts ({})",
                self.audiences.join(", "),
                audience_scopes(&lab.policy, &self.audiences).join(" ")
            )),
        }
        lines
    }
}

/// Why an authorization request is refused.
#[derive(Debug)]
pub(crate) enum Refusal {
    /// Shown to the user with status 400, never redirected: the client or its redirect URI
    /// cannot be trusted (RFC 6749 §4.1.2.1).
    Page {
        client_id: Option<String>,
        message: String,
    },
    /// Sent back to the client at its (registered) redirect URI.
    Redirect {
        client_id: String,
        redirect_uri: String,
        state: Option<String>,
        error: OAuthError,
    },
}

impl Refusal {
    /// The refusal as an OAuth JSON error, for `/par` (RFC 9126 §2.3).
    pub(crate) fn into_oauth(self) -> OAuthError {
        match self {
            Refusal::Page { message, .. } => OAuthError::invalid_request(message),
            Refusal::Redirect { error, .. } => error,
        }
    }
}

fn page(client_id: Option<&str>, message: String) -> Refusal {
    Refusal::Page {
        client_id: client_id.map(str::to_owned),
        message,
    }
}

/// Checks a request that names its client in `client_id`.
pub(crate) fn parse(lab: &Lab, form: &Form) -> Result<AuthRequest, Refusal> {
    let client_id = form
        .single("client_id")
        .map_err(|e| page(None, e.description))?
        .ok_or_else(|| page(None, "the request has no client_id".to_owned()))?;
    let Some(client) = lab.policy.client(client_id) else {
        return Err(page(
            Some(client_id),
            format!("unknown client {}", quoted(client_id)),
        ));
    };
    parse_for(lab, client, form)
}

/// Checks a request for `client` (already identified, or authenticated at `/par`).
pub(crate) fn parse_for(lab: &Lab, client: &Client, form: &Form) -> Result<AuthRequest, Refusal> {
    let id = client.client_id.as_str();
    let redirect_uri = form
        .single("redirect_uri")
        .map_err(|e| page(Some(id), e.description))?
        .ok_or_else(|| page(Some(id), "the request has no redirect_uri".to_owned()))?;
    if !redirect::is_registered(&client.redirect_uris, redirect_uri) {
        let registered = if client.redirect_uris.is_empty() {
            "none".to_owned()
        } else {
            client.redirect_uris.join(", ")
        };
        return Err(page(
            Some(id),
            format!(
                "redirect_uri {} is not registered for client {id:?} (registered: {registered}; a loopback http://127.0.0.1 or http://[::1] one matches any port)",
                quoted(redirect_uri)
            ),
        ));
    }
    // From here on, faults go back to the client.
    let state = form.single("state").ok().flatten();
    let refuse = |error: OAuthError| Refusal::Redirect {
        client_id: id.to_owned(),
        redirect_uri: redirect_uri.to_owned(),
        state: state
            .filter(|s| s.chars().count() <= STATE_MAX_CHARS)
            .map(str::to_owned),
        error,
    };
    let state = match form.single("state") {
        Err(e) => return Err(refuse(e)),
        Ok(Some(s)) if s.chars().count() > STATE_MAX_CHARS => {
            return Err(refuse(OAuthError::invalid_request(format!(
                "state is longer than the {STATE_MAX_CHARS} characters the lab accepts"
            ))));
        }
        Ok(s) => s.map(str::to_owned),
    };
    match form.single("response_type").map_err(&refuse)? {
        Some("code") => {}
        Some(other) => {
            return Err(refuse(OAuthError::new(
                ErrorCode::UnsupportedResponseType,
                format!(
                    "response_type {} is not supported; the lab supports only \"code\"",
                    quoted(other)
                ),
            )));
        }
        None => return Err(refuse(OAuthError::missing("response_type"))),
    }
    if !client.allows_grant(Grant::AuthorizationCode) {
        return Err(refuse(OAuthError::unauthorized_client(format!(
            "client {id:?} may not use the authorization_code grant"
        ))));
    }
    let code_challenge = code_challenge(lab, client, form).map_err(&refuse)?;
    let Wanted {
        scopes,
        openid,
        audiences,
    } = scope_and_audiences(lab, client, form).map_err(&refuse)?;
    let nonce = match form.single("nonce").map_err(&refuse)? {
        Some(n) if n.chars().count() > NONCE_MAX_CHARS => {
            return Err(refuse(OAuthError::invalid_request(format!(
                "nonce is longer than the {NONCE_MAX_CHARS} characters the lab accepts"
            ))));
        }
        n => n.map(str::to_owned),
    };
    Ok(AuthRequest {
        client_id: id.to_owned(),
        redirect_uri: redirect_uri.to_owned(),
        state,
        scopes,
        openid,
        audiences,
        code_challenge,
        nonce,
    })
}

/// PKCE (RFC 7636 §4.3): S256 only; required from public clients, and from every client while
/// the `pkce_required` check is on.
fn code_challenge(lab: &Lab, client: &Client, form: &Form) -> Result<Option<String>, OAuthError> {
    let challenge = form.single("code_challenge")?;
    let method = form.single("code_challenge_method")?;
    match (challenge, method) {
        (Some(challenge), Some(pkce::S256)) => {
            if pkce::well_formed(challenge) {
                Ok(Some(challenge.to_owned()))
            } else {
                Err(OAuthError::invalid_request(format!(
                    "code_challenge {} is not 43 to 128 characters of A-Z a-z 0-9 - . _ ~ (RFC 7636 §4.2)",
                    quoted(challenge)
                )))
            }
        }
        (_, Some("plain")) => Err(OAuthError::invalid_request(
            "code_challenge_method \"plain\" is refused: use S256 (RFC 9700 §2.1.1)",
        )),
        (_, Some(other)) => Err(OAuthError::invalid_request(format!(
            "code_challenge_method {} is not supported; use S256",
            quoted(other)
        ))),
        (Some(_), None) => Err(OAuthError::invalid_request(
            "code_challenge without code_challenge_method means plain (RFC 7636 §4.3), which the lab refuses: send code_challenge_method=S256",
        )),
        (None, None) => {
            let public = client.auth == ClientAuth::None;
            if public || lab.checks().pkce_required {
                let who = if public {
                    format!("client {:?} is public", client.client_id)
                } else {
                    "the lab's pkce_required check is on".to_owned()
                };
                Err(OAuthError::invalid_request(format!(
                    "code_challenge is required ({who}): send an S256 code_challenge (RFC 7636)"
                )))
            } else {
                Ok(None)
            }
        }
    }
}

/// `scope`, `audience` and `resource` of a sign-in request: the scopes named (without
/// `openid`), whether `openid` was, and the audiences. Every scope named must be one the
/// audiences allow; whether the user holds it is checked once the user has signed in.
pub(crate) fn scope_and_audiences(
    lab: &Lab,
    client: &Client,
    form: &Form,
) -> Result<Wanted, OAuthError> {
    let audiences = resolve_audiences(
        &lab.policy,
        client,
        &form.all("audience"),
        &form.all("resource"),
    )?;
    let requested = parse_scope(form.single("scope")?)?;
    let mut openid = false;
    let scopes = requested.map(|all| {
        all.into_iter()
            .filter(|s| {
                let is_openid = s == OPENID;
                openid |= is_openid;
                !is_openid
            })
            .collect::<Vec<_>>()
    });
    let scopes = scopes.filter(|s| !s.is_empty());
    let allowed = audience_scopes(&lab.policy, &audiences);
    if let Some(bad) = scopes.iter().flatten().find(|s| !allowed.contains(s)) {
        return Err(OAuthError::invalid_scope(format!(
            "scope {} is not allowed for audience {} (allowed: {OPENID} {})",
            quoted(bad),
            audiences.join(", "),
            allowed.join(" ")
        )));
    }
    Ok(Wanted {
        scopes,
        openid,
        audiences,
    })
}

/// What a sign-in request asks for, before a user is known (see [`AuthRequest`]).
pub(crate) struct Wanted {
    pub(crate) scopes: Option<Vec<String>>,
    pub(crate) openid: bool,
    pub(crate) audiences: Vec<String>,
}
