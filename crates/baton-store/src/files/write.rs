//! Writing a collection as a file meant to be read by people and diffed by git. The collection
//! goes through its serde form, so every field the model has is written, in the model's order;
//! this module only decides the layout:
//!
//! - servers, clients, environments, scenarios and steps are arrays of tables (`[[servers]]`),
//!   and a step's action is a sub-table (`[scenarios.steps.exchange]`); since TOML puts a
//!   table's own keys before its sub-tables, a step's `assert` comes before its action;
//! - assertions, `params`, a step's `repeat` and the probe target's `subject` are inline
//!   tables, short arrays stay on one line and long ones get one item a line;
//! - `[probe]` comes before the scenarios, so the roles are read beside the clients they name;
//! - `description` and `notes` with line breaks are multi-line strings;
//! - maps are written sorted (the model keeps them in `BTreeMap`s; claim values are sorted here).

use baton_core::scenario::Collection;
use serde_json::{Map, Value as Json};

use super::FORMAT;
use super::check::replace_literal_secrets;

/// Keys whose values are written inline, wherever they are.
const INLINE_KEYS: &[&str] = &["assert", "params", "repeat"];

/// Keys whose text reads better kept in its lines.
const PROSE_KEYS: &[&str] = &["description", "notes"];

/// Past this, an array is written one item a line.
const MAX_LINE: usize = 100;

/// The text of a collection file. `parse_collection` reads it back as the same collection.
///
/// A secret written as a value (never in a valid collection) is written as a reference to a
/// secret of a fitting name instead, so an export cannot leak one. A JSON null in a claim
/// assertion, which TOML cannot express, is left out (`save_collection_file` refuses it).
pub fn write_collection(collection: &Collection) -> String {
    let mut collection = collection.clone();
    replace_literal_secrets(&mut collection);
    // The model's types serialize to JSON whatever they hold: every map has string keys.
    let value = serde_json::to_value(&collection).unwrap_or(Json::Null);
    let mut out = format!(
        "# Baton collection, format {FORMAT}: docs/collection-format.md\nformat = {FORMAT}\n"
    );
    if let Json::Object(root) = value {
        write_table(&mut out, &[], &probe_before_scenarios(root));
    }
    out
}

/// The root's members with `probe` moved before `scenarios`, the rest in the model's order.
fn probe_before_scenarios(root: Map<String, Json>) -> Map<String, Json> {
    let mut probe = None;
    let mut rest = Vec::with_capacity(root.len());
    for (key, value) in root {
        if key == "probe" {
            probe = Some(value);
        } else {
            rest.push((key, value));
        }
    }
    let mut out = Map::new();
    for (key, value) in rest {
        if key == "scenarios"
            && let Some(p) = probe.take()
        {
            out.insert("probe".to_string(), p);
        }
        out.insert(key, value);
    }
    if let Some(p) = probe {
        out.insert("probe".to_string(), p);
    }
    out
}

/// A table's own keys, then its sub-tables and arrays of tables.
fn write_table(out: &mut String, path: &[&str], table: &Map<String, Json>) {
    for (key, value) in table {
        if value.is_null() || is_block(path, key, value) {
            continue;
        }
        write_key_value(out, key, value);
    }
    for (key, value) in table {
        if !is_block(path, key, value) {
            continue;
        }
        let mut child: Vec<&str> = path.to_vec();
        child.push(key);
        let header: Vec<String> = child.iter().map(|k| key_text(k)).collect();
        let header = header.join(".");
        match value {
            Json::Object(sub) => {
                out.push_str(&format!("\n[{header}]\n"));
                write_table(out, &child, sub);
            }
            Json::Array(items) => {
                for item in items {
                    if let Json::Object(sub) = item {
                        out.push_str(&format!("\n[[{header}]]\n"));
                        write_table(out, &child, sub);
                    }
                }
            }
            _ => {}
        }
    }
}

/// Whether a value is written as its own table (or array of tables) rather than inline.
fn is_block(path: &[&str], key: &str, value: &Json) -> bool {
    if INLINE_KEYS.contains(&key) || (path == ["probe"] && key == "subject") {
        return false;
    }
    match value {
        Json::Object(_) => true,
        Json::Array(items) => !items.is_empty() && items.iter().all(Json::is_object),
        _ => false,
    }
}

fn write_key_value(out: &mut String, key: &str, value: &Json) {
    let key = key_text(key);
    match value {
        Json::String(s) if PROSE_KEYS.contains(&key.as_str()) && s.contains('\n') => {
            out.push_str(&format!("{key} = {}\n", multi_line_string(s)));
        }
        Json::Array(items) => {
            let items: Vec<String> = items
                .iter()
                .filter(|v| !v.is_null())
                .map(|v| inline(v, false))
                .collect();
            let one_line = format!("{key} = [{}]", items.join(", "));
            if items.len() > 1 && one_line.chars().count() > MAX_LINE {
                out.push_str(&format!("{key} = [\n"));
                for item in items {
                    out.push_str(&format!("    {item},\n"));
                }
                out.push_str("]\n");
            } else {
                out.push_str(&one_line);
                out.push('\n');
            }
        }
        _ => out.push_str(&format!("{key} = {}\n", inline(value, false))),
    }
}

