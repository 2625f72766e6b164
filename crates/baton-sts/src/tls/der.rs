//! A minimal DER reader: just enough of X.690 to walk a certificate to its subject and subject
//! alternative names. Every read is bounded by the input; nothing is trusted.

/// Universal and context tags the certificate walk meets.
pub(super) const SEQUENCE: u8 = 0x30;
pub(super) const SET: u8 = 0x31;
pub(super) const OID: u8 = 0x06;
pub(super) const BOOLEAN: u8 = 0x01;
pub(super) const OCTET_STRING: u8 = 0x04;

/// One element: its tag, its contents, and the whole encoding (tag, length and contents).
#[derive(Debug, Clone, Copy)]
pub(super) struct Element<'a> {
    pub(super) tag: u8,
    pub(super) contents: &'a [u8],
    pub(super) encoded: &'a [u8],
}

/// Reads consecutive elements from a byte slice.
pub(super) struct Reader<'a> {
    rest: &'a [u8],
}

impl<'a> Reader<'a> {
    pub(super) fn new(input: &'a [u8]) -> Self {
        Reader { rest: input }
    }

    pub(super) fn is_empty(&self) -> bool {
        self.rest.is_empty()
    }

    /// The next element's tag, without reading it.
    pub(super) fn peek_tag(&self) -> Option<u8> {
        self.rest.first().copied()
    }

    pub(super) fn read(&mut self) -> Result<Element<'a>, String> {
        let input = self.rest;
        let (&tag, after_tag) = input
            .split_first()
            .ok_or_else(|| "it ends where an element was expected".to_owned())?;
        if tag & 0x1f == 0x1f {
            return Err(format!(
                "tag {tag:#04x} uses the multi-byte form, not expected here"
            ));
        }
        let (&first, after_len) = after_tag
            .split_first()
            .ok_or_else(|| "an element has no length".to_owned())?;
        let (len, after_len) = if first < 0x80 {
            (usize::from(first), after_len)
        } else {
            let count = usize::from(first & 0x7f);
            if count == 0 || count > 4 {
                return Err("an element has an indefinite or oversized length".to_owned());
            }
            let bytes = after_len
                .get(..count)
                .ok_or_else(|| "an element's length is cut short".to_owned())?;
            let len = bytes
                .iter()
                .fold(0usize, |acc, b| (acc << 8) | usize::from(*b));
            (len, after_len.get(count..).unwrap_or_default())
        };
        let contents = after_len
            .get(..len)
            .ok_or_else(|| format!("an element claims {len} bytes but fewer follow"))?;
        let header = input.len().saturating_sub(after_len.len());
        let total = header
            .checked_add(len)
            .ok_or_else(|| "an element's length overflows".to_owned())?;
        let encoded = input.get(..total).unwrap_or(input);
        self.rest = input.get(total..).unwrap_or_default();
        Ok(Element {
            tag,
            contents,
            encoded,
        })
    }

    /// Reads an element that must have `tag`; `what` names it in the error.
    pub(super) fn expect(&mut self, tag: u8, what: &str) -> Result<Element<'a>, String> {
        let element = self.read().map_err(|e| format!("{what}: {e}"))?;
        if element.tag != tag {
            return Err(format!(
                "{what}: expected tag {tag:#04x}, found {:#04x}",
                element.tag
            ));
        }
        Ok(element)
    }
}

/// An OBJECT IDENTIFIER's contents in dotted form (`2.5.4.3`).
pub(super) fn oid_to_string(contents: &[u8]) -> Result<String, String> {
    let mut arcs: Vec<u64> = Vec::new();
    let mut value: u64 = 0;
    for (i, b) in contents.iter().enumerate() {
        if value > (u64::MAX >> 7) {
            return Err("an object identifier has an arc too large".to_owned());
        }
        value = (value << 7) | u64::from(b & 0x7f);
        if b & 0x80 == 0 {
            if arcs.is_empty() {
                // The first subidentifier packs the first two arcs (X.690 §8.19.4).
                let first = (value / 40).min(2);
                arcs.push(first);
                arcs.push(value.saturating_sub(first * 40));
            } else {
                arcs.push(value);
            }
            value = 0;
        } else if i + 1 == contents.len() {
            return Err("an object identifier is cut short".to_owned());
        }
    }
    if arcs.is_empty() {
        return Err("an object identifier is empty".to_owned());
    }
    Ok(arcs
        .iter()
        .map(u64::to_string)
        .collect::<Vec<_>>()
        .join("."))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_short_and_long_lengths() {
        let long = [&[0x04, 0x81, 0x80][..], &[7u8; 0x80][..]].concat();
        let mut r = Reader::new(&long);
        let e = r.read().expect("long form");
        assert_eq!(
            (e.tag, e.contents.len(), e.encoded.len()),
            (0x04, 0x80, 0x83)
        );
        assert!(r.is_empty());
        let mut r = Reader::new(&[0x02, 0x01, 0x05, 0x05, 0x00]);
        assert_eq!(r.read().expect("int").contents, [5]);
        assert_eq!(r.peek_tag(), Some(0x05));
    }

    #[test]
    fn refuses_truncated_and_indefinite_input() {
        for bad in [
            &[][..],
            &[0x30][..],
            &[0x30, 0x05, 0x01][..],
            &[0x30, 0x80, 0x00, 0x00][..],
            &[0x30, 0x85, 1, 1, 1, 1, 1][..],
            &[0x1f, 0x01, 0x00][..],
        ] {
            assert!(Reader::new(bad).read().is_err(), "{bad:?}");
        }
    }

    #[test]
    fn oids_read_as_dotted_text() {
        assert_eq!(oid_to_string(&[0x55, 0x04, 0x03]).as_deref(), Ok("2.5.4.3"));
        assert_eq!(
            oid_to_string(&[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x01]).as_deref(),
            Ok("1.2.840.113549.1.9.1")
        );
        assert!(oid_to_string(&[0x55, 0x84]).is_err());
        assert!(oid_to_string(&[]).is_err());
    }
}
