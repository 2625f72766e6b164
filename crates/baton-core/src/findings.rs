//! Spec conformance: every response and issued token is checked, and each deviation is named
//! with the RFC section it breaks.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};
use serde_json::Value as Json;
use ts_rs::TS;

use crate::jwt::{DecodedToken, Jwt, decode, json_kind, split_scope};
use crate::request::TokenRequest;
use crate::response::{Outcome, TokenResponse};
use crate::timestamp::{self, TimeOutOfRange};
use crate::token_type;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
#[ts(export)]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Finding {
    /// Stable identifier, e.g. `response.cache-control`; assertions and tests refer to it.
    pub id: String,
    pub severity: Severity,
    pub message: String,
    /// The RFC section the deviation is measured against, e.g. `RFC 8693 §2.2.1`.
    pub reference: String,
}

impl Finding {
    pub(crate) fn new(
        id: &str,
        severity: Severity,
        reference: &str,
        message: impl Into<String>,
    ) -> Self {
        Self {
            id: id.into(),
            severity,
            message: message.into(),
            reference: reference.into(),
        }
    }
}

/// What a token is meant to be, which decides the profile it is checked against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenRole {
    AccessToken,
    Other,
    Unknown,
}

/// Tolerance between `expires_in` and the token's own `exp`, in seconds.
const EXPIRY_TOLERANCE_SECS: i64 = 10;
/// Without `iat`, Baton's clock is compared with the server's, so allow for skew.
const EXPIRY_TOLERANCE_NO_IAT_SECS: i64 = 120;

/// Claims that identify a party; anything else inside `act` does not belong there (RFC 8693 §4.1).
const NON_IDENTITY_CLAIMS: [&str; 5] = ["exp", "nbf", "iat", "aud", "jti"];

/// RFC 9068 §2.2: the claims every JWT access token carries.
const RFC9068_REQUIRED: [&str; 7] = ["iss", "exp", "aud", "sub", "client_id", "iat", "jti"];

/// Everything needed to judge one token endpoint response.
pub struct ResponseCheck<'a> {
    pub request: &'a TokenRequest,
    pub response: &'a TokenResponse,
    /// The subject token, decoded, when the request was an exchange of a JWT.
    pub subject: Option<&'a Jwt>,
    /// The issued token, decoded.
    pub issued: Option<&'a DecodedToken>,
    /// When the response arrived (epoch seconds, Baton's clock).
    pub received_at: i64,
    /// Whether the client authenticated with an Authorization header.
    pub used_authorization_header: bool,
    /// The `client_id` of the client that sent the request, when it is known.
    pub client_id: Option<&'a str>,
}

pub fn check_response(c: &ResponseCheck<'_>) -> Vec<Finding> {
    let mut out = Vec::new();
    check_content_type(c.response, &mut out);
    match &c.response.outcome {
        Outcome::Success(_) => check_success(c, &mut out),
        Outcome::Error(_) => check_error(c, &mut out),
        Outcome::Unreadable {
            problem, preview, ..
        } => out.push(Finding::new(
            "response.unreadable",
            Severity::Error,
            if c.response.status < 300 {
                "RFC 6749 §5.1"
            } else {
                "RFC 6749 §5.2"
            },
            format!(
                "HTTP {}: {}; it begins {:?}",
                c.response.status,
                problem.describe(),
                preview.chars().take(80).collect::<String>()
            ),
        )),
    }
    out
}

fn check_content_type(response: &TokenResponse, out: &mut Vec<Finding>) {
    let ct = response.header("content-type").unwrap_or("");
    let media = ct
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    if media != "application/json" {
        out.push(Finding::new(
            "response.content-type",
            Severity::Error,
            if response.status < 300 {
                "RFC 6749 §5.1"
            } else {
                "RFC 6749 §5.2"
            },
            if ct.is_empty() {
                "the response has no Content-Type; token responses are application/json".to_string()
            } else {
                format!("Content-Type is {ct:?}; token responses are application/json")
            },
        ));
    }
}

