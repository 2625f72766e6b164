//! Request validation: the exchanger's otherwise-valid exchange with one thing wrong, which the
//! server must refuse (RFC 8693 §2.1, §2.2.2; RFC 6749 §3.2, §5.2). Each probe first sends the
//! same exchange made valid (the control), so a refusal for an unrelated reason is told apart.
//!
//! The helpers here (parameters, sending with chosen credentials, the control) are shared with
//! the client-auth, response and metadata groups.

use crate::auth::{ClientAuth, basic_authorization};
use crate::http::{HttpRequest, Value};
use crate::secret::Secret;
use crate::token_type;

use super::answer::Answer;
use super::session::{Probing, Role};
use super::{Probe, Verdict};

/// `Ok` or the verdict the probe returns at once.
macro_rules! attempt {
    ($e:expr) => {
        match $e {
            Ok(v) => v,
            Err(verdict) => return verdict,
        }
    };
}

pub(super) fn probes() -> Vec<Probe> {
    vec![
        probe!(
            "request.no-subject-token",
            Request,
            Error,
            "RFC 8693 §2.1, §2.2.2",
            "An exchange without subject_token is refused",
            "Treat subject_token as REQUIRED: answer a request without it with 400 invalid_request.",
            no_subject_token
        ),
        probe!(
            "request.no-subject-token-type",
            Request,
            Error,
            "RFC 8693 §2.1, §2.2.2",
            "An exchange without subject_token_type is refused",
            "Treat subject_token_type as REQUIRED; never assume a default type: answer 400 invalid_request.",
            no_subject_token_type
        ),
        probe!(
            "request.actor-token-without-type",
            Request,
            Error,
            "RFC 8693 §2.1, §2.2.2",
            "An actor_token without actor_token_type is refused",
            "actor_token_type is REQUIRED when actor_token is present: answer 400 invalid_request without it.",
            actor_token_without_type
        ),
        probe!(
            "request.actor-type-without-token",
            Request,
            Error,
            "RFC 8693 §2.1, §2.2.2",
            "An actor_token_type without actor_token is refused",
            "actor_token_type MUST NOT be sent without actor_token: answer 400 invalid_request.",
            actor_type_without_token
        ),
        probe!(
            "request.garbage-actor-token",
            Request,
            Error,
            "RFC 8693 §2.1, §2.2.2",
            "A garbage actor_token is refused, never ignored",
            "Validate the actor_token like the subject_token and refuse the request (invalid_request) when it is not a valid token; never drop it and issue anyway.",
            garbage_actor_token
        ),
        probe!(
            "request.garbage-subject-token",
            Request,
            Error,
            "RFC 8693 §2.1, §2.2.2",
            "A garbage subject_token is refused",
            "Validate the subject_token and refuse the request (invalid_request) when it is not a valid token.",
            garbage_subject_token
        ),
        probe!(
            "request.unknown-token-type",
            Request,
            Error,
            "RFC 8693 §2.1, §2.2.2, §3",
            "A subject_token_type the server does not know is refused",
            "Refuse a subject_token_type you do not support with 400 invalid_request instead of guessing what the token is.",
            unknown_token_type
        ),
        probe!(
            "request.type-mismatch",
            Request,
            Warning,
            "RFC 8693 §2.1, §2.2.2",
            "An access token declared as an id_token is refused",
            "Check the declared subject_token_type against the token (e.g. its typ, or an ID token's required claims) and refuse a mismatch with invalid_request.",
            type_mismatch
        ),
        probe!(
            "request.unknown-grant-type",
            Request,
            Error,
            "RFC 6749 §5.2",
            "An unknown grant_type is refused",
            "Answer a grant_type you do not support with 400 unsupported_grant_type; never fall back to another grant.",
            unknown_grant_type
        ),
        probe!(
            "request.repeated-parameter",
            Request,
            Warning,
            "RFC 6749 §3.2",
            "A request with subject_token twice is refused",
            "Refuse a request in which a parameter other than audience or resource appears more than once (invalid_request), rather than taking the first or the last.",
            repeated_parameter
        ),
        probe!(
            "request.get-method",
            Request,
            Warning,
            "RFC 6749 §3.2",
            "A token request sent with GET is refused",
            "Accept token requests only with POST: answer GET with 405 (or 400), never with a token; parameters in a URL end up in logs.",
            get_method
        ),
        probe!(
            "request.not-a-form",
            Request,
            Warning,
            "RFC 6749 §3.2, §4.4.2",
            "A token request with a JSON body is refused",
            "Read token requests only as application/x-www-form-urlencoded and refuse other bodies with 400 invalid_request.",
            not_a_form
        ),
    ]
}

// ---------------------------------------------------------------------------------------------
// Shared helpers.
// ---------------------------------------------------------------------------------------------

