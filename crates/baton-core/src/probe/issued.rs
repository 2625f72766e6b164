//! Issued tokens: what an ordinary exchange hands out, read against the subject token it came
//! from and against the profiles a JWT access token should follow.

use crate::jwt::{Jwt, split_scope};
use crate::token_type;
use crate::verify::{VerifyOptions, VerifyProblem, verify};

use super::answer::Answer;
use super::baseline::ordinary_exchange;
use super::session::Probing;
use super::{Probe, Verdict};

pub(super) fn probes() -> Vec<Probe> {
    vec![
        probe!(
            "issued.scope-not-wider",
            Issued,
            Error,
            "RFC 8693 §2.2.1, §5",
            "The issued token's scope is no wider than the subject token's",
            "Grant at most the subject token's scope (narrowed further by the request), never more.",
            scope_not_wider
        ),
        probe!(
            "issued.lifetime-not-beyond-subject",
            Issued,
            Warning,
            "RFC 8693 §5",
            "The issued token expires no later than the subject token",
            "Cut the issued token's exp at the subject token's exp.",
            lifetime_not_beyond_subject
        ),
        probe!(
            "issued.audience-honoured",
            Issued,
            Error,
            "RFC 8693 §2.1, §2.2.1; RFC 9068 §2",
            "The requested audience is in the issued token's aud",
            "Put the audience the client asked for (and was allowed) into the issued token's aud.",
            audience_honoured
        ),
        probe!(
            "issued.rfc9068-profile",
            Issued,
            Warning,
            "RFC 9068 §2.1, §2.2",
            "An issued JWT access token follows RFC 9068: typ at+jwt, iss, exp, aud, sub, client_id, iat, jti",
            "Issue JWT access tokens with typ at+jwt and the claims iss, exp, aud, sub, client_id, iat and jti.",
            rfc9068_profile
        ),
        probe!(
            "issued.explicit-typing",
            Issued,
            Info,
            "RFC 8725 §3.11",
            "The issued JWT is explicitly typed (typ specific, not plain JWT)",
            "Set typ to a specific type such as at+jwt, so the token cannot be mistaken for another kind of JWT.",
            explicit_typing
        ),
        probe!(
            "issued.signature-verifies",
            Issued,
            Error,
            "RFC 7519 §7.2; RFC 8725 §3.1; RFC 9068 §4",
            "The issued JWT verifies against the server's published keys",
            "Sign issued tokens with a key published in your jwks_uri, with the kid and alg the header names.",
            signature_verifies
        ),
    ]
}

/// The claims RFC 9068 §2.2 requires.
const RFC9068_CLAIMS: [&str; 7] = ["iss", "exp", "aud", "sub", "client_id", "iat", "jti"];

/// How far an `expires_in`-based expiry may exceed the subject's (the request's own duration).
const EXPIRES_IN_LEEWAY_SECS: i64 = 5;

fn settle(r: Result<Verdict, Verdict>) -> Verdict {
    r.unwrap_or_else(|v| v)
}

/// The ordinary exchange, answered with a token, or a skip.
async fn exchanged(p: &Probing) -> Result<Answer, Verdict> {
    let answer = ordinary_exchange(p, "the exchanger's ordinary exchange").await?;
    if answer.issued() {
        Ok(answer)
    } else {
        Err(Verdict::Skip(format!(
            "the ordinary exchange was refused ({}), so there is no issued token to judge (baseline.plain-exchange)",
            answer.describe()
        )))
    }
}

/// The issued token's claims, or a skip pointing at the opaque group.
fn issued_jwt(answer: &Answer) -> Result<Jwt, Verdict> {
    answer.issued_jwt().ok_or_else(|| {
        Verdict::Skip(
            "the issued token is opaque: it is judged from the response and introspection (opaque.issued-judged)"
                .into(),
        )
    })
}

fn subject_jwt(p: &Probing) -> Result<Jwt, Verdict> {
    p.subject().jwt().ok_or_else(|| {
        Verdict::Skip(
            "the subject token is opaque, so its claims cannot be read (opaque.subject-judged judges it through introspection)"
                .into(),
        )
    })
}

