//! The answer once steps 1–8 passed: mint the session's credentials, record the Subject,
//! and the 201 body of SPEC §1.

use std::collections::BTreeMap;

use roles_anywhere_core::{Certificate, Timestamp};
use serde_json::{Value, json};

use super::super::credentials::{Minted, SessionClaims};
use super::super::error::ApiError;
use super::super::{AppState, subjects};
use super::arn_account;
use super::authorize::Grant;

/// Mint credentials for `grant` at `now`, record the certificate's Subject as a success,
/// log the grant and answer the 201 body.
pub(super) fn respond(
    app: &AppState,
    leaf: &Certificate,
    grant: Grant,
    partition: String,
    account: &str,
    now: Timestamp,
) -> Result<Value, ApiError> {
    let Grant {
        role,
        session_name,
        source_identity,
        tags,
        duration,
    } = grant;
    let claims = SessionClaims {
        akid: String::new(),
        account: arn_account(&role.role_arn).to_owned(),
        partition,
        role_arn: role.role_arn.clone(),
        role_id: role.role_id.clone(),
        session_name,
        source_identity,
        tags: tags.clone(),
        iat: now.unix(),
        exp: now.unix() + i64::from(duration),
    };
    let (minted, claims) = app.sealer.mint(claims);
    let subject_arn = subjects::record(&app.store, leaf, false, now)
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
    minted: &Minted,
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
