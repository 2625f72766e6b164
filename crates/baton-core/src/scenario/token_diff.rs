//! What an exchange changed: the issued token against its subject token, claim by claim, for
//! the inspector's "diff against the subject token". Computed here so the app, the CLI and the
//! reports agree on what "narrowed" or "act added" means.

use serde::Serialize;
use serde_json::{Map, Value as Json};
use ts_rs::TS;

use crate::jwt::Jwt;
use crate::scenario::model::StepKind;
use crate::scenario::record::{InputRole, StepRecord};

/// Claims that differ on every issuance, so a change in them says nothing about the exchange.
const PER_ISSUANCE: [&str; 4] = ["iat", "nbf", "exp", "jti"];

/// Claims compared by a field of their own; the rest are compared by name in `other`.
/// `scp` is read as the scope when `scope` is absent.
const COMPARED_APART: [&str; 7] = ["sub", "aud", "scope", "scp", "act", "iss", "client_id"];

/// The issued token of an exchange against its subject token ("before" is the subject token,
/// "after" the issued one).
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct TokenDiff {
    pub sub: ClaimTextDiff,
    pub aud: ValuesDiff,
    /// `scope`, or `scp` when a token has no `scope`.
    pub scope: ValuesDiff,
    pub exp: SecondsDiff,
    /// `exp - iat`, in seconds.
    pub lifetime: SecondsDiff,
    pub act: ActDiff,
    /// The issued token names a current actor (`act`) that the subject token did not: someone
    /// now acts for the subject (delegation, RFC 8693 §1.1).
    pub act_added: bool,
    pub iss: ClaimTextDiff,
    pub client_id: ClaimTextDiff,
    /// Every other top-level claim, by name; the per-issuance claims (`iat`, `nbf`, `exp`, `jti`)
    /// are left out.
    pub other: OtherClaimsDiff,
}

/// A string claim before and after; `null` where the token does not carry it as a string.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct ClaimTextDiff {
    pub before: Option<String>,
    pub after: Option<String>,
    /// Both tokens carry the claim, with the same value.
    pub preserved: bool,
}

/// A list claim (`aud`, `scope`) before and after; an absent claim is an empty list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct ValuesDiff {
    pub before: Vec<String>,
    pub after: Vec<String>,
    /// In `after` but not in `before`, in `after`'s order.
    pub added: Vec<String>,
    /// In `before` but not in `after`, in `before`'s order.
    pub removed: Vec<String>,
    /// Something was removed and nothing added: `after` is a strict subset of `before`.
    pub narrowed: bool,
}

/// A time in epoch seconds, or a length of time in seconds, before and after.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct SecondsDiff {
    #[ts(type = "number | null")]
    pub before: Option<i64>,
    #[ts(type = "number | null")]
    pub after: Option<i64>,
}

/// The act chains, as labels (each actor's `sub`, else its `client_id`), current actor first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct ActDiff {
    pub before: Vec<String>,
    pub after: Vec<String>,
}

/// Other claims, by name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct OtherClaimsDiff {
    /// In the issued token only, in its order.
    pub added: Vec<String>,
    /// In the subject token only, in its order.
    pub removed: Vec<String>,
    /// In both, with different values, in the issued token's order.
    pub changed: Vec<String>,
}

/// What the exchange that turned `subject` into `issued` changed.
pub fn token_diff(subject: &Jwt, issued: &Jwt) -> TokenDiff {
    let act = ActDiff {
        before: subject.actors(),
        after: issued.actors(),
    };
    let act_added = act
        .after
        .first()
        .is_some_and(|actor| act.before.first() != Some(actor));
    TokenDiff {
        sub: text(subject, issued, "sub"),
        aud: values(subject.aud(), issued.aud()),
        scope: values(
            subject.scopes().unwrap_or_default(),
            issued.scopes().unwrap_or_default(),
        ),
        exp: SecondsDiff {
            before: subject.time("exp"),
            after: issued.time("exp"),
        },
        lifetime: SecondsDiff {
            before: subject.lifetime(),
            after: issued.lifetime(),
        },
        act,
        act_added,
        iss: text(subject, issued, "iss"),
        client_id: text(subject, issued, "client_id"),
        other: other_claims(&subject.claims, &issued.claims),
    }
}

/// The diff of an exchange step: its issued token against its subject token, when both are
/// JWTs. `None` for any other step, a refused exchange (no token issued) or an opaque token.
pub fn step_diff(step: &StepRecord) -> Option<TokenDiff> {
    if step.kind != StepKind::Exchange {
        return None;
    }
    let subject = step
        .inputs
        .iter()
        .find(|input| input.role == InputRole::Subject)?
        .token
        .decoded
        .jwt()?;
    let issued = step.token.as_ref()?.decoded.jwt()?;
    Some(token_diff(subject, issued))
}

fn text(subject: &Jwt, issued: &Jwt, claim: &str) -> ClaimTextDiff {
    let before = subject.claim_str(claim).map(str::to_string);
    let after = issued.claim_str(claim).map(str::to_string);
    ClaimTextDiff {
        preserved: before.is_some() && before == after,
        before,
        after,
    }
}

fn values(before: Vec<String>, after: Vec<String>) -> ValuesDiff {
    let added = missing_from(&after, &before);
    let removed = missing_from(&before, &after);
    ValuesDiff {
        narrowed: added.is_empty() && !removed.is_empty(),
        before,
        after,
        added,
        removed,
    }
}

/// The values of `these` not in `those`, once each, in order.
fn missing_from(these: &[String], those: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for value in these {
        if !those.contains(value) && !out.contains(value) {
            out.push(value.clone());
        }
    }
    out
}

fn other_claims(before: &Map<String, Json>, after: &Map<String, Json>) -> OtherClaimsDiff {
    let compared = |name: &&String| {
        !PER_ISSUANCE.contains(&name.as_str()) && !COMPARED_APART.contains(&name.as_str())
    };
    OtherClaimsDiff {
        added: after
            .keys()
            .filter(compared)
            .filter(|name| !before.contains_key(*name))
            .cloned()
            .collect(),
        removed: before
            .keys()
            .filter(compared)
            .filter(|name| !after.contains_key(*name))
            .cloned()
            .collect(),
        changed: after
            .iter()
            .filter(|(name, _)| compared(name))
            .filter(|(name, value)| before.get(*name).is_some_and(|b| b != *value))
            .map(|(name, _)| name.clone())
            .collect(),
    }
}
