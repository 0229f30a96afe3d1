//! Profiles: CreateProfile (`POST /profiles`, 201), GetProfile, UpdateProfile (`PATCH`),
//! DeleteProfile, Enable/DisableProfile and ListProfiles (botocore model). A new profile
//! gets the default attribute mappings (User Guide, "Default Mapping Behavior") and lasts
//! 3600 s unless `durationSeconds` says otherwise (model documentation). Roles are not
//! checked against the configured IAM roles here, as the service does not check them
//! either: CreateSession refuses an unknown role.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State as AxState};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use serde_json::Value;

use super::errors::{ApiResult, quota_exceeded};
use super::resolve::{Kind, alias_free};
use super::resource::{self, Listed, Resource, answer, label, new_id_arn};
use super::shapes::{self, json_body};
use super::{mutate, validate};
use crate::server::AppState;
use crate::state::control::{Tag, TipConfiguration};
use crate::state::ids::iso;
use crate::state::{Profile, State};
use crate::trust::default_attribute_mappings;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CreateInput {
    name: String,
    require_instance_properties: Option<bool>,
    session_policy: Option<String>,
    role_arns: Vec<String>,
    #[serde(default)]
    managed_policy_arns: Vec<String>,
    duration_seconds: Option<i64>,
    enabled: Option<bool>,
    #[serde(default)]
    tags: Vec<Tag>,
    accept_role_session_name: Option<bool>,
    alias_name: Option<String>,
    tip_configuration: Option<TipConfiguration>,
}

/// CreateProfile.
pub async fn create(AxState(app): AxState<Arc<AppState>>, body: Bytes) -> ApiResult<Response> {
    let input: CreateInput = json_body(&body)?;
    validate::resource_name("name", &input.name)?;
    validate::role_arns(&input.role_arns)?;
    validate::managed_policy_arns(&input.managed_policy_arns)?;
    let duration = input
        .duration_seconds
        .map(validate::duration_seconds)
        .transpose()?
        .unwrap_or(3600);
    if let Some(p) = &input.session_policy {
        validate::session_policy(p)?;
    }
    validate::tags(&input.tags)?;
    if let Some(t) = &input.tip_configuration {
        validate::tip_configuration(t)?;
    }
    let alias = input
        .alias_name
        .as_deref()
        .map(validate::alias_name)
        .transpose()?
        .flatten();
    let now = iso(app.clock.now());
    let detail = mutate(&app, |state| {
        if state.profiles.len() >= state.control.quotas.profiles {
            return Err(quota_exceeded("profiles", state.control.quotas.profiles));
        }
        if let Some(a) = &alias {
            alias_free(state, Kind::Profile, a, None)?;
        }
        let (id, arn) = new_id_arn(state, Kind::Profile);
        let profile = Profile {
            profile_id: id,
            profile_arn: arn.clone(),
            name: input.name,
            enabled: input.enabled.unwrap_or(false),
            role_arns: input.role_arns,
            duration_seconds: Some(duration),
            accept_role_session_name: input.accept_role_session_name.unwrap_or(false),
            attribute_mappings: default_attribute_mappings(),
            managed_policy_arns: input.managed_policy_arns,
            session_policy: input.session_policy,
            require_instance_properties: input.require_instance_properties.unwrap_or(false),
            created_by: Some(state.root_arn()),
            created_at: now.clone(),
            updated_at: now,
        };
        label(state, &arn, input.tags, alias);
        if let Some(t) = input.tip_configuration {
            state.control.tip.insert(arn.clone(), t);
        }
        tracing::info!(op = "CreateProfile", profile_arn = %arn, roles = profile.role_arns.len(), enabled = profile.enabled, "profile created");
        state.profiles.push(profile);
        Ok(shapes::profile(
            state,
            state.profiles.last().expect("just pushed"),
        ))
    })?;
    Ok(answer::<Profile>(StatusCode::CREATED, detail))
}

impl Listed for Profile {
    const LIST_KEY: &'static str = "profiles";
    fn all(state: &State) -> &[Self] {
        &state.profiles
    }
    fn id(&self) -> &str {
        &self.profile_id
    }
    fn created_at(&self) -> &str {
        &self.created_at
    }
    fn summary(state: &State, item: &Self) -> Value {
        shapes::profile(state, item)
    }
}

impl Resource for Profile {
    const KIND: Kind = Kind::Profile;
    const ID_MEMBER: &'static str = "profileId";
    const KEY: &'static str = "profile";
    fn all_mut(state: &mut State) -> &mut Vec<Self> {
        &mut state.profiles
    }
    fn arn(&self) -> &str {
        &self.profile_arn
    }
    fn switch(&mut self, enabled: bool, now: String) {
        self.enabled = enabled;
        self.updated_at = now;
        tracing::info!(op = if enabled { "EnableProfile" } else { "DisableProfile" }, profile_arn = %self.profile_arn, enabled, "profile switched");
    }
    fn forget(state: &mut State, removed: &Self) {
        state.control.forget(&removed.profile_arn);
        tracing::info!(op = "DeleteProfile", profile_arn = %removed.profile_arn, "profile deleted");
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct UpdateInput {
    name: Option<String>,
    session_policy: Option<String>,
    role_arns: Option<Vec<String>>,
    managed_policy_arns: Option<Vec<String>>,
    duration_seconds: Option<i64>,
    accept_role_session_name: Option<bool>,
    alias_name: Option<String>,
    tip_configuration: Option<TipConfiguration>,
}

/// UpdateProfile: members given replace the profile's; absent ones stay.
pub async fn update(
    AxState(app): AxState<Arc<AppState>>,
    Path(id): Path<String>,
    body: Bytes,
) -> ApiResult<Response> {
    let input: UpdateInput = json_body(&body)?;
    if let Some(n) = &input.name {
        validate::resource_name("name", n)?;
    }
    if let Some(r) = &input.role_arns {
        validate::role_arns(r)?;
    }
    if let Some(m) = &input.managed_policy_arns {
        validate::managed_policy_arns(m)?;
    }
    let duration = input
        .duration_seconds
        .map(validate::duration_seconds)
        .transpose()?;
    if let Some(p) = &input.session_policy {
        validate::session_policy(p)?;
    }
    if let Some(t) = &input.tip_configuration {
        validate::tip_configuration(t)?;
    }
    let alias = input
        .alias_name
        .as_deref()
        .map(validate::alias_name)
        .transpose()?;
    let now = iso(app.clock.now());
    resource::update::<Profile>(&app, &id, alias, |state, i, arn| {
        if let Some(t) = input.tip_configuration {
            state.control.tip.insert(arn.to_owned(), t);
        }
        let p = &mut state.profiles[i];
        if let Some(v) = input.name {
            p.name = v;
        }
        if let Some(v) = input.session_policy {
            p.session_policy = Some(v);
        }
        if let Some(v) = input.role_arns {
            p.role_arns = v;
        }
        if let Some(v) = input.managed_policy_arns {
            p.managed_policy_arns = v;
        }
        if let Some(v) = duration {
            p.duration_seconds = Some(v);
        }
        if let Some(v) = input.accept_role_session_name {
            p.accept_role_session_name = v;
        }
        p.updated_at = now;
        tracing::info!(op = "UpdateProfile", profile_arn = %arn, "profile updated");
    })
}
