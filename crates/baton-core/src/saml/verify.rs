//! Checking a SAML assertion: its enveloped XML signature (XML-DSig, exclusive c14n) against a
//! trusted certificate, its Conditions' time window and its audience.

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use baton_xml::Node;
use jsonwebtoken::{Algorithm, DecodingKey};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use ts_rs::TS;

use super::{
    NS_DSIG, c14n, child, children, decode_assertion, format_instant, parse, the_assertion,
};

pub const ALG_RSA_SHA256: &str = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256";
pub const ALG_ECDSA_SHA256: &str = "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256";
/// RFC 9231 §2.3.6.
pub const ALG_ED25519: &str = "http://www.w3.org/2021/04/xmldsig-more#eddsa-ed25519";
pub const DIGEST_SHA256: &str = "http://www.w3.org/2001/04/xmlenc#sha256";
pub const EXC_C14N: &str = "http://www.w3.org/2001/10/xml-exc-c14n#";
pub const ENVELOPED: &str = "http://www.w3.org/2000/09/xmldsig#enveloped-signature";

pub(super) fn short_alg(uri: &str) -> Option<&'static str> {
    match uri {
        ALG_RSA_SHA256 => Some("RSA-SHA256"),
        ALG_ECDSA_SHA256 => Some("ECDSA-SHA256"),
        ALG_ED25519 => Some("Ed25519"),
        _ => None,
    }
}

/// The outcome of [`verify_saml`]: `valid` when nothing is in `problems`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SamlVerification {
    pub valid: bool,
    /// The signature algorithm's short name (`ECDSA-SHA256`) or URI.
    pub algorithm: Option<String>,
    /// Each check that failed, in words.
    pub problems: Vec<String>,
}

/// The certificate (PEM) at `url`, as DER: a lab's `/saml/certificate`.
pub async fn fetch_certificate(
    http: &dyn crate::http::HttpClient,
    url: &str,
) -> Result<Vec<u8>, String> {
    let response = http
        .send(&crate::http::HttpRequest::get(url))
        .await
        .map_err(|e| format!("the SAML certificate at {url} could not be fetched: {e}"))?;
    if response.status != 200 {
        return Err(format!(
            "the SAML certificate at {url} could not be fetched: HTTP {}",
            response.status
        ));
    }
    let text = String::from_utf8_lossy(&response.body);
    certificate_der(&text).map_err(|e| format!("the SAML certificate at {url}: {e}"))
}

/// A failed check of an assertion as findings: each problem an error, since a relying party
/// must refuse such an assertion.
pub fn findings(problems: &[String]) -> Vec<crate::findings::Finding> {
    problems
        .iter()
        .map(|p| crate::findings::Finding {
            id: "saml.verification".into(),
            severity: crate::findings::Severity::Error,
            message: format!("the SAML assertion does not verify: {p}"),
            reference: "SAML 2.0 Core §2.5 and §5.4; XML Signature §3.2".into(),
        })
        .collect()
}

/// The DER of a certificate given as PEM (`-----BEGIN CERTIFICATE-----`) or bare base64.
pub fn certificate_der(text: &str) -> Result<Vec<u8>, String> {
    let body: String = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.starts_with("-----"))
        .collect();
    if text.contains("-----BEGIN") && !text.contains("-----BEGIN CERTIFICATE-----") {
        return Err("it is a PEM block but not a CERTIFICATE".to_owned());
    }
    STANDARD
        .decode(body.as_bytes())
        .map_err(|e| format!("it is not a PEM certificate or base64 DER: {e}"))
}

fn decoding_key(cert_der: &[u8], alg: Algorithm) -> Result<DecodingKey, String> {
    let pem = format!(
        "-----BEGIN CERTIFICATE-----\n{}\n-----END CERTIFICATE-----\n",
        STANDARD.encode(cert_der)
    );
    let key = match alg {
        Algorithm::ES256 => DecodingKey::from_ec_pem(pem.as_bytes()),
        Algorithm::RS256 => DecodingKey::from_rsa_pem(pem.as_bytes()),
        _ => DecodingKey::from_ed_pem(pem.as_bytes()),
    };
    key.map_err(|e| format!("the trusted certificate has no key for {alg:?}: {e}"))
}

