//! TLS as Baton's client does it, where reqwest's defaults are not enough:
//!
//! - A server certificate the user named explicitly (`--ca-file`) is trusted as it is when the
//!   server presents exactly that certificate, whatever its CA flag: `openssl req -x509` marks
//!   a self-signed certificate `CA:TRUE`, and webpki refuses a CA certificate used as a server's.
//!   Its name, its validity and the handshake signature are still checked. Any other certificate
//!   goes through the platform verifier reqwest uses, with the named certificates as extra roots.
//! - A TLS failure is said in words: what is wrong and how to fix it, not the library's names.

use std::sync::Arc;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::verify_server_name;
use rustls::crypto::{
    CryptoProvider, WebPkiSupportedAlgorithms, aws_lc_rs, verify_tls12_signature,
    verify_tls13_signature,
};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
use rustls::server::ParsedCertificate;
use rustls::{AlertDescription, CertificateError, DigitallySignedStruct, Error, SignatureScheme};

use crate::mtls::ClientIdentity;
use crate::timestamp;

/// Every certificate in a PEM text, as DER.
pub(crate) fn certificates_from_pem(pem: &[u8]) -> Result<Vec<CertificateDer<'static>>, String> {
    let certs = CertificateDer::pem_slice_iter(pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| format!("it is not a PEM certificate: {e}"))?;
    if certs.is_empty() {
        return Err("no -----BEGIN CERTIFICATE----- block".into());
    }
    Ok(certs)
}

/// A rustls configuration trusting the platform's roots, the `named` certificates as roots, and
/// a named certificate presented as the server's own as it is; presenting `identity` if given.
pub(crate) fn client_config(
    named: Vec<CertificateDer<'static>>,
    identity: Option<&ClientIdentity>,
) -> Result<rustls::ClientConfig, String> {
    let provider: Arc<CryptoProvider> = Arc::new(aws_lc_rs::default_provider());
    let inner = rustls_platform_verifier::Verifier::new_with_extra_roots(
        named.iter().cloned(),
        provider.clone(),
    )
    .map_err(|e| format!("the trusted certificates cannot be used: {e}"))?;
    let verifier = NamedCertificates {
        named,
        inner: Arc::new(inner),
        algorithms: provider.signature_verification_algorithms,
    };
    let builder = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("the TLS versions: {e}"))?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(verifier));
    let mut config = match identity {
        None => builder.with_no_client_auth(),
        Some(identity) => {
            let pem = identity.pem_bundle();
            let pem = pem.expose().as_bytes();
            let certs =
                certificates_from_pem(pem).map_err(|e| format!("the client certificate: {e}"))?;
            let key = PrivateKeyDer::from_pem_slice(pem)
                .map_err(|e| format!("the client certificate's key cannot be read: {e}"))?;
            builder
                .with_client_auth_cert(certs, key)
                .map_err(|e| format!("the client certificate or its key cannot be used: {e}"))?
        }
    };
    // What reqwest offers when it configures rustls itself.
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(config)
}

#[derive(Debug)]
struct NamedCertificates {
    named: Vec<CertificateDer<'static>>,
    inner: Arc<dyn ServerCertVerifier>,
    algorithms: WebPkiSupportedAlgorithms,
}

