//! Metrics in the Prometheus text exposition format (version 0.0.4), served at
//! `GET /metrics`. The service publishes `Success` and `Failure` counts per operation
//! (Failure by error type) and the days to expiry of trust anchor certificates (User Guide,
//! "Monitoring"; SPEC §3); the emulator exposes the same as
//! `rolesanywhere_success_total{operation}`, `rolesanywhere_failure_total{operation,
//! error_type}` and `rolesanywhere_days_to_expiry{trust_anchor_arn,…}` (the earliest
//! `notAfter` of the anchor's bundle). Labels carry ARNs, names and error types: never a
//! secret.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;

use roles_anywhere_core::{Certificate, Timestamp};

use crate::state::State;

/// Operation outcome counters.
#[derive(Debug, Default)]
pub struct Metrics {
    success: Mutex<BTreeMap<String, u64>>,
    failure: Mutex<BTreeMap<(String, String), u64>>,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // Counters stay meaningful after a panic elsewhere: never poison the endpoint.
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Escape a label value (backslash, double quote, newline), as the format requires.
fn escape(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

impl Metrics {
    /// A fresh set of counters.
    pub fn new() -> Self {
        Metrics::default()
    }

    /// Count one success of `operation` (`CreateSession`, `CreateTrustAnchor`, …).
    pub fn record_success(&self, operation: &str) {
        *lock(&self.success).entry(operation.to_owned()).or_default() += 1;
    }

    /// Count one failure of `operation` with the answer's error type.
    pub fn record_failure(&self, operation: &str, error_type: &str) {
        *lock(&self.failure)
            .entry((operation.to_owned(), error_type.to_owned()))
            .or_default() += 1;
    }

    /// Successes of `operation` so far.
    pub fn successes(&self, operation: &str) -> u64 {
        lock(&self.success).get(operation).copied().unwrap_or(0)
    }

    /// Failures of `operation` with `error_type` so far.
    pub fn failures(&self, operation: &str, error_type: &str) -> u64 {
        lock(&self.failure)
            .get(&(operation.to_owned(), error_type.to_owned()))
            .copied()
            .unwrap_or(0)
    }

    /// The exposition text: the counters, and the days to expiry of each trust anchor.
    pub fn render(&self, state: &State, now: Timestamp) -> String {
        let mut out = String::new();
        out.push_str(
            "# HELP rolesanywhere_success_total Requests answered successfully, by operation.\n",
        );
        out.push_str("# TYPE rolesanywhere_success_total counter\n");
        for (op, n) in lock(&self.success).iter() {
            let _ = writeln!(
                out,
                "rolesanywhere_success_total{{operation=\"{}\"}} {n}",
                escape(op)
            );
        }
        out.push_str("# HELP rolesanywhere_failure_total Requests answered with an error, by operation and error type.\n");
        out.push_str("# TYPE rolesanywhere_failure_total counter\n");
        for ((op, error_type), n) in lock(&self.failure).iter() {
            let _ = writeln!(
                out,
                "rolesanywhere_failure_total{{operation=\"{}\",error_type=\"{}\"}} {n}",
                escape(op),
                escape(error_type)
            );
        }
        out.push_str("# HELP rolesanywhere_days_to_expiry Whole days until the earliest CA certificate of the trust anchor expires (negative: expired).\n");
        out.push_str("# TYPE rolesanywhere_days_to_expiry gauge\n");
        for ta in &state.trust_anchors {
            let Some(days) =
                days_to_expiry(ta.source.source_data.x509_certificate_data.as_deref(), now)
            else {
                continue;
            };
            let _ = writeln!(
                out,
                "rolesanywhere_days_to_expiry{{trust_anchor_arn=\"{}\",trust_anchor_name=\"{}\",enabled=\"{}\"}} {days}",
                escape(&ta.trust_anchor_arn),
                escape(&ta.name),
                ta.enabled
            );
        }
        out
    }
}

/// Days (rounded down) from `now` to the earliest `notAfter` of a PEM bundle.
pub fn days_to_expiry(pem: Option<&str>, now: Timestamp) -> Option<i64> {
    let certs = Certificate::parse_bundle(pem?.as_bytes()).ok()?;
    let not_after = certs.iter().map(Certificate::not_after).min()?;
    Some((not_after.unix() - now.unix()).div_euclid(86_400))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn counts_and_escapes() {
        let m = Metrics::new();
        m.record_success("CreateSession");
        m.record_success("CreateSession");
        m.record_failure("CreateSession", "AccessDeniedException");
        m.record_failure("Get\"X", "Bad\\Type");
        assert_eq!(m.successes("CreateSession"), 2);
        assert_eq!(m.failures("CreateSession", "AccessDeniedException"), 1);
        let state: State = serde_json::from_value(serde_json::json!({
            "version": 1, "accountId": "123456789012", "region": "us-east-1", "partition": "aws",
            "adminKeys": [], "tokenKeyHex": "00", "trustAnchors": [], "profiles": [], "crls": [], "roles": []
        }))
        .expect("a minimal state");
        let text = m.render(&state, Timestamp::from_unix(0));
        assert!(text.contains("rolesanywhere_success_total{operation=\"CreateSession\"} 2\n"));
        assert!(text.contains(
            "rolesanywhere_failure_total{operation=\"CreateSession\",error_type=\"AccessDeniedException\"} 1\n"
        ));
        assert!(text.contains("operation=\"Get\\\"X\",error_type=\"Bad\\\\Type\""));
    }
}
