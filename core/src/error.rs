//! The one error type of the core. Each variant has a stable [`Error::code`] that crosses
//! every language boundary unchanged (Python exceptions, JavaScript `Error.code`).

use alloc::string::String;
use core::fmt;

use crate::arn::ArnKind;
use crate::response::ServiceError;

/// Result with the core's [`Error`].
pub type Result<T, E = Error> = core::result::Result<T, E>;

/// Everything that can go wrong in the core. Context lives in the variants; secrets never do.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// PEM text that does not parse (bad armour, bad base64, no known label).
    InvalidPem {
        /// What was wrong.
        reason: String,
    },
    /// DER that does not decode as the structure expected.
    InvalidDer {
        /// The structure being decoded (`"certificate"`, `"PKCS#8 private key"`, …).
        what: &'static str,
        /// The decoder's message.
        reason: String,
    },
    /// A certificate that decodes but is not usable (e.g. empty subject).
    InvalidCertificate {
        /// What was wrong.
        reason: String,
    },
    /// The leaf certificate is not X.509 v3 (the service accepts v3 only).
    UnsupportedCertificateVersion {
        /// The version found (1 or 2).
        version: u8,
    },
    /// A private key that decodes but is not a valid key.
    InvalidPrivateKey {
        /// What was wrong.
        reason: String,
    },
    /// A key type the service does not accept (Ed25519, P-521, DSA, RSA < 2048 …).
    UnsupportedKeyType {
        /// A short name of the key type found.
        key_type: String,
    },
    /// An encrypted key or PKCS#12 needs a password and none was given.
    PasswordRequired,
    /// The password does not decrypt the key or PKCS#12 (or its MAC does not verify).
    WrongPassword,
    /// An encryption or KDF scheme this library does not implement.
    UnsupportedEncryption {
        /// The scheme (name or OID).
        algorithm: String,
    },
    /// The private key is not the key of the leaf certificate.
    KeyCertificateMismatch,
    /// More intermediate certificates than the service accepts (5).
    ChainTooLong {
        /// How many were given.
        len: usize,
    },
    /// No certificate was found in the input.
    NoCertificate,
    /// No private key was found in the input.
    NoPrivateKey,
    /// An ARN that is not of the expected shape.
    InvalidArn {
        /// Which ARN.
        kind: ArnKind,
        /// What was wrong.
        reason: String,
    },
    /// Trust anchor and profile are in different regions.
    RegionMismatch {
        /// Region of the trust anchor ARN.
        trust_anchor: String,
        /// Region of the profile ARN.
        profile: String,
    },
    /// `durationSeconds` outside 900..=43200.
    InvalidDuration {
        /// The value given.
        seconds: u64,
    },
    /// A role session name that does not match `[\w+=,.@-]{2,64}`.
    InvalidRoleSessionName {
        /// What was wrong.
        reason: String,
    },
    /// An endpoint that is not an `http(s)://host[:port]` URL.
    InvalidEndpoint {
        /// What was wrong.
        reason: String,
    },
    /// A region name that is not of the AWS shape.
    InvalidRegion {
        /// The value given.
        region: String,
    },
    /// A time value that cannot be represented or parsed.
    InvalidTime {
        /// What was wrong.
        reason: String,
    },
    /// An HTTP request that cannot be signed (bad method, header name or value).
    InvalidRequest {
        /// What was wrong.
        reason: String,
    },
    /// A signature given to `finish` (or returned by a signer) that is malformed.
    InvalidSignature {
        /// What was wrong.
        reason: String,
    },
    /// The signer failed.
    SigningFailed {
        /// What the signer said.
        reason: String,
    },
    /// The service answered with an error.
    Service(ServiceError),
    /// The service's answer could not be understood (HTML from a proxy, truncated JSON …).
    InvalidResponse {
        /// HTTP status of the answer.
        status: u16,
        /// What was wrong.
        reason: String,
    },
    /// An incoming request's `Authorization` header (or its parts) is malformed.
    MalformedAuthorization {
        /// What was wrong.
        reason: String,
    },
    /// An incoming request's signature does not verify.
    SignatureMismatch {
        /// What was checked.
        reason: String,
    },
    /// The algorithm named in a request does not match the certificate's key type.
    AlgorithmMismatch {
        /// Algorithm named in the request.
        requested: String,
        /// Algorithm the key type requires.
        expected: String,
    },
}

