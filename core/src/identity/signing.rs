//! The built-in signer: one RustCrypto key per supported type, signing the string to sign
//! exactly as SPEC §1 requires.
//!
//! - RSA: RSASSA-PKCS1-v1_5 with SHA-256 (RFC 8017 §8.2). Without an RNG the `rsa` crate signs
//!   unblinded; its arithmetic is constant-time (`crypto-bigint`), and the core has no
//!   randomness by design (ARCHITECTURE "Data flow").
//! - ECDSA: SHA-256 of the message on both P-256 and P-384, and the nonce of RFC 6979 §3.2
//!   with HMAC-SHA-256 as its DRBG on both curves too (what OpenSSL's deterministic mode and
//!   Python `cryptography`'s `deterministic_signing=True` do). RustCrypto's `DigestSigner`
//!   would run P-384's DRBG on SHA-384, so the hazmat function is called with the digest
//!   named explicitly. The signature is DER `SEQUENCE { r, s }` (RFC 3279 §2.2.3).
//! - ML-DSA: pure ML-DSA (FIPS 204 Alg. 2, deterministic variant) with an empty context.
//!
//! Cost (bench/core-vs-openssl.sh): keys are decoded once into the RustCrypto signing types
//! (RSA with its CRT values), so a signature is only the arithmetic. RSA time is the two
//! CRT exponentiations (`crypto-bigint`). ECDSA time is mostly the multiplication of the
//! generator by the nonce, about 4x faster with the crate's `precomputed-tables` feature;
//! the rest is the two constant-time inversions (k⁻¹, and z⁻¹ for the affine x) and the
//! HMAC-SHA-256 DRBG.

use alloc::boxed::Box;
use alloc::vec::Vec;

use ecdsa::hazmat::sign_prehashed_rfc6979;
use pkcs8::EncodePublicKey;
use rsa::signature::{SignatureEncoding, Signer as _};
use sha2::{Digest, Sha256};

use super::KeyType;
use super::public_key;
use crate::error::{Error, Result};

/// A decoded private key of a supported type.
pub(crate) enum Inner {
    Rsa(Box<rsa::pkcs1v15::SigningKey<Sha256>>),
    P256(p256::ecdsa::SigningKey),
    P384(p384::ecdsa::SigningKey),
    #[cfg(feature = "mldsa")]
    MlDsa44(Box<ml_dsa::SigningKey<ml_dsa::MlDsa44>>),
    #[cfg(feature = "mldsa")]
    MlDsa65(Box<ml_dsa::SigningKey<ml_dsa::MlDsa65>>),
    #[cfg(feature = "mldsa")]
    MlDsa87(Box<ml_dsa::SigningKey<ml_dsa::MlDsa87>>),
}

fn spki_error(e: impl core::fmt::Display) -> Error {
    Error::InvalidPrivateKey {
        reason: alloc::format!("public key encoding: {e}"),
    }
}

impl Inner {
    /// The key type and the DER SPKI of the public half.
    pub(crate) fn describe(&self) -> Result<(KeyType, Vec<u8>)> {
        Ok(match self {
            Inner::Rsa(k) => {
                let public = rsa::PublicKey::from(k.as_ref().as_ref());
                let spki = public.to_public_key_der().map_err(spki_error)?.into_vec();
                let key_type = public_key::rsa_key_type(rsa_bits(&public))?;
                (key_type, spki)
            }
            Inner::P256(k) => (
                KeyType::EcP256,
                k.verifying_key()
                    .to_public_key_der()
                    .map_err(spki_error)?
                    .into_vec(),
            ),
            Inner::P384(k) => (
                KeyType::EcP384,
                k.verifying_key()
                    .to_public_key_der()
                    .map_err(spki_error)?
                    .into_vec(),
            ),
            #[cfg(feature = "mldsa")]
            Inner::MlDsa44(k) => (KeyType::MlDsa44, ml_dsa_spki(k.as_ref())?),
            #[cfg(feature = "mldsa")]
            Inner::MlDsa65(k) => (KeyType::MlDsa65, ml_dsa_spki(k.as_ref())?),
            #[cfg(feature = "mldsa")]
            Inner::MlDsa87(k) => (KeyType::MlDsa87, ml_dsa_spki(k.as_ref())?),
        })
    }

