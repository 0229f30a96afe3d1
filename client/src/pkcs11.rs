//! Feature `pkcs11`: keys (and optionally certificates) on a PKCS#11 token, named by an
//! RFC 7512 URI (`pkcs11:token=…;object=…;id=%01;type=private?pin-value=…`). The key never
//! leaves the token: RSA signs with `CKM_SHA256_RSA_PKCS`; EC signs the SHA-256 digest with
//! `CKM_ECDSA`, whose raw `r‖s` is converted to DER (SPEC §1).

use std::fmt;
use std::path::Path;
use std::sync::Mutex;

use cryptoki::context::{CInitializeArgs, CInitializeFlags, Pkcs11};
use cryptoki::error::RvError;
use cryptoki::mechanism::Mechanism;
use cryptoki::object::{Attribute, AttributeType, KeyType, ObjectClass, ObjectHandle};
use cryptoki::session::{Session, UserType};
use cryptoki::types::AuthPin;
use roles_anywhere_core::{
    Algorithm, Error as CoreError, Result as CoreResult, Signer, ecdsa_raw_to_der,
};
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};

/// A parsed RFC 7512 URI: the attributes this client uses.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Pkcs11Uri {
    /// `token`: the token label.
    pub token: Option<String>,
    /// `serial`: the token serial number.
    pub serial: Option<String>,
    /// `slot-id`.
    pub slot_id: Option<u64>,
    /// `object`: the object label (CKA_LABEL).
    pub object: Option<String>,
    /// `id`: CKA_ID bytes.
    pub id: Option<Vec<u8>>,
    /// `type`: `private`, `cert`, …
    pub object_type: Option<String>,
    /// `pin-value` (query).
    pub pin_value: Option<String>,
    /// `module-path` (query).
    pub module_path: Option<String>,
}

impl fmt::Debug for Pkcs11Uri {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pkcs11Uri")
            .field("token", &self.token)
            .field("serial", &self.serial)
            .field("slot_id", &self.slot_id)
            .field("object", &self.object)
            .field("id", &self.id)
            .field("object_type", &self.object_type)
            .field(
                "pin_value",
                &self.pin_value.as_ref().map(|_| "** redacted **"),
            )
            .field("module_path", &self.module_path)
            .finish()
    }
}

fn bad_uri(reason: impl Into<String>) -> Error {
    Error::InvalidConfig {
        reason: format!("PKCS#11 URI: {}", reason.into()),
    }
}

/// RFC 7512 §2.3: `%XX` escapes in attribute values.
fn pct_decode(v: &str) -> Result<Vec<u8>> {
    let b = v.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = b
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok());
            let byte = hex
                .and_then(|h| u8::from_str_radix(h, 16).ok())
                .ok_or_else(|| bad_uri(format!("bad escape in {v:?}")))?;
            out.push(byte);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    Ok(out)
}

fn pct_string(v: &str) -> Result<String> {
    String::from_utf8(pct_decode(v)?).map_err(|_| bad_uri(format!("{v:?} is not UTF-8")))
}

impl Pkcs11Uri {
    /// Parse `pkcs11:path-attrs[?query-attrs]`; unknown attributes are ignored (RFC 7512
    /// §2.3 lets consumers skip what they do not use).
    pub fn parse(uri: &str) -> Result<Self> {
        let rest = uri
            .strip_prefix("pkcs11:")
            .ok_or_else(|| bad_uri("must start with pkcs11:"))?;
        let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
        let mut u = Pkcs11Uri::default();
        for attr in path.split(';').filter(|a| !a.is_empty()) {
            let (k, v) = attr
                .split_once('=')
                .ok_or_else(|| bad_uri(format!("{attr:?} has no '='")))?;
            match k {
                "token" => u.token = Some(pct_string(v)?),
                "serial" => u.serial = Some(pct_string(v)?),
                "slot-id" => {
                    u.slot_id = Some(v.parse().map_err(|_| bad_uri(format!("slot-id {v:?}")))?);
                }
                "object" => u.object = Some(pct_string(v)?),
                "id" => u.id = Some(pct_decode(v)?),
                "type" => u.object_type = Some(pct_string(v)?),
                _ => {}
            }
        }
        for attr in query.split('&').filter(|a| !a.is_empty()) {
            let (k, v) = attr
                .split_once('=')
                .ok_or_else(|| bad_uri(format!("{attr:?} has no '='")))?;
            match k {
                "pin-value" => u.pin_value = Some(pct_string(v)?),
                "module-path" => u.module_path = Some(pct_string(v)?),
                _ => {}
            }
        }
        Ok(u)
    }

