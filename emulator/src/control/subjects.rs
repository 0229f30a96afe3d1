//! Subjects: ListSubjects (`GET /subjects`) and GetSubject (`GET /subject/{subjectId}`)
//! show what CreateSession recorded (SPEC §3 "Subjects": keyed by the X.509 subject, first
//! and last seen, the recent certificates). Read-only: the CreateSession path writes them.

use std::sync::Arc;

use axum::extract::{Path, State as AxState};
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{Value, json};

use super::errors::{ApiResult, not_found};
use super::resource::Listed;
use super::shapes::{self, reply};
use super::validate;
use crate::server::AppState;
use crate::state::{State, Subject};

/// ListSubjects (through [`super::resource::list`]).
impl Listed for Subject {
    const LIST_KEY: &'static str = "subjects";
    fn all(state: &State) -> &[Self] {
        &state.subjects
    }
    fn id(&self) -> &str {
        &self.subject_id
    }
    fn created_at(&self) -> &str {
        &self.created_at
    }
    fn summary(_: &State, item: &Self) -> Value {
        shapes::subject_summary(item)
    }
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
