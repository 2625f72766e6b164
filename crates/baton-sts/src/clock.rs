//! Time and identifiers: the system clock and random ids normally, a frozen clock and counters
//! in deterministic mode so that the same requests give byte-identical tokens.

use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;

/// 2026-01-01T00:00:00Z, the deterministic mode's "now".
pub const DETERMINISTIC_NOW: u64 = 1_767_225_600;

pub(crate) struct Clock {
    source: Source,
    /// Seconds added to the source: a clock-skew fault (`Faults::clock_skew_secs`).
    skew: AtomicI64,
}

enum Source {
    System,
    /// Does not advance: a token issued in deterministic mode is valid for as long as the
    /// process runs, and the same request gives the same `iat`/`exp`.
    Fixed(u64),
}

impl Clock {
    pub(crate) fn system() -> Clock {
        Clock {
            source: Source::System,
            skew: AtomicI64::new(0),
        }
    }

    pub(crate) fn fixed(now: u64) -> Clock {
        Clock {
            source: Source::Fixed(now),
            skew: AtomicI64::new(0),
        }
    }

    /// Sets the clock `secs` ahead (or behind, negative) of its source.
    pub(crate) fn set_skew(&self, secs: i64) {
        self.skew.store(secs, Ordering::Relaxed);
    }

    /// Seconds since the Unix epoch, skew included.
    pub(crate) fn now(&self) -> u64 {
        let base = match self.source {
            Source::System => SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| d.as_secs()),
            Source::Fixed(t) => t,
        };
        base.saturating_add_signed(self.skew.load(Ordering::Relaxed))
    }
}

/// Makes `jti` values and opaque refresh tokens.
pub(crate) enum IdSource {
    Random,
    Counter(AtomicU64),
}

impl IdSource {
    pub(crate) fn counter() -> IdSource {
        IdSource::Counter(AtomicU64::new(0))
    }

    /// A new id with `prefix` (e.g. `jti`, `rt`): 256 random bits, or the next counter value.
    pub(crate) fn next(&self, prefix: &str) -> String {
        match self {
            IdSource::Random => {
                let mut bytes = [0u8; 32];
                rand::rngs::OsRng.fill_bytes(&mut bytes);
                format!("{prefix}_{}", URL_SAFE_NO_PAD.encode(bytes))
            }
            IdSource::Counter(n) => {
                format!("{prefix}_{:06}", n.fetch_add(1, Ordering::Relaxed) + 1)
            }
        }
    }
}

impl IdSource {
    /// `len` characters of `alphabet`: random, or the next counter value written in that
    /// alphabet. For codes a person types (RFC 8628 §6.1 user codes).
    pub(crate) fn pick(&self, alphabet: &[u8], len: usize) -> String {
        let base = alphabet.len().max(1) as u64;
        let mut n = match self {
            IdSource::Random => rand::rngs::OsRng.next_u64(),
            IdSource::Counter(c) => c.fetch_add(1, Ordering::Relaxed).wrapping_add(1),
        };
        let mut out = String::with_capacity(len);
        for _ in 0..len {
            let i = usize::try_from(n % base).unwrap_or(0);
            out.push(char::from(alphabet.get(i).copied().unwrap_or(b'X')));
            n /= base;
        }
        // Counter codes read like numbers, most significant first.
        out.chars().rev().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deterministic_now_is_2026() {
        assert_eq!(DETERMINISTIC_NOW % 86400, 0);
        assert_eq!((DETERMINISTIC_NOW - 1_735_689_600) / 86400, 365); // 2025-01-01 + 365 days
        let clock = Clock::fixed(DETERMINISTIC_NOW);
        assert_eq!(clock.now(), DETERMINISTIC_NOW);
        clock.set_skew(-60);
        assert_eq!(clock.now(), DETERMINISTIC_NOW - 60);
    }

    #[test]
    fn counter_ids_are_sequential_and_random_ids_differ() {
        let c = IdSource::counter();
        assert_eq!(c.next("jti"), "jti_000001");
        assert_eq!(c.next("rt"), "rt_000002");
        let r = IdSource::Random;
        assert_ne!(r.next("jti"), r.next("jti"));
    }
}
