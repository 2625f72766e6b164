//! What a certificate says about whom it names: its subject distinguished name and its subject
//! alternative names (DNS, URI, IP, email), read from the DER, and RFC 4514 distinguished name
//! strings (`CN=mtls-app,O=Baton`) as a policy registers them (RFC 8705 §2.1.2).

use std::fmt::Write as _;
use std::net::IpAddr;

use super::der::{self, Reader};

/// One attribute of a relative distinguished name: its type (an RFC 4514 short name such as
/// `CN`, or a dotted OID) and its value (text, or `#` and the hex of a value that is not text).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Attribute {
    pub(crate) kind: String,
    pub(crate) value: String,
}

/// A distinguished name: its relative distinguished names in certificate order (the most
/// significant first, the reverse of the RFC 4514 string), each a set of attributes.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct DistinguishedName {
    rdns: Vec<Vec<Attribute>>,
}

/// RFC 4514 §3: the attribute types written by short name; others are written as dotted OIDs.
const SHORT_NAMES: [(&str, &str); 9] = [
    ("CN", "2.5.4.3"),
    ("L", "2.5.4.7"),
    ("ST", "2.5.4.8"),
    ("O", "2.5.4.10"),
    ("OU", "2.5.4.11"),
    ("C", "2.5.4.6"),
    ("STREET", "2.5.4.9"),
    ("DC", "0.9.2342.19200300.100.1.25"),
    ("UID", "0.9.2342.19200300.100.1.1"),
];

fn kind_for_oid(oid: &str) -> String {
    SHORT_NAMES
        .iter()
        .find(|(_, o)| *o == oid)
        .map_or_else(|| oid.to_owned(), |(name, _)| (*name).to_owned())
}

/// A type as written in a string: a short name (any case) or a dotted OID.
fn kind_from_text(text: &str) -> Result<String, String> {
    let upper = text.to_ascii_uppercase();
    if let Some((name, _)) = SHORT_NAMES.iter().find(|(n, _)| *n == upper) {
        return Ok((*name).to_owned());
    }
    let oid = text.strip_prefix("OID.").unwrap_or(text);
    let dotted = !oid.is_empty()
        && oid.split('.').count() >= 2
        && oid
            .split('.')
            .all(|arc| !arc.is_empty() && arc.bytes().all(|b| b.is_ascii_digit()));
    if dotted {
        Ok(kind_for_oid(oid))
    } else {
        Err(format!(
            "attribute type {text:?} is neither a short name ({}) nor a dotted OID",
            SHORT_NAMES.map(|(n, _)| n).join(", ")
        ))
    }
}

impl DistinguishedName {
    /// Parses an RFC 4514 string. Spaces around `,`, `+` and `=` are tolerated.
    pub(crate) fn parse(text: &str) -> Result<DistinguishedName, String> {
        if text.trim().is_empty() {
            return Err("the distinguished name is empty".to_owned());
        }
        let mut rdns = Vec::new();
        for rdn_text in split_unescaped(text, ',') {
            let mut rdn = Vec::new();
            for attr_text in split_unescaped(rdn_text, '+') {
                let attr_text = trim_unescaped(attr_text);
                let (kind, value) = attr_text.split_once('=').ok_or_else(|| {
                    format!("{attr_text:?} is not type=value (RFC 4514 attributes are CN=…, O=…)")
                })?;
                let value = unescape_value(trim_unescaped(value))
                    .map_err(|e| format!("the value of {attr_text:?}: {e}"))?;
                rdn.push(Attribute {
                    kind: kind_from_text(kind.trim())?,
                    value,
                });
            }
            rdn.sort();
            rdns.push(rdn);
        }
        // The string lists the least significant RDN first.
        rdns.reverse();
        Ok(DistinguishedName { rdns })
    }

    /// The DER `Name` (a SEQUENCE of RDNs).
    fn from_der(contents: &[u8]) -> Result<DistinguishedName, String> {
        let mut rdns = Vec::new();
        let mut reader = Reader::new(contents);
        while !reader.is_empty() {
            let set = reader.expect(der::SET, "a relative distinguished name")?;
            let mut rdn = Vec::new();
            let mut attrs = Reader::new(set.contents);
            while !attrs.is_empty() {
                let seq = attrs.expect(der::SEQUENCE, "an attribute")?;
                let mut parts = Reader::new(seq.contents);
                let oid = parts.expect(der::OID, "an attribute type")?;
                let value = parts
                    .read()
                    .map_err(|e| format!("an attribute value: {e}"))?;
                rdn.push(Attribute {
                    kind: kind_for_oid(&der::oid_to_string(oid.contents)?),
                    value: value_text(value),
                });
            }
            rdn.sort();
            rdns.push(rdn);
        }
        Ok(DistinguishedName { rdns })
    }
}

