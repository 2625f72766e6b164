//! HTTPS for the lab (`StsConfig::tls`): a CA made at start (P-256, self-signed), a server
//! certificate for `127.0.0.1` and `localhost` signed by it, and client certificates on request
//! for demos and tests. The handshake asks for a client certificate without requiring one and
//! accepts any (see [`verifier`]); the token endpoint decides what it proves (RFC 8705).
//!
//! The keys are random on every start, also in deterministic mode: nothing the lab signs into a
//! token depends on them.

mod der;
pub(crate) mod names;
mod verifier;

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, DistinguishedName, DnType,
    ExtendedKeyUsagePurpose, IsCa, KeyPair, KeyUsagePurpose, SanType,
};
use sha2::{Digest, Sha256};
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls::crypto::{CryptoProvider, aws_lc_rs};
use tokio_rustls::rustls::pki_types::{
    CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer, UnixTime,
};
use tokio_rustls::rustls::server::WebPkiClientVerifier;
use tokio_rustls::rustls::server::danger::ClientCertVerifier;
use tokio_rustls::rustls::{RootCertStore, ServerConfig};

use crate::keys::KeyError;
use names::CertificateNames;

/// The domain under which the lab's issued client certificates name their client
/// (`CN=mtls-app` gets the SAN DNS `mtls-app.baton.test`).
pub(crate) const CLIENT_DNS_SUFFIX: &str = ".baton.test";

/// How long the lab's server and client certificates are valid (from a day before they are made,
/// for clocks a little behind).
const CERTIFICATE_LIFETIME: Duration = Duration::from_secs(365 * 24 * 3600);
const BACKDATE: Duration = Duration::from_secs(24 * 3600);

/// The lab's CA, its TLS acceptor, and the check of a client certificate's chain.
pub(crate) struct LabTls {
    ca: CertifiedIssuer<'static, KeyPair>,
    ca_pem: String,
    pub(crate) acceptor: TlsAcceptor,
    /// Verifies a certificate was issued by the lab's CA (`tls_client_auth`, RFC 8705 §2.1).
    chain: Arc<dyn ClientCertVerifier>,
}

fn fail(what: &str) -> impl Fn(rcgen::Error) -> KeyError + '_ {
    move |e| KeyError::Tls {
        reason: format!("{what}: {e}"),
    }
}

/// `now - BACKDATE` to `now + CERTIFICATE_LIFETIME`, as rcgen wants them.
fn validity(params: &mut CertificateParams, lifetime: Duration) {
    let since_epoch = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    let epoch = rcgen::date_time_ymd(1970, 1, 1);
    params.not_before = epoch + since_epoch.saturating_sub(BACKDATE);
    params.not_after = epoch + since_epoch.saturating_add(lifetime);
}

fn named(common_name: &str) -> DistinguishedName {
    let mut dn = DistinguishedName::new();
    dn.push(DnType::OrganizationName, "Baton lab");
    dn.push(DnType::CommonName, common_name);
    dn
}

impl LabTls {
    /// Makes the CA and the server certificate and configures rustls with the provider reqwest
    /// already uses (aws-lc-rs).
    pub(crate) fn create() -> Result<LabTls, KeyError> {
        let provider: Arc<CryptoProvider> = Arc::new(aws_lc_rs::default_provider());

        let ca_key = KeyPair::generate().map_err(fail("the CA key"))?;
        // Each start's CA has a name of its own, so a certificate from an earlier run is refused
        // as from an unknown issuer rather than as badly signed.
        let ca_id = Sha256::digest(ca_key.public_key_raw());
        let mut ca_params = CertificateParams::default();
        ca_params.distinguished_name = named(&format!(
            "Baton lab CA {}",
            URL_SAFE_NO_PAD.encode(ca_id.get(..6).unwrap_or_default())
        ));
        ca_params.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
        ca_params.key_usages = vec![
            KeyUsagePurpose::KeyCertSign,
            KeyUsagePurpose::CrlSign,
            KeyUsagePurpose::DigitalSignature,
        ];
        validity(&mut ca_params, CERTIFICATE_LIFETIME.saturating_mul(2));
        let ca = CertifiedIssuer::self_signed(ca_params, ca_key).map_err(fail("the CA"))?;

        let mut server_params =
            CertificateParams::new(vec!["127.0.0.1".to_owned(), "localhost".to_owned()])
                .map_err(fail("the server certificate's names"))?;
        server_params.distinguished_name = named("127.0.0.1");
        server_params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        server_params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        server_params.use_authority_key_identifier_extension = true;
        validity(&mut server_params, CERTIFICATE_LIFETIME);
        let server_key = KeyPair::generate().map_err(fail("the server key"))?;
        let server_cert = server_params
            .signed_by(&server_key, &ca)
            .map_err(fail("the server certificate"))?;

        let mut roots = RootCertStore::empty();
        roots.add(ca.der().clone()).map_err(|e| KeyError::Tls {
            reason: format!("the CA certificate: {e}"),
        })?;
        let chain = WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider.clone())
            .build()
            .map_err(|e| KeyError::Tls {
                reason: format!("the client certificate chain check: {e}"),
            })?;

