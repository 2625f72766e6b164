//! How results look on a terminal: the response, the decoded token with its act chain, the
//! verification and the findings. JSON output goes through serde instead.

use std::fmt::Write;

use baton_core::discovery::Discovery;
use baton_core::jwt::{DecodedToken, Jwt};
use baton_core::response::{Outcome, TokenResponse};
use baton_core::verify::Verification;
use baton_core::{Finding, TokenResult};
use baton_core::{timestamp, token_type};
use serde_json::Value;

pub fn status_line(result: &TokenResult) -> String {
    format!(
        "{} {} -> HTTP {} ({} ms)",
        result.request.method.as_str(),
        result.request.url,
        result.response.status,
        result.elapsed_ms
    )
}

pub fn response(out: &mut String, response: &TokenResponse) {
    match &response.outcome {
        Outcome::Success(s) => {
            let _ = writeln!(out, "\nIssued");
            if let Some(t) = &s.issued_token_type {
                let short = token_type::short_name(t)
                    .map(|n| format!(" ({n})"))
                    .unwrap_or_default();
                let _ = writeln!(out, "  issued_token_type  {t}{short}");
            }
            if let Some(t) = &s.token_type {
                let _ = writeln!(out, "  token_type         {t}");
            }
            if let Some(e) = s.expires_in {
                let _ = writeln!(out, "  expires_in         {e} s");
            }
            if let Some(sc) = &s.scope {
                let _ = writeln!(out, "  scope              {sc}");
            }
            if s.members.get("id_token").is_some_and(|v| v.is_string()) {
                let _ = writeln!(out, "  id_token           (present)");
            }
            if s.refresh_token.is_some() {
                let _ = writeln!(out, "  refresh_token      (present)");
            }
            if let Some(t) = &s.access_token {
                let _ = writeln!(out, "  access_token       {t}");
            }
        }
        Outcome::Error(e) => {
            let _ = writeln!(out, "\nOAuth error  {}", e.error);
            if let Some(d) = &e.error_description {
                let _ = writeln!(out, "  {d}");
            }
            if let Some(u) = &e.error_uri {
                let _ = writeln!(out, "  see {u}");
            }
        }
        Outcome::Unreadable {
            problem,
            preview,
            detail,
        } => {
            let _ = writeln!(
                out,
                "\nThe response could not be read: {}",
                problem.describe()
            );
            if let Some(ct) = response.header("content-type") {
                let _ = writeln!(out, "  Content-Type: {ct}");
            }
            if let Some(d) = detail {
                let _ = writeln!(out, "  ({d})");
            }
            let _ = writeln!(out, "  It begins: {preview:?}");
        }
    }
}

pub fn decoded(out: &mut String, token: &DecodedToken, now: i64) {
    match token {
        DecodedToken::Opaque(o) => {
            let _ = writeln!(
                out,
                "\nToken: opaque ({} characters)\n  {}",
                o.length, o.reason
            );
        }
        DecodedToken::Jwt(jwt) => jwt_summary(out, jwt, now),
        DecodedToken::Saml(a) => saml_summary(out, a, now),
    }
}

fn saml_summary(out: &mut String, a: &baton_core::saml::SamlAssertion, now: i64) {
    let _ = writeln!(
        out,
        "\nToken: SAML 2.0 assertion ({} bytes of XML)",
        a.length
    );
    let line = |out: &mut String, name: &str, value: Option<String>| {
        if let Some(v) = value {
            let _ = writeln!(out, "  {name:<9} {v}");
        }
    };
    line(out, "id", a.id.clone());
    line(out, "issuer", a.issuer.clone());
    line(out, "subject", a.subject.clone());
    line(
        out,
        "audience",
        (!a.audiences.is_empty()).then(|| a.audiences.join(", ")),
    );
    line(
        out,
        "notBefore",
        a.not_before
            .map(|t| timestamp::describe("NotBefore", t, now)),
    );
    line(
        out,
        "notAfter",
        a.not_on_or_after
            .map(|t| timestamp::describe("NotOnOrAfter", t, now)),
    );
    line(out, "authn", a.authn_instant.clone());
    for attr in &a.attributes {
        let _ = writeln!(
            out,
            "  attribute {} = {}",
            attr.name,
            attr.values.join(", ")
        );
    }
    let signed = match &a.signature {
        None => "no (no ds:Signature)".to_owned(),
        Some(s) => format!(
            "{}, reference {}{}",
            a.signature_alg().unwrap_or_else(|| "?".to_owned()),
            s.reference.as_deref().unwrap_or("none"),
            if s.has_certificate {
                ", certificate in KeyInfo"
            } else {
                ""
            }
        ),
    };
    line(out, "signed", Some(signed));
}

