//! Two labs, two trust domains: identity chaining and ID-JAG from domain A to domain B, B's
//! refusals, and on-behalf-of at A.

use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use baton_sts::{Policy, StsConfig, StsHandle, TrustedIssuer};
use p256::ecdsa::signature::Signer;
use p256::ecdsa::{Signature, SigningKey};
use serde_json::{Value, json};

use crate::common::*;

const B: &str = "https://domain-b.baton.test";
const MCP: &str = "https://mcp.domain-b.baton.test/";
const JWT_BEARER: &str = "urn:ietf:params:oauth:grant-type:jwt-bearer";
const ID_JAG: &str = "urn:ietf:params:oauth:token-type:id-jag";

async fn domain_b(trusted: Vec<TrustedIssuer>) -> StsHandle {
    baton_sts::spawn(StsConfig {
        policy: Policy::domain_b(),
        trusted_issuers: trusted,
        ..Default::default()
    })
    .await
    .expect("domain B starts")
}

async fn two_domains() -> (StsHandle, StsHandle) {
    let a = lab().await;
    let b = domain_b(vec![a.trusted_issuer()]).await;
    (a, b)
}

/// alice signs in at `client` (password grant) for `audience`.
async fn alice(a: &StsHandle, client: &str, audience: &str) -> String {
    let r = password_token(a, client, "alice", &[("audience", audience)]).await;
    r.assert_issued();
    r.token().to_owned()
}

async fn redeem(b: &StsHandle, client: &str, assertion: &str, extra: &[(&str, &str)]) -> Reply {
    let mut params = vec![("grant_type", JWT_BEARER), ("assertion", assertion)];
    params.extend_from_slice(extra);
    token(b, client, &params).await
}

/// travel-agent's JWT authorization grant for domain B (identity chaining).
async fn chaining_grant(a: &StsHandle, client: &str, subject: &str) -> Reply {
    exchange_typed(
        a,
        client,
        (subject, AT),
        None,
        &[("audience", B), ("requested_token_type", JWT)],
    )
    .await
}

async fn id_jag(a: &StsHandle, subject: &str, scope: &str) -> Reply {
    exchange_typed(
        a,
        "mcp-client",
        (subject, AT),
        None,
        &[
            ("audience", B),
            ("resource", MCP),
            ("requested_token_type", ID_JAG),
            ("scope", scope),
        ],
    )
    .await
}

#[tokio::test]
async fn identity_chaining_from_a_to_b() {
    let (a, b) = two_domains().await;
    assert_eq!(b.issuer(), B);
    assert_ne!(
        b.base_url(),
        B,
        "the issuer names B; it listens on loopback"
    );
    let user = alice(&a, "travel-agent", "travel-agent").await;

    let r = chaining_grant(&a, "travel-agent", &user).await;
    r.assert_issued();
    assert_eq!(r.body["issued_token_type"], JWT, "{:#}", r.body);
    assert_eq!(r.body["token_type"], "N_A");
    let grant = r.token().to_owned();
    assert_eq!(header(&grant)["typ"], "JWT");
    let g = claims(&grant);
    assert_eq!(g["iss"], a.issuer());
    assert_eq!(g["aud"], B);
    assert_eq!(g["sub"], "alice");
    assert_eq!(g["client_id"], "travel-agent");
    assert_eq!(g["scope"], "partner:read partner:book");
    assert_eq!(g["email"], "alice@example.com", "the user's claims travel");
    assert!(g.get("may_act").is_none());
    let lifetime = g["exp"].as_u64().unwrap_or(0) - g["iat"].as_u64().unwrap_or(0);
    assert!(lifetime <= 300, "a grant is short-lived: {lifetime} s");

    let r = redeem(&b, "travel-agent", &grant, &[("scope", "partner:read")]).await;
    r.assert_issued();
    assert_eq!(r.body["token_type"], "Bearer");
    let t = claims(r.token());
    assert_eq!(header(r.token())["typ"], "at+jwt");
    assert_eq!(t["iss"], B);
    assert_eq!(t["sub"], "alice");
    assert_eq!(t["aud"], "partner-api");
    assert_eq!(t["client_id"], "travel-agent");
    assert_eq!(t["scope"], "partner:read");
    assert_eq!(t["email"], "alice@example.com");

    // B advertises the grant.
    let (_, doc) = get_json(&b.metadata_url()).await;
    assert!(
        doc["grant_types_supported"]
            .as_array()
            .is_some_and(|g| g.iter().any(|x| x == JWT_BEARER))
    );
}

