//! What CreateSession passes to AssumeRole besides the role: the source identity, the role
//! session name and the session duration (SPEC §3 steps 7–8, "Source identity").

use roles_anywhere_core::Certificate;

use super::Denial;
use super::mapping::subject_common_name;

/// The "length threshold" of the User Guide's "Source Identity Rules".
const SOURCE_IDENTITY_CN_THRESHOLD: usize = 61;
/// `ub-common-name` (RFC 5280 Appendix A): a CN of 64 characters or more falls back to the
/// serial, as the rules only cover lengths below 64.
const SOURCE_IDENTITY_CN_LIMIT: usize = 64;

/// CreateSession's `durationSeconds` range (User Guide, CreateSession request:
/// "can range from 900 seconds (15 minutes) up to 43200 seconds (12 hours)").
pub const MIN_DURATION_SECONDS: u32 = 900;
/// Upper bound of `durationSeconds`.
pub const MAX_DURATION_SECONDS: u32 = 43_200;
/// A profile's `durationSeconds` when none was set (botocore model default).
pub const DEFAULT_DURATION_SECONDS: u32 = 3600;

/// The serial number as lower-case hex of its magnitude (no sign byte, no separators).
pub fn serial_hex(cert: &x509_cert::Certificate) -> String {
    let bytes = cert.tbs_certificate().serial_number().as_bytes();
    // DER INTEGER content: drop the 0x00 sign byte(s) of a positive serial, keep one byte.
    let start = bytes
        .iter()
        .take_while(|b| **b == 0)
        .count()
        .min(bytes.len().saturating_sub(1));
    bytes[start..].iter().map(|b| format!("{b:02x}")).collect()
}

/// The source identity set on the session (User Guide, "Source Identity Rules"):
/// `CN=<cn>` when the subject CN is at most 61 characters, `<cn>` when 61 < length < 64,
/// `ID=<hex serial>` when there is no CN (and, beyond the rules, when it is 64 or longer).
/// Always `Some` for a parseable certificate; `Option` leaves room for certificates the
/// service cannot derive one from.
pub fn source_identity(leaf: &Certificate) -> Option<String> {
    source_identity_x509(leaf.x509())
}

/// [`source_identity`] on the decoded certificate.
pub fn source_identity_x509(cert: &x509_cert::Certificate) -> Option<String> {
    match subject_common_name(cert) {
        Some(cn) if !cn.is_empty() => {
            let len = cn.chars().count();
            if len <= SOURCE_IDENTITY_CN_THRESHOLD {
                Some(format!("CN={cn}"))
            } else if len < SOURCE_IDENTITY_CN_LIMIT {
                Some(cn)
            } else {
                Some(format!("ID={}", serial_hex(cert)))
            }
        }
        _ => Some(format!("ID={}", serial_hex(cert))),
    }
}

/// The role session name (SPEC §3 step 8; User Guide, "The relationship between
/// CreateSession and AssumeRole"): a requested name is honoured only when the profile has
/// `acceptRoleSessionName`, else 403 AccessDenied; without one, the certificate serial.
///
/// The default is the serial in lower-case hex: the guide says the session name is set
/// "using the hex-encoded serial number of the authenticating certificate" ("Role trusts")
/// and that CloudTrail's Role Session Name "is the hex-encoded serial number of the
/// certificate" ("Logging"); its CreateSession page only says "the serial number".
pub fn role_session_name(
    leaf: &Certificate,
    requested: Option<&str>,
    accept_role_session_name: bool,
) -> Result<String, Denial> {
    role_session_name_x509(leaf.x509(), requested, accept_role_session_name)
}

/// [`role_session_name`] on the decoded certificate.
pub fn role_session_name_x509(
    cert: &x509_cert::Certificate,
    requested: Option<&str>,
    accept_role_session_name: bool,
) -> Result<String, Denial> {
    match requested {
        None => Ok(serial_hex(cert)),
        Some(_) if !accept_role_session_name => Err(Denial::access_denied(
            "Role session name is not accepted by this profile: set acceptRoleSessionName to true on the profile \
             or omit roleSessionName",
        )),
        Some(name) if !valid_role_session_name(name) => Err(Denial::validation(format!(
            "roleSessionName {name:?} is invalid: 2 to 64 characters of letters, digits and _+=,.@-"
        ))),
        Some(name) => Ok(name.to_owned()),
    }
}

/// STS `RoleSessionName`: `[\w+=,.@-]{2,64}` (SPEC §1 wire facts).
fn valid_role_session_name(name: &str) -> bool {
    (2..=64).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_+=,.@-".contains(&b))
}

/// The session duration (SPEC §3 step 7; User Guide, Credentials object "Expiration"):
/// `min(profile, requested)`, the profile's when none is requested (a profile without one
/// has the API default, 3600). Above the role's MaxSessionDuration the guide says "you will
/// receive an error response from the API" without naming it; we answer what AssumeRole
/// answers in that case, a 400 validation error with STS's message.
pub fn session_duration(
    profile_duration: Option<u32>,
    requested: Option<u32>,
    role_max: u32,
) -> Result<u32, Denial> {
    if let Some(r) = requested
        && !(MIN_DURATION_SECONDS..=MAX_DURATION_SECONDS).contains(&r)
    {
        return Err(Denial::validation(format!(
            "durationSeconds {r} is out of range: it must be between {MIN_DURATION_SECONDS} and {MAX_DURATION_SECONDS}"
        )));
    }
    let profile = profile_duration.unwrap_or(DEFAULT_DURATION_SECONDS);
    let duration = requested.map_or(profile, |r| r.min(profile));
    if duration > role_max {
        return Err(Denial::validation(format!(
            "The requested DurationSeconds exceeds the MaxSessionDuration set for this role \
             ({duration} > {role_max}; durationSeconds = min(profile {profile}, request {}))",
            requested.map_or_else(|| "absent".to_owned(), |r| r.to_string())
        )));
    }
    Ok(duration)
}
