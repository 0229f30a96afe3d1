//! The client: resolve the endpoint once, and for each CreateSession load the identity anew,
//! sign, send, retry (re-signed) on transient failures, parse. [`CredentialsProvider`] puts
//! the single-flight cache in front of it.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use roles_anywhere_core::{
    AmzDate, CreateSession, Credentials, SignedRequest, parse_create_session_response,
};

use crate::cache::{CredentialsCache, Lookup, RefreshPolicy, system_now};
use crate::endpoint::{self, EndpointInput, ResolvedEndpoint};
use crate::error::{Error, Result};
use crate::http::{HttpConfig, HttpResponse, Transport, UreqTransport};
use crate::identity_source::IdentitySource;
use crate::retry::RetryPolicy;

/// What a CreateSession call asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionConfig {
    /// `trustAnchorArn`.
    pub trust_anchor_arn: String,
    /// `profileArn`.
    pub profile_arn: String,
    /// `roleArn`.
    pub role_arn: String,
    /// Signing region; `None` is the trust anchor's.
    pub region: Option<String>,
    /// Endpoint URL; `None` follows SPEC §1's precedence.
    pub endpoint: Option<String>,
    /// Force FIPS on or off; `None` reads `AWS_USE_FIPS_ENDPOINT`.
    pub use_fips: Option<bool>,
    /// 900..=43200.
    pub duration_seconds: u32,
    /// Optional `roleSessionName`.
    pub role_session_name: Option<String>,
}

impl SessionConfig {
    /// The three ARNs, defaults for the rest.
    pub fn new(
        trust_anchor_arn: impl Into<String>,
        profile_arn: impl Into<String>,
        role_arn: impl Into<String>,
    ) -> Self {
        SessionConfig {
            trust_anchor_arn: trust_anchor_arn.into(),
            profile_arn: profile_arn.into(),
            role_arn: role_arn.into(),
            region: None,
            endpoint: None,
            use_fips: None,
            duration_seconds: roles_anywhere_core::create_session::DEFAULT_DURATION_SECONDS,
            role_session_name: None,
        }
    }
}

/// What `--debug` shows. Nothing here holds a secret: the response body has its secret
/// access key and session token replaced.
#[derive(Debug)]
#[non_exhaustive]
pub enum DebugEvent<'a> {
    /// A request about to be sent.
    Request {
        /// 1-based attempt.
        attempt: u32,
        /// The canonical request.
        canonical_request: &'a str,
        /// The string to sign.
        string_to_sign: &'a str,
        /// The request (headers include the signature, which is no secret).
        request: &'a SignedRequest,
    },
    /// The service's answer.
    Response {
        /// Status.
        status: u16,
        /// Headers.
        headers: &'a [(String, String)],
        /// Body with secrets redacted.
        redacted_body: &'a str,
    },
    /// An attempt failed and another follows after `wait`.
    Retry {
        /// The failed attempt.
        attempt: u32,
        /// Its error.
        error: &'a Error,
        /// The backoff.
        wait: Duration,
    },
}

