//! Errors as the service answers them: status, `x-amzn-ErrorType` header and a JSON body
//! `{"message": …}` (SPEC §1, "Errors").

use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

use crate::trust::Denial;

/// An error answer of the REST-JSON API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// HTTP status.
    pub status: u16,
    /// `x-amzn-ErrorType`.
    pub error_type: &'static str,
    /// Human message.
    pub message: String,
}

impl ApiError {
    /// 403 `AccessDeniedException`.
    pub fn access_denied(message: impl Into<String>) -> Self {
        ApiError {
            status: 403,
            error_type: "AccessDeniedException",
            message: message.into(),
        }
    }
    /// 400 `ValidationException`.
    pub fn validation(message: impl Into<String>) -> Self {
        ApiError {
            status: 400,
            error_type: "ValidationException",
            message: message.into(),
        }
    }
    /// 404 `ResourceNotFoundException`.
    pub fn not_found(message: impl Into<String>) -> Self {
        ApiError {
            status: 404,
            error_type: "ResourceNotFoundException",
            message: message.into(),
        }
    }
    /// 429 `ThrottlingException`.
    pub fn throttled(message: impl Into<String>) -> Self {
        ApiError {
            status: 429,
            error_type: "ThrottlingException",
            message: message.into(),
        }
    }
    /// 500 `InternalServerException`.
    pub fn internal(message: impl Into<String>) -> Self {
        ApiError {
            status: 500,
            error_type: "InternalServerException",
            message: message.into(),
        }
    }
}

impl From<Denial> for ApiError {
    fn from(d: Denial) -> Self {
        ApiError {
            status: d.status,
            error_type: d.error_type,
            message: d.message,
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let body = serde_json::json!({ "message": self.message }).to_string();
        let mut resp = (status, body).into_response();
        let headers = resp.headers_mut();
        headers.insert("content-type", HeaderValue::from_static("application/json"));
        headers.insert(
            "x-amzn-errortype",
            HeaderValue::from_static(self.error_type),
        );
        resp
    }
}