    /// Sign `message` (the string to sign) in wire form.
    pub(crate) fn sign(&self, message: &[u8]) -> Result<Vec<u8>> {
        let failed = |e: &dyn core::fmt::Display| Error::SigningFailed {
            reason: alloc::format!("{e}"),
        };
        match self {
            Inner::Rsa(k) => Ok(k.try_sign(message).map_err(|e| failed(&e))?.to_vec()),
            Inner::P256(k) => {
                let (sig, _) = sign_prehashed_rfc6979::<p256::NistP256, Sha256>(
                    k.as_nonzero_scalar(),
                    &Sha256::digest(message),
                    &[],
                );
                Ok(sig.to_der().as_bytes().to_vec())
            }
            Inner::P384(k) => {
                let (sig, _) = sign_prehashed_rfc6979::<p384::NistP384, Sha256>(
                    k.as_nonzero_scalar(),
                    &Sha256::digest(message),
                    &[],
                );
                Ok(sig.to_der().as_bytes().to_vec())
            }
            #[cfg(feature = "mldsa")]
            Inner::MlDsa44(k) => ml_dsa_sign(k.as_ref(), message),
            #[cfg(feature = "mldsa")]
            Inner::MlDsa65(k) => ml_dsa_sign(k.as_ref(), message),
            #[cfg(feature = "mldsa")]
            Inner::MlDsa87(k) => ml_dsa_sign(k.as_ref(), message),
        }
    }

    /// An ML-DSA key from PKCS#8 (RFC 9881 §6: the `seed` or the `both` form), or the
    /// refusal when this build has no ML-DSA.
    #[cfg(feature = "mldsa")]
    pub(crate) fn ml_dsa(key_type: KeyType, info: pkcs8::PrivateKeyInfoRef<'_>) -> Result<Self> {
        Ok(match key_type {
            KeyType::MlDsa44 => Inner::MlDsa44(ml_dsa_key(info)?),
            KeyType::MlDsa65 => Inner::MlDsa65(ml_dsa_key(info)?),
            KeyType::MlDsa87 => Inner::MlDsa87(ml_dsa_key(info)?),
            other => return Err(public_key::unsupported(alloc::format!("{other}"))),
        })
    }

    #[cfg(not(feature = "mldsa"))]
    pub(crate) fn ml_dsa(key_type: KeyType, _: pkcs8::PrivateKeyInfoRef<'_>) -> Result<Self> {
        Err(public_key::unsupported(alloc::format!(
            "{key_type} (this build lacks the `mldsa` feature)"
        )))
    }
}

fn rsa_bits(public: &rsa::PublicKey) -> u32 {
    use rsa::traits::PublicKeyParts;
    public_key::bit_len(&public.n_bytes())
}

