//! Response conformance (RFC 8693 §2.2.1, §2.2.2; RFC 6749 §5.1, §5.2): what a success carries
//! and how it is sent, and the error code and status for each kind of refusal.

use serde_json::Value as Json;

use crate::token_type;

use super::answer::{Answer, shorten};
use super::baseline::ordinary_exchange;
use super::request::{
    Auth, GARBAGE_TOKEN, UNKNOWN_GRANT, control, ordinary_params, post, remove, secret_of, set,
    wrong_secret,
};
use super::session::Probing;
use super::{Probe, Verdict};

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
            "response.issued-token-type",
            Response,
            Error,
            "RFC 8693 §2.2.1",
            "A token exchange response carries issued_token_type, a URI",
            "Return issued_token_type with the token type identifier (a URI such as urn:ietf:params:oauth:token-type:access_token) of the issued token.",
            issued_token_type
        ),
        probe!(
            "response.token-type-value",
            Response,
            Error,
            "RFC 8693 §2.2.1; RFC 6749 §5.1, §7.1",
            "token_type is Bearer or DPoP for an access token and N_A for a token that is not one",
            "Set token_type to how the token is used (Bearer, DPoP) for an access token, and to N_A when the issued token is not an access token; a token type URI or name (access_token, JWT) is not a token_type.",
            token_type_value
        ),
        probe!(
            "response.expires-in",
            Response,
            Warning,
            "RFC 8693 §2.2.1; RFC 6749 §5.1",
            "expires_in is sent and agrees with the issued token's lifetime",
            "Return expires_in (RECOMMENDED), in seconds, equal to the issued token's real lifetime (its exp - iat).",
            expires_in
        ),
        probe!(
            "response.scope-when-differs",
            Response,
            Warning,
            "RFC 8693 §2.2.1; RFC 6749 §5.1",
            "scope is returned whenever the issued scope differs from the requested one",
            "Return scope in the response whenever the token's scope is not exactly the requested one (including when none was requested).",
            scope_when_differs
        ),
        probe!(
            "response.cache-control",
            Response,
            Error,
            "RFC 6749 §5.1",
            "A token response forbids caching (Cache-Control: no-store)",
            "Send Cache-Control: no-store with every response that contains a token.",
            cache_control
        ),
        probe!(
            "response.json-content-type",
            Response,
            Error,
            "RFC 6749 §5.1, §5.2",
            "Token and error responses are application/json",
            "Send token and error responses with Content-Type: application/json.",
            json_content_type
        ),
        probe!(
            "response.no-null-members",
            Response,
            Warning,
            "RFC 6749 §5.1, §5.2",
            "Token and error responses have no null members",
            "Omit a parameter that has no value instead of sending it as JSON null.",
            no_null_members
        ),
        probe!(
            "response.error-bad-subject",
            Response,
            Error,
            "RFC 8693 §2.2.2",
            "A garbage subject token is answered 400 invalid_request",
            "Answer an invalid or unacceptable subject_token or actor_token with HTTP 400 and error invalid_request (not invalid_grant).",
            error_bad_subject
        ),
        probe!(
            "response.error-unknown-grant",
            Response,
            Error,
            "RFC 6749 §5.2",
            "An unknown grant type is answered 400 unsupported_grant_type",
            "Answer a grant_type you do not support with HTTP 400 and error unsupported_grant_type.",
            error_unknown_grant
        ),
        probe!(
            "response.error-unauthorized-client",
            Response,
            Warning,
            "RFC 6749 §5.2",
            "A client that may not exchange is answered 400 unauthorized_client",
            "Answer an authenticated client that is not allowed the token-exchange grant with HTTP 400 and error unauthorized_client.",
            error_unauthorized_client
        ),
        probe!(
            "response.error-invalid-target",
            Response,
            Warning,
            "RFC 8693 §2.2.2",
            "An audience the server does not know is answered 400 invalid_target",
            "Refuse an audience or resource you cannot issue for with HTTP 400 and error invalid_target; never issue a token for another audience instead.",
            error_invalid_target
        ),
        probe!(
            "response.error-invalid-scope",
            Response,
            Warning,
            "RFC 6749 §3.3, §5.2",
            "A scope the subject does not have is answered 400 invalid_scope (or left out)",
            "Answer a requested scope that is unknown or exceeds what the subject token grants with HTTP 400 invalid_scope, or issue without it and say so in scope; never grant it.",
            error_invalid_scope
        ),
        probe!(
            "response.invalid-client-status",
            Response,
            Error,
            "RFC 6749 §5.2",
            "Failed client authentication is invalid_client, with 401 after Basic",
            "Answer failed client authentication with error invalid_client, and with HTTP 401 (plus WWW-Authenticate) when the client used the Authorization header.",
            invalid_client_status
        ),
    ]
}

