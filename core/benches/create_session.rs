//! CreateSession signing cost per key type, with the built-in signer and the test PKI of
//! `tests/vectors/keys/` (one leaf per key type, found by reading the folder).
//!
//! - `sign/<key type>`: the signature alone over a string to sign (what `openssl speed`
//!   measures; `bench/core-vs-openssl.sh` prints the ratio);
//! - `prepare_finish/<key type>`: validation, canonicalization, signature and the signed
//!   request: a whole `CreateSession::sign`.
#![allow(missing_docs, clippy::panic)]

use std::fs;
use std::hint::black_box;
use std::path::{Path, PathBuf};

use criterion::{Criterion, criterion_group, criterion_main};
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

criterion_group!(benches, bench);
criterion_main!(benches);
