//! SAML 2.0 assertions (RFC 8693 token type `saml2`): the lab issues them, signed with its key
//! (an enveloped XML signature with exclusive c14n, RSA-SHA256, ECDSA-SHA256 or Ed25519 as its
//! key is, the certificate in KeyInfo and at `/saml/certificate`), and accepts its own back as
//! subject tokens.
//!
//! XML presented to the lab is parsed defensively: at most [`MAX_XML_BYTES`], no DTD (so no
//! entities beyond the predefined five), at most [`MAX_NODES`] nodes and [`MAX_DEPTH`] levels.

pub(crate) mod certificate;

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE, URL_SAFE_NO_PAD};
use baton_xml::{Document, Node, c14n};
use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};

use crate::errors::OAuthError;
use crate::lab::Lab;
use crate::tokens::{CLOCK_SKEW_SECS, Issued, TokenKind, TokenSpec, Verified};

pub(crate) const NS_ASSERTION: &str = "urn:oasis:names:tc:SAML:2.0:assertion";
const NS_DSIG: &str = "http://www.w3.org/2000/09/xmldsig#";
const EXC_C14N: &str = "http://www.w3.org/2001/10/xml-exc-c14n#";
const ENVELOPED: &str = "http://www.w3.org/2000/09/xmldsig#enveloped-signature";
const DIGEST_SHA256: &str = "http://www.w3.org/2001/04/xmlenc#sha256";
const NAMEID_UNSPECIFIED: &str = "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified";
const BEARER: &str = "urn:oasis:names:tc:SAML:2.0:cm:bearer";

const MAX_XML_BYTES: usize = 64 * 1024;
const MAX_NODES: u32 = 5_000;
const MAX_DEPTH: usize = 32;

/// The XML-DSig SignatureMethod of the lab's key.
fn signature_method(alg: jsonwebtoken::Algorithm) -> &'static str {
    match alg {
        jsonwebtoken::Algorithm::ES256 => "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256",
        jsonwebtoken::Algorithm::RS256 => "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
        // RFC 9231 §2.3.6.
        _ => "http://www.w3.org/2021/04/xmldsig-more#eddsa-ed25519",
    }
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\r' => out.push_str("&#xD;"),
            c => out.push(c),
        }
    }
    out
}

/// SAML 2.0 Core §1.3.3: xs:dateTime in UTC.
fn instant(secs: u64) -> String {
    let secs = i64::try_from(secs).unwrap_or(i64::MAX).min(253_402_300_799);
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    // H. Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

fn parse_instant(text: &str) -> Option<u64> {
    let t = text.trim().strip_suffix('Z')?;
    let (date, clock) = t.split_once('T')?;
    let clock = clock.split_once('.').map_or(clock, |(c, _)| c);
    let nums = |s: &str, n: usize| -> Option<Vec<i64>> {
        let v: Vec<i64> = s
            .split(['-', ':'])
            .map(|p| p.parse().ok())
            .collect::<Option<_>>()?;
        (v.len() == n).then_some(v)
    };
    let (ymd, hms) = (nums(date, 3)?, nums(clock, 3)?);
    let (y, m, d) = (ymd[0], ymd[1], ymd[2]);
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) || !(0..=9999).contains(&y) {
        return None;
    }
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * ((m + 9) % 12) + 2) / 5 + d - 1;
    let days = era * 146_097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719_468;
    u64::try_from(days * 86_400 + hms[0] * 3600 + hms[1] * 60 + hms[2]).ok()
}

/// The values a claim becomes as an Attribute: strings as they are, numbers and booleans
/// written out, an array one value per member, an object as JSON.
fn attribute_values(value: &Value) -> Vec<String> {
    match value {
        Value::String(s) => vec![s.clone()],
        Value::Array(items) => items.iter().flat_map(attribute_values).collect(),
        Value::Null => Vec::new(),
        other => vec![other.to_string()],
    }
}

