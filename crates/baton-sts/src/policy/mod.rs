//! The lab's policy: who may log in, which clients exist and what they may do, which audiences
//! tokens can be issued for. Read from TOML (see `POLICY.md`); validated before a server starts.

mod checks;
mod file;
mod validate;

use std::path::Path;

pub use checks::{Check, Checks};
pub use file::PolicyError;
pub(crate) use validate::is_scope_token as validate_scope_token;

use crate::secret::Secret;

/// The default policy: the demo stories' users, clients and audiences (see `POLICY.md`).
const LAB_POLICY_TOML: &str = include_str!("../lab-policy.toml");

/// Domain B: a second lab that trusts domain A's keys (see `POLICY.md`, "Two domains").
const DOMAIN_B_POLICY_TOML: &str = include_str!("../domain-b-policy.toml");

/// Everything the lab token service decides from.
#[derive(Debug, Clone, PartialEq)]
pub struct Policy {
    /// `iss` of issued tokens and the metadata's `issuer`. `None`: the server's base URL.
    pub issuer: Option<String>,
    pub signing_alg: SigningAlg,
    /// Lifetime of issued JWTs, in seconds.
    pub access_token_lifetime: u64,
    /// Lifetime of refresh tokens, in seconds.
    pub refresh_token_lifetime: u64,
    /// The deepest `act` nesting an issued token may carry (1 = one actor, no prior actors).
    pub max_chain_depth: usize,
    /// The security checks a trainer may switch off (`[checks]`); all on by default.
    pub checks: Checks,
    /// RFC 9449 §8: DPoP proofs at `/token` must carry a nonce the lab handed out.
    pub dpop_nonce: bool,
    /// An on-behalf-of token (jwt-bearer with `requested_token_use=on_behalf_of`) records the
    /// middle tier as `act: {sub: client}`.
    pub obo_act: bool,
    /// RFC 8628 §3.2: the seconds a device client waits between polls of the token endpoint.
    pub device_interval: u64,
    /// Failing on purpose (`[faults]`): none by default.
    pub faults: crate::faults::Faults,
    pub audiences: Vec<Audience>,
    pub users: Vec<User>,
    pub clients: Vec<Client>,
}

/// The algorithm the lab signs its tokens with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SigningAlg {
    #[default]
    ES256,
    RS256,
    EdDSA,
}

impl SigningAlg {
    /// The JOSE `alg` name.
    pub fn as_str(self) -> &'static str {
        match self {
            SigningAlg::ES256 => "ES256",
            SigningAlg::RS256 => "RS256",
            SigningAlg::EdDSA => "EdDSA",
        }
    }
}

/// A resource server tokens can be issued for.
#[derive(Debug, Clone, PartialEq)]
pub struct Audience {
    /// The `aud` value, also what a client sends as `audience`.
    pub name: String,
    pub description: Option<String>,
    /// `resource` parameter values (RFC 8707) that mean this audience.
    pub resources: Vec<String>,
    /// The scopes a token for this audience may carry.
    pub scopes: Vec<String>,
    /// The audience is another trust domain's authorization server (its `name` is that server's
    /// issuer): tokens for it are short-lived JWT authorization grants (identity chaining) or
    /// ID-JAGs, never access tokens.
    pub authorization_server: bool,
    /// A jwt-bearer grant for this audience must present an ID-JAG (`typ` `oauth-id-jag+jwt`).
    pub requires_id_jag: bool,
}

/// A demo user for the password grant.
#[derive(Debug, Clone, PartialEq)]
pub struct User {
    pub username: String,
    pub password: Secret,
    /// The scopes this user may be granted.
    pub scopes: Vec<String>,
    /// Put into this user's password-grant tokens (RFC 8693 §4.4): who may act for them.
    pub may_act: Option<MayAct>,
    /// Extra claims for this user's password-grant tokens (e.g. `email`).
    pub claims: toml::Table,
}