impl std::fmt::Display for DistinguishedName {
    /// The RFC 4514 string: the least significant RDN first, `+` inside an RDN.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let text = self
            .rdns
            .iter()
            .rev()
            .map(|rdn| {
                rdn.iter()
                    .map(|a| format!("{}={}", a.kind, escape_value(&a.value)))
                    .collect::<Vec<_>>()
                    .join("+")
            })
            .collect::<Vec<_>>()
            .join(",");
        f.write_str(&text)
    }
}

/// Splits at `sep` where it is not escaped with a backslash.
fn split_unescaped(text: &str, sep: char) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut start = 0;
    let mut escaped = false;
    for (i, c) in text.char_indices() {
        if escaped {
            escaped = false;
        } else if c == '\\' {
            escaped = true;
        } else if c == sep {
            parts.push(text.get(start..i).unwrap_or_default());
            start = i + c.len_utf8();
        }
    }
    parts.push(text.get(start..).unwrap_or_default());
    parts
}

/// Trims spaces, except a trailing one that is escaped (`a\ `).
fn trim_unescaped(text: &str) -> &str {
    let start = text.trim_start();
    let trimmed = start.trim_end();
    if trimmed.ends_with('\\') && trimmed.len() < start.len() {
        // Keep the escaped space.
        start.get(..trimmed.len() + 1).unwrap_or(trimmed)
    } else {
        trimmed
    }
}

/// RFC 4514 §3: `\` + a special character or two hex digits; `#hex` for a non-text value.
fn unescape_value(text: &str) -> Result<String, String> {
    if let Some(hex) = text.strip_prefix('#') {
        if hex.is_empty()
            || !hex.len().is_multiple_of(2)
            || !hex.bytes().all(|b| b.is_ascii_hexdigit())
        {
            return Err("a #value must be an even number of hex digits".to_owned());
        }
        return Ok(format!("#{}", hex.to_ascii_lowercase()));
    }
    let mut bytes = Vec::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            let mut buf = [0u8; 4];
            bytes.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
            continue;
        }
        let Some(next) = chars.next() else {
            return Err("it ends with a lone backslash".to_owned());
        };
        if "\\ \"#+,;<=>".contains(next) {
            bytes.push(next as u8);
            continue;
        }
        let low = chars.next();
        let pair: String = [Some(next), low].into_iter().flatten().collect();
        let byte = u8::from_str_radix(&pair, 16)
            .map_err(|_| format!("\\{pair} is neither an escaped special character nor hex"))?;
        bytes.push(byte);
    }
    String::from_utf8(bytes).map_err(|_| "its hex escapes are not UTF-8".to_owned())
}

/// RFC 4514 §2.4 escaping of a value for display.
fn escape_value(value: &str) -> String {
    if value.starts_with('#')
        && value.len() > 1
        && value.bytes().skip(1).all(|b| b.is_ascii_hexdigit())
    {
        return value.to_owned();
    }
    let count = value.chars().count();
    let mut out = String::with_capacity(value.len());
    for (i, c) in value.chars().enumerate() {
        let edge = (i == 0 && (c == ' ' || c == '#')) || (i + 1 == count && c == ' ');
        if edge || "\"+,;<>\\".contains(c) {
            out.push('\\');
            out.push(c);
        } else if c == '\0' {
            out.push_str("\\00");
        } else {
            out.push(c);
        }
    }
    out
}