        let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(server_key.serialize_der()));
        let mut config = ServerConfig::builder_with_provider(provider.clone())
            .with_safe_default_protocol_versions()
            .and_then(|b| {
                b.with_client_cert_verifier(Arc::new(verifier::AnyClientCertificate::new(
                    &provider,
                )))
                .with_single_cert(vec![server_cert.der().clone(), ca.der().clone()], key)
            })
            .map_err(|e| KeyError::Tls {
                reason: format!("the TLS configuration: {e}"),
            })?;
        // The lab speaks HTTP/1.1 only.
        config.alpn_protocols = vec![b"http/1.1".to_vec()];

        Ok(LabTls {
            ca_pem: ca.pem(),
            ca,
            acceptor: TlsAcceptor::from(Arc::new(config)),
            chain,
        })
    }

    /// The CA certificate, PEM: what a client trusts to reach the lab over HTTPS.
    pub(crate) fn ca_pem(&self) -> &str {
        &self.ca_pem
    }

    /// A client certificate signed by the lab's CA: subject `CN=<cn>,O=Baton lab`, SAN DNS
    /// `<cn>.baton.test` (when that is a DNS name), for TLS client authentication. Returns the
    /// certificate and its PKCS#8 private key, both PEM.
    pub(crate) fn issue_client_certificate(&self, cn: &str) -> Result<(String, String), String> {
        let mut params = CertificateParams::default();
        params.distinguished_name = named(cn);
        let dns = format!("{cn}{CLIENT_DNS_SUFFIX}");
        if is_dns_name(&dns)
            && let Ok(name) = dns.as_str().try_into()
        {
            params.subject_alt_names = vec![SanType::DnsName(name)];
        }
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
        params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        params.use_authority_key_identifier_extension = true;
        validity(&mut params, CERTIFICATE_LIFETIME);
        let key = KeyPair::generate().map_err(|e| format!("the client key: {e}"))?;
        let cert = params
            .signed_by(&key, &self.ca)
            .map_err(|e| format!("the client certificate: {e}"))?;
        Ok((cert.pem(), key.serialize_pem()))
    }

    /// Whether `cert` was issued by the lab's CA, is valid now and may authenticate a TLS client.
    pub(crate) fn verify_chain(&self, cert: &ClientCertificate) -> Result<(), String> {
        self.chain
            .verify_client_cert(&cert.der, &[], UnixTime::now())
            .map(|_| ())
            .map_err(|e| e.to_string())
    }
}

/// Letters, digits and hyphens in dot-separated labels of at most 63 characters.
fn is_dns_name(name: &str) -> bool {
    name.len() <= 253
        && name.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        })
}

/// RFC 8705 §3.1 `x5t#S256`: the base64url SHA-256 of the certificate's DER.
pub(crate) fn x5t_s256(der: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(der))
}

/// The first certificate of a PEM text, as DER.
pub(crate) fn certificate_from_pem(pem: &str) -> Result<CertificateDer<'static>, String> {
    use tokio_rustls::rustls::pki_types::pem::PemObject;
    CertificateDer::from_pem_slice(pem.as_bytes()).map_err(|e| match e {
        tokio_rustls::rustls::pki_types::pem::Error::NoItemsFound => {
            "it has no -----BEGIN CERTIFICATE----- block".to_owned()
        }
        other => format!("it is not a PEM certificate: {other}"),
    })
}

/// The certificate a client presented in the TLS handshake (only its first, end-entity one).
#[derive(Debug)]
pub(crate) struct ClientCertificate {
    pub(crate) der: CertificateDer<'static>,
    pub(crate) x5t_s256: String,
    /// Its subject and alternative names, or why they could not be read.
    pub(crate) names: Result<CertificateNames, String>,
}

impl ClientCertificate {
    pub(crate) fn new(der: CertificateDer<'static>) -> Self {
        ClientCertificate {
            x5t_s256: x5t_s256(&der),
            names: CertificateNames::read(&der),
            der,
        }
    }
}

/// The request extension that carries the connection's client certificate to the handlers.
#[derive(Debug, Clone)]
pub(crate) struct PeerCertificate(pub(crate) Arc<ClientCertificate>);

/// The client certificate of the request's connection, if it presented one.
pub(crate) fn peer_certificate(
    peer: &Option<axum::Extension<PeerCertificate>>,
) -> Option<&ClientCertificate> {
    peer.as_ref()
        .map(|axum::Extension(PeerCertificate(cert))| cert.as_ref())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issued_client_certificates_chain_to_the_ca_and_name_the_client() {
        let tls = LabTls::create().expect("tls");
        assert!(tls.ca_pem().starts_with("-----BEGIN CERTIFICATE-----"));
        let (cert_pem, key_pem) = tls.issue_client_certificate("mtls-app").expect("issued");
        assert!(key_pem.contains("PRIVATE KEY"));
        let der = pem_der(&cert_pem);
        let cert = ClientCertificate::new(der);
        tls.verify_chain(&cert).expect("chains to the lab CA");
        let names = cert.names.as_ref().expect("names");
        assert_eq!(names.subject.to_string(), "CN=mtls-app,O=Baton lab");
        assert_eq!(names.san_dns, ["mtls-app.baton.test"]);

        let other = LabTls::create().expect("another lab");
        let e = other.verify_chain(&cert).err().unwrap_or_default();
        assert!(e.contains("UnknownIssuer"), "{e}");

        let (odd, _) = tls
            .issue_client_certificate("not a dns name")
            .expect("issued");
        let odd = ClientCertificate::new(pem_der(&odd));
        assert!(odd.names.expect("names").san_dns.is_empty());
    }

    fn pem_der(pem: &str) -> CertificateDer<'static> {
        use tokio_rustls::rustls::pki_types::pem::PemObject;
        CertificateDer::from_pem_slice(pem.as_bytes()).expect("pem")
    }

    #[test]
    fn dns_names_are_checked() {
        assert!(is_dns_name("mtls-app.baton.test"));
        assert!(!is_dns_name("a b.baton.test"));
        assert!(!is_dns_name("-x.baton.test"));
        assert!(!is_dns_name(".baton.test"));
    }
}
