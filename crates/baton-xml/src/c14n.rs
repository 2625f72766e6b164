//! Exclusive XML Canonicalization 1.0 without comments (W3C `xml-exc-c14n`, the transform
//! SAML signatures use) of one element of a parsed document, optionally leaving out one of its
//! descendants (the enveloped-signature transform, XML-DSig §6.6.4).

use std::collections::BTreeMap;

use roxmltree::{Node, NodeId, NodeType};

/// `prefix -> namespace URI` of the declarations already written by output ancestors; the
/// default namespace has the prefix "".
type Rendered = BTreeMap<String, String>;

/// The canonical form of `element` and its content, without `omit` (and its content).
/// `inclusive` is the InclusiveNamespaces PrefixList: prefixes treated as visibly utilised.
/// The caller bounds the depth of the document (the recursion follows it).
pub fn canonicalize(element: Node, omit: Option<NodeId>, inclusive: &[&str]) -> String {
    let mut out = String::new();
    write_node(element, omit, inclusive, &Rendered::new(), &mut out);
    out
}

fn write_node(
    node: Node,
    omit: Option<NodeId>,
    inclusive: &[&str],
    rendered: &Rendered,
    out: &mut String,
) {
    if Some(node.id()) == omit {
        return;
    }
    match node.node_type() {
        NodeType::Element => write_element(node, omit, inclusive, rendered, out),
        NodeType::Text => escape_text(node.text().unwrap_or_default(), out),
        NodeType::PI => {
            if let Some(pi) = node.pi() {
                out.push_str("<?");
                out.push_str(pi.target);
                if let Some(value) = pi.value.filter(|v| !v.is_empty()) {
                    out.push(' ');
                    out.push_str(value);
                }
                out.push_str("?>");
            }
        }
        // Comments are left out ("without comments"); the root is never inside an element.
        NodeType::Comment | NodeType::Root => {}
    }
}

/// The prefix of a qualified name as written in the source ("" for none).
fn prefix_of(qname: &str) -> &str {
    qname.split_once(':').map_or("", |(p, _)| p)
}

/// The element's qualified name as written in the source (`saml:Assertion`).
fn element_qname<'a>(node: Node<'_, 'a>) -> &'a str {
    let text = node.document().input_text();
    let start = node.range().start.saturating_add(1);
    let rest = text.get(start..).unwrap_or_default();
    let end = rest
        .find(|c: char| c.is_whitespace() || c == '/' || c == '>')
        .unwrap_or(rest.len());
    &rest[..end]
}

fn namespace_of(node: Node, prefix: &str) -> String {
    node.namespaces()
        .find(|ns| ns.name().unwrap_or_default() == prefix)
        .map(|ns| ns.uri().to_owned())
        .unwrap_or_default()
}

