//! Delegation integrity: an attacker client splicing itself into a delegation chain, and the
//! `act` chain the server builds. The exchanger is the legitimate agent, the actor its actor, the
//! attacker another client with the exchange grant. Where an attack could be refused for an
//! unrelated reason a control request (the same request made legitimate) goes first.

use serde_json::Value as Json;

use crate::jwt::{Jwt, decode};
use crate::token_type;

use super::answer::Answer;
use super::baseline::delegate_subject;
use super::session::{Probing, Role};
use super::{Probe, Verdict};

pub(super) fn probes() -> Vec<Probe> {
    vec![
        probe!(
            "chain.actor-token-of-another-client",
            Chain,
            Error,
            "RFC 8693 §2.1, §4.1",
            "A client cannot present another client's own token as its actor token",
            "Tie the actor_token to the presenting client: its sub or client_id is that client, or the client is in its aud.",
            actor_token_of_another_client
        ),
        probe!(
            "chain.subject-actor-swapped",
            Chain,
            Error,
            "RFC 8693 §2.1, §4.1",
            "Subject and actor tokens swapped are refused",
            "Tie the actor_token to the presenting client, so the user's token can never be presented as the actor.",
            subject_actor_swapped
        ),
        probe!(
            "chain.upstream-splice",
            Chain,
            Error,
            "RFC 8693 §2.1, §4.1, §4.4",
            "Another client cannot re-delegate a token issued to the legitimate agent",
            "Refuse a subject token issued to another client unless the subject allowed the presenting client (may_act) or it is in the token's aud.",
            upstream_splice
        ),
        probe!(
            "chain.may-act-first-hop",
            Chain,
            Error,
            "RFC 8693 §4.4",
            "A client the subject token's may_act does not name cannot act for the subject",
            "When the subject token has may_act, refuse any actor (or impersonating client) it does not name.",
            may_act_first_hop
        ),
        probe!(
            "chain.may-act-every-hop",
            Chain,
            Error,
            "RFC 8693 §4.4",
            "may_act is enforced on every hop, not only the first",
            "Carry the subject's may_act into the tokens you issue (or keep enforcing it), so a later hop cannot escape what the user allowed.",
            may_act_every_hop
        ),
        probe!(
            "chain.foreign-aud-subject",
            Chain,
            Error,
            "RFC 8725 §3.9; RFC 8693 §2.1",
            "A subject token whose aud names another party is refused",
            "Check the subject token's aud: refuse a token meant for a party other than the presenting client.",
            foreign_aud_subject
        ),
        probe!(
            "chain.act-nested",
            Chain,
            Error,
            "RFC 8693 §4.1",
            "Across two hops, prior actors are kept and nested in order in act",
            "When the subject token already has act, nest it inside the new act (current actor outermost).",
            act_nested
        ),
        probe!(
            "chain.act-sub-matches-actor",
            Chain,
            Error,
            "RFC 8693 §4.1",
            "act.sub is the actor token's subject",
            "Take act.sub from the validated actor_token's sub, not from the client id or anything else.",
            act_sub_matches_actor
        ),
        probe!(
            "chain.depth-limit",
            Chain,
            Warning,
            "RFC 8693 §4.1, §5",
            "Delegating a token again and again is refused at some depth",
            "Bound the depth of the act chain and refuse an exchange that would exceed it.",
            depth_limit
        ),
        probe!(
            "chain.circular",
            Chain,
            Warning,
            "RFC 8693 §4.1",
            "A party acting for itself is refused or issued without naming it twice",
            "Refuse an exchange whose actor is the subject itself, or issue it without an act claim that repeats the subject.",
            circular
        ),
    ]
}

/// At most this many hops for the depth probe.
const MAX_HOPS: usize = 12;

fn settle(r: Result<Verdict, Verdict>) -> Verdict {
    r.unwrap_or_else(|v| v)
}

/// A token and its type URI.
type Typed<'a> = (&'a str, &'a str);

/// An exchange by `role` with the configured audience.
async fn exchange_as(
    p: &Probing,
    label: &str,
    role: &Role,
    subject: Typed<'_>,
    actor: Option<Typed<'_>>,
) -> Result<Answer, Verdict> {
    let mut params = vec![
        ("subject_token", subject.0),
        ("subject_token_type", subject.1),
    ];
    if let Some((token, kind)) = actor {
        params.push(("actor_token", token));
        params.push(("actor_token_type", kind));
    }
    if let Some(a) = &p.session.audience {
        params.push(("audience", a));
    }
    p.exchange(label, role, &params).await
}