/// The actors of an `act` chain, current first.
fn actors(act: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let mut level = Some(act);
    while let Some(Value::Object(obj)) = level {
        if let Some(sub) = obj.get("sub").and_then(Value::as_str) {
            out.push(sub.to_owned());
        }
        level = obj.get("act");
    }
    out
}

fn attribute(name: &str, values: &[String]) -> String {
    let mut out = format!(r#"<saml:Attribute Name="{}">"#, escape(name));
    for v in values {
        out.push_str("<saml:AttributeValue>");
        out.push_str(&escape(v));
        out.push_str("</saml:AttributeValue>");
    }
    out.push_str("</saml:Attribute>");
    out
}

/// Parses XML presented to the lab, within its limits.
fn parse(xml: &str) -> Result<Document<'_>, String> {
    baton_xml::parse(
        xml,
        baton_xml::Limits {
            max_bytes: MAX_XML_BYTES,
            max_nodes: MAX_NODES,
            max_depth: MAX_DEPTH,
        },
    )
    .map_err(|e| e.to_string())
}

fn child<'a, 'i>(node: Node<'a, 'i>, ns: &str, name: &str) -> Option<Node<'a, 'i>> {
    node.children().find(|c| c.has_tag_name((ns, name)))
}

fn algorithm<'a>(node: Option<Node<'a, '_>>) -> Option<&'a str> {
    node.and_then(|n| n.attribute("Algorithm"))
}

fn text(node: Option<Node>) -> String {
    node.map(|n| {
        n.descendants()
            .filter(Node::is_text)
            .filter_map(|t| t.text())
            .collect::<String>()
            .trim()
            .to_owned()
    })
    .unwrap_or_default()
}

impl Lab {
    /// Issues a signed SAML 2.0 assertion for `spec` (RFC 8693 §3: sent base64url-encoded).
    pub(crate) fn mint_saml(&self, spec: &TokenSpec) -> Result<Issued, OAuthError> {
        let iat = self.clock.now();
        let exp = iat
            .saturating_add(self.policy.access_token_lifetime)
            .min(spec.not_after.unwrap_or(u64::MAX));
        let id = self.ids.next("saml");
        let (now, end) = (instant(iat), instant(exp));
        let mut xml = format!(
            r#"<saml:Assertion xmlns:saml="{NS_ASSERTION}" ID="{id}" IssueInstant="{now}" Version="2.0"><saml:Issuer>{}</saml:Issuer>"#,
            escape(&self.issuer)
        );
        xml.push_str(&format!(
            r#"<saml:Subject><saml:NameID Format="{NAMEID_UNSPECIFIED}">{}</saml:NameID><saml:SubjectConfirmation Method="{BEARER}"><saml:SubjectConfirmationData NotOnOrAfter="{end}"></saml:SubjectConfirmationData></saml:SubjectConfirmation></saml:Subject>"#,
            escape(&spec.sub)
        ));
        xml.push_str(&format!(
            r#"<saml:Conditions NotBefore="{now}" NotOnOrAfter="{end}"><saml:AudienceRestriction>"#
        ));
        for aud in &spec.aud {
            xml.push_str(&format!("<saml:Audience>{}</saml:Audience>", escape(aud)));
        }
        xml.push_str("</saml:AudienceRestriction></saml:Conditions><saml:AttributeStatement>");
        xml.push_str(&attribute(
            "client_id",
            std::slice::from_ref(&spec.client_id),
        ));
        xml.push_str(&attribute("scope", &spec.scopes));
        if let Some(act) = &spec.act {
            xml.push_str(&attribute("act", &actors(act)));
        }
        for (name, value) in &spec.extra {
            let values = attribute_values(value);
            if !values.is_empty() {
                xml.push_str(&attribute(name, &values));
            }
        }
        xml.push_str("</saml:AttributeStatement></saml:Assertion>");
        let signed = self.sign_assertion(&xml, &id)?;
        Ok(Issued {
            token: URL_SAFE_NO_PAD.encode(signed),
            kind: TokenKind::Saml2,
            iat,
            exp,
            scopes: spec.scopes.clone(),
            jkt: None,
            x5t: None,
        })
    }

