//! HMAC SigV4 (`AWS4-HMAC-SHA256`) with ordinary access keys: the signing-key derivation,
//! header and query (presigned) signing, and verification. The emulator's STS and control
//! plane verify with [`verify_hmac_request`]; the AWS suite checks every stage.

use alloc::string::String;
use core::fmt;

use hmac::{KeyInit, Mac};
use sha2::Sha256;
use zeroize::Zeroizing;

use super::{
    Authorization, CanonicalRequest, CredentialScope, HttpRequest, Settings, SignedHeaders,
    StringToSign,
};
use crate::encoding::{hex, percent_encode};
use crate::error::{Error, Result};
use crate::time::AmzDate;

/// The algorithm name.
pub const ALGORITHM: &str = "AWS4-HMAC-SHA256";

/// Access keys. `Debug` redacts the secret and the token.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct HmacCredentials<'a> {
    /// `AKIA…` / `ASIA…`.
    pub access_key_id: &'a str,
    /// The secret access key.
    pub secret_access_key: &'a str,
    /// The session token of temporary credentials.
    pub session_token: Option<&'a str>,
}

impl fmt::Debug for HmacCredentials<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HmacCredentials")
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &"** redacted **")
            .field(
                "session_token",
                &self.session_token.map(|_| "** redacted **"),
            )
            .finish()
    }
}

type HmacSha256 = hmac::Hmac<Sha256>;

fn hmac_sha256(key: &[u8], data: &[u8]) -> Zeroizing<[u8; 32]> {
    // HMAC accepts keys of any length (RFC 2104 §2), so this cannot fail.
    let mut mac = <HmacSha256 as KeyInit>::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(data);
    Zeroizing::new(mac.finalize().into_bytes().into())
}

/// The signing key: `HMAC(HMAC(HMAC(HMAC("AWS4"+secret, date), region), service), "aws4_request")`.
pub fn signing_key(secret_access_key: &str, scope: &CredentialScope) -> Zeroizing<[u8; 32]> {
    let mut seed = Zeroizing::new(String::with_capacity(4 + secret_access_key.len()));
    seed.push_str("AWS4");
    seed.push_str(secret_access_key);
    let k_date = hmac_sha256(seed.as_bytes(), scope.date().as_bytes());
    let k_region = hmac_sha256(&*k_date, scope.region().as_bytes());
    let k_service = hmac_sha256(&*k_region, scope.service().as_bytes());
    hmac_sha256(&*k_service, b"aws4_request")
}

/// The lower-case hex signature of a string to sign.
pub fn signature_hex(secret_access_key: &str, string_to_sign: &StringToSign) -> String {
    let key = signing_key(secret_access_key, string_to_sign.scope());
    hex(&*hmac_sha256(&*key, string_to_sign.as_bytes()))
}

/// Every stage of one HMAC signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HmacSignature {
    /// Stage 1.
    pub canonical_request: CanonicalRequest,
    /// Stage 2.
    pub string_to_sign: StringToSign,
    /// Stage 3 (header form).
    pub authorization: Authorization,
}

/// Sign `request` as it is: it must carry `Host` and `X-Amz-Date` (equal to `date`), and
/// any `X-Amz-Security-Token` meant to be signed. Signs the headers of
/// [`SignedHeaders::from_request`].
pub fn sign(
    request: &HttpRequest,
    credentials: &HmacCredentials<'_>,
    region: &str,
    service: &str,
    date: AmzDate,
    settings: &Settings,
) -> Result<HmacSignature> {
    super::check_date_header(request, date)?;
    let signed_headers = SignedHeaders::from_request(request)?;
    let canonical_request = CanonicalRequest::new(request, &signed_headers, settings)?;
    let scope = CredentialScope::new(date, region, service)?;
    let string_to_sign = StringToSign::new(ALGORITHM, date, scope.clone(), &canonical_request);
    let signature = signature_hex(credentials.secret_access_key, &string_to_sign);
    let authorization = Authorization::new(
        ALGORITHM,
        String::from(credentials.access_key_id),
        scope,
        signed_headers,
        signature,
    );
    Ok(HmacSignature {
        canonical_request,
        string_to_sign,
        authorization,
    })
}

/// Add `X-Amz-Date`, `X-Amz-Security-Token` (with temporary credentials) and `Authorization`
/// to `request`, as an AWS SDK does.
pub fn sign_request(
    request: &mut HttpRequest,
    credentials: &HmacCredentials<'_>,
    region: &str,
    service: &str,
    date: AmzDate,
    settings: &Settings,
) -> Result<HmacSignature> {
    request.headers.retain(|(n, _)| {
        !["authorization", "x-amz-date", "x-amz-security-token"]
            .iter()
            .any(|h| n.eq_ignore_ascii_case(h))
    });
    request
        .headers
        .push((String::from("X-Amz-Date"), alloc::format!("{date}")));
    if let Some(token) = credentials.session_token {
        request
            .headers
            .push((String::from("X-Amz-Security-Token"), String::from(token)));
    }
    let signature = sign(request, credentials, region, service, date, settings)?;
    request.headers.push((
        String::from("Authorization"),
        alloc::format!("{}", signature.authorization),
    ));
    Ok(signature)
}

