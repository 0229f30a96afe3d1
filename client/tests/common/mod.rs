//! Test helpers: the real emulator in-process over HTTPS on loopback, a CONNECT proxy, and a
//! TCP relay that injects faults (canned 429/5xx answers, delays, dropped connections) in
//! front of it. Nothing here imitates the service: every success is the emulator's.
#![allow(dead_code, clippy::unwrap_used, clippy::panic)]

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use roles_anywhere::{HttpConfig, IdentitySource, SessionConfig};
use roles_anywhere_emulator::{EmulatorOptions, ReadyInfo, RunningEmulator, ThrottleConfig};

pub fn temp_dir(tag: &str) -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let d = std::env::temp_dir().join(format!(
        "ra-client-{tag}-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    ));
    std::fs::create_dir_all(&d).unwrap();
    d
}

pub fn start(tls: bool, throttle: ThrottleConfig) -> RunningEmulator {
    let mut opts = EmulatorOptions::new(temp_dir("emu"));
    opts.tls = tls;
    opts.throttle = Some(throttle);
    roles_anywhere_emulator::spawn_blocking(opts).expect("emulator starts")
}

/// One HTTPS emulator shared by the tests of a binary (no throttling).
pub fn shared() -> &'static ReadyInfo {
    static EMU: OnceLock<RunningEmulator> = OnceLock::new();
    &EMU.get_or_init(|| start(true, ThrottleConfig::OFF)).info
}

pub fn session(info: &ReadyInfo) -> SessionConfig {
    let mut s = SessionConfig::new(&info.trust_anchor_arn, &info.profile_arn, &info.role_arn);
    s.endpoint = Some(info.endpoint.clone());
    s
}

pub fn identity(info: &ReadyInfo, name: &str) -> IdentitySource {
    let id = info.identity(name).unwrap();
    IdentitySource::from_files(
        &id.certificate,
        Some(id.private_key.clone()),
        Some(id.intermediates.clone()),
    )
}

pub fn http(info: &ReadyInfo) -> HttpConfig {
    HttpConfig {
        ca_bundle: info.ca_bundle.clone(),
        ..HttpConfig::default()
    }
}

fn pipe(mut from: TcpStream, mut to: TcpStream) {
    let mut buf = [0u8; 16 * 1024];
    loop {
        match from.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => {
                if to.write_all(&buf[..n]).is_err() {
                    break;
                }
            }
        }
    }
    let _ = to.shutdown(Shutdown::Write);
}

fn splice(a: TcpStream, b: TcpStream) {
    let (a2, b2) = (a.try_clone().unwrap(), b.try_clone().unwrap());
    let t = std::thread::spawn(move || pipe(a2, b2));
    pipe(b, a);
    let _ = t.join();
}

/// Read an HTTP/1.1 request head (and a Content-Length body) from `s`.
fn read_request(s: &mut TcpStream) -> Vec<u8> {
    let mut data = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        if let Some(end) = data.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&data[..end]).to_ascii_lowercase();
            let len = head
                .lines()
                .find_map(|l| {
                    l.strip_prefix("content-length:")
                        .map(|v| v.trim().parse::<usize>().unwrap_or(0))
                })
                .unwrap_or(0);
            if data.len() >= end + 4 + len {
                return data;
            }
        }
        match s.read(&mut buf) {
            Ok(0) | Err(_) => return data,
            Ok(n) => data.extend_from_slice(&buf[..n]),
        }
    }
}

/// A minimal HTTP CONNECT proxy on loopback that counts the tunnels it opened.
pub struct ConnectProxy {
    pub url: String,
    pub tunnels: Arc<AtomicUsize>,
}