/// The issued token and its type (access token when the server does not say).
fn issued(answer: &Answer) -> Option<(String, String)> {
    let token = answer.access_token()?.to_string();
    let kind = answer
        .member("issued_token_type")
        .unwrap_or(token_type::ACCESS_TOKEN)
        .to_string();
    Some((token, kind))
}

/// The exchanger's delegation of the subject with the actor's token (first hop), as a token.
async fn first_hop(p: &Probing) -> Result<(String, String), Verdict> {
    let mut extra: Vec<(&str, &str)> = Vec::new();
    if let Some(a) = &p.session.audience {
        extra.push(("audience", a));
    }
    let answer = delegate_subject(p, "first hop: the exchanger's delegation", &extra).await?;
    issued(&answer).filter(|_| answer.issued()).ok_or_else(|| {
        Verdict::Skip(format!(
            "the exchanger's delegation of the subject token was refused ({}), so there is no chain to attack",
            answer.describe()
        ))
    })
}

/// How the attacker exchanges: with its own token as actor when it can, else without an actor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Delegate,
    Impersonate,
}

/// The attacker's control: its own token exchanged with its own token as actor, else without an
/// actor. Skips when it can do neither.
async fn attacker_mode(p: &Probing, attacker: &Role, own: &str) -> Result<Mode, Verdict> {
    let mine = (own, token_type::ACCESS_TOKEN);
    let delegated = exchange_as(
        p,
        "control: the attacker delegating its own token (itself as actor)",
        attacker,
        mine,
        Some(mine),
    )
    .await?;
    if delegated.issued() {
        return Ok(Mode::Delegate);
    }
    let plain = exchange_as(
        p,
        "control: the attacker exchanging its own token",
        attacker,
        mine,
        None,
    )
    .await?;
    if plain.issued() {
        return Ok(Mode::Impersonate);
    }
    Err(Verdict::Skip(format!(
        "the attacker {} cannot exchange at all (its own token with itself as actor: {}; without an actor: {}), so a refusal of the attack cannot be told apart",
        attacker.id,
        delegated.describe(),
        plain.describe()
    )))
}

/// The attacker's exchange of `subject` in `mode`.
async fn attack(
    p: &Probing,
    label: &str,
    attacker: &Role,
    own: &str,
    subject: Typed<'_>,
    mode: Mode,
) -> Result<Answer, Verdict> {
    let actor = match mode {
        Mode::Delegate => Some((own, token_type::ACCESS_TOKEN)),
        Mode::Impersonate => None,
    };
    exchange_as(p, label, attacker, subject, actor).await
}

fn mode_words(mode: Mode) -> &'static str {
    match mode {
        Mode::Delegate => "with its own token as actor_token",
        Mode::Impersonate => {
            "without an actor token (the server refused its control delegation, its own token with itself as actor)"
        }
    }
}

/// `must_refuse`, with `why` added to a failure.
fn refuse(answer: &Answer, what: &str, why: &str) -> Verdict {
    match answer.must_refuse(what) {
        Verdict::Fail(r) => Verdict::Fail(format!("{r} ({why})")),
        other => other,
    }
}

/// The subject token's claims, or a skip pointing at the opaque group.
fn subject_jwt(p: &Probing) -> Result<Jwt, Verdict> {
    p.subject().jwt().ok_or_else(|| {
        Verdict::Skip(
            "the subject token is opaque, so its may_act cannot be read (opaque.subject-judged judges it through introspection)"
                .into(),
        )
    })
}

/// Whether `may_act` (an object, or an array of them) names one of `ids` as `sub`.
fn may_act_names(may_act: &Json, ids: &[&str]) -> bool {
    let entries: Vec<&Json> = match may_act {
        Json::Array(items) => items.iter().collect(),
        other => vec![other],
    };
    entries.iter().any(|e| {
        e.get("sub")
            .and_then(Json::as_str)
            .is_some_and(|s| ids.contains(&s))
    })
}

