//! Stage 2, the string to sign:
//!
//! ```text
//! ALGORITHM \n X-Amz-Date \n CredentialScope \n HexSHA256(CanonicalRequest)
//! ```

use alloc::string::String;
use core::fmt;

use super::{CanonicalRequest, CredentialScope};
use crate::time::AmzDate;

/// Stage 2: the string to sign. `Display` and [`StringToSign::as_bytes`] are exactly what is
/// signed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StringToSign {
    text: String,
    algorithm_len: usize,
    scope: CredentialScope,
    date: AmzDate,
}

impl StringToSign {
    /// Stage 2 of `canonical` for `algorithm` (`AWS4-X509-…` or `AWS4-HMAC-SHA256`).
    pub fn new(
        algorithm: &str,
        date: AmzDate,
        scope: CredentialScope,
        canonical: &CanonicalRequest,
    ) -> Self {
        Self::from_hash(algorithm, date, scope, &canonical.hash_hex())
    }

    /// From the hex hash of a canonical request computed elsewhere.
    pub fn from_hash(
        algorithm: &str,
        date: AmzDate,
        scope: CredentialScope,
        canonical_hash_hex: &str,
    ) -> Self {
        let text = alloc::format!("{algorithm}\n{date}\n{scope}\n{canonical_hash_hex}");
        StringToSign {
            text,
            algorithm_len: algorithm.len(),
            scope,
            date,
        }
    }

    /// The bytes a signer signs.
    pub fn as_bytes(&self) -> &[u8] {
        self.text.as_bytes()
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The algorithm name on the first line.
    pub fn algorithm_name(&self) -> &str {
        &self.text[..self.algorithm_len]
    }

    /// The credential scope (third line).
    pub fn scope(&self) -> &CredentialScope {
        &self.scope
    }

    /// The request time (second line).
    pub fn date(&self) -> AmzDate {
        self.date
    }
}

impl fmt::Display for StringToSign {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}