    /// Puts an enveloped signature of the assertion (ID `id`) after its Issuer.
    fn sign_assertion(&self, xml: &str, id: &str) -> Result<String, OAuthError> {
        let internal = |what: &str, why: String| {
            OAuthError::server_error(format!("cannot sign the SAML assertion: {what}: {why}"))
        };
        let digest = {
            let doc = parse(xml).map_err(|e| internal("its XML", e))?;
            let canonical = c14n::canonicalize(doc.root_element(), None, &[]);
            STANDARD.encode(Sha256::digest(canonical.as_bytes()))
        };
        let signed_info = format!(
            concat!(
                r#"<ds:SignedInfo><ds:CanonicalizationMethod Algorithm="{c}"></ds:CanonicalizationMethod>"#,
                r#"<ds:SignatureMethod Algorithm="{s}"></ds:SignatureMethod>"#,
                r##"<ds:Reference URI="#{id}"><ds:Transforms><ds:Transform Algorithm="{e}"></ds:Transform>"##,
                r#"<ds:Transform Algorithm="{c}"></ds:Transform></ds:Transforms><ds:DigestMethod Algorithm="{d}"></ds:DigestMethod>"#,
                r#"<ds:DigestValue>{v}</ds:DigestValue></ds:Reference></ds:SignedInfo>"#
            ),
            c = EXC_C14N,
            s = signature_method(self.key.alg()),
            id = id,
            e = ENVELOPED,
            d = DIGEST_SHA256,
            v = digest
        );
        let signature = format!(
            r#"<ds:Signature xmlns:ds="{NS_DSIG}">{signed_info}<ds:SignatureValue></ds:SignatureValue><ds:KeyInfo><ds:X509Data><ds:X509Certificate>{}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></ds:Signature>"#,
            STANDARD.encode(&self.key.certificate)
        );
        let with_signature =
            xml.replacen("</saml:Issuer>", &format!("</saml:Issuer>{signature}"), 1);
        let signing_input = {
            let doc = parse(&with_signature).map_err(|e| internal("its XML", e))?;
            let si = doc
                .descendants()
                .find(|n| n.has_tag_name((NS_DSIG, "SignedInfo")))
                .ok_or_else(|| internal("SignedInfo", "missing".to_owned()))?;
            c14n::canonicalize(si, None, &[])
        };
        let value = self
            .key
            .sign_raw(signing_input.as_bytes())
            .map_err(|e| internal("the signature", e.to_string()))?;
        Ok(with_signature.replacen(
            "<ds:SignatureValue></ds:SignatureValue>",
            &format!(
                "<ds:SignatureValue>{}</ds:SignatureValue>",
                STANDARD.encode(value)
            ),
            1,
        ))
    }

