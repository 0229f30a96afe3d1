//! Exit codes and messages: like the official helper, any failure is exit 1 with a message
//! on stderr; ours also carries the stable error code and what to check.

use std::fmt;

/// A failure of a command.
#[derive(Debug)]
pub enum CliError {
    /// Wrong or missing flags.
    Usage(String),
    /// The client failed.
    Client(roles_anywhere::Error),
    /// Anything else (I/O around the command).
    Other(String),
}

/// Result of a command.
pub type CliResult<T> = Result<T, CliError>;

impl CliError {
    pub fn usage(m: impl Into<String>) -> Self {
        CliError::Usage(m.into())
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CliError::Usage(m) => write!(f, "{m}"),
            CliError::Client(e) => write!(f, "{e} [{}]", e.code()),
            CliError::Other(m) => write!(f, "{m}"),
        }
    }
}

impl From<roles_anywhere::Error> for CliError {
    fn from(e: roles_anywhere::Error) -> Self {
        CliError::Client(e)
    }
}

impl From<roles_anywhere::core::Error> for CliError {
    fn from(e: roles_anywhere::core::Error) -> Self {
        CliError::Client(e.into())
    }
}
