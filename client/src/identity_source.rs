//! Where an identity comes from: files (re-read on every refresh, so a rotated certificate
//! and key are picked up without a restart) or bytes in memory; PEM, DER, combined PEM,
//! encrypted PKCS#8 and PKCS#12, whatever the core reads. A key that never leaves its
//! device is an external [`Signer`] next to the certificate.

use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;

use roles_anywhere_core::{Certificate, Error as CoreError, Identity, Signer};
use zeroize::Zeroizing;

use crate::error::{Error, Result};

/// Bytes from a file (read at each load) or held in memory.
#[derive(Clone)]
pub enum DataSource {
    /// A path, read anew at each [`IdentitySource::load`].
    File(PathBuf),
    /// Bytes given by the caller; zeroized on drop.
    Memory(Arc<Zeroizing<Vec<u8>>>),
}

impl DataSource {
    /// Bytes in memory.
    pub fn memory(bytes: impl Into<Vec<u8>>) -> Self {
        DataSource::Memory(Arc::new(Zeroizing::new(bytes.into())))
    }

    fn read(&self) -> Result<Zeroizing<Vec<u8>>> {
        match self {
            DataSource::File(path) => std::fs::read(path)
                .map(Zeroizing::new)
                .map_err(|e| Error::io(path, &e)),
            DataSource::Memory(bytes) => Ok(Zeroizing::new(bytes.as_slice().to_vec())),
        }
    }
}

impl fmt::Debug for DataSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DataSource::File(p) => f.debug_tuple("File").field(p).finish(),
            DataSource::Memory(b) => write!(f, "Memory({} bytes)", b.len()),
        }
    }
}

impl From<PathBuf> for DataSource {
    fn from(p: PathBuf) -> Self {
        DataSource::File(p)
    }
}

/// A signer usable from many threads (a built-in key, an HSM session, a KMS client …).
pub type SharedSigner = Arc<dyn Signer + Send + Sync>;

#[derive(Clone)]
enum Kind {
    Parts {
        certificate: DataSource,
        private_key: Option<DataSource>,
        intermediates: Option<DataSource>,
    },
    Pkcs12 {
        data: DataSource,
    },
    External {
        certificate: DataSource,
        intermediates: Option<DataSource>,
        signer: SharedSigner,
    },
}

/// A recipe for an [`Identity`], loaded at each refresh.
#[derive(Clone)]
pub struct IdentitySource {
    kind: Kind,
    password: Option<Arc<Zeroizing<Vec<u8>>>>,
}

impl fmt::Debug for IdentitySource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("IdentitySource");
        match &self.kind {
            Kind::Parts {
                certificate,
                private_key,
                intermediates,
            } => d
                .field("certificate", certificate)
                .field("private_key", private_key)
                .field("intermediates", intermediates),
            Kind::Pkcs12 { data } => d.field("pkcs12", data),
            Kind::External {
                certificate,
                intermediates,
                ..
            } => d
                .field("certificate", certificate)
                .field("intermediates", intermediates)
                .field("signer", &"external"),
        };
        d.field(
            "password",
            &self.password.as_ref().map(|_| "** redacted **"),
        )
        .finish()
    }
}

impl IdentitySource {
    /// Certificate (PEM or DER; a PEM may also hold the key), key (PEM or DER, `None` when
    /// the certificate file holds it) and intermediates, from any mix of files and memory.
    pub fn from_parts(
        certificate: impl Into<DataSource>,
        private_key: Option<DataSource>,
        intermediates: Option<DataSource>,
    ) -> Self {
        IdentitySource {
            kind: Kind::Parts {
                certificate: certificate.into(),
                private_key,
                intermediates,
            },
            password: None,
        }
    }

    /// Files: certificate, optional key, optional intermediates bundle.
    pub fn from_files(
        certificate: impl Into<PathBuf>,
        private_key: Option<PathBuf>,
        intermediates: Option<PathBuf>,
    ) -> Self {
        Self::from_parts(
            DataSource::File(certificate.into()),
            private_key.map(DataSource::File),
            intermediates.map(DataSource::File),
        )
    }

