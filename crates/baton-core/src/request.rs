//! Token requests: the first token (client credentials, password, refresh) and the exchange
//! (RFC 8693 §2.1), each turned into exactly the form a server receives.

use crate::auth::{AuthError, ClientAuth};
use crate::http::{HttpRequest, Value};
use crate::secret::Secret;
use crate::token_type::TOKEN_EXCHANGE_GRANT;

/// A token given to an exchange: the token itself and its type URI.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypedToken {
    pub token: String,
    pub token_type: String,
}

/// The RFC 8693 members of an exchange.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExchangeParams {
    pub subject: TypedToken,
    pub actor: Option<TypedToken>,
    pub requested_token_type: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Grant {
    ClientCredentials,
    Password {
        username: String,
        password: Secret,
    },
    RefreshToken {
        refresh_token: Secret,
    },
    TokenExchange(ExchangeParams),
    /// Redeems an authorization code (RFC 6749 §4.1.3) with its PKCE verifier (RFC 7636 §4.5).
    AuthorizationCode {
        code: Secret,
        redirect_uri: String,
        code_verifier: Option<Secret>,
    },
    /// A JWT as an authorization grant (RFC 7523 §2.1). Entra ID's on-behalf-of flow adds
    /// `requested_token_use=on_behalf_of`.
    JwtBearer {
        assertion: String,
        requested_token_use: Option<String>,
    },
    /// Polls for a device authorization (RFC 8628 §3.4).
    DeviceCode {
        device_code: Secret,
    },
}

/// The grant type of the JWT bearer grant (RFC 7523 §2.1).
pub const JWT_BEARER_GRANT: &str = "urn:ietf:params:oauth:grant-type:jwt-bearer";
/// The grant type of the device authorization grant (RFC 8628 §3.4).
pub const DEVICE_CODE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";

impl Grant {
    pub fn grant_type(&self) -> &'static str {
        match self {
            Grant::ClientCredentials => "client_credentials",
            Grant::Password { .. } => "password",
            Grant::RefreshToken { .. } => "refresh_token",
            Grant::TokenExchange(_) => TOKEN_EXCHANGE_GRANT,
            Grant::AuthorizationCode { .. } => "authorization_code",
            Grant::JwtBearer { .. } => JWT_BEARER_GRANT,
            Grant::DeviceCode { .. } => DEVICE_CODE_GRANT,
        }
    }
}

/// One request to a token endpoint. `audience` and `resource` repeat; `extra` parameters are
/// sent as given, after the standard ones.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenRequest {
    pub grant: Grant,
    pub audience: Vec<String>,
    pub resource: Vec<String>,
    pub scope: Option<String>,
    pub extra: Vec<(String, String)>,
    /// Standard parameters left out on purpose (a negative test); an extra parameter of the
    /// same name is then sent in its place.
    pub omit: Vec<String>,
}

/// Parameters that have their own option; an extra parameter may not send a second copy of one
/// (RFC 6749 §3.2: a parameter is not repeated unless its definition allows it).
pub const RESERVED: [&str; 22] = [
    "client_id",
    "client_secret",
    "client_assertion",
    "client_assertion_type",
    "grant_type",
    "subject_token",
    "subject_token_type",
    "actor_token",
    "actor_token_type",
    "requested_token_type",
    "audience",
    "resource",
    "scope",
    "username",
    "password",
    "refresh_token",
    "code",
    "redirect_uri",
    "code_verifier",
    "assertion",
    "requested_token_use",
    "device_code",
];

/// The standard parameters a request may leave out on purpose: all but client authentication's,
/// which the client's `auth` decides.
pub fn omittable() -> &'static [&'static str] {
    &RESERVED[4..]
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum RequestError {
    #[error("the subject token is empty")]
    EmptySubjectToken,
    #[error("the subject token type is empty (RFC 8693 §2.1 requires subject_token_type)")]
    EmptySubjectTokenType,
    #[error(
        "the actor token is given but its type is not (RFC 8693 §2.1 requires both or neither)"
    )]
    ActorTokenWithoutType,
    #[error(
        "an actor token type is given without an actor token (RFC 8693 §2.1 requires both or neither)"
    )]
    ActorTypeWithoutToken,
    #[error("the extra parameter {0:?} has its own option; use that instead")]
    ReservedExtra(String),
    #[error("an extra parameter has an empty name")]
    EmptyExtraName,
    #[error("{0:?} cannot be omitted; a request may omit only {list}", list = omittable().join(", "))]
    NotOmittable(String),
    #[error(transparent)]
    Auth(#[from] AuthError),
}

