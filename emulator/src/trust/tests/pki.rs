//! Test PKI built at test time with rcgen: CAs, leaves with chosen extensions, CRLs.

use der::Encode;
use rcgen::{
    BasicConstraints, CertificateParams, CertificateRevocationListParams, CustomExtension,
    DistinguishedName, DnType, IsCa, Issuer, KeyIdMethod, KeyPair, KeyUsagePurpose,
    RevocationReason, RevokedCertParams, SerialNumber,
};
use roles_anywhere_core::Timestamp;
use std::str::FromStr;
use x509_cert::ext::pkix::SubjectAltName;
use x509_cert::ext::pkix::name::GeneralName;

/// "Now" for tests: inside every default validity window below.
pub fn now() -> Timestamp {
    Timestamp::parse("2030-06-01T00:00:00Z").expect("valid time")
}

/// A CA able to issue certificates and CRLs.
pub struct Ca {
    pub params: CertificateParams,
    pub key: KeyPair,
    pub der: Vec<u8>,
}

impl Ca {
    pub fn issuer(&self) -> Issuer<'_, &KeyPair> {
        Issuer::from_params(&self.params, &self.key)
    }
}

fn dn(cn: &str) -> DistinguishedName {
    let mut d = DistinguishedName::new();
    d.push(DnType::OrganizationName, "Trust Tests");
    d.push(DnType::CommonName, cn);
    d
}

fn base(cn: &str, serial: u64) -> CertificateParams {
    let mut p = CertificateParams::default();
    p.distinguished_name = dn(cn);
    p.not_before = rcgen::date_time_ymd(2020, 1, 1);
    p.not_after = rcgen::date_time_ymd(2049, 12, 31);
    p.serial_number = Some(SerialNumber::from(serial));
    p
}

pub fn ca_params(cn: &str, serial: u64) -> CertificateParams {
    let mut p = base(cn, serial);
    p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    p.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    p
}

/// A self-signed root.
pub fn root(cn: &str) -> Ca {
    root_with(ca_params(cn, 1))
}

pub fn root_with(params: CertificateParams) -> Ca {
    let key = KeyPair::generate().expect("key");
    let der = params
        .self_signed(&key)
        .expect("self-signed")
        .der()
        .to_vec();
    Ca { params, key, der }
}

/// An intermediate CA issued by `parent`.
pub fn intermediate(parent: &Ca, cn: &str, serial: u64) -> Ca {
    let params = ca_params(cn, serial);
    let key = KeyPair::generate().expect("key");
    let der = params
        .signed_by(&key, &parent.issuer())
        .expect("signed")
        .der()
        .to_vec();
    Ca { params, key, der }
}

/// The end-entity shape the service wants: CA:false, digitalSignature.
pub fn leaf_params(cn: &str, serial: u64) -> CertificateParams {
    let mut p = base(cn, serial);
    p.is_ca = IsCa::ExplicitNoCa;
    p.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    p
}

pub fn issue(issuer: &Ca, params: &CertificateParams) -> Vec<u8> {
    let key = KeyPair::generate().expect("key");
    params
        .signed_by(&key, &issuer.issuer())
        .expect("signed")
        .der()
        .to_vec()
}

pub fn leaf(issuer: &Ca, cn: &str, serial: u64) -> Vec<u8> {
    issue(issuer, &leaf_params(cn, serial))
}

/// A SubjectAltName extension with the given names, encoded by x509-cert.
pub fn san_extension(names: Vec<GeneralName>) -> CustomExtension {
    let der = SubjectAltName(names).to_der().expect("SAN encodes");
    CustomExtension::from_oid_content(&[2, 5, 29, 17], der)
}

pub fn dns(s: &str) -> GeneralName {
    GeneralName::DnsName(der::asn1::Ia5String::new(s).expect("ia5"))
}

pub fn uri(s: &str) -> GeneralName {
    GeneralName::UniformResourceIdentifier(der::asn1::Ia5String::new(s).expect("ia5"))
}

pub fn dir(s: &str) -> GeneralName {
    GeneralName::DirectoryName(x509_cert::name::Name::from_str(s).expect("RFC 4514 name"))
}

/// A CRL by `issuer` revoking `serials`.
pub fn crl(issuer: &Ca, serials: &[u64]) -> Vec<u8> {
    let params = CertificateRevocationListParams {
        this_update: rcgen::date_time_ymd(2029, 1, 1),
        next_update: rcgen::date_time_ymd(2031, 1, 1),
        crl_number: SerialNumber::from(7u64),
        issuing_distribution_point: None,
        revoked_certs: serials
            .iter()
            .map(|s| RevokedCertParams {
                serial_number: SerialNumber::from(*s),
                revocation_time: rcgen::date_time_ymd(2029, 6, 1),
                reason_code: Some(RevocationReason::KeyCompromise),
                invalidity_date: None,
            })
            .collect(),
        key_identifier_method: KeyIdMethod::Sha256,
    };
    params
        .signed_by(&issuer.issuer())
        .expect("CRL")
        .der()
        .to_vec()
}

pub fn decode(der_bytes: &[u8]) -> x509_cert::Certificate {
    use der::Decode;
    x509_cert::Certificate::from_der(der_bytes).expect("certificate decodes")
}

pub fn core_cert(der_bytes: &[u8]) -> roles_anywhere_core::Certificate {
    roles_anywhere_core::Certificate::from_der(der_bytes).expect("core parses the certificate")
}
