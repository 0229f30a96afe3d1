//! Control-plane errors: the botocore model's `ValidationException` (400),
//! `ResourceNotFoundException` (404), `TooManyTagsException` (400),
//! `ServiceUnavailableException` (503), and the 403 answers
//! of AWS's SigV4 front end, all as restJson1 errors (status, `x-amzn-ErrorType` header,
//! `{"message": …}` body: what botocore's `RestJSONParser` reads the code from).

pub use crate::server::error::ApiError;

/// A result of a control-plane handler.
pub type ApiResult<T> = Result<T, ApiError>;

/// 400 `ValidationException`.
pub fn validation(message: impl Into<String>) -> ApiError {
    ApiError::validation(message)
}

/// 404 `ResourceNotFoundException` for a resource of `kind` (`trust anchor`, …).
pub fn not_found(kind: &str, id: &str) -> ApiError {
    ApiError::not_found(format!("The {kind} {id} was not found."))
}

/// 400 `TooManyTagsException` (TagResource beyond 50 tags per resource).
pub fn too_many_tags(message: impl Into<String>) -> ApiError {
    ApiError {
        status: 400,
        error_type: "TooManyTagsException",
        message: message.into(),
    }
}

/// An account quota (SPEC §3) exceeded. The model declares no quota error, so the answer
/// is the model's `ValidationException`, naming the quota.
pub fn quota_exceeded(what: &str, limit: usize) -> ApiError {
    ApiError::validation(format!("Quota exceeded: at most {limit} {what}."))
}

/// A state write that failed: the model's 503 `ServiceUnavailableException` (a fault the
/// SDKs retry); the previous `state.json` stays in place (write-then-rename).
pub fn storage(e: &anyhow::Error) -> ApiError {
    tracing::error!(error = %e, "persisting the state failed");
    ApiError {
        status: 503,
        error_type: "ServiceUnavailableException",
        message: "The state could not be persisted; try again.".into(),
    }
}

/// The 403 answers of AWS's SigV4 authentication, with the types and messages AWS sends.
pub mod auth {
    use super::ApiError;

    /// No `Authorization` header at all.
    pub fn missing() -> ApiError {
        ApiError {
            status: 403,
            error_type: "MissingAuthenticationTokenException",
            message: "Missing Authentication Token".into(),
        }
    }
    /// An `Authorization` header that does not parse, or the wrong algorithm.
    pub fn incomplete(reason: &str) -> ApiError {
        ApiError {
            status: 403,
            error_type: "IncompleteSignatureException",
            message: format!("Incomplete signature: {reason}"),
        }
    }
    /// An access key the emulator does not know.
    pub fn unknown_key() -> ApiError {
        ApiError {
            status: 403,
            error_type: "UnrecognizedClientException",
            message: "The security token included in the request is invalid.".into(),
        }
    }
    /// A signature that does not verify, a date outside the window, or a wrong scope.
    pub fn invalid(message: impl Into<String>) -> ApiError {
        ApiError {
            status: 403,
            error_type: "InvalidSignatureException",
            message: message.into(),
        }
    }
}
