//! Tokens masked in what leaves the engine. A refresh token is a long-lived credential: run
//! records and probe reports (stored, written as reports, shown, sent to the window) always
//! carry it masked, like a client secret, while the engine keeps the real value in memory for
//! later steps' references (`{{steps.ID.refresh_token}}`). On request (`--redact-tokens`) every
//! other token is masked as well, wherever it was written as sent or received (the raw
//! request and response, the token fields), while its decoded header and claims stay readable.

use serde_json::{Map, Value as Json};

use crate::probe::{ProbeExchange, ProbeReport, ProbeResult};
use crate::response::{Outcome, TokenResponse};
use crate::scenario::record::{RunRecord, StepRecord, TokenRecord};
use crate::scenario::reference::StepOutputs;
use crate::secret::MASK;
use crate::token_type;

/// A token as shown once masked: at most its first four characters, and never more than a
/// quarter of it, then the mask a client secret gets (`rt_A****`, `eyJh****`), so a reader can
/// tell a refresh token from a JWT but can use neither. Only characters a form body writes as
/// they are, so the mask reads the same in a request body.
pub fn mask(token: &str) -> String {
    let shown = (token.chars().count() / 4).min(4);
    let prefix: String = token.chars().take(shown).collect();
    format!("{prefix}{MASK}")
}

/// The tokens to mask.
#[derive(Debug, Default, Clone)]
pub struct Redactor {
    /// (token, masked), longest first, so a token that holds another is replaced whole.
    tokens: Vec<(String, String)>,
}

