//! Subjects (SPEC §3 "Subjects"): every authentication records the X.509 subject with its
//! first and last seen times and its recent certificates. Written lazily (the background
//! flush), since it changes on every CreateSession.

use base64ct::{Base64, Encoding};
use roles_anywhere_core::{Certificate, Timestamp};

use crate::state::ids::{iso, new_id, rolesanywhere_arn};
use crate::state::{CredentialSummary, State, Store, Subject};

/// PEM of a DER certificate.
pub fn pem(der: &[u8]) -> String {
    let b64 = Base64::encode_string(der);
    let mut out = String::from("-----BEGIN CERTIFICATE-----\n");
    for chunk in b64.as_bytes().chunks(64) {
        out.push_str(std::str::from_utf8(chunk).unwrap_or_default());
        out.push('\n');
    }
    out.push_str("-----END CERTIFICATE-----\n");
    out
}

fn record_in(state: &mut State, leaf: &Certificate, failed: bool, now: Timestamp) -> String {
    let subject_name = leaf.subject();
    let seen = iso(now);
    let summary = CredentialSummary {
        seen_at: seen.clone(),
        serial_number: leaf.serial_decimal(),
        issuer: leaf.issuer(),
        enabled: true,
        x509_certificate_data: pem(leaf.der()),
        failed,
    };
    let (partition, region, account) = (
        state.partition.clone(),
        state.region.clone(),
        state.account_id.clone(),
    );
    let subject = match state
        .subjects
        .iter_mut()
        .position(|s| s.x509_subject == subject_name)
    {
        Some(i) => &mut state.subjects[i],
        None => {
            let id = new_id();
            state.subjects.push(Subject {
                subject_arn: rolesanywhere_arn(&partition, &region, &account, "subject", &id),
                subject_id: id,
                x509_subject: subject_name,
                enabled: true,
                created_at: seen.clone(),
                updated_at: seen.clone(),
                last_seen_at: seen.clone(),
                credentials: Vec::new(),
            });
            let last = state.subjects.len() - 1;
            &mut state.subjects[last]
        }
    };
    subject.last_seen_at = seen.clone();
    subject.updated_at = seen;
    subject
        .credentials
        .retain(|c| !(c.serial_number == summary.serial_number && c.issuer == summary.issuer));
    subject.credentials.insert(0, summary);
    subject.credentials.truncate(Subject::MAX_CREDENTIALS);
    subject.subject_arn.clone()
}

/// Record an authentication by `leaf`; answers the subject's ARN.
pub fn record(
    store: &Store,
    leaf: &Certificate,
    failed: bool,
    now: Timestamp,
) -> anyhow::Result<String> {
    store.update(false, |state| record_in(state, leaf, failed, now))
}
