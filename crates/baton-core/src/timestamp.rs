//! Times a token or a server wrote (`iat`, `exp`, `nbf`, `auth_time`, SAML instants), checked
//! before any arithmetic: a JSON number can be anything up to `i64`'s ends and past them, and a
//! date after year 9999 is a mistake or an attack, never a real expiry. Out of range, a time is
//! reported as such instead of overflowing (a panic in a debug build, nonsense in a release one).

use serde_json::Value as Json;

/// 0001-01-01 00:00:00 UTC, the earliest time Baton shows.
pub const MIN_TIME: i64 = -62_135_596_800;
/// 9999-12-31 23:59:59 UTC, the latest time Baton shows.
pub const MAX_TIME: i64 = 253_402_300_799;

/// The time claims of a JWT, in the order they are shown.
pub const TIME_CLAIMS: [&str; 4] = ["iat", "nbf", "exp", "auth_time"];

/// A time outside years 1 to 9999, or a number that is no whole second count at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{name} {value} is out of range ({})", self.side.describe())]
pub struct TimeOutOfRange {
    /// The claim or field: `exp`, `expires_in`, ...
    pub name: String,
    /// The number as JSON writes it (`1e+300` for `1e300`).
    pub value: String,
    pub side: Side,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    BeforeYear1,
    AfterYear9999,
}

impl Side {
    pub fn describe(self) -> &'static str {
        match self {
            Side::BeforeYear1 => "before year 1",
            Side::AfterYear9999 => "after year 9999",
        }
    }
}

/// `value` as epoch seconds when it is a time Baton can show and compute with.
pub fn check(name: &str, value: i64) -> Result<i64, TimeOutOfRange> {
    if value < MIN_TIME {
        Err(out_of_range(name, value.to_string(), Side::BeforeYear1))
    } else if value > MAX_TIME {
        Err(out_of_range(name, value.to_string(), Side::AfterYear9999))
    } else {
        Ok(value)
    }
}

/// A JSON number read as epoch seconds: `None` when it is not a number (or has a fraction, which
/// is shown as it is), an error when it is a number out of range, however large
/// (`1e300`, `18446744073709551615`).
pub fn from_json(name: &str, value: &Json) -> Option<Result<i64, TimeOutOfRange>> {
    let Json::Number(n) = value else {
        return None;
    };
    if let Some(i) = n.as_i64() {
        return Some(check(name, i));
    }
    if n.as_u64().is_some() {
        return Some(Err(out_of_range(name, n.to_string(), Side::AfterYear9999)));
    }
    let f = n.as_f64()?;
    if f > MAX_TIME as f64 {
        Some(Err(out_of_range(name, n.to_string(), Side::AfterYear9999)))
    } else if f < MIN_TIME as f64 {
        Some(Err(out_of_range(name, n.to_string(), Side::BeforeYear1)))
    } else if f.fract() == 0.0 {
        // In range, the conversion is exact.
        #[allow(clippy::cast_possible_truncation)]
        Some(Ok(f as i64))
    } else {
        // A fraction of a second is not a time Baton computes with (shown as it is elsewhere).
        None
    }
}

/// `now + seconds` for a lifetime a server sent (`expires_in`), checked like any time.
pub fn after(name: &str, now: i64, seconds: i64) -> Result<i64, TimeOutOfRange> {
    match now.checked_add(seconds) {
        Some(t) if (MIN_TIME..=MAX_TIME).contains(&t) => Ok(t),
        _ => Err(out_of_range(
            name,
            seconds.to_string(),
            if seconds < 0 {
                Side::BeforeYear1
            } else {
                Side::AfterYear9999
            },
        )),
    }
}

fn out_of_range(name: &str, value: String, side: Side) -> TimeOutOfRange {
    TimeOutOfRange {
        name: name.to_string(),
        value,
        side,
    }
}