/// An RFC 8693 §4.4 `may_act` value: the party allowed to act for the token's subject.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MayAct {
    pub sub: String,
    pub iss: Option<String>,
}

/// A registered client.
#[derive(Debug, Clone, PartialEq)]
pub struct Client {
    pub client_id: String,
    pub description: Option<String>,
    pub auth: ClientAuth,
    pub grants: Vec<Grant>,
    /// May exchange with an actor token (delegation: the issued token carries `act`).
    pub may_delegate: bool,
    /// May exchange without an actor token (impersonation: no new `act`).
    pub may_impersonate: bool,
    /// The audiences this client may request.
    pub audiences: Vec<String>,
    /// Used when a request names no `audience` or `resource`.
    pub default_audience: Option<String>,
    /// Scopes of this client's own client_credentials tokens. `None`: all its audience allows.
    pub scopes: Option<Vec<String>>,
    /// Put into every token issued to this client: who may act for the token's subject next.
    pub may_act: Option<MayAct>,
    /// Other clients whose tokens (by `aud`) this client may exchange although they name another
    /// client: a deliberate trust, e.g. an SSO partner (see the `subject_audience` check).
    pub accepts_audiences: Vec<String>,
    /// RFC 9449: every token request must carry a DPoP proof; tokens are bound to its key.
    pub dpop: bool,
    /// Where `/authorize` may send the user back (RFC 6749 §3.1.2). A loopback `http://127.0.0.1`
    /// or `http://[::1]` URI matches any port (RFC 8252 §7.3).
    pub redirect_uris: Vec<String>,
    /// RFC 8705 §3: the client's access tokens are bound to the TLS client certificate of the
    /// request (`cnf.x5t#S256`); every token request must come with one.
    pub tls_client_certificate_bound_access_tokens: bool,
    /// The client's access tokens are opaque strings, understood only through introspection
    /// (RFC 7662), instead of JWTs it could read.
    pub opaque_access_tokens: bool,
}

/// How a client authenticates at the token and introspection endpoints.
#[derive(Debug, Clone, PartialEq)]
pub enum ClientAuth {
    /// A public client: sends only its `client_id`.
    None,
    /// `client_secret_basic` or `client_secret_post`.
    ClientSecret(Secret),
    /// RFC 7523 `private_key_jwt`, verified with this SPKI public key (EC P-256, Ed25519 or RSA).
    PrivateKeyJwt { public_key_pem: String },
    /// RFC 8705 §2.1 `tls_client_auth`: a TLS client certificate whose subject or alternative
    /// name is the registered one, issued by the lab's CA (unless the `client_certificate_chain`
    /// check is off).
    TlsClientAuth { subject: CertificateSubject },
    /// RFC 8705 §2.2 `self_signed_tls_client_auth`: the TLS client certificate is the registered
    /// one.
    SelfSignedTlsClientAuth { certificate: RegisteredCertificate },
}

impl ClientAuth {
    /// The RFC 8414 name of the method.
    pub fn method_name(&self) -> &'static str {
        match self {
            ClientAuth::None => "none",
            ClientAuth::ClientSecret(_) => "client_secret_basic / client_secret_post",
            ClientAuth::PrivateKeyJwt { .. } => "private_key_jwt",
            ClientAuth::TlsClientAuth { .. } => "tls_client_auth",
            ClientAuth::SelfSignedTlsClientAuth { .. } => "self_signed_tls_client_auth",
        }
    }

    /// Whether the client authenticates with a TLS client certificate (RFC 8705 §2).
    pub fn is_mutual_tls(&self) -> bool {
        matches!(
            self,
            ClientAuth::TlsClientAuth { .. } | ClientAuth::SelfSignedTlsClientAuth { .. }
        )
    }
}

