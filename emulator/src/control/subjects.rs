//! Subjects: ListSubjects (`GET /subjects`) and GetSubject (`GET /subject/{subjectId}`)
//! show what CreateSession recorded (SPEC §3 "Subjects": keyed by the X.509 subject, first
//! and last seen, the recent certificates). Read-only: the CreateSession path writes them.

use std::sync::Arc;

use axum::extract::{Path, RawQuery, State as AxState};
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::json;

use super::errors::{ApiResult, not_found};
use super::shapes::{self, query_pairs, reply};
use super::{pagination, validate};
use crate::server::AppState;

/// ListSubjects.
pub async fn list(
    AxState(app): AxState<Arc<AppState>>,
    RawQuery(q): RawQuery,
) -> ApiResult<Response> {
    let page = pagination::parse(&query_pairs(q.as_deref()))?;
    let state = app.store.read();
    let (items, next) =
        pagination::paginate(&state.subjects, |s| &s.subject_id, |s| &s.created_at, &page);
    let list: Vec<_> = items.iter().map(shapes::subject_summary).collect();
    let mut body = json!({ "subjects": list });
    if let Some(n) = next {
        body["nextToken"] = json!(n);
    }
    Ok(reply(StatusCode::OK, body))
}

/// GetSubject (`subjectId` is a `Uuid`).
pub async fn get(
    AxState(app): AxState<Arc<AppState>>,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    validate::uuid("subjectId", &id)?;
    let state = app.store.read();
    let subject = state
        .subjects
        .iter()
        .find(|s| s.subject_id == id)
        .ok_or_else(|| not_found("subject", &id))?;
    Ok(reply(
        StatusCode::OK,
        json!({ "subject": shapes::subject_detail(subject) }),
    ))
}
