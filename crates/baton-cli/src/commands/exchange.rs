//! `baton exchange`: one RFC 8693 token exchange.

use baton_core::{ExchangeParams, TokenRequest, token_type};

use crate::cli::ExchangeArgs;
use crate::commands::send::send;
use crate::connect::{connect, token_arg, with_request_args};
use crate::error::{CliError, usage};

pub async fn run(args: ExchangeArgs) -> Result<(), CliError> {
    let mut stdin_used = false;
    let subject = token_arg(&args.subject_token, &mut stdin_used)?;
    let actor = args
        .actor_token
        .as_deref()
        .map(|t| token_arg(t, &mut stdin_used))
        .transpose()?;
    let actor_type = match (&actor, &args.actor_token_type) {
        (Some(_), None) => Some(token_type::ACCESS_TOKEN.to_string()),
        (_, t) => t.as_deref().map(token_type::expand),
    };
    let params = ExchangeParams::new(
        subject,
        token_type::expand(&args.subject_token_type),
        actor,
        actor_type,
        args.requested_token_type.as_deref().map(token_type::expand),
    )
    .map_err(|e| usage(e.to_string()))?;
    let request = with_request_args(TokenRequest::exchange(params), &args.request)?;
    let conn = connect(&args.server).await?;
    send(&conn, &request, &args.request, args.print_token).await
}