fn check_success(c: &ResponseCheck<'_>, out: &mut Vec<Finding>) {
    let Outcome::Success(s) = &c.response.outcome else {
        return;
    };
    let is_exchange = c.request.exchange_params().is_some();
    if let Some(problem) = expires_in_out_of_range(s.members.get("expires_in"), c.received_at) {
        out.push(Finding::new(
            "response.expires-in.out-of-range",
            Severity::Error,
            "RFC 6749 §5.1",
            format!(
                "{problem}, counted from the response: no token lives that long, so Baton does not compute its expiry"
            ),
        ));
    }
    if c.response.status != 200 {
        out.push(Finding::new(
            "response.status",
            Severity::Warning,
            "RFC 6749 §5.1",
            format!(
                "a successful token response is HTTP 200, this is {}",
                c.response.status
            ),
        ));
    }
    let no_store = c
        .response
        .headers
        .iter()
        .filter(|(n, _)| n.eq_ignore_ascii_case("cache-control"))
        .any(|(_, v)| {
            v.split(',')
                .any(|d| d.trim().eq_ignore_ascii_case("no-store"))
        });
    if !no_store {
        out.push(Finding::new(
            "response.cache-control",
            Severity::Error,
            "RFC 6749 §5.1",
            "the response carries tokens but no `Cache-Control: no-store`",
        ));
    }
    let pragma = c.response.headers.iter().any(|(n, v)| {
        n.eq_ignore_ascii_case("pragma") && v.to_ascii_lowercase().contains("no-cache")
    });
    if !pragma {
        out.push(Finding::new(
            "response.pragma",
            Severity::Info,
            "RFC 6749 §5.1",
            "no `Pragma: no-cache` (RFC 6749 asks for it; RFC 9111 has since deprecated Pragma, so Cache-Control is what matters)",
        ));
    }
    for (member, expected) in [
        ("access_token", "a string"),
        ("issued_token_type", "a string"),
        ("token_type", "a string"),
        ("scope", "a string"),
        ("refresh_token", "a string"),
        ("expires_in", "a number"),
    ] {
        if let Some(v) = s.members.get(member) {
            if v.is_null() {
                out.push(Finding::new(
                    "response.member-null",
                    Severity::Warning,
                    "RFC 6749 §5.1",
                    format!("`{member}` is sent as null; a member with no value is left out"),
                ));
                continue;
            }
            let ok = if expected == "a number" {
                v.is_number()
            } else {
                v.is_string()
            };
            if !ok {
                out.push(Finding::new(
                    "response.member-type",
                    Severity::Error,
                    "RFC 6749 §5.1",
                    format!("`{member}` is {} but must be {expected}", json_kind(v)),
                ));
            }
        }
    }
    let section = if is_exchange {
        "RFC 8693 §2.2.1"
    } else {
        "RFC 6749 §5.1"
    };
    if s.access_token.is_none() && !s.members.contains_key("access_token") {
        out.push(Finding::new(
            "response.access-token.missing",
            Severity::Error,
            section,
            "the response has no `access_token` (it carries the issued token, whatever its type)",
        ));
    }
    if s.token_type.is_none() && !s.members.contains_key("token_type") {
        out.push(Finding::new(
            "response.token-type.missing",
            Severity::Error,
            section,
            "the response has no `token_type`",
        ));
    }
    check_token_type_value(s, is_exchange, out);
    if !is_exchange {
        return;
    }
    let Some(params) = c.request.exchange_params() else {
        return;
    };
    match &s.issued_token_type {
        None if !s.members.contains_key("issued_token_type") => out.push(Finding::new(
            "response.issued-token-type.missing",
            Severity::Error,
            "RFC 8693 §2.2.1",
            "the response has no `issued_token_type`, so the client cannot tell what it received",
        )),
        Some(issued) => {
            if let Some(requested) = &params.requested_token_type
                && requested != issued
            {
                out.push(Finding::new(
                    "response.issued-token-type.differs",
                    Severity::Info,
                    "RFC 8693 §2.2.1",
                    format!("asked for {requested}, the server issued {issued}"),
                ));
            }
            if let Some(tt) = &s.token_type
                && needs_n_a(issued)
                && tt != "N_A"
            {
                out.push(Finding::new(
                    "response.token-type.not-n-a",
                    Severity::Warning,
                    "RFC 8693 §2.2.1",
                    format!(
                        "the issued token is {} (not an access token) but `token_type` is {tt:?} instead of \"N_A\"",
                        token_type::short_name(issued).unwrap_or(issued)
                    ),
                ));
            }
        }
        None => {}
    }
    let issued_jwt = c.issued.and_then(DecodedToken::jwt);
    check_scope(c, s.scope.as_deref(), issued_jwt, out);
    if let Some(jwt) = issued_jwt {
        check_exchange_token(c, s.expires_in, jwt, out);
    }
}