/// RFC 9881 §6 `ML-DSA-PrivateKey ::= CHOICE { seed [0] OCTET STRING (SIZE (32)),
/// expandedKey OCTET STRING, both SEQUENCE { seed, expandedKey } }`. `seed` is read by
/// `ml-dsa`; for `both` the key is derived from the seed (FIPS 204 Alg. 6), the expanded
/// copy being redundant (a key that disagrees with its certificate is caught by
/// `PrivateKey::matches`). The expanded-only form cannot be checked and is refused.
#[cfg(feature = "mldsa")]
fn ml_dsa_key<P>(info: pkcs8::PrivateKeyInfoRef<'_>) -> Result<Box<ml_dsa::SigningKey<P>>>
where
    P: ml_dsa::MlDsaParams + spki::AssociatedAlgorithmIdentifier<Params = der::AnyRef<'static>>,
{
    use der::Decode;
    use der::asn1::OctetStringRef;
    let private_key = info.private_key;
    if let Ok(key) = ml_dsa::SigningKey::<P>::try_from(info) {
        return Ok(Box::new(key));
    }
    let invalid = || Error::InvalidPrivateKey {
        reason: "ML-DSA private key is neither the seed nor the seed-and-expanded form of RFC 9881"
            .into(),
    };
    // SEQUENCE { OCTET STRING, OCTET STRING } has the encoding of a SEQUENCE OF two.
    let both = Vec::<&OctetStringRef>::from_der(private_key.as_bytes()).map_err(|_| invalid())?;
    let [seed, _expanded] = both.as_slice() else {
        return Err(invalid());
    };
    let seed =
        zeroize::Zeroizing::new(ml_dsa::Seed::try_from(seed.as_bytes()).map_err(|_| invalid())?);
    Ok(Box::new(ml_dsa::SigningKey::<P>::from_seed(&seed)))
}

#[cfg(feature = "mldsa")]
fn ml_dsa_spki<P>(key: &ml_dsa::SigningKey<P>) -> Result<Vec<u8>>
where
    P: ml_dsa::MlDsaParams + spki::AssociatedAlgorithmIdentifier<Params = der::AnyRef<'static>>,
{
    use ml_dsa::signature::Keypair;
    Ok(key
        .verifying_key()
        .to_public_key_der()
        .map_err(spki_error)?
        .into_vec())
}

#[cfg(feature = "mldsa")]
fn ml_dsa_sign<P: ml_dsa::MlDsaParams>(
    key: &ml_dsa::SigningKey<P>,
    message: &[u8],
) -> Result<Vec<u8>> {
    let sig = key
        .expanded_key()
        .sign_deterministic(message, &[])
        .map_err(|_| Error::SigningFailed {
            reason: "ML-DSA signing failed".into(),
        })?;
    Ok(sig.encode().to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unhex(s: &str) -> Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }

    /// RFC 6979 Appendix A.2.5 (P-256) and A.2.6 (P-384), "With SHA-256, message = 'sample'":
    /// the published (r, s), which also pins k (an HMAC-SHA-256 DRBG on both curves).
    #[test]
    fn rfc6979_known_answers() {
        let p256_key = unhex("C9AFA9D845BA75166B5C215767B1D6934E50C3DB36E89B127B8A622B120F6721");
        let p256_rs = unhex(concat!(
            "EFD48B2AACB6A8FD1140DD9CD45E81D69D2C877B56AAF991C34D0EA84EAF3716",
            "F7CB1C942D657C41D436C7A1B6E29F65F3E900DBB9AFF4064DC4AB2F843ACDA8"
        ));
        let key = Inner::P256(p256::SecretKey::from_slice(&p256_key).unwrap().into());
        let expected = p256::ecdsa::Signature::from_slice(&p256_rs)
            .unwrap()
            .to_der();
        assert_eq!(key.sign(b"sample").unwrap(), expected.as_bytes());

        let p384_key = unhex(concat!(
            "6B9D3DAD2E1B8C1C05B19875B6659F4DE23C3B667BF297BA",
            "9AA47740787137D896D5724E4C70A825F872C9EA60D2EDF5"
        ));
        let p384_rs = unhex(concat!(
            "21B13D1E013C7FA1392D03C5F99AF8B30C570C6F98D4EA8E354B63A21D3DAA33BDE1E888E63355D92FA2B3C36D8FB2CD",
            "F3AA443FB107745BF4BD77CB3891674632068A10CA67E3D45DB2266FA7D1FEEBEFDC63ECCD1AC42EC0CB8668A4FA0AB0"
        ));
        let key = Inner::P384(p384::SecretKey::from_slice(&p384_key).unwrap().into());
        let expected = p384::ecdsa::Signature::from_slice(&p384_rs)
            .unwrap()
            .to_der();
        assert_eq!(key.sign(b"sample").unwrap(), expected.as_bytes());
        // Deterministic: the same signature again.
        assert_eq!(key.sign(b"sample").unwrap(), expected.as_bytes());
    }

    /// ML-DSA keys in the RFC 9881 seed form, written by Python `cryptography` (OpenSSL):
    /// the public key derived here equals the one it derived (by SPKI SHA-256), and the
    /// deterministic signature of "message" (pure, empty context) is fixed; those signatures
    /// were verified by `cryptography`'s ML-DSA verifier before their hashes were pinned.
    #[cfg(feature = "mldsa")]
    #[test]
    fn ml_dsa_seed_keys() {
        use base64ct::{Base64, Encoding};
        use der::Decode;
        let cases = [
            (
                KeyType::MlDsa44,
                "MDQCAQAwCwYJYIZIAWUDBAMRBCKAIOveFxdPyK3mpQXNWAPSXkjdlyX81QWiJr/yZcv0O4zh",
                "35c6085f683ad284178c9df59b94db6a974c0fb6805a6feaffcc5c8b7dd09b35",
                "f43c60a4d8e64314b0b05d94174a3a6a66e0891516a106fd655dbe25d9c554ff",
            ),
            (
                KeyType::MlDsa65,
                "MDQCAQAwCwYJYIZIAWUDBAMSBCKAIF0BLD/7xyWEBjj6IFhzHueMpn4wLgAAA7VpwTZEUjlI",
                "1d060c4522cbb69f522fa4a71ad2f155c3e8e7ac16ca60871335b4795fcb9266",
                "bef85010fc3487e650671e03d6485e0fbe5699735cb62db9c995756ff275f35b",
            ),
            (
                KeyType::MlDsa87,
                "MDQCAQAwCwYJYIZIAWUDBAMTBCKAINWoV96uewyqzS7XOB7C1Qs526N/pNr7tkEAVInbGdoq",
                "a25a2f7ac1a488423665cee4f1470fb4acefd10fa25ff889ad09afd0b26eb5bc",
                "0f0f8bac575683a10930fe49b5ce086c7061971ea078199ad69adb39abe9e91f",
            ),
        ];
        for (key_type, pkcs8, spki_sha256, sig_sha256) in cases {
            let der = Base64::decode_vec(pkcs8).unwrap();
            let inner =
                Inner::ml_dsa(key_type, pkcs8::PrivateKeyInfoRef::from_der(&der).unwrap()).unwrap();
            let (kt, spki) = inner.describe().unwrap();
            assert_eq!(kt, key_type);
            let hex = |b: &[u8]| {
                b.iter()
                    .map(|x| alloc::format!("{x:02x}"))
                    .collect::<alloc::string::String>()
            };
            assert_eq!(hex(&Sha256::digest(&spki)), spki_sha256);
            let sig = inner.sign(b"message").unwrap();
            assert_eq!(sig, inner.sign(b"message").unwrap(), "deterministic");
            assert_eq!(hex(&Sha256::digest(&sig)), sig_sha256);
            // The `both` form (seed, then an expanded key this reader does not need).
            let info = pkcs8::PrivateKeyInfoRef::from_der(&der).unwrap();
            let seed = &info.private_key.as_bytes()[2..];
            let mut both = alloc::vec![0x30, 38, 0x04, 32];
            both.extend_from_slice(seed);
            both.extend_from_slice(&[0x04, 2, 0xde, 0xad]);
            let both = pkcs8::PrivateKeyInfoRef::new(
                info.algorithm,
                der::asn1::OctetStringRef::new(&both).unwrap(),
            );
            let (_, both_spki) = Inner::ml_dsa(key_type, both).unwrap().describe().unwrap();
            assert_eq!(both_spki, spki);
            #[cfg(feature = "verify")]
            public_key::verify(&spki, key_type, b"message", &sig).unwrap();
        }
    }
}
