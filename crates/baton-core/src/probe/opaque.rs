//! Opaque tokens: where a token is not a JWT, the probes judge it through introspection and the
//! response's own members instead of giving up. The other groups' probes that need JWT claims
//! skip with a reason pointing here.

use serde_json::Value as Json;

use crate::jwt::split_scope;

use super::answer::Answer;
use super::baseline::ordinary_exchange;
use super::introspection::{active, introspect};
use super::session::Probing;
use super::{Probe, Verdict};

pub(super) fn probes() -> Vec<Probe> {
    vec![
        probe!(
            "opaque.subject-judged",
            Opaque,
            Warning,
            "RFC 7662 §2.2; RFC 8693 §2.1",
            "An opaque subject token is judged through introspection",
            "Offer an introspection endpoint that answers active and scope for the tokens you issue.",
            subject_judged
        ),
        probe!(
            "opaque.issued-judged",
            Opaque,
            Warning,
            "RFC 8693 §2.2.1, §5; RFC 7662 §2.2",
            "An opaque issued token's scope and audience are judged from the response and introspection",
            "Return scope in the exchange response and answer introspection with active, scope and aud, within what the subject token held.",
            issued_judged
        ),
    ]
}

fn settle(r: Result<Verdict, Verdict>) -> Verdict {
    r.unwrap_or_else(|v| v)
}

/// The introspection of `token` by the exchanger, when active: its members.
async fn introspected(
    p: &Probing,
    label: &str,
    url: &str,
    token: &str,
) -> Result<Result<serde_json::Map<String, Json>, String>, Verdict> {
    let answer = introspect(p, label, url, Some(p.exchanger()), token).await?;
    Ok(match active(&answer) {
        Ok(true) => Ok(answer.json_object().cloned().unwrap_or_default()),
        Ok(false) => Err("was introspected as active: false".into()),
        Err(e) => Err(e),
    })
}

fn scope_of(members: &serde_json::Map<String, Json>) -> Option<Vec<String>> {
    members.get("scope").and_then(Json::as_str).map(split_scope)
}

fn aud_of(members: &serde_json::Map<String, Json>) -> Option<Vec<String>> {
    match members.get("aud")? {
        Json::String(s) => Some(vec![s.clone()]),
        Json::Array(items) => Some(
            items
                .iter()
                .filter_map(Json::as_str)
                .map(str::to_string)
                .collect(),
        ),
        _ => None,
    }
}

async fn subject_judged(p: &Probing) -> Verdict {
    settle(
        async {
            if p.subject().jwt().is_some() {
                return Err(Verdict::Skip(
                    "the subject token is a JWT: its claims are read directly by the token, chain and issued groups".into(),
                ));
            }
            let url = p.introspection_endpoint().await.ok_or_else(|| {
                Verdict::Skip(
                    "the subject token is opaque and the server has no introspection endpoint, so nothing about it can be judged".into(),
                )
            })?;
            let subject = p.subject().token.clone();
            Ok(
                match introspected(p, "introspecting the opaque subject token", &url, &subject).await? {
                    Ok(members) => Verdict::Pass(match scope_of(&members) {
                        Some(s) => format!(
                            "the opaque subject token is active with scope {:?} (introspection)",
                            s.join(" ")
                        ),
                        None => "the opaque subject token is active (introspection gives no scope, so scope probes judge against the request only)".into(),
                    }),
                    Err(e) => Verdict::Fail(format!(
                        "the opaque subject token {e}: the server cannot say what its own token is"
                    )),
                },
            )
        }
        .await,
    )
}

/// What the subject token holds: its JWT scope, else its introspected scope.
async fn subject_scope(p: &Probing, url: Option<&str>) -> Result<Option<Vec<String>>, Verdict> {
    if let Some(jwt) = p.subject().jwt() {
        return Ok(jwt.scopes());
    }
    let Some(url) = url else {
        return Ok(None);
    };
    let subject = p.subject().token.clone();
    Ok(
        introspected(p, "introspecting the opaque subject token", url, &subject)
            .await?
            .ok()
            .and_then(|m| scope_of(&m)),
    )
}

async fn issued_judged(p: &Probing) -> Verdict {
    settle(
        async {
            let answer: Answer = ordinary_exchange(p, "the exchanger's ordinary exchange").await?;
            let token = answer
                .access_token()
                .filter(|_| answer.issued())
                .ok_or_else(|| {
                    Verdict::Skip(format!(
                        "the ordinary exchange was refused ({}), so there is no issued token to judge",
                        answer.describe()
                    ))
                })?
                .to_string();
            if answer.issued_jwt().is_some() {
                return Err(Verdict::Skip(
                    "the issued token is a JWT: the issued group reads its claims directly".into(),
                ));
            }
            let url = p.introspection_endpoint().await;
            let mut problems = Vec::new();
            let mut seen = Vec::new();
            let members = match &url {
                Some(u) => {
                    match introspected(p, "introspecting the opaque issued token", u, &token).await? {
                        Ok(m) => Some(m),
                        Err(e) => {
                            return Ok(Verdict::Fail(format!("the opaque issued token {e}")));
                        }
                    }
                }
                None => None,
            };
            let granted = answer
                .member("scope")
                .map(split_scope)
                .or_else(|| members.as_ref().and_then(scope_of));
            let held = subject_scope(p, url.as_deref()).await?;
            match (&granted, &held) {
                (Some(g), Some(h)) => {
                    let wider: Vec<&String> = g.iter().filter(|s| !h.contains(s)).collect();
                    if wider.is_empty() {
                        seen.push(format!("scope {:?} within the subject's {:?}", g.join(" "), h.join(" ")));
                    } else {
                        problems.push(format!(
                            "scope {:?} is not held by the subject token ({:?})",
                            wider.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(" "),
                            h.join(" ")
                        ));
                    }
                }
                (Some(g), None) => seen.push(format!("scope {:?} (the subject's scope is unknown)", g.join(" "))),
                (None, _) => seen.push("no scope in the response or introspection".into()),
            }
            if let Some(audience) = &p.session.audience {
                match members.as_ref().and_then(aud_of) {
                    Some(aud) if aud.contains(audience) => seen.push(format!("aud {aud:?} names {audience:?}")),
                    Some(aud) => problems.push(format!(
                        "audience {audience:?} was asked for but introspection says aud {aud:?}"
                    )),
                    None => seen.push("no aud in introspection".into()),
                }
            }
            if members.is_none() && granted.is_none() {
                return Err(Verdict::Skip(
                    "the issued token is opaque, the response has no scope and the server has no introspection endpoint, so nothing about it can be judged".into(),
                ));
            }
            Ok(if problems.is_empty() {
                Verdict::Pass(format!("the opaque issued token: {}", seen.join("; ")))
            } else {
                Verdict::Fail(format!("the opaque issued token: {}", problems.join("; ")))
            })
        }
        .await,
    )
}
