//! The CreateSession request of SPEC §1, built in two phases: [`CreateSession::prepare`]
//! validates every input and gives the string to sign; [`PreparedRequest::finish`] takes the
//! signature and gives the [`SignedRequest`] to send.

mod signed;
mod validate;

use alloc::string::String;
use alloc::vec::Vec;

pub use signed::{RedactedRequest, SignedRequest};
pub use validate::{
    DURATION_RANGE, check_role_session_name, default_endpoint, default_host, parse_endpoint,
};

use crate::encoding::{base64, percent_encode};
use crate::error::{Error, Result};
use crate::identity::{Certificate, Identity, KeyType};
use crate::signer::{Algorithm, Signer};
use crate::sigv4::{
    self, CanonicalRequest, HttpRequest, PreparedSignature, Settings, StringToSign,
};
use crate::time::AmzDate;

/// Default session duration of the official helper (SPEC §1).
pub const DEFAULT_DURATION_SECONDS: u32 = 3600;

/// The SigV4 signing name of IAM Roles Anywhere.
pub const SERVICE: &str = "rolesanywhere";

/// The CreateSession path.
pub const PATH: &str = "/sessions";

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

    /// Set the signing region.
    #[must_use]
    pub fn with_region(mut self, region: impl Into<String>) -> Self {
        self.region = Some(region.into());
        self
    }

    /// Set the endpoint URL.
    #[must_use]
    pub fn with_endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.endpoint = Some(endpoint.into());
        self
    }

    /// Set `durationSeconds`.
    #[must_use]
    pub fn with_duration_seconds(mut self, seconds: u32) -> Self {
        self.duration_seconds = seconds;
        self
    }

    /// Set `roleSessionName`.
    #[must_use]
    pub fn with_role_session_name(mut self, name: impl Into<String>) -> Self {
        self.role_session_name = Some(name.into());
        self
    }

    /// Phase one: validate the inputs (ARNs, regions, endpoint, duration, session name, chain
    /// length, then `algorithm` against the leaf's key type), build the request for `leaf`
    /// and `chain` at time `date`, and give the string to sign.
    pub fn prepare(
        &self,
        leaf: &Certificate,
        chain: &[Certificate],
        algorithm: Algorithm,
        date: AmzDate,
    ) -> Result<PreparedRequest> {
        let v = validate::validate(self, chain.len())?;
        let key_type = leaf.key_type()?;
        if key_type.algorithm() != algorithm {
            return Err(Error::AlgorithmMismatch {
                requested: String::from(algorithm.as_str()),
                expected: String::from(key_type.algorithm().as_str()),
            });
        }
        // SPEC §1: the ARNs go in the query, sorted by name, RFC 3986-encoded.
        let query = alloc::format!(
            "profileArn={}&roleArn={}&trustAnchorArn={}",
            percent_encode(v.profile.as_str().as_bytes(), false),
            percent_encode(v.role.as_str().as_bytes(), false),
            percent_encode(v.trust_anchor.as_str().as_bytes(), false),
        );
        let target = alloc::format!("{PATH}?{query}");
        let body = match &self.role_session_name {
            // The name is checked to `[\w+=,.@-]`, which needs no JSON escaping.
            Some(name) => alloc::format!(
                "{{\"durationSeconds\":{},\"roleSessionName\":\"{name}\"}}",
                self.duration_seconds
            ),
            None => alloc::format!("{{\"durationSeconds\":{}}}", self.duration_seconds),
        };
        let mut headers: Vec<(String, String)> = alloc::vec![
            (String::from("Host"), v.authority.clone()),
            (
                String::from("Content-Type"),
                String::from("application/json")
            ),
            (String::from("X-Amz-Date"), alloc::format!("{date}")),
            (String::from("X-Amz-X509"), base64(leaf.der())),
        ];
        if !chain.is_empty() {
            let joined: Vec<String> = chain.iter().map(|c| base64(c.der())).collect();
            headers.push((String::from("X-Amz-X509-Chain"), joined.join(",")));
        }
        let request = HttpRequest {
            method: String::from("POST"),
            uri: target,
            headers,
            body: body.into_bytes(),
        };
        let signature = sigv4::prepare_x509(
            &request,
            algorithm,
            &leaf.serial_decimal(),
            &v.region,
            SERVICE,
            date,
            &Settings::default(),
        )?;
        Ok(PreparedRequest {
            url: alloc::format!("{}://{}{}", v.scheme, v.authority, request.uri),
            request,
            signature,
            key_type,
        })
    }

    /// Both phases with a signer that is at hand (a built-in key, a synchronous callback).
    /// The signer's algorithm must be the one of the leaf's key type.
    pub fn sign(
        &self,
        identity: &Identity,
        signer: &dyn Signer,
        date: AmzDate,
    ) -> Result<SignedRequest> {
        let prepared = self.prepare(identity.leaf(), identity.chain(), signer.algorithm(), date)?;
        let signature = signer.sign(prepared.string_to_sign().as_bytes())?;
        prepared.finish(&signature)
    }
}

