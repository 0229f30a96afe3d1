//! The official helper's flags (SPEC §2), with the same names, plus `--ca-bundle` and
//! `--pkcs12`. Turns them into the client's settings.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use clap::Args;
use roles_anywhere::{
    Client, DebugEvent, DebugHook, HttpConfig, IdentitySource, ProxyMode, SessionConfig,
};

use crate::fail::{CliError, CliResult};

/// Flags shared by every command that obtains credentials.
#[derive(Debug, Clone, Args)]
pub struct CredentialArgs {
    /// Path to the certificate file (PEM or DER; a PEM may also hold the key).
    #[arg(long, value_name = "PATH")]
    pub certificate: Option<PathBuf>,
    /// Path to the private key file (PEM or DER; PKCS#8, PKCS#1, SEC1, encrypted PKCS#8).
    #[arg(long, value_name = "PATH")]
    pub private_key: Option<PathBuf>,
    /// Path to the intermediate certificate bundle (leaf-most first, at most 5).
    #[arg(long, value_name = "PATH")]
    pub intermediates: Option<PathBuf>,
    /// A PKCS#12 (.p12/.pfx) file holding certificate, key and chain (instead of the above).
    #[arg(long, value_name = "PATH", conflicts_with_all = ["certificate", "private_key"])]
    pub pkcs12: Option<PathBuf>,
    /// Password of an encrypted PKCS#8 key (or of the PKCS#12 file).
    #[arg(long, value_name = "PASSWORD")]
    pub pkcs8_password: Option<String>,
    /// Trust anchor to use for authentication.
    #[arg(long, value_name = "ARN")]
    pub trust_anchor_arn: Option<String>,
    /// Profile to pull policies from.
    #[arg(long, value_name = "ARN")]
    pub profile_arn: Option<String>,
    /// Target role to assume.
    #[arg(long, value_name = "ARN")]
    pub role_arn: Option<String>,
    /// Duration, in seconds, for the resulting session (900..43200).
    #[arg(long, value_name = "SECONDS", default_value_t = 3600)]
    pub session_duration: u32,
    /// Signing region (default: the trust anchor ARN's).
    #[arg(long)]
    pub region: Option<String>,
    /// Endpoint used to call CreateSession (default: AWS_ENDPOINT_URL_ROLESANYWHERE,
    /// AWS_ENDPOINT_URL, then the region's).
    #[arg(long, value_name = "URL")]
    pub endpoint: Option<String>,
    /// An identifier of a role session.
    #[arg(long, value_name = "NAME")]
    pub role_session_name: Option<String>,
    /// Make the CreateSession call through the proxy of HTTPS_PROXY (honouring NO_PROXY).
    #[arg(long)]
    pub with_proxy: bool,
    /// Disable TLS certificate verification (never in production).
    #[arg(long)]
    pub no_verify_ssl: bool,
    /// PEM bundle of CAs to trust instead of the system's (default: AWS_CA_BUNDLE).
    #[arg(long, value_name = "PATH")]
    pub ca_bundle: Option<PathBuf>,
    /// Print the canonical request, the string to sign and the service's answer (no secret).
    #[arg(long)]
    pub debug: bool,
    /// PKCS#11 module for `pkcs11:` URIs in --certificate / --private-key (PIN: the URI's
    /// pin-value or ROLES_ANYWHERE_PKCS11_PIN).
    #[arg(long, value_name = "PATH")]
    pub pkcs11_lib: Option<String>,
    /// Not in this build.
    #[arg(long, hide = true)]
    pub cert_selector: Option<String>,
    /// Not in this build.
    #[arg(long, hide = true)]
    pub tpm_key_password: Option<String>,
    /// Not in this build.
    #[arg(long, hide = true)]
    pub no_tpm_key_password: bool,
    /// Accepted for compatibility: the one PIN given is used for the session.
    #[arg(long, hide = true)]
    pub reuse_pin: bool,
    /// Not in this build.
    #[arg(long, hide = true)]
    pub system_store_name: Option<String>,
    /// Not in this build.
    #[arg(long, hide = true)]
    pub use_latest_expiring_certificate: bool,
}

/// Per-attempt limits: the AWS CLI waits 60 s for credential_process; three attempts with
/// backoff must fit in that.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(15);

fn env_duration(name: &str, default: Duration) -> CliResult<Duration> {
    match std::env::var(name) {
        Ok(v) if !v.trim().is_empty() => v
            .trim()
            .parse::<f64>()
            .ok()
            .filter(|s| s.is_finite() && *s > 0.0)
            .map(Duration::from_secs_f64)
            .ok_or_else(|| {
                CliError::usage(format!(
                    "{name} must be a positive number of seconds, not {v:?}"
                ))
            }),
        _ => Ok(default),
    }
}