fn form_encoded(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

impl Redactor {
    pub fn add(&mut self, token: &str) {
        let token = token.trim();
        if token.is_empty() || token.ends_with(MASK) || self.tokens.iter().any(|(t, _)| t == token)
        {
            return;
        }
        self.tokens.push((token.to_owned(), mask(token)));
        self.tokens
            .sort_by(|a, b| b.0.len().cmp(&a.0.len()).then_with(|| a.0.cmp(&b.0)));
    }

    pub fn is_empty(&self) -> bool {
        self.tokens.is_empty()
    }

    /// Every whole occurrence of a token in `text` masked, also with `/` escaped as `\/` (as
    /// some servers write JSON). One inside a longer word is not a token (`rt_1` in `rt_12`).
    pub fn text(&self, text: &mut String) {
        for (token, masked) in &self.tokens {
            replace_in(text, token, masked);
            if token.contains('/') {
                replace_in(text, &token.replace('/', "\\/"), masked);
            }
        }
    }

    /// A request body: a form writes a token form-urlencoded.
    fn body(&self, body: &mut String) {
        for (token, masked) in &self.tokens {
            replace_in(body, &form_encoded(token), &form_encoded(masked));
        }
        self.text(body);
    }

    fn opt_body(&self, body: &mut Option<String>) {
        if let Some(b) = body {
            self.body(b);
        }
    }

    fn opt(&self, text: &mut Option<String>) {
        if let Some(t) = text {
            self.text(t);
        }
    }

    /// Every string in a JSON value (not the member names).
    pub fn json(&self, value: &mut Json) {
        match value {
            Json::String(s) => self.text(s),
            Json::Array(items) => items.iter_mut().for_each(|v| self.json(v)),
            Json::Object(members) => self.members(members),
            Json::Null | Json::Bool(_) | Json::Number(_) => {}
        }
    }

    fn members(&self, members: &mut Map<String, Json>) {
        members.values_mut().for_each(|v| self.json(v));
    }

    fn pairs_of(&self, pairs: &mut [(String, String)]) {
        pairs.iter_mut().for_each(|(_, v)| self.text(v));
    }

    fn response(&self, r: &mut TokenResponse) {
        self.pairs_of(&mut r.headers);
        self.text(&mut r.body);
        match &mut r.outcome {
            Outcome::Success(s) => {
                self.opt(&mut s.access_token);
                self.opt(&mut s.refresh_token);
                self.opt(&mut s.scope);
                self.members(&mut s.members);
            }
            Outcome::Error(e) => {
                self.opt(&mut e.error_description);
                self.opt(&mut e.error_uri);
                self.members(&mut e.members);
            }
            Outcome::Unreadable {
                preview, detail, ..
            } => {
                self.text(preview);
                self.opt(detail);
            }
        }
    }

    /// The token as written is masked; its fingerprint and decoded form stay.
    fn token(&self, t: &mut TokenRecord) {
        self.text(&mut t.token);
    }

    /// Every place a step's record may hold a token as it was sent or received.
    pub fn step(&self, r: &mut StepRecord) {
        if self.is_empty() {
            return;
        }
        self.opt(&mut r.error);
        if let Some(request) = &mut r.request {
            self.text(&mut request.url);
            self.pairs_of(&mut request.headers);
            self.opt_body(&mut request.body);
        }
        if let Some(response) = &mut r.response {
            self.response(response);
        }
        for input in &mut r.inputs {
            self.token(&mut input.token);
        }
        if let Some(token) = &mut r.token {
            self.token(token);
        }
        if let Some(members) = &mut r.introspection {
            self.members(members);
        }
        for f in &mut r.findings {
            self.text(&mut f.message);
        }
        for a in &mut r.assertions {
            self.text(&mut a.message);
        }
        for a in &mut r.attempts {
            self.opt(&mut a.error);
        }
    }

    pub fn run(&self, r: &mut RunRecord) {
        r.steps.iter_mut().for_each(|s| self.step(s));
    }

    fn exchange(&self, e: &mut ProbeExchange) {
        self.text(&mut e.request.url);
        self.pairs_of(&mut e.request.headers);
        self.opt_body(&mut e.request.body);
        if let Some(response) = &mut e.response {
            self.pairs_of(&mut response.headers);
            self.text(&mut response.body);
        }
        self.opt(&mut e.error);
    }

    pub fn probe_result(&self, r: &mut ProbeResult) {
        if self.is_empty() {
            return;
        }
        self.text(&mut r.reason);
        r.exchanges.iter_mut().for_each(|e| self.exchange(e));
    }

    pub fn probe_report(&self, r: &mut ProbeReport) {
        r.results.iter_mut().for_each(|p| self.probe_result(p));
    }
}

/// A character that may continue a token: an occurrence next to one is part of something longer.
fn continues_token(c: char) -> bool {
    c.is_ascii_alphanumeric() || "-_~+/%".contains(c)
}

fn replace_in(text: &mut String, from: &str, to: &str) {
    if text.contains(from) {
        *text = replace_whole(text, from, to);
    }
}

/// `text` with every occurrence of `from` that stands alone (not inside a longer token) replaced.
fn replace_whole(text: &str, from: &str, to: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for (at, _) in text.match_indices(from) {
        if at < last {
            continue;
        }
        let before = text[..at].chars().next_back();
        let rest = &text[at + from.len()..];
        let mut after = rest.chars();
        let next = after.next();
        // A `.` goes on a token (a JWT's next part) only when a token character follows it; at
        // the end of a sentence it does not.
        let glued_after = match next {
            Some('.') => after.next().is_some_and(continues_token),
            Some(c) => continues_token(c),
            None => false,
        };
        let glued_before = before.is_some_and(|c| continues_token(c) || c == '.');
        if glued_before || glued_after {
            continue;
        }
        out.push_str(&text[last..at]);
        out.push_str(to);
        last = at + from.len();
    }
    out.push_str(&text[last..]);
    out
}

fn is_refresh_type(uri: Option<&str>) -> bool {
    uri.is_some_and(|t| token_type::expand(t) == token_type::REFRESH_TOKEN)
}

/// The refresh tokens among a step's outputs: its `refresh_token`, and its `access_token` when
/// the token issued is a refresh token (an exchange asking for one).
fn refresh_tokens_of_outputs(outputs: &StepOutputs) -> impl Iterator<Item = &str> {
    let issued = outputs
        .access_token
        .as_deref()
        .filter(|_| is_refresh_type(outputs.issued_token_type.as_deref()));
    outputs.refresh_token.as_deref().into_iter().chain(issued)
}

/// The values of a form field in a recorded body.
fn form_values(body: Option<&str>, name: &str) -> Vec<String> {
    body.map(|b| {
        url::form_urlencoded::parse(b.as_bytes())
            .filter(|(n, _)| n == name)
            .map(|(_, v)| v.into_owned())
            .collect()
    })
    .unwrap_or_default()
}

/// The refresh tokens a request body sends in the clear: the `token` of an introspection or
/// revocation hinted as one, a subject or actor token of the refresh token type. (A refresh
/// grant's `refresh_token` is masked when the request is recorded.)
fn refresh_tokens_sent(body: Option<&str>) -> Vec<String> {
    let mut found = Vec::new();
    if form_values(body, "token_type_hint")
        .iter()
        .any(|h| h == "refresh_token")
    {
        found.extend(form_values(body, "token"));
    }
    for role in ["subject", "actor"] {
        let types = form_values(body, &format!("{role}_token_type"));
        if types.iter().any(|t| is_refresh_type(Some(t))) {
            found.extend(form_values(body, &format!("{role}_token")));
        }
    }
    found
}

/// The refresh tokens a JSON token response issues.
fn refresh_tokens_issued(members: &Map<String, Json>) -> Vec<String> {
    let mut found: Vec<String> = members
        .get("refresh_token")
        .and_then(Json::as_str)
        .map(str::to_owned)
        .into_iter()
        .collect();
    if is_refresh_type(members.get("issued_token_type").and_then(Json::as_str))
        && let Some(t) = members.get("access_token").and_then(Json::as_str)
    {
        found.push(t.to_owned());
    }
    found
}

/// Masks every refresh token in a step's record: those any step so far issued (`outputs`, the
/// real values the engine keeps), and those the record itself shows to be one.
pub(crate) fn mask_refresh_tokens<'a>(
    record: &mut StepRecord,
    outputs: impl IntoIterator<Item = &'a StepOutputs>,
) {
    let mut r = Redactor::default();
    for o in outputs {
        refresh_tokens_of_outputs(o).for_each(|t| r.add(t));
    }
    for t in refresh_tokens_in_step(record) {
        r.add(&t);
    }
    r.step(record);
}

