//! Whatever a user pastes or a server sends, decoding and parsing answer instead of panicking.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use baton_core::findings::{ResponseCheck, TokenRole, check_response, check_token};
use baton_core::http::HttpResponse;
use baton_core::probe::forge::ForgeKey;
use baton_core::response::parse_token_response;
use baton_core::timestamp;
use baton_core::verify::{Jwks, VerifyOptions, verify};
use baton_core::{DecodedToken, decode};
use baton_core::{ExchangeParams, TokenRequest};
use proptest::prelude::*;

/// JSON-ish text: enough structure that the parsers get past their first checks.
fn jsonish() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        Just("null".to_string()),
        any::<i64>().prop_map(|n| n.to_string()),
        any::<f64>().prop_map(|f| f.to_string()),
        extreme_number(),
        "[a-z_]{0,8}".prop_map(|s| format!("{s:?}")),
    ];
    leaf.prop_recursive(6, 64, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(|v| format!("[{}]", v.join(","))),
            prop::collection::vec(
                (
                    prop_oneof![
                        Just("act".to_string()),
                        Just("sub".to_string()),
                        Just("aud".to_string()),
                        Just("exp".to_string()),
                        Just("iat".to_string()),
                        Just("nbf".to_string()),
                        Just("auth_time".to_string()),
                        Just("scope".to_string()),
                        Just("may_act".to_string()),
                        Just("error".to_string()),
                        Just("access_token".to_string()),
                        Just("expires_in".to_string()),
                        "[a-z]{1,5}"
                    ],
                    inner
                ),
                0..6
            )
            .prop_map(|kv| format!(
                "{{{}}}",
                kv.iter()
                    .map(|(k, v)| format!("{k:?}:{v}"))
                    .collect::<Vec<_>>()
                    .join(",")
            )),
        ]
    })
}

/// Numbers at and past the ends of what a time can be, as JSON text: `i64`'s and `u64`'s ends,
/// floats too large for any integer (`1e300`; `1e400` is past f64 and serde_json refuses it),
/// negative ones, and numbers near Baton's own range (years 1 to 9999).
fn extreme_number() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(i64::MIN.to_string()),
        Just(i64::MAX.to_string()),
        Just((i64::MIN + 1).to_string()),
        Just((i64::MAX - 1).to_string()),
        Just(u64::MAX.to_string()),
        Just("1e300".to_string()),
        Just("-1e300".to_string()),
        Just("1e400".to_string()),
        Just("-1.7976931348623157e308".to_string()),
        Just("9.3e18".to_string()),
        Just("-9.3e18".to_string()),
        Just("253402300799".to_string()),
        Just("253402300800".to_string()),
        Just("-62135596800".to_string()),
        Just("-62135596801".to_string()),
        any::<u64>().prop_map(|n| n.to_string()),
        any::<i64>().prop_map(|n| n.to_string()),
    ]
}

/// A token signed by a key in [`signing_jwks`], so verification reaches the claims.
fn signed(claims: &serde_json::Map<String, serde_json::Value>) -> String {
    let mut header = serde_json::Map::new();
    header.insert("kid".into(), SIGNER.kid().into());
    SIGNER.sign(&header, claims).expect("signs")
}

static SIGNER: std::sync::LazyLock<ForgeKey> =
    std::sync::LazyLock::new(|| ForgeKey::generate().expect("key"));

