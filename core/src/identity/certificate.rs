//! One X.509 certificate (RFC 5280): decoding, and the fields the protocol needs (SPEC §1:
//! the DER for `X-Amz-X509`, the decimal serial for `Credential=`, the key type for the
//! algorithm).

use alloc::string::{String, ToString};
use alloc::vec::Vec;

use der::{Decode, Encode};
use x509_cert::certificate::Version;

use super::KeyType;
use super::pem;
use super::public_key;
use crate::error::{Error, Result};
use crate::time::Timestamp;

/// One X.509 certificate: its DER bytes and its decoded form.
#[derive(Clone, PartialEq, Eq)]
pub struct Certificate {
    der: Vec<u8>,
    parsed: x509_cert::Certificate,
    spki: Vec<u8>,
    serial: Vec<u8>,
    serial_negative: bool,
    not_before: Timestamp,
    not_after: Timestamp,
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
        let parsed =
            x509_cert::Certificate::from_der(der).map_err(|e| Error::der("certificate", e))?;
        let tbs = parsed.tbs_certificate();
        let spki = tbs
            .subject_public_key_info()
            .to_der()
            .map_err(|e| Error::der("certificate", e))?;
        let (serial, serial_negative) = magnitude(tbs.serial_number().as_bytes());
        let validity = tbs.validity();
        let not_before = timestamp(&validity.not_before)?;
        let not_after = timestamp(&validity.not_after)?;
        Ok(Certificate {
            der: der.to_vec(),
            parsed,
            spki,
            serial,
            serial_negative,
            not_before,
            not_after,
        })
    }

    /// Decode every certificate of a PEM bundle, or one DER certificate (or several DER
    /// certificates back to back); in input order. Non-certificate PEM blocks (keys) are
    /// skipped; no certificate at all is [`Error::NoCertificate`].
    pub fn parse_bundle(bytes: &[u8]) -> Result<Vec<Certificate>> {
        let mut certs = Vec::new();
        if pem::looks_like_pem(bytes) {
            for block in pem::blocks(bytes)?.iter().filter(|b| b.is_certificate()) {
                certs.push(Certificate::from_der(&block.decode()?)?);
            }
        } else {
            let mut rest = trim_ascii(bytes);
            while !rest.is_empty() {
                let (_, tail) = x509_cert::Certificate::from_der_partial(rest)
                    .map_err(|e| Error::der("certificate", e))?;
                certs.push(Certificate::from_der(&rest[..rest.len() - tail.len()])?);
                rest = tail;
            }
        }
        if certs.is_empty() {
            return Err(Error::NoCertificate);
        }
        Ok(certs)
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
        match self.parsed.tbs_certificate().version() {
            Version::V1 => 1,
            Version::V2 => 2,
            Version::V3 => 3,
        }
    }

    /// The serial number in decimal, no leading zeros: the `Credential=` of SPEC §1.
    /// A negative serial (non-conforming, RFC 5280 §4.1.2.2) gets a leading `-`.
    pub fn serial_decimal(&self) -> String {
        let digits = decimal(&self.serial);
        if self.serial_negative {
            alloc::format!("-{digits}")
        } else {
            digits
        }
    }

    /// The serial number's big-endian magnitude, without the DER sign byte (one zero byte for
    /// a zero serial).
    pub fn serial_bytes(&self) -> &[u8] {
        &self.serial
    }

    /// The subject as an RFC 4514 string.
    pub fn subject(&self) -> String {
        self.parsed.tbs_certificate().subject().to_string()
    }

    /// The issuer as an RFC 4514 string.
    pub fn issuer(&self) -> String {
        self.parsed.tbs_certificate().issuer().to_string()
    }

    /// Start of validity.
    pub fn not_before(&self) -> Timestamp {
        self.not_before
    }

    /// End of validity.
    pub fn not_after(&self) -> Timestamp {
        self.not_after
    }

    /// The DER `SubjectPublicKeyInfo`.
    pub fn public_key_der(&self) -> Vec<u8> {
        self.spki.clone()
    }

    /// The type of the certificate's public key; unsupported types are an error.
    pub fn key_type(&self) -> Result<KeyType> {
        public_key::key_type_of_spki(self.parsed.tbs_certificate().subject_public_key_info())
    }

    /// Verify `signature` over `message` with this certificate's public key, by the
    /// algorithm its key type requires (SPEC §3 step 2).
    #[cfg(feature = "verify")]
    pub fn verify_signature(&self, message: &[u8], signature: &[u8]) -> Result<()> {
        public_key::verify(&self.spki, self.key_type()?, message, signature)
    }

    /// The DER SPKI, borrowed (for key matching).
    pub(crate) fn spki_der(&self) -> &[u8] {
        &self.spki
    }

    /// Is `issuer` the certificate that issued this one (by name; RFC 5280 §6.1 chains by
    /// name, signatures are the verifier's business)?
    pub(crate) fn issued_by(&self, issuer: &Certificate) -> bool {
        self.parsed.tbs_certificate().issuer() == issuer.parsed.tbs_certificate().subject()
    }

    /// Subject equals issuer: a self-issued (root) certificate.
    pub(crate) fn is_self_issued(&self) -> bool {
        self.issued_by(self)
    }

    /// An empty subject (the service does not support those, SPEC §3).
    pub(crate) fn has_empty_subject(&self) -> bool {
        self.parsed.tbs_certificate().subject().is_empty()
    }
}

