//! Where a token may go and what it may do: audience resolution (`audience`, `resource`) and
//! scope narrowing, shared by every grant.

use crate::errors::OAuthError;
use crate::policy::validate_scope_token;
use crate::policy::{Client, Policy};
use crate::text::quoted;

/// The audiences a request asks for: each `audience` by name, each `resource` through the
/// policy's mapping, in request order without repeats; none asked → the client's default.
pub(crate) fn resolve_audiences(
    policy: &Policy,
    client: &Client,
    audiences: &[&str],
    resources: &[&str],
) -> Result<Vec<String>, OAuthError> {
    let mut out: Vec<String> = Vec::new();
    let add = |name: &str, out: &mut Vec<String>| {
        if !out.iter().any(|a| a == name) {
            out.push(name.to_owned());
        }
    };
    for &name in audiences {
        if policy.audience(name).is_none() {
            return Err(OAuthError::invalid_target(format!(
                "unknown audience {}",
                quoted(name)
            )));
        }
        add(name, &mut out);
    }
    for &resource in resources {
        match policy.audience_for_resource(resource) {
            Some(a) => add(&a.name, &mut out),
            None => {
                return Err(OAuthError::invalid_target(format!(
                    "resource {} is not a known resource",
                    quoted(resource)
                )));
            }
        }
    }
    if out.is_empty() {
        match &client.default_audience {
            Some(d) => out.push(d.clone()),
            None => {
                return Err(OAuthError::invalid_request(format!(
                    "no audience or resource given, and client {:?} has no default audience",
                    client.client_id
                )));
            }
        }
    }
    for a in &out {
        if !client.audiences.contains(a) {
            return Err(OAuthError::invalid_target(format!(
                "client {:?} may not get tokens for audience {a:?} (it may for: {})",
                client.client_id,
                client.audiences.join(", ")
            )));
        }
    }
    Ok(out)
}

/// The scopes any of `audiences` allows, in policy order.
pub(crate) fn audience_scopes(policy: &Policy, audiences: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for a in audiences.iter().filter_map(|a| policy.audience(a)) {
        for s in &a.scopes {
            if !out.contains(s) {
                out.push(s.clone());
            }
        }
    }
    out
}

/// The `scope` parameter: space-separated scope tokens (RFC 6749 §3.3), without repeats.
/// `None` when absent or empty.
pub(crate) fn parse_scope(param: Option<&str>) -> Result<Option<Vec<String>>, OAuthError> {
    let Some(param) = param else { return Ok(None) };
    let mut out: Vec<String> = Vec::new();
    for s in param.split(' ').filter(|s| !s.is_empty()) {
        if !validate_scope_token(s) {
            return Err(OAuthError::invalid_scope(format!(
                "{} is not a valid scope token",
                quoted(s)
            )));
        }
        if !out.iter().any(|x| x == s) {
            out.push(s.to_owned());
        }
    }
    Ok(if out.is_empty() { None } else { Some(out) })
}