    fn template(&self, class: ObjectClass) -> Vec<Attribute> {
        let mut t = vec![Attribute::Class(class)];
        if let Some(label) = &self.object {
            t.push(Attribute::Label(label.as_bytes().to_vec()));
        }
        if let Some(id) = &self.id {
            t.push(Attribute::Id(id.clone()));
        }
        t
    }
}

fn p11(what: &str, e: cryptoki::error::Error) -> Error {
    Error::InvalidConfig {
        reason: format!("PKCS#11 {what}: {e}"),
    }
}

/// A signer whose key is on a PKCS#11 token; one logged-in session, used under a lock
/// (PKCS#11 sessions must not be used by two threads at once).
pub struct Pkcs11Signer {
    session: Mutex<Session>,
    key: ObjectHandle,
    algorithm: Algorithm,
    uri: Pkcs11Uri,
    _context: Pkcs11,
}

impl fmt::Debug for Pkcs11Signer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pkcs11Signer")
            .field("uri", &self.uri)
            .field("algorithm", &self.algorithm)
            .finish_non_exhaustive()
    }
}

impl Pkcs11Signer {
    /// Load `module` (or the URI's `module-path`), find the token and the private key the
    /// URI names, log in with `pin` (or the URI's `pin-value`).
    pub fn open(module: Option<&Path>, uri: &str, pin: Option<&str>) -> Result<Self> {
        let uri = Pkcs11Uri::parse(uri)?;
        let module = module
            .map(Path::to_path_buf)
            .or_else(|| uri.module_path.as_ref().map(Into::into))
            .ok_or_else(|| bad_uri("no PKCS#11 module: give --pkcs11-lib or module-path"))?;
        let context =
            Pkcs11::new(&module).map_err(|e| p11(&format!("loading {}", module.display()), e))?;
        match context.initialize(CInitializeArgs::new(CInitializeFlags::OS_LOCKING_OK)) {
            // Another part of this process (or an earlier signer) initialized the module:
            // PKCS#11 modules are initialized once per process.
            Ok(())
            | Err(cryptoki::error::Error::Pkcs11(RvError::CryptokiAlreadyInitialized, _)) => {}
            Err(e) => return Err(p11("C_Initialize", e)),
        }
        let slot = find_slot(&context, &uri)?;
        let session = context
            .open_ro_session(slot)
            .map_err(|e| p11("C_OpenSession", e))?;
        if let Some(pin) = pin.map(str::to_owned).or_else(|| uri.pin_value.clone()) {
            session
                .login(UserType::User, Some(&AuthPin::new(pin.into())))
                .map_err(|e| p11("C_Login", e))?;
        }
        let keys = session
            .find_objects(&uri.template(ObjectClass::PRIVATE_KEY))
            .map_err(|e| p11("C_FindObjects", e))?;
        let key = match keys.as_slice() {
            [k] => *k,
            [] => return Err(CoreError::NoPrivateKey.into()),
            more => {
                return Err(bad_uri(format!(
                    "{} private keys match: name one with object= or id=",
                    more.len()
                )));
            }
        };
        let attrs = session
            .get_attributes(key, &[AttributeType::KeyType])
            .map_err(|e| p11("C_GetAttributeValue", e))?;
        let algorithm = match attrs.first() {
            Some(Attribute::KeyType(t)) if *t == KeyType::RSA => Algorithm::RsaSha256,
            Some(Attribute::KeyType(t)) if *t == KeyType::EC => Algorithm::EcdsaSha256,
            other => {
                return Err(CoreError::UnsupportedKeyType {
                    key_type: format!("PKCS#11 key type {other:?}"),
                }
                .into());
            }
        };
        Ok(Pkcs11Signer {
            session: Mutex::new(session),
            key,
            algorithm,
            uri,
            _context: context,
        })
    }

