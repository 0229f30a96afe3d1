//! Feature `aws-sdk`: the provider as an `aws_credential_types` provider, against the
//! emulator, awaited on a runtime that must not be blocked by the refresh.
#![cfg(feature = "aws-sdk")]
#![allow(clippy::unwrap_used)]

mod common;

use aws_credential_types::provider::ProvideCredentials;
use roles_anywhere::aws_sdk::SdkCredentialsProvider;
use roles_anywhere::{Client, CredentialsProvider};

#[tokio::test(flavor = "current_thread")]
async fn provides_credentials_to_the_sdk() {
    let info = common::shared();
    let client = Client::new(
        common::session(info),
        common::identity(info, "p256"),
        &common::http(info),
    )
    .unwrap();
    let provider = SdkCredentialsProvider::new(CredentialsProvider::new(client));
    let first = provider.provide_credentials().await.unwrap();
    assert!(first.access_key_id().starts_with("ASIA"));
    assert!(first.session_token().is_some());
    assert!(first.expiry().is_some());
    // Cached: the same credentials, answered without a refresh.
    let second = provider.provide_credentials().await.unwrap();
    assert_eq!(first.access_key_id(), second.access_key_id());
}

#[tokio::test(flavor = "current_thread")]
async fn errors_are_sdk_errors() {
    let info = common::shared();
    let mut s = common::session(info);
    s.endpoint = Some("https://127.0.0.1:1".into());
    let client = Client::new(s, common::identity(info, "p256"), &common::http(info))
        .unwrap()
        .with_retry(roles_anywhere::RetryPolicy {
            max_attempts: 1,
            ..Default::default()
        });
    let provider = SdkCredentialsProvider::new(CredentialsProvider::new(client));
    let err = provider.provide_credentials().await.unwrap_err();
    assert!(
        format!("{err:?}").contains("connection") || format!("{err:?}").contains("Connection"),
        "{err:?}"
    );
}