/// Form parameters in order, repeats allowed.
pub(super) type Params = Vec<(String, String)>;

/// A garbage token: not a JWT, not anything a server issued.
pub(super) const GARBAGE_TOKEN: &str = "garbage.not.a-token";

/// The exchanger's ordinary exchange as form parameters (`grant_type` first): the subject token,
/// its audience and scope when configured, and the actor's own token when an actor is
/// configured — the request `baseline::ordinary_exchange` sends.
pub(super) async fn ordinary_params(p: &Probing) -> Result<Params, Verdict> {
    let subject = p.subject();
    let mut params: Params = vec![
        ("grant_type".into(), token_type::TOKEN_EXCHANGE_GRANT.into()),
        ("subject_token".into(), subject.token.clone()),
        ("subject_token_type".into(), subject.token_type.clone()),
    ];
    if let Some(a) = &p.session.audience {
        params.push(("audience".into(), a.clone()));
    }
    if let Some(s) = &p.session.scope {
        params.push(("scope".into(), s.clone()));
    }
    if let Some(actor) = &p.session.actor {
        let token = p.client_token(actor).await?;
        params.push(("actor_token".into(), token));
        params.push(("actor_token_type".into(), token_type::ACCESS_TOKEN.into()));
    }
    Ok(params)
}

/// Sets `name` to `value`: replaces its first occurrence (dropping any others) in place, or adds
/// it at the end.
pub(super) fn set(params: &mut Params, name: &str, value: &str) {
    match params.iter().position(|(n, _)| n == name) {
        Some(i) => {
            params[i].1 = value.to_string();
            let mut seen = 0;
            params.retain(|(n, _)| {
                if n == name {
                    seen += 1;
                    seen == 1
                } else {
                    true
                }
            });
        }
        None => params.push((name.to_string(), value.to_string())),
    }
}

pub(super) fn remove(params: &mut Params, name: &str) {
    params.retain(|(n, _)| n != name);
}

/// How a probe's request authenticates.
pub(super) enum Auth<'a> {
    /// The role's own method, as configured.
    Role(&'a Role),
    /// HTTP Basic with this client id and secret (RFC 6749 §2.3.1).
    Basic(&'a str, &'a str),
    /// `client_id` and `client_secret` in the body (RFC 6749 §2.3.1).
    Post(&'a str, &'a str),
    /// These `Authorization` header values, as given, in order (a malformed one, or two).
    Authorization(Vec<String>),
    /// Nothing at all.
    Nothing,
}

/// A form POST of `params` to the token endpoint with `auth`.
fn token_request(p: &Probing, params: &Params, auth: Auth<'_>) -> Result<HttpRequest, Verdict> {
    let url = p.token_endpoint();
    let pairs: Vec<(&str, &str)> = params
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    let role = match &auth {
        Auth::Role(role) => Some(*role),
        _ => None,
    };
    let mut request = p.form(url, role, &pairs)?;
    match auth {
        Auth::Role(_) | Auth::Nothing => {}
        Auth::Basic(id, secret) => request.push_header(
            "Authorization",
            Value::Secret(Secret::new(basic_authorization(id, &Secret::new(secret)))),
        ),
        Auth::Post(id, secret) => {
            request.push_form("client_id", Value::Plain(id.to_string()));
            request.push_form("client_secret", Value::Secret(Secret::new(secret)));
        }
        Auth::Authorization(values) => {
            for v in values {
                request.push_header("Authorization", Value::Secret(Secret::new(v)));
            }
        }
    }
    Ok(request)
}

/// Sends `params` to the token endpoint with `auth`.
pub(super) async fn post(
    p: &Probing,
    label: &str,
    params: &Params,
    auth: Auth<'_>,
) -> Result<Answer, Verdict> {
    let request = token_request(p, params, auth)?;
    p.send(label, request).await
}

/// Sends the control (`params`, valid, with `auth`): `Err(Skip)` when it is not answered with a
/// token, since a refusal of the broken request could then have any reason.
pub(super) async fn control(
    p: &Probing,
    params: &Params,
    auth: Auth<'_>,
    broken: &str,
) -> Result<(), Verdict> {
    let answer = post(p, "the control: the same exchange, valid", params, auth).await?;
    if answer.issued() {
        Ok(())
    } else {
        Err(Verdict::Skip(format!(
            "the control (the same exchange, valid) was refused ({}), so a refusal of {broken} could not be told apart from it",
            answer.describe()
        )))
    }
}

/// The role's client secret, or a skip saying the probe needs one.
pub(super) fn secret_of(role: &Role) -> Result<String, Verdict> {
    role.secret()
        .map(|s| s.expose().to_string())
        .ok_or_else(|| {
            Verdict::Skip(format!(
                "{} authenticates with {}, not with a client secret, which this probe needs",
                role.id,
                role.auth.method().as_str()
            ))
        })
}

