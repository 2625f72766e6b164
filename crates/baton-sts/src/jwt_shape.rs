//! A presented JWT's header and claims looked at before they are decoded, so that a refusal names
//! what is wrong with them: `alg: none`, a claim nested deeper than the lab reads, a number no
//! reader can hold. The JSON decoder would call each of these "not a JSON object".

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::Value;

use crate::text::quoted;

/// How deep one header member or claim may nest (objects and arrays inside it). An `act` chain
/// of N actors nests N deep; the decoder itself stops a little further down.
pub(crate) const MAX_CLAIM_DEPTH: usize = 100;

/// Why a token's header or claims cannot be read, when the reason is one of these; `Ok` leaves
/// everything else (not three parts, not base64url, not JSON) to the decoder's own messages.
pub(crate) fn check(token: &str) -> Result<(), String> {
    let mut parts = token.split('.');
    let (Some(header), Some(payload)) = (parts.next(), parts.next()) else {
        return Ok(());
    };
    if let Some(json) = decoded(header) {
        if let Some((member, problem)) = scan(&json) {
            return Err(problem.describe(&member, Part::Header));
        }
        check_alg(&json)?;
    }
    if let Some(json) = decoded(payload)
        && let Some((member, problem)) = scan(&json)
    {
        return Err(problem.describe(&member, Part::Claims));
    }
    Ok(())
}

fn decoded(part: &str) -> Option<Vec<u8>> {
    URL_SAFE_NO_PAD.decode(part).ok()
}

/// RFC 7515 §4.1.1 and RFC 8725 §3.1: an unsecured JWT is never accepted.
fn check_alg(header: &[u8]) -> Result<(), String> {
    let Ok(Value::Object(members)) = serde_json::from_slice::<Value>(header) else {
        return Ok(());
    };
    match members.get("alg") {
        None => Err("its header has no alg".to_owned()),
        Some(Value::String(alg)) if alg.eq_ignore_ascii_case("none") => {
            Err("its alg is none: the lab accepts only signed tokens".to_owned())
        }
        Some(Value::String(alg)) if alg.parse::<jsonwebtoken::Algorithm>().is_err() => {
            Err(format!(
                "its alg {} is not a JWS algorithm the lab knows",
                quoted(alg)
            ))
        }
        Some(Value::String(_)) => Ok(()),
        Some(_) => Err("its alg is not a string".to_owned()),
    }
}

enum Part {
    Header,
    Claims,
}

enum Problem {
    TooDeep,
    /// The number as written (cut short).
    OutOfRange(String),
}

impl Problem {
    fn describe(&self, member: &str, part: Part) -> String {
        let name = if member.is_empty() {
            match part {
                Part::Header => "its header".to_owned(),
                Part::Claims => "its claims set".to_owned(),
            }
        } else {
            let member = if member
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
                && member.len() <= 64
            {
                member.to_owned()
            } else {
                quoted(member)
            };
            match part {
                Part::Header => format!("its header member {member}"),
                Part::Claims => format!("its {member} claim"),
            }
        };
        match self {
            Problem::TooDeep => format!("{name} nests more than {MAX_CLAIM_DEPTH} deep"),
            Problem::OutOfRange(n) => {
                format!("{name} is not a number the lab can read: {n} is out of range")
            }
        }
    }
}

