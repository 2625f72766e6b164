//! The policy rules serde cannot check: references between sections, duplicates, values that
//! would make the lab misbehave. Each issue names the TOML path it is about, so a file's error
//! can point at a line.

use std::collections::HashSet;

use super::{CertificateSubject, ClientAuth, Grant, MayAct, Policy, RegisteredCertificate};

/// Longest lifetime accepted (ten years): keeps `now + lifetime` far from overflow.
const MAX_LIFETIME: u64 = 10 * 365 * 24 * 3600;

/// Longest device polling interval accepted: a device code lives 600 s (RFC 8628 §3.2).
const MAX_DEVICE_INTERVAL: u64 = 60;

/// Claims the lab sets itself; a user's extra `claims` may not override them.
const RESERVED_CLAIMS: &[&str] = &[
    "iss",
    "sub",
    "aud",
    "exp",
    "iat",
    "nbf",
    "jti",
    "client_id",
    "scope",
    "act",
    "may_act",
    "cnf",
    "resource",
];

/// A step in a TOML path: a key or an array index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Seg {
    Key(&'static str),
    Index(usize),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Issue {
    pub path: Vec<Seg>,
    pub message: String,
}

fn issue(path: Vec<Seg>, message: impl Into<String>) -> Issue {
    Issue {
        path,
        message: message.into(),
    }
}

use Seg::{Index, Key};

/// Every problem found, in file order as far as practical.
pub(crate) fn issues(policy: &Policy) -> Vec<Issue> {
    let mut out = Vec::new();
    check_top(policy, &mut out);
    check_audiences(policy, &mut out);
    check_users(policy, &mut out);
    check_clients(policy, &mut out);
    out
}

/// A `tls_client_auth` subject value a certificate could carry.
fn check_subject(subject: &CertificateSubject) -> Result<(), String> {
    let value = subject.value();
    if value.trim().is_empty() {
        return Err("must not be empty".to_owned());
    }
    match subject {
        CertificateSubject::SubjectDn(dn) => {
            crate::tls::names::DistinguishedName::parse(dn).map(|_| ())
        }
        CertificateSubject::SanIp(ip) => ip
            .parse::<std::net::IpAddr>()
            .map(|_| ())
            .map_err(|_| format!("{ip:?} is not an IPv4 or IPv6 address")),
        CertificateSubject::SanDns(name) if name.contains(|c: char| c.is_whitespace()) => {
            Err(format!("{name:?} is not a DNS name (it has spaces)"))
        }
        _ => Ok(()),
    }
}

/// RFC 6749 §3.3: scope tokens are printable ASCII without space, `"` or `\`.
pub(crate) fn is_scope_token(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b == 0x21 || (0x23..=0x5b).contains(&b) || (0x5d..=0x7e).contains(&b))
}

fn check_top(p: &Policy, out: &mut Vec<Issue>) {
    if let Some((field, message)) = p.faults.problem() {
        out.push(issue(vec![Key("faults"), Key(field)], message));
    }
    if let Some(iss) = &p.issuer {
        if !(iss.starts_with("http://") || iss.starts_with("https://")) {
            out.push(issue(
                vec![Key("issuer")],
                format!("issuer {iss:?} must be an http:// or https:// URL"),
            ));
        } else if iss.contains('?') || iss.contains('#') {
            // RFC 8414 §2: the issuer has no query or fragment.
            out.push(issue(
                vec![Key("issuer")],
                format!("issuer {iss:?} must not have a query or fragment"),
            ));
        } else if iss.ends_with('/') {
            // Metadata URLs are the issuer + "/.well-known/…"; a trailing slash would double it.
            out.push(issue(
                vec![Key("issuer")],
                format!("issuer {iss:?} must not end with '/'"),
            ));
        }
    }
    if p.device_interval == 0 || p.device_interval > MAX_DEVICE_INTERVAL {
        out.push(issue(
            vec![Key("device_interval")],
            format!(
                "device_interval must be between 1 and {MAX_DEVICE_INTERVAL} seconds, not {}",
                p.device_interval
            ),
        ));
    }
    for (key, value) in [
        ("access_token_lifetime", p.access_token_lifetime),
        ("refresh_token_lifetime", p.refresh_token_lifetime),
    ] {
        if value == 0 || value > MAX_LIFETIME {
            out.push(issue(
                vec![Key(key)],
                format!("{key} must be between 1 and {MAX_LIFETIME} seconds, not {value}"),
            ));
        }
    }
}

