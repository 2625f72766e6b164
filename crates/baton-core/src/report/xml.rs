//! Escaping text for XML 1.0, shared by the SVG and JUnit writers.

/// Text content: markup characters as entities; characters XML 1.0 does not allow at all (most
/// C0 controls, U+FFFE, U+FFFF) written visibly as `\u{…}` so nothing is lost silently.
pub(crate) fn text(s: &str) -> String {
    escape(s, false)
}

/// An attribute value in double quotes: as [`text`], and line breaks and tabs as character
/// references, which a parser would otherwise normalise to spaces.
pub(crate) fn attr(s: &str) -> String {
    escape(s, true)
}

fn escape(s: &str, attribute: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\r' => out.push_str("&#13;"),
            '\n' if attribute => out.push_str("&#10;"),
            '\t' if attribute => out.push_str("&#9;"),
            '\n' | '\t' => out.push(c),
            c if !allowed(c) => out.push_str(&format!("\\u{{{:x}}}", u32::from(c))),
            c => out.push(c),
        }
    }
    out
}

/// XML 1.0 `Char`: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]
/// (surrogates cannot occur in a Rust string).
fn allowed(c: char) -> bool {
    matches!(c, '\u{9}' | '\u{A}' | '\u{D}' | '\u{20}'..='\u{FFFD}' | '\u{10000}'..)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_and_forbidden_characters_are_escaped() {
        assert_eq!(text("a<b & \"c\""), "a&lt;b &amp; &quot;c&quot;");
        assert_eq!(text("esc\u{1b}[0m"), "esc\\u{1b}[0m");
        assert_eq!(text("\u{FFFE}"), "\\u{fffe}");
        assert_eq!(attr("one\ntwo\tthree"), "one&#10;two&#9;three");
        assert_eq!(text("one\ntwo"), "one\ntwo");
    }
}