/// A secret that is certainly not `secret`.
pub(super) fn wrong_secret(secret: &str) -> String {
    format!("{secret}-baton-wrong")
}

/// Credentials that do not go in the body (for a GET or a JSON body, whose parameters are
/// recorded as they are): HTTP Basic for a client with a secret, `client_id` as a parameter for a
/// public client. A `private_key_jwt` client is skipped: its assertion would be written into the
/// URL or body in the clear.
fn credentials_outside_form<'a>(role: &'a Role) -> Result<(Auth<'a>, Option<&'a str>), Verdict> {
    match &role.auth {
        ClientAuth::SecretBasic { client_id, secret }
        | ClientAuth::SecretPost { client_id, secret } => {
            Ok((Auth::Basic(client_id, secret.expose()), None))
        }
        ClientAuth::None { client_id } => Ok((Auth::Nothing, Some(client_id))),
        ClientAuth::PrivateKeyJwt { .. } => Err(Verdict::Skip(format!(
            "{} authenticates with private_key_jwt; its client assertion would be sent in the clear outside a form body",
            role.id
        ))),
        ClientAuth::Tls { .. } => Err(Verdict::Skip(format!(
            "{} authenticates with mutual TLS, which these hand-made requests do not present",
            role.id
        ))),
    }
}

// ---------------------------------------------------------------------------------------------
// The probes.
// ---------------------------------------------------------------------------------------------

/// The common shape: the control, then the ordinary exchange changed by `change`, judged by
/// `must_refuse(what)`.
async fn refuse_changed(p: &Probing, what: &str, change: impl FnOnce(&mut Params)) -> Verdict {
    let valid = attempt!(ordinary_params(p).await);
    let exchanger = p.exchanger();
    attempt!(control(p, &valid, Auth::Role(exchanger), what).await);
    let mut broken = valid;
    change(&mut broken);
    let answer = attempt!(post(p, what, &broken, Auth::Role(exchanger)).await);
    answer.must_refuse(what)
}

async fn no_subject_token(p: &Probing) -> Verdict {
    refuse_changed(p, "an exchange without subject_token", |params| {
        remove(params, "subject_token")
    })
    .await
}

async fn no_subject_token_type(p: &Probing) -> Verdict {
    refuse_changed(p, "an exchange without subject_token_type", |params| {
        remove(params, "subject_token_type")
    })
    .await
}

async fn actor_token_without_type(p: &Probing) -> Verdict {
    attempt!(p.actor());
    refuse_changed(
        p,
        "an exchange with actor_token but no actor_token_type",
        |params| remove(params, "actor_token_type"),
    )
    .await
}

async fn actor_type_without_token(p: &Probing) -> Verdict {
    refuse_changed(
        p,
        "an exchange with actor_token_type but no actor_token",
        |params| {
            remove(params, "actor_token");
            set(params, "actor_token_type", token_type::ACCESS_TOKEN);
        },
    )
    .await
}

async fn garbage_actor_token(p: &Probing) -> Verdict {
    let what = format!("an exchange with actor_token {GARBAGE_TOKEN:?}");
    let valid = attempt!(ordinary_params(p).await);
    let exchanger = p.exchanger();
    attempt!(control(p, &valid, Auth::Role(exchanger), &what).await);
    let mut broken = valid;
    set(&mut broken, "actor_token", GARBAGE_TOKEN);
    set(&mut broken, "actor_token_type", token_type::ACCESS_TOKEN);
    let answer = attempt!(post(p, &what, &broken, Auth::Role(exchanger)).await);
    if answer.issued() {
        let ignored = match answer.issued_jwt() {
            Some(jwt) if jwt.act_chain.actors.is_empty() => {
                ", with no act claim: the actor token was ignored"
            }
            _ => "",
        };
        return Verdict::Fail(format!(
            "{what} was accepted ({}){ignored}; an actor_token that is not a valid token must be refused, never ignored",
            answer.describe()
        ));
    }
    answer.must_refuse(&what)
}

async fn garbage_subject_token(p: &Probing) -> Verdict {
    refuse_changed(
        p,
        &format!("an exchange with subject_token {GARBAGE_TOKEN:?}"),
        |params| set(params, "subject_token", GARBAGE_TOKEN),
    )
    .await
}

/// A token type URI no server defines.
pub(super) const UNKNOWN_TOKEN_TYPE: &str = "urn:example:baton:unknown";

async fn unknown_token_type(p: &Probing) -> Verdict {
    refuse_changed(
        p,
        &format!("an exchange with subject_token_type {UNKNOWN_TOKEN_TYPE}"),
        |params| set(params, "subject_token_type", UNKNOWN_TOKEN_TYPE),
    )
    .await
}

