//! PKCS#12 (RFC 7292): the MAC check of password integrity mode (§5.1, with the PKCS#12 KDF
//! of App. B over SHA-1 or SHA-2), the authenticated safe's plain and password-encrypted
//! contents (§4.1), and its key and certificate bags (§4.2). ASN.1 types come from the
//! `pkcs12` and `cms` crates; decryption is in `encrypted.rs`.

use alloc::format;
use alloc::vec::Vec;

use der::asn1::{ContextSpecific, ObjectIdentifier as Oid, OctetString};
use der::{Decode, TagNumber};
use hmac::digest::block_api::BlockSizeUser;
use hmac::digest::{FixedOutputReset, OutputSizeUser};
use hmac::{Hmac, KeyInit, Mac};
use pkcs8::PrivateKeyInfoRef;
use pkcs12::cms::content_info::ContentInfo;
use pkcs12::cms::encrypted_data::EncryptedData;
use pkcs12::kdf::{Pkcs12KeyType, derive_key};
use pkcs12::pbe_params::EncryptedPrivateKeyInfo;
use pkcs12::{CertBag, MacData, Pfx, SafeBag};
use zeroize::Zeroizing;

use super::encrypted::{self, Password};
use super::{Certificate, PrivateKey};
use crate::error::{Error, Result};

const ID_DATA: Oid = Oid::new_unwrap("1.2.840.113549.1.7.1");
const ID_SIGNED_DATA: Oid = Oid::new_unwrap("1.2.840.113549.1.7.2");
const ID_ENVELOPED_DATA: Oid = Oid::new_unwrap("1.2.840.113549.1.7.3");
const ID_ENCRYPTED_DATA: Oid = Oid::new_unwrap("1.2.840.113549.1.7.6");
const SHA1: Oid = Oid::new_unwrap("1.3.14.3.2.26");
const SHA256: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.2.1");
const SHA384: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.2.2");
const SHA512: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.2.3");
const PBMAC1: Oid = Oid::new_unwrap("1.2.840.113549.1.5.14");
/// Nesting of `safeContentsBag`s followed before giving up (RFC 7292 §4.2.6 allows any).
const MAX_DEPTH: usize = 4;

/// What a PKCS#12 holds: the first private key and every X.509 certificate, in file order.
#[derive(Default)]
pub(crate) struct Contents {
    pub(crate) key: Option<PrivateKey>,
    pub(crate) certs: Vec<Certificate>,
}

/// Read a PFX under `password` (none: the empty and the absent password are both tried, as
/// OpenSSL does).
pub(crate) fn read(bytes: &[u8], password: Option<&[u8]>) -> Result<Contents> {
    let pfx = Pfx::from_der(bytes).map_err(|e| Error::der("PKCS#12", e))?;
    match pfx.auth_safe.content_type {
        ID_DATA => {}
        ID_SIGNED_DATA => {
            return Err(Error::UnsupportedEncryption {
                algorithm: "PKCS#12 public-key integrity mode".into(),
            });
        }
        other => {
            return Err(Error::der(
                "PKCS#12",
                format!("authSafe of content type {other}"),
            ));
        }
    }
    let data: OctetString = pfx
        .auth_safe
        .content
        .decode_as()
        .map_err(|e| Error::der("PKCS#12 authSafe", e))?;
    let data = data.as_bytes();
    let given = password.is_some();
    let (password, verified) = match &pfx.mac_data {
        Some(mac) => (password_by_mac(mac, data, password)?, true),
        None => (Password::new(password.unwrap_or_default()), false),
    };
    // Without a MAC, a wrong (or missing) password shows only when decryption or the
    // decoding of the plaintext fails.
    let guard = |e: Error| match e {
        _ if verified => e,
        Error::WrongPassword | Error::InvalidDer { .. } if !given => Error::PasswordRequired,
        Error::InvalidDer { .. } => Error::WrongPassword,
        other => other,
    };
    let safes = Vec::<ContentInfo>::from_der(data)
        .map_err(|e| Error::der("PKCS#12 AuthenticatedSafe", e))?;
    let mut out = Contents::default();
    for safe in safes {
        match safe.content_type {
            ID_DATA => {
                let bags: OctetString = safe
                    .content
                    .decode_as()
                    .map_err(|e| Error::der("PKCS#12 SafeContents", e))?;
                read_bags(bags.as_bytes(), &password, &mut out, 0).map_err(|e| match e {
                    // Plain bags: only a shrouded key's decryption depends on the password.
                    Error::WrongPassword => guard(e),
                    other => other,
                })?;
            }
            ID_ENCRYPTED_DATA => {
                let ed: EncryptedData = safe
                    .content
                    .decode_as()
                    .map_err(|e| Error::der("PKCS#12 EncryptedData", e))?;
                let info = ed.enc_content_info;
                let Some(ciphertext) = info.encrypted_content else {
                    continue;
                };
                let plain = encrypted::decrypt(
                    (&info.content_enc_alg).into(),
                    &password,
                    ciphertext.as_bytes(),
                )
                .map_err(guard)?;
                read_bags(&plain, &password, &mut out, 0).map_err(guard)?;
            }
            ID_ENVELOPED_DATA => {
                return Err(Error::UnsupportedEncryption {
                    algorithm: "PKCS#12 public-key privacy mode".into(),
                });
            }
            other => {
                return Err(Error::der(
                    "PKCS#12",
                    format!("safe of content type {other}"),
                ));
            }
        }
    }
    Ok(out)
}

