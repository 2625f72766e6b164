//! The lab's security checks that a trainer may switch off (`[checks]` in the policy), so an
//! attack can be shown to succeed and then be refused. Every check is on unless the policy turns
//! it off on purpose; the app shows each one that is off as "vulnerable: …".

/// One switchable check. The names are part of the policy format and are used by the probe suite
/// and the app: never rename one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Check {
    ActorBoundToClient,
    ActorNotSubject,
    MayActEnforced,
    MayActCarried,
    SubjectAudience,
    TokenTypeMatches,
    TimeClaims,
    Revocation,
    GrantClientBound,
    AssertionSingleUse,
    PkceRequired,
    ClientCertificateChain,
}

impl Check {
    /// Every check, in the order the policy documents and [`Policy::disabled_checks`] lists them.
    ///
    /// [`Policy::disabled_checks`]: crate::Policy::disabled_checks
    pub const ALL: [Check; 12] = [
        Check::ActorBoundToClient,
        Check::ActorNotSubject,
        Check::MayActEnforced,
        Check::MayActCarried,
        Check::SubjectAudience,
        Check::TokenTypeMatches,
        Check::TimeClaims,
        Check::Revocation,
        Check::GrantClientBound,
        Check::AssertionSingleUse,
        Check::PkceRequired,
        Check::ClientCertificateChain,
    ];

    /// The key in the policy's `[checks]` table.
    pub fn name(self) -> &'static str {
        match self {
            Check::ActorBoundToClient => "actor_bound_to_client",
            Check::ActorNotSubject => "actor_not_subject",
            Check::MayActEnforced => "may_act_enforced",
            Check::MayActCarried => "may_act_carried",
            Check::SubjectAudience => "subject_audience",
            Check::TokenTypeMatches => "token_type_matches",
            Check::TimeClaims => "time_claims",
            Check::Revocation => "revocation",
            Check::GrantClientBound => "grant_client_bound",
            Check::AssertionSingleUse => "assertion_single_use",
            Check::PkceRequired => "pkce_required",
            Check::ClientCertificateChain => "client_certificate_chain",
        }
    }

    /// What the lab enforces while the check is on, in one line.
    pub fn description(self) -> &'static str {
        match self {
            Check::ActorBoundToClient => {
                "an actor_token must have been issued to the client presenting it"
            }
            Check::ActorNotSubject => {
                "an actor_token about the subject itself is refused: a party cannot act for itself"
            }
            Check::MayActEnforced => {
                "a subject token's may_act must name the actor (or, without one, the client)"
            }
            Check::MayActCarried => {
                "an exchanged token keeps the subject token's may_act, so the restriction travels down the chain"
            }
            Check::SubjectAudience => {
                "a subject token must be meant for the client presenting it (its aud, its client_id, its may_act or the client's accepts_audiences); an actor token meant for another client is refused"
            }
            Check::TokenTypeMatches => {
                "subject_token_type and actor_token_type must match the token (access token vs ID token)"
            }
            Check::TimeClaims => "tokens whose nbf or iat lie in the future are refused",
            Check::Revocation => {
                "tokens revoked at /revoke (RFC 7009) can no longer be exchanged, refreshed or introspected as active"
            }
            Check::GrantClientBound => {
                "a JWT authorization grant or ID-JAG whose client_id names another client is refused"
            }
            Check::AssertionSingleUse => {
                "a JWT authorization grant (jwt-bearer assertion) is redeemed once: its jti is remembered until its exp"
            }
            Check::PkceRequired => {
                "every authorization request carries an S256 code_challenge (RFC 7636), confidential clients' too"
            }
            Check::ClientCertificateChain => {
                "a tls_client_auth client's certificate must be issued by the lab's CA, not just carry the client's name (RFC 8705 §2.1)"
            }
        }
    }

    /// What an attacker can do while the check is off, in one line (for "vulnerable: …").
    pub fn when_off(self) -> &'static str {
        match self {
            Check::ActorBoundToClient => {
                "a client can present another client's token as its actor_token and act as that client"
            }
            Check::ActorNotSubject => {
                "a party can delegate to itself, and its token names it twice, as subject and as actor"
            }
            Check::MayActEnforced => "anyone may act for a subject, whatever its may_act says",
            Check::MayActCarried => {
                "a second agent can re-delegate a token the user's may_act never allowed it"
            }
            Check::SubjectAudience => "a token sent to one client can be exchanged by another",
            Check::TokenTypeMatches => {
                "an access token is accepted when declared as an ID token, and the other way round"
            }
            Check::TimeClaims => {
                "tokens that are not valid yet (nbf, iat in the future) are accepted"
            }
            Check::Revocation => {
                "/revoke answers 200 but forgets nothing: revoked tokens stay valid"
            }
            Check::GrantClientBound => {
                "a client redeems an ID-JAG or authorization grant issued to another client"
            }
            Check::AssertionSingleUse => {
                "a stolen JWT authorization grant can be replayed until it expires"
            }
            Check::PkceRequired => {
                "a confidential client may sign users in without PKCE, so a stolen authorization code can be redeemed by whoever holds the client's secret (public clients still need PKCE)"
            }
            Check::ClientCertificateChain => {
                "anyone can make a self-signed certificate with a tls_client_auth client's name in it and authenticate as that client"
            }
        }
    }

    pub fn from_name(name: &str) -> Option<Check> {
        Check::ALL.into_iter().find(|c| c.name() == name)
    }
}

