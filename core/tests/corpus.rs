//! The golden corpus (`tests/vectors/{create-session,identity,response,error}/`), every case
//! discovered by walking the folders (formats: the COMMON brief, "The golden corpus layout").
//! Each case is one assertion set; a folder whose files do not make a known shape, or a
//! `context.json` with an unknown field, fails the run.
#![allow(clippy::panic)]

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use base64ct::{Base64, Encoding};
#[cfg(feature = "verify")]
use roles_anywhere_core::verify::verify_x509_request;
use roles_anywhere_core::{
    CreateSession, Error, Identity, Signer, Timestamp, parse_create_session_response,
};
use serde_json::Value;
use sha2::{Digest, Sha256};

fn vectors() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/vectors")
}

fn case_dirs(folder: &str) -> Vec<PathBuf> {
    let root = vectors().join(folder);
    let mut dirs: Vec<PathBuf> = match fs::read_dir(&root) {
        Ok(entries) => entries.map(|e| e.expect("dir entry").path()).collect(),
        Err(_) => return Vec::new(),
    };
    dirs.sort();
    for d in &dirs {
        assert!(d.is_dir(), "stray file {d:?} in {folder}/");
    }
    dirs
}

fn files_of(dir: &Path) -> BTreeSet<String> {
    fs::read_dir(dir)
        .expect("case dir")
        .map(|e| {
            e.expect("entry")
                .file_name()
                .into_string()
                .expect("UTF-8 name")
        })
        .collect()
}

fn assert_shape(dir: &Path, allowed: &[&[&str]]) {
    let files = files_of(dir);
    let ok = allowed
        .iter()
        .any(|shape| files == shape.iter().map(|s| s.to_string()).collect());
    assert!(ok, "{dir:?}: unknown case shape {files:?}");
}

fn read(dir: &Path, name: &str) -> String {
    fs::read_to_string(dir.join(name)).unwrap_or_else(|e| panic!("{dir:?}/{name}: {e}"))
}

fn json(dir: &Path, name: &str) -> Value {
    serde_json::from_str(&read(dir, name)).unwrap_or_else(|e| panic!("{dir:?}/{name}: {e}"))
}

const CONTEXT_FIELDS: &[&str] = &[
    "description",
    "certificate",
    "certificate_b64",
    "private_key",
    "private_key_b64",
    "pkcs12_b64",
    "password",
    "intermediates",
    "trust_anchor_arn",
    "profile_arn",
    "role_arn",
    "region",
    "endpoint",
    "duration_seconds",
    "role_session_name",
    "timestamp",
];

fn b64(v: &Value) -> Vec<u8> {
    Base64::decode_vec(v.as_str().expect("base64 string")).expect("base64")
}

fn text(v: &Value) -> Option<String> {
    v.as_str().map(str::to_string)
}

/// The identity of a context: PKCS#12, or certificate (PEM or DER) + key + intermediates.
fn identity(dir: &Path, ctx: &Value) -> Result<Identity, Error> {
    let obj = ctx
        .as_object()
        .unwrap_or_else(|| panic!("{dir:?}: context is not an object"));
    for key in obj.keys() {
        assert!(
            CONTEXT_FIELDS.contains(&key.as_str()),
            "{dir:?}: unknown context field {key}"
        );
    }
    let password = ctx["password"].as_str().map(str::as_bytes);
    if !ctx["pkcs12_b64"].is_null() {
        return Identity::from_pkcs12(&b64(&ctx["pkcs12_b64"]), password);
    }
    let cert = match text(&ctx["certificate"]) {
        Some(pem) => pem.into_bytes(),
        None => b64(&ctx["certificate_b64"]),
    };
    let key = match (text(&ctx["private_key"]), ctx["private_key_b64"].is_null()) {
        (Some(pem), _) => Some(pem.into_bytes()),
        (None, false) => Some(b64(&ctx["private_key_b64"])),
        (None, true) => None,
    };
    let intermediates: Vec<String> = ctx["intermediates"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|v| v.as_str().expect("PEM string").to_string())
                .collect()
        })
        .unwrap_or_default();
    let bundle = intermediates.join("\n");
    let bundle = (!intermediates.is_empty()).then_some(bundle.as_bytes());
    Identity::from_parts(&cert, key.as_deref(), bundle, password)
}

fn params(ctx: &Value) -> CreateSession {
    let s = |k: &str| {
        ctx[k]
            .as_str()
            .unwrap_or_else(|| panic!("{k} missing"))
            .to_string()
    };
    let mut p = CreateSession::new(s("trust_anchor_arn"), s("profile_arn"), s("role_arn"));
    p.region = text(&ctx["region"]);
    p.endpoint = text(&ctx["endpoint"]);
    if let Some(d) = ctx["duration_seconds"].as_u64() {
        p.duration_seconds = u32::try_from(d).expect("duration fits u32");
    }
    p.role_session_name = text(&ctx["role_session_name"]);
    p
}

fn timestamp(ctx: &Value) -> Timestamp {
    Timestamp::parse(ctx["timestamp"].as_str().expect("timestamp")).expect("timestamp parses")
}

/// Identity → prepare → sign → finish, as a client does.
fn run_create_session(
    dir: &Path,
    ctx: &Value,
) -> Result<roles_anywhere_core::SignedRequest, Error> {
    let id = identity(dir, ctx)?;
    let key = id.private_key().ok_or(Error::NoPrivateKey)?;
    let date = timestamp(ctx).amz_date();
    let prepared = params(ctx).prepare(id.leaf(), id.chain(), key.algorithm(), date)?;
    let signature = key.sign(prepared.string_to_sign().as_bytes())?;
    prepared.finish(&signature)
}

