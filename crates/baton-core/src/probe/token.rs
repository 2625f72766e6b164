//! Subject and actor token validation: forged copies of the real tokens, each presented in the
//! exchanger's otherwise valid exchange, must be refused. The forgeries are built by
//! [`super::forge`] from the real token's own header and claims with keys Baton generates.

use std::time::Duration;

use crate::token_type;

use super::answer::Answer;
use super::forge::{self, FetchListener, ForgeKey, Template};
use super::session::Probing;
use super::{Probe, Verdict};

pub(super) fn probes() -> Vec<Probe> {
    vec![
        probe!(
            "token.alg-none",
            Token,
            Error,
            "RFC 8725 §2.1, §3.1; RFC 8693 §2.1",
            "An unsigned subject token (alg none) is refused",
            "Verify every subject token's signature with an allow-list of algorithms that never includes none.",
            alg_none
        ),
        probe!(
            "token.hmac-with-public-key",
            Token,
            Error,
            "RFC 8725 §2.1, §3.1; RFC 8693 §2.1",
            "A subject token HMAC-signed with the server's public key is refused",
            "Choose the verification algorithm from the key, never from the token's alg header; never use a public key as an HMAC secret.",
            hmac_with_public_key
        ),
        probe!(
            "token.foreign-key-same-kid",
            Token,
            Error,
            "RFC 8725 §3.1; RFC 8693 §2.1",
            "A subject token signed by another key under the server's kid is refused",
            "Verify the signature with the key the kid names in your own key set; a matching kid proves nothing.",
            foreign_key_same_kid
        ),
        probe!(
            "token.expired",
            Token,
            Error,
            "RFC 7519 §4.1.4, §7.2; RFC 8693 §2.1",
            "An expired subject token is refused",
            "Refuse a subject token whose exp is in the past (allowing only a small clock skew).",
            expired
        ),
        probe!(
            "token.nbf-future",
            Token,
            Error,
            "RFC 7519 §4.1.5, §7.2; RFC 8693 §2.1",
            "A subject token not valid yet (nbf an hour ahead) is refused",
            "Refuse a subject token whose nbf lies in the future beyond a small clock skew.",
            nbf_future
        ),
        probe!(
            "token.iat-future",
            Token,
            Warning,
            "RFC 7519 §4.1.6, §7.2; RFC 8693 §2.1",
            "A subject token issued an hour in the future is refused",
            "Refuse a subject token whose iat lies in the future beyond a small clock skew: it is forged or from a broken clock.",
            iat_future
        ),
        probe!(
            "token.foreign-issuer",
            Token,
            Error,
            "RFC 8725 §3.8; RFC 7519 §7.2; RFC 8693 §2.1",
            "A subject token from a foreign issuer is refused",
            "Check iss against the issuers you trust, and verify with that issuer's keys only.",
            foreign_issuer
        ),
        probe!(
            "token.tampered-payload",
            Token,
            Error,
            "RFC 7519 §7.2; RFC 8725 §3.1; RFC 8693 §2.1",
            "A subject token whose payload was changed after signing is refused",
            "Verify the signature over the header and payload as sent, before reading any claim.",
            tampered_payload
        ),
        probe!(
            "token.jku-header",
            Token,
            Error,
            "RFC 8725 §3.10; RFC 7515 §4.1.2; RFC 8693 §2.1",
            "A subject token naming its own key set (jku) is refused and the URL never fetched",
            "Ignore jku in tokens you verify: take keys only from your own configured key set.",
            jku_header
        ),
        probe!(
            "token.x5u-header",
            Token,
            Error,
            "RFC 8725 §3.10; RFC 7515 §4.1.5; RFC 8693 §2.1",
            "A subject token naming its own certificate (x5u) is refused and the URL never fetched",
            "Ignore x5u in tokens you verify: take keys only from your own configured key set.",
            x5u_header
        ),
        probe!(
            "token.jwk-header",
            Token,
            Error,
            "RFC 8725 §3.10; RFC 7515 §4.1.3; RFC 8693 §2.1",
            "A subject token carrying its own key (jwk header) is refused",
            "Never verify a token with a key the token itself carries.",
            jwk_header
        ),
        probe!(
            "token.forged-actor",
            Token,
            Error,
            "RFC 8693 §2.1; RFC 8725 §3.1",
            "An unsigned copy of the actor's token (alg none) is refused as actor_token",
            "Validate the actor_token exactly like the subject_token: signature, issuer, expiry.",
            forged_actor
        ),
    ]
}

/// How long Baton's loopback listener stays up at most.
const LISTENER_LIFETIME: Duration = Duration::from_secs(30);