fn signing_jwks() -> Jwks {
    Jwks::parse(
        serde_json::json!({ "keys": [SIGNER.public_jwk()] })
            .to_string()
            .as_bytes(),
        "test",
    )
    .expect("jwks")
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, .. ProptestConfig::default() })]

    /// Times anywhere in (and past) i64 and u64, the clock and leeway too: decoding, verifying,
    /// findings and the way a time is shown answer without overflowing (this test binary is a
    /// debug build, where an overflow panics).
    #[test]
    fn extreme_times_never_overflow(
        iat in extreme_number(),
        nbf in extreme_number(),
        exp in extreme_number(),
        auth_time in extreme_number(),
        expires_in in extreme_number(),
        now in prop_oneof![any::<i64>(), Just(i64::MIN), Just(i64::MAX), Just(1_700_000_000i64)],
        leeway in prop_oneof![any::<i64>(), Just(i64::MIN), Just(i64::MAX), Just(60i64)],
    ) {
        let text = format!(r#"{{"sub":"alice","iat":{iat},"nbf":{nbf},"exp":{exp},"auth_time":{auth_time}}}"#);
        // 1e400 is no JSON number serde_json can hold: the whole claims set is refused, and
        // that is said, not panicked over.
        let Ok(claims) = serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(&text) else {
            let token = format!("{}.{}.c2ln", URL_SAFE_NO_PAD.encode(r#"{"alg":"ES256"}"#), URL_SAFE_NO_PAD.encode(&text));
            prop_assert!(decode(&token).jwt().is_none());
            return Ok(());
        };
        let token = signed(&claims);
        let DecodedToken::Jwt(jwt) = decode(&token) else {
            return Err(TestCaseError::fail("a signed token with numeric times decodes"));
        };
        let out_of_range = jwt.times_out_of_range();
        for name in ["iat", "nbf", "exp", "auth_time"] {
            match jwt.checked_time(name) {
                Some(Ok(t)) => {
                    prop_assert!((timestamp::MIN_TIME..=timestamp::MAX_TIME).contains(&t));
                    let shown = timestamp::describe(name, t, now);
                    prop_assert!(shown.ends_with(')') && shown.contains(" UTC ("), "{}", shown);
                }
                Some(Err(e)) => {
                    prop_assert!(jwt.time(name).is_none());
                    prop_assert!(out_of_range.contains(&e));
                    let shown = e.to_string();
                    prop_assert!(shown.starts_with(&format!("{name} ")), "{}", shown);
                    prop_assert!(shown.contains("is out of range"), "{}", shown);
                }
                None => prop_assert!(false, "{} is a number", name),
            }
            let _ = timestamp::relative(jwt.time(name).unwrap_or(now), now);
        }
        let findings = check_token(&jwt, TokenRole::AccessToken);
        prop_assert_eq!(
            findings.iter().filter(|f| f.id == "token.time.out-of-range").count(),
            out_of_range.len()
        );
        let mut options = VerifyOptions::new(now);
        options.leeway_secs = leeway;
        let verification = verify(&token, &signing_jwks(), &options);
        for e in &out_of_range {
            prop_assert!(!verification.valid);
            prop_assert!(verification.problems.iter().any(|p| p.to_string() == e.to_string()));
        }
        let _ = jwt.lifetime();
        // A response whose expires_in is extreme too.
        let body = format!(r#"{{"access_token":"{token}","token_type":"Bearer","expires_in":{expires_in}}}"#);
        let response = parse_token_response(&HttpResponse { status: 200, headers: vec![], body: body.into_bytes() });
        let request = TokenRequest::exchange(
            ExchangeParams::new(token.clone(), "urn:ietf:params:oauth:token-type:access_token", None, None, None)
                .expect("params"),
        );
        let issued = decode(&token);
        let _ = check_response(&ResponseCheck {
            request: &request,
            response: &response,
            subject: Some(&jwt),
            issued: Some(&issued),
            received_at: now,
            used_authorization_header: false,
            client_id: Some("svc"),
        });
        if let Ok(seconds) = expires_in.parse::<i64>() {
            let _ = timestamp::after("expires_in", now, seconds);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, .. ProptestConfig::default() })]

    #[test]
    fn decode_never_panics_on_any_text(s in any::<String>()) {
        let _ = decode(&s);
    }

    #[test]
    fn decode_never_panics_on_jwt_shaped_input(header in jsonish(), claims in jsonish(), sig in "[A-Za-z0-9_-]{0,20}") {
        let token = format!("{}.{}.{}", URL_SAFE_NO_PAD.encode(&header), URL_SAFE_NO_PAD.encode(&claims), sig);
        if let DecodedToken::Jwt(jwt) = decode(&token) {
            let _ = check_token(&jwt, TokenRole::AccessToken);
            let _ = jwt.scopes();
            let _ = jwt.aud();
            let _ = jwt.time("exp");
        }
        let _ = verify(&token, &Jwks::default(), &VerifyOptions::new(0));
    }

    #[test]
    fn response_parsing_never_panics(status in 100u16..600, body in prop_oneof![jsonish(), any::<String>()]) {
        let _ = parse_token_response(&HttpResponse { status, headers: vec![], body: body.into_bytes() });
    }

    #[test]
    fn response_parsing_never_panics_on_bytes(status in 100u16..600, body in prop::collection::vec(any::<u8>(), 0..256)) {
        let _ = parse_token_response(&HttpResponse { status, headers: vec![], body });
    }
}

#[test]
fn deeply_nested_act_is_bounded() {
    let mut act = String::from("{\"sub\":\"root\"}");
    for i in 0..100 {
        act = format!("{{\"sub\":\"a{i}\",\"act\":{act}}}");
    }
    // serde_json refuses nesting past 128 levels; this stays under that and over MAX_ACT_DEPTH.
    let claims = format!("{{\"sub\":\"x\",\"act\":{act}}}");
    let token = format!(
        "{}.{}.",
        URL_SAFE_NO_PAD.encode("{\"alg\":\"none\"}"),
        URL_SAFE_NO_PAD.encode(claims)
    );
    let jwt = decode(&token).jwt().cloned().expect("jwt");
    assert_eq!(jwt.act_chain.actors.len(), baton_core::jwt::MAX_ACT_DEPTH);
    assert!(jwt.act_chain.problem.is_some());
}
