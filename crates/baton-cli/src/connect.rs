//! Turning the server options into a client, a token endpoint and credentials.

use std::io::Read;
use std::sync::Arc;
use std::time::Duration;

use baton_core::discovery::{Discovery, discover};
use baton_core::dpop::DpopKey;
use baton_core::http::{HttpSettings, ReqwestClient};
use baton_core::mtls::ClientIdentity;
use baton_core::verify::{Jwks, Verification, VerifyOptions, verify};
use baton_core::{ClientAuth, Secret, SigningKey, SystemClock, TokenClient, TokenRequest};

use crate::cli::{AuthArg, RequestArgs, ServerArgs};
use crate::error::{CliError, usage};
use crate::secrets::read_secret;

pub struct Connection {
    pub client: TokenClient,
    pub token_endpoint: String,
    pub auth: ClientAuth,
    pub discovery: Option<Discovery>,
    /// The key of `--dpop`: every request carries a proof of it.
    pub dpop: Option<DpopKey>,
}

impl Connection {
    /// A member of the discovered metadata.
    pub fn metadata(&self, member: &str) -> Option<String> {
        self.discovery
            .as_ref()
            .and_then(|d| d.metadata.document.get(member))
            .and_then(|v| v.as_str())
            .map(str::to_owned)
    }
}

pub async fn connect(args: &ServerArgs) -> Result<Connection, CliError> {
    let http = ReqwestClient::new(&HttpSettings {
        timeout: Duration::from_secs(args.timeout),
        ca_file: args.ca_file.clone(),
        danger_accept_invalid_certs: false,
        ca_pem: Vec::new(),
        max_response_bytes: args.max_response_bytes,
    })
    .map_err(|e| usage(e.to_string()))?;
    let client = TokenClient::new(Arc::new(http), Arc::new(SystemClock));
    let (token_endpoint, discovery) = match (&args.server, &args.issuer) {
        (Some(server), _) => (server.clone(), None),
        (None, Some(issuer)) => {
            let d = discover(client.http(), issuer).await.map_err(|e| match e {
                baton_core::discovery::DiscoveryError::Transport(t) => {
                    CliError::Transport(t.to_string())
                }
                other => usage(other.to_string()),
            })?;
            let endpoint = d.metadata.token_endpoint.clone().unwrap_or_default();
            (endpoint, Some(d))
        }
        (None, None) => return Err(usage("give --server TOKEN_URL or --issuer URL")),
    };
    let auth = client_auth(args)?;
    let dpop = dpop_key(args)?;
    // RFC 8705 §5: a client using mutual TLS sends to the server's mTLS endpoint aliases.
    let token_endpoint = match (&auth, &discovery) {
        (ClientAuth::Tls { .. }, Some(d)) => d
            .metadata
            .document
            .get("mtls_endpoint_aliases")
            .and_then(|a| a.get("token_endpoint"))
            .and_then(|v| v.as_str())
            .map_or(token_endpoint, str::to_owned),
        _ => token_endpoint,
    };
    Ok(Connection {
        client,
        token_endpoint,
        auth,
        discovery,
        dpop,
    })
}

fn dpop_key(args: &ServerArgs) -> Result<Option<DpopKey>, CliError> {
    if let Some(path) = &args.dpop_key {
        let pem = std::fs::read_to_string(path).map_err(|e| {
            usage(format!(
                "could not read the DPoP key {}: {e}",
                path.display()
            ))
        })?;
        return DpopKey::from_pem(&Secret::new(pem))
            .map(Some)
            .map_err(|e| usage(format!("{}: {e}", path.display())));
    }
    if args.dpop {
        return DpopKey::generate()
            .map(Some)
            .map_err(|e| usage(e.to_string()));
    }
    Ok(None)
}