/// The subject's `may_act` when it has one that does not name the attacker.
fn restricting_may_act(p: &Probing, attacker: &Role, own: &str) -> Result<Json, Verdict> {
    let subject = subject_jwt(p)?;
    let Some(may_act) = subject.may_act.clone() else {
        return Err(Verdict::Skip(
            "the subject token has no may_act claim, so it restricts no actor".into(),
        ));
    };
    let own_sub = decode(own).jwt().and_then(|j| j.sub().map(str::to_string));
    let mut ids = vec![attacker.client_id.as_str()];
    if let Some(s) = own_sub.as_deref() {
        ids.push(s);
    }
    if may_act_names(&may_act, &ids) {
        return Err(Verdict::Skip(format!(
            "the subject token's may_act ({may_act}) names the attacker {}, so it may act",
            attacker.id
        )));
    }
    Ok(may_act)
}

async fn actor_token_of_another_client(p: &Probing) -> Verdict {
    settle(
        async {
            let attacker = p.attacker()?.clone();
            let actor = p.actor()?.clone();
            if attacker.client_id == actor.client_id {
                return Err(Verdict::Skip(
                    "the attacker and the actor are the same client".into(),
                ));
            }
            let own = p.client_token(&attacker).await?;
            let theirs = p.client_token(&actor).await?;
            let mine = (own.as_str(), token_type::ACCESS_TOKEN);
            let control = exchange_as(
                p,
                "control: the attacker exchanging its own token without an actor",
                &attacker,
                mine,
                None,
            )
            .await?;
            if !control.issued() {
                return Err(Verdict::Skip(format!(
                    "the attacker {} cannot exchange its own token ({}), so a refusal of the attack cannot be told apart",
                    attacker.id,
                    control.describe()
                )));
            }
            let answer = exchange_as(
                p,
                "the attacker presenting the actor's own token as actor_token",
                &attacker,
                mine,
                Some((theirs.as_str(), token_type::ACCESS_TOKEN)),
            )
            .await?;
            Ok(refuse(
                &answer,
                &format!(
                    "{} presenting {}'s own token as its actor_token",
                    attacker.id, actor.id
                ),
                &format!(
                    "the actor token was issued to {}, not to {}",
                    actor.client_id, attacker.client_id
                ),
            ))
        }
        .await,
    )
}

async fn subject_actor_swapped(p: &Probing) -> Verdict {
    settle(
        async {
            let actor = p.actor()?.clone();
            let actor_token = p.client_token(&actor).await?;
            let subject = p.subject().clone();
            let control = exchange_as(
                p,
                "control: the delegation the right way round",
                p.exchanger(),
                (&subject.token, &subject.token_type),
                Some((&actor_token, token_type::ACCESS_TOKEN)),
            )
            .await?;
            if !control.issued() {
                return Err(Verdict::Skip(format!(
                    "the exchanger's delegation the right way round was refused ({}), so a refusal of the swap cannot be told apart",
                    control.describe()
                )));
            }
            let answer = exchange_as(
                p,
                "subject and actor swapped",
                p.exchanger(),
                (&actor_token, token_type::ACCESS_TOKEN),
                Some((&subject.token, &subject.token_type)),
            )
            .await?;
            Ok(refuse(
                &answer,
                &format!(
                    "the swapped exchange ({}'s own token as subject_token, the subject token as actor_token)",
                    actor.id
                ),
                &format!(
                    "the issued token says the subject's owner acts for {}: the actor token was not tied to the presenting client",
                    actor.id
                ),
            ))
        }
        .await,
    )
}

/// The splice: the exchanger's first hop, then the attacker's exchange of it.
struct Splice {
    first: String,
    answer: Answer,
    mode: Mode,
}

async fn splice(p: &Probing, attacker: &Role) -> Result<Splice, Verdict> {
    let own = p.client_token(attacker).await?;
    let mode = attacker_mode(p, attacker, &own).await?;
    let (first, kind) = first_hop(p).await?;
    let answer = attack(
        p,
        "second hop: the attacker re-delegating the first hop's token",
        attacker,
        &own,
        (&first, &kind),
        mode,
    )
    .await?;
    Ok(Splice {
        first,
        answer,
        mode,
    })
}

