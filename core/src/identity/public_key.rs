//! Key types from algorithm identifiers (SPEC §1's table: RSA 2048/3072/4096, EC P-256 and
//! P-384, ML-DSA-44/65/87; everything else is refused), and, with the `verify` feature, the
//! verification of a signature by a certificate's public key (SPEC §3 step 2).

use alloc::format;
use alloc::string::String;

use der::Decode;
use der::asn1::ObjectIdentifier as Oid;
use spki::SubjectPublicKeyInfoOwned;

use super::KeyType;
use crate::error::{Error, Result};

/// rsaEncryption (RFC 8017 App. C).
pub(crate) const RSA_ENCRYPTION: Oid = Oid::new_unwrap("1.2.840.113549.1.1.1");
const RSASSA_PSS: Oid = Oid::new_unwrap("1.2.840.113549.1.1.10");
/// id-ecPublicKey (RFC 5480 §2.1.1).
pub(crate) const EC_PUBLIC_KEY: Oid = Oid::new_unwrap("1.2.840.10045.2.1");
pub(crate) const SECP256R1: Oid = Oid::new_unwrap("1.2.840.10045.3.1.7");
pub(crate) const SECP384R1: Oid = Oid::new_unwrap("1.3.132.0.34");
const SECP521R1: Oid = Oid::new_unwrap("1.3.132.0.35");
const SECP256K1: Oid = Oid::new_unwrap("1.3.132.0.10");
/// id-ml-dsa-44/65/87 (FIPS 204; RFC 9881).
pub(crate) const ML_DSA_44: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.3.17");
pub(crate) const ML_DSA_65: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.3.18");
pub(crate) const ML_DSA_87: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.3.19");
const ED25519: Oid = Oid::new_unwrap("1.3.101.112");
const ED448: Oid = Oid::new_unwrap("1.3.101.113");
const DSA: Oid = Oid::new_unwrap("1.2.840.10040.4.1");

/// RSA modulus sizes the service accepts (SPEC §1).
const RSA_BITS: [u32; 3] = [2048, 3072, 4096];

/// The key type of an RSA modulus size, or the refusal.
pub(crate) fn rsa_key_type(bits: u32) -> Result<KeyType> {
    if RSA_BITS.contains(&bits) {
        Ok(KeyType::Rsa { bits })
    } else {
        Err(unsupported(format!("RSA-{bits}")))
    }
}

/// Bit length of a big-endian unsigned integer.
pub(crate) fn bit_len(be: &[u8]) -> u32 {
    match be.iter().position(|&b| b != 0) {
        Some(i) => (be.len() - i - 1) as u32 * 8 + (8 - be[i].leading_zeros()),
        None => 0,
    }
}

/// What an algorithm identifier names: RSA (whose type needs the modulus size too) or a
/// complete key type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Family {
    Rsa,
    Other(KeyType),
}

/// The key family named by an algorithm identifier's OID and (for EC) its named-curve
/// parameter (RFC 5480 §2.1.1.1); unsupported ones are an error.
pub(crate) fn classify(oid: Oid, curve: Option<Oid>) -> Result<Family> {
    Ok(Family::Other(match oid {
        RSA_ENCRYPTION => return Ok(Family::Rsa),
        EC_PUBLIC_KEY => match curve {
            Some(SECP256R1) => KeyType::EcP256,
            Some(SECP384R1) => KeyType::EcP384,
            Some(SECP521R1) => return Err(unsupported("EC P-521".into())),
            Some(SECP256K1) => return Err(unsupported("EC secp256k1".into())),
            Some(other) => return Err(unsupported(format!("EC curve {other}"))),
            None => return Err(unsupported("EC without a named curve".into())),
        },
        ML_DSA_44 => KeyType::MlDsa44,
        ML_DSA_65 => KeyType::MlDsa65,
        ML_DSA_87 => KeyType::MlDsa87,
        ED25519 => return Err(unsupported("Ed25519".into())),
        ED448 => return Err(unsupported("Ed448".into())),
        DSA => return Err(unsupported("DSA".into())),
        RSASSA_PSS => return Err(unsupported("RSASSA-PSS".into())),
        other => return Err(unsupported(format!("{other}"))),
    }))
}