/// The password the MAC (RFC 7292 §5.1) verifies with. `None` or an empty password tries
/// the empty password (two zero bytes) and then the absent one (no bytes).
fn password_by_mac<'a>(
    mac: &MacData,
    data: &[u8],
    password: Option<&'a [u8]>,
) -> Result<Password<'a>> {
    let rounds = encrypted::checked_iterations(mac.iterations)?;
    let candidates = match password {
        Some(p) if !p.is_empty() => alloc::vec![Password::new(p)],
        _ => alloc::vec![Password::new(b""), Password::absent()],
    };
    let salt = mac.mac_salt.as_bytes();
    let expected = mac.mac.digest.as_bytes();
    for candidate in candidates {
        let Some(bmp) = candidate.bmp() else { continue };
        let ok = match mac.mac.algorithm.oid {
            SHA1 => mac_ok::<sha1::Sha1>(bmp, salt, rounds, data, expected),
            SHA256 => mac_ok::<sha2::Sha256>(bmp, salt, rounds, data, expected),
            SHA384 => mac_ok::<sha2::Sha384>(bmp, salt, rounds, data, expected),
            SHA512 => mac_ok::<sha2::Sha512>(bmp, salt, rounds, data, expected),
            PBMAC1 => {
                return Err(Error::UnsupportedEncryption {
                    algorithm: "PKCS#12 PBMAC1 (RFC 9579)".into(),
                });
            }
            other => {
                return Err(Error::UnsupportedEncryption {
                    algorithm: format!("PKCS#12 MAC digest {other}"),
                });
            }
        };
        if ok {
            return Ok(candidate);
        }
    }
    Err(if password.is_none() {
        Error::PasswordRequired
    } else {
        Error::WrongPassword
    })
}

/// HMAC (RFC 2104) keyed by the PKCS#12 KDF with ID 3 (RFC 7292 App. B.3), compared in
/// constant time.
fn mac_ok<D>(bmp: &[u8], salt: &[u8], rounds: i32, data: &[u8], expected: &[u8]) -> bool
where
    D: FixedOutputReset + BlockSizeUser + hmac::EagerHash,
{
    let len = <D as OutputSizeUser>::output_size();
    let key = Zeroizing::new(derive_key::<D>(bmp, salt, Pkcs12KeyType::Mac, rounds, len));
    let Ok(mut mac) = <Hmac<D> as KeyInit>::new_from_slice(&key) else {
        return false;
    };
    mac.update(data);
    mac.verify_slice(expected).is_ok()
}

const KEY_BAG: Oid = pkcs12::PKCS_12_KEY_BAG_OID;
const SHROUDED_KEY_BAG: Oid = pkcs12::PKCS_12_PKCS8_KEY_BAG_OID;
const CERT_BAG: Oid = pkcs12::PKCS_12_CERT_BAG_OID;
const SAFE_CONTENTS_BAG: Oid = pkcs12::PKCS_12_SAFE_CONTENTS_BAG_OID;
const X509_CERT: Oid = pkcs12::PKCS_12_X509_CERT_OID;

/// The bags of one `SafeContents` (RFC 7292 §4.2). CRL, secret and unknown bags are skipped.
fn read_bags(der: &[u8], password: &Password<'_>, out: &mut Contents, depth: usize) -> Result<()> {
    let bags = Vec::<SafeBag>::from_der(der).map_err(|e| Error::der("PKCS#12 SafeContents", e))?;
    // A key bag's value is a plain private key: keep every copy `Zeroizing`.
    let bags: Vec<(Oid, Zeroizing<Vec<u8>>)> = bags
        .into_iter()
        .map(|bag| (bag.bag_id, Zeroizing::new(bag.bag_value)))
        .collect();
    for (bag_id, value) in &bags {
        let value = value.as_slice();
        match *bag_id {
            KEY_BAG if out.key.is_none() => {
                let info: ContextSpecific<PrivateKeyInfoRef<'_>> =
                    explicit(value, "PKCS#12 keyBag")?;
                out.key = Some(PrivateKey::from_pkcs8_info(info.value)?);
            }
            SHROUDED_KEY_BAG if out.key.is_none() => {
                let info: ContextSpecific<EncryptedPrivateKeyInfo> =
                    explicit(value, "PKCS#12 pkcs8ShroudedKeyBag")?;
                out.key = Some(PrivateKey::from_encrypted_info(&info.value, password)?);
            }
            CERT_BAG => {
                let cert: ContextSpecific<CertBag> = explicit(value, "PKCS#12 certBag")?;
                if cert.value.cert_id == X509_CERT {
                    out.certs
                        .push(Certificate::from_der(cert.value.cert_value.as_bytes())?);
                }
            }
            SAFE_CONTENTS_BAG if depth < MAX_DEPTH => {
                let nested: ContextSpecific<der::AnyRef<'_>> =
                    explicit(value, "PKCS#12 safeContentsBag")?;
                let nested = der::Encode::to_der(&nested.value)
                    .map_err(|e| Error::der("PKCS#12 safeContentsBag", e))?;
                let nested = Zeroizing::new(nested);
                read_bags(&nested, password, out, depth + 1)?;
            }
            _ => {}
        }
    }
    Ok(())
}

/// A bag's `[0] EXPLICIT` value.
fn explicit<'a, T: Decode<'a>>(bytes: &'a [u8], what: &'static str) -> Result<ContextSpecific<T>>
where
    T::Error: From<der::Error>,
    ContextSpecific<T>: Decode<'a>,
{
    let value = ContextSpecific::<T>::from_der(bytes).map_err(|e| Error::der(what, e))?;
    if value.tag_number != TagNumber(0) {
        return Err(Error::der(what, "bag value is not [0]"));
    }
    Ok(value)
}
