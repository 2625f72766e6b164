//! XML for SAML 2.0 assertions, shared by baton-core (which decodes and verifies them) and the
//! lab (which issues and accepts them): reading with limits a hostile document cannot get past,
//! and the exclusive canonicalization XML signatures are computed over.
//!
//! Tauri-free and protocol-free: what an assertion means stays in core and in the lab.

pub mod c14n;

use roxmltree::ParsingOptions;
pub use roxmltree::{Document, Node, NodeId};

/// How much XML a reader accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The largest document, in bytes.
    pub max_bytes: usize,
    /// The most nodes (elements, text, comments, processing instructions) in the tree.
    pub max_nodes: u32,
    /// The deepest nesting of elements; canonicalization recurses this deep.
    pub max_depth: usize,
}

/// Why a document was not read.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum XmlError {
    #[error("the XML is {len} bytes, more than the {max} read")]
    TooLarge { len: usize, max: usize },
    #[error("it is not well-formed XML without a DTD: {0}")]
    Malformed(String),
    #[error("its elements nest more than {max} deep")]
    TooDeep { max: usize },
}

/// Parses `xml` within `limits`: no DTD (so no entity expansion), at most `max_nodes` nodes and
/// `max_depth` levels of elements.
pub fn parse(xml: &str, limits: Limits) -> Result<Document<'_>, XmlError> {
    if xml.len() > limits.max_bytes {
        return Err(XmlError::TooLarge {
            len: xml.len(),
            max: limits.max_bytes,
        });
    }
    let options = ParsingOptions {
        allow_dtd: false,
        nodes_limit: limits.max_nodes,
        ..ParsingOptions::default()
    };
    let doc = Document::parse_with_options(xml, options)
        .map_err(|e| XmlError::Malformed(e.to_string()))?;
    // Node ids are assigned in document order, so a parent's depth is known before its children.
    // Only elements count: the document node is 0, text takes its element's depth.
    let mut depth = vec![0usize; doc.descendants().count()];
    for node in doc.descendants() {
        let d = node
            .parent()
            .and_then(|p| depth.get(p.id().get_usize()).copied())
            .unwrap_or(0)
            .saturating_add(usize::from(node.is_element()));
        if d > limits.max_depth {
            return Err(XmlError::TooDeep {
                max: limits.max_depth,
            });
        }
        if let Some(slot) = depth.get_mut(node.id().get_usize()) {
            *slot = d;
        }
    }
    Ok(doc)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SMALL: Limits = Limits {
        max_bytes: 1024,
        max_nodes: 50,
        max_depth: 4,
    };

    #[test]
    fn reads_a_document_within_the_limits() {
        let doc = parse("<a><b>text</b></a>", SMALL).expect("within limits");
        assert_eq!(doc.root_element().tag_name().name(), "a");
    }

    #[test]
    fn refuses_a_document_larger_than_the_limit() {
        let big = format!("<a>{}</a>", " ".repeat(2000));
        let err = parse(&big, SMALL).expect_err("too large");
        assert_eq!(
            err,
            XmlError::TooLarge {
                len: 2007,
                max: 1024
            }
        );
        assert!(err.to_string().contains("more than the 1024"));
    }

    #[test]
    fn refuses_nesting_deeper_than_the_limit_and_accepts_it_at_the_limit() {
        let at = format!("{}text{}", "<x>".repeat(4), "</x>".repeat(4));
        assert!(parse(&at, SMALL).is_ok());
        let deeper = format!("{}{}", "<x>".repeat(5), "</x>".repeat(5));
        assert_eq!(
            parse(&deeper, SMALL).unwrap_err(),
            XmlError::TooDeep { max: 4 }
        );
    }

    #[test]
    fn refuses_a_dtd_so_no_entity_is_expanded() {
        let bomb = r#"<?xml version="1.0"?><!DOCTYPE a [<!ENTITY e "xxxxxxxx">]><a>&e;&e;</a>"#;
        let err = parse(bomb, SMALL).expect_err("DTD refused");
        assert!(matches!(err, XmlError::Malformed(_)), "{err}");
    }

    #[test]
    fn refuses_more_nodes_than_the_limit() {
        let many = format!("<a>{}</a>", "<b/>".repeat(100));
        assert!(matches!(parse(&many, SMALL), Err(XmlError::Malformed(_))));
    }

    #[test]
    fn refuses_text_that_is_not_xml() {
        assert!(matches!(
            parse("{\"not\": \"xml\"}", SMALL),
            Err(XmlError::Malformed(_))
        ));
    }
}
