//! `--cache`: credentials kept across `credential-process` invocations in a 0600 file (in a
//! 0700 directory), refreshed by one process at a time under an advisory lock, written by
//! write-then-rename so a reader never sees half a file.

use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::time::Duration;

use roles_anywhere::RefreshPolicy;
use roles_anywhere::cache::cached_credentials;
use roles_anywhere::core::{Credentials, Timestamp};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use zeroize::Zeroize;

/// The policy of the file cache and of `serve`. SDKs refresh `credential_process` and
/// instance-metadata credentials 15 minutes before expiry (botocore's advisory window);
/// handing out ones with more left than that keeps them from asking again on every call.
/// Short sessions get a third of their lifetime.
pub const POLICY: RefreshPolicy = RefreshPolicy {
    max_ahead: Duration::from_secs(16 * 60),
    lifetime_divisor: 3,
    expiry_margin: Duration::from_secs(15),
};

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Stored {
    version: u8,
    access_key_id: String,
    secret_access_key: String,
    session_token: String,
    expiration: String,
    obtained_at: i64,
}

impl Drop for Stored {
    fn drop(&mut self) {
        self.secret_access_key.zeroize();
        self.session_token.zeroize();
    }
}

/// One cache entry (one set of request parameters).
#[derive(Debug, Clone)]
pub struct FileCache {
    path: PathBuf,
    lock_path: PathBuf,
}

/// `$ROLES_ANYWHERE_CACHE_DIR`, else `$XDG_CACHE_HOME/roles-anywhere`, else
/// `~/.cache/roles-anywhere`.
pub fn default_dir() -> Option<PathBuf> {
    let var = |n: &str| {
        std::env::var_os(n)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    var("ROLES_ANYWHERE_CACHE_DIR")
        .or_else(|| var("XDG_CACHE_HOME").map(|d| d.join("roles-anywhere")))
        .or_else(|| var("HOME").map(|h| h.join(".cache").join("roles-anywhere")))
}

/// Hex SHA-256 of length-prefixed parts (so that no two lists of parts collide).
pub fn key_of(parts: &[&[u8]]) -> String {
    let mut h = Sha256::new();
    for p in parts {
        h.update((p.len() as u64).to_be_bytes());
        h.update(p);
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

impl FileCache {
    /// The entry `key` in `dir` (created 0700 if missing).
    pub fn open(dir: &Path, key: &str) -> std::io::Result<Self> {
        fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)?;
        Ok(FileCache {
            path: dir.join(format!("{key}.json")),
            lock_path: dir.join(format!("{key}.lock")),
        })
    }

    /// The cache file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The stored credentials and when they were obtained; a missing or unreadable file
    /// is no entry (it is rewritten by the next refresh).
    pub fn read(&self) -> Option<(Credentials, i64)> {
        let mut bytes = fs::read(&self.path).ok()?;
        let stored: Option<Stored> = serde_json::from_slice(&bytes).ok();
        bytes.zeroize();
        let stored = stored.filter(|s| s.version == 1)?;
        let creds = cached_credentials(
            stored.access_key_id.clone(),
            stored.secret_access_key.clone(),
            stored.session_token.clone(),
            Timestamp::parse(&stored.expiration).ok()?,
        );
        Some((creds, stored.obtained_at))
    }

    /// Store atomically: a 0600 temporary file in the same directory, synced, renamed over.
    pub fn write(&self, creds: &Credentials, obtained_at: i64) -> std::io::Result<()> {
        let stored = Stored {
            version: 1,
            access_key_id: creds.access_key_id.clone(),
            secret_access_key: creds.secret_access_key.clone(),
            session_token: creds.session_token.clone(),
            expiration: creds.expiration.to_string(),
            obtained_at,
        };
        let mut text = serde_json::to_vec(&stored).map_err(std::io::Error::other)?;
        let result = write_atomic(&self.path, &text);
        text.zeroize();
        result
    }

    /// Hold the entry's exclusive lock (released when the file is dropped).
    pub fn lock(&self) -> std::io::Result<File> {
        let f = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .mode(0o600)
            .open(&self.lock_path)?;
        f.lock()?;
        Ok(f)
    }
}

/// Write `bytes` to `path` atomically with mode 0600.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(
        ".{name}.{}.{}.tmp",
        std::process::id(),
        roles_anywhere_random()
    ));
    let result = (|| {
        let mut f = OpenOptions::new()
            .create_new(true)
            .write(true)
            .mode(0o600)
            .open(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        fs::rename(&tmp, path)?;
        // The rename itself is durable only once the directory is synced.
        File::open(dir)?.sync_all()
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

fn roles_anywhere_random() -> u64 {
    let mut b = [0u8; 8];
    let _ = getrandom::fill(&mut b);
    u64::from_le_bytes(b)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn round_trip_mode_and_policy() {
        let dir = std::env::temp_dir().join(format!("ra-file-cache-{}", std::process::id()));
        let cache = FileCache::open(&dir, &key_of(&[b"a", b"b"])).unwrap();
        assert!(cache.read().is_none());
        let creds = cached_credentials("ASIA1", "s", "t", Timestamp::from_unix(4_000_000_000));
        cache.write(&creds, 3_999_996_400).unwrap();
        let (back, obtained) = cache.read().unwrap();
        assert_eq!(
            (
                back.access_key_id.as_str(),
                back.session_token.as_str(),
                obtained
            ),
            ("ASIA1", "t", 3_999_996_400)
        );
        assert_eq!(back.expiration, creds.expiration);
        let mode = fs::metadata(cache.path()).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        drop(cache.lock().unwrap());
        fs::remove_dir_all(&dir).unwrap();
        // A one-hour session is refreshed with 16 minutes left; a 900 s one with 300 s left.
        assert_eq!(POLICY.refresh_at(0, 3600), 3600 - 960);
        assert_eq!(POLICY.refresh_at(0, 900), 600);
        assert_ne!(key_of(&[b"ab", b"c"]), key_of(&[b"a", b"bc"]));
    }
}