fn check_scopes(path: Vec<Seg>, owner: &str, scopes: &[String], out: &mut Vec<Issue>) {
    let mut seen = HashSet::new();
    for (i, s) in scopes.iter().enumerate() {
        let mut at = path.clone();
        at.push(Index(i));
        if !is_scope_token(s) {
            out.push(issue(at, format!("{owner}: {s:?} is not a valid scope (printable ASCII, no spaces, quotes or backslashes)")));
        } else if !seen.insert(s.as_str()) {
            out.push(issue(at, format!("{owner}: scope {s:?} is listed twice")));
        }
    }
}

fn check_may_act(path: Vec<Seg>, owner: &str, may_act: &MayAct, out: &mut Vec<Issue>) {
    if may_act.sub.is_empty() {
        out.push(issue(
            path,
            format!("{owner}: may_act.sub must not be empty"),
        ));
    }
}

fn check_audiences(p: &Policy, out: &mut Vec<Issue>) {
    let mut names = HashSet::new();
    let mut resources = HashSet::new();
    for (i, a) in p.audiences.iter().enumerate() {
        let at = |k| vec![Key("audiences"), Index(i), Key(k)];
        if a.name.is_empty() {
            out.push(issue(at("name"), "an audience's name must not be empty"));
        } else if !names.insert(a.name.as_str()) {
            out.push(issue(
                at("name"),
                format!("audience {:?} is defined twice", a.name),
            ));
        }
        for (j, r) in a.resources.iter().enumerate() {
            if !resources.insert(r.as_str()) {
                out.push(issue(
                    vec![Key("audiences"), Index(i), Key("resources"), Index(j)],
                    format!(
                        "audience {:?}: resource {r:?} already maps to another audience",
                        a.name
                    ),
                ));
            }
        }
        if a.authorization_server
            && !(a.name.starts_with("https://") || a.name.starts_with("http://"))
        {
            out.push(issue(
                at("authorization_server"),
                format!(
                    "audience {:?} is an authorization_server, so its name must be that server's issuer (an http:// or https:// URL)",
                    a.name
                ),
            ));
        }
        if a.scopes.is_empty() {
            out.push(issue(
                at("name"),
                format!(
                    "audience {:?} allows no scopes: no token could be issued for it",
                    a.name
                ),
            ));
        }
        check_scopes(
            at("scopes"),
            &format!("audience {:?}", a.name),
            &a.scopes,
            out,
        );
    }
}

fn check_users(p: &Policy, out: &mut Vec<Issue>) {
    let mut names = HashSet::new();
    for (i, u) in p.users.iter().enumerate() {
        let at = |k| vec![Key("users"), Index(i), Key(k)];
        let owner = format!("user {:?}", u.username);
        if u.username.is_empty() {
            out.push(issue(at("username"), "a user's username must not be empty"));
        } else if !names.insert(u.username.as_str()) {
            out.push(issue(at("username"), format!("{owner} is defined twice")));
        }
        if u.password.expose().is_empty() {
            out.push(issue(
                at("password"),
                format!("{owner}: password must not be empty"),
            ));
        }
        check_scopes(at("scopes"), &owner, &u.scopes, out);
        if let Some(m) = &u.may_act {
            check_may_act(at("may_act"), &owner, m, out);
        }
        for key in u.claims.keys() {
            if RESERVED_CLAIMS.contains(&key.as_str()) {
                out.push(issue(
                    at("claims"),
                    format!("{owner}: claim {key:?} is set by the lab and cannot be overridden"),
                ));
            }
        }
    }
}

