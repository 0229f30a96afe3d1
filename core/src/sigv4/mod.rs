//! SigV4 canonicalization, one type per stage, each `Display`ing its wire form. The same
//! stages serve the X.509 variant (CreateSession, any request: [`sign_x509`]) and HMAC SigV4
//! ([`hmac`], for the emulator's STS and control plane). Canonicalization follows the AWS
//! SigV4 test suite (`tests/vectors/aws-sigv4-test-suite/`), which every stage is checked
//! against.
//!
//! The stages:
//! 1. [`CanonicalRequest`] from an [`HttpRequest`], the [`SignedHeaders`] and [`Settings`];
//! 2. [`StringToSign`]: algorithm, [`AmzDate`], [`CredentialScope`], hash of stage 1;
//! 3. the signature (X.509: a [`Signer`]; HMAC: the derived key) and [`Authorization`].

mod authorization;
mod canonical;
pub mod hmac;
mod scope;
mod signed_headers;
mod string_to_sign;

use alloc::string::String;
use alloc::vec::Vec;

pub use authorization::Authorization;
pub use canonical::{CanonicalRequest, normalize_path};
pub use scope::CredentialScope;
pub use signed_headers::SignedHeaders;
pub use string_to_sign::StringToSign;

use crate::encoding::hex;
use crate::error::{Error, Result};
use crate::signer::{Algorithm, Signer};
use crate::time::AmzDate;

/// An HTTP request as data: what is signed and what is sent.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct HttpRequest {
    /// Method, upper case (`POST`).
    pub method: String,
    /// Path and optional `?query`, as sent on the request line (percent-encoded).
    pub uri: String,
    /// Headers in order, names as given.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
}

impl HttpRequest {
    /// A request with no headers and an empty body.
    pub fn new(method: impl Into<String>, uri: impl Into<String>) -> Self {
        HttpRequest {
            method: method.into(),
            uri: uri.into(),
            headers: Vec::new(),
            body: Vec::new(),
        }
    }

    /// Append a header (builder style).
    #[must_use]
    pub fn with_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Set the body (builder style).
    #[must_use]
    pub fn with_body(mut self, body: impl Into<Vec<u8>>) -> Self {
        self.body = body.into();
        self
    }

    /// The path part of [`HttpRequest::uri`] (before any `?`).
    pub fn path(&self) -> &str {
        self.uri
            .split_once('?')
            .map_or(self.uri.as_str(), |(p, _)| p)
    }

    /// The query part of [`HttpRequest::uri`] (after the first `?`), if any.
    pub fn query(&self) -> Option<&str> {
        self.uri.split_once('?').map(|(_, q)| q)
    }

    /// Every value of the header `name` (ASCII case-insensitive), in order.
    pub fn header_values<'a, 'n>(
        &'a self,
        name: &'n str,
    ) -> impl Iterator<Item = &'a str> + use<'a, 'n> {
        self.headers
            .iter()
            .filter(move |(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The value of the header `name` when it occurs exactly once; `None` when absent.
    /// More than once is an [`Error::InvalidRequest`].
    pub fn single_header(&self, name: &str) -> Result<Option<&str>> {
        let mut values = self.header_values(name);
        let first = values.next();
        if values.next().is_some() {
            return Err(Error::InvalidRequest {
                reason: alloc::format!("header {name} occurs more than once"),
            });
        }
        Ok(first)
    }
}

/// How the canonical URI is built from the request path (SigV4 "CanonicalURI").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum UriEncoding {
    /// Every service but S3: the path, as sent, is URI-encoded once more (`%3A` → `%253A`),
    /// as the AWS suite's `double-url-encode` case and every AWS SDK do.
    #[default]
    Double,
    /// S3: the path is used as sent; only bytes outside the unreserved set, `/` and `%`
    /// (raw spaces, non-ASCII) are encoded.
    Single,
}

/// What stands as the last line of the canonical request.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub enum PayloadHash {
    /// Hex SHA-256 of the body (the default, and what CreateSession uses).
    #[default]
    Compute,
    /// A value given by the caller: a precomputed hash, `UNSIGNED-PAYLOAD` …
    Given(String),
}

/// Canonicalization options, the knobs of the AWS suite's `context.json`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Settings {
    /// Remove dot segments and empty segments from the path (RFC 3986 §5.2.4; the suite's
    /// `normalize`). On for every service but S3.
    pub normalize_path: bool,
    /// How the path is encoded.
    pub uri_encoding: UriEncoding,
    /// The payload hash line.
    pub payload: PayloadHash,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            normalize_path: true,
            uri_encoding: UriEncoding::Double,
            payload: PayloadHash::Compute,
        }
    }
}