pub(crate) fn unsupported(key_type: String) -> Error {
    Error::UnsupportedKeyType { key_type }
}

/// The key type of a certificate's `SubjectPublicKeyInfo`.
pub(crate) fn key_type_of_spki(spki: &SubjectPublicKeyInfoOwned) -> Result<KeyType> {
    let curve = spki
        .algorithm
        .parameters
        .as_ref()
        .and_then(|p| p.decode_as::<Oid>().ok());
    match classify(spki.algorithm.oid, curve)? {
        Family::Rsa => {
            let raw = spki
                .subject_public_key
                .as_bytes()
                .ok_or_else(|| Error::der("RSA public key", "unused bits in BIT STRING"))?;
            let key = pkcs1::RsaPublicKeyRef::from_der(raw)
                .map_err(|e| Error::der("RSA public key", e))?;
            rsa_key_type(bit_len(key.modulus.as_bytes()))
        }
        Family::Other(key_type) => Ok(key_type),
    }
}

/// The SPKI `spki_der` decoded as a public key of `key_type` and encoded again, so that
/// equivalent encodings (compressed EC points, say) compare equal; `None` when it is not a
/// key of that type.
pub(crate) fn canonical_spki(spki_der: &[u8], key_type: KeyType) -> Option<alloc::vec::Vec<u8>> {
    use pkcs8::{DecodePublicKey, EncodePublicKey};
    let doc = match key_type {
        KeyType::Rsa { .. } => rsa::PublicKey::from_public_key_der(spki_der)
            .ok()?
            .to_public_key_der()
            .ok()?,
        KeyType::EcP256 => p256::PublicKey::from_public_key_der(spki_der)
            .ok()?
            .to_public_key_der()
            .ok()?,
        KeyType::EcP384 => p384::PublicKey::from_public_key_der(spki_der)
            .ok()?
            .to_public_key_der()
            .ok()?,
        #[cfg(feature = "mldsa")]
        KeyType::MlDsa44 => ml_dsa::VerifyingKey::<ml_dsa::MlDsa44>::from_public_key_der(spki_der)
            .ok()?
            .to_public_key_der()
            .ok()?,
        #[cfg(feature = "mldsa")]
        KeyType::MlDsa65 => ml_dsa::VerifyingKey::<ml_dsa::MlDsa65>::from_public_key_der(spki_der)
            .ok()?
            .to_public_key_der()
            .ok()?,
        #[cfg(feature = "mldsa")]
        KeyType::MlDsa87 => ml_dsa::VerifyingKey::<ml_dsa::MlDsa87>::from_public_key_der(spki_der)
            .ok()?
            .to_public_key_der()
            .ok()?,
        #[cfg(not(feature = "mldsa"))]
        KeyType::MlDsa44 | KeyType::MlDsa65 | KeyType::MlDsa87 => return None,
    };
    Some(doc.into_vec())
}

/// Verify `signature` over `message` with the public key `spki_der` of type `key_type`:
/// RSASSA-PKCS1-v1_5 with SHA-256, ECDSA with SHA-256 (also on P-384) and a DER signature,
/// or pure ML-DSA with an empty context (SPEC §1).
#[cfg(feature = "verify")]
pub(crate) fn verify(
    spki_der: &[u8],
    key_type: KeyType,
    message: &[u8],
    signature: &[u8],
) -> Result<()> {
    use p256::ecdsa::signature::hazmat::PrehashVerifier;
    use pkcs8::DecodePublicKey;
    use rsa::signature::Verifier;
    use sha2::{Digest, Sha256};

    let mismatch = |what: &str| Error::SignatureMismatch {
        reason: format!("{what} signature does not verify"),
    };
    let bad_key = |e: &dyn core::fmt::Display| Error::der("public key", e);
    match key_type {
        KeyType::Rsa { .. } => {
            let key = rsa::PublicKey::from_public_key_der(spki_der).map_err(|e| bad_key(&e))?;
            let sig = rsa::pkcs1v15::Signature::try_from(signature).map_err(|_| mismatch("RSA"))?;
            rsa::pkcs1v15::VerifyingKey::<Sha256>::new(key)
                .verify(message, &sig)
                .map_err(|_| mismatch("RSA"))
        }
        KeyType::EcP256 => {
            let key = p256::ecdsa::VerifyingKey::from_public_key_der(spki_der)
                .map_err(|e| bad_key(&e))?;
            let sig =
                p256::ecdsa::DerSignature::from_bytes(signature).map_err(|_| mismatch("ECDSA"))?;
            key.verify_prehash(&Sha256::digest(message), &sig)
                .map_err(|_| mismatch("ECDSA"))
        }
        KeyType::EcP384 => {
            let key = p384::ecdsa::VerifyingKey::from_public_key_der(spki_der)
                .map_err(|e| bad_key(&e))?;
            let sig =
                p384::ecdsa::DerSignature::from_bytes(signature).map_err(|_| mismatch("ECDSA"))?;
            key.verify_prehash(&Sha256::digest(message), &sig)
                .map_err(|_| mismatch("ECDSA"))
        }
        KeyType::MlDsa44 | KeyType::MlDsa65 | KeyType::MlDsa87 => {
            verify_ml_dsa(spki_der, key_type, message, signature)
        }
    }
}

