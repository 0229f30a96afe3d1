//! The credentials cache: refresh ahead of expiry by a window scaled to the session's
//! lifetime, one refresh at a time (single-flight), keep serving still-valid credentials when
//! a refresh fails, and never hand out credentials that are empty or about to expire.

use std::sync::{Arc, Mutex, MutexGuard, TryLockError};
use std::time::Duration;

use roles_anywhere_core::{Credentials, Error as CoreError, Timestamp};

use crate::error::{Error, Result};

/// When to refresh and what still counts as valid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RefreshPolicy {
    /// Refresh at most this long before expiry (the SDKs' 5 minutes).
    pub max_ahead: Duration,
    /// …and at most `lifetime / lifetime_divisor` before, so a 900 s session refreshes
    /// 225 s before expiry instead of on every call.
    pub lifetime_divisor: u32,
    /// Credentials expiring within this margin are never handed out (clock skew, the time
    /// the caller needs to use them).
    pub expiry_margin: Duration,
}

impl Default for RefreshPolicy {
    fn default() -> Self {
        RefreshPolicy {
            max_ahead: Duration::from_secs(300),
            lifetime_divisor: 4,
            expiry_margin: Duration::from_secs(15),
        }
    }
}

fn secs(d: Duration) -> i64 {
    i64::try_from(d.as_secs()).unwrap_or(i64::MAX)
}

impl RefreshPolicy {
    /// The Unix second from which credentials obtained at `obtained`, expiring at
    /// `expiration`, should be refreshed.
    pub fn refresh_at(&self, obtained: i64, expiration: i64) -> i64 {
        let lifetime = (expiration - obtained).max(0);
        let ahead = secs(self.max_ahead).min(lifetime / i64::from(self.lifetime_divisor.max(1)));
        expiration - ahead
    }

    /// May credentials expiring at `expiration` still be handed out at `now`?
    pub fn usable(&self, now: i64, expiration: i64) -> bool {
        now < expiration.saturating_sub(secs(self.expiry_margin))
    }
}

/// Check what the service gave before caching it: no empty field, not already expiring.
pub fn check_fresh(creds: &Credentials, now: i64, policy: &RefreshPolicy) -> Result<()> {
    let empty = creds.access_key_id.is_empty()
        || creds.secret_access_key.is_empty()
        || creds.session_token.is_empty();
    if empty {
        return Err(CoreError::InvalidResponse {
            status: 201,
            reason: "the service returned empty credentials".to_owned(),
        }
        .into());
    }
    if !policy.usable(now, creds.expiration.unix()) {
        return Err(CoreError::InvalidResponse {
            status: 201,
            reason: format!(
                "the service returned credentials expiring at {} (check the system clock)",
                creds.expiration
            ),
        }
        .into());
    }
    Ok(())
}

#[derive(Debug, Clone)]
struct Entry {
    creds: Arc<Credentials>,
    refresh_at: i64,
}

/// What [`CredentialsCache::get`] gives: credentials, and the error of a failed refresh
/// when cached (still valid) credentials were served instead.
#[derive(Debug, Clone)]
pub struct Lookup {
    /// Valid credentials.
    pub credentials: Arc<Credentials>,
    /// The refresh attempt failed with this; the credentials are the cached ones.
    pub refresh_error: Option<Error>,
    /// A CreateSession was made for this lookup.
    pub refreshed: bool,
}

/// Thread-safe cache with single-flight refresh.
pub struct CredentialsCache {
    entry: Mutex<Option<Entry>>,
    refresh: Mutex<()>,
    policy: RefreshPolicy,
    clock: Arc<dyn Fn() -> i64 + Send + Sync>,
}

impl std::fmt::Debug for CredentialsCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CredentialsCache")
            .field("policy", &self.policy)
            .finish_non_exhaustive()
    }
}

/// Credentials holding only what a cache keeps (the keys, the token, the expiry; none of
/// the answer's role or subject details): one definition for every store that reads them
/// back, and for tests.
pub fn cached_credentials(
    access_key_id: impl Into<String>,
    secret_access_key: impl Into<String>,
    session_token: impl Into<String>,
    expiration: Timestamp,
) -> Credentials {
    Credentials {
        access_key_id: access_key_id.into(),
        secret_access_key: secret_access_key.into(),
        session_token: session_token.into(),
        expiration,
        assumed_role_arn: None,
        assumed_role_id: None,
        role_arn: None,
        source_identity: None,
        packed_policy_size: None,
        subject_arn: None,
    }
}

