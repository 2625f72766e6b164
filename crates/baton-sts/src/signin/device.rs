//! The device authorization grant (RFC 8628): `/device_authorization` gives a device a device
//! code to poll with and a user code to show; at `/device` a user enters that code, signs in
//! and allows or denies. The token endpoint answers the polls (`grants::device_code`).

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Extension, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::Response;
use serde_json::{Value, json};

use super::page::{self, SignInForm};
use super::request::{AuthRequest, Wanted, scope_and_audiences};
use super::state::{DEVICE_CODE_LIFETIME, DeviceGrant, DeviceState};
use super::{DEVICE_AUTHORIZATION_PATH, DEVICE_PATH, log, refused, user};
use crate::body;
use crate::client_auth::{self, Endpoint};
use crate::errors::OAuthError;
use crate::form::Form;
use crate::lab::Lab;
use crate::log::RequestOutcome;
use crate::policy::Grant;
use crate::response::json_no_store;
use crate::text::clip;
use crate::tls::{ClientCertificate, PeerCertificate, peer_certificate};

/// RFC 8628 §6.1: 20 consonants, no vowels (no words), none that look alike; 20^8 codes.
const USER_CODE_ALPHABET: &[u8] = b"BCDFGHJKLMNPQRSTVWXZ";
const USER_CODE_LEN: usize = 8;
/// Tries at finding a user code no live device authorization has.
const USER_CODE_TRIES: usize = 8;

/// `BCDFGHJK` → `BCDF-GHJK`.
fn display(code: &str) -> String {
    let (a, b) = code.split_at(code.len().min(USER_CODE_LEN / 2));
    format!("{a}-{b}")
}

/// What a user typed, as stored: case and punctuation do not count (RFC 8628 §6.1).
fn normalise(typed: &str) -> String {
    clip(typed, 64)
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

pub(crate) async fn device_authorization_endpoint(
    State(lab): State<Arc<Lab>>,
    headers: HeaderMap,
    peer: Option<Extension<PeerCertificate>>,
    body: Body,
) -> Response {
    let mut client_id = None;
    let result = match body::read(&lab, &headers, body).await {
        Ok(bytes) => authorize_device(
            &lab,
            &headers,
            peer_certificate(&peer),
            &bytes,
            &mut client_id,
        ),
        Err(e) => Err(e),
    };
    let (response, outcome, status) = match result {
        Ok(answer) => (
            json_no_store(StatusCode::OK, &answer),
            RequestOutcome::Issued {
                token_type: "device_code".to_owned(),
            },
            StatusCode::OK,
        ),
        Err(e) => {
            let (response, outcome, status) = e.into_logged();
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST);
            (response, outcome, status)
        }
    };
    log(&lab, DEVICE_AUTHORIZATION_PATH, client_id, outcome, status);
    response
}