/// A presigned request (SigV4 query form).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Presigned {
    /// Stage 1.
    pub canonical_request: CanonicalRequest,
    /// Stage 2.
    pub string_to_sign: StringToSign,
    /// The signature, lower-case hex.
    pub signature: String,
    /// The path and query to send: the original query, then `X-Amz-Algorithm`,
    /// `X-Amz-Credential`, `X-Amz-Date`, `X-Amz-SignedHeaders`, `X-Amz-Expires`,
    /// [`X-Amz-Security-Token`], `X-Amz-Signature`.
    pub uri: String,
}

/// Options of a presigned request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PresignOptions {
    /// `X-Amz-Expires`.
    pub expires_seconds: u32,
    /// Sign the session token (`true`, the usual), or add it after signing (what services
    /// such as IoT expect: the suite's `omit_session_token`).
    pub sign_session_token: bool,
}

/// Presign `request` (which carries no `X-Amz-Date` header; the time goes in the query).
pub fn presign(
    request: &HttpRequest,
    credentials: &HmacCredentials<'_>,
    region: &str,
    service: &str,
    date: AmzDate,
    options: PresignOptions,
    settings: &Settings,
) -> Result<Presigned> {
    let PresignOptions {
        expires_seconds,
        sign_session_token: sign_token,
    } = options;
    let scope = CredentialScope::new(date, region, service)?;
    let signed_headers = SignedHeaders::from_request(request)?;
    let credential = alloc::format!("{}/{scope}", credentials.access_key_id);
    let mut query = String::from(request.query().unwrap_or(""));
    let mut add = |name: &str, value: &str| {
        if !query.is_empty() {
            query.push('&');
        }
        query.push_str(name);
        query.push('=');
        query.push_str(&percent_encode(value.as_bytes(), false));
    };
    add("X-Amz-Algorithm", ALGORITHM);
    add("X-Amz-Credential", &credential);
    add("X-Amz-Date", &alloc::format!("{date}"));
    add("X-Amz-SignedHeaders", &alloc::format!("{signed_headers}"));
    add("X-Amz-Expires", &alloc::format!("{expires_seconds}"));
    let token = credentials.session_token;
    if let (Some(token), true) = (token, sign_token) {
        add("X-Amz-Security-Token", token);
    }
    let to_sign = HttpRequest {
        method: request.method.clone(),
        uri: alloc::format!("{}?{query}", request.path()),
        headers: request.headers.clone(),
        body: request.body.clone(),
    };
    let canonical_request = CanonicalRequest::new(&to_sign, &signed_headers, settings)?;
    let string_to_sign = StringToSign::new(ALGORITHM, date, scope, &canonical_request);
    let signature = signature_hex(credentials.secret_access_key, &string_to_sign);
    let mut uri = to_sign.uri;
    if let (Some(token), false) = (token, sign_token) {
        uri.push_str("&X-Amz-Security-Token=");
        uri.push_str(&percent_encode(token.as_bytes(), false));
    }
    uri.push_str("&X-Amz-Signature=");
    uri.push_str(&signature);
    Ok(Presigned {
        canonical_request,
        string_to_sign,
        signature,
        uri,
    })
}

/// What a verified HMAC-signed request carried.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedHmac {
    /// The access key id of `Credential=`.
    pub access_key_id: String,
    /// `X-Amz-Security-Token`, when present (the caller checks it belongs to the key).
    pub session_token: Option<String>,
    /// The parsed `Authorization`.
    pub authorization: Authorization,
    /// `X-Amz-Date`.
    pub date: AmzDate,
}

