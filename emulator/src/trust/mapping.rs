//! Certificate attribute mapping: which certificate attributes become principal tags
//! (`aws:PrincipalTag/x509Subject/CN` …), per profile (User Guide, "Certificate Attribute
//! Mapping" and "Trust policy"; SPEC §3 "Principal tags").

use std::collections::BTreeMap;

use der::asn1::{Any, Ia5StringRef, ObjectIdentifier};
use roles_anywhere_core::Certificate;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use x509_cert::ext::pkix::SubjectAltName;
use x509_cert::ext::pkix::name::{DirectoryString, GeneralName};
use x509_cert::name::Name;

/// `certificateField` values (botocore `CertificateField`).
pub const X509_SUBJECT: &str = "x509Subject";
/// Issuer field.
pub const X509_ISSUER: &str = "x509Issuer";
/// Subject Alternative Name field.
pub const X509_SAN: &str = "x509SAN";

/// The RDNs the emulator recognises, as (specifier, OID). The guide names C, O, OU, ST, L,
/// CN (Issuer example) and the API reference "CN, OU, or UID"; the rest are the other common
/// RFC 4519 / RFC 5280 attributes.
const RDNS: &[(&str, &str)] = &[
    ("CN", "2.5.4.3"),
    ("SN", "2.5.4.4"),
    ("SERIALNUMBER", "2.5.4.5"),
    ("C", "2.5.4.6"),
    ("L", "2.5.4.7"),
    ("ST", "2.5.4.8"),
    ("STREET", "2.5.4.9"),
    ("O", "2.5.4.10"),
    ("OU", "2.5.4.11"),
    ("T", "2.5.4.12"),
    ("GN", "2.5.4.42"),
    ("DC", "0.9.2342.19200300.100.1.25"),
    ("UID", "0.9.2342.19200300.100.1.1"),
    ("emailAddress", "1.2.840.113549.1.9.1"),
];

/// One certificate field's mapping rules (botocore `AttributeMapping`). On the wire
/// `mappingRules` is `[{"specifier": "CN"}, …]`; plain strings are accepted on input too.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct AttributeMapping {
    /// `x509Subject`, `x509Issuer` or `x509SAN`.
    pub certificate_field: String,
    /// The specifiers: `*`, an RDN (`CN`), or for the SAN `DNS`, `URI`, `Name/*`, `Name/CN`.
    #[serde(serialize_with = "ser_rules", deserialize_with = "de_rules")]
    pub mapping_rules: Vec<String>,
}

fn ser_rules<S: Serializer>(rules: &[String], s: S) -> Result<S::Ok, S::Error> {
    #[derive(Serialize)]
    struct Rule<'a> {
        specifier: &'a str,
    }
    s.collect_seq(rules.iter().map(|r| Rule { specifier: r }))
}

fn de_rules<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Rule {
        Object { specifier: String },
        Plain(String),
    }
    let rules = Vec::<Rule>::deserialize(d)?;
    Ok(rules
        .into_iter()
        .map(|r| match r {
            Rule::Object { specifier } | Rule::Plain(specifier) => specifier,
        })
        .collect())
}

/// The mappings a new profile gets (User Guide, "Default mapping rules in a JSON format").
pub fn default_attribute_mappings() -> Vec<AttributeMapping> {
    let m = |field: &str, rules: &[&str]| AttributeMapping {
        certificate_field: field.to_owned(),
        mapping_rules: rules.iter().map(|r| (*r).to_owned()).collect(),
    };
    vec![
        m(X509_ISSUER, &["*"]),
        m(X509_SAN, &["DNS", "URI", "Name/*"]),
        m(X509_SUBJECT, &["*"]),
    ]
}

/// A specifier as stored, or why PutAttributeMapping must refuse it. RDN names are matched
/// case-insensitively; `Name` and `Name/` are `Name/*` ("will be displayed as Name/*");
/// `*` "does not have a defined behavior" for the SAN, so it is refused there.
pub fn normalize_specifier(certificate_field: &str, specifier: &str) -> Result<String, String> {
    let rdn = |s: &str| {
        RDNS.iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(s))
            .map(|(n, _)| (*n).to_owned())
    };
    let bad = || format!("unsupported specifier {specifier:?} for {certificate_field}");
    if specifier.len() > 60 {
        return Err(format!(
            "specifier longer than 60 characters: {specifier:?}"
        ));
    }
    match certificate_field {
        X509_SUBJECT | X509_ISSUER => match specifier {
            "*" => Ok("*".to_owned()),
            s => rdn(s).ok_or_else(bad),
        },
        X509_SAN => {
            if specifier.eq_ignore_ascii_case("DNS") {
                return Ok("DNS".to_owned());
            }
            if specifier.eq_ignore_ascii_case("URI") {
                return Ok("URI".to_owned());
            }
            let lower = specifier.to_ascii_lowercase();
            match lower.strip_prefix("name") {
                Some("" | "/" | "/*") => Ok("Name/*".to_owned()),
                Some(rest) => rest
                    .strip_prefix('/')
                    .and_then(rdn)
                    .map(|r| format!("Name/{r}"))
                    .ok_or_else(bad),
                None => Err(bad()),
            }
        }
        other => Err(format!(
            "unknown certificateField {other:?}: expected x509Subject, x509Issuer or x509SAN"
        )),
    }
}

