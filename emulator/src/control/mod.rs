//! The control plane (issue 4): the REST JSON API of the botocore `rolesanywhere` model
//! (`botocore/data/rolesanywhere/2018-05-10/service-2.json`), every operation with its
//! method, path, status code, shapes and errors, SigV4-authenticated with the admin keys
//! ([`auth`]), on the emulator's one listener; plus `GET /metrics` ([`crate::metrics`]).
//! `boto3.client("rolesanywhere", endpoint_url=…)` and `aws rolesanywhere … --endpoint-url`
//! work against it unchanged.
//!
//! Roles are IAM's, not Roles Anywhere's, so the model has no operation for them: declare
//! them (ARN, trust policy, MaxSessionDuration) in the configuration file's `[[roles]]`
//! (see [`crate::config`]) and restart; profiles created here name them in `roleArns`. The
//! file's `[quotas]` raises the adjustable quotas, and its `[[admin_keys]]` set the keys
//! this API accepts (default: one key generated with the data directory, in the ready file).
//! Resources declared in the file are re-applied at every start; those created through
//! this API live only in the state.
//!
//! Not emulated: the control plane's request-rate quotas (1 per second per group), and
//! `AWS_ACM_PCA` trust anchors (answered with a `ValidationException`).
//!
//! Every change goes through the state store with a durable write (write a temporary
//! file, fsync, rename over `state.json`; `state::Store::update(true, …)`) before the
//! answer is sent, so a crash leaves the state before or after a request, never between.

pub mod auth;
mod crls;
pub mod errors;
mod mappings;
mod notifications;
pub mod pagination;
mod profiles;
pub mod resolve;
mod resource;
mod shapes;
mod sources;
mod subjects;
mod tags;
mod trust_anchors;
pub mod validate;

use std::sync::Arc;

use axum::Router;
use axum::extract::{MatchedPath, Request, State as AxState};
use axum::http::{HeaderValue, Method, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, patch, post, put};

use crate::server::AppState;
use crate::state::{Crl, Profile, State, Subject, TrustAnchor};
use errors::ApiResult;

/// The control plane's routes (authenticated) and `GET /metrics` (open, as a scrape target
/// is), for the emulator to merge into its router.
pub fn router(app: Arc<AppState>) -> Router {
    Router::new()
        .route(
            "/trustanchors",
            post(trust_anchors::create).get(resource::list::<TrustAnchor>),
        )
        .route(
            "/trustanchor/{trustAnchorId}",
            get(resource::get::<TrustAnchor>)
                .patch(trust_anchors::update)
                .delete(resource::delete::<TrustAnchor>),
        )
        .route(
            "/trustanchor/{trustAnchorId}/enable",
            post(resource::enable::<TrustAnchor>),
        )
        .route(
            "/trustanchor/{trustAnchorId}/disable",
            post(resource::disable::<TrustAnchor>),
        )
        .route(
            "/profiles",
            post(profiles::create).get(resource::list::<Profile>),
        )
        .route(
            "/profile/{profileId}",
            get(resource::get::<Profile>)
                .patch(profiles::update)
                .delete(resource::delete::<Profile>),
        )
        .route(
            "/profile/{profileId}/enable",
            post(resource::enable::<Profile>),
        )
        .route(
            "/profile/{profileId}/disable",
            post(resource::disable::<Profile>),
        )
        .route(
            "/profiles/{profileId}/mappings",
            put(mappings::put).delete(mappings::delete),
        )
        .route("/crls", post(crls::import).get(resource::list::<Crl>))
        .route(
            "/crl/{crlId}",
            get(resource::get::<Crl>)
                .patch(crls::update)
                .delete(resource::delete::<Crl>),
        )
        .route("/crl/{crlId}/enable", post(resource::enable::<Crl>))
        .route("/crl/{crlId}/disable", post(resource::disable::<Crl>))
        .route("/subjects", get(resource::list::<Subject>))
        .route("/subject/{subjectId}", get(subjects::get))
        .route("/ListTagsForResource", get(tags::list))
        .route("/TagResource", post(tags::tag))
        .route("/UntagResource", post(tags::untag))
        .route("/put-notifications-settings", patch(notifications::put))
        .route("/reset-notifications-settings", patch(notifications::reset))
        .route_layer(middleware::from_fn_with_state(
            Arc::clone(&app),
            auth::authenticate,
        ))
        // Outermost: counts and logs every answer, authentication failures included.
        .route_layer(middleware::from_fn_with_state(Arc::clone(&app), observe))
        .route("/metrics", get(metrics))
        .with_state(app)
}