/// One pass over JSON text (valid or not): the first top-level member that nests more than
/// [`MAX_CLAIM_DEPTH`] deep or holds a number out of the range of a double, with the member's name
/// as written (empty when the problem is outside any member).
fn scan(json: &[u8]) -> Option<(String, Problem)> {
    let mut depth = 0usize;
    let mut last_string: &[u8] = b"";
    let mut member: &[u8] = b"";
    let mut i = 0;
    let name = |m: &[u8]| String::from_utf8_lossy(m).into_owned();
    while let Some(&b) = json.get(i) {
        match b {
            b'"' => {
                let start = i + 1;
                let mut end = start;
                while let Some(&c) = json.get(end) {
                    match c {
                        b'\\' => end += 2,
                        b'"' => break,
                        _ => end += 1,
                    }
                }
                let end = end.min(json.len());
                if depth == 1 {
                    last_string = &json[start..end];
                }
                i = end + 1;
                continue;
            }
            b':' if depth == 1 => member = last_string,
            b',' if depth == 1 => member = b"",
            b'{' | b'[' => {
                depth += 1;
                // The top-level object is depth 1: a member's own nesting starts below it.
                if depth > MAX_CLAIM_DEPTH + 1 {
                    return Some((name(member), Problem::TooDeep));
                }
            }
            b'}' | b']' => depth = depth.saturating_sub(1),
            b'-' | b'0'..=b'9' => {
                let start = i;
                while json
                    .get(i)
                    .is_some_and(|c| matches!(c, b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9'))
                {
                    i += 1;
                }
                let text = String::from_utf8_lossy(&json[start..i]);
                if text.parse::<f64>().is_ok_and(|n| n.is_infinite()) {
                    let shown = crate::text::clip(&text, 40);
                    return Some((name(member), Problem::OutOfRange(shown)));
                }
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token(header: &str, claims: &str) -> String {
        format!(
            "{}.{}.sig",
            URL_SAFE_NO_PAD.encode(header),
            URL_SAFE_NO_PAD.encode(claims)
        )
    }

    const ES256: &str = r#"{"alg":"ES256","typ":"at+jwt"}"#;

    #[test]
    fn ordinary_tokens_pass() {
        let t = token(
            ES256,
            r#"{"sub":"a b\"{[","exp":1700000000,"act":{"sub":"x","act":{"sub":"y"}},"n":-1.5e3}"#,
        );
        assert_eq!(check(&t), Ok(()));
        // What is not JWT-shaped is the decoder's to describe.
        assert_eq!(check("not a token"), Ok(()));
        assert_eq!(check("!!.!!.!!"), Ok(()));
    }

    #[test]
    fn alg_none_and_unknown_algs_are_named() {
        for alg in ["none", "None", "NONE"] {
            let t = token(&format!(r#"{{"alg":"{alg}"}}"#), "{}");
            assert_eq!(
                check(&t),
                Err("its alg is none: the lab accepts only signed tokens".to_owned())
            );
        }
        let e = check(&token(r#"{"alg":"HS999"}"#, "{}")).unwrap_err();
        assert_eq!(e, r#"its alg "HS999" is not a JWS algorithm the lab knows"#);
        let e = check(&token(r#"{"typ":"JWT"}"#, "{}")).unwrap_err();
        assert_eq!(e, "its header has no alg");
    }

    #[test]
    fn deep_claims_are_named() {
        let mut act = r#"{"sub":"x"}"#.to_owned();
        for _ in 0..MAX_CLAIM_DEPTH {
            act = format!(r#"{{"sub":"x","act":{act}}}"#);
        }
        let at_limit = r#"{"sub":"x"}"#.to_owned();
        let mut ok = at_limit;
        for _ in 1..MAX_CLAIM_DEPTH {
            ok = format!(r#"{{"sub":"x","act":{ok}}}"#);
        }
        assert_eq!(check(&token(ES256, &format!(r#"{{"act":{ok}}}"#))), Ok(()));
        let e = check(&token(
            ES256,
            &format!(r#"{{"sub":"a","exp":1,"act":{act}}}"#),
        ))
        .unwrap_err();
        assert_eq!(e, "its act claim nests more than 100 deep");
        let e = check(&token(ES256, &"[".repeat(1000))).unwrap_err();
        assert_eq!(e, "its claims set nests more than 100 deep");
    }

    #[test]
    fn numbers_out_of_range_are_named() {
        let e = check(&token(ES256, r#"{"sub":"a","exp":1e400}"#)).unwrap_err();
        assert_eq!(
            e,
            "its exp claim is not a number the lab can read: 1e400 is out of range"
        );
        let e = check(&token(ES256, r#"{"a":{"b":[-1E999]}}"#)).unwrap_err();
        assert!(e.starts_with("its a claim is not a number"), "{e}");
        let e = check(&token(r#"{"alg":"ES256","x":1e309}"#, "{}")).unwrap_err();
        assert!(e.starts_with("its header member x is not a number"), "{e}");
        // Tiny numbers round to zero: readable.
        assert_eq!(check(&token(ES256, r#"{"exp":1e-400}"#)), Ok(()));
    }
}
