//! The demo PKI of a fresh data directory: a root CA (the default trust anchor), an
//! intermediate CA, two end-entity certificates (RSA-2048 and EC P-256 keys) that satisfy
//! the User Guide's constraints ("Signature validation": v3, CA:false, digitalSignature,
//! SHA-256), and a separate CA + server certificate for the HTTPS listener.
//!
//! Keys come from `rcgen` (ring) for EC and from the `rsa` crate for RSA, since ring does
//! not generate RSA keys. Everything is written as PEM under `DATA_DIR/pki/`; private keys
//! are written with mode 0600.

use std::path::{Path, PathBuf};

use anyhow::Context;
use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa,
    Issuer, KeyPair, KeyUsagePurpose, PKCS_ECDSA_P256_SHA256, PKCS_RSA_SHA256, SerialNumber,
};
use roles_anywhere_core::Timestamp;
use rsa::pkcs8::EncodePrivateKey;
use time::OffsetDateTime;

use crate::state::write_atomically;

/// Organization of every demo certificate's subject.
const ORG: &str = "Roles Anywhere Emulator";

/// Paths of the demo PKI inside a data directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PkiPaths {
    /// Root CA certificate (the default trust anchor's source).
    pub root_ca: PathBuf,
    /// Root CA private key.
    pub root_ca_key: PathBuf,
    /// Intermediate CA certificate; also the `intermediates` bundle of both identities.
    pub intermediate_ca: PathBuf,
    /// Intermediate CA private key.
    pub intermediate_ca_key: PathBuf,
    /// RSA-2048 leaf.
    pub leaf_rsa: PathBuf,
    /// RSA-2048 leaf key (PKCS#8).
    pub leaf_rsa_key: PathBuf,
    /// EC P-256 leaf.
    pub leaf_p256: PathBuf,
    /// EC P-256 leaf key (PKCS#8).
    pub leaf_p256_key: PathBuf,
    /// CA of the HTTPS server certificate (what clients trust).
    pub server_ca: PathBuf,
    /// Server certificate (127.0.0.1, ::1, localhost).
    pub server_cert: PathBuf,
    /// Server key.
    pub server_key: PathBuf,
}

impl PkiPaths {
    /// The layout under `data_dir/pki/` (absolute when `data_dir` is).
    pub fn new(data_dir: &Path) -> Self {
        let d = data_dir.join("pki");
        PkiPaths {
            root_ca: d.join("demo-root-ca.pem"),
            root_ca_key: d.join("demo-root-ca.key.pem"),
            intermediate_ca: d.join("intermediates.pem"),
            intermediate_ca_key: d.join("demo-intermediate-ca.key.pem"),
            leaf_rsa: d.join("leaf-rsa.pem"),
            leaf_rsa_key: d.join("leaf-rsa.key.pem"),
            leaf_p256: d.join("leaf-p256.pem"),
            leaf_p256_key: d.join("leaf-p256.key.pem"),
            server_ca: d.join("server-ca.pem"),
            server_cert: d.join("server.pem"),
            server_key: d.join("server.key.pem"),
        }
    }

    /// Does every file exist?
    pub fn complete(&self) -> bool {
        [
            &self.root_ca,
            &self.root_ca_key,
            &self.intermediate_ca,
            &self.intermediate_ca_key,
            &self.leaf_rsa,
            &self.leaf_rsa_key,
            &self.leaf_p256,
            &self.leaf_p256_key,
            &self.server_ca,
            &self.server_cert,
            &self.server_key,
        ]
        .iter()
        .all(|p| p.is_file())
    }
}

/// An `rcgen` time from a core timestamp.
pub fn offset_date_time(ts: Timestamp) -> anyhow::Result<OffsetDateTime> {
    OffsetDateTime::from_unix_timestamp(ts.unix()).context("time out of range")
}

/// A positive random serial of 16 bytes (RFC 5280 §4.1.2.2: at most 20 octets, positive).
pub fn random_serial() -> SerialNumber {
    let mut bytes: [u8; 16] = rand::random();
    bytes[0] = (bytes[0] & 0x7f) | 0x01;
    SerialNumber::from_slice(&bytes)
}

/// A fresh EC P-256 key.
pub fn p256_key() -> anyhow::Result<KeyPair> {
    KeyPair::generate_for(&PKCS_ECDSA_P256_SHA256).context("generating a P-256 key")
}

/// A fresh RSA key of `bits` (2048, 3072, 4096), signing with PKCS#1 v1.5 SHA-256.
pub fn rsa_key(bits: usize) -> anyhow::Result<KeyPair> {
    let key = rsa::PrivateKey::new(&mut rand::rng(), bits).context("generating an RSA key")?;
    let der = key.to_pkcs8_der().context("encoding the RSA key")?;
    let der = rustls_pki_types::PrivatePkcs8KeyDer::from(der.as_bytes());
    KeyPair::from_pkcs8_der_and_sign_algo(&der, &PKCS_RSA_SHA256).context("loading the RSA key")
}

/// A distinguished name `O=<ORG>, OU=<ou>, CN=<cn>`.
pub fn name(ou: &str, cn: &str) -> DistinguishedName {
    let mut dn = DistinguishedName::new();
    dn.push(DnType::OrganizationName, ORG);
    dn.push(DnType::OrganizationalUnitName, ou);
    dn.push(DnType::CommonName, cn);
    dn
}

