//! Private keys: PEM or DER in PKCS#8 (RFC 5958), encrypted PKCS#8 (RFC 5958 §3 with PBES2 or
//! a PKCS#12 PBE), PKCS#1 (RFC 8017 App. A.1.2) and SEC1 (RFC 5915); and signing by the
//! algorithm the key type requires (SPEC §1).

use alloc::boxed::Box;
use alloc::vec::Vec;

use der::Decode;
use der::asn1::ObjectIdentifier as Oid;
use pkcs8::PrivateKeyInfoRef;
use pkcs12::pbe_params::EncryptedPrivateKeyInfo;

use super::encrypted::{self, Password};
use super::public_key::{self, Family};
use super::{Certificate, KeyType, pem, signing};
use crate::error::{Error, Result};
use crate::signer::{Algorithm, Signer};

/// A private key of a supported type. `Debug` never shows key material; the key is
/// zeroized on drop (the RustCrypto key types zeroize themselves; every decoded or
/// decrypted DER buffer on the way here is `Zeroizing`).
pub struct PrivateKey {
    pub(super) inner: signing::Inner,
    key_type: KeyType,
    spki: Vec<u8>,
}

impl core::fmt::Debug for PrivateKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("PrivateKey")
            .field("key_type", &self.key_type())
            .finish_non_exhaustive()
    }
}

impl PrivateKey {
    /// Parse the first private key of PEM text (`PRIVATE KEY`, `ENCRYPTED PRIVATE KEY`,
    /// `RSA PRIVATE KEY`, `EC PRIVATE KEY`), skipping other blocks. No key block is
    /// [`Error::NoPrivateKey`].
    pub fn from_pem(pem: &[u8], password: Option<&[u8]>) -> Result<Self> {
        if !pem::looks_like_pem(pem) {
            return Err(Error::InvalidPem {
                reason: "no -----BEGIN line".into(),
            });
        }
        for block in pem::blocks(pem)? {
            let label = block.label;
            if !matches!(
                label,
                "PRIVATE KEY" | "ENCRYPTED PRIVATE KEY" | "RSA PRIVATE KEY" | "EC PRIVATE KEY"
            ) {
                continue;
            }
            if block.has_headers() {
                // RFC 1421 headers on a traditional key: OpenSSL's legacy PEM encryption
                // (`Proc-Type: 4,ENCRYPTED`, an MD5-based KDF), which nothing modern writes.
                return Err(Error::UnsupportedEncryption {
                    algorithm: "legacy PEM encryption (Proc-Type/DEK-Info); convert with `openssl pkcs8 -topk8`".into(),
                });
            }
            let der = block.decode()?;
            return match label {
                "PRIVATE KEY" => Self::from_pkcs8(&der),
                "ENCRYPTED PRIVATE KEY" => Self::from_encrypted_pkcs8(&der, password),
                "RSA PRIVATE KEY" => Self::from_pkcs1(&der),
                _ => Self::from_sec1(&der),
            };
        }
        Err(Error::NoPrivateKey)
    }

    /// Parse DER: PKCS#8, encrypted PKCS#8, PKCS#1 RSA or SEC1 EC.
    pub fn from_der(der: &[u8], password: Option<&[u8]>) -> Result<Self> {
        // The four structures differ in their first fields, so at most one decodes.
        if PrivateKeyInfoRef::from_der(der).is_ok() {
            Self::from_pkcs8(der)
        } else if EncryptedPrivateKeyInfo::from_der(der).is_ok() {
            Self::from_encrypted_pkcs8(der, password)
        } else if pkcs1::RsaPrivateKeyRef::from_der(der).is_ok() {
            Self::from_pkcs1(der)
        } else if sec1::EcPrivateKey::from_der(der).is_ok() {
            Self::from_sec1(der)
        } else {
            Err(Error::der(
                "private key",
                "not PKCS#8, encrypted PKCS#8, PKCS#1 or SEC1",
            ))
        }
    }

    /// PEM or DER, whichever the bytes are.
    pub fn parse(bytes: &[u8], password: Option<&[u8]>) -> Result<Self> {
        if pem::looks_like_pem(bytes) {
            Self::from_pem(bytes, password)
        } else {
            Self::from_der(bytes, password)
        }
    }

    /// The key's type.
    pub fn key_type(&self) -> KeyType {
        self.key_type
    }

    /// The DER `SubjectPublicKeyInfo` of the public half.
    pub fn public_key_der(&self) -> Vec<u8> {
        self.spki.clone()
    }

    /// Is this the private key of `cert`? The certificate's public key is decoded as this
    /// key's type and re-encoded, so that equivalent encodings (a compressed EC point, say)
    /// compare equal.
    pub fn matches(&self, cert: &Certificate) -> bool {
        public_key::canonical_spki(cert.spki_der(), self.key_type)
            .is_some_and(|spki| spki == self.spki)
    }

    fn new(inner: signing::Inner) -> Result<Self> {
        let (key_type, spki) = inner.describe()?;
        Ok(PrivateKey {
            inner,
            key_type,
            spki,
        })
    }

    /// PKCS#8 `PrivateKeyInfo` / `OneAsymmetricKey` (RFC 5958 §2).
    pub(crate) fn from_pkcs8(der: &[u8]) -> Result<Self> {
        let info =
            PrivateKeyInfoRef::from_der(der).map_err(|e| Error::der("PKCS#8 private key", e))?;
        Self::from_pkcs8_info(info)
    }

