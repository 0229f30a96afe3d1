//! Password-based decryption of keys and PKCS#12 contents: PBES2 (RFC 8018 §6.2: PBKDF2 with
//! HMAC-SHA-1/SHA-2 or scrypt, AES-CBC) through the `pkcs5` crate, and the PKCS#12 PBE
//! schemes (RFC 7292 App. C: SHA-1 KDF with 3-key/2-key triple DES or RC2 in CBC mode)
//! that `openssl pkcs12 -legacy` and older Windows exports still write.
//!
//! Every plaintext buffer is `Zeroizing`. A padding failure after decryption means the
//! password was wrong (CBC with PKCS#7 padding has no other integrity check).

use alloc::format;
use alloc::vec::Vec;

use cbc::cipher::block_padding::Pkcs7;
use cbc::cipher::{BlockModeDecrypt, InnerIvInit, KeyIvInit};
use der::asn1::ObjectIdentifier as Oid;
use pkcs5::pbes2::Kdf;
use pkcs12::kdf::{Pkcs12KeyType, derive_key};
use pkcs12::pbe_params::{Pbes2Params, Pkcs12PbeParams};
use sha1::Sha1;
use spki::AlgorithmIdentifierRef;
use zeroize::Zeroizing;

use crate::error::{Error, Result};

const PBES2: Oid = pkcs5::pbes2::PBES2_OID;
const PBE_SHA1_RC4_128: Oid = pkcs12::PKCS_12_PBE_WITH_SHAAND128_BIT_RC4;
const PBE_SHA1_RC4_40: Oid = pkcs12::PKCS_12_PBE_WITH_SHAAND40_BIT_RC4;
const PBE_SHA1_3DES: Oid = pkcs12::PKCS_12_PBE_WITH_SHAAND3_KEY_TRIPLE_DES_CBC;
const PBE_SHA1_2DES: Oid = pkcs12::PKCS_12_PBE_WITH_SHAAND2_KEY_TRIPLE_DES_CBC;
const PBE_SHA1_RC2_128: Oid = pkcs12::PKCS_12_PBE_WITH_SHAAND128_BIT_RC2_CBC;
const PBE_SHA1_RC2_40: Oid = pkcs12::PKCS_12_PBEWITH_SHAAND40_BIT_RC2_CBC;

/// The most PBKDF2 / PKCS#12-KDF iterations accepted: RFC 8018 §4.2 calls 10,000,000
/// appropriate "for especially critical keys"; more is a denial of service, not security.
pub(crate) const MAX_ITERATIONS: u64 = 10_000_000;
/// The most memory scrypt may take (128·r·N bytes, RFC 7914 §2), and its largest `p`.
const MAX_SCRYPT_MEMORY: u64 = 256 * 1024 * 1024;
const MAX_SCRYPT_P: u16 = 16;

/// A password in the two forms the schemes use: the bytes as given (PBES2, RFC 8018 §6.2
/// leaves the encoding to the application; OpenSSL passes UTF-8 through), and the PKCS#12
/// form, a BMPString with two zero bytes at the end (RFC 7292 App. B.1).
pub(crate) struct Password<'a> {
    raw: &'a [u8],
    bmp: Option<Zeroizing<Vec<u8>>>,
}

impl<'a> Password<'a> {
    /// A password given by the caller (possibly empty).
    pub(crate) fn new(raw: &'a [u8]) -> Self {
        let bmp = core::str::from_utf8(raw).ok().map(|s| {
            let mut out = Zeroizing::new(Vec::with_capacity(2 * s.len() + 2));
            for unit in s.encode_utf16() {
                out.extend_from_slice(&unit.to_be_bytes());
            }
            out.extend_from_slice(&[0, 0]);
            out
        });
        Password { raw, bmp }
    }

    /// No password at all: the zero-length PKCS#12 password, distinct from the empty one
    /// (which is the two terminating zero bytes). OpenSSL tries both when it reads a PKCS#12.
    pub(crate) fn absent() -> Password<'static> {
        Password {
            raw: b"",
            bmp: Some(Zeroizing::new(Vec::new())),
        }
    }

    /// The PKCS#12 (BMPString) form, if the password is text.
    pub(crate) fn bmp(&self) -> Option<&[u8]> {
        self.bmp.as_deref().map(Vec::as_slice)
    }
}