/// `2026-11-25 21:30:00 UTC` (days-from-civil, inverted), or the out-of-range message for a time
/// outside years 1 to 9999.
pub fn utc(name: &str, epoch: i64) -> Result<String, TimeOutOfRange> {
    let epoch = check(name, epoch)?;
    // In range, every step below stays far inside i64.
    let days = epoch.div_euclid(86_400);
    let secs = epoch.rem_euclid(86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    Ok(format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02} UTC",
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    ))
}

/// How far `t` is from `now`: "in 5 min", "3 days ago", "now". Computed in i128, so any two
/// i64 times give an answer.
pub fn relative(t: i64, now: i64) -> String {
    let d = i128::from(t) - i128::from(now);
    let span = |s: i128| match s {
        s if s < 120 => format!("{s} s"),
        s if s < 7200 => format!("{} min", s / 60),
        s if s < 172_800 => format!("{} h", s / 3600),
        s => format!("{} days", s / 86_400),
    };
    match d {
        0 => "now".into(),
        d if d > 0 => format!("in {}", span(d)),
        d => format!("{} ago", span(-d)),
    }
}

/// A time claim as shown: its date and how far it is from now, or why it cannot be shown.
pub fn describe(name: &str, epoch: i64, now: i64) -> String {
    match utc(name, epoch) {
        Ok(date) => format!("{date} ({})", relative(epoch, now)),
        Err(e) => e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utc_dates() {
        assert_eq!(utc("t", 0).unwrap(), "1970-01-01 00:00:00 UTC");
        assert_eq!(utc("t", 1_767_225_600).unwrap(), "2026-01-01 00:00:00 UTC");
        assert_eq!(utc("t", 951_782_400).unwrap(), "2000-02-29 00:00:00 UTC");
        assert_eq!(utc("t", MAX_TIME).unwrap(), "9999-12-31 23:59:59 UTC");
        assert_eq!(utc("t", MIN_TIME).unwrap(), "0001-01-01 00:00:00 UTC");
    }

    #[test]
    fn times_past_the_range_say_so() {
        assert_eq!(
            utc("exp", i64::MAX).unwrap_err().to_string(),
            "exp 9223372036854775807 is out of range (after year 9999)"
        );
        assert_eq!(
            utc("iat", i64::MIN).unwrap_err().to_string(),
            "iat -9223372036854775808 is out of range (before year 1)"
        );
        assert_eq!(
            describe("exp", MAX_TIME + 1, 0),
            "exp 253402300800 is out of range (after year 9999)"
        );
    }

    #[test]
    fn json_numbers_of_any_size() {
        let n = |s: &str| serde_json::from_str::<Json>(s).unwrap();
        assert_eq!(from_json("exp", &n("1700000000")), Some(Ok(1_700_000_000)));
        assert_eq!(
            from_json("exp", &n("1700000000.0")),
            Some(Ok(1_700_000_000))
        );
        assert_eq!(from_json("exp", &n("1700000000.5")), None);
        assert_eq!(from_json("exp", &n("\"soon\"")), None);
        assert_eq!(
            from_json("exp", &n("18446744073709551615"))
                .unwrap()
                .unwrap_err()
                .to_string(),
            "exp 18446744073709551615 is out of range (after year 9999)"
        );
        assert!(matches!(
            from_json("nbf", &n("-1e300")),
            Some(Err(TimeOutOfRange {
                side: Side::BeforeYear1,
                ..
            }))
        ));
    }

    #[test]
    fn relative_times_at_the_ends_of_i64() {
        assert_eq!(relative(100, 100), "now");
        assert_eq!(relative(130, 100), "in 30 s");
        assert_eq!(relative(100, 400), "5 min ago");
        assert_eq!(relative(i64::MAX, i64::MIN), "in 213503982334601 days");
        assert_eq!(relative(i64::MIN, i64::MAX), "213503982334601 days ago");
    }

    #[test]
    fn after_checks_the_sum() {
        assert_eq!(after("expires_in", 1_000, 60), Ok(1_060));
        assert_eq!(
            after("expires_in", 1_000, i64::MAX)
                .unwrap_err()
                .to_string(),
            "expires_in 9223372036854775807 is out of range (after year 9999)"
        );
    }
}
