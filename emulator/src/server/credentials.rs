//! Minted session credentials. Instead of storing every session, the emulator seals what a
//! session is (role, session name, source identity, tags, expiry) into the session token
//! with HMAC-SHA256 under a key kept in the state, and derives the secret access key from
//! the access key id under the same key. GetCallerIdentity then checks a token and a
//! signature without any lookup, and minted credentials stay valid across restarts.

use std::collections::BTreeMap;

use base64ct::{Base64, Base64UrlUnpadded, Encoding};
use hmac::{KeyInit, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use zeroize::Zeroizing;

use crate::state::ids;

type HmacSha256 = hmac::Hmac<Sha256>;

/// What a session is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionClaims {
    /// `ASIA…`.
    pub akid: String,
    /// Account.
    pub account: String,
    /// Partition.
    pub partition: String,
    /// Role ARN.
    pub role_arn: String,
    /// `AROA…` of the role.
    pub role_id: String,
    /// Role session name.
    pub session_name: String,
    /// Source identity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_identity: Option<String>,
    /// Principal (session) tags.
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
    /// Issued at (Unix seconds).
    pub iat: i64,
    /// Expires at (Unix seconds).
    pub exp: i64,
}

impl SessionClaims {
    /// `arn:PARTITION:sts::ACCOUNT:assumed-role/ROLE_NAME/SESSION`.
    pub fn assumed_role_arn(&self) -> String {
        let role_name = self.role_arn.rsplit('/').next().unwrap_or(&self.role_arn);
        format!(
            "arn:{}:sts::{}:assumed-role/{role_name}/{}",
            self.partition, self.account, self.session_name
        )
    }
    /// `AROA…:SESSION`.
    pub fn assumed_role_id(&self) -> String {
        format!("{}:{}", self.role_id, self.session_name)
    }
}

/// The three strings handed out; `Debug` redacts the secrets.
#[derive(Clone)]
pub struct Minted {
    /// `ASIA…`.
    pub access_key_id: String,
    /// Secret.
    pub secret_access_key: Zeroizing<String>,
    /// Token.
    pub session_token: String,
}

impl std::fmt::Debug for Minted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Minted")
            .field("access_key_id", &self.access_key_id)
            .finish_non_exhaustive()
    }
}

/// Seals and opens session tokens.
pub struct Sealer {
    key: Zeroizing<Vec<u8>>,
}

impl std::fmt::Debug for Sealer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Sealer(** redacted **)")
    }
}

/// Why a token does not open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenError {
    /// Not one of ours, or altered.
    Invalid,
    /// Ours, but past its expiry.
    Expired,
}

impl Sealer {
    /// A sealer under `key`.
    pub fn new(key: &[u8]) -> Self {
        Sealer {
            key: Zeroizing::new(key.to_vec()),
        }
    }

    fn mac(&self, label: &[u8], data: &[u8]) -> [u8; 32] {
        let mut mac =
            <HmacSha256 as KeyInit>::new_from_slice(&self.key).expect("HMAC takes any key length");
        mac.update(label);
        mac.update(data);
        mac.finalize().into_bytes().into()
    }

    /// The secret access key of `akid` (40 characters, as AWS's).
    pub fn secret_for(&self, akid: &str) -> Zeroizing<String> {
        let mut s = Base64::encode_string(&self.mac(b"secret\0", akid.as_bytes()));
        s.truncate(40);
        Zeroizing::new(s)
    }

    /// Mint credentials for `claims` (its `akid` is filled in).
    pub fn mint(&self, mut claims: SessionClaims) -> (Minted, SessionClaims) {
        claims.akid = ids::key_id("ASIA");
        let json = serde_json::to_vec(&claims).expect("claims serialize");
        let tag = self.mac(b"token\0", &json);
        let token = format!(
            "{}.{}",
            Base64UrlUnpadded::encode_string(&json),
            Base64UrlUnpadded::encode_string(&tag)
        );
        let minted = Minted {
            access_key_id: claims.akid.clone(),
            secret_access_key: self.secret_for(&claims.akid),
            session_token: token,
        };
        (minted, claims)
    }

    /// Open `token` at time `now` (Unix seconds).
    pub fn open(&self, token: &str, now: i64) -> Result<SessionClaims, TokenError> {
        let (body, tag) = token.split_once('.').ok_or(TokenError::Invalid)?;
        let json = Base64UrlUnpadded::decode_vec(body).map_err(|_| TokenError::Invalid)?;
        let tag = Base64UrlUnpadded::decode_vec(tag).map_err(|_| TokenError::Invalid)?;
        let mut mac =
            <HmacSha256 as KeyInit>::new_from_slice(&self.key).expect("HMAC takes any key length");
        mac.update(b"token\0");
        mac.update(&json);
        mac.verify_slice(&tag).map_err(|_| TokenError::Invalid)?;
        let claims: SessionClaims =
            serde_json::from_slice(&json).map_err(|_| TokenError::Invalid)?;
        if claims.exp <= now {
            return Err(TokenError::Expired);
        }
        Ok(claims)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn claims() -> SessionClaims {
        SessionClaims {
            akid: String::new(),
            account: "123456789012".into(),
            partition: "aws".into(),
            role_arn: "arn:aws:iam::123456789012:role/path/app".into(),
            role_id: "AROAEXAMPLE".into(),
            session_name: "s1".into(),
            source_identity: Some("CN=x".into()),
            tags: BTreeMap::new(),
            iat: 100,
            exp: 1000,
        }
    }

    #[test]
    fn seals_and_opens() {
        let s = Sealer::new(&[7; 32]);
        let (m, c) = s.mint(claims());
        assert!(m.access_key_id.starts_with("ASIA") && m.access_key_id.len() == 20);
        assert_eq!(m.secret_access_key.len(), 40);
        assert_eq!(s.open(&m.session_token, 500).unwrap(), c);
        assert_eq!(s.open(&m.session_token, 1000), Err(TokenError::Expired));
        assert_eq!(
            c.assumed_role_arn(),
            "arn:aws:sts::123456789012:assumed-role/app/s1"
        );
        let mut bad = m.session_token.clone();
        bad.insert(3, 'x');
        assert_eq!(s.open(&bad, 500), Err(TokenError::Invalid));
        assert_eq!(
            Sealer::new(&[8; 32]).open(&m.session_token, 500),
            Err(TokenError::Invalid)
        );
        assert!(!format!("{m:?}").contains(m.secret_access_key.as_str()));
    }
}
