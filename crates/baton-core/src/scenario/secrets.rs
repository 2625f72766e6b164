//! Where `{{secret.NAME}}` comes from. Never from a collection file: from the process
//! environment, the store's secret table, or the lab's demo clients, in that order.

use std::collections::BTreeMap;

use crate::secret::Secret;

/// A source of named secrets.
pub trait SecretSource: Send + Sync {
    fn secret(&self, name: &str) -> Option<Secret>;
}

/// The environment variable that holds secret `name`: `BATON_SECRET_` and the name in upper
/// case with every other character than a letter or digit as `_` (`web-app` →
/// `BATON_SECRET_WEB_APP`). The prefix keeps a collection from reading arbitrary variables.
pub fn env_var_name(name: &str) -> String {
    let tail: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_uppercase()
            } else {
                '_'
            }
        })
        .collect();
    format!("BATON_SECRET_{tail}")
}

/// Secrets from the process environment (`BATON_SECRET_…`).
#[derive(Debug, Default, Clone, Copy)]
pub struct EnvSecrets;

impl SecretSource for EnvSecrets {
    fn secret(&self, name: &str) -> Option<Secret> {
        std::env::var(env_var_name(name)).ok().map(Secret::new)
    }
}

/// Secrets held in memory: the lab's demo credentials, or a test's.
#[derive(Debug, Default, Clone)]
pub struct MapSecrets(pub BTreeMap<String, Secret>);

impl MapSecrets {
    pub fn insert(&mut self, name: impl Into<String>, value: impl Into<String>) {
        self.0.insert(name.into(), Secret::new(value.into()));
    }
}

impl SecretSource for MapSecrets {
    fn secret(&self, name: &str) -> Option<Secret> {
        self.0.get(name).cloned()
    }
}

/// The first source that has the secret wins.
#[derive(Default)]
pub struct Chain(pub Vec<Box<dyn SecretSource>>);

impl SecretSource for Chain {
    fn secret(&self, name: &str) -> Option<Secret> {
        self.0.iter().find_map(|s| s.secret(name))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_names_are_prefixed_and_upper_case() {
        assert_eq!(env_var_name("web-app"), "BATON_SECRET_WEB_APP");
        assert_eq!(
            env_var_name("alice.password"),
            "BATON_SECRET_ALICE_PASSWORD"
        );
    }

    #[test]
    fn the_first_source_wins() {
        let mut a = MapSecrets::default();
        a.insert("x", "from-a");
        let mut b = MapSecrets::default();
        b.insert("x", "from-b");
        b.insert("y", "only-b");
        let chain = Chain(vec![Box::new(a), Box::new(b)]);
        assert_eq!(
            chain.secret("x").map(|s| s.expose().to_string()).as_deref(),
            Some("from-a")
        );
        assert_eq!(
            chain.secret("y").map(|s| s.expose().to_string()).as_deref(),
            Some("only-b")
        );
        assert!(chain.secret("z").is_none());
    }
}
