//! CreateSession signing cost per key type, with the built-in signer and the test PKI of
//! `tests/vectors/keys/` (one leaf per key type, found by reading the folder).
//!
//! - `sign/<key type>`: the signature alone over a string to sign (what `openssl speed`
//!   measures; `bench/core-vs-openssl.sh` prints the ratio);
//! - `prepare_finish/<key type>`: validation, canonicalization, signature and the signed
//!   request: a whole `CreateSession::sign`.
//!
//! Both take an already-parsed key: parsing (and the RSA CRT precomputation) happens once,
//! outside the timed loop, as in a long-running client. ECDSA cost depends on the
//! `precomputed-tables` feature (`cargo bench -p roles-anywhere-core --features
//! precomputed-tables`); `bench/core-vs-openssl.sh` builds with it unless given `--no-tables`.
//!
//! With `ROLES_ANYWHERE_SIGN_LOOP="<key type>:<n>"` (e.g. `EC P-256:50`) the binary instead
//! signs once (warm-up: one-time lazy initialisation) and then `n` times inside
//! `measured_sign_loop`, for `valgrind --tool=callgrind --collect-atstart=no
//! --toggle-collect=*measured_sign_loop*` (instruction counts, independent of machine load;
//! `bench/core-vs-openssl.sh --instructions`).
#![allow(missing_docs, clippy::panic)]

use std::fs;
use std::hint::black_box;
use std::path::{Path, PathBuf};

use criterion::{Criterion, criterion_group};
use roles_anywhere_core::{AmzDate, CreateSession, Identity, KeyType, Signer};

const TA: &str = "arn:aws:rolesanywhere:us-east-1:123456789012:trust-anchor/4a1b2c3d-5e6f-4a7b-8c9d-0e1f2a3b4c5d";
const PR: &str =
    "arn:aws:rolesanywhere:us-east-1:123456789012:profile/9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a";
const RO: &str = "arn:aws:iam::123456789012:role/example";

const WANTED: [KeyType; 5] = [
    KeyType::Rsa { bits: 2048 },
    KeyType::Rsa { bits: 3072 },
    KeyType::Rsa { bits: 4096 },
    KeyType::EcP256,
    KeyType::EcP384,
];

fn keys_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/vectors/keys")
}

/// Every `<stem>.crt.pem` with a `<stem>.key.pkcs8.pem` beside it, shortest stem first (the
/// plain leaf of a key type before its chain and serial variants).
fn identities() -> Vec<(KeyType, Identity)> {
    let dir = keys_dir();
    let mut stems: Vec<String> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| {
            e.ok()?
                .file_name()
                .into_string()
                .ok()?
                .strip_suffix(".crt.pem")
                .map(str::to_string)
        })
        .filter(|stem| dir.join(format!("{stem}.key.pkcs8.pem")).exists())
        .collect();
    stems.sort_by_key(|s| (s.len(), s.clone()));
    let mut found: Vec<(KeyType, Identity)> = Vec::new();
    for stem in stems {
        let read = |suffix: &str| fs::read(dir.join(format!("{stem}{suffix}"))).unwrap_or_default();
        let Ok(id) =
            Identity::from_parts(&read(".crt.pem"), Some(&read(".key.pkcs8.pem")), None, None)
        else {
            continue; // unsupported key types, mismatched test keys
        };
        let kt = id.key_type();
        if WANTED.contains(&kt) && !found.iter().any(|(k, _)| *k == kt) {
            found.push((kt, id));
        }
    }
    found.sort_by_key(|(kt, _)| WANTED.iter().position(|w| w == kt));
    found
}

fn bench(c: &mut Criterion) {
    let date = AmzDate::parse("20211103T120000Z").expect("date");
    let params = CreateSession::new(TA, PR, RO);
    let ids = identities();
    assert_eq!(
        ids.len(),
        WANTED.len(),
        "a test key is missing in tests/vectors/keys"
    );
    let mut sign = c.benchmark_group("sign");
    for (kt, id) in &ids {
        let key = id.private_key().expect("private key");
        let prepared = params
            .prepare(id.leaf(), id.chain(), key.algorithm(), date)
            .expect("prepares");
        let message = prepared.string_to_sign().as_bytes().to_vec();
        sign.bench_function(kt.to_string(), |b| {
            b.iter(|| key.sign(black_box(&message)).expect("signs"))
        });
    }
    sign.finish();
    let mut whole = c.benchmark_group("prepare_finish");
    for (kt, id) in &ids {
        let key = id.private_key().expect("private key");
        whole.bench_function(kt.to_string(), |b| {
            b.iter(|| {
                let p = params
                    .prepare(id.leaf(), id.chain(), key.algorithm(), black_box(date))
                    .expect("prepares");
                let signature = key.sign(p.string_to_sign().as_bytes()).expect("signs");
                p.finish(&signature).expect("finishes")
            })
        });
    }
    whole.finish();
}

/// `n` signatures, kept out of line so that callgrind can count exactly this function.
#[inline(never)]
fn measured_sign_loop(key: &impl Signer, message: &[u8], n: u64) {
    for _ in 0..n {
        black_box(key.sign(black_box(message)).expect("signs"));
    }
}

/// `ROLES_ANYWHERE_SIGN_LOOP="<key type>:<n>[:<rounds>]"`: one warm-up signature, then
/// `rounds` batches of `n`; prints the fastest batch's time per signature (`ns_per_sign <x>`):
/// on a shared machine other load only ever adds time, so the minimum is the estimate.
fn sign_loop(spec: &str) {
    let usage =
        || -> ! { panic!("ROLES_ANYWHERE_SIGN_LOOP={spec:?}: want \"<key type>:<n>[:<rounds>]\"") };
    let mut fields = spec.split(':');
    let wanted = fields.next().unwrap_or_else(|| usage());
    let mut number = || {
        fields
            .next()
            .map(|f| f.parse::<u64>().unwrap_or_else(|_| usage()))
    };
    let n = number().unwrap_or_else(|| usage()).max(1);
    let rounds = number().unwrap_or(1).max(1);
    let ids = identities();
    let (_, id) = ids
        .iter()
        .find(|(kt, _)| kt.to_string() == wanted)
        .unwrap_or_else(|| panic!("no test key of type {wanted:?}"));
    let key = id.private_key().expect("private key");
    let date = AmzDate::parse("20211103T120000Z").expect("date");
    let prepared = CreateSession::new(TA, PR, RO)
        .prepare(id.leaf(), id.chain(), key.algorithm(), date)
        .expect("prepares");
    let message = prepared.string_to_sign().as_bytes();
    black_box(key.sign(message).expect("signs")); // warm-up (lazy tables), not counted
    let best = (0..rounds)
        .map(|_| {
            let start = std::time::Instant::now();
            measured_sign_loop(key, message, n);
            start.elapsed().as_secs_f64() * 1e9 / n as f64
        })
        .fold(f64::INFINITY, f64::min);
    println!("ns_per_sign {best:.0}");
}

criterion_group!(benches, bench);

fn main() {
    match std::env::var("ROLES_ANYWHERE_SIGN_LOOP") {
        Ok(spec) => sign_loop(&spec),
        Err(_) => {
            benches();
            Criterion::default().configure_from_args().final_summary();
        }
    }
}