/// The magnitude of a DER two's-complement INTEGER's content and whether it is negative.
fn magnitude(content: &[u8]) -> (Vec<u8>, bool) {
    let negative = content.first().is_some_and(|b| b & 0x80 != 0);
    let mut bytes = content.to_vec();
    if negative {
        // Two's complement negation: invert, add one.
        for b in bytes.iter_mut() {
            *b = !*b;
        }
        for b in bytes.iter_mut().rev() {
            let (v, carry) = b.overflowing_add(1);
            *b = v;
            if !carry {
                break;
            }
        }
    }
    let first = bytes
        .iter()
        .position(|&b| b != 0)
        .unwrap_or(bytes.len().saturating_sub(1));
    let mut trimmed = bytes.split_off(first);
    if trimmed.is_empty() {
        trimmed.push(0);
    }
    (trimmed, negative)
}

/// Big-endian unsigned bytes to decimal, by repeated division by 10 (serials are ≤ 21 bytes).
fn decimal(be: &[u8]) -> String {
    let mut n = be.to_vec();
    let mut digits = Vec::new();
    while n.iter().any(|&b| b != 0) {
        let mut rem = 0u16;
        for b in n.iter_mut() {
            let cur = (rem << 8) | u16::from(*b);
            *b = (cur / 10) as u8;
            rem = cur % 10;
        }
        digits.push(b'0' + rem as u8);
    }
    if digits.is_empty() {
        digits.push(b'0');
    }
    digits.reverse();
    digits.into_iter().map(char::from).collect()
}

fn timestamp(t: &x509_cert::time::Time) -> Result<Timestamp> {
    let dt = t.to_date_time();
    Timestamp::from_civil(
        i64::from(dt.year()),
        u32::from(dt.month()),
        u32::from(dt.day()),
        u32::from(dt.hour()),
        u32::from(dt.minutes()),
        u32::from(dt.seconds()),
    )
    .map_err(|_| Error::InvalidCertificate {
        reason: "validity time out of range".into(),
    })
}

fn trim_ascii(bytes: &[u8]) -> &[u8] {
    let start = bytes
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(bytes.len());
    let end = bytes
        .iter()
        .rposition(|b| !b.is_ascii_whitespace())
        .map_or(start, |i| i + 1);
    &bytes[start..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serial_magnitude_and_decimal() {
        assert_eq!(magnitude(&[0x2a]), (alloc::vec![0x2a], false));
        assert_eq!(magnitude(&[0x00, 0x80]), (alloc::vec![0x80], false));
        assert_eq!(magnitude(&[0x00]), (alloc::vec![0x00], false));
        assert_eq!(magnitude(&[0xff]), (alloc::vec![0x01], true));
        assert_eq!(magnitude(&[0xff, 0x00]), (alloc::vec![0x01, 0x00], true));
        assert_eq!(decimal(&[0x2a]), "42");
        assert_eq!(decimal(&[0x00]), "0");
        assert_eq!(
            decimal(&[0xc0, 0xff, 0xee, 0x01, 0x23, 0x45, 0x67, 0x89, 0xab]),
            "3560216540927362566571"
        );
        // 2^160 - 1: 20 bytes of 0xff.
        assert_eq!(
            decimal(&[0xff; 20]),
            "1461501637330902918203684832716283019655932542975"
        );
    }

    #[test]
    fn garbage_der_is_invalid_der_and_empty_is_no_certificate() {
        assert_eq!(
            Certificate::parse_bundle(b"\x30\x03\x02\x01")
                .unwrap_err()
                .code(),
            "invalid_der"
        );
        assert_eq!(
            Certificate::parse_bundle(b"hello").unwrap_err().code(),
            "invalid_der"
        );
        assert_eq!(
            Certificate::parse_bundle(b"  \n").unwrap_err().code(),
            "no_certificate"
        );
        assert_eq!(
            Certificate::parse_bundle(
                b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"
            )
            .unwrap_err()
            .code(),
            "invalid_der"
        );
        assert_eq!(
            Certificate::parse_bundle(
                b"-----BEGIN CERTIFICATE-----\n@@\n-----END CERTIFICATE-----\n"
            )
            .unwrap_err()
            .code(),
            "invalid_pem"
        );
    }
}
