//! The CreateSession answer (SPEC §1): `201` gives [`Credentials`], an error status gives a
//! [`ServiceError`], anything else (a proxy's HTML, truncated JSON) is a clear error naming
//! the HTTP status.

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use serde::Deserialize;
use zeroize::Zeroize;

use crate::error::{Error, Result};
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

impl Drop for Credentials {
    fn drop(&mut self) {
        self.secret_access_key.zeroize();
        self.session_token.zeroize();
    }
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
        let message = self.message.to_ascii_lowercase();
        if message.contains("invalid signature") {
            Some(
                "check that the system clock is within 5 minutes of the real time, that the private key belongs to the certificate, and that no proxy rewrites the signed headers (Host, Content-Type, X-Amz-Date, X-Amz-X509, X-Amz-X509-Chain)",
            )
        } else if message.contains("untrusted signing certificate") {
            Some(
                "check that the certificate chains to the CA certificate of an enabled trust anchor in this account and region, and send the intermediate certificates (--intermediates) when the anchor is a root CA",
            )
        } else if self.status == 429 || self.error_type.contains("Throttl") {
            Some(
                "CreateSession is limited to 10 calls per second per certificate and source IP: cache the credentials (serve, update) instead of calling on every use, and retry with backoff",
            )
        } else {
            None
        }
    }

    /// Throttling, a 5xx: worth another attempt (re-signed).
    pub fn is_retryable(&self) -> bool {
        self.status == 429
            || (500..=599).contains(&self.status)
            || self.error_type.contains("Throttl")
    }
}

