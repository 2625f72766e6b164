//! Reading a collection file. The text is parsed once into a table that keeps every value's
//! place in the file; the `format` key is checked and taken out, the rest is deserialized into
//! a `Collection`, and the collection is checked. Every mistake is located with the parser's
//! spans, never by searching the text.

use std::ops::Range;
use std::path::Path;

use baton_core::auth::AuthMethod;
use baton_core::findings::Severity;
use baton_core::scenario::{Assertion, Collection, FirstGrant, GivenToken, Step, TokenStep};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde::de::value::StrDeserializer;
use toml::Spanned;
use toml::de::{DeTable, DeValue, Error, ValueDeserializer};

use super::FORMAT;
use super::check::{self, DocPath, Seg};
use super::error::{FileError, Location, Problem};

/// Parses the text of a collection file; `origin` is the file it came from, for messages.
pub fn parse_collection(text: &str, origin: &Path) -> Result<Collection, FileError> {
    let invalid = |span: Option<Range<usize>>, problem| FileError::Invalid {
        at: Location::at_offset(origin, text, span.map_or(0, |s| s.start)),
        problem,
    };
    let mut root = DeTable::parse(text)
        .map_err(|e| invalid(e.span(), Problem::Syntax(one_line(e.message()))))?;
    check_format(root.get_ref()).map_err(|(span, problem)| invalid(span, problem))?;
    root.get_mut().remove("format");
    let spans = root.clone();
    let collection = Collection::deserialize(toml::de::Deserializer::from(root)).map_err(|e| {
        let mut message = one_line(e.message());
        let mut span = element_span(&spans, &message).or(e.span());
        if message.contains("ProbeSubject")
            && let Some((at, why)) = probe_subject_error(&spans)
        {
            (span, message) = (Some(at), why);
        }
        invalid(
            span.clone(),
            Problem::Shape(shape_message(&spans, span, &message)),
        )
    })?;

    // Of several findings, the first in the file.
    let located = check::check(&collection).into_iter().map(|finding| {
        let span = span_of(&spans, &finding.at);
        let mut problem = finding.problem;
        if let (Problem::Duplicate { first_line, .. }, Some(first)) = (&mut problem, &finding.first)
        {
            let start = span_of(&spans, first).start;
            *first_line = Some(Location::at_offset(origin, text, start).line);
        }
        (span, problem)
    });
    match located.min_by_key(|(span, _)| span.start) {
        Some((span, problem)) => Err(invalid(Some(span), problem)),
        None => Ok(collection),
    }
}

/// The `format` key: present, a whole number, and one this Baton reads.
fn check_format(root: &DeTable<'_>) -> Result<(), (Option<Range<usize>>, Problem)> {
    let Some(format) = root.get("format") else {
        return Err((None, Problem::MissingFormat));
    };
    let span = Some(format.span());
    let DeValue::Integer(n) = format.get_ref() else {
        return Err((span, Problem::FormatNotANumber));
    };
    let written = n.as_str().to_string();
    match i128::from_str_radix(n.as_str(), n.radix()) {
        Ok(v) if v == i128::from(FORMAT) => Ok(()),
        Ok(v) if v > i128::from(FORMAT) => Err((span, Problem::NewerFormat { found: written })),
        // Too large even for i128: certainly not a format of the past.
        Err(_) if !written.starts_with('-') => Err((span, Problem::NewerFormat { found: written })),
        _ => Err((span, Problem::UnknownFormat { found: written })),
    }
}

/// The span of the value at `path`, or of the nearest enclosing value the file has. A finding's
/// path always exists in the file it was read from, so the fallback only guards against a
/// mismatch between the checks and the parser.
fn span_of(root: &Spanned<DeTable<'_>>, path: &DocPath) -> Range<usize> {
    let mut span = root.span();
    let mut table = Some(root.get_ref());
    let mut array: Option<&[Spanned<DeValue<'_>>]> = None;
    for seg in path {
        let value = match seg {
            Seg::Key(k) => table.and_then(|t| t.get(*k)),
            Seg::Name(k) => table.and_then(|t| t.get(k.as_str())),
            Seg::Index(i) => array.and_then(|a| a.get(*i)),
        };
        let Some(value) = value else { break };
        span = value.span();
        table = match value.get_ref() {
            DeValue::Table(t) => Some(t),
            _ => None,
        };
        array = match value.get_ref() {
            DeValue::Array(a) => Some(a),
            _ => None,
        };
    }
    span
}

/// The keys whose values are secrets (or references to them).
const SECRET_KEYS: &[&str] = &["secret", "private_key", "password"];

/// Where the step or assertion is that a message is about. A step with no action, or an
/// assertion with two checks, is refused after its fields were read, when the parser no longer
/// knows which element of the array it was: the error comes with the span of the whole array.
/// Each step and assertion is read again alone to find the one that fails so.
fn element_span(root: &Spanned<DeTable<'_>>, message: &str) -> Option<Range<usize>> {
    let fails = |value: &Spanned<DeValue<'_>>, read: fn(ValueDeserializer<'_>) -> Option<Error>| {
        read(ValueDeserializer::from(value.clone()))
            .filter(|e| one_line(e.message()) == message)
            .map(|e| e.span().unwrap_or(value.span()))
    };
    let scenarios = array(root.get_ref(), "scenarios")?;
    for scenario in scenarios {
        let Some(steps) = scenario
            .get_ref()
            .as_table()
            .and_then(|t| array(t, "steps"))
        else {
            continue;
        };
        for step in steps {
            let asserts = step.get_ref().as_table().and_then(|t| array(t, "assert"));
            for assertion in asserts.unwrap_or_default() {
                if let Some(span) = fails(assertion, |d| Assertion::deserialize(d).err()) {
                    return Some(span);
                }
            }
            if let Some(span) = fails(step, |d| Step::deserialize(d).err()) {
                return Some(span);
            }
        }
    }
    None
}

