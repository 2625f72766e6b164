//! `baton token` signing a user in, as a person at a terminal would: the address Baton prints
//! is opened by a "browser" (this test) that fills in the lab's sign-in page; a device code is
//! typed in at the lab's /device page. And `baton run` without a terminal refuses a sign-in step.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use baton_sts::{Policy, StsConfig, StsHandle, spawn};
use serde_json::Value;

async fn lab(device_interval: u64) -> StsHandle {
    let mut policy = Policy::lab_default();
    policy.device_interval = device_interval;
    spawn(StsConfig {
        policy,
        ..StsConfig::default()
    })
    .await
    .expect("lab starts")
}

fn baton(args: &[&str]) -> Child {
    Command::new(assert_cmd::cargo::cargo_bin("baton"))
        .args(args)
        .env_remove("BATON_BROWSER")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("baton starts")
}

/// Reads the child's standard error until a line satisfies `pick`, and returns it. The rest is
/// read to the end in the background, as a terminal would, so Baton can go on writing to it.
async fn wait_for_line(child: &mut Child, pick: fn(&str) -> Option<String>) -> String {
    let stderr = child.stderr.take().expect("stderr");
    let (found, wanted) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut seen = Vec::new();
        let mut sent = false;
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if !sent && let Some(hit) = pick(&line) {
                let _ = found.send(Ok(hit));
                sent = true;
            }
            seen.push(line);
        }
        if !sent {
            let _ = found.send(Err(seen.join("\n")));
        }
    });
    tokio::task::spawn_blocking(move || match wanted.recv() {
        Ok(Ok(line)) => line,
        Ok(Err(seen)) => panic!("baton never printed it; it printed:\n{seen}"),
        Err(e) => panic!("the reader stopped: {e}"),
    })
    .await
    .expect("reader")
}

async fn finish(child: Child) -> (i32, Value) {
    let output = tokio::task::spawn_blocking(move || child.wait_with_output())
        .await
        .expect("join")
        .expect("baton ends");
    let json = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}",
            String::from_utf8_lossy(&output.stdout)
        )
    });
    (output.status.code().unwrap_or(-1), json)
}

fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}

fn form(pairs: &[(String, String)]) -> String {
    url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish()
}

fn hidden(html: &str) -> Vec<(String, String)> {
    html.split("<input type=\"hidden\" ")
        .skip(1)
        .filter_map(|part| {
            let name = part.split("name=\"").nth(1)?.split('"').next()?;
            let value = part.split("value=\"").nth(1)?.split('"').next()?;
            Some((name.to_owned(), value.replace("&amp;", "&")))
        })
        .collect()
}

/// Opens `url`, signs in as alice and answers `decision`; returns where the browser ended up.
async fn sign_in_at(lab: &StsHandle, url: &str, decision: &str) -> String {
    let b = browser();
    let page = b
        .get(url)
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("html");
    let mut fields = hidden(&page);
    for (k, v) in [
        ("username", "alice"),
        ("password", "alice-password"),
        ("decision", decision),
    ] {
        fields.push((k.to_owned(), v.to_owned()));
    }
    let answer = b
        .post(format!("{}/authorize", lab.base_url()))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form(&fields))
        .send()
        .await
        .expect("posted");
    let back = answer
        .headers()
        .get("location")
        .and_then(|l| l.to_str().ok())
        .expect("sent back")
        .to_owned();
    let landing = b
        .get(&back)
        .send()
        .await
        .expect("Baton's callback answers")
        .text()
        .await
        .expect("page");
    assert!(back.starts_with("http://127.0.0.1:"), "{back}");
    landing
}