    /// Verifies one of the lab's SAML assertions (base64url, as issued) and reads it as claims:
    /// `sub` (NameID), `iss`, `aud`, `exp` (NotOnOrAfter), `iat`, `jti` (ID), and `scope`,
    /// `client_id` and `act` from its attributes.
    pub(crate) fn verify_saml(&self, token: &str) -> Result<Verified, String> {
        let token = token.trim();
        let bytes = URL_SAFE_NO_PAD
            .decode(token)
            .or_else(|_| URL_SAFE.decode(token))
            .or_else(|_| STANDARD.decode(token))
            .map_err(|_| "it is not base64url (RFC 8693 §3: a saml2 token is the base64url-encoded assertion)".to_owned())?;
        let xml = String::from_utf8(bytes).map_err(|_| "it is not UTF-8 XML".to_owned())?;
        let doc = parse(&xml)?;
        let assertion = self.check_signature(&doc)?;
        let issuer = text(child(assertion, NS_ASSERTION, "Issuer"));
        if issuer != self.issuer {
            return Err(format!(
                "it was issued by {issuer:?}, not by this lab ({:?})",
                self.issuer
            ));
        }
        let conditions =
            child(assertion, NS_ASSERTION, "Conditions").ok_or("it has no Conditions")?;
        let time = |name: &str| {
            conditions.attribute(name).map(|t| {
                parse_instant(t).ok_or(format!("its {name} {t:?} is not an xs:dateTime in UTC"))
            })
        };
        let now = self.clock.now();
        let exp = time("NotOnOrAfter").ok_or("its Conditions have no NotOnOrAfter")??;
        if now >= exp {
            return Err(format!(
                "it expired at {} (NotOnOrAfter), {} s ago by the lab's clock",
                instant(exp),
                now - exp
            ));
        }
        if let Some(nb) = time("NotBefore").transpose()?
            && nb > now.saturating_add(CLOCK_SKEW_SECS)
        {
            return Err(format!(
                "it is not valid before {} (NotBefore)",
                instant(nb)
            ));
        }
        let sub = text(
            child(assertion, NS_ASSERTION, "Subject")
                .and_then(|s| child(s, NS_ASSERTION, "NameID")),
        );
        if sub.is_empty() {
            return Err("its Subject has no NameID".to_owned());
        }
        let audiences: Vec<String> = conditions
            .descendants()
            .filter(|n| n.has_tag_name((NS_ASSERTION, "Audience")))
            .map(|n| text(Some(n)))
            .collect();
        let mut claims = Map::new();
        claims.insert("iss".into(), json!(issuer));
        claims.insert("sub".into(), json!(sub));
        claims.insert("aud".into(), json!(audiences));
        claims.insert("exp".into(), json!(exp));
        if let Some(iat) = assertion.attribute("IssueInstant").and_then(parse_instant) {
            claims.insert("iat".into(), json!(iat));
        }
        if let Some(id) = assertion.attribute("ID") {
            claims.insert("jti".into(), json!(id));
        }
        let attributes = assertion
            .descendants()
            .filter(|n| n.has_tag_name((NS_ASSERTION, "Attribute")));
        for attr in attributes {
            let values: Vec<String> = attr
                .children()
                .filter(|n| n.has_tag_name((NS_ASSERTION, "AttributeValue")))
                .map(|v| text(Some(v)))
                .collect();
            match attr.attribute("Name").unwrap_or_default() {
                "scope" => {
                    claims.insert("scope".into(), json!(values.join(" ")));
                }
                "client_id" if values.len() == 1 => {
                    claims.insert("client_id".into(), json!(values[0]));
                }
                // The act chain was written as its actors, current first: nest them again.
                "act" => {
                    let act = values.iter().rev().fold(None, |inner: Option<Value>, sub| {
                        let mut level = Map::new();
                        level.insert("sub".into(), json!(sub));
                        if let Some(inner) = inner {
                            level.insert("act".into(), inner);
                        }
                        Some(Value::Object(level))
                    });
                    if let Some(act) = act {
                        claims.insert("act".into(), act);
                    }
                }
                _ => {}
            }
        }
        Ok(Verified { typ: None, claims })
    }

