//! One module per command; helpers that several commands share live here.

use std::collections::BTreeMap;

use regex::{Regex, RegexBuilder};

use crate::error::{CliError, usage};

pub mod collections;
pub mod demo;
pub mod diff;
pub mod exchange;
pub mod graph;
pub mod inspect;
pub mod presets;
pub mod probe;
pub mod run;
pub mod send;
pub mod sts;
pub mod token;

/// `--filter PATTERN`: a case-insensitive regex matched against a scenario's id and name.
pub fn scenario_filter(pattern: Option<&str>) -> Result<Option<Regex>, CliError> {
    pattern
        .map(|p| {
            RegexBuilder::new(p)
                .case_insensitive(true)
                .build()
                .map_err(|e| usage(format!("--filter {p:?} is not a valid pattern: {e}")))
        })
        .transpose()
}

/// `--var NAME=VALUE`, repeatable: variables set on top of the environment. The first `=`
/// separates the name from the value, which may hold more.
pub fn variables(vars: &[String]) -> Result<BTreeMap<String, String>, CliError> {
    let mut out = BTreeMap::new();
    for var in vars {
        let malformed = |why: &str| {
            usage(format!(
                "--var {var:?}: {why}; write --var NAME=VALUE, e.g. --var lab=http://127.0.0.1:8693"
            ))
        };
        let Some((name, value)) = var.split_once('=') else {
            return Err(malformed("there is no `=`"));
        };
        if name.is_empty() {
            return Err(malformed("the name before `=` is empty"));
        }
        if name
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '{' | '}'))
        {
            return Err(malformed(
                "a name has no spaces or braces (it is the NAME of {{env.NAME}})",
            ));
        }
        out.insert(name.to_string(), value.to_string());
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_var_is_split_at_its_first_equals_sign() {
        let vars = variables(&["lab=http://x?a=b".into(), "empty=".into()]).unwrap();
        assert_eq!(vars["lab"], "http://x?a=b");
        assert_eq!(vars["empty"], "");
        for bad in ["lab", "=x", "my var=x", "{{env.lab}}=x"] {
            let err = variables(&[bad.to_string()]).unwrap_err();
            assert_eq!(err.code(), crate::error::exit::USAGE, "{bad}");
            assert!(err.to_string().contains("NAME=VALUE"), "{err}");
        }
    }
}
