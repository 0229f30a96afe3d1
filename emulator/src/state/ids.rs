//! Identifiers as the service makes them: UUID resource ids, ARNs, ISO 8601 times, and
//! random AWS-style key ids.

use rand::RngExt;
use roles_anywhere_core::Timestamp;

/// A resource id (UUID v4, as the service's trust anchor and profile ids are).
pub fn new_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// `arn:PARTITION:rolesanywhere:REGION:ACCOUNT:KIND/ID`.
pub fn rolesanywhere_arn(
    partition: &str,
    region: &str,
    account: &str,
    kind: &str,
    id: &str,
) -> String {
    format!("arn:{partition}:rolesanywhere:{region}:{account}:{kind}/{id}")
}

/// ISO 8601 with seconds, as the model's timestamps are written.
pub fn iso(ts: Timestamp) -> String {
    ts.to_string()
}

const KEY_ID_ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
const SECRET_ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

fn random_from(alphabet: &[u8], len: usize) -> String {
    let mut rng = rand::rng();
    (0..len)
        .map(|_| char::from(alphabet[rng.random_range(0..alphabet.len())]))
        .collect()
}

/// A 20-character key id with `prefix` (`AKIA`, `ASIA`, `AROA`).
pub fn key_id(prefix: &str) -> String {
    let rest = 20usize.saturating_sub(prefix.len());
    format!("{prefix}{}", random_from(KEY_ID_ALPHABET, rest))
}

/// A 40-character secret access key.
pub fn secret_key() -> String {
    random_from(SECRET_ALPHABET, 40)
}

/// 32 random bytes, hex.
pub fn random_key_hex() -> String {
    let bytes: [u8; 32] = rand::rng().random();
    hex(&bytes)
}

/// Lower-case hex.
pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

/// Parse lower- or upper-case hex.
pub fn unhex(text: &str) -> Option<Vec<u8>> {
    if text.len() % 2 != 0 {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| {
            text.get(i..i + 2)
                .and_then(|p| u8::from_str_radix(p, 16).ok())
        })
        .collect()
}
