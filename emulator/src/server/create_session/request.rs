//! SPEC §3 step 1, the request as it arrives: the ARNs, `durationSeconds` and
//! `roleSessionName` (query string or JSON body), the required headers, the `X-Amz-Date`
//! window, and the request in the shape the core verifies.

use std::collections::BTreeMap;

use axum::http::request::Parts;
use base64ct::{Base64, Encoding};
use roles_anywhere_core::{AmzDate, Certificate, HttpRequest, Timestamp};
use serde_json::{Value, json};

use super::super::error::ApiError;

/// The inputs of a CreateSession call, from the query string or the JSON body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Input {
    /// `trustAnchorArn`.
    pub trust_anchor_arn: String,
    /// `profileArn`.
    pub profile_arn: String,
    /// `roleArn`.
    pub role_arn: String,
    /// `durationSeconds`.
    pub duration_seconds: Option<u32>,
    /// `roleSessionName`.
    pub role_session_name: Option<String>,
}

pub(super) fn required_header<'a>(parts: &'a Parts, name: &str) -> Result<&'a str, ApiError> {
    let value = parts
        .headers
        .get(name)
        .ok_or_else(|| ApiError::validation(format!("Missing required header {name}")))?;
    value
        .to_str()
        .map_err(|_| ApiError::validation(format!("Header {name} is not ASCII")))
}

/// ARN shape checks of the API model (`…:rolesanywhere:…:trust-anchor/…` etc.).
fn check_arn(field: &str, value: &str, service: &str, resource: &str) -> Result<(), ApiError> {
    let parts: Vec<&str> = value.splitn(6, ':').collect();
    let ok = parts.len() == 6
        && parts[0] == "arn"
        && parts[1].starts_with("aws")
        && parts[2] == service
        && parts[4].len() == 12
        && parts[4].bytes().all(|b| b.is_ascii_digit())
        && parts[5]
            .strip_prefix(resource)
            .is_some_and(|rest| rest.starts_with('/') && rest.len() > 1);
    if ok {
        Ok(())
    } else {
        Err(ApiError::validation(format!(
            "1 validation error detected: Value '{value}' at '{field}' failed to satisfy constraint: \
             Member must be a valid {resource} ARN"
        )))
    }
}

fn is_session_name(s: &str) -> bool {
    (2..=64).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_+=,.@-".contains(&b))
}

/// Parse the ARNs (query string first, then the JSON body, as the User Guide shows them),
/// `durationSeconds` and `roleSessionName` (SPEC §1; §3 step 1).
pub fn parse_input(query: Option<&str>, body: &[u8]) -> Result<Input, ApiError> {
    let mut q: BTreeMap<String, String> = BTreeMap::new();
    for (k, v) in form_urlencoded::parse(query.unwrap_or_default().as_bytes()) {
        q.insert(k.into_owned(), v.into_owned());
    }
    let body: Value = if body.iter().all(u8::is_ascii_whitespace) {
        json!({})
    } else {
        serde_json::from_slice(body)
            .map_err(|e| ApiError::validation(format!("The request body is not valid JSON: {e}")))?
    };
    let obj = body
        .as_object()
        .ok_or_else(|| ApiError::validation("The request body must be a JSON object"))?;
    let field = |name: &str| -> Result<String, ApiError> {
        if let Some(v) = q.get(name) {
            return Ok(v.clone());
        }
        match obj.get(name) {
            Some(Value::String(s)) => Ok(s.clone()),
            Some(_) => Err(ApiError::validation(format!("{name} must be a string"))),
            None => Err(ApiError::validation(format!(
                "1 validation error detected: Value null at '{name}' failed to satisfy constraint: Member must not be null"
            ))),
        }
    };
    let input_ta = field("trustAnchorArn")?;
    let input_profile = field("profileArn")?;
    let input_role = field("roleArn")?;
    check_arn("trustAnchorArn", &input_ta, "rolesanywhere", "trust-anchor")?;
    check_arn("profileArn", &input_profile, "rolesanywhere", "profile")?;
    check_arn("roleArn", &input_role, "iam", "role")?;
    let duration_seconds = match obj.get("durationSeconds") {
        None | Some(Value::Null) => None,
        Some(Value::Number(n)) => {
            let d = n.as_u64().filter(|d| (900..=43200).contains(d)).ok_or_else(|| {
                ApiError::validation(format!(
                    "1 validation error detected: Value '{n}' at 'durationSeconds' failed to satisfy constraint: \
                     Member must have value between 900 and 43200"
                ))
            })?;
            Some(u32::try_from(d).unwrap_or(43200))
        }
        Some(_) => return Err(ApiError::validation("durationSeconds must be a number")),
    };
    let role_session_name = match obj.get("roleSessionName") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) if is_session_name(s) => Some(s.clone()),
        Some(Value::String(s)) => {
            return Err(ApiError::validation(format!(
                "1 validation error detected: Value '{s}' at 'roleSessionName' failed to satisfy constraint: \
                 Member must satisfy regular expression pattern: [\\w+=,.@-]{{2,64}}"
            )));
        }
        Some(_) => return Err(ApiError::validation("roleSessionName must be a string")),
    };
    Ok(Input {
        trust_anchor_arn: input_ta,
        profile_arn: input_profile,
        role_arn: input_role,
        duration_seconds,
        role_session_name,
    })
}

