//! The policy's TOML form: the file structs serde reads and writes, and errors that point at the
//! line and column of the problem.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use super::validate::{self, Issue, Seg};
use super::{
    Audience, CertificateSubject, Checks, Client, ClientAuth, Grant, MayAct, Policy,
    RegisteredCertificate, SigningAlg, User,
};
use crate::secret::Secret;

/// A policy that could not be read, parsed or validated.
#[derive(Debug, thiserror::Error)]
pub enum PolicyError {
    #[error("cannot read policy file {}: {source}", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// Not TOML, or not the policy's shape (unknown key, wrong type, missing field).
    #[error("{}: {message}", location(origin, *line, *column))]
    Syntax {
        origin: String,
        line: Option<usize>,
        column: Option<usize>,
        message: String,
    },
    /// Well-formed but inconsistent (unknown audience, duplicate client id, bad key…).
    #[error("{}: {message}", location(origin, *line, *column))]
    Invalid {
        origin: String,
        line: Option<usize>,
        column: Option<usize>,
        message: String,
    },
}

impl PolicyError {
    /// The 1-based line of the problem, when known.
    pub fn line(&self) -> Option<usize> {
        match self {
            PolicyError::Read { .. } => None,
            PolicyError::Syntax { line, .. } | PolicyError::Invalid { line, .. } => *line,
        }
    }
}

fn location(origin: &str, line: Option<usize>, column: Option<usize>) -> String {
    match (line, column) {
        (Some(l), Some(c)) => format!("{origin}:{l}:{c}"),
        (Some(l), None) => format!("{origin}:{l}"),
        _ => origin.to_owned(),
    }
}

/// 1-based line and column (in characters) of a byte offset.
fn line_column(src: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(src.len());
    let before = src.get(..offset).unwrap_or(src);
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before.get(line_start..).map_or(0, |s| s.chars().count()) + 1;
    (line, column)
}

fn default_access_token_lifetime() -> u64 {
    3600
}
fn default_refresh_token_lifetime() -> u64 {
    86400
}
fn default_max_chain_depth() -> usize {
    4
}
fn default_device_interval() -> u64 {
    5
}
fn on() -> bool {
    true
}
fn is_on(b: &bool) -> bool {
    *b
}
fn is_off(b: &bool) -> bool {
    !*b
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct PolicyFile {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    issuer: Option<String>,
    #[serde(default)]
    signing_alg: AlgFile,
    #[serde(default = "default_access_token_lifetime")]
    access_token_lifetime: u64,
    #[serde(default = "default_refresh_token_lifetime")]
    refresh_token_lifetime: u64,
    #[serde(default = "default_max_chain_depth")]
    max_chain_depth: usize,
    #[serde(default, skip_serializing_if = "is_off")]
    dpop_nonce: bool,
    #[serde(default = "on", skip_serializing_if = "is_on")]
    obo_act: bool,
    #[serde(default = "default_device_interval")]
    device_interval: u64,
    #[serde(default, skip_serializing_if = "ChecksFile::all_on")]
    checks: ChecksFile,
    #[serde(default, skip_serializing_if = "crate::faults::Faults::is_none")]
    faults: crate::faults::Faults,
    #[serde(default)]
    audiences: Vec<AudienceFile>,
    #[serde(default)]
    users: Vec<UserFile>,
    #[serde(default)]
    clients: Vec<ClientFile>,
}

/// `[checks]`: every key a bool, on when absent. An unknown key is an error naming it.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct ChecksFile {
    #[serde(default = "on", skip_serializing_if = "is_on")]
    actor_bound_to_client: bool,
    #[serde(default = "on", skip_serializing_if = "is_on")]
    actor_not_subject: bool,
    #[serde(default = "on", skip_serializing_if = "is_on")]
    may_act_enforced: bool,
    #[serde(default = "on", skip_serializing_if = "is_on")]
    may_act_carried: bool,
    #[serde(default = "on", skip_serializing_if = "is_on")]
    subject_audience: bool,
    #[serde(default = "on", skip_serializing_if = "is_on")]
    token_type_matches: bool,
    #[serde(default = "on", skip_serializing_if = "is_on")]
    time_claims: bool,
    #[serde(default = "on", skip_serializing_if = "is_on")]
    revocation: bool,
    #[serde(default = "on", skip_serializing_if = "is_on")]
    grant_client_bound: bool,
    #[serde(default = "on", skip_serializing_if = "is_on")]
    assertion_single_use: bool,
    #[serde(default = "on", skip_serializing_if = "is_on")]
    pkce_required: bool,
    #[serde(default = "on", skip_serializing_if = "is_on")]
    client_certificate_chain: bool,
}

impl Default for ChecksFile {
    fn default() -> Self {
        ChecksFile::from(Checks::all_on())
    }
}

impl ChecksFile {
    fn all_on(&self) -> bool {
        Checks::from(*self) == Checks::all_on()
    }
}

