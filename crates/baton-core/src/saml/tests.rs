//! Assertions signed here with a test key (testdata/, published, never to be trusted) and checked
//! against its certificate; tampered, wrapped and misaddressed ones must fail.

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use jsonwebtoken::{Algorithm, EncodingKey};
use sha2::{Digest, Sha256};

use super::verify::{ALG_ECDSA_SHA256, DIGEST_SHA256, ENVELOPED, EXC_C14N};
use super::*;

const KEY: &str = include_str!("testdata/test-p256.key.pem");
const CERT: &str = include_str!("testdata/test-p256.crt.pem");
const OTHER_CERT: &str = include_str!("testdata/other-p256.crt.pem");

/// 2026-01-01T00:00:00Z.
const NOW: i64 = 1_767_225_600;

fn unsigned(id: &str) -> String {
    format!(
        concat!(
            r#"<saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="{id}" IssueInstant="2026-01-01T00:00:00Z" Version="2.0">"#,
            r#"<saml:Issuer>http://127.0.0.1:9000</saml:Issuer>"#,
            r#"<saml:Subject><saml:NameID Format="urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified">alice</saml:NameID></saml:Subject>"#,
            r#"<saml:Conditions NotBefore="2025-12-31T23:59:00Z" NotOnOrAfter="2026-01-01T00:05:00Z">"#,
            r#"<saml:AudienceRestriction><saml:Audience>legacy-hr-app</saml:Audience></saml:AudienceRestriction></saml:Conditions>"#,
            r#"<saml:AttributeStatement><saml:Attribute Name="scope"><saml:AttributeValue>hr:read</saml:AttributeValue>"#,
            r#"<saml:AttributeValue>hr:write</saml:AttributeValue></saml:Attribute></saml:AttributeStatement>"#,
            r#"</saml:Assertion>"#
        ),
        id = id
    )
}

