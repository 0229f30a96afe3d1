//! The identity half of the golden corpus: every `tests/vectors/identity/<case>/` must load
//! into the `expected.json` facts, and every `tests/vectors/error/<case>/` whose expected
//! code is an identity error must fail to load with exactly that code (the others must load,
//! their error lying in the request parameters). Cases are discovered by walking the
//! folders; an empty folder is a failure.

#![allow(clippy::panic, clippy::unwrap_used)] // test harness: a failed expectation panics

use std::fs;
use std::path::{Path, PathBuf};

use base64ct::{Base64, Encoding};
use roles_anywhere_core::{Identity, Signer};
use serde_json::Value;
use sha2::{Digest, Sha256};

/// Error codes that identity loading can produce (COMMON brief, error codes).
const IDENTITY_CODES: &[&str] = &[
    "invalid_pem",
    "invalid_der",
    "invalid_certificate",
    "unsupported_certificate_version",
    "invalid_private_key",
    "unsupported_key_type",
    "password_required",
    "wrong_password",
    "unsupported_encryption",
    "key_certificate_mismatch",
    "chain_too_long",
    "no_certificate",
    "no_private_key",
];

fn vectors() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/vectors")
}

fn cases(kind: &str) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = fs::read_dir(vectors().join(kind))
        .unwrap_or_else(|e| panic!("{kind}: {e}"))
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.join("context.json").is_file())
        .collect();
    dirs.sort();
    assert!(!dirs.is_empty(), "no {kind} cases found");
    dirs
}

fn read_json(path: &Path) -> Value {
    serde_json::from_str(
        &fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display())),
    )
    .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn b64(v: &Value) -> Vec<u8> {
    Base64::decode_vec(v.as_str().expect("base64 string")).expect("valid base64 in the corpus")
}

/// The identity fields of a context.json, loaded as a client would.
fn load(ctx: &Value) -> roles_anywhere_core::Result<Identity> {
    let password = ctx
        .get("password")
        .and_then(Value::as_str)
        .map(str::as_bytes);
    if let Some(p12) = ctx.get("pkcs12_b64") {
        return Identity::from_pkcs12(&b64(p12), password);
    }
    let certificate = match ctx.get("certificate").and_then(Value::as_str) {
        Some(pem) => pem.as_bytes().to_vec(),
        None => b64(&ctx["certificate_b64"]),
    };
    let key = match (
        ctx.get("private_key").and_then(Value::as_str),
        ctx.get("private_key_b64"),
    ) {
        (Some(pem), _) => Some(pem.as_bytes().to_vec()),
        (None, Some(der)) => Some(b64(der)),
        (None, None) => None,
    };
    let intermediates: Vec<u8> = ctx
        .get("intermediates")
        .and_then(Value::as_array)
        .map(|list| {
            list.iter()
                .flat_map(|t| t.as_str().expect("PEM text").bytes())
                .collect()
        })
        .unwrap_or_default();
    let intermediates = (!intermediates.is_empty()).then_some(intermediates.as_slice());
    Identity::from_parts(&certificate, key.as_deref(), intermediates, password)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn identity_cases_load_as_expected() {
    let mut failures = Vec::new();
    let all = cases("identity");
    for dir in &all {
        let name = dir
            .file_name()
            .expect("name")
            .to_string_lossy()
            .into_owned();
        let ctx = read_json(&dir.join("context.json"));
        let expected = read_json(&dir.join("expected.json"));
        let identity = match load(&ctx) {
            Ok(i) => i,
            Err(e) => {
                failures.push(format!("{name}: {} ({e})", e.code()));
                continue;
            }
        };
        let key = identity
            .private_key()
            .expect("corpus identities carry their key");
        let got = serde_json::json!({
            "key_type": identity.key_type().to_string(),
            "algorithm": key.algorithm().as_str(),
            "serial": identity.leaf().serial_decimal(),
            "chain_len": identity.chain().len(),
            "public_key_sha256": hex(&Sha256::digest(identity.leaf().public_key_der())),
        });
        if got != expected {
            failures.push(format!("{name}: got {got}, expected {expected}"));
        }
        // The chain is leaf-most first: each certificate issued the one before it.
        let mut child = identity.leaf();
        for parent in identity.chain() {
            if child.issuer() != parent.subject() {
                failures.push(format!(
                    "{name}: chain out of order at {}",
                    parent.subject()
                ));
            }
            child = parent;
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} identity cases failed:\n{}",
        failures.len(),
        all.len(),
        failures.join("\n")
    );
}

#[test]
fn error_cases_fail_with_their_code() {
    let mut failures = Vec::new();
    let mut identity_errors = 0;
    let all = cases("error");
    for dir in &all {
        let name = dir
            .file_name()
            .expect("name")
            .to_string_lossy()
            .into_owned();
        let ctx = read_json(&dir.join("context.json"));
        let code = read_json(&dir.join("expected-error.json"))["code"]
            .as_str()
            .expect("code")
            .to_owned();
        let result = load(&ctx);
        if IDENTITY_CODES.contains(&code.as_str()) {
            identity_errors += 1;
            match result {
                Err(e) if e.code() == code => {}
                Err(e) => failures.push(format!("{name}: expected {code}, got {} ({e})", e.code())),
                Ok(_) => failures.push(format!("{name}: expected {code}, but the identity loaded")),
            }
        } else if let Err(e) = result {
            failures.push(format!(
                "{name}: expected {code} from the request, but the identity failed: {e}"
            ));
        }
    }
    assert!(identity_errors > 0, "no identity error cases found");
    assert!(
        failures.is_empty(),
        "{} of {} error cases failed:\n{}",
        failures.len(),
        all.len(),
        failures.join("\n")
    );
}

/// The built-in signer reproduces every create-session signature of the corpus (RSA
/// PKCS#1 v1.5 and RFC 6979 ECDSA are deterministic), and the certificate verifies it.
#[test]
fn signer_reproduces_create_session_signatures() {
    let mut failures = Vec::new();
    let all = cases("create-session");
    for dir in &all {
        let name = dir
            .file_name()
            .expect("name")
            .to_string_lossy()
            .into_owned();
        let ctx = read_json(&dir.join("context.json"));
        let identity = load(&ctx).unwrap_or_else(|e| panic!("{name}: {e}"));
        let string_to_sign = fs::read(dir.join("string-to-sign.txt")).expect("string-to-sign.txt");
        let authorization =
            fs::read_to_string(dir.join("authorization.txt")).expect("authorization.txt");
        let expected = authorization
            .rsplit_once("Signature=")
            .expect("Signature=")
            .1
            .trim();
        let key = identity.private_key().expect("key");
        let signature = key.sign(&string_to_sign).expect("sign");
        if hex(&signature) != expected {
            failures.push(format!("{name}: signature differs"));
        }
        if !authorization.starts_with(key.algorithm().as_str()) {
            failures.push(format!(
                "{name}: algorithm {} not in {authorization}",
                key.algorithm()
            ));
        }
        #[cfg(feature = "verify")]
        {
            if let Err(e) = identity
                .leaf()
                .verify_signature(&string_to_sign, &signature)
            {
                failures.push(format!("{name}: own signature does not verify: {e}"));
            }
            let mut tampered = string_to_sign.clone();
            tampered[0] ^= 1;
            match identity.leaf().verify_signature(&tampered, &signature) {
                Err(e) if e.code() == "signature_mismatch" => {}
                other => failures.push(format!("{name}: tampered message: {other:?}")),
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} create-session cases failed:\n{}",
        failures.len(),
        all.len(),
        failures.join("\n")
    );
}