/// Decrypt `ciphertext` under the password-based scheme `alg`.
pub(crate) fn decrypt(
    alg: AlgorithmIdentifierRef<'_>,
    password: &Password<'_>,
    ciphertext: &[u8],
) -> Result<Zeroizing<Vec<u8>>> {
    match alg.oid {
        PBES2 => pbes2(alg, password.raw, ciphertext),
        PBE_SHA1_3DES => pkcs12_pbe(alg, password, ciphertext, Cipher::TripleDes3),
        PBE_SHA1_2DES => pkcs12_pbe(alg, password, ciphertext, Cipher::TripleDes2),
        PBE_SHA1_RC2_128 => pkcs12_pbe(alg, password, ciphertext, Cipher::Rc2 { bits: 128 }),
        PBE_SHA1_RC2_40 => pkcs12_pbe(alg, password, ciphertext, Cipher::Rc2 { bits: 40 }),
        PBE_SHA1_RC4_128 | PBE_SHA1_RC4_40 => {
            Err(unsupported("pbeWithSHAAnd RC4 (PKCS#12)".into()))
        }
        oid => Err(unsupported(
            match pkcs5::pbes1::EncryptionScheme::try_from(oid) {
                Ok(_) => format!("PBES1 {oid} (RFC 8018 §6.1: DES/RC2 with MD2/MD5/SHA-1)"),
                Err(_) => format!("{oid}"),
            },
        )),
    }
}

fn unsupported(algorithm: alloc::string::String) -> Error {
    Error::UnsupportedEncryption { algorithm }
}

fn pbes2(
    alg: AlgorithmIdentifierRef<'_>,
    password: &[u8],
    ciphertext: &[u8],
) -> Result<Zeroizing<Vec<u8>>> {
    let scheme = match pkcs5::EncryptionScheme::try_from(alg) {
        Ok(pkcs5::EncryptionScheme::Pbes2(params)) => params,
        // Not decodable by `pkcs5`: name the KDF and cipher if the generic shape decodes.
        _ => {
            let generic = alg
                .parameters
                .and_then(|p| p.decode_as::<Pbes2Params>().ok());
            return Err(match generic {
                Some(p) => unsupported(format!(
                    "PBES2 with KDF {} and cipher {}",
                    p.kdf.oid, p.encryption.oid
                )),
                None => Error::der("PBES2 parameters", "not a PBES2-params SEQUENCE"),
            });
        }
    };
    match &scheme.kdf {
        Kdf::Pbkdf2(p) if u64::from(p.iteration_count) > MAX_ITERATIONS => {
            return Err(unsupported(format!(
                "PBKDF2 with {} iterations (limit {MAX_ITERATIONS})",
                p.iteration_count
            )));
        }
        Kdf::Scrypt(p) => {
            let memory = 128u64
                .saturating_mul(u64::from(p.block_size))
                .saturating_mul(p.cost_parameter);
            if memory > MAX_SCRYPT_MEMORY || p.parallelization > MAX_SCRYPT_P {
                return Err(unsupported(format!(
                    "scrypt with N={}, r={}, p={} (over the {} MiB, p≤{MAX_SCRYPT_P} limit)",
                    p.cost_parameter,
                    p.block_size,
                    p.parallelization,
                    MAX_SCRYPT_MEMORY >> 20
                )));
            }
        }
        _ => {}
    }
    let mut buf = Zeroizing::new(ciphertext.to_vec());
    let len = scheme
        .decrypt_in_place(password, &mut buf)
        .map_err(pkcs5_error)?
        .len();
    buf.truncate(len);
    Ok(buf)
}

fn pkcs5_error(e: pkcs5::Error) -> Error {
    match e {
        pkcs5::Error::DecryptFailed => Error::WrongPassword,
        pkcs5::Error::UnsupportedAlgorithm { oid } => unsupported(format!("{oid}")),
        other => unsupported(format!("{other}")),
    }
}

