//! Certificate path validation (SPEC §3 steps 3–5): the end-entity profile, a path through
//! the presented intermediates to one CA certificate of an enabled trust anchor, and
//! revocation by the CRLs imported for that anchor. Path building, signatures, validity of
//! intermediates, name and path-length constraints are rustls-webpki's; the rules webpki
//! leaves to its caller are in [`super::profile`].

use roles_anywhere_core::identity::MAX_CHAIN_LEN;
use roles_anywhere_core::{Certificate, Timestamp};
use rustls_pki_types::{CertificateDer, TrustAnchor, UnixTime};
use webpki::{
    EndEntityCert, ExtendedKeyUsageValidator, KeyPurposeIdIter, RevocationCheckDepth,
    RevocationOptionsBuilder, UnknownStatusPolicy,
};

use super::Denial;
use super::crl;
use super::profile;

/// The message prefix users know from the service (SPEC §1, "Known messages").
const UNTRUSTED: &str = "Untrusted signing certificate";

fn untrusted(cause: impl std::fmt::Display) -> Denial {
    Denial::access_denied(format!("{UNTRUSTED}: {cause}"))
}

/// The guide lists no extended key usage requirement for end-entity certificates ("Signature
/// validation" names v3, CA:false, digitalSignature and the hash only), so any EKU, or none,
/// is accepted on every certificate of the path.
struct AnyExtendedKeyUsage;

impl ExtendedKeyUsageValidator for AnyExtendedKeyUsage {
    fn validate(&self, iter: KeyPurposeIdIter<'_, '_>) -> Result<(), webpki::Error> {
        // Still refuse a malformed EKU extension.
        for purpose in iter {
            purpose?;
        }
        Ok(())
    }
}

/// Validate `leaf` and its path to one trust anchor (SPEC §3 steps 3–5).
///
/// `anchor_cas` are the DER CA certificates of ONE enabled trust anchor (a root or an
/// intermediate CA); `crls` the DER (or PEM) CRLs enabled for it. Every failure is a 403
/// `AccessDeniedException` "Untrusted signing certificate: <cause>".
pub fn validate_chain(
    leaf: &Certificate,
    intermediates: &[Certificate],
    anchor_cas: &[Vec<u8>],
    crls: &[Vec<u8>],
    now: Timestamp,
) -> Result<(), Denial> {
    let intermediates: Vec<&[u8]> = intermediates.iter().map(Certificate::der).collect();
    validate_chain_der(leaf.der(), &intermediates, anchor_cas, crls, now)
}

/// [`validate_chain`] on DER bytes.
pub fn validate_chain_der(
    leaf: &[u8],
    intermediates: &[&[u8]],
    anchor_cas: &[Vec<u8>],
    crls: &[Vec<u8>],
    now: Timestamp,
) -> Result<(), Denial> {
    // SPEC §3 step 1 refuses longer chains before we are called; guard anyway.
    if intermediates.len() > MAX_CHAIN_LEN {
        return Err(untrusted(format!(
            "{} intermediate certificates were sent, at most {MAX_CHAIN_LEN} are accepted",
            intermediates.len()
        )));
    }

    // Step 3: the end-entity profile, then its validity with the dates in the message.
    let ee = profile::decode(leaf, "the signing certificate").map_err(untrusted)?;
    profile::check_end_entity(&ee).map_err(untrusted)?;
    let (not_before, not_after) = profile::validity(&ee);
    if now.unix() > not_after {
        return Err(untrusted(format!(
            "the certificate has expired (notAfter {}, now {now})",
            Timestamp::from_unix(not_after)
        )));
    }
    if now.unix() < not_before {
        return Err(untrusted(format!(
            "the certificate is not yet valid (notBefore {}, now {now})",
            Timestamp::from_unix(not_before)
        )));
    }
    for (i, der) in intermediates.iter().enumerate() {
        let what = format!("intermediate certificate #{}", i + 1);
        let cert = profile::decode(der, &what).map_err(untrusted)?;
        profile::check_signature_algorithm(&cert, &what).map_err(untrusted)?;
    }

    // Step 4: the anchor's CA certificates that qualify as anchors.
    let mut anchors: Vec<TrustAnchor<'_>> = Vec::new();
    let mut refused: Vec<String> = Vec::new();
    for (i, der) in anchor_cas.iter().enumerate() {
        let what = format!("trust anchor CA certificate #{}", i + 1);
        match anchor(der, &what, now) {
            Ok(ta) => anchors.push(ta),
            Err(why) => refused.push(why),
        }
    }
    if anchors.is_empty() {
        let why = if refused.is_empty() {
            "the trust anchor has no CA certificate".to_owned()
        } else {
            refused.join("; ")
        };
        return Err(untrusted(format!(
            "no usable trust anchor CA certificate: {why}"
        )));
    }

    // Step 5: revocation by the imported CRLs only (no CDP or OCSP callbacks, User Guide
    // "Revocation"). CRLs are optional, so a certificate no CRL covers is accepted.
    let crls = crl::parse_all(crls).map_err(untrusted)?;
    let crl_refs: Vec<&webpki::CertRevocationList<'_>> = crls.iter().collect();
    let revocation = RevocationOptionsBuilder::new(&crl_refs)
        .ok()
        .map(|builder| {
            builder
                .with_depth(RevocationCheckDepth::Chain)
                .with_status_policy(UnknownStatusPolicy::Allow)
                .build()
        });

    let leaf_der = CertificateDer::from(leaf);
    let ee_cert = EndEntityCert::try_from(&leaf_der)
        .map_err(|e| untrusted(format!("the signing certificate cannot be parsed ({e})")))?;
    let intermediate_ders: Vec<CertificateDer<'_>> = intermediates
        .iter()
        .map(|d| CertificateDer::from(*d))
        .collect();
    let time = UnixTime::since_unix_epoch(std::time::Duration::from_secs(
        u64::try_from(now.unix()).unwrap_or(0),
    ));
    let path = ee_cert
        .verify_for_usage(
            webpki::ALL_VERIFICATION_ALGS,
            &anchors,
            &intermediate_ders,
            time,
            AnyExtendedKeyUsage,
            revocation,
            None,
        )
        .map_err(|e| untrusted(describe(&e, &refused)))?;
    for cert in path.intermediate_certificates() {
        let der = cert.der();
        let parsed = profile::decode(&der, "an intermediate certificate").map_err(untrusted)?;
        profile::check_intermediate(&parsed, "an intermediate certificate of the path")
            .map_err(untrusted)?;
    }
    Ok(())
}

