//! `baton token`: a first token by client credentials, password or refresh token.

use baton_core::{Grant, TokenRequest};

use crate::cli::{GrantArg, TokenArgs};
use crate::commands::send::send;
use crate::connect::{connect, with_request_args};
use crate::error::{CliError, usage};
use crate::secrets::read_secret;

pub async fn run(args: TokenArgs) -> Result<(), CliError> {
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
    };
    let request = with_request_args(TokenRequest::new(grant), &args.request)?;
    let conn = connect(&args.server).await?;
    send(&conn, &request, &args.request, args.print_token).await
}