async fn upstream_splice(p: &Probing) -> Verdict {
    settle(
        async {
            let attacker = p.attacker()?.clone();
            p.actor()?;
            let s = splice(p, &attacker).await?;
            Ok(refuse(
                &s.answer,
                &format!(
                    "{} exchanging the token issued to {} ({})",
                    attacker.id,
                    p.exchanger().id,
                    mode_words(s.mode)
                ),
                &format!(
                    "a token issued to {} was spliced into {}'s chain",
                    p.exchanger().client_id,
                    attacker.client_id
                ),
            ))
        }
        .await,
    )
}

async fn may_act_first_hop(p: &Probing) -> Verdict {
    settle(
        async {
            let attacker = p.attacker()?.clone();
            let own = p.client_token(&attacker).await?;
            let may_act = restricting_may_act(p, &attacker, &own)?;
            let mode = attacker_mode(p, &attacker, &own).await?;
            let subject = p.subject().clone();
            let answer = attack(
                p,
                "the attacker acting for the subject",
                &attacker,
                &own,
                (&subject.token, &subject.token_type),
                mode,
            )
            .await?;
            Ok(refuse(
                &answer,
                &format!(
                    "{} exchanging the subject token ({})",
                    attacker.id,
                    mode_words(mode)
                ),
                &format!("the subject token's may_act ({may_act}) does not name it"),
            ))
        }
        .await,
    )
}

async fn may_act_every_hop(p: &Probing) -> Verdict {
    settle(
        async {
            let attacker = p.attacker()?.clone();
            p.actor()?;
            let own = p.client_token(&attacker).await?;
            let may_act = restricting_may_act(p, &attacker, &own)?;
            let s = splice(p, &attacker).await?;
            let carried = match decode(&s.first).jwt() {
                Some(j) => match &j.may_act {
                    Some(m) => format!("the first hop's token carries may_act {m}"),
                    None => "the first hop's token carries no may_act".to_string(),
                },
                None => "the first hop's token is opaque".to_string(),
            };
            Ok(match s.answer.must_refuse("x") {
                Verdict::Pass(_) => Verdict::Pass(format!(
                    "{} re-delegating the first hop's token ({}) was refused: {}; the subject's may_act {may_act} held on the second hop",
                    attacker.id,
                    mode_words(s.mode),
                    s.answer.describe()
                )),
                _ => Verdict::Fail(format!(
                    "the subject token's may_act ({may_act}) did not travel down the chain: {} re-delegated the first hop's token ({}) and got {}; {carried}",
                    attacker.id,
                    mode_words(s.mode),
                    s.answer.describe()
                )),
            })
        }
        .await,
    )
}

async fn foreign_aud_subject(p: &Probing) -> Verdict {
    settle(
        async {
            let attacker = p.attacker()?.clone();
            let actor = p.actor()?.clone();
            if attacker.client_id == actor.client_id {
                return Err(Verdict::Skip(
                    "the attacker and the actor are the same client".into(),
                ));
            }
            let theirs = p.client_token(&actor).await?;
            let jwt = decode(&theirs).jwt().cloned().ok_or_else(|| {
                Verdict::Skip(format!(
                    "{}'s own token is opaque, so its aud cannot be read (opaque.issued-judged judges opaque tokens through introspection)",
                    actor.id
                ))
            })?;
            let aud = jwt.aud();
            if aud.is_empty() {
                return Err(Verdict::Skip(format!(
                    "{}'s own token has no aud, so it names no other party",
                    actor.id
                )));
            }
            if aud.contains(&attacker.client_id) {
                return Err(Verdict::Skip(format!(
                    "{}'s own token names the attacker {} in its aud, so it is meant for it",
                    actor.id, attacker.client_id
                )));
            }
            let own = p.client_token(&attacker).await?;
            let mode = attacker_mode(p, &attacker, &own).await?;
            let answer = attack(
                p,
                "the attacker presenting a token meant for another party as subject_token",
                &attacker,
                &own,
                (&theirs, token_type::ACCESS_TOKEN),
                mode,
            )
            .await?;
            Ok(refuse(
                &answer,
                &format!(
                    "{} presenting {}'s own token (aud {}) as its subject_token ({})",
                    attacker.id,
                    actor.id,
                    aud.join(" "),
                    mode_words(mode)
                ),
                &format!(
                    "the token's aud names {}, not {}: it is being used by a party it was not meant for (RFC 8725 §3.9)",
                    aud.join(" "),
                    attacker.client_id
                ),
            ))
        }
        .await,
    )
}

