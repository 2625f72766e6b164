//! `baton presets` and `baton exchange --preset`: listed, shown, and every mistake named before
//! a request is sent.

use assert_cmd::Command;

fn run(args: &[&str]) -> (i32, String, String) {
    let out = Command::cargo_bin("baton")
        .expect("binary")
        .env("BATON_TEST_SECRET", "middle-tier-secret")
        .args(args)
        .output()
        .expect("runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn presets_lists_every_provider() {
    let (code, out, err) = run(&["presets"]);
    assert_eq!(code, 0, "{err}");
    for id in [
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
            out.lines().any(|l| l.starts_with(id)),
            "{id} missing:\n{out}"
        );
    }
    let (code, out, _) = run(&["presets", "--json"]);
    assert_eq!(code, 0);
    let list: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    assert_eq!(list.as_array().map(Vec::len), Some(10));
}

#[test]
fn presets_shows_one_with_its_parameters_rules_errors_and_sources() {
    let (code, out, err) = run(&["presets", "keycloak"]);
    assert_eq!(code, 0, "{err}");
    for expected in [
        "realm",
        "base_url",
        "{base_url}/realms/{realm}/protocol/openid-connect/token",
        "forbidden     subject_issuer",
        "Client not allowed to exchange",
        "https://www.keycloak.org/securing-apps/token-exchange",
        "not verified against the real service",
    ] {
        assert!(out.contains(expected), "{expected:?} missing:\n{out}");
    }
    let (code, out, _) = run(&["presets", "entra", "--json"]);
    assert_eq!(code, 0);
    let preset: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    assert_eq!(
        preset["rules"]["grant_type"],
        "urn:ietf:params:oauth:grant-type:jwt-bearer"
    );
    let (code, _, err) = run(&["presets", "cognito"]);
    assert_eq!(code, 2);
    assert!(err.contains("cognito") && err.contains("keycloak"), "{err}");
}

#[test]
fn a_missing_preset_param_is_named_before_anything_is_sent() {
    // Port 9 on loopback is unreachable: reaching the network would exit 3, not 2.
    let (code, _, err) = run(&[
        "exchange",
        "--preset",
        "keycloak",
        "--preset-param",
        "base_url=http://127.0.0.1:9",
        "--client-id",
        "requester",
        "--subject-token",
        "a.b.c",
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("realm") && err.contains("realm=myrealm"),
        "{err}"
    );
    let (code, _, err) = run(&[
        "exchange",
        "--preset",
        "keycloak",
        "--preset-param",
        "base_url=http://127.0.0.1:9",
        "--preset-param",
        "realm=a/b",
        "--client-id",
        "requester",
        "--subject-token",
        "a.b.c",
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("realm=\"a/b\""), "{err}");
}

#[test]
fn a_preset_fills_the_endpoint_and_warns_before_sending() {
    let (code, _, err) = run(&[
        "exchange",
        "--preset",
        "keycloak",
        "--preset-param",
        "base_url=http://127.0.0.1:9",
        "--preset-param",
        "realm=acme",
        "--client-id",
        "requester",
        "--auth",
        "none",
        "--subject-token",
        "a.b.c",
        "--param",
        "subject_issuer=github",
    ]);
    // The request went to the filled token endpoint (unreachable), after the warnings.
    assert_eq!(code, 3, "{err}");
    assert!(
        err.contains("http://127.0.0.1:9/realms/acme/protocol/openid-connect/token"),
        "{err}"
    );
    let warnings: Vec<&str> = err.lines().filter(|l| l.starts_with("warning:")).collect();
    assert_eq!(warnings.len(), 2, "{err}");
    assert!(warnings[0].contains("subject_issuer") && warnings[0].contains("keycloak-legacy"));
    assert!(warnings[1].contains("confidential"));
    let first_warning = err.find("warning:").expect("a warning");
    let transport = err.find("could not connect").expect("a transport error");
    assert!(first_warning < transport, "{err}");
}

#[test]
fn a_preset_conflicts_with_a_server_and_its_params_need_it() {
    let (code, _, err) = run(&[
        "exchange",
        "--preset",
        "dex",
        "--server",
        "http://127.0.0.1:9/token",
        "--client-id",
        "c",
        "--subject-token",
        "a.b.c",
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("--server") && err.contains("--preset"),
        "{err}"
    );
    let (code, _, err) = run(&[
        "exchange",
        "--server",
        "http://127.0.0.1:9/token",
        "--preset-param",
        "issuer=https://dex.example.com",
        "--client-id",
        "c",
        "--subject-token",
        "a.b.c",
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("--preset"), "{err}");
}

#[test]
fn entra_on_behalf_of_from_baton_token_is_checked_against_the_preset() {
    let base = [
        "token",
        "--preset",
        "entra",
        "--preset-param",
        "tenant=contoso.onmicrosoft.com",
        "--client-id",
        "middle-tier",
        "--client-secret-env",
        "BATON_TEST_SECRET",
        "--auth",
        "post",
        "--grant",
        "jwt-bearer",
        "--assertion",
        "a.b.c",
        "--scope",
        "https://graph.microsoft.com/user.read",
        "--curl",
    ];
    // Without requested_token_use it is not an on-behalf-of request: warned before sending.
    let (code, out, err) = run(&base);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token"),
        "{out}"
    );
    assert!(err.contains("requested_token_use"), "{err}");
    // The whole on-behalf-of request has nothing to warn about.
    let mut full = base.to_vec();
    full.extend(["--requested-token-use", "on_behalf_of"]);
    let (code, out, err) = run(&full);
    assert_eq!(code, 0, "{err}");
    assert!(!err.contains("warning"), "{err}");
    assert!(out.contains("requested_token_use=on_behalf_of"), "{out}");
}