/// `token_type` says how to use an access token (RFC 6749 §7.1): a registered access token type
/// such as `Bearer` or `DPoP` (compared case-insensitively). Values such as `access_token` name
/// the token's type, not its use, and clients cannot act on them.
fn check_token_type_value(
    s: &crate::response::TokenSuccess,
    is_exchange: bool,
    out: &mut Vec<Finding>,
) {
    let Some(tt) = s.token_type.as_deref() else {
        return;
    };
    let issued_access_token = !is_exchange
        || s.issued_token_type.as_deref() == Some(token_type::ACCESS_TOKEN)
        || s.issued_token_type.is_none();
    if !issued_access_token {
        return;
    }
    let known = ["bearer", "dpop", "mac"].contains(&tt.to_ascii_lowercase().as_str());
    if tt == "N_A" {
        out.push(Finding::new(
            "response.token-type.n-a-for-access-token",
            Severity::Warning,
            "RFC 8693 §2.2.1",
            "`token_type` is \"N_A\" for an access token; N_A is for tokens that are not access tokens, an access token says how to use it (Bearer, DPoP)",
        ));
    } else if !known {
        out.push(Finding::new(
            "response.token-type.unknown",
            Severity::Warning,
            "RFC 6749 §7.1, RFC 8693 §2.2.1",
            format!(
                "`token_type` is {tt:?}, which is not an access token type a client can use (Bearer, DPoP)"
            ),
        ));
    }
}

/// Types that cannot be used as an access token get `token_type` `N_A` (RFC 8693 §2.2.1).
fn needs_n_a(issued_token_type: &str) -> bool {
    [
        token_type::REFRESH_TOKEN,
        token_type::ID_TOKEN,
        token_type::SAML1,
        token_type::SAML2,
    ]
    .contains(&issued_token_type)
}

fn scope_set(scopes: &[String]) -> BTreeSet<&str> {
    scopes.iter().map(String::as_str).collect()
}

fn check_scope(
    c: &ResponseCheck<'_>,
    response_scope: Option<&str>,
    issued: Option<&Jwt>,
    out: &mut Vec<Finding>,
) {
    let granted: Option<Vec<String>> = response_scope
        .map(split_scope)
        .or_else(|| issued.and_then(Jwt::scopes));
    if response_scope.is_none()
        && let (Some(requested), Some(granted)) = (&c.request.scope, &granted)
    {
        let requested = split_scope(requested);
        if scope_set(&requested) != scope_set(granted) {
            out.push(Finding::new(
                "response.scope.missing",
                Severity::Warning,
                "RFC 8693 §2.2.1",
                format!(
                    "`scope` is missing although the token's scope ({}) differs from the request ({})",
                    granted.join(" "),
                    requested.join(" ")
                ),
            ));
        }
    }
    if let (Some(subject_scopes), Some(granted)) = (c.subject.and_then(Jwt::scopes), &granted) {
        let allowed = scope_set(&subject_scopes);
        let wider: Vec<&str> = granted
            .iter()
            .map(String::as_str)
            .filter(|s| !allowed.contains(s))
            .collect();
        if !wider.is_empty() {
            out.push(Finding::new(
                "token.scope.widened",
                Severity::Error,
                "RFC 8693 §5",
                format!(
                    "the issued token has scope the subject token did not have: {}",
                    wider.join(" ")
                ),
            ));
        }
    }
}

/// A numeric `expires_in` whose expiry (from `received_at`) is no time Baton can compute with.
fn expires_in_out_of_range(value: Option<&Json>, received_at: i64) -> Option<TimeOutOfRange> {
    let Some(Json::Number(n)) = value else {
        return None;
    };
    if let Some(secs) = n.as_i64() {
        return timestamp::after("expires_in", received_at, secs).err();
    }
    // Past i64 (a u64, or a float like 1e300): out of range whichever way.
    let f = n.as_f64()?;
    (f.abs() >= 9.0e15).then(|| TimeOutOfRange {
        name: "expires_in".into(),
        value: n.to_string(),
        side: if f < 0.0 {
            timestamp::Side::BeforeYear1
        } else {
            timestamp::Side::AfterYear9999
        },
    })
}