/// The ordinary exchange, or a skip when it is not answered with a token.
async fn issued(p: &Probing) -> Result<Answer, Verdict> {
    let answer = ordinary_exchange(p, "the exchanger's ordinary exchange").await?;
    if answer.issued() {
        Ok(answer)
    } else {
        Err(Verdict::Skip(format!(
            "the ordinary exchange was not answered with a token ({}), so its response cannot be judged",
            answer.describe()
        )))
    }
}

/// A server's value in a reason: JSON, cut short.
fn shown(value: &Json) -> String {
    shorten(&value.to_string(), 120)
}

/// A server's text in a reason, cut short.
fn cut(text: &str) -> String {
    shorten(text, 120)
}

/// A member as JSON, for members that may not be strings.
fn raw<'a>(answer: &'a Answer, name: &str) -> Option<&'a Json> {
    answer.json_object().and_then(|m| m.get(name))
}

async fn issued_token_type(p: &Probing) -> Verdict {
    let answer = attempt!(issued(p).await);
    match raw(&answer, "issued_token_type") {
        None => Verdict::Fail(
            "the token exchange response has no issued_token_type, which RFC 8693 §2.2.1 requires"
                .into(),
        ),
        Some(Json::String(t)) if is_absolute_uri(t) => {
            Verdict::Pass(format!("issued_token_type is {}", cut(t)))
        }
        Some(Json::String(t)) => Verdict::Fail(format!(
            "issued_token_type is {:?}, which is not a URI; it must be a token type identifier such as {}",
            cut(t),
            token_type::ACCESS_TOKEN
        )),
        Some(other) => Verdict::Fail(format!(
            "issued_token_type is {}, not a string holding a token type URI",
            shown(other)
        )),
    }
}

/// An absolute URI: a scheme (RFC 3986 §3.1) followed by `:` and something.
fn is_absolute_uri(text: &str) -> bool {
    match text.split_once(':') {
        Some((scheme, rest)) => {
            !rest.is_empty()
                && scheme
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_ascii_alphabetic())
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
                && url::Url::parse(text).is_ok()
        }
        None => false,
    }
}

/// Access token types registered in the IANA "OAuth Access Token Types" registry, except N_A.
const ACCESS_TOKEN_TYPES: [&str; 3] = ["Bearer", "DPoP", "PoP"];

/// Judges `token_type` for the issued type. `None` when it is right, else why not.
fn token_type_problem(issued_type: &str, token_type: Option<&Json>) -> Option<String> {
    let short = cut(token_type::short_name(issued_type).unwrap_or(issued_type));
    let Some(value) = token_type else {
        return Some(format!(
            "a {short} was issued without token_type, which RFC 8693 §2.2.1 requires"
        ));
    };
    let Some(value) = value.as_str() else {
        return Some(format!("token_type is {}, not a string", shown(value)));
    };
    let shown_value = cut(value);
    let is_access = ACCESS_TOKEN_TYPES
        .iter()
        .any(|t| t.eq_ignore_ascii_case(value));
    let is_na = value.eq_ignore_ascii_case("N_A");
    match issued_type {
        token_type::ACCESS_TOKEN if is_access => None,
        token_type::ACCESS_TOKEN if is_na => Some(format!(
            "an access token was issued with token_type {shown_value:?}; N_A is for a token that is not an access token: use Bearer or DPoP"
        )),
        token_type::ACCESS_TOKEN => Some(format!(
            "an access token was issued with token_type {shown_value:?}; it must say how the token is used: Bearer or DPoP (RFC 6749 §7.1)"
        )),
        // Never usable as access tokens.
        token_type::REFRESH_TOKEN | token_type::ID_TOKEN if is_na => None,
        token_type::REFRESH_TOKEN | token_type::ID_TOKEN => Some(format!(
            "a {short} was issued with token_type {shown_value:?}; a token that is not an access token has token_type N_A"
        )),
        // A JWT (or another type) may or may not be usable as an access token.
        _ if is_na || is_access => None,
        _ => Some(format!(
            "a {short} was issued with token_type {shown_value:?}; it must be N_A, or Bearer/DPoP when the token is usable as an access token"
        )),
    }
}

