//! Client authentication at the token, introspection and revocation endpoints:
//! `client_secret_basic`, `client_secret_post`, `private_key_jwt` (RFC 7523), the mutual-TLS
//! methods `tls_client_auth` and `self_signed_tls_client_auth` (RFC 8705 §2, see [`mtls`]) and
//! `none` for public clients (token endpoint only).

use axum::http::{HeaderMap, header};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use jsonwebtoken::Validation;
use serde_json::{Map, Value};

use crate::errors::OAuthError;
use crate::form::{Form, url_decode};
use crate::keys::describe_jwt_error;
use crate::lab::Lab;
use crate::mtls;
use crate::policy::{Client, ClientAuth};
use crate::text::quoted;
use crate::tls::ClientCertificate;

pub(crate) const JWT_BEARER_ASSERTION: &str =
    "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/// The longest client assertion `jti` the lab keeps in its replay cache.
const MAX_JTI_CHARS: usize = 256;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Endpoint {
    Token,
    Introspection,
    Revocation,
}

impl Endpoint {
    fn verb(self) -> &'static str {
        match self {
            Endpoint::Token => "get tokens",
            Endpoint::Introspection => "introspect",
            Endpoint::Revocation => "revoke",
        }
    }
}

/// The credentials a request carries, before they are checked.
enum Presented<'f> {
    Basic { id: String, secret: String },
    Post { secret: &'f str },
    Assertion { assertion: &'f str },
    Nothing,
}

/// Identifies and authenticates the client. `client_id` is set as soon as the request names a
/// client, so the request log can show who failed.
pub(crate) fn authenticate<'l>(
    lab: &'l Lab,
    headers: &HeaderMap,
    peer: Option<&ClientCertificate>,
    form: &Form,
    endpoint: Endpoint,
    client_id: &mut Option<String>,
) -> Result<&'l Client, OAuthError> {
    let basic = basic_credentials(headers)?;
    let used_basic = basic.is_some();
    let result = authenticate_inner(lab, basic, peer, form, endpoint, client_id);
    // RFC 6749 §5.2: a client that tried Basic gets a Basic challenge with its 401.
    result.map_err(|e| e.with_basic_challenge(used_basic))
}