#[cfg(all(feature = "verify", feature = "mldsa"))]
fn verify_ml_dsa(
    spki_der: &[u8],
    key_type: KeyType,
    message: &[u8],
    signature: &[u8],
) -> Result<()> {
    use ml_dsa::{MlDsa44, MlDsa65, MlDsa87, MlDsaParams};
    use pkcs8::DecodePublicKey;

    fn check<P>(spki_der: &[u8], message: &[u8], signature: &[u8]) -> Result<()>
    where
        P: MlDsaParams + spki::AssociatedAlgorithmIdentifier<Params = der::AnyRef<'static>>,
    {
        let key = ml_dsa::VerifyingKey::<P>::from_public_key_der(spki_der)
            .map_err(|e| Error::der("public key", e))?;
        let mismatch = || Error::SignatureMismatch {
            reason: "ML-DSA signature does not verify".into(),
        };
        let encoded = ml_dsa::EncodedSignature::<P>::try_from(signature).map_err(|_| mismatch())?;
        let sig = ml_dsa::Signature::<P>::decode(&encoded).ok_or_else(mismatch)?;
        if key.verify_with_context(message, &[], &sig) {
            Ok(())
        } else {
            Err(mismatch())
        }
    }
    match key_type {
        KeyType::MlDsa44 => check::<MlDsa44>(spki_der, message, signature),
        KeyType::MlDsa65 => check::<MlDsa65>(spki_der, message, signature),
        _ => check::<MlDsa87>(spki_der, message, signature),
    }
}

#[cfg(all(feature = "verify", not(feature = "mldsa")))]
fn verify_ml_dsa(_: &[u8], key_type: KeyType, _: &[u8], _: &[u8]) -> Result<()> {
    Err(unsupported(format!(
        "{key_type} (this build lacks the `mldsa` feature)"
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bit_lengths() {
        assert_eq!(bit_len(&[]), 0);
        assert_eq!(bit_len(&[0, 0x80]), 8);
        assert_eq!(bit_len(&[0x01, 0]), 9);
        let mut m = alloc::vec![0xffu8; 256];
        assert_eq!(bit_len(&m), 2048);
        m[0] = 0x7f;
        assert_eq!(bit_len(&m), 2047);
    }

    #[test]
    fn classification() {
        assert_eq!(
            classify(EC_PUBLIC_KEY, Some(SECP384R1)).unwrap(),
            Family::Other(KeyType::EcP384)
        );
        assert_eq!(
            classify(ML_DSA_65, None).unwrap(),
            Family::Other(KeyType::MlDsa65)
        );
        assert_eq!(classify(RSA_ENCRYPTION, None).unwrap(), Family::Rsa);
        assert_eq!(
            classify(ED25519, None).unwrap_err().code(),
            "unsupported_key_type"
        );
        assert_eq!(
            classify(EC_PUBLIC_KEY, Some(SECP521R1)).unwrap_err().code(),
            "unsupported_key_type"
        );
        assert_eq!(
            rsa_key_type(1024).unwrap_err().code(),
            "unsupported_key_type"
        );
        assert_eq!(rsa_key_type(3072).unwrap(), KeyType::Rsa { bits: 3072 });
    }
}
