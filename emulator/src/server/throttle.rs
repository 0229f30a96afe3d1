//! CreateSession rate limiting, as the service does it: by the authenticating certificate
//! and by the source IP address (User Guide, "Throttling"; default quota 10 per second).
//! Token buckets holding one second of burst, refilled continuously; a limit of 0 is off.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::Instant;

use crate::run::ThrottleConfig;

#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    last: Instant,
}

/// One family of buckets (per certificate, or per IP).
#[derive(Debug)]
struct Buckets {
    rate: f64,
    map: Mutex<HashMap<String, Bucket>>,
}

impl Buckets {
    fn new(rate: u32) -> Self {
        Buckets {
            rate: f64::from(rate),
            map: Mutex::new(HashMap::new()),
        }
    }

    /// Take a token for `key`; false when the bucket is empty.
    fn take(&self, key: &str, now: Instant) -> bool {
        if self.rate <= 0.0 {
            return true;
        }
        let mut map = self
            .map
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if map.len() > 50_000 {
            // Bound memory: forget buckets that have been full for a while.
            map.retain(|_, b| {
                now.duration_since(b.last).as_secs_f64() * self.rate < self.rate * 2.0
            });
        }
        let bucket = map.entry(key.to_owned()).or_insert(Bucket {
            tokens: self.rate,
            last: now,
        });
        let refill = now.duration_since(bucket.last).as_secs_f64() * self.rate;
        bucket.tokens = (bucket.tokens + refill).min(self.rate);
        bucket.last = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

/// The two limits.
#[derive(Debug)]
pub struct Throttle {
    per_certificate: Buckets,
    per_ip: Buckets,
    config: ThrottleConfig,
}

impl Throttle {
    /// Limits of `config`.
    pub fn new(config: ThrottleConfig) -> Self {
        Throttle {
            per_certificate: Buckets::new(config.per_certificate_per_second),
            per_ip: Buckets::new(config.per_ip_per_second),
            config,
        }
    }

    /// The configuration in force.
    pub fn config(&self) -> ThrottleConfig {
        self.config
    }

    /// Admit a request from `ip`?
    pub fn admit_ip(&self, ip: IpAddr) -> bool {
        self.per_ip.take(&ip.to_string(), Instant::now())
    }

    /// Admit a request authenticated by the certificate identified by `certificate_key`
    /// (issuer and serial)?
    pub fn admit_certificate(&self, certificate_key: &str) -> bool {
        self.per_certificate.take(certificate_key, Instant::now())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn bucket_allows_rate_then_refills() {
        let b = Buckets::new(10);
        let t0 = Instant::now();
        assert!((0..10).all(|_| b.take("k", t0)));
        assert!(!b.take("k", t0));
        assert!(b.take("other", t0));
        assert!(b.take("k", t0 + Duration::from_millis(150)));
        assert!(!b.take("k", t0 + Duration::from_millis(150)));
    }

    #[test]
    fn zero_is_off() {
        let b = Buckets::new(0);
        let t0 = Instant::now();
        assert!((0..1000).all(|_| b.take("k", t0)));
    }
}
