//! Redirect URIs: which ones a policy may register (RFC 6749 §3.1.2), whether a request's
//! `redirect_uri` is one of a client's (exact match, or any port for a loopback one, RFC 8252
//! §7.3), and the redirect back with the response's parameters in the query.

use std::net::{Ipv4Addr, Ipv6Addr};

use url::{Host, Url};

/// Why a policy's redirect URI is not acceptable, or `Ok`.
pub(crate) fn check_registered(uri: &str) -> Result<(), String> {
    let url = Url::parse(uri).map_err(|e| format!("is not an absolute URI ({e})"))?;
    if url.fragment().is_some() {
        return Err("must not have a fragment (RFC 6749 §3.1.2)".to_owned());
    }
    if matches!(url.scheme(), "http" | "https") && url.host().is_none() {
        return Err("has no host".to_owned());
    }
    Ok(())
}

/// Whether `presented` is one of the client's `registered` redirect URIs.
pub(crate) fn is_registered(registered: &[String], presented: &str) -> bool {
    registered
        .iter()
        .any(|r| r == presented || loopback_match(r, presented))
}

/// RFC 8252 §7.3: a native app's loopback redirect may use any port; everything else
/// (scheme, IP literal, path, query) must be the same.
fn loopback_match(registered: &str, presented: &str) -> bool {
    let (Ok(r), Ok(p)) = (Url::parse(registered), Url::parse(presented)) else {
        return false;
    };
    is_loopback_http(&r)
        && r.scheme() == p.scheme()
        && r.host() == p.host()
        && r.path() == p.path()
        && r.query() == p.query()
        && p.fragment().is_none()
        && p.username().is_empty()
        && p.password().is_none()
}

/// `http://127.0.0.1…` or `http://[::1]…` (`localhost` is not: RFC 8252 §8.3).
fn is_loopback_http(url: &Url) -> bool {
    url.scheme() == "http"
        && match url.host() {
            Some(Host::Ipv4(ip)) => ip == Ipv4Addr::LOCALHOST,
            Some(Host::Ipv6(ip)) => ip == Ipv6Addr::LOCALHOST,
            _ => false,
        }
}

/// `redirect_uri` with `params` added to its query (keeping a query it already has). `None`
/// if it is not a URI (it was matched against the policy first, so that does not happen).
pub(crate) fn with_params(redirect_uri: &str, params: &[(&str, &str)]) -> Option<String> {
    let mut url = Url::parse(redirect_uri).ok()?;
    {
        let mut query = url.query_pairs_mut();
        for (k, v) in params {
            query.append_pair(k, v);
        }
    }
    Some(url.into())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reg(uris: &[&str]) -> Vec<String> {
        uris.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn loopback_redirects_match_any_port_and_nothing_else() {
        let r = reg(&["http://127.0.0.1/callback", "http://[::1]/cb?x=1"]);
        assert!(is_registered(&r, "http://127.0.0.1/callback"));
        assert!(is_registered(&r, "http://127.0.0.1:53123/callback"));
        assert!(is_registered(&r, "http://[::1]:9/cb?x=1"));
        assert!(!is_registered(&r, "http://127.0.0.1:53123/other"));
        assert!(!is_registered(&r, "http://localhost:53123/callback"));
        assert!(!is_registered(&r, "https://127.0.0.1:53123/callback"));
        assert!(!is_registered(&r, "http://127.0.0.2:53123/callback"));
        assert!(!is_registered(&r, "http://127.0.0.1:1/callback#frag"));
        assert!(!is_registered(&r, "http://evil@127.0.0.1:1/callback"));
        assert!(!is_registered(&r, "http://[::1]:9/cb?x=2"));
        assert!(!is_registered(&r, "http://127.0.0.1.evil.example/callback"));
    }

    #[test]
    fn other_redirects_match_exactly() {
        let r = reg(&["https://app.example.com/cb"]);
        assert!(is_registered(&r, "https://app.example.com/cb"));
        assert!(!is_registered(&r, "https://app.example.com:8443/cb"));
        assert!(!is_registered(&r, "https://app.example.com/cb/"));
        assert!(!is_registered(&r, "https://app.example.com/cb?next=/"));
    }

    #[test]
    fn registered_uris_are_absolute_without_fragment() {
        assert!(check_registered("http://127.0.0.1/callback").is_ok());
        assert!(check_registered("com.example.app:/oauth").is_ok());
        assert!(check_registered("/callback").is_err());
        assert!(check_registered("https://a.example/cb#x").is_err());
    }

    #[test]
    fn params_are_added_to_the_query() {
        let u = with_params(
            "http://127.0.0.1:5/cb?keep=1",
            &[("code", "a b"), ("state", "&x")],
        );
        assert_eq!(
            u.as_deref(),
            Some("http://127.0.0.1:5/cb?keep=1&code=a+b&state=%26x")
        );
    }
}