    /// The assertion of `doc`, when its enveloped signature is the lab's and covers it.
    fn check_signature<'a, 'i>(&self, doc: &'a Document<'i>) -> Result<Node<'a, 'i>, String> {
        let assertion = doc.root_element();
        if !assertion.has_tag_name((NS_ASSERTION, "Assertion")) {
            return Err(format!(
                "its root element is {:?}, not a saml:Assertion",
                assertion.tag_name().name()
            ));
        }
        // Exactly one Assertion and one Signature, the Signature a child of it: a second one is
        // how signature wrapping hides a forged assertion beside a signed one.
        let count = |ns: &str, name: &str| {
            doc.descendants()
                .filter(|n| n.has_tag_name((ns, name)))
                .count()
        };
        if count(NS_ASSERTION, "Assertion") != 1 || count(NS_DSIG, "Signature") != 1 {
            return Err("it must hold exactly one Assertion and one Signature".to_owned());
        }
        let signature = child(assertion, NS_DSIG, "Signature")
            .ok_or("it is not signed (no ds:Signature in the Assertion)")?;
        let signed_info =
            child(signature, NS_DSIG, "SignedInfo").ok_or("its Signature has no SignedInfo")?;
        if algorithm(child(signed_info, NS_DSIG, "CanonicalizationMethod")) != Some(EXC_C14N)
            || algorithm(child(signed_info, NS_DSIG, "SignatureMethod"))
                != Some(signature_method(self.key.alg()))
        {
            return Err("its signature does not use the lab's algorithms (exclusive c14n and the lab's key)".to_owned());
        }
        let references: Vec<Node> = signed_info
            .children()
            .filter(|n| n.has_tag_name((NS_DSIG, "Reference")))
            .collect();
        let [reference] = references.as_slice() else {
            return Err("its SignedInfo must have exactly one Reference".to_owned());
        };
        let id = assertion.attribute("ID").unwrap_or_default();
        let uri = reference.attribute("URI").unwrap_or_default();
        if id.is_empty() || uri != format!("#{id}") {
            return Err(format!(
                "its signature references {uri:?}, not the Assertion (ID {id:?})"
            ));
        }
        let transforms: Vec<&str> = child(*reference, NS_DSIG, "Transforms")
            .into_iter()
            .flat_map(|t| t.children())
            .filter(|n| n.has_tag_name((NS_DSIG, "Transform")))
            .filter_map(|t| t.attribute("Algorithm"))
            .collect();
        if transforms != [ENVELOPED, EXC_C14N]
            || algorithm(child(*reference, NS_DSIG, "DigestMethod")) != Some(DIGEST_SHA256)
        {
            return Err("its Reference does not use the lab's transforms (enveloped-signature, exclusive c14n) and SHA-256".to_owned());
        }
        let canonical = c14n::canonicalize(assertion, Some(signature.id()), &[]);
        let digest = STANDARD.encode(Sha256::digest(canonical.as_bytes()));
        let stated: String = text(child(*reference, NS_DSIG, "DigestValue"))
            .split_whitespace()
            .collect();
        if stated != digest {
            return Err(
                "its digest does not match: the assertion was changed after it was signed"
                    .to_owned(),
            );
        }
        let value: String = text(child(signature, NS_DSIG, "SignatureValue"))
            .split_whitespace()
            .collect();
        let value = STANDARD
            .decode(value)
            .map_err(|_| "its SignatureValue is not base64".to_owned())?;
        let signed = c14n::canonicalize(signed_info, None, &[]);
        if !self.key.verify_raw(signed.as_bytes(), &value) {
            return Err("its signature does not verify with the lab's key".to_owned());
        }
        Ok(assertion)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instants_are_utc_date_times() {
        assert_eq!(instant(1_700_000_000), "2023-11-14T22:13:20Z");
        assert_eq!(parse_instant("2023-11-14T22:13:20Z"), Some(1_700_000_000));
        assert_eq!(parse_instant("2023-11-14T22:13:20.5Z"), Some(1_700_000_000));
        assert_eq!(parse_instant("2023-11-14T22:13:20"), None);
        assert_eq!(instant(0), "1970-01-01T00:00:00Z");
    }

    #[test]
    fn act_chains_become_actor_lists() {
        let act = json!({"sub": "a", "act": {"sub": "b"}});
        assert_eq!(actors(&act), vec!["a", "b"]);
        assert_eq!(attribute_values(&json!(["x", 2])), vec!["x", "2"]);
        assert_eq!(escape("<a&\"b\">"), "&lt;a&amp;&quot;b&quot;&gt;");
    }
}