async fn token_type_value(p: &Probing) -> Verdict {
    let answer = attempt!(issued(p).await);
    let issued_type = answer
        .member("issued_token_type")
        .unwrap_or(token_type::ACCESS_TOKEN)
        .to_string();
    let mut judged = vec![format!(
        "{}: {}",
        token_type::short_name(&issued_type).unwrap_or(&issued_type),
        answer.member("token_type").unwrap_or("(none)")
    )];
    if let Some(problem) = token_type_problem(&issued_type, raw(&answer, "token_type")) {
        return Verdict::Fail(problem);
    }
    // Types that are not access tokens, where the server issues them.
    for requested in [token_type::JWT, token_type::REFRESH_TOKEN] {
        let short = token_type::short_name(requested).unwrap_or(requested);
        let mut params = attempt!(ordinary_params(p).await);
        set(&mut params, "requested_token_type", requested);
        let label = format!("exchange with requested_token_type {short}");
        let answer = attempt!(post(p, &label, &params, Auth::Role(p.exchanger())).await);
        if !answer.issued() {
            continue;
        }
        let Some(got) = answer.member("issued_token_type") else {
            continue;
        };
        if let Some(problem) = token_type_problem(got, raw(&answer, "token_type")) {
            return Verdict::Fail(problem);
        }
        judged.push(format!(
            "{}: {}",
            token_type::short_name(got).unwrap_or(got),
            answer.member("token_type").unwrap_or("(none)")
        ));
    }
    Verdict::Pass(format!(
        "token_type fits each issued type ({})",
        judged.join("; ")
    ))
}

/// How far `expires_in` may be from the token's own lifetime, in seconds.
const EXPIRES_IN_SLACK: i128 = 10;

async fn expires_in(p: &Probing) -> Verdict {
    let answer = attempt!(issued(p).await);
    let expires_in = match raw(&answer, "expires_in") {
        None => {
            return Verdict::Fail(
                "the token response has no expires_in, which RFC 8693 §2.2.1 RECOMMENDS: the client cannot tell when the token expires".into(),
            );
        }
        Some(Json::Number(n)) => match (n.as_i64(), n.as_u64()) {
            (Some(i), _) => i128::from(i),
            (None, Some(u)) => i128::from(u),
            (None, None) => {
                return Verdict::Fail(format!(
                    "expires_in is {}, not a whole number of seconds",
                    shorten(&n.to_string(), 40)
                ));
            }
        },
        Some(other) => {
            return Verdict::Fail(format!(
                "expires_in is {}, not a JSON number of seconds",
                shown(other)
            ));
        }
    };
    if expires_in < 0 {
        return Verdict::Fail(format!("expires_in is {expires_in}, a negative lifetime"));
    }
    let Some(jwt) = answer.issued_jwt() else {
        return Verdict::Skip(format!(
            "the issued token is not a JWT, so expires_in ({expires_in} s) cannot be compared with its exp"
        ));
    };
    let Some(exp) = jwt.time("exp") else {
        return Verdict::Skip(format!(
            "the issued JWT has no numeric exp, so expires_in ({expires_in} s) cannot be compared with it"
        ));
    };
    let (lifetime, from) = match jwt.time("iat") {
        Some(iat) => (i128::from(exp) - i128::from(iat), "exp - iat"),
        None => (i128::from(exp) - i128::from(p.session.now()), "exp - now"),
    };
    let off = (expires_in - lifetime).abs();
    if off <= EXPIRES_IN_SLACK {
        Verdict::Pass(format!(
            "expires_in is {expires_in} s; the token's {from} is {lifetime} s"
        ))
    } else {
        Verdict::Fail(format!(
            "expires_in is {expires_in} s, but the issued token's {from} is {lifetime} s ({off} s apart)"
        ))
    }
}

/// A scope as a sorted set.
fn scope_set(scopes: &[String]) -> Vec<String> {
    let mut s: Vec<String> = scopes.to_vec();
    s.sort();
    s.dedup();
    s
}

