//! The CreateSession answer (SPEC §1): `201` gives [`Credentials`], an error status gives a
//! [`ServiceError`], anything else (a proxy's HTML, truncated JSON) is a clear error naming
//! the HTTP status.
//!
//! SKELETON: being written (issue 2, signing part).

use alloc::string::String;
use core::fmt;

use crate::error::Result;
use crate::time::Timestamp;

/// Temporary credentials. `Debug` redacts the secret and the token; they are zeroized on drop.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    /// `ASIA…`.
    pub access_key_id: String,
    /// The secret access key.
    pub secret_access_key: String,
    /// The session token.
    pub session_token: String,
    /// When they expire.
    pub expiration: Timestamp,
    /// `assumedRoleUser.arn`, if the answer had it.
    pub assumed_role_arn: Option<String>,
    /// `assumedRoleUser.assumedRoleId`.
    pub assumed_role_id: Option<String>,
    /// `roleArn`.
    pub role_arn: Option<String>,
    /// `sourceIdentity`.
    pub source_identity: Option<String>,
    /// `packedPolicySize`.
    pub packed_policy_size: Option<u32>,
    /// `subjectArn`.
    pub subject_arn: Option<String>,
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &"** redacted **")
            .field("session_token", &"** redacted **")
            .field("expiration", &self.expiration)
            .field("assumed_role_arn", &self.assumed_role_arn)
            .finish_non_exhaustive()
    }
}

/// An error answered by the service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceError {
    /// HTTP status.
    pub status: u16,
    /// `x-amzn-ErrorType` (without any `:` suffix), or one derived from the status.
    pub error_type: String,
    /// The service's message.
    pub message: String,
}

impl ServiceError {
    /// What to check, for the messages users hit (ARCHITECTURE "Errors").
    pub fn hint(&self) -> Option<&'static str> {
        todo!()
    }
    /// Throttling, a 5xx: worth another attempt (re-signed).
    pub fn is_retryable(&self) -> bool {
        todo!()
    }
}

impl fmt::Display for ServiceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (HTTP {}): {}", self.error_type, self.status, self.message)
    }
}

/// Parse an answer: status, headers (name, value), body.
pub fn parse_create_session_response(
    status: u16,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Result<Credentials> {
    let _ = (status, headers, body);
    todo!()
}