/// A value on one line. Objects nested in a value (a claim's expected value) are sorted by key;
/// the model's own inline tables (an assertion, `params`) keep their order.
fn inline(value: &Json, nested: bool) -> String {
    match value {
        Json::Null => String::new(),
        Json::Bool(b) => b.to_string(),
        Json::Number(n) => number_text(n),
        Json::String(s) => basic_string(s),
        Json::Array(items) => {
            let items: Vec<String> = items
                .iter()
                .filter(|v| !v.is_null())
                .map(|v| inline(v, nested))
                .collect();
            format!("[{}]", items.join(", "))
        }
        Json::Object(map) => {
            let mut entries: Vec<(&String, &Json)> =
                map.iter().filter(|(_, v)| !v.is_null()).collect();
            if nested {
                entries.sort_by(|a, b| a.0.cmp(b.0));
            }
            if entries.is_empty() {
                return "{}".to_string();
            }
            let entries: Vec<String> = entries
                .into_iter()
                .map(|(k, v)| format!("{} = {}", key_text(k), inline(v, true)))
                .collect();
            format!("{{ {} }}", entries.join(", "))
        }
    }
}

fn number_text(n: &serde_json::Number) -> String {
    if let Some(i) = n.as_i64() {
        return i.to_string();
    }
    if let Some(u) = n.as_u64() {
        return u.to_string();
    }
    let f = n.as_f64().unwrap_or(0.0);
    // Rust prints the shortest text that reads back as the same f64; TOML needs a float to
    // show a fraction or an exponent, and an exponent keeps huge and tiny numbers short.
    let magnitude = f.abs();
    let text = if magnitude != 0.0 && !(1e-5..1e16).contains(&magnitude) {
        format!("{f:e}")
    } else {
        format!("{f}")
    };
    if text.contains(['.', 'e', 'E']) {
        text
    } else {
        format!("{text}.0")
    }
}

/// A bare key when TOML allows one, otherwise a quoted one.
fn key_text(key: &str) -> String {
    let bare = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if bare {
        key.to_string()
    } else {
        basic_string(key)
    }
}

/// A `"…"` string: quotes, backslashes and control characters escaped, everything else as is.
fn basic_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            _ => push_escaped(&mut out, c),
        }
    }
    out.push('"');
    out
}

/// A `"""…"""` string whose lines are the text's lines. A quote is escaped only where three
/// in a row, or one before the closing quotes, would end the string.
fn multi_line_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    out.push_str("\"\"\"\n");
    let mut quotes = 0;
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quotes == 2 || chars.peek().is_none() => {
                out.push_str("\\\"");
                quotes = 0;
            }
            '"' => {
                out.push('"');
                quotes += 1;
            }
            '\n' => {
                out.push('\n');
                quotes = 0;
            }
            _ => {
                push_escaped(&mut out, c);
                quotes = 0;
            }
        }
    }
    out.push_str("\"\"\"");
    out
}

fn push_escaped(out: &mut String, c: char) {
    match c {
        '\\' => out.push_str("\\\\"),
        '\n' => out.push_str("\\n"),
        '\t' => out.push_str("\\t"),
        '\r' => out.push_str("\\r"),
        '\u{8}' => out.push_str("\\b"),
        '\u{c}' => out.push_str("\\f"),
        // Invisible in an editor, so shown by number.
        c if c.is_control() => {
            out.push_str(&format!("\\u{:04X}", u32::from(c)));
        }
        c => out.push(c),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats_stay_floats() {
        let text = |f: f64| serde_json::Number::from_f64(f).map(|n| number_text(&n));
        assert_eq!(text(2.0).as_deref(), Some("2.0"));
        assert_eq!(text(-0.5).as_deref(), Some("-0.5"));
        assert_eq!(text(1e300).as_deref(), Some("1e300"));
        assert_eq!(text(1.5e-7).as_deref(), Some("1.5e-7"));
    }

    #[test]
    fn quotes_in_multi_line_strings_never_close_them() {
        assert_eq!(
            multi_line_string("a\n\"\"\"b"),
            "\"\"\"\na\n\"\"\\\"b\"\"\""
        );
        assert_eq!(
            multi_line_string("say \"hi\"\n"),
            "\"\"\"\nsay \"hi\"\n\"\"\""
        );
        assert_eq!(multi_line_string("end\n\""), "\"\"\"\nend\n\\\"\"\"\"");
    }
}
