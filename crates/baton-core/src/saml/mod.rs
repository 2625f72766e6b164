//! SAML 2.0 assertions (RFC 8693 token type `saml2`): reading one for display, and checking its
//! enveloped XML signature, conditions and audience.
//!
//! XML from a server is parsed defensively: at most [`MAX_XML_BYTES`], no DTD (so no entities
//! beyond the five predefined ones), at most [`MAX_NODES`] nodes and [`MAX_DEPTH`] levels.

pub use baton_xml::c14n;
mod time;
mod verify;

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE, URL_SAFE_NO_PAD};
use baton_xml::{Document, Node};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value as Json};
use ts_rs::TS;

pub use time::{format_instant, parse_instant};
pub use verify::{SamlVerification, certificate_der, fetch_certificate, findings, verify_saml};

pub const NS_ASSERTION: &str = "urn:oasis:names:tc:SAML:2.0:assertion";
pub const NS_DSIG: &str = "http://www.w3.org/2000/09/xmldsig#";

/// The largest assertion read, in bytes of XML.
pub const MAX_XML_BYTES: usize = 256 * 1024;
/// The most nodes a document may have.
pub const MAX_NODES: u32 = 20_000;
/// The deepest nesting of elements read (an assertion is about 6 deep).
pub const MAX_DEPTH: usize = 64;

/// A SAML 2.0 assertion, as read (not verified).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SamlAssertion {
    pub id: Option<String>,
    pub version: Option<String>,
    pub issue_instant: Option<String>,
    pub issuer: Option<String>,
    /// The Subject's NameID.
    pub subject: Option<String>,
    pub subject_format: Option<String>,
    /// Conditions/@NotBefore, seconds since the epoch.
    #[ts(type = "number | null")]
    pub not_before: Option<i64>,
    /// Conditions/@NotOnOrAfter, seconds since the epoch.
    #[ts(type = "number | null")]
    pub not_on_or_after: Option<i64>,
    /// Every Audience of every AudienceRestriction.
    pub audiences: Vec<String>,
    pub authn_instant: Option<String>,
    pub authn_context: Option<String>,
    pub attributes: Vec<SamlAttribute>,
    pub signature: Option<SamlSignature>,
    /// The assertion as JWT-style claims, for assertions on it and for the graph: `iss`,
    /// `sub`, `aud` (array), `iat`, `nbf`, `exp`, `jti` (ID), and each attribute (`scope`
    /// space-separated; others a string, or an array when several values).
    pub claims: Map<String, Json>,
    /// Bytes of XML.
    #[ts(type = "number")]
    pub length: usize,
}

/// One Attribute of an AttributeStatement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SamlAttribute {
    pub name: String,
    pub values: Vec<String>,
}

/// What the assertion's ds:Signature says about itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SamlSignature {
    /// SignatureMethod/@Algorithm (e.g. `http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256`).
    pub algorithm: Option<String>,
    pub digest_algorithm: Option<String>,
    /// Reference/@URI (`#` and the assertion's ID when it signs this assertion).
    pub reference: Option<String>,
    /// Whether KeyInfo carries an X509Certificate.
    pub has_certificate: bool,
}

impl SamlAssertion {
    /// A short name for the signature algorithm (`ECDSA-SHA256`), or the URI when unknown.
    pub fn signature_alg(&self) -> Option<String> {
        let uri = self.signature.as_ref()?.algorithm.as_deref()?;
        Some(verify::short_alg(uri).map_or_else(|| uri.to_owned(), str::to_owned))
    }

    pub fn attribute(&self, name: &str) -> Option<&SamlAttribute> {
        self.attributes.iter().find(|a| a.name == name)
    }
}

/// The XML of a token that looks like a SAML assertion: raw XML, or base64url (RFC 8693 §3) or
/// base64 of it. `None` when it is not one.
pub fn assertion_xml(token: &str) -> Option<String> {
    let token = token.trim();
    if token.starts_with('<') {
        return Some(token.to_owned());
    }
    // Only a token of base64 characters can be one; a JWT's dots rule it out early.
    if token.is_empty()
        || token.len() > MAX_XML_BYTES.saturating_mul(4) / 3 + 4
        || !token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'+' | b'/' | b'='))
    {
        return None;
    }
    let bytes = URL_SAFE_NO_PAD
        .decode(token)
        .or_else(|_| URL_SAFE.decode(token))
        .or_else(|_| STANDARD.decode(token))
        .ok()?;
    let text = String::from_utf8(bytes).ok()?;
    let trimmed = text.trim_start_matches('\u{feff}').trim();
    (trimmed.starts_with('<') && trimmed.contains("Assertion")).then(|| trimmed.to_owned())
}

/// Parses XML with the limits above.
pub fn parse(xml: &str) -> Result<Document<'_>, String> {
    baton_xml::parse(xml, LIMITS).map_err(|e| e.to_string())
}

const LIMITS: baton_xml::Limits = baton_xml::Limits {
    max_bytes: MAX_XML_BYTES,
    max_nodes: MAX_NODES,
    max_depth: MAX_DEPTH,
};

pub(crate) fn child<'a, 'i>(node: Node<'a, 'i>, ns: &str, name: &str) -> Option<Node<'a, 'i>> {
    node.children().find(|c| c.has_tag_name((ns, name)))
}

pub(crate) fn children<'a, 'i>(
    node: Node<'a, 'i>,
    ns: &'a str,
    name: &'a str,
) -> impl Iterator<Item = Node<'a, 'i>> {
    node.children().filter(move |c| c.has_tag_name((ns, name)))
}

fn text_of(node: Option<Node>) -> Option<String> {
    node.map(|n| {
        n.descendants()
            .filter(Node::is_text)
            .filter_map(|t| t.text())
            .collect::<String>()
            .trim()
            .to_owned()
    })
}

