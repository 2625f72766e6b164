//! RFC 6749 §4.1.3: redeeming an authorization code, with the PKCE check (RFC 7636 §4.6). A
//! code is used once; a second use revokes what the first got (RFC 6749 §4.1.2).

use serde_json::{Map, Value};

use super::Granted;
use crate::errors::OAuthError;
use crate::form::Form;
use crate::lab::Lab;
use crate::policy::Client;
use crate::signin::pkce;
use crate::signin::state::{CodeState, IssuedCode};
use crate::signin::user;
use crate::text::quoted;

pub(super) fn grant(
    lab: &Lab,
    client: &Client,
    form: &Form,
) -> Result<(Granted, Option<String>), OAuthError> {
    let code = form.required("code")?;
    let redirect_uri = form.required("redirect_uri")?;
    let verifier = form.single("code_verifier")?;
    let now = lab.clock.now();
    let issued = {
        let mut codes = lab.signin.codes();
        let (state, exp) = match codes.peek(code) {
            Some((state, exp)) => (state.clone(), exp),
            None => {
                return Err(OAuthError::invalid_grant(
                    "unknown authorization code (never issued, expired, or from another lab run)",
                ));
            }
        };
        let issued = match state {
            CodeState::Issued(issued) => issued,
            CodeState::Redeemed {
                access_jti,
                access_exp,
                refresh_token,
            } => {
                drop(codes);
                revoke_earlier(
                    lab,
                    access_jti.as_deref(),
                    access_exp,
                    refresh_token.as_deref(),
                );
                return Err(OAuthError::invalid_grant(
                    "the authorization code was already used; the tokens issued for it are revoked (RFC 6749 §4.1.2)",
                ));
            }
        };
        if now >= exp {
            codes.remove(code);
            return Err(OAuthError::invalid_grant(format!(
                "the authorization code expired at {exp} ({} s after it was issued)",
                crate::signin::state::CODE_LIFETIME
            )));
        }
        check(&issued, client, redirect_uri, verifier)?;
        // Used from here on, even if issuing fails below: a code is never good twice.
        codes.insert(
            code.to_owned(),
            CodeState::Redeemed {
                access_jti: None,
                access_exp: exp,
                refresh_token: None,
            },
            exp,
            now,
        );
        issued
    };
    let (granted, id_token) = user::issue(lab, client, &issued.signed_in, form)?;
    // Kept until the access token expires, so a replay during its life revokes it.
    let access_exp = granted.token.exp;
    lab.signin.codes().insert(
        code.to_owned(),
        CodeState::Redeemed {
            access_jti: jti_of(&granted.token.token),
            access_exp,
            refresh_token: granted.refresh_token.as_ref().map(|r| r.token.clone()),
        },
        access_exp,
        now,
    );
    Ok((granted, id_token))
}

/// Everything the code must be bound to: the client, the redirect URI, the PKCE challenge.
fn check(
    issued: &IssuedCode,
    client: &Client,
    redirect_uri: &str,
    verifier: Option<&str>,
) -> Result<(), OAuthError> {
    if issued.client_id != client.client_id {
        return Err(OAuthError::invalid_grant(format!(
            "the authorization code was issued to client {:?}, not {:?}",
            issued.client_id, client.client_id
        )));
    }
    if issued.redirect_uri != redirect_uri {
        return Err(OAuthError::invalid_grant(format!(
            "redirect_uri {} differs from the one of the authorization request ({:?})",
            quoted(redirect_uri),
            issued.redirect_uri
        )));
    }
    match (&issued.code_challenge, verifier) {
        (Some(challenge), Some(verifier)) => {
            if !pkce::well_formed(verifier) {
                return Err(OAuthError::invalid_grant(
                    "code_verifier must be 43 to 128 characters of A-Z a-z 0-9 - . _ ~ (RFC 7636 §4.1)",
                ));
            }
            if !pkce::verifies(verifier, challenge) {
                return Err(OAuthError::invalid_grant(
                    "code_verifier does not match the code_challenge (BASE64URL(SHA256(code_verifier)) differs, RFC 7636 §4.6)",
                ));
            }
        }
        (Some(_), None) => {
            return Err(OAuthError::invalid_grant(
                "code_verifier is missing: the authorization request had a code_challenge",
            ));
        }
        (None, Some(_)) => {
            return Err(OAuthError::invalid_grant(
                "the authorization request had no code_challenge, so a code_verifier is refused (RFC 9700 §2.1.1, PKCE downgrade)",
            ));
        }
        (None, None) => {}
    }
    Ok(())
}

/// The `jti` of a token the lab has just signed.
fn jti_of(token: &str) -> Option<String> {
    jsonwebtoken::dangerous::insecure_decode_claims::<Map<String, Value>>(token)
        .ok()
        .and_then(|claims| claims.get("jti").and_then(Value::as_str).map(str::to_owned))
}

fn revoke_earlier(lab: &Lab, jti: Option<&str>, exp: u64, refresh_token: Option<&str>) {
    if let Some(jti) = jti {
        // A full revocation list cannot take it; the refusal of the code stands regardless.
        let _ = lab.revoke_jti(jti, exp);
    }
    if let Some(rt) = refresh_token {
        lab.refresh_tokens().remove(rt);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::errors::ErrorCode;
    use crate::signin::state::{CODE_LIFETIME, test_lab, test_request};

    const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";

    /// A code issued at `issued_at`, redeemed by a lab whose clock reads `now`.
    fn redeem_at(issued_at: u64, now: u64) -> Result<(Granted, Option<String>), OAuthError> {
        let lab = test_lab(now);
        let client = lab.policy.client("signin-app").expect("signin-app");
        let alice = lab.policy.user("alice").expect("alice");
        let request = test_request();
        let signed_in = user::sign_in(&lab, client, alice, &request).expect("sign in");
        lab.signin.codes().insert(
            "code_1".to_owned(),
            CodeState::Issued(Box::new(IssuedCode {
                client_id: request.client_id.clone(),
                redirect_uri: request.redirect_uri.clone(),
                code_challenge: Some(pkce::s256(VERIFIER)),
                signed_in,
            })),
            issued_at + CODE_LIFETIME,
            issued_at,
        );
        let form = Form::from_query(&format!(
            "code=code_1&redirect_uri=http%3A%2F%2F127.0.0.1%3A9%2Fcallback&code_verifier={VERIFIER}"
        ))
        .expect("form");
        grant(&lab, client, &form)
    }

    #[test]
    fn a_code_lives_sixty_seconds() {
        assert!(redeem_at(1_000, 1_059).is_ok());
        let e = redeem_at(1_000, 1_060).err().expect("expired");
        assert_eq!(e.code, ErrorCode::InvalidGrant);
        assert!(
            e.description.contains("expired at 1060"),
            "{}",
            e.description
        );
    }
}