fn settle(r: Result<Verdict, Verdict>) -> Verdict {
    r.unwrap_or_else(|v| v)
}

/// The subject token taken apart, or the skip every probe of the group shares.
fn subject_template(p: &Probing) -> Result<Template, Verdict> {
    Template::from_token(&p.subject().token).ok_or_else(|| {
        Verdict::Skip(
            "the subject token is opaque: forged JWTs would test nothing (opaque.subject-judged judges it through introspection)"
                .into(),
        )
    })
}

fn new_key() -> Result<ForgeKey, Verdict> {
    ForgeKey::generate().map_err(Verdict::Skip)
}

fn forged(result: Result<String, String>) -> Result<String, Verdict> {
    result.map_err(|e| Verdict::Skip(format!("could not forge the token: {e}")))
}

/// The actor's own token when an actor is configured (the ordinary exchange is a delegation).
async fn actor_token(p: &Probing) -> Result<Option<String>, Verdict> {
    match p.session.actor.as_ref() {
        Some(actor) => p.client_token(actor).await.map(Some),
        None => Ok(None),
    }
}

/// The exchanger's ordinary exchange (audience, scope, the actor when configured) with `subject`
/// and `actor` in place of the real tokens.
async fn exchange_with(
    p: &Probing,
    label: &str,
    subject: &str,
    actor: Option<&str>,
) -> Result<Answer, Verdict> {
    let mut params = vec![
        ("subject_token", subject),
        ("subject_token_type", p.subject().token_type.as_str()),
    ];
    if let Some(actor) = actor {
        params.push(("actor_token", actor));
        params.push(("actor_token_type", token_type::ACCESS_TOKEN));
    }
    if let Some(a) = &p.session.audience {
        params.push(("audience", a));
    }
    if let Some(s) = &p.session.scope {
        params.push(("scope", s));
    }
    p.exchange(label, p.exchanger(), &params).await
}

/// The control: the same exchange with the real tokens must be answered with a token, or a
/// refusal of the forgery tells nothing.
async fn control(p: &Probing, actor: Option<&str>) -> Result<(), Verdict> {
    let answer = exchange_with(
        p,
        "control: the same exchange with the real tokens",
        &p.subject().token,
        actor,
    )
    .await?;
    if answer.issued() {
        Ok(())
    } else {
        Err(Verdict::Skip(format!(
            "the exchanger's exchange with the real tokens was refused ({}), so a refusal of the forged token would tell nothing",
            answer.describe()
        )))
    }
}

/// Forges a subject token with `forge` and judges the exchange that presents it.
async fn forged_subject(
    p: &Probing,
    what: &str,
    forge: impl FnOnce(&Template, &ForgeKey, i64) -> Result<String, String>,
) -> Verdict {
    settle(
        async {
            let template = subject_template(p)?;
            let key = new_key()?;
            let actor = actor_token(p).await?;
            control(p, actor.as_deref()).await?;
            let token = forged(forge(&template, &key, p.session.now()))?;
            let answer = exchange_with(
                p,
                &format!("the exchange with {what}"),
                &token,
                actor.as_deref(),
            )
            .await?;
            Ok(answer.must_refuse(&format!("a subject token {what}")))
        }
        .await,
    )
}

async fn alg_none(p: &Probing) -> Verdict {
    forged_subject(p, "with alg none and no signature", |t, _, _| {
        Ok(forge::alg_none(t))
    })
    .await
}

async fn hmac_with_public_key(p: &Probing) -> Verdict {
    settle(
        async {
            let template = subject_template(p)?;
            let jwks = p.jwks().await.map_err(|e| {
                Verdict::Skip(format!(
                    "the server's keys could not be read ({e}), so there is no public key to misuse"
                ))
            })?;
            let jwk = match template.kid() {
                Some(kid) => jwks
                    .keys
                    .iter()
                    .find(|k| k.common.key_id.as_deref() == Some(kid))
                    .ok_or_else(|| {
                        Verdict::Skip(format!(
                            "the server's JWKS has no key with the subject token's kid {kid:?}"
                        ))
                    })?,
                None => match jwks.keys.as_slice() {
                    [only] => only,
                    _ => {
                        return Err(Verdict::Skip(
                            "the subject token has no kid and the server's JWKS does not have exactly one key, so the signing key is unknown"
                                .into(),
                        ));
                    }
                },
            };
            let (key_text, key_kind) = forge::server_key_text(jwk);
            let actor = actor_token(p).await?;
            control(p, actor.as_deref()).await?;
            let token = forged(forge::hmac_with_key(&template, &key_text))?;
            let what = format!("signed HS256 keyed with the server's public key ({key_kind})");
            let answer = exchange_with(
                p,
                "the exchange with an HS256 token keyed with the server's public key",
                &token,
                actor.as_deref(),
            )
            .await?;
            Ok(answer.must_refuse(&format!("a subject token {what}")))
        }
        .await,
    )
}

