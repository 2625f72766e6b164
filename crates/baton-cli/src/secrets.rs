//! Secrets come from an environment variable or a prompt: never from the command line, where
//! they would land in shell history and `ps`.

use std::io::IsTerminal;

use baton_core::Secret;

use crate::error::{CliError, usage};

/// Reads the secret named by `env_var`, or asks for it on the terminal when `prompt` is given.
pub fn read_secret(
    env_var: Option<&str>,
    what: &str,
    prompt_if_missing: bool,
) -> Result<Option<Secret>, CliError> {
    if let Some(var) = env_var {
        return match std::env::var(var) {
            Ok(v) if !v.is_empty() => Ok(Some(Secret::new(v))),
            Ok(_) => Err(usage(format!(
                "the environment variable {var} (the {what}) is empty"
            ))),
            Err(_) => Err(usage(format!(
                "the environment variable {var} (the {what}) is not set"
            ))),
        };
    }
    if !prompt_if_missing {
        return Ok(None);
    }
    if !std::io::stdin().is_terminal() {
        return Err(usage(format!(
            "the {what} is needed: name an environment variable that holds it (see --help)"
        )));
    }
    let value = rpassword::prompt_password(format!("{what}: "))
        .map_err(|e| usage(format!("could not read the {what}: {e}")))?;
    Ok(Some(Secret::new(value)))
}