/// RFC 8705 §2.1.2: the one value a `tls_client_auth` client's certificate must carry. Each
/// variant is the policy (and RFC 7591 metadata) field of the same name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CertificateSubject {
    /// `tls_client_auth_subject_dn`: the subject distinguished name as an RFC 4514 string
    /// (`CN=mtls-app,O=Baton lab`).
    SubjectDn(String),
    /// `tls_client_auth_san_dns`: a dNSName subject alternative name (compared ignoring case).
    SanDns(String),
    /// `tls_client_auth_san_uri`: a uniformResourceIdentifier SAN.
    SanUri(String),
    /// `tls_client_auth_san_ip`: an iPAddress SAN, IPv4 or IPv6 text.
    SanIp(String),
    /// `tls_client_auth_san_email`: an rfc822Name SAN.
    SanEmail(String),
}

impl CertificateSubject {
    /// The metadata (and policy) field name (RFC 8705 §2.1.2).
    pub fn field_name(&self) -> &'static str {
        match self {
            CertificateSubject::SubjectDn(_) => "tls_client_auth_subject_dn",
            CertificateSubject::SanDns(_) => "tls_client_auth_san_dns",
            CertificateSubject::SanUri(_) => "tls_client_auth_san_uri",
            CertificateSubject::SanIp(_) => "tls_client_auth_san_ip",
            CertificateSubject::SanEmail(_) => "tls_client_auth_san_email",
        }
    }

    /// The registered value.
    pub fn value(&self) -> &str {
        match self {
            CertificateSubject::SubjectDn(v)
            | CertificateSubject::SanDns(v)
            | CertificateSubject::SanUri(v)
            | CertificateSubject::SanIp(v)
            | CertificateSubject::SanEmail(v) => v,
        }
    }
}

/// RFC 8705 §2.2: the certificate a `self_signed_tls_client_auth` client registered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RegisteredCertificate {
    /// `tls_client_certificate_pem`: the certificate itself.
    Pem(String),
    /// `tls_client_certificate_x5t_s256`: its SHA-256 thumbprint, base64url without padding
    /// (the `x5t#S256` of RFC 8705 §3.1).
    Thumbprint(String),
}

impl RegisteredCertificate {
    /// The registered certificate's `x5t#S256`, or why it cannot be read.
    pub(crate) fn x5t_s256(&self) -> Result<String, String> {
        match self {
            RegisteredCertificate::Pem(pem) => {
                crate::tls::certificate_from_pem(pem).map(|der| crate::tls::x5t_s256(&der))
            }
            RegisteredCertificate::Thumbprint(t) => {
                use base64::Engine;
                match base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(t) {
                    Ok(bytes) if bytes.len() == 32 => Ok(t.clone()),
                    Ok(bytes) => Err(format!(
                        "{t:?} is {} bytes; a SHA-256 thumbprint is 32 (43 base64url characters)",
                        bytes.len()
                    )),
                    Err(_) => Err(format!(
                        "{t:?} is not base64url without padding (the x5t#S256 form)"
                    )),
                }
            }
        }
    }
}

/// A grant type a client may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Grant {
    ClientCredentials,
    Password,
    RefreshToken,
    TokenExchange,
    /// RFC 7523 §2.1: a JWT as an authorization grant (also identity chaining, ID-JAG and
    /// on-behalf-of).
    JwtBearer,
    /// RFC 6749 §4.1 with PKCE (RFC 7636): a user signs in at `/authorize`.
    AuthorizationCode,
    /// RFC 8628: a user signs in at `/device` for a device that polls.
    DeviceCode,
}

impl Grant {
    /// Every grant, in the order the metadata lists them.
    pub const ALL: [Grant; 7] = [
        Grant::ClientCredentials,
        Grant::Password,
        Grant::RefreshToken,
        Grant::TokenExchange,
        Grant::AuthorizationCode,
        Grant::DeviceCode,
        Grant::JwtBearer,
    ];

