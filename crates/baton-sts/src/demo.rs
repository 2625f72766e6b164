//! The demo client `self-signed-app`'s fixed self-signed certificate and key (RFC 8705 §2.2),
//! for Baton and tests to authenticate as it to an HTTPS lab.

/// `self-signed-app`'s certificate, PEM: what the lab policy registers as its
/// `tls_client_certificate_pem`.
pub const SELF_SIGNED_APP_CERTIFICATE_PEM: &str = include_str!("demo/self-signed-app.crt.pem");

/// `self-signed-app`'s private key (PKCS#8 P-256), PEM. A public demo value, like the demo
/// clients' secrets: it authenticates only to a lab on 127.0.0.1 (see `src/demo/README.md`).
pub const SELF_SIGNED_APP_KEY_PEM: &str = include_str!("demo/self-signed-app.key.pem");