    pub(crate) fn from_pkcs8_info(info: PrivateKeyInfoRef<'_>) -> Result<Self> {
        let curve = info
            .algorithm
            .parameters
            .and_then(|p| p.decode_as::<Oid>().ok());
        let invalid = |e: &dyn core::fmt::Display| Error::InvalidPrivateKey {
            reason: alloc::format!("{e}"),
        };
        let inner = match public_key::classify(info.algorithm.oid, curve)? {
            Family::Rsa => return Self::from_pkcs1(info.private_key.as_bytes()),
            Family::Other(KeyType::EcP256) => signing::Inner::P256(
                p256::SecretKey::try_from(info)
                    .map_err(|e| invalid(&e))?
                    .into(),
            ),
            Family::Other(KeyType::EcP384) => signing::Inner::P384(
                p384::SecretKey::try_from(info)
                    .map_err(|e| invalid(&e))?
                    .into(),
            ),
            Family::Other(other) => signing::Inner::ml_dsa(other, info)?,
        };
        Self::new(inner)
    }

    /// Encrypted PKCS#8 (RFC 5958 §3): decrypt, then PKCS#8. A plaintext that does not decode
    /// means the padding check passed by chance under a wrong password.
    pub(crate) fn from_encrypted_pkcs8(der: &[u8], password: Option<&[u8]>) -> Result<Self> {
        let info = EncryptedPrivateKeyInfo::from_der(der)
            .map_err(|e| Error::der("encrypted PKCS#8 private key", e))?;
        let password = password.ok_or(Error::PasswordRequired)?;
        Self::from_encrypted_info(&info, &Password::new(password))
    }

    /// An `EncryptedPrivateKeyInfo` under `password` (also the PKCS#12 shrouded key bag).
    pub(crate) fn from_encrypted_info(
        info: &EncryptedPrivateKeyInfo,
        password: &Password<'_>,
    ) -> Result<Self> {
        let alg = spki::AlgorithmIdentifierRef {
            oid: info.encryption_algorithm.oid,
            parameters: info
                .encryption_algorithm
                .parameters
                .as_ref()
                .map(Into::into),
        };
        let plain = encrypted::decrypt(alg, password, info.encrypted_data.as_bytes())?;
        let key_info = PrivateKeyInfoRef::from_der(&plain).map_err(|_| Error::WrongPassword)?;
        Self::from_pkcs8_info(key_info)
    }

    /// PKCS#1 `RSAPrivateKey`. The modulus size is checked before the (costly) key checks.
    pub(crate) fn from_pkcs1(der: &[u8]) -> Result<Self> {
        let key = pkcs1::RsaPrivateKeyRef::from_der(der)
            .map_err(|e| Error::der("PKCS#1 RSA private key", e))?;
        public_key::rsa_key_type(public_key::bit_len(key.modulus.as_bytes()))?;
        let key = rsa::PrivateKey::try_from(key).map_err(|e| Error::InvalidPrivateKey {
            reason: alloc::format!("RSA: {e}"),
        })?;
        Self::new(signing::Inner::Rsa(Box::new(
            rsa::pkcs1v15::SigningKey::new(key),
        )))
    }

    /// SEC1 `ECPrivateKey`. The curve comes from its parameters, or (when they are absent, as
    /// RFC 5915 §3 allows) from the private key's length.
    pub(crate) fn from_sec1(der: &[u8]) -> Result<Self> {
        let key =
            sec1::EcPrivateKey::from_der(der).map_err(|e| Error::der("SEC1 EC private key", e))?;
        let curve = match key.parameters.and_then(|p| p.named_curve()) {
            Some(oid) => oid,
            None => match key.private_key.len() {
                32 => public_key::SECP256R1,
                48 => public_key::SECP384R1,
                n => {
                    return Err(public_key::unsupported(alloc::format!(
                        "EC with a {n}-byte private key"
                    )));
                }
            },
        };
        let invalid = |e: &dyn core::fmt::Display| Error::InvalidPrivateKey {
            reason: alloc::format!("{e}"),
        };
        let inner = match public_key::classify(public_key::EC_PUBLIC_KEY, Some(curve))? {
            Family::Other(KeyType::EcP256) => signing::Inner::P256(
                p256::SecretKey::from_slice(key.private_key)
                    .map_err(|e| invalid(&e))?
                    .into(),
            ),
            Family::Other(KeyType::EcP384) => signing::Inner::P384(
                p384::SecretKey::from_slice(key.private_key)
                    .map_err(|e| invalid(&e))?
                    .into(),
            ),
            _ => return Err(public_key::unsupported(alloc::format!("EC curve {curve}"))),
        };
        Self::new(inner)
    }
}

impl Signer for PrivateKey {
    fn algorithm(&self) -> Algorithm {
        self.key_type().algorithm()
    }
    fn sign(&self, message: &[u8]) -> Result<Vec<u8>> {
        self.inner.sign(message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Signing cost depends on what parsing leaves behind: an RSA key must carry its CRT
    /// values (RFC 8017 §5.1.2 second form; without them every signature is one full-size
    /// exponentiation, about 4x slower), computed once here and not per signature.
    #[test]
    fn rsa_keys_are_parsed_with_crt_values() {
        use rsa::traits::PrivateKeyParts;
        let pem = include_bytes!("../../../tests/vectors/keys/leaf-rsa2048.key.pkcs8.pem");
        let key = PrivateKey::from_pem(pem, None).unwrap();
        let signing::Inner::Rsa(k) = &key.inner else {
            panic!("not an RSA key");
        };
        let private: &rsa::PrivateKey = k.as_ref().as_ref();
        assert!(private.dp().is_some() && private.dq().is_some() && private.qinv().is_some());
        assert_eq!(key.sign(b"m").unwrap(), key.sign(b"m").unwrap());
    }
}