/// Checks `token` (an assertion as XML, base64url or base64) against the certificate
/// `trusted_cert_der`, at `now` (seconds), for `audience` when given. Every failing check is
/// reported, so a user sees at once a digest mismatch and an expired assertion.
pub fn verify_saml(
    token: &str,
    trusted_cert_der: &[u8],
    now: i64,
    audience: Option<&str>,
) -> SamlVerification {
    let mut problems = Vec::new();
    let mut algorithm = None;
    match super::assertion_xml(token) {
        None => problems.push("it is not a SAML assertion (XML, or base64url of XML)".to_owned()),
        Some(xml) => {
            if let Err(why) = check_signature(&xml, trusted_cert_der, &mut algorithm) {
                problems.push(why);
            }
            match decode_assertion(&xml) {
                Ok(a) => problems.extend(check_conditions(&a, now, audience)),
                Err(why) => problems.push(why),
            }
        }
    }
    problems.dedup();
    SamlVerification {
        valid: problems.is_empty(),
        algorithm,
        problems,
    }
}

fn check_conditions(a: &super::SamlAssertion, now: i64, audience: Option<&str>) -> Vec<String> {
    let mut problems = Vec::new();
    if let Some(nb) = a.not_before
        && now < nb
    {
        problems.push(format!(
            "its Conditions are not valid before {} (NotBefore), {} s from now",
            format_instant(nb),
            nb.saturating_sub(now)
        ));
    }
    match a.not_on_or_after {
        Some(end) if now >= end => problems.push(format!(
            "it expired at {} (Conditions NotOnOrAfter), {} s ago",
            format_instant(end),
            now.saturating_sub(end)
        )),
        Some(_) => {}
        None => problems.push("its Conditions have no NotOnOrAfter: it never expires".to_owned()),
    }
    if let Some(want) = audience
        && !a.audiences.iter().any(|x| x == want)
    {
        problems.push(format!(
            "its AudienceRestriction names {}, not {want:?}",
            if a.audiences.is_empty() {
                "no audience".to_owned()
            } else {
                a.audiences
                    .iter()
                    .map(|x| format!("{x:?}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            }
        ));
    }
    problems
}

fn algorithm_attr(node: Option<Node>, what: &str) -> Result<String, String> {
    node.and_then(|n| n.attribute("Algorithm"))
        .map(str::to_owned)
        .ok_or_else(|| format!("the signature has no {what} Algorithm"))
}

/// The InclusiveNamespaces PrefixList of a c14n method or transform, if any.
fn prefix_list<'a>(node: Node<'a, '_>) -> Vec<&'a str> {
    node.children()
        .find(|c| c.has_tag_name((EXC_C14N, "InclusiveNamespaces")))
        .and_then(|n| n.attribute("PrefixList"))
        .map(|l| l.split_whitespace().collect())
        .unwrap_or_default()
}

fn check_signature(
    xml: &str,
    trusted_cert_der: &[u8],
    algorithm: &mut Option<String>,
) -> Result<(), String> {
    let doc = parse(xml)?;
    let assertion = the_assertion(&doc)?;
    let signatures: Vec<Node> = doc
        .descendants()
        .filter(|n| n.has_tag_name((NS_DSIG, "Signature")))
        .collect();
    let signature = match signatures.as_slice() {
        [] => return Err("it is not signed (no ds:Signature)".to_owned()),
        [one] if one.parent_element() == Some(assertion) => *one,
        [_] => {
            return Err(
                "its ds:Signature is not a child of the Assertion (not an enveloped signature of it)"
                    .to_owned(),
            );
        }
        many => {
            return Err(format!(
                "it has {} ds:Signature elements; one, in the Assertion, is expected",
                many.len()
            ));
        }
    };
    let signed_info =
        child(signature, NS_DSIG, "SignedInfo").ok_or("the signature has no SignedInfo")?;
    let c14n_method = child(signed_info, NS_DSIG, "CanonicalizationMethod");
    let c14n_alg = algorithm_attr(c14n_method, "CanonicalizationMethod")?;
    if c14n_alg != EXC_C14N {
        return Err(format!(
            "its SignedInfo is canonicalised with {c14n_alg}; Baton checks exclusive c14n ({EXC_C14N})"
        ));
    }
    let sig_alg = algorithm_attr(
        child(signed_info, NS_DSIG, "SignatureMethod"),
        "SignatureMethod",
    )?;
    *algorithm = Some(short_alg(&sig_alg).map_or_else(|| sig_alg.clone(), str::to_owned));
    let jws_alg = match sig_alg.as_str() {
        ALG_ECDSA_SHA256 => Algorithm::ES256,
        ALG_RSA_SHA256 => Algorithm::RS256,
        ALG_ED25519 => Algorithm::EdDSA,
        other => {
            return Err(format!(
                "its SignatureMethod {other} is not one Baton verifies (RSA-SHA256, ECDSA-SHA256, Ed25519)"
            ));
        }
    };

    // The one Reference must point at this assertion: a reference to another element is how
    // signature wrapping makes a signed element stand beside the one that is read.
    let references: Vec<Node> = children(signed_info, NS_DSIG, "Reference").collect();
    let [reference] = references.as_slice() else {
        return Err(format!(
            "its SignedInfo has {} References; one, to the Assertion, is expected",
            references.len()
        ));
    };
    let id = assertion
        .attribute("ID")
        .ok_or("the Assertion has no ID attribute")?;
    let uri = reference.attribute("URI").unwrap_or_default();
    if uri != format!("#{id}") {
        return Err(format!(
            "its signature references {uri:?}, not the Assertion (#{id}): the signed element is not the one read"
        ));
    }
    let mut inclusive = Vec::new();
    let mut enveloped = false;
    if let Some(transforms) = child(*reference, NS_DSIG, "Transforms") {
        for t in children(transforms, NS_DSIG, "Transform") {
            match t.attribute("Algorithm").unwrap_or_default() {
                ENVELOPED => enveloped = true,
                EXC_C14N => inclusive = prefix_list(t),
                other => {
                    return Err(format!(
                        "its Reference has the transform {other}; Baton applies enveloped-signature and exclusive c14n only"
                    ));
                }
            }
        }
    }
    if !enveloped {
        return Err("its Reference lacks the enveloped-signature transform".to_owned());
    }
    let digest_alg = algorithm_attr(child(*reference, NS_DSIG, "DigestMethod"), "DigestMethod")?;
    if digest_alg != DIGEST_SHA256 {
        return Err(format!(
            "its DigestMethod is {digest_alg}; Baton checks SHA-256 ({DIGEST_SHA256})"
        ));
    }
    let stated: String = super::text_of(child(*reference, NS_DSIG, "DigestValue"))
        .unwrap_or_default()
        .split_whitespace()
        .collect();
    let canonical = c14n::canonicalize(assertion, Some(signature.id()), &inclusive);
    let actual = STANDARD.encode(Sha256::digest(canonical.as_bytes()));
    if stated != actual {
        return Err(format!(
            "its digest does not match: the Assertion was changed after it was signed (DigestValue {stated}, computed {actual})"
        ));
    }

    let signed = c14n::canonicalize(
        signed_info,
        None,
        &c14n_method.map(prefix_list).unwrap_or_default(),
    );
    let value: String = super::text_of(child(signature, NS_DSIG, "SignatureValue"))
        .unwrap_or_default()
        .split_whitespace()
        .collect();
    let raw = STANDARD
        .decode(value.as_bytes())
        .map_err(|e| format!("its SignatureValue is not base64: {e}"))?;
    let key = decoding_key(trusted_cert_der, jws_alg)?;
    let ok = jsonwebtoken::crypto::verify(
        &URL_SAFE_NO_PAD.encode(raw),
        signed.as_bytes(),
        &key,
        jws_alg,
    )
    .map_err(|e| format!("its signature cannot be checked: {e}"))?;
    if !ok {
        return Err(
            "its signature does not verify with the trusted certificate (signed by another key, or SignedInfo was changed)"
                .to_owned(),
        );
    }
    Ok(())
}