fn authorize_device(
    lab: &Lab,
    headers: &HeaderMap,
    peer: Option<&ClientCertificate>,
    body: &[u8],
    client_id: &mut Option<String>,
) -> Result<Value, OAuthError> {
    let form = Form::parse(headers, body)?;
    let client = client_auth::authenticate(lab, headers, peer, &form, Endpoint::Token, client_id)?;
    if !client.allows_grant(Grant::DeviceCode) {
        return Err(OAuthError::unauthorized_client(format!(
            "client {:?} may not use the device_code grant",
            client.client_id
        )));
    }
    let Wanted {
        scopes,
        openid,
        audiences,
    } = scope_and_audiences(lab, client, &form)?;
    let request = AuthRequest {
        client_id: client.client_id.clone(),
        redirect_uri: String::new(),
        state: None,
        scopes,
        openid,
        audiences,
        code_challenge: None,
        nonce: None,
    };
    let now = lab.clock.now();
    let exp = now.saturating_add(DEVICE_CODE_LIFETIME);
    let device_code = lab.ids.next("dc");
    let user_code = {
        let mut user_codes = lab.signin.user_codes();
        let mut found = None;
        for _ in 0..USER_CODE_TRIES {
            let code = lab.ids.pick(USER_CODE_ALPHABET, USER_CODE_LEN);
            if !user_codes.contains(&code, now) {
                found = Some(code);
                break;
            }
        }
        let Some(code) = found else {
            return Err(OAuthError::new(
                crate::errors::ErrorCode::TemporarilyUnavailable,
                "no free user code: too many device authorizations are waiting; try again later",
            ));
        };
        user_codes.insert(code.clone(), device_code.clone(), exp, now);
        code
    };
    let interval = lab.policy.device_interval;
    lab.signin.devices().insert(
        device_code.clone(),
        DeviceGrant {
            client_id: client.client_id.clone(),
            request,
            user_code: user_code.clone(),
            interval,
            last_poll: None,
            state: DeviceState::Pending,
        },
        exp,
        now,
    );
    let shown = display(&user_code);
    let verification_uri = lab.device_verification_uri();
    Ok(json!({
        "device_code": device_code,
        "user_code": shown,
        "verification_uri": verification_uri,
        "verification_uri_complete": format!("{verification_uri}?user_code={shown}"),
        "expires_in": DEVICE_CODE_LIFETIME,
        "interval": interval,
    }))
}

/// The pending device authorization a user code stands for.
fn pending(lab: &Lab, user_code: &str) -> Option<(String, DeviceGrant)> {
    let now = lab.clock.now();
    let device_code = lab
        .signin
        .user_codes()
        .get(normalise(user_code).as_str(), now)?
        .clone();
    let grant = lab.signin.devices().get(&device_code, now)?.clone();
    matches!(grant.state, DeviceState::Pending).then_some((device_code, grant))
}

pub(crate) async fn show(State(lab): State<Arc<Lab>>, uri: Uri) -> Response {
    let typed = Form::from_query(uri.query().unwrap_or(""))
        .ok()
        .and_then(|f| f.single("user_code").ok().flatten().map(|c| clip(c, 64)))
        .unwrap_or_default();
    let known = (!typed.is_empty()).then(|| pending(&lab, &typed)).flatten();
    log(
        &lab,
        DEVICE_PATH,
        known.as_ref().map(|(_, g)| g.client_id.clone()),
        RequestOutcome::Served,
        StatusCode::OK,
    );
    device_page(&lab, &typed, known.as_ref().map(|(_, g)| g), "", None)
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
            log(
                &lab,
                DEVICE_PATH,
                None,
                refused("invalid_request", e.description.clone()),
                StatusCode::BAD_REQUEST,
            );
            return page::message(
                StatusCode::BAD_REQUEST,
                "Cannot read the form",
                &e.description,
            );
        }
    };
    let field = |name: &str| form.single(name).ok().flatten().unwrap_or("");
    let typed = clip(field("user_code"), 64);
    let username = field("username");
    let Some((device_code, grant)) = pending(&lab, &typed) else {
        log(
            &lab,
            DEVICE_PATH,
            None,
            refused("invalid_request", "unknown, used or expired user code"),
            StatusCode::OK,
        );
        return device_page(
            &lab,
            &typed,
            None,
            username,
            Some(
                "That code is unknown, already used or expired. Check the code your device shows.",
            ),
        );
    };
    let client_id = Some(grant.client_id.clone());
    let decision = match field("decision") {
        "allow" => true,
        "deny" => false,
        _ => {
            log(
                &lab,
                DEVICE_PATH,
                client_id,
                refused("access_denied", "no decision"),
                StatusCode::OK,
            );
            return device_page(
                &lab,
                &typed,
                Some(&grant),
                username,
                Some("Choose Allow or Deny."),
            );
        }
    };
    let state = if decision {
        let Some(user) = user::check_password(&lab, username, field("password")) else {
            log(
                &lab,
                DEVICE_PATH,
                client_id,
                refused(
                    "access_denied",
                    "wrong username or password; the page is shown again",
                ),
                StatusCode::OK,
            );
            return device_page(
                &lab,
                &typed,
                Some(&grant),
                username,
                Some("Wrong username or password."),
            );
        };
        let signed_in = lab
            .policy
            .client(&grant.client_id)
            .ok_or_else(|| OAuthError::server_error("the client disappeared"))
            .and_then(|client| user::sign_in(&lab, client, user, &grant.request));
        match signed_in {
            Ok(s) => DeviceState::Approved(Box::new(s)),
            Err(e) => {
                log(
                    &lab,
                    DEVICE_PATH,
                    client_id,
                    refused(e.code.as_str(), e.description.clone()),
                    StatusCode::BAD_REQUEST,
                );
                return page::message(
                    StatusCode::BAD_REQUEST,
                    "This device cannot have what it asks for",
                    &e.description,
                );
            }
        }
    } else {
        DeviceState::Denied
    };
    if !decide(&lab, &device_code, &grant.user_code, state) {
        log(
            &lab,
            DEVICE_PATH,
            client_id,
            refused(
                "invalid_request",
                "the code was answered or expired meanwhile",
            ),
            StatusCode::BAD_REQUEST,
        );
        return page::message(
            StatusCode::BAD_REQUEST,
            "Code already used",
            "This code was answered or expired meanwhile.",
        );
    }
    if decision {
        log(
            &lab,
            DEVICE_PATH,
            client_id,
            RequestOutcome::Served,
            StatusCode::OK,
        );
        page::message(
            StatusCode::OK,
            "You are signed in",
            "Your device gets its token the next time it asks. You can close this window.",
        )
    } else {
        log(
            &lab,
            DEVICE_PATH,
            client_id,
            refused("access_denied", "the user denied the device"),
            StatusCode::OK,
        );
        page::message(
            StatusCode::OK,
            "Access denied",
            "The device is told that you said no. You can close this window.",
        )
    }
}