    /// The policy file's name for the grant.
    pub fn policy_name(self) -> &'static str {
        match self {
            Grant::ClientCredentials => "client_credentials",
            Grant::Password => "password",
            Grant::RefreshToken => "refresh_token",
            Grant::TokenExchange => "token-exchange",
            Grant::JwtBearer => "jwt-bearer",
            Grant::AuthorizationCode => "authorization_code",
            Grant::DeviceCode => "device_code",
        }
    }

    /// The `grant_type` value on the wire.
    pub fn grant_type(self) -> &'static str {
        match self {
            Grant::ClientCredentials => "client_credentials",
            Grant::Password => "password",
            Grant::RefreshToken => "refresh_token",
            Grant::TokenExchange => "urn:ietf:params:oauth:grant-type:token-exchange",
            Grant::JwtBearer => "urn:ietf:params:oauth:grant-type:jwt-bearer",
            Grant::AuthorizationCode => "authorization_code",
            Grant::DeviceCode => "urn:ietf:params:oauth:grant-type:device_code",
        }
    }

    pub fn from_grant_type(value: &str) -> Option<Grant> {
        Grant::ALL.into_iter().find(|g| g.grant_type() == value)
    }
}

impl Policy {
    /// The credentials of the policy's clients and users, named the way collections refer to
    /// them: `<client_id>` for a client's secret, `<username>.password` for a user's password.
    /// Public clients, private_key_jwt and mutual-TLS clients have no secret here.
    pub fn credentials(&self) -> Vec<(String, String)> {
        let clients = self.clients.iter().filter_map(|c| match &c.auth {
            ClientAuth::ClientSecret(secret) => {
                Some((c.client_id.clone(), secret.expose().to_string()))
            }
            ClientAuth::None
            | ClientAuth::PrivateKeyJwt { .. }
            | ClientAuth::TlsClientAuth { .. }
            | ClientAuth::SelfSignedTlsClientAuth { .. } => None,
        });
        let users = self.users.iter().map(|u| {
            (
                format!("{}.password", u.username),
                u.password.expose().to_string(),
            )
        });
        clients.chain(users).collect()
    }

    /// The built-in lab policy (`src/lab-policy.toml`).
    pub fn lab_default() -> Policy {
        match Policy::from_toml_str(LAB_POLICY_TOML, "lab-policy.toml (built in)") {
            Ok(policy) => policy,
            // The file is compiled in and a unit test parses it, so this cannot happen in a
            // released build; failing loudly beats serving a half-configured lab.
            Err(e) => panic!("the built-in lab policy is invalid: {e}"),
        }
    }

