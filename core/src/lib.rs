//! # roles-anywhere-core
//!
//! The signing core of IAM Roles Anywhere: it turns an X.509 identity and request
//! parameters into a signed `CreateSession` request, and a service answer into
//! [`Credentials`] or a [`ServiceError`].
//!
//! What it does **not** do, by design (sans-IO):
//! - no network: it builds a [`SignedRequest`] as data and parses a response given as data;
//! - no clock: the signing time is a parameter ([`AmzDate`]);
//! - no filesystem: identities are parsed from bytes;
//! - no randomness of its own: RSA PKCS#1 v1.5 and RFC 6979 ECDSA are deterministic.
//!
//! Signing happens in two phases so that an asynchronous or hardware signer (WebCrypto,
//! PKCS#11, a KMS, a callback in another language) can sit between them:
//! [`CreateSession::prepare`] gives the [`StringToSign`], and [`PreparedRequest::finish`]
//! takes the signature bytes and gives the [`SignedRequest`].
//!
//! Wire facts follow the project's SPEC §1 (the official helper's request) and the AWS
//! SigV4 test suite for canonicalization.
#![no_std]
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::panic))]

extern crate alloc;

mod encoding;
mod error;
mod time;

pub mod arn;
pub mod create_session;
pub mod identity;
pub mod response;
pub mod signer;
pub mod sigv4;
#[cfg(feature = "verify")]
pub mod verify;

pub use arn::{Arn, ArnKind};
pub use create_session::{CreateSession, PreparedRequest, SignedRequest};
pub use error::{Error, Result};
pub use identity::{Certificate, Identity, KeyType, PrivateKey};
pub use response::{Credentials, ServiceError, parse_create_session_response};
pub use signer::{Algorithm, Signer, ecdsa_raw_to_der};
pub use sigv4::hmac::HmacCredentials;
pub use sigv4::{
    Authorization, CanonicalRequest, CredentialScope, HttpRequest, SignedHeaders, StringToSign,
};
pub use time::{AmzDate, Timestamp};