impl ExchangeParams {
    /// Checks the rules of RFC 8693 §2.1 that a client can check before sending.
    pub fn new(
        subject_token: impl Into<String>,
        subject_token_type: impl Into<String>,
        actor_token: Option<String>,
        actor_token_type: Option<String>,
        requested_token_type: Option<String>,
    ) -> Result<Self, RequestError> {
        let subject = TypedToken {
            token: subject_token.into(),
            token_type: subject_token_type.into(),
        };
        if subject.token.trim().is_empty() {
            return Err(RequestError::EmptySubjectToken);
        }
        if subject.token_type.trim().is_empty() {
            return Err(RequestError::EmptySubjectTokenType);
        }
        let actor = match (actor_token, actor_token_type) {
            (Some(token), Some(token_type)) => Some(TypedToken { token, token_type }),
            (Some(_), None) => return Err(RequestError::ActorTokenWithoutType),
            (None, Some(_)) => return Err(RequestError::ActorTypeWithoutToken),
            (None, None) => None,
        };
        Ok(Self {
            subject,
            actor,
            requested_token_type,
        })
    }
}

impl TokenRequest {
    pub fn new(grant: Grant) -> Self {
        Self {
            grant,
            audience: Vec::new(),
            resource: Vec::new(),
            scope: None,
            extra: Vec::new(),
            omit: Vec::new(),
        }
    }

    pub fn exchange(params: ExchangeParams) -> Self {
        Self::new(Grant::TokenExchange(params))
    }

    pub fn audience(mut self, audience: impl Into<String>) -> Self {
        self.audience.push(audience.into());
        self
    }

    pub fn resource(mut self, resource: impl Into<String>) -> Self {
        self.resource.push(resource.into());
        self
    }

    pub fn scope(mut self, scope: impl Into<String>) -> Self {
        self.scope = Some(scope.into());
        self
    }

    pub fn param(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.extra.push((name.into(), value.into()));
        self
    }

    /// The exchange members, if this is an exchange.
    pub fn exchange_params(&self) -> Option<&ExchangeParams> {
        match &self.grant {
            Grant::TokenExchange(p) => Some(p),
            _ => None,
        }
    }