fn authenticate_inner<'l>(
    lab: &'l Lab,
    basic: Option<(String, String)>,
    peer: Option<&ClientCertificate>,
    form: &Form,
    endpoint: Endpoint,
    client_id: &mut Option<String>,
) -> Result<&'l Client, OAuthError> {
    let body_id = form.single("client_id")?;
    let post_secret = form.single("client_secret")?;
    let assertion = form.single("client_assertion")?;

    let mut methods = Vec::new();
    if basic.is_some() {
        methods.push("client_secret_basic");
    }
    if post_secret.is_some() {
        methods.push("client_secret_post");
    }
    if assertion.is_some() {
        methods.push("private_key_jwt");
    }
    if methods.len() > 1 {
        // RFC 6749 §2.3: a client must not use more than one authentication method per request.
        return Err(OAuthError::invalid_request(format!(
            "the request uses more than one client authentication method ({})",
            methods.join(", ")
        )));
    }

    let presented = match (basic, post_secret, assertion) {
        (Some((id, secret)), _, _) => Presented::Basic { id, secret },
        (_, Some(secret), _) => Presented::Post { secret },
        (_, _, Some(assertion)) => Presented::Assertion { assertion },
        _ => Presented::Nothing,
    };

    let claimed_id = match &presented {
        Presented::Basic { id, .. } => {
            if let Some(body_id) = body_id
                && body_id != id
            {
                return Err(OAuthError::invalid_request(format!(
                    "client_id {} in the body differs from {} in the Authorization header",
                    quoted(body_id),
                    quoted(id)
                )));
            }
            id.clone()
        }
        Presented::Post { .. } => body_id
            .ok_or_else(|| OAuthError::missing("client_id"))?
            .to_owned(),
        Presented::Assertion { assertion } => {
            let iss = assertion_issuer(assertion)?;
            if let Some(body_id) = body_id
                && body_id != iss
            {
                return Err(OAuthError::invalid_client(format!(
                    "client_id {} differs from the client assertion's iss {}",
                    quoted(body_id),
                    quoted(&iss)
                )));
            }
            iss
        }
        Presented::Nothing => match body_id {
            Some(id) => id.to_owned(),
            None => {
                return Err(OAuthError::invalid_client(
                    "no client authentication: send HTTP Basic, client_secret, a client_assertion, or (public and mutual-TLS clients) client_id",
                ));
            }
        },
    };
    *client_id = Some(claimed_id.clone());

    let Some(client) = lab.policy.client(&claimed_id) else {
        return Err(OAuthError::invalid_client(format!(
            "unknown client {}",
            quoted(&claimed_id)
        )));
    };

    match (&client.auth, presented) {
        (ClientAuth::ClientSecret(expected), Presented::Basic { secret, .. }) => {
            check_secret(client, expected.matches(&secret))?
        }
        (ClientAuth::ClientSecret(expected), Presented::Post { secret }) => {
            check_secret(client, expected.matches(secret))?
        }
        (ClientAuth::PrivateKeyJwt { .. }, Presented::Assertion { assertion }) => {
            check_assertion(lab, client, form, assertion, endpoint)?
        }
        (ClientAuth::None, Presented::Nothing) => {
            if endpoint != Endpoint::Token {
                // RFC 7662 §2.1: introspection needs real authentication; a client_id is not.
                // The lab asks the same for revocation.
                return Err(OAuthError::invalid_client(format!(
                    "client {:?} is public and may not {verb}: that needs an authenticated client",
                    client.client_id,
                    verb = endpoint.verb()
                )));
            }
        }
        (ClientAuth::TlsClientAuth { subject }, Presented::Nothing) => {
            mtls::check_tls_client_auth(lab, client, subject, peer)?
        }
        (ClientAuth::SelfSignedTlsClientAuth { certificate }, Presented::Nothing) => {
            mtls::check_self_signed(lab, client, certificate, peer)?
        }
        (ClientAuth::None, _) => {
            return Err(OAuthError::invalid_client(format!(
                "client {:?} is public: it has no credentials and sends only client_id",
                client.client_id
            )));
        }
        (auth, Presented::Nothing) => {
            return Err(OAuthError::invalid_client(format!(
                "client {:?} is confidential and must authenticate ({}); it sent only client_id",
                client.client_id,
                auth.method_name()
            )));
        }
        (auth, _) => {
            return Err(OAuthError::invalid_client(format!(
                "client {:?} must authenticate with {}",
                client.client_id,
                auth.method_name()
            )));
        }
    }
    Ok(client)
}

fn check_secret(client: &Client, ok: bool) -> Result<(), OAuthError> {
    if ok {
        Ok(())
    } else {
        Err(OAuthError::invalid_client(format!(
            "wrong client secret for client {:?}",
            client.client_id
        )))
    }
}

/// `Authorization: Basic base64(urlencode(id) ":" urlencode(secret))` (RFC 6749 §2.3.1).
fn basic_credentials(headers: &HeaderMap) -> Result<Option<(String, String)>, OAuthError> {
    let mut all = headers.get_all(header::AUTHORIZATION).iter();
    let Some(value) = all.next() else {
        return Ok(None);
    };
    if all.next().is_some() {
        // Which one would count is ambiguous (and proxies differ): refuse, never take the first.
        return Err(OAuthError::invalid_request(
            "the request has more than one Authorization header",
        ));
    }
    let bad = |why: &str| {
        OAuthError::invalid_client(format!("malformed Authorization header: {why}"))
            .with_basic_challenge(true)
    };
    let value = value.to_str().map_err(|_| bad("not ASCII"))?;
    let (scheme, rest) = value.split_once(' ').unwrap_or((value, ""));
    if !scheme.eq_ignore_ascii_case("basic") {
        return Err(bad(&format!("scheme {} is not Basic", quoted(scheme))));
    }
    let decoded = STANDARD
        .decode(rest.trim())
        .map_err(|_| bad("the credentials are not base64"))?;
    let decoded = String::from_utf8(decoded).map_err(|_| bad("the credentials are not UTF-8"))?;
    let (id, secret) = decoded
        .split_once(':')
        .ok_or_else(|| bad("no ':' between client id and secret"))?;
    let id = url_decode(id).map_err(|e| bad(&format!("client id: {e}")))?;
    let secret = url_decode(secret).map_err(|_| bad("the secret is not form-urlencoded"))?;
    Ok(Some((id, secret)))
}

