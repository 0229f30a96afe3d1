//! The client's error: the core's [`roles_anywhere_core::Error`] (with its stable codes)
//! plus what only a client with a network, a filesystem and a clock can hit.

use std::fmt;
use std::path::PathBuf;

use roles_anywhere_core::Error as CoreError;

/// Result with the client's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Why a transport attempt failed; each kind has its own stable code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TransportKind {
    /// No TCP/TLS connection within the connect timeout (`connect_timeout`).
    ConnectTimeout,
    /// The answer did not arrive within the overall timeout (`timeout`).
    Timeout,
    /// TLS handshake or certificate verification failed (`tls`).
    Tls,
    /// The proxy refused or could not be reached (`proxy`).
    Proxy,
    /// Connection refused, reset, host not found (`connection`).
    Connection,
    /// A malformed HTTP exchange (`http`).
    Http,
}

impl TransportKind {
    /// The stable code.
    pub fn code(self) -> &'static str {
        match self {
            TransportKind::ConnectTimeout => "connect_timeout",
            TransportKind::Timeout => "timeout",
            TransportKind::Tls => "tls",
            TransportKind::Proxy => "proxy",
            TransportKind::Connection => "connection",
            TransportKind::Http => "http",
        }
    }
}

/// Everything the client can fail with. `Display` says what to check; no secret is ever
/// part of an error.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// An error of the core (parsing, validation, signing, the service's answer).
    Core(CoreError),
    /// The request did not get an HTTP answer.
    Transport {
        /// What went wrong, as a stable kind.
        kind: TransportKind,
        /// The endpoint being called.
        endpoint: String,
        /// The underlying message.
        message: String,
    },
    /// A file could not be read or written.
    Io {
        /// The file.
        path: PathBuf,
        /// The operating system's message.
        message: String,
    },
    /// A CA bundle that holds no usable certificate.
    InvalidCaBundle {
        /// The file.
        path: PathBuf,
        /// What was wrong.
        reason: String,
    },
    /// A configuration value (environment variable, option) that cannot be used.
    InvalidConfig {
        /// What was wrong.
        reason: String,
    },
    /// Credentials in hand are expired and none could be had (never handed out).
    ExpiredCredentials,
}

impl Error {
    /// A stable, machine-readable code: the core's codes plus `connect_timeout`, `timeout`,
    /// `tls`, `proxy`, `connection`, `http`, `io`, `invalid_ca_bundle`, `invalid_config`,
    /// `expired_credentials`.
    pub fn code(&self) -> &'static str {
        match self {
            Error::Core(e) => e.code(),
            Error::Transport { kind, .. } => kind.code(),
            Error::Io { .. } => "io",
            Error::InvalidCaBundle { .. } => "invalid_ca_bundle",
            Error::InvalidConfig { .. } => "invalid_config",
            Error::ExpiredCredentials => "expired_credentials",
        }
    }

    /// Worth another attempt (re-signed): throttling, 5xx, and transport failures other
    /// than TLS (a certificate problem does not heal by retrying).
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Core(CoreError::Service(e)) => e.is_retryable(),
            Error::Transport { kind, .. } => {
                !matches!(kind, TransportKind::Tls | TransportKind::Proxy)
            }
            _ => false,
        }
    }

    /// What to check, for errors where the message alone does not say it.
    pub fn hint(&self) -> Option<&'static str> {
        match self {
            Error::Core(CoreError::Service(e)) => e.hint().or_else(|| {
                // The service's wording when X-Amz-Date is more than 5 minutes off its clock.
                let m = e.message.to_ascii_lowercase();
                (m.contains("signature expired") || m.contains("request time"))
                    .then_some("the system clock is off: X-Amz-Date must be within 5 minutes of the service's time; synchronise the clock (NTP)")
            }),
            Error::Transport {
                kind: TransportKind::Tls,
                ..
            } => Some(
                "check the CA bundle (--ca-bundle / AWS_CA_BUNDLE) trusts the endpoint's certificate and that the host name matches",
            ),
            Error::Transport {
                kind: TransportKind::Proxy,
                ..
            } => Some(
                "check HTTPS_PROXY / NO_PROXY and that the proxy allows CONNECT to the endpoint",
            ),
            Error::Transport {
                kind: TransportKind::ConnectTimeout | TransportKind::Connection,
                ..
            } => Some(
                "check the endpoint (--endpoint, AWS_ENDPOINT_URL_ROLESANYWHERE), DNS and the network path",
            ),
            _ => None,
        }
    }

    pub(crate) fn io(path: impl Into<PathBuf>, err: &std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            message: err.to_string(),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Core(e) => fmt::Display::fmt(e, f)?,
            Error::Transport {
                kind,
                endpoint,
                message,
            } => {
                let what = match kind {
                    TransportKind::ConnectTimeout => "timed out connecting to",
                    TransportKind::Timeout => "timed out waiting for an answer from",
                    TransportKind::Tls => "TLS failed with",
                    TransportKind::Proxy => "the proxy failed to reach",
                    TransportKind::Connection => "could not connect to",
                    TransportKind::Http => "malformed HTTP exchange with",
                };
                write!(f, "{what} {endpoint}: {message}")?;
            }
            Error::Io { path, message } => write!(f, "{}: {message}", path.display())?,
            Error::InvalidCaBundle { path, reason } => {
                write!(f, "CA bundle {}: {reason}", path.display())?
            }
            Error::InvalidConfig { reason } => write!(f, "invalid configuration: {reason}")?,
            Error::ExpiredCredentials => {
                f.write_str("the cached credentials expired and new ones could not be obtained")?
            }
        }
        if let Some(hint) = self.hint() {
            write!(f, " (hint: {hint})")?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Core(e) => Some(e),
            _ => None,
        }
    }
}

impl From<CoreError> for Error {
    fn from(e: CoreError) -> Self {
        Error::Core(e)
    }
}
