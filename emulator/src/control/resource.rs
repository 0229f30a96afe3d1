//! What the control plane's resource kinds share: one definition of Get, Enable/Disable,
//! Delete and List (and of resolving an identifier, then changing the resource it names),
//! for trust anchors, profiles and CRLs alike ([`Resource`]); List also for subjects
//! ([`Listed`]). Each kind says where its resources live in the state, its ids and ARN,
//! and its detail shape; the routes, status codes, errors and JSON stay each operation's.

use std::sync::Arc;

use axum::extract::{Path, RawQuery, State as AxState};
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{Value, json};

use super::errors::{ApiResult, not_found};
use super::resolve::{Kind, alias_free, resolve};
use super::shapes::{self, query_pairs, reply};
use super::{mutate, pagination};
use crate::server::AppState;
use crate::state::State;
use crate::state::ids::{iso, new_id};

/// A kind of resource the List operations page through.
pub(super) trait Listed: Clone + Sized {
    /// The list answer's member (`"trustAnchors"`, …).
    const LIST_KEY: &'static str;
    /// The resources of this kind, in creation order.
    fn all(state: &State) -> &[Self];
    /// Its id (the pagination token names it).
    fn id(&self) -> &str;
    /// Its creation time.
    fn created_at(&self) -> &str;
    /// Its shape in the list answer.
    fn summary(state: &State, item: &Self) -> Value;
}

/// A kind of resource the control plane creates, updates, switches and deletes.
pub(super) trait Resource: Listed {
    /// Its kind for identifiers and aliases.
    const KIND: Kind;
    /// The path parameter naming it in messages (`"trustAnchorId"`, …).
    const ID_MEMBER: &'static str;
    /// The answer's member holding its detail (`"trustAnchor"`, …).
    const KEY: &'static str;
    /// The resources of this kind, to change.
    fn all_mut(state: &mut State) -> &mut Vec<Self>;
    /// Its ARN.
    fn arn(&self) -> &str;
    /// Switch it on or off at `now`, and log that.
    fn switch(&mut self, enabled: bool, now: String);
    /// What deleting it takes besides removing it from [`Resource::all_mut`] (its tags,
    /// alias and settings; what depends on it), and the log line.
    fn forget(state: &mut State, removed: &Self);
    /// Its detail shape.
    fn detail(state: &State, item: &Self) -> Value {
        Self::summary(state, item)
    }
}

/// Index of the resource `ident` (id, ARN or alias ARN) names.
pub(super) fn find<R: Resource>(state: &State, ident: &str) -> ApiResult<usize> {
    let arn = resolve(state, R::KIND, R::ID_MEMBER, ident)?;
    R::all(state)
        .iter()
        .position(|r| r.arn() == arn)
        .ok_or_else(|| not_found(R::KIND.human(), ident))
}

/// The answer with one resource's detail.
pub(super) fn answer<R: Resource>(status: StatusCode, detail: Value) -> Response {
    reply(status, json!({ R::KEY: detail }))
}

/// A new resource's id and ARN.
pub(super) fn new_id_arn(state: &State, kind: Kind) -> (String, String) {
    let id = new_id();
    let arn = state.arn(kind.arn_type(), &id);
    (id, arn)
}

/// Record the tags and alias a Create request gave the resource `arn`.
pub(super) fn label(
    state: &mut State,
    arn: &str,
    tags: Vec<crate::state::control::Tag>,
    alias: Option<String>,
) {
    if !tags.is_empty() {
        state.control.tags.insert(arn.to_owned(), tags);
    }
    if let Some(a) = alias {
        state.control.aliases.insert(arn.to_owned(), a);
    }
}

/// Get…: the detail of the resource `id` names.
pub(super) async fn get<R: Resource>(
    AxState(app): AxState<Arc<AppState>>,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let state = app.store.read();
    let i = find::<R>(&state, &id)?;
    Ok(answer::<R>(
        StatusCode::OK,
        R::detail(&state, &R::all(&state)[i]),
    ))
}

/// Resolve `id`, change the resource it names with `f` (which checks before it changes
/// anything), write the state and answer its detail.
pub(super) fn modify<R: Resource>(
    app: &AppState,
    id: &str,
    f: impl FnOnce(&mut R) -> ApiResult<()>,
) -> ApiResult<Response> {
    let detail = mutate(app, |state| {
        let i = find::<R>(state, id)?;
        f(&mut R::all_mut(state)[i])?;
        Ok(R::detail(state, &R::all(state)[i]))
    })?;
    Ok(answer::<R>(StatusCode::OK, detail))
}

/// Update…: resolve `id`, check and set the alias (`Some(None)` removes it), then `apply`
/// the rest of the update (which can no longer fail) to the state, the resource's index
/// and ARN; answers the detail with `previousAliasName` when the alias changed.
pub(super) fn update<R: Resource>(
    app: &AppState,
    id: &str,
    alias: Option<Option<String>>,
    apply: impl FnOnce(&mut State, usize, &str),
) -> ApiResult<Response> {
    let detail = mutate(app, |state| {
        let i = find::<R>(state, id)?;
        let arn = R::all(state)[i].arn().to_owned();
        if let Some(Some(a)) = &alias {
            alias_free(state, R::KIND, a, Some(&arn))?;
        }
        let previous = super::set_alias(state, &arn, alias);
        apply(state, i, &arn);
        Ok(shapes::with_previous_alias(
            R::detail(state, &R::all(state)[i]),
            previous,
        ))
    })?;
    Ok(answer::<R>(StatusCode::OK, detail))
}

/// Delete…: answers the deleted resource.
pub(super) async fn delete<R: Resource>(
    AxState(app): AxState<Arc<AppState>>,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let detail = mutate(&app, |state| {
        let i = find::<R>(state, &id)?;
        let detail = R::detail(state, &R::all(state)[i]);
        let removed = R::all_mut(state).remove(i);
        R::forget(state, &removed);
        Ok(detail)
    })?;
    Ok(answer::<R>(StatusCode::OK, detail))
}

fn set_enabled<R: Resource>(app: &AppState, id: &str, enabled: bool) -> ApiResult<Response> {
    let now = iso(app.clock.now());
    modify::<R>(app, id, |r| {
        r.switch(enabled, now);
        Ok(())
    })
}

/// Enable….
pub(super) async fn enable<R: Resource>(
    AxState(app): AxState<Arc<AppState>>,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    set_enabled::<R>(&app, &id, true)
}

/// Disable….
pub(super) async fn disable<R: Resource>(
    AxState(app): AxState<Arc<AppState>>,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    set_enabled::<R>(&app, &id, false)
}

/// List…: one page, with `nextToken` when there is more.
pub(super) async fn list<R: Listed>(
    AxState(app): AxState<Arc<AppState>>,
    RawQuery(q): RawQuery,
) -> ApiResult<Response> {
    let page = pagination::parse(&query_pairs(q.as_deref()))?;
    let state = app.store.read();
    let (items, next) = pagination::paginate(R::all(&state), R::id, R::created_at, &page);
    let list: Vec<_> = items.iter().map(|r| R::summary(&state, r)).collect();
    let mut body = json!({ R::LIST_KEY: list });
    if let Some(n) = next {
        body["nextToken"] = json!(n);
    }
    Ok(reply(StatusCode::OK, body))
}
