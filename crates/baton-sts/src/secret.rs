//! A string that must never reach a log, an error message or a debug dump.

use std::fmt;

/// A client secret, user password or private key.
///
/// `Debug` and `Display` print `[redacted]`, so a secret that ends up in a `{:?}` of a policy, a
/// log line or an error is not disclosed. Reading the value needs an explicit [`Secret::expose`].
/// There is deliberately no `Serialize`: writing a secret out (as `Policy::to_toml_string` does)
/// is spelled out at the one place that does it.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The secret's value. Call only where the value is really needed (comparison, printing the
    /// demo credentials on request).
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Compares in time independent of where the first difference is, so response timing does
    /// not reveal how much of a guessed secret was right.
    pub fn matches(&self, candidate: &str) -> bool {
        constant_time_eq(self.0.as_bytes(), candidate.as_bytes())
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Secret::new(value)
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Secret::new(value)
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    // The length is not secret for these lab credentials; the content is.
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_and_display_are_redacted() {
        let s = Secret::new("alice-password");
        assert_eq!(format!("{s:?}"), "[redacted]");
        assert_eq!(format!("{s}"), "[redacted]");
        assert_eq!(s.expose(), "alice-password");
    }

    #[test]
    fn matches_compares_whole_value() {
        let s = Secret::new("web-app-secret");
        assert!(s.matches("web-app-secret"));
        assert!(!s.matches("web-app-secreT"));
        assert!(!s.matches("web-app-secret "));
        assert!(!s.matches(""));
    }
}
