//! `baton sts`: the lab token service in the foreground.

use baton_sts::{ClientAuth, Faults, Policy, StsConfig, StsHandle, spawn};

use crate::cli::StsArgs;
use crate::error::{CliError, usage};

pub async fn run(args: StsArgs) -> Result<(), CliError> {
    if args.print_policy {
        print!("{}", Policy::lab_default_toml());
        return Ok(());
    }
    let mut policy = match &args.policy {
        Some(path) => Policy::from_file(path).map_err(|e| usage(e.to_string()))?,
        None => Policy::lab_default(),
    };
    // `--fault` on top of the policy's own `[faults]`.
    for fault in &args.faults {
        apply_fault(&mut policy.faults, fault)?;
    }
    policy
        .faults
        .validate()
        .map_err(|e| usage(format!("--fault: {e}")))?;
    let lab = spawn(StsConfig {
        policy,
        port: args.port,
        deterministic: args.deterministic,
        trusted_issuers: Vec::new(),
        tls: args.tls,
    })
    .await
    .map_err(|e| usage(format!("the lab token service could not start: {e}")))?;
    let domain_b = start_domain_b(&lab, args.deterministic).await?;
    print!("{}", describe(&lab, args.deterministic));
    if args.tls {
        print!("{}", write_tls_files(&lab, &args.tls_dir)?);
    }
    println!(
        "\nDomain B (another organisation's authorization server, trusting this lab's keys)\n  issuer          {}\n  token endpoint  {}\n  jwks            {}",
        domain_b.issuer(),
        domain_b.token_endpoint(),
        domain_b.jwks_uri()
    );
    println!("\nPress Ctrl-C to stop.");
    wait_for_ctrl_c().await;
    domain_b.stop().await;
    lab.stop().await;
    Ok(())
}

/// Reads one `--fault` (`down`, `slow=MS`, `503=SECS`, `flaky=RATE`, `skew=SECS`) into `faults`.
fn apply_fault(faults: &mut Faults, text: &str) -> Result<(), CliError> {
    let (name, value) = match text.split_once('=') {
        Some((n, v)) => (n.trim(), Some(v.trim())),
        None => (text.trim(), None),
    };
    let bad = |what: &str| {
        usage(format!(
            "--fault {text:?}: {what} (use down, slow=MS, 503=SECS, flaky=RATE or skew=SECS)"
        ))
    };
    let number = || value.ok_or_else(|| bad("it needs a value after ="));
    match name {
        "down" if value.is_none() => faults.down = true,
        "slow" => {
            faults.latency_ms = number()?
                .parse()
                .map_err(|_| bad("slow= takes milliseconds, a whole number"))?;
        }
        "503" => {
            faults.unavailable_retry_after = Some(
                number()?
                    .parse()
                    .map_err(|_| bad("503= takes the Retry-After seconds, a whole number"))?,
            );
        }
        "flaky" => {
            faults.failure_rate = number()?
                .parse()
                .map_err(|_| bad("flaky= takes a share of requests between 0 and 1"))?;
        }
        "skew" => {
            faults.clock_skew_secs = number()?
                .parse()
                .map_err(|_| bad("skew= takes seconds, negative for behind"))?;
        }
        _ => return Err(bad("not a fault the lab knows")),
    }
    Ok(())
}

/// Writes the lab's CA and a client certificate for `mtls-app`, and says how to use them.
fn write_tls_files(lab: &StsHandle, dir: &std::path::Path) -> Result<String, CliError> {
    let (Some(ca), Some((cert, key))) = (lab.ca_pem(), lab.issue_client_certificate("mtls-app"))
    else {
        return Err(usage("the lab is not serving HTTPS"));
    };
    std::fs::create_dir_all(dir)
        .map_err(|e| usage(format!("could not create {}: {e}", dir.display())))?;
    let write = |name: &str, text: &str| {
        let path = dir.join(name);
        std::fs::write(&path, text)
            .map(|()| path.display().to_string())
            .map_err(|e| usage(format!("could not write {}: {e}", path.display())))
    };
    let ca = write("ca.pem", &ca)?;
    let cert = write("mtls-app.pem", &cert)?;
    let key = write("mtls-app-key.pem", &key)?;
    Ok(format!(
        "\nHTTPS with the lab's own CA (new at every start)\n  CA                {ca}   (give it to other tools; Baton's app trusts it by itself)\n  mtls-app          {cert}\n                    {key}   (a demo key)\n\nMutual TLS (RFC 8705), a certificate-bound token:\n  baton token --issuer {} --ca-file {ca} --client-id mtls-app --client-cert {cert} --client-key {key}\n",
        lab.issuer()
    ))
}