fn check_exchange_token(
    c: &ResponseCheck<'_>,
    expires_in: Option<i64>,
    jwt: &Jwt,
    out: &mut Vec<Finding>,
) {
    if let (Some(expires_in), Some(exp)) = (expires_in, jwt.time("exp")) {
        let (start, tolerance, base) = match jwt.time("iat") {
            Some(iat) => (iat, EXPIRY_TOLERANCE_SECS, "iat"),
            None => (
                c.received_at,
                EXPIRY_TOLERANCE_NO_IAT_SECS,
                "the time of the response",
            ),
        };
        // The server chooses every number here: saturate rather than overflow.
        let lifetime = exp.saturating_sub(start);
        if lifetime.saturating_sub(expires_in).saturating_abs() > tolerance {
            out.push(Finding::new(
                "token.expires-in.mismatch",
                Severity::Warning,
                "RFC 8693 §2.2.1",
                format!("`expires_in` is {expires_in} s but `exp` is {lifetime} s after {base}"),
            ));
        }
    }
    let aud = jwt.aud();
    for requested in &c.request.audience {
        if !aud.contains(requested) {
            out.push(Finding::new(
                "token.aud.missing-requested",
                Severity::Warning,
                "RFC 8693 §2.1",
                format!(
                    "audience {requested:?} was requested but the token's `aud` is [{}]",
                    aud.join(", ")
                ),
            ));
        }
    }
    if let Some(params) = c.request.exchange_params() {
        if params.actor.is_some()
            && jwt.act_chain.actors.is_empty()
            && jwt.act_chain.problem.is_none()
        {
            out.push(Finding::new(
                "token.act.absent",
                Severity::Info,
                "RFC 8693 §1.1",
                "an actor token was sent but the issued token has no `act`: this is impersonation, not delegation",
            ));
        }
        if let (Some(actor), Some(current)) = (
            params.actor.as_ref().map(|a| decode(&a.token)),
            jwt.act_chain.actors.first(),
        ) && let (Some(actor_sub), Some(act_sub)) =
            (actor.jwt().and_then(Jwt::sub), current.sub.as_deref())
            && actor_sub != act_sub
        {
            out.push(Finding::new(
                "token.act.wrong-actor",
                Severity::Error,
                "RFC 8693 §4.1",
                format!(
                    "`act` names {act_sub:?} but the actor token's subject is {actor_sub:?}: the token does not say who is really acting"
                ),
            ));
        }
        if let (Some(subject), Some(client_id)) = (c.subject, c.client_id) {
            let aud = subject.aud();
            if !aud.is_empty() && !aud.iter().any(|a| a == client_id) {
                out.push(Finding::new(
                    "token.subject-aud.foreign",
                    Severity::Info,
                    "RFC 8725 §3.9",
                    format!(
                        "the server accepted a subject token whose `aud` [{}] does not name the presenting client {client_id:?}; where those audiences are other parties, it must refuse such a token",
                        aud.join(", ")
                    ),
                ));
            }
        }
        if let (Some(subject_sub), Some(issued_sub)) = (c.subject.and_then(Jwt::sub), jwt.sub())
            && subject_sub != issued_sub
        {
            out.push(Finding::new(
                "token.sub.changed",
                Severity::Info,
                "RFC 8693 §1.1",
                format!("`sub` changed from {subject_sub:?} to {issued_sub:?}"),
            ));
        }
    }
}

