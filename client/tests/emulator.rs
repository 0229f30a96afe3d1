//! The client against the real emulator over HTTPS on loopback: identities from files and
//! memory, rotation, external signers, CA handling, proxies, single-flight (faults: faults.rs).
#![allow(clippy::unwrap_used, clippy::panic)]

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use common::{http, identity, session, shared};
use roles_anywhere::http::{HttpResponse, Transport, UreqTransport};
use roles_anywhere::{
    Client, CredentialsProvider, DataSource, FnSigner, HttpConfig, IdentitySource, ProxyMode,
    RetryPolicy,
};
use roles_anywhere_core::{PrivateKey, SignedRequest, Signer};

fn now() -> i64 {
    roles_anywhere::cache::system_now()
}

#[test]
fn credentials_for_rsa_and_p256_identities_from_files() {
    let info = shared();
    for name in ["rsa", "p256"] {
        let client = Client::new(session(info), identity(info, name), &http(info)).unwrap();
        let creds = client.create_session().unwrap();
        assert!(
            creds.access_key_id.starts_with("ASIA"),
            "{name}: {:?}",
            creds
        );
        assert!(!creds.secret_access_key.is_empty() && !creds.session_token.is_empty());
        let left = creds.expiration.unix() - now();
        assert!((3500..=3600).contains(&left), "{name}: {left}");
    }
}

#[test]
fn identity_from_bytes_in_memory_with_session_name_and_duration() {
    let info = shared();
    let id = info.identity("p256").unwrap();
    let source = IdentitySource::from_parts(
        DataSource::memory(std::fs::read(&id.certificate).unwrap()),
        Some(DataSource::memory(std::fs::read(&id.private_key).unwrap())),
        Some(DataSource::memory(
            std::fs::read(&id.intermediates).unwrap(),
        )),
    );
    let mut s = session(info);
    s.duration_seconds = 900;
    s.role_session_name = Some("mem-session".into());
    let creds = Client::new(s, source, &http(info))
        .unwrap()
        .create_session()
        .unwrap();
    let left = creds.expiration.unix() - now();
    assert!((850..=900).contains(&left), "{left}");
    assert!(
        creds
            .assumed_role_arn
            .as_deref()
            .unwrap_or("")
            .ends_with("/mem-session"),
        "{:?}",
        creds.assumed_role_arn
    );
}

#[test]
fn a_rotated_certificate_is_picked_up_at_the_next_refresh() {
    let info = shared();
    let dir = common::temp_dir("rotate");
    let (cert, key, chain) = (
        dir.join("leaf.pem"),
        dir.join("leaf.key"),
        dir.join("chain.pem"),
    );
    let install = |name: &str| {
        let id = info.identity(name).unwrap();
        std::fs::copy(&id.certificate, &cert).unwrap();
        std::fs::copy(&id.private_key, &key).unwrap();
        std::fs::copy(&id.intermediates, &chain).unwrap();
    };
    install("rsa");
    let client = Client::new(
        session(info),
        IdentitySource::from_files(&cert, Some(key.clone()), Some(chain.clone())),
        &http(info),
    )
    .unwrap();
    let first = client
        .create_session()
        .unwrap()
        .assumed_role_arn
        .clone()
        .unwrap();
    install("p256");
    let second = client
        .create_session()
        .unwrap()
        .assumed_role_arn
        .clone()
        .unwrap();
    // The default session name is the certificate's serial, so it changes with the cert.
    assert_ne!(first, second);
}

#[test]
fn external_signer_signs_and_a_wrong_one_is_explained() {
    let info = shared();
    let id = info.identity("p256").unwrap();
    let key = Arc::new(PrivateKey::parse(&std::fs::read(&id.private_key).unwrap(), None).unwrap());
    let calls = Arc::new(AtomicUsize::new(0));
    let (k, c) = (Arc::clone(&key), Arc::clone(&calls));
    let signer = FnSigner::new(key.algorithm(), move |msg| {
        c.fetch_add(1, Ordering::SeqCst);
        k.sign(msg)
    });
    let source = IdentitySource::external(
        DataSource::File(id.certificate.clone()),
        Some(DataSource::File(id.intermediates.clone())),
        Arc::new(signer),
    );
    let creds = Client::new(session(info), source, &http(info))
        .unwrap()
        .create_session()
        .unwrap();
    assert!(!creds.access_key_id.is_empty());
    assert_eq!(calls.load(Ordering::SeqCst), 1);

    // A device that signs something else than the string to sign: the service says
    // "Invalid signature", the client adds what to check.
    let k = Arc::clone(&key);
    let wrong_p256 = FnSigner::new(key.algorithm(), move |msg: &[u8]| {
        let mut tampered = msg.to_vec();
        tampered.push(b'!');
        k.sign(&tampered)
    });
    let source = IdentitySource::external(
        DataSource::File(id.certificate.clone()),
        Some(DataSource::File(id.intermediates.clone())),
        Arc::new(wrong_p256),
    );
    let err = Client::new(session(info), source, &http(info))
        .unwrap()
        .create_session()
        .unwrap_err();
    assert_eq!(err.code(), "service_error", "{err}");
    let text = err.to_string();
    assert!(text.contains("hint:"), "no hint in {text}");
}

