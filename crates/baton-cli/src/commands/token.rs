//! `baton token`: a first token by client credentials, password, refresh token, a user's
//! sign-in (authorization code with PKCE), a device approval, or a JWT grant.

use std::time::Duration;

use baton_core::signin::device;
use baton_core::signin::{
    self, Interaction, OpenWith, SignInEndpoints, SignInOptions, SignInRequest,
};
use baton_core::{Grant, TokenRequest, TokenResult};

use crate::cli::{GrantArg, TokenArgs};
use crate::commands::exchange::load_preset;
use crate::commands::send::{send, send_explained, show};
use crate::connect::{Connection, connect, load_jwks, token_arg, with_request_args};
use crate::error::{CliError, usage};
use crate::interact::Terminal;
use crate::secrets::read_secret;

pub async fn run(mut args: TokenArgs) -> Result<(), CliError> {
    let preset = match load_preset(args.preset.as_deref(), &args.preset_params)? {
        Some((preset, profile)) => {
            // A sign-in needs the provider's metadata; other grants only its token endpoint.
            match (&profile.issuer, args.grant) {
                (Some(issuer), GrantArg::AuthorizationCode | GrantArg::DeviceCode) => {
                    args.server.issuer = Some(issuer.clone());
                }
                _ => {
                    args.server.server = Some(profile.token_endpoint.clone());
                    if args.request.jwks.is_none() {
                        args.request.jwks = profile.jwks_uri.clone();
                    }
                }
            }
            Some(preset)
        }
        None => None,
    };
    let grant = match args.grant {
        GrantArg::ClientCredentials => Grant::ClientCredentials,
        GrantArg::Password => Grant::Password {
            username: args
                .username
                .clone()
                .ok_or_else(|| usage("--grant password needs --username"))?,
            password: read_secret(args.password_env.as_deref(), "password", true)?
                .ok_or_else(|| usage("--grant password needs --password-env VAR"))?,
        },
        GrantArg::RefreshToken => Grant::RefreshToken {
            refresh_token: read_secret(args.refresh_token_env.as_deref(), "refresh token", true)?
                .ok_or_else(|| {
                usage("--grant refresh-token needs --refresh-token-env VAR")
            })?,
        },
        GrantArg::JwtBearer => {
            let assertion = args
                .assertion
                .as_deref()
                .ok_or_else(|| usage("--grant jwt-bearer needs --assertion JWT"))?;
            Grant::JwtBearer {
                assertion: token_arg(assertion, &mut false)?,
                requested_token_use: args.requested_token_use.clone(),
            }
        }
        GrantArg::AuthorizationCode | GrantArg::DeviceCode => {
            return interactive(&args).await;
        }
    };
    let request = with_request_args(TokenRequest::new(grant), &args.request)?;
    let conn = connect(&args.server).await?;
    let Some(preset) = preset else {
        return send(&conn, &request, &args.request, args.print_token).await;
    };
    for warning in preset.check(&request, conn.auth.method()) {
        eprintln!("warning: {warning}");
    }
    send_explained(&conn, &request, &args.request, args.print_token, &|r| {
        preset.explain(r)
    })
    .await
}

/// A grant that needs the user: sign in through the browser, or approve a device code.
async fn interactive(args: &TokenArgs) -> Result<(), CliError> {
    if args.request.curl {
        return Err(usage(
            "--curl cannot show a sign-in: its code only exists once the user has signed in",
        ));
    }
    let conn = connect(&args.server).await?;
    let terminal = Terminal {
        no_browser: args.no_browser,
    };
    let template = with_request_args(TokenRequest::new(Grant::ClientCredentials), &args.request)?;
    let mut extra = template.extra.clone();
    extra.extend(
        template
            .audience
            .iter()
            .map(|a| ("audience".to_owned(), a.clone())),
    );
    let result = if args.grant == GrantArg::DeviceCode {
        device_code(&conn, args, &terminal, template.scope.as_deref(), &extra).await?
    } else {
        let request = SignInRequest {
            scope: template.scope.clone(),
            resource: template.resource.clone(),
            extra,
        };
        sign_in(&conn, args, &terminal, &request).await?
    };
    show(&conn, result, &args.request, args.print_token).await
}

fn endpoint(
    conn: &Connection,
    given: &Option<String>,
    member: &str,
    option: &str,
) -> Result<String, CliError> {
    given
        .clone()
        .or_else(|| conn.metadata(member))
        .ok_or_else(|| {
            if conn.discovery.is_some() {
                usage(format!(
                    "the server's metadata names no {member}; give --{option} URL"
                ))
            } else {
                usage(format!(
                    "give --{option} URL, or --issuer so Baton reads it from the server's metadata"
                ))
            }
        })
}

async fn sign_in(
    conn: &Connection,
    args: &TokenArgs,
    terminal: &Terminal,
    request: &SignInRequest,
) -> Result<TokenResult, CliError> {
    let endpoints = SignInEndpoints {
        authorization_endpoint: endpoint(
            conn,
            &args.authorization_endpoint,
            "authorization_endpoint",
            "authorization-endpoint",
        )?,
        token_endpoint: conn.token_endpoint.clone(),
        par_endpoint: conn.metadata("pushed_authorization_request_endpoint"),
        issuer: conn
            .discovery
            .as_ref()
            .and_then(|d| d.metadata.issuer.clone()),
    };
    let jwks_source = args.request.jwks.clone().or_else(|| {
        conn.discovery
            .as_ref()
            .and_then(|d| d.metadata.jwks_uri.clone())
    });
    let jwks = match jwks_source {
        Some(source) => Some(std::sync::Arc::new(load_jwks(&conn.client, &source).await?)),
        None => None,
    };
    let options = SignInOptions {
        port: args.redirect_port,
        timeout: Duration::from_secs(args.sign_in_timeout),
        jwks,
    };
    let signed = signin::sign_in(
        &conn.client,
        &endpoints,
        &conn.auth,
        request,
        &OpenWith(terminal),
        &options,
        terminal.cancelled(),
    )
    .await
    .map_err(|e| match e {
        signin::SignInError::Client(c) => CliError::from(c),
        other => CliError::Refused(other.to_string()),
    })?;
    Ok(signed.token)
}

async fn device_code(
    conn: &Connection,
    args: &TokenArgs,
    terminal: &Terminal,
    scope: Option<&str>,
    extra: &[(String, String)],
) -> Result<TokenResult, CliError> {
    let url = endpoint(
        conn,
        &args.device_authorization_endpoint,
        "device_authorization_endpoint",
        "device-authorization-endpoint",
    )?;
    let failed = |e: device::DeviceError| match e {
        device::DeviceError::Client(c) => CliError::from(c),
        other => CliError::Refused(other.to_string()),
    };
    let code = device::authorize(&conn.client, &url, &conn.auth, scope, extra)
        .await
        .map_err(failed)?;
    terminal.show_device_code(&code);
    device::poll(
        &conn.client,
        &conn.token_endpoint,
        &conn.auth,
        &code,
        &mut |poll| {
            if let device::Poll::SlowDown { interval } = poll {
                eprintln!("The server asked Baton to slow down: now every {interval} s.");
            }
        },
        terminal.cancelled(),
    )
    .await
    .map_err(failed)
}