/// The scopes to issue: the requested ones if `holder` has them all and the audiences allow
/// them all; otherwise (none requested) what `holder` has that the audiences allow.
/// `holder` says whose scopes `held` are, for the error ("the subject token", "user alice").
pub(crate) fn narrow_scope(
    requested: Option<&[String]>,
    held: &[String],
    holder: &str,
    allowed: &[String],
    audiences: &[String],
) -> Result<Vec<String>, OAuthError> {
    let auds = audiences.join(", ");
    match requested {
        Some(requested) => {
            for s in requested {
                if !held.contains(s) {
                    return Err(OAuthError::invalid_scope(format!(
                        "scope {} is not among {holder}'s scopes ({}): the lab never widens scope",
                        quoted(s),
                        held.join(" ")
                    )));
                }
                if !allowed.contains(s) {
                    return Err(OAuthError::invalid_scope(format!(
                        "scope {} is not allowed for audience {auds} (allowed: {})",
                        quoted(s),
                        allowed.join(" ")
                    )));
                }
            }
            Ok(requested.to_vec())
        }
        None => {
            let out: Vec<String> = held
                .iter()
                .filter(|s| allowed.contains(s))
                .cloned()
                .collect();
            if out.is_empty() {
                return Err(OAuthError::invalid_scope(format!(
                    "{holder} has no scope that audience {auds} allows ({holder}: {}; allowed: {})",
                    held.join(" "),
                    allowed.join(" ")
                )));
            }
            Ok(out)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::errors::ErrorCode;

    fn v(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    fn code<T: std::fmt::Debug>(r: Result<T, OAuthError>) -> ErrorCode {
        match r {
            Ok(x) => panic!("expected an error, got {x:?}"),
            Err(e) => e.code,
        }
    }

    #[test]
    fn audiences_from_names_resources_and_default() {
        let p = Policy::lab_default();
        let c = p.client("order-service").expect("client");
        assert_eq!(
            resolve_audiences(&p, c, &[], &[]).ok(),
            Some(v(&["payments-api"]))
        );
        assert_eq!(
            resolve_audiences(
                &p,
                c,
                &["shipping-api"],
                &[
                    "https://payments.example.com/",
                    "https://shipping.example.com/"
                ]
            )
            .ok(),
            Some(v(&["shipping-api", "payments-api"]))
        );
        assert_eq!(
            code(resolve_audiences(&p, c, &["nowhere"], &[])),
            ErrorCode::InvalidTarget
        );
        assert_eq!(
            code(resolve_audiences(&p, c, &["cloud-storage"], &[])),
            ErrorCode::InvalidTarget
        );
        assert_eq!(
            code(resolve_audiences(&p, c, &[], &["https://x.example/"])),
            ErrorCode::InvalidTarget
        );
        let mut no_default = c.clone();
        no_default.default_audience = None;
        assert_eq!(
            code(resolve_audiences(&p, &no_default, &[], &[])),
            ErrorCode::InvalidRequest
        );
    }

    #[test]
    fn audience_scopes_are_the_union() {
        let p = Policy::lab_default();
        let s = audience_scopes(&p, &v(&["payments-api", "shipping-api"]));
        assert_eq!(
            s,
            v(&[
                "payments:charge",
                "payments:refund",
                "shipping:create",
                "shipping:track"
            ])
        );
    }

    #[test]
    fn scope_parameter() {
        assert_eq!(parse_scope(None).ok(), Some(None));
        assert_eq!(parse_scope(Some("  ")).ok(), Some(None));
        assert_eq!(parse_scope(Some("a  b a")).ok(), Some(Some(v(&["a", "b"]))));
        assert_eq!(code(parse_scope(Some("a \"b\""))), ErrorCode::InvalidScope);
    }

    #[test]
    fn narrowing() {
        let held = v(&["orders:read", "payments:charge", "shipping:create"]);
        let allowed = v(&["payments:charge", "payments:refund"]);
        let auds = v(&["payments-api"]);
        // Nothing requested: the intersection.
        assert_eq!(
            narrow_scope(None, &held, "t", &allowed, &auds).ok(),
            Some(v(&["payments:charge"]))
        );
        // Requested and held and allowed.
        let req = v(&["payments:charge"]);
        assert_eq!(
            narrow_scope(Some(&req), &held, "t", &allowed, &auds).ok(),
            Some(req.clone())
        );
        // Escalation: allowed by the audience but not held.
        let e = narrow_scope(
            Some(&v(&["payments:refund"])),
            &held,
            "the subject token",
            &allowed,
            &auds,
        );
        let e = e.expect_err("escalation refused");
        assert_eq!(e.code, ErrorCode::InvalidScope);
        assert!(
            e.description.contains("payments:refund") && e.description.contains("never widens")
        );
        // Held but not allowed for the audience.
        assert_eq!(
            code(narrow_scope(
                Some(&v(&["orders:read"])),
                &held,
                "t",
                &allowed,
                &auds
            )),
            ErrorCode::InvalidScope
        );
        // Nothing in common.
        assert_eq!(
            code(narrow_scope(None, &v(&["profile"]), "t", &allowed, &auds)),
            ErrorCode::InvalidScope
        );
    }
}
