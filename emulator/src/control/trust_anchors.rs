//! Trust anchors: CreateTrustAnchor (`POST /trustanchors`, 201), GetTrustAnchor,
//! UpdateTrustAnchor (`PATCH`), DeleteTrustAnchor, Enable/DisableTrustAnchor and
//! ListTrustAnchors (botocore model). Only `CERTIFICATE_BUNDLE` sources work offline; the
//! bundle must hold 1 or 2 CA certificates (User Guide, "Quotas": certificates per trust
//! anchor 2), each a CA with `keyCertSign` (SPEC §3 step 4).

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State as AxState};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use serde_json::Value;

use super::errors::{ApiResult, quota_exceeded};
use super::notifications::{NotificationSettingInput, merge_settings};
use super::resolve::{Kind, alias_free};
use super::resource::{self, Listed, Resource, answer, label, new_id_arn};
use super::shapes::{self, json_body};
use super::sources::{SourceInput, source};
use super::{mutate, validate};
use crate::server::AppState;
use crate::state::control::Tag;
use crate::state::ids::iso;
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
        let (id, arn) = new_id_arn(state, Kind::TrustAnchor);
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
        label(state, &arn, input.tags.clone(), alias);
        state.trust_anchors.push(ta);
        let ta = state.trust_anchors.last().expect("just pushed");
        tracing::info!(op = "CreateTrustAnchor", trust_anchor_arn = %arn, enabled = ta.enabled, "trust anchor created");
        Ok(shapes::trust_anchor(state, ta))
    })?;
    Ok(answer::<TrustAnchor>(StatusCode::CREATED, detail))
}

impl Listed for TrustAnchor {
    const LIST_KEY: &'static str = "trustAnchors";
    fn all(state: &State) -> &[Self] {
        &state.trust_anchors
    }
    fn id(&self) -> &str {
        &self.trust_anchor_id
    }
    fn created_at(&self) -> &str {
        &self.created_at
    }
    fn summary(state: &State, item: &Self) -> Value {
        shapes::trust_anchor(state, item)
    }
}

impl Resource for TrustAnchor {
    const KIND: Kind = Kind::TrustAnchor;
    const ID_MEMBER: &'static str = "trustAnchorId";
    const KEY: &'static str = "trustAnchor";
    fn all_mut(state: &mut State) -> &mut Vec<Self> {
        &mut state.trust_anchors
    }
    fn arn(&self) -> &str {
        &self.trust_anchor_arn
    }
    fn switch(&mut self, enabled: bool, now: String) {
        self.enabled = enabled;
        self.updated_at = now;
        tracing::info!(op = if enabled { "EnableTrustAnchor" } else { "DisableTrustAnchor" }, trust_anchor_arn = %self.trust_anchor_arn, enabled, "trust anchor switched");
    }
    /// DeleteTrustAnchor: its CRLs go with it, as they can revoke nothing else.
    fn forget(state: &mut State, ta: &Self) {
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
    }
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
    resource::update::<TrustAnchor>(&app, &id, alias, |state, i, arn| {
        if let Some(dp) = input.crl_dp_revocation_enabled {
            state.control.crl_dp_revocation.insert(arn.to_owned(), dp);
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
    })
}
