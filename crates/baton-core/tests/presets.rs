//! Provider presets: every embedded file loads and fills into valid URLs, and for each provider a
//! request that breaks one of its rules is warned about before it is sent, a correct one is not,
//! and a recorded error response (shaped from the provider's documentation) gets its advice.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use baton_core::auth::AuthMethod;
use baton_core::http::{HttpClient, HttpRequest, HttpResponse, TransportError};
use baton_core::preset::{Preset, RuleKind, parse};
use baton_core::token_type::{ACCESS_TOKEN, ID_TOKEN, JWT};
use baton_core::{ClientAuth, ExchangeParams, FixedClock, Secret, TokenClient, TokenRequest};

const NOW: i64 = 1_800_000_000;

/// Answers every request with one recorded response, and keeps what it was sent.
struct Replay {
    seen: Mutex<Vec<HttpRequest>>,
    reply: HttpResponse,
}

#[async_trait]
impl HttpClient for Replay {
    async fn send(&self, request: &HttpRequest) -> Result<HttpResponse, TransportError> {
        self.seen.lock().expect("lock").push(request.clone());
        Ok(self.reply.clone())
    }
}

fn json(status: u16, body: &str) -> HttpResponse {
    HttpResponse {
        status,
        headers: vec![("content-type".into(), "application/json".into())],
        body: body.as_bytes().to_vec(),
    }
}

fn exchange(subject_type: &str, requested: Option<&str>, actor: bool) -> TokenRequest {
    let (actor_token, actor_type) = if actor {
        (
            Some("actor.token.value".to_string()),
            Some(ACCESS_TOKEN.to_string()),
        )
    } else {
        (None, None)
    };
    TokenRequest::exchange(
        ExchangeParams::new(
            "subject.token.value",
            subject_type,
            actor_token,
            actor_type,
            requested.map(str::to_string),
        )
        .expect("valid exchange"),
    )
}

fn auth(method: AuthMethod) -> ClientAuth {
    let client_id = "svc".to_string();
    let secret = Secret::new("svc-secret");
    match method {
        AuthMethod::ClientSecretBasic => ClientAuth::SecretBasic { client_id, secret },
        AuthMethod::ClientSecretPost => ClientAuth::SecretPost { client_id, secret },
        AuthMethod::None
        | AuthMethod::PrivateKeyJwt
        | AuthMethod::TlsClientAuth
        | AuthMethod::SelfSignedTlsClientAuth => ClientAuth::None { client_id },
    }
}