#[tokio::test]
async fn id_jag_from_a_to_b() {
    let (a, b) = two_domains().await;
    let user = alice(&a, "mcp-client", "mcp-client").await;
    let r = id_jag(&a, &user, "tools:read").await;
    r.assert_issued();
    assert_eq!(r.body["issued_token_type"], ID_JAG, "{:#}", r.body);
    assert_eq!(r.body["token_type"], "N_A");
    let jag = r.token().to_owned();
    assert_eq!(header(&jag)["typ"], "oauth-id-jag+jwt");
    let c = claims(&jag);
    assert_eq!(c["iss"], a.issuer());
    assert_eq!(c["sub"], "alice");
    assert_eq!(c["aud"], B);
    assert_eq!(c["client_id"], "mcp-client");
    assert_eq!(c["resource"], MCP);
    assert_eq!(c["scope"], "tools:read");
    assert!(c["jti"].is_string() && c["iat"].is_u64() && c["exp"].is_u64());
    assert!(c.get("act").is_none() && c.get("may_act").is_none());

    let r = redeem(&b, "mcp-client", &jag, &[]).await;
    r.assert_issued();
    let t = claims(r.token());
    assert_eq!(t["iss"], B);
    assert_eq!(t["sub"], "alice");
    assert_eq!(t["aud"], "mcp-tools");
    assert_eq!(t["client_id"], "mcp-client");
    assert_eq!(t["scope"], "tools:read");

    // Redeemed once.
    let r = redeem(&b, "mcp-client", &jag, &[]).await;
    r.assert_error("invalid_grant");
    assert!(
        r.description().contains("already redeemed"),
        "{}",
        r.description()
    );
}

#[tokio::test]
async fn an_id_jag_is_only_for_another_domain_and_asks_nothing_wider() {
    let (a, _b) = two_domains().await;
    let user = alice(&a, "mcp-client", "mcp-client").await;
    // Not for an authorization server.
    let r = exchange_typed(
        &a,
        "mcp-client",
        (&user, AT),
        None,
        &[
            ("audience", "travel-agent"),
            ("requested_token_type", ID_JAG),
        ],
    )
    .await;
    r.assert_error("invalid_target");
    // An access token for another domain is not what a domain boundary takes.
    let r = exchange_typed(&a, "mcp-client", (&user, AT), None, &[("audience", B)]).await;
    r.assert_error("invalid_request");
    assert!(
        r.description().contains("authorization server"),
        "{}",
        r.description()
    );
    // The scope is the subject's, never wider.
    id_jag(&a, &user, "partner:book")
        .await
        .assert_error("invalid_scope");
}

#[tokio::test]
async fn b_refuses_what_it_should() {
    let (a, b) = two_domains().await;
    let user = alice(&a, "mcp-client", "mcp-client").await;

    // Another client at B redeeming mcp-client's ID-JAG.
    let jag = id_jag(&a, &user, "tools:read").await.token().to_owned();
    let r = redeem(&b, "travel-agent", &jag, &[]).await;
    r.assert_error("invalid_grant");
    assert!(
        r.description()
            .contains("issued to client \"mcp-client\", not to \"travel-agent\""),
        "{}",
        r.description()
    );

    // A JWT grant (not an ID-JAG) for the MCP server's tools.
    let plain = chaining_grant(&a, "mcp-client", &user).await;
    plain.assert_issued();
    let r = redeem(&b, "mcp-client", plain.token(), &[]).await;
    r.assert_error("invalid_grant");
    assert!(
        r.description().contains("only with an ID-JAG"),
        "{}",
        r.description()
    );

    // A plain access token from A is not a grant.
    let r = redeem(&b, "mcp-client", &user, &[]).await;
    r.assert_error("invalid_grant");
    assert!(
        r.description().contains("access token"),
        "{}",
        r.description()
    );

    // A grant addressed to someone else: A's JWT for its own travel-agent audience.
    let travel = alice(&a, "travel-agent", "travel-agent").await;
    let elsewhere = exchange_typed(
        &a,
        "travel-agent",
        (&travel, AT),
        None,
        &[("audience", "travel-agent"), ("requested_token_type", JWT)],
    )
    .await;
    elsewhere.assert_issued();
    let r = redeem(&b, "travel-agent", elsewhere.token(), &[]).await;
    r.assert_error("invalid_grant");
    assert!(
        r.description().contains("names neither"),
        "{}",
        r.description()
    );

    // A lab that does not trust A.
    let lonely = domain_b(Vec::new()).await;
    let grant = chaining_grant(&a, "travel-agent", &travel).await;
    let r = redeem(&lonely, "travel-agent", grant.token(), &[]).await;
    r.assert_error("invalid_grant");
    assert!(
        r.description().contains("is not trusted"),
        "{}",
        r.description()
    );
}

