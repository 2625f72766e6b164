//! RFC 8414 authorization server metadata and the JWKS.

use std::sync::Arc;
use std::time::SystemTime;

use axum::extract::State;
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

use crate::dpop::DPOP_ALGS;
use crate::keys::CLIENT_ASSERTION_ALGS;
use crate::lab::Lab;
use crate::log::{RequestLogEntry, RequestOutcome};
use crate::policy::Grant;
use crate::response::json;

pub(crate) fn metadata_document(lab: &Lab) -> Value {
    let mut document = json!({
        "issuer": lab.issuer,
        "token_endpoint": lab.token_endpoint(),
        "jwks_uri": lab.jwks_uri(),
        // Not registered in RFC 8414: where the certificate of the lab's SAML signatures is.
        "saml_certificate_uri": lab.saml_certificate_uri(),
        "introspection_endpoint": lab.introspection_endpoint(),
        "grant_types_supported": [
            Grant::ClientCredentials.grant_type(),
            Grant::Password.grant_type(),
            Grant::RefreshToken.grant_type(),
            Grant::TokenExchange.grant_type(),
            Grant::JwtBearer.grant_type(),
            Grant::AuthorizationCode.grant_type(),
            Grant::DeviceCode.grant_type(),
        ],
        "authorization_endpoint": lab.authorization_endpoint(),
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "code_challenge_methods_supported": [crate::signin::pkce::S256],
        // RFC 9207: every authorization response carries `iss`.
        "authorization_response_iss_parameter_supported": true,
        "pushed_authorization_request_endpoint": lab.par_endpoint(),
        "device_authorization_endpoint": lab.device_authorization_endpoint(),
        "scopes_supported": lab.policy.all_scopes(),
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post", "private_key_jwt", "none"],
        "token_endpoint_auth_signing_alg_values_supported": CLIENT_ASSERTION_ALGS,
        "introspection_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post", "private_key_jwt"],
        "introspection_endpoint_auth_signing_alg_values_supported": CLIENT_ASSERTION_ALGS,
        "revocation_endpoint": lab.revocation_endpoint(),
        "revocation_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post", "private_key_jwt"],
        "revocation_endpoint_auth_signing_alg_values_supported": CLIENT_ASSERTION_ALGS,
        // For clients that read the OpenID Connect discovery document of the same server.
        "id_token_signing_alg_values_supported": [lab.policy.signing_alg.as_str()],
        "subject_types_supported": ["public"],
        // RFC 9449 §5.1.
        "dpop_signing_alg_values_supported": DPOP_ALGS,
    });
    if lab.tls.is_some()
        && let Value::Object(map) = &mut document
    {
        add_mutual_tls(lab, map);
    }
    document
}

/// RFC 8705 metadata, for a lab that serves HTTPS (over plain HTTP no certificate can be shown).
fn add_mutual_tls(lab: &Lab, map: &mut Map<String, Value>) {
    for key in [
        "token_endpoint_auth_methods_supported",
        "introspection_endpoint_auth_methods_supported",
        "revocation_endpoint_auth_methods_supported",
    ] {
        if let Some(Value::Array(methods)) = map.get_mut(key) {
            methods.push(json!("tls_client_auth"));
            methods.push(json!("self_signed_tls_client_auth"));
        }
    }
    // §3.3.
    map.insert(
        "tls_client_certificate_bound_access_tokens".into(),
        json!(true),
    );
    // §5: the lab asks every connection for an optional certificate, so the mutual-TLS endpoints
    // are the ordinary ones, on the same port.
    map.insert(
        "mtls_endpoint_aliases".into(),
        json!({
            "token_endpoint": lab.token_endpoint(),
            "introspection_endpoint": lab.introspection_endpoint(),
            "revocation_endpoint": lab.revocation_endpoint(),
            "pushed_authorization_request_endpoint": lab.par_endpoint(),
            "device_authorization_endpoint": lab.device_authorization_endpoint(),
        }),
    );
}

pub(crate) async fn metadata_endpoint(State(lab): State<Arc<Lab>>, uri: Uri) -> Response {
    log_served(&lab, uri.path());
    json(StatusCode::OK, &metadata_document(&lab))
}

pub(crate) async fn jwks_endpoint(State(lab): State<Arc<Lab>>, uri: Uri) -> Response {
    log_served(&lab, uri.path());
    json(StatusCode::OK, &json!({ "keys": [lab.key.public_jwk()] }))
}

/// The certificate of the lab's signing key, in PEM: what a SAML relying party is configured to
/// trust for the lab's assertions.
pub(crate) async fn saml_certificate_endpoint(State(lab): State<Arc<Lab>>, uri: Uri) -> Response {
    log_served(&lab, uri.path());
    let pem = crate::saml::certificate::pem(&lab.key.certificate);
    (
        StatusCode::OK,
        [(
            axum::http::header::CONTENT_TYPE,
            "application/pem-certificate-chain",
        )],
        pem,
    )
        .into_response()
}

fn log_served(lab: &Lab, path: &str) {
    lab.log.push(RequestLogEntry {
        time: SystemTime::now(),
        endpoint: path.to_owned(),
        grant_type: None,
        client_id: None,
        outcome: RequestOutcome::Served,
        status: 200,
    });
}
