//! The CreateSession request of SPEC §1, built in two phases: [`CreateSession::prepare`]
//! validates every input and gives the string to sign; [`PreparedRequest::finish`] takes the
//! signature and gives the [`SignedRequest`] to send.
//!
//! SKELETON: being written (issue 2, signing part).

use alloc::string::String;
use alloc::vec::Vec;

use crate::error::Result;
use crate::identity::{Certificate, Identity};
use crate::signer::{Algorithm, Signer};
use crate::sigv4::StringToSign;
use crate::time::AmzDate;

/// Default session duration of the official helper (SPEC §1).
pub const DEFAULT_DURATION_SECONDS: u32 = 3600;

/// The parameters of one CreateSession call. Build with [`CreateSession::new`] and the
/// `with_*` methods; nothing is checked until [`CreateSession::prepare`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreateSession {
    /// `trustAnchorArn`.
    pub trust_anchor_arn: String,
    /// `profileArn`.
    pub profile_arn: String,
    /// `roleArn`.
    pub role_arn: String,
    /// Signing region; `None` takes the trust anchor ARN's region (explicit wins, SPEC §1).
    pub region: Option<String>,
    /// Endpoint URL (`https://host[:port]`); `None` is the default endpoint of the region.
    pub endpoint: Option<String>,
    /// `durationSeconds`, 900..=43200.
    pub duration_seconds: u32,
    /// Optional `roleSessionName`.
    pub role_session_name: Option<String>,
}

impl CreateSession {
    /// Parameters with the default duration, no session name, region and endpoint derived.
    pub fn new(
        trust_anchor_arn: impl Into<String>,
        profile_arn: impl Into<String>,
        role_arn: impl Into<String>,
    ) -> Self {
        CreateSession {
            trust_anchor_arn: trust_anchor_arn.into(),
            profile_arn: profile_arn.into(),
            role_arn: role_arn.into(),
            region: None,
            endpoint: None,
            duration_seconds: DEFAULT_DURATION_SECONDS,
            role_session_name: None,
        }
    }

    /// Phase one: validate the inputs (ARNs, regions, duration, session name, chain length),
    /// build the request for `leaf` and `chain` at time `date`, and give the string to sign.
    pub fn prepare(
        &self,
        leaf: &Certificate,
        chain: &[Certificate],
        algorithm: Algorithm,
        date: AmzDate,
    ) -> Result<PreparedRequest> {
        let _ = (leaf, chain, algorithm, date);
        todo!()
    }

    /// Both phases with a signer that is at hand (a built-in key, a synchronous callback).
    pub fn sign(&self, identity: &Identity, signer: &dyn Signer, date: AmzDate) -> Result<SignedRequest> {
        let _ = (identity, signer, date);
        todo!()
    }
}

/// A request between the phases: everything but the signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreparedRequest {
    _todo: (),
}

impl PreparedRequest {
    /// What the signer signs.
    pub fn string_to_sign(&self) -> &StringToSign {
        todo!()
    }
    /// Phase two: attach the signature (wire form: PKCS#1 v1.5 bytes or DER ECDSA).
    pub fn finish(self, signature: &[u8]) -> Result<SignedRequest> {
        let _ = signature;
        todo!()
    }
}

/// A signed request, ready for any HTTP client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedRequest {
    /// `POST`.
    pub method: String,
    /// Full URL: `https://host[:port]/sessions?profileArn=…&roleArn=…&trustAnchorArn=…`.
    pub url: String,
    /// Headers to send, in this order (Host, Content-Type, X-Amz-Date, X-Amz-X509,
    /// [X-Amz-X509-Chain], Authorization).
    pub headers: Vec<(String, String)>,
    /// The compact JSON body.
    pub body: Vec<u8>,
}
