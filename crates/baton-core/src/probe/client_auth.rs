//! Client authentication at the token endpoint (RFC 6749 §2.3, §2.3.1, §3.2.1, §5.2): the
//! exchanger's credentials, manipulated. Each refusal probe first sends the same exchange with
//! valid credentials (the control), so a refusal for another reason is told apart. The status and
//! code of the refusal are the response group's (`response.invalid-client-status`).

use crate::auth::{ClientAuth, basic_authorization};
use crate::secret::Secret;

use super::request::{Auth, Params, control, ordinary_params, post, secret_of, set, wrong_secret};
use super::session::{Probing, Role};
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
            "client-auth.no-secret",
            ClientAuth,
            Error,
            "RFC 6749 §2.3.1, §3.2.1",
            "A confidential client that sends only its client_id is refused",
            "Require a confidential client to authenticate at the token endpoint: client_id alone is 401 invalid_client.",
            no_secret
        ),
        probe!(
            "client-auth.wrong-secret",
            ClientAuth,
            Error,
            "RFC 6749 §2.3.1, §5.2",
            "A wrong client secret is refused",
            "Compare the presented secret with the client's and answer a mismatch with invalid_client.",
            wrong_secret_probe
        ),
        probe!(
            "client-auth.other-clients-secret",
            ClientAuth,
            Error,
            "RFC 6749 §2.3.1, §5.2",
            "A client id with another client's secret is refused",
            "Check the secret against the client the id names, not against any client's secret.",
            other_clients_secret
        ),
        probe!(
            "client-auth.malformed-basic",
            ClientAuth,
            Warning,
            "RFC 6749 §2.3.1, §5.2; RFC 7617 §2",
            "A malformed Basic Authorization header is refused",
            "Refuse an Authorization header whose Basic credentials do not decode (401 invalid_client); never ignore it and fall back to other credentials.",
            malformed_basic
        ),
        probe!(
            "client-auth.two-methods",
            ClientAuth,
            Warning,
            "RFC 6749 §2.3",
            "A request that authenticates with Basic and client_secret at once is refused",
            "Refuse a request that uses more than one client authentication method (invalid_request).",
            two_methods
        ),
        probe!(
            "client-auth.two-authorization-headers",
            ClientAuth,
            Warning,
            "RFC 6749 §2.3, §3.2; RFC 9110 §5.3",
            "A request with two Authorization headers is refused",
            "Refuse a request with more than one Authorization header (400 invalid_request) instead of taking the first or the last.",
            two_authorization_headers
        ),
        probe!(
            "client-auth.basic-challenge",
            ClientAuth,
            Warning,
            "RFC 6749 §5.2",
            "A failed Basic authentication gets 401 with a Basic WWW-Authenticate challenge",
            "When a client that used the Authorization header fails to authenticate, answer 401 with WWW-Authenticate: Basic (and the invalid_client JSON body).",
            basic_challenge
        ),
        probe!(
            "client-auth.unknown-client",
            ClientAuth,
            Error,
            "RFC 6749 §2.3.1, §5.2",
            "An unknown client id with a secret is refused",
            "Authenticate only registered clients: an unknown client_id is invalid_client.",
            unknown_client
        ),
    ]
}

/// A client id no server has registered.
pub(super) const UNKNOWN_CLIENT: &str = "baton-probe-unknown-client";
const UNKNOWN_CLIENT_SECRET: &str = "baton-probe-secret";

/// The exchanger's own way of sending a secret, with `secret` in place of its own.
fn own_method<'a>(role: &'a Role, secret: &'a str) -> Result<Auth<'a>, Verdict> {
    match &role.auth {
        ClientAuth::SecretBasic { client_id, .. } => Ok(Auth::Basic(client_id, secret)),
        ClientAuth::SecretPost { client_id, .. } => Ok(Auth::Post(client_id, secret)),
        other => Err(Verdict::Skip(format!(
            "{} authenticates with {}, not with a client secret, which this probe needs",
            role.id,
            other.method().as_str()
        ))),
    }
}

/// The control with the exchanger's own credentials, then `broken` with `auth`, judged by
/// `must_refuse(what)`.
async fn refuse(p: &Probing, what: &str, broken: &Params, auth: Auth<'_>) -> Verdict {
    let valid = attempt!(ordinary_params(p).await);
    attempt!(control(p, &valid, Auth::Role(p.exchanger()), what).await);
    let answer = attempt!(post(p, what, broken, auth).await);
    answer.must_refuse(what)
}

async fn no_secret(p: &Probing) -> Verdict {
    let exchanger = p.exchanger();
    attempt!(secret_of(exchanger));
    let what = format!(
        "an exchange by the confidential client {} with client_id only, no secret",
        exchanger.client_id
    );
    let mut broken = attempt!(ordinary_params(p).await);
    set(&mut broken, "client_id", &exchanger.client_id);
    refuse(p, &what, &broken, Auth::Nothing).await
}

async fn wrong_secret_probe(p: &Probing) -> Verdict {
    let exchanger = p.exchanger();
    let secret = attempt!(secret_of(exchanger));
    let wrong = wrong_secret(&secret);
    let auth = attempt!(own_method(exchanger, &wrong));
    let what = format!("an exchange by {} with a wrong secret", exchanger.client_id);
    let broken = attempt!(ordinary_params(p).await);
    refuse(p, &what, &broken, auth).await
}

