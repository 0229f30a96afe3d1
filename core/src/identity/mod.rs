//! X.509 identities: the leaf certificate, its intermediates and its private key, parsed
//! from PEM, DER and PKCS#12 bytes, and checked as the service checks them (SPEC §3 step 1,
//! ARCHITECTURE "Data flow").
//!
//! One concern per file: `pem` splits PEM text into blocks, `certificate` decodes X.509,
//! `public_key` names key types (and verifies signatures), `private_key` decodes keys,
//! `encrypted` decrypts them, `pkcs12` reads PFX files, `signing` signs, and `ecdsa_der`
//! converts raw ECDSA signatures.

use alloc::vec::Vec;

use crate::error::{Error, Result};
use crate::signer::Algorithm;

mod certificate;
mod ecdsa_der;
mod encrypted;
mod pem;
mod pkcs12;
mod private_key;
mod public_key;
mod signing;

pub use certificate::Certificate;
pub(crate) use ecdsa_der::ecdsa_raw_to_der_impl;
pub use private_key::PrivateKey;

/// The most intermediates the service accepts in `X-Amz-X509-Chain` (SPEC §1).
pub const MAX_CHAIN_LEN: usize = 5;

/// The type of a key, which alone chooses the signing [`Algorithm`] (SPEC §1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum KeyType {
    /// RSA with the given modulus size in bits (2048, 3072 or 4096).
    Rsa {
        /// Modulus size.
        bits: u32,
    },
    /// ECDSA on NIST P-256.
    EcP256,
    /// ECDSA on NIST P-384.
    EcP384,
    /// ML-DSA-44.
    MlDsa44,
    /// ML-DSA-65.
    MlDsa65,
    /// ML-DSA-87.
    MlDsa87,
}

impl KeyType {
    /// The algorithm the service requires for this key type.
    pub fn algorithm(self) -> Algorithm {
        match self {
            KeyType::Rsa { .. } => Algorithm::RsaSha256,
            KeyType::EcP256 | KeyType::EcP384 => Algorithm::EcdsaSha256,
            KeyType::MlDsa44 | KeyType::MlDsa65 | KeyType::MlDsa87 => Algorithm::MlDsa,
        }
    }
}

impl core::fmt::Display for KeyType {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            KeyType::Rsa { bits } => write!(f, "RSA-{bits}"),
            KeyType::EcP256 => f.write_str("EC P-256"),
            KeyType::EcP384 => f.write_str("EC P-384"),
            KeyType::MlDsa44 => f.write_str("ML-DSA-44"),
            KeyType::MlDsa65 => f.write_str("ML-DSA-65"),
            KeyType::MlDsa87 => f.write_str("ML-DSA-87"),
        }
    }
}

/// A leaf certificate, up to [`MAX_CHAIN_LEN`] intermediates, and (unless the key lives
/// elsewhere, behind an external [`Signer`](crate::Signer)) the leaf's private key.
#[derive(Debug)]
pub struct Identity {
    leaf: Certificate,
    chain: Vec<Certificate>,
    key: Option<PrivateKey>,
    key_type: KeyType,
}

impl Identity {
    /// Assemble and check, in this order: the leaf is X.509 v3 (SPEC §3 step 3), has a
    /// subject (SPEC §3) and a supported key type (SPEC §1); the chain has at most
    /// [`MAX_CHAIN_LEN`] certificates (SPEC §3 step 1); the key (when given) matches the leaf.
    pub fn new(
        leaf: Certificate,
        chain: Vec<Certificate>,
        key: Option<PrivateKey>,
    ) -> Result<Self> {
        let version = leaf.version();
        if version != 3 {
            return Err(Error::UnsupportedCertificateVersion { version });
        }
        if leaf.has_empty_subject() {
            return Err(Error::InvalidCertificate {
                reason: "the leaf certificate has an empty subject".into(),
            });
        }
        let key_type = leaf.key_type()?;
        if chain.len() > MAX_CHAIN_LEN {
            return Err(Error::ChainTooLong { len: chain.len() });
        }
        if let Some(key) = &key {
            if !key.matches(&leaf) {
                return Err(Error::KeyCertificateMismatch);
            }
        }
        Ok(Identity {
            leaf,
            chain,
            key,
            key_type,
        })
    }

