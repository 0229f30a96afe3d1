//! Attribute mapping: the User Guide's SAN example, custom mappings, Put/Delete semantics.

use std::collections::BTreeMap;

use super::pki;
use crate::trust::{
    AttributeMapping, check_session_tags, default_attribute_mappings, delete_attribute_mapping,
    normalize_specifier, principal_tags, principal_tags_x509, put_attribute_mapping,
};
use rcgen::{DistinguishedName, DnType};

/// The guide's example: Issuer `C=US, O=Amazon, OU=IAM, ST=Washington, CN=RolesAnywhere,
/// L=Seattle`, Subject `CN=Alice`, SAN `DNS:example.com, URI:spiffe://…, DirName:/CN=Alice`
/// (plus second values of each SAN type that must not be mapped).
fn guide_example() -> x509_cert::Certificate {
    let mut issuer = pki::ca_params("unused", 1);
    let mut d = DistinguishedName::new();
    d.push(DnType::CountryName, "US");
    d.push(DnType::OrganizationName, "Amazon");
    d.push(DnType::OrganizationalUnitName, "IAM");
    d.push(DnType::StateOrProvinceName, "Washington");
    d.push(DnType::CommonName, "RolesAnywhere");
    d.push(DnType::LocalityName, "Seattle");
    issuer.distinguished_name = d;
    let ca = pki::root_with(issuer);
    let mut leaf = pki::leaf_params("Alice", 0x1f71);
    let mut subject = DistinguishedName::new();
    subject.push(DnType::CommonName, "Alice");
    leaf.distinguished_name = subject;
    leaf.custom_extensions = vec![pki::san_extension(vec![
        pki::dns("example.com"),
        pki::uri("spiffe://example.com/workload/alice"),
        pki::dir("CN=Alice,OU=Team"),
        pki::dns("second.example.com"),
        pki::uri("spiffe://example.com/second"),
        pki::dir("CN=Second"),
    ])];
    pki::decode(&pki::issue(&ca, &leaf))
}

