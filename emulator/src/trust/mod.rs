//! The service's trust model (SPEC §3 steps 3–8) as pure functions: certificate-path
//! validation, CRL revocation, role trust-policy evaluation, attribute mapping to principal
//! tags, source identity, role session name and session duration. No I/O, no clock: the
//! server passes the state and `now` in.
//!
//! Readings of the User Guide where it leaves room (each cited where implemented):
//! - basic constraints "MUST include CA: false": an end entity without the extension is
//!   refused; no extended key usage is required (none is listed) (`profile.rs`, `chain.rs`);
//! - CRLs are checked for every certificate of the path, unknown status allowed, and an
//!   imported CRL that cannot be parsed fails closed (`chain.rs`, `crl.rs`);
//! - the default role session name is the serial in lower-case hex ("hex-encoded serial
//!   number", "Role trusts") (`session.rs`);
//! - a duration above the role's MaxSessionDuration is a 400 `ValidationException`, as
//!   AssumeRole answers (`session.rs`);
//! - PutAttributeMapping replaces the rules of one certificate field (`mapping.rs`).

mod chain;
mod conditions;
mod crl;
mod denial;
mod mapping;
mod policy;
mod profile;
mod session;
mod tags;

pub use chain::{check_anchor_certificate, validate_chain, validate_chain_der};
pub use crl::crl_to_der;
pub use denial::Denial;
pub use mapping::{
    AttributeMapping, X509_ISSUER, X509_SAN, X509_SUBJECT, default_attribute_mappings,
    delete_attribute_mapping, normalize_specifier, principal_tags, principal_tags_x509,
    put_attribute_mapping,
};
pub use policy::{PolicyContext, TrustPolicy};
pub use session::{
    DEFAULT_DURATION_SECONDS, MAX_DURATION_SECONDS, MIN_DURATION_SECONDS, role_session_name,
    role_session_name_x509, serial_hex, session_duration, source_identity, source_identity_x509,
};
pub use tags::check_session_tags;

#[cfg(test)]
mod tests;