pub fn connect_proxy() -> ConnectProxy {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let tunnels = Arc::new(AtomicUsize::new(0));
    let count = Arc::clone(&tunnels);
    std::thread::spawn(move || {
        for conn in listener.incoming() {
            let Ok(mut client) = conn else { continue };
            let count = Arc::clone(&count);
            std::thread::spawn(move || {
                let head = read_request(&mut client);
                let head = String::from_utf8_lossy(&head).into_owned();
                let target = head.split_whitespace().nth(1).unwrap_or("").to_owned();
                if !head.starts_with("CONNECT ") || !target.starts_with("127.0.0.1:") {
                    let _ =
                        client.write_all(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n");
                    return;
                }
                let Ok(upstream) = TcpStream::connect(&target) else {
                    let _ =
                        client.write_all(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n");
                    return;
                };
                count.fetch_add(1, Ordering::SeqCst);
                let _ = client.write_all(b"HTTP/1.1 200 Connection established\r\n\r\n");
                splice(client, upstream);
            });
        }
    });
    ConnectProxy { url, tunnels }
}

/// What the relay does with the n-th connection.
#[derive(Debug, Clone)]
pub enum Fault {
    /// Answer this status with an AWS-style JSON error, then close.
    Status(u16, &'static str),
    /// Wait, then forward.
    Delay(Duration),
    /// Read the request, close without answering.
    Drop,
    /// Forward to the emulator.
    Pass,
}

/// A TCP relay in front of a plain-HTTP emulator: connection `i` meets `script[i]` (then
/// `Pass` once the script is used up). The client signs for the relay's `Host`, which is
/// what the emulator receives, so forwarded requests verify.
pub struct Relay {
    pub endpoint: String,
    pub connections: Arc<AtomicUsize>,
}

pub fn relay(upstream: std::net::SocketAddr, script: Vec<Fault>) -> Relay {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let endpoint = format!("http://{}", listener.local_addr().unwrap());
    let connections = Arc::new(AtomicUsize::new(0));
    let count = Arc::clone(&connections);
    let script = Arc::new(Mutex::new(script.into_iter()));
    std::thread::spawn(move || {
        for conn in listener.incoming() {
            let Ok(mut client) = conn else { continue };
            count.fetch_add(1, Ordering::SeqCst);
            let fault = script.lock().unwrap().next().unwrap_or(Fault::Pass);
            std::thread::spawn(move || match fault {
                Fault::Status(status, error_type) => {
                    let _ = read_request(&mut client);
                    let body = format!("{{\"message\":\"injected {status}\"}}");
                    let answer = format!(
                        "HTTP/1.1 {status} Injected\r\nx-amzn-ErrorType: {error_type}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                        body.len()
                    );
                    let _ = client.write_all(answer.as_bytes());
                }
                Fault::Drop => {
                    let _ = read_request(&mut client);
                    let _ = client.shutdown(Shutdown::Both);
                }
                Fault::Delay(d) => {
                    std::thread::sleep(d);
                    if let Ok(up) = TcpStream::connect(upstream) {
                        splice(client, up);
                    }
                }
                Fault::Pass => {
                    if let Ok(up) = TcpStream::connect(upstream) {
                        splice(client, up);
                    }
                }
            });
        }
    });
    Relay {
        endpoint,
        connections,
    }
}

/// SoftHSM (Debian's `softhsm2`): a fresh token, with a unique label, in SoftHSM's default
/// token directory (the configuration is read from the environment, which this
/// `forbid(unsafe_code)` test cannot set), with the PKCS#8 keys `keys` (label, hex id, path)
/// imported; deleted on drop. `None` when SoftHSM is not installed.
pub struct SoftHsm {
    pub module: PathBuf,
    pub label: String,
    pub pin: String,
}

pub const SOFTHSM_MODULE: &str = "/usr/lib/softhsm/libsofthsm2.so";

fn softhsm_util(args: &[&str]) {
    let out = std::process::Command::new("softhsm2-util")
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "softhsm2-util {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

pub fn softhsm(keys: &[(&str, &str, &std::path::Path)]) -> Option<SoftHsm> {
    let module = PathBuf::from(SOFTHSM_MODULE);
    // Not a skip: scripts/install-deps.sh installs SoftHSM, and a missing one is a failure.
    assert!(
        module.exists(),
        "SoftHSM not installed: run scripts/install-deps.sh (apt-get install softhsm2)"
    );
    static N: AtomicUsize = AtomicUsize::new(0);
    let label = format!(
        "ra-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    );
    let pin = "1234".to_owned();
    softhsm_util(&[
        "--init-token",
        "--free",
        "--label",
        &label,
        "--pin",
        &pin,
        "--so-pin",
        "5678",
    ]);
    for (key_label, id, path) in keys {
        softhsm_util(&[
            "--import",
            path.to_str().unwrap(),
            "--token",
            &label,
            "--label",
            key_label,
            "--id",
            id,
            "--pin",
            &pin,
        ]);
    }
    Some(SoftHsm { module, label, pin })
}

impl Drop for SoftHsm {
    fn drop(&mut self) {
        let _ = std::process::Command::new("softhsm2-util")
            .args(["--delete-token", "--token", &self.label])
            .output();
    }
}