/// Phase one of X.509 signing of any request: everything but the signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreparedSignature {
    /// Stage 1.
    pub canonical_request: CanonicalRequest,
    /// Stage 2: what the signer signs (its `Display` bytes).
    pub string_to_sign: StringToSign,
    algorithm: Algorithm,
    credential: String,
    signed_headers: SignedHeaders,
}

impl PreparedSignature {
    /// Phase two: the `Authorization` value for a signature in wire form.
    pub fn finish(&self, signature: &[u8]) -> Result<Authorization> {
        if signature.is_empty() {
            return Err(Error::InvalidSignature {
                reason: String::from("empty signature"),
            });
        }
        Ok(Authorization::new(
            self.algorithm.as_str(),
            self.credential.clone(),
            self.string_to_sign.scope().clone(),
            self.signed_headers.clone(),
            hex(signature),
        ))
    }
}

/// Phase one of signing `request` with an X.509 key: `credential` is the leaf serial in
/// decimal, `request` must already carry `Host` and `X-Amz-Date` (equal to `date`) and the
/// `X-Amz-X509` headers; the headers signed are those of [`SignedHeaders::from_request`].
pub fn prepare_x509(
    request: &HttpRequest,
    algorithm: Algorithm,
    credential: &str,
    region: &str,
    service: &str,
    date: AmzDate,
    settings: &Settings,
) -> Result<PreparedSignature> {
    check_date_header(request, date)?;
    let signed_headers = SignedHeaders::from_request(request)?;
    let canonical_request = CanonicalRequest::new(request, &signed_headers, settings)?;
    let scope = CredentialScope::new(date, region, service)?;
    let string_to_sign = StringToSign::new(algorithm.as_str(), date, scope, &canonical_request);
    Ok(PreparedSignature {
        canonical_request,
        string_to_sign,
        algorithm,
        credential: String::from(credential),
        signed_headers,
    })
}

/// Both phases of [`prepare_x509`] with a signer at hand (the `sign-string`-style use and
/// endpoints other than CreateSession).
pub fn sign_x509(
    request: &HttpRequest,
    signer: &dyn Signer,
    credential: &str,
    region: &str,
    service: &str,
    date: AmzDate,
) -> Result<Authorization> {
    let prepared = prepare_x509(
        request,
        signer.algorithm(),
        credential,
        region,
        service,
        date,
        &Settings::default(),
    )?;
    let signature = signer.sign(prepared.string_to_sign.as_bytes())?;
    prepared.finish(&signature)
}

/// The request's `X-Amz-Date` must be present, single and equal to the signing time: the
/// service rebuilds the string to sign from it (SPEC §1).
pub(crate) fn check_date_header(request: &HttpRequest, date: AmzDate) -> Result<()> {
    let Some(value) = request.single_header("x-amz-date")? else {
        return Err(Error::InvalidRequest {
            reason: String::from("no X-Amz-Date header"),
        });
    };
    if AmzDate::parse(value.trim())? != date {
        return Err(Error::InvalidRequest {
            reason: alloc::format!("X-Amz-Date {value} is not the signing time {date}"),
        });
    }
    Ok(())
}

/// The checks every verifier makes on the time (SPEC §3 step 1): one `X-Amz-Date`, signed
/// together with `host`; within `max_skew_seconds` of `now` ([`Error::InvalidTime`]); its day
/// the credential scope's ([`Error::SignatureMismatch`]).
pub(crate) fn verify_date(
    request: &HttpRequest,
    authorization: &Authorization,
    now: AmzDate,
    max_skew_seconds: u32,
) -> Result<AmzDate> {
    let malformed = |reason: &str| Error::MalformedAuthorization {
        reason: String::from(reason),
    };
    let value = request
        .single_header("x-amz-date")
        .map_err(|_| malformed("more than one X-Amz-Date header"))?
        .ok_or_else(|| malformed("no X-Amz-Date header"))?;
    for required in ["host", "x-amz-date"] {
        if !authorization.signed_headers().contains(required) {
            return Err(Error::MalformedAuthorization {
                reason: alloc::format!("SignedHeaders does not include {required}"),
            });
        }
    }
    let date = AmzDate::parse(value.trim())?;
    let skew = date.timestamp().unix().abs_diff(now.timestamp().unix());
    if skew > u64::from(max_skew_seconds) {
        return Err(Error::InvalidTime {
            reason: alloc::format!(
                "X-Amz-Date {date} is {skew} s away from the server time {now} (at most {max_skew_seconds} s allowed): check the client clock"
            ),
        });
    }
    if authorization.scope().date() != date.date_stamp() {
        return Err(Error::SignatureMismatch {
            reason: alloc::format!(
                "credential scope date {} is not the day of X-Amz-Date {date}",
                authorization.scope().date()
            ),
        });
    }
    Ok(date)
}
