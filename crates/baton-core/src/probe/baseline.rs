//! Baseline: what a server must do when asked properly. The other groups mean little if these
//! fail, so they come first.

use crate::token_type;

use super::answer::Answer;
use super::session::Probing;
use super::{Probe, Verdict};

pub(super) fn probes() -> Vec<Probe> {
    vec![
        probe!(
            "baseline.plain-exchange",
            Baseline,
            Error,
            "RFC 8693 §2.1, §2.2.1",
            "A plain exchange of the subject token is answered with a token",
            "Accept a well-formed token exchange request from an authorised client and answer with access_token, issued_token_type and token_type.",
            plain_exchange
        ),
        probe!(
            "baseline.delegation",
            Baseline,
            Error,
            "RFC 8693 §1.1, §4.1",
            "Delegation with an actor token names the actor in act",
            "When an actor_token is accepted, put an act claim naming the actor (act.sub) into the issued token.",
            delegation
        ),
        probe!(
            "baseline.impersonation",
            Baseline,
            Warning,
            "RFC 8693 §1.1",
            "Impersonation (no actor token) issues a token with no act claim",
            "A token issued without an actor token must not claim an actor.",
            impersonation
        ),
        probe!(
            "baseline.requested-access-token",
            Baseline,
            Error,
            "RFC 8693 §2.1, §2.2.1",
            "requested_token_type access_token is issued as an access token",
            "Issue the requested type, and say so in issued_token_type.",
            requested_access_token
        ),
        probe!(
            "baseline.requested-jwt",
            Baseline,
            Warning,
            "RFC 8693 §2.1, §2.2.1, §3",
            "requested_token_type jwt is issued as a JWT or refused cleanly",
            "Issue a JWT with issued_token_type urn:ietf:params:oauth:token-type:jwt, or refuse with invalid_request; never issue another type silently.",
            requested_jwt
        ),
        probe!(
            "baseline.requested-id-token",
            Baseline,
            Warning,
            "RFC 8693 §2.1, §2.2.1, §3",
            "requested_token_type id_token is issued as an ID token or refused cleanly",
            "Issue an ID token with issued_token_type urn:ietf:params:oauth:token-type:id_token, or refuse with invalid_request.",
            requested_id_token
        ),
        probe!(
            "baseline.requested-refresh-token",
            Baseline,
            Warning,
            "RFC 8693 §2.1, §2.2.1, §3",
            "requested_token_type refresh_token is issued as a refresh token or refused cleanly",
            "Issue a refresh token with issued_token_type urn:ietf:params:oauth:token-type:refresh_token, or refuse with invalid_request.",
            requested_refresh_token
        ),
        probe!(
            "baseline.audience",
            Baseline,
            Error,
            "RFC 8693 §2.1",
            "An exchange that asks for an allowed audience is answered with a token",
            "Accept the audience parameter for the audiences a client may ask for.",
            audience
        ),
        probe!(
            "baseline.resource",
            Baseline,
            Warning,
            "RFC 8693 §2.1; RFC 8707 §2",
            "An exchange that names the target as a resource URI is answered with a token",
            "Accept the resource parameter (an absolute URI) for the targets a client may ask for.",
            resource
        ),
        probe!(
            "baseline.scope",
            Baseline,
            Error,
            "RFC 8693 §2.1, §2.2.1",
            "An exchange that asks for a narrower scope gets at most that scope",
            "Issue no more than the requested scope, and return scope when it differs from the request.",
            scope
        ),
    ]
}

/// The exchanger's exchange of the subject token, with `extra` parameters. The configured
/// audience and scope are added unless `extra` names a target or a scope itself: some servers
/// need a target, and some widen a request without a scope to the client's own (and refuse it),
/// which would hide what a probe measures.
pub(super) async fn exchange_subject(
    p: &Probing,
    label: &str,
    extra: &[(&str, &str)],
) -> Result<Answer, Verdict> {
    let subject = p.subject();
    let mut params = vec![
        ("subject_token", subject.token.as_str()),
        ("subject_token_type", subject.token_type.as_str()),
    ];
    params.extend_from_slice(extra);
    let names = |n: &[&str]| extra.iter().any(|(k, _)| n.contains(k));
    if !names(&["audience", "resource"])
        && let Some(a) = &p.session.audience
    {
        params.push(("audience", a));
    }
    if !names(&["scope"])
        && let Some(s) = &p.session.scope
    {
        params.push(("scope", s));
    }
    p.exchange(label, p.exchanger(), &params).await
}

