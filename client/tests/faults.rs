//! Faults between the client and the emulator: throttling (the emulator's own and injected
//! 429s), 5xx answers, slow answers past the timeout, the service stopped mid-refresh. A TCP
//! relay injects the faults; every success is the emulator's answer.
#![allow(clippy::unwrap_used, clippy::panic)]

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use common::{Fault, identity, session};
use roles_anywhere::{Client, CredentialsProvider, HttpConfig, RefreshPolicy, RetryPolicy};
use roles_anywhere_emulator::ThrottleConfig;

fn plain_emulator(throttle: ThrottleConfig) -> roles_anywhere_emulator::RunningEmulator {
    common::start(false, throttle)
}

fn relayed_client(
    emu: &roles_anywhere_emulator::RunningEmulator,
    relay: &common::Relay,
    timeout: Duration,
) -> Client {
    let mut s = session(&emu.info);
    s.endpoint = Some(relay.endpoint.clone());
    let cfg = HttpConfig {
        timeout,
        connect_timeout: Duration::from_secs(2),
        ..HttpConfig::default()
    };
    Client::new(s, identity(&emu.info, "rsa"), &cfg)
        .unwrap()
        .with_retry(RetryPolicy {
            base: Duration::from_millis(50),
            ..RetryPolicy::default()
        })
}

#[test]
fn throttling_and_5xx_are_retried_afresh_and_give_up_after_3_attempts() {
    let emu = plain_emulator(ThrottleConfig::OFF);
    let relay = common::relay(
        emu.local_addr,
        vec![
            Fault::Status(429, "ThrottlingException"),
            Fault::Status(503, "ServiceUnavailableException"),
        ],
    );
    let client = relayed_client(&emu, &relay, Duration::from_secs(10));
    assert!(client.create_session().is_ok());
    assert_eq!(relay.connections.load(Ordering::SeqCst), 3);

    let relay = common::relay(
        emu.local_addr,
        vec![Fault::Status(500, "InternalServerException"); 4],
    );
    let client = relayed_client(&emu, &relay, Duration::from_secs(10));
    let err = client.create_session().unwrap_err();
    assert_eq!(err.code(), "service_error", "{err}");
    assert!(err.to_string().contains("500"), "{err}");
    assert_eq!(relay.connections.load(Ordering::SeqCst), 3);

    // A 403 is not retried.
    let relay = common::relay(
        emu.local_addr,
        vec![Fault::Status(403, "AccessDeniedException")],
    );
    let err = relayed_client(&emu, &relay, Duration::from_secs(10))
        .create_session()
        .unwrap_err();
    assert_eq!(err.code(), "service_error");
    assert_eq!(relay.connections.load(Ordering::SeqCst), 1);
}

#[test]
fn the_emulators_own_throttling_is_ridden_out() {
    let emu = plain_emulator(ThrottleConfig {
        per_certificate_per_second: 1,
        per_ip_per_second: 0,
    });
    let mut s = session(&emu.info);
    s.endpoint = Some(emu.info.endpoint.clone());
    let client = Client::new(s, identity(&emu.info, "rsa"), &HttpConfig::default())
        .unwrap()
        .with_retry(RetryPolicy {
            base: Duration::from_millis(700),
            max_backoff: Duration::from_secs(2),
            max_attempts: 3,
        });
    let debug_retries = Arc::new(AtomicUsize::new(0));
    let r = Arc::clone(&debug_retries);
    let client = client.with_debug(Arc::new(move |e| {
        if let roles_anywhere::DebugEvent::Retry { error, .. } = e {
            assert_eq!(error.code(), "service_error");
            r.fetch_add(1, Ordering::SeqCst);
        }
    }));
    // Full jitter may retry sooner than the bucket refills, so a call may still end
    // throttled: then it must say so, with the advice to cache.
    let outcomes: Vec<_> = (0..3).map(|_| client.create_session()).collect();
    assert!(outcomes[0].is_ok(), "{:?}", outcomes[0].as_ref().err());
    for err in outcomes.iter().filter_map(|o| o.as_ref().err()) {
        assert!(err.is_retryable(), "{err}");
        assert!(err.to_string().contains("hint:"), "{err}");
    }
    assert!(
        debug_retries.load(Ordering::SeqCst) >= 1,
        "the emulator never throttled"
    );
}

#[test]
fn slow_answers_time_out_and_are_retried() {
    let emu = plain_emulator(ThrottleConfig::OFF);
    // Generous limits: a loaded CI machine runs the debug emulator slowly.
    let relay = common::relay(emu.local_addr, vec![Fault::Delay(Duration::from_secs(6))]);
    let client = relayed_client(&emu, &relay, Duration::from_secs(2));
    let started = Instant::now();
    assert!(client.create_session().is_ok());
    assert!(started.elapsed() < Duration::from_secs(6));
    assert_eq!(relay.connections.load(Ordering::SeqCst), 2);

    let relay = common::relay(
        emu.local_addr,
        vec![Fault::Delay(Duration::from_secs(3)); 3],
    );
    let err = relayed_client(&emu, &relay, Duration::from_millis(500))
        .create_session()
        .unwrap_err();
    assert_eq!(err.code(), "timeout", "{err}");
}

#[test]
fn emulator_stopped_mid_refresh_keeps_serving_valid_credentials() {
    let emu = plain_emulator(ThrottleConfig::OFF);
    let relay = common::relay(
        emu.local_addr,
        vec![Fault::Pass, Fault::Drop, Fault::Drop, Fault::Drop],
    );
    let mut s = session(&emu.info);
    s.endpoint = Some(relay.endpoint.clone());
    let client = Client::new(s, identity(&emu.info, "rsa"), &HttpConfig::default())
        .unwrap()
        .with_retry(RetryPolicy {
            base: Duration::from_millis(20),
            ..RetryPolicy::default()
        });
    // Refresh on every call, to force one while the service is gone.
    let always = RefreshPolicy {
        max_ahead: Duration::from_secs(7200),
        lifetime_divisor: 1,
        ..RefreshPolicy::default()
    };
    let provider = CredentialsProvider::with_policy(client, always);
    let first = provider.lookup().unwrap();
    assert!(first.refreshed);
    drop(emu);
    let second = provider.lookup().unwrap();
    assert_eq!(
        second.credentials.access_key_id,
        first.credentials.access_key_id
    );
    let err = second.refresh_error.expect("the refresh failed");
    assert!(matches!(err.code(), "connection" | "http"), "{err}");
}

#[test]
fn a_wrong_clock_is_named_as_the_cause() {
    let emu = common::start(true, ThrottleConfig::OFF);
    // The service's clock an hour ahead of ours is our clock an hour behind.
    emu.clock().set_offset(3600);
    let client = Client::new(
        session(&emu.info),
        identity(&emu.info, "p256"),
        &common::http(&emu.info),
    )
    .unwrap();
    let err = client.create_session().unwrap_err();
    assert_eq!(err.code(), "service_error", "{err}");
    let text = err.to_string();
    assert!(text.contains("clock"), "{text}");
    emu.clock().set_offset(0);
    assert!(client.create_session().is_ok());
}
