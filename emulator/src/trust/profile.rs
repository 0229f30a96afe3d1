//! The certificate profile the service demands of the end-entity certificate and of trust
//! anchor CA certificates (User Guide, "Signature validation"), checked on the decoded
//! certificate because rustls-webpki leaves these to the caller: it does not look at the
//! end entity's key usage, accepts an absent basic constraints extension and never sees the
//! anchor's own extensions.

use der::Decode;
use der::asn1::ObjectIdentifier;
use x509_cert::Certificate;
use x509_cert::certificate::Version;
use x509_cert::ext::pkix::{BasicConstraints, KeyUsage};

/// Signature algorithms the guide rejects ("MD5 and SHA1 signing algorithms are rejected",
/// "SHA256 or stronger"), with their names for the message. Anything else webpki cannot
/// verify is refused later as unsupported.
const WEAK_SIGNATURE_ALGORITHMS: &[(&str, &str)] = &[
    ("1.2.840.113549.1.1.2", "md2WithRSAEncryption"),
    ("1.2.840.113549.1.1.4", "md5WithRSAEncryption"),
    ("1.2.840.113549.1.1.5", "sha1WithRSAEncryption"),
    ("1.3.14.3.2.29", "sha1WithRSASignature"),
    ("1.2.840.113549.1.1.14", "sha224WithRSAEncryption"),
    ("1.2.840.10045.4.1", "ecdsa-with-SHA1"),
    ("1.2.840.10045.4.3.1", "ecdsa-with-SHA224"),
    ("1.2.840.10040.4.3", "dsa-with-SHA1"),
    ("2.16.840.1.101.3.4.3.1", "dsa-with-SHA224"),
];

/// Decode a DER certificate, naming `what` in the error.
pub(crate) fn decode(der_bytes: &[u8], what: &str) -> Result<Certificate, String> {
    Certificate::from_der(der_bytes)
        .map_err(|e| format!("{what} is not a valid X.509 certificate ({e})"))
}

/// Refuse MD5/SHA-1/SHA-224 signatures (User Guide, "Signature validation").
pub(crate) fn check_signature_algorithm(cert: &Certificate, what: &str) -> Result<(), String> {
    let oid = cert.signature_algorithm().oid;
    for (weak, name) in WEAK_SIGNATURE_ALGORITHMS {
        if ObjectIdentifier::new(weak).is_ok_and(|w| w == oid) {
            return Err(format!(
                "{what} is signed with {name}; MD5 and SHA-1 signatures are rejected, SHA-256 or stronger is required"
            ));
        }
    }
    Ok(())
}

fn basic_constraints(cert: &Certificate, what: &str) -> Result<Option<BasicConstraints>, String> {
    cert.tbs_certificate()
        .get_extension::<BasicConstraints>()
        .map(|found| found.map(|(_, bc)| bc))
        .map_err(|e| format!("{what} has a malformed basic constraints extension ({e})"))
}

fn key_usage(cert: &Certificate, what: &str) -> Result<Option<KeyUsage>, String> {
    cert.tbs_certificate()
        .get_extension::<KeyUsage>()
        .map(|found| found.map(|(_, ku)| ku))
        .map_err(|e| format!("{what} has a malformed key usage extension ({e})"))
}

fn check_v3(cert: &Certificate, what: &str) -> Result<(), String> {
    match cert.tbs_certificate().version() {
        Version::V3 => Ok(()),
        v => Err(format!(
            "{what} is X.509 {v:?}; the service requires X.509 v3"
        )),
    }
}

/// The end-entity rules, in the guide's order: X.509 v3, a subject, basic constraints `CA:false`, key
/// usage includes digitalSignature, SHA-256 or stronger. The guide says basic constraints
/// "MUST include CA: false", so an absent extension is refused too (RFC 5280 would read
/// absence as "not a CA"; the service's wording is stricter and we follow it).
pub(crate) fn check_end_entity(cert: &Certificate) -> Result<(), String> {
    const WHAT: &str = "the signing certificate";
    check_v3(cert, WHAT)?;
    // User Guide, "Trust policy" note: "Certificates with empty subjects are NOT yet
    // supported" (the subject keys the Subject resource).
    if cert.tbs_certificate().subject().is_empty() {
        return Err(format!(
            "{WHAT} has an empty subject, which the service does not support"
        ));
    }
    match basic_constraints(cert, WHAT)? {
        Some(bc) if bc.ca => {
            return Err(format!(
                "{WHAT} is a CA certificate (basic constraints CA:true); an end-entity certificate with CA:false is required"
            ));
        }
        Some(_) => {}
        None => {
            return Err(format!(
                "{WHAT} has no basic constraints extension; CA:false is required"
            ));
        }
    }
    match key_usage(cert, WHAT)? {
        Some(ku) if ku.digital_signature() => {}
        Some(_) => {
            return Err(format!(
                "{WHAT}'s key usage does not include digitalSignature"
            ));
        }
        None => {
            return Err(format!(
                "{WHAT} has no key usage extension; digitalSignature is required"
            ));
        }
    }
    check_signature_algorithm(cert, WHAT)
}

/// The trust anchor rules: X.509 v3, basic constraints `CA:true`, key usage includes
/// keyCertSign, SHA-256 or stronger ("Certificates used as trust anchors must satisfy the
/// same requirements for signature algorithm").
pub(crate) fn check_ca(cert: &Certificate, what: &str) -> Result<(), String> {
    check_v3(cert, what)?;
    match basic_constraints(cert, what)? {
        Some(bc) if bc.ca => {}
        _ => {
            return Err(format!(
                "{what} is not a CA certificate (basic constraints CA:true is required)"
            ));
        }
    }
    match key_usage(cert, what)? {
        Some(ku) if ku.key_cert_sign() => {}
        _ => return Err(format!("{what}'s key usage does not include keyCertSign")),
    }
    check_signature_algorithm(cert, what)
}

/// An intermediate CA: `CA:true` (webpki checks it too) and, when a key usage extension is
/// present, keyCertSign (RFC 5280 §4.2.1.3; webpki ignores key usage on CAs).
pub(crate) fn check_intermediate(cert: &Certificate, what: &str) -> Result<(), String> {
    if let Some(ku) = key_usage(cert, what)?
        && !ku.key_cert_sign()
    {
        return Err(format!("{what}'s key usage does not include keyCertSign"));
    }
    check_signature_algorithm(cert, what)
}

/// `(notBefore, notAfter)` in Unix seconds.
pub(crate) fn validity(cert: &Certificate) -> (i64, i64) {
    let v = cert.tbs_certificate().validity();
    let secs = |t: x509_cert::time::Time| {
        i64::try_from(t.to_unix_duration().as_secs()).unwrap_or(i64::MAX)
    };
    (secs(v.not_before), secs(v.not_after))
}