#[derive(Clone, Copy)]
enum Cipher {
    TripleDes3,
    TripleDes2,
    Rc2 { bits: usize },
}

/// PKCS#12 PBE (RFC 7292 App. C): key and IV from the PKCS#12 KDF over SHA-1 (App. B.2),
/// then CBC with PKCS#7 padding.
fn pkcs12_pbe(
    alg: AlgorithmIdentifierRef<'_>,
    password: &Password<'_>,
    ciphertext: &[u8],
    cipher: Cipher,
) -> Result<Zeroizing<Vec<u8>>> {
    let params: Pkcs12PbeParams = alg
        .parameters
        .ok_or_else(|| Error::der("PKCS#12 PBE parameters", "missing"))?
        .decode_as()
        .map_err(|e| Error::der("PKCS#12 PBE parameters", e))?;
    let rounds = checked_iterations(params.iterations)?;
    // A password that is not text has no BMPString form, so it cannot be the right one.
    let bmp = password.bmp().ok_or(Error::WrongPassword)?;
    let key_len = match cipher {
        Cipher::TripleDes3 => 24,
        Cipher::TripleDes2 => 16,
        Cipher::Rc2 { bits } => bits / 8,
    };
    let salt = params.salt.as_bytes();
    let key = Zeroizing::new(derive_key::<Sha1>(
        bmp,
        salt,
        Pkcs12KeyType::EncryptionKey,
        rounds,
        key_len,
    ));
    let iv = Zeroizing::new(derive_key::<Sha1>(bmp, salt, Pkcs12KeyType::Iv, rounds, 8));
    let mut buf = Zeroizing::new(ciphertext.to_vec());
    let invalid = |_| Error::der("PKCS#12 PBE parameters", "bad key or IV length");
    let plain = match cipher {
        Cipher::TripleDes3 => cbc::Decryptor::<des::TdesEde3>::new_from_slices(&key, &iv)
            .map_err(invalid)?
            .decrypt_padded::<Pkcs7>(&mut buf)
            .map(<[u8]>::len),
        Cipher::TripleDes2 => cbc::Decryptor::<des::TdesEde2>::new_from_slices(&key, &iv)
            .map_err(invalid)?
            .decrypt_padded::<Pkcs7>(&mut buf)
            .map(<[u8]>::len),
        Cipher::Rc2 { bits } => cbc::Decryptor::<rc2::Rc2>::inner_iv_slice_init(
            rc2::Rc2::new_with_eff_key_len(&key, bits),
            &iv,
        )
        .map_err(invalid)?
        .decrypt_padded::<Pkcs7>(&mut buf)
        .map(<[u8]>::len),
    };
    let len = plain.map_err(|_| Error::WrongPassword)?;
    buf.truncate(len);
    Ok(buf)
}

/// An iteration count of the PKCS#12 KDF (an `INTEGER`, so it can be anything).
pub(crate) fn checked_iterations(iterations: i32) -> Result<i32> {
    if iterations < 1 {
        return Err(Error::der(
            "PKCS#12 parameters",
            "iteration count must be positive",
        ));
    }
    if iterations as u64 > MAX_ITERATIONS {
        return Err(unsupported(format!(
            "PKCS#12 KDF with {iterations} iterations (limit {MAX_ITERATIONS})"
        )));
    }
    Ok(iterations)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bmp_forms() {
        assert_eq!(Password::new(b"").bmp().unwrap(), &[0, 0]);
        assert_eq!(
            Password::new(b"ab").bmp().unwrap(),
            &[0, b'a', 0, b'b', 0, 0]
        );
        assert_eq!(Password::absent().bmp().unwrap(), &[] as &[u8]);
        assert!(Password::new(&[0xff]).bmp().is_none());
    }

    #[test]
    fn iteration_limits() {
        assert!(checked_iterations(0).is_err());
        assert_eq!(checked_iterations(2048).unwrap(), 2048);
        assert_eq!(
            checked_iterations(i32::MAX).unwrap_err().code(),
            "unsupported_encryption"
        );
    }
}
