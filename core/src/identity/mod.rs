//! X.509 identities: the leaf certificate, its intermediates and its private key, parsed
//! from PEM, DER and PKCS#12 bytes, and checked as the service checks them (SPEC §3 step 1,
//! ARCHITECTURE "Data flow").
//!
//! SKELETON: the bodies marked `todo!` are being written (issue 2, identity part).

use alloc::string::String;
use alloc::vec::Vec;

use crate::error::{Error, Result};
use crate::signer::{Algorithm, Signer};
use crate::time::Timestamp;

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

/// One X.509 certificate: its DER bytes and its decoded form.
#[derive(Clone, PartialEq, Eq)]
pub struct Certificate {
    der: Vec<u8>,
    parsed: x509_cert::Certificate,
}

impl core::fmt::Debug for Certificate {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Certificate")
            .field("subject", &self.subject())
            .field("serial", &self.serial_decimal())
            .finish()
    }
}

impl Certificate {
    /// Decode one certificate from DER.
    pub fn from_der(der: &[u8]) -> Result<Self> {
        let _ = der;
        todo!()
    }
    /// Decode every certificate of a PEM bundle, or one DER certificate; in input order.
    /// Non-certificate PEM blocks (keys) are skipped; no certificate at all is
    /// [`Error::NoCertificate`].
    pub fn parse_bundle(bytes: &[u8]) -> Result<Vec<Certificate>> {
        let _ = bytes;
        todo!()
    }
    /// The DER bytes, exactly as given (what `X-Amz-X509` carries, base64-encoded).
    pub fn der(&self) -> &[u8] {
        &self.der
    }
    /// The decoded certificate (RustCrypto `x509-cert`), for callers that need more.
    pub fn x509(&self) -> &x509_cert::Certificate {
        &self.parsed
    }
    /// X.509 version as a number (1, 2 or 3).
    pub fn version(&self) -> u8 {
        todo!()
    }
    /// The serial number in decimal, no leading zeros: the `Credential=` of SPEC §1.
    pub fn serial_decimal(&self) -> String {
        todo!()
    }
    /// The serial number's big-endian magnitude, without the DER sign byte.
    pub fn serial_bytes(&self) -> &[u8] {
        todo!()
    }
    /// The subject as an RFC 4514 string.
    pub fn subject(&self) -> String {
        todo!()
    }
    /// The issuer as an RFC 4514 string.
    pub fn issuer(&self) -> String {
        todo!()
    }
    /// Start of validity.
    pub fn not_before(&self) -> Timestamp {
        todo!()
    }
    /// End of validity.
    pub fn not_after(&self) -> Timestamp {
        todo!()
    }
    /// The DER `SubjectPublicKeyInfo`.
    pub fn public_key_der(&self) -> Vec<u8> {
        todo!()
    }
    /// The type of the certificate's public key; unsupported types are an error.
    pub fn key_type(&self) -> Result<KeyType> {
        todo!()
    }
    /// Verify `signature` over `message` with this certificate's public key, by the
    /// algorithm its key type requires (SPEC §3 step 2).
    #[cfg(feature = "verify")]
    pub fn verify_signature(&self, message: &[u8], signature: &[u8]) -> Result<()> {
        let _ = (message, signature);
        todo!()
    }
}

/// A private key of a supported type. `Debug` never shows key material; the key is
/// zeroized on drop.
pub struct PrivateKey {
    _todo: (),
}

impl core::fmt::Debug for PrivateKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("PrivateKey").field("key_type", &self.key_type()).finish_non_exhaustive()
    }
}

impl PrivateKey {
    /// Parse the first private key of PEM text (`PRIVATE KEY`, `ENCRYPTED PRIVATE KEY`,
    /// `RSA PRIVATE KEY`, `EC PRIVATE KEY`), skipping other blocks.
    pub fn from_pem(pem: &[u8], password: Option<&[u8]>) -> Result<Self> {
        let _ = (pem, password);
        todo!()
    }
    /// Parse DER: PKCS#8, encrypted PKCS#8, PKCS#1 RSA or SEC1 EC.
    pub fn from_der(der: &[u8], password: Option<&[u8]>) -> Result<Self> {
        let _ = (der, password);
        todo!()
    }
    /// PEM or DER, whichever the bytes are.
    pub fn parse(bytes: &[u8], password: Option<&[u8]>) -> Result<Self> {
        let _ = (bytes, password);
        todo!()
    }
    /// The key's type.
    pub fn key_type(&self) -> KeyType {
        todo!()
    }
    /// The DER `SubjectPublicKeyInfo` of the public half.
    pub fn public_key_der(&self) -> Vec<u8> {
        todo!()
    }
    /// Is this the private key of `cert`?
    pub fn matches(&self, cert: &Certificate) -> bool {
        let _ = cert;
        todo!()
    }
}

impl Signer for PrivateKey {
    fn algorithm(&self) -> Algorithm {
        self.key_type().algorithm()
    }
    fn sign(&self, message: &[u8]) -> Result<Vec<u8>> {
        let _ = message;
        todo!()
    }
}

/// A leaf certificate, up to [`MAX_CHAIN_LEN`] intermediates, and (unless the key lives
/// elsewhere, behind an external [`Signer`]) the leaf's private key.
#[derive(Debug)]
pub struct Identity {
    leaf: Certificate,
    chain: Vec<Certificate>,
    key: Option<PrivateKey>,
}

impl Identity {
    /// Assemble and check: leaf is X.509 v3 with a supported key type, chain ≤ 5, key
    /// (when given) matches the leaf.
    pub fn new(leaf: Certificate, chain: Vec<Certificate>, key: Option<PrivateKey>) -> Result<Self> {
        let _ = (&leaf, &chain, &key);
        todo!()
    }
    /// From certificate bytes (PEM or DER; a PEM may also hold the key, the combined form),
    /// optional key bytes (PEM or DER, encrypted or not), optional intermediates bytes.
    pub fn from_parts(
        certificate: &[u8],
        private_key: Option<&[u8]>,
        intermediates: Option<&[u8]>,
        password: Option<&[u8]>,
    ) -> Result<Self> {
        let _ = (certificate, private_key, intermediates, password);
        todo!()
    }
    /// From a PKCS#12 (`.p12`/`.pfx`) file, with or without a password.
    pub fn from_pkcs12(bytes: &[u8], password: Option<&[u8]>) -> Result<Self> {
        let _ = (bytes, password);
        todo!()
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
        todo!()
    }
}

pub(crate) fn ecdsa_raw_to_der_impl(raw: &[u8]) -> Result<Vec<u8>> {
    let _ = raw;
    Err(Error::InvalidSignature { reason: "todo".into() })
}