fn map(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

#[test]
fn default_mapping_gives_the_guides_tag_set() {
    let tags = principal_tags_x509(&guide_example(), &default_attribute_mappings());
    assert_eq!(
        tags,
        map(&[
            ("x509Subject/CN", "Alice"),
            ("x509Issuer/C", "US"),
            ("x509Issuer/O", "Amazon"),
            ("x509Issuer/OU", "IAM"),
            ("x509Issuer/ST", "Washington"),
            ("x509Issuer/L", "Seattle"),
            ("x509Issuer/CN", "RolesAnywhere"),
            ("x509SAN/DNS", "example.com"),
            ("x509SAN/URI", "spiffe://example.com/workload/alice"),
            ("x509SAN/Name/CN", "Alice"),
            ("x509SAN/Name/OU", "Team"),
        ])
    );
}

#[test]
fn a_profile_mapping_narrows_a_field() {
    let cert = guide_example();
    // The guide's "specifier O for x509Issuer" profile: no x509Issuer/CN any more.
    let mut mappings = default_attribute_mappings();
    put_attribute_mapping(&mut mappings, "x509Issuer", &["O".to_owned()]).expect("valid");
    let tags = principal_tags_x509(&cert, &mappings);
    assert_eq!(tags.get("x509Issuer/O").map(String::as_str), Some("Amazon"));
    assert!(!tags.contains_key("x509Issuer/CN"));
    assert!(tags.contains_key("x509Subject/CN"));

    let only = vec![AttributeMapping {
        certificate_field: "x509SAN".to_owned(),
        mapping_rules: vec!["URI".to_owned(), "Name/OU".to_owned()],
    }];
    assert_eq!(
        principal_tags_x509(&cert, &only),
        map(&[
            ("x509SAN/URI", "spiffe://example.com/workload/alice"),
            ("x509SAN/Name/OU", "Team")
        ])
    );
    assert!(principal_tags_x509(&cert, &[]).is_empty());
}

#[test]
fn put_and_delete_semantics() {
    let mut m = default_attribute_mappings();
    put_attribute_mapping(
        &mut m,
        "x509Subject",
        &["cn".to_owned(), "OU".to_owned(), "CN".to_owned()],
    )
    .expect("valid");
    let subject = m
        .iter()
        .find(|a| a.certificate_field == "x509Subject")
        .expect("present");
    assert_eq!(subject.mapping_rules, vec!["CN", "OU"]);
    delete_attribute_mapping(&mut m, "x509Subject", Some(&["OU".to_owned()])).expect("valid");
    delete_attribute_mapping(&mut m, "x509SAN", None).expect("valid");
    assert_eq!(m.len(), 2);
    delete_attribute_mapping(&mut m, "x509Subject", Some(&["CN".to_owned()])).expect("valid");
    assert_eq!(
        m.iter()
            .map(|a| a.certificate_field.as_str())
            .collect::<Vec<_>>(),
        vec!["x509Issuer"]
    );
    assert!(put_attribute_mapping(&mut m, "x509Subject", &["NOPE".to_owned()]).is_err());
}

#[test]
fn specifiers_normalize() {
    assert_eq!(
        normalize_specifier("x509SAN", "Name"),
        Ok("Name/*".to_owned())
    );
    assert_eq!(
        normalize_specifier("x509SAN", "Name/"),
        Ok("Name/*".to_owned())
    );
    assert_eq!(
        normalize_specifier("x509SAN", "name/cn"),
        Ok("Name/CN".to_owned())
    );
    assert_eq!(normalize_specifier("x509SAN", "dns"), Ok("DNS".to_owned()));
    assert!(normalize_specifier("x509SAN", "*").is_err());
    assert_eq!(normalize_specifier("x509Issuer", "*"), Ok("*".to_owned()));
    assert_eq!(
        normalize_specifier("x509Subject", "uid"),
        Ok("UID".to_owned())
    );
    assert!(normalize_specifier("x509Subject", "DNS").is_err());
    assert!(normalize_specifier("x509Other", "CN").is_err());
}

#[test]
fn wire_shape_is_botocore_and_plain_strings_are_read() {
    let json = serde_json::to_value(default_attribute_mappings()).expect("serializes");
    assert_eq!(json[1]["certificateField"], "x509SAN");
    assert_eq!(json[1]["mappingRules"][2]["specifier"], "Name/*");
    let back: Vec<AttributeMapping> = serde_json::from_value(json).expect("round trip");
    assert_eq!(back, default_attribute_mappings());
    let plain: AttributeMapping =
        serde_json::from_str(r#"{"certificateField":"x509Subject","mappingRules":["CN"]}"#)
            .expect("plain");
    assert_eq!(plain.mapping_rules, vec!["CN"]);
}

#[test]
fn public_api_on_a_core_certificate() {
    let root = pki::root("Root");
    let leaf = pki::core_cert(&pki::leaf(&root, "bob", 3));
    let tags = principal_tags(&leaf, &default_attribute_mappings());
    assert_eq!(tags.get("x509Subject/CN").map(String::as_str), Some("bob"));
    assert_eq!(tags.get("x509Issuer/CN").map(String::as_str), Some("Root"));
    assert_eq!(
        tags.get("x509Issuer/O").map(String::as_str),
        Some("Trust Tests")
    );
    assert!(!tags.keys().any(|k| k.starts_with("x509SAN/")));
}

#[test]
fn session_tag_alphabet() {
    let ok = map(&[
        ("x509Subject/CN", "Alice Smith"),
        ("x509SAN/URI", "spiffe://example.com/a+b=c@d"),
        ("x509Issuer/O", "Zürich"),
    ]);
    assert_eq!(check_session_tags(&ok), Ok(()));
    // aws/rolesanywhere-credential-helper#188: parentheses are not STS tag characters.
    let bad = map(&[
        ("x509Subject/CN", "John M. Smith (EMP12345)"),
        ("x509Issuer/CN", "Fine"),
    ]);
    let d = check_session_tags(&bad).expect_err("parentheses");
    assert_eq!((d.status, d.error_type), (403, "AccessDeniedException"));
    assert!(d.message.contains("[x509Subject/CN]"), "{}", d.message);
    assert!(check_session_tags(&map(&[("x509Subject/CN", &"v".repeat(257))])).is_err());
    assert!(check_session_tags(&map(&[("x509Subject/CN", "tab\there")])).is_err());
    let many: BTreeMap<String, String> =
        (0..51).map(|i| (format!("k{i}"), "v".to_owned())).collect();
    assert!(check_session_tags(&many).is_err());
}
