//! SigV4 canonicalization, one type per stage, each `Display`ing its wire form. The same
//! stages serve the X.509 variant (CreateSession, any request) and, for the emulator's
//! verifier, HMAC SigV4. Canonicalization follows the AWS SigV4 test suite.
//!
//! SKELETON: being written (issue 2, signing part).

use alloc::string::String;
use alloc::vec::Vec;

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

/// Stage 1: the canonical request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CanonicalRequest {
    text: String,
}

/// The `SignedHeaders` list (`content-type;host;x-amz-date;x-amz-x509`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedHeaders(Vec<String>);

/// `YYYYMMDD/region/service/aws4_request`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CredentialScope {
    date: String,
    region: String,
    service: String,
}

/// Stage 2: the string to sign.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StringToSign {
    text: String,
}

/// Stage 3: the `Authorization` header value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Authorization {
    algorithm: String,
    credential: String,
    scope: CredentialScope,
    signed_headers: SignedHeaders,
    signature: String,
}
