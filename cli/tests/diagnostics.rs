//! `read-certificate-data`, `sign-string`, `version`.
#![allow(clippy::unwrap_used, clippy::panic)]

mod common;

use common::*;
use roles_anywhere_core::Certificate;

#[test]
fn read_certificate_data_and_sign_string() {
    let info = emu();
    let id = info.identity("p256").unwrap();
    let cert_path = id.certificate.display().to_string();
    let out = run(
        &[
            "read-certificate-data".into(),
            "--certificate".into(),
            cert_path.clone(),
        ],
        &[],
    );
    let v = json(&out);
    let cert = &Certificate::parse_bundle(&std::fs::read(&id.certificate).unwrap()).unwrap()[0];
    assert_eq!(v["keyType"], "EC");
    assert_eq!(v["serialNumber"], cert.serial_decimal());
    assert_eq!(
        v["supportedAlgorithms"],
        serde_json::json!(["ECSHA256", "ECSHA384", "ECSHA512"])
    );
    let der = <base64ct::Base64 as base64ct::Encoding>::decode_vec(
        v["certificateData"].as_str().unwrap(),
    )
    .unwrap();
    assert_eq!(der, cert.der());

    let key = id.private_key.display().to_string();
    let out = run(
        &[
            "sign-string".into(),
            "--private-key".into(),
            key.clone(),
            "--format".into(),
            "text".into(),
        ],
        &[],
    );
    assert!(out.status.success());
    let hex = String::from_utf8(out.stdout).unwrap();
    let sig: Vec<u8> = (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
        .collect();
    // The helper's fixed string, computed here independently from the certificate.
    let spki = cert.public_key_der();
    let spki = spki::SubjectPublicKeyInfoRef::try_from(spki.as_slice()).unwrap();
    let mut h = <sha2::Sha256 as sha2::Digest>::new();
    sha2::Digest::update(&mut h, b"IAM RA");
    sha2::Digest::update(&mut h, spki.subject_public_key.raw_bytes());
    let mut msg = b"AWS Roles Anywhere Credential Helper Signing Test1".to_vec();
    msg.extend_from_slice(&sha2::Digest::finalize(h));
    cert.verify_signature(&msg, &sig).unwrap();
    let out = run(
        &["sign-string".into(), "--private-key".into(), key.clone()],
        &[],
    );
    assert_eq!(String::from_utf8(out.stdout).unwrap(), format!("\"{hex}\""));
    let out = run(
        &[
            "sign-string".into(),
            "--private-key".into(),
            key,
            "--format".into(),
            "bin".into(),
        ],
        &[],
    );
    assert_eq!(out.stdout, sig);

    let out = run(&["version".into()], &[]);
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        format!("{}\n", env!("CARGO_PKG_VERSION"))
    );
}