pub async fn start(policy: Policy, port: u16, deterministic: bool) -> Result<StsHandle, CliError> {
    spawn(StsConfig {
        policy,
        port,
        deterministic,
        trusted_issuers: Vec::new(),
        tls: false,
    })
    .await
    .map_err(|e| usage(format!("the lab token service could not start: {e}")))
}

/// Domain B: a second lab with its own issuer (`https://domain-b.baton.test`) that trusts `a`'s
/// keys, for identity chaining and ID-JAG across trust domains. `{{env.lab_b}}` points at it.
pub async fn start_domain_b(a: &StsHandle, deterministic: bool) -> Result<StsHandle, CliError> {
    spawn(StsConfig {
        policy: Policy::domain_b(),
        port: 0,
        deterministic,
        trusted_issuers: vec![a.trusted_issuer()],
        tls: false,
    })
    .await
    .map_err(|e| usage(format!("the lab's domain B could not start: {e}")))
}

pub async fn wait_for_ctrl_c() {
    if let Err(e) = tokio::signal::ctrl_c().await {
        eprintln!("could not wait for Ctrl-C ({e}); stopping");
    }
}

/// The lab's address, endpoints, clients and users, as a trainer needs them on screen.
pub fn describe(lab: &StsHandle, deterministic: bool) -> String {
    use std::fmt::Write;
    let policy = lab.policy();
    let mut out = String::new();
    let _ = writeln!(out, "Baton lab token service");
    let _ = writeln!(out, "  issuer          {}", lab.issuer());
    let _ = writeln!(out, "  metadata        {}", lab.metadata_url());
    let _ = writeln!(out, "  token endpoint  {}", lab.token_endpoint());
    let _ = writeln!(out, "  jwks            {}", lab.jwks_uri());
    let _ = writeln!(out, "  introspection   {}", lab.introspection_endpoint());
    let _ = writeln!(out, "  revocation      {}", lab.revocation_endpoint());
    let _ = writeln!(out, "  sign-in         {}", lab.authorization_endpoint());
    let _ = writeln!(out, "  PAR             {}", lab.par_endpoint());
    let _ = writeln!(
        out,
        "  device          {}",
        lab.device_authorization_endpoint()
    );
    let _ = writeln!(
        out,
        "  signing         {} (kid {}){}",
        policy.signing_alg.as_str(),
        lab.key_id(),
        if deterministic {
            ", deterministic: fixed keys and clock"
        } else {
            ""
        }
    );
    let faults = lab.faults().describe();
    if !faults.is_empty() {
        let _ = writeln!(out, "\nFailing on purpose (faults in force)");
        for fault in faults {
            let _ = writeln!(out, "  {fault}");
        }
    }
    let off = policy.disabled_checks();
    if !off.is_empty() {
        let _ = writeln!(
            out,
            "\nVulnerable on purpose ([checks] switched off in the policy)"
        );
        for check in off {
            let _ = writeln!(out, "  {:<22} {}", check.name(), check.when_off());
        }
    }
    let _ = writeln!(
        out,
        "\nClients (demo secrets; this lab listens on 127.0.0.1 only)"
    );
    let clients: Vec<[String; 3]> = policy
        .clients
        .iter()
        .map(|c| {
            let secret = match &c.auth {
                ClientAuth::None => "public, no secret".to_string(),
                ClientAuth::ClientSecret(s) => format!("secret {}", s.expose()),
                ClientAuth::PrivateKeyJwt { .. } => "private_key_jwt".to_string(),
                ClientAuth::TlsClientAuth { subject } => {
                    format!("mTLS {}={}", subject.field_name(), subject.value())
                }
                ClientAuth::SelfSignedTlsClientAuth { .. } => "mTLS, self-signed".to_string(),
            };
            let mut rights = Vec::new();
            if c.may_delegate {
                rights.push("delegate");
            }
            if c.may_impersonate {
                rights.push("impersonate");
            }
            let grants: Vec<&str> = c.grants.iter().map(|g| g.policy_name()).collect();
            let rest = format!(
                "grants {}{}  audiences {}",
                grants.join(","),
                if rights.is_empty() {
                    String::new()
                } else {
                    format!("  may {}", rights.join("+"))
                },
                c.audiences.join(",")
            );
            [c.client_id.clone(), secret, rest]
        })
        .collect();
    write_columns(&mut out, &clients);
    let _ = writeln!(out, "\nUsers (password grant)");
    let users: Vec<[String; 2]> = policy
        .users
        .iter()
        .map(|u| {
            [
                u.username.clone(),
                format!(
                    "password {}{}",
                    u.password.expose(),
                    u.may_act
                        .as_ref()
                        .map(|m| format!("  (may_act: {})", m.sub))
                        .unwrap_or_default()
                ),
            ]
        })
        .collect();
    write_columns(&mut out, &users);
    let _ = writeln!(
        out,
        "\nTry it:\n  export WEB_APP_SECRET=web-app-secret ALICE_PASSWORD=alice-password\n  baton token --issuer {} --client-id web-app --client-secret-env WEB_APP_SECRET --grant password --username alice --password-env ALICE_PASSWORD\n  baton token --issuer {} --client-id signin-app --grant authorization-code --scope 'openid orders:read'   # sign in as alice in your browser",
        lab.issuer(),
        lab.issuer()
    );
    out
}