fn check_clients(p: &Policy, out: &mut Vec<Issue>) {
    let mut ids = HashSet::new();
    for (i, c) in p.clients.iter().enumerate() {
        let at = |k| vec![Key("clients"), Index(i), Key(k)];
        let owner = format!("client {:?}", c.client_id);
        if c.client_id.is_empty() {
            out.push(issue(
                at("client_id"),
                "a client's client_id must not be empty",
            ));
        } else if !ids.insert(c.client_id.as_str()) {
            out.push(issue(
                at("client_id"),
                format!("{owner} is defined twice (duplicate client_id)"),
            ));
        }
        match &c.auth {
            ClientAuth::ClientSecret(secret) if secret.expose().is_empty() => {
                out.push(issue(
                    at("secret"),
                    format!("{owner}: secret must not be empty"),
                ));
            }
            ClientAuth::PrivateKeyJwt { public_key_pem } => {
                if let Err(reason) = crate::keys::client_key_from_pem(public_key_pem) {
                    out.push(issue(
                        at("public_key_pem"),
                        format!("{owner}: public_key_pem: {reason}"),
                    ));
                }
            }
            ClientAuth::TlsClientAuth { subject } => {
                if let Err(reason) = check_subject(subject) {
                    out.push(issue(
                        at(subject.field_name()),
                        format!("{owner}: {}: {reason}", subject.field_name()),
                    ));
                }
            }
            ClientAuth::SelfSignedTlsClientAuth { certificate } => {
                let key = match certificate {
                    RegisteredCertificate::Pem(_) => "tls_client_certificate_pem",
                    RegisteredCertificate::Thumbprint(_) => "tls_client_certificate_x5t_s256",
                };
                let readable = match certificate {
                    RegisteredCertificate::Pem(pem) => crate::tls::certificate_from_pem(pem)
                        .and_then(|der| {
                            crate::tls::names::CertificateNames::read(&der)
                                .map(|_| ())
                                .map_err(|e| format!("it is not an X.509 certificate: {e}"))
                        }),
                    RegisteredCertificate::Thumbprint(_) => certificate.x5t_s256().map(|_| ()),
                };
                if let Err(reason) = readable {
                    out.push(issue(at(key), format!("{owner}: {key}: {reason}")));
                }
            }
            ClientAuth::None if c.allows_grant(Grant::ClientCredentials) => {
                // RFC 6749 §4.4: only confidential clients may use client_credentials.
                out.push(issue(
                    at("grants"),
                    format!(
                        "{owner} is public (auth = \"none\") and cannot use client_credentials"
                    ),
                ));
            }
            _ => {}
        }
        if c.grants.is_empty() {
            out.push(issue(at("grants"), format!("{owner} has no grants")));
        }
        let exchanges = c.allows_grant(Grant::TokenExchange);
        if c.may_delegate && !exchanges {
            out.push(issue(
                at("may_delegate"),
                format!("{owner}: may_delegate needs the token-exchange grant"),
            ));
        }
        if c.may_impersonate && !exchanges {
            out.push(issue(
                at("may_impersonate"),
                format!("{owner}: may_impersonate needs the token-exchange grant"),
            ));
        }
        if exchanges && !c.may_delegate && !c.may_impersonate {
            out.push(issue(
                at("grants"),
                format!("{owner} has the token-exchange grant but neither may_delegate nor may_impersonate: every exchange would be refused (to refuse its exchanges on purpose, take \"token-exchange\" out of its grants)"),
            ));
        }
        if c.audiences.is_empty() {
            out.push(issue(
                at("audiences"),
                format!("{owner} has no audiences: it could never get a token"),
            ));
        }
        for (j, a) in c.audiences.iter().enumerate() {
            if p.audience(a).is_none() {
                out.push(issue(
                    vec![Key("clients"), Index(i), Key("audiences"), Index(j)],
                    format!("{owner} names unknown audience {a:?}"),
                ));
            }
        }
        if let Some(d) = &c.default_audience
            && !c.audiences.contains(d)
        {
            out.push(issue(
                at("default_audience"),
                format!("{owner}: default_audience {d:?} is not in its audiences"),
            ));
        }
        if let Some(scopes) = &c.scopes {
            check_scopes(at("scopes"), &owner, scopes, out);
        }
        if let Some(m) = &c.may_act {
            check_may_act(at("may_act"), &owner, m, out);
        }
        if c.allows_grant(Grant::AuthorizationCode) && c.redirect_uris.is_empty() {
            out.push(issue(
                at("grants"),
                format!("{owner} has the authorization_code grant but no redirect_uris: /authorize could never send a user back to it"),
            ));
        }
        for (j, uri) in c.redirect_uris.iter().enumerate() {
            if let Err(why) = crate::redirect::check_registered(uri) {
                out.push(issue(
                    vec![Key("clients"), Index(i), Key("redirect_uris"), Index(j)],
                    format!("{owner}: redirect_uri {uri:?} {why}"),
                ));
            }
        }
        for (j, a) in c.accepts_audiences.iter().enumerate() {
            if p.client(a).is_none() && p.audience(a).is_none() {
                out.push(issue(
                    vec![Key("clients"), Index(i), Key("accepts_audiences"), Index(j)],
                    format!("{owner}: accepts_audiences names {a:?}, which is neither a client nor an audience"),
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scope_tokens() {
        assert!(is_scope_token("orders:read"));
        assert!(is_scope_token("https://x.example/a"));
        assert!(!is_scope_token(""));
        assert!(!is_scope_token("a b"));
        assert!(!is_scope_token("a\"b"));
        assert!(!is_scope_token("a\\b"));
        assert!(!is_scope_token("é"));
    }

    #[test]
    fn lab_policy_has_no_issues() {
        assert_eq!(issues(&Policy::lab_default()), vec![]);
        assert_eq!(issues(&Policy::domain_b()), vec![]);
    }
}