/// A receiver of [`DebugEvent`]s.
pub type DebugHook = Arc<dyn Fn(&DebugEvent<'_>) + Send + Sync>;

/// The IAM Roles Anywhere client.
pub struct Client {
    session: SessionConfig,
    identity: IdentitySource,
    endpoint: ResolvedEndpoint,
    transport: Arc<dyn Transport>,
    retry: RetryPolicy,
    debug: Option<DebugHook>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("session", &self.session)
            .field("identity", &self.identity)
            .field("endpoint", &self.endpoint)
            .field("retry", &self.retry)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// A client over HTTPS with `http` settings. Resolves the endpoint now; the identity is
    /// loaded at each call (and once now, so that a bad file fails early).
    pub fn new(
        session: SessionConfig,
        identity: IdentitySource,
        http: &HttpConfig,
    ) -> Result<Self> {
        let transport = Arc::new(UreqTransport::new(http)?);
        Self::with_transport(session, identity, transport)
    }

    /// A client over another [`Transport`].
    pub fn with_transport(
        session: SessionConfig,
        identity: IdentitySource,
        transport: Arc<dyn Transport>,
    ) -> Result<Self> {
        let endpoint = endpoint::resolve(&EndpointInput {
            endpoint: session.endpoint.as_deref(),
            region: session.region.as_deref(),
            use_fips: session.use_fips,
            trust_anchor_arn: &session.trust_anchor_arn,
        })?;
        Ok(Client {
            session,
            identity,
            endpoint,
            transport,
            retry: RetryPolicy::default(),
            debug: None,
        })
    }

    /// Replace the retry policy.
    pub fn with_retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// Receive debug events (`--debug`).
    pub fn with_debug(mut self, hook: DebugHook) -> Self {
        self.debug = Some(hook);
        self
    }

    /// The resolved endpoint and region.
    pub fn endpoint(&self) -> &ResolvedEndpoint {
        &self.endpoint
    }

    /// The session parameters.
    pub fn session(&self) -> &SessionConfig {
        &self.session
    }

    fn request(&self) -> CreateSession {
        CreateSession {
            trust_anchor_arn: self.session.trust_anchor_arn.clone(),
            profile_arn: self.session.profile_arn.clone(),
            role_arn: self.session.role_arn.clone(),
            region: Some(self.endpoint.region.clone()),
            endpoint: Some(self.endpoint.url.clone()),
            duration_seconds: self.session.duration_seconds,
            role_session_name: self.session.role_session_name.clone(),
        }
    }

    /// One CreateSession: the identity is read anew, each attempt signed at its own time.
    pub fn create_session(&self) -> Result<Credentials> {
        let loaded = self.identity.load()?;
        check_validity(loaded.identity().leaf(), system_now())?;
        let request = self.request();
        let mut attempt = 1;
        loop {
            let date = AmzDate::from_unix(system_now());
            let identity = loaded.identity();
            let prepared = request.prepare(
                identity.leaf(),
                identity.chain(),
                loaded.signer().algorithm(),
                date,
            )?;
            let canonical_request = prepared.canonical_request().to_string();
            let string_to_sign = prepared.string_to_sign().as_str().to_owned();
            let signature = loaded.signer().sign(string_to_sign.as_bytes())?;
            let signed = prepared.finish(&signature)?;
            if let Some(hook) = &self.debug {
                hook(&DebugEvent::Request {
                    attempt,
                    canonical_request: &canonical_request,
                    string_to_sign: &string_to_sign,
                    request: &signed,
                });
            }
            let outcome = self
                .transport
                .send(&signed)
                .and_then(|response| self.parse(&response));
            match outcome {
                Ok(creds) => return Ok(creds),
                Err(err) if err.is_retryable() && attempt < self.retry.max_attempts => {
                    let wait = self.retry.backoff(attempt);
                    if let Some(hook) = &self.debug {
                        hook(&DebugEvent::Retry {
                            attempt,
                            error: &err,
                            wait,
                        });
                    }
                    std::thread::sleep(wait);
                    attempt += 1;
                }
                Err(err) => return Err(err),
            }
        }
    }

    fn parse(&self, response: &HttpResponse) -> Result<Credentials> {
        if let Some(hook) = &self.debug {
            let body = redact_body(&response.body);
            hook(&DebugEvent::Response {
                status: response.status,
                headers: &response.headers,
                redacted_body: &body,
            });
        }
        let headers: Vec<(&str, &str)> = response
            .headers
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        Ok(parse_create_session_response(
            response.status,
            &headers,
            &response.body,
        )?)
    }
}

/// The service rejects a leaf outside its validity (SPEC §3 step 3) with a bare "Untrusted
/// signing certificate"; saying it here names the real cause, and the clock as the other
/// suspect.
fn check_validity(leaf: &roles_anywhere_core::Certificate, now: i64) -> Result<()> {
    let (from, until) = (leaf.not_before(), leaf.not_after());
    let reason = if now < from.unix() {
        format!("the certificate is not valid before {from}: check the system clock")
    } else if now > until.unix() {
        format!("the certificate expired at {until}: renew it (or check the system clock)")
    } else {
        return Ok(());
    };
    Err(roles_anywhere_core::Error::InvalidCertificate { reason }.into())
}

/// The answer's body for logs: JSON with every `secretAccessKey` and `sessionToken` value
/// replaced; anything that is not JSON is shown only by its length.
pub fn redact_body(body: &[u8]) -> String {
    fn walk(v: &mut serde_json::Value) {
        match v {
            serde_json::Value::Object(map) => {
                for (k, val) in map.iter_mut() {
                    if matches!(
                        k.as_str(),
                        "secretAccessKey"
                            | "sessionToken"
                            | "SecretAccessKey"
                            | "SessionToken"
                            | "Token"
                    ) {
                        *val = serde_json::Value::String("** redacted **".to_owned());
                    } else {
                        walk(val);
                    }
                }
            }
            serde_json::Value::Array(items) => items.iter_mut().for_each(walk),
            _ => {}
        }
    }
    match serde_json::from_slice::<serde_json::Value>(body) {
        Ok(mut v) => {
            walk(&mut v);
            v.to_string()
        }
        Err(_) if body.is_empty() => String::new(),
        Err(_) => format!("<{} bytes, not JSON>", body.len()),
    }
}

/// A [`Client`] behind the single-flight refreshing cache: what long-lived programs use.
#[derive(Debug)]
pub struct CredentialsProvider {
    client: Client,
    cache: CredentialsCache,
}

impl CredentialsProvider {
    /// With the default refresh policy.
    pub fn new(client: Client) -> Self {
        Self::with_policy(client, RefreshPolicy::default())
    }

    /// With `policy`.
    pub fn with_policy(client: Client, policy: RefreshPolicy) -> Self {
        CredentialsProvider {
            client,
            cache: CredentialsCache::new(policy),
        }
    }

    /// Valid credentials: cached, or fetched by one caller for all.
    pub fn credentials(&self) -> Result<Arc<Credentials>> {
        self.lookup().map(|l| l.credentials)
    }

    /// As [`Self::credentials`], telling whether a refresh failed and cached ones were served.
    pub fn lookup(&self) -> Result<Lookup> {
        self.cache.get(&|| self.client.create_session())
    }

    /// The client.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// The cache (to seed it from a file, read its policy).
    pub fn cache(&self) -> &CredentialsCache {
        &self.cache
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)]
mod tests {
    use super::{check_validity, redact_body};

    #[test]
    fn certificates_outside_their_validity_are_named() {
        let pem = include_bytes!("../../tests/vectors/keys/int1.crt.pem");
        let cert = roles_anywhere_core::Certificate::parse_bundle(pem)
            .unwrap()
            .remove(0);
        let (from, until) = (cert.not_before().unix(), cert.not_after().unix());
        assert!(check_validity(&cert, from + 1).is_ok());
        let early = check_validity(&cert, from - 1).unwrap_err();
        assert!(early.to_string().contains("system clock"), "{early}");
        let late = check_validity(&cert, until + 1).unwrap_err();
        assert_eq!(late.code(), "invalid_certificate");
        assert!(late.to_string().contains("expired"), "{late}");
    }

    #[test]
    fn secrets_never_reach_debug_output() {
        let body = br#"{"credentialSet":[{"credentials":{"accessKeyId":"ASIAX","secretAccessKey":"S3CR3T","sessionToken":"T0K3N","expiration":"2030-01-01T00:00:00Z"}}]}"#;
        let shown = redact_body(body);
        assert!(
            shown.contains("ASIAX") && !shown.contains("S3CR3T") && !shown.contains("T0K3N"),
            "{shown}"
        );
        assert_eq!(redact_body(b"<html>secret</html>"), "<19 bytes, not JSON>");
    }
}
