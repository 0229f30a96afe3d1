//! Load generator for the emulator, on loopback: CreateSession requests per second and
//! p50/p99 latency with RSA-2048 and P-256 clients, and the same for GetCallerIdentity.
//!
//! ```text
//! cargo bench -p roles-anywhere-emulator --bench emulator_load -- [--seconds 5] [--concurrency 32] [--http]
//!     [--no-chain-cache]    # validate every path from scratch (no 60 s memo)
//!     [--ready-file PATH]   # load an emulator started elsewhere instead of an in-process one
//! ```
//! Each request is signed once up front and sent repeatedly (the service has no replay
//! check inside the 5-minute window), so the client spends its time on HTTP only and the
//! server does the whole verification every time. The in-process emulator runs on its own
//! 2-thread runtime, with throttling off.
#![allow(clippy::unwrap_used, clippy::panic, missing_docs)]

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use roles_anywhere_core::sigv4::hmac::{HmacCredentials, sign_request};
use roles_anywhere_core::sigv4::{HttpRequest, Settings};
use roles_anywhere_core::{
    CreateSession, Identity, SignedRequest, Timestamp, parse_create_session_response,
};
use roles_anywhere_emulator::{Clock, EmulatorOptions, ReadyInfo, ThrottleConfig};

struct Args {
    seconds: u64,
    concurrency: usize,
    tls: bool,
    ready_file: Option<String>,
    chain_cache: bool,
}

fn args() -> Args {
    let mut a = Args {
        seconds: 5,
        concurrency: 32,
        tls: true,
        ready_file: None,
        chain_cache: true,
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--seconds" => a.seconds = it.next().unwrap().parse().unwrap(),
            "--concurrency" => a.concurrency = it.next().unwrap().parse().unwrap(),
            "--http" => a.tls = false,
            "--ready-file" => a.ready_file = it.next(),
            "--no-chain-cache" => a.chain_cache = false,
            "--bench" => {} // passed by `cargo bench`
            other => panic!("unknown argument {other}"),
        }
    }
    a
}

/// A request as (url, headers, body), ready to resend.
#[derive(Clone)]
struct Prepared {
    url: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

fn now() -> Timestamp {
    Clock::system().now()
}

fn identity(info: &ReadyInfo, name: &str) -> Identity {
    let id = info.identity(name).unwrap();
    let read = |p: &std::path::Path| std::fs::read(p).unwrap();
    Identity::from_parts(
        &read(&id.certificate),
        Some(&read(&id.private_key)),
        Some(&read(&id.intermediates)),
        None,
    )
    .unwrap()
}

fn create_session(info: &ReadyInfo, name: &str) -> Prepared {
    let identity = identity(info, name);
    let signed: SignedRequest =
        CreateSession::new(&info.trust_anchor_arn, &info.profile_arn, &info.role_arn)
            .with_endpoint(info.endpoint.clone())
            .sign(&identity, identity.private_key().unwrap(), now().amz_date())
            .unwrap();
    Prepared {
        url: signed.url,
        headers: signed.headers,
        body: signed.body,
    }
}

fn get_caller_identity(info: &ReadyInfo, akid: &str, secret: &str, token: &str) -> Prepared {
    let host = info.sts_endpoint.split("://").nth(1).unwrap().to_owned();
    let mut req = HttpRequest::new("POST", "/")
        .with_header("Host", host)
        .with_header(
            "Content-Type",
            "application/x-www-form-urlencoded; charset=utf-8",
        )
        .with_body(b"Action=GetCallerIdentity&Version=2011-06-15".to_vec());
    let creds = HmacCredentials {
        access_key_id: akid,
        secret_access_key: secret,
        session_token: Some(token),
    };
    sign_request(
        &mut req,
        &creds,
        &info.region,
        "sts",
        now().amz_date(),
        &Settings::default(),
    )
    .unwrap();
    Prepared {
        url: format!("{}/", info.sts_endpoint),
        headers: req.headers,
        body: req.body,
    }
}

async fn send(client: &reqwest::Client, p: &Prepared) -> (u16, Vec<u8>) {
    let mut r = client.post(&p.url);
    for (n, v) in &p.headers {
        if !n.eq_ignore_ascii_case("host") {
            r = r.header(n.as_str(), v.as_str());
        }
    }
    let resp = r.body(p.body.clone()).send().await.unwrap();
    let status = resp.status().as_u16();
    (status, resp.bytes().await.unwrap().to_vec())
}

/// CPU seconds this process has used (user + system), from /proc/self/stat (Linux); the
/// machine is shared, so CPU per request says more than wall-clock rates alone.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let fields: Vec<&str> = stat
        .rsplit(')')
        .next()
        .unwrap_or_default()
        .split_whitespace()
        .collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    // After the ")" the 12th and 13th fields are utime and stime, in clock ticks (100 Hz).
    (ticks(11) + ticks(12)) / 100.0
}

