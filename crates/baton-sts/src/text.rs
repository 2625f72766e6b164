//! Client-controlled text, cut short before the lab keeps it or repeats it: a request may carry a
//! field of tens of kilobytes, and neither the log nor an error description should copy it whole.

/// The most characters of one client-supplied value an error description quotes.
pub(crate) const QUOTE_MAX_CHARS: usize = 100;

/// `s` cut to at most `max` characters (on a character boundary), with "…" when cut.
pub(crate) fn clip(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        None => s.to_owned(),
        Some((end, _)) => {
            let mut out = String::with_capacity(end + '…'.len_utf8());
            out.push_str(&s[..end]);
            out.push('…');
            out
        }
    }
}

/// Like [`clip`], for an owned string: no copy when it is short enough.
pub(crate) fn clip_owned(s: String, max: usize) -> String {
    match s.char_indices().nth(max) {
        None => s,
        Some(_) => clip(&s, max),
    }
}

/// A client-supplied value quoted for an error description (`"value"`, escaped), cut short.
pub(crate) fn quoted(s: &str) -> String {
    format!("{:?}", clip(s, QUOTE_MAX_CHARS))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_text_is_kept_and_long_text_is_cut_on_a_char_boundary() {
        assert_eq!(clip("abc", 3), "abc");
        assert_eq!(clip("abcd", 3), "abc…");
        assert_eq!(clip("ééé", 2), "éé…");
        assert_eq!(clip_owned("x".repeat(2_000_000), 200).chars().count(), 201);
        assert_eq!(
            quoted(&"a\"".repeat(100)).len(),
            2 + 100 + 50 + '…'.len_utf8()
        );
    }
}