fn client_auth(args: &ServerArgs) -> Result<ClientAuth, CliError> {
    let method = args.auth.unwrap_or(if args.client_secret_env.is_some() {
        AuthArg::Basic
    } else if args.private_key.is_some() {
        AuthArg::PrivateKeyJwt
    } else if args.client_cert.is_some() {
        AuthArg::Tls
    } else {
        AuthArg::None
    });
    let client_id = args.client_id.clone();
    let secret = || -> Result<Secret, CliError> {
        read_secret(args.client_secret_env.as_deref(), "client secret", true)?
            .ok_or_else(|| usage("a client secret is needed: --client-secret-env VAR"))
    };
    Ok(match method {
        AuthArg::Basic => ClientAuth::SecretBasic {
            client_id,
            secret: secret()?,
        },
        AuthArg::Post => ClientAuth::SecretPost {
            client_id,
            secret: secret()?,
        },
        AuthArg::PrivateKeyJwt => {
            let path = args
                .private_key
                .as_ref()
                .ok_or_else(|| usage("--auth private-key-jwt needs --private-key FILE"))?;
            let pem = std::fs::read_to_string(path).map_err(|e| {
                usage(format!(
                    "could not read the private key {}: {e}",
                    path.display()
                ))
            })?;
            let key = SigningKey::from_pem(&Secret::new(pem), None, args.key_id.clone())
                .map_err(|e| usage(format!("{}: {e}", path.display())))?;
            ClientAuth::PrivateKeyJwt {
                client_id,
                key,
                audience: None,
            }
        }
        AuthArg::Tls | AuthArg::SelfSignedTls => {
            let (Some(cert), Some(key)) = (&args.client_cert, &args.client_key) else {
                return Err(usage(
                    "mutual TLS needs --client-cert FILE and --client-key FILE",
                ));
            };
            let read = |path: &std::path::Path, what: &str| {
                std::fs::read_to_string(path).map_err(|e| {
                    usage(format!("could not read the {what} {}: {e}", path.display()))
                })
            };
            let identity = ClientIdentity::from_pem(
                &read(cert, "client certificate")?,
                Secret::new(read(key, "client key")?),
            )
            .map_err(|e| usage(format!("{}: {e}", cert.display())))?;
            ClientAuth::Tls {
                client_id,
                identity,
                self_signed: method == AuthArg::SelfSignedTls,
            }
        }
        AuthArg::None => ClientAuth::None { client_id },
    })
}

/// Adds the options every token request shares: audiences, resources, scope and `--param`s.
pub fn with_request_args(
    mut request: TokenRequest,
    args: &RequestArgs,
) -> Result<TokenRequest, CliError> {
    request.audience = args.audience.clone();
    request.resource = args.resource.clone();
    request.scope = args.scope.clone();
    request.extra = args
        .params
        .iter()
        .map(|p| {
            p.split_once('=')
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .ok_or_else(|| usage(format!("--param {p:?} is not NAME=VALUE")))
        })
        .collect::<Result<_, _>>()?;
    Ok(request)
}

/// A token argument: `-` reads standard input (once), anything else is the token itself.
pub fn token_arg(value: &str, stdin_used: &mut bool) -> Result<String, CliError> {
    if value != "-" {
        return Ok(value.trim().to_string());
    }
    if *stdin_used {
        return Err(usage("only one token can be read from standard input"));
    }
    *stdin_used = true;
    let mut buf = String::new();
    std::io::stdin()
        .read_to_string(&mut buf)
        .map_err(|e| usage(format!("could not read the token from standard input: {e}")))?;
    let token = buf.trim().to_string();
    if token.is_empty() {
        return Err(usage("standard input held no token"));
    }
    Ok(token)
}

/// Loads a JWKS from a URL or a file.
pub async fn load_jwks(client: &TokenClient, source: &str) -> Result<Jwks, CliError> {
    let result = if source.starts_with("http://") || source.starts_with("https://") {
        Jwks::fetch(client.http(), source).await
    } else {
        Jwks::from_file(std::path::Path::new(source))
    };
    result.map_err(|e| match e {
        baton_core::verify::JwksError::Transport(t) => CliError::Transport(t.to_string()),
        other => usage(other.to_string()),
    })
}

/// A certificate (PEM) from a URL or a file, as DER.
pub async fn load_saml_certificate(
    client: &TokenClient,
    source: &str,
) -> Result<Vec<u8>, CliError> {
    if source.starts_with("http://") || source.starts_with("https://") {
        return baton_core::saml::fetch_certificate(client.http(), source)
            .await
            .map_err(CliError::Transport);
    }
    let text = std::fs::read_to_string(source)
        .map_err(|e| usage(format!("cannot read the certificate {source}: {e}")))?;
    baton_core::saml::certificate_der(&text)
        .map_err(|e| usage(format!("the certificate {source}: {e}")))
}

pub fn verify_with(
    token: &str,
    jwks: &Jwks,
    now: i64,
    issuer: Option<String>,
    audience: Option<String>,
    leeway: i64,
) -> Verification {
    let mut options = VerifyOptions::new(now);
    options.issuer = issuer;
    options.audience = audience;
    options.leeway_secs = leeway;
    verify(token, jwks, &options)
}

/// A client for commands that only fetch (JWKS for inspect).
pub fn plain_client() -> Result<TokenClient, CliError> {
    let http = ReqwestClient::new(&HttpSettings::default()).map_err(|e| usage(e.to_string()))?;
    Ok(TokenClient::new(Arc::new(http), Arc::new(SystemClock)))
}
