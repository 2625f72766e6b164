//! Token type identifiers (RFC 8693 §3) and the short aliases people type.

pub const ACCESS_TOKEN: &str = "urn:ietf:params:oauth:token-type:access_token";
pub const REFRESH_TOKEN: &str = "urn:ietf:params:oauth:token-type:refresh_token";
pub const ID_TOKEN: &str = "urn:ietf:params:oauth:token-type:id_token";
pub const SAML1: &str = "urn:ietf:params:oauth:token-type:saml1";
pub const SAML2: &str = "urn:ietf:params:oauth:token-type:saml2";
pub const JWT: &str = "urn:ietf:params:oauth:token-type:jwt";
/// An Identity Assertion JWT Authorization Grant (draft-ietf-oauth-identity-assertion-authz-grant).
pub const ID_JAG: &str = "urn:ietf:params:oauth:token-type:id-jag";

/// The grant type of a token exchange request (RFC 8693 §2.1).
pub const TOKEN_EXCHANGE_GRANT: &str = "urn:ietf:params:oauth:grant-type:token-exchange";

/// Every registered token type, with the alias accepted for it.
pub const REGISTERED: [(&str, &str); 7] = [
    ("access_token", ACCESS_TOKEN),
    ("refresh_token", REFRESH_TOKEN),
    ("id_token", ID_TOKEN),
    ("saml1", SAML1),
    ("saml2", SAML2),
    ("jwt", JWT),
    ("id-jag", ID_JAG),
];

/// Turns an alias (`access_token`, `jwt`, …) into its URI; anything else is kept as given, since
/// servers may define their own token type URIs.
pub fn expand(alias_or_uri: &str) -> String {
    REGISTERED
        .iter()
        .find(|(alias, _)| *alias == alias_or_uri)
        .map_or_else(|| alias_or_uri.to_string(), |(_, uri)| (*uri).to_string())
}

/// The short name of a registered URI, for display.
pub fn short_name(uri: &str) -> Option<&'static str> {
    REGISTERED.iter().find(|(_, u)| *u == uri).map(|(a, _)| *a)
}

pub fn is_registered(uri: &str) -> bool {
    short_name(uri).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aliases_expand_and_uris_pass_through() {
        assert_eq!(expand("jwt"), JWT);
        assert_eq!(expand("access_token"), ACCESS_TOKEN);
        assert_eq!(expand(ID_TOKEN), ID_TOKEN);
        assert_eq!(expand("urn:example:custom"), "urn:example:custom");
        assert_eq!(short_name(SAML2), Some("saml2"));
        assert!(!is_registered("urn:example:custom"));
    }
}
