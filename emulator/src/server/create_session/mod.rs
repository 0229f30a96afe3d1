//! `POST /sessions`, CreateSession: the checks of SPEC §3 in its order, each failing as the
//! service does (403 `AccessDeniedException` for trust failures, 400 `ValidationException`
//! for malformed input, 404 `ResourceNotFoundException`, 429 when throttled), then minted
//! credentials in the answer shape of SPEC §1. This file holds the handler and the order
//! of the checks, with steps 2–5 (signature, certificate path, revocation); [`request`]
//! parses step 1's input, [`authorize`] does steps 6–8 and [`respond`] mints the answer.

mod authorize;
mod request;
mod respond;

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use base64ct::{Base64, Encoding};
use roles_anywhere_core::Error as CoreError;
use serde_json::Value;

use super::chain_cache::ChainCache;
use super::error::ApiError;
use super::{AppState, MAX_BODY, PeerAddr, subjects};
use crate::bootstrap::pem_certificates;
use crate::trust;
pub use request::{Input, certificate_from_header, parse_input};
use request::{check_date, core_request, required_header};

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

/// The account of an ARN (its fifth field).
pub(super) fn arn_account(arn: &str) -> &str {
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
    // A SigV4 signature is bound to its region: one made for another region is not ours.
    let scope_region = verified.authorization.scope().region().to_owned();
    let leaf = verified.leaf;
    let chain = verified.chain;
    let cert_key = format!("{}|{}", leaf.issuer(), leaf.serial_decimal());
    if !app.throttle.admit_certificate(&cert_key) {
        return Err(ApiError::throttled("Rate exceeded"));
    }

    // Take what is needed from the state, then release the lock before the crypto.
    let state = app.store.read();
    if scope_region != state.region {
        return Err(invalid_signature(format!(
            "credential scope region {scope_region}, the service is in {}",
            state.region
        )));
    }
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
    let result = authorize::authorize(&input, &leaf, &anchor.trust_anchor_arn, profile, role)
        .and_then(|grant| respond::respond(app, &leaf, grant, partition, &account, now));
    if result.is_err() {
        if let Err(e) = subjects::record(&app.store, &leaf, true, now) {
            tracing::warn!(error = %e, "recording a failed authentication");
        }
    }
    result
}
