//! Trust anchors: CreateTrustAnchor (`POST /trustanchors`, 201), GetTrustAnchor,
//! UpdateTrustAnchor (`PATCH`), DeleteTrustAnchor, Enable/DisableTrustAnchor and
//! ListTrustAnchors (botocore model). Only `CERTIFICATE_BUNDLE` sources work offline; the
//! bundle must hold 1 or 2 CA certificates (User Guide, "Quotas": certificates per trust
//! anchor 2), each a CA with `keyCertSign` (SPEC §3 step 4).

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State as AxState};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use serde_json::json;

use super::errors::{ApiResult, not_found, quota_exceeded};
use super::notifications::{NotificationSettingInput, merge_settings};
use super::resolve::{Kind, alias_free, resolve};
use super::shapes::{self, json_body, query_pairs, reply};
use super::sources::{SourceInput, source};
use super::{mutate, pagination, validate};
use crate::server::AppState;
use crate::state::control::Tag;
use crate::state::ids::{iso, new_id, rolesanywhere_arn};
use crate::state::{NotificationSetting, State, TrustAnchor};

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CreateInput {
    name: String,
    source: SourceInput,
    enabled: Option<bool>,
    crl_dp_revocation_enabled: Option<bool>,
    #[serde(default)]
    tags: Vec<Tag>,
    #[serde(default)]
    notification_settings: Vec<NotificationSettingInput>,
    alias_name: Option<String>,
}

/// CreateTrustAnchor.
pub async fn create(AxState(app): AxState<Arc<AppState>>, body: Bytes) -> ApiResult<Response> {
    let input: CreateInput = json_body(&body)?;
    validate::resource_name("name", &input.name)?;
    validate::tags(&input.tags)?;
    let alias = input
        .alias_name
        .as_deref()
        .map(validate::alias_name)
        .transpose()?
        .flatten();
    let source = source(input.source)?;
    let now = iso(app.clock.now());
    let detail = mutate(&app, |state| {
        if state.trust_anchors.len() >= state.control.quotas.trust_anchors {
            return Err(quota_exceeded(
                "trust anchors",
                state.control.quotas.trust_anchors,
            ));
        }
        if let Some(a) = &alias {
            alias_free(state, Kind::TrustAnchor, a, None)?;
        }
        let settings = merge_settings(
            NotificationSetting::defaults(),
            &input.notification_settings,
            &state.account_id,
        )?;
        let id = new_id();
        let arn = rolesanywhere_arn(
            &state.partition,
            &state.region,
            &state.account_id,
            "trust-anchor",
            &id,
        );
        let ta = TrustAnchor {
            trust_anchor_id: id,
            trust_anchor_arn: arn.clone(),
            name: input.name.clone(),
            enabled: input.enabled.unwrap_or(false),
            source,
            notification_settings: settings,
            created_at: now.clone(),
            updated_at: now,
        };
        if input.crl_dp_revocation_enabled == Some(true) {
            state.control.crl_dp_revocation.insert(arn.clone(), true);
        }
        if !input.tags.is_empty() {
            state.control.tags.insert(arn.clone(), input.tags.clone());
        }
        if let Some(a) = alias {
            state.control.aliases.insert(arn.clone(), a);
        }
        state.trust_anchors.push(ta);
        let ta = state.trust_anchors.last().expect("just pushed");
        tracing::info!(op = "CreateTrustAnchor", trust_anchor_arn = %arn, enabled = ta.enabled, "trust anchor created");
        Ok(shapes::trust_anchor(state, ta))
    })?;
    Ok(reply(StatusCode::CREATED, json!({ "trustAnchor": detail })))
}

/// Index of the anchor `ident` names.
fn find(state: &State, ident: &str) -> ApiResult<usize> {
    let arn = resolve(state, Kind::TrustAnchor, "trustAnchorId", ident)?;
    state
        .trust_anchors
        .iter()
        .position(|t| t.trust_anchor_arn == arn)
        .ok_or_else(|| not_found("trust anchor", ident))
}

