//! ML-DSA identities (`mldsa` + `verify` features): a certificate for an ML-DSA-65 key
//! (built here with `x509-cert`'s builder, since neither OpenSSL 3.0 nor Python
//! `cryptography` can issue one), the identity checks, and pure ML-DSA signing verified by
//! the certificate (SPEC §1, `AWS4-X509-MLDSA`).
#![cfg(all(feature = "mldsa", feature = "verify"))]
#![allow(clippy::unwrap_used)] // test harness: a failed expectation panics

use std::str::FromStr;

use base64ct::{Base64, Encoding};
use der::Encode;
use roles_anywhere_core::{Algorithm, Certificate, Identity, KeyType, PrivateKey, Signer};
use x509_cert::builder::{Builder, CertificateBuilder, profile::cabf::Root};
use x509_cert::name::Name;
use x509_cert::serial_number::SerialNumber;
use x509_cert::spki::SubjectPublicKeyInfoOwned;
use x509_cert::time::{Time, Validity};

/// RFC 9881 seed-form PKCS#8 keys written by Python `cryptography`.
const ML_DSA_65: &str = "MDQCAQAwCwYJYIZIAWUDBAMSBCKAIF0BLD/7xyWEBjj6IFhzHueMpn4wLgAAA7VpwTZEUjlI";
const ML_DSA_87: &str = "MDQCAQAwCwYJYIZIAWUDBAMTBCKAINWoV96uewyqzS7XOB7C1Qs526N/pNr7tkEAVInbGdoq";

fn certificate_for(pkcs8: &[u8]) -> Certificate {
    use ml_dsa::pkcs8::DecodePrivateKey;
    let signer = ml_dsa::SigningKey::<ml_dsa::MlDsa65>::from_pkcs8_der(pkcs8).unwrap();
    let subject = Name::from_str("CN=ML-DSA test,O=Roles Anywhere Test,C=US").unwrap();
    let time = |y| {
        Time::GeneralTime(der::asn1::GeneralizedTime::from_date_time(
            der::DateTime::new(y, 1, 1, 0, 0, 0).unwrap(),
        ))
    };
    let builder = CertificateBuilder::new(
        Root::new(false, subject).unwrap(),
        SerialNumber::from(0x2au32),
        Validity::new(time(2020), time(2049)),
        SubjectPublicKeyInfoOwned::from_key(&ml_dsa::signature::Keypair::verifying_key(&signer))
            .unwrap(),
    )
    .unwrap();
    let cert = builder
        .build::<_, ml_dsa::Signature<ml_dsa::MlDsa65>>(&signer)
        .unwrap();
    Certificate::from_der(&cert.to_der().unwrap()).unwrap()
}

#[test]
fn ml_dsa_identity_signs_and_verifies() {
    let der = Base64::decode_vec(ML_DSA_65).unwrap();
    let cert = certificate_for(&der);
    assert_eq!(cert.key_type().unwrap(), KeyType::MlDsa65);
    assert_eq!(cert.serial_decimal(), "42");
    let key = PrivateKey::from_der(&der, None).unwrap();
    assert!(key.matches(&cert));
    let identity = Identity::new(cert.clone(), vec![], Some(key)).unwrap();
    assert_eq!(identity.key_type().to_string(), "ML-DSA-65");
    let key = identity.private_key().unwrap();
    assert_eq!(key.algorithm(), Algorithm::MlDsa);
    let message =
        b"AWS4-X509-MLDSA\n20211103T120000Z\n20211103/us-east-1/rolesanywhere/aws4_request\n00";
    let signature = key.sign(message).unwrap();
    assert_eq!(signature.len(), 3309, "FIPS 204 ML-DSA-65 signature size");
    assert_eq!(
        signature,
        key.sign(message).unwrap(),
        "deterministic variant"
    );
    cert.verify_signature(message, &signature).unwrap();
    assert_eq!(
        cert.verify_signature(b"other", &signature)
            .unwrap_err()
            .code(),
        "signature_mismatch"
    );
    assert_eq!(
        cert.verify_signature(message, &signature[1..])
            .unwrap_err()
            .code(),
        "signature_mismatch"
    );

    // Another ML-DSA key, and a key of another parameter set, do not match.
    let other = PrivateKey::from_der(&Base64::decode_vec(ML_DSA_87).unwrap(), None).unwrap();
    assert_eq!(other.key_type(), KeyType::MlDsa87);
    assert_eq!(
        Identity::new(cert, vec![], Some(other)).unwrap_err().code(),
        "key_certificate_mismatch"
    );
}
