//! The lab's signing key (fresh per start, or fixed in deterministic mode) and the public keys
//! of `private_key_jwt` clients.

use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{self as lc, ParsedPublicKey};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::jwk::{Jwk, ThumbprintHash};
use jsonwebtoken::{Algorithm, DecodingKey, Header, Validation};
use serde_json::{Map, Value, json};

use crate::policy::SigningAlg;

/// Seeds of the deterministic-mode keys. Public on purpose: deterministic mode exists so that
/// runs can be compared byte for byte, never to protect anything.
const DEMO_P256_SEED: &[u8; 32] = b"baton-lab-demo-p256-key-00000001";
const DEMO_ED25519_SEED: &[u8; 32] = b"baton-lab-demo-ed25519-key-00001";
/// A fixed RSA key for deterministic RS256, generated once with `openssl genpkey`. DEMO KEY:
/// published in the source, never to be trusted for anything.
const DEMO_RSA_PKCS8_PEM: &str = include_str!("keys/demo-rs256-key.pem");

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("cannot create the lab's {alg} signing key: {reason}")]
    Create { alg: &'static str, reason: String },
    #[error("cannot sign a token: {0}")]
    Sign(String),
    /// The HTTPS lab's CA or server certificate could not be made.
    #[error("cannot create the lab's TLS certificates: {reason}")]
    Tls { reason: String },
}

/// How the lab's private key signs. Parsed once, when the lab starts: every token the lab
/// issues is signed here, so nothing is decoded or derived per signature.
enum Signer {
    /// ES256 with RFC 6979 nonces: the same input gives the same signature, which deterministic
    /// mode needs to make byte-identical tokens (AWS-LC's ECDSA draws a random nonce).
    Es256Deterministic(p256::ecdsa::SigningKey),
    /// ES256 with a random nonce (AWS-LC, assembly-backed).
    Es256(lc::EcdsaKeyPair),
    /// Ed25519 and RSA PKCS#1 v1.5 are deterministic by construction.
    Ed25519(lc::Ed25519KeyPair),
    Rs256(lc::RsaKeyPair),
}

impl Signer {
    /// The raw signature: `r || s` for ECDSA, as JWS (RFC 7518 §3.4) and XML-DSig 1.1 want it.
    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, KeyError> {
        let fail = |what: &str| KeyError::Sign(format!("the {what} signer refused the message"));
        match self {
            Signer::Es256Deterministic(key) => {
                let (signature, _) = key
                    .sign_recoverable(message)
                    .map_err(|e| KeyError::Sign(e.to_string()))?;
                Ok(signature.to_bytes().to_vec())
            }
            Signer::Es256(key) => key
                .sign(&SystemRandom::new(), message)
                .map(|s| s.as_ref().to_vec())
                .map_err(|_| fail("ES256")),
            Signer::Ed25519(key) => Ok(key.sign(message).as_ref().to_vec()),
            Signer::Rs256(key) => {
                let mut signature = vec![0; key.public_modulus_len()];
                key.sign(
                    &lc::RSA_PKCS1_SHA256,
                    &SystemRandom::new(),
                    message,
                    &mut signature,
                )
                .map_err(|_| fail("RS256"))?;
                Ok(signature)
            }
        }
    }
}

/// The key the lab signs every token with.
pub(crate) struct SigningKey {
    alg: Algorithm,
    signer: Signer,
    /// The public key, parsed once, that checks the lab's own tokens (AWS-LC).
    verifier: ParsedPublicKey,
    kid: String,
    /// The public JWK as served at `/jwks`.
    public_jwk: Value,
    /// The raw public key (an uncompressed EC point, a PKCS#1 RSA key or 32 Ed25519 bytes), for
    /// the self-signed certificate of SAML signatures.
    pub(crate) public_raw: Vec<u8>,
    /// That certificate (DER), served at `/saml/certificate` and sent in each assertion's KeyInfo.
    pub(crate) certificate: Vec<u8>,
}

fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