/// GetTrustAnchor.
pub async fn get(
    AxState(app): AxState<Arc<AppState>>,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let state = app.store.read();
    let i = find(&state, &id)?;
    Ok(reply(
        StatusCode::OK,
        json!({ "trustAnchor": shapes::trust_anchor(&state, &state.trust_anchors[i]) }),
    ))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct UpdateInput {
    name: Option<String>,
    source: Option<SourceInput>,
    crl_dp_revocation_enabled: Option<bool>,
    alias_name: Option<String>,
}

/// UpdateTrustAnchor.
pub async fn update(
    AxState(app): AxState<Arc<AppState>>,
    Path(id): Path<String>,
    body: Bytes,
) -> ApiResult<Response> {
    let input: UpdateInput = json_body(&body)?;
    if let Some(n) = &input.name {
        validate::resource_name("name", n)?;
    }
    let alias = input
        .alias_name
        .as_deref()
        .map(validate::alias_name)
        .transpose()?;
    let source = input.source.map(source).transpose()?;
    let now = iso(app.clock.now());
    let detail = mutate(&app, |state| {
        let i = find(state, &id)?;
        let arn = state.trust_anchors[i].trust_anchor_arn.clone();
        if let Some(Some(a)) = &alias {
            alias_free(state, Kind::TrustAnchor, a, Some(&arn))?;
        }
        let previous = super::set_alias(state, &arn, alias);
        if let Some(dp) = input.crl_dp_revocation_enabled {
            state.control.crl_dp_revocation.insert(arn.clone(), dp);
        }
        let ta = &mut state.trust_anchors[i];
        if let Some(n) = input.name {
            ta.name = n;
        }
        if let Some(s) = source {
            ta.source = s;
        }
        ta.updated_at = now;
        tracing::info!(op = "UpdateTrustAnchor", trust_anchor_arn = %arn, "trust anchor updated");
        Ok(shapes::with_previous_alias(
            shapes::trust_anchor(state, &state.trust_anchors[i]),
            previous,
        ))
    })?;
    Ok(reply(StatusCode::OK, json!({ "trustAnchor": detail })))
}

/// DeleteTrustAnchor: answers the deleted anchor. Its CRLs go with it: they can revoke
/// nothing else.
pub async fn delete(
    AxState(app): AxState<Arc<AppState>>,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let detail = mutate(&app, |state| {
        let i = find(state, &id)?;
        let detail = shapes::trust_anchor(state, &state.trust_anchors[i]);
        let ta = state.trust_anchors.remove(i);
        let crls: Vec<String> = state
            .crls
            .iter()
            .filter(|c| c.trust_anchor_arn == ta.trust_anchor_arn)
            .map(|c| c.crl_arn.clone())
            .collect();
        state
            .crls
            .retain(|c| c.trust_anchor_arn != ta.trust_anchor_arn);
        for arn in crls.iter().chain(std::iter::once(&ta.trust_anchor_arn)) {
            state.control.forget(arn);
        }
        tracing::info!(op = "DeleteTrustAnchor", trust_anchor_arn = %ta.trust_anchor_arn, crls_deleted = crls.len(), "trust anchor deleted");
        Ok(detail)
    })?;
    Ok(reply(StatusCode::OK, json!({ "trustAnchor": detail })))
}

async fn set_enabled(app: &AppState, id: &str, enabled: bool) -> ApiResult<Response> {
    let now = iso(app.clock.now());
    let detail = mutate(app, |state| {
        let i = find(state, id)?;
        let ta = &mut state.trust_anchors[i];
        ta.enabled = enabled;
        ta.updated_at = now;
        tracing::info!(op = if enabled { "EnableTrustAnchor" } else { "DisableTrustAnchor" }, trust_anchor_arn = %ta.trust_anchor_arn, enabled, "trust anchor switched");
        Ok(shapes::trust_anchor(state, &state.trust_anchors[i]))
    })?;
    Ok(reply(StatusCode::OK, json!({ "trustAnchor": detail })))
}

/// EnableTrustAnchor.
pub async fn enable(
    AxState(app): AxState<Arc<AppState>>,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    set_enabled(&app, &id, true).await
}

/// DisableTrustAnchor.
pub async fn disable(
    AxState(app): AxState<Arc<AppState>>,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    set_enabled(&app, &id, false).await
}

/// ListTrustAnchors.
pub async fn list(
    AxState(app): AxState<Arc<AppState>>,
    RawQuery(q): RawQuery,
) -> ApiResult<Response> {
    let page = pagination::parse(&query_pairs(q.as_deref()))?;
    let state = app.store.read();
    let (items, next) = pagination::paginate(
        &state.trust_anchors,
        |t| &t.trust_anchor_id,
        |t| &t.created_at,
        &page,
    );
    let list: Vec<_> = items
        .iter()
        .map(|t| shapes::trust_anchor(&state, t))
        .collect();
    let mut body = json!({ "trustAnchors": list });
    if let Some(n) = next {
        body["nextToken"] = json!(n);
    }
    Ok(reply(StatusCode::OK, body))
}