/// A request between the phases: everything but the signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreparedRequest {
    url: String,
    request: HttpRequest,
    signature: PreparedSignature,
    key_type: KeyType,
}

impl PreparedRequest {
    /// What the signer signs.
    pub fn string_to_sign(&self) -> &StringToSign {
        &self.signature.string_to_sign
    }

    /// The canonical request (stage 1), for debugging and the corpus.
    pub fn canonical_request(&self) -> &CanonicalRequest {
        &self.signature.canonical_request
    }

    /// The algorithm the signature must be made with.
    pub fn algorithm(&self) -> Algorithm {
        self.key_type.algorithm()
    }

    /// Phase two: attach the signature (wire form: PKCS#1 v1.5 bytes or DER ECDSA).
    pub fn finish(self, signature: &[u8]) -> Result<SignedRequest> {
        check_signature_shape(self.key_type, signature)?;
        let authorization = self.signature.finish(signature)?;
        let mut headers = self.request.headers;
        headers.push((
            String::from("Authorization"),
            alloc::format!("{authorization}"),
        ));
        Ok(SignedRequest {
            method: self.request.method,
            url: self.url,
            headers,
            body: self.request.body,
        })
    }
}

/// Catch the usual mistakes of external signers early, with a message that names them:
/// an RSA signature must be as long as the modulus; an ECDSA one must be DER, not the raw
/// `r || s` of WebCrypto and PKCS#11 (see [`crate::ecdsa_raw_to_der`]).
fn check_signature_shape(key_type: KeyType, signature: &[u8]) -> Result<()> {
    let bad = |reason: String| Err(Error::InvalidSignature { reason });
    match key_type {
        _ if signature.is_empty() => bad(String::from("empty signature")),
        KeyType::Rsa { bits } if signature.len() != bits.div_ceil(8) as usize => {
            bad(alloc::format!(
                "{} bytes; an RSA-{bits} PKCS#1 v1.5 signature has {}",
                signature.len(),
                bits.div_ceil(8)
            ))
        }
        KeyType::EcP256 | KeyType::EcP384
            if signature[0] != 0x30 || !der_length_matches(signature) =>
        {
            bad(alloc::format!(
                "{} bytes that are not a DER ECDSA signature (raw r||s from WebCrypto or PKCS#11 must go through ecdsa_raw_to_der)",
                signature.len()
            ))
        }
        _ => Ok(()),
    }
}

/// Does the DER SEQUENCE header's length cover exactly the rest of the bytes?
fn der_length_matches(sig: &[u8]) -> bool {
    match sig.get(1) {
        Some(&len) if len < 0x80 => usize::from(len) + 2 == sig.len(),
        Some(0x81) => sig
            .get(2)
            .is_some_and(|&len| usize::from(len) + 3 == sig.len()),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signature_shapes() {
        let rsa = KeyType::Rsa { bits: 2048 };
        assert!(check_signature_shape(rsa, &[1; 256]).is_ok());
        assert_eq!(
            check_signature_shape(rsa, &[1; 255]).unwrap_err().code(),
            "invalid_signature"
        );
        assert!(check_signature_shape(rsa, &[]).is_err());
        let mut der = alloc::vec![0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01];
        assert!(check_signature_shape(KeyType::EcP256, &der).is_ok());
        der.push(0);
        assert!(check_signature_shape(KeyType::EcP256, &der).is_err());
        assert!(check_signature_shape(KeyType::EcP384, &[7; 96]).is_err());
        let mut long = alloc::vec![0x30, 0x81, 0x80];
        long.extend([0u8; 0x80]);
        assert!(check_signature_shape(KeyType::EcP384, &long).is_ok());
    }
}
