//! `baton exchange`: one RFC 8693 token exchange.

use std::collections::BTreeMap;

use baton_core::preset::{Preset, ServerProfile};
use baton_core::{ExchangeParams, TokenRequest, token_type};

use crate::cli::ExchangeArgs;
use crate::commands::send::{send, send_explained};
use crate::connect::{connect, token_arg, with_request_args};
use crate::error::{CliError, usage};

pub async fn run(mut args: ExchangeArgs) -> Result<(), CliError> {
    let preset = load_preset(args.preset.as_deref(), &args.preset_params)?;
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
    let mut request = with_request_args(TokenRequest::exchange(params), &args.request)?;
    let Some((preset, profile)) = preset else {
        let conn = connect(&args.server).await?;
        return send(&conn, &request, &args.request, args.print_token).await;
    };
    apply_profile(&mut args, &mut request, &profile);
    let conn = connect(&args.server).await?;
    for warning in preset.check(&request, conn.auth.method()) {
        eprintln!("warning: {warning}");
    }
    send_explained(&conn, &request, &args.request, args.print_token, &|r| {
        preset.explain(r)
    })
    .await
}

/// The token endpoint and JWKS from the profile, and the audience the provider fixes unless the
/// user named one.
fn apply_profile(args: &mut ExchangeArgs, request: &mut TokenRequest, profile: &ServerProfile) {
    args.server.server = Some(profile.token_endpoint.clone());
    if args.request.jwks.is_none() {
        args.request.jwks = profile.jwks_uri.clone();
    }
    if request.audience.is_empty()
        && let Some(audience) = &profile.audience
    {
        request.audience.push(audience.clone());
    }
}

/// `--preset NAME` and its `--preset-param`s: the preset and the server profile they fill.
/// Checked before anything else, so a mistake costs no request.
pub(crate) fn load_preset(
    id: Option<&str>,
    params: &[String],
) -> Result<Option<(&'static Preset, ServerProfile)>, CliError> {
    // clap drops `requires = "preset"` when --server, which conflicts with it, is given.
    let Some(id) = id else {
        if params.is_empty() {
            return Ok(None);
        }
        return Err(usage(
            "--preset-param needs --preset NAME (see `baton presets`)",
        ));
    };
    let preset = Preset::get(id).map_err(|e| usage(e.to_string()))?;
    let profile = preset
        .fill(&preset_params(params)?)
        .map_err(|e| usage(e.to_string()))?;
    Ok(Some((preset, profile)))
}

/// `--preset-param NAME=VALUE`, repeatable; a name given twice is refused.
fn preset_params(pairs: &[String]) -> Result<BTreeMap<String, String>, CliError> {
    let mut out = BTreeMap::new();
    for pair in pairs {
        let (name, value) = pair.split_once('=').ok_or_else(|| {
            usage(format!(
                "--preset-param {pair:?} is not NAME=VALUE, e.g. --preset-param realm=acme"
            ))
        })?;
        if out
            .insert(name.trim().to_string(), value.to_string())
            .is_some()
        {
            return Err(usage(format!("--preset-param {name} is given twice")));
        }
    }
    Ok(out)
}