async fn scope_not_wider(p: &Probing) -> Verdict {
    settle(
        async {
            let subject = subject_jwt(p)?;
            let held = subject.scopes().ok_or_else(|| {
                Verdict::Skip("the subject token has no scope claim, so its scope is unknown".into())
            })?;
            let answer = exchanged(p).await?;
            let mut granted: Vec<String> = Vec::new();
            let mut sources = Vec::new();
            if let Some(s) = answer.member("scope") {
                granted.extend(split_scope(s));
                sources.push("the response's scope");
            }
            if let Some(s) = answer.issued_jwt().and_then(|j| j.scopes()) {
                granted.extend(s);
                sources.push("the token's scope claim");
            }
            if sources.is_empty() {
                match &p.session.scope {
                    Some(requested) => {
                        granted.extend(split_scope(requested));
                        sources.push("the requested scope (no scope member, RFC 6749 §5.1)");
                    }
                    None => {
                        return Err(Verdict::Skip(
                            "the issued scope is unknown: no scope member, no readable scope claim and none requested".into(),
                        ));
                    }
                }
            }
            granted.sort();
            granted.dedup();
            let wider: Vec<&String> = granted.iter().filter(|s| !held.contains(s)).collect();
            Ok(if wider.is_empty() {
                Verdict::Pass(format!(
                    "granted {:?} (from {}), within the subject's {:?}",
                    granted.join(" "),
                    sources.join(" and "),
                    held.join(" ")
                ))
            } else {
                Verdict::Fail(format!(
                    "the issued token has {:?} (from {}), which the subject token ({:?}) does not hold",
                    wider.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(" "),
                    sources.join(" and "),
                    held.join(" ")
                ))
            })
        }
        .await,
    )
}

async fn lifetime_not_beyond_subject(p: &Probing) -> Verdict {
    settle(
        async {
            let subject = subject_jwt(p)?;
            let limit = subject.time("exp").ok_or_else(|| {
                Verdict::Skip("the subject token has no exp, so it sets no limit".into())
            })?;
            let before = p.session.now();
            let answer = exchanged(p).await?;
            let (exp, from, leeway) = match answer.issued_jwt().and_then(|j| j.time("exp")) {
                Some(exp) => (exp, "its exp", 0),
                None => {
                    let expires_in = answer
                        .json_object()
                        .and_then(|m| m.get("expires_in"))
                        .and_then(crate::response::integer)
                        .ok_or_else(|| {
                            Verdict::Skip(
                                "the issued token's expiry is unknown: no readable exp and no expires_in".into(),
                            )
                        })?;
                    (
                        before.saturating_add(expires_in),
                        "now + expires_in",
                        EXPIRES_IN_LEEWAY_SECS,
                    )
                }
            };
            let over = exp.saturating_sub(limit);
            Ok(if over <= leeway {
                Verdict::Pass(format!(
                    "the issued token expires at {exp} ({from}), not after the subject token ({limit})"
                ))
            } else {
                Verdict::Fail(format!(
                    "the issued token expires at {exp} ({from}), {over} s after the subject token ({limit}): it outlives the token it was exchanged for"
                ))
            })
        }
        .await,
    )
}

async fn audience_honoured(p: &Probing) -> Verdict {
    settle(
        async {
            let audience = p.session.audience.clone().ok_or_else(|| {
                Verdict::Skip("no audience is configured ([probe] audience)".into())
            })?;
            let answer = exchanged(p).await?;
            let jwt = issued_jwt(&answer)?;
            let aud = jwt.aud();
            Ok(if aud.contains(&audience) {
                Verdict::Pass(format!("the issued token's aud {aud:?} names {audience:?}"))
            } else {
                Verdict::Fail(format!(
                    "audience {audience:?} was asked for and the token was issued, but its aud is {aud:?}"
                ))
            })
        }
        .await,
    )
}

fn typ_is_at_jwt(typ: Option<&str>) -> bool {
    typ.is_some_and(|t| {
        t.eq_ignore_ascii_case("at+jwt") || t.eq_ignore_ascii_case("application/at+jwt")
    })
}

fn typ_is_generic(typ: Option<&str>) -> bool {
    typ.is_none_or(|t| t.eq_ignore_ascii_case("jwt") || t.eq_ignore_ascii_case("application/jwt"))
}