fn check_error(c: &ResponseCheck<'_>, out: &mut Vec<Finding>) {
    let Outcome::Error(e) = &c.response.outcome else {
        return;
    };
    // Extensions register more codes for the token endpoint: DPoP's (RFC 9449 §5, §8) for any
    // grant, and the device grant's (RFC 8628 §3.5) for a device code.
    let extension = match e.error.as_str() {
        "invalid_dpop_proof" | "use_dpop_nonce" => true,
        "authorization_pending" | "slow_down" | "access_denied" | "expired_token" => {
            matches!(c.request.grant, crate::request::Grant::DeviceCode { .. })
        }
        _ => false,
    };
    if !e.error.is_registered() && !extension {
        out.push(Finding::new(
            "response.error.unregistered",
            Severity::Warning,
            "RFC 6749 §5.2, RFC 8693 §2.2.2",
            format!(
                "error code {:?} is not one the token endpoint may return (invalid_request, invalid_client, invalid_grant, unauthorized_client, unsupported_grant_type, invalid_scope, invalid_target)",
                e.error.as_str()
            ),
        ));
    }
    if c.request.exchange_params().is_some() && e.error.as_str() == "invalid_grant" {
        out.push(Finding::new(
            "response.error.exchange-code",
            Severity::Warning,
            "RFC 8693 §2.2.2",
            "a token exchange refused for its subject or actor token, or by policy, answers invalid_request; invalid_grant is for authorization grants and refresh tokens",
        ));
    }
    let status = c.response.status;
    let is_client = e.error.as_str() == "invalid_client";
    if !(status == 400 || (is_client && status == 401)) {
        out.push(Finding::new(
            "response.error.status",
            Severity::Warning,
            "RFC 6749 §5.2",
            format!(
                "error {} came with HTTP {status}; RFC 6749 uses 400{}",
                e.error,
                if is_client {
                    " (or 401 for invalid_client)"
                } else {
                    ""
                }
            ),
        ));
    }
    if is_client && c.used_authorization_header {
        let challenge = c.response.header("www-authenticate");
        let basic =
            challenge.is_some_and(|h| h.trim_start().to_ascii_lowercase().starts_with("basic"));
        if status != 401 || !basic {
            out.push(Finding::new(
                "response.error.www-authenticate",
                Severity::Warning,
                "RFC 6749 §5.2",
                format!(
                    "invalid_client for a client that authenticated with Basic must be HTTP 401 with a `WWW-Authenticate: Basic` challenge; got HTTP {status} with {}",
                    challenge.map_or("no WWW-Authenticate".to_string(), |h| format!("WWW-Authenticate: {h}"))
                ),
            ));
        }
    }
}

/// Checks one decoded JWT on its own: algorithm, typing, `act` and `may_act`, and the JWT
/// access-token profile when the token is an access token.
pub fn check_token(jwt: &Jwt, role: TokenRole) -> Vec<Finding> {
    let mut out = Vec::new();
    if jwt.alg().is_some_and(|a| a.eq_ignore_ascii_case("none")) {
        out.push(Finding::new(
            "token.alg.none",
            Severity::Error,
            "RFC 8725 §3.1",
            "the token is unsigned (`alg: none`); no one may accept it",
        ));
    }
    for time in jwt.times_out_of_range() {
        out.push(Finding::new(
            "token.time.out-of-range",
            Severity::Error,
            "RFC 7519 §2",
            format!("{time}: no real token carries such a time, so Baton does not compute with it"),
        ));
    }
    if let Some(problem) = &jwt.act_chain.problem {
        out.push(Finding::new(
            "token.act.malformed",
            Severity::Error,
            "RFC 8693 §4.1",
            problem.clone(),
        ));
    }
    for (depth, actor) in jwt.act_chain.actors.iter().enumerate() {
        if actor.sub.is_none() && actor.client_id.is_none() && actor.iss.is_none() {
            out.push(Finding::new(
                "token.act.unidentified",
                Severity::Warning,
                "RFC 8693 §4.1",
                format!(
                    "`act` at depth {} has no `sub` (nor `client_id`) naming the actor",
                    depth + 1
                ),
            ));
        }
        let stray: Vec<&str> = NON_IDENTITY_CLAIMS
            .into_iter()
            .filter(|c| actor.claims.contains_key(*c))
            .collect();
        if !stray.is_empty() {
            out.push(Finding::new(
                "token.act.non-identity-claims",
                Severity::Warning,
                "RFC 8693 §4.1",
                format!(
                    "`act` at depth {} carries {}: claims inside `act` only identify the actor and such claims are not meaningful there",
                    depth + 1,
                    stray.join(", ")
                ),
            ));
        }
    }
    if let Some(may_act) = &jwt.may_act {
        let ok = matches!(may_act, Json::Object(o) if !o.is_empty());
        if !ok {
            out.push(Finding::new(
                "token.may-act.malformed",
                Severity::Warning,
                "RFC 8693 §4.4",
                format!(
                    "`may_act` is {} but must be a non-empty JSON object naming a party",
                    json_kind(may_act)
                ),
            ));
        }
    }
    if role == TokenRole::AccessToken {
        check_access_token_profile(jwt, &mut out);
    }
    out
}

