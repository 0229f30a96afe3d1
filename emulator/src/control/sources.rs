//! A trust anchor's `Source` (botocore `Source`, `SourceData` union): only
//! `CERTIFICATE_BUNDLE` works offline; the bundle holds 1 or 2 CA certificates (User Guide,
//! "Quotas": certificates per trust anchor 2, not adjustable), each a CA with `keyCertSign`
//! (SPEC §3 step 4). `AWS_ACM_PCA` needs AWS Private CA and is answered with a clear
//! `ValidationException`.

use serde::Deserialize;

use super::errors::{ApiResult, quota_exceeded, validation};
use super::validate;
use crate::bootstrap::pem_certificates;
use crate::state::{Source, SourceData};

/// Certificates a trust anchor's bundle may hold (not adjustable).
pub const MAX_CERTIFICATES_PER_ANCHOR: usize = 2;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SourceDataInput {
    x509_certificate_data: Option<String>,
    acm_pca_arn: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SourceInput {
    source_type: Option<String>,
    source_data: Option<SourceDataInput>,
}

/// Check a `Source` and turn it into the stored one.
pub fn source(input: SourceInput) -> ApiResult<Source> {
    let source_type = input
        .source_type
        .ok_or_else(|| validation("source.sourceType is required."))?;
    validate::one_of(
        "source.sourceType",
        &source_type,
        &[
            "AWS_ACM_PCA",
            "CERTIFICATE_BUNDLE",
            "SELF_SIGNED_REPOSITORY",
        ],
    )?;
    let data = input
        .source_data
        .ok_or_else(|| validation("source.sourceData is required."))?;
    if data.x509_certificate_data.is_some() && data.acm_pca_arn.is_some() {
        return Err(validation(
            "source.sourceData is a union: give exactly one of x509CertificateData, acmPcaArn.",
        ));
    }
    match source_type.as_str() {
        "CERTIFICATE_BUNDLE" => {}
        "AWS_ACM_PCA" => {
            return Err(validation(
                "AWS_ACM_PCA trust anchors need AWS Private CA, which the emulator does not reach; \
                 create a CERTIFICATE_BUNDLE trust anchor with the CA certificate's PEM instead.",
            ));
        }
        _ => {
            return Err(validation(format!(
                "sourceType {source_type} is not supported; use CERTIFICATE_BUNDLE."
            )));
        }
    }
    let pem = data.x509_certificate_data.ok_or_else(|| {
        validation("source.sourceData.x509CertificateData is required for CERTIFICATE_BUNDLE.")
    })?;
    validate::length("source.sourceData.x509CertificateData", &pem, 1, 204_800)?;
    let certs =
        pem_certificates(&pem).map_err(|e| validation(format!("x509CertificateData: {e:#}")))?;
    if certs.len() > MAX_CERTIFICATES_PER_ANCHOR {
        return Err(quota_exceeded(
            "certificates per trust anchor",
            MAX_CERTIFICATES_PER_ANCHOR,
        ));
    }
    for (i, der) in certs.iter().enumerate() {
        crate::trust::check_anchor_certificate(der)
            .map_err(|e| validation(format!("x509CertificateData certificate #{}: {e}", i + 1)))?;
    }
    Ok(Source {
        source_type,
        source_data: SourceData {
            x509_certificate_data: Some(pem),
            acm_pca_arn: None,
        },
    })
}