impl From<ChecksFile> for Checks {
    fn from(f: ChecksFile) -> Checks {
        Checks {
            actor_bound_to_client: f.actor_bound_to_client,
            actor_not_subject: f.actor_not_subject,
            may_act_enforced: f.may_act_enforced,
            may_act_carried: f.may_act_carried,
            subject_audience: f.subject_audience,
            token_type_matches: f.token_type_matches,
            time_claims: f.time_claims,
            revocation: f.revocation,
            grant_client_bound: f.grant_client_bound,
            assertion_single_use: f.assertion_single_use,
            pkce_required: f.pkce_required,
            client_certificate_chain: f.client_certificate_chain,
        }
    }
}

impl From<Checks> for ChecksFile {
    fn from(c: Checks) -> ChecksFile {
        ChecksFile {
            actor_bound_to_client: c.actor_bound_to_client,
            actor_not_subject: c.actor_not_subject,
            may_act_enforced: c.may_act_enforced,
            may_act_carried: c.may_act_carried,
            subject_audience: c.subject_audience,
            token_type_matches: c.token_type_matches,
            time_claims: c.time_claims,
            revocation: c.revocation,
            grant_client_bound: c.grant_client_bound,
            assertion_single_use: c.assertion_single_use,
            pkce_required: c.pkce_required,
            client_certificate_chain: c.client_certificate_chain,
        }
    }
}

#[derive(Debug, Default, Clone, Copy, Serialize, Deserialize)]
enum AlgFile {
    #[default]
    ES256,
    RS256,
    EdDSA,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct AudienceFile {
    name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    description: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    resources: Vec<String>,
    scopes: Vec<String>,
    #[serde(default, skip_serializing_if = "is_off")]
    authorization_server: bool,
    #[serde(default, skip_serializing_if = "is_off")]
    requires_id_jag: bool,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct UserFile {
    username: String,
    password: String,
    #[serde(default)]
    scopes: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    may_act: Option<MayActFile>,
    #[serde(default, skip_serializing_if = "toml::Table::is_empty")]
    claims: toml::Table,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct MayActFile {
    sub: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    iss: Option<String>,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum AuthFile {
    None,
    ClientSecret,
    PrivateKeyJwt,
    TlsClientAuth,
    SelfSignedTlsClientAuth,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
enum GrantFile {
    #[serde(rename = "client_credentials")]
    ClientCredentials,
    #[serde(rename = "password")]
    Password,
    #[serde(rename = "refresh_token")]
    RefreshToken,
    #[serde(
        rename = "token-exchange",
        alias = "urn:ietf:params:oauth:grant-type:token-exchange"
    )]
    TokenExchange,
    #[serde(
        rename = "jwt-bearer",
        alias = "urn:ietf:params:oauth:grant-type:jwt-bearer"
    )]
    JwtBearer,
    #[serde(rename = "authorization_code")]
    AuthorizationCode,
    #[serde(
        rename = "device_code",
        alias = "urn:ietf:params:oauth:grant-type:device_code"
    )]
    DeviceCode,
}

/// A client's `dpop`: `"required"` or a bool (`true` means required too).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(untagged)]
enum DpopFile {
    Bool(bool),
    Word(String),
}