impl fmt::Display for ServiceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} (HTTP {}): {}",
            self.error_type, self.status, self.message
        )
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Body {
    credential_set: Option<Vec<CredentialSetEntry>>,
    subject_arn: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CredentialSetEntry {
    assumed_role_user: Option<AssumedRoleUser>,
    credentials: Option<RawCredentials>,
    packed_policy_size: Option<u32>,
    role_arn: Option<String>,
    source_identity: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct AssumedRoleUser {
    arn: Option<String>,
    assumed_role_id: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawCredentials {
    access_key_id: Option<String>,
    secret_access_key: Option<String>,
    session_token: Option<String>,
    expiration: Option<String>,
}

impl Drop for RawCredentials {
    fn drop(&mut self) {
        self.secret_access_key.zeroize();
        self.session_token.zeroize();
    }
}

#[derive(Deserialize)]
struct ErrorBody {
    message: Option<String>,
    #[serde(rename = "Message")]
    message_upper: Option<String>,
    #[serde(rename = "__type")]
    error_type: Option<String>,
}

/// Parse an answer: status, headers (name, value), body.
pub fn parse_create_session_response(
    status: u16,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Result<Credentials> {
    // Only 201 Created is success (the API model's CreateSession answer); any other status,
    // 2xx included, is read as an error.
    if status == 201 {
        parse_success(status, body)
    } else {
        Err(parse_error(status, headers, body))
    }
}

fn parse_success(status: u16, body: &[u8]) -> Result<Credentials> {
    let invalid = |reason: String| Error::InvalidResponse { status, reason };
    let parsed: Body = serde_json::from_slice(body).map_err(|e| {
        invalid(alloc::format!(
            "the body is not the CreateSession JSON: {e}"
        ))
    })?;
    let mut set = parsed
        .credential_set
        .ok_or_else(|| invalid(String::from("no credentialSet in the answer")))?;
    if set.is_empty() {
        return Err(invalid(String::from("credentialSet is empty")));
    }
    let entry = set.swap_remove(0);
    let mut raw = entry
        .credentials
        .ok_or_else(|| invalid(String::from("no credentials in credentialSet[0]")))?;
    let take = |field: &mut Option<String>, name: &str| {
        field
            .take()
            .filter(|v| !v.is_empty())
            .ok_or_else(|| invalid(alloc::format!("credentials.{name} is missing")))
    };
    let access_key_id = take(&mut raw.access_key_id, "accessKeyId")?;
    let secret_access_key = take(&mut raw.secret_access_key, "secretAccessKey")?;
    let session_token = take(&mut raw.session_token, "sessionToken")?;
    let expiration_text = take(&mut raw.expiration, "expiration")?;
    let expiration = Timestamp::parse(&expiration_text).map_err(|_| {
        invalid(alloc::format!(
            "credentials.expiration {expiration_text:?} is not an ISO 8601 time"
        ))
    })?;
    let (assumed_role_arn, assumed_role_id) = match entry.assumed_role_user {
        Some(u) => (u.arn, u.assumed_role_id),
        None => (None, None),
    };
    Ok(Credentials {
        access_key_id,
        secret_access_key,
        session_token,
        expiration,
        assumed_role_arn,
        assumed_role_id,
        role_arn: entry.role_arn,
        source_identity: entry.source_identity,
        packed_policy_size: entry.packed_policy_size,
        subject_arn: parsed.subject_arn,
    })
}

/// `x-amzn-ErrorType: AccessDeniedException:http://internal.amazon.com/…` → the part before `:`;
/// a JSON `__type` of `namespace#Type` → the part after `#`.
fn clean_type(raw: &str) -> Option<String> {
    let t = raw.split(':').next().unwrap_or("").trim();
    let t = t.rsplit('#').next().unwrap_or(t);
    (!t.is_empty()).then(|| String::from(t))
}

/// The type AWS REST-JSON services answer for a status when no header names one.
fn type_for_status(status: u16) -> &'static str {
    match status {
        400 => "ValidationException",
        403 => "AccessDeniedException",
        404 => "ResourceNotFoundException",
        429 => "ThrottlingException",
        500..=599 => "InternalServerException",
        _ => "UnknownError",
    }
}

fn parse_error(status: u16, headers: &[(&str, &str)], body: &[u8]) -> Error {
    let header_type = headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("x-amzn-errortype"))
        .and_then(|(_, v)| clean_type(v));
    let trimmed = body.trim_ascii();
    let parsed: Option<ErrorBody> = if trimmed.is_empty() {
        None
    } else {
        serde_json::from_slice(trimmed).ok()
    };
    match parsed.and_then(|b| Some((b.message.or(b.message_upper)?, b.error_type))) {
        // The service speaks JSON with a `message` (the corpus's rule; `Message` as some AWS
        // front ends write it). Anything else came from something in between.
        Some((message, body_type)) => {
            let error_type = header_type
                .or_else(|| body_type.as_deref().and_then(clean_type))
                .unwrap_or_else(|| String::from(type_for_status(status)));
            Error::Service(ServiceError {
                status,
                error_type,
                message,
            })
        }
        None => {
            let what = if trimmed.first() == Some(&b'<') {
                "an HTML or XML page (a proxy or load balancer answered, not IAM Roles Anywhere)"
            } else if trimmed.is_empty() {
                "an empty body"
            } else {
                "a body that is not a JSON error with a message"
            };
            Error::InvalidResponse {
                status,
                reason: alloc::format!("error status with {what}"),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;

    const OK: &str = r#"{"credentialSet":[{"assumedRoleUser":{"arn":"arn:aws:sts::123456789012:assumed-role/r/s","assumedRoleId":"AROA:s"},"credentials":{"accessKeyId":"ASIAX","expiration":"2021-11-03T13:00:00Z","secretAccessKey":"SEKRIT9","sessionToken":"TOKEN7"},"packedPolicySize":3,"roleArn":"arn:aws:iam::123456789012:role/r","sourceIdentity":"CN=x"}],"subjectArn":"arn:aws:rolesanywhere:us-east-1:123456789012:subject/s"}"#;

    #[test]
    fn parses_success() {
        let c = parse_create_session_response(201, &[], OK.as_bytes()).unwrap();
        assert_eq!(c.access_key_id, "ASIAX");
        assert_eq!(c.secret_access_key, "SEKRIT9");
        assert_eq!(c.expiration.to_string(), "2021-11-03T13:00:00Z");
        assert_eq!(c.assumed_role_id.as_deref(), Some("AROA:s"));
        assert_eq!(c.packed_policy_size, Some(3));
        let dbg = alloc::format!("{c:?}");
        assert!(!dbg.contains("SEKRIT9") && !dbg.contains("TOKEN7"));
    }

    #[test]
    fn rejects_bad_success_bodies() {
        for body in [
            "",
            "<html>",
            &OK[..OK.len() - 5],
            r#"{"credentialSet":[]}"#,
            r#"{}"#,
            &OK.replace(r#""sessionToken":"TOKEN7""#, r#""x":1"#),
            &OK.replace("2021-11-03T13:00:00Z", "soon"),
        ] {
            let e = parse_create_session_response(201, &[], body.as_bytes()).unwrap_err();
            assert_eq!(e.code(), "invalid_response", "{body}");
            assert!(matches!(e, Error::InvalidResponse { status: 201, .. }));
        }
    }

    fn service(status: u16, headers: &[(&str, &str)], body: &str) -> ServiceError {
        match parse_create_session_response(status, headers, body.as_bytes()).unwrap_err() {
            Error::Service(s) => s,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn parses_errors() {
        let s = service(
            403,
            &[("X-Amzn-ErrorType", "AccessDeniedException:http://x")],
            r#"{"message":"Invalid signature"}"#,
        );
        assert_eq!(
            (s.error_type.as_str(), s.message.as_str()),
            ("AccessDeniedException", "Invalid signature")
        );
        assert!(s.hint().is_some_and(|h| h.contains("clock")));
        assert!(!s.is_retryable());
        let s = service(403, &[], r#"{"Message":"Untrusted signing certificate"}"#);
        assert_eq!(s.error_type, "AccessDeniedException");
        assert!(s.hint().is_some_and(|h| h.contains("trust anchor")));
        let s = service(429, &[], r#"{"message":"Rate exceeded"}"#);
        assert_eq!(s.error_type, "ThrottlingException");
        assert!(s.is_retryable() && s.hint().is_some());
        let s = service(503, &[], r#"{"message":"down"}"#);
        assert_eq!(s.error_type, "InternalServerException");
        assert!(s.is_retryable());
        let s = service(
            400,
            &[],
            r#"{"__type":"ns#ValidationException","message":"m"}"#,
        );
        assert_eq!(s.error_type, "ValidationException");
        for (status, body) in [
            (404, ""),
            (400, "{}"),
            (200, OK),
            (500, "[1]"),
            (403, r#"{"message":1}"#),
        ] {
            let e = parse_create_session_response(
                status,
                &[("x-amzn-errortype", "X")],
                body.as_bytes(),
            )
            .unwrap_err();
            assert!(
                matches!(e, Error::InvalidResponse { status: s, .. } if s == status),
                "{status} {body}"
            );
        }
        let e = parse_create_session_response(502, &[], b"<html><body>Bad Gateway</body></html>")
            .unwrap_err();
        assert!(matches!(e, Error::InvalidResponse { status: 502, .. }));
        assert!(e.to_string().contains("502"));
    }
}
