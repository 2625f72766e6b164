//! Introspection (RFC 7662): who may ask, and whether the answers agree with the tokens.

use serde_json::Value as Json;

use crate::auth::ClientAuth;
use crate::jwt::split_scope;
use crate::secret::Secret;

use super::answer::Answer;
use super::baseline::{delegate_subject, ordinary_exchange};
use super::session::{Probing, Role};
use super::{Probe, Verdict};

pub(super) fn probes() -> Vec<Probe> {
    vec![
        probe!(
            "introspection.requires-auth",
            Introspection,
            Error,
            "RFC 7662 §2.1, §4",
            "Introspection without client authentication is refused",
            "Require client authentication at the introspection endpoint and answer 401 without it; never say anything about the token.",
            requires_auth
        ),
        probe!(
            "introspection.fresh-token-active",
            Introspection,
            Error,
            "RFC 7662 §2.2",
            "A token just issued is introspected as active",
            "Answer 200 with active true for a valid token the server issued.",
            fresh_token_active
        ),
        probe!(
            "introspection.claims-agree",
            Introspection,
            Warning,
            "RFC 7662 §2.2",
            "Introspection's sub, scope, client_id and exp agree with the token's claims",
            "Answer introspection from the token's own claims, so both say the same.",
            claims_agree
        ),
        probe!(
            "introspection.act-for-delegated",
            Introspection,
            Warning,
            "RFC 7662 §2.2; RFC 8693 §4.1",
            "A delegated token's introspection carries act",
            "Include the act claim in the introspection answer of a delegated token.",
            act_for_delegated
        ),
        probe!(
            "introspection.garbage-inactive",
            Introspection,
            Error,
            "RFC 7662 §2.2",
            "A garbage token is answered 200 {\"active\": false} and nothing else",
            "Answer an invalid, expired or unknown token with exactly {\"active\": false}.",
            garbage_inactive
        ),
        probe!(
            "introspection.no-null-members",
            Introspection,
            Warning,
            "RFC 7662 §2.2; RFC 7159",
            "An introspection answer has no null members",
            "Leave out members that have no value instead of sending null.",
            no_null_members
        ),
        probe!(
            "introspection.error-status",
            Introspection,
            Warning,
            "RFC 7662 §2.3; RFC 6749 §5.2",
            "A wrong client secret at introspection is answered 401 invalid_client",
            "Answer failed client authentication at the introspection endpoint with HTTP 401 and invalid_client.",
            error_status
        ),
    ]
}

/// A string no server issued.
const GARBAGE: &str = "baton-probe-garbage-token-not-issued-by-anyone";

fn settle(r: Result<Verdict, Verdict>) -> Verdict {
    r.unwrap_or_else(|v| v)
}

/// The introspection endpoint, or the skip every probe of the group shares.
async fn endpoint(p: &Probing) -> Result<String, Verdict> {
    p.introspection_endpoint()
        .await
        .ok_or_else(|| Verdict::Skip("the server has no introspection endpoint".into()))
}

/// Introspects `token` at `url`, authenticated as `role` when given.
pub(super) async fn introspect(
    p: &Probing,
    label: &str,
    url: &str,
    role: Option<&Role>,
    token: &str,
) -> Result<Answer, Verdict> {
    let request = p.form(url, role, &[("token", token)])?;
    p.send(label, request).await
}

/// `active` of a 200 answer, or what was wrong with the answer.
pub(super) fn active(answer: &Answer) -> Result<bool, String> {
    if answer.status() != 200 {
        return Err(format!("answered {}", answer.describe()));
    }
    match answer.json_object().and_then(|m| m.get("active")) {
        Some(Json::Bool(b)) => Ok(*b),
        Some(other) => Err(format!(
            "answered HTTP 200 with active = {other}, not a boolean"
        )),
        None => Err("answered HTTP 200 without an active member".into()),
    }
}

/// The ordinary exchange's token, or a skip.
async fn fresh_token(p: &Probing) -> Result<(Answer, String), Verdict> {
    let answer = ordinary_exchange(p, "the exchanger's ordinary exchange").await?;
    match answer.access_token().filter(|_| answer.issued()) {
        Some(t) => {
            let token = t.to_string();
            Ok((answer, token))
        }
        None => Err(Verdict::Skip(format!(
            "the ordinary exchange was refused ({}), so there is no fresh token to introspect",
            answer.describe()
        ))),
    }
}

