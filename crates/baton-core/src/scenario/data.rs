//! Iteration data for data-driven runs (`baton run --iteration-data FILE`), as QA know them from
//! Newman and Bruno: a CSV file with a header line, or a JSON array of objects. Each row is one
//! run of the collection, its columns read as `{{data.NAME}}`.
//!
//! CSV is read as RFC 4180 describes it (quoted fields may hold commas, quotes written twice and
//! line breaks), with a UTF-8 byte-order mark and LF or CRLF line ends accepted. Every error
//! names the file, the line and what was wrong, and nothing is sent before the whole file reads.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value;

use crate::scenario::reference::DataRow;

/// The largest iteration data file read: a data file is a list of test inputs, and this bounds
/// the memory a mistaken path (a log, an image) can take.
pub const MAX_DATA_FILE_BYTES: u64 = 32 * 1024 * 1024;

/// The most rows one file may hold: each is a run of the whole collection.
pub const MAX_DATA_ROWS: usize = 100_000;

#[derive(Debug, thiserror::Error)]
pub enum DataError {
    #[error("{file}: cannot be read: {source}")]
    Read {
        file: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{file}: is {size} bytes; iteration data is read up to {MAX_DATA_FILE_BYTES} bytes")]
    TooLarge { file: String, size: u64 },
    #[error("{file}: is not UTF-8 text (at byte {offset})")]
    NotText { file: String, offset: usize },
    #[error("{file}:{line}: {problem}")]
    Csv {
        file: String,
        line: usize,
        problem: String,
    },
    #[error("{file}: {problem}")]
    Json { file: String, problem: String },
    #[error("{file}: has no rows (a header line and at least one row, or a non-empty JSON array)")]
    Empty { file: String },
    #[error("{file}: has {rows} rows; a run reads at most {MAX_DATA_ROWS} (split the file)")]
    TooManyRows { file: String, rows: usize },
}

/// Reads iteration data: JSON when the file ends in `.json` (or its first character is `[`),
/// CSV otherwise.
pub fn read_iteration_data(path: &Path) -> Result<Vec<DataRow>, DataError> {
    let file = path.display().to_string();
    let size = std::fs::metadata(path)
        .map_err(|source| DataError::Read {
            file: file.clone(),
            source,
        })?
        .len();
    if size > MAX_DATA_FILE_BYTES {
        return Err(DataError::TooLarge { file, size });
    }
    let bytes = std::fs::read(path).map_err(|source| DataError::Read {
        file: file.clone(),
        source,
    })?;
    let text = String::from_utf8(bytes).map_err(|e| DataError::NotText {
        file: file.clone(),
        offset: e.utf8_error().valid_up_to(),
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let name = path
        .file_name()
        .map_or_else(|| file.clone(), |n| n.to_string_lossy().into_owned());
    let is_json = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"))
        || text.trim_start().starts_with('[');
    let rows = if is_json {
        parse_json(text, &file, &name)
    } else {
        parse_csv(text, &file, &name)
    }?;
    if rows.len() > MAX_DATA_ROWS {
        return Err(DataError::TooManyRows {
            file,
            rows: rows.len(),
        });
    }
    Ok(rows)
}

/// A JSON array of objects; strings are taken as they are, other values as their JSON text
/// (`42`, `true`, `{"a":1}`), and `null` as an empty string.
pub fn parse_json(text: &str, file: &str, name: &str) -> Result<Vec<DataRow>, DataError> {
    let fail = |problem: String| DataError::Json {
        file: file.to_string(),
        problem,
    };
    let value: Value = serde_json::from_str(text).map_err(|e| {
        fail(format!(
            "is not JSON (line {}, column {}: {e})",
            e.line(),
            e.column()
        ))
    })?;
    let Value::Array(items) = value else {
        return Err(fail(
            "must be a JSON array of objects, one per run, e.g. [{\"user\": \"alice\"}]".into(),
        ));
    };
    if items.is_empty() {
        return Err(DataError::Empty {
            file: file.to_string(),
        });
    }
    items
        .into_iter()
        .enumerate()
        .map(|(i, item)| {
            let Value::Object(members) = item else {
                return Err(fail(format!(
                    "item {} of the array is not an object of column names and values",
                    i + 1
                )));
            };
            let values = members
                .into_iter()
                .map(|(k, v)| {
                    let text = match v {
                        Value::String(s) => s,
                        Value::Null => String::new(),
                        other => other.to_string(),
                    };
                    (k, text)
                })
                .collect();
            Ok(DataRow {
                origin: format!("row {} of {name}", i + 1),
                values,
            })
        })
        .collect()
}

/// CSV with a header line naming the columns; every row has as many fields as the header.
/// Blank lines are skipped.
pub fn parse_csv(text: &str, file: &str, name: &str) -> Result<Vec<DataRow>, DataError> {
    let fail = |line: usize, problem: String| DataError::Csv {
        file: file.to_string(),
        line,
        problem,
    };
    let records = csv_records(text).map_err(|(line, problem)| fail(line, problem))?;
    let mut records = records.into_iter();
    let Some((header_line, header)) = records.next() else {
        return Err(DataError::Empty {
            file: file.to_string(),
        });
    };
    let mut seen = BTreeMap::new();
    for (i, column) in header.iter().enumerate() {
        if column.trim().is_empty() {
            return Err(fail(
                header_line,
                format!("column {} of the header line has no name", i + 1),
            ));
        }
        if let Some(first) = seen.insert(column.as_str(), i + 1) {
            return Err(fail(
                header_line,
                format!(
                    "the header names column {column:?} twice (columns {first} and {})",
                    i + 1
                ),
            ));
        }
    }
    let mut rows = Vec::new();
    for (line, fields) in records {
        if fields.len() != header.len() {
            return Err(fail(
                line,
                format!(
                    "this row has {} fields, the header line has {} ({})",
                    fields.len(),
                    header.len(),
                    header.join(", ")
                ),
            ));
        }
        rows.push(DataRow {
            origin: format!("row {} of {name}", rows.len() + 1),
            values: header.iter().cloned().zip(fields).collect(),
        });
    }
    if rows.is_empty() {
        return Err(DataError::Empty {
            file: file.to_string(),
        });
    }
    Ok(rows)
}

/// A CSV record: the line it starts on, and its fields.
type Record = (usize, Vec<String>);

/// Splits CSV text into records. Blank lines are skipped. The error is a line and what is wrong.
fn csv_records(text: &str) -> Result<Vec<Record>, (usize, String)> {
    let mut records = Vec::new();
    let mut chars = text.chars().peekable();
    let mut line = 1;
    loop {
        // Skip blank lines between records.
        while let Some(&c) = chars.peek() {
            match c {
                '\n' => {
                    line += 1;
                    chars.next();
                }
                '\r' => {
                    chars.next();
                }
                _ => break,
            }
        }
        if chars.peek().is_none() {
            return Ok(records);
        }
        let start = line;
        let mut fields = Vec::new();
        let mut field = String::new();
        let mut quoted = false;
        let mut at_field_start = true;
        loop {
            let Some(c) = chars.next() else {
                if quoted {
                    return Err((start, "a quoted field is not closed by \"".into()));
                }
                fields.push(std::mem::take(&mut field));
                break;
            };
            if quoted {
                match c {
                    '"' if chars.peek() == Some(&'"') => {
                        chars.next();
                        field.push('"');
                    }
                    '"' => {
                        quoted = false;
                        // After a closing quote: a separator, a line end or the end.
                        match chars.peek() {
                            None | Some(',' | '\n' | '\r') => {}
                            Some(other) => {
                                return Err((
                                    line,
                                    format!(
                                        "{other:?} after a closing quote: a quoted field ends at a comma or the line's end"
                                    ),
                                ));
                            }
                        }
                    }
                    '\n' => {
                        line += 1;
                        field.push('\n');
                    }
                    other => field.push(other),
                }
                continue;
            }
            match c {
                '"' if at_field_start => {
                    quoted = true;
                    at_field_start = false;
                }
                '"' => {
                    return Err((
                        line,
                        "a quote inside an unquoted field: quote the whole field and write \"\" for a quote".into(),
                    ));
                }
                ',' => {
                    fields.push(std::mem::take(&mut field));
                    at_field_start = true;
                }
                '\r' if chars.peek() == Some(&'\n') => {}
                '\n' => {
                    line += 1;
                    fields.push(std::mem::take(&mut field));
                    break;
                }
                other => {
                    field.push(other);
                    at_field_start = false;
                }
            }
        }
        records.push((start, fields));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn csv(text: &str) -> Result<Vec<DataRow>, String> {
        parse_csv(text, "users.csv", "users.csv").map_err(|e| e.to_string())
    }

    fn row(r: &DataRow, k: &str) -> String {
        r.values.get(k).cloned().unwrap_or_default()
    }

    #[test]
    fn csv_rows_are_read_by_header() {
        let rows = csv("user,scope\r\nalice,read\r\nbob,\"read write\"\r\n").expect("rows");
        assert_eq!(rows.len(), 2);
        assert_eq!(row(&rows[0], "user"), "alice");
        assert_eq!(row(&rows[1], "scope"), "read write");
        assert_eq!(rows[1].origin, "row 2 of users.csv");
    }

    #[test]
    fn quoted_fields_hold_commas_quotes_and_line_breaks() {
        let rows = csv("a,b\n\"x, y\",\"say \"\"hi\"\"\"\n\"two\nlines\",\n").expect("rows");
        assert_eq!(row(&rows[0], "a"), "x, y");
        assert_eq!(row(&rows[0], "b"), "say \"hi\"");
        assert_eq!(row(&rows[1], "a"), "two\nlines");
        assert_eq!(row(&rows[1], "b"), "");
    }

    #[test]
    fn blank_lines_and_a_missing_final_newline_are_fine() {
        let rows = csv("a\n\n1\n\n2").expect("rows");
        assert_eq!(rows.len(), 2);
        assert_eq!(row(&rows[1], "a"), "2");
    }

    #[test]
    fn a_short_row_is_named_with_its_line() {
        let err = csv("user,scope\nalice,read\nbob\n").expect_err("short row");
        assert_eq!(
            err,
            "users.csv:3: this row has 1 fields, the header line has 2 (user, scope)"
        );
    }

    #[test]
    fn broken_quotes_and_headers_are_refused() {
        assert!(
            csv("a\n\"open\n")
                .expect_err("open")
                .contains("users.csv:2: a quoted field is not closed")
        );
        assert!(
            csv("a\nx\"y\n")
                .expect_err("stray")
                .contains("users.csv:2: a quote inside an unquoted field")
        );
        assert!(
            csv("a,,b\n1,2,3\n")
                .expect_err("unnamed")
                .contains("column 2")
        );
        assert!(csv("a,a\n1,2\n").expect_err("twice").contains("twice"));
        assert!(csv("a,b\n").expect_err("no rows").contains("has no rows"));
        assert!(csv("").expect_err("empty").contains("has no rows"));
    }

    #[test]
    fn json_rows_keep_strings_and_write_other_values_as_json() {
        let rows = parse_json(
            r#"[{"user": "alice", "n": 3, "ok": true, "none": null, "aud": ["a"]}]"#,
            "d.json",
            "d.json",
        )
        .expect("rows");
        assert_eq!(row(&rows[0], "user"), "alice");
        assert_eq!(row(&rows[0], "n"), "3");
        assert_eq!(row(&rows[0], "ok"), "true");
        assert_eq!(row(&rows[0], "none"), "");
        assert_eq!(row(&rows[0], "aud"), "[\"a\"]");
    }

    #[test]
    fn json_that_is_not_an_array_of_objects_is_refused() {
        let err = |t: &str| {
            parse_json(t, "d.json", "d.json")
                .expect_err("refused")
                .to_string()
        };
        assert!(err("{\"user\": 1}").contains("must be a JSON array of objects"));
        assert!(err("[{\"a\": 1}, 2]").contains("item 2 of the array is not an object"));
        assert!(err("[{\"a\": 1},").contains("is not JSON (line 1"));
        assert!(err("[]").contains("has no rows"));
    }

    #[test]
    fn files_are_checked_for_size_and_text() {
        let dir = std::env::temp_dir().join(format!("baton-data-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let bin = dir.join("image.csv");
        std::fs::write(&bin, [b'a', b'\n', 0xff, 0xfe]).expect("write");
        let err = read_iteration_data(&bin).expect_err("binary").to_string();
        assert!(
            err.ends_with("image.csv: is not UTF-8 text (at byte 2)"),
            "{err}"
        );
        let bom = dir.join("bom.csv");
        std::fs::write(&bom, "\u{feff}user\nalice\n").expect("write");
        let rows = read_iteration_data(&bom).expect("bom");
        assert_eq!(row(&rows[0], "user"), "alice");
        let many = dir.join("many.csv");
        std::fs::write(&many, format!("n\n{}", "1\n".repeat(MAX_DATA_ROWS + 1))).expect("write");
        let err = read_iteration_data(&many)
            .expect_err("too many")
            .to_string();
        assert!(
            err.ends_with("many.csv: has 100001 rows; a run reads at most 100000 (split the file)"),
            "{err}"
        );
        let missing = read_iteration_data(&dir.join("missing.csv")).expect_err("missing");
        assert!(missing.to_string().contains("missing.csv: cannot be read"));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