fn dpop_absent(d: &Option<DpopFile>) -> bool {
    matches!(d, None | Some(DpopFile::Bool(false)))
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct ClientFile {
    client_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    description: Option<String>,
    auth: AuthFile,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    secret: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    public_key_pem: Option<String>,
    grants: Vec<GrantFile>,
    #[serde(default)]
    may_delegate: bool,
    #[serde(default)]
    may_impersonate: bool,
    #[serde(default)]
    audiences: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    default_audience: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    scopes: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    may_act: Option<MayActFile>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    accepts_audiences: Vec<String>,
    #[serde(default, skip_serializing_if = "dpop_absent")]
    dpop: Option<DpopFile>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    redirect_uris: Vec<String>,
    // RFC 8705 §2.1.2: exactly one of these with auth = "tls_client_auth".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    tls_client_auth_subject_dn: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    tls_client_auth_san_dns: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    tls_client_auth_san_uri: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    tls_client_auth_san_ip: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    tls_client_auth_san_email: Option<String>,
    // RFC 8705 §2.2: one of these with auth = "self_signed_tls_client_auth".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    tls_client_certificate_pem: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    tls_client_certificate_x5t_s256: Option<String>,
    #[serde(default, skip_serializing_if = "is_off")]
    tls_client_certificate_bound_access_tokens: bool,
    #[serde(default, skip_serializing_if = "is_off")]
    opaque_access_tokens: bool,
}

/// The mutual-TLS fields of a client entry, read into its [`ClientAuth`] (RFC 8705 §2).
struct TlsFields {
    subjects: Vec<(&'static str, CertificateSubject)>,
    certificates: Vec<(&'static str, RegisteredCertificate)>,
}

impl TlsFields {
    fn take(c: &mut ClientFile) -> TlsFields {
        let subjects = [
            (
                "tls_client_auth_subject_dn",
                c.tls_client_auth_subject_dn
                    .take()
                    .map(CertificateSubject::SubjectDn),
            ),
            (
                "tls_client_auth_san_dns",
                c.tls_client_auth_san_dns
                    .take()
                    .map(CertificateSubject::SanDns),
            ),
            (
                "tls_client_auth_san_uri",
                c.tls_client_auth_san_uri
                    .take()
                    .map(CertificateSubject::SanUri),
            ),
            (
                "tls_client_auth_san_ip",
                c.tls_client_auth_san_ip
                    .take()
                    .map(CertificateSubject::SanIp),
            ),
            (
                "tls_client_auth_san_email",
                c.tls_client_auth_san_email
                    .take()
                    .map(CertificateSubject::SanEmail),
            ),
        ];
        let certificates = [
            (
                "tls_client_certificate_pem",
                c.tls_client_certificate_pem
                    .take()
                    .map(RegisteredCertificate::Pem),
            ),
            (
                "tls_client_certificate_x5t_s256",
                c.tls_client_certificate_x5t_s256
                    .take()
                    .map(RegisteredCertificate::Thumbprint),
            ),
        ];
        TlsFields {
            subjects: subjects
                .into_iter()
                .filter_map(|(k, v)| v.map(|v| (k, v)))
                .collect(),
            certificates: certificates
                .into_iter()
                .filter_map(|(k, v)| v.map(|v| (k, v)))
                .collect(),
        }
    }
}

/// The client's [`ClientAuth`] from `auth` and the fields that go with it; an issue names a
/// missing field or one that belongs to another method.
fn client_auth(c: &mut ClientFile, i: usize) -> Result<ClientAuth, Issue> {
    let field = |k: &'static str| vec![Seg::Key("clients"), Seg::Index(i), Seg::Key(k)];
    let owner = c.client_id.clone();
    let tls = TlsFields::take(c);
    let wrong = |key: &'static str, method: &str| Issue {
        path: field(key),
        message: format!("client {owner:?}: {key} only goes with auth = \"{method}\""),
    };
    if !matches!(c.auth, AuthFile::TlsClientAuth)
        && let Some((key, _)) = tls.subjects.first()
    {
        return Err(wrong(key, "tls_client_auth"));
    }
    if !matches!(c.auth, AuthFile::SelfSignedTlsClientAuth)
        && let Some((key, _)) = tls.certificates.first()
    {
        return Err(wrong(key, "self_signed_tls_client_auth"));
    }
    if !matches!(c.auth, AuthFile::ClientSecret) && c.secret.is_some() {
        return Err(wrong("secret", "client_secret"));
    }
    if !matches!(c.auth, AuthFile::PrivateKeyJwt) && c.public_key_pem.is_some() {
        return Err(wrong("public_key_pem", "private_key_jwt"));
    }
    let needs = |what: &str| Issue {
        path: field("auth"),
        message: format!(
            "client {owner:?}: auth = \"{}\" needs {what}",
            auth_name(c.auth)
        ),
    };
    Ok(match c.auth {
        AuthFile::None => ClientAuth::None,
        AuthFile::ClientSecret => ClientAuth::ClientSecret(Secret::new(
            c.secret.take().ok_or_else(|| needs("a secret"))?,
        )),
        AuthFile::PrivateKeyJwt => ClientAuth::PrivateKeyJwt {
            public_key_pem: c
                .public_key_pem
                .take()
                .ok_or_else(|| needs("public_key_pem"))?,
        },
        AuthFile::TlsClientAuth => {
            let mut subjects = tls.subjects.into_iter();
            let Some((first, subject)) = subjects.next() else {
                return Err(needs(
                    "one of tls_client_auth_subject_dn, tls_client_auth_san_dns, tls_client_auth_san_uri, tls_client_auth_san_ip, tls_client_auth_san_email",
                ));
            };
            if let Some((key, _)) = subjects.next() {
                // RFC 8705 §2.1.2: exactly one subject value is registered.
                return Err(Issue {
                    path: field(key),
                    message: format!(
                        "client {owner:?}: {first} and {key} are both given; tls_client_auth registers exactly one certificate subject value (RFC 8705 §2.1.2)"
                    ),
                });
            }
            ClientAuth::TlsClientAuth { subject }
        }
        AuthFile::SelfSignedTlsClientAuth => {
            let mut certificates = tls.certificates.into_iter();
            let Some((_, certificate)) = certificates.next() else {
                return Err(needs(
                    "tls_client_certificate_pem or tls_client_certificate_x5t_s256",
                ));
            };
            if let Some((key, _)) = certificates.next() {
                return Err(Issue {
                    path: field(key),
                    message: format!(
                        "client {owner:?}: give tls_client_certificate_pem or {key}, not both"
                    ),
                });
            }
            ClientAuth::SelfSignedTlsClientAuth { certificate }
        }
    })
}

fn auth_name(auth: AuthFile) -> &'static str {
    match auth {
        AuthFile::None => "none",
        AuthFile::ClientSecret => "client_secret",
        AuthFile::PrivateKeyJwt => "private_key_jwt",
        AuthFile::TlsClientAuth => "tls_client_auth",
        AuthFile::SelfSignedTlsClientAuth => "self_signed_tls_client_auth",
    }
}

pub(super) fn parse(src: &str, origin: &str) -> Result<Policy, PolicyError> {
    let file: PolicyFile = toml::from_str(src).map_err(|e| {
        let (line, column) = match e.span() {
            Some(span) => {
                let (l, c) = line_column(src, span.start);
                (Some(l), Some(c))
            }
            None => (None, None),
        };
        PolicyError::Syntax {
            origin: origin.to_owned(),
            line,
            column,
            message: e.message().trim_end().to_owned(),
        }
    })?;
    let policy = from_file(file).map_err(|issue| at_issue(src, origin, issue))?;
    match validate::issues(&policy).into_iter().next() {
        None => Ok(policy),
        Some(issue) => Err(at_issue(src, origin, issue)),
    }
}

fn at_issue(src: &str, origin: &str, issue: Issue) -> PolicyError {
    let (line, column) = match span_of(src, &issue.path) {
        Some(offset) => {
            let (l, c) = line_column(src, offset);
            (Some(l), Some(c))
        }
        None => (None, None),
    };
    PolicyError::Invalid {
        origin: origin.to_owned(),
        line,
        column,
        message: issue.message,
    }
}

/// The byte offset of the deepest part of `path` that exists in the document (a defaulted field
/// is absent, so its table is the best place to point at).
fn span_of(src: &str, path: &[Seg]) -> Option<usize> {
    let root = toml::de::DeTable::parse(src).ok()?;
    let mut best = None;
    let mut current: Option<&toml::Spanned<toml::de::DeValue<'_>>> = None;
    for seg in path {
        let next = match (seg, current) {
            (Seg::Key(k), None) => root.get_ref().get(*k),
            (Seg::Key(k), Some(v)) => v.get_ref().get(*k),
            (Seg::Index(i), Some(v)) => v.get_ref().get(*i),
            (Seg::Index(_), None) => None,
        };
        match next {
            Some(v) => {
                best = Some(v.span().start);
                current = Some(v);
            }
            None => break,
        }
    }
    best
}

fn may_act_from(m: Option<MayActFile>) -> Option<MayAct> {
    m.map(|m| MayAct {
        sub: m.sub,
        iss: m.iss,
    })
}

fn may_act_to(m: &Option<MayAct>) -> Option<MayActFile> {
    m.as_ref().map(|m| MayActFile {
        sub: m.sub.clone(),
        iss: m.iss.clone(),
    })
}

fn from_file(f: PolicyFile) -> Result<Policy, Issue> {
    let mut clients = Vec::with_capacity(f.clients.len());
    for (i, mut c) in f.clients.into_iter().enumerate() {
        let field = |k| vec![Seg::Key("clients"), Seg::Index(i), Seg::Key(k)];
        let auth = client_auth(&mut c, i)?;
        let owner = &c.client_id;
        let mut grants: Vec<Grant> = Vec::new();
        for g in c.grants {
            let g = match g {
                GrantFile::ClientCredentials => Grant::ClientCredentials,
                GrantFile::Password => Grant::Password,
                GrantFile::RefreshToken => Grant::RefreshToken,
                GrantFile::TokenExchange => Grant::TokenExchange,
                GrantFile::JwtBearer => Grant::JwtBearer,
                GrantFile::AuthorizationCode => Grant::AuthorizationCode,
                GrantFile::DeviceCode => Grant::DeviceCode,
            };
            if !grants.contains(&g) {
                grants.push(g);
            }
        }
        let dpop = match c.dpop {
            None | Some(DpopFile::Bool(false)) => false,
            Some(DpopFile::Bool(true)) => true,
            Some(DpopFile::Word(w)) if w == "required" => true,
            Some(DpopFile::Word(w)) => {
                return Err(Issue {
                    path: field("dpop"),
                    message: format!(
                        "client {owner:?}: dpop = {w:?} is not understood (use \"required\", true or false)"
                    ),
                });
            }
        };
        clients.push(Client {
            client_id: c.client_id,
            description: c.description,
            auth,
            grants,
            may_delegate: c.may_delegate,
            may_impersonate: c.may_impersonate,
            audiences: c.audiences,
            default_audience: c.default_audience,
            scopes: c.scopes,
            may_act: may_act_from(c.may_act),
            accepts_audiences: c.accepts_audiences,
            dpop,
            redirect_uris: c.redirect_uris,
            tls_client_certificate_bound_access_tokens: c
                .tls_client_certificate_bound_access_tokens,
            opaque_access_tokens: c.opaque_access_tokens,
        });
    }
    Ok(Policy {
        issuer: f.issuer,
        signing_alg: match f.signing_alg {
            AlgFile::ES256 => SigningAlg::ES256,
            AlgFile::RS256 => SigningAlg::RS256,
            AlgFile::EdDSA => SigningAlg::EdDSA,
        },
        access_token_lifetime: f.access_token_lifetime,
        refresh_token_lifetime: f.refresh_token_lifetime,
        max_chain_depth: f.max_chain_depth,
        device_interval: f.device_interval,
        checks: f.checks.into(),
        faults: f.faults,
        dpop_nonce: f.dpop_nonce,
        obo_act: f.obo_act,
        audiences: f
            .audiences
            .into_iter()
            .map(|a| Audience {
                name: a.name,
                description: a.description,
                resources: a.resources,
                scopes: a.scopes,
                authorization_server: a.authorization_server,
                requires_id_jag: a.requires_id_jag,
            })
            .collect(),
        users: f
            .users
            .into_iter()
            .map(|u| User {
                username: u.username,
                password: Secret::new(u.password),
                scopes: u.scopes,
                may_act: may_act_from(u.may_act),
                claims: u.claims,
            })
            .collect(),
        clients,
    })
}

pub(super) fn to_toml_string(p: &Policy) -> String {
    let file = PolicyFile {
        issuer: p.issuer.clone(),
        signing_alg: match p.signing_alg {
            SigningAlg::ES256 => AlgFile::ES256,
            SigningAlg::RS256 => AlgFile::RS256,
            SigningAlg::EdDSA => AlgFile::EdDSA,
        },
        access_token_lifetime: p.access_token_lifetime,
        refresh_token_lifetime: p.refresh_token_lifetime,
        max_chain_depth: p.max_chain_depth,
        dpop_nonce: p.dpop_nonce,
        obo_act: p.obo_act,
        device_interval: p.device_interval,
        checks: p.checks.into(),
        faults: p.faults.clone(),
        audiences: p
            .audiences
            .iter()
            .map(|a| AudienceFile {
                name: a.name.clone(),
                description: a.description.clone(),
                resources: a.resources.clone(),
                scopes: a.scopes.clone(),
                authorization_server: a.authorization_server,
                requires_id_jag: a.requires_id_jag,
            })
            .collect(),
        users: p
            .users
            .iter()
            .map(|u| UserFile {
                username: u.username.clone(),
                // The policy file is where secrets are written in clear (see `Secret`).
                password: u.password.expose().to_owned(),
                scopes: u.scopes.clone(),
                may_act: may_act_to(&u.may_act),
                claims: u.claims.clone(),
            })
            .collect(),
        clients: p
            .clients
            .iter()
            .map(|c| {
                let mut file_auth = AuthFile::None;
                let (mut secret, mut public_key_pem) = (None, None);
                let (mut subject, mut certificate) = (None, None);
                match &c.auth {
                    ClientAuth::None => {}
                    ClientAuth::ClientSecret(s) => {
                        file_auth = AuthFile::ClientSecret;
                        secret = Some(s.expose().to_owned());
                    }
                    ClientAuth::PrivateKeyJwt {
                        public_key_pem: pem,
                    } => {
                        file_auth = AuthFile::PrivateKeyJwt;
                        public_key_pem = Some(pem.clone());
                    }
                    ClientAuth::TlsClientAuth { subject: s } => {
                        file_auth = AuthFile::TlsClientAuth;
                        subject = Some(s);
                    }
                    ClientAuth::SelfSignedTlsClientAuth { certificate: r } => {
                        file_auth = AuthFile::SelfSignedTlsClientAuth;
                        certificate = Some(r);
                    }
                }
                let subject_value = |pick: fn(&CertificateSubject) -> Option<&String>| {
                    subject.and_then(pick).cloned()
                };
                ClientFile {
                    client_id: c.client_id.clone(),
                    description: c.description.clone(),
                    auth: file_auth,
                    secret,
                    public_key_pem,
                    grants: c
                        .grants
                        .iter()
                        .map(|g| match g {
                            Grant::ClientCredentials => GrantFile::ClientCredentials,
                            Grant::Password => GrantFile::Password,
                            Grant::RefreshToken => GrantFile::RefreshToken,
                            Grant::TokenExchange => GrantFile::TokenExchange,
                            Grant::JwtBearer => GrantFile::JwtBearer,
                            Grant::AuthorizationCode => GrantFile::AuthorizationCode,
                            Grant::DeviceCode => GrantFile::DeviceCode,
                        })
                        .collect(),
                    may_delegate: c.may_delegate,
                    may_impersonate: c.may_impersonate,
                    audiences: c.audiences.clone(),
                    default_audience: c.default_audience.clone(),
                    scopes: c.scopes.clone(),
                    may_act: may_act_to(&c.may_act),
                    accepts_audiences: c.accepts_audiences.clone(),
                    dpop: c.dpop.then(|| DpopFile::Word("required".to_owned())),
                    redirect_uris: c.redirect_uris.clone(),
                    tls_client_auth_subject_dn: subject_value(|s| match s {
                        CertificateSubject::SubjectDn(v) => Some(v),
                        _ => None,
                    }),
                    tls_client_auth_san_dns: subject_value(|s| match s {
                        CertificateSubject::SanDns(v) => Some(v),
                        _ => None,
                    }),
                    tls_client_auth_san_uri: subject_value(|s| match s {
                        CertificateSubject::SanUri(v) => Some(v),
                        _ => None,
                    }),
                    tls_client_auth_san_ip: subject_value(|s| match s {
                        CertificateSubject::SanIp(v) => Some(v),
                        _ => None,
                    }),
                    tls_client_auth_san_email: subject_value(|s| match s {
                        CertificateSubject::SanEmail(v) => Some(v),
                        _ => None,
                    }),
                    tls_client_certificate_pem: match certificate {
                        Some(RegisteredCertificate::Pem(p)) => Some(p.clone()),
                        _ => None,
                    },
                    tls_client_certificate_x5t_s256: match certificate {
                        Some(RegisteredCertificate::Thumbprint(t)) => Some(t.clone()),
                        _ => None,
                    },
                    tls_client_certificate_bound_access_tokens: c
                        .tls_client_certificate_bound_access_tokens,
                    opaque_access_tokens: c.opaque_access_tokens,
                }
            })
            .collect(),
    };
    match toml::to_string_pretty(&file) {
        Ok(s) => s,
        // Every field is a string, number, bool or TOML value, so serialisation cannot fail; if it
        // ever does, the output still says so rather than being silently empty.
        Err(e) => format!("# could not serialise the policy: {e}\n"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(src: &str) -> PolicyError {
        match Policy::from_toml_str(src, "test.toml") {
            Ok(_) => panic!("expected an error for:\n{src}"),
            Err(e) => e,
        }
    }

    const AUD: &str = "[[audiences]]\nname = \"api\"\nscopes = [\"read\"]\n";

    #[test]
    fn line_column_counts_characters() {
        assert_eq!(line_column("abc", 0), (1, 1));
        assert_eq!(line_column("a\nbc", 3), (2, 2));
        assert_eq!(line_column("é\né", 4), (2, 2));
    }

    #[test]
    fn syntax_error_has_line_and_column() {
        let e = err("access_token_lifetime = 60\nmax_chain_depth = \"deep\"\n");
        assert!(matches!(e, PolicyError::Syntax { .. }), "{e:?}");
        assert_eq!(e.line(), Some(2));
        assert!(e.to_string().starts_with("test.toml:2:"), "{e}");
    }

    #[test]
    fn unknown_key_is_reported_where_it_is() {
        let src = format!(
            "{AUD}\n[[clients]]\nclient_id = \"c\"\nauth = \"none\"\ngrants = [\"password\"]\naudience = [\"api\"]\n"
        );
        let e = err(&src);
        assert_eq!(e.line(), Some(9), "{e}");
        assert!(e.to_string().contains("unknown field `audience`"), "{e}");
    }

    #[test]
    fn unknown_audience_names_client_and_line() {
        let src = format!(
            "{AUD}\n[[clients]]\nclient_id = \"shop\"\nauth = \"none\"\ngrants = [\"password\"]\naudiences = [\"api\", \"nope\"]\n"
        );
        let e = err(&src);
        assert!(matches!(e, PolicyError::Invalid { .. }), "{e:?}");
        assert_eq!(e.line(), Some(9), "{e}");
        let text = e.to_string();
        // Points at the offending entry, not just the line.
        assert!(text.starts_with("test.toml:9:21:"), "{text}");
        assert!(
            text.contains("\"shop\"") && text.contains("\"nope\""),
            "{text}"
        );
    }

    #[test]
    fn duplicate_client_id_is_reported_at_the_second() {
        let client = "[[clients]]\nclient_id = \"twin\"\nauth = \"none\"\ngrants = [\"password\"]\naudiences = [\"api\"]\n";
        let src = format!("{AUD}\n{client}\n{client}");
        let e = err(&src);
        assert_eq!(e.line(), Some(12), "{e}");
        assert!(e.to_string().contains("\"twin\" is defined twice"), "{e}");
    }

    #[test]
    fn secret_without_client_secret_auth_is_refused() {
        let src = format!(
            "{AUD}[[clients]]\nclient_id = \"c\"\nauth = \"none\"\nsecret = \"x\"\ngrants = [\"password\"]\naudiences = [\"api\"]\n"
        );
        let e = err(&src);
        assert!(e.to_string().contains("secret only goes with"), "{e}");
        assert_eq!(e.line(), Some(7), "{e}");
    }

    #[test]
    fn bad_public_key_is_refused() {
        let src = format!(
            "{AUD}[[clients]]\nclient_id = \"k\"\nauth = \"private_key_jwt\"\npublic_key_pem = \"not a key\"\ngrants = [\"client_credentials\"]\naudiences = [\"api\"]\n"
        );
        let e = err(&src);
        assert!(e.to_string().contains("public_key_pem"), "{e}");
        assert_eq!(e.line(), Some(7), "{e}");
    }

    #[test]
    fn reserved_user_claim_is_refused() {
        let src = "[[users]]\nusername = \"u\"\npassword = \"p\"\nclaims = { sub = \"admin\" }\n";
        assert!(err(src).to_string().contains("\"sub\" is set by the lab"));
    }

    #[test]
    fn defaults_apply() {
        let p = Policy::from_toml_str(AUD, "t").expect("parses");
        assert_eq!(p.access_token_lifetime, 3600);
        assert_eq!(p.refresh_token_lifetime, 86400);
        assert_eq!(p.max_chain_depth, 4);
        assert_eq!(p.signing_alg, SigningAlg::ES256);
        assert_eq!(p.issuer, None);
    }

    #[test]
    fn checks_default_on_and_can_be_switched_off() {
        use crate::policy::Check;
        let p = Policy::from_toml_str(AUD, "t").expect("parses");
        assert_eq!(p.checks, Checks::all_on());
        let src = format!("[checks]\nactor_bound_to_client = false\nrevocation = false\n\n{AUD}");
        let p = Policy::from_toml_str(&src, "t").expect("parses");
        assert_eq!(
            p.disabled_checks(),
            [Check::ActorBoundToClient, Check::Revocation]
        );
        // Written back, only the switched-off checks appear, and they read back the same.
        let text = p.to_toml_string();
        assert!(text.contains("actor_bound_to_client = false"), "{text}");
        assert!(!text.contains("time_claims"), "{text}");
        let again = Policy::from_toml_str(&text, "again").expect("parses");
        assert_eq!(again.checks, p.checks);
        assert!(!Policy::lab_default().to_toml_string().contains("[checks]"));
    }

    #[test]
    fn unknown_check_is_named_with_its_line() {
        let src = format!("{AUD}\n[checks]\ntime_claims = false\nactor_bound = false\n");
        let e = err(&src);
        assert!(matches!(e, PolicyError::Syntax { .. }), "{e:?}");
        assert_eq!(e.line(), Some(7), "{e}");
        let text = e.to_string();
        assert!(text.starts_with("test.toml:7:"), "{text}");
        assert!(text.contains("unknown field `actor_bound`"), "{text}");
        assert!(text.contains("actor_bound_to_client"), "{text}");
    }

    #[test]
    fn a_check_must_be_a_bool() {
        let e = err("[checks]\nrevocation = \"off\"\n");
        assert_eq!(e.line(), Some(2), "{e}");
    }

    #[test]
    fn accepts_audiences_must_name_a_client_or_audience() {
        let src = format!(
            "{AUD}[[clients]]\nclient_id = \"c\"\nauth = \"none\"\ngrants = [\"password\"]\naudiences = [\"api\"]\naccepts_audiences = [\"api\", \"app-z\"]\n"
        );
        let e = err(&src);
        assert_eq!(e.line(), Some(9), "{e}");
        assert!(e.to_string().contains("\"app-z\""), "{e}");
    }

    #[test]
    fn dpop_is_required_or_a_bool() {
        let client = |dpop: &str| {
            format!(
                "{AUD}[[clients]]\nclient_id = \"c\"\nauth = \"client_secret\"\nsecret = \"s\"\ngrants = [\"client_credentials\"]\naudiences = [\"api\"]\ndpop = {dpop}\n"
            )
        };
        for (value, on) in [("\"required\"", true), ("true", true), ("false", false)] {
            let p = Policy::from_toml_str(&client(value), "t").expect("parses");
            assert_eq!(p.clients[0].dpop, on, "{value}");
            let again = Policy::from_toml_str(&p.to_toml_string(), "again").expect("parses");
            assert_eq!(again, p);
        }
        let e = err(&client("\"sometimes\""));
        assert_eq!(e.line(), Some(10), "{e}");
        assert!(e.to_string().contains("\"sometimes\""), "{e}");
        let p = Policy::from_toml_str(&format!("dpop_nonce = true\nobo_act = false\n{AUD}"), "t")
            .expect("parses");
        assert!(p.dpop_nonce && !p.obo_act);
    }

    #[test]
    fn an_authorization_server_audience_is_named_by_its_issuer() {
        let e = err("[[audiences]]\nname = \"b\"\nauthorization_server = true\nscopes = [\"x\"]\n");
        assert_eq!(e.line(), Some(3), "{e}");
        assert!(e.to_string().contains("issuer"), "{e}");
    }

    #[test]
    fn a_bad_redirect_uri_is_named_with_its_line() {
        let src = format!(
            "{AUD}[[clients]]\nclient_id = \"app\"\nauth = \"none\"\ngrants = [\"authorization_code\"]\naudiences = [\"api\"]\nredirect_uris = [\"http://127.0.0.1/cb\",\n  \"/relative\"]\n"
        );
        let e = err(&src);
        assert_eq!(e.line(), Some(10), "{e}");
        assert!(
            e.to_string()
                .contains("\"/relative\" is not an absolute URI"),
            "{e}"
        );
        let src = format!(
            "{AUD}[[clients]]\nclient_id = \"app\"\nauth = \"none\"\ngrants = [\"authorization_code\"]\naudiences = [\"api\"]\n"
        );
        let e = err(&src);
        assert_eq!(e.line(), Some(7), "{e}");
        assert!(e.to_string().contains("no redirect_uris"), "{e}");
    }

    #[test]
    fn device_interval_defaults_to_five_and_is_bounded() {
        assert_eq!(
            Policy::from_toml_str(AUD, "t")
                .expect("parses")
                .device_interval,
            5
        );
        let p = Policy::from_toml_str(&format!("device_interval = 1\n{AUD}"), "t").expect("parses");
        assert_eq!(p.device_interval, 1);
        let e = err(&format!("device_interval = 0\n{AUD}"));
        assert_eq!(e.line(), Some(1), "{e}");
        assert!(e.to_string().contains("device_interval"), "{e}");
    }

    #[test]
    fn sign_in_grants_round_trip_by_name() {
        let src = format!(
            "{AUD}[[clients]]\nclient_id = \"app\"\nauth = \"none\"\ngrants = [\"authorization_code\", \"urn:ietf:params:oauth:grant-type:device_code\"]\naudiences = [\"api\"]\nredirect_uris = [\"http://[::1]/cb\"]\n"
        );
        let p = Policy::from_toml_str(&src, "t").expect("parses");
        let app = p.client("app").expect("app");
        assert_eq!(app.grants, [Grant::AuthorizationCode, Grant::DeviceCode]);
        let text = p.to_toml_string();
        assert!(
            text.contains("\"authorization_code\"") && text.contains("\"device_code\""),
            "{text}"
        );
        assert_eq!(Policy::from_toml_str(&text, "again").expect("parses"), p);
    }

    const TLS_CLIENT: &str = "[[clients]]\nclient_id = \"m\"\ngrants = [\"client_credentials\"]\naudiences = [\"api\"]\n";

    #[test]
    fn mutual_tls_clients_round_trip() {
        for fields in [
            "auth = \"tls_client_auth\"\ntls_client_auth_subject_dn = \"CN=m,O=Baton\"\n",
            "auth = \"tls_client_auth\"\ntls_client_auth_san_dns = \"m.baton.test\"\n",
            "auth = \"tls_client_auth\"\ntls_client_auth_san_uri = \"spiffe://baton.test/m\"\n",
            "auth = \"tls_client_auth\"\ntls_client_auth_san_ip = \"::1\"\ntls_client_certificate_bound_access_tokens = true\n",
            "auth = \"tls_client_auth\"\ntls_client_auth_san_email = \"m@baton.test\"\n",
            "auth = \"self_signed_tls_client_auth\"\ntls_client_certificate_x5t_s256 = \"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\"\n",
        ] {
            let src = format!("{AUD}{TLS_CLIENT}{fields}");
            let p = Policy::from_toml_str(&src, "t").unwrap_or_else(|e| panic!("{fields}: {e}"));
            assert!(p.clients[0].auth.is_mutual_tls(), "{fields}");
            let again = Policy::from_toml_str(&p.to_toml_string(), "again").expect("parses");
            assert_eq!(again, p, "{fields}");
        }
    }

    #[test]
    fn mutual_tls_mistakes_are_named_with_their_line() {
        for (fields, line, says) in [
            (
                "auth = \"tls_client_auth\"\n",
                8,
                "needs one of tls_client_auth_subject_dn",
            ),
            (
                "auth = \"tls_client_auth\"\ntls_client_auth_san_dns = \"a\"\ntls_client_auth_subject_dn = \"CN=a\"\n",
                9,
                "exactly one",
            ),
            (
                "auth = \"none\"\ntls_client_auth_san_dns = \"a\"\n",
                9,
                "only goes with auth = \"tls_client_auth\"",
            ),
            (
                "auth = \"tls_client_auth\"\ntls_client_auth_san_ip = \"localhost\"\n",
                9,
                "not an IPv4 or IPv6 address",
            ),
            (
                "auth = \"tls_client_auth\"\ntls_client_auth_subject_dn = \"mtls-app\"\n",
                9,
                "not type=value",
            ),
            (
                "auth = \"self_signed_tls_client_auth\"\n",
                8,
                "tls_client_certificate_pem or",
            ),
            (
                "auth = \"self_signed_tls_client_auth\"\ntls_client_certificate_pem = \"nope\"\n",
                9,
                "no -----BEGIN CERTIFICATE-----",
            ),
            (
                "auth = \"self_signed_tls_client_auth\"\ntls_client_certificate_x5t_s256 = \"abc\"\n",
                9,
                "32",
            ),
            (
                "auth = \"client_secret\"\nsecret = \"s\"\ntls_client_certificate_x5t_s256 = \"abc\"\n",
                10,
                "only goes with auth = \"self_signed_tls_client_auth\"",
            ),
        ] {
            let e = err(&format!("{AUD}{TLS_CLIENT}{fields}"));
            assert_eq!(e.line(), Some(line), "{fields}: {e}");
            assert!(e.to_string().contains(says), "{fields}: {e}");
        }
    }

    #[test]
    fn secrets_do_not_leak_through_debug() {
        let dump = format!("{:?}", Policy::lab_default());
        assert!(!dump.contains("alice-password"));
        assert!(!dump.contains("web-app-secret"));
    }
}