/// One provider: a correct request, one that breaks a rule, and a recorded error.
struct Case {
    id: &'static str,
    good: TokenRequest,
    /// When the provider's correct request is not an RFC 8693 exchange (Entra), its form.
    good_form: Option<Vec<(&'static str, &'static str)>>,
    good_auth: AuthMethod,
    bad: TokenRequest,
    bad_auth: AuthMethod,
    broken: (RuleKind, Option<&'static str>),
    success: &'static str,
    error: (u16, &'static str),
    advice: &'static str,
}

fn cases(profiles: &BTreeMap<&str, baton_core::preset::ServerProfile>) -> Vec<Case> {
    let basic = AuthMethod::ClientSecretBasic;
    let google_audience = profiles["google-sts"]
        .audience
        .clone()
        .expect("an audience");
    vec![
        Case {
            id: "keycloak",
            good: exchange(ACCESS_TOKEN, Some(ACCESS_TOKEN), false).audience("target-client"),
            good_form: None,
            good_auth: basic,
            bad: exchange(ACCESS_TOKEN, None, false).param("subject_issuer", "github"),
            bad_auth: basic,
            broken: (RuleKind::Forbidden, Some("subject_issuer")),
            success: r#"{"access_token":"kc-at","issued_token_type":"urn:ietf:params:oauth:token-type:access_token","token_type":"Bearer","expires_in":300}"#,
            error: (
                403,
                r#"{"error":"access_denied","error_description":"Client not allowed to exchange"}"#,
            ),
            advice: "Standard token exchange",
        },
        Case {
            id: "keycloak-legacy",
            good: exchange(JWT, None, false).param("subject_issuer", "github"),
            good_form: None,
            good_auth: basic,
            bad: exchange(JWT, None, false).param("subject_issuer", "github"),
            bad_auth: AuthMethod::None,
            broken: (RuleKind::ClientAuth, None),
            success: r#"{"access_token":"kc-at","issued_token_type":"urn:ietf:params:oauth:token-type:access_token","token_type":"Bearer","expires_in":300}"#,
            error: (
                403,
                r#"{"error":"access_denied","error_description":"Client not allowed to exchange"}"#,
            ),
            advice: "token-exchange permission",
        },
        Case {
            id: "okta",
            good: exchange(ACCESS_TOKEN, None, false)
                .audience("api://default")
                .scope("api:access:read"),
            good_form: None,
            good_auth: basic,
            bad: exchange(ACCESS_TOKEN, None, false).audience("api://default"),
            bad_auth: basic,
            broken: (RuleKind::Required, Some("scope")),
            success: r#"{"token_type":"Bearer","expires_in":3600,"access_token":"okta-at","scope":"api:access:read","issued_token_type":"urn:ietf:params:oauth:token-type:access_token"}"#,
            error: (
                400,
                r#"{"error":"unauthorized_client","error_description":"The client is not authorized to use the provided grant type. Configured grant types: [client_credentials]."}"#,
            ),
            advice: "Token Exchange grant type",
        },
        Case {
            id: "okta-xaa",
            good: exchange(
                ID_TOKEN,
                Some("urn:ietf:params:oauth:token-type:id-jag"),
                false,
            )
            .audience("https://auth.chat.example/"),
            good_form: None,
            good_auth: basic,
            bad: exchange(ID_TOKEN, Some(ACCESS_TOKEN), false)
                .audience("https://auth.chat.example/"),
            bad_auth: basic,
            broken: (RuleKind::RequiredValue, Some("requested_token_type")),
            success: r#"{"issued_token_type":"urn:ietf:params:oauth:token-type:id-jag","access_token":"eyJ.id-jag.sig","token_type":"N_A","expires_in":300}"#,
            error: (400, r#"{"error":"invalid_target"}"#),
            advice: "Cross App Access",
        },
        Case {
            id: "auth0",
            good: exchange("urn:acme:legacy-token", None, false)
                .audience("https://api.acme.example"),
            good_form: None,
            good_auth: AuthMethod::ClientSecretPost,
            bad: exchange(ACCESS_TOKEN, None, false).audience("https://api.acme.example"),
            bad_auth: AuthMethod::ClientSecretPost,
            broken: (RuleKind::ForbiddenPrefix, Some("subject_token_type")),
            success: r#"{"access_token":"auth0-at","id_token":"eyJ.id.sig","scope":"openid profile","expires_in":86400,"token_type":"Bearer"}"#,
            error: (
                403,
                r#"{"error":"consent_required","error_description":"Consent required"}"#,
            ),
            advice: "Allow Skipping User Consent",
        },
        Case {
            id: "entra",
            good: exchange(ACCESS_TOKEN, None, false),
            good_form: Some(vec![
                ("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer"),
                ("assertion", "eyJ.token-a.sig"),
                ("requested_token_use", "on_behalf_of"),
                (
                    "scope",
                    "https://graph.microsoft.com/user.read offline_access",
                ),
            ]),
            good_auth: AuthMethod::ClientSecretPost,
            bad: exchange(ACCESS_TOKEN, None, false).scope("https://graph.microsoft.com/user.read"),
            bad_auth: AuthMethod::ClientSecretPost,
            broken: (RuleKind::GrantType, Some("grant_type")),
            success: r#"{"token_type":"Bearer","scope":"https://graph.microsoft.com/user.read","expires_in":3269,"ext_expires_in":0,"access_token":"entra-at","refresh_token":"entra-rt"}"#,
            error: (
                400,
                r#"{"error":"invalid_grant","error_description":"AADSTS65001: The user or administrator has not consented to use the application with ID 'a1b2' named 'middle-tier'. Send an interactive authorization request for this user and resource.\r\nTrace ID: 39d9bace\r\nCorrelation ID: edfbb88f\r\nTimestamp: 2019-05-22 22:25:24Z","error_codes":[65001],"suberror":"consent_required"}"#,
            ),
            advice: "admin consent",
        },
        Case {
            id: "google-sts",
            good: exchange(JWT, Some(ACCESS_TOKEN), false)
                .audience(google_audience.clone())
                .scope("https://www.googleapis.com/auth/cloud-platform"),
            good_form: None,
            good_auth: AuthMethod::None,
            bad: exchange(JWT, Some(ACCESS_TOKEN), false)
                .audience(google_audience)
                .scope("https://www.googleapis.com/auth/cloud-platform"),
            bad_auth: basic,
            broken: (RuleKind::ClientAuth, None),
            success: r#"{"access_token":"ya29.federated","issued_token_type":"urn:ietf:params:oauth:token-type:access_token","token_type":"Bearer","expires_in":3599}"#,
            error: (
                400,
                r#"{"error":"invalid_request","error_description":"Invalid value for \"audience\". This value should be the full resource name of the Identity Provider. See https://cloud.google.com/iam/docs/reference/sts/rest/v1/TopLevel/token for the list of possible formats."}"#,
            ),
            advice: "full resource name",
        },
        Case {
            id: "zitadel",
            good: exchange(ACCESS_TOKEN, Some(ID_TOKEN), false),
            good_form: None,
            good_auth: basic,
            bad: exchange("urn:zitadel:params:oauth:token-type:user_id", None, false),
            bad_auth: basic,
            broken: (RuleKind::ActorNeeded, Some("actor_token")),
            success: r#"{"access_token":"zitadel-opaque","issued_token_type":"urn:ietf:params:oauth:token-type:id_token","token_type":"N_A","expires_in":43199}"#,
            error: (400, r#"{"error":"unsupported_grant_type"}"#),
            advice: "beta feature",
        },
        Case {
            id: "dex",
            good: exchange(ID_TOKEN, Some(ACCESS_TOKEN), false)
                .scope("openid")
                .param("connector_id", "github-actions"),
            good_form: None,
            good_auth: basic,
            bad: exchange(ID_TOKEN, Some(ACCESS_TOKEN), false).scope("openid"),
            bad_auth: basic,
            broken: (RuleKind::Required, Some("connector_id")),
            success: r#"{"access_token":"eyJ.dex.sig","issued_token_type":"urn:ietf:params:oauth:token-type:access_token","token_type":"bearer","expires_in":86399}"#,
            error: (400, r#"{"error":"unsupported_grant_type"}"#),
            advice: "oauth2.grantTypes",
        },
        Case {
            id: "spring",
            good: exchange(ACCESS_TOKEN, Some(JWT), true),
            good_form: None,
            good_auth: basic,
            bad: exchange(ACCESS_TOKEN, Some(ID_TOKEN), false),
            bad_auth: basic,
            broken: (RuleKind::RequestedTokenType, Some("requested_token_type")),
            success: r#"{"access_token":"spring-at","issued_token_type":"urn:ietf:params:oauth:token-type:jwt","token_type":"Bearer","expires_in":299}"#,
            error: (400, r#"{"error":"unauthorized_client"}"#),
            advice: "AuthorizationGrantType.TOKEN_EXCHANGE",
        },
    ]
}

#[test]
fn every_embedded_preset_loads_and_fills_with_its_examples_into_valid_urls() {
    assert_eq!(Preset::load_problems(), &[] as &[String]);
    let ids: Vec<&str> = Preset::all().iter().map(|p| p.id.as_str()).collect();
    for expected in [
        "keycloak",
        "keycloak-legacy",
        "okta",
        "okta-xaa",
        "auth0",
        "entra",
        "google-sts",
        "zitadel",
        "dex",
        "spring",
    ] {
        assert!(
            ids.contains(&expected),
            "{expected} is not embedded: {ids:?}"
        );
    }
    for preset in Preset::all() {
        assert!(!preset.sources.is_empty(), "{} cites no source", preset.id);
        assert!(!preset.verified_against_real_service, "{}", preset.id);
        let profile = preset
            .fill(&preset.example_parameters())
            .unwrap_or_else(|e| panic!("{}: {e}", preset.id));
        let urls = [
            Some(&profile.token_endpoint),
            profile.issuer.as_ref(),
            profile.discovery_url.as_ref(),
            profile.jwks_uri.as_ref(),
            profile.introspection_endpoint.as_ref(),
        ];
        for url in urls.into_iter().flatten() {
            let parsed = url::Url::parse(url).unwrap_or_else(|e| panic!("{url}: {e}"));
            assert_eq!(parsed.scheme(), "https", "{}: {url}", preset.id);
            assert!(!url.contains(['{', '}']), "{}: {url}", preset.id);
        }
        for example in preset.parameters.iter().map(|p| &p.example) {
            assert!(
                profile
                    .token_endpoint
                    .contains(example.trim_end_matches('/'))
                    || preset.id == "google-sts",
                "{}: the token endpoint does not use {example}",
                preset.id
            );
        }
    }
    let google = Preset::find("google-sts").expect("embedded");
    let profile = google.fill(&google.example_parameters()).expect("fills");
    assert_eq!(
        profile.audience.as_deref(),
        Some(
            "//iam.googleapis.com/projects/123456789012/locations/global/workloadIdentityPools/my-pool/providers/my-oidc-provider"
        )
    );
    assert_eq!(
        profile.token_endpoint,
        "https://sts.googleapis.com/v1/token"
    );
}

#[test]
fn a_broken_preset_file_is_refused_with_the_file_and_the_fault() {
    let text = r#"
id = "acme"
name = "Acme"
description = "d"
sources = ["https://acme.example/docs"]
verified_against_real_service = false
[[parameters]]
name = "domain"
kind = "host"
description = "d"
example = "acme.example"
[endpoints]
token = "https://{domain}/token/{tenant}"
[rules]
grant_type = "urn:ietf:params:oauth:grant-type:token-exchange"
actor = "undocumented"
[[errors]]
error = "invalid_grant"
description_regex = "(unclosed"
advice = "a"
"#;
    let err = parse("acme.toml", text).unwrap_err();
    assert!(err.starts_with("acme.toml: "), "{err}");
    assert!(err.contains("{tenant}"), "{err}");
    assert!(err.contains("does not compile"), "{err}");
    let err = parse("other.toml", text).unwrap_err();
    assert!(err.contains("not the file's name"), "{err}");
    let err = parse("acme.toml", "id = \"acme\"\nname = 3").unwrap_err();
    assert!(err.starts_with("acme.toml: "), "{err}");
}

#[tokio::test]
async fn each_provider_warns_before_sending_and_explains_its_errors() {
    let profiles: BTreeMap<&str, _> = Preset::all()
        .iter()
        .map(|p| {
            (
                p.id.as_str(),
                p.fill(&p.example_parameters()).expect("fills"),
            )
        })
        .collect();
    let cases = cases(&profiles);
    assert_eq!(cases.len(), Preset::all().len(), "a provider has no case");
    for case in cases {
        let preset = Preset::find(case.id).expect("embedded");
        let profile = &profiles[case.id];

        // A correct request: no warning, and the recorded success is read as one.
        let warnings = match &case.good_form {
            Some(form) => preset.check_form(
                &form
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect::<Vec<_>>(),
                case.good_auth,
            ),
            None => preset.check(&case.good, case.good_auth),
        };
        assert_eq!(
            warnings,
            vec![],
            "{}: a correct request was warned about",
            case.id
        );
        let replay = Arc::new(Replay {
            seen: Mutex::new(Vec::new()),
            reply: json(200, case.success),
        });
        let client = TokenClient::new(replay.clone(), Arc::new(FixedClock(NOW)));
        let result = client
            .execute(&profile.token_endpoint, &auth(case.good_auth), &case.good)
            .await
            .expect("sent");
        assert!(result.response.success().is_some(), "{}", case.id);
        assert_eq!(preset.explain(&result.response), None, "{}", case.id);
        assert_eq!(
            replay.seen.lock().expect("lock")[0].url,
            profile.token_endpoint,
            "{}",
            case.id
        );

        // A request that breaks a rule: warned about, naming the rule and the parameter.
        let warnings = preset.check(&case.bad, case.bad_auth);
        let (rule, parameter) = case.broken;
        let warning = warnings
            .iter()
            .find(|w| w.rule == rule && w.parameter.as_deref() == parameter)
            .unwrap_or_else(|| panic!("{}: no {rule:?} warning in {warnings:#?}", case.id));
        assert_eq!(warning.preset_id, case.id);
        assert_eq!(warning.provider, preset.name);
        assert!(!warning.fix.is_empty() && warning.to_string().contains(&preset.name));

        // Its recorded error response gets the provider's advice.
        let replay = Arc::new(Replay {
            seen: Mutex::new(Vec::new()),
            reply: json(case.error.0, case.error.1),
        });
        let client = TokenClient::new(replay, Arc::new(FixedClock(NOW)));
        let result = client
            .execute(&profile.token_endpoint, &auth(case.bad_auth), &case.bad)
            .await
            .expect("sent");
        let advice = preset
            .explain(&result.response)
            .unwrap_or_else(|| panic!("{}: no advice for {}", case.id, result.response.body));
        assert!(
            advice.advice.contains(case.advice),
            "{}: {advice:#?}",
            case.id
        );
        assert_eq!(advice.preset_id, case.id);
        assert!(!advice.sources.is_empty());
    }
}

#[test]
fn entra_tells_its_aadsts_codes_apart() {
    let entra = Preset::find("entra").expect("embedded");
    let assertion = entra
        .explain_error(
            Some(400),
            "invalid_grant",
            Some("AADSTS50013: Assertion failed signature validation."),
        )
        .expect("advice");
    assert!(
        assertion.advice.contains("aud must be the API"),
        "{assertion:?}"
    );
    assert!(assertion.matched.contains("AADSTS50013"));
    let consent = entra
        .explain_error(
            Some(400),
            "invalid_grant",
            Some("AADSTS65001: not consented"),
        )
        .expect("advice");
    assert_ne!(consent.advice, assertion.advice);
    let mfa = entra
        .explain_error(
            Some(400),
            "interaction_required",
            Some("AADSTS50076: MFA required"),
        )
        .expect("advice");
    assert!(mfa.advice.contains("multi-factor"));
    // A code it does not know, or the right code with another error, gets no advice.
    assert_eq!(
        entra.explain_error(Some(400), "invalid_grant", Some("AADSTS700024: expired")),
        None
    );
    assert_eq!(
        entra.explain_error(Some(400), "invalid_request", Some("AADSTS65001")),
        None
    );
}

#[test]
fn keycloak_warns_a_public_client_and_a_v1_parameter_at_once() {
    let keycloak = Preset::find("keycloak").expect("embedded");
    let request = exchange(ID_TOKEN, None, false).param("requested_subject", "alice");
    let warnings = keycloak.check(&request, AuthMethod::None);
    let rules: Vec<RuleKind> = warnings.iter().map(|w| w.rule).collect();
    assert_eq!(
        rules,
        vec![
            RuleKind::Forbidden,
            RuleKind::SubjectTokenType,
            RuleKind::ClientAuth
        ],
        "{warnings:#?}"
    );
    assert!(warnings[1].fix.contains(ACCESS_TOKEN));
    assert!(warnings[2].fix.contains("confidential"));
}

#[test]
fn unknown_presets_are_named_with_the_known_ones() {
    let err = Preset::get("cognito").unwrap_err();
    assert!(err.to_string().contains("cognito") && err.to_string().contains("keycloak"));
    assert_eq!(
        Preset::find(" Keycloak ").map(|p| p.id.as_str()),
        Some("keycloak")
    );
}