async fn type_mismatch(p: &Probing) -> Verdict {
    if p.subject().token_type != token_type::ACCESS_TOKEN {
        return Verdict::Skip(format!(
            "the subject token is declared as {}, not as an access token, so it cannot be sent as the wrong type with certainty",
            p.subject().token_type
        ));
    }
    refuse_changed(
        p,
        "an exchange declaring the subject's access token as an id_token",
        |params| set(params, "subject_token_type", token_type::ID_TOKEN),
    )
    .await
}

/// A grant type no server defines.
pub(super) const UNKNOWN_GRANT: &str = "urn:example:baton:no-such-grant";

async fn unknown_grant_type(p: &Probing) -> Verdict {
    refuse_changed(
        p,
        &format!("the exchange sent with grant_type {UNKNOWN_GRANT}"),
        |params| set(params, "grant_type", UNKNOWN_GRANT),
    )
    .await
}

async fn repeated_parameter(p: &Probing) -> Verdict {
    let what = "an exchange with subject_token sent twice (two different values)";
    let valid = attempt!(ordinary_params(p).await);
    let exchanger = p.exchanger();
    attempt!(control(p, &valid, Auth::Role(exchanger), what).await);
    // A second valid token when one can be had, so only the repetition is wrong.
    let first = p.subject().token.clone();
    let second = match p.session.obtain_subject().await {
        Ok(s) if s.token != first => s.token,
        _ => GARBAGE_TOKEN.to_string(),
    };
    let mut broken = Params::new();
    for (name, value) in valid {
        let again = name == "subject_token";
        broken.push((name, value));
        if again {
            broken.push(("subject_token".into(), second.clone()));
        }
    }
    let answer = attempt!(post(p, what, &broken, Auth::Role(exchanger)).await);
    answer.must_refuse(what)
}

async fn get_method(p: &Probing) -> Verdict {
    let what = "the exchange sent with GET, its parameters in the query string";
    let exchanger = p.exchanger();
    let (auth, client_id) = attempt!(credentials_outside_form(exchanger));
    let mut valid = attempt!(ordinary_params(p).await);
    if let Some(id) = client_id {
        valid.push(("client_id".into(), id.to_string()));
    }
    // The control authenticates the same way (Basic even for a client_secret_post client).
    let (control_auth, _) = attempt!(credentials_outside_form(exchanger));
    attempt!(control(p, &valid, control_auth, what).await);

    let query = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(valid.iter())
        .finish();
    let base = p.token_endpoint();
    let separator = if base.contains('?') { '&' } else { '?' };
    let mut request = HttpRequest::get(format!("{base}{separator}{query}"));
    if let Auth::Basic(id, secret) = auth {
        request.push_header(
            "Authorization",
            Value::Secret(Secret::new(basic_authorization(id, &Secret::new(secret)))),
        );
    }
    let answer = attempt!(p.send(what, request).await);
    answer.must_refuse(what)
}

async fn not_a_form(p: &Probing) -> Verdict {
    let what = "the exchange sent as a JSON body (Content-Type application/json)";
    let exchanger = p.exchanger();
    let (auth, client_id) = attempt!(credentials_outside_form(exchanger));
    let mut valid = attempt!(ordinary_params(p).await);
    if let Some(id) = client_id {
        valid.push(("client_id".into(), id.to_string()));
    }
    let (control_auth, _) = attempt!(credentials_outside_form(exchanger));
    attempt!(control(p, &valid, control_auth, what).await);

    let body: serde_json::Map<String, serde_json::Value> = valid
        .iter()
        .map(|(n, v)| (n.clone(), serde_json::Value::String(v.clone())))
        .collect();
    let mut request = HttpRequest::post_form(p.token_endpoint());
    request.form = None;
    request.headers = vec![
        (
            "Content-Type".into(),
            Value::Plain("application/json".into()),
        ),
        ("Accept".into(), Value::Plain("application/json".into())),
    ];
    request.raw_body = Some(serde_json::Value::Object(body).to_string());
    if let Auth::Basic(id, secret) = auth {
        request.push_header(
            "Authorization",
            Value::Secret(Secret::new(basic_authorization(id, &Secret::new(secret)))),
        );
    }
    let answer = attempt!(p.send(what, request).await);
    answer.must_refuse(what)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(pairs: &[(&str, &str)]) -> Params {
        pairs
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn set_replaces_in_place_and_drops_repeats() {
        let mut p = params(&[("a", "1"), ("b", "2"), ("a", "3")]);
        set(&mut p, "a", "x");
        assert_eq!(p, params(&[("a", "x"), ("b", "2")]));
        set(&mut p, "c", "y");
        assert_eq!(p, params(&[("a", "x"), ("b", "2"), ("c", "y")]));
        remove(&mut p, "b");
        assert_eq!(p, params(&[("a", "x"), ("c", "y")]));
    }
}