/// Verify an HMAC SigV4 request (header form) as it arrived: `secret_for` maps an access key
/// id to its secret (`None`: unknown key → [`Error::SignatureMismatch`]); `X-Amz-Date` must be
/// within `max_skew_seconds` of `now` ([`Error::InvalidTime`]) and its date the scope's.
/// Region and service of the scope are the caller's to check. Canonicalization: path
/// normalized and double-encoded, payload hashed, as every AWS SDK signs non-S3 services.
pub fn verify_hmac_request(
    request: &HttpRequest,
    secret_for: impl Fn(&str) -> Option<String>,
    now: AmzDate,
    max_skew_seconds: u32,
) -> Result<VerifiedHmac> {
    let header = request
        .single_header("authorization")
        .map_err(|_| Error::MalformedAuthorization {
            reason: String::from("more than one Authorization header"),
        })?
        .ok_or_else(|| Error::MalformedAuthorization {
            reason: String::from("no Authorization header"),
        })?;
    let authorization = Authorization::parse(header.trim())?;
    if authorization.algorithm() != ALGORITHM {
        return Err(Error::AlgorithmMismatch {
            requested: String::from(authorization.algorithm()),
            expected: String::from(ALGORITHM),
        });
    }
    let date = super::verify_date(request, &authorization, now, max_skew_seconds)?;
    let secret = secret_for(authorization.credential())
        .map(Zeroizing::new)
        .ok_or_else(|| Error::SignatureMismatch {
            reason: alloc::format!("unknown access key {}", authorization.credential()),
        })?;
    let session_token = request
        .single_header("x-amz-security-token")
        .map_err(|_| Error::MalformedAuthorization {
            reason: String::from("more than one X-Amz-Security-Token"),
        })?
        .map(String::from);
    let canonical = CanonicalRequest::new(
        request,
        authorization.signed_headers(),
        &Settings::default(),
    )
    .map_err(|e| Error::MalformedAuthorization {
        reason: alloc::format!("{e}"),
    })?;
    let sts = StringToSign::new(ALGORITHM, date, authorization.scope().clone(), &canonical);
    let expected = signature_hex(&secret, &sts);
    if !constant_time_eq(
        expected.as_bytes(),
        authorization.signature_hex().as_bytes(),
    ) {
        return Err(Error::SignatureMismatch {
            reason: String::from("the HMAC signature does not match"),
        });
    }
    Ok(VerifiedHmac {
        access_key_id: String::from(authorization.credential()),
        session_token,
        authorization,
        date,
    })
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;

    const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

    fn creds() -> HmacCredentials<'static> {
        HmacCredentials {
            access_key_id: "AKIDEXAMPLE",
            secret_access_key: SECRET,
            session_token: Some("tok"),
        }
    }

    #[test]
    fn derives_the_documented_key() {
        // AWS General Reference, "Examples of how to derive a signing key" (iam, 20120215).
        let date = AmzDate::parse("20120215T000000Z").unwrap();
        let scope = CredentialScope::new(date, "us-east-1", "iam").unwrap();
        let key = signing_key("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", &scope);
        assert_eq!(
            hex(&*key),
            "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d"
        );
        assert!(!alloc::format!("{:?}", creds()).contains(SECRET));
    }

    #[test]
    fn signs_then_verifies() {
        let date = AmzDate::parse("20240102T030405Z").unwrap();
        let mut req = HttpRequest::new("POST", "/trustanchors?x=1")
            .with_header("Host", "localhost:8080")
            .with_body("{}");
        sign_request(
            &mut req,
            &creds(),
            "us-east-1",
            "rolesanywhere",
            date,
            &Settings::default(),
        )
        .unwrap();
        let lookup = |id: &str| (id == "AKIDEXAMPLE").then(|| String::from(SECRET));
        let ok = verify_hmac_request(&req, lookup, date, 300).unwrap();
        assert_eq!(ok.access_key_id, "AKIDEXAMPLE");
        assert_eq!(ok.session_token.as_deref(), Some("tok"));
        assert!(
            ok.authorization
                .signed_headers()
                .contains("x-amz-security-token")
        );

        let mut tampered = req.clone();
        tampered.body = b"{\"a\":1}".to_vec();
        assert_eq!(
            verify_hmac_request(&tampered, lookup, date, 300)
                .unwrap_err()
                .code(),
            "signature_mismatch"
        );
        let late = AmzDate::from_unix(date.timestamp().unix() + 301);
        assert_eq!(
            verify_hmac_request(&req, lookup, late, 300)
                .unwrap_err()
                .code(),
            "invalid_time"
        );
        let nobody = |_: &str| None;
        assert_eq!(
            verify_hmac_request(&req, nobody, date, 300)
                .unwrap_err()
                .code(),
            "signature_mismatch"
        );
        let mut unsigned = req.clone();
        unsigned.headers.retain(|(n, _)| n != "Authorization");
        assert_eq!(
            verify_hmac_request(&unsigned, lookup, date, 300)
                .unwrap_err()
                .code(),
            "malformed_authorization"
        );
        assert!(!req.headers.iter().any(|(_, v)| v.contains(SECRET)));
        assert!(
            req.headers
                .iter()
                .any(|(n, v)| n == "Authorization" && v.starts_with(ALGORITHM))
        );
        let _ = ok.authorization.to_string();
    }
}