pub fn saml_verification(out: &mut String, v: &baton_core::saml::SamlVerification) {
    if v.valid {
        let _ = writeln!(
            out,
            "\nSignature: valid ({}, with the given certificate); conditions hold",
            v.algorithm.as_deref().unwrap_or("?")
        );
    } else {
        let _ = writeln!(out, "\nSignature or conditions: NOT VALID");
        for p in &v.problems {
            let _ = writeln!(out, "  - {p}");
        }
    }
}

fn jwt_summary(out: &mut String, jwt: &Jwt, now: i64) {
    let _ = writeln!(out, "\nToken: JWT");
    let _ = writeln!(out, "  header   {}", Value::Object(jwt.header.clone()));
    let line = |out: &mut String, name: &str, value: Option<String>| {
        if let Some(v) = value {
            let _ = writeln!(out, "  {name:<8} {v}");
        }
    };
    line(out, "iss", jwt.iss().map(str::to_string));
    line(out, "sub", jwt.sub().map(str::to_string));
    let aud = jwt.aud();
    line(out, "aud", (!aud.is_empty()).then(|| aud.join(", ")));
    line(out, "scope", jwt.scopes().map(|s| s.join(" ")));
    line(
        out,
        "client",
        jwt.claim_str("client_id").map(str::to_string),
    );
    for name in ["iat", "nbf", "exp"] {
        line(
            out,
            name,
            jwt.checked_time(name).map(|t| match t {
                Ok(t) => timestamp::describe(name, t, now),
                // The claim's name is the line's label already.
                Err(e) => format!("{} is out of range ({})", e.value, e.side.describe()),
            }),
        );
    }
    let chain = &jwt.act_chain;
    if !chain.actors.is_empty() {
        let names: Vec<String> = chain.actors.iter().map(|p| p.label()).collect();
        let _ = writeln!(
            out,
            "  act      {}   (current actor first, then prior actors; on behalf of {})",
            names.join(" <- "),
            jwt.sub().unwrap_or("?")
        );
    }
    if let Some(problem) = &chain.problem {
        let _ = writeln!(out, "  act      malformed: {problem}");
    }
    if let Some(may_act) = &jwt.may_act {
        let _ = writeln!(out, "  may_act  {may_act}");
    }
    let pretty =
        serde_json::to_string_pretty(&Value::Object(jwt.claims.clone())).unwrap_or_default();
    let _ = writeln!(out, "  claims   {}", pretty.replace('\n', "\n           "));
}

pub fn verification(out: &mut String, v: &Verification) {
    if v.valid {
        let _ = writeln!(
            out,
            "\nSignature: valid ({} key {})",
            v.alg.as_deref().unwrap_or("?"),
            v.kid.as_deref().unwrap_or("without kid")
        );
    } else {
        let _ = writeln!(out, "\nSignature: NOT VALID");
        for p in &v.problems {
            let _ = writeln!(out, "  - {p}");
        }
    }
}

/// Says plainly that a token's signature was not checked, and how to check it: without the line
/// a reader could take the decoded claims as verified.
pub fn signature_not_checked(out: &mut String, how: &str) {
    let _ = writeln!(out, "\nSignature: not checked (give {how} to check it)");
}

pub fn findings(out: &mut String, findings: &[Finding]) {
    titled_findings(out, "Findings", findings);
}

/// The findings under `title` ("Discovery findings" for the metadata's own, so they never read
/// as the verdict on the exchange that follows).
pub fn titled_findings(out: &mut String, title: &str, findings: &[Finding]) {
    if findings.is_empty() {
        let _ = writeln!(out, "\n{title}: none");
        return;
    }
    let _ = writeln!(out, "\n{title} ({})", findings.len());
    let mut sorted: Vec<&Finding> = findings.iter().collect();
    sorted.sort_by_key(|f| std::cmp::Reverse(f.severity));
    for f in sorted {
        let _ = writeln!(
            out,
            "  {:<7}  {}  [{}]\n           {}",
            f.severity.as_str(),
            f.id,
            f.reference,
            f.message
        );
    }
}

pub fn discovery(out: &mut String, d: &Discovery) {
    let _ = writeln!(
        out,
        "Discovered {} (token exchange {})",
        d.metadata_url,
        if d.token_exchange_advertised {
            "advertised"
        } else {
            "NOT advertised"
        }
    );
}