/// Writes rows indented by two spaces, each column but the last padded to its widest cell (in
/// characters), so long secrets or names never push a row out of line.
fn write_columns<const N: usize>(out: &mut String, rows: &[[String; N]]) {
    use std::fmt::Write;
    let mut widths = [0usize; N];
    for row in rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    for row in rows {
        let mut line = String::from(" ");
        for (i, cell) in row.iter().enumerate() {
            if i + 1 == N {
                let _ = write!(line, " {cell}");
            } else {
                let pad = widths.get(i).copied().unwrap_or(0);
                let _ = write!(line, " {cell:<pad$}");
            }
        }
        let _ = writeln!(out, "{}", line.trim_end());
    }
}

#[cfg(test)]
mod tests {
    use baton_sts::Check;

    use super::*;

    #[tokio::test]
    async fn the_description_names_revocation_and_every_check_switched_off() {
        let mut policy = Policy::lab_default();
        policy.checks.set(Check::MayActCarried, false);
        let lab = start(policy, 0, false).await.expect("the lab starts");
        let text = describe(&lab, false);
        lab.stop().await;
        assert!(text.contains("/revoke"), "{text}");
        assert!(text.contains("Vulnerable on purpose"), "{text}");
        assert!(text.contains("may_act_carried"), "{text}");
        assert!(!text.contains("actor_bound_to_client"), "{text}");

        let lab = start(Policy::lab_default(), 0, false)
            .await
            .expect("the lab starts");
        let text = describe(&lab, false);
        lab.stop().await;
        assert!(!text.contains("Vulnerable"), "{text}");
    }

    #[test]
    fn columns_line_up_whatever_the_length_of_a_secret() {
        let rows = [
            [
                "web-app".to_string(),
                "secret s".to_string(),
                "grants a".to_string(),
            ],
            [
                "a-client-with-a-long-id".to_string(),
                "secret a-very-long-secret-of-forty-characters-x".to_string(),
                "grants b".to_string(),
            ],
        ];
        let mut out = String::new();
        write_columns(&mut out, &rows);
        let starts: Vec<usize> = out.lines().map(|l| l.find("grants").unwrap()).collect();
        assert_eq!(starts[0], starts[1], "{out}");
        let secrets: Vec<usize> = out.lines().map(|l| l.find("secret").unwrap()).collect();
        assert_eq!(secrets[0], secrets[1], "{out}");
        assert!(
            out.lines()
                .all(|l| l.starts_with("  ") && !l.ends_with(' '))
        );
    }
}
