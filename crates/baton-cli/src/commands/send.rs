//! Sending a token request and showing what came back: shared by `token` and `exchange`.

use baton_core::preset::Advice;
use baton_core::response::TokenResponse;
use baton_core::verify::Verification;
use baton_core::{TokenRequest, TokenResult};
use serde_json::json;

use crate::cli::RequestArgs;
use crate::connect::{Connection, load_jwks, verify_with};
use crate::error::CliError;
use crate::render;

pub async fn send(
    conn: &Connection,
    request: &TokenRequest,
    args: &RequestArgs,
    print_token: bool,
) -> Result<(), CliError> {
    send_explained(conn, request, args, print_token, &|_| None).await
}

/// [`send`], with `explain` giving advice for the response (a provider preset's known errors),
/// shown after the findings (and in the JSON as `advice`).
pub async fn send_explained(
    conn: &Connection,
    request: &TokenRequest,
    args: &RequestArgs,
    print_token: bool,
    explain: &(dyn Fn(&TokenResponse) -> Option<Advice> + Sync),
) -> Result<(), CliError> {
    if args.curl {
        let prepared = conn
            .client
            .prepare(&conn.token_endpoint, &conn.auth, request)
            .map_err(|e| CliError::Usage(e.to_string()))?;
        println!("{}", prepared.to_curl(args.reveal_secrets));
        return Ok(());
    }
    let result = conn
        .client
        .execute_with(
            &conn.token_endpoint,
            &conn.auth,
            request,
            conn.dpop.as_ref(),
        )
        .await?;
    show_explained(conn, result, args, print_token, explain).await
}

/// Prints what a token request got back and gives the exit status it deserves.
pub async fn show(
    conn: &Connection,
    result: TokenResult,
    args: &RequestArgs,
    print_token: bool,
) -> Result<(), CliError> {
    show_explained(conn, result, args, print_token, &|_| None).await
}

async fn show_explained(
    conn: &Connection,
    result: TokenResult,
    args: &RequestArgs,
    print_token: bool,
    explain: &(dyn Fn(&TokenResponse) -> Option<Advice> + Sync),
) -> Result<(), CliError> {
    let verification = verify_issued(conn, &result, args).await?;
    let advice = explain(&result.response);

    if args.json {
        let mut value = json!({
            "discovery": conn.discovery,
            "result": result,
            "verification": verification,
        });
        if let Some(advice) = &advice {
            value["advice"] = json!(advice);
        }
        println!(
            "{}",
            serde_json::to_string_pretty(&value).map_err(|e| CliError::Usage(e.to_string()))?
        );
    } else if print_token {
        if let Some(issued) = &result.issued {
            println!("{}", issued.token);
        }
        if let Some(advice) = &advice {
            eprintln!("advice: {advice}");
        }
    } else {
        let mut out = String::new();
        if let Some(d) = &conn.discovery {
            render::discovery(&mut out, d);
            render::titled_findings(&mut out, "Discovery findings", &d.findings);
            out.push('\n');
        }
        out.push_str(&render::status_line(&result));
        out.push('\n');
        render::response(&mut out, &result.response);
        if let Some(issued) = &result.issued {
            render::decoded(&mut out, &issued.decoded, conn.client.now());
        }
        if let Some(v) = &verification {
            render::verification(&mut out, v);
        } else if result
            .issued
            .as_ref()
            .is_some_and(|i| i.decoded.jwt().is_some())
        {
            render::signature_not_checked(&mut out, "--jwks URL|FILE, or --issuer");
        }
        render::findings(&mut out, &result.findings);
        if let Some(advice) = &advice {
            out.push_str(&format!("\nAdvice ({}): {}\n", advice.matched, advice));
        }
        print!("{out}");
    }
    outcome(&result, verification.as_ref(), print_token)?;
    match args.fail_on {
        Some(level) => level.check(
            conn.discovery
                .iter()
                .flat_map(|d| d.findings.iter().map(|f| ("discovery".to_string(), f)))
                .chain(result.findings.iter().map(|f| ("response".to_string(), f))),
        ),
        None => Ok(()),
    }
}

async fn verify_issued(
    conn: &Connection,
    result: &TokenResult,
    args: &RequestArgs,
) -> Result<Option<Verification>, CliError> {
    let Some(issued) = result.issued.as_ref().filter(|i| i.decoded.jwt().is_some()) else {
        return Ok(None);
    };
    let source = args.jwks.clone().or_else(|| {
        conn.discovery
            .as_ref()
            .and_then(|d| d.metadata.jwks_uri.clone())
    });
    let Some(source) = source else {
        return Ok(None);
    };
    let jwks = load_jwks(&conn.client, &source).await?;
    let issuer = conn
        .discovery
        .as_ref()
        .and_then(|d| d.metadata.issuer.clone());
    Ok(Some(verify_with(
        &issued.token,
        &jwks,
        conn.client.now(),
        issuer,
        None,
        60,
    )))
}

fn outcome(
    result: &TokenResult,
    verification: Option<&Verification>,
    quiet: bool,
) -> Result<(), CliError> {
    if let Some(e) = result.response.error() {
        return Err(CliError::Refused(format!("the server refused: {e}")));
    }
    if result.response.success().is_none() {
        return Err(CliError::Refused(format!(
            "the server's response (HTTP {}) could not be read as a token response",
            result.response.status
        )));
    }
    if result.issued.is_none() && quiet {
        return Err(CliError::Refused(
            "the response holds no access_token".into(),
        ));
    }
    if verification.is_some_and(|v| !v.valid) {
        return Err(CliError::Refused("the issued token did not verify".into()));
    }
    Ok(())
}