/// The assertion element of a document: the root, or the single Assertion inside a Response.
/// Several assertions (or none) is an error: which one was signed would be ambiguous.
pub(crate) fn the_assertion<'a, 'i>(doc: &'a Document<'i>) -> Result<Node<'a, 'i>, String> {
    let all: Vec<Node> = doc
        .descendants()
        .filter(|n| n.has_tag_name((NS_ASSERTION, "Assertion")))
        .collect();
    match all.as_slice() {
        [one] => Ok(*one),
        [] => Err(format!(
            "it has no saml:Assertion element (namespace {NS_ASSERTION}); the root is {:?}",
            doc.root_element().tag_name().name()
        )),
        many => Err(format!(
            "it has {} saml:Assertion elements; one is expected (more is how signature wrapping hides a forged one)",
            many.len()
        )),
    }
}

fn audiences_list(a: Node) -> Vec<String> {
    child(a, NS_ASSERTION, "Conditions")
        .into_iter()
        .flat_map(|c| children(c, NS_ASSERTION, "AudienceRestriction"))
        .flat_map(|r| children(r, NS_ASSERTION, "Audience"))
        .filter_map(|n| text_of(Some(n)))
        .collect()
}

/// Reads an assertion for display. Does not verify anything.
pub fn decode_assertion(xml: &str) -> Result<SamlAssertion, String> {
    let doc = parse(xml)?;
    let a = the_assertion(&doc)?;
    let subject = child(a, NS_ASSERTION, "Subject");
    let name_id = subject.and_then(|s| child(s, NS_ASSERTION, "NameID"));
    let conditions = child(a, NS_ASSERTION, "Conditions");
    let time = |name: &str| {
        conditions
            .and_then(|c| c.attribute(name))
            .and_then(|t| parse_instant(t).ok())
    };
    let audiences = audiences_list(a);
    let authn = child(a, NS_ASSERTION, "AuthnStatement");
    let authn_context = authn
        .and_then(|s| child(s, NS_ASSERTION, "AuthnContext"))
        .and_then(|c| child(c, NS_ASSERTION, "AuthnContextClassRef"));
    let attributes = children(a, NS_ASSERTION, "AttributeStatement")
        .flat_map(|s| children(s, NS_ASSERTION, "Attribute"))
        .map(|attr| SamlAttribute {
            name: attr.attribute("Name").unwrap_or_default().to_owned(),
            values: children(attr, NS_ASSERTION, "AttributeValue")
                .filter_map(|v| text_of(Some(v)))
                .collect(),
        })
        .collect();
    let signature = child(a, NS_DSIG, "Signature").map(|sig| {
        let signed_info = child(sig, NS_DSIG, "SignedInfo");
        let reference = signed_info.and_then(|si| child(si, NS_DSIG, "Reference"));
        SamlSignature {
            algorithm: signed_info
                .and_then(|si| child(si, NS_DSIG, "SignatureMethod"))
                .and_then(|m| m.attribute("Algorithm"))
                .map(str::to_owned),
            digest_algorithm: reference
                .and_then(|r| child(r, NS_DSIG, "DigestMethod"))
                .and_then(|m| m.attribute("Algorithm"))
                .map(str::to_owned),
            reference: reference
                .and_then(|r| r.attribute("URI"))
                .map(str::to_owned),
            has_certificate: sig
                .descendants()
                .any(|n| n.has_tag_name((NS_DSIG, "X509Certificate"))),
        }
    });
    let issue_instant = a.attribute("IssueInstant").map(str::to_owned);
    let mut claims = Map::new();
    let mut put = |k: &str, v: Option<Json>| {
        if let Some(v) = v {
            claims.insert(k.to_owned(), v);
        }
    };
    put(
        "iss",
        text_of(child(a, NS_ASSERTION, "Issuer")).map(Json::from),
    );
    put("sub", text_of(name_id).map(Json::from));
    put("aud", Some(Json::from(audiences_list(a))));
    put(
        "iat",
        issue_instant
            .as_deref()
            .and_then(|t| parse_instant(t).ok())
            .map(Json::from),
    );
    put("nbf", time("NotBefore").map(Json::from));
    put("exp", time("NotOnOrAfter").map(Json::from));
    put("jti", a.attribute("ID").map(Json::from));
    for attr in children(a, NS_ASSERTION, "AttributeStatement")
        .flat_map(|s| children(s, NS_ASSERTION, "Attribute"))
    {
        let name = attr.attribute("Name").unwrap_or_default();
        let values: Vec<String> = children(attr, NS_ASSERTION, "AttributeValue")
            .filter_map(|v| text_of(Some(v)))
            .collect();
        let value = match (name, values.as_slice()) {
            ("scope", v) => Json::from(v.join(" ")),
            (_, [one]) => Json::from(one.clone()),
            (_, many) => Json::from(many.to_vec()),
        };
        if !name.is_empty() {
            claims.entry(name.to_owned()).or_insert(value);
        }
    }
    Ok(SamlAssertion {
        claims,
        id: a.attribute("ID").map(str::to_owned),
        version: a.attribute("Version").map(str::to_owned),
        issue_instant,
        issuer: text_of(child(a, NS_ASSERTION, "Issuer")),
        subject: text_of(name_id),
        subject_format: name_id
            .and_then(|n| n.attribute("Format"))
            .map(str::to_owned),
        not_before: time("NotBefore"),
        not_on_or_after: time("NotOnOrAfter"),
        audiences,
        authn_instant: authn
            .and_then(|s| s.attribute("AuthnInstant"))
            .map(str::to_owned),
        authn_context: text_of(authn_context),
        attributes,
        signature,
        length: xml.len(),
    })
}

#[cfg(test)]
pub(crate) mod tests;
