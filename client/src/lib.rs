//! # roles-anywhere
//!
//! Temporary AWS credentials from an X.509 certificate through IAM Roles Anywhere, for Rust
//! programs and the `roles-anywhere` CLI: identities from files (re-read at each refresh) or
//! memory, external signers for keys that never leave their device, endpoint resolution as
//! the AWS SDKs do it (SPEC §1), HTTPS on rustls with proxies, timeouts and retries, and a
//! single-flight refreshing cache. The signing itself is `roles-anywhere-core`'s.
//!
//! ```no_run
//! use roles_anywhere::{Client, CredentialsProvider, HttpConfig, IdentitySource, SessionConfig};
//! let identity = IdentitySource::from_files("leaf.pem", Some("leaf.key".into()), None);
//! let session = SessionConfig::new(
//!     "arn:aws:rolesanywhere:us-east-1:123456789012:trust-anchor/ta",
//!     "arn:aws:rolesanywhere:us-east-1:123456789012:profile/p",
//!     "arn:aws:iam::123456789012:role/r",
//! );
//! let provider = CredentialsProvider::new(Client::new(session, identity, &HttpConfig::default())?);
//! let creds = provider.credentials()?;
//! println!("{}", creds.access_key_id);
//! # Ok::<(), roles_anywhere::Error>(())
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

// Links the std lock that the core's lazily built basepoint tables take (feature
// `precomputed-tables`); an unreferenced crate would not be linked.
use critical_section as _;

#[cfg(feature = "aws-sdk")]
pub mod aws_sdk;
pub mod cache;
pub mod endpoint;
mod error;
pub mod http;
pub mod identity_source;
#[cfg(feature = "pkcs11")]
pub mod pkcs11;
pub mod provider;
pub mod retry;
pub mod signer;

pub use cache::{CredentialsCache, Lookup, RefreshPolicy};
pub use endpoint::{EndpointInput, ResolvedEndpoint};
pub use error::{Error, Result, TransportKind};
pub use http::{HttpConfig, ProxyMode};
pub use identity_source::{DataSource, IdentitySource, LoadedIdentity, SharedSigner};
pub use provider::{Client, CredentialsProvider, DebugEvent, DebugHook, SessionConfig};
pub use retry::RetryPolicy;
pub use roles_anywhere_core as core;
pub use roles_anywhere_core::{Credentials, Signer};
pub use signer::FnSigner;
