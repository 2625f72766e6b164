//! SAML 2.0 assertions (RFC 8693 token type saml2): issued for a legacy app, accepted back as a
//! subject token, refused when changed or presented by a client they are not for; and opaque
//! access tokens, understood only through introspection.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use crate::common::*;

const SAML2: &str = "urn:ietf:params:oauth:token-type:saml2";

/// Alice's JWT at the HR portal, exchanged for an assertion for legacy-hr-app.
async fn assertion(lab: &baton_sts::StsHandle) -> Reply {
    let login = password_token(lab, "hr-portal", "alice", &[]).await;
    login.assert_issued();
    let r = exchange(
        lab,
        "hr-portal",
        login.token(),
        None,
        &[
            ("requested_token_type", SAML2),
            ("audience", "legacy-hr-app"),
        ],
    )
    .await;
    r.assert_issued();
    r
}

fn xml(token: &str) -> String {
    String::from_utf8(URL_SAFE_NO_PAD.decode(token).expect("base64url")).expect("UTF-8")
}

#[tokio::test]
async fn a_jwt_is_exchanged_for_a_signed_assertion_for_the_audience() {
    let lab = lab().await;
    let r = assertion(&lab).await;
    assert_eq!(r.body["issued_token_type"], SAML2);
    assert_eq!(r.body["token_type"], "N_A");
    let xml = xml(r.token());
    for part in [
        "<saml:Assertion xmlns:saml=\"urn:oasis:names:tc:SAML:2.0:assertion\"",
        &format!("<saml:Issuer>{}</saml:Issuer>", lab.issuer()),
        ">alice</saml:NameID>",
        "<saml:Audience>legacy-hr-app</saml:Audience>",
        "<saml:Attribute Name=\"scope\"><saml:AttributeValue>profile</saml:AttributeValue><saml:AttributeValue>email</saml:AttributeValue>",
        "<saml:Attribute Name=\"email\"><saml:AttributeValue>alice@example.com</saml:AttributeValue>",
        "Algorithm=\"http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256\"",
        "<ds:X509Certificate>",
    ] {
        assert!(xml.contains(part), "{part} not in {xml}");
    }
    let cert = reqwest::get(lab.saml_certificate_uri())
        .await
        .expect("GET")
        .text()
        .await
        .expect("body");
    assert!(cert.starts_with("-----BEGIN CERTIFICATE-----\n"), "{cert}");
}

#[tokio::test]
async fn the_legacy_gateway_trades_the_assertion_for_an_opaque_token_read_by_introspection() {
    let lab = lab().await;
    let saml = assertion(&lab).await;
    let r = exchange_typed(&lab, "legacy-hr-app", (saml.token(), SAML2), None, &[]).await;
    r.assert_issued();
    let token = r.token();
    assert!(
        token.starts_with("at_") && !token.contains('.'),
        "an opaque token: {token}"
    );
    assert_eq!(r.body["token_type"], "Bearer");
    let i = introspect_as(&lab, "legacy-hr-app", token).await;
    assert_eq!(i.body["active"], true, "{:#}", i.body);
    assert_eq!(i.body["sub"], "alice");
    assert_eq!(i.body["aud"], "hr-api");
    assert_eq!(i.body["client_id"], "legacy-hr-app");
    assert_eq!(i.body["scope"], "profile email");
    // Something the lab never issued is just inactive.
    let i = introspect_as(&lab, "legacy-hr-app", "at_000000").await;
    assert_eq!(i.body["active"], false);
}

#[tokio::test]
async fn a_changed_assertion_is_refused() {
    let lab = lab().await;
    let saml = assertion(&lab).await;
    let forged = xml(saml.token()).replace(">alice</saml:NameID>", ">bob</saml:NameID>");
    let forged = URL_SAFE_NO_PAD.encode(forged);
    let r = exchange_typed(&lab, "legacy-hr-app", (&forged, SAML2), None, &[]).await;
    r.assert_error("invalid_request");
    assert!(
        r.description().contains("digest does not match"),
        "{}",
        r.description()
    );
}

#[tokio::test]
async fn a_wrapped_assertion_is_refused() {
    let lab = lab().await;
    let signed = xml(assertion(&lab).await.token());
    // The signed assertion hidden inside a forged one with another ID.
    let wrapped = signed.replacen("ID=\"", "ID=\"evil", 1).replacen(
        "</saml:Assertion>",
        &format!("<saml:Advice>{signed}</saml:Advice></saml:Assertion>"),
        1,
    );
    let wrapped = URL_SAFE_NO_PAD.encode(wrapped);
    let r = exchange_typed(&lab, "legacy-hr-app", (&wrapped, SAML2), None, &[]).await;
    r.assert_error("invalid_request");
    assert!(
        r.description().contains("exactly one Assertion"),
        "{}",
        r.description()
    );
}

#[tokio::test]
async fn an_assertion_is_accepted_only_from_its_audience() {
    let lab = lab().await;
    let saml = assertion(&lab).await;
    // Another client that may exchange, but the assertion is addressed to legacy-hr-app.
    let r = exchange_typed(&lab, "mcp-client", (saml.token(), SAML2), None, &[]).await;
    r.assert_error("invalid_request");
    assert!(
        r.description().contains("meant for \"legacy-hr-app\""),
        "{}",
        r.description()
    );
}

#[tokio::test]
async fn a_jwt_declared_as_saml_is_refused() {
    let lab = lab().await;
    let login = password_token(&lab, "hr-portal", "alice", &[]).await;
    let r = exchange_typed(&lab, "hr-portal", (login.token(), SAML2), None, &[]).await;
    r.assert_error("invalid_request");
    assert!(
        r.description().contains("subject_token is not acceptable"),
        "{}",
        r.description()
    );
}