/// The delegated (issued) token's claims, or a skip pointing at introspection.
fn issued_jwt(token: &str, what: &str) -> Result<Jwt, Verdict> {
    decode(token).jwt().cloned().ok_or_else(|| {
        Verdict::Skip(format!(
            "{what} is opaque: its act claim is judged through introspection (introspection.act-for-delegated, opaque.issued-judged)"
        ))
    })
}

/// The actor token's `sub` (decoded), or its client id when it is opaque.
fn actor_sub(actor: &Role, token: &str) -> Option<String> {
    decode(token)
        .jwt()
        .and_then(|j| j.sub().map(str::to_string))
        .or_else(|| (!actor.client_id.is_empty()).then(|| actor.client_id.clone()))
}

async fn act_nested(p: &Probing) -> Verdict {
    settle(
        async {
            let actor = p.actor()?.clone();
            let actor_token = p.client_token(&actor).await?;
            let (first, kind) = first_hop(p).await?;
            let t1 = issued_jwt(&first, "the first hop's token")?;
            let Some(t1_act) = t1.claims.get("act").cloned() else {
                return Ok(Verdict::Fail(
                    "the first delegation's token has no act claim, so no actor can be kept on the next hop".into(),
                ));
            };
            let answer = exchange_as(
                p,
                "second hop: the exchanger delegating the first hop's token",
                p.exchanger(),
                (&first, &kind),
                Some((&actor_token, token_type::ACCESS_TOKEN)),
            )
            .await?;
            if !answer.issued() {
                if (400..500).contains(&answer.status()) {
                    return Err(Verdict::Skip(format!(
                        "the server refused the second hop cleanly ({}), so no nesting can be observed",
                        answer.describe()
                    )));
                }
                return Ok(answer.must_refuse("the second hop"));
            }
            let second = answer.access_token().unwrap_or_default();
            let t2 = issued_jwt(second, "the second hop's token")?;
            let Some(act) = t2.claims.get("act") else {
                return Ok(Verdict::Fail(
                    "the second hop's token has no act claim: both actors were dropped".into(),
                ));
            };
            let expected = actor_sub(&actor, &actor_token);
            let outer = act.get("sub").and_then(Json::as_str);
            if outer != expected.as_deref() {
                return Ok(Verdict::Fail(format!(
                    "the second hop's act.sub is {:?}, not the second hop's actor {:?}",
                    outer.unwrap_or("(none)"),
                    expected.as_deref().unwrap_or("(unknown)")
                )));
            }
            match act.get("act") {
                Some(inner) if *inner == t1_act => Ok(Verdict::Pass(format!(
                    "the second hop's act is {act}: the new actor outermost, the first hop's act {t1_act} nested inside"
                ))),
                Some(inner) => Ok(Verdict::Fail(format!(
                    "the second hop's act.act is {inner}, not the first hop's act {t1_act}: prior actors were not kept in order"
                ))),
                None => Ok(Verdict::Fail(format!(
                    "the second hop's act is {act}, with no nested act: the first hop's actor ({t1_act}) was dropped"
                ))),
            }
        }
        .await,
    )
}

async fn act_sub_matches_actor(p: &Probing) -> Verdict {
    settle(
        async {
            let actor = p.actor()?.clone();
            let actor_token = p.client_token(&actor).await?;
            let expected = decode(&actor_token)
                .jwt()
                .and_then(|j| j.sub().map(str::to_string))
                .ok_or_else(|| {
                    Verdict::Skip(format!(
                        "{}'s own token is opaque or has no sub, so the actor's subject cannot be read (introspection.act-for-delegated judges act for opaque tokens)",
                        actor.id
                    ))
                })?;
            let (token, _) = first_hop(p).await?;
            let jwt = issued_jwt(&token, "the delegated token")?;
            let act_sub = jwt
                .claims
                .get("act")
                .and_then(|a| a.get("sub"))
                .and_then(Json::as_str);
            Ok(match act_sub {
                Some(s) if s == expected => {
                    Verdict::Pass(format!("act.sub is {s:?}, the actor token's sub"))
                }
                Some(s) if s == actor.client_id => Verdict::Fail(format!(
                    "act.sub is the client id {s:?}, not the actor token's sub {expected:?}"
                )),
                Some(s) => Verdict::Fail(format!(
                    "act.sub is {s:?}, not the actor token's sub {expected:?}"
                )),
                None => Verdict::Fail(format!(
                    "the delegated token has no act.sub, though {}'s token (sub {expected:?}) acted",
                    actor.id
                )),
            })
        }
        .await,
    )
}