fn refresh_tokens_in_step(record: &StepRecord) -> Vec<String> {
    let mut found = Vec::new();
    if let Some(s) = record.response.as_ref().and_then(TokenResponse::success) {
        found.extend(refresh_tokens_issued(&s.members));
    }
    found.extend(refresh_tokens_sent(
        record.request.as_ref().and_then(|r| r.body.as_deref()),
    ));
    for input in &record.inputs {
        if is_refresh_type(input.token.token_type.as_deref()) {
            found.push(input.token.token.clone());
        }
    }
    found
}

/// Masks the refresh tokens a run's record shows to be ones (issued in a response, sent as
/// one), in every step. For a record that did not come straight from this engine: one saved by
/// an earlier Baton, one about to be stored.
pub fn mask_refresh_tokens_in_run(record: &mut RunRecord) {
    let mut r = Redactor::default();
    for step in &record.steps {
        refresh_tokens_in_step(step).iter().for_each(|t| r.add(t));
    }
    r.run(record);
}

/// The same for a probe report: every refresh token its exchanges issued or sent.
pub fn mask_refresh_tokens_in_probe_report(report: &mut ProbeReport) {
    let mut seen = Redactor::default();
    for result in &report.results {
        gather_refresh_tokens_in_probe(result, &mut seen);
    }
    seen.probe_report(report);
}

fn gather_refresh_tokens_in_probe(result: &ProbeResult, seen: &mut Redactor) {
    for e in &result.exchanges {
        for t in refresh_tokens_sent(e.request.body.as_deref()) {
            seen.add(&t);
        }
        if let Some(Json::Object(members)) = e
            .response
            .as_ref()
            .and_then(|r| serde_json::from_str::<Json>(&r.body).ok())
        {
            for t in refresh_tokens_issued(&members) {
                seen.add(&t);
            }
        }
    }
}

/// Masks every refresh token in a probe's exchanges; `seen` gathers them across probes, so one
/// issued to an earlier probe is masked where a later one sends it.
pub(crate) fn mask_refresh_tokens_in_probe(result: &mut ProbeResult, seen: &mut Redactor) {
    gather_refresh_tokens_in_probe(result, seen);
    seen.probe_result(result);
}

/// Form fields that carry a token.
const TOKEN_FIELDS: [&str; 5] = [
    "subject_token",
    "actor_token",
    "token",
    "assertion",
    "refresh_token",
];

/// Response members that carry a token.
const TOKEN_MEMBERS: [&str; 3] = ["access_token", "refresh_token", "id_token"];

/// The token of an `Authorization: Bearer …` or `DPoP …` header.
fn presented_token(headers: &[(String, String)]) -> Vec<String> {
    headers
        .iter()
        .filter(|(n, _)| n.eq_ignore_ascii_case("authorization"))
        .filter_map(|(_, v)| {
            let (scheme, token) = v.split_once(' ')?;
            (scheme.eq_ignore_ascii_case("bearer") || scheme.eq_ignore_ascii_case("dpop"))
                .then(|| token.trim().to_owned())
        })
        .collect()
}

