//! Verification of an incoming X.509-signed request (feature `verify`): rebuild the
//! canonical request from what arrived, check the signature with the leaf's public key,
//! the algorithm bound to its key type (SPEC §3 steps 1–2). Time is a parameter.
//!
//! Checks, in order (each failure a typed error):
//! 1. one `Authorization` header that parses, with an X.509 algorithm
//!    ([`Error::MalformedAuthorization`]);
//! 2. `X-Amz-Date` present, signed with `host`, within the skew ([`Error::InvalidTime`]), of
//!    the scope's day ([`Error::SignatureMismatch`]);
//! 3. `X-Amz-X509` present and signed, and `X-Amz-X509-Chain` signed when present: an unsigned
//!    certificate header is [`Error::MalformedAuthorization`] (a certificate that the signature
//!    does not cover could be swapped by anyone on the path, so the request is refused as
//!    malformed before any cryptography);
//! 4. the certificates decode; at most 5 intermediates ([`Error::ChainTooLong`]);
//! 5. the algorithm is the leaf key type's ([`Error::AlgorithmMismatch`]);
//! 6. `Credential=` is the leaf serial in decimal ([`Error::SignatureMismatch`]);
//! 7. the signature verifies over the string to sign rebuilt from the request as it arrived
//!    (path normalized and encoded as the signer does; payload hashed).
//!
//! Region and service of the credential scope are left to the caller, which knows where it
//! runs (`authorization.scope()`); so are chain building and trust (SPEC §3 steps 3–5).

use alloc::string::String;
use alloc::vec::Vec;

use crate::encoding::unbase64;
use crate::error::{Error, Result};
use crate::identity::{Certificate, MAX_CHAIN_LEN};
use crate::sigv4::{self, Authorization, CanonicalRequest, HttpRequest, Settings, StringToSign};
use crate::time::AmzDate;

pub use crate::sigv4::hmac::{VerifiedHmac, verify_hmac_request};

/// What a verified request carried.
#[derive(Debug, Clone)]
pub struct VerifiedRequest {
    /// The leaf certificate from `X-Amz-X509`.
    pub leaf: Certificate,
    /// The intermediates from `X-Amz-X509-Chain`.
    pub chain: Vec<Certificate>,
    /// The parsed `Authorization`.
    pub authorization: Authorization,
    /// `X-Amz-Date`.
    pub date: AmzDate,
}

fn malformed(reason: impl Into<String>) -> Error {
    Error::MalformedAuthorization {
        reason: reason.into(),
    }
}

fn decode_cert(header: &str, b64: &str) -> Result<Certificate> {
    let der =
        unbase64(b64.trim()).ok_or_else(|| malformed(alloc::format!("{header} is not base64")))?;
    Certificate::from_der(&der)
}

/// Verify `request` as it arrived, at time `now`, allowing `max_skew_seconds` between
/// `X-Amz-Date` and `now` (the service allows 300).
pub fn verify_x509_request(
    request: &HttpRequest,
    now: AmzDate,
    max_skew_seconds: u32,
) -> Result<VerifiedRequest> {
    let header = request
        .single_header("authorization")
        .map_err(|_| malformed("more than one Authorization header"))?
        .ok_or_else(|| malformed("no Authorization header"))?;
    let authorization = Authorization::parse(header.trim())?;
    let algorithm = authorization.x509_algorithm().ok_or_else(|| {
        malformed(alloc::format!(
            "{} is not an X.509 algorithm",
            authorization.algorithm()
        ))
    })?;
    let date = sigv4::verify_date(request, &authorization, now, max_skew_seconds)?;

    let leaf_b64 = request
        .single_header("x-amz-x509")
        .map_err(|_| malformed("more than one X-Amz-X509 header"))?
        .ok_or_else(|| malformed("no X-Amz-X509 header"))?;
    let chain_b64 = request
        .single_header("x-amz-x509-chain")
        .map_err(|_| malformed("more than one X-Amz-X509-Chain header"))?;
    let signed = authorization.signed_headers();
    if !signed.contains("x-amz-x509")
        || (chain_b64.is_some() && !signed.contains("x-amz-x509-chain"))
    {
        return Err(malformed(
            "the certificate headers (X-Amz-X509, X-Amz-X509-Chain) must be signed",
        ));
    }
    let leaf = decode_cert("X-Amz-X509", leaf_b64)?;
    let chain = match chain_b64 {
        Some(list) if !list.trim().is_empty() => {
            let parts: Vec<&str> = list.split(',').collect();
            if parts.len() > MAX_CHAIN_LEN {
                return Err(Error::ChainTooLong { len: parts.len() });
            }
            parts
                .iter()
                .map(|p| decode_cert("X-Amz-X509-Chain", p))
                .collect::<Result<Vec<_>>>()?
        }
        _ => Vec::new(),
    };

    let expected = leaf.key_type()?.algorithm();
    if expected != algorithm {
        return Err(Error::AlgorithmMismatch {
            requested: String::from(algorithm.as_str()),
            expected: String::from(expected.as_str()),
        });
    }
    let serial = leaf.serial_decimal();
    if authorization.credential() != serial {
        return Err(Error::SignatureMismatch {
            reason: alloc::format!(
                "Credential={} is not the serial number of the certificate in X-Amz-X509 ({serial})",
                authorization.credential()
            ),
        });
    }
    let canonical = CanonicalRequest::new(request, signed, &Settings::default())
        .map_err(|e| malformed(alloc::format!("{e}")))?;
    let sts = StringToSign::new(
        algorithm.as_str(),
        date,
        authorization.scope().clone(),
        &canonical,
    );
    leaf.verify_signature(sts.as_bytes(), &authorization.signature())?;
    Ok(VerifiedRequest {
        leaf,
        chain,
        authorization,
        date,
    })
}
