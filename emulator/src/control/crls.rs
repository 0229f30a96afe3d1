//! Certificate revocation lists: ImportCrl (`POST /crls`, 201), GetCrl, UpdateCrl
//! (`PATCH`), DeleteCrl, Enable/DisableCrl and ListCrls (botocore model). `crlData` is a
//! blob (base64 in JSON) of a PEM or DER CRL, stored as DER; at most 2 CRLs per trust
//! anchor (User Guide, "Quotas", not adjustable). The next CreateSession checks revocation
//! against the enabled ones (SPEC §3 step 5).

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State as AxState};
use axum::http::StatusCode;
use axum::response::Response;
use base64ct::{Base64, Encoding};
use serde::Deserialize;
use serde_json::Value;

use super::errors::{ApiResult, not_found, quota_exceeded, validation};
use super::resolve::{Kind, alias_free};
use super::resource::{self, Listed, Resource, answer, label, new_id_arn};
use super::shapes::{self, json_body};
use super::{mutate, validate};
use crate::server::AppState;
use crate::state::control::Tag;
use crate::state::ids::iso;
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
        let (id, arn) = new_id_arn(state, Kind::Crl);
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
        label(state, &arn, input.tags, alias);
        tracing::info!(op = "ImportCrl", crl_arn = %arn, trust_anchor_arn = %crl.trust_anchor_arn, enabled = crl.enabled, "CRL imported");
        state.crls.push(crl);
        Ok(shapes::crl(state, state.crls.last().expect("just pushed")))
    })?;
    Ok(answer::<Crl>(StatusCode::CREATED, detail))
}

impl Listed for Crl {
    const LIST_KEY: &'static str = "crls";
    fn all(state: &State) -> &[Self] {
        &state.crls
    }
    fn id(&self) -> &str {
        &self.crl_id
    }
    fn created_at(&self) -> &str {
        &self.created_at
    }
    fn summary(state: &State, item: &Self) -> Value {
        shapes::crl(state, item)
    }
}

impl Resource for Crl {
    const KIND: Kind = Kind::Crl;
    const ID_MEMBER: &'static str = "crlId";
    const KEY: &'static str = "crl";
    fn all_mut(state: &mut State) -> &mut Vec<Self> {
        &mut state.crls
    }
    fn arn(&self) -> &str {
        &self.crl_arn
    }
    fn switch(&mut self, enabled: bool, now: String) {
        self.enabled = enabled;
        self.updated_at = now;
        tracing::info!(op = if enabled { "EnableCrl" } else { "DisableCrl" }, crl_arn = %self.crl_arn, enabled, "CRL switched");
    }
    fn forget(state: &mut State, removed: &Self) {
        state.control.forget(&removed.crl_arn);
        tracing::info!(op = "DeleteCrl", crl_arn = %removed.crl_arn, "CRL deleted");
    }
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
    resource::update::<Crl>(&app, &id, alias, |state, i, arn| {
        let c = &mut state.crls[i];
        if let Some(n) = input.name {
            c.name = n;
        }
        if let Some(d) = data {
            c.crl_data = d;
        }
        c.updated_at = now;
        tracing::info!(op = "UpdateCrl", crl_arn = %arn, "CRL updated");
    })
}