/// Signs the first Assertion of `xml` (whose ID is `id`) the way the lab does, putting the
/// Signature after its Issuer.
pub(crate) fn sign(xml: &str, id: &str) -> String {
    let doc = parse(xml).expect("xml");
    let assertion = doc
        .descendants()
        .find(|n| n.has_tag_name((NS_ASSERTION, "Assertion")))
        .expect("assertion");
    let digest = STANDARD.encode(Sha256::digest(
        c14n::canonicalize(assertion, None, &[]).as_bytes(),
    ));
    let signed_info = format!(
        concat!(
            r#"<ds:SignedInfo><ds:CanonicalizationMethod Algorithm="{c}"></ds:CanonicalizationMethod>"#,
            r##"<ds:SignatureMethod Algorithm="{s}"></ds:SignatureMethod><ds:Reference URI="#{id}"><ds:Transforms>"##,
            r#"<ds:Transform Algorithm="{e}"></ds:Transform><ds:Transform Algorithm="{c}"></ds:Transform></ds:Transforms>"#,
            r#"<ds:DigestMethod Algorithm="{d}"></ds:DigestMethod><ds:DigestValue>{v}</ds:DigestValue></ds:Reference></ds:SignedInfo>"#
        ),
        c = EXC_C14N,
        s = ALG_ECDSA_SHA256,
        e = ENVELOPED,
        d = DIGEST_SHA256,
        id = id,
        v = digest
    );
    let canonical_si = signed_info.replacen(
        "<ds:SignedInfo>",
        &format!(r#"<ds:SignedInfo xmlns:ds="{NS_DSIG}">"#),
        1,
    );
    let key = EncodingKey::from_ec_pem(KEY.as_bytes()).expect("key");
    let sig =
        jsonwebtoken::crypto::sign(canonical_si.as_bytes(), &key, Algorithm::ES256).expect("sign");
    let sig = STANDARD.encode(URL_SAFE_NO_PAD.decode(sig).expect("b64"));
    let cert: String = CERT.lines().filter(|l| !l.starts_with("-----")).collect();
    let signature = format!(
        r#"<ds:Signature xmlns:ds="{NS_DSIG}">{signed_info}<ds:SignatureValue>{sig}</ds:SignatureValue><ds:KeyInfo><ds:X509Data><ds:X509Certificate>{cert}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></ds:Signature>"#
    );
    xml.replacen("</saml:Issuer>", &format!("</saml:Issuer>{signature}"), 1)
}

fn cert() -> Vec<u8> {
    certificate_der(CERT).expect("cert")
}

fn token(xml: &str) -> String {
    URL_SAFE_NO_PAD.encode(xml)
}

#[test]
fn a_base64url_assertion_decodes_to_its_fields() {
    let xml = sign(&unsigned("_a1"), "_a1");
    let DecodedTokenView::Saml(a) = view(&token(&xml)) else {
        panic!("not read as SAML");
    };
    assert_eq!(a.id.as_deref(), Some("_a1"));
    assert_eq!(a.issuer.as_deref(), Some("http://127.0.0.1:9000"));
    assert_eq!(a.subject.as_deref(), Some("alice"));
    assert_eq!(a.audiences, vec!["legacy-hr-app"]);
    assert_eq!(a.not_on_or_after, Some(NOW + 300));
    assert_eq!(a.not_before, Some(NOW - 60));
    assert_eq!(
        a.attribute("scope").map(|s| s.values.clone()),
        Some(vec!["hr:read".to_owned(), "hr:write".to_owned()])
    );
    assert_eq!(a.signature_alg().as_deref(), Some("ECDSA-SHA256"));
    assert_eq!(
        a.signature.as_ref().and_then(|s| s.reference.as_deref()),
        Some("#_a1")
    );
}

enum DecodedTokenView {
    Saml(Box<SamlAssertion>),
    Other,
}

fn view(token: &str) -> DecodedTokenView {
    match crate::jwt::decode(token) {
        crate::DecodedToken::Saml(a) => DecodedTokenView::Saml(a),
        _ => DecodedTokenView::Other,
    }
}

#[test]
fn a_good_signature_verifies_with_the_certificate() {
    let xml = sign(&unsigned("_a1"), "_a1");
    let v = verify_saml(&token(&xml), &cert(), NOW, Some("legacy-hr-app"));
    assert!(v.valid, "{:?}", v.problems);
    assert_eq!(v.algorithm.as_deref(), Some("ECDSA-SHA256"));
    // Raw XML and padded base64 are read too.
    assert!(verify_saml(&xml, &cert(), NOW, None).valid);
    assert!(verify_saml(&STANDARD.encode(&xml), &cert(), NOW, None).valid);
}

#[test]
fn a_changed_assertion_fails_on_its_digest() {
    let xml = sign(&unsigned("_a1"), "_a1").replace(">alice<", ">mallory<");
    let v = verify_saml(&token(&xml), &cert(), NOW, None);
    assert!(!v.valid);
    assert!(
        v.problems[0].contains("digest does not match"),
        "{:?}",
        v.problems
    );
}

#[test]
fn another_key_is_refused() {
    let other = certificate_der(OTHER_CERT).expect("cert");
    let xml = sign(&unsigned("_a1"), "_a1");
    let v = verify_saml(&token(&xml), &other, NOW, None);
    assert!(
        v.problems[0].contains("does not verify"),
        "{:?}",
        v.problems
    );
}

#[test]
fn a_changed_signed_info_is_refused() {
    let xml = sign(&unsigned("_a1"), "_a1").replace(
        "<ds:DigestMethod Algorithm",
        "<ds:DigestMethod Extra=\"x\" Algorithm",
    );
    let v = verify_saml(&token(&xml), &cert(), NOW, None);
    assert!(
        v.problems[0].contains("does not verify"),
        "{:?}",
        v.problems
    );
}

#[test]
fn expiry_and_audience_are_checked() {
    let xml = token(&sign(&unsigned("_a1"), "_a1"));
    let v = verify_saml(&xml, &cert(), NOW + 300, Some("payroll"));
    assert_eq!(v.problems.len(), 2, "{:?}", v.problems);
    assert!(v.problems[0].contains("expired at 2026-01-01T00:05:00Z"));
    assert!(v.problems[1].contains("names \"legacy-hr-app\", not \"payroll\""));
    let v = verify_saml(&xml, &cert(), NOW - 120, None);
    assert!(
        v.problems[0].contains("not valid before"),
        "{:?}",
        v.problems
    );
}

#[test]
fn a_reference_to_another_element_is_refused() {
    let xml = sign(&unsigned("_a1"), "_a1").replace("ID=\"_a1\"", "ID=\"_a2\"");
    let v = verify_saml(&token(&xml), &cert(), NOW, None);
    assert!(
        v.problems[0].contains("references \"#_a1\""),
        "{:?}",
        v.problems
    );
}

#[test]
fn a_wrapped_assertion_is_refused() {
    // The classic wrapping: the signed assertion kept intact inside a forged one's element tree.
    let signed = sign(&unsigned("_a1"), "_a1");
    let forged = unsigned("_evil").replace(">alice<", ">mallory<").replace(
        "</saml:Assertion>",
        &format!("<saml:Advice>{signed}</saml:Advice></saml:Assertion>"),
    );
    let v = verify_saml(&token(&forged), &cert(), NOW, None);
    assert!(!v.valid);
    assert!(
        v.problems[0].contains("2 saml:Assertion elements"),
        "{:?}",
        v.problems
    );
}

#[test]
fn an_unsigned_assertion_is_refused() {
    let v = verify_saml(&token(&unsigned("_a1")), &cert(), NOW, None);
    assert!(v.problems[0].contains("not signed"), "{:?}", v.problems);
}

#[test]
fn dtds_and_deep_nesting_are_refused() {
    let bomb = r#"<!DOCTYPE a [<!ENTITY x "xx">]><saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion">&x;</saml:Assertion>"#;
    assert!(
        decode_assertion(bomb)
            .unwrap_err()
            .contains("without a DTD")
    );
    let deep = format!(
        r#"<saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion">{}{}</saml:Assertion>"#,
        "<x>".repeat(MAX_DEPTH + 1),
        "</x>".repeat(MAX_DEPTH + 1)
    );
    assert!(
        decode_assertion(&deep)
            .unwrap_err()
            .contains("nest more than")
    );
    let huge = format!("<a>{}</a>", " ".repeat(MAX_XML_BYTES));
    assert!(parse(&huge).unwrap_err().contains("more than"));
}

#[test]
fn tokens_that_are_not_xml_are_not_assertions() {
    assert!(assertion_xml("eyJhbGciOiJub25lIn0.e30.").is_none());
    assert!(assertion_xml(&URL_SAFE_NO_PAD.encode("hello")).is_none());
    assert!(assertion_xml("rt_1234").is_none());
}