async fn other_clients_secret(p: &Probing) -> Verdict {
    let exchanger = p.exchanger();
    let own = attempt!(secret_of(exchanger));
    let attacker = attempt!(p.attacker());
    let theirs = attempt!(secret_of(attacker));
    if theirs == own {
        return Verdict::Skip(format!(
            "{} and {} have the same secret, so one cannot be sent as the other's",
            exchanger.id, attacker.id
        ));
    }
    let auth = attempt!(own_method(exchanger, &theirs));
    let what = format!(
        "an exchange by {} authenticated with {}'s secret",
        exchanger.client_id, attacker.client_id
    );
    let broken = attempt!(ordinary_params(p).await);
    refuse(p, &what, &broken, auth).await
}

/// What the malformed-basic probe sends.
pub(super) const MALFORMED_BASIC: &str = "Basic !!!notbase64";

async fn malformed_basic(p: &Probing) -> Verdict {
    let what = format!("an exchange with `Authorization: {MALFORMED_BASIC}`");
    let broken = attempt!(ordinary_params(p).await);
    refuse(
        p,
        &what,
        &broken,
        Auth::Authorization(vec![MALFORMED_BASIC.into()]),
    )
    .await
}

async fn two_methods(p: &Probing) -> Verdict {
    let exchanger = p.exchanger();
    let secret = attempt!(secret_of(exchanger));
    let what = format!(
        "an exchange by {} with its secret both in a Basic header and as client_secret in the body",
        exchanger.client_id
    );
    let mut broken = attempt!(ordinary_params(p).await);
    set(&mut broken, "client_id", &exchanger.client_id);
    set(&mut broken, "client_secret", &secret);
    refuse(
        p,
        &what,
        &broken,
        Auth::Basic(&exchanger.client_id, &secret),
    )
    .await
}

async fn two_authorization_headers(p: &Probing) -> Verdict {
    let exchanger = p.exchanger();
    let secret = attempt!(secret_of(exchanger));
    let first = basic_authorization(&exchanger.client_id, &Secret::new(secret.clone()));
    // Another client's valid credentials when there is one, else an unknown client's.
    let (second, whose) = match p
        .session
        .attacker
        .as_ref()
        .and_then(|a| a.secret().map(|s| (a, s)))
    {
        Some((a, s)) => (basic_authorization(&a.client_id, s), a.client_id.clone()),
        None => (
            basic_authorization(UNKNOWN_CLIENT, &Secret::new(UNKNOWN_CLIENT_SECRET)),
            UNKNOWN_CLIENT.to_string(),
        ),
    };
    let what = format!(
        "an exchange with two Authorization headers, {}'s valid one first and {whose}'s second",
        exchanger.client_id
    );
    let valid = attempt!(ordinary_params(p).await);
    attempt!(control(p, &valid, Auth::Basic(&exchanger.client_id, &secret), &what).await);
    let answer = attempt!(post(p, &what, &valid, Auth::Authorization(vec![first, second])).await);
    answer.must_refuse(&what)
}

async fn basic_challenge(p: &Probing) -> Verdict {
    let exchanger = p.exchanger();
    let secret = attempt!(secret_of(exchanger));
    let wrong = wrong_secret(&secret);
    let what = format!(
        "an exchange by {} with a wrong secret over HTTP Basic",
        exchanger.client_id
    );
    let params = attempt!(ordinary_params(p).await);
    let answer = attempt!(post(p, &what, &params, Auth::Basic(&exchanger.client_id, &wrong)).await);
    if answer.issued() {
        return Verdict::Fail(format!(
            "{what} was accepted: {}; it must be refused with 401 invalid_client",
            answer.describe()
        ));
    }
    if answer.status() != 401 {
        return Verdict::Fail(format!(
            "{what} got {}; a client that authenticated with the Authorization header must get HTTP 401 with WWW-Authenticate: Basic",
            answer.describe()
        ));
    }
    let challenges = answer.headers("www-authenticate");
    let scheme = |c: &str| c.split_whitespace().next().unwrap_or_default().to_string();
    if challenges
        .iter()
        .any(|c| scheme(c).eq_ignore_ascii_case("basic"))
    {
        return Verdict::Pass(format!(
            "{what} got HTTP 401 with WWW-Authenticate: {}",
            challenges.join(", ")
        ));
    }
    if challenges.is_empty() {
        Verdict::Fail(format!(
            "{what} got HTTP 401 without a WWW-Authenticate header; it must challenge with the scheme the client used (Basic)"
        ))
    } else {
        Verdict::Fail(format!(
            "{what} got HTTP 401 with WWW-Authenticate: {}; the challenge must use the scheme the client used (Basic), not {}",
            challenges.join(", "),
            challenges
                .iter()
                .map(|c| scheme(c))
                .collect::<Vec<_>>()
                .join(", ")
        ))
    }
}

async fn unknown_client(p: &Probing) -> Verdict {
    let what = format!("an exchange by the unknown client {UNKNOWN_CLIENT:?} with a secret");
    let broken = attempt!(ordinary_params(p).await);
    refuse(
        p,
        &what,
        &broken,
        Auth::Basic(UNKNOWN_CLIENT, UNKNOWN_CLIENT_SECRET),
    )
    .await
}
