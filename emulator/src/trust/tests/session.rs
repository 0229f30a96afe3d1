//! Source identity, role session name, duration.

use super::pki;
use crate::trust::{
    role_session_name, role_session_name_x509, serial_hex, session_duration, source_identity,
    source_identity_x509,
};
use rcgen::{DistinguishedName, DnType, SerialNumber};

fn cert_with(cn: Option<&str>, serial: &[u8]) -> x509_cert::Certificate {
    let root = pki::root("Root");
    let mut p = pki::leaf_params("x", 1);
    let mut d = DistinguishedName::new();
    d.push(DnType::OrganizationName, "Trust Tests");
    if let Some(cn) = cn {
        d.push(DnType::CommonName, cn);
    }
    p.distinguished_name = d;
    p.serial_number = Some(SerialNumber::from_slice(serial));
    pki::decode(&pki::issue(&root, &p))
}

#[test]
fn source_identity_rules() {
    let serial = [0x1f, 0x71, 0xc5, 0x11];
    let with = |cn: &str| source_identity_x509(&cert_with(Some(cn), &serial));
    assert_eq!(with("awsUser"), Some("CN=awsUser".to_owned()));
    let c61 = "a".repeat(61);
    assert_eq!(with(&c61), Some(format!("CN={c61}")));
    let c62 = "b".repeat(62);
    assert_eq!(with(&c62), Some(c62.clone()));
    let c63 = "c".repeat(63);
    assert_eq!(with(&c63), Some(c63.clone()));
    assert_eq!(with(&"d".repeat(64)), Some("ID=1f71c511".to_owned()));
    assert_eq!(
        source_identity_x509(&cert_with(None, &serial)),
        Some("ID=1f71c511".to_owned())
    );
    // Characters, not bytes: 61 two-byte characters still get the prefix.
    let wide = "é".repeat(61);
    assert_eq!(with(&wide), Some(format!("CN={wide}")));
}

#[test]
fn serial_hex_drops_the_sign_byte_only() {
    // A serial with the high bit set is DER-encoded with a leading 0x00.
    assert_eq!(serial_hex(&cert_with(Some("a"), &[0x80, 0x01])), "8001");
    assert_eq!(serial_hex(&cert_with(Some("a"), &[0x01, 0x00])), "0100");
    assert_eq!(serial_hex(&cert_with(Some("a"), &[0x0a])), "0a");
}

#[test]
fn role_session_name_rules() {
    let cert = cert_with(Some("alice"), &[0x12, 0x34]);
    assert_eq!(
        role_session_name_x509(&cert, None, false),
        Ok("1234".to_owned())
    );
    assert_eq!(
        role_session_name_x509(&cert, None, true),
        Ok("1234".to_owned())
    );
    assert_eq!(
        role_session_name_x509(&cert, Some("my-session"), true),
        Ok("my-session".to_owned())
    );
    let refused =
        role_session_name_x509(&cert, Some("my-session"), false).expect_err("not accepted");
    assert_eq!(
        (refused.status, refused.error_type),
        (403, "AccessDeniedException")
    );
    let invalid = role_session_name_x509(&cert, Some("has space"), true).expect_err("invalid");
    assert_eq!(
        (invalid.status, invalid.error_type),
        (400, "ValidationException")
    );
    assert!(role_session_name_x509(&cert, Some("x"), true).is_err());
    assert!(role_session_name_x509(&cert, Some(&"y".repeat(65)), true).is_err());
}

#[test]
fn public_api_on_a_core_certificate() {
    let root = pki::root("Root");
    let mut p = pki::leaf_params("carol", 1);
    p.serial_number = Some(SerialNumber::from_slice(&[0xab, 0xcd]));
    let leaf = pki::core_cert(&pki::issue(&root, &p));
    assert_eq!(source_identity(&leaf), Some("CN=carol".to_owned()));
    assert_eq!(role_session_name(&leaf, None, false), Ok("abcd".to_owned()));
}

#[test]
fn duration_rules() {
    // min(profile, request); profile alone; API default profile 3600.
    assert_eq!(session_duration(Some(3600), Some(900), 3600), Ok(900));
    assert_eq!(session_duration(Some(1800), Some(3600), 3600), Ok(1800));
    assert_eq!(session_duration(Some(1800), None, 3600), Ok(1800));
    assert_eq!(session_duration(None, None, 3600), Ok(3600));
    assert_eq!(session_duration(None, Some(1200), 3600), Ok(1200));
    assert_eq!(session_duration(Some(43200), Some(43200), 43200), Ok(43200));
    // Above the role's MaxSessionDuration.
    let over = session_duration(Some(7200), None, 3600).expect_err("over the role maximum");
    assert_eq!((over.status, over.error_type), (400, "ValidationException"));
    assert!(
        over.message.contains("MaxSessionDuration"),
        "{}",
        over.message
    );
    // Out of the API range.
    assert!(session_duration(Some(3600), Some(899), 3600).is_err());
    assert!(session_duration(Some(3600), Some(43201), 43200).is_err());
}