/// The `iss` of a client assertion, read before verification to find the client's key.
fn assertion_issuer(assertion: &str) -> Result<String, OAuthError> {
    crate::jwt_shape::check(assertion).map_err(|why| {
        OAuthError::invalid_client(format!("client_assertion cannot be read: {why}"))
    })?;
    let claims: Map<String, Value> = jsonwebtoken::dangerous::insecure_decode_claims(assertion)
        .map_err(|e| {
            OAuthError::invalid_client(format!(
                "client_assertion is not a JWT: {}",
                describe_jwt_error(&e)
            ))
        })?;
    claims
        .get("iss")
        .and_then(Value::as_str)
        .map(str::to_owned)
        .ok_or_else(|| OAuthError::invalid_client("client_assertion has no iss claim"))
}

/// RFC 7523 §3 checks of a `private_key_jwt` assertion.
fn check_assertion(
    lab: &Lab,
    client: &Client,
    form: &Form,
    assertion: &str,
    endpoint: Endpoint,
) -> Result<(), OAuthError> {
    match form.single("client_assertion_type")? {
        Some(JWT_BEARER_ASSERTION) => {}
        Some(other) => {
            return Err(OAuthError::invalid_request(format!(
                "client_assertion_type {} is not supported (expected {JWT_BEARER_ASSERTION})",
                quoted(other)
            )));
        }
        None => return Err(OAuthError::missing("client_assertion_type")),
    }
    let id = &client.client_id;
    let fail =
        |why: String| OAuthError::invalid_client(format!("client_assertion for {id:?} {why}"));
    let Some(key) = lab.client_keys.get(id) else {
        return Err(fail(
            "cannot be checked: the client has no usable key".to_owned(),
        ));
    };
    let mut validation = Validation::new(key.algorithms[0]);
    validation.algorithms = key.algorithms.clone();
    // Time and audience are checked below, against the lab's clock and endpoints.
    validation.validate_exp = false;
    validation.validate_aud = false;
    validation.required_spec_claims.clear();
    let claims = jsonwebtoken::decode::<Map<String, Value>>(assertion, &key.key, &validation)
        .map_err(|e| fail(format!("is not valid: {}", describe_jwt_error(&e))))?
        .claims;

    let str_claim = |name: &str| claims.get(name).and_then(Value::as_str);
    if str_claim("iss") != Some(id) || str_claim("sub") != Some(id) {
        return Err(fail(
            "must have iss and sub equal to the client_id".to_owned(),
        ));
    }
    let mut accepted = vec![lab.token_endpoint(), lab.issuer.clone()];
    match endpoint {
        Endpoint::Token => {}
        Endpoint::Introspection => accepted.push(lab.introspection_endpoint()),
        Endpoint::Revocation => accepted.push(lab.revocation_endpoint()),
    }
    let auds: Vec<&str> = match claims.get("aud") {
        Some(Value::String(s)) => vec![s.as_str()],
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).collect(),
        _ => vec![],
    };
    if !auds.iter().any(|a| accepted.iter().any(|x| x == a)) {
        let auds: Vec<String> = auds.iter().take(5).map(|a| quoted(a)).collect();
        return Err(fail(format!(
            "has aud [{}], which names neither {}",
            auds.join(", "),
            accepted.join(" nor ")
        )));
    }
    let now = lab.clock.now();
    let Some(exp) = claims.get("exp").and_then(Value::as_u64) else {
        return Err(fail("has no numeric exp".to_owned()));
    };
    if now >= exp {
        return Err(fail(format!(
            "expired at {exp} ({} s ago by the lab's clock)",
            now - exp
        )));
    }
    if let Some(nbf) = claims.get("nbf").and_then(Value::as_u64)
        && nbf > now
    {
        return Err(fail(format!("is not valid before {nbf}")));
    }
    let Some(jti) = str_claim("jti") else {
        return Err(fail("has no jti".to_owned()));
    };
    // The replay cache is bounded by count; this bounds each entry too.
    if jti.chars().count() > MAX_JTI_CHARS {
        return Err(fail(format!(
            "has a jti longer than {MAX_JTI_CHARS} characters"
        )));
    }
    if !lab.first_use_of_assertion(id, jti, exp) {
        return Err(fail(format!(
            "replays jti {}, which was already used",
            quoted(jti)
        )));
    }
    Ok(())
}
