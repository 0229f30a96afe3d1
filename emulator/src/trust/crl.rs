//! Certificate revocation lists imported for a trust anchor (User Guide, "Revocation":
//! imported CRLs only, no CDP or OCSP callbacks). Parsing and signature rules are
//! rustls-webpki's (RFC 5280 §5); this file only turns bytes into its types.

use webpki::{BorrowedCertRevocationList, CertRevocationList, OwnedCertRevocationList};

const PEM_LABEL: &str = "X509 CRL";

/// A CRL as DER, from DER or PEM (`-----BEGIN X509 CRL-----`) bytes, checked to parse:
/// what ImportCrl / UpdateCrl should store. The error is a message for a 400
/// `ValidationException`.
pub fn crl_to_der(bytes: &[u8]) -> Result<Vec<u8>, String> {
    let der = if bytes.trim_ascii_start().starts_with(b"-----BEGIN") {
        let (label, der) = der::pem::decode_vec(bytes.trim_ascii())
            .map_err(|e| format!("invalid PEM CRL ({e})"))?;
        if label != PEM_LABEL {
            return Err(format!(
                "expected a PEM \"{PEM_LABEL}\" block, found \"{label}\""
            ));
        }
        der
    } else {
        bytes.to_vec()
    };
    BorrowedCertRevocationList::from_der(&der).map_err(|e| format!("invalid CRL ({e})"))?;
    Ok(der)
}

/// Parse every CRL (DER or PEM). A CRL that does not parse is an error rather than ignored:
/// failing closed is the only safe reading of "certificates will be checked for their
/// revocation status" when the list cannot be read.
pub(crate) fn parse_all(crls: &[Vec<u8>]) -> Result<Vec<CertRevocationList<'static>>, String> {
    crls.iter()
        .enumerate()
        .map(|(i, bytes)| {
            let der = crl_to_der(bytes)
                .map_err(|e| format!("imported CRL #{} cannot be used: {e}", i + 1))?;
            OwnedCertRevocationList::from_der(&der)
                .map(CertRevocationList::from)
                .map_err(|e| format!("imported CRL #{} cannot be used: {e}", i + 1))
        })
        .collect()
}