async fn scope_when_differs(p: &Probing) -> Verdict {
    let exchanger = p.exchanger();
    let mut judged = Vec::new();
    // Without scope: whatever the token carries differs from the (absent) request.
    let mut params = attempt!(ordinary_params(p).await);
    remove(&mut params, "scope");
    let answer = attempt!(post(p, "exchange without scope", &params, Auth::Role(exchanger)).await);
    if answer.issued() {
        match (
            raw(&answer, "scope"),
            answer.issued_jwt().and_then(|j| j.scopes()),
        ) {
            (Some(s), _) => judged.push(format!(
                "with no scope requested, scope {} was returned",
                shown(s)
            )),
            (None, Some(granted)) if !granted.is_empty() => {
                return Verdict::Fail(format!(
                    "no scope was requested and the token carries scope {:?}, but the response has no scope member; it is REQUIRED when the issued scope differs from the requested one",
                    granted.join(" ")
                ));
            }
            (None, _) => {}
        }
    }
    // With the configured scope: the response may omit scope only when it is exactly that.
    if let Some(requested) = p.session.scope.clone() {
        let mut params = attempt!(ordinary_params(p).await);
        set(&mut params, "scope", &requested);
        let label = format!("exchange with scope {requested:?}");
        let answer = attempt!(post(p, &label, &params, Auth::Role(exchanger)).await);
        if answer.issued() {
            let asked = scope_set(&crate::jwt::split_scope(&requested));
            match (raw(&answer, "scope"), answer.issued_jwt().and_then(|j| j.scopes())) {
                (Some(s), _) => judged.push(format!(
                    "with scope {requested:?} requested, scope {} was returned",
                    shown(s)
                )),
                (None, Some(granted)) if scope_set(&granted) != asked => {
                    return Verdict::Fail(format!(
                        "scope {requested:?} was requested and the token carries scope {:?}, but the response has no scope member; it is REQUIRED when the issued scope differs from the requested one",
                        granted.join(" ")
                    ));
                }
                (None, Some(_)) => judged.push(format!(
                    "with scope {requested:?} requested, the token has exactly that scope and the response omits it, as allowed"
                )),
                (None, None) => {}
            }
        }
    }
    if judged.is_empty() {
        Verdict::Skip(
            "no exchange showed both the issued scope and whether the response returns it (no token, or an opaque token without scope)".into(),
        )
    } else {
        Verdict::Pass(judged.join("; "))
    }
}

async fn cache_control(p: &Probing) -> Verdict {
    let answer = attempt!(issued(p).await);
    let values = answer.headers("cache-control");
    let no_store = values.iter().any(|v| {
        v.split(',')
            .any(|d| d.trim().eq_ignore_ascii_case("no-store"))
    });
    if no_store {
        Verdict::Pass(format!(
            "the token response has Cache-Control: {}",
            values.join(", ")
        ))
    } else if values.is_empty() {
        Verdict::Fail(
            "the token response has no Cache-Control header; a response with a token must say Cache-Control: no-store".into(),
        )
    } else {
        Verdict::Fail(format!(
            "the token response has Cache-Control: {}, without no-store",
            values.join(", ")
        ))
    }
}

/// A refusal to judge: the ordinary exchange with a garbage subject token.
async fn garbage_subject(p: &Probing) -> Result<Answer, Verdict> {
    let mut params = ordinary_params(p).await?;
    set(&mut params, "subject_token", GARBAGE_TOKEN);
    post(
        p,
        "exchange with a garbage subject_token",
        &params,
        Auth::Role(p.exchanger()),
    )
    .await
}

async fn json_content_type(p: &Probing) -> Verdict {
    let mut problems = Vec::new();
    let mut judged = Vec::new();
    if let Ok(answer) = issued(p).await {
        match answer.media_type() {
            Some(m) if m == "application/json" => judged.push("the token response"),
            Some(m) => problems.push(format!("the token response is {m}")),
            None => problems.push("the token response has no Content-Type".to_string()),
        }
    }
    let error = attempt!(garbage_subject(p).await);
    if !error.is_success() {
        match error.media_type() {
            Some(m) if m == "application/json" => judged.push("the error response"),
            Some(m) => problems.push(format!("the error response ({}) is {m}", error.status())),
            None => problems.push(format!(
                "the error response ({}) has no Content-Type",
                error.status()
            )),
        }
    }
    if !problems.is_empty() {
        Verdict::Fail(format!(
            "{}; token and error responses must be application/json",
            problems.join("; ")
        ))
    } else if judged.is_empty() {
        Verdict::Skip("neither a token nor an error response could be had to judge".into())
    } else {
        Verdict::Pass(format!("{} are application/json", judged.join(" and ")))
    }
}