fn write_element(
    node: Node,
    omit: Option<NodeId>,
    inclusive: &[&str],
    rendered: &Rendered,
    out: &mut String,
) {
    let text = node.document().input_text();
    let qname = element_qname(node);
    let attrs: Vec<(&str, &str, &str, &str)> = node
        .attributes()
        .map(|a| {
            let q = text.get(a.range_qname()).unwrap_or(a.name());
            (a.namespace().unwrap_or_default(), a.name(), q, a.value())
        })
        .collect();

    // Visibly utilised prefixes: the element's own, its attributes', and the inclusive list.
    let mut utilised: Vec<&str> = vec![prefix_of(qname)];
    utilised.extend(
        attrs
            .iter()
            .map(|a| prefix_of(a.2))
            .filter(|p| !p.is_empty()),
    );
    utilised.extend(inclusive.iter().copied().filter(|p| {
        let p = if *p == "#default" { "" } else { p };
        node.namespaces()
            .any(|ns| ns.name().unwrap_or_default() == p)
    }));
    let mut declare = Rendered::new();
    for prefix in utilised {
        let prefix = if prefix == "#default" { "" } else { prefix };
        if prefix == "xml" {
            continue;
        }
        let uri = namespace_of(node, prefix);
        let already = rendered.get(prefix).map(String::as_str);
        // An empty default namespace needs `xmlns=""` only to undo a rendered non-empty one.
        let needed = if prefix.is_empty() && uri.is_empty() {
            already.is_some_and(|u| !u.is_empty())
        } else {
            already != Some(uri.as_str())
        };
        if needed {
            declare.insert(prefix.to_owned(), uri);
        }
    }

    out.push('<');
    out.push_str(qname);
    for (prefix, uri) in &declare {
        if prefix.is_empty() {
            out.push_str(" xmlns=\"");
        } else {
            out.push_str(" xmlns:");
            out.push_str(prefix);
            out.push_str("=\"");
        }
        escape_attr(uri, out);
        out.push('"');
    }
    let mut sorted = attrs;
    sorted.sort_by(|a, b| (a.0, a.1).cmp(&(b.0, b.1)));
    for (_, _, q, value) in &sorted {
        out.push(' ');
        out.push_str(q);
        out.push_str("=\"");
        escape_attr(value, out);
        out.push('"');
    }
    out.push('>');

    let mut inner = rendered.clone();
    inner.extend(declare);
    for child in node.children() {
        write_node(child, omit, inclusive, &inner, out);
    }
    out.push_str("</");
    out.push_str(qname);
    out.push('>');
}

fn escape_text(text: &str, out: &mut String) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\r' => out.push_str("&#xD;"),
            c => out.push(c),
        }
    }
}

fn escape_attr(value: &str, out: &mut String) {
    for c in value.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '"' => out.push_str("&quot;"),
            '\t' => out.push_str("&#x9;"),
            '\n' => out.push_str("&#xA;"),
            '\r' => out.push_str("&#xD;"),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c14n(xml: &str, path: &[&str]) -> String {
        let doc = roxmltree::Document::parse(xml).expect("xml");
        let mut node = doc.root_element();
        for name in path {
            node = node
                .children()
                .find(|c| c.tag_name().name() == *name)
                .expect("child");
        }
        canonicalize(node, None, &[])
    }

    #[test]
    fn attributes_sort_empty_elements_open_and_close_and_text_is_escaped() {
        let got = c14n(r#"<r b="2" a="1&amp;&#9;"><e/>x &gt; y &amp; z</r>"#, &[]);
        assert_eq!(
            got,
            r#"<r a="1&amp;&#x9;" b="2"><e></e>x &gt; y &amp; z</r>"#
        );
    }

    #[test]
    fn only_visibly_utilised_namespaces_are_declared_where_first_used() {
        let xml = r#"<a:root xmlns:a="urn:a" xmlns:b="urn:b" xmlns:unused="urn:u"><a:x><b:y a:k="v"/></a:x></a:root>"#;
        assert_eq!(
            c14n(xml, &["x"]),
            r#"<a:x xmlns:a="urn:a"><b:y xmlns:b="urn:b" a:k="v"></b:y></a:x>"#
        );
        assert_eq!(
            c14n(xml, &[]),
            r#"<a:root xmlns:a="urn:a"><a:x><b:y xmlns:b="urn:b" a:k="v"></b:y></a:x></a:root>"#
        );
    }

    #[test]
    fn default_namespace_is_undone_only_when_rendered() {
        let xml = r#"<r xmlns="urn:d"><c xmlns=""><d/></c><!-- gone --></r>"#;
        assert_eq!(
            c14n(xml, &[]),
            r#"<r xmlns="urn:d"><c xmlns=""><d></d></c></r>"#
        );
        assert_eq!(c14n(xml, &["c"]), r#"<c><d></d></c>"#);
    }

    #[test]
    fn namespaced_attributes_sort_after_plain_ones_by_uri() {
        let xml = r#"<r xmlns:z="urn:a" xmlns:a="urn:z" a:x="1" z:y="2" q="3"/>"#;
        assert_eq!(
            c14n(xml, &[]),
            r#"<r xmlns:a="urn:z" xmlns:z="urn:a" q="3" z:y="2" a:x="1"></r>"#
        );
    }
}