/// An issuer of the test's own, trusted by B, to sign grants no lab would issue.
struct Forger {
    key: SigningKey,
    kid: &'static str,
}

const FORGER: &str = "https://forger.baton.test";

impl Forger {
    fn new(seed: u8) -> Forger {
        let key = SigningKey::from_slice(&[seed; 32]).expect("key");
        Forger {
            key,
            kid: "forger-1",
        }
    }

    fn trusted(&self) -> TrustedIssuer {
        let point = self.key.verifying_key().to_encoded_point(false);
        let b64 = |b: &[u8]| URL_SAFE_NO_PAD.encode(b);
        TrustedIssuer {
            issuer: FORGER.to_owned(),
            jwks: json!({"keys": [{
                "kty": "EC", "crv": "P-256", "kid": self.kid,
                "x": b64(point.x().expect("x")), "y": b64(point.y().expect("y")),
            }]}),
        }
    }

    fn sign(&self, typ: &str, claims: Value) -> String {
        let b64 = |v: &Value| URL_SAFE_NO_PAD.encode(v.to_string());
        let input = format!(
            "{}.{}",
            b64(&json!({"alg": "ES256", "typ": typ, "kid": self.kid})),
            b64(&claims)
        );
        let sig: Signature = self.key.sign(input.as_bytes());
        format!("{input}.{}", URL_SAFE_NO_PAD.encode(sig.to_bytes()))
    }
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock")
        .as_secs()
}

fn jag_claims(jti: &str) -> Value {
    let now = now();
    json!({
        "iss": FORGER, "sub": "alice", "aud": B, "client_id": "mcp-client", "jti": jti,
        "iat": now, "exp": now + 120, "resource": MCP, "scope": "tools:read tools:call",
    })
}

#[tokio::test]
async fn b_checks_every_claim_of_a_trusted_issuers_grant() {
    let forger = Forger::new(7);
    let b = domain_b(vec![forger.trusted()]).await;
    let jag = |claims: Value| forger.sign("oauth-id-jag+jwt", claims);

    let r = redeem(&b, "mcp-client", &jag(jag_claims("ok-1")), &[]).await;
    r.assert_issued();
    assert_eq!(claims(r.token())["scope"], "tools:read tools:call");

    let refused = |r: Reply, needle: &str| {
        r.assert_error("invalid_grant");
        assert!(
            r.description().contains(needle),
            "{needle:?} in {}",
            r.description()
        );
    };
    let mut expired = jag_claims("expired");
    expired["exp"] = json!(now() - 10);
    expired["iat"] = json!(now() - 200);
    refused(
        redeem(&b, "mcp-client", &jag(expired), &[]).await,
        "expired at",
    );

    let mut wrong_aud = jag_claims("wrong-aud");
    wrong_aud["aud"] = json!("https://domain-c.baton.test");
    refused(
        redeem(&b, "mcp-client", &jag(wrong_aud), &[]).await,
        "names neither",
    );

    let mut future = jag_claims("future");
    future["iat"] = json!(now() + 3600);
    refused(
        redeem(&b, "mcp-client", &jag(future), &[]).await,
        "in the future",
    );

    let mut no_sub = jag_claims("no-sub");
    no_sub.as_object_mut().expect("object").remove("sub");
    refused(redeem(&b, "mcp-client", &jag(no_sub), &[]).await, "no sub");

    let mut no_jti = jag_claims("x");
    no_jti.as_object_mut().expect("object").remove("jti");
    refused(redeem(&b, "mcp-client", &jag(no_jti), &[]).await, "no jti");

    // Signed by a key B does not have for that issuer.
    let impostor = Forger::new(9);
    let r = redeem(
        &b,
        "mcp-client",
        &impostor.sign("oauth-id-jag+jwt", jag_claims("impostor")),
        &[],
    )
    .await;
    refused(r, "signature does not verify");

    // Replayed.
    let once = jag(jag_claims("once"));
    redeem(&b, "mcp-client", &once, &[]).await.assert_issued();
    refused(
        redeem(&b, "mcp-client", &once, &[]).await,
        "already redeemed",
    );

    // Asking wider than the grant.
    let narrow = {
        let mut c = jag_claims("narrow");
        c["scope"] = json!("tools:read");
        jag(c)
    };
    redeem(&b, "mcp-client", &narrow, &[("scope", "tools:call")])
        .await
        .assert_error("invalid_scope");
}

