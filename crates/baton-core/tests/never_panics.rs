//! Whatever a user pastes or a server sends, decoding and parsing answer instead of panicking.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use baton_core::findings::{TokenRole, check_token};
use baton_core::http::HttpResponse;
use baton_core::response::parse_token_response;
use baton_core::verify::{Jwks, VerifyOptions, verify};
use baton_core::{DecodedToken, decode};
use proptest::prelude::*;

/// JSON-ish text: enough structure that the parsers get past their first checks.
fn jsonish() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        Just("null".to_string()),
        any::<i64>().prop_map(|n| n.to_string()),
        any::<f64>().prop_map(|f| f.to_string()),
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