fn add_sent(r: &mut Redactor, headers: &[(String, String)], body: Option<&str>) {
    for field in TOKEN_FIELDS {
        form_values(body, field).iter().for_each(|t| r.add(t));
    }
    presented_token(headers).iter().for_each(|t| r.add(t));
}

fn add_received(r: &mut Redactor, body: &str) {
    if let Ok(Json::Object(members)) = serde_json::from_str::<Json>(body) {
        for name in TOKEN_MEMBERS {
            if let Some(t) = members.get(name).and_then(Json::as_str) {
                r.add(t);
            }
        }
    }
}

/// Every token a run's records hold (issued, presented, introspected, inspected), for a report
/// that leaves the machine.
pub fn tokens_of_runs<'a>(records: impl IntoIterator<Item = &'a RunRecord>) -> Redactor {
    let mut r = Redactor::default();
    for step in records.into_iter().flat_map(|run| &run.steps) {
        if let Some(t) = &step.token {
            r.add(&t.token);
        }
        for input in &step.inputs {
            r.add(&input.token.token);
        }
        if let Some(request) = &step.request {
            add_sent(&mut r, &request.headers, request.body.as_deref());
        }
        if let Some(response) = &step.response {
            add_received(&mut r, &response.body);
            if let Some(s) = response.success() {
                for t in [&s.access_token, &s.refresh_token].into_iter().flatten() {
                    r.add(t);
                }
            }
        }
    }
    r
}

/// Every token a probe report's exchanges sent or received.
pub fn tokens_of_probe_report(report: &ProbeReport) -> Redactor {
    let mut r = Redactor::default();
    for e in report.results.iter().flat_map(|p| &p.exchanges) {
        add_sent(&mut r, &e.request.headers, e.request.body.as_deref());
        if let Some(response) = &e.response {
            add_received(&mut r, &response.body);
        }
    }
    r
}

/// Masks every token in `records` (see [`tokens_of_runs`]); decoded headers and claims stay.
pub fn redact_runs(records: &mut [RunRecord]) {
    let r = tokens_of_runs(records.iter());
    records.iter_mut().for_each(|run| r.run(run));
}

/// Masks every token in a probe report (see [`tokens_of_probe_report`]).
pub fn redact_probe_report(report: &mut ProbeReport) {
    let r = tokens_of_probe_report(report);
    r.probe_report(report);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mask_shows_at_most_a_quarter_and_four_characters() {
        assert_eq!(mask("rt_abcdefghijklmnopqrstuvwxyz"), "rt_a****");
        assert_eq!(mask("rt_000001"), "rt****");
        assert_eq!(mask("abc"), "****");
    }

    #[test]
    fn whole_tokens_are_masked_in_every_form_they_are_written() {
        let mut r = Redactor::default();
        r.add("rt_a+b/cdefghijklmnop");
        let mut body = "token=rt_a%2Bb%2Fcdefghijklmnop&token_type_hint=refresh_token".to_owned();
        r.body(&mut body);
        assert_eq!(body, "token=rt_a****&token_type_hint=refresh_token");
        let mut json = r#"{"refresh_token":"rt_a+b\/cdefghijklmnop"}"#.to_owned();
        r.text(&mut json);
        assert_eq!(json, r#"{"refresh_token":"rt_a****"}"#);
        let mut sentence = "refused rt_a+b/cdefghijklmnop.".to_owned();
        r.text(&mut sentence);
        assert_eq!(sentence, "refused rt_a****.");
        // Part of a longer token is not the token.
        let mut longer = "rt_a+b/cdefghijklmnopq and xrt_a+b/cdefghijklmnop".to_owned();
        r.text(&mut longer);
        assert_eq!(longer, "rt_a+b/cdefghijklmnopq and xrt_a+b/cdefghijklmnop");
        // A mask is not masked again.
        r.add("rt_a****");
        assert_eq!(r.tokens.len(), 1);
    }

    #[test]
    fn refresh_tokens_are_found_where_a_request_sends_them() {
        let body = "token=rt_1&token_type_hint=refresh_token";
        assert_eq!(refresh_tokens_sent(Some(body)), ["rt_1"]);
        let body = "token=at_1&token_type_hint=access_token";
        assert!(refresh_tokens_sent(Some(body)).is_empty());
        let body = format!(
            "subject_token=rt_2&subject_token_type={}",
            form_encoded(token_type::REFRESH_TOKEN)
        );
        assert_eq!(refresh_tokens_sent(Some(&body)), ["rt_2"]);
    }
}