#[tokio::test]
async fn switched_off_checks_let_replays_and_other_clients_through() {
    let forger = Forger::new(7);
    let mut policy = Policy::domain_b();
    policy.checks.assertion_single_use = false;
    policy.checks.grant_client_bound = false;
    assert_eq!(policy.disabled_checks().len(), 2);
    // travel-agent may reach the MCP tools in this B, so only the client binding is in the way.
    if let Some(c) = policy
        .clients
        .iter_mut()
        .find(|c| c.client_id == "travel-agent")
    {
        c.audiences.push("mcp-tools".to_owned());
    }
    let b = baton_sts::spawn(StsConfig {
        policy,
        trusted_issuers: vec![forger.trusted()],
        ..Default::default()
    })
    .await
    .expect("B starts");
    let once = forger.sign("oauth-id-jag+jwt", jag_claims("again"));
    redeem(&b, "mcp-client", &once, &[]).await.assert_issued();
    redeem(&b, "mcp-client", &once, &[]).await.assert_issued();
    let r = redeem(&b, "travel-agent", &once, &[]).await;
    r.assert_issued();
    assert_eq!(claims(r.token())["client_id"], "travel-agent");
}

#[tokio::test]
async fn a_bad_trusted_jwks_stops_the_lab_from_starting() {
    let mut bad = Forger::new(7).trusted();
    bad.jwks["keys"][0]["d"] = json!("c2VjcmV0");
    let e = baton_sts::spawn(StsConfig {
        policy: Policy::domain_b(),
        trusted_issuers: vec![bad],
        ..Default::default()
    })
    .await
    .expect_err("a private key in a trusted JWKS is refused");
    let text = e.to_string();
    assert!(text.contains(FORGER) && text.contains("\"d\""), "{text}");

    let e = baton_sts::spawn(StsConfig {
        policy: Policy::domain_b(),
        trusted_issuers: vec![TrustedIssuer {
            issuer: FORGER.to_owned(),
            jwks: json!({"keys": []}),
        }],
        ..Default::default()
    })
    .await
    .expect_err("an empty JWKS is refused");
    assert!(e.to_string().contains("no keys"), "{e}");
}

#[tokio::test]
async fn on_behalf_of_at_a() {
    let a = lab().await;
    // mcp-client (the front end) signs alice in for travel-agent's API (the middle tier).
    let user = alice(&a, "mcp-client", "travel-agent").await;
    let obo = |assertion: String, extra: Vec<(&'static str, &'static str)>| {
        let a = &a;
        async move {
            let mut params = vec![
                ("grant_type", JWT_BEARER),
                ("assertion", assertion.as_str()),
                ("requested_token_use", "on_behalf_of"),
            ];
            params.extend(extra);
            token(a, "travel-agent", &params).await
        }
    };
    let r = obo(
        user.clone(),
        vec![("audience", "airline-booking"), ("scope", "booking:create")],
    )
    .await;
    r.assert_issued();
    assert_eq!(r.body["token_type"], "Bearer");
    let c = claims(r.token());
    assert_eq!(c["sub"], "alice");
    assert_eq!(c["aud"], "airline-booking");
    assert_eq!(c["client_id"], "travel-agent");
    assert_eq!(c["scope"], "booking:create");
    assert_eq!(c["act"], json!({"sub": "travel-agent"}));
    assert!(c["exp"].as_u64() <= claims(&user)["exp"].as_u64());

    // A token not sent to the middle tier.
    let other = alice(&a, "mcp-client", "mcp-client").await;
    let r = obo(other, vec![("audience", "airline-booking")]).await;
    r.assert_error("invalid_grant");
    assert!(
        r.description().contains("not for \"travel-agent\""),
        "{}",
        r.description()
    );

    // Without act when the policy says so.
    let quiet = lab_with(policy_with(|src| format!("obo_act = false\n{src}")), false).await;
    let user = alice(&quiet, "mcp-client", "travel-agent").await;
    let r = token(
        &quiet,
        "travel-agent",
        &[
            ("grant_type", JWT_BEARER),
            ("assertion", user.as_str()),
            ("requested_token_use", "on_behalf_of"),
            ("audience", "airline-booking"),
        ],
    )
    .await;
    r.assert_issued();
    assert!(claims(r.token()).get("act").is_none());
}
