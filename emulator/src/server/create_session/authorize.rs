//! SPEC §3 steps 6–8, once the certificate is trusted: the profile (enabled, naming the
//! role), the role's trust policy over the request's condition keys, the session duration
//! and the role session name; what is granted goes to [`super::respond`].

use std::collections::BTreeMap;

use roles_anywhere_core::Certificate;

use super::super::error::ApiError;
use super::arn_account;
use super::request::Input;
use crate::bootstrap::SERVICE_PRINCIPAL;
use crate::state::{Profile, Role};
use crate::trust::{self, PolicyContext, TrustPolicy};

/// What steps 6–8 allow: the role, and the session's name, source identity, principal
/// tags and duration.
pub(super) struct Grant {
    pub role: Role,
    pub session_name: String,
    pub source_identity: Option<String>,
    pub tags: BTreeMap<String, String>,
    pub duration: u32,
}

/// Steps 6–8 for the authenticated `leaf` through the anchor `anchor_arn`, with the
/// profile and role the request names (`None`: not in the state).
pub(super) fn authorize(
    input: &Input,
    leaf: &Certificate,
    anchor_arn: &str,
    profile: Option<Profile>,
    role: Option<Role>,
) -> Result<Grant, ApiError> {
    // 6. The profile, its roles, the role's trust policy.
    let profile = profile
        .ok_or_else(|| ApiError::not_found(format!("Profile {} not found", input.profile_arn)))?;
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
    let tags = trust::principal_tags(leaf, &profile.attribute_mappings);
    let source_identity = trust::source_identity(leaf);
    let session_name = trust::role_session_name(
        leaf,
        input.role_session_name.as_deref(),
        profile.accept_role_session_name,
    );
    let context = policy_context(
        anchor_arn,
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
    Ok(Grant {
        role,
        session_name,
        source_identity,
        tags,
        duration,
    })
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