/// Records the user's answer, once: false if the grant is no longer pending.
fn decide(lab: &Lab, device_code: &str, user_code: &str, state: DeviceState) -> bool {
    let now = lab.clock.now();
    let mut devices = lab.signin.devices();
    let Some((mut grant, exp)) = devices.remove(device_code) else {
        return false;
    };
    let still_pending = matches!(grant.state, DeviceState::Pending) && now < exp;
    if still_pending {
        grant.state = state;
    }
    devices.insert(device_code.to_owned(), grant, exp, now);
    drop(devices);
    // A user code is answered once.
    lab.signin.user_codes().remove(user_code);
    still_pending
}

fn device_page(
    lab: &Lab,
    typed: &str,
    grant: Option<&DeviceGrant>,
    username: &str,
    error: Option<&str>,
) -> Response {
    let client = grant.and_then(|g| lab.policy.client(&g.client_id));
    let empty: [String; 0] = [];
    SignInForm {
        title: "Sign in a device",
        action: DEVICE_PATH,
        client: grant.map(|g| {
            (
                g.client_id.as_str(),
                client.and_then(|c| c.description.as_deref()),
            )
        }),
        scopes: grant
            .map(|g| g.request.consent_lines(lab))
            .unwrap_or_default(),
        audiences: grant.map_or(&empty[..], |g| &g.request.audiences[..]),
        demo_users: lab
            .policy
            .users
            .iter()
            .map(|u| u.username.as_str())
            .collect(),
        hidden: Vec::new(),
        user_code: Some(typed),
        username,
        error,
    }
    .render(StatusCode::OK)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_codes_read_as_typed() {
        assert_eq!(display("BCDFGHJK"), "BCDF-GHJK");
        assert_eq!(normalise(" bcdf-ghjk "), "BCDFGHJK");
        assert_eq!(normalise(&"x".repeat(10_000)).len(), 64);
    }
}
