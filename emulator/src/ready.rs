//! [`ReadyInfo`]: what a started emulator tells its users (the shape of
//! `briefs/EMULATOR-API.md`, also written by `--ready-file`).

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::pki::PkiPaths;
use crate::state::Store;

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
    /// What a client needs of an emulator serving `store` at `scheme://addr`, with the demo
    /// PKI `pki`.
    pub(crate) fn new(
        store: &Store,
        pki: &PkiPaths,
        scheme: &str,
        addr: SocketAddr,
        tls: bool,
    ) -> ReadyInfo {
        let state = store.read();
        let endpoint = format!("{scheme}://{addr}");
        let id = |cert: &Path, key: &Path| IdentityPaths {
            certificate: cert.to_path_buf(),
            private_key: key.to_path_buf(),
            intermediates: pki.intermediate_ca.clone(),
        };
        let mut identities = BTreeMap::new();
        identities.insert("rsa".to_owned(), id(&pki.leaf_rsa, &pki.leaf_rsa_key));
        identities.insert("p256".to_owned(), id(&pki.leaf_p256, &pki.leaf_p256_key));
        // The first profile, its first role, and the anchor that role's policy names (else the
        // first anchor): for the demo, the demo triple.
        let profile = state.profiles.first();
        let role_arn = profile
            .and_then(|p| p.role_arns.first())
            .cloned()
            .unwrap_or_default();
        let anchor_arn = state
            .role(&role_arn)
            .and_then(|r| {
                state
                    .trust_anchors
                    .iter()
                    .find(|a| r.assume_role_policy_document.contains(&a.trust_anchor_arn))
                    .map(|a| a.trust_anchor_arn.clone())
            })
            .or_else(|| {
                state
                    .trust_anchors
                    .first()
                    .map(|a| a.trust_anchor_arn.clone())
            })
            .unwrap_or_default();
        let admin = state.admin_keys.first();
        ReadyInfo {
            endpoint: endpoint.clone(),
            ca_bundle: tls.then(|| pki.server_ca.clone()),
            region: state.region.clone(),
            account_id: state.account_id.clone(),
            trust_anchor_arn: anchor_arn,
            profile_arn: profile.map(|p| p.profile_arn.clone()).unwrap_or_default(),
            role_arn,
            identities,
            root_ca: pki.root_ca.clone(),
            root_ca_key: pki.root_ca_key.clone(),
            admin_access_key_id: admin.map(|k| k.access_key_id.clone()).unwrap_or_default(),
            admin_secret_access_key: admin
                .map(|k| k.secret_access_key.clone())
                .unwrap_or_default(),
            sts_endpoint: endpoint,
        }
    }

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