    /// The built-in lab policy's TOML source, e.g. for `baton sts --print-policy`.
    pub fn lab_default_toml() -> &'static str {
        LAB_POLICY_TOML
    }

    /// Domain B (`src/domain-b-policy.toml`): issuer `https://domain-b.baton.test`, the
    /// audiences `partner-api` (identity chaining) and `mcp-tools` (ID-JAG), and the clients
    /// `travel-agent` and `mcp-client`. Spawn it with domain A's
    /// [`StsHandle::trusted_issuer`](crate::StsHandle::trusted_issuer) in
    /// [`StsConfig::trusted_issuers`](crate::StsConfig::trusted_issuers).
    pub fn domain_b() -> Policy {
        match Policy::from_toml_str(DOMAIN_B_POLICY_TOML, "domain-b-policy.toml (built in)") {
            Ok(policy) => policy,
            // Compiled in and parsed by a unit test, like the lab policy.
            Err(e) => panic!("the built-in domain B policy is invalid: {e}"),
        }
    }

    /// Domain B's TOML source.
    pub fn domain_b_toml() -> &'static str {
        DOMAIN_B_POLICY_TOML
    }

    /// Parses and validates a policy. `origin` names the source in error messages (a path).
    pub fn from_toml_str(src: &str, origin: &str) -> Result<Policy, PolicyError> {
        file::parse(src, origin)
    }

    pub fn from_file(path: &Path) -> Result<Policy, PolicyError> {
        let src = std::fs::read_to_string(path).map_err(|source| PolicyError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        Policy::from_toml_str(&src, &path.display().to_string())
    }

    /// The policy as TOML that [`Policy::from_toml_str`] reads back to an equal policy.
    /// Secrets are written in clear: this is the policy file format.
    pub fn to_toml_string(&self) -> String {
        file::to_toml_string(self)
    }

    /// Checks the rules a file's structure cannot express (unknown audiences, duplicate ids…).
    /// [`Policy::from_toml_str`] already does this; call it for a policy built in code.
    pub fn validate(&self) -> Result<(), PolicyError> {
        match validate::issues(self).into_iter().next() {
            None => Ok(()),
            Some(issue) => Err(PolicyError::Invalid {
                origin: "policy".to_owned(),
                line: None,
                column: None,
                message: issue.message,
            }),
        }
    }

    /// The checks switched off in `[checks]`, in a stable order ([`Check::ALL`]): each one a way
    /// this lab is deliberately vulnerable, for the app's lab panel ("vulnerable: name — …").
    pub fn disabled_checks(&self) -> Vec<Check> {
        self.checks.disabled()
    }

    pub fn client(&self, client_id: &str) -> Option<&Client> {
        self.clients.iter().find(|c| c.client_id == client_id)
    }

    pub fn user(&self, username: &str) -> Option<&User> {
        self.users.iter().find(|u| u.username == username)
    }

    pub fn audience(&self, name: &str) -> Option<&Audience> {
        self.audiences.iter().find(|a| a.name == name)
    }

    /// The audience a `resource` parameter value maps to.
    pub fn audience_for_resource(&self, resource: &str) -> Option<&Audience> {
        self.audiences
            .iter()
            .find(|a| a.resources.iter().any(|r| r == resource))
    }

    /// Every scope any audience allows, sorted, for the metadata's `scopes_supported`.
    pub fn all_scopes(&self) -> Vec<String> {
        let mut scopes: Vec<String> = self
            .audiences
            .iter()
            .flat_map(|a| a.scopes.iter().cloned())
            .collect();
        scopes.sort();
        scopes.dedup();
        scopes
    }
}

impl Client {
    pub fn allows_grant(&self, grant: Grant) -> bool {
        self.grants.contains(&grant)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lab_policy_parses_and_round_trips() {
        let policy = Policy::from_toml_str(LAB_POLICY_TOML, "lab-policy.toml")
            .expect("built-in policy parses");
        let again = Policy::from_toml_str(&policy.to_toml_string(), "round trip")
            .expect("serialised policy parses");
        assert_eq!(policy, again);
    }

    #[test]
    fn credentials_name_client_secrets_and_user_passwords() {
        let creds = Policy::lab_default().credentials();
        let get = |name: &str| {
            creds
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.as_str())
        };
        assert_eq!(get("order-service"), Some("order-service-secret"));
        assert_eq!(get("alice.password"), Some("alice-password"));
        assert_eq!(get("baton-cli"), None, "a public client has no secret");
    }

    #[test]
    fn lab_policy_has_the_demo_cast() {
        let p = Policy::lab_default();
        for id in [
            "web-app",
            "order-service",
            "api-gateway",
            "ci-workload",
            "cloud-federation",
            "app-a",
            "app-b",
            "travel-assistant",
            "planner-agent",
            "flight-agent",
            "payment-agent",
            "baton-cli",
            "alice-app",
            "agent-a",
            "agent-n",
        ] {
            assert!(p.client(id).is_some(), "client {id} missing");
        }
        for aud in [
            "orders-api",
            "payments-api",
            "shipping-api",
            "backend-api",
            "cloud-storage",
            "app-b",
            "airline-booking",
            "documents-api",
        ] {
            assert!(p.audience(aud).is_some(), "audience {aud} missing");
        }
        let alice = p.user("alice").expect("alice");
        assert!(alice.password.matches("alice-password"));
        let web = p.client("web-app").expect("web-app");
        assert_eq!(
            web.auth,
            ClientAuth::ClientSecret(Secret::new("web-app-secret"))
        );
        assert_eq!(
            p.client("baton-cli").map(|c| &c.auth),
            Some(&ClientAuth::None)
        );
        assert_eq!(p.signing_alg, SigningAlg::ES256);
        assert_eq!(p.max_chain_depth, 4);
        assert_eq!(p.checks, Checks::all_on());
        assert!(p.disabled_checks().is_empty());
    }