/// An attribute value as text; a value of another type as `#` and the hex of its encoding.
fn value_text(value: der::Element<'_>) -> String {
    let text = match value.tag {
        // UTF8String, PrintableString, IA5String, VisibleString.
        0x0c | 0x13 | 0x16 | 0x1a => std::str::from_utf8(value.contents).ok().map(str::to_owned),
        // TeletexString: in practice Latin-1.
        0x14 => Some(value.contents.iter().map(|b| char::from(*b)).collect()),
        // BMPString: UTF-16BE.
        0x1e if value.contents.len().is_multiple_of(2) => {
            let units: Vec<u16> = value
                .contents
                .chunks_exact(2)
                .map(|p| u16::from_be_bytes([p[0], p[1]]))
                .collect();
            String::from_utf16(&units).ok()
        }
        _ => None,
    };
    text.unwrap_or_else(|| {
        let mut hex = String::from("#");
        for b in value.encoded {
            let _ = write!(hex, "{b:02x}");
        }
        hex
    })
}

/// The names a certificate gives its subject.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct CertificateNames {
    pub(crate) subject: DistinguishedName,
    pub(crate) san_dns: Vec<String>,
    pub(crate) san_uri: Vec<String>,
    pub(crate) san_ip: Vec<IpAddr>,
    pub(crate) san_email: Vec<String>,
}

/// RFC 5280 §4.2.1.6.
const SUBJECT_ALT_NAME_OID: &str = "2.5.29.17";

impl CertificateNames {
    /// Reads the subject and the subject alternative names of a DER X.509 certificate.
    pub(crate) fn read(certificate: &[u8]) -> Result<CertificateNames, String> {
        let mut outer = Reader::new(certificate);
        let cert = outer.expect(der::SEQUENCE, "the certificate")?;
        let tbs = Reader::new(cert.contents).expect(der::SEQUENCE, "tbsCertificate")?;
        let mut fields = Reader::new(tbs.contents);
        // [0] EXPLICIT version, optional.
        if fields.peek_tag() == Some(0xa0) {
            fields.read()?;
        }
        for what in ["serialNumber", "signature", "issuer", "validity"] {
            fields.read().map_err(|e| format!("{what}: {e}"))?;
        }
        let subject = fields.expect(der::SEQUENCE, "subject")?;
        let mut names = CertificateNames {
            subject: DistinguishedName::from_der(subject.contents)
                .map_err(|e| format!("subject: {e}"))?,
            ..CertificateNames::default()
        };
        fields
            .read()
            .map_err(|e| format!("subjectPublicKeyInfo: {e}"))?;
        while !fields.is_empty() {
            let field = fields.read()?;
            // [3] EXPLICIT Extensions; [1] and [2] are unique identifiers.
            if field.tag == 0xa3 {
                let list = Reader::new(field.contents).expect(der::SEQUENCE, "extensions")?;
                names.read_extensions(list.contents)?;
            }
        }
        Ok(names)
    }

    fn read_extensions(&mut self, list: &[u8]) -> Result<(), String> {
        let mut extensions = Reader::new(list);
        while !extensions.is_empty() {
            let ext = extensions.expect(der::SEQUENCE, "an extension")?;
            let mut parts = Reader::new(ext.contents);
            let oid = parts.expect(der::OID, "an extension id")?;
            if parts.peek_tag() == Some(der::BOOLEAN) {
                parts.read()?;
            }
            let value = parts.expect(der::OCTET_STRING, "an extension value")?;
            if der::oid_to_string(oid.contents)? == SUBJECT_ALT_NAME_OID {
                self.read_alt_names(value.contents)
                    .map_err(|e| format!("subjectAltName: {e}"))?;
            }
        }
        Ok(())
    }

    fn read_alt_names(&mut self, value: &[u8]) -> Result<(), String> {
        let names = Reader::new(value).expect(der::SEQUENCE, "GeneralNames")?;
        let mut reader = Reader::new(names.contents);
        while !reader.is_empty() {
            let name = reader.read()?;
            let text = || {
                std::str::from_utf8(name.contents)
                    .map(str::to_owned)
                    .map_err(|_| "a name is not text".to_owned())
            };
            match name.tag {
                0x81 => self.san_email.push(text()?),
                0x82 => self.san_dns.push(text()?),
                0x86 => self.san_uri.push(text()?),
                0x87 => match name.contents.len() {
                    4 => {
                        let octets: [u8; 4] = name.contents.try_into().unwrap_or_default();
                        self.san_ip.push(IpAddr::from(octets));
                    }
                    16 => {
                        let octets: [u8; 16] = name.contents.try_into().unwrap_or_default();
                        self.san_ip.push(IpAddr::from(octets));
                    }
                    n => return Err(format!("an IP address of {n} bytes")),
                },
                // otherName, x400Address, directoryName, ediPartyName, registeredID.
                _ => {}
            }
        }
        Ok(())
    }

