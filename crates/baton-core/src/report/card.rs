//! What a token's box says, the same in every drawing: its type, how it came about, and one
//! line each for `sub`, `aud`, `scope`, the issuer, the act chain and the step.

use std::collections::BTreeMap;

use crate::scenario::graph::{ExchangeKind, Graph, RefusalNode, TokenNode};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Tone {
    Ink,
    Muted,
    Warn,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Line {
    pub tone: Tone,
    /// With its colon, e.g. `sub:`.
    pub label: &'static str,
    /// The value's parts (scopes, audiences, actors), each on one line: control characters
    /// are spaces. A drawing may wrap between parts.
    pub parts: Vec<String>,
    /// What joins the parts.
    pub sep: &'static str,
}

impl Line {
    pub fn value(&self) -> String {
        self.parts.join(self.sep)
    }
}

/// How a token came about, drawn as the box's tag and colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Origin {
    Outside,
    /// By a step that is not an exchange (a first token).
    Issued,
    Exchanged(ExchangeKind),
}

impl Origin {
    pub fn tag(self) -> &'static str {
        match self {
            Origin::Outside => "outside",
            Origin::Issued => "issued",
            Origin::Exchanged(ExchangeKind::Delegation) => "delegation",
            Origin::Exchanged(ExchangeKind::Impersonation) => "impersonation",
            Origin::Exchanged(ExchangeKind::Grant) => "grant",
            Origin::Exchanged(ExchangeKind::Refused) => "refused",
        }
    }
}

/// The origin of every node, by id.
pub(crate) fn origins(graph: &Graph) -> BTreeMap<&str, Origin> {
    let kinds: BTreeMap<&str, ExchangeKind> = graph
        .edges
        .iter()
        .map(|e| (e.to.as_str(), e.kind))
        .collect();
    graph
        .nodes
        .iter()
        .map(|n| {
            let origin = match (n.issued, kinds.get(n.id.as_str())) {
                (false, _) => Origin::Outside,
                (true, Some(&k)) => Origin::Exchanged(k),
                (true, None) => Origin::Issued,
            };
            (n.id.as_str(), origin)
        })
        .collect()
}

/// The box's heading: the type's alias, or the last part of an unregistered type URI.
pub(crate) fn title(node: &TokenNode) -> String {
    let Some(t) = node.token_type.as_deref() else {
        return "token".to_string();
    };
    let short = if t.contains(':') || t.contains('/') {
        t.rsplit([':', '/']).find(|p| !p.is_empty()).unwrap_or(t)
    } else {
        t
    };
    one_line(short)
}

pub(crate) fn lines(node: &TokenNode) -> Vec<Line> {
    let mut lines = Vec::new();
    let mut push = |tone, label, parts: &[String], sep| {
        let parts: Vec<String> = parts.iter().map(|p| one_line(p)).collect();
        lines.push(Line {
            tone,
            label,
            parts: if parts.is_empty() {
                vec!["—".to_string()]
            } else {
                parts
            },
            sep,
        });
    };
    if node.opaque {
        push(Tone::Muted, "opaque:", &["not a readable JWT".into()], "");
    } else {
        push(Tone::Ink, "sub:", node.sub.as_slice(), "");
        push(Tone::Ink, "aud:", &node.aud, ", ");
        push(Tone::Ink, "scope:", &node.scope, " ");
        if let Some(iss) = &node.issuer {
            push(Tone::Ink, "iss:", &[shorten_issuer(iss)], "");
        }
    }
    if !node.act_chain.is_empty() {
        push(Tone::Ink, "act:", &node.act_chain, ACT_SEP);
    }
    if let Some(may_act) = &node.may_act {
        push(Tone::Ink, "may_act:", std::slice::from_ref(may_act), "");
    }
    if node.verified == Some(false) {
        push(Tone::Warn, "signature:", &["did not verify".into()], "");
    }
    let step = if node.issued { "step:" } else { "used in:" };
    push(Tone::Muted, step, std::slice::from_ref(&node.step_name), "");
    lines
}