    /// From certificate bytes (PEM or DER; a PEM may also hold the key, the combined form),
    /// optional key bytes (PEM or DER, encrypted or not), optional intermediates bytes.
    ///
    /// The first certificate of `certificate` is the leaf; any further certificates there
    /// (a "full chain" file) come first in the chain, then those of `intermediates`. With no
    /// `private_key`, the key is taken from `certificate`; none there is
    /// [`Error::NoPrivateKey`] (an identity whose key lives elsewhere is built with
    /// [`Identity::new`] and `None`).
    pub fn from_parts(
        certificate: &[u8],
        private_key: Option<&[u8]>,
        intermediates: Option<&[u8]>,
        password: Option<&[u8]>,
    ) -> Result<Self> {
        let mut certs = Certificate::parse_bundle(certificate)?.into_iter();
        let leaf = certs.next().ok_or(Error::NoCertificate)?;
        let mut chain: Vec<Certificate> = certs.collect();
        let key = match private_key {
            Some(bytes) => PrivateKey::parse(bytes, password)?,
            None if pem::looks_like_pem(certificate) => {
                PrivateKey::from_pem(certificate, password)?
            }
            None => return Err(Error::NoPrivateKey),
        };
        if let Some(bytes) = intermediates {
            if !bytes.iter().all(u8::is_ascii_whitespace) {
                chain.extend(Certificate::parse_bundle(bytes)?);
            }
        }
        Identity::new(leaf, chain, Some(key))
    }

    /// From a PKCS#12 (`.p12`/`.pfx`) file, with or without a password.
    ///
    /// The leaf is the certificate that matches the key; the other certificates become the
    /// chain, ordered leaf-most first by following issuer → subject links. Self-issued
    /// (root) certificates are left out: the trust anchor is configured in the service and
    /// never needs to be sent.
    pub fn from_pkcs12(bytes: &[u8], password: Option<&[u8]>) -> Result<Self> {
        let contents = pkcs12::read(bytes, password)?;
        let key = contents.key.ok_or(Error::NoPrivateKey)?;
        let mut certs = contents.certs;
        if certs.is_empty() {
            return Err(Error::NoCertificate);
        }
        let leaf = certs
            .iter()
            .position(|c| key.matches(c))
            .ok_or(Error::KeyCertificateMismatch)?;
        let leaf = certs.remove(leaf);
        let chain = order_chain(&leaf, certs);
        Identity::new(leaf, chain, Some(key))
    }

    /// The leaf certificate.
    pub fn leaf(&self) -> &Certificate {
        &self.leaf
    }
    /// The intermediates, leaf-most first.
    pub fn chain(&self) -> &[Certificate] {
        &self.chain
    }
    /// The private key, if it was given.
    pub fn private_key(&self) -> Option<&PrivateKey> {
        self.key.as_ref()
    }
    /// The leaf's key type.
    pub fn key_type(&self) -> KeyType {
        self.key_type
    }
}

/// Order `certs` as a path up from `leaf` (each certificate issued by the next, RFC 5280
/// §6.1), then any that are not on the path, in their original order; self-issued ones are
/// dropped.
fn order_chain(leaf: &Certificate, certs: Vec<Certificate>) -> Vec<Certificate> {
    let mut rest: Vec<Certificate> = certs.into_iter().filter(|c| !c.is_self_issued()).collect();
    let mut chain: Vec<Certificate> = Vec::with_capacity(rest.len());
    loop {
        let current = chain.last().unwrap_or(leaf);
        match rest.iter().position(|c| current.issued_by(c)) {
            Some(i) => chain.push(rest.remove(i)),
            None => break,
        }
    }
    chain.extend(rest);
    chain
}