    /// One line for an error message: the subject and every SAN.
    pub(crate) fn describe(&self) -> String {
        let mut out = format!("subject {:?}", self.subject.to_string());
        let lists: [(&str, Vec<String>); 4] = [
            ("SAN DNS", self.san_dns.clone()),
            ("SAN URI", self.san_uri.clone()),
            (
                "SAN IP",
                self.san_ip.iter().map(IpAddr::to_string).collect(),
            ),
            ("SAN email", self.san_email.clone()),
        ];
        for (label, values) in lists {
            if !values.is_empty() {
                let _ = write!(out, ", {label} {values:?}");
            }
        }
        if self.san_dns.is_empty()
            && self.san_uri.is_empty()
            && self.san_ip.is_empty()
            && self.san_email.is_empty()
        {
            out.push_str(", no subject alternative names");
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dn(text: &str) -> DistinguishedName {
        DistinguishedName::parse(text).expect(text)
    }

    #[test]
    fn strings_parse_and_print_in_rfc_4514_form() {
        let d = dn("CN=mtls-app, o=Baton ,C=DE");
        assert_eq!(d.to_string(), "CN=mtls-app,O=Baton,C=DE");
        assert_eq!(d, dn("2.5.4.3=mtls-app,O=Baton,C=DE"));
        assert_ne!(d, dn("O=Baton,CN=mtls-app,C=DE"), "order matters");
        assert_eq!(dn("OU=a+CN=b"), dn("CN=b+OU=a"), "an RDN is a set");
        assert_eq!(dn(r"CN=Smith\, J.,O=x").to_string(), r"CN=Smith\, J.,O=x");
        assert_eq!(dn(r"CN=caf\C3\A9").rdns[0][0].value, "café");
        assert_eq!(dn("CN=#0403616263").rdns[0][0].value, "#0403616263");
        assert_eq!(
            dn("1.2.840.113549.1.9.1=a@b").to_string(),
            "1.2.840.113549.1.9.1=a@b"
        );
    }

    #[test]
    fn bad_strings_say_what_is_wrong() {
        for (text, says) in [
            ("", "empty"),
            ("mtls-app", "not type=value"),
            ("XX=1", "neither a short name"),
            (r"CN=a\", "lone backslash"),
            (r"CN=\zz", "neither an escaped"),
            ("CN=#abc", "even number"),
        ] {
            let e = DistinguishedName::parse(text).err().unwrap_or_default();
            assert!(e.contains(says), "{text:?}: {e}");
        }
    }

    #[test]
    fn a_generated_certificate_reads_back() {
        let mut params =
            rcgen::CertificateParams::new(vec!["app.baton.test".to_owned(), "10.0.0.1".to_owned()])
                .expect("params");
        params.distinguished_name = rcgen::DistinguishedName::new();
        params
            .distinguished_name
            .push(rcgen::DnType::OrganizationName, "Baton, Inc");
        params
            .distinguished_name
            .push(rcgen::DnType::CommonName, "app");
        params.subject_alt_names.push(rcgen::SanType::URI(
            "spiffe://baton.test/app".try_into().expect("uri"),
        ));
        params.subject_alt_names.push(rcgen::SanType::Rfc822Name(
            "app@baton.test".try_into().expect("email"),
        ));
        let key = rcgen::KeyPair::generate().expect("key");
        let cert = params.self_signed(&key).expect("cert");
        let names = CertificateNames::read(cert.der()).expect("reads");
        assert_eq!(names.subject.to_string(), r"CN=app,O=Baton\, Inc");
        assert_eq!(names.san_dns, ["app.baton.test"]);
        assert_eq!(names.san_ip, [IpAddr::from([10, 0, 0, 1])]);
        assert_eq!(names.san_uri, ["spiffe://baton.test/app"]);
        assert_eq!(names.san_email, ["app@baton.test"]);
        let text = names.describe();
        assert!(text.contains("SAN DNS [\"app.baton.test\"]"), "{text}");
        // Cut anywhere, it is refused rather than misread.
        for len in [0, 1, 10, cert.der().len() / 2, cert.der().len() - 1] {
            assert!(CertificateNames::read(&cert.der()[..len]).is_err(), "{len}");
        }
    }
}