    #[test]
    fn lab_policy_has_the_probe_roles() {
        let p = Policy::lab_default();
        let alice_app = p.client("alice-app").expect("alice-app");
        assert_eq!(alice_app.grants, [Grant::ClientCredentials]);
        assert_eq!(
            alice_app.may_act.as_ref().map(|m| m.sub.as_str()),
            Some("agent-a")
        );
        assert_eq!(alice_app.default_audience.as_deref(), Some("documents-api"));
        for agent in ["agent-a", "agent-n"] {
            let c = p.client(agent).expect(agent);
            assert!(c.may_delegate && c.may_impersonate, "{agent}");
            assert!(
                c.allows_grant(Grant::TokenExchange) && c.allows_grant(Grant::ClientCredentials)
            );
            assert!(c.audiences.iter().any(|a| a == "documents-api"), "{agent}");
            assert_eq!(c.may_act, None, "{agent}");
        }
        // agent-a's own tokens are for its own API, which agent-n does not serve; agent-n serves
        // documents-api like agent-a, so only may_act stops it there.
        assert_eq!(
            p.client("agent-a")
                .and_then(|c| c.default_audience.as_deref()),
            Some("agent-a")
        );
        assert_eq!(
            p.client("agent-n").map(|c| c.accepts_audiences.clone()),
            Some(vec!["documents-api".to_string()])
        );
        let docs = p.audience("documents-api").expect("documents-api");
        assert_eq!(
            docs.scopes,
            ["profile", "documents:read", "documents:write"]
        );
    }

    #[test]
    fn lab_policy_lets_users_sign_in() {
        let p = Policy::lab_default();
        let app = p.client("signin-app").expect("signin-app");
        assert_eq!(app.auth, ClientAuth::None);
        for g in [
            Grant::AuthorizationCode,
            Grant::RefreshToken,
            Grant::DeviceCode,
            Grant::TokenExchange,
        ] {
            assert!(app.allows_grant(g), "{g:?}");
        }
        assert_eq!(app.redirect_uris, ["http://127.0.0.1/callback"]);
        let web = p.client("web-app").expect("web-app");
        assert!(web.allows_grant(Grant::AuthorizationCode) && web.allows_grant(Grant::Password));
        assert_eq!(web.redirect_uris, ["http://127.0.0.1/callback"]);
        assert_eq!(p.device_interval, 5);
        assert!(p.checks.pkce_required);
    }

    #[test]
    fn lab_policy_has_the_mutual_tls_clients() {
        let p = Policy::lab_default();
        let mtls = p.client("mtls-app").expect("mtls-app");
        assert_eq!(
            mtls.auth,
            ClientAuth::TlsClientAuth {
                subject: CertificateSubject::SanDns("mtls-app.baton.test".into())
            }
        );
        let own = p.client("self-signed-app").expect("self-signed-app");
        // The policy registers the committed demo certificate, byte for byte.
        assert_eq!(
            own.auth,
            ClientAuth::SelfSignedTlsClientAuth {
                certificate: RegisteredCertificate::Pem(
                    crate::SELF_SIGNED_APP_CERTIFICATE_PEM.to_owned()
                )
            }
        );
        for c in [mtls, own] {
            assert!(
                c.tls_client_certificate_bound_access_tokens,
                "{}",
                c.client_id
            );
            assert!(c.auth.is_mutual_tls());
            assert_eq!(c.grants, [Grant::ClientCredentials, Grant::TokenExchange]);
        }
        assert!(p.checks.client_certificate_chain);
        // The demo key is the certificate's.
        let key = rcgen::KeyPair::from_pem(crate::SELF_SIGNED_APP_KEY_PEM).expect("key");
        let der = crate::tls::certificate_from_pem(crate::SELF_SIGNED_APP_CERTIFICATE_PEM)
            .expect("certificate");
        let spki_point = key.public_key_raw();
        assert!(
            der.windows(spki_point.len()).any(|w| w == spki_point),
            "the certificate holds the demo key's public key"
        );
    }