/// The `X-Amz-Date` window (SPEC §3 step 1), checked here for a precise message.
pub(super) fn check_date(parts: &Parts, now: Timestamp, max_skew: u32) -> Result<(), ApiError> {
    let raw = required_header(parts, "x-amz-date")?;
    let date = AmzDate::parse(raw.trim()).map_err(|_| {
        ApiError::validation(format!(
            "X-Amz-Date {raw:?} is not of the form YYYYMMDDTHHMMSSZ"
        ))
    })?;
    if date.timestamp().unix().abs_diff(now.unix()) > u64::from(max_skew) {
        return Err(ApiError::access_denied(format!(
            "Signature expired: {raw} is not within {} minutes of the server time {}",
            max_skew / 60,
            now.amz_date()
        )));
    }
    Ok(())
}

pub(super) fn core_request(parts: &Parts, body: &[u8]) -> Result<HttpRequest, ApiError> {
    let uri = parts
        .uri
        .path_and_query()
        .map_or_else(|| parts.uri.path().to_owned(), |pq| pq.as_str().to_owned());
    let mut headers = Vec::with_capacity(parts.headers.len());
    for (name, value) in &parts.headers {
        let value = value
            .to_str()
            .map_err(|_| ApiError::validation(format!("Header {name} is not ASCII")))?;
        headers.push((name.as_str().to_owned(), value.to_owned()));
    }
    Ok(HttpRequest {
        method: parts.method.as_str().to_owned(),
        uri,
        headers,
        body: body.to_vec(),
    })
}

/// Parse a certificate header value (for tests and tools): base64 DER.
pub fn certificate_from_header(value: &str) -> Option<Certificate> {
    Base64::decode_vec(value.trim())
        .ok()
        .and_then(|der| Certificate::from_der(&der).ok())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    const TA: &str = "arn:aws:rolesanywhere:us-east-1:123456789012:trust-anchor/a";
    const P: &str = "arn:aws:rolesanywhere:us-east-1:123456789012:profile/p";
    const R: &str = "arn:aws:iam::123456789012:role/r";

    #[test]
    fn arns_from_query_or_body() {
        let q = format!(
            "profileArn={}&roleArn={}&trustAnchorArn={}",
            P.replace(':', "%3A").replace('/', "%2F"),
            R.replace(':', "%3A").replace('/', "%2F"),
            TA.replace(':', "%3A").replace('/', "%2F")
        );
        let i = parse_input(
            Some(&q),
            br#"{"durationSeconds":900,"roleSessionName":"abc"}"#,
        )
        .unwrap();
        assert_eq!(
            (
                i.trust_anchor_arn.as_str(),
                i.profile_arn.as_str(),
                i.role_arn.as_str()
            ),
            (TA, P, R)
        );
        assert_eq!(i.duration_seconds, Some(900));
        assert_eq!(i.role_session_name.as_deref(), Some("abc"));
        let body = json!({"trustAnchorArn": TA, "profileArn": P, "roleArn": R}).to_string();
        let j = parse_input(None, body.as_bytes()).unwrap();
        assert_eq!(j.role_arn, R);
        assert_eq!(j.duration_seconds, None);
    }

    #[test]
    fn malformed_input_is_a_validation_error() {
        let body = |extra: &str| {
            format!(r#"{{"trustAnchorArn":"{TA}","profileArn":"{P}","roleArn":"{R}"{extra}}}"#)
        };
        for bad in [
            body(r#","durationSeconds":899"#),
            body(r#","durationSeconds":43201"#),
            body(r#","durationSeconds":"3600""#),
            body(r#","roleSessionName":"a""#),
            body(r#","roleSessionName":"has space""#),
            r#"{"profileArn":"x"}"#.to_owned(),
            format!(r#"{{"trustAnchorArn":"{P}","profileArn":"{P}","roleArn":"{R}"}}"#),
            "not json".to_owned(),
            "[]".to_owned(),
        ] {
            let e = parse_input(None, bad.as_bytes()).unwrap_err();
            assert_eq!(
                (e.status, e.error_type),
                (400, "ValidationException"),
                "{bad}"
            );
        }
    }
}
