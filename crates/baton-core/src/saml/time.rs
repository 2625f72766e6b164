//! `xs:dateTime` instants as SAML writes them (SAML 2.0 Core §1.3.3: UTC, `Z`), to and from
//! seconds since the epoch.

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's `days_from_civil`).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// `2026-12-03T18:00:00Z` for an instant; years 0..=9999 only (others are clamped).
pub fn format_instant(secs: i64) -> String {
    // Keep the arithmetic inside the 4-digit years xs:dateTime writes here.
    let secs = secs.clamp(-62_167_219_200, 253_402_300_799);
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// Seconds since the epoch of `YYYY-MM-DDThh:mm:ss[.fff](Z|±hh:mm)`; a fraction is dropped.
pub fn parse_instant(text: &str) -> Result<i64, String> {
    let bad = || format!("{text:?} is not an xs:dateTime like 2026-01-31T12:00:00Z");
    let t = text.trim();
    let num = |s: Option<&str>, max: i64| -> Result<i64, String> {
        let s = s.ok_or_else(bad)?;
        if s.is_empty() || s.len() > 4 || !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        let n: i64 = s.parse().map_err(|_| bad())?;
        if n > max { Err(bad()) } else { Ok(n) }
    };
    let (date, rest) = t.split_once('T').ok_or_else(bad)?;
    let mut ymd = date.split('-');
    let (y, mo, d) = (
        num(ymd.next(), 9999)?,
        num(ymd.next(), 12)?,
        num(ymd.next(), 31)?,
    );
    if ymd.next().is_some() || mo == 0 || d == 0 {
        return Err(bad());
    }
    let (clock, offset) = if let Some(c) = rest.strip_suffix('Z') {
        (c, 0)
    } else if let Some(i) = rest.rfind(['+', '-']) {
        let (c, o) = rest.split_at(i);
        let sign = if o.starts_with('-') { -1 } else { 1 };
        let mut hm = o[1..].split(':');
        let (h, m) = (num(hm.next(), 14)?, num(hm.next(), 59)?);
        (c, sign * (h * 3600 + m * 60))
    } else {
        return Err(format!(
            "{text:?} has no time zone (Z): SAML instants are UTC"
        ));
    };
    let clock = clock.split_once('.').map_or(clock, |(c, _)| c);
    let mut hms = clock.split(':');
    let (h, mi, s) = (
        num(hms.next(), 23)?,
        num(hms.next(), 59)?,
        num(hms.next(), 60)?,
    );
    if hms.next().is_some() {
        return Err(bad());
    }
    Ok(days_from_civil(y, mo, d) * 86_400 + h * 3600 + mi * 60 + s - offset)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instants_round_trip() {
        for secs in [0, 1_700_000_000, 1_800_000_123, 951_782_400] {
            assert_eq!(parse_instant(&format_instant(secs)), Ok(secs));
        }
        assert_eq!(format_instant(1_700_000_000), "2023-11-14T22:13:20Z");
        assert_eq!(parse_instant("2023-11-14T22:13:20.999Z"), Ok(1_700_000_000));
        assert_eq!(
            parse_instant("2023-11-14T23:13:20+01:00"),
            Ok(1_700_000_000)
        );
        assert!(parse_instant("2023-11-14 22:13:20Z").is_err());
        assert!(parse_instant("2023-11-14T22:13:20").is_err());
        assert!(parse_instant("2023-13-14T22:13:20Z").is_err());
    }
}
