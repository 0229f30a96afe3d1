//! A short-lived memo of successful path validations (SPEC §3 steps 3–5). A workload
//! re-authenticates with the same certificate at every refresh; validating its path again
//! costs two or more signature checks. The key covers every input of the validation (leaf,
//! intermediates, the anchor's ARN and CA certificates, the enabled CRLs), so importing a
//! CRL, disabling a CRL or changing the anchor changes the key and takes effect at once. An
//! entry lives at most [`ChainCache::TTL_SECONDS`] and never past the earliest `notAfter`
//! of the path. Only successes are remembered.

use std::collections::HashMap;
use std::sync::Mutex;

use roles_anywhere_core::{Certificate, Timestamp};
use sha2::{Digest, Sha256};

/// The memo.
#[derive(Debug)]
pub struct ChainCache {
    enabled: bool,
    entries: Mutex<HashMap<[u8; 32], i64>>,
}

impl ChainCache {
    /// How long a validation is trusted.
    pub const TTL_SECONDS: i64 = 60;
    const MAX_ENTRIES: usize = 10_000;

    /// A memo; `enabled = false` validates every time.
    pub fn new(enabled: bool) -> Self {
        ChainCache {
            enabled,
            entries: Mutex::new(HashMap::new()),
        }
    }

    /// The key of one validation's inputs.
    pub fn key(
        leaf: &Certificate,
        chain: &[Certificate],
        anchor_arn: &str,
        anchor_pem: &str,
        crls: &[String],
    ) -> [u8; 32] {
        let mut h = Sha256::new();
        let mut part = |bytes: &[u8]| {
            h.update((bytes.len() as u64).to_be_bytes());
            h.update(bytes);
        };
        part(leaf.der());
        part(&(chain.len() as u64).to_be_bytes());
        for c in chain {
            part(c.der());
        }
        part(anchor_arn.as_bytes());
        part(anchor_pem.as_bytes());
        for crl in crls {
            part(crl.as_bytes());
        }
        h.finalize().into()
    }

    /// Was this validation done and still good at `now`?
    pub fn hit(&self, key: &[u8; 32], now: Timestamp) -> bool {
        if !self.enabled {
            return false;
        }
        let map = self
            .entries
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        map.get(key).is_some_and(|until| now.unix() < *until)
    }

    /// Remember a successful validation at `now` of `leaf` and `chain`.
    pub fn insert(&self, key: [u8; 32], leaf: &Certificate, chain: &[Certificate], now: Timestamp) {
        if !self.enabled {
            return;
        }
        let not_after = std::iter::once(leaf)
            .chain(chain)
            .map(|c| c.not_after().unix())
            .min()
            .unwrap_or(i64::MIN);
        let until = not_after.min(now.unix() + Self::TTL_SECONDS);
        let mut map = self
            .entries
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if map.len() >= Self::MAX_ENTRIES {
            map.retain(|_, u| *u > now.unix());
            if map.len() >= Self::MAX_ENTRIES {
                map.clear();
            }
        }
        map.insert(key, until);
    }
}
