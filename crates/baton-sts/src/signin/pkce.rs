//! PKCE (RFC 7636): the S256 challenge and its check. `plain` is never accepted (RFC 9700 §2.1.1).

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};

/// The only method the lab accepts.
pub(crate) const S256: &str = "S256";

/// RFC 7636 §4.1: 43 to 128 characters of `[A-Z] / [a-z] / [0-9] / "-" / "." / "_" / "~"`.
/// The same holds for a code challenge (§4.2), which for S256 is 43 characters.
pub(crate) fn well_formed(value: &str) -> bool {
    (43..=128).contains(&value.len())
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._~".contains(&b))
}

/// `BASE64URL(SHA256(ASCII(verifier)))` (RFC 7636 §4.2).
pub(crate) fn s256(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

/// Whether `verifier` answers `challenge` (RFC 7636 §4.6).
pub(crate) fn verifies(verifier: &str, challenge: &str) -> bool {
    crate::secret::Secret::new(s256(verifier)).matches(challenge)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc_7636_appendix_b_example() {
        let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
        assert_eq!(
            s256(verifier),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
        assert!(verifies(
            verifier,
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        ));
        assert!(!verifies(
            "x",
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        ));
        assert!(well_formed(verifier));
        assert!(!well_formed("short"));
        assert!(!well_formed(&"a".repeat(129)));
        assert!(!well_formed(&format!("{}+", "a".repeat(43))));
    }
}