impl SigningKey {
    pub(crate) fn create(alg: SigningAlg, deterministic: bool) -> Result<SigningKey, KeyError> {
        let fail = |reason: String| KeyError::Create {
            alg: alg.as_str(),
            reason,
        };
        let (jws_alg, signer, public, public_raw) = match alg {
            SigningAlg::ES256 => {
                use p256::pkcs8::EncodePrivateKey;
                let secret = if deterministic {
                    p256::SecretKey::from_slice(DEMO_P256_SEED).map_err(|e| fail(e.to_string()))?
                } else {
                    p256::SecretKey::random(&mut rand::rngs::OsRng)
                };
                let point = p256::elliptic_curve::sec1::ToEncodedPoint::to_encoded_point(
                    &secret.public_key(),
                    false,
                );
                let (Some(x), Some(y)) = (point.x(), point.y()) else {
                    return Err(fail("the public key has no affine coordinates".to_owned()));
                };
                let public = json!({ "kty": "EC", "crv": "P-256", "x": b64(x), "y": b64(y) });
                let signer = if deterministic {
                    Signer::Es256Deterministic(p256::ecdsa::SigningKey::from(&secret))
                } else {
                    let der = secret.to_pkcs8_der().map_err(|e| fail(e.to_string()))?;
                    Signer::Es256(
                        lc::EcdsaKeyPair::from_pkcs8(
                            &lc::ECDSA_P256_SHA256_FIXED_SIGNING,
                            der.as_bytes(),
                        )
                        .map_err(|e| fail(e.to_string()))?,
                    )
                };
                (Algorithm::ES256, signer, public, point.as_bytes().to_vec())
            }
            SigningAlg::EdDSA => {
                let signing = if deterministic {
                    ed25519_dalek::SigningKey::from_bytes(DEMO_ED25519_SEED)
                } else {
                    ed25519_dalek::SigningKey::generate(&mut rand::rngs::OsRng)
                };
                let x = signing.verifying_key().to_bytes();
                let public = json!({ "kty": "OKP", "crv": "Ed25519", "x": b64(&x) });
                let signer = lc::Ed25519KeyPair::from_seed_and_public_key(&signing.to_bytes(), &x)
                    .map_err(|e| fail(e.to_string()))?;
                (
                    Algorithm::EdDSA,
                    Signer::Ed25519(signer),
                    public,
                    x.to_vec(),
                )
            }
            SigningAlg::RS256 => {
                use rsa::pkcs1::EncodeRsaPrivateKey;
                use rsa::pkcs8::DecodePrivateKey;
                use rsa::traits::PublicKeyParts;
                let private = if deterministic {
                    rsa::RsaPrivateKey::from_pkcs8_pem(DEMO_RSA_PKCS8_PEM)
                        .map_err(|e| fail(e.to_string()))?
                } else {
                    rsa::RsaPrivateKey::new(&mut rand::rngs::OsRng, 2048)
                        .map_err(|e| fail(e.to_string()))?
                };
                let der = private.to_pkcs1_der().map_err(|e| fail(e.to_string()))?;
                let public = json!({
                    "kty": "RSA",
                    "n": b64(&private.n().to_bytes_be()),
                    "e": b64(&private.e().to_bytes_be()),
                });
                let public_der =
                    rsa::pkcs1::EncodeRsaPublicKey::to_pkcs1_der(&private.to_public_key())
                        .map_err(|e| fail(e.to_string()))?;
                let signer =
                    lc::RsaKeyPair::from_der(der.as_bytes()).map_err(|e| fail(e.to_string()))?;
                (
                    Algorithm::RS256,
                    Signer::Rs256(signer),
                    public,
                    public_der.as_bytes().to_vec(),
                )
            }
        };
        let jwk: Jwk = serde_json::from_value(public.clone()).map_err(|e| fail(e.to_string()))?;
        let verification: &'static dyn lc::VerificationAlgorithm = match jws_alg {
            Algorithm::ES256 => &lc::ECDSA_P256_SHA256_FIXED,
            Algorithm::EdDSA => &lc::ED25519,
            _ => &lc::RSA_PKCS1_2048_8192_SHA256,
        };
        let verifier =
            ParsedPublicKey::new(verification, &public_raw).map_err(|e| fail(e.to_string()))?;
        // RFC 7638 thumbprint: the kid changes exactly when the key does.
        let kid = jwk
            .thumbprint(ThumbprintHash::SHA256)
            .map_err(|e| fail(e.to_string()))?;
        let mut public_jwk = public;
        if let Value::Object(map) = &mut public_jwk {
            map.insert("kid".into(), Value::String(kid.clone()));
            map.insert("alg".into(), Value::String(alg.as_str().to_owned()));
            map.insert("use".into(), Value::String("sig".to_owned()));
        }
        let mut key = SigningKey {
            alg: jws_alg,
            signer,
            verifier,
            kid,
            public_jwk,
            public_raw,
            certificate: Vec::new(),
        };
        key.certificate = crate::saml::certificate::self_signed(&key)?;
        Ok(key)
    }

    pub(crate) fn alg(&self) -> Algorithm {
        self.alg
    }

    /// Signs `message` with the lab's key: ECDSA as `r || s` (as JWS and XML-DSig 1.1 want it),
    /// RSA PKCS#1 v1.5 or Ed25519, each over SHA-256 (Ed25519 over the message).
    pub(crate) fn sign_raw(&self, message: &[u8]) -> Result<Vec<u8>, KeyError> {
        self.signer.sign(message)
    }

    /// Checks a signature [`sign_raw`](Self::sign_raw) made.
    pub(crate) fn verify_raw(&self, message: &[u8], signature: &[u8]) -> bool {
        self.verifier.verify_sig(message, signature).is_ok()
    }

    pub(crate) fn public_jwk(&self) -> &Value {
        &self.public_jwk
    }

    pub(crate) fn kid(&self) -> &str {
        &self.kid
    }

    /// Signs `claims` with header `typ` (`at+jwt` for access tokens, `JWT` otherwise).
    /// The JWS compact serialisation (RFC 7515 §7.1), its header written as jsonwebtoken writes
    /// one, so tokens are the same bytes as before the lab signed them itself.
    pub(crate) fn sign(&self, typ: &str, claims: &Map<String, Value>) -> Result<String, KeyError> {
        let mut header = Header::new(self.alg);
        header.typ = Some(typ.to_owned());
        header.kid = Some(self.kid.clone());
        let json = |what: &str, e: serde_json::Error| KeyError::Sign(format!("its {what}: {e}"));
        let header = serde_json::to_vec(&header).map_err(|e| json("header", e))?;
        let claims = serde_json::to_vec(claims).map_err(|e| json("claims", e))?;
        let mut token = b64(&header);
        token.push('.');
        URL_SAFE_NO_PAD.encode_string(&claims, &mut token);
        let signature = self.signer.sign(token.as_bytes())?;
        token.push('.');
        URL_SAFE_NO_PAD.encode_string(&signature, &mut token);
        Ok(token)
    }

    /// Checks the signature (and that `alg` is the lab's) and returns the header and claims.
    /// Time and issuer are checked by the caller, against the lab's clock.
    pub(crate) fn verify(&self, token: &str) -> Result<(Header, Map<String, Value>), String> {
        crate::jwt_shape::check(token)?;
        let header = jsonwebtoken::decode_header(token).map_err(|e| describe_jwt_error(&e))?;
        if header.alg != self.alg {
            return Err(format!(
                "it is signed with {:?}, the lab signs with {:?}",
                header.alg, self.alg
            ));
        }
        if let Some(kid) = &header.kid
            && kid != &self.kid
        {
            return Err(format!(
                "it was signed by another key (kid {kid:?}, the lab's is {:?})",
                self.kid
            ));
        }
        // The shape check above found three parts.
        let (signing_input, signature) = token.rsplit_once('.').ok_or(NOT_COMPACT)?;
        let (_, payload) = signing_input.split_once('.').ok_or(NOT_COMPACT)?;
        let signature = URL_SAFE_NO_PAD.decode(signature).map_err(|_| NOT_BASE64)?;
        if self
            .verifier
            .verify_sig(signing_input.as_bytes(), &signature)
            .is_err()
        {
            return Err("its signature does not verify".to_owned());
        }
        let payload = URL_SAFE_NO_PAD.decode(payload).map_err(|_| NOT_BASE64)?;
        let claims = serde_json::from_slice::<Map<String, Value>>(&payload)
            .map_err(|_| "its header or claims are not a JSON object".to_owned())?;
        Ok((header, claims))
    }
}