    #[test]
    fn grant_names_round_trip() {
        for g in Grant::ALL {
            assert_eq!(Grant::from_grant_type(g.grant_type()), Some(g));
        }
        assert_eq!(Grant::from_grant_type("implicit"), None);
    }

    #[test]
    fn domain_b_policy_parses_round_trips_and_has_its_cast() {
        let b = Policy::domain_b();
        let again = Policy::from_toml_str(&b.to_toml_string(), "round trip").expect("parses");
        assert_eq!(b, again);
        assert_eq!(b.issuer.as_deref(), Some("https://domain-b.baton.test"));
        for id in ["travel-agent", "mcp-client"] {
            let c = b.client(id).expect(id);
            assert_eq!(c.grants, [Grant::JwtBearer], "{id}");
            assert_eq!(
                c.auth,
                ClientAuth::ClientSecret(Secret::new(format!("{id}-secret")))
            );
        }
        let tools = b
            .audience_for_resource("https://mcp.domain-b.baton.test/")
            .expect("mcp resource");
        assert_eq!(tools.name, "mcp-tools");
        assert!(tools.requires_id_jag);
        assert!(b.audience("partner-api").is_some());
        // Domain A knows B as an authorization server, and has the matching clients.
        let a = Policy::lab_default();
        let b_at_a = a.audience("https://domain-b.baton.test").expect("B at A");
        assert!(b_at_a.authorization_server);
        for id in ["travel-agent", "mcp-client"] {
            let c = a.client(id).expect(id);
            assert!(
                c.allows_grant(Grant::TokenExchange) && c.may_impersonate,
                "{id}"
            );
            assert!(c.audiences.iter().any(|x| x == &b_at_a.name), "{id}");
        }
        let dpop = a.client("dpop-app").expect("dpop-app");
        assert!(dpop.dpop);
        assert!(!a.dpop_nonce && a.obo_act);
    }

    #[test]
    fn resources_map_to_audiences() {
        let p = Policy::lab_default();
        let aud = p.audience_for_resource("https://payments.example.com/");
        assert_eq!(aud.map(|a| a.name.as_str()), Some("payments-api"));
        assert!(
            p.audience_for_resource("https://unknown.example.com/")
                .is_none()
        );
    }
}

#[cfg(test)]
mod doc_tests {
    use super::*;

    /// The complete example in POLICY.md must stay a valid policy.
    #[test]
    fn policy_md_example_parses() {
        let doc = include_str!("../../POLICY.md");
        let section = doc
            .find("## A complete example")
            .expect("the example's section");
        let start = doc[section..]
            .find("```toml\n")
            .map(|i| section + i + "```toml\n".len())
            .expect("toml block");
        let len = doc[start..].find("```").expect("end of block");
        let policy = Policy::from_toml_str(&doc[start..start + len], "POLICY.md example")
            .expect("example parses");
        assert_eq!(policy.max_chain_depth, 3);
        assert!(matches!(
            policy.client("batch-job").map(|c| &c.auth),
            Some(ClientAuth::PrivateKeyJwt { .. })
        ));
    }

    /// The `[checks]` snippet in POLICY.md switches off what it says.
    #[test]
    fn policy_md_checks_snippet_parses() {
        let doc = include_str!("../../POLICY.md");
        let start = doc.find("```toml\n[checks]\n").expect("[checks] block") + "```toml\n".len();
        let len = doc[start..].find("```").expect("end of block");
        let policy = Policy::from_toml_str(&doc[start..start + len], "POLICY.md [checks]")
            .expect("snippet parses");
        assert_eq!(policy.disabled_checks(), [Check::ActorBoundToClient]);
    }
}