#[test]
fn tls_needs_the_right_ca_unless_explicitly_insecure() {
    let info = shared();
    // System roots do not hold the emulator's CA.
    let plain = HttpConfig {
        ca_bundle: None,
        ..HttpConfig::default()
    };
    let client = Client::new(session(info), identity(info, "rsa"), &plain).unwrap();
    let err = client.create_session().unwrap_err();
    assert_eq!(err.code(), "tls", "{err}");

    // A CA bundle that is not a CA bundle.
    let bad = HttpConfig {
        ca_bundle: Some(info.identity("rsa").unwrap().private_key.clone()),
        ..HttpConfig::default()
    };
    let err = Client::new(session(info), identity(info, "rsa"), &bad).unwrap_err();
    assert_eq!(err.code(), "invalid_ca_bundle", "{err}");

    // Another CA (the demo root, which did not issue the server certificate).
    let wrong = HttpConfig {
        ca_bundle: Some(info.root_ca.clone()),
        ..HttpConfig::default()
    };
    let err = Client::new(session(info), identity(info, "rsa"), &wrong)
        .unwrap()
        .create_session()
        .unwrap_err();
    assert_eq!(err.code(), "tls", "{err}");

    let insecure = HttpConfig {
        insecure: true,
        ..HttpConfig::default()
    };
    assert!(
        Client::new(session(info), identity(info, "rsa"), &insecure)
            .unwrap()
            .create_session()
            .is_ok()
    );
}

#[test]
fn through_a_connect_proxy() {
    let info = shared();
    let proxy = common::connect_proxy();
    let cfg = HttpConfig {
        proxy: ProxyMode::Url(proxy.url.clone()),
        ..http(info)
    };
    let creds = Client::new(session(info), identity(info, "p256"), &cfg)
        .unwrap()
        .create_session()
        .unwrap();
    assert!(!creds.access_key_id.is_empty());
    assert_eq!(proxy.tunnels.load(Ordering::SeqCst), 1);
    // A proxy that is not there.
    let dead = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let cfg = HttpConfig {
        proxy: ProxyMode::Url(format!("http://{dead}")),
        ..http(info)
    };
    let client = Client::new(session(info), identity(info, "p256"), &cfg)
        .unwrap()
        .with_retry(RetryPolicy {
            max_attempts: 1,
            ..RetryPolicy::default()
        });
    let err = client.create_session().unwrap_err();
    assert_eq!(err.code(), "proxy", "{err}");
}

/// Counts what goes through the real transport (not a stand-in for the service).
#[derive(Debug)]
struct Counting {
    inner: UreqTransport,
    calls: AtomicUsize,
}

impl Transport for Counting {
    fn send(&self, request: &SignedRequest) -> roles_anywhere::Result<HttpResponse> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        self.inner.send(request)
    }
}

#[test]
fn one_thousand_concurrent_callers_make_one_create_session() {
    let info = shared();
    let transport = Arc::new(Counting {
        inner: UreqTransport::new(&http(info)).unwrap(),
        calls: AtomicUsize::new(0),
    });
    let client =
        Client::with_transport(session(info), identity(info, "rsa"), transport.clone()).unwrap();
    let provider = Arc::new(CredentialsProvider::new(client));
    let barrier = Arc::new(std::sync::Barrier::new(1000));
    let threads: Vec<_> = (0..1000)
        .map(|_| {
            let (p, b) = (Arc::clone(&provider), Arc::clone(&barrier));
            std::thread::Builder::new()
                // The one caller that refreshes runs TLS in a debug build: default stack.
                .spawn(move || {
                    b.wait();
                    p.credentials().map(|c| c.access_key_id.clone())
                })
                .unwrap()
        })
        .collect();
    let keys: std::collections::HashSet<String> = threads
        .into_iter()
        .map(|t| t.join().unwrap().unwrap())
        .collect();
    assert_eq!(keys.len(), 1);
    assert_eq!(transport.calls.load(Ordering::SeqCst), 1);
}