    /// The DER of the certificate the URI names on the token (`type` ignored; `object`/`id`
    /// matched), for `--certificate pkcs11:…`.
    pub fn certificate(&self, uri: &str) -> Result<Vec<u8>> {
        let u = Pkcs11Uri::parse(uri)?;
        let session = self
            .session
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let found = session
            .find_objects(&u.template(ObjectClass::CERTIFICATE))
            .map_err(|e| p11("C_FindObjects", e))?;
        let Some(cert) = found.first() else {
            return Err(CoreError::NoCertificate.into());
        };
        match session
            .get_attributes(*cert, &[AttributeType::Value])
            .map_err(|e| p11("C_GetAttributeValue", e))?
            .pop()
        {
            Some(Attribute::Value(der)) => Ok(der),
            _ => Err(CoreError::NoCertificate.into()),
        }
    }
}

fn find_slot(context: &Pkcs11, uri: &Pkcs11Uri) -> Result<cryptoki::slot::Slot> {
    let slots = context
        .get_slots_with_initialized_token()
        .map_err(|e| p11("C_GetSlotList", e))?;
    for slot in slots {
        if uri.slot_id.is_some_and(|id| id != slot.id()) {
            continue;
        }
        let info = context
            .get_token_info(slot)
            .map_err(|e| p11("C_GetTokenInfo", e))?;
        let label_ok = uri
            .token
            .as_deref()
            .is_none_or(|t| info.label().trim_end() == t);
        let serial_ok = uri
            .serial
            .as_deref()
            .is_none_or(|s| info.serial_number().trim_end() == s);
        if label_ok && serial_ok {
            return Ok(slot);
        }
    }
    Err(bad_uri(
        "no token matches (check token=, serial=, slot-id=)",
    ))
}

impl Signer for Pkcs11Signer {
    fn algorithm(&self) -> Algorithm {
        self.algorithm
    }

    fn sign(&self, message: &[u8]) -> CoreResult<Vec<u8>> {
        let session = self
            .session
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let failed = |e: cryptoki::error::Error| CoreError::SigningFailed {
            reason: format!("PKCS#11: {e}"),
        };
        match self.algorithm {
            Algorithm::RsaSha256 => session
                .sign(&Mechanism::Sha256RsaPkcs, self.key, message)
                .map_err(failed),
            Algorithm::EcdsaSha256 => {
                let digest = Sha256::digest(message);
                let raw = session
                    .sign(&Mechanism::Ecdsa, self.key, &digest)
                    .map_err(failed)?;
                ecdsa_raw_to_der(&raw)
            }
            other => Err(CoreError::SigningFailed {
                reason: format!("{other} is not available over PKCS#11 here"),
            }),
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn parses_rfc7512_uris() {
        let u = Pkcs11Uri::parse("pkcs11:token=My%20Token;object=leaf;id=%01%ff;type=private;x-vendor=1?pin-value=1234&module-path=/usr/lib/softhsm/libsofthsm2.so").unwrap();
        assert_eq!(u.token.as_deref(), Some("My Token"));
        assert_eq!(u.object.as_deref(), Some("leaf"));
        assert_eq!(u.id.as_deref(), Some(&[1u8, 0xff][..]));
        assert_eq!(u.object_type.as_deref(), Some("private"));
        assert_eq!(u.pin_value.as_deref(), Some("1234"));
        assert!(!format!("{u:?}").contains("1234"));
        assert!(Pkcs11Uri::parse("pkcs12:x").is_err());
        assert!(Pkcs11Uri::parse("pkcs11:id=%zz").is_err());
        assert!(Pkcs11Uri::parse("pkcs11:slot-id=abc").is_err());
        assert_eq!(Pkcs11Uri::parse("pkcs11:").unwrap(), Pkcs11Uri::default());
    }
}
