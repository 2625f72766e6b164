//! `baton demo`: the lab token service plus a short walk through delegation, impersonation and
//! a refusal, each sent over HTTP exactly as to any other server.

use std::fmt::Write;
use std::sync::Arc;

use baton_core::http::{HttpSettings, ReqwestClient};
use baton_core::{
    ClientAuth, ExchangeParams, Grant, Secret, SystemClock, TokenClient, TokenRequest, TokenResult,
    token_type,
};
use baton_sts::Policy;

use crate::cli::DemoArgs;
use crate::commands::sts::{describe, start, wait_for_ctrl_c};
use crate::error::{CliError, usage};
use crate::render;

pub async fn run(args: DemoArgs) -> Result<(), CliError> {
    let lab = start(Policy::lab_default(), args.port, false).await?;
    let http = ReqwestClient::new(&HttpSettings::default()).map_err(|e| usage(e.to_string()))?;
    let client = TokenClient::new(Arc::new(http), Arc::new(SystemClock));
    let endpoint = lab.token_endpoint();
    let basic = |id: &str| ClientAuth::SecretBasic {
        client_id: id.into(),
        secret: Secret::new(format!("{id}-secret")),
    };
    let send = |auth: ClientAuth, request: TokenRequest| {
        let client = client.clone();
        let endpoint = endpoint.clone();
        async move { client.execute(&endpoint, &auth, &request).await }
    };

    println!(
        "Baton demo against the lab token service at {}\n",
        lab.base_url()
    );

    let login = send(
        basic("web-app"),
        TokenRequest::new(Grant::Password {
            username: "alice".into(),
            password: Secret::new("alice-password"),
        })
        .scope("orders:read orders:write payments:charge shipping:create"),
    )
    .await?;
    step(
        1,
        "alice signs in to the shop (password grant at web-app): a broad token for orders-api",
        &login,
        false,
    );
    let alice = issued(&login)?;

    let service = send(
        basic("order-service"),
        TokenRequest::new(Grant::ClientCredentials),
    )
    .await?;
    step(
        2,
        "order-service gets its own token (client credentials): it will be the actor",
        &service,
        false,
    );
    let actor = issued(&service)?;

    let exchange = |actor: Option<String>, scope: &str| {
        let actor_type = actor.as_ref().map(|_| token_type::ACCESS_TOKEN.to_string());
        ExchangeParams::new(
            alice.clone(),
            token_type::ACCESS_TOKEN,
            actor,
            actor_type,
            None,
        )
        .map(|p| {
            TokenRequest::exchange(p)
                .audience("payments-api")
                .scope(scope)
        })
        .map_err(|e| usage(e.to_string()))
    };
    let delegated = send(
        basic("order-service"),
        exchange(Some(actor.clone()), "payments:charge")?,
    )
    .await?;
    step(
        3,
        "DELEGATION: order-service exchanges alice's token, naming itself as actor, for payments-api",
        &delegated,
        true,
    );

    let gateway_subject = send(
        basic("mobile-app"),
        TokenRequest::new(Grant::ClientCredentials),
    )
    .await?;
    let impersonated = send(
        basic("api-gateway"),
        TokenRequest::exchange(
            ExchangeParams::new(
                issued(&gateway_subject)?,
                token_type::ACCESS_TOKEN,
                None,
                None,
                None,
            )
            .map_err(|e| usage(e.to_string()))?,
        )
        .audience("backend-api"),
    )
    .await?;
    step(
        4,
        "IMPERSONATION: api-gateway swaps mobile-app's token for a backend-api token, no actor",
        &impersonated,
        true,
    );

    let refused = send(
        basic("order-service"),
        exchange(Some(actor), "payments:refund")?,
    )
    .await?;
    step(
        5,
        "REFUSAL: order-service asks for payments:refund, which alice's token never had",
        &refused,
        false,
    );

    if args.exit {
        lab.stop().await;
        return Ok(());
    }
    println!("\n{}", describe(&lab, false));
    println!("The lab keeps running for your own exchanges. Press Ctrl-C to stop.");
    wait_for_ctrl_c().await;
    lab.stop().await;
    Ok(())
}

fn issued(result: &TokenResult) -> Result<String, CliError> {
    result
        .issued
        .as_ref()
        .map(|i| i.token.clone())
        .ok_or_else(|| {
            CliError::Refused(format!(
                "the demo expected a token: {}",
                render::status_line(result)
            ))
        })
}

fn step(n: u32, title: &str, result: &TokenResult, show_chain: bool) {
    let mut out = format!("{n}. {title}\n   {}\n", render::status_line(result));
    if let Some(e) = result.response.error() {
        let _ = writeln!(out, "   refused: {e}");
    }
    if let Some(jwt) = result.issued.as_ref().and_then(|i| i.decoded.jwt()) {
        let _ = writeln!(
            out,
            "   sub {}  aud {}  scope {}",
            jwt.sub().unwrap_or("-"),
            jwt.aud().join(","),
            jwt.scopes()
                .map(|s| s.join(" "))
                .unwrap_or_else(|| "-".into())
        );
        if show_chain {
            let actors: Vec<String> = jwt.act_chain.actors.iter().map(|a| a.label()).collect();
            let _ = writeln!(
                out,
                "   act {}",
                if actors.is_empty() {
                    "(none: the token is indistinguishable from one issued to the subject)"
                        .to_string()
                } else {
                    format!(
                        "{}  (acting for {})",
                        actors.join(" <- "),
                        jwt.sub().unwrap_or("?")
                    )
                }
            );
        }
    }
    let _ = writeln!(
        out,
        "   findings: {}",
        if result.findings.is_empty() {
            "none".to_string()
        } else {
            result
                .findings
                .iter()
                .map(|f| format!("{} {}", f.severity.as_str(), f.id))
                .collect::<Vec<_>>()
                .join("; ")
        }
    );
    println!("{out}");
}