/// A refusal's box: the error code, what the server said (or why nothing came), the step.
pub(crate) fn refusal_lines(r: &RefusalNode) -> Vec<Line> {
    let line = |tone, label, value: &str| Line {
        tone,
        label,
        parts: vec![one_line(value)],
        sep: "",
    };
    let mut lines = Vec::new();
    match (&r.error, r.status) {
        (Some(code), _) => lines.push(line(Tone::Warn, "error:", code)),
        (None, Some(status)) => lines.push(line(Tone::Warn, "status:", &status.to_string())),
        (None, None) => lines.push(line(Tone::Warn, "error:", "no answer")),
    }
    if let Some(d) = &r.description {
        lines.push(line(Tone::Ink, "why:", d));
    }
    lines.push(line(Tone::Muted, "step:", &r.step_name));
    lines
}

/// Everything about a refusal, for a tooltip.
pub(crate) fn refusal_details(r: &RefusalNode) -> String {
    let mut t = vec![format!("refused: step {:?} issued no token", r.step_name)];
    if let Some(status) = r.status {
        t.push(format!("HTTP status: {status}"));
    }
    if let Some(code) = &r.error {
        t.push(format!("error: {code}"));
    }
    if let Some(d) = &r.description {
        t.push(d.clone());
    }
    t.join("\n")
}

/// Between actors of a chain, the current actor first: each acted after the one to its right.
pub(crate) const ACT_SEP: &str = " ← ";

/// The act chain as read aloud: the current actor first, each acting after the one to its right.
pub(crate) fn act_chain(node: &TokenNode) -> String {
    node.act_chain.join(ACT_SEP)
}

/// Everything about the token, for a tooltip.
pub(crate) fn details(node: &TokenNode, origin: Origin) -> String {
    let mut t = vec![
        node.token_type.clone().unwrap_or_else(|| "token".into()),
        format!("id: {}", node.id),
    ];
    if node.opaque {
        t.push("opaque: not a readable JWT".into());
    }
    let mut push = |label: &str, value: Option<String>| {
        if let Some(v) = value.filter(|v| !v.is_empty()) {
            t.push(format!("{label}: {v}"));
        }
    };
    push("sub", node.sub.clone());
    push("aud", Some(node.aud.join(", ")));
    push("scope", Some(node.scope.join(" ")));
    push("iss", node.issuer.clone());
    push("client_id", node.client_id.clone());
    push("act (current actor first)", Some(act_chain(node)));
    push("may_act", node.may_act.clone());
    push("exp", node.exp.map(|e| e.to_string()));
    let signature = match node.verified {
        Some(true) => "verified",
        Some(false) => "did not verify",
        None => "not checked",
    };
    push("signature", Some(signature.to_string()));
    t.push(match origin {
        Origin::Outside => format!(
            "from outside the run, first used in step {:?}",
            node.step_name
        ),
        Origin::Issued => format!("issued in step {:?}", node.step_name),
        Origin::Exchanged(k) => format!(
            "issued by {} in step {:?}",
            Origin::Exchanged(k).tag(),
            node.step_name
        ),
    });
    t.join("\n")
}

/// At most `max` characters, the last one `…` when cut.
pub(crate) fn cut(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// An issuer without its scheme and trailing slash; a long one keeps its start and end.
fn shorten_issuer(iss: &str) -> String {
    let s = iss
        .strip_prefix("https://")
        .or_else(|| iss.strip_prefix("http://"))
        .unwrap_or(iss)
        .trim_end_matches('/');
    let chars: Vec<char> = s.chars().collect();
    if chars.len() <= 32 {
        return s.to_string();
    }
    let head: String = chars[..20].iter().collect();
    let tail: String = chars[chars.len() - 11..].iter().collect();
    format!("{head}…{tail}")
}

fn one_line(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_issuers_keep_both_ends_and_values_stay_on_one_line() {
        assert_eq!(shorten_issuer("https://sts.example/"), "sts.example");
        let long = "https://login.example.com/tenants/0000-1111-2222/v2.0";
        assert_eq!(shorten_issuer(long), "login.example.com/te…1-2222/v2.0");
        assert_eq!(one_line("a\nb\tc"), "a b c");
        assert_eq!(cut("abcdef", 4), "abc…");
        assert_eq!(cut("abc", 4), "abc");
    }
}
