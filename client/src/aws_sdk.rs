//! Feature `aws-sdk`: [`CredentialsProvider`] as an AWS SDK for Rust credentials provider,
//! to plug into `aws_config::ConfigLoader::credentials_provider`.
//!
//! Fresh cached credentials are answered at once; a refresh (blocking network I/O) runs on
//! a plain thread and is awaited through a oneshot, so no async runtime is required and
//! none is blocked.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use aws_credential_types::provider::{self, ProvideCredentials, error::CredentialsError, future};

use crate::provider::CredentialsProvider;

const PROVIDER_NAME: &str = "RolesAnywhere";

/// An `aws_credential_types` provider over a shared [`CredentialsProvider`].
#[derive(Debug, Clone)]
pub struct SdkCredentialsProvider {
    inner: Arc<CredentialsProvider>,
}

impl SdkCredentialsProvider {
    /// Wrap `provider`.
    pub fn new(provider: CredentialsProvider) -> Self {
        SdkCredentialsProvider {
            inner: Arc::new(provider),
        }
    }

    /// Share an existing provider.
    pub fn from_shared(inner: Arc<CredentialsProvider>) -> Self {
        SdkCredentialsProvider { inner }
    }
}

fn convert(c: &roles_anywhere_core::Credentials) -> aws_credential_types::Credentials {
    let expiry = u64::try_from(c.expiration.unix())
        .ok()
        .map(|s| SystemTime::UNIX_EPOCH + Duration::from_secs(s));
    aws_credential_types::Credentials::new(
        c.access_key_id.clone(),
        c.secret_access_key.clone(),
        Some(c.session_token.clone()),
        expiry,
        PROVIDER_NAME,
    )
}

fn to_sdk_error(e: crate::Error) -> CredentialsError {
    if e.is_retryable() || matches!(e, crate::Error::Transport { .. }) {
        CredentialsError::provider_error(e)
    } else if matches!(e, crate::Error::Core(ref c) if c.is_input_error()) {
        CredentialsError::invalid_configuration(e)
    } else {
        CredentialsError::provider_error(e)
    }
}

impl ProvideCredentials for SdkCredentialsProvider {
    fn provide_credentials<'a>(&'a self) -> future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        if let Some(c) = self.inner.cache().peek_fresh() {
            return future::ProvideCredentials::ready(Ok(convert(&c)));
        }
        let inner = Arc::clone(&self.inner);
        let (tx, rx) = futures_channel::oneshot::channel();
        let spawned = std::thread::Builder::new()
            .name("roles-anywhere-refresh".to_owned())
            .spawn(move || {
                let _ = tx.send(inner.credentials());
            });
        if let Err(e) = spawned {
            return future::ProvideCredentials::ready(Err(CredentialsError::unhandled(e)));
        }
        future::ProvideCredentials::new(async move {
            match rx.await {
                Ok(Ok(c)) => Ok(convert(&c)),
                Ok(Err(e)) => Err(to_sdk_error(e)),
                Err(canceled) => Err(CredentialsError::unhandled(canceled)),
            }
        })
    }
}

/// Result type of the SDK trait, re-exported for callers.
pub type SdkResult = provider::Result;