/// Parameters of a CA certificate valid `from`..`until` (CA:true, keyCertSign + cRLSign,
/// the User Guide's anchor constraints).
pub fn ca_params(
    dn: DistinguishedName,
    from: Timestamp,
    until: Timestamp,
) -> anyhow::Result<CertificateParams> {
    let mut p = CertificateParams::default();
    p.distinguished_name = dn;
    p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    p.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    p.not_before = offset_date_time(from)?;
    p.not_after = offset_date_time(until)?;
    p.serial_number = Some(random_serial());
    p.use_authority_key_identifier_extension = true;
    Ok(p)
}

/// Parameters of an end-entity certificate as the service accepts it (v3, CA:false,
/// digitalSignature, clientAuth), valid `from`..`until`, with a DNS SAN.
pub fn leaf_params(
    dn: DistinguishedName,
    dns: &str,
    from: Timestamp,
    until: Timestamp,
) -> anyhow::Result<CertificateParams> {
    let mut p = CertificateParams::new(vec![dns.to_owned()]).context("SAN")?;
    p.distinguished_name = dn;
    p.is_ca = IsCa::ExplicitNoCa;
    p.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    p.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
    p.not_before = offset_date_time(from)?;
    p.not_after = offset_date_time(until)?;
    p.serial_number = Some(random_serial());
    p.use_authority_key_identifier_extension = true;
    Ok(p)
}

fn write_public(path: &Path, pem: &str) -> anyhow::Result<()> {
    write_atomically(path, pem.as_bytes())
}

/// Write a private key readable by the owner only.
pub fn write_private(path: &Path, pem: &str) -> anyhow::Result<()> {
    write_atomically(path, pem.as_bytes())?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))?;
    }
    Ok(())
}

/// Create the demo PKI under `data_dir/pki/` (valid from a day before `now` for ten years).
pub fn create_demo_pki(data_dir: &Path, now: Timestamp) -> anyhow::Result<PkiPaths> {
    let paths = PkiPaths::new(data_dir);
    std::fs::create_dir_all(data_dir.join("pki")).context("creating the pki directory")?;
    let from = Timestamp::from_unix(now.unix() - 86_400);
    let ca_until = Timestamp::from_unix(now.unix() + 20 * 365 * 86_400);
    let leaf_until = Timestamp::from_unix(now.unix() + 10 * 365 * 86_400);

    let root_key = p256_key()?;
    let root_params = ca_params(
        name("root", "Roles Anywhere Emulator Demo Root CA"),
        from,
        ca_until,
    )?;
    let root = root_params.self_signed(&root_key)?;
    let root_issuer = Issuer::new(root_params, &root_key);

    let int_key = p256_key()?;
    let int_params = ca_params(
        name(
            "intermediate",
            "Roles Anywhere Emulator Demo Intermediate CA",
        ),
        from,
        ca_until,
    )?;
    let int = int_params.signed_by(&int_key, &root_issuer)?;
    let int_issuer = Issuer::new(int_params, &int_key);

    let rsa_leaf_key = rsa_key(2048)?;
    let rsa_leaf = leaf_params(
        name("demo", "demo-rsa"),
        "demo-rsa.emulator.test",
        from,
        leaf_until,
    )?
    .signed_by(&rsa_leaf_key, &int_issuer)?;
    let p256_leaf_key = p256_key()?;
    let p256_leaf = leaf_params(
        name("demo", "demo-p256"),
        "demo-p256.emulator.test",
        from,
        leaf_until,
    )?
    .signed_by(&p256_leaf_key, &int_issuer)?;

    let server_ca_key = p256_key()?;
    let server_ca_params = ca_params(
        name("server", "Roles Anywhere Emulator Server CA"),
        from,
        ca_until,
    )?;
    let server_ca = server_ca_params.self_signed(&server_ca_key)?;
    let server_issuer = Issuer::new(server_ca_params, &server_ca_key);
    let server_key = p256_key()?;
    let mut server_params = CertificateParams::new(vec![
        "localhost".to_owned(),
        "127.0.0.1".to_owned(),
        "::1".to_owned(),
    ])?;
    server_params.distinguished_name = name("server", "localhost");
    server_params.is_ca = IsCa::ExplicitNoCa;
    server_params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    server_params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    server_params.not_before = offset_date_time(from)?;
    server_params.not_after = offset_date_time(leaf_until)?;
    server_params.serial_number = Some(random_serial());
    let server = server_params.signed_by(&server_key, &server_issuer)?;

    write_public(&paths.root_ca, &root.pem())?;
    write_private(&paths.root_ca_key, &root_key.serialize_pem())?;
    write_public(&paths.intermediate_ca, &int.pem())?;
    write_private(&paths.intermediate_ca_key, &int_key.serialize_pem())?;
    write_public(&paths.leaf_rsa, &rsa_leaf.pem())?;
    write_private(&paths.leaf_rsa_key, &rsa_leaf_key.serialize_pem())?;
    write_public(&paths.leaf_p256, &p256_leaf.pem())?;
    write_private(&paths.leaf_p256_key, &p256_leaf_key.serialize_pem())?;
    write_public(&paths.server_ca, &server_ca.pem())?;
    write_public(
        &paths.server_cert,
        &format!("{}{}", server.pem(), server_ca.pem()),
    )?;
    write_private(&paths.server_key, &server_key.serialize_pem())?;
    Ok(paths)
}