    /// The HTTP request this sends to `token_endpoint`, authenticated as `auth` at time `now`.
    pub fn to_http(
        &self,
        token_endpoint: &str,
        auth: &ClientAuth,
        now: i64,
    ) -> Result<HttpRequest, RequestError> {
        for (name, _) in &self.extra {
            if name.is_empty() {
                return Err(RequestError::EmptyExtraName);
            }
            if RESERVED.contains(&name.as_str()) && !self.omit.contains(name) {
                return Err(RequestError::ReservedExtra(name.clone()));
            }
        }
        if let Some(name) = self
            .omit
            .iter()
            .find(|n| !omittable().contains(&n.as_str()))
        {
            return Err(RequestError::NotOmittable(name.clone()));
        }
        let plain = |s: &str| Value::Plain(s.to_string());
        let mut req = HttpRequest::post_form(token_endpoint);
        req.push_form("grant_type", plain(self.grant.grant_type()));
        match &self.grant {
            Grant::ClientCredentials => {}
            Grant::Password { username, password } => {
                req.push_form("username", plain(username));
                req.push_form("password", Value::Secret(password.clone()));
            }
            Grant::RefreshToken { refresh_token } => {
                req.push_form("refresh_token", Value::Secret(refresh_token.clone()));
            }
            Grant::AuthorizationCode {
                code,
                redirect_uri,
                code_verifier,
            } => {
                req.push_form("code", Value::Secret(code.clone()));
                req.push_form("redirect_uri", plain(redirect_uri));
                if let Some(verifier) = code_verifier {
                    req.push_form("code_verifier", Value::Secret(verifier.clone()));
                }
            }
            Grant::JwtBearer {
                assertion,
                requested_token_use,
            } => {
                req.push_form("assertion", plain(assertion));
                if let Some(use_) = requested_token_use {
                    req.push_form("requested_token_use", plain(use_));
                }
            }
            Grant::DeviceCode { device_code } => {
                req.push_form("device_code", Value::Secret(device_code.clone()));
            }
            Grant::TokenExchange(p) => {
                req.push_form("subject_token", plain(&p.subject.token));
                req.push_form("subject_token_type", plain(&p.subject.token_type));
                if let Some(actor) = &p.actor {
                    req.push_form("actor_token", plain(&actor.token));
                    req.push_form("actor_token_type", plain(&actor.token_type));
                }
                if let Some(t) = &p.requested_token_type {
                    req.push_form("requested_token_type", plain(t));
                }
            }
        }
        for a in &self.audience {
            req.push_form("audience", plain(a));
        }
        for r in &self.resource {
            req.push_form("resource", plain(r));
        }
        if let Some(scope) = &self.scope {
            req.push_form("scope", plain(scope));
        }
        if !self.omit.is_empty()
            && let Some(form) = &mut req.form
        {
            form.retain(|(name, _)| !self.omit.contains(name));
        }
        for (name, value) in &self.extra {
            req.push_form(name, plain(value));
        }
        auth.apply(&mut req, token_endpoint, now)?;
        Ok(req)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::token_type::{ACCESS_TOKEN, JWT};

    fn exchange() -> TokenRequest {
        let params = ExchangeParams::new(
            "subj.tok.en",
            ACCESS_TOKEN,
            Some("act.tok.en".into()),
            Some(JWT.into()),
            Some(ACCESS_TOKEN.into()),
        )
        .expect("valid");
        TokenRequest::exchange(params)
            .audience("payments")
            .audience("ledger")
            .resource("https://pay.example/api")
            .scope("pay:read pay:write")
            .param("tenant", "t1")
    }

    #[test]
    fn exchange_with_basic_auth_sends_exact_form_and_header() {
        let auth = ClientAuth::SecretBasic {
            client_id: "order-service".into(),
            secret: Secret::new("order-service-secret"),
        };
        let req = exchange()
            .to_http("https://as.example/token", &auth, 0)
            .expect("builds");
        assert_eq!(
            req.body().as_deref(),
            Some(
                "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Atoken-exchange\
                 &subject_token=subj.tok.en\
                 &subject_token_type=urn%3Aietf%3Aparams%3Aoauth%3Atoken-type%3Aaccess_token\
                 &actor_token=act.tok.en\
                 &actor_token_type=urn%3Aietf%3Aparams%3Aoauth%3Atoken-type%3Ajwt\
                 &requested_token_type=urn%3Aietf%3Aparams%3Aoauth%3Atoken-type%3Aaccess_token\
                 &audience=payments&audience=ledger\
                 &resource=https%3A%2F%2Fpay.example%2Fapi\
                 &scope=pay%3Aread+pay%3Awrite&tenant=t1"
            )
        );
        assert_eq!(
            req.header("Authorization"),
            Some("Basic b3JkZXItc2VydmljZTpvcmRlci1zZXJ2aWNlLXNlY3JldA==")
        );
        assert_eq!(
            req.header("content-type"),
            Some("application/x-www-form-urlencoded")
        );
        assert_eq!(req.form_value("client_secret"), None);
        assert_eq!(req.form_value("client_id"), None);
    }

    #[test]
    fn client_secret_post_puts_credentials_in_body_and_masks_them() {
        let auth = ClientAuth::SecretPost {
            client_id: "gw".into(),
            secret: Secret::new("gw secret"),
        };
        let req = TokenRequest::new(Grant::ClientCredentials)
            .scope("a")
            .to_http("https://as.example/token", &auth, 0)
            .expect("builds");
        assert_eq!(
            req.body().as_deref(),
            Some("grant_type=client_credentials&scope=a&client_id=gw&client_secret=gw+secret")
        );
        assert_eq!(req.header("Authorization"), None);
        assert_eq!(
            req.recorded().body.as_deref(),
            Some("grant_type=client_credentials&scope=a&client_id=gw&client_secret=****")
        );
    }

    #[test]
    fn none_sends_only_client_id() {
        let auth = ClientAuth::None {
            client_id: "public-cli".into(),
        };
        let req = TokenRequest::new(Grant::Password {
            username: "alice".into(),
            password: Secret::new("pw"),
        })
        .to_http("https://as.example/token", &auth, 0)
        .expect("builds");
        assert_eq!(
            req.body().as_deref(),
            Some("grant_type=password&username=alice&password=pw&client_id=public-cli")
        );
        assert_eq!(req.header("Authorization"), None);
        assert!(!req.recorded().body.unwrap_or_default().contains("pw&"));
    }

    #[test]
    fn refresh_token_grant() {
        let auth = ClientAuth::None {
            client_id: String::new(),
        };
        let req = TokenRequest::new(Grant::RefreshToken {
            refresh_token: Secret::new("rt-1"),
        })
        .to_http("https://as.example/token", &auth, 0)
        .expect("builds");
        assert_eq!(
            req.body().as_deref(),
            Some("grant_type=refresh_token&refresh_token=rt-1")
        );
    }

    #[test]
    fn authorization_code_sends_code_redirect_and_verifier_masked() {
        let auth = ClientAuth::None {
            client_id: "signin-app".into(),
        };
        let req = TokenRequest::new(Grant::AuthorizationCode {
            code: Secret::new("c0de"),
            redirect_uri: "http://127.0.0.1:5000/callback".into(),
            code_verifier: Some(Secret::new("v3rifier")),
        })
        .to_http("https://as.example/token", &auth, 0)
        .expect("builds");
        assert_eq!(
            req.body().as_deref(),
            Some(
                "grant_type=authorization_code&code=c0de\
                 &redirect_uri=http%3A%2F%2F127.0.0.1%3A5000%2Fcallback\
                 &code_verifier=v3rifier&client_id=signin-app"
            )
        );
        let recorded = req.recorded().body.unwrap_or_default();
        assert!(
            !recorded.contains("c0de") && !recorded.contains("v3rifier"),
            "{recorded}"
        );
    }

    #[test]
    fn jwt_bearer_and_on_behalf_of() {
        let auth = ClientAuth::SecretPost {
            client_id: "api".into(),
            secret: Secret::new("s"),
        };
        let req = TokenRequest::new(Grant::JwtBearer {
            assertion: "a.b.c".into(),
            requested_token_use: Some("on_behalf_of".into()),
        })
        .scope("https://graph.microsoft.com/.default")
        .to_http("https://as.example/token", &auth, 0)
        .expect("builds");
        assert_eq!(req.form_value("grant_type"), Some(JWT_BEARER_GRANT));
        assert_eq!(req.form_value("assertion"), Some("a.b.c"));
        assert_eq!(req.form_value("requested_token_use"), Some("on_behalf_of"));
    }

    #[test]
    fn actor_token_and_type_come_together() {
        assert_eq!(
            ExchangeParams::new("s", ACCESS_TOKEN, Some("a".into()), None, None),
            Err(RequestError::ActorTokenWithoutType)
        );
        assert_eq!(
            ExchangeParams::new("s", ACCESS_TOKEN, None, Some(JWT.into()), None),
            Err(RequestError::ActorTypeWithoutToken)
        );
        assert_eq!(
            ExchangeParams::new(" ", ACCESS_TOKEN, None, None, None),
            Err(RequestError::EmptySubjectToken)
        );
        assert_eq!(
            ExchangeParams::new("s", "", None, None, None),
            Err(RequestError::EmptySubjectTokenType)
        );
    }

    #[test]
    fn reserved_extra_parameters_are_refused() {
        let auth = ClientAuth::None {
            client_id: "c".into(),
        };
        let err = exchange()
            .param("client_secret", "x")
            .to_http("https://as.example/token", &auth, 0)
            .unwrap_err();
        assert_eq!(err, RequestError::ReservedExtra("client_secret".into()));
    }
}