/// The system clock in Unix seconds.
pub fn system_now() -> i64 {
    match std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH) {
        Ok(d) => i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
        Err(e) => -i64::try_from(e.duration().as_secs()).unwrap_or(i64::MAX),
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic in another thread's fetch leaves consistent data behind (an Option swap).
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl CredentialsCache {
    /// An empty cache on the system clock.
    pub fn new(policy: RefreshPolicy) -> Self {
        Self::with_clock(policy, Arc::new(system_now))
    }

    /// An empty cache on `clock` (Unix seconds), for tests.
    pub fn with_clock(policy: RefreshPolicy, clock: Arc<dyn Fn() -> i64 + Send + Sync>) -> Self {
        CredentialsCache {
            entry: Mutex::new(None),
            refresh: Mutex::new(()),
            policy,
            clock,
        }
    }

    /// The policy.
    pub fn policy(&self) -> &RefreshPolicy {
        &self.policy
    }

    fn current(&self) -> Option<Entry> {
        lock(&self.entry).clone()
    }

    /// Put credentials obtained elsewhere (a file cache) in; they are checked first.
    pub fn seed(&self, creds: Credentials, obtained: i64) -> Result<()> {
        check_fresh(&creds, (self.clock)(), &self.policy)?;
        let refresh_at = self.policy.refresh_at(obtained, creds.expiration.unix());
        *lock(&self.entry) = Some(Entry {
            creds: Arc::new(creds),
            refresh_at,
        });
        Ok(())
    }

    /// The cached credentials if they are fresh (outside the refresh window), without
    /// waiting for anything.
    pub fn peek_fresh(&self) -> Option<Arc<Credentials>> {
        let now = (self.clock)();
        self.current()
            .filter(|e| now < e.refresh_at && self.policy.usable(now, e.creds.expiration.unix()))
            .map(|e| e.creds)
    }

    /// Cached credentials when fresh; otherwise one caller runs `fetch` while the others
    /// wait for its result (or, when they hold still-valid credentials, take those at once).
    pub fn get(&self, fetch: &dyn Fn() -> Result<Credentials>) -> Result<Lookup> {
        let fresh = |e: &Entry, now: i64| {
            now < e.refresh_at && self.policy.usable(now, e.creds.expiration.unix())
        };
        let served = |e: Entry| Lookup {
            credentials: e.creds,
            refresh_error: None,
            refreshed: false,
        };
        if let Some(e) = self.current().filter(|e| fresh(e, (self.clock)())) {
            return Ok(served(e));
        }
        let _guard = match self.refresh.try_lock() {
            Ok(g) => g,
            Err(TryLockError::Poisoned(p)) => p.into_inner(),
            Err(TryLockError::WouldBlock) => {
                // Someone is refreshing: valid credentials need not wait for it.
                if let Some(e) = self.current() {
                    if self
                        .policy
                        .usable((self.clock)(), e.creds.expiration.unix())
                    {
                        return Ok(served(e));
                    }
                }
                lock(&self.refresh)
            }
        };
        // Whoever held the lock before us may have refreshed already.
        if let Some(e) = self.current().filter(|e| fresh(e, (self.clock)())) {
            return Ok(served(e));
        }
        let outcome = fetch().and_then(|creds| {
            let now = (self.clock)();
            check_fresh(&creds, now, &self.policy)?;
            Ok((creds, now))
        });
        match outcome {
            Ok((creds, obtained)) => {
                let refresh_at = self.policy.refresh_at(obtained, creds.expiration.unix());
                let creds = Arc::new(creds);
                *lock(&self.entry) = Some(Entry {
                    creds: Arc::clone(&creds),
                    refresh_at,
                });
                Ok(Lookup {
                    credentials: creds,
                    refresh_error: None,
                    refreshed: true,
                })
            }
            Err(err) => match self.current() {
                Some(e)
                    if self
                        .policy
                        .usable((self.clock)(), e.creds.expiration.unix()) =>
                {
                    Ok(Lookup {
                        credentials: e.creds,
                        refresh_error: Some(err),
                        refreshed: false,
                    })
                }
                _ => Err(err),
            },
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicI64, AtomicUsize, Ordering};

    fn creds(expiration: i64) -> Credentials {
        cached_credentials(
            "ASIAEXAMPLE",
            "secret",
            "token",
            Timestamp::from_unix(expiration),
        )
    }

    #[test]
    fn windows_scale_with_the_lifetime() {
        let p = RefreshPolicy::default();
        assert_eq!(p.refresh_at(0, 900), 900 - 225);
        assert_eq!(p.refresh_at(0, 3600), 3600 - 300);
        assert_eq!(p.refresh_at(0, 43_200), 43_200 - 300);
        assert_eq!(p.refresh_at(100, 50), 50);
        assert!(p.usable(0, 16) && !p.usable(0, 15));
    }

    struct Clocked {
        now: Arc<AtomicI64>,
        cache: CredentialsCache,
        calls: AtomicUsize,
    }

    fn clocked(start: i64) -> Clocked {
        let now = Arc::new(AtomicI64::new(start));
        let n = Arc::clone(&now);
        let cache = CredentialsCache::with_clock(
            RefreshPolicy::default(),
            Arc::new(move || n.load(Ordering::SeqCst)),
        );
        Clocked {
            now,
            cache,
            calls: AtomicUsize::new(0),
        }
    }

    #[test]
    fn a_900s_session_is_not_refreshed_on_every_call() {
        let c = clocked(1000);
        let fetch = || {
            c.calls.fetch_add(1, Ordering::SeqCst);
            Ok(creds(c.now.load(Ordering::SeqCst) + 900))
        };
        for t in [1000, 1100, 1500, 1674] {
            c.now.store(t, Ordering::SeqCst);
            assert!(
                !c.cache
                    .get(&fetch)
                    .unwrap()
                    .credentials
                    .access_key_id
                    .is_empty()
            );
        }
        assert_eq!(c.calls.load(Ordering::SeqCst), 1);
        c.now.store(1675, Ordering::SeqCst);
        assert!(c.cache.get(&fetch).unwrap().refreshed);
        assert_eq!(c.calls.load(Ordering::SeqCst), 2);
    }

    #[test]
    fn failed_refresh_serves_valid_cache_then_errors_once_expired() {
        let c = clocked(0);
        c.cache.get(&|| Ok(creds(900))).unwrap();
        c.now.store(800, Ordering::SeqCst);
        let fail = || Err(Error::ExpiredCredentials);
        let l = c.cache.get(&fail).unwrap();
        assert_eq!(l.credentials.expiration.unix(), 900);
        assert!(l.refresh_error.is_some());
        c.now.store(885, Ordering::SeqCst);
        assert!(
            c.cache.get(&fail).is_err(),
            "credentials within the margin were handed out"
        );
    }

    #[test]
    fn empty_or_expired_answers_are_refused() {
        let c = clocked(0);
        let mut empty = creds(900);
        empty.session_token.clear();
        assert_eq!(
            c.cache.get(&|| Ok(empty.clone())).unwrap_err().code(),
            "invalid_response"
        );
        assert_eq!(
            c.cache.get(&|| Ok(creds(5))).unwrap_err().code(),
            "invalid_response"
        );
    }

    #[test]
    fn single_flight_under_1000_concurrent_callers() {
        let cache = Arc::new(CredentialsCache::new(RefreshPolicy::default()));
        let calls = Arc::new(AtomicUsize::new(0));
        let barrier = Arc::new(std::sync::Barrier::new(1000));
        let threads: Vec<_> = (0..1000)
            .map(|_| {
                let (cache, calls, barrier) =
                    (Arc::clone(&cache), Arc::clone(&calls), Arc::clone(&barrier));
                std::thread::Builder::new()
                    .stack_size(64 * 1024)
                    .spawn(move || {
                        barrier.wait();
                        let fetch = || {
                            calls.fetch_add(1, Ordering::SeqCst);
                            std::thread::sleep(Duration::from_millis(200));
                            Ok(creds(system_now() + 3600))
                        };
                        cache
                            .get(&fetch)
                            .map(|l| l.credentials.access_key_id.clone())
                    })
                    .unwrap()
            })
            .collect();
        for t in threads {
            assert_eq!(t.join().unwrap().unwrap(), "ASIAEXAMPLE");
        }
        assert_eq!(calls.load(Ordering::SeqCst), 1);
    }
}