/// Time the server-side steps alone, in this thread: the core's verification of the signed
/// request and the trust module's chain validation.
fn micro(info: &ReadyInfo, name: &str, p: &Prepared) -> (f64, f64) {
    let uri = p
        .url
        .splitn(4, '/')
        .nth(3)
        .map(|rest| format!("/{rest}"))
        .unwrap();
    let req = HttpRequest {
        method: "POST".into(),
        uri,
        headers: p.headers.clone(),
        body: p.body.clone(),
    };
    let n = 200;
    let t = Instant::now();
    let mut last = None;
    for _ in 0..n {
        last = Some(
            roles_anywhere_core::verify::verify_x509_request(&req, now().amz_date(), 300).unwrap(),
        );
    }
    let verify_us = t.elapsed().as_secs_f64() * 1e6 / f64::from(n);
    let v = last.unwrap();
    let root = roles_anywhere_emulator::bootstrap::pem_certificates(
        &std::fs::read_to_string(&info.root_ca).unwrap(),
    )
    .unwrap();
    let t = Instant::now();
    for _ in 0..n {
        roles_anywhere_emulator::trust::validate_chain(&v.leaf, &v.chain, &root, &[], now())
            .unwrap();
    }
    let chain_us = t.elapsed().as_secs_f64() * 1e6 / f64::from(n);
    let _ = name;
    (verify_us, chain_us)
}

struct Report {
    n: usize,
    errors: usize,
    rps: f64,
    p50_ms: f64,
    p99_ms: f64,
    /// Client and server together.
    cpu_ms_per_request: f64,
}

impl std::fmt::Display for Report {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{:>7.0} req/s  p50 {:>6.2} ms  p99 {:>6.2} ms  cpu {:.3} ms/req (client+server; {:.0} req/s on 2 idle cores)  n={} errors={}",
            self.rps,
            self.p50_ms,
            self.p99_ms,
            self.cpu_ms_per_request,
            if self.cpu_ms_per_request > 0.0 {
                2000.0 / self.cpu_ms_per_request
            } else {
                0.0
            },
            self.n,
            self.errors
        )
    }
}

async fn load(
    client: &reqwest::Client,
    p: &Prepared,
    expect: u16,
    seconds: u64,
    concurrency: usize,
) -> Report {
    // Warm-up: open the connections.
    for _ in 0..concurrency.min(8) {
        assert_eq!(send(client, p).await.0, expect);
    }
    let stop = Arc::new(AtomicBool::new(false));
    let start = Instant::now();
    let cpu0 = cpu_seconds();
    let mut tasks = Vec::new();
    for _ in 0..concurrency {
        let (client, p, stop) = (client.clone(), p.clone(), Arc::clone(&stop));
        tasks.push(tokio::spawn(async move {
            let mut lat = Vec::with_capacity(4096);
            let mut errors = 0usize;
            while !stop.load(Ordering::Relaxed) {
                let t = Instant::now();
                let (status, _) = send(&client, &p).await;
                lat.push(t.elapsed().as_micros() as u32);
                if status != expect {
                    errors += 1;
                }
            }
            (lat, errors)
        }));
    }
    tokio::time::sleep(Duration::from_secs(seconds)).await;
    stop.store(true, Ordering::Relaxed);
    let mut all = Vec::new();
    let mut errors = 0;
    for t in tasks {
        let (lat, e) = t.await.unwrap();
        all.extend(lat);
        errors += e;
    }
    let elapsed = start.elapsed().as_secs_f64();
    let cpu = cpu_seconds() - cpu0;
    all.sort_unstable();
    let pct = |q: f64| {
        all.get(((all.len() as f64 - 1.0) * q).round() as usize)
            .copied()
            .unwrap_or(0) as f64
            / 1000.0
    };
    let cpu_ms_per_request = if all.is_empty() {
        0.0
    } else {
        cpu * 1000.0 / all.len() as f64
    };
    Report {
        n: all.len(),
        errors,
        rps: all.len() as f64 / elapsed,
        p50_ms: pct(0.50),
        p99_ms: pct(0.99),
        cpu_ms_per_request,
    }
}

fn main() {
    let a = args();
    let dir = tempfile::tempdir().unwrap();
    let (info, _emulator) = match &a.ready_file {
        Some(path) => (
            serde_json::from_slice::<ReadyInfo>(&std::fs::read(path).unwrap()).unwrap(),
            None,
        ),
        None => {
            let mut opts = EmulatorOptions::new(dir.path());
            opts.tls = a.tls;
            opts.throttle = Some(ThrottleConfig::OFF);
            opts.chain_cache = a.chain_cache;
            let emu = roles_anywhere_emulator::spawn_blocking(opts).unwrap();
            (emu.info.clone(), Some(emu))
        }
    };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let mut b = reqwest::Client::builder().use_rustls_tls().pool_max_idle_per_host(a.concurrency);
        if let Some(ca) = &info.ca_bundle {
            b = b.add_root_certificate(reqwest::Certificate::from_pem(&std::fs::read(ca).unwrap()).unwrap());
        }
        let client = b.build().unwrap();
        println!(
            "emulator {} ({} s per run, {} concurrent clients, {} cores)",
            info.endpoint,
            a.seconds,
            a.concurrency,
            std::thread::available_parallelism().map_or(0, |n| n.get())
        );
        for (label, name) in [("P-256", "p256"), ("RSA-2048", "rsa")] {
            let req = create_session(&info, name);
            let (verify_us, chain_us) = micro(&info, name, &req);
            println!("  {label}: server steps alone: verify_x509_request {verify_us:.0} us, validate_chain {chain_us:.0} us");
            let r = load(&client, &req, 201, a.seconds, a.concurrency).await;
            println!("CreateSession     {label:<9} {r}");
        }
        let (status, body) = send(&client, &create_session(&info, "p256")).await;
        let creds = parse_create_session_response(status, &[], &body).unwrap();
        let gci = get_caller_identity(&info, &creds.access_key_id, &creds.secret_access_key, &creds.session_token);
        let r = load(&client, &gci, 200, a.seconds, a.concurrency).await;
        println!("GetCallerIdentity           {r}");
    });
}