impl Error {
    /// A stable, machine-readable code (snake_case). Never changes for a given variant.
    pub fn code(&self) -> &'static str {
        match self {
            Error::InvalidPem { .. } => "invalid_pem",
            Error::InvalidDer { .. } => "invalid_der",
            Error::InvalidCertificate { .. } => "invalid_certificate",
            Error::UnsupportedCertificateVersion { .. } => "unsupported_certificate_version",
            Error::InvalidPrivateKey { .. } => "invalid_private_key",
            Error::UnsupportedKeyType { .. } => "unsupported_key_type",
            Error::PasswordRequired => "password_required",
            Error::WrongPassword => "wrong_password",
            Error::UnsupportedEncryption { .. } => "unsupported_encryption",
            Error::KeyCertificateMismatch => "key_certificate_mismatch",
            Error::ChainTooLong { .. } => "chain_too_long",
            Error::NoCertificate => "no_certificate",
            Error::NoPrivateKey => "no_private_key",
            Error::InvalidArn { .. } => "invalid_arn",
            Error::RegionMismatch { .. } => "region_mismatch",
            Error::InvalidDuration { .. } => "invalid_duration",
            Error::InvalidRoleSessionName { .. } => "invalid_role_session_name",
            Error::InvalidEndpoint { .. } => "invalid_endpoint",
            Error::InvalidRegion { .. } => "invalid_region",
            Error::InvalidTime { .. } => "invalid_time",
            Error::InvalidRequest { .. } => "invalid_request",
            Error::InvalidSignature { .. } => "invalid_signature",
            Error::SigningFailed { .. } => "signing_failed",
            Error::Service(_) => "service_error",
            Error::InvalidResponse { .. } => "invalid_response",
            Error::MalformedAuthorization { .. } => "malformed_authorization",
            Error::SignatureMismatch { .. } => "signature_mismatch",
            Error::AlgorithmMismatch { .. } => "algorithm_mismatch",
        }
    }

    /// Is this an error in the caller's input (as opposed to the service or the signer)?
    /// Bindings map these onto their language's "bad value" error (Python `ValueError`).
    pub fn is_input_error(&self) -> bool {
        !matches!(
            self,
            Error::Service(_) | Error::InvalidResponse { .. } | Error::SigningFailed { .. }
        )
    }

    pub(crate) fn der(what: &'static str, err: impl fmt::Display) -> Self {
        Error::InvalidDer {
            what,
            reason: alloc::format!("{err}"),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::InvalidPem { reason } => write!(f, "invalid PEM: {reason}"),
            Error::InvalidDer { what, reason } => write!(f, "invalid DER in {what}: {reason}"),
            Error::InvalidCertificate { reason } => write!(f, "invalid certificate: {reason}"),
            Error::UnsupportedCertificateVersion { version } => write!(
                f,
                "the certificate is X.509 v{version}; IAM Roles Anywhere accepts v3 only"
            ),
            Error::InvalidPrivateKey { reason } => write!(f, "invalid private key: {reason}"),
            Error::UnsupportedKeyType { key_type } => write!(
                f,
                "unsupported key type {key_type}: use RSA (2048, 3072, 4096), EC P-256 or P-384"
            ),
            Error::PasswordRequired => f.write_str("the key is encrypted: a password is required"),
            Error::WrongPassword => f.write_str("wrong password: the key could not be decrypted"),
            Error::UnsupportedEncryption { algorithm } => {
                write!(f, "unsupported key encryption scheme {algorithm}")
            }
            Error::KeyCertificateMismatch => f.write_str(
                "the private key does not match the certificate's public key: check that both come from the same issuance",
            ),
            Error::ChainTooLong { len } => write!(
                f,
                "{len} intermediate certificates given; IAM Roles Anywhere accepts at most 5"
            ),
            Error::NoCertificate => f.write_str("no certificate found in the input"),
            Error::NoPrivateKey => f.write_str("no private key found in the input"),
            Error::InvalidArn { kind, reason } => write!(f, "invalid {kind} ARN: {reason}"),
            Error::RegionMismatch { trust_anchor, profile } => write!(
                f,
                "trust anchor is in region {trust_anchor} but profile is in {profile}: both must be in one region"
            ),
            Error::InvalidDuration { seconds } => write!(
                f,
                "durationSeconds {seconds} is out of range: it must be between 900 and 43200"
            ),
            Error::InvalidRoleSessionName { reason } => {
                write!(f, "invalid role session name: {reason}")
            }
            Error::InvalidEndpoint { reason } => write!(f, "invalid endpoint: {reason}"),
            Error::InvalidRegion { region } => write!(f, "invalid region {region:?}"),
            Error::InvalidTime { reason } => write!(f, "invalid time: {reason}"),
            Error::InvalidRequest { reason } => write!(f, "invalid request: {reason}"),
            Error::InvalidSignature { reason } => write!(f, "invalid signature value: {reason}"),
            Error::SigningFailed { reason } => write!(f, "signing failed: {reason}"),
            Error::Service(e) => fmt::Display::fmt(e, f),
            Error::InvalidResponse { status, reason } => {
                write!(f, "unexpected answer from the service (HTTP {status}): {reason}")
            }
            Error::MalformedAuthorization { reason } => {
                write!(f, "malformed authorization: {reason}")
            }
            Error::SignatureMismatch { reason } => write!(f, "signature does not verify: {reason}"),
            Error::AlgorithmMismatch { requested, expected } => write!(
                f,
                "algorithm {requested} does not match the certificate's key type (expected {expected})"
            ),
        }
    }
}

impl core::error::Error for Error {}

impl From<ServiceError> for Error {
    fn from(e: ServiceError) -> Self {
        Error::Service(e)
    }
}
