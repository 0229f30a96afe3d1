//! The TOML configuration file: trust anchors, profiles, roles (trust policy JSON,
//! MaxSessionDuration), CRLs, admin keys and throttling, declared instead of the embedded
//! demo defaults. Resources declared here are upserted into the state at every start, keyed
//! by a stable id (given, or derived from the name), so editing the file and restarting
//! changes them in place.
//!
//! ```toml
//! account_id = "123456789012"
//! region = "us-east-1"
//! include_demo = false          # also keep the demo anchor/profile/role
//!
//! [throttle]
//! per_certificate_per_second = 10
//! per_ip_per_second = 10
//!
//! [[admin_keys]]
//! access_key_id = "AKIAEXAMPLE0000000001"
//! secret_access_key = "…"
//!
//! [[trust_anchors]]
//! name = "corp"
//! certificate_file = "ca.pem"   # relative to this file; or certificate_pem = "…"
//! enabled = true
//!
//! [[profiles]]
//! name = "apps"
//! role_arns = ["arn:aws:iam::123456789012:role/app"]
//! duration_seconds = 3600
//! accept_role_session_name = true
//! attribute_mappings = [{ certificateField = "x509Subject", mappingRules = ["CN"] }]
//!
//! [[roles]]
//! arn = "arn:aws:iam::123456789012:role/app"
//! max_session_duration = 3600
//! trust_policy = '''{"Version":"2012-10-17","Statement":[…]}'''   # or trust_policy_file
//!
//! [quotas]                      # adjustable service quotas (defaults shown)
//! trust_anchors = 50
//! profiles = 250
//!
//! [[crls]]
//! name = "corp-crl"
//! trust_anchor = "corp"         # an anchor's name or ARN
//! crl_file = "corp.crl"         # PEM or DER
//! ```

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use serde::Deserialize;

use crate::trust::AttributeMapping;

/// The whole file.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Account of every resource (default `123456789012`).
    pub account_id: Option<String>,
    /// Region of every resource (default `us-east-1`).
    pub region: Option<String>,
    /// Keep the demo trust anchor, profile and role as well (default false).
    #[serde(default)]
    pub include_demo: bool,
    /// Throttling.
    pub throttle: Option<ThrottleSection>,
    /// Control-plane keys (default: one generated key).
    #[serde(default)]
    pub admin_keys: Vec<AdminKeyConfig>,
    /// Trust anchors.
    #[serde(default)]
    pub trust_anchors: Vec<TrustAnchorConfig>,
    /// Profiles.
    #[serde(default)]
    pub profiles: Vec<ProfileConfig>,
    /// Roles.
    #[serde(default)]
    pub roles: Vec<RoleConfig>,
    /// CRLs.
    #[serde(default)]
    pub crls: Vec<CrlConfig>,
    /// `[quotas]`: the account's adjustable quotas (trust anchors 50, profiles 250).
    #[serde(default)]
    pub quotas: Option<crate::state::control::Quotas>,
    /// Directory of the file, for relative paths.
    #[serde(skip)]
    pub base_dir: PathBuf,
}

/// `[throttle]`: requests per second; 0 turns a limit off.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ThrottleSection {
    /// Per authenticating certificate.
    pub per_certificate_per_second: Option<u32>,
    /// Per source IP address.
    pub per_ip_per_second: Option<u32>,
}

/// `[[admin_keys]]`.
#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AdminKeyConfig {
    /// `AKIA…`.
    pub access_key_id: String,
    /// Secret.
    pub secret_access_key: String,
}

impl std::fmt::Debug for AdminKeyConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AdminKeyConfig")
            .field("access_key_id", &self.access_key_id)
            .finish_non_exhaustive()
    }
}

/// `[[trust_anchors]]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrustAnchorConfig {
    /// Name (unique in the file).
    pub name: String,
    /// Fixed id; default derived from the name.
    pub id: Option<String>,
    /// PEM text of the CA certificate(s).
    pub certificate_pem: Option<String>,
    /// Or a PEM file.
    pub certificate_file: Option<PathBuf>,
    /// Default true.
    #[serde(default = "yes")]
    pub enabled: bool,
}

/// `[[profiles]]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProfileConfig {
    /// Name (unique in the file).
    pub name: String,
    /// Fixed id; default derived from the name.
    pub id: Option<String>,
    /// Roles the profile may assume.
    pub role_arns: Vec<String>,
    /// Default 3600 (the model's default).
    pub duration_seconds: Option<u32>,
    /// Default false (User Guide: "By default, the acceptRoleSessionName … is false").
    #[serde(default)]
    pub accept_role_session_name: bool,
    /// Default: the service's default mappings.
    pub attribute_mappings: Option<Vec<AttributeMapping>>,
    /// Default true.
    #[serde(default = "yes")]
    pub enabled: bool,
}

/// `[[roles]]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoleConfig {
    /// `arn:aws:iam::ACCOUNT:role/NAME`.
    pub arn: String,
    /// Trust policy JSON.
    pub trust_policy: Option<String>,
    /// Or a JSON file.
    pub trust_policy_file: Option<PathBuf>,
    /// Default 3600 (IAM's default).
    pub max_session_duration: Option<u32>,
}

/// `[[crls]]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CrlConfig {
    /// Name.
    pub name: String,
    /// Fixed id; default derived from the name.
    pub id: Option<String>,
    /// The anchor's name (in this file) or ARN.
    pub trust_anchor: String,
    /// PEM or DER file.
    pub crl_file: Option<PathBuf>,
    /// Or PEM text.
    pub crl_pem: Option<String>,
    /// Default true.
    #[serde(default = "yes")]
    pub enabled: bool,
}

fn yes() -> bool {
    true
}

impl Config {
    /// Read and check a file.
    pub fn load(path: &Path) -> anyhow::Result<Config> {
        let text =
            std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        let mut config: Config =
            toml::from_str(&text).with_context(|| format!("parsing {}", path.display()))?;
        config.base_dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
        config.check()?;
        Ok(config)
    }

    fn check(&self) -> anyhow::Result<()> {
        for r in &self.roles {
            if let Some(max) = r.max_session_duration {
                if !(3600..=43200).contains(&max) {
                    bail!(
                        "role {}: max_session_duration {max} is outside 3600..=43200",
                        r.arn
                    );
                }
            }
            if r.trust_policy.is_some() == r.trust_policy_file.is_some() {
                bail!(
                    "role {}: give exactly one of trust_policy, trust_policy_file",
                    r.arn
                );
            }
        }
        for t in &self.trust_anchors {
            if t.certificate_pem.is_some() == t.certificate_file.is_some() {
                bail!(
                    "trust anchor {}: give exactly one of certificate_pem, certificate_file",
                    t.name
                );
            }
        }
        for c in &self.crls {
            if c.crl_pem.is_some() == c.crl_file.is_some() {
                bail!("crl {}: give exactly one of crl_pem, crl_file", c.name);
            }
        }
        for p in &self.profiles {
            if let Some(d) = p.duration_seconds {
                if !(900..=43200).contains(&d) {
                    bail!(
                        "profile {}: duration_seconds {d} is outside 900..=43200",
                        p.name
                    );
                }
            }
        }
        Ok(())
    }

    /// A path relative to the file's directory.
    pub fn resolve(&self, path: &Path) -> PathBuf {
        if path.is_absolute() {
            path.to_path_buf()
        } else {
            self.base_dir.join(path)
        }
    }
}