async fn foreign_key_same_kid(p: &Probing) -> Verdict {
    forged_subject(
        p,
        "signed by Baton's own key under the server's kid",
        |t, k, _| forge::foreign_key_same_kid(t, k),
    )
    .await
}

async fn expired(p: &Probing) -> Verdict {
    forged_subject(
        p,
        "that expired an hour ago (signed by Baton's own key)",
        forge::expired,
    )
    .await
}

async fn nbf_future(p: &Probing) -> Verdict {
    forged_subject(
        p,
        "not valid before an hour from now (nbf; signed by Baton's own key)",
        forge::nbf_future,
    )
    .await
}

async fn iat_future(p: &Probing) -> Verdict {
    forged_subject(
        p,
        "issued an hour in the future (iat; signed by Baton's own key)",
        forge::iat_future,
    )
    .await
}

async fn foreign_issuer(p: &Probing) -> Verdict {
    forged_subject(
        p,
        "from a foreign issuer (iss; signed by Baton's own key)",
        |t, k, _| forge::foreign_issuer(t, k),
    )
    .await
}

async fn tampered_payload(p: &Probing) -> Verdict {
    forged_subject(
        p,
        "whose payload was changed after signing (sub replaced, header and signature kept)",
        |t, _, _| Ok(forge::tampered_payload(t)),
    )
    .await
}

/// A forgery whose header points at Baton's listener: any fetch fails the probe, whatever the
/// exchange's answer.
async fn key_header(p: &Probing, member: &str) -> Verdict {
    settle(
        async {
            let template = subject_template(p)?;
            let key = new_key()?;
            let actor = actor_token(p).await?;
            control(p, actor.as_deref()).await?;
            let listener = FetchListener::start(LISTENER_LIFETIME).map_err(|e| {
                Verdict::Skip(format!("Baton's loopback listener could not start: {e}"))
            })?;
            let (token, what) = match member {
                "jwk" => (
                    forge::with_embedded_jwk(&template, &key, &listener.url("/baton-probe/jwk-x5u.pem")),
                    "carrying Baton's own public key in a jwk header".to_string(),
                ),
                _ => {
                    let url = listener.url(&format!("/baton-probe/{member}"));
                    (
                        forge::with_key_url(&template, &key, member, &url),
                        format!("whose {member} header names Baton's key at {url}"),
                    )
                }
            };
            let token = forged(token)?;
            let answer = exchange_with(
                p,
                &format!("the exchange with a {member} header"),
                &token,
                actor.as_deref(),
            )
            .await?;
            if let Some(fetch) = listener.fetches().first() {
                return Ok(Verdict::Fail(format!(
                    "the server fetched the {member} URL ({} {} on Baton's listener) and answered {}: a server must never fetch keys from a token's header",
                    fetch.method,
                    fetch.path,
                    answer.describe()
                )));
            }
            Ok(match answer.must_refuse(&format!("a subject token {what}")) {
                Verdict::Pass(r) => Verdict::Pass(format!("{r}; nothing was fetched")),
                other => other,
            })
        }
        .await,
    )
}

async fn jku_header(p: &Probing) -> Verdict {
    key_header(p, "jku").await
}

async fn x5u_header(p: &Probing) -> Verdict {
    key_header(p, "x5u").await
}

async fn jwk_header(p: &Probing) -> Verdict {
    key_header(p, "jwk").await
}

async fn forged_actor(p: &Probing) -> Verdict {
    settle(
        async {
            subject_template(p)?;
            let actor = p.actor()?.clone();
            let real = p.client_token(&actor).await?;
            let template = Template::from_token(&real).ok_or_else(|| {
                Verdict::Skip(format!(
                    "{}'s own token is opaque: an unsigned copy of it would test nothing",
                    actor.id
                ))
            })?;
            control(p, Some(&real)).await?;
            let token = forge::alg_none(&template);
            let answer = exchange_with(
                p,
                "the exchange with an alg none copy of the actor's token",
                &p.subject().token,
                Some(&token),
            )
            .await?;
            Ok(answer.must_refuse(&format!(
                "an actor_token that is an unsigned (alg none) copy of {}'s own token",
                actor.id
            )))
        }
        .await,
    )
}