/// The introspection of a fresh token by the exchanger, active, or a skip.
async fn active_answer(p: &Probing, url: &str, token: &str) -> Result<Answer, Verdict> {
    let answer = introspect(
        p,
        "introspecting the fresh token",
        url,
        Some(p.exchanger()),
        token,
    )
    .await?;
    match active(&answer) {
        Ok(true) => Ok(answer),
        Ok(false) => Err(Verdict::Skip(
            "the fresh token was introspected as inactive, so nothing else can be compared (introspection.fresh-token-active)".into(),
        )),
        Err(e) => Err(Verdict::Skip(format!(
            "introspection of the fresh token {e} (introspection.fresh-token-active)"
        ))),
    }
}

async fn requires_auth(p: &Probing) -> Verdict {
    settle(
        async {
            let url = endpoint(p).await?;
            let answer = introspect(
                p,
                "introspection without client authentication",
                &url,
                None,
                &p.subject().token,
            )
            .await?;
            let status = answer.status();
            let said = answer
                .json_object()
                .is_some_and(|m| m.contains_key("active"));
            Ok(if (200..300).contains(&status) || said {
                Verdict::Fail(format!(
                    "introspection with no client authentication was answered ({}{}): the endpoint must refuse it with 401",
                    answer.describe(),
                    match answer.json_object().and_then(|m| m.get("active")) {
                        Some(a) => format!(", active = {a}"),
                        None => String::new(),
                    }
                ))
            } else if status == 401 {
                Verdict::Pass(format!(
                    "introspection with no client authentication was refused: {}",
                    answer.describe()
                ))
            } else if (400..500).contains(&status) {
                Verdict::Pass(format!(
                    "introspection with no client authentication was refused: {} (RFC 7662 §2.3 expects 401; introspection.error-status judges statuses)",
                    answer.describe()
                ))
            } else {
                Verdict::Fail(format!(
                    "introspection with no client authentication got {}; it must be refused with 401",
                    answer.describe()
                ))
            })
        }
        .await,
    )
}

async fn fresh_token_active(p: &Probing) -> Verdict {
    settle(
        async {
            let url = endpoint(p).await?;
            let (_, token) = fresh_token(p).await?;
            let answer =
                introspect(p, "introspecting the fresh token", &url, Some(p.exchanger()), &token)
                    .await?;
            Ok(match active(&answer) {
                Ok(true) => Verdict::Pass("the token just issued is active".into()),
                Ok(false) => Verdict::Fail(
                    "the token just issued was introspected as active: false".into(),
                ),
                Err(e) => Verdict::Fail(format!(
                    "introspection of the token just issued {e}; it must answer 200 with active true"
                )),
            })
        }
        .await,
    )
}

/// A comparable rendering of a claim: scopes as a sorted set, numbers as integers.
fn comparable(name: &str, value: &Json) -> String {
    match (name, value) {
        ("scope", Json::String(s)) => {
            let mut parts = split_scope(s);
            parts.sort();
            parts.join(" ")
        }
        (_, Json::String(s)) => s.clone(),
        (_, other) => {
            crate::response::integer(other).map_or_else(|| other.to_string(), |n| n.to_string())
        }
    }
}

async fn claims_agree(p: &Probing) -> Verdict {
    settle(
        async {
            let url = endpoint(p).await?;
            let (issued, token) = fresh_token(p).await?;
            let jwt = issued.issued_jwt().ok_or_else(|| {
                Verdict::Skip(
                    "the issued token is opaque, so there are no claims to compare (opaque.issued-judged judges it through introspection)".into(),
                )
            })?;
            let answer = active_answer(p, &url, &token).await?;
            let said = answer.json_object().cloned().unwrap_or_default();
            let mut compared = Vec::new();
            let mut disagree = Vec::new();
            for name in ["sub", "scope", "client_id", "exp"] {
                if let (Some(a), Some(b)) = (jwt.claims.get(name), said.get(name)) {
                    compared.push(name);
                    let (a, b) = (comparable(name, a), comparable(name, b));
                    if a != b {
                        disagree.push(format!("{name}: the token says {a:?}, introspection {b:?}"));
                    }
                }
            }
            Ok(if compared.is_empty() {
                Verdict::Skip(
                    "neither sub, scope, client_id nor exp is in both the token and its introspection".into(),
                )
            } else if disagree.is_empty() {
                Verdict::Pass(format!("{} agree", compared.join(", ")))
            } else {
                Verdict::Fail(format!(
                    "introspection disagrees with the token: {}",
                    disagree.join("; ")
                ))
            })
        }
        .await,
    )
}

