//! Authorization server metadata (RFC 8414; OpenID Connect Discovery 1.0): the document says
//! what it must, names the server it came from, and what it advertises is really accepted.

use serde_json::{Map, Value as Json};

use crate::token_type;

use super::answer::shorten;
use super::request::{Auth, Params, post};
use super::session::Probing;
use super::{Probe, Verdict};

macro_rules! attempt {
    ($e:expr) => {
        match $e {
            Ok(v) => v,
            Err(verdict) => return verdict,
        }
    };
}

pub(super) fn probes() -> Vec<Probe> {
    vec![
        probe!(
            "metadata.required-members",
            Metadata,
            Error,
            "RFC 8414 §2",
            "The metadata has every member RFC 8414 requires",
            "Publish issuer, response_types_supported, token_endpoint (unless only the implicit grant is supported) and authorization_endpoint (when a grant uses it).",
            required_members
        ),
        probe!(
            "metadata.issuer-matches",
            Metadata,
            Error,
            "RFC 8414 §3.3",
            "The metadata's issuer is the issuer its URL was built from",
            "Set issuer in the metadata to exactly the issuer identifier the well-known URL is derived from (same scheme, host, port and path, no trailing-slash difference).",
            issuer_matches
        ),
        probe!(
            "metadata.token-exchange-advertised",
            Metadata,
            Warning,
            "RFC 8414 §2; RFC 8693 §2.1",
            "grant_types_supported lists the token-exchange grant",
            "List urn:ietf:params:oauth:grant-type:token-exchange in grant_types_supported.",
            token_exchange_advertised
        ),
        probe!(
            "metadata.token-endpoint-matches",
            Metadata,
            Warning,
            "RFC 8414 §2",
            "The metadata's token_endpoint is the token endpoint in use",
            "Publish the token endpoint clients really use as token_endpoint (or correct the collection's token_endpoint).",
            token_endpoint_matches
        ),
        probe!(
            "metadata.advertised-grants-accepted",
            Metadata,
            Warning,
            "RFC 8414 §2; RFC 6749 §5.2",
            "Every grant type in grant_types_supported is recognised by the token endpoint",
            "Advertise only the grant types the token endpoint supports; a supported grant is never answered unsupported_grant_type.",
            advertised_grants_accepted
        ),
        probe!(
            "metadata.advertised-auth-methods-accepted",
            Metadata,
            Warning,
            "RFC 8414 §2; RFC 6749 §2.3.1",
            "client_secret_basic and client_secret_post, where advertised, really authenticate the client",
            "Accept every method in token_endpoint_auth_methods_supported (or stop advertising it); a client with a secret can always use HTTP Basic (RFC 6749 §2.3.1).",
            advertised_auth_methods_accepted
        ),
        probe!(
            "metadata.supported-spelling",
            Metadata,
            Info,
            "RFC 8414 §2, §7.1; OpenID Connect Discovery 1.0 §3",
            "Every *_supported member is spelt as registered",
            "Rename the member to its registered name (e.g. grant_types_supported, token_endpoint_auth_methods_supported): clients look members up by exact name.",
            supported_spelling
        ),
        probe!(
            "metadata.revocation-advertised-consistently",
            Metadata,
            Info,
            "RFC 8414 §2, §3.2; RFC 7009 §2",
            "The revocation members describe the advertised revocation endpoint consistently",
            "Publish revocation_endpoint whenever its auth members are published, give revocation_endpoint_auth_signing_alg_values_supported (without none) when a JWT method is listed, and omit empty arrays.",
            revocation_advertised_consistently
        ),
    ]
}

/// The metadata document (and the URL it came from), or a skip saying why there is none.
async fn document(p: &Probing) -> Result<(String, Map<String, Json>), Verdict> {
    match p.metadata().await {
        Some(found) => Ok(found),
        None => Err(Verdict::Skip(match &p.session.server.issuer {
            None => {
                "the server has no issuer configured, so its metadata (RFC 8414 §3) cannot be found"
                    .into()
            }
            Some(issuer) => format!(
                "the server publishes no metadata for issuer {issuer} (neither /.well-known/oauth-authorization-server nor /.well-known/openid-configuration answered with a JSON object)"
            ),
        })),
    }
}