impl ServerCertVerifier for NamedCertificates {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, Error> {
        if !self.named.iter().any(|c| c.as_ref() == end_entity.as_ref()) {
            return self.inner.verify_server_cert(
                end_entity,
                intermediates,
                server_name,
                ocsp_response,
                now,
            );
        }
        // The user named this very certificate: its issuer and CA flag do not matter, but it
        // must still be for this host and valid now.
        let parsed = ParsedCertificate::try_from(end_entity)?;
        verify_server_name(&parsed, server_name)?;
        let (not_before, not_after) =
            validity(end_entity.as_ref()).ok_or(CertificateError::BadEncoding)?;
        let now_secs = i64::try_from(now.as_secs()).unwrap_or(i64::MAX);
        let at = |secs: i64| {
            UnixTime::since_unix_epoch(std::time::Duration::from_secs(
                u64::try_from(secs).unwrap_or(0),
            ))
        };
        if now_secs < not_before {
            return Err(CertificateError::NotValidYetContext {
                time: now,
                not_before: at(not_before),
            }
            .into());
        }
        if now_secs > not_after {
            return Err(CertificateError::ExpiredContext {
                time: now,
                not_after: at(not_after),
            }
            .into());
        }
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, Error> {
        verify_tls12_signature(message, cert, dss, &self.algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, Error> {
        verify_tls13_signature(message, cert, dss, &self.algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algorithms.supported_schemes()
    }
}

/// One DER element: its tag, its contents, and what follows it.
fn element(input: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let (&tag, rest) = input.split_first()?;
    let (&first, rest) = rest.split_first()?;
    let (len, rest) = if first < 0x80 {
        (usize::from(first), rest)
    } else {
        let count = usize::from(first & 0x7f);
        if count == 0 || count > 4 || rest.len() < count {
            return None;
        }
        let (bytes, rest) = rest.split_at(count);
        let len = bytes.iter().try_fold(0usize, |n, &b| {
            n.checked_mul(256)?.checked_add(usize::from(b))
        })?;
        (len, rest)
    };
    if rest.len() < len {
        return None;
    }
    let (contents, rest) = rest.split_at(len);
    Some((tag, contents, rest))
}

/// A certificate's `notBefore` and `notAfter` (RFC 5280 §4.1.2.5), epoch seconds.
fn validity(der: &[u8]) -> Option<(i64, i64)> {
    const SEQUENCE: u8 = 0x30;
    let (SEQUENCE, certificate, _) = element(der)? else {
        return None;
    };
    let (SEQUENCE, tbs, _) = element(certificate)? else {
        return None;
    };
    // [0] version (optional), serialNumber, signature, issuer, then validity.
    let mut rest = tbs;
    if rest.first() == Some(&0xa0) {
        rest = element(rest)?.2;
    }
    for _ in 0..3 {
        rest = element(rest)?.2;
    }
    let (SEQUENCE, validity, _) = element(rest)? else {
        return None;
    };
    let (tag, not_before, rest) = element(validity)?;
    let not_before = asn1_time(tag, not_before)?;
    let (tag, not_after, _) = element(rest)?;
    Some((not_before, asn1_time(tag, not_after)?))
}

/// UTCTime (`YYMMDDHHMMSSZ`, years 1950 to 2049) or GeneralizedTime (`YYYYMMDDHHMMSSZ`).
fn asn1_time(tag: u8, contents: &[u8]) -> Option<i64> {
    let text = std::str::from_utf8(contents).ok()?;
    let digits = text.strip_suffix('Z')?;
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let full = match (tag, digits.len()) {
        (0x17, 12) => {
            let yy: u32 = digits.get(..2)?.parse().ok()?;
            format!("{}{digits}", if yy < 50 { "20" } else { "19" })
        }
        (0x18, 14) => digits.to_string(),
        _ => return None,
    };
    let part = |range: std::ops::Range<usize>| full.get(range);
    let instant = format!(
        "{}-{}-{}T{}:{}:{}Z",
        part(0..4)?,
        part(4..6)?,
        part(6..8)?,
        part(8..10)?,
        part(10..12)?,
        part(12..14)?
    );
    crate::saml::parse_instant(&instant).ok()
}

/// A TLS failure in words, when one in `error`'s causes is a rustls error Baton can explain.
pub(crate) fn failure_in_words(error: &(dyn std::error::Error + 'static)) -> Option<String> {
    rustls_cause(error, 0).map(tls_error_in_words)
}

/// The rustls error among `error`'s causes. An io::Error's `source()` skips the error it wraps
/// (and reqwest's connector wraps one io::Error in another), so each is looked inside.
fn rustls_cause<'a>(
    error: &'a (dyn std::error::Error + 'static),
    depth: usize,
) -> Option<&'a Error> {
    if depth > 16 {
        return None;
    }
    if let Some(tls) = error.downcast_ref::<Error>() {
        return Some(tls);
    }
    if let Some(inner) = error
        .downcast_ref::<std::io::Error>()
        .and_then(|io| io.get_ref())
        && let Some(tls) = rustls_cause(inner, depth + 1)
    {
        return Some(tls);
    }
    rustls_cause(error.source()?, depth + 1)
}

fn tls_error_in_words(e: &Error) -> String {
    match e {
        Error::InvalidCertificate(c) => certificate_error_in_words(c),
        Error::AlertReceived(AlertDescription::CertificateRequired) => {
            "the server requires a client certificate: give one with --client-cert and --client-key"
                .into()
        }
        Error::AlertReceived(
            alert @ (AlertDescription::BadCertificate
            | AlertDescription::UnknownCA
            | AlertDescription::CertificateUnknown
            | AlertDescription::UnsupportedCertificate
            | AlertDescription::CertificateExpired
            | AlertDescription::CertificateRevoked
            | AlertDescription::AccessDenied),
        ) => format!(
            "the server refused Baton's client certificate (TLS alert {alert:?}): check it is the one the server expects and is signed by a CA it trusts"
        ),
        Error::AlertReceived(alert) => format!(
            "the server ended the TLS handshake (alert {alert:?}): it may not support the TLS versions or ciphers Baton offers (TLS 1.2 and 1.3)"
        ),
        Error::InvalidMessage(_) | Error::InappropriateMessage { .. } => {
            "the server did not answer in TLS: is it an http:// URL given as https://, or the wrong port?"
                .into()
        }
        Error::PeerIncompatible(p) => format!(
            "the server and Baton have no TLS version or cipher in common ({p:?}): Baton speaks TLS 1.2 and 1.3"
        ),
        other => format!("the TLS handshake failed: {other}"),
    }
}

fn certificate_error_in_words(c: &CertificateError) -> String {
    let date = |t: &UnixTime| {
        let secs = i64::try_from(t.as_secs()).unwrap_or(i64::MAX);
        timestamp::utc("the date", secs).unwrap_or_else(|e| e.to_string())
    };
    match c {
        CertificateError::UnknownIssuer => {
            "the server's certificate is not signed by a CA Baton trusts: give its CA with --ca-file, or check the server sends its whole chain".into()
        }
        CertificateError::NotValidForNameContext {
            expected,
            presented,
        } => {
            let names: Vec<String> = presented.iter().filter_map(|n| presented_name(n)).collect();
            let host = expected.to_str();
            if names.is_empty() {
                format!(
                    "the server's certificate names no host (no DNS name or IP address in its subjectAltName), so it is not for {host}"
                )
            } else {
                format!(
                    "the server's certificate is for {}, not {host}: connect with a name it has, or give the server a certificate for {host}",
                    names.join(", ")
                )
            }
        }
        CertificateError::NotValidForName => {
            "the server's certificate is not for the host Baton connected to".into()
        }
        CertificateError::ExpiredContext { not_after, .. } => format!(
            "the server's certificate expired on {}: the server needs a new one (or this computer's clock is wrong)",
            date(not_after)
        ),
        CertificateError::Expired => {
            "the server's certificate has expired: the server needs a new one (or this computer's clock is wrong)".into()
        }
        CertificateError::NotValidYetContext { not_before, .. } => format!(
            "the server's certificate is not valid until {}: this computer's clock or the server's certificate is wrong",
            date(not_before)
        ),
        CertificateError::NotValidYet => {
            "the server's certificate is not valid yet: this computer's clock or the server's certificate is wrong".into()
        }
        CertificateError::Revoked => "the server's certificate has been revoked".into(),
        CertificateError::BadSignature => {
            "a signature in the server's certificate chain does not verify: the CA Baton trusts under that name has another key (give the right one with --ca-file), or a certificate was altered".into()
        }
        CertificateError::InvalidPurpose | CertificateError::InvalidPurposeContext { .. } => {
            "the server's certificate may not be used by a TLS server (its extended key usage lacks serverAuth)".into()
        }
        CertificateError::BadEncoding => "the server's certificate cannot be read (bad DER)".into(),
        CertificateError::Other(other) if format!("{other:?}").contains("CaUsedAsEndEntity") => {
            "the server's certificate is a CA certificate (CA:TRUE), which a server may not present as its own; a self-signed certificate like this is trusted as it is when given with --ca-file".into()
        }
        other => format!("the server's certificate was refused: {other}"),
    }
}

/// `DnsName("a.example")` or `IpAddress(127.0.0.1)`, as webpki lists a certificate's names,
/// written plainly; other kinds are left out.
fn presented_name(name: &str) -> Option<String> {
    if let Some(dns) = name
        .strip_prefix("DnsName(\"")
        .and_then(|n| n.strip_suffix("\")"))
    {
        return Some(dns.to_string());
    }
    if let Some(ip) = name
        .strip_prefix("IpAddress(")
        .and_then(|n| n.strip_suffix(')'))
    {
        return Some(ip.to_string());
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_of_both_asn1_kinds() {
        assert_eq!(asn1_time(0x17, b"700101000000Z"), Some(0));
        assert_eq!(asn1_time(0x17, b"491231235959Z"), Some(2_524_607_999));
        assert_eq!(asn1_time(0x18, b"99991231235959Z"), Some(253_402_300_799));
        assert_eq!(asn1_time(0x18, b"2026010100000Z"), None);
        assert_eq!(asn1_time(0x17, b"70010100000+0100"), None);
    }

    #[test]
    fn truncated_der_is_no_validity() {
        assert_eq!(validity(&[]), None);
        assert_eq!(validity(&[0x30, 0x84, 0xff, 0xff, 0xff, 0xff]), None);
        assert_eq!(validity(&[0x30, 0x03, 0x30, 0x01]), None);
    }

    #[test]
    fn presented_names_are_written_plainly() {
        assert_eq!(
            presented_name("DnsName(\"a.example\")").as_deref(),
            Some("a.example")
        );
        assert_eq!(
            presented_name("IpAddress(127.0.0.1)").as_deref(),
            Some("127.0.0.1")
        );
        assert_eq!(presented_name("DirectoryName"), None);
    }
}
