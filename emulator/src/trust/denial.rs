//! A refusal as the service answers it: HTTP status, `x-amzn-ErrorType`, message.

/// Why the service refuses a request: the HTTP status, the error type
/// (`x-amzn-ErrorType` / body `__type`) and a human message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Denial {
    /// HTTP status (403 for trust failures, 400 for invalid input).
    pub status: u16,
    /// The service's error type, e.g. `AccessDeniedException`.
    pub error_type: &'static str,
    /// Human-readable message.
    pub message: String,
}

impl Denial {
    /// 403 `AccessDeniedException` with `message`.
    pub fn access_denied(message: impl Into<String>) -> Self {
        Denial {
            status: 403,
            error_type: "AccessDeniedException",
            message: message.into(),
        }
    }
    /// 400 `ValidationException` with `message`.
    pub fn validation(message: impl Into<String>) -> Self {
        Denial {
            status: 400,
            error_type: "ValidationException",
            message: message.into(),
        }
    }
}

impl std::fmt::Display for Denial {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({}): {}", self.error_type, self.status, self.message)
    }
}

impl std::error::Error for Denial {}
