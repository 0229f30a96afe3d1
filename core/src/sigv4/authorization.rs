//! Stage 3, the `Authorization` header value (SPEC §1):
//!
//! ```text
//! ALG Credential=ID/SCOPE, SignedHeaders=a;b;c, Signature=hex
//! ```

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use super::{CredentialScope, SignedHeaders};
use crate::encoding::unhex;
use crate::error::{Error, Result};
use crate::signer::Algorithm;

/// Stage 3: the `Authorization` header value. `Display` is the wire form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Authorization {
    algorithm: String,
    credential: String,
    scope: CredentialScope,
    signed_headers: SignedHeaders,
    signature: String,
}

fn malformed(reason: impl Into<String>) -> Error {
    Error::MalformedAuthorization {
        reason: reason.into(),
    }
}

impl Authorization {
    /// Assemble from parts; `signature_hex` is the lower-case hex signature.
    pub fn new(
        algorithm: &str,
        credential: String,
        scope: CredentialScope,
        signed_headers: SignedHeaders,
        signature_hex: String,
    ) -> Self {
        Authorization {
            algorithm: String::from(algorithm),
            credential,
            scope,
            signed_headers,
            signature: signature_hex,
        }
    }

    /// Parse a header value strictly: an `AWS4-…` algorithm, one space, then exactly the
    /// three components `Credential=`, `SignedHeaders=`, `Signature=` separated by `,` (spaces
    /// after a comma allowed, as AWS services accept), each once. Anything else is an
    /// [`Error::MalformedAuthorization`].
    pub fn parse(text: &str) -> Result<Self> {
        let (algorithm, rest) = text
            .split_once(' ')
            .ok_or_else(|| malformed("no space after the algorithm"))?;
        if !algorithm.starts_with("AWS4-")
            || !algorithm
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'-')
        {
            return Err(malformed(alloc::format!("unknown algorithm {algorithm:?}")));
        }
        let (mut credential, mut signed_headers, mut signature) = (None, None, None);
        for part in rest.split(',') {
            let part = part.trim_start_matches(' ');
            let (key, value) = part
                .split_once('=')
                .ok_or_else(|| malformed(alloc::format!("component {part:?} has no '='")))?;
            let slot = match key {
                "Credential" => &mut credential,
                "SignedHeaders" => &mut signed_headers,
                "Signature" => &mut signature,
                _ => return Err(malformed(alloc::format!("unknown component {key:?}"))),
            };
            if slot.replace(value).is_some() {
                return Err(malformed(alloc::format!("component {key} repeated")));
            }
        }
        let credential = credential.ok_or_else(|| malformed("no Credential"))?;
        let signed_headers = signed_headers.ok_or_else(|| malformed("no SignedHeaders"))?;
        let signature = signature.ok_or_else(|| malformed("no Signature"))?;
        let (id, scope) = credential
            .split_once('/')
            .ok_or_else(|| malformed("Credential has no scope"))?;
        if id.is_empty() || !id.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(malformed("empty or malformed credential id"));
        }
        let scope = CredentialScope::parse(scope)?;
        let signed_headers = SignedHeaders::parse(signed_headers)?;
        if signature.is_empty()
            || signature.len() % 2 != 0
            || !signature
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        {
            return Err(malformed("Signature is not lower-case hex"));
        }
        Ok(Authorization {
            algorithm: String::from(algorithm),
            credential: String::from(id),
            scope,
            signed_headers,
            signature: String::from(signature),
        })
    }

    /// The algorithm name (`AWS4-X509-RSA-SHA256`, `AWS4-HMAC-SHA256` …).
    pub fn algorithm(&self) -> &str {
        &self.algorithm
    }

    /// The X.509 algorithm, when the name is one.
    pub fn x509_algorithm(&self) -> Option<Algorithm> {
        Algorithm::from_wire(&self.algorithm)
    }

    /// The credential id: the leaf serial in decimal (X.509) or the access key id (HMAC).
    pub fn credential(&self) -> &str {
        &self.credential
    }

    /// The credential scope.
    pub fn scope(&self) -> &CredentialScope {
        &self.scope
    }

    /// The signed headers.
    pub fn signed_headers(&self) -> &SignedHeaders {
        &self.signed_headers
    }

    /// The signature, lower-case hex.
    pub fn signature_hex(&self) -> &str {
        &self.signature
    }

    /// The signature bytes.
    pub fn signature(&self) -> Vec<u8> {
        // `parse` and every constructor in this crate guarantee hex.
        unhex(&self.signature).unwrap_or_default()
    }
}

impl fmt::Display for Authorization {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} Credential={}/{}, SignedHeaders={}, Signature={}",
            self.algorithm, self.credential, self.scope, self.signed_headers, self.signature
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;

    const GOOD: &str = "AWS4-X509-ECDSA-SHA256 Credential=1234/20211103/us-east-1/rolesanywhere/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-x509, Signature=3045ab";

    #[test]
    fn round_trips() {
        let a = Authorization::parse(GOOD).unwrap();
        assert_eq!(a.to_string(), GOOD);
        assert_eq!(a.algorithm(), "AWS4-X509-ECDSA-SHA256");
        assert_eq!(a.x509_algorithm(), Some(Algorithm::EcdsaSha256));
        assert_eq!(a.credential(), "1234");
        assert_eq!(a.scope().region(), "us-east-1");
        assert_eq!(a.signed_headers().len(), 4);
        assert_eq!(a.signature(), alloc::vec![0x30, 0x45, 0xab]);
        let tight = GOOD.replace(", ", ",");
        assert_eq!(Authorization::parse(&tight).unwrap(), a);
    }

    #[test]
    fn rejects_malformed() {
        let cases = [
            String::new(),
            String::from("AWS4-X509-ECDSA-SHA256"),
            GOOD.replace("AWS4-X509", "aws4-x509"),
            GOOD.replace("Credential=1234/", "Credential=/"),
            GOOD.replace("Credential=1234/", "Credential=1234"),
            GOOD.replace("Signature=3045ab", "Signature=3045AB"),
            GOOD.replace("Signature=3045ab", "Signature="),
            GOOD.replace("Signature=3045ab", "Signature=304"),
            GOOD.replace(", Signature=3045ab", ""),
            alloc::format!("{GOOD}, Signature=00"),
            alloc::format!("{GOOD}, Extra=1"),
            GOOD.replace(
                "SignedHeaders=content-type;host",
                "SignedHeaders=host;content-type",
            ),
            GOOD.replace("aws4_request", "aws4"),
            GOOD.replace("Credential", "credential"),
        ];
        for case in cases {
            assert_eq!(
                Authorization::parse(&case).unwrap_err().code(),
                "malformed_authorization",
                "{case}"
            );
        }
    }
}
