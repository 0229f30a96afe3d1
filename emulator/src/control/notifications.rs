//! Notification settings of trust anchors: PutNotificationSettings
//! (`PATCH /put-notifications-settings`) and ResetNotificationSettings
//! (`PATCH /reset-notifications-settings`). A setting is keyed by (event, channel); the
//! service's defaults (both events on, 45 days, channel `ALL`, configured by
//! `rolesanywhere.amazonaws.com`; SPEC §3) apply until customized, and customized ones are
//! `configuredBy` the account.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State as AxState;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use serde_json::json;

use super::errors::{ApiResult, not_found, validation};
use super::shapes::{self, json_body, reply};
use super::{mutate, validate};
use crate::server::AppState;
use crate::state::ids::iso;
use crate::state::{NotificationSetting, State};

const EVENTS: &[&str] = &["CA_CERTIFICATE_EXPIRY", "END_ENTITY_CERTIFICATE_EXPIRY"];
const CHANNELS: &[&str] = &["ALL"];

/// botocore `NotificationSetting` (input).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NotificationSettingInput {
    enabled: bool,
    event: String,
    threshold: Option<i64>,
    channel: Option<String>,
}

/// botocore `NotificationSettingKey`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
struct NotificationSettingKey {
    event: String,
    channel: Option<String>,
}

fn check_key(event: &str, channel: Option<&str>) -> ApiResult<String> {
    validate::one_of("event", event, EVENTS)?;
    let channel = channel.unwrap_or("ALL");
    validate::one_of("channel", channel, CHANNELS)?;
    Ok(channel.to_owned())
}

/// `current` with each of `inputs` put in place of the setting of its (event, channel).
pub fn merge_settings(
    mut current: Vec<NotificationSetting>,
    inputs: &[NotificationSettingInput],
    account_id: &str,
) -> ApiResult<Vec<NotificationSetting>> {
    if inputs.len() > 50 {
        return Err(validation("notificationSettings: at most 50 settings."));
    }
    for input in inputs {
        let channel = check_key(&input.event, input.channel.as_deref())?;
        let threshold = match input.threshold {
            None => 45,
            Some(t) => u32::try_from(t).ok().filter(|t| (1..=360).contains(t)).ok_or_else(|| {
                validation(format!(
                    "Value '{t}' at 'notificationSettings.member.threshold' failed to satisfy constraint: Member must have value between 1 and 360"
                ))
            })?,
        };
        let setting = NotificationSetting {
            event: input.event.clone(),
            enabled: input.enabled,
            threshold,
            channel: channel.clone(),
            configured_by: Some(account_id.to_owned()),
        };
        match current
            .iter_mut()
            .find(|s| s.event == input.event && s.channel == channel)
        {
            Some(slot) => *slot = setting,
            None => current.push(setting),
        }
    }
    Ok(current)
}

fn anchor_index(state: &State, id: &str) -> ApiResult<usize> {
    validate::uuid("trustAnchorId", id)?;
    state
        .trust_anchors
        .iter()
        .position(|t| t.trust_anchor_id == id)
        .ok_or_else(|| not_found("trust anchor", id))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PutInput {
    trust_anchor_id: String,
    notification_settings: Vec<NotificationSettingInput>,
}

/// PutNotificationSettings.
pub async fn put(AxState(app): AxState<Arc<AppState>>, body: Bytes) -> ApiResult<Response> {
    let input: PutInput = json_body(&body)?;
    let now = iso(app.clock.now());
    let detail = mutate(&app, |state| {
        let i = anchor_index(state, &input.trust_anchor_id)?;
        let merged = merge_settings(
            state.trust_anchors[i].notification_settings.clone(),
            &input.notification_settings,
            &state.account_id,
        )?;
        let ta = &mut state.trust_anchors[i];
        ta.notification_settings = merged;
        ta.updated_at = now;
        tracing::info!(op = "PutNotificationSettings", trust_anchor_arn = %ta.trust_anchor_arn, "notification settings customized");
        Ok(shapes::trust_anchor(state, &state.trust_anchors[i]))
    })?;
    Ok(reply(StatusCode::OK, json!({ "trustAnchor": detail })))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ResetInput {
    trust_anchor_id: String,
    notification_setting_keys: Vec<NotificationSettingKey>,
}

/// ResetNotificationSettings: the named settings go back to the service's defaults.
pub async fn reset(AxState(app): AxState<Arc<AppState>>, body: Bytes) -> ApiResult<Response> {
    let input: ResetInput = json_body(&body)?;
    if input.notification_setting_keys.len() > 50 {
        return Err(validation("notificationSettingKeys: at most 50 keys."));
    }
    let keys = input
        .notification_setting_keys
        .iter()
        .map(|k| Ok((k.event.clone(), check_key(&k.event, k.channel.as_deref())?)))
        .collect::<ApiResult<Vec<_>>>()?;
    let now = iso(app.clock.now());
    let detail = mutate(&app, |state| {
        let i = anchor_index(state, &input.trust_anchor_id)?;
        let defaults = NotificationSetting::defaults();
        let ta = &mut state.trust_anchors[i];
        for (event, channel) in &keys {
            let default = defaults
                .iter()
                .find(|d| &d.event == event && &d.channel == channel);
            match (
                ta.notification_settings
                    .iter_mut()
                    .find(|s| &s.event == event && &s.channel == channel),
                default,
            ) {
                (Some(slot), Some(d)) => *slot = d.clone(),
                (None, Some(d)) => ta.notification_settings.push(d.clone()),
                (Some(_), None) => ta
                    .notification_settings
                    .retain(|s| !(&s.event == event && &s.channel == channel)),
                (None, None) => {}
            }
        }
        ta.updated_at = now;
        tracing::info!(op = "ResetNotificationSettings", trust_anchor_arn = %ta.trust_anchor_arn, keys = keys.len(), "notification settings reset");
        Ok(shapes::trust_anchor(state, &state.trust_anchors[i]))
    })?;
    Ok(reply(StatusCode::OK, json!({ "trustAnchor": detail })))
}
