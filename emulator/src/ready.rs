//! [`ReadyInfo`]: what a started emulator tells its users (the shape of
//! `briefs/EMULATOR-API.md`, also written by `--ready-file`).

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

/// Files of one demo identity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdentityPaths {
    /// The leaf certificate (PEM).
    pub certificate: PathBuf,
    /// Its private key (PKCS#8 PEM).
    pub private_key: PathBuf,
    /// The intermediate CA certificate(s) (PEM bundle).
    pub intermediates: PathBuf,
}

/// Everything a client needs to talk to a running emulator.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReadyInfo {
    /// `https://127.0.0.1:PORT` (or `http://` with `--http`).
    pub endpoint: String,
    /// The CA that issued the server certificate (trust it for `endpoint`); `None` over HTTP.
    pub ca_bundle: Option<PathBuf>,
    /// Region of the default resources.
    pub region: String,
    /// Account of the default resources.
    pub account_id: String,
    /// The default trust anchor.
    pub trust_anchor_arn: String,
    /// The default profile.
    pub profile_arn: String,
    /// The default role.
    pub role_arn: String,
    /// Demo identities by name: `rsa` (RSA-2048) and `p256` (EC P-256).
    pub identities: BTreeMap<String, IdentityPaths>,
    /// The demo root CA certificate (held by the default trust anchor).
    pub root_ca: PathBuf,
    /// The demo root CA's private key, to issue more test certificates.
    pub root_ca_key: PathBuf,
    /// Admin access key id for the control plane.
    pub admin_access_key_id: String,
    /// Admin secret access key for the control plane.
    pub admin_secret_access_key: String,
    /// Endpoint of the STS-compatible `GetCallerIdentity` (the same listener).
    pub sts_endpoint: String,
}

impl std::fmt::Debug for ReadyInfo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReadyInfo")
            .field("endpoint", &self.endpoint)
            .field("region", &self.region)
            .field("trust_anchor_arn", &self.trust_anchor_arn)
            .field("profile_arn", &self.profile_arn)
            .field("role_arn", &self.role_arn)
            .field("admin_access_key_id", &self.admin_access_key_id)
            .field("admin_secret_access_key", &"** redacted **")
            .finish_non_exhaustive()
    }
}

impl ReadyInfo {
    /// The identity named `name` (`rsa`, `p256`).
    pub fn identity(&self, name: &str) -> Option<&IdentityPaths> {
        self.identities.get(name)
    }

    /// The `roles-anywhere credential-process …` command line for identity `name`.
    pub fn credential_process_command(&self, name: &str) -> Option<String> {
        let id = self.identity(name)?;
        let ca = match &self.ca_bundle {
            Some(ca) => format!(" --ca-bundle {}", ca.display()),
            None => String::new(),
        };
        Some(format!(
            "roles-anywhere credential-process --certificate {} --private-key {} --intermediates {} \
             --trust-anchor-arn {} --profile-arn {} --role-arn {} --endpoint {}{ca}",
            id.certificate.display(),
            id.private_key.display(),
            id.intermediates.display(),
            self.trust_anchor_arn,
            self.profile_arn,
            self.role_arn,
            self.endpoint
        ))
    }
}