/// Why `[probe] subject` is neither of its two forms, and where. Serde only says that no form
/// matched; the subject is read again as the form it looks like (a given token has `token`), so
/// the message names the key that is wrong.
fn probe_subject_error(root: &Spanned<DeTable<'_>>) -> Option<(Range<usize>, String)> {
    let probe = root.get_ref().get("probe")?.get_ref().as_table()?;
    let subject = probe.get("subject")?;
    let Some(table) = subject.get_ref().as_table() else {
        return Some((
            subject.span(),
            format!(
                "`subject` must be a table: a token step's fields ({{ client = \"…\", grant = \"client_credentials\" }}) or a given token ({{ token = \"…\", type = \"access_token\" }}), not {}",
                subject.get_ref().type_str()
            ),
        ));
    };
    let read = ValueDeserializer::from(subject.clone());
    let error = if table.contains_key("token") {
        GivenToken::deserialize(read).err()
    } else {
        TokenStep::deserialize(read).err()
    }?;
    Some((
        error.span().unwrap_or(subject.span()),
        one_line(error.message()),
    ))
}

fn array<'a, 'i>(table: &'a DeTable<'i>, key: &str) -> Option<&'a [Spanned<DeValue<'i>>]> {
    match table.get(key)?.get_ref() {
        DeValue::Array(a) => Some(a),
        _ => None,
    }
}

/// Serde's words for what it expected, in TOML's words, with the choices of an enumerated value
/// that the parser could not name.
fn shape_message(root: &Spanned<DeTable<'_>>, span: Option<Range<usize>>, message: &str) -> String {
    let found = span.as_ref().and_then(|s| value_at(root.get_ref(), s));
    // A secret of the wrong type is still a secret: name its type, never its value.
    if let Some((key, value)) = &found
        && SECRET_KEYS.contains(&key.as_str())
    {
        return format!(
            "`{key}` must be a `{{{{secret.NAME}}}}` reference, a string, not {}",
            value.type_str()
        );
    }
    if message == "wanted string or table" {
        if let Some((key, value)) = found {
            let choices = match key.as_str() {
                "auth" => variants::<AuthMethod>(),
                "grant" => variants::<FirstGrant>(),
                "no_findings_at_or_above" => variants::<Severity>(),
                _ => None,
            };
            if let Some(choices) = choices {
                return format!("`{key}` must be one of {choices}, not {}", value.type_str());
            }
        }
        return "expected a string".to_string();
    }
    let Some(rest) = message.strip_prefix("invalid type: ") else {
        return message.to_string();
    };
    let Some((found, expected)) = rest.split_once(", expected ") else {
        return message.to_string();
    };
    let words = |s: &str| -> String {
        match s {
            "u16" => "a whole number from 0 to 65535".to_string(),
            "usize" => "a whole number, 0 or more".to_string(),
            "a sequence" | "sequence" => "an array".to_string(),
            "a map" | "map" => "a table".to_string(),
            "unit value" => "nothing".to_string(),
            s if s.starts_with("struct ") => "a table".to_string(),
            s => s.replace("floating point", "float"),
        }
    };
    format!("expected {}, found {}", words(expected), words(found))
}

/// The choices of a unit-variant enum, as serde lists them.
fn variants<T: DeserializeOwned>() -> Option<String> {
    let error = T::deserialize(StrDeserializer::<serde::de::value::Error>::new("")).err()?;
    let text = error.to_string();
    text.split_once("expected one of ")
        .map(|(_, v)| v.to_string())
}

/// The key and value whose value has exactly this span.
fn value_at<'a, 'i>(
    table: &'a DeTable<'i>,
    span: &Range<usize>,
) -> Option<(String, &'a DeValue<'i>)> {
    fn search<'a, 'i>(
        key: &str,
        value: &'a Spanned<DeValue<'i>>,
        span: &Range<usize>,
    ) -> Option<(String, &'a DeValue<'i>)> {
        if value.span() == *span {
            return Some((key.to_string(), value.get_ref()));
        }
        match value.get_ref() {
            DeValue::Table(t) => value_at(t, span),
            DeValue::Array(a) => a.iter().find_map(|v| search(key, v, span)),
            _ => None,
        }
    }
    table.iter().find_map(|(k, v)| search(k.get_ref(), v, span))
}

/// Parser messages may run over several lines ("expected …" on the next); a location prefix
/// reads best followed by one line.
fn one_line(message: &str) -> String {
    message
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("; ")
}
