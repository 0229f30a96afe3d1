//! Profiles: CreateProfile (`POST /profiles`, 201), GetProfile, UpdateProfile (`PATCH`),
//! DeleteProfile, Enable/DisableProfile and ListProfiles (botocore model). A new profile
//! gets the default attribute mappings (User Guide, "Default Mapping Behavior") and lasts
//! 3600 s unless `durationSeconds` says otherwise (model documentation). Roles are not
//! checked against the configured IAM roles here, as the service does not check them
//! either: CreateSession refuses an unknown role.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State as AxState};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use serde_json::json;

use super::errors::{ApiResult, not_found, quota_exceeded};
use super::resolve::{Kind, alias_free, resolve};
use super::shapes::{self, json_body, query_pairs, reply};
use super::{mutate, pagination, validate};
use crate::server::AppState;
use crate::state::control::{Tag, TipConfiguration};
use crate::state::ids::{iso, new_id, rolesanywhere_arn};
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
        let id = new_id();
        let arn = rolesanywhere_arn(
            &state.partition,
            &state.region,
            &state.account_id,
            "profile",
            &id,
        );
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
            created_by: Some(format!(
                "arn:{}:iam::{}:root",
                state.partition, state.account_id
            )),
            created_at: now.clone(),
            updated_at: now,
        };
        if !input.tags.is_empty() {
            state.control.tags.insert(arn.clone(), input.tags);
        }
        if let Some(a) = alias {
            state.control.aliases.insert(arn.clone(), a);
        }
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
    Ok(reply(StatusCode::CREATED, json!({ "profile": detail })))
}

/// Index of the profile `ident` names.
pub(super) fn find(state: &State, ident: &str) -> ApiResult<usize> {
    let arn = resolve(state, Kind::Profile, "profileId", ident)?;
    state
        .profiles
        .iter()
        .position(|p| p.profile_arn == arn)
        .ok_or_else(|| not_found("profile", ident))
}

/// GetProfile.
pub async fn get(
    AxState(app): AxState<Arc<AppState>>,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let state = app.store.read();
    let i = find(&state, &id)?;
    Ok(reply(
        StatusCode::OK,
        json!({ "profile": shapes::profile(&state, &state.profiles[i]) }),
    ))
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
    let detail = mutate(&app, |state| {
        let i = find(state, &id)?;
        let arn = state.profiles[i].profile_arn.clone();
        if let Some(Some(a)) = &alias {
            alias_free(state, Kind::Profile, a, Some(&arn))?;
        }
        let previous = super::set_alias(state, &arn, alias);
        if let Some(t) = input.tip_configuration {
            state.control.tip.insert(arn.clone(), t);
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
        Ok(shapes::with_previous_alias(
            shapes::profile(state, &state.profiles[i]),
            previous,
        ))
    })?;
    Ok(reply(StatusCode::OK, json!({ "profile": detail })))
}

/// DeleteProfile: answers the deleted profile.
pub async fn delete(
    AxState(app): AxState<Arc<AppState>>,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let detail = mutate(&app, |state| {
        let i = find(state, &id)?;
        let detail = shapes::profile(state, &state.profiles[i]);
        let p = state.profiles.remove(i);
        state.control.forget(&p.profile_arn);
        tracing::info!(op = "DeleteProfile", profile_arn = %p.profile_arn, "profile deleted");
        Ok(detail)
    })?;
    Ok(reply(StatusCode::OK, json!({ "profile": detail })))
}

async fn set_enabled(app: &AppState, id: &str, enabled: bool) -> ApiResult<Response> {
    let now = iso(app.clock.now());
    let detail = mutate(app, |state| {
        let i = find(state, id)?;
        let p = &mut state.profiles[i];
        p.enabled = enabled;
        p.updated_at = now;
        tracing::info!(op = if enabled { "EnableProfile" } else { "DisableProfile" }, profile_arn = %p.profile_arn, enabled, "profile switched");
        Ok(shapes::profile(state, &state.profiles[i]))
    })?;
    Ok(reply(StatusCode::OK, json!({ "profile": detail })))
}

/// EnableProfile.
pub async fn enable(
    AxState(app): AxState<Arc<AppState>>,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    set_enabled(&app, &id, true).await
}

/// DisableProfile.
pub async fn disable(
    AxState(app): AxState<Arc<AppState>>,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    set_enabled(&app, &id, false).await
}

/// ListProfiles.
pub async fn list(
    AxState(app): AxState<Arc<AppState>>,
    RawQuery(q): RawQuery,
) -> ApiResult<Response> {
    let page = pagination::parse(&query_pairs(q.as_deref()))?;
    let state = app.store.read();
    let (items, next) =
        pagination::paginate(&state.profiles, |p| &p.profile_id, |p| &p.created_at, &page);
    let list: Vec<_> = items.iter().map(|p| shapes::profile(&state, p)).collect();
    let mut body = json!({ "profiles": list });
    if let Some(n) = next {
        body["nextToken"] = json!(n);
    }
    Ok(reply(StatusCode::OK, body))
}
