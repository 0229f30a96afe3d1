//! Attribute mappings of a profile (User Guide, "Certificate Attribute Mapping"):
//! PutAttributeMapping (`PUT /profiles/{profileId}/mappings`) sets the mapping rules of one
//! certificate field; DeleteAttributeMapping (`DELETE …?certificateField=&specifiers=`)
//! removes the named specifiers, or the whole field without `specifiers`. The next
//! CreateSession with the profile maps principal tags by the result (SPEC §3).

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State as AxState};
use axum::response::Response;
use serde::Deserialize;

use super::errors::{ApiResult, validation};
use super::resource::modify;
use super::shapes::{json_body, query_pairs, query_value};
use super::validate;
use crate::server::AppState;
use crate::state::Profile;
use crate::state::ids::iso;
use crate::trust::{delete_attribute_mapping, normalize_specifier, put_attribute_mapping};

const FIELDS: &[&str] = &["x509Subject", "x509Issuer", "x509SAN"];

#[derive(Deserialize)]
struct MappingRule {
    specifier: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PutInput {
    certificate_field: String,
    mapping_rules: Vec<MappingRule>,
}

/// PutAttributeMapping.
pub async fn put(
    AxState(app): AxState<Arc<AppState>>,
    Path(id): Path<String>,
    body: Bytes,
) -> ApiResult<Response> {
    let input: PutInput = json_body(&body)?;
    validate::one_of("certificateField", &input.certificate_field, FIELDS)?;
    let specifiers: Vec<String> = input
        .mapping_rules
        .into_iter()
        .map(|r| r.specifier)
        .collect();
    // Normalization and the specifier rules are the trust model's (one definition for the
    // control plane and CreateSession).
    let mut checked = Vec::new();
    put_attribute_mapping(&mut checked, &input.certificate_field, &specifiers)
        .map_err(validation)?;
    let now = iso(app.clock.now());
    modify::<Profile>(&app, &id, |p| {
        put_attribute_mapping(
            &mut p.attribute_mappings,
            &input.certificate_field,
            &specifiers,
        )
        .map_err(validation)?;
        p.updated_at = now;
        tracing::info!(op = "PutAttributeMapping", profile_arn = %p.profile_arn, field = %input.certificate_field, specifiers = ?specifiers, "attribute mapping set");
        Ok(())
    })
}

/// DeleteAttributeMapping.
pub async fn delete(
    AxState(app): AxState<Arc<AppState>>,
    Path(id): Path<String>,
    RawQuery(q): RawQuery,
) -> ApiResult<Response> {
    let pairs = query_pairs(q.as_deref());
    let field = query_value(&pairs, "certificateField")
        .ok_or_else(|| validation("certificateField is required."))?
        .to_owned();
    validate::one_of("certificateField", &field, FIELDS)?;
    let specifiers: Vec<String> = pairs
        .iter()
        .filter(|(n, _)| n == "specifiers")
        .map(|(_, v)| v.clone())
        .collect();
    for s in &specifiers {
        validate::length("specifiers.member", s, 0, 60)?;
        normalize_specifier(&field, s).map_err(validation)?;
    }
    let now = iso(app.clock.now());
    modify::<Profile>(&app, &id, |p| {
        let which = (!specifiers.is_empty()).then_some(specifiers.as_slice());
        delete_attribute_mapping(&mut p.attribute_mappings, &field, which).map_err(validation)?;
        p.updated_at = now;
        tracing::info!(op = "DeleteAttributeMapping", profile_arn = %p.profile_arn, field = %field, specifiers = ?specifiers, "attribute mapping deleted");
        Ok(())
    })
}
