//! Client and server halves against each other with the test PKI of `tests/vectors/keys/`:
//! what `CreateSession` signs, `verify_x509_request` accepts; every tampering it must refuse
//! gets its typed error (SPEC §3 steps 1–2).
#![cfg(feature = "verify")]
#![allow(clippy::panic, clippy::unwrap_used)]

use std::fs;
use std::path::Path;

use roles_anywhere_core::sigv4::{self, HttpRequest};
use roles_anywhere_core::verify::verify_x509_request;
use roles_anywhere_core::{AmzDate, CreateSession, Identity, SignedRequest, Signer};

const TA: &str = "arn:aws:rolesanywhere:us-east-1:123456789012:trust-anchor/4a1b2c3d-5e6f-4a7b-8c9d-0e1f2a3b4c5d";
const PR: &str =
    "arn:aws:rolesanywhere:us-east-1:123456789012:profile/9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a";
const RO: &str = "arn:aws:iam::123456789012:role/example";

fn key_file(name: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/vectors/keys")
        .join(name);
    fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn identity(stem: &str, chain: Option<&str>) -> Identity {
    let chain = chain.map(key_file);
    Identity::from_parts(
        &key_file(&format!("{stem}.crt.pem")),
        Some(&key_file(&format!("{stem}.key.pkcs8.pem"))),
        chain.as_deref(),
        None,
    )
    .unwrap_or_else(|e| panic!("{stem}: {e}"))
}

fn date() -> AmzDate {
    AmzDate::parse("20211103T120000Z").expect("date")
}

fn signed(id: &Identity) -> SignedRequest {
    CreateSession::new(TA, PR, RO)
        .with_endpoint("http://127.0.0.1:8443")
        .sign(id, id.private_key().expect("key"), date())
        .expect("signs")
}

fn set_header(req: &mut HttpRequest, name: &str, value: &str) {
    req.headers.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
    req.headers.push((name.to_string(), value.to_string()));
}

fn header(req: &HttpRequest, name: &str) -> String {
    req.single_header(name)
        .expect("single")
        .expect("present")
        .to_string()
}

fn code(req: &HttpRequest, now: AmzDate) -> &'static str {
    verify_x509_request(req, now, 300)
        .map(|_| "ok")
        .unwrap_or_else(|e| e.code())
}

#[test]
fn accepts_what_the_client_signs() {
    for (stem, chain) in [
        ("leaf-p256-int5", Some("chain-int5.pem")),
        ("leaf-rsa2048", None),
        ("leaf-p384", None),
    ] {
        let id = identity(stem, chain);
        let req = signed(&id).to_http_request();
        let v = verify_x509_request(&req, date(), 300).unwrap_or_else(|e| panic!("{stem}: {e}"));
        assert_eq!(v.chain.len(), id.chain().len());
        assert_eq!(v.authorization.credential(), id.leaf().serial_decimal());
        assert_eq!(v.authorization.scope().service(), "rolesanywhere");
        assert_eq!(v.date, date());
        // Header names arrive in any case; the skew bound is inclusive.
        let mut lower = req.clone();
        lower
            .headers
            .iter_mut()
            .for_each(|(n, _)| *n = n.to_ascii_lowercase());
        let edge = AmzDate::from_unix(date().timestamp().unix() - 300);
        assert_eq!(code(&lower, edge), "ok", "{stem}");
    }
}

#[test]
fn refuses_tampering() {
    let id = identity("leaf-p256-int5", Some("chain-int5.pem"));
    let good = signed(&id).to_http_request();
    let now = date();

    let mut r = good.clone();
    r.body = b"{\"durationSeconds\":43200}".to_vec();
    assert_eq!(code(&r, now), "signature_mismatch", "body");

    let mut r = good.clone();
    r.uri = r.uri.replace("example", "admin");
    assert_eq!(code(&r, now), "signature_mismatch", "query");

    let late = AmzDate::from_unix(now.timestamp().unix() + 301);
    assert_eq!(code(&good, late), "invalid_time", "skew");

    // Another P-256 leaf: same algorithm, other serial.
    let other = identity("leaf-p256", None);
    let mut r = good.clone();
    set_header(
        &mut r,
        "X-Amz-X509",
        &header(&signed(&other).to_http_request(), "x-amz-x509"),
    );
    assert_eq!(code(&r, now), "signature_mismatch", "swapped leaf");

    // An RSA leaf under an ECDSA signature.
    let rsa = identity("leaf-rsa2048", None);
    let mut r = good.clone();
    set_header(
        &mut r,
        "X-Amz-X509",
        &header(&signed(&rsa).to_http_request(), "x-amz-x509"),
    );
    assert_eq!(code(&r, now), "algorithm_mismatch", "RSA leaf");

    let mut r = good.clone();
    let chain = header(&r, "x-amz-x509-chain");
    set_header(
        &mut r,
        "X-Amz-X509-Chain",
        &format!("{chain},{}", chain.split(',').next().expect("one")),
    );
    assert_eq!(code(&r, now), "chain_too_long", "six intermediates");

    let mut r = good.clone();
    set_header(&mut r, "X-Amz-X509", "not base64!");
    assert_eq!(
        code(&r, now),
        "malformed_authorization",
        "garbage certificate"
    );

    let mut r = good.clone();
    r.headers.retain(|(n, _)| n != "Authorization");
    assert_eq!(code(&r, now), "malformed_authorization", "no Authorization");

    let auth = header(&good, "authorization");
    let mut r = good.clone();
    set_header(
        &mut r,
        "Authorization",
        &auth.replace("AWS4-X509-ECDSA-SHA256", "AWS4-HMAC-SHA256"),
    );
    assert_eq!(code(&r, now), "malformed_authorization", "HMAC algorithm");

    let mut r = good.clone();
    set_header(
        &mut r,
        "Authorization",
        &auth.replace("AWS4-X509-ECDSA-SHA256", "AWS4-X509-RSA-SHA256"),
    );
    assert_eq!(code(&r, now), "algorithm_mismatch", "RSA algorithm, EC key");

    let mut r = good.clone();
    set_header(
        &mut r,
        "Authorization",
        &auth.replace("/20211103/", "/20211104/"),
    );
    assert_eq!(code(&r, now), "signature_mismatch", "scope date");

    let mut r = good.clone();
    set_header(
        &mut r,
        "Authorization",
        &auth.replace(";x-amz-x509-chain", ""),
    );
    assert_eq!(code(&r, now), "malformed_authorization", "unsigned chain");
}

