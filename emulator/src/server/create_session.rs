//! `POST /sessions`, CreateSession: the checks of SPEC §3 in its order, each failing as the
//! service does (403 `AccessDeniedException` for trust failures, 400 `ValidationException`
//! for malformed input, 404 `ResourceNotFoundException`, 429 when throttled), then minted
//! credentials in the answer shape of SPEC §1.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use base64ct::{Base64, Encoding};
use roles_anywhere_core::{AmzDate, Certificate, Error as CoreError, HttpRequest, Timestamp};
use serde_json::{Value, json};

use super::chain_cache::ChainCache;
use super::credentials::SessionClaims;
use super::error::ApiError;
use super::{AppState, MAX_BODY, PeerAddr, subjects};
use crate::bootstrap::{SERVICE_PRINCIPAL, pem_certificates};
use crate::trust::{self, PolicyContext, TrustPolicy};

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

/// The axum handler.
pub async fn handle(State(app): State<Arc<AppState>>, req: Request) -> Response {
    let peer = req.extensions().get::<PeerAddr>().map(|p| p.0);
    let (parts, body) = req.into_parts();
    let outcome = match axum::body::to_bytes(body, MAX_BODY).await {
        Ok(body) => create_session(&app, peer.map(|p| p.ip()), &parts, &body),
        Err(_) => Err(ApiError::validation(format!(
            "request body larger than {MAX_BODY} bytes"
        ))),
    };
    match outcome {
        Ok(answer) => {
            app.metrics.record_success("CreateSession");
            let mut resp = (StatusCode::CREATED, answer.to_string()).into_response();
            resp.headers_mut()
                .insert("content-type", HeaderValue::from_static("application/json"));
            resp
        }
        Err(e) => {
            app.metrics.record_failure("CreateSession", e.error_type);
            tracing::info!(status = e.status, error_type = e.error_type, message = %e.message, ?peer, "CreateSession refused");
            e.into_response()
        }
    }
}

fn invalid_signature(reason: impl std::fmt::Display) -> ApiError {
    tracing::debug!(%reason, "signature check failed");
    ApiError::access_denied("Invalid signature")
}

fn untrusted(reason: impl std::fmt::Display) -> ApiError {
    tracing::debug!(%reason, "certificate refused");
    ApiError::access_denied("Untrusted signing certificate")
}

/// Map a core verification error onto the service's answer (SPEC §3 steps 1–2).
fn verify_error(e: CoreError) -> ApiError {
    match e {
        CoreError::ChainTooLong { len } => ApiError::validation(format!(
            "X-Amz-X509-Chain holds {len} certificates; at most 5 intermediate certificates are accepted"
        )),
        CoreError::InvalidPem { .. } | CoreError::InvalidDer { .. } | CoreError::NoCertificate => {
            ApiError::validation(format!(
                "X-Amz-X509 or X-Amz-X509-Chain is not a base64 DER certificate: {e}"
            ))
        }
        CoreError::InvalidRequest { .. } => ApiError::validation(e.to_string()),
        CoreError::InvalidTime { .. } => ApiError::access_denied(format!("Signature expired: {e}")),
        CoreError::UnsupportedCertificateVersion { .. }
        | CoreError::UnsupportedKeyType { .. }
        | CoreError::InvalidCertificate { .. } => untrusted(e),
        other => invalid_signature(other),
    }
}

