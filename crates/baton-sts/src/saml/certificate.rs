//! The self-signed X.509 certificate of the lab's signing key, for SAML signatures (a SAML
//! relying party trusts a certificate, not a JWKS). It is signed with the lab's own key, with
//! fixed validity and serial number, so deterministic mode gives the same certificate each start.

use rcgen::{CertificateParams, DistinguishedName, DnType, SerialNumber};
use sha2::{Digest, Sha256};

use crate::keys::{KeyError, SigningKey};

struct LabKey<'a>(&'a SigningKey);

impl rcgen::PublicKeyData for LabKey<'_> {
    fn der_bytes(&self) -> &[u8] {
        &self.0.public_raw
    }

    fn algorithm(&self) -> &'static rcgen::SignatureAlgorithm {
        match self.0.alg() {
            jsonwebtoken::Algorithm::ES256 => &rcgen::PKCS_ECDSA_P256_SHA256,
            jsonwebtoken::Algorithm::RS256 => &rcgen::PKCS_RSA_SHA256,
            _ => &rcgen::PKCS_ED25519,
        }
    }
}

impl rcgen::SigningKey for LabKey<'_> {
    fn sign(&self, msg: &[u8]) -> Result<Vec<u8>, rcgen::Error> {
        let raw = self
            .0
            .sign_raw(msg)
            .map_err(|_| rcgen::Error::RemoteKeyError)?;
        if self.0.alg() == jsonwebtoken::Algorithm::ES256 {
            // X.509 wants an ECDSA signature DER-encoded (RFC 5758 §3.2), not as r || s.
            let sig = p256::ecdsa::Signature::from_slice(&raw)
                .map_err(|_| rcgen::Error::RemoteKeyError)?;
            return Ok(sig.to_der().as_bytes().to_vec());
        }
        Ok(raw)
    }
}

/// The DER of a self-signed certificate of `key`.
pub(crate) fn self_signed(key: &SigningKey) -> Result<Vec<u8>, KeyError> {
    let fail = |e: rcgen::Error| KeyError::Tls {
        reason: format!("the SAML signing certificate: {e}"),
    };
    let mut params = CertificateParams::new(Vec::<String>::new()).map_err(fail)?;
    let mut name = DistinguishedName::new();
    name.push(DnType::CommonName, "Baton lab SAML signing key");
    name.push(DnType::OrganizationName, "Baton lab (not to be trusted)");
    params.distinguished_name = name;
    params.not_before = rcgen::date_time_ymd(2000, 1, 1);
    params.not_after = rcgen::date_time_ymd(2099, 12, 31);
    let digest = Sha256::digest(&key.public_raw);
    params.serial_number = Some(SerialNumber::from_slice(&digest[..16]));
    let cert = params.self_signed(&LabKey(key)).map_err(fail)?;
    Ok(cert.der().to_vec())
}

/// PEM of a DER certificate.
pub(crate) fn pem(der: &[u8]) -> String {
    use base64::Engine;
    let b64 = base64::engine::general_purpose::STANDARD.encode(der);
    let mut out = String::from("-----BEGIN CERTIFICATE-----\n");
    for chunk in b64.as_bytes().chunks(64) {
        out.push_str(std::str::from_utf8(chunk).unwrap_or_default());
        out.push('\n');
    }
    out.push_str("-----END CERTIFICATE-----\n");
    out
}