fn check_access_token_profile(jwt: &Jwt, out: &mut Vec<Finding>) {
    let typ = jwt.typ().unwrap_or("");
    let typed =
        typ.eq_ignore_ascii_case("at+jwt") || typ.eq_ignore_ascii_case("application/at+jwt");
    let missing: Vec<&str> = RFC9068_REQUIRED
        .into_iter()
        .filter(|c| !jwt.claims.contains_key(*c))
        .collect();
    if !typed {
        if !missing.is_empty() {
            out.push(Finding::new(
                "token.at-jwt.claims-missing",
                Severity::Info,
                "RFC 9068 §2.2",
                format!(
                    "the access token is not typed `at+jwt`, and it also lacks what the JWT access-token profile requires: {}",
                    missing.join(", ")
                ),
            ));
        }
        out.push(Finding::new(
            "token.typ.not-at-jwt",
            Severity::Info,
            "RFC 9068 §2.1",
            if typ.is_empty() {
                "the access token has no `typ`; the JWT access-token profile uses `at+jwt`".to_string()
            } else {
                format!("the access token's `typ` is {typ:?}; the JWT access-token profile uses `at+jwt`")
            },
        ));
        return;
    }
    if !missing.is_empty() {
        out.push(Finding::new(
            "token.at-jwt.claims-missing",
            Severity::Warning,
            "RFC 9068 §2.2",
            format!(
                "the token says `typ: at+jwt` but lacks {}",
                missing.join(", ")
            ),
        ));
    }
}

/// The highest severity among `findings`, if any.
pub fn worst(findings: &[Finding]) -> Option<Severity> {
    findings.iter().map(|f| f.severity).max()
}

const ID_JAG_DRAFT: &str = "draft-ietf-oauth-identity-assertion-authz-grant §3";
/// The claims an ID-JAG carries for the resource's authorization server to judge it.
const ID_JAG_REQUIRED: [&str; 7] = ["iss", "sub", "aud", "client_id", "jti", "exp", "iat"];

/// Checks an issued ID-JAG: its `typ` and the claims the resource's authorization server needs.
pub fn check_id_jag(jwt: &Jwt) -> Vec<Finding> {
    let mut found = Vec::new();
    if jwt.typ() != Some("oauth-id-jag+jwt") {
        found.push(Finding::new(
            "id-jag.typ",
            Severity::Error,
            ID_JAG_DRAFT,
            format!(
                "an ID-JAG's header typ must be \"oauth-id-jag+jwt\" (it is {:?}), so it cannot be mistaken for another kind of JWT",
                jwt.typ()
            ),
        ));
    }
    let missing: Vec<&str> = ID_JAG_REQUIRED
        .iter()
        .copied()
        .filter(|c| !jwt.claims.contains_key(*c))
        .collect();
    if !missing.is_empty() {
        found.push(Finding::new(
            "id-jag.claims-missing",
            Severity::Error,
            ID_JAG_DRAFT,
            format!(
                "the ID-JAG lacks {}: the resource's authorization server needs each to accept it",
                missing.join(", ")
            ),
        ));
    }
    if jwt.aud().len() > 1 {
        found.push(Finding::new(
            "id-jag.aud-single",
            Severity::Warning,
            ID_JAG_DRAFT,
            format!(
                "the ID-JAG names several audiences {:?}; it is meant for exactly one authorization server",
                jwt.aud()
            ),
        ));
    }
    found
}

#[cfg(test)]
mod id_jag_tests {
    use base64::Engine;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;

    use super::*;

    fn jwt(header: &str, claims: &str) -> Jwt {
        let raw = format!(
            "{}.{}.sig",
            URL_SAFE_NO_PAD.encode(header),
            URL_SAFE_NO_PAD.encode(claims)
        );
        match decode(&raw) {
            DecodedToken::Jwt(j) => *j,
            DecodedToken::Opaque(o) => panic!("{}", o.reason),
            DecodedToken::Saml(_) => panic!("a SAML assertion, not a JWT"),
        }
    }

    #[test]
    fn an_id_jag_needs_its_typ_and_claims() {
        let good = jwt(
            r#"{"alg":"ES256","typ":"oauth-id-jag+jwt"}"#,
            r#"{"iss":"a","sub":"alice","aud":"b","client_id":"c","jti":"j","exp":2,"iat":1}"#,
        );
        assert!(check_id_jag(&good).is_empty());
        let bad = jwt(
            r#"{"alg":"ES256","typ":"JWT"}"#,
            r#"{"iss":"a","sub":"alice","aud":["b","x"]}"#,
        );
        let found = check_id_jag(&bad);
        let ids: Vec<&str> = found.iter().map(|f| f.id.as_str()).collect();
        assert_eq!(
            ids,
            ["id-jag.typ", "id-jag.claims-missing", "id-jag.aud-single"]
        );
        assert!(
            found[1].message.contains("client_id, jti, exp, iat"),
            "{}",
            found[1].message
        );
    }
}