fn required_header<'a>(parts: &'a Parts, name: &str) -> Result<&'a str, ApiError> {
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
fn check_date(parts: &Parts, now: Timestamp, max_skew: u32) -> Result<(), ApiError> {
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

fn core_request(parts: &Parts, body: &[u8]) -> Result<HttpRequest, ApiError> {
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

/// The account of an ARN (its fifth field).
fn arn_account(arn: &str) -> &str {
    arn.split(':').nth(4).unwrap_or_default()
}

/// Every check of SPEC §3, in order; the answer body on success.
pub fn create_session(
    app: &AppState,
    peer: Option<std::net::IpAddr>,
    parts: &Parts,
    body: &[u8],
) -> Result<Value, ApiError> {
    let now = app.clock.now();
    // Throttling is per source IP before anything else, per certificate once it is known.
    if let Some(ip) = peer {
        if !app.throttle.admit_ip(ip) {
            return Err(ApiError::throttled("Rate exceeded"));
        }
    }

    // 1. Headers present and well formed, date within the window, chain ≤ 5 (in verify).
    let input = parse_input(parts.uri.query(), body)?;
    required_header(parts, "authorization")?;
    required_header(parts, "x-amz-x509")?;
    check_date(parts, now, app.max_skew_seconds)?;
    let request = core_request(parts, body)?;

    // 2. The signature, by the leaf's key and the algorithm its key type requires.
    let verified = roles_anywhere_core::verify::verify_x509_request(
        &request,
        now.amz_date(),
        app.max_skew_seconds,
    )
    .map_err(verify_error)?;
    // The scope names the service it was signed for; a signature for another is not ours.
    if verified.authorization.scope().service() != "rolesanywhere" {
        return Err(invalid_signature(format!(
            "credential scope service {}",
            verified.authorization.scope().service()
        )));
    }
    let leaf = verified.leaf;
    let chain = verified.chain;
    let cert_key = format!("{}|{}", leaf.issuer(), leaf.serial_decimal());
    if !app.throttle.admit_certificate(&cert_key) {
        return Err(ApiError::throttled("Rate exceeded"));
    }

    // Take what is needed from the state, then release the lock before the crypto.
    let state = app.store.read();
    let anchor = state
        .trust_anchor(&input.trust_anchor_arn)
        .ok_or_else(|| {
            ApiError::not_found(format!("Trust anchor {} not found", input.trust_anchor_arn))
        })?
        .clone();
    let profile = state.profile(&input.profile_arn).cloned();
    let role = state.role(&input.role_arn).cloned();
    let crls: Vec<String> = state
        .enabled_crls_for(&anchor.trust_anchor_arn)
        .map(|c| c.crl_data.clone())
        .collect();
    let (account, partition) = (state.account_id.clone(), state.partition.clone());
    drop(state);

    // 3–5. End-entity constraints, the path to an enabled anchor, revocation.
    if !anchor.enabled {
        return Err(untrusted(format!(
            "trust anchor {} is disabled",
            anchor.trust_anchor_arn
        )));
    }
    let pem = anchor
        .source
        .source_data
        .x509_certificate_data
        .as_deref()
        .unwrap_or_default();
    let memo = ChainCache::key(&leaf, &chain, &anchor.trust_anchor_arn, pem, &crls);
    if !app.chain_cache.hit(&memo, now) {
        let anchor_cas = pem_certificates(pem)
            .map_err(|e| untrusted(format!("trust anchor has no usable CA: {e}")))?;
        let crls: Vec<Vec<u8>> = crls
            .iter()
            .filter_map(|b| Base64::decode_vec(b).ok())
            .collect();
        trust::validate_chain(&leaf, &chain, &anchor_cas, &crls, now).map_err(ApiError::from)?;
        app.chain_cache.insert(memo, &leaf, &chain, now);
    }

    // The certificate is authenticated from here on: a refusal is recorded on its Subject
    // too (SPEC §3 "Subjects"), as a failed authentication.
    let authorize = || -> Result<Value, ApiError> {
        // 6. The profile, its roles, the role's trust policy.
        let profile = profile.ok_or_else(|| {
            ApiError::not_found(format!("Profile {} not found", input.profile_arn))
        })?;
        if !profile.enabled {
            return Err(ApiError::access_denied(format!(
                "Profile {} is disabled",
                profile.profile_arn
            )));
        }
        if !profile.role_arns.iter().any(|r| r == &input.role_arn) {
            return Err(ApiError::access_denied(format!(
                "Role {} is not one of the roles of profile {}",
                input.role_arn, profile.profile_arn
            )));
        }
        let cannot_assume =
            || ApiError::access_denied(format!("Unable to assume role for {}", input.role_arn));
        let role = role.ok_or_else(|| {
            tracing::debug!(role = %input.role_arn, "no such role");
            cannot_assume()
        })?;
        let policy = TrustPolicy::parse(&role.assume_role_policy_document).map_err(|e| {
            tracing::warn!(role = %role.role_arn, error = %e, "trust policy does not parse");
            cannot_assume()
        })?;
        let tags = trust::principal_tags(&leaf, &profile.attribute_mappings);
        let source_identity = trust::source_identity(&leaf);
        let session_name = trust::role_session_name(
            &leaf,
            input.role_session_name.as_deref(),
            profile.accept_role_session_name,
        );
        let context = policy_context(
            &anchor.trust_anchor_arn,
            &tags,
            source_identity.as_deref(),
            session_name.as_ref().ok(),
        );
        if !policy.allows(&context) {
            tracing::debug!(role = %role.role_arn, "trust policy does not allow the request");
            return Err(cannot_assume());
        }

        // 7. Duration; 8. role session name.
        let duration = trust::session_duration(
            profile.duration_seconds,
            input.duration_seconds,
            role.max_session_duration,
        )?;
        let session_name = session_name?;

        let claims = SessionClaims {
            akid: String::new(),
            account: arn_account(&role.role_arn).to_owned(),
            partition,
            role_arn: role.role_arn.clone(),
            role_id: role.role_id.clone(),
            session_name,
            source_identity: source_identity.clone(),
            tags: tags.clone(),
            iat: now.unix(),
            exp: now.unix() + i64::from(duration),
        };
        let (minted, claims) = app.sealer.mint(claims);
        let subject_arn = subjects::record(&app.store, &leaf, false, now)
            .map_err(|e| ApiError::internal(e.to_string()))?;
        tracing::info!(
            serial = %leaf.serial_decimal(),
            subject = %leaf.subject(),
            role = %role.role_arn,
            session = %claims.session_name,
            access_key_id = %minted.access_key_id,
            duration,
            account = %account,
            "CreateSession granted"
        );
        Ok(answer(&claims, &minted, &tags, &subject_arn))
    };
    let result = authorize();
    if result.is_err() {
        if let Err(e) = subjects::record(&app.store, &leaf, true, now) {
            tracing::warn!(error = %e, "recording a failed authentication");
        }
    }
    result
}

/// The condition keys a trust policy sees (User Guide, "Trust policy").
fn policy_context(
    anchor_arn: &str,
    tags: &BTreeMap<String, String>,
    source_identity: Option<&str>,
    session_name: Option<&String>,
) -> PolicyContext {
    let mut keys: BTreeMap<String, Vec<String>> = BTreeMap::new();
    keys.insert("aws:SourceArn".into(), vec![anchor_arn.to_owned()]);
    keys.insert(
        "aws:SourceAccount".into(),
        vec![arn_account(anchor_arn).to_owned()],
    );
    for (k, v) in tags {
        keys.insert(format!("aws:PrincipalTag/{k}"), vec![v.clone()]);
        keys.insert(format!("aws:RequestTag/{k}"), vec![v.clone()]);
    }
    keys.insert("aws:TagKeys".into(), tags.keys().cloned().collect());
    if let Some(si) = source_identity {
        keys.insert("sts:SourceIdentity".into(), vec![si.to_owned()]);
    }
    if let Some(name) = session_name {
        keys.insert("sts:RoleSessionName".into(), vec![name.clone()]);
    }
    PolicyContext {
        principal_service: SERVICE_PRINCIPAL.to_owned(),
        actions: vec![
            "sts:AssumeRole".into(),
            "sts:TagSession".into(),
            "sts:SetSourceIdentity".into(),
        ],
        keys,
    }
}

/// Session tags and policies share a packed budget; this approximates its percentage from
/// the tags (the emulator has no session policies) as STS reports `PackedPolicySize`.
fn packed_policy_size(tags: &BTreeMap<String, String>) -> u64 {
    let bytes: usize = tags.iter().map(|(k, v)| k.len() + v.len()).sum();
    (bytes as u64 * 100).div_ceil(2048)
}

/// The 201 body of SPEC §1.
fn answer(
    claims: &SessionClaims,
    minted: &super::credentials::Minted,
    tags: &BTreeMap<String, String>,
    subject_arn: &str,
) -> Value {
    let mut entry = json!({
        "assumedRoleUser": { "arn": claims.assumed_role_arn(), "assumedRoleId": claims.assumed_role_id() },
        "credentials": {
            "accessKeyId": minted.access_key_id,
            "expiration": Timestamp::from_unix(claims.exp).to_string(),
            "secretAccessKey": minted.secret_access_key.as_str(),
            "sessionToken": minted.session_token,
        },
        "packedPolicySize": packed_policy_size(tags),
        "roleArn": claims.role_arn,
    });
    if let Some(si) = &claims.source_identity {
        entry["sourceIdentity"] = json!(si);
    }
    json!({ "credentialSet": [entry], "subjectArn": subject_arn })
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