async fn depth_limit(p: &Probing) -> Verdict {
    settle(
        async {
            let actor = p.actor()?.clone();
            let actor_token = p.client_token(&actor).await?;
            let prior = p
                .subject()
                .jwt()
                .map_or(0, |j| j.act_chain.actors.len());
            let mut current = (p.subject().token.clone(), p.subject().token_type.clone());
            for hop in 1..=MAX_HOPS {
                let answer = exchange_as(
                    p,
                    &format!("hop {hop}: delegating the previous hop's token"),
                    p.exchanger(),
                    (&current.0, &current.1),
                    Some((&actor_token, token_type::ACCESS_TOKEN)),
                )
                .await?;
                if let Some(next) = issued(&answer).filter(|_| answer.issued()) {
                    current = next;
                    continue;
                }
                if hop == 1 {
                    return Err(Verdict::Skip(format!(
                        "the first delegation was refused ({}), so no chain can be built",
                        answer.describe()
                    )));
                }
                let depth = prior.saturating_add(hop);
                return Ok(match answer.must_refuse("x") {
                    Verdict::Pass(_) => Verdict::Pass(format!(
                        "hop {hop} (an act chain {depth} deep) was refused: {}",
                        answer.describe()
                    )),
                    _ => Verdict::Fail(format!(
                        "hop {hop} (an act chain {depth} deep) got {}; a chain too deep must be refused with a 4xx OAuth error",
                        answer.describe()
                    )),
                });
            }
            let last_depth = decode(&current.0)
                .jwt()
                .map(|j| format!("{} deep", j.act_chain.actors.len()))
                .unwrap_or_else(|| "unreadable (opaque)".into());
            Ok(Verdict::Fail(format!(
                "no chain depth limit within {MAX_HOPS} hops: all {MAX_HOPS} delegations were issued (the last token's act chain is {last_depth})"
            )))
        }
        .await,
    )
}

async fn circular(p: &Probing) -> Verdict {
    settle(
        async {
            let actor = p.actor()?.clone();
            let actor_token = p.client_token(&actor).await?;
            let mut extra: Vec<(&str, &str)> = Vec::new();
            if let Some(a) = &p.session.audience {
                extra.push(("audience", a));
            }
            let control = delegate_subject(p, "control: an ordinary delegation", &extra).await?;
            if !control.issued() {
                return Err(Verdict::Skip(format!(
                    "the exchanger's ordinary delegation was refused ({}), so a refusal of the circular one cannot be told apart",
                    control.describe()
                )));
            }
            let mine = (actor_token.as_str(), token_type::ACCESS_TOKEN);
            let answer = exchange_as(
                p,
                "the actor's own token delegated with itself as actor",
                p.exchanger(),
                mine,
                Some(mine),
            )
            .await?;
            let what = format!(
                "delegating {}'s own token with that same token as actor_token (the party acting for itself)",
                actor.id
            );
            if !answer.issued() {
                return Ok(answer.must_refuse(&what));
            }
            let token = answer.access_token().unwrap_or_default();
            let jwt = issued_jwt(token, "the circular delegation's token")?;
            let mut parties: Vec<String> = jwt.sub().map(str::to_string).into_iter().collect();
            parties.extend(jwt.act_chain.actors.iter().filter_map(|a| a.sub.clone()));
            let repeated = parties
                .iter()
                .enumerate()
                .find(|(i, s)| parties[..*i].contains(s))
                .map(|(_, s)| s.clone());
            Ok(match repeated {
                Some(party) => Verdict::Fail(format!(
                    "{what} was issued with sub and act chain [{}]: {party:?} is nested twice; such a chain should be refused, or issued without an act that repeats the subject",
                    parties.join(" <- ")
                )),
                None => Verdict::Pass(format!(
                    "{what} was issued without naming any party twice (sub and act chain: [{}])",
                    parties.join(" <- ")
                )),
            })
        }
        .await,
    )
}