    /// A PKCS#12 (`.p12`/`.pfx`) file or bytes.
    pub fn from_pkcs12(data: impl Into<DataSource>) -> Self {
        IdentitySource {
            kind: Kind::Pkcs12 { data: data.into() },
            password: None,
        }
    }

    /// A certificate whose key is behind `signer` (HSM, TPM, KMS, a callback).
    pub fn external(
        certificate: impl Into<DataSource>,
        intermediates: Option<DataSource>,
        signer: SharedSigner,
    ) -> Self {
        IdentitySource {
            kind: Kind::External {
                certificate: certificate.into(),
                intermediates,
                signer,
            },
            password: None,
        }
    }

    /// The password of an encrypted PKCS#8 key or a PKCS#12 file.
    pub fn with_password(mut self, password: impl Into<Vec<u8>>) -> Self {
        self.password = Some(Arc::new(Zeroizing::new(password.into())));
        self
    }

    /// Read and parse everything now (files anew), and check the key matches.
    pub fn load(&self) -> Result<LoadedIdentity> {
        let password = self.password.as_ref().map(|p| p.as_slice());
        match &self.kind {
            Kind::Parts {
                certificate,
                private_key,
                intermediates,
            } => {
                let cert = certificate.read()?;
                let key = private_key.as_ref().map(DataSource::read).transpose()?;
                let chain = intermediates.as_ref().map(DataSource::read).transpose()?;
                let identity = Identity::from_parts(
                    &cert,
                    key.as_ref().map(|k| k.as_slice()),
                    chain.as_ref().map(|c| c.as_slice()),
                    password,
                )?;
                LoadedIdentity::with_own_key(identity)
            }
            Kind::Pkcs12 { data } => {
                let bytes = data.read()?;
                LoadedIdentity::with_own_key(Identity::from_pkcs12(&bytes, password)?)
            }
            Kind::External {
                certificate,
                intermediates,
                signer,
            } => {
                let certs = Certificate::parse_bundle(&certificate.read()?)?;
                let mut certs = certs.into_iter();
                let leaf = certs.next().ok_or(CoreError::NoCertificate)?;
                let mut chain: Vec<Certificate> = certs.collect();
                if let Some(extra) = intermediates {
                    chain.extend(Certificate::parse_bundle(&extra.read()?)?);
                }
                let identity = Identity::new(leaf, chain, None)?;
                if signer.algorithm() != identity.key_type().algorithm() {
                    return Err(CoreError::AlgorithmMismatch {
                        requested: signer.algorithm().to_string(),
                        expected: identity.key_type().algorithm().to_string(),
                    }
                    .into());
                }
                Ok(LoadedIdentity {
                    identity,
                    external: Some(Arc::clone(signer)),
                })
            }
        }
    }
}

/// A loaded identity and what signs for it.
pub struct LoadedIdentity {
    identity: Identity,
    external: Option<SharedSigner>,
}

impl fmt::Debug for LoadedIdentity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LoadedIdentity")
            .field("identity", &self.identity)
            .field("external_signer", &self.external.is_some())
            .finish()
    }
}

impl LoadedIdentity {
    fn with_own_key(identity: Identity) -> Result<Self> {
        if identity.private_key().is_none() {
            return Err(CoreError::NoPrivateKey.into());
        }
        Ok(LoadedIdentity {
            identity,
            external: None,
        })
    }

    /// The identity (leaf, chain, key when held here).
    pub fn identity(&self) -> &Identity {
        &self.identity
    }

    /// The signer: the identity's own key or the external one.
    pub fn signer(&self) -> &dyn Signer {
        match (&self.external, self.identity.private_key()) {
            (Some(s), _) => s.as_ref(),
            (None, Some(k)) => k,
            // Invariant: `load` never builds a LoadedIdentity without one or the other.
            (None, None) => unreachable!("LoadedIdentity without a signer"),
        }
    }
}
