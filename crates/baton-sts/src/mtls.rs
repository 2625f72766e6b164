//! RFC 8705 at the endpoints: a client authenticating with its TLS client certificate
//! (`tls_client_auth`, §2.1; `self_signed_tls_client_auth`, §2.2), and the certificate a bound
//! token is issued for (§3). The handshake accepted any certificate whose key the client holds;
//! here it is checked against the client's registration.

use std::net::IpAddr;

use crate::errors::OAuthError;
use crate::lab::Lab;
use crate::policy::{CertificateSubject, Client, RegisteredCertificate};
use crate::tls::ClientCertificate;
use crate::tls::names::{CertificateNames, DistinguishedName};

/// The presented certificate, or why there is none.
fn presented<'c>(
    lab: &Lab,
    client: &Client,
    peer: Option<&'c ClientCertificate>,
) -> Result<&'c ClientCertificate, OAuthError> {
    let id = &client.client_id;
    let method = client.auth.method_name();
    match peer {
        Some(cert) => Ok(cert),
        None if lab.tls.is_none() => Err(OAuthError::invalid_client(format!(
            "client {id:?} authenticates with {method} (RFC 8705), but this lab serves plain HTTP: no client certificate can be presented (start the lab with TLS)"
        ))),
        None => Err(OAuthError::invalid_client(format!(
            "client {id:?} authenticates with {method} (RFC 8705): the TLS connection presented no client certificate"
        ))),
    }
}

/// RFC 8705 §2.1: the certificate was issued by a trusted CA (the lab's, while the
/// `client_certificate_chain` check is on) and carries the registered subject value.
pub(crate) fn check_tls_client_auth(
    lab: &Lab,
    client: &Client,
    subject: &CertificateSubject,
    peer: Option<&ClientCertificate>,
) -> Result<(), OAuthError> {
    let cert = presented(lab, client, peer)?;
    let id = &client.client_id;
    let names = cert.names.as_ref().map_err(|e| {
        OAuthError::invalid_client(format!(
            "client {id:?}: the client certificate cannot be read: {e}"
        ))
    })?;
    if lab.checks().client_certificate_chain
        && let Some(tls) = &lab.tls
        && let Err(e) = tls.verify_chain(cert)
    {
        return Err(OAuthError::invalid_client(format!(
            "client {id:?}: the client certificate ({}) was not issued by the lab's CA or is not valid for TLS client authentication: {e}",
            names.describe()
        )));
    }
    if !carries(names, subject) {
        return Err(OAuthError::invalid_client(format!(
            "client {id:?} is registered with {} {:?}, and the client certificate does not carry it: it has {}",
            subject.field_name(),
            subject.value(),
            names.describe()
        )));
    }
    Ok(())
}

/// Whether the certificate names the registered subject (RFC 8705 §2.1.2): the subject DN as
/// a whole, or one of its SANs of the registered kind. DNS names compare ignoring case, IP
/// addresses as addresses, the rest exactly.
fn carries(names: &CertificateNames, subject: &CertificateSubject) -> bool {
    match subject {
        CertificateSubject::SubjectDn(dn) => {
            DistinguishedName::parse(dn).is_ok_and(|expected| expected == names.subject)
        }
        CertificateSubject::SanDns(dns) => {
            names.san_dns.iter().any(|n| n.eq_ignore_ascii_case(dns))
        }
        CertificateSubject::SanUri(uri) => names.san_uri.iter().any(|n| n == uri),
        CertificateSubject::SanIp(ip) => ip
            .parse::<IpAddr>()
            .is_ok_and(|ip| names.san_ip.contains(&ip)),
        CertificateSubject::SanEmail(email) => names.san_email.iter().any(|n| n == email),
    }
}

/// RFC 8705 §2.2: the presented certificate is the registered one (same SHA-256 of its DER).
/// Neither its issuer nor its validity dates matter: the registration is the trust.
pub(crate) fn check_self_signed(
    lab: &Lab,
    client: &Client,
    registered: &RegisteredCertificate,
    peer: Option<&ClientCertificate>,
) -> Result<(), OAuthError> {
    let cert = presented(lab, client, peer)?;
    let id = &client.client_id;
    let expected = registered.x5t_s256().map_err(|e| {
        OAuthError::invalid_client(format!(
            "client {id:?}: its registered certificate cannot be read: {e}"
        ))
    })?;
    if cert.x5t_s256 != expected {
        let names = match &cert.names {
            Ok(names) => names.describe(),
            Err(_) => "an unreadable certificate".to_owned(),
        };
        return Err(OAuthError::invalid_client(format!(
            "client {id:?} is registered with a self-signed certificate of x5t#S256 {expected:?}; the connection presented another one (x5t#S256 {:?}, {names})",
            cert.x5t_s256
        )));
    }
    Ok(())
}

/// RFC 8705 §3: the `x5t#S256` a token request's tokens are bound to. A client registered for
/// certificate-bound tokens must present a certificate; for other clients nothing is bound.
pub(crate) fn token_binding(
    lab: &Lab,
    client: &Client,
    peer: Option<&ClientCertificate>,
) -> Result<Option<String>, OAuthError> {
    if !client.tls_client_certificate_bound_access_tokens {
        return Ok(None);
    }
    match peer {
        Some(cert) => Ok(Some(cert.x5t_s256.clone())),
        None => {
            let why = if lab.tls.is_none() {
                "this lab serves plain HTTP, so none can be presented (start the lab with TLS)"
            } else {
                "send the request over TLS with a client certificate"
            };
            Err(OAuthError::invalid_request(format!(
                "client {:?} gets certificate-bound tokens (tls_client_certificate_bound_access_tokens, RFC 8705 §3), and the request presented no client certificate: {why}",
                client.client_id
            )))
        }
    }
}