async fn act_for_delegated(p: &Probing) -> Verdict {
    settle(
        async {
            let url = endpoint(p).await?;
            p.actor()?;
            let mut extra: Vec<(&str, &str)> = Vec::new();
            if let Some(a) = &p.session.audience {
                extra.push(("audience", a));
            }
            let delegated = delegate_subject(p, "a delegation with the actor's token", &extra).await?;
            let token = delegated
                .access_token()
                .filter(|_| delegated.issued())
                .ok_or_else(|| {
                    Verdict::Skip(format!(
                        "the server does not delegate (the delegation was refused: {})",
                        delegated.describe()
                    ))
                })?
                .to_string();
            let answer = active_answer(p, &url, &token).await?;
            let act = answer.json_object().and_then(|m| m.get("act")).cloned();
            let token_act = delegated.issued_jwt().and_then(|j| j.claims.get("act").cloned());
            Ok(match (act, token_act) {
                (None, _) => Verdict::Fail(
                    "the delegated token's introspection has no act: it reads as the subject's own token".into(),
                ),
                (Some(a), Some(t)) if a != t => Verdict::Fail(format!(
                    "introspection says act = {a}, but the token says act = {t}"
                )),
                (Some(a), _) => Verdict::Pass(format!("introspection carries act = {a}")),
            })
        }
        .await,
    )
}

async fn garbage_inactive(p: &Probing) -> Verdict {
    settle(
        async {
            let url = endpoint(p).await?;
            let answer = introspect(
                p,
                "introspecting a garbage token",
                &url,
                Some(p.exchanger()),
                GARBAGE,
            )
            .await?;
            Ok(match active(&answer) {
                Err(e) => Verdict::Fail(format!(
                    "a garbage token {e}; it must be answered 200 {{\"active\": false}}"
                )),
                Ok(true) => Verdict::Fail("a garbage token was introspected as active: true".into()),
                Ok(false) => {
                    let extra: Vec<String> = answer
                        .json_object()
                        .map(|m| m.keys().filter(|k| *k != "active").cloned().collect())
                        .unwrap_or_default();
                    if extra.is_empty() {
                        Verdict::Pass("a garbage token is answered {\"active\": false} and nothing else".into())
                    } else {
                        Verdict::Fail(format!(
                            "a garbage token is inactive, but the answer also has {}: an inactive token's answer must say nothing more",
                            extra.join(", ")
                        ))
                    }
                }
            })
        }
        .await,
    )
}

async fn no_null_members(p: &Probing) -> Verdict {
    settle(
        async {
            let url = endpoint(p).await?;
            let (_, token) = fresh_token(p).await?;
            let answer = active_answer(p, &url, &token).await?;
            let nulls = answer.null_members();
            Ok(if nulls.is_empty() {
                Verdict::Pass("the introspection answer has no null members".into())
            } else {
                Verdict::Fail(format!(
                    "the introspection answer has null members: {} (leave them out instead)",
                    nulls.join(", ")
                ))
            })
        }
        .await,
    )
}

async fn error_status(p: &Probing) -> Verdict {
    settle(
        async {
            let url = endpoint(p).await?;
            let exchanger = p.exchanger().clone();
            let wrong = |s: &Secret| Secret::new(format!("{}-baton-probe-wrong", s.expose()));
            let auth = match &exchanger.auth {
                ClientAuth::SecretBasic { client_id, secret } => ClientAuth::SecretBasic {
                    client_id: client_id.clone(),
                    secret: wrong(secret),
                },
                ClientAuth::SecretPost { client_id, secret } => ClientAuth::SecretPost {
                    client_id: client_id.clone(),
                    secret: wrong(secret),
                },
                _ => {
                    return Err(Verdict::Skip(format!(
                        "the exchanger {} does not authenticate with a secret, so there is no wrong secret to send",
                        exchanger.id
                    )));
                }
            };
            let role = Role { auth, ..exchanger };
            let answer = introspect(
                p,
                "introspection with a wrong client secret",
                &url,
                Some(&role),
                &p.subject().token,
            )
            .await?;
            Ok(answer.must_refuse_with(
                "introspection with a wrong client secret",
                "invalid_client",
                401,
            ))
        }
        .await,
    )
}
