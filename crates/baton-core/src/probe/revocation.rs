//! Revocation (RFC 7009), where the server advertises an endpoint. These probes revoke tokens,
//! so they only ever revoke fresh ones obtained for the purpose, never the run's subject token.

use crate::token_type;

use super::answer::Answer;
use super::introspection::{active, introspect};
use super::session::{Probing, Role, SubjectToken};
use super::{Probe, Verdict};

pub(super) fn probes() -> Vec<Probe> {
    vec![
        probe!(
            "revocation.requires-auth",
            Revocation,
            Error,
            "RFC 7009 §2.1, §2.2.1",
            "Revocation without client authentication is refused and revokes nothing",
            "Authenticate the client at the revocation endpoint (401 invalid_client without it) and revoke only its own tokens.",
            requires_auth
        ),
        probe!(
            "revocation.revoked-subject-refused",
            Revocation,
            Error,
            "RFC 7009 §2.1, §2.2; RFC 8693 §2.1",
            "A revoked subject token can no longer be exchanged",
            "Check the revocation list (or the token's state) when validating a subject token.",
            revoked_subject_refused
        ),
        probe!(
            "revocation.derived-tokens",
            Revocation,
            Info,
            "RFC 7009 §2.1",
            "What happens to a token issued from a subject token that is later revoked (reported)",
            "Decide and document whether tokens exchanged from a revoked token stay valid; RFC 7009 §2.1 lets a server revoke related tokens too.",
            derived_tokens
        ),
    ]
}

fn settle(r: Result<Verdict, Verdict>) -> Verdict {
    r.unwrap_or_else(|v| v)
}

/// The advertised revocation endpoint, or the skip every probe of the group shares.
async fn endpoint(p: &Probing) -> Result<String, Verdict> {
    p.metadata_url("revocation_endpoint")
        .await
        .ok_or_else(|| Verdict::Skip("the server advertises no revocation_endpoint".into()))
}