/// A server's value in a reason: JSON, cut short.
fn shown(value: &Json) -> String {
    shorten(&value.to_string(), 120)
}

/// A server's text in a reason, cut short.
fn cut(text: &str) -> String {
    shorten(text, 120)
}

/// A member that must be a list of strings: `Ok(None)` when absent, `Err` when not a list of
/// strings.
fn string_list(doc: &Map<String, Json>, name: &str) -> Result<Option<Vec<String>>, String> {
    match doc.get(name) {
        None => Ok(None),
        Some(Json::Array(items)) => items
            .iter()
            .map(|i| {
                i.as_str()
                    .map(str::to_string)
                    .ok_or_else(|| format!("{name} holds {}, which is not a string", shown(i)))
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Some),
        Some(other) => Err(format!(
            "{name} is {}, not a JSON array of strings",
            shown(other)
        )),
    }
}

/// `grant_types_supported`, or its default (RFC 8414 §2) when omitted; the flag says which.
fn grant_types(doc: &Map<String, Json>) -> Result<(Vec<String>, bool), String> {
    Ok(match string_list(doc, "grant_types_supported")? {
        Some(list) => (list, false),
        None => (vec!["authorization_code".into(), "implicit".into()], true),
    })
}

async fn required_members(p: &Probing) -> Verdict {
    let (url, doc) = attempt!(document(p).await);
    let mut missing = Vec::new();
    let mut wrong = Vec::new();
    let mut notes = Vec::new();
    let mut string_member =
        |name: &str, required: bool, missing: &mut Vec<String>| match doc.get(name) {
            None if required => missing.push(name.to_string()),
            None => {}
            Some(Json::String(s)) if !s.is_empty() => {}
            Some(other) => wrong.push(format!("{name} is {}, not a URL string", shown(other))),
        };
    string_member("issuer", true, &mut missing);
    let (grants, defaulted) = match grant_types(&doc) {
        Ok(g) => g,
        Err(why) => return Verdict::Fail(format!("the metadata at {url}: {why}")),
    };
    let only_implicit = !grants.is_empty() && grants.iter().all(|g| g == "implicit");
    string_member("token_endpoint", !only_implicit, &mut missing);
    let response_types = match string_list(&doc, "response_types_supported") {
        Ok(r) => r,
        Err(why) => return Verdict::Fail(format!("the metadata at {url}: {why}")),
    };
    let uses_authorization_endpoint = grants
        .iter()
        .any(|g| g == "authorization_code" || g == "implicit")
        || response_types.as_ref().is_some_and(|r| !r.is_empty());
    string_member(
        "authorization_endpoint",
        uses_authorization_endpoint,
        &mut missing,
    );
    if uses_authorization_endpoint && defaulted && doc.get("authorization_endpoint").is_none() {
        notes.push(
            "grant_types_supported is omitted, which means authorization_code and implicit (RFC 8414 §2), and those need an authorization_endpoint",
        );
    }
    match &response_types {
        None => {
            missing.push("response_types_supported".to_string());
            notes.push(
                "RFC 8414 §2 requires response_types_supported even from a server without an authorization endpoint (erratum 7793, not yet verified, proposes relaxing that)",
            );
        }
        Some(r) if r.is_empty() => notes.push(
            "response_types_supported is an empty array: §2 requires the member while §3.2 omits empty ones, so for a server without an authorization endpoint that is as close as it gets",
        ),
        Some(_) => {}
    }
    let mut problems = Vec::new();
    if !missing.is_empty() {
        problems.push(format!("it lacks {}", missing.join(", ")));
    }
    problems.extend(wrong);
    if problems.is_empty() {
        let mut reason = format!("the metadata at {url} has every required member");
        if !notes.is_empty() {
            reason.push_str(&format!(" ({})", notes.join("; ")));
        }
        Verdict::Pass(reason)
    } else {
        let mut reason = format!("the metadata at {url}: {}", problems.join("; "));
        if !notes.is_empty() {
            reason.push_str(&format!(" ({})", notes.join("; ")));
        }
        Verdict::Fail(reason)
    }
}

async fn issuer_matches(p: &Probing) -> Verdict {
    let (url, doc) = attempt!(document(p).await);
    let Some(configured) = p.session.server.issuer.clone() else {
        return Verdict::Skip("the server has no issuer configured".into());
    };
    match doc.get("issuer") {
        None => Verdict::Fail(format!("the metadata at {url} has no issuer")),
        Some(Json::String(published)) if *published == configured => Verdict::Pass(format!(
            "the metadata at {url} names issuer {published}, the issuer its URL was built from"
        )),
        Some(Json::String(published)) => {
            let hint = if published.trim_end_matches('/') == configured.trim_end_matches('/') {
                " (they differ only by a trailing slash, which still makes them different identifiers)"
            } else {
                ""
            };
            Verdict::Fail(format!(
                "the metadata at {url} names issuer {:?}, but it was fetched for issuer {configured:?}{hint}; a client must reject it (RFC 8414 §3.3)",
                cut(published)
            ))
        }
        Some(other) => Verdict::Fail(format!(
            "the metadata at {url} has issuer {}, not a string",
            shown(other)
        )),
    }
}

async fn token_exchange_advertised(p: &Probing) -> Verdict {
    let (url, doc) = attempt!(document(p).await);
    match string_list(&doc, "grant_types_supported") {
        Err(why) => Verdict::Fail(format!("the metadata at {url}: {why}")),
        Ok(None) => Verdict::Fail(format!(
            "the metadata at {url} has no grant_types_supported, which then means authorization_code and implicit only (RFC 8414 §2): token exchange is not advertised"
        )),
        Ok(Some(list)) if list.iter().any(|g| g == token_type::TOKEN_EXCHANGE_GRANT) => {
            Verdict::Pass(format!(
                "grant_types_supported lists {}",
                token_type::TOKEN_EXCHANGE_GRANT
            ))
        }
        Ok(Some(list)) => Verdict::Fail(format!(
            "grant_types_supported ({}) does not list {}",
            cut(&list.join(", ")),
            token_type::TOKEN_EXCHANGE_GRANT
        )),
    }
}

async fn token_endpoint_matches(p: &Probing) -> Verdict {
    let (url, doc) = attempt!(document(p).await);
    let configured = p.token_endpoint();
    match doc.get("token_endpoint") {
        None => Verdict::Skip(format!(
            "the metadata at {url} has no token_endpoint to compare (metadata.required-members judges that)"
        )),
        Some(Json::String(published)) if published == configured => Verdict::Pass(format!(
            "token_endpoint is {published}, the endpoint in use"
        )),
        Some(Json::String(published)) => Verdict::Fail(format!(
            "the metadata's token_endpoint is {:?}, but the token endpoint in use is {configured:?}",
            cut(published)
        )),
        Some(other) => Verdict::Fail(format!(
            "the metadata's token_endpoint is {}, not a URL string",
            shown(other)
        )),
    }
}

/// Grant types used at the authorization endpoint only: sending one to the token endpoint
/// means nothing.
const AUTHORIZATION_ENDPOINT_ONLY: [&str; 1] = ["implicit"];

async fn advertised_grants_accepted(p: &Probing) -> Verdict {
    let (url, doc) = attempt!(document(p).await);
    let (grants, defaulted) = match grant_types(&doc) {
        Ok(g) => g,
        Err(why) => return Verdict::Fail(format!("the metadata at {url}: {why}")),
    };
    let exchanger = p.exchanger();
    let mut unsupported = Vec::new();
    let mut crashed = Vec::new();
    let mut recognised = Vec::new();
    let mut unjudged = Vec::new();
    for grant in grants
        .iter()
        .filter(|g| !AUTHORIZATION_ENDPOINT_ONLY.contains(&g.as_str()))
    {
        let params: Params = vec![("grant_type".into(), grant.clone())];
        let label = format!("grant_type {grant} with no other parameters");
        let answer = attempt!(post(p, &label, &params, Auth::Role(exchanger)).await);
        match answer.error_code() {
            _ if answer.status() >= 500 => {
                crashed.push(format!("{} ({})", cut(grant), answer.describe()))
            }
            Some("unsupported_grant_type") => unsupported.push(cut(grant)),
            Some("invalid_client") => unjudged.push(cut(grant)),
            _ => recognised.push(format!("{}: {}", cut(grant), answer.describe())),
        }
    }
    let advertised = if defaulted {
        "grant_types_supported is omitted, so it means authorization_code and implicit (RFC 8414 §2); "
    } else {
        ""
    };
    if !unsupported.is_empty() || !crashed.is_empty() {
        let mut problems = Vec::new();
        if !unsupported.is_empty() {
            problems.push(format!(
                "the token endpoint answers unsupported_grant_type to {}, which the metadata advertises",
                unsupported.join(", ")
            ));
        }
        if !crashed.is_empty() {
            problems.push(format!("it fails on {}", crashed.join(", ")));
        }
        return Verdict::Fail(format!("{advertised}{}", problems.join("; ")));
    }
    if recognised.is_empty() {
        return Verdict::Skip(format!(
            "{advertised}no advertised grant could be judged{}",
            if unjudged.is_empty() {
                String::new()
            } else {
                format!(
                    ": {} authenticating as {} was refused invalid_client",
                    unjudged.join(", "),
                    exchanger.client_id
                )
            }
        ));
    }
    Verdict::Pass(format!(
        "{advertised}every advertised grant is recognised ({})",
        recognised.join("; ")
    ))
}

async fn advertised_auth_methods_accepted(p: &Probing) -> Verdict {
    let (url, doc) = attempt!(document(p).await);
    let (methods, defaulted) = match string_list(&doc, "token_endpoint_auth_methods_supported") {
        Ok(Some(m)) => (m, false),
        // RFC 8414 §2: omitted means client_secret_basic.
        Ok(None) => (vec!["client_secret_basic".to_string()], true),
        Err(why) => return Verdict::Fail(format!("the metadata at {url}: {why}")),
    };
    let exchanger = p.exchanger();
    let Some(secret) = exchanger.secret().map(|s| s.expose().to_string()) else {
        return Verdict::Skip(format!(
            "{} authenticates with {}, not with a client secret, so client_secret_basic and client_secret_post cannot be tried",
            exchanger.id,
            exchanger.auth.method().as_str()
        ));
    };
    let id = exchanger.client_id.clone();
    let mut refused = Vec::new();
    let mut accepted = Vec::new();
    for method in ["client_secret_basic", "client_secret_post"] {
        if !methods.iter().any(|m| m == method) {
            continue;
        }
        let auth = match method {
            "client_secret_basic" => Auth::Basic(&id, &secret),
            _ => Auth::Post(&id, &secret),
        };
        let params: Params = vec![("grant_type".into(), "client_credentials".into())];
        let label = format!("client_credentials authenticated with {method}");
        let answer = attempt!(post(p, &label, &params, auth).await);
        if answer.status() >= 500 {
            refused.push(format!(
                "{method} made the server fail ({})",
                answer.describe()
            ));
        } else if answer.error_code() == Some("invalid_client") {
            refused.push(format!("{method} was refused: {}", answer.describe()));
        } else if answer.issued() {
            accepted.push(format!("{method} (a token was issued)"));
        } else {
            // unauthorized_client and the like: the client was authenticated, then refused.
            accepted.push(format!(
                "{method} ({}, after authenticating)",
                answer.describe()
            ));
        }
    }
    if !refused.is_empty() {
        return Verdict::Fail(format!(
            "the metadata advertises it, but for {id}: {}",
            refused.join("; ")
        ));
    }
    if accepted.is_empty() {
        return Verdict::Skip(format!(
            "the metadata advertises neither client_secret_basic nor client_secret_post ({})",
            cut(&methods.join(", "))
        ));
    }
    let default = if defaulted {
        "token_endpoint_auth_methods_supported is omitted, which means client_secret_basic; "
    } else {
        ""
    };
    Verdict::Pass(format!(
        "{default}every advertised secret method authenticated {id}: {}",
        accepted.join("; ")
    ))
}

async fn supported_spelling(p: &Probing) -> Verdict {
    let (url, doc) = attempt!(document(p).await);
    let misspelt: Vec<String> = doc
        .keys()
        .filter_map(|k| crate::discovery::misspelt_member(k))
        .collect();
    let unregistered: Vec<&str> = doc
        .keys()
        .filter(|k| k.ends_with("_supported") && !crate::discovery::is_registered_member(k))
        .filter(|k| crate::discovery::misspelt_member(k).is_none())
        .map(String::as_str)
        .collect();
    if !misspelt.is_empty() {
        return Verdict::Fail(format!(
            "the metadata at {url} has misspelt member names: {}; clients look for the registered names and will not find these",
            misspelt.join(", ")
        ));
    }
    let checked = doc.keys().filter(|k| k.ends_with("_supported")).count();
    let mut reason =
        format!("all {checked} *_supported members of the metadata are spelt as registered");
    if !unregistered.is_empty() {
        reason = format!(
            "no *_supported member is a near miss of a registered name; {} are not registered, which RFC 8414 §2 allows",
            cut(&unregistered.join(", "))
        );
    }
    Verdict::Pass(reason)
}

/// Client authentication methods that sign a JWT, and so need the `*_signing_alg_values_supported`
/// member (RFC 8414 §2).
const JWT_METHODS: [&str; 2] = ["private_key_jwt", "client_secret_jwt"];

async fn revocation_advertised_consistently(p: &Probing) -> Verdict {
    let (url, doc) = attempt!(document(p).await);
    const METHODS: &str = "revocation_endpoint_auth_methods_supported";
    const ALGS: &str = "revocation_endpoint_auth_signing_alg_values_supported";
    let endpoint = doc.get("revocation_endpoint");
    let Some(endpoint) = endpoint else {
        let stray: Vec<&str> = [METHODS, ALGS]
            .into_iter()
            .filter(|m| doc.contains_key(*m))
            .collect();
        if stray.is_empty() {
            return Verdict::Skip(format!(
                "the metadata at {url} advertises no revocation_endpoint"
            ));
        }
        return Verdict::Fail(format!(
            "the metadata at {url} has {} but no revocation_endpoint for them to describe",
            stray.join(" and ")
        ));
    };
    let mut problems = Vec::new();
    match endpoint.as_str() {
        Some(e) if url::Url::parse(e).is_ok() => {}
        _ => problems.push(format!("revocation_endpoint is {endpoint}, not a URL")),
    }
    let methods = match string_list(&doc, METHODS) {
        Ok(m) => m,
        Err(why) => {
            problems.push(why);
            None
        }
    };
    let algs = match string_list(&doc, ALGS) {
        Ok(a) => a,
        Err(why) => {
            problems.push(why);
            None
        }
    };
    let methods_text = match &methods {
        None => "omitted, so client_secret_basic (RFC 8414 §2)".to_string(),
        Some(m) if m.is_empty() => {
            problems.push(format!(
                "{METHODS} is an empty array; RFC 8414 §3.2 omits a member with no values"
            ));
            String::new()
        }
        Some(m) => m.join(", "),
    };
    let jwt_methods: Vec<&str> = methods
        .iter()
        .flatten()
        .map(String::as_str)
        .filter(|m| JWT_METHODS.contains(m))
        .collect();
    if !jwt_methods.is_empty() {
        match &algs {
            None => problems.push(format!(
                "{METHODS} lists {}, so {ALGS} MUST be present (RFC 8414 §2), and it is not",
                jwt_methods.join(", ")
            )),
            Some(a) if a.is_empty() => problems.push(format!("{ALGS} is an empty array")),
            Some(_) => {}
        }
    }
    if algs.iter().flatten().any(|a| a == "none") {
        problems.push(format!("{ALGS} lists \"none\", which RFC 8414 §2 forbids"));
    }
    if problems.is_empty() {
        Verdict::Pass(format!(
            "revocation_endpoint is advertised with auth methods {methods_text}"
        ))
    } else {
        Verdict::Fail(format!("the metadata at {url}: {}", problems.join("; ")))
    }
}
