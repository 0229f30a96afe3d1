//! SigV4 (HMAC) authentication of every control-plane request, as AWS's front end does it
//! for `rolesanywhere`: the request as it arrived is verified with the core's
//! [`verify_hmac_request`] against the admin keys of the state (from the configuration
//! file, or generated); the credential scope must name the service `rolesanywhere` and the
//! emulator's region; `X-Amz-Date` must be within the emulator's window. Every failure is a
//! 403 with AWS's error type and message (`MissingAuthenticationTokenException`,
//! `IncompleteSignatureException`, `UnrecognizedClientException`,
//! `InvalidSignatureException`). Logs name the access key id, never a secret.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Request, State as AxState};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use roles_anywhere_core::sigv4::hmac::verify_hmac_request;
use roles_anywhere_core::{Authorization, Error, HttpRequest};

use super::errors::{ApiError, auth, validation};
use crate::server::AppState;

/// The largest control-plane request body: a 300000-byte CRL is 400 KB of base64.
pub const MAX_CONTROL_BODY: usize = 1024 * 1024;

/// The signing name of the model (`metadata.signingName`).
pub const SERVICE: &str = "rolesanywhere";

/// Who made a verified request (a request extension for the handlers and logs).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    /// The admin access key id.
    pub access_key_id: String,
}

/// Middleware: buffer the body, verify the signature, then run the handler.
pub async fn authenticate(
    AxState(app): AxState<Arc<AppState>>,
    req: Request,
    next: Next,
) -> Response {
    let (mut parts, body) = req.into_parts();
    let bytes = match axum::body::to_bytes(body, MAX_CONTROL_BODY).await {
        Ok(b) => b,
        Err(_) => {
            return validation(format!(
                "The request body exceeds {MAX_CONTROL_BODY} bytes."
            ))
            .into_response();
        }
    };
    let request = HttpRequest {
        method: parts.method.as_str().to_owned(),
        uri: parts
            .uri
            .path_and_query()
            .map_or("/", |p| p.as_str())
            .to_owned(),
        headers: parts
            .headers
            .iter()
            .map(|(n, v)| {
                (
                    n.as_str().to_owned(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect(),
        body: bytes.to_vec(),
    };
    match verify(&app, &request) {
        Ok(caller) => {
            parts.extensions.insert(caller.clone());
            let mut response = next
                .run(Request::from_parts(parts, Body::from(bytes)))
                .await;
            // For the decision log of `observe`.
            response.extensions_mut().insert(caller);
            response
        }
        Err(e) => {
            tracing::info!(
                target: "roles_anywhere_emulator::control",
                method = %parts.method, path = %parts.uri.path(), error_type = e.error_type, reason = %e.message,
                "control-plane request refused: authentication"
            );
            e.into_response()
        }
    }
}

/// Verify `request`; answers the caller or the 403 to send.
pub fn verify(app: &AppState, request: &HttpRequest) -> Result<Caller, ApiError> {
    let header = match request.single_header("authorization") {
        Ok(Some(h)) => h,
        Ok(None) => return Err(auth::missing()),
        Err(_) => return Err(auth::incomplete("more than one Authorization header")),
    };
    let parsed =
        Authorization::parse(header.trim()).map_err(|e| auth::incomplete(&e.to_string()))?;
    let state = app.store.read();
    let key = state.admin_keys.iter().find(|k| k.access_key_id == parsed.credential()).ok_or_else(|| {
        tracing::info!(target: "roles_anywhere_emulator::control", access_key_id = %parsed.credential(), "unknown access key");
        auth::unknown_key()
    })?;
    let now = app.clock.now().amz_date();
    let secret_for = |id: &str| (id == key.access_key_id).then(|| key.secret_access_key.clone());
    let verified = verify_hmac_request(request, secret_for, now, app.max_skew_seconds).map_err(|e| match e {
        Error::InvalidTime { reason } => auth::invalid(format!("Signature expired: {reason}")),
        Error::SignatureMismatch { .. } => auth::invalid(
            "The request signature we calculated does not match the signature you provided. Check your AWS Secret \
             Access Key and signing method. Consult the service documentation for details.",
        ),
        other => auth::incomplete(&other.to_string()),
    })?;
    if verified.session_token.is_some() {
        // Admin keys are long-term keys: a session token with them is not one we issued.
        return Err(auth::unknown_key());
    }
    let scope = verified.authorization.scope();
    if scope.service() != SERVICE {
        return Err(auth::invalid(format!(
            "Credential should be scoped to correct service: '{SERVICE}'. "
        )));
    }
    if scope.region() != state.region {
        return Err(auth::invalid(format!(
            "Credential should be scoped to a valid region, not '{}'; this endpoint serves '{}'.",
            scope.region(),
            state.region
        )));
    }
    Ok(Caller {
        access_key_id: verified.access_key_id,
    })
}