/// A delegation by the exchanger: the subject token with the actor's own token.
pub(super) async fn delegate_subject(
    p: &Probing,
    label: &str,
    extra: &[(&str, &str)],
) -> Result<Answer, Verdict> {
    let actor = p.actor()?;
    let actor_token = p.client_token(actor).await?;
    let mut params = vec![
        ("actor_token", actor_token.as_str()),
        ("actor_token_type", token_type::ACCESS_TOKEN),
    ];
    params.extend_from_slice(extra);
    exchange_subject(p, label, &params).await
}

/// The exchanger's ordinary exchange: its audience and scope when configured, the actor when
/// there is one (delegation), else none (impersonation).
pub(super) async fn ordinary_exchange(p: &Probing, label: &str) -> Result<Answer, Verdict> {
    let mut extra: Vec<(&str, &str)> = Vec::new();
    if let Some(a) = &p.session.audience {
        extra.push(("audience", a));
    }
    if let Some(s) = &p.session.scope {
        extra.push(("scope", s));
    }
    if p.session.actor.is_some() {
        delegate_subject(p, label, &extra).await
    } else {
        exchange_subject(p, label, &extra).await
    }
}

/// A success must carry a token; a refusal is a failure that names the server's answer.
fn expect_token(answer: &Answer, what: &str) -> Result<(), Verdict> {
    if answer.issued() {
        Ok(())
    } else {
        Err(Verdict::Fail(format!(
            "{what} was not answered with a token: {}",
            answer.describe()
        )))
    }
}

async fn plain_exchange(p: &Probing) -> Verdict {
    let answer = match ordinary_exchange(p, "the exchanger's exchange").await {
        Ok(a) => a,
        Err(v) => return v,
    };
    if let Err(v) = expect_token(&answer, "the exchange") {
        return v;
    }
    match answer.member("issued_token_type") {
        Some(t) => Verdict::Pass(format!("a token was issued ({t})")),
        None => Verdict::Fail("a token was issued without issued_token_type".into()),
    }
}

async fn delegation(p: &Probing) -> Verdict {
    let actor = match p.actor() {
        Ok(a) => a.clone(),
        Err(v) => return v,
    };
    let mut extra: Vec<(&str, &str)> = Vec::new();
    if let Some(a) = &p.session.audience {
        extra.push(("audience", a));
    }
    let answer = match delegate_subject(p, "delegation with the actor's token", &extra).await {
        Ok(a) => a,
        Err(v) => return v,
    };
    if let Err(v) = expect_token(&answer, "the delegation") {
        return v;
    }
    let Some(jwt) = answer.issued_jwt() else {
        return Verdict::Skip(
            "the issued token is not a JWT: its act claim is judged through introspection (introspection.act-for-delegated)".into(),
        );
    };
    match jwt.act_chain.actors.first() {
        None => Verdict::Fail(format!(
            "the delegated token has no act claim: it reads as impersonation, though {} acted",
            actor.id
        )),
        Some(outer) => Verdict::Pass(format!(
            "the issued token names its actor: act.sub = {:?}",
            outer.sub.as_deref().unwrap_or("(none)")
        )),
    }
}

async fn impersonation(p: &Probing) -> Verdict {
    let mut extra: Vec<(&str, &str)> = Vec::new();
    if let Some(a) = &p.session.audience {
        extra.push(("audience", a));
    }
    let answer = match exchange_subject(p, "exchange without an actor token", &extra).await {
        Ok(a) => a,
        Err(v) => return v,
    };
    if !answer.issued() {
        return Verdict::Skip(format!(
            "the server does not let the exchanger impersonate: {}",
            answer.describe()
        ));
    }
    let Some(jwt) = answer.issued_jwt() else {
        return Verdict::Skip("the issued token is not a JWT, so its claims cannot be read".into());
    };
    let subject_act = p.subject().jwt().and_then(|j| j.claims.get("act").cloned());
    match (jwt.claims.get("act"), subject_act) {
        (None, _) => Verdict::Pass("the token was issued with no act claim".into()),
        (Some(a), Some(prior)) if *a == prior => Verdict::Pass(
            "the token keeps the subject token's own act claim and adds no actor".into(),
        ),
        (Some(a), _) => Verdict::Fail(format!(
            "no actor token was sent, yet the issued token claims an actor: act = {a}"
        )),
    }
}