/// The time the cryptography of one delegation exchange takes with the lab's ES256 key and
/// backend, on one core: two verifications (the subject and the actor token) and one signature
/// (the issued token), averaged over `rounds`. For the load benchmark (`scripts/bench-lab.sh`),
/// which sets it beside the CPU time the lab spends per exchange.
#[doc(hidden)]
pub fn exchange_crypto_cost(
    deterministic: bool,
    rounds: u32,
) -> Result<std::time::Duration, KeyError> {
    let key = SigningKey::create(SigningAlg::ES256, deterministic)?;
    let mut claims = Map::new();
    claims.insert("iss".into(), json!("https://lab.baton.test"));
    claims.insert("sub".into(), json!("bob"));
    claims.insert("aud".into(), json!(["flight-agent"]));
    claims.insert("exp".into(), json!(1_800_000_000u64));
    claims.insert("act".into(), json!({ "sub": "planner-agent" }));
    let token = key.sign("at+jwt", &claims)?;
    let (input, _) = token
        .rsplit_once('.')
        .ok_or_else(|| KeyError::Sign("the token has no signature".into()))?;
    let signature = key.sign_raw(input.as_bytes())?;
    let rounds = rounds.max(1);
    let started = std::time::Instant::now();
    for _ in 0..rounds {
        for _ in 0..2 {
            if !key.verify_raw(std::hint::black_box(input.as_bytes()), &signature) {
                return Err(KeyError::Sign(
                    "the lab's own signature does not verify".into(),
                ));
            }
        }
        std::hint::black_box(key.sign_raw(std::hint::black_box(input.as_bytes()))?);
    }
    Ok(started.elapsed() / rounds)
}