async fn no_null_members(p: &Probing) -> Verdict {
    let mut problems = Vec::new();
    let mut judged = Vec::new();
    if let Ok(answer) = issued(p).await {
        let nulls = answer.null_members();
        if nulls.is_empty() {
            judged.push("the token response");
        } else {
            problems.push(format!(
                "the token response has {} as null",
                nulls.join(", ")
            ));
        }
    }
    let error = attempt!(garbage_subject(p).await);
    if !error.is_success() && error.json_object().is_some() {
        let nulls = error.null_members();
        if nulls.is_empty() {
            judged.push("the error response");
        } else {
            problems.push(format!(
                "the error response has {} as null",
                nulls.join(", ")
            ));
        }
    }
    if !problems.is_empty() {
        Verdict::Fail(format!(
            "{}; a parameter without a value must be omitted, not sent as null",
            problems.join("; ")
        ))
    } else if judged.is_empty() {
        Verdict::Skip("neither a token nor a JSON error response could be had to judge".into())
    } else {
        Verdict::Pass(format!("{} have no null members", judged.join(" and ")))
    }
}

async fn error_bad_subject(p: &Probing) -> Verdict {
    let what = format!("an exchange with subject_token {GARBAGE_TOKEN:?}");
    let valid = attempt!(ordinary_params(p).await);
    attempt!(control(p, &valid, Auth::Role(p.exchanger()), &what).await);
    let answer = attempt!(garbage_subject(p).await);
    answer.must_refuse_with(&what, "invalid_request", 400)
}

async fn error_unknown_grant(p: &Probing) -> Verdict {
    let what = format!("the exchange sent with grant_type {UNKNOWN_GRANT}");
    let mut params = attempt!(ordinary_params(p).await);
    set(&mut params, "grant_type", UNKNOWN_GRANT);
    let answer = attempt!(post(p, &what, &params, Auth::Role(p.exchanger())).await);
    answer.must_refuse_with(&what, "unsupported_grant_type", 400)
}

async fn error_unauthorized_client(p: &Probing) -> Verdict {
    let Some(client) = p.session.subject_client.clone() else {
        return Verdict::Skip(
            "the subject token was given, not obtained by a client, so there is no client known not to exchange".into(),
        );
    };
    if client.client_id == p.exchanger().client_id {
        return Verdict::Skip(format!(
            "the subject's client {} is the exchanger, which may exchange",
            client.id
        ));
    }
    let what = format!(
        "a token exchange by {} (the client the subject token was issued to)",
        client.client_id
    );
    let mut params = attempt!(ordinary_params(p).await);
    remove(&mut params, "actor_token");
    remove(&mut params, "actor_token_type");
    let answer = attempt!(post(p, &what, &params, Auth::Role(&client)).await);
    if answer.issued() {
        return Verdict::Skip(format!(
            "{} may exchange tokens (it was issued one), so it cannot show how a client that may not is refused",
            client.client_id
        ));
    }
    match answer.error_code() {
        Some("invalid_target" | "invalid_scope") if answer.status() < 500 => {
            Verdict::Skip(format!(
                "{what} was refused for its target or scope ({}), which says nothing about whether it may exchange",
                answer.describe()
            ))
        }
        _ => answer.must_refuse_with(&what, "unauthorized_client", 400),
    }
}

/// An audience no server has registered.
pub(super) const UNKNOWN_AUDIENCE: &str = "https://baton.invalid/not-a-registered-audience";

async fn error_invalid_target(p: &Probing) -> Verdict {
    let what = format!("an exchange for audience {UNKNOWN_AUDIENCE:?}");
    let valid = attempt!(ordinary_params(p).await);
    attempt!(control(p, &valid, Auth::Role(p.exchanger()), &what).await);
    let mut params = valid;
    set(&mut params, "audience", UNKNOWN_AUDIENCE);
    let answer = attempt!(post(p, &what, &params, Auth::Role(p.exchanger())).await);
    if answer.issued() {
        let aud = answer
            .issued_jwt()
            .map(|j| format!(" for aud {:?}", j.aud().join(" ")))
            .unwrap_or_default();
        return Verdict::Fail(format!(
            "{what} was answered with a token{aud}; an audience the server cannot issue for must be refused with 400 invalid_target"
        ));
    }
    answer.must_refuse_with(&what, "invalid_target", 400)
}

