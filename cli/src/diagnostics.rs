//! `sign-string` and `read-certificate-data`: the official helper's diagnostic commands,
//! with its output formats.

use std::io::Write;
use std::path::Path;

use roles_anywhere::core::{Certificate, KeyType, PrivateKey, Signer};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::fail::{CliError, CliResult};

fn read(path: &Path) -> CliResult<Vec<u8>> {
    std::fs::read(path).map_err(|e| {
        CliError::Client(roles_anywhere::Error::Io {
            path: path.to_owned(),
            message: e.to_string(),
        })
    })
}

/// The helper's fixed test string: `"AWS Roles Anywhere Credential Helper Signing Test" ||
/// "1" || SHA256("IAM RA" || public key)`, the public key being the uncompressed EC point or
/// the PKCS#1 RSAPublicKey, i.e. the SubjectPublicKeyInfo's BIT STRING contents.
pub fn fixed_string(spki_der: &[u8]) -> CliResult<Vec<u8>> {
    let spki = spki::SubjectPublicKeyInfoRef::try_from(spki_der)
        .map_err(|e| CliError::Other(format!("public key: {e}")))?;
    let key_bytes = spki
        .subject_public_key
        .as_bytes()
        .ok_or_else(|| CliError::Other("public key: unused bits in the BIT STRING".to_owned()))?;
    let mut h = Sha256::new();
    h.update(b"IAM RA");
    h.update(key_bytes);
    let mut out = b"AWS Roles Anywhere Credential Helper Signing Test1".to_vec();
    out.extend_from_slice(&h.finalize());
    Ok(out)
}

/// `sign-string`: sign the fixed string with the key; print hex (`text`), a JSON string
/// (`json`, the default) or raw bytes (`bin`).
pub fn sign_string(
    private_key: &Path,
    password: Option<&str>,
    format: &str,
    digest: &str,
) -> CliResult<()> {
    if !digest.eq_ignore_ascii_case("SHA256") {
        // The service only ever verifies SHA-256 signatures (SPEC §1); the built-in signers
        // make no others.
        return Err(CliError::usage(format!(
            "--digest {digest} is not supported: only SHA256"
        )));
    }
    let mut bytes = read(private_key)?;
    let key = PrivateKey::parse(&bytes, password.map(str::as_bytes));
    zeroize::Zeroize::zeroize(&mut bytes);
    let key = key?;
    let message = fixed_string(&key.public_key_der())?;
    let signature = key.sign(&message)?;
    let hex: String = signature.iter().map(|b| format!("{b:02x}")).collect();
    let mut stdout = std::io::stdout().lock();
    let written = match format.to_ascii_lowercase().as_str() {
        "text" => stdout.write_all(hex.as_bytes()),
        "json" => stdout.write_all(serde_json::to_string(&hex).unwrap_or_default().as_bytes()),
        "bin" => stdout.write_all(&signature),
        other => {
            return Err(CliError::usage(format!(
                "--format must be json, text or bin, not {other:?}"
            )));
        }
    };
    written
        .and_then(|()| stdout.flush())
        .map_err(|e| CliError::Other(format!("writing to stdout: {e}")))
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CertificateData {
    key_type: String,
    certificate_data: String,
    serial_number: String,
    supported_algorithms: Vec<String>,
}

/// `read-certificate-data`: key type, base64 DER, decimal serial, algorithms, as the
/// helper's JSON (no trailing newline).
pub fn read_certificate_data(certificate: &Path) -> CliResult<()> {
    let certs = Certificate::parse_bundle(&read(certificate)?)?;
    let cert = certs
        .first()
        .ok_or(roles_anywhere::core::Error::NoCertificate)?;
    let key_type = cert.key_type()?;
    let (name, algorithms) = match key_type {
        KeyType::Rsa { .. } => (
            "RSA".to_owned(),
            vec!["RSASHA256".into(), "RSASHA384".into(), "RSASHA512".into()],
        ),
        KeyType::EcP256 | KeyType::EcP384 => (
            "EC".to_owned(),
            vec!["ECSHA256".into(), "ECSHA384".into(), "ECSHA512".into()],
        ),
        other => (other.to_string(), vec![other.to_string()]),
    };
    let data = CertificateData {
        key_type: name,
        certificate_data: <base64ct::Base64 as base64ct::Encoding>::encode_string(cert.der()),
        serial_number: cert.serial_decimal(),
        supported_algorithms: algorithms,
    };
    let text = serde_json::to_string(&data).map_err(|e| CliError::Other(e.to_string()))?;
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
        .map_err(|e| CliError::Other(e.to_string()))
}