const NOT_COMPACT: &str = "it is not a JWS compact serialisation (three base64url parts)";
const NOT_BASE64: &str = "it is not valid base64url";

/// A validation that checks only the signature and algorithm: the lab checks `exp`, `iss` and
/// `aud` itself, with its own clock (which is fixed in deterministic mode).
fn unchecked_time(alg: Algorithm) -> Validation {
    let mut v = Validation::new(alg);
    v.validate_exp = false;
    v.validate_nbf = false;
    v.validate_aud = false;
    v.required_spec_claims.clear();
    v
}

pub(crate) fn describe_jwt_error(e: &jsonwebtoken::errors::Error) -> String {
    use jsonwebtoken::errors::ErrorKind;
    match e.kind() {
        ErrorKind::InvalidToken => {
            "it is not a JWS compact serialisation (three base64url parts)".to_owned()
        }
        ErrorKind::InvalidSignature => "its signature does not verify".to_owned(),
        ErrorKind::InvalidAlgorithm | ErrorKind::InvalidAlgorithmName => {
            "its alg is not accepted".to_owned()
        }
        ErrorKind::Base64(_) => "it is not valid base64url".to_owned(),
        ErrorKind::Json(_) => "its header or claims are not a JSON object".to_owned(),
        ErrorKind::Utf8(_) => "it is not valid UTF-8".to_owned(),
        _ => format!("it cannot be verified ({e})"),
    }
}

/// A `private_key_jwt` client's verification key and the algorithms that key can verify.
#[derive(Clone)]
pub(crate) struct ClientKey {
    pub(crate) key: DecodingKey,
    pub(crate) algorithms: Vec<Algorithm>,
}