#[test]
fn unsigned_certificate_header_is_malformed() {
    // Sign a request that lacks X-Amz-X509, then add it: the certificate is not covered.
    let id = identity("leaf-p256", None);
    let mut req = HttpRequest::new("POST", "/sessions")
        .with_header("Host", "127.0.0.1:8443")
        .with_header("X-Amz-Date", date().to_string());
    let key = id.private_key().expect("key");
    let serial = id.leaf().serial_decimal();
    let auth =
        sigv4::sign_x509(&req, key, &serial, "us-east-1", "rolesanywhere", date()).expect("signs");
    let x509 = header(&signed(&id).to_http_request(), "x-amz-x509");
    req.headers.push(("X-Amz-X509".into(), x509));
    req.headers.push(("Authorization".into(), auth.to_string()));
    assert_eq!(code(&req, date()), "malformed_authorization");
}

#[test]
fn generic_two_phase_signing() {
    let id = identity("leaf-rsa2048", None);
    let key = id.private_key().expect("key");
    let x509 = header(&signed(&id).to_http_request(), "x-amz-x509");
    let mut req = HttpRequest::new("GET", "/anything?b=2&a=1")
        .with_header("Host", "example.test")
        .with_header("X-Amz-Date", date().to_string())
        .with_header("X-Amz-X509", x509)
        .with_header("User-Agent", "not signed");
    let prepared = sigv4::prepare_x509(
        &req,
        key.algorithm(),
        &id.leaf().serial_decimal(),
        "eu-west-1",
        "rolesanywhere",
        date(),
        &sigv4::Settings::default(),
    )
    .expect("prepares");
    assert!(prepared.canonical_request.as_str().contains("\na=1&b=2\n"));
    assert!(
        prepared
            .canonical_request
            .as_str()
            .contains("\nhost;x-amz-date;x-amz-x509\n")
    );
    let auth = prepared
        .finish(
            &key.sign(prepared.string_to_sign.as_bytes())
                .expect("signature"),
        )
        .expect("finishes");
    req.headers.push(("Authorization".into(), auth.to_string()));
    verify_x509_request(&req, date(), 300).expect("verifies");
    // The request's own X-Amz-Date must be the signing time.
    let other_time = AmzDate::from_unix(date().timestamp().unix() + 1);
    assert_eq!(
        sigv4::sign_x509(&req, key, "1", "eu-west-1", "rolesanywhere", other_time)
            .unwrap_err()
            .code(),
        "invalid_request"
    );
}

#[test]
fn signer_must_match_the_leaf() {
    let p256 = identity("leaf-p256", None);
    let rsa = identity("leaf-rsa2048", None);
    let err = CreateSession::new(TA, PR, RO)
        .sign(&p256, rsa.private_key().expect("key"), date())
        .unwrap_err();
    assert_eq!(err.code(), "algorithm_mismatch");

    // A raw r||s ECDSA signature (WebCrypto, PKCS#11) is refused with a pointer to the fix.
    let prepared = CreateSession::new(TA, PR, RO)
        .prepare(
            p256.leaf(),
            p256.chain(),
            p256.key_type().algorithm(),
            date(),
        )
        .expect("prepares");
    let err = prepared.clone().finish(&[0x11; 64]).unwrap_err();
    assert_eq!(err.code(), "invalid_signature");
    assert!(err.to_string().contains("ecdsa_raw_to_der"));
    let der = p256
        .private_key()
        .expect("key")
        .sign(prepared.string_to_sign().as_bytes())
        .expect("sig");
    let done = prepared.finish(&der).expect("finishes");
    assert!(
        done.to_string()
            .starts_with("POST /sessions?profileArn=arn%3Aaws%3Arolesanywhere%3Aus-east-1")
    );
    assert!(
        !format!("{}", done.redacted()).contains(&header(&done.to_http_request(), "x-amz-x509"))
    );
}
