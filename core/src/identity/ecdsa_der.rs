//! Raw `r || s` ECDSA signatures (IEEE P1363: what WebCrypto and PKCS#11 return) to the DER
//! `SEQUENCE { INTEGER r, INTEGER s }` the service expects (RFC 3279 §2.2.3).

use alloc::format;
use alloc::vec::Vec;

use crate::error::{Error, Result};

/// The length picks the curve: 64 bytes is P-256, 96 is P-384 (SPEC §1's ECDSA curves).
/// `r` and `s` must each be in `1..n`, as `ecdsa::Signature` checks.
pub(crate) fn ecdsa_raw_to_der_impl(raw: &[u8]) -> Result<Vec<u8>> {
    let invalid = |e: ecdsa::Error| Error::InvalidSignature {
        reason: format!("raw ECDSA signature: {e}"),
    };
    match raw.len() {
        64 => Ok(p256::ecdsa::Signature::from_slice(raw)
            .map_err(invalid)?
            .to_der()
            .as_bytes()
            .to_vec()),
        96 => Ok(p384::ecdsa::Signature::from_slice(raw)
            .map_err(invalid)?
            .to_der()
            .as_bytes()
            .to_vec()),
        n => Err(Error::InvalidSignature {
            reason: format!("a raw ECDSA signature is 64 (P-256) or 96 (P-384) bytes, not {n}"),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts_and_rejects() {
        let mut raw = [0u8; 64];
        raw[31] = 1;
        raw[32] = 0x80; // s with the high bit set needs a sign byte
        let der = ecdsa_raw_to_der_impl(&raw).unwrap();
        let mut expected = alloc::vec![0x30, 0x26, 0x02, 0x01, 0x01, 0x02, 0x21, 0x00, 0x80];
        expected.extend_from_slice(&[0u8; 31]);
        assert_eq!(der, expected);
        assert_eq!(
            ecdsa_raw_to_der_impl(&[1u8; 63]).unwrap_err().code(),
            "invalid_signature"
        );
        assert_eq!(
            ecdsa_raw_to_der_impl(&[0u8; 64]).unwrap_err().code(),
            "invalid_signature"
        );
        assert_eq!(
            ecdsa_raw_to_der_impl(&[0xffu8; 96]).unwrap_err().code(),
            "invalid_signature"
        );
    }
}