/// Reads an SPKI (`-----BEGIN PUBLIC KEY-----`) PEM: EC P-256/P-384, Ed25519 or RSA.
pub(crate) fn client_key_from_pem(pem: &str) -> Result<ClientKey, String> {
    if let Ok(key) = DecodingKey::from_ec_pem(pem.as_bytes()) {
        return Ok(ClientKey {
            key,
            algorithms: vec![Algorithm::ES256, Algorithm::ES384],
        });
    }
    if let Ok(key) = DecodingKey::from_ed_pem(pem.as_bytes()) {
        return Ok(ClientKey {
            key,
            algorithms: vec![Algorithm::EdDSA],
        });
    }
    if let Ok(key) = DecodingKey::from_rsa_pem(pem.as_bytes()) {
        return Ok(ClientKey {
            key,
            algorithms: vec![
                Algorithm::RS256,
                Algorithm::RS384,
                Algorithm::RS512,
                Algorithm::PS256,
                Algorithm::PS384,
                Algorithm::PS512,
            ],
        });
    }
    Err(
        "not a PEM public key (expected -----BEGIN PUBLIC KEY----- with an EC, Ed25519 or RSA key)"
            .to_owned(),
    )
}

/// A public key from a JWKS (a trusted issuer's keys, a DPoP proof's `jwk`), with the algorithms
/// it can verify.
#[derive(Clone)]
pub(crate) struct JwkKey {
    pub(crate) kid: Option<String>,
    pub(crate) key: DecodingKey,
    pub(crate) algorithms: Vec<Algorithm>,
}

/// Reads one public JWK: EC P-256/P-384, OKP Ed25519 or RSA. A `d` (or any other private or
/// symmetric member) is refused: a public key set never holds one.
pub(crate) fn jwk_key(value: &Value) -> Result<JwkKey, String> {
    let Value::Object(members) = value else {
        return Err("it is not a JSON object".to_owned());
    };
    if let Some(private) = ["d", "p", "q", "dp", "dq", "qi", "k"]
        .into_iter()
        .find(|m| members.contains_key(*m))
    {
        return Err(format!(
            "it holds the private or symmetric key member {private:?}: only public keys belong here"
        ));
    }
    let kty = members.get("kty").and_then(Value::as_str).unwrap_or("");
    let crv = members.get("crv").and_then(Value::as_str).unwrap_or("");
    let algorithms = match (kty, crv) {
        ("EC", "P-256") => vec![Algorithm::ES256],
        ("EC", "P-384") => vec![Algorithm::ES384],
        ("OKP", "Ed25519") => vec![Algorithm::EdDSA],
        ("RSA", _) => vec![
            Algorithm::RS256,
            Algorithm::RS384,
            Algorithm::RS512,
            Algorithm::PS256,
            Algorithm::PS384,
            Algorithm::PS512,
        ],
        _ => {
            return Err(format!(
                "kty {kty:?} (crv {crv:?}) is not a key the lab verifies (EC P-256/P-384, OKP Ed25519, RSA)"
            ));
        }
    };
    let jwk: Jwk =
        serde_json::from_value(value.clone()).map_err(|e| format!("it is not a JWK: {e}"))?;
    let key = DecodingKey::from_jwk(&jwk).map_err(|e| format!("it is not a usable key: {e}"))?;
    Ok(JwkKey {
        kid: members
            .get("kid")
            .and_then(Value::as_str)
            .map(str::to_owned),
        key,
        algorithms,
    })
}

/// Every key of a JWKS (`{"keys": [...]}`); the error names the key that is wrong.
pub(crate) fn jwks_keys(jwks: &Value) -> Result<Vec<JwkKey>, String> {
    let Some(keys) = jwks.get("keys").and_then(Value::as_array) else {
        return Err("the JWKS has no \"keys\" array".to_owned());
    };
    if keys.is_empty() {
        return Err("the JWKS has no keys".to_owned());
    }
    keys.iter()
        .enumerate()
        .map(|(i, k)| jwk_key(k).map_err(|why| format!("key {i} of the JWKS: {why}")))
        .collect()
}

/// RFC 7638 SHA-256 thumbprint (base64url) of a public JWK.
pub(crate) fn jwk_thumbprint(value: &Value) -> Result<String, String> {
    let jwk: Jwk =
        serde_json::from_value(value.clone()).map_err(|e| format!("it is not a JWK: {e}"))?;
    jwk.thumbprint(ThumbprintHash::SHA256)
        .map_err(|e| format!("no thumbprint: {e}"))
}

