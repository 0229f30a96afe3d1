//! Certificate revocation lists: ImportCrl (`POST /crls`, 201), GetCrl, UpdateCrl
//! (`PATCH`), DeleteCrl, Enable/DisableCrl and ListCrls (botocore model). `crlData` is a
//! blob (base64 in JSON) of a PEM or DER CRL, stored as DER; at most 2 CRLs per trust
//! anchor (User Guide, "Quotas", not adjustable). The next CreateSession checks revocation
//! against the enabled ones (SPEC §3 step 5).

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State as AxState};
use axum::http::StatusCode;
use axum::response::Response;
use base64ct::{Base64, Encoding};
use serde::Deserialize;
use serde_json::json;

use super::errors::{ApiResult, not_found, quota_exceeded, validation};
use super::resolve::{Kind, alias_free, resolve};
use super::shapes::{self, json_body, query_pairs, reply};
use super::{mutate, pagination, validate};
use crate::server::AppState;
use crate::state::control::Tag;
use crate::state::ids::{iso, new_id, rolesanywhere_arn};
use crate::state::{Crl, State};

/// CRLs one trust anchor may have.
pub const MAX_CRLS_PER_ANCHOR: usize = 2;

/// The blob's bytes (PEM or DER CRL) as base64 DER, checked to parse.
fn crl_data(member: &str, b64: &str) -> ApiResult<String> {
    let bytes = Base64::decode_vec(b64.trim())
        .map_err(|_| validation(format!("{member} is not base64.")))?;
    if bytes.is_empty() || bytes.len() > 300_000 {
        return Err(validation(format!(
            "Value at '{member}' failed to satisfy constraint: Member must have length between 1 and 300000"
        )));
    }
    let der = crate::trust::crl_to_der(&bytes).map_err(|e| validation(format!("{member}: {e}")))?;
    Ok(Base64::encode_string(&der))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ImportInput {
    name: String,
    crl_data: String,
    enabled: Option<bool>,
    #[serde(default)]
    tags: Vec<Tag>,
    trust_anchor_arn: String,
    alias_name: Option<String>,
}

/// ImportCrl.
pub async fn import(AxState(app): AxState<Arc<AppState>>, body: Bytes) -> ApiResult<Response> {
    let input: ImportInput = json_body(&body)?;
    validate::resource_name("name", &input.name)?;
    validate::tags(&input.tags)?;
    validate::length("trustAnchorArn", &input.trust_anchor_arn, 1, 1011)?;
    if !input.trust_anchor_arn.starts_with("arn:") {
        return Err(validation("trustAnchorArn must be a trust anchor ARN."));
    }
    let alias = input
        .alias_name
        .as_deref()
        .map(validate::alias_name)
        .transpose()?
        .flatten();
    let data = crl_data("crlData", &input.crl_data)?;
    let now = iso(app.clock.now());
    let detail = mutate(&app, |state| {
        // The model: an alias ARN here is a ResourceNotFoundException.
        if state.trust_anchor(&input.trust_anchor_arn).is_none() {
            return Err(not_found("trust anchor", &input.trust_anchor_arn));
        }
        if state
            .crls
            .iter()
            .filter(|c| c.trust_anchor_arn == input.trust_anchor_arn)
            .count()
            >= MAX_CRLS_PER_ANCHOR
        {
            return Err(quota_exceeded("CRLs per trust anchor", MAX_CRLS_PER_ANCHOR));
        }
        if let Some(a) = &alias {
            alias_free(state, Kind::Crl, a, None)?;
        }
        let id = new_id();
        let arn = rolesanywhere_arn(
            &state.partition,
            &state.region,
            &state.account_id,
            "crl",
            &id,
        );
        let crl = Crl {
            crl_id: id,
            crl_arn: arn.clone(),
            name: input.name,
            enabled: input.enabled.unwrap_or(false),
            trust_anchor_arn: input.trust_anchor_arn,
            crl_data: data,
            created_at: now.clone(),
            updated_at: now,
        };
        if !input.tags.is_empty() {
            state.control.tags.insert(arn.clone(), input.tags);
        }
        if let Some(a) = alias {
            state.control.aliases.insert(arn.clone(), a);
        }
        tracing::info!(op = "ImportCrl", crl_arn = %arn, trust_anchor_arn = %crl.trust_anchor_arn, enabled = crl.enabled, "CRL imported");
        state.crls.push(crl);
        Ok(shapes::crl(state, state.crls.last().expect("just pushed")))
    })?;
    Ok(reply(StatusCode::CREATED, json!({ "crl": detail })))
}

fn find(state: &State, ident: &str) -> ApiResult<usize> {
    let arn = resolve(state, Kind::Crl, "crlId", ident)?;
    state
        .crls
        .iter()
        .position(|c| c.crl_arn == arn)
        .ok_or_else(|| not_found("CRL", ident))
}

/// GetCrl.
pub async fn get(
    AxState(app): AxState<Arc<AppState>>,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let state = app.store.read();
    let i = find(&state, &id)?;
    Ok(reply(
        StatusCode::OK,
        json!({ "crl": shapes::crl(&state, &state.crls[i]) }),
    ))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct UpdateInput {
    name: Option<String>,
    crl_data: Option<String>,
    alias_name: Option<String>,
}

/// UpdateCrl.
pub async fn update(
    AxState(app): AxState<Arc<AppState>>,
    Path(id): Path<String>,
    body: Bytes,
) -> ApiResult<Response> {
    let input: UpdateInput = json_body(&body)?;
    if let Some(n) = &input.name {
        validate::resource_name("name", n)?;
    }
    let data = input
        .crl_data
        .as_deref()
        .map(|d| crl_data("crlData", d))
        .transpose()?;
    let alias = input
        .alias_name
        .as_deref()
        .map(validate::alias_name)
        .transpose()?;
    let now = iso(app.clock.now());
    let detail = mutate(&app, |state| {
        let i = find(state, &id)?;
        let arn = state.crls[i].crl_arn.clone();
        if let Some(Some(a)) = &alias {
            alias_free(state, Kind::Crl, a, Some(&arn))?;
        }
        let previous = super::set_alias(state, &arn, alias);
        let c = &mut state.crls[i];
        if let Some(n) = input.name {
            c.name = n;
        }
        if let Some(d) = data {
            c.crl_data = d;
        }
        c.updated_at = now;
        tracing::info!(op = "UpdateCrl", crl_arn = %arn, "CRL updated");
        Ok(shapes::with_previous_alias(
            shapes::crl(state, &state.crls[i]),
            previous,
        ))
    })?;
    Ok(reply(StatusCode::OK, json!({ "crl": detail })))
}

/// DeleteCrl: answers the deleted CRL.
pub async fn delete(
    AxState(app): AxState<Arc<AppState>>,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let detail = mutate(&app, |state| {
        let i = find(state, &id)?;
        let detail = shapes::crl(state, &state.crls[i]);
        let c = state.crls.remove(i);
        state.control.forget(&c.crl_arn);
        tracing::info!(op = "DeleteCrl", crl_arn = %c.crl_arn, "CRL deleted");
        Ok(detail)
    })?;
    Ok(reply(StatusCode::OK, json!({ "crl": detail })))
}

async fn set_enabled(app: &AppState, id: &str, enabled: bool) -> ApiResult<Response> {
    let now = iso(app.clock.now());
    let detail = mutate(app, |state| {
        let i = find(state, id)?;
        let c = &mut state.crls[i];
        c.enabled = enabled;
        c.updated_at = now;
        tracing::info!(op = if enabled { "EnableCrl" } else { "DisableCrl" }, crl_arn = %c.crl_arn, enabled, "CRL switched");
        Ok(shapes::crl(state, &state.crls[i]))
    })?;
    Ok(reply(StatusCode::OK, json!({ "crl": detail })))
}

/// EnableCrl.
pub async fn enable(
    AxState(app): AxState<Arc<AppState>>,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    set_enabled(&app, &id, true).await
}

/// DisableCrl.
pub async fn disable(
    AxState(app): AxState<Arc<AppState>>,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    set_enabled(&app, &id, false).await
}

/// ListCrls.
pub async fn list(
    AxState(app): AxState<Arc<AppState>>,
    RawQuery(q): RawQuery,
) -> ApiResult<Response> {
    let page = pagination::parse(&query_pairs(q.as_deref()))?;
    let state = app.store.read();
    let (items, next) = pagination::paginate(&state.crls, |c| &c.crl_id, |c| &c.created_at, &page);
    let list: Vec<_> = items.iter().map(|c| shapes::crl(&state, c)).collect();
    let mut body = json!({ "crls": list });
    if let Some(n) = next {
        body["nextToken"] = json!(n);
    }
    Ok(reply(StatusCode::OK, body))
}
