//! `/authorize`: GET shows the sign-in and consent page for a checked request (or a pushed one,
//! by `request_uri`); POST takes the page's form and redirects back to the client with a code
//! or an error, with `state` and `iss` (RFC 9207).

use std::sync::Arc;

use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::Response;

use super::page::{self, SignInForm};
use super::request::{self, AuthRequest, Refusal};
use super::state::{CODE_LIFETIME, CodeState, IssuedCode};
use super::{AUTHORIZE_PATH, log, refused, see_other, user};
use crate::body;
use crate::errors::{ErrorCode, OAuthError};
use crate::form::Form;
use crate::lab::Lab;
use crate::log::RequestOutcome;
use crate::redirect;

/// The `request_uri` prefix of pushed requests (RFC 9126 §2.2).
pub(crate) const REQUEST_URI_PREFIX: &str = "urn:ietf:params:oauth:request_uri:";

pub(crate) async fn show(State(lab): State<Arc<Lab>>, uri: Uri) -> Response {
    let form = match Form::from_query(uri.query().unwrap_or("")) {
        Ok(form) => form,
        Err(e) => {
            return refusal(
                &lab,
                Refusal::Page {
                    client_id: None,
                    message: e.description,
                },
            );
        }
    };
    let request = match form.single("request_uri") {
        Ok(Some(request_uri)) => pushed(&lab, &form, request_uri),
        Ok(None) => request::parse(&lab, &form),
        Err(e) => Err(Refusal::Page {
            client_id: None,
            message: e.description,
        }),
    };
    match request {
        Ok(request) => {
            log(
                &lab,
                AUTHORIZE_PATH,
                Some(request.client_id.clone()),
                RequestOutcome::Served,
                StatusCode::OK,
            );
            sign_in_page(&lab, &request, "", None, StatusCode::OK)
        }
        Err(refusal) => self::refusal(&lab, refusal),
    }
}

/// RFC 9126 §4: a pushed request, by its `request_uri`, for the client that pushed it. Used
/// once; any other parameter of the query is ignored.
fn pushed(lab: &Lab, form: &Form, request_uri: &str) -> Result<AuthRequest, Refusal> {
    let page = |message: String| Refusal::Page {
        client_id: form.single("client_id").ok().flatten().map(str::to_owned),
        message,
    };
    let client_id = form
        .single("client_id")
        .map_err(|e| page(e.description))?
        .ok_or_else(|| page("a request_uri needs the client_id that pushed it".to_owned()))?;
    let now = lab.clock.now();
    let mut store = lab.signin.pushed();
    let Some((request, exp)) = store.remove(request_uri) else {
        return Err(page(
            "request_uri is unknown: it was never pushed, was already used, or is from another lab run"
                .to_owned(),
        ));
    };
    if now >= exp {
        return Err(page(format!(
            "request_uri expired at {exp} (pushed requests live {CODE_LIFETIME} s)"
        )));
    }
    if request.client_id != client_id {
        // Not put back: a request_uri someone else tried is burnt.
        return Err(page(format!(
            "request_uri was pushed by client {:?}, not {}",
            request.client_id,
            crate::text::quoted(client_id)
        )));
    }
    Ok(request)
}