/// One anchor CA certificate as a webpki trust anchor, if it qualifies (CA:true,
/// keyCertSign, SHA-256 or stronger, within validity; webpki checks none of these on
/// anchors).
fn anchor<'a>(der: &'a [u8], what: &str, now: Timestamp) -> Result<TrustAnchor<'a>, String> {
    let cert = profile::decode(der, what)?;
    profile::check_ca(&cert, what)?;
    let (not_before, not_after) = profile::validity(&cert);
    if now.unix() > not_after {
        return Err(format!(
            "{what} has expired (notAfter {})",
            Timestamp::from_unix(not_after)
        ));
    }
    if now.unix() < not_before {
        return Err(format!(
            "{what} is not yet valid (notBefore {})",
            Timestamp::from_unix(not_before)
        ));
    }
    webpki::anchor_from_trusted_cert(&CertificateDer::from(der))
        .map(|ta| ta.to_owned())
        .map_err(|e| format!("{what} cannot be used as a trust anchor ({e})"))
}

/// Check a CA certificate offered for a trust anchor (CreateTrustAnchor / UpdateTrustAnchor):
/// the same rules [`validate_chain`] applies to anchors, without the validity window.
pub fn check_anchor_certificate(der: &[u8]) -> Result<(), String> {
    let cert = profile::decode(der, "the CA certificate")?;
    profile::check_ca(&cert, "the CA certificate")?;
    webpki::anchor_from_trusted_cert(&CertificateDer::from(der))
        .map(|_| ())
        .map_err(|e| format!("the CA certificate cannot be used as a trust anchor ({e})"))
}

/// What went wrong, for the message after "Untrusted signing certificate: ".
fn describe(err: &webpki::Error, refused_anchors: &[String]) -> String {
    use webpki::Error as E;
    let text = match err {
        E::UnknownIssuer => {
            let mut s = "the certificate does not chain to the trust anchor's CA certificate (unknown issuer); \
                         check the intermediates sent in X-Amz-X509-Chain and the trust anchor"
                .to_owned();
            if !refused_anchors.is_empty() {
                s.push_str(&format!(
                    " (unusable anchor certificates: {})",
                    refused_anchors.join("; ")
                ));
            }
            return s;
        }
        E::CertRevoked => {
            "a certificate of the chain is revoked by a CRL imported for the trust anchor"
        }
        E::CertExpired { .. } => "an intermediate certificate has expired",
        E::CertNotValidYet { .. } => "an intermediate certificate is not yet valid",
        E::InvalidSignatureForPublicKey => {
            "a certificate's signature does not verify with its issuer's public key"
        }
        E::UnsupportedSignatureAlgorithmContext(_)
        | E::UnsupportedSignatureAlgorithmForPublicKeyContext(_) => {
            "a certificate of the chain uses an unsupported signature algorithm"
        }
        E::EndEntityUsedAsCa => {
            "an intermediate certificate is not a CA (basic constraints CA:false or absent)"
        }
        E::CaUsedAsEndEntity => "the signing certificate is a CA certificate",
        E::PathLenConstraintViolated => "a CA's path length constraint is violated",
        E::NameConstraintViolation => "a CA's name constraints are violated",
        E::MaximumPathDepthExceeded | E::MaximumPathBuildCallsExceeded => {
            "the certificate chain is too long"
        }
        E::IssuerNotCrlSigner | E::InvalidCrlSignatureForPublicKey => {
            "an imported CRL is not signed by the certificate's issuer"
        }
        other => return format!("path validation failed ({other:?})"),
    };
    text.to_owned()
}