fn check_create_session(dir: &Path) {
    assert_shape(
        dir,
        &[&[
            "context.json",
            "canonical-request.txt",
            "string-to-sign.txt",
            "authorization.txt",
            "signed-request.txt",
        ]],
    );
    let ctx = json(dir, "context.json");
    let id = identity(dir, &ctx).unwrap_or_else(|e| panic!("{dir:?}: identity: {e}"));
    let key = id.private_key().expect("private key");
    let date = timestamp(&ctx).amz_date();
    let prepared = params(&ctx)
        .prepare(id.leaf(), id.chain(), key.algorithm(), date)
        .unwrap_or_else(|e| panic!("{dir:?}: {e}"));
    assert_eq!(
        prepared.canonical_request().to_string(),
        read(dir, "canonical-request.txt"),
        "{dir:?}: canonical request"
    );
    assert_eq!(
        prepared.string_to_sign().to_string(),
        read(dir, "string-to-sign.txt"),
        "{dir:?}: string to sign"
    );
    let signed = params(&ctx)
        .sign(&id, key, date)
        .unwrap_or_else(|e| panic!("{dir:?}: {e}"));
    assert_eq!(
        signed.header("authorization"),
        Some(read(dir, "authorization.txt").as_str()),
        "{dir:?}: authorization"
    );
    assert_eq!(
        signed.to_string(),
        read(dir, "signed-request.txt"),
        "{dir:?}: signed request"
    );
    // The service side accepts what the client side built.
    #[cfg(feature = "verify")]
    {
        let verified = verify_x509_request(&signed.to_http_request(), date, 300)
            .unwrap_or_else(|e| panic!("{dir:?}: verify: {e}"));
        assert_eq!(verified.chain.len(), id.chain().len());
    }
}

fn check_identity(dir: &Path) {
    assert_shape(dir, &[&["context.json", "expected.json"]]);
    let ctx = json(dir, "context.json");
    let expected = json(dir, "expected.json");
    let id = identity(dir, &ctx).unwrap_or_else(|e| panic!("{dir:?}: {e}"));
    let actual = serde_json::json!({
        "key_type": id.key_type().to_string(),
        "algorithm": id.key_type().algorithm().as_str(),
        "serial": id.leaf().serial_decimal(),
        "chain_len": id.chain().len(),
        "public_key_sha256": Sha256::digest(id.leaf().public_key_der()).iter().map(|b| format!("{b:02x}")).collect::<String>(),
    });
    assert_eq!(actual, expected, "{dir:?}");
}

fn check_error(dir: &Path) {
    assert_shape(dir, &[&["context.json", "expected-error.json"]]);
    let ctx = json(dir, "context.json");
    let expected = json(dir, "expected-error.json");
    let code = expected["code"].as_str().expect("code");
    match run_create_session(dir, &ctx) {
        Ok(_) => panic!("{dir:?}: expected {code}, got a signed request"),
        Err(e) => assert_eq!(e.code(), code, "{dir:?}: {e}"),
    }
}

fn check_response(dir: &Path) {
    assert_shape(
        dir,
        &[
            &["response.json", "expected.json"],
            &["response.json", "expected-error.json"],
        ],
    );
    let r = json(dir, "response.json");
    let status = u16::try_from(r["status"].as_u64().expect("status")).expect("u16 status");
    let headers: Vec<(String, String)> = r["headers"]
        .as_object()
        .map(|m| {
            m.iter()
                .map(|(k, v)| (k.clone(), v.as_str().expect("header value").to_string()))
                .collect()
        })
        .unwrap_or_default();
    let header_refs: Vec<(&str, &str)> = headers
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let body = r["body"].as_str().expect("body");
    let result = parse_create_session_response(status, &header_refs, body.as_bytes());
    if dir.join("expected.json").exists() {
        let c = result.unwrap_or_else(|e| panic!("{dir:?}: {e}"));
        let actual = serde_json::json!({
            "access_key_id": c.access_key_id,
            "secret_access_key": c.secret_access_key,
            "session_token": c.session_token,
            "expiration": c.expiration.to_string(),
            "assumed_role_arn": c.assumed_role_arn,
            "assumed_role_id": c.assumed_role_id,
            "role_arn": c.role_arn,
            "source_identity": c.source_identity,
            "packed_policy_size": c.packed_policy_size,
            "subject_arn": c.subject_arn,
        });
        assert_eq!(actual, json(dir, "expected.json"), "{dir:?}");
    } else {
        let expected = json(dir, "expected-error.json");
        let e = result
            .err()
            .unwrap_or_else(|| panic!("{dir:?}: expected an error"));
        let mut actual = serde_json::json!({ "code": e.code() });
        match &e {
            Error::Service(s) => {
                actual["status"] = s.status.into();
                actual["error_type"] = s.error_type.clone().into();
                actual["message"] = s.message.clone().into();
            }
            Error::InvalidResponse { status, .. } => actual["status"] = (*status).into(),
            _ => {}
        }
        assert_eq!(actual, expected, "{dir:?}: {e}");
    }
}

#[test]
fn golden_corpus() {
    type Check = fn(&Path);
    let checks: [(&str, Check); 4] = [
        ("create-session", check_create_session),
        ("identity", check_identity),
        ("response", check_response),
        ("error", check_error),
    ];
    let mut total = 0;
    for (folder, check) in checks {
        let dirs = case_dirs(folder);
        for dir in &dirs {
            check(dir);
        }
        println!("corpus {folder}: {} cases", dirs.len());
        total += dirs.len();
    }
    println!("corpus: {total} cases run");
    assert!(total > 0, "no corpus case found under tests/vectors");
}
