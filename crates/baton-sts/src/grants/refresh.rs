//! RFC 6749 §6: refreshing. Refresh tokens are opaque, kept in memory, bound to the client they
//! were issued to, and rotated on use (RFC 9700 §4.14.2) keeping their original expiry.

use super::Granted;
use super::target::{parse_scope, resolve_audiences};
use crate::errors::OAuthError;
use crate::form::Form;
use crate::lab::Lab;
use crate::policy::{Client, ClientAuth};
use crate::text::quoted;
use crate::tokens::TokenKind;

pub(super) fn grant(lab: &Lab, client: &Client, form: &Form) -> Result<Granted, OAuthError> {
    let presented = form.required("refresh_token")?;
    let now = lab.clock.now();
    let record = {
        let mut store = lab.refresh_tokens();
        let Some(record) = store.peek(presented).map(|(r, _)| r.clone()) else {
            return Err(OAuthError::invalid_grant(
                "unknown refresh token (already used, revoked, or from another lab run)",
            ));
        };
        if now >= record.exp {
            store.remove(presented);
            return Err(OAuthError::invalid_grant(format!(
                "the refresh token expired at {}",
                record.exp
            )));
        }
        if record.spec.client_id != client.client_id {
            return Err(OAuthError::invalid_grant(format!(
                "the refresh token was issued to client {:?}, not {:?}",
                record.spec.client_id, client.client_id
            )));
        }
        record
    };

    // RFC 9449 §5: a refresh token issued with a DPoP proof is bound to that key.
    if let Some(bound) = crate::tokens::bound_jkt(&record.spec.extra) {
        match form.dpop_jkt() {
            Some(jkt) if jkt == bound => {}
            Some(jkt) => {
                return Err(OAuthError::invalid_dpop_proof(format!(
                    "the refresh token is bound to DPoP key {bound:?}, and the proof is signed with key {jkt:?}"
                )));
            }
            None => {
                return Err(OAuthError::invalid_dpop_proof(format!(
                    "the refresh token is bound to DPoP key {bound:?}: send a DPoP proof signed with it"
                )));
            }
        }
    }
    // RFC 8705 §4: a public client's refresh token is bound to its certificate. A confidential
    // client's is bound to the client, which authenticates (with its certificate, for the
    // mutual-TLS methods) on every refresh, so a renewed certificate keeps working (§7.1).
    if let Some(bound) = crate::tokens::bound_x5t(&record.spec.extra)
        && client.auth == ClientAuth::None
    {
        match form.certificate_x5t() {
            Some(x5t) if x5t == bound => {}
            Some(x5t) => {
                return Err(OAuthError::invalid_grant(format!(
                    "the refresh token is bound to the client certificate of x5t#S256 {bound:?}, and the request presented another one (x5t#S256 {x5t:?})"
                )));
            }
            None => {
                return Err(OAuthError::invalid_grant(format!(
                    "the refresh token is bound to the client certificate of x5t#S256 {bound:?}: present it"
                )));
            }
        }
    }
    let mut spec = record.spec.clone();
    super::bind_token(&mut spec, form);
    // A refresh may narrow scope (RFC 6749 §6) and audience (RFC 8707 §2.2), never widen them.
    if let Some(requested) = parse_scope(form.single("scope")?)? {
        if let Some(extra) = requested.iter().find(|s| !record.spec.scopes.contains(s)) {
            return Err(OAuthError::invalid_scope(format!(
                "scope {} was not granted with this refresh token (granted: {})",
                quoted(extra),
                record.spec.scopes.join(" ")
            )));
        }
        spec.scopes = requested;
    }
    let (audiences, resources) = (form.all("audience"), form.all("resource"));
    if !audiences.is_empty() || !resources.is_empty() {
        let aud = resolve_audiences(&lab.policy, client, &audiences, &resources)?;
        if let Some(extra) = aud.iter().find(|a| !record.spec.aud.contains(a)) {
            return Err(OAuthError::invalid_target(format!(
                "audience {} was not granted with this refresh token (granted: {})",
                quoted(extra),
                record.spec.aud.join(", ")
            )));
        }
        spec.aud = aud;
    }
    // Used up only once the request is known to be good, so a typo in `scope` costs nothing.
    if lab.refresh_tokens().remove(presented).is_none() {
        return Err(OAuthError::invalid_grant(
            "the refresh token was used by a concurrent request",
        ));
    }
    let token = lab.mint_jwt(&spec, TokenKind::AccessToken)?;
    // The rotated refresh token keeps the original grant, bound to what this request proved.
    let mut kept = record.spec;
    if let Some(cnf) = spec.extra.get("cnf") {
        kept.extra.insert("cnf".into(), cnf.clone());
    }
    let rotated = lab.store_refresh(kept, now, record.exp);
    Ok(Granted {
        token,
        refresh_token: Some(rotated),
        exchange: false,
    })
}
