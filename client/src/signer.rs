//! External signers: the core's [`Signer`] trait is the seam for keys that never leave
//! their device (HSM, TPM, KMS, a callback from another language). [`FnSigner`] adapts a
//! closure; the `pkcs11` feature would add a PKCS#11 one.

use std::fmt;

use roles_anywhere_core::{Algorithm, Result as CoreResult, Signer};

pub use roles_anywhere_core::ecdsa_raw_to_der;

/// A [`Signer`] from a closure. The closure gets the string to sign and returns the
/// signature in wire form (PKCS#1 v1.5 bytes, DER ECDSA — see [`ecdsa_raw_to_der`] for
/// devices that return raw `r‖s`).
pub struct FnSigner<F> {
    algorithm: Algorithm,
    sign: F,
}

impl<F> FnSigner<F>
where
    F: Fn(&[u8]) -> CoreResult<Vec<u8>> + Send + Sync,
{
    /// A signer producing `algorithm` signatures with `sign`.
    pub fn new(algorithm: Algorithm, sign: F) -> Self {
        FnSigner { algorithm, sign }
    }
}

impl<F> fmt::Debug for FnSigner<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FnSigner")
            .field("algorithm", &self.algorithm)
            .finish_non_exhaustive()
    }
}

impl<F> Signer for FnSigner<F>
where
    F: Fn(&[u8]) -> CoreResult<Vec<u8>> + Send + Sync,
{
    fn algorithm(&self) -> Algorithm {
        self.algorithm
    }
    fn sign(&self, message: &[u8]) -> CoreResult<Vec<u8>> {
        (self.sign)(message)
    }
}
