//! Wire shapes of the botocore model: reading a request (JSON body, query string) and
//! writing `TrustAnchorDetail`, `ProfileDetail`, `CrlDetail`, `SubjectSummary` and
//! `SubjectDetail` from the state. Timestamps are ISO 8601 strings
//! (`SyntheticTimestamp_date_time`, `timestampFormat: iso8601`); blobs are base64.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;
use serde_json::{Map, Value, json};

use super::errors::{ApiResult, validation};
use super::resolve::{Kind, alias_arn};
use crate::state::{Crl, Profile, State, Subject, TrustAnchor};

/// Parse a JSON request body into `T`; an empty body is `{}` (what botocore sends for
/// operations without body members). Type and required-member errors are 400s.
pub fn json_body<T: DeserializeOwned>(body: &[u8]) -> ApiResult<T> {
    let body: &[u8] = if body.iter().all(u8::is_ascii_whitespace) {
        b"{}"
    } else {
        body
    };
    serde_json::from_slice(body)
        .map_err(|e| validation(format!("1 validation error detected: {e}")))
}

/// The query string's pairs, percent-decoded.
pub fn query_pairs(raw: Option<&str>) -> Vec<(String, String)> {
    form_urlencoded::parse(raw.unwrap_or("").as_bytes())
        .into_owned()
        .collect()
}

/// The single value of a query parameter.
pub fn query_value<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
}

/// A JSON answer with `status`.
pub fn reply(status: StatusCode, body: Value) -> Response {
    (status, Json(body)).into_response()
}

fn to_object<T: serde::Serialize>(value: &T) -> Map<String, Value> {
    match serde_json::to_value(value) {
        Ok(Value::Object(map)) => map,
        // The state types are structs of strings, numbers and lists: always objects.
        _ => Map::new(),
    }
}

fn add_alias(map: &mut Map<String, Value>, state: &State, kind: Kind, arn: &str) {
    if let Some(alias) = state.control.aliases.get(arn) {
        map.insert("aliasName".into(), json!(alias));
        map.insert("aliasArn".into(), json!(alias_arn(state, kind, alias)));
    }
}

/// `TrustAnchorDetail`.
pub fn trust_anchor(state: &State, ta: &TrustAnchor) -> Value {
    let mut map = to_object(ta);
    let dp = state
        .control
        .crl_dp_revocation
        .get(&ta.trust_anchor_arn)
        .copied()
        .unwrap_or(false);
    map.insert("crlDpRevocationEnabled".into(), json!(dp));
    add_alias(&mut map, state, Kind::TrustAnchor, &ta.trust_anchor_arn);
    Value::Object(map)
}

/// `ProfileDetail`.
pub fn profile(state: &State, p: &Profile) -> Value {
    let mut map = to_object(p);
    map.entry("durationSeconds").or_insert(json!(3600));
    if let Some(tip) = state.control.tip.get(&p.profile_arn) {
        map.insert("tipConfiguration".into(), json!(tip));
    }
    add_alias(&mut map, state, Kind::Profile, &p.profile_arn);
    Value::Object(map)
}

/// `CrlDetail` (`crlData` is already base64 DER in the state).
pub fn crl(state: &State, c: &Crl) -> Value {
    let mut map = to_object(c);
    add_alias(&mut map, state, Kind::Crl, &c.crl_arn);
    Value::Object(map)
}

/// `SubjectSummary`.
pub fn subject_summary(s: &Subject) -> Value {
    let mut map = to_object(s);
    map.remove("credentials");
    Value::Object(map)
}

/// `SubjectDetail`.
pub fn subject_detail(s: &Subject) -> Value {
    Value::Object(to_object(s))
}

/// Add `previousAliasName` to a detail when an update changed or removed an alias (the
/// model: only then).
pub fn with_previous_alias(mut detail: Value, previous: Option<String>) -> Value {
    if let (Some(prev), Value::Object(map)) = (previous, &mut detail) {
        map.insert("previousAliasName".into(), json!(prev));
    }
    detail
}
