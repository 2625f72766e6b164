//! Every probe Baton has, in the order a run takes them (and a report card lists them).

use super::{
    Probe, baseline, chain, client_auth, introspection, issued, metadata, opaque, request,
    response, revocation, token,
};

pub fn catalogue() -> Vec<Probe> {
    let mut all = Vec::new();
    all.extend(baseline::probes());
    all.extend(request::probes());
    all.extend(client_auth::probes());
    all.extend(token::probes());
    all.extend(chain::probes());
    all.extend(response::probes());
    all.extend(issued::probes());
    all.extend(introspection::probes());
    all.extend(metadata::probes());
    all.extend(revocation::probes());
    all.extend(opaque::probes());
    all
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn ids_are_unique_and_start_with_their_group() {
        let all = catalogue();
        let mut seen = HashSet::new();
        for p in &all {
            assert!(seen.insert(p.id), "duplicate probe id {}", p.id);
            assert!(
                p.id.starts_with(&format!("{}.", p.group.as_str())),
                "{} is not in group {}",
                p.id,
                p.group.as_str()
            );
            assert!(p.rfc.starts_with("RFC "), "{}: rfc {:?}", p.id, p.rfc);
            assert!(!p.fix.is_empty() && !p.title.is_empty(), "{}", p.id);
        }
    }
}
