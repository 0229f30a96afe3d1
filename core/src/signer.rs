//! Signers: the trait between `prepare` and `finish`, the algorithm names of SPEC §1, and
//! the raw-to-DER conversion for ECDSA signatures from WebCrypto and PKCS#11.

use alloc::vec::Vec;
use core::fmt;

use crate::error::Result;

/// The X.509 SigV4 algorithm, chosen by the key type only (SPEC §1), never by the
/// certificate's own signature hash.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Algorithm {
    /// `AWS4-X509-RSA-SHA256`: RSASSA-PKCS1-v1_5 over SHA-256.
    RsaSha256,
    /// `AWS4-X509-ECDSA-SHA256`: ECDSA over SHA-256 (P-256 and P-384), DER `SEQUENCE{r,s}`.
    EcdsaSha256,
    /// `AWS4-X509-MLDSA`: pure ML-DSA over the raw string to sign, empty context.
    MlDsa,
}

impl Algorithm {
    /// The wire name, as it stands first in the `Authorization` header and the string to sign.
    pub const fn as_str(self) -> &'static str {
        match self {
            Algorithm::RsaSha256 => "AWS4-X509-RSA-SHA256",
            Algorithm::EcdsaSha256 => "AWS4-X509-ECDSA-SHA256",
            Algorithm::MlDsa => "AWS4-X509-MLDSA",
        }
    }

    /// Parse a wire name.
    pub fn from_wire(name: &str) -> Option<Self> {
        match name {
            "AWS4-X509-RSA-SHA256" => Some(Algorithm::RsaSha256),
            "AWS4-X509-ECDSA-SHA256" => Some(Algorithm::EcdsaSha256),
            "AWS4-X509-MLDSA" => Some(Algorithm::MlDsa),
            _ => None,
        }
    }
}

impl fmt::Display for Algorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Something that signs the string to sign with the leaf certificate's private key.
///
/// `sign` receives the string to sign exactly as it goes into the signature (the bytes of
/// [`crate::StringToSign`]'s `Display`), and returns the signature in wire form: PKCS#1 v1.5
/// bytes for RSA, DER `SEQUENCE{r,s}` for ECDSA (see [`ecdsa_raw_to_der`]), raw for ML-DSA.
pub trait Signer {
    /// The algorithm this signer produces.
    fn algorithm(&self) -> Algorithm;
    /// Sign `message`.
    fn sign(&self, message: &[u8]) -> Result<Vec<u8>>;
}

impl<S: Signer + ?Sized> Signer for &S {
    fn algorithm(&self) -> Algorithm {
        (**self).algorithm()
    }
    fn sign(&self, message: &[u8]) -> Result<Vec<u8>> {
        (**self).sign(message)
    }
}

/// Convert a raw `r || s` ECDSA signature (IEEE P1363, what WebCrypto and PKCS#11 return) to
/// the DER `SEQUENCE { INTEGER r, INTEGER s }` that the service expects (RFC 3279 §2.2.3).
/// The input length must be even and 64 (P-256) or 96 (P-384).
pub fn ecdsa_raw_to_der(raw: &[u8]) -> Result<Vec<u8>> {
    crate::identity::ecdsa_raw_to_der_impl(raw)
}