/// A scope no server defines.
pub(super) const UNKNOWN_SCOPE: &str = "baton-probe-unknown-scope";

async fn error_invalid_scope(p: &Probing) -> Verdict {
    let what = format!(
        "an exchange asking for scope {UNKNOWN_SCOPE:?}, which the subject token does not have"
    );
    let valid = attempt!(ordinary_params(p).await);
    attempt!(control(p, &valid, Auth::Role(p.exchanger()), &what).await);
    let mut params = valid;
    set(&mut params, "scope", UNKNOWN_SCOPE);
    let answer = attempt!(post(p, &what, &params, Auth::Role(p.exchanger())).await);
    if !answer.issued() {
        return answer.must_refuse_with(&what, "invalid_scope", 400);
    }
    // RFC 6749 §3.3: the server may leave out a scope it will not grant.
    let granted = answer
        .member("scope")
        .map(crate::jwt::split_scope)
        .or_else(|| answer.issued_jwt().and_then(|j| j.scopes()));
    match granted {
        Some(g) if g.iter().any(|s| s == UNKNOWN_SCOPE) => Verdict::Fail(format!(
            "{what} was answered with a token granting it (scope {:?}); refuse it with 400 invalid_scope or leave it out",
            cut(&g.join(" "))
        )),
        Some(g) => Verdict::Pass(format!(
            "{what} was answered with a token without it (scope {:?}), which RFC 6749 §3.3 allows",
            cut(&g.join(" "))
        )),
        None => Verdict::Skip(format!(
            "{what} was answered with a token whose scope cannot be read (no scope member, and not a JWT with scope)"
        )),
    }
}

async fn invalid_client_status(p: &Probing) -> Verdict {
    let exchanger = p.exchanger();
    let secret = attempt!(secret_of(exchanger));
    let wrong = wrong_secret(&secret);
    let (auth, basic) = match &exchanger.auth {
        crate::auth::ClientAuth::SecretBasic { client_id, .. } => {
            (Auth::Basic(client_id, &wrong), true)
        }
        _ => (Auth::Post(&exchanger.client_id, &wrong), false),
    };
    let what = format!(
        "an exchange by {} with a wrong secret ({})",
        exchanger.client_id,
        if basic {
            "HTTP Basic"
        } else {
            "client_secret in the body"
        }
    );
    let params = attempt!(ordinary_params(p).await);
    let answer = attempt!(post(p, &what, &params, auth).await);
    if basic {
        return answer.must_refuse_with(&what, "invalid_client", 401);
    }
    match answer.must_refuse(&what) {
        Verdict::Pass(_) => match (answer.error_code(), answer.status()) {
            (Some("invalid_client"), 400 | 401) => Verdict::Pass(format!(
                "{what} was refused with HTTP {} invalid_client",
                answer.status()
            )),
            _ => Verdict::Fail(format!(
                "{what} was refused with {}; the right answer is invalid_client (HTTP 401, or 400 when the client did not use the Authorization header)",
                answer.describe()
            )),
        },
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn uris_are_told_from_names() {
        assert!(is_absolute_uri(token_type::ACCESS_TOKEN));
        assert!(is_absolute_uri("https://example.com/types/custom"));
        assert!(!is_absolute_uri("access_token"));
        assert!(!is_absolute_uri("JWT"));
        assert!(!is_absolute_uri("urn:"));
    }

    #[test]
    fn token_type_by_issued_type() {
        let at = token_type::ACCESS_TOKEN;
        assert_eq!(token_type_problem(at, Some(&json!("Bearer"))), None);
        assert_eq!(token_type_problem(at, Some(&json!("bearer"))), None);
        assert_eq!(token_type_problem(at, Some(&json!("DPoP"))), None);
        assert!(token_type_problem(at, Some(&json!("access_token"))).is_some());
        assert!(token_type_problem(at, Some(&json!("N_A"))).is_some());
        assert!(token_type_problem(at, None).is_some());
        let rt = token_type::REFRESH_TOKEN;
        assert_eq!(token_type_problem(rt, Some(&json!("N_A"))), None);
        assert!(token_type_problem(rt, Some(&json!("Bearer"))).is_some());
        let jwt = token_type::JWT;
        assert_eq!(token_type_problem(jwt, Some(&json!("N_A"))), None);
        assert_eq!(token_type_problem(jwt, Some(&json!("Bearer"))), None);
        assert!(token_type_problem(jwt, Some(&json!("JWT"))).is_some());
    }
}