/// PutAttributeMapping: the field's rules become `specifiers` (normalized, deduplicated).
pub fn put_attribute_mapping(
    mappings: &mut Vec<AttributeMapping>,
    certificate_field: &str,
    specifiers: &[String],
) -> Result<(), String> {
    let mut rules: Vec<String> = Vec::new();
    for s in specifiers {
        let n = normalize_specifier(certificate_field, s)?;
        if !rules.contains(&n) {
            rules.push(n);
        }
    }
    match mappings
        .iter_mut()
        .find(|m| m.certificate_field == certificate_field)
    {
        Some(m) => m.mapping_rules = rules,
        None => mappings.push(AttributeMapping {
            certificate_field: certificate_field.to_owned(),
            mapping_rules: rules,
        }),
    }
    Ok(())
}

/// DeleteAttributeMapping: drop `specifiers` from the field's rules, or the whole field when
/// `specifiers` is `None`; a field left without rules is removed.
pub fn delete_attribute_mapping(
    mappings: &mut Vec<AttributeMapping>,
    certificate_field: &str,
    specifiers: Option<&[String]>,
) -> Result<(), String> {
    match specifiers {
        None => mappings.retain(|m| m.certificate_field != certificate_field),
        Some(list) => {
            let drop: Vec<String> = list
                .iter()
                .map(|s| normalize_specifier(certificate_field, s))
                .collect::<Result<_, _>>()?;
            for m in mappings
                .iter_mut()
                .filter(|m| m.certificate_field == certificate_field)
            {
                m.mapping_rules.retain(|r| !drop.contains(r));
            }
            mappings.retain(|m| !m.mapping_rules.is_empty());
        }
    }
    Ok(())
}

/// The principal tags of `leaf` under a profile's `mappings` (tag key → value, without the
/// `aws:PrincipalTag/` prefix). A field absent from `mappings` maps nothing ("the attribute
/// specified by the deleted mapping rule will not be mapped").
pub fn principal_tags(
    leaf: &Certificate,
    mappings: &[AttributeMapping],
) -> BTreeMap<String, String> {
    principal_tags_x509(leaf.x509(), mappings)
}

/// [`principal_tags`] on the decoded certificate.
pub fn principal_tags_x509(
    cert: &x509_cert::Certificate,
    mappings: &[AttributeMapping],
) -> BTreeMap<String, String> {
    let mut tags = BTreeMap::new();
    let tbs = cert.tbs_certificate();
    // Only the first value of each SAN type is mapped (guide: "map the **first** value").
    let (mut dns, mut uri, mut dir) = (None, None, None);
    if let Ok(Some((_, SubjectAltName(names)))) = tbs.get_extension::<SubjectAltName>() {
        for name in names {
            match name {
                GeneralName::DnsName(s) if dns.is_none() => dns = Some(s.to_string()),
                GeneralName::UniformResourceIdentifier(s) if uri.is_none() => {
                    uri = Some(s.to_string())
                }
                GeneralName::DirectoryName(n) if dir.is_none() => dir = Some(n),
                _ => {}
            }
        }
    }
    for mapping in mappings {
        for rule in &mapping.mapping_rules {
            let field = mapping.certificate_field.as_str();
            match field {
                X509_SUBJECT | X509_ISSUER => {
                    let name = if field == X509_SUBJECT {
                        tbs.subject()
                    } else {
                        tbs.issuer()
                    };
                    map_rdns(name, rule, &format!("{field}/"), &mut tags);
                }
                X509_SAN => match rule.as_str() {
                    "DNS" => insert(&mut tags, "x509SAN/DNS".to_owned(), dns.clone()),
                    "URI" => insert(&mut tags, "x509SAN/URI".to_owned(), uri.clone()),
                    r => {
                        if let (Some(n), Some(spec)) = (dir.as_ref(), r.strip_prefix("Name/")) {
                            map_rdns(n, spec, "x509SAN/Name/", &mut tags);
                        }
                    }
                },
                _ => {}
            }
        }
    }
    tags
}

fn insert(tags: &mut BTreeMap<String, String>, key: String, value: Option<String>) {
    if let Some(v) = value {
        tags.entry(key).or_insert(v);
    }
}

/// Map the RDNs of `name` selected by `spec` (`*` or one RDN) as `<prefix><RDN>`. When an
/// attribute occurs more than once (two OUs) the first one is kept: a session tag key is
/// unique.
fn map_rdns(name: &Name, spec: &str, prefix: &str, tags: &mut BTreeMap<String, String>) {
    for atv in name.iter() {
        let Some((short, _)) = RDNS
            .iter()
            .find(|(_, oid)| ObjectIdentifier::new(oid).is_ok_and(|o| o == atv.oid))
        else {
            continue;
        };
        if spec == "*" || spec == *short {
            insert(tags, format!("{prefix}{short}"), attribute_text(&atv.value));
        }
    }
}

/// The text of an attribute value: a DirectoryString (RFC 5280 §4.1.2.4) or the IA5String
/// of `emailAddress` and `DC`.
fn attribute_text(value: &Any) -> Option<String> {
    if let Ok(s) = value.decode_as::<DirectoryString>() {
        return Some(s.value().into_owned());
    }
    value
        .decode_as::<Ia5StringRef<'_>>()
        .ok()
        .map(|s| s.as_str().to_owned())
}

/// The subject CN (first one), for the source identity.
pub(crate) fn subject_common_name(cert: &x509_cert::Certificate) -> Option<String> {
    let mut tags = BTreeMap::new();
    map_rdns(cert.tbs_certificate().subject(), "CN", "", &mut tags);
    tags.remove("CN")
}
