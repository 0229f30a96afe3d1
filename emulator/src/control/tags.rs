//! Tags of trust anchors, profiles and CRLs: TagResource (`POST /TagResource`, 201),
//! UntagResource (`POST /UntagResource`) and ListTagsForResource
//! (`GET /ListTagsForResource?resourceArn=`). A resource holds at most 50 tags (the AWS
//! tagging limit), beyond which TagResource answers the model's `TooManyTagsException`.
//! Tag values are `sensitive` in the model: logs name the keys' count only.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{RawQuery, State as AxState};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use serde_json::json;

use super::errors::{ApiResult, not_found, too_many_tags, validation};
use super::resolve::Kind;
use super::shapes::{json_body, query_pairs, query_value, reply};
use super::{mutate, validate};
use crate::server::AppState;
use crate::state::State;
use crate::state::control::Tag;

/// Tags one resource may hold.
pub const MAX_TAGS_PER_RESOURCE: usize = 50;

/// Check `arn` names an existing taggable resource.
fn existing(state: &State, arn: &str) -> ApiResult<()> {
    validate::length("resourceArn", arn, 1, 1011)?;
    if !arn.starts_with("arn:") {
        return Err(validation(format!("resourceArn {arn} is not an ARN.")));
    }
    match Kind::of_arn(arn) {
        Some(kind) if kind.exists(state, arn) => Ok(()),
        _ => Err(not_found("resource", arn)),
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct TagInput {
    resource_arn: String,
    tags: Vec<Tag>,
}

/// TagResource: adds the tags, replacing the values of keys already there.
pub async fn tag(AxState(app): AxState<Arc<AppState>>, body: Bytes) -> ApiResult<Response> {
    let input: TagInput = json_body(&body)?;
    validate::tags(&input.tags)?;
    mutate(&app, |state| {
        existing(state, &input.resource_arn)?;
        let mut tags = state
            .control
            .tags
            .get(&input.resource_arn)
            .cloned()
            .unwrap_or_default();
        for t in input.tags {
            match tags.iter_mut().find(|x| x.key == t.key) {
                Some(slot) => slot.value = t.value,
                None => tags.push(t),
            }
        }
        if tags.len() > MAX_TAGS_PER_RESOURCE {
            return Err(too_many_tags(format!(
                "A resource can have at most {MAX_TAGS_PER_RESOURCE} tags."
            )));
        }
        tracing::info!(op = "TagResource", resource_arn = %input.resource_arn, tags = tags.len(), "resource tagged");
        state.control.tags.insert(input.resource_arn.clone(), tags);
        Ok(())
    })?;
    Ok(reply(StatusCode::CREATED, json!({})))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct UntagInput {
    resource_arn: String,
    tag_keys: Vec<String>,
}

/// UntagResource.
pub async fn untag(AxState(app): AxState<Arc<AppState>>, body: Bytes) -> ApiResult<Response> {
    let input: UntagInput = json_body(&body)?;
    if input.tag_keys.len() > 200 {
        return Err(validation("tagKeys: at most 200 keys."));
    }
    for k in &input.tag_keys {
        validate::length("tagKeys.member", k, 1, 128)?;
    }
    mutate(&app, |state| {
        existing(state, &input.resource_arn)?;
        if let Some(tags) = state.control.tags.get_mut(&input.resource_arn) {
            tags.retain(|t| !input.tag_keys.contains(&t.key));
            if tags.is_empty() {
                state.control.tags.remove(&input.resource_arn);
            }
        }
        tracing::info!(op = "UntagResource", resource_arn = %input.resource_arn, keys = input.tag_keys.len(), "resource untagged");
        Ok(())
    })?;
    Ok(reply(StatusCode::OK, json!({})))
}

/// ListTagsForResource.
pub async fn list(
    AxState(app): AxState<Arc<AppState>>,
    RawQuery(q): RawQuery,
) -> ApiResult<Response> {
    let pairs = query_pairs(q.as_deref());
    let arn =
        query_value(&pairs, "resourceArn").ok_or_else(|| validation("resourceArn is required."))?;
    let state = app.store.read();
    existing(&state, arn)?;
    let tags = state.control.tags.get(arn).cloned().unwrap_or_default();
    Ok(reply(StatusCode::OK, json!({ "tags": tags })))
}