async fn rfc9068_profile(p: &Probing) -> Verdict {
    settle(
        async {
            let answer = exchanged(p).await?;
            let jwt = issued_jwt(&answer)?;
            let declared = answer.member("issued_token_type");
            if let Some(t) = declared
                && t != token_type::ACCESS_TOKEN
                && t != token_type::JWT
            {
                return Err(Verdict::Skip(format!(
                    "the issued token is a {t}, not an access token"
                )));
            }
            let typ = jwt.typ();
            let mut notes = Vec::new();
            if declared.is_none() {
                notes.push("info: no issued_token_type, so it was checked as an access token".to_string());
            } else if declared == Some(token_type::JWT) {
                notes.push("info: issued_token_type is jwt, so it was checked as an access token".to_string());
            }
            if typ_is_generic(typ) {
                notes.push(format!(
                    "info: typ is {}, not at+jwt (RFC 9068 §2.1); the claims were checked anyway",
                    typ.map_or_else(|| "absent".to_string(), |t| format!("{t:?}"))
                ));
            }
            let notes = if notes.is_empty() {
                String::new()
            } else {
                format!(" ({})", notes.join("; "))
            };
            let missing: Vec<&str> = RFC9068_CLAIMS
                .into_iter()
                .filter(|c| !jwt.claims.contains_key(*c))
                .collect();
            if !missing.is_empty() {
                return Ok(Verdict::Fail(format!(
                    "the issued access token lacks {} (RFC 9068 §2.2 requires iss, exp, aud, sub, client_id, iat and jti){notes}",
                    missing.join(", ")
                )));
            }
            if !typ_is_at_jwt(typ) && !typ_is_generic(typ) {
                return Ok(Verdict::Fail(format!(
                    "the issued access token's typ is {:?}; RFC 9068 §2.1 requires at+jwt{notes}",
                    typ.unwrap_or_default()
                )));
            }
            Ok(Verdict::Pass(format!(
                "typ {} and every RFC 9068 claim present{notes}",
                typ.unwrap_or("(absent)")
            )))
        }
        .await,
    )
}

async fn explicit_typing(p: &Probing) -> Verdict {
    settle(
        async {
            let answer = exchanged(p).await?;
            let jwt = issued_jwt(&answer)?;
            Ok(match jwt.typ() {
                Some(t) if !typ_is_generic(Some(t)) => {
                    Verdict::Pass(format!("the issued token's typ is {t:?}"))
                }
                Some(t) => Verdict::Fail(format!(
                    "the issued token's typ is the generic {t:?}: a specific type (e.g. at+jwt) keeps it from being taken for another kind of JWT"
                )),
                None => Verdict::Fail(
                    "the issued token has no typ header: a specific type (e.g. at+jwt) keeps it from being taken for another kind of JWT".into(),
                ),
            })
        }
        .await,
    )
}

async fn signature_verifies(p: &Probing) -> Verdict {
    settle(
        async {
            let answer = exchanged(p).await?;
            issued_jwt(&answer)?;
            let token = answer.access_token().unwrap_or_default();
            let jwks = p.jwks().await.map_err(|e| {
                Verdict::Skip(format!(
                    "the server's keys could not be read ({e}), so the signature cannot be checked"
                ))
            })?;
            let result = verify(token, &jwks, &VerifyOptions::new(p.session.now()));
            if result.valid {
                return Ok(Verdict::Pass(format!(
                    "the issued token verifies with the server's key {} ({})",
                    result.kid.as_deref().unwrap_or("(no kid)"),
                    result.alg.as_deref().unwrap_or("?")
                )));
            }
            if let [VerifyProblem::AlgNotAllowed { alg, .. }] = result.problems.as_slice()
                && alg.starts_with("HS")
            {
                return Err(Verdict::Skip(format!(
                    "the issued token is signed with {alg}, a shared secret: it cannot be verified with published keys"
                )));
            }
            Ok(Verdict::Fail(format!(
                "the issued token does not verify against the server's JWKS: {}",
                result
                    .problems
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join("; ")
            )))
        }
        .await,
    )
}