/// Verifies `token`'s signature with one of `keys` (by `kid` when the header has one) and
/// returns its header and claims; time and claims are the caller's.
pub(crate) fn verify_with(
    keys: &[JwkKey],
    token: &str,
) -> Result<(Header, Map<String, Value>), String> {
    crate::jwt_shape::check(token)?;
    let header = jsonwebtoken::decode_header(token).map_err(|e| describe_jwt_error(&e))?;
    let candidates: Vec<&JwkKey> = match &header.kid {
        Some(kid) => keys
            .iter()
            .filter(|k| k.kid.as_deref() == Some(kid))
            .collect(),
        None => keys.iter().collect(),
    };
    if candidates.is_empty() {
        return Err(format!(
            "no key of its issuer has its kid {:?}",
            header.kid.as_deref().unwrap_or_default()
        ));
    }
    let mut last = "no key of its issuer verifies it".to_owned();
    for k in candidates {
        if !k.algorithms.contains(&header.alg) {
            last = format!(
                "it is signed with {:?}, which its issuer's key does not use",
                header.alg
            );
            continue;
        }
        match jsonwebtoken::decode::<Map<String, Value>>(token, &k.key, &unchecked_time(header.alg))
        {
            Ok(data) => return Ok((data.header, data.claims)),
            Err(e) => last = describe_jwt_error(&e),
        }
    }
    Err(last)
}

/// The client assertion algorithms the lab verifies, for the metadata.
pub(crate) const CLIENT_ASSERTION_ALGS: &[&str] = &[
    "ES256", "ES384", "EdDSA", "RS256", "RS384", "RS512", "PS256", "PS384", "PS512",
];

#[cfg(test)]
mod tests {
    use super::*;

    fn claims() -> Map<String, Value> {
        let mut m = Map::new();
        m.insert("sub".into(), json!("alice"));
        m.insert("exp".into(), json!(1_800_000_000u64));
        m
    }

    #[test]
    fn every_alg_signs_and_verifies() {
        for alg in [SigningAlg::ES256, SigningAlg::EdDSA, SigningAlg::RS256] {
            let key = SigningKey::create(alg, true).expect("key");
            let token = key.sign("at+jwt", &claims()).expect("sign");
            let (header, got) = key.verify(&token).expect("verify");
            assert_eq!(header.typ.as_deref(), Some("at+jwt"));
            assert_eq!(header.kid.as_deref(), Some(key.kid()));
            assert_eq!(got, claims());
            assert_eq!(key.public_jwk()["alg"], alg.as_str());
        }
    }

    #[test]
    fn deterministic_keys_sign_identically() {
        for alg in [SigningAlg::ES256, SigningAlg::EdDSA, SigningAlg::RS256] {
            let a = SigningKey::create(alg, true).expect("key");
            let b = SigningKey::create(alg, true).expect("key");
            assert_eq!(a.kid(), b.kid());
            assert_eq!(a.sign("JWT", &claims()).ok(), b.sign("JWT", &claims()).ok());
        }
    }

    #[test]
    fn fresh_keys_differ_and_reject_each_other() {
        let a = SigningKey::create(SigningAlg::ES256, false).expect("key");
        let b = SigningKey::create(SigningAlg::ES256, false).expect("key");
        assert_ne!(a.kid(), b.kid());
        let token = a.sign("JWT", &claims()).expect("sign");
        assert!(b.verify(&token).is_err());
    }

    #[test]
    fn client_keys_are_recognised() {
        use p256::pkcs8::EncodePublicKey;
        let sk = p256::SecretKey::from_slice(DEMO_P256_SEED).expect("key");
        let pem = sk
            .public_key()
            .to_public_key_pem(p256::pkcs8::LineEnding::LF)
            .expect("pem");
        let key = client_key_from_pem(&pem).expect("ec key");
        assert_eq!(key.algorithms[0], Algorithm::ES256);
        assert!(client_key_from_pem("garbage").is_err());
    }
}