pub(crate) async fn submit(
    State(lab): State<Arc<Lab>>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let form = match body::read(&lab, &headers, body).await {
        Ok(bytes) => Form::parse(&headers, &bytes),
        Err(e) => Err(e),
    };
    let form = match form {
        Ok(form) => form,
        Err(e) => {
            return refusal(
                &lab,
                Refusal::Page {
                    client_id: None,
                    message: e.description,
                },
            );
        }
    };
    let request = match request::parse(&lab, &form) {
        Ok(request) => request,
        Err(refusal) => return self::refusal(&lab, refusal),
    };
    let back = |error: OAuthError| Refusal::Redirect {
        client_id: request.client_id.clone(),
        redirect_uri: request.redirect_uri.clone(),
        state: request.state.clone(),
        error,
    };
    let username = form.single("username").ok().flatten().unwrap_or("");
    match form.single("decision") {
        Ok(Some("deny")) => {
            return refusal(
                &lab,
                back(OAuthError::new(
                    ErrorCode::AccessDenied,
                    "the user denied the request",
                )),
            );
        }
        Ok(Some("allow")) => {}
        _ => {
            return again(
                &lab,
                &request,
                username,
                "Choose Allow or Deny.",
                "no decision",
            );
        }
    }
    let password = form.single("password").ok().flatten().unwrap_or("");
    let Some(user) = user::check_password(&lab, username, password) else {
        return again(
            &lab,
            &request,
            username,
            "Wrong username or password.",
            "wrong username or password; the page is shown again",
        );
    };
    let Some(client) = lab.policy.client(&request.client_id) else {
        // parse() found it a moment ago; the policy does not change while the lab runs.
        return refusal(
            &lab,
            back(OAuthError::server_error("the client disappeared")),
        );
    };
    let signed_in = match user::sign_in(&lab, client, user, &request) {
        Ok(s) => s,
        Err(e) => return refusal(&lab, back(e)),
    };
    let code = lab.ids.next("code");
    let now = lab.clock.now();
    lab.signin.codes().insert(
        code.clone(),
        CodeState::Issued(Box::new(IssuedCode {
            client_id: request.client_id.clone(),
            redirect_uri: request.redirect_uri.clone(),
            code_challenge: request.code_challenge.clone(),
            signed_in,
        })),
        now.saturating_add(CODE_LIFETIME),
        now,
    );
    log(
        &lab,
        AUTHORIZE_PATH,
        Some(request.client_id.clone()),
        RequestOutcome::Issued {
            token_type: "authorization_code".to_owned(),
        },
        StatusCode::SEE_OTHER,
    );
    let mut params = vec![("code", code.as_str())];
    if let Some(state) = &request.state {
        params.push(("state", state));
    }
    params.push(("iss", &lab.issuer));
    redirect_to(&request.redirect_uri, &params)
}

/// The page again, with `message` (a wrong password, no decision).
fn again(
    lab: &Lab,
    request: &AuthRequest,
    username: &str,
    message: &str,
    logged: &str,
) -> Response {
    log(
        lab,
        AUTHORIZE_PATH,
        Some(request.client_id.clone()),
        refused("access_denied", logged),
        StatusCode::OK,
    );
    sign_in_page(lab, request, username, Some(message), StatusCode::OK)
}

fn sign_in_page(
    lab: &Lab,
    request: &AuthRequest,
    username: &str,
    error: Option<&str>,
    status: StatusCode,
) -> Response {
    let client = lab.policy.client(&request.client_id);
    SignInForm {
        title: "Sign in to the Baton lab",
        action: AUTHORIZE_PATH,
        client: Some((
            &request.client_id,
            client.and_then(|c| c.description.as_deref()),
        )),
        scopes: request.consent_lines(lab),
        audiences: &request.audiences,
        demo_users: lab
            .policy
            .users
            .iter()
            .map(|u| u.username.as_str())
            .collect(),
        hidden: request.hidden_fields(),
        user_code: None,
        username,
        error,
    }
    .render(status)
}

/// A refusal as the user or the client sees it, logged.
fn refusal(lab: &Lab, refusal: Refusal) -> Response {
    match refusal {
        Refusal::Page { client_id, message } => {
            log(
                lab,
                AUTHORIZE_PATH,
                client_id,
                refused("invalid_request", message.clone()),
                StatusCode::BAD_REQUEST,
            );
            page::message(
                StatusCode::BAD_REQUEST,
                "This sign-in request cannot be used",
                &format!(
                    "{message}. The lab does not send you back to the app, because it cannot tell that the app is who it says it is."
                ),
            )
        }
        Refusal::Redirect {
            client_id,
            redirect_uri,
            state,
            error,
        } => {
            log(
                lab,
                AUTHORIZE_PATH,
                Some(client_id),
                refused(error.code.as_str(), error.description.clone()),
                StatusCode::SEE_OTHER,
            );
            let mut params = vec![
                ("error", error.code.as_str()),
                ("error_description", error.description.as_str()),
            ];
            if let Some(state) = &state {
                params.push(("state", state));
            }
            params.push(("iss", &lab.issuer));
            redirect_to(&redirect_uri, &params)
        }
    }
}

fn redirect_to(redirect_uri: &str, params: &[(&str, &str)]) -> Response {
    match redirect::with_params(redirect_uri, params) {
        Some(location) => see_other(&location),
        // The URI matched a registered one, so it parses; say so rather than redirect nowhere.
        None => page::message(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Cannot send you back",
            "the redirect_uri could not be read",
        ),
    }
}