/// The model's operation name of a request to a control-plane route.
pub fn operation(method: &Method, route: &str) -> &'static str {
    let m = method.as_str();
    match (m, route) {
        ("POST", "/trustanchors") => "CreateTrustAnchor",
        ("GET", "/trustanchors") => "ListTrustAnchors",
        ("GET", "/trustanchor/{trustAnchorId}") => "GetTrustAnchor",
        ("PATCH", "/trustanchor/{trustAnchorId}") => "UpdateTrustAnchor",
        ("DELETE", "/trustanchor/{trustAnchorId}") => "DeleteTrustAnchor",
        ("POST", "/trustanchor/{trustAnchorId}/enable") => "EnableTrustAnchor",
        ("POST", "/trustanchor/{trustAnchorId}/disable") => "DisableTrustAnchor",
        ("POST", "/profiles") => "CreateProfile",
        ("GET", "/profiles") => "ListProfiles",
        ("GET", "/profile/{profileId}") => "GetProfile",
        ("PATCH", "/profile/{profileId}") => "UpdateProfile",
        ("DELETE", "/profile/{profileId}") => "DeleteProfile",
        ("POST", "/profile/{profileId}/enable") => "EnableProfile",
        ("POST", "/profile/{profileId}/disable") => "DisableProfile",
        ("PUT", "/profiles/{profileId}/mappings") => "PutAttributeMapping",
        ("DELETE", "/profiles/{profileId}/mappings") => "DeleteAttributeMapping",
        ("POST", "/crls") => "ImportCrl",
        ("GET", "/crls") => "ListCrls",
        ("GET", "/crl/{crlId}") => "GetCrl",
        ("PATCH", "/crl/{crlId}") => "UpdateCrl",
        ("DELETE", "/crl/{crlId}") => "DeleteCrl",
        ("POST", "/crl/{crlId}/enable") => "EnableCrl",
        ("POST", "/crl/{crlId}/disable") => "DisableCrl",
        ("GET", "/subjects") => "ListSubjects",
        ("GET", "/subject/{subjectId}") => "GetSubject",
        ("GET", "/ListTagsForResource") => "ListTagsForResource",
        ("POST", "/TagResource") => "TagResource",
        ("POST", "/UntagResource") => "UntagResource",
        ("PATCH", "/put-notifications-settings") => "PutNotificationSettings",
        ("PATCH", "/reset-notifications-settings") => "ResetNotificationSettings",
        _ => "Unknown",
    }
}

/// Middleware: count the answer in the metrics, log the decision and why (operation,
/// status, error type and message, the caller's access key id; never a secret), and give
/// it an `x-amzn-RequestId` as the service does.
async fn observe(AxState(app): AxState<Arc<AppState>>, req: Request, next: Next) -> Response {
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_default();
    let op = operation(req.method(), &route);
    let mut response = next.run(req).await;
    let request_id = crate::state::ids::new_id();
    if let Ok(v) = HeaderValue::from_str(&request_id) {
        response.headers_mut().insert("x-amzn-requestid", v);
    }
    let status = response.status().as_u16();
    let caller = response
        .extensions()
        .get::<auth::Caller>()
        .map(|c| c.access_key_id.clone())
        .unwrap_or_default();
    let error_type = response
        .headers()
        .get("x-amzn-errortype")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    match error_type {
        Some(error_type) if status >= 400 => {
            app.metrics.record_failure(op, &error_type);
            // Error bodies are small JSON `{"message": …}`: read it back for the log.
            let (parts, body) = response.into_parts();
            let bytes = axum::body::to_bytes(body, 64 * 1024)
                .await
                .unwrap_or_default();
            let message = serde_json::from_slice::<serde_json::Value>(&bytes)
                .ok()
                .and_then(|v| v.get("message").and_then(|m| m.as_str()).map(str::to_owned))
                .unwrap_or_default();
            tracing::info!(
                target: "roles_anywhere_emulator::control",
                op, status, error_type, reason = %message, caller, request_id,
                "control-plane request refused"
            );
            response = Response::from_parts(parts, axum::body::Body::from(bytes));
        }
        _ => {
            app.metrics.record_success(op);
            tracing::info!(
                target: "roles_anywhere_emulator::control",
                op, status, caller, request_id,
                "control-plane request served"
            );
        }
    }
    response
}

/// `GET /metrics`.
async fn metrics(AxState(app): AxState<Arc<AppState>>) -> Response {
    let text = app.metrics.render(&app.store.read(), app.clock.now());
    let mut resp = text.into_response();
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
    );
    resp
}

/// Apply `f` to the state and write it durably before answering; `f` must check
/// everything before it changes anything, so an error leaves the state as it was.
pub(crate) fn mutate<T>(
    app: &AppState,
    f: impl FnOnce(&mut State) -> ApiResult<T>,
) -> ApiResult<T> {
    app.store.update(true, f).map_err(|e| errors::storage(&e))?
}

/// Set (`Some(Some)`), remove (`Some(None)`) or keep (`None`) the alias of `arn`; answers
/// the previous alias when it changed or was removed (the model's `previousAliasName`).
pub(crate) fn set_alias(
    state: &mut State,
    arn: &str,
    alias: Option<Option<String>>,
) -> Option<String> {
    match alias {
        None => None,
        Some(None) => state.control.aliases.remove(arn),
        Some(Some(new)) => state
            .control
            .aliases
            .insert(arn.to_owned(), new.clone())
            .filter(|old| *old != new),
    }
}