/// The exchanger's ordinary exchange (audience, scope, the actor when configured) of `subject`.
async fn exchange_of(p: &Probing, label: &str, subject: &SubjectToken) -> Result<Answer, Verdict> {
    let actor_token = match p.session.actor.as_ref() {
        Some(actor) => Some(p.client_token(actor).await?),
        None => None,
    };
    let mut params = vec![
        ("subject_token", subject.token.as_str()),
        ("subject_token_type", subject.token_type.as_str()),
    ];
    if let Some(a) = &actor_token {
        params.push(("actor_token", a));
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

/// A revocation request for `token`, authenticated as `role` when given.
async fn revoke(
    p: &Probing,
    label: &str,
    url: &str,
    role: Option<&Role>,
    token: &str,
) -> Result<Answer, Verdict> {
    let request = p.form(
        url,
        role,
        &[("token", token), ("token_type_hint", "access_token")],
    )?;
    p.send(label, request).await
}

/// A fresh subject token, its client, and the exchanger's token issued from it (the control that
/// it can be exchanged at all).
struct Fresh {
    subject: SubjectToken,
    client: Role,
    derived: String,
}

async fn fresh(p: &Probing) -> Result<Fresh, Verdict> {
    let client = p.session.subject_client.clone().ok_or_else(|| {
        Verdict::Skip(
            "the subject token was given, not obtained, so Baton cannot get a fresh one to revoke"
                .into(),
        )
    })?;
    let subject =
        p.session.obtain_subject().await.map_err(|e| {
            Verdict::Skip(format!("a fresh subject token could not be obtained: {e}"))
        })?;
    let answer = exchange_of(p, "control: exchanging the fresh subject token", &subject).await?;
    let derived = answer
        .access_token()
        .filter(|_| answer.issued())
        .ok_or_else(|| {
            Verdict::Skip(format!(
                "the fresh subject token could not be exchanged even before revocation ({})",
                answer.describe()
            ))
        })?
        .to_string();
    Ok(Fresh {
        subject,
        client,
        derived,
    })
}

/// Revokes the fresh subject as its own client; anything but 200 means nothing can be judged.
async fn revoke_subject(p: &Probing, url: &str, f: &Fresh) -> Result<(), Verdict> {
    let answer = revoke(
        p,
        "revoking the fresh subject token as its own client",
        url,
        Some(&f.client),
        &f.subject.token,
    )
    .await?;
    if answer.status() == 200 {
        return Ok(());
    }
    if answer.status() >= 500 {
        return Err(Verdict::Fail(format!(
            "revoking a valid token as its own client made the server fail ({})",
            answer.describe()
        )));
    }
    if answer.error_code() == Some("unsupported_token_type") {
        return Err(Verdict::Skip(
            "the server does not revoke access tokens (unsupported_token_type, RFC 7009 §2.2.1)"
                .into(),
        ));
    }
    Err(Verdict::Skip(format!(
        "the revocation of the fresh subject token by {} was refused ({}), so nothing was revoked",
        f.client.id,
        answer.describe()
    )))
}

async fn requires_auth(p: &Probing) -> Verdict {
    settle(
        async {
            let url = endpoint(p).await?;
            let issued = exchange_of(p, "a fresh token to try to revoke", p.subject()).await?;
            let token = issued
                .access_token()
                .filter(|_| issued.issued())
                .ok_or_else(|| {
                    Verdict::Skip(format!(
                        "the ordinary exchange was refused ({}), so there is no fresh token to revoke",
                        issued.describe()
                    ))
                })?
                .to_string();
            let answer = revoke(p, "revocation without client authentication", &url, None, &token).await?;
            let still = match p.introspection_endpoint().await {
                Some(i) => {
                    let after = introspect(
                        p,
                        "introspecting the token after the unauthenticated revocation",
                        &i,
                        Some(p.exchanger()),
                        &token,
                    )
                    .await?;
                    Some(active(&after))
                }
                None => None,
            };
            let status = answer.status();
            if (200..300).contains(&status) {
                let revoked = match still {
                    Some(Ok(false)) => " and the token is no longer active",
                    _ => "",
                };
                return Ok(Verdict::Fail(format!(
                    "a revocation with no client authentication was answered {}{revoked}: it must be refused with 401 invalid_client",
                    answer.describe()
                )));
            }
            if status != 400 && status != 401 {
                return Ok(Verdict::Fail(format!(
                    "a revocation with no client authentication got {}; it must be refused with 401 (or 400) invalid_client",
                    answer.describe()
                )));
            }
            Ok(match still {
                Some(Ok(false)) => Verdict::Fail(format!(
                    "a revocation with no client authentication was refused ({}), yet the token is no longer active",
                    answer.describe()
                )),
                Some(Ok(true)) => Verdict::Pass(format!(
                    "a revocation with no client authentication was refused ({}) and the token is still active",
                    answer.describe()
                )),
                _ => Verdict::Pass(format!(
                    "a revocation with no client authentication was refused ({}); whether the token survived could not be checked through introspection",
                    answer.describe()
                )),
            })
        }
        .await,
    )
}

async fn revoked_subject_refused(p: &Probing) -> Verdict {
    settle(
        async {
            let url = endpoint(p).await?;
            let f = fresh(p).await?;
            revoke_subject(p, &url, &f).await?;
            let answer = exchange_of(p, "exchanging the revoked subject token", &f.subject).await?;
            Ok(answer.must_refuse("the exchange of a subject token revoked by its own client"))
        }
        .await,
    )
}

async fn derived_tokens(p: &Probing) -> Verdict {
    settle(
        async {
            let url = endpoint(p).await?;
            let introspection = p.introspection_endpoint().await.ok_or_else(|| {
                Verdict::Skip(
                    "the server has no introspection endpoint, so the derived token's state cannot be read".into(),
                )
            })?;
            let f = fresh(p).await?;
            revoke_subject(p, &url, &f).await?;
            let answer = introspect(
                p,
                "introspecting the token issued from the subject before its revocation",
                &introspection,
                Some(p.exchanger()),
                &f.derived,
            )
            .await?;
            Ok(match active(&answer) {
                Ok(true) => Verdict::Pass(
                    "after the subject token was revoked, the token exchanged from it earlier is still active (the server does not revoke derived tokens)".into(),
                ),
                Ok(false) => Verdict::Pass(
                    "after the subject token was revoked, the token exchanged from it earlier is no longer active (the server revokes derived tokens too)".into(),
                ),
                Err(e) => Verdict::Fail(format!(
                    "introspection of the token exchanged from the revoked subject {e}; it must answer 200 with active true or false"
                )),
            })
        }
        .await,
    )
}