fn printed_url(line: &str) -> Option<String> {
    let t = line.trim();
    t.starts_with("http://").then(|| t.to_owned())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_user_signs_in_with_the_address_baton_prints() {
    let lab = lab(5).await;
    let mut child = baton(&[
        "token",
        "--issuer",
        lab.base_url(),
        "--client-id",
        "signin-app",
        "--grant",
        "authorization-code",
        "--no-browser",
        "--scope",
        "openid orders:read",
        "--json",
    ]);
    let url = wait_for_line(&mut child, printed_url).await;
    assert!(url.contains("/authorize?"), "{url}");
    let landing = sign_in_at(&lab, &url, "allow").await;
    assert!(landing.contains("Signed in"), "{landing}");
    let (code, json) = finish(child).await;
    assert_eq!(code, 0, "{json:#}");
    assert_eq!(
        json["result"]["issued"]["decoded"]["claims"]["sub"],
        "alice"
    );
    assert_eq!(json["verification"]["valid"], true, "{json:#}");
    let findings = json["result"]["findings"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!(
        findings
            .iter()
            .all(|f| !f["id"].as_str().unwrap_or("").starts_with("id-token")),
        "{findings:#?}"
    );
    let body = json["result"]["request"]["body"].as_str().unwrap_or("");
    assert!(body.contains("code_verifier=****"), "{body}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_refused_sign_in_exits_1_with_the_servers_reason() {
    let lab = lab(5).await;
    let mut child = baton(&[
        "token",
        "--issuer",
        lab.base_url(),
        "--client-id",
        "signin-app",
        "--grant",
        "authorization-code",
        "--no-browser",
        "--scope",
        "orders:read",
    ]);
    let url = wait_for_line(&mut child, printed_url).await;
    let landing = sign_in_at(&lab, &url, "deny").await;
    assert!(landing.contains("Sign-in refused"), "{landing}");
    let output = tokio::task::spawn_blocking(move || child.wait_with_output())
        .await
        .expect("join")
        .expect("ends");
    assert_eq!(output.status.code(), Some(1));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_device_code_is_shown_and_baton_waits_for_the_approval() {
    let lab = lab(1).await;
    let mut child = baton(&[
        "token",
        "--issuer",
        lab.base_url(),
        "--client-id",
        "signin-app",
        "--grant",
        "device-code",
        "--scope",
        "orders:read",
        "--json",
    ]);
    let code = wait_for_line(&mut child, |line| {
        let t = line.trim();
        (t.len() == 9 && t.as_bytes().get(4) == Some(&b'-')).then(|| t.to_owned())
    })
    .await;
    let approved = browser()
        .post(format!("{}/device", lab.base_url()))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form(&[
            ("user_code".into(), code),
            ("username".into(), "alice".into()),
            ("password".into(), "alice-password".into()),
            ("decision".into(), "allow".into()),
        ]))
        .send()
        .await
        .expect("approved");
    assert!(approved.status().is_success(), "{}", approved.status());
    let (exit, json) = finish(child).await;
    assert_eq!(exit, 0, "{json:#}");
    assert_eq!(
        json["result"]["issued"]["decoded"]["claims"]["sub"],
        "alice"
    );
}

#[test]
fn baton_run_without_a_terminal_refuses_a_sign_in_and_says_what_to_do() {
    let dir = tempfile::tempdir().expect("dir");
    let file = dir.path().join("signin.baton.toml");
    std::fs::write(
        &file,
        r#"format = 1
name = "sign-in"

[[servers]]
id = "lab"
issuer = "{{env.lab}}"
token_endpoint = "{{env.lab}}/token"

[[clients]]
id = "app"
server = "lab"
client_id = "signin-app"
auth = "none"

[[environments]]
name = "lab"
[environments.variables]
lab = "http://127.0.0.1:8693"

[[scenarios]]
id = "signin"
name = "sign in"

[[scenarios.steps]]
id = "signin"
name = "sign in"
[scenarios.steps.token]
client = "app"
grant = "authorization_code"
scope = "orders:read"
"#,
    )
    .expect("written");
    let output = Command::new(assert_cmd::cargo::cargo_bin("baton"))
        .args(["run", file.to_str().expect("utf-8"), "--sts"])
        .env_remove("BATON_BROWSER")
        .stdin(Stdio::null())
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(1));
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        all.contains("no one at the keyboard") && all.contains("refresh_token"),
        "{all}"
    );
}