impl CredentialArgs {
    fn unsupported(&self) -> Option<&'static str> {
        if cfg!(not(feature = "pkcs11"))
            && (self.pkcs11_lib.is_some() || self.reuse_pin || self.pkcs11_uri().is_some())
        {
            return Some("PKCS#11 (--pkcs11-lib, pkcs11: URIs)");
        }
        if self.tpm_key_password.is_some() || self.no_tpm_key_password {
            return Some("TPM keys (--tpm-key-password)");
        }
        if self.cert_selector.is_some()
            || self.system_store_name.is_some()
            || self.use_latest_expiring_certificate
        {
            return Some("OS certificate stores (--cert-selector)");
        }
        None
    }

    /// The `pkcs11:` URI naming the key: `--private-key`, else `--certificate` (the
    /// official helper finds the key of a token certificate by the same URI).
    fn pkcs11_uri(&self) -> Option<String> {
        let uri = |p: &Option<PathBuf>| {
            p.as_ref()
                .map(|p| p.to_string_lossy().into_owned())
                .filter(|p| p.starts_with("pkcs11:"))
        };
        uri(&self.private_key).or_else(|| uri(&self.certificate))
    }

    #[cfg(feature = "pkcs11")]
    fn pkcs11_identity(&self, key_uri: &str) -> CliResult<IdentitySource> {
        use roles_anywhere::DataSource;
        use roles_anywhere::pkcs11::Pkcs11Signer;
        let pin = std::env::var("ROLES_ANYWHERE_PKCS11_PIN").ok();
        let module = self.pkcs11_lib.as_deref().map(std::path::Path::new);
        let signer = Pkcs11Signer::open(module, key_uri, pin.as_deref())?;
        let certificate = match &self.certificate {
            Some(c) if c.to_string_lossy().starts_with("pkcs11:") => {
                DataSource::memory(signer.certificate(&c.to_string_lossy())?)
            }
            Some(c) => DataSource::File(c.clone()),
            None => return Err(CliError::usage("--certificate is required")),
        };
        Ok(IdentitySource::external(
            certificate,
            self.intermediates.clone().map(DataSource::File),
            Arc::new(signer),
        ))
    }

    /// The identity recipe (files are read at each refresh).
    pub fn identity(&self) -> CliResult<IdentitySource> {
        if let Some(what) = self.unsupported() {
            return Err(CliError::usage(format!(
                "{what} is not supported by this build of roles-anywhere"
            )));
        }
        #[cfg(feature = "pkcs11")]
        if let Some(uri) = self.pkcs11_uri() {
            return self.pkcs11_identity(&uri);
        }
        let source = match (&self.pkcs12, &self.certificate) {
            (Some(p12), _) => IdentitySource::from_pkcs12(p12.clone()),
            (None, Some(cert)) => IdentitySource::from_files(
                cert.clone(),
                self.private_key.clone(),
                self.intermediates.clone(),
            ),
            (None, None) => return Err(CliError::usage("--certificate (or --pkcs12) is required")),
        };
        Ok(match &self.pkcs8_password {
            Some(p) => source.with_password(p.as_bytes()),
            None => source,
        })
    }

    /// The CreateSession parameters.
    pub fn session(&self) -> CliResult<SessionConfig> {
        let need = |v: &Option<String>, flag: &str| {
            v.clone()
                .filter(|s| !s.is_empty())
                .ok_or_else(|| CliError::usage(format!("{flag} is required")))
        };
        let mut s = SessionConfig::new(
            need(&self.trust_anchor_arn, "--trust-anchor-arn")?,
            need(&self.profile_arn, "--profile-arn")?,
            need(&self.role_arn, "--role-arn")?,
        );
        s.region = self.region.clone().filter(|r| !r.is_empty());
        s.endpoint = self.endpoint.clone().filter(|e| !e.is_empty());
        s.duration_seconds = self.session_duration;
        s.role_session_name = self.role_session_name.clone().filter(|n| !n.is_empty());
        Ok(s)
    }

    /// Transport settings; `ROLES_ANYWHERE_CONNECT_TIMEOUT` / `ROLES_ANYWHERE_TIMEOUT`
    /// (seconds) override the limits.
    pub fn http(&self) -> CliResult<HttpConfig> {
        Ok(HttpConfig {
            ca_bundle: self.ca_bundle.clone(),
            insecure: self.no_verify_ssl,
            proxy: if self.with_proxy {
                ProxyMode::FromEnv
            } else {
                ProxyMode::None
            },
            connect_timeout: env_duration("ROLES_ANYWHERE_CONNECT_TIMEOUT", CONNECT_TIMEOUT)?,
            timeout: env_duration("ROLES_ANYWHERE_TIMEOUT", ATTEMPT_TIMEOUT)?,
        })
    }

    /// A client, with `--debug` printing to stderr.
    pub fn client(&self) -> CliResult<Client> {
        let client = Client::new(self.session()?, self.identity()?, &self.http()?)?;
        if !self.debug {
            return Ok(client);
        }
        let e = client.endpoint();
        eprintln!(
            "[debug] endpoint {} (region {}, chosen by {:?})",
            e.url, e.region, e.source
        );
        Ok(client.with_debug(debug_hook()))
    }
}

/// `--debug` output on stderr. Nothing printed is secret: the body is redacted by the client.
pub fn debug_hook() -> DebugHook {
    Arc::new(|event: &DebugEvent<'_>| match event {
        DebugEvent::Request {
            attempt,
            canonical_request,
            string_to_sign,
            request,
        } => {
            eprintln!("[debug] attempt {attempt}: POST {}", request.url);
            eprintln!("[debug] canonical request:\n{canonical_request}");
            eprintln!("[debug] string to sign:\n{string_to_sign}");
            if let Some(auth) = request.headers.iter().find(|(n, _)| n == "Authorization") {
                eprintln!("[debug] Authorization: {}", auth.1);
            }
        }
        DebugEvent::Response {
            status,
            headers,
            redacted_body,
        } => {
            eprintln!("[debug] response: HTTP {status}");
            for (k, v) in headers.iter() {
                eprintln!("[debug]   {k}: {v}");
            }
            eprintln!("[debug] body: {redacted_body}");
        }
        DebugEvent::Retry {
            attempt,
            error,
            wait,
        } => {
            eprintln!(
                "[debug] attempt {attempt} failed ({}): {error}; retrying in {wait:?}",
                error.code()
            );
        }
        _ => {}
    })
}
