//! `baton inspect`: decode a token, show its act chain and findings, verify it if asked.

use baton_core::findings::{TokenRole, check_token};
use baton_core::{DecodedToken, decode};
use serde_json::json;

use crate::cli::InspectArgs;
use crate::connect::{load_jwks, load_saml_certificate, plain_client, token_arg, verify_with};
use crate::error::{CliError, usage};
use crate::render;

pub async fn run(args: InspectArgs) -> Result<(), CliError> {
    let token = token_arg(&args.token, &mut false)?;
    let decoded = decode(&token);
    let client = plain_client()?;
    let now = client.now();
    let findings = match &decoded {
        DecodedToken::Jwt(jwt) => check_token(
            jwt,
            if args.access_token {
                TokenRole::AccessToken
            } else {
                TokenRole::Unknown
            },
        ),
        DecodedToken::Saml(_) | DecodedToken::Opaque(_) => Vec::new(),
    };
    let saml_verification = match (&args.saml_certificate, decoded.saml()) {
        (Some(source), Some(_)) => {
            let der = load_saml_certificate(&client, source).await?;
            Some(baton_core::saml::verify_saml(
                &token,
                &der,
                now,
                args.audience.as_deref(),
            ))
        }
        (Some(_), None) => {
            return Err(usage(
                "--saml-certificate verifies a SAML assertion, and this token is not one",
            ));
        }
        _ => None,
    };
    let verification = match &args.jwks {
        Some(source) if decoded.jwt().is_some() => {
            let jwks = load_jwks(&client, source).await?;
            for skipped in &jwks.skipped {
                eprintln!("note: JWKS key skipped: {skipped}");
            }
            Some(verify_with(
                &token,
                &jwks,
                now,
                args.issuer.clone(),
                args.audience.clone(),
                args.leeway,
            ))
        }
        _ => None,
    };
    if args.json {
        let value = match &saml_verification {
            Some(v) => json!({ "token": decoded, "findings": findings, "verification": v }),
            None => {
                json!({ "token": decoded, "findings": findings, "verification": verification })
            }
        };
        println!(
            "{}",
            serde_json::to_string_pretty(&value).map_err(|e| usage(e.to_string()))?
        );
    } else {
        let mut out = String::new();
        render::decoded(&mut out, &decoded, now);
        if let Some(v) = &verification {
            render::verification(&mut out, v);
        } else if decoded.jwt().is_some() {
            render::signature_not_checked(&mut out, "--jwks URL|FILE");
        }
        if let Some(v) = &saml_verification {
            render::saml_verification(&mut out, v);
        } else if decoded.saml().is_some() {
            render::signature_not_checked(&mut out, "--saml-certificate URL|FILE");
        }
        if decoded.jwt().is_some() {
            render::findings(&mut out, &findings);
        }
        print!("{out}");
    }
    if let DecodedToken::Opaque(o) = &decoded
        && token.contains('.')
    {
        // It looked like a JWT but is not one: that is bad input, not an opaque token.
        return Err(usage(format!(
            "the token could not be decoded: {}",
            o.reason
        )));
    }
    if verification.is_some_and(|v| !v.valid) || saml_verification.is_some_and(|v| !v.valid) {
        return Err(CliError::Refused("the token did not verify".into()));
    }
    Ok(())
}
