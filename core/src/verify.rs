//! Verification of an incoming X.509-signed request (feature `verify`): rebuild the
//! canonical request from what arrived, check the signature with the leaf's public key,
//! the algorithm bound to its key type (SPEC §3 steps 1–2). Time is a parameter.
//!
//! SKELETON: being written (issue 2, signing part).

use alloc::vec::Vec;

use crate::error::Result;
use crate::identity::Certificate;
use crate::sigv4::{Authorization, HttpRequest};
use crate::time::AmzDate;

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

/// Verify `request` as it arrived, at time `now`, allowing `max_skew_seconds` between
/// `X-Amz-Date` and `now` (the service allows 300).
pub fn verify_x509_request(request: &HttpRequest, now: AmzDate, max_skew_seconds: u32) -> Result<VerifiedRequest> {
    let _ = (request, now, max_skew_seconds);
    todo!()
}