impl std::fmt::Display for Check {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// The policy's `[checks]`: which of the lab's security checks are on. All on by default.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Checks {
    pub actor_bound_to_client: bool,
    pub actor_not_subject: bool,
    pub may_act_enforced: bool,
    pub may_act_carried: bool,
    pub subject_audience: bool,
    pub token_type_matches: bool,
    pub time_claims: bool,
    pub revocation: bool,
    pub grant_client_bound: bool,
    pub assertion_single_use: bool,
    pub pkce_required: bool,
    pub client_certificate_chain: bool,
}

impl Default for Checks {
    fn default() -> Self {
        Checks::all_on()
    }
}

impl Checks {
    pub const fn all_on() -> Checks {
        Checks {
            actor_bound_to_client: true,
            actor_not_subject: true,
            may_act_enforced: true,
            may_act_carried: true,
            subject_audience: true,
            token_type_matches: true,
            time_claims: true,
            revocation: true,
            grant_client_bound: true,
            assertion_single_use: true,
            pkce_required: true,
            client_certificate_chain: true,
        }
    }

    pub fn is_on(&self, check: Check) -> bool {
        *self.field(check)
    }

    pub fn set(&mut self, check: Check, on: bool) {
        *self.field_mut(check) = on;
    }

    /// The checks that are off, in [`Check::ALL`] order.
    pub fn disabled(&self) -> Vec<Check> {
        Check::ALL.into_iter().filter(|c| !self.is_on(*c)).collect()
    }

    fn field(&self, check: Check) -> &bool {
        match check {
            Check::ActorBoundToClient => &self.actor_bound_to_client,
            Check::ActorNotSubject => &self.actor_not_subject,
            Check::MayActEnforced => &self.may_act_enforced,
            Check::MayActCarried => &self.may_act_carried,
            Check::SubjectAudience => &self.subject_audience,
            Check::TokenTypeMatches => &self.token_type_matches,
            Check::TimeClaims => &self.time_claims,
            Check::Revocation => &self.revocation,
            Check::GrantClientBound => &self.grant_client_bound,
            Check::AssertionSingleUse => &self.assertion_single_use,
            Check::PkceRequired => &self.pkce_required,
            Check::ClientCertificateChain => &self.client_certificate_chain,
        }
    }

    fn field_mut(&mut self, check: Check) -> &mut bool {
        match check {
            Check::ActorBoundToClient => &mut self.actor_bound_to_client,
            Check::ActorNotSubject => &mut self.actor_not_subject,
            Check::MayActEnforced => &mut self.may_act_enforced,
            Check::MayActCarried => &mut self.may_act_carried,
            Check::SubjectAudience => &mut self.subject_audience,
            Check::TokenTypeMatches => &mut self.token_type_matches,
            Check::TimeClaims => &mut self.time_claims,
            Check::Revocation => &mut self.revocation,
            Check::GrantClientBound => &mut self.grant_client_bound,
            Check::AssertionSingleUse => &mut self.assertion_single_use,
            Check::PkceRequired => &mut self.pkce_required,
            Check::ClientCertificateChain => &mut self.client_certificate_chain,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_are_unique() {
        for c in Check::ALL {
            assert_eq!(Check::from_name(c.name()), Some(c));
            assert!(!c.description().is_empty() && !c.when_off().is_empty());
        }
        let mut names: Vec<_> = Check::ALL.iter().map(|c| c.name()).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), Check::ALL.len());
        assert_eq!(Check::from_name("nope"), None);
    }

    #[test]
    fn disabled_lists_only_what_is_off_in_a_stable_order() {
        let mut checks = Checks::default();
        assert!(checks.disabled().is_empty());
        checks.set(Check::Revocation, false);
        checks.set(Check::ActorBoundToClient, false);
        assert_eq!(
            checks.disabled(),
            [Check::ActorBoundToClient, Check::Revocation]
        );
        assert!(!checks.actor_bound_to_client && checks.time_claims);
    }
}