/// Requests `uri`; a clean refusal skips unless `required`.
async fn requested_type(p: &Probing, uri: &str, required: bool) -> Verdict {
    let label = format!(
        "exchange with requested_token_type {}",
        token_type::short_name(uri).unwrap_or(uri)
    );
    let mut extra = vec![("requested_token_type", uri)];
    if let Some(a) = &p.session.audience {
        extra.push(("audience", a));
    }
    let answer = match exchange_or_delegate(p, &label, &extra).await {
        Ok(a) => a,
        Err(v) => return v,
    };
    if !answer.issued() {
        if answer.status() >= 500 {
            return Verdict::Fail(format!(
                "asking for {} made the server fail: {}",
                token_type::short_name(uri).unwrap_or(uri),
                answer.describe()
            ));
        }
        if required {
            return Verdict::Fail(format!(
                "asking for {} was refused: {}",
                token_type::short_name(uri).unwrap_or(uri),
                answer.describe()
            ));
        }
        return Verdict::Skip(format!(
            "the server does not issue {} (it refused: {})",
            token_type::short_name(uri).unwrap_or(uri),
            answer.describe()
        ));
    }
    match answer.member("issued_token_type") {
        Some(t) if t == uri => Verdict::Pass(format!("issued as {t}")),
        Some(t) => Verdict::Fail(format!(
            "{} was requested but {t} was issued; a server that cannot issue the requested type must refuse",
            token_type::short_name(uri).unwrap_or(uri)
        )),
        None => Verdict::Fail("a token was issued without issued_token_type".into()),
    }
}

/// Delegation when an actor is configured (some servers only delegate), else a plain exchange.
async fn exchange_or_delegate(
    p: &Probing,
    label: &str,
    extra: &[(&str, &str)],
) -> Result<Answer, Verdict> {
    if p.session.actor.is_some() {
        delegate_subject(p, label, extra).await
    } else {
        exchange_subject(p, label, extra).await
    }
}

async fn requested_access_token(p: &Probing) -> Verdict {
    requested_type(p, token_type::ACCESS_TOKEN, true).await
}

async fn requested_jwt(p: &Probing) -> Verdict {
    requested_type(p, token_type::JWT, false).await
}

async fn requested_id_token(p: &Probing) -> Verdict {
    requested_type(p, token_type::ID_TOKEN, false).await
}

async fn requested_refresh_token(p: &Probing) -> Verdict {
    requested_type(p, token_type::REFRESH_TOKEN, false).await
}

async fn audience(p: &Probing) -> Verdict {
    let Some(aud) = p.session.audience.clone() else {
        return Verdict::Skip("no audience is configured ([probe] audience)".into());
    };
    let answer =
        match exchange_or_delegate(p, "exchange for the audience", &[("audience", &aud)]).await {
            Ok(a) => a,
            Err(v) => return v,
        };
    match expect_token(&answer, &format!("asking for audience {aud:?}")) {
        Err(v) => v,
        Ok(()) => Verdict::Pass(format!("a token for audience {aud:?} was issued")),
    }
}

async fn resource(p: &Probing) -> Verdict {
    let Some(resource) = p.session.resource.clone() else {
        return Verdict::Skip("no resource is configured ([probe] resource)".into());
    };
    let answer = match exchange_or_delegate(
        p,
        "exchange for the resource",
        &[("resource", &resource)],
    )
    .await
    {
        Ok(a) => a,
        Err(v) => return v,
    };
    match expect_token(&answer, &format!("asking for resource {resource:?}")) {
        Err(v) => v,
        Ok(()) => Verdict::Pass(format!("a token for resource {resource:?} was issued")),
    }
}

async fn scope(p: &Probing) -> Verdict {
    let Some(requested) = p.session.scope.clone() else {
        return Verdict::Skip("no scope is configured ([probe] scope)".into());
    };
    let mut extra = vec![("scope", requested.as_str())];
    if let Some(a) = &p.session.audience {
        extra.push(("audience", a));
    }
    let answer = match exchange_or_delegate(p, "exchange for a narrower scope", &extra).await {
        Ok(a) => a,
        Err(v) => return v,
    };
    if let Err(v) = expect_token(&answer, &format!("asking for scope {requested:?}")) {
        return v;
    }
    let asked: Vec<&str> = requested.split_whitespace().collect();
    let granted: Option<Vec<String>> = answer
        .member("scope")
        .map(|s| s.split_whitespace().map(str::to_string).collect())
        .or_else(|| answer.issued_jwt().and_then(|j| j.scopes()));
    match granted {
        None => Verdict::Pass(format!(
            "issued with no scope member, which means exactly the requested {requested:?} (RFC 6749 §5.1)"
        )),
        Some(granted) => {
            let wider: Vec<&String> = granted
                .iter()
                .filter(|s| !asked.contains(&s.as_str()))
                .collect();
            if wider.is_empty() {
                Verdict::Pass(format!("granted {:?}", granted.join(" ")))
            } else {
                Verdict::Fail(format!(
                    "asked for {requested:?} but was granted {:?}: more than requested",
                    granted.join(" ")
                ))
            }
        }
    }
}
