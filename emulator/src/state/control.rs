//! What the control plane (issue 4) keeps beside the resources of [`super::model`]: tags,
//! aliases, the trusted-identity-propagation settings of profiles and the
//! `crlDpRevocationEnabled` flag of trust anchors (botocore `rolesanywhere` model). Keyed by
//! the resource ARN so the resource records stay as the CreateSession path reads them; it
//! lives in the same `state.json`, so one atomic write covers a resource and its extras.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// botocore `Tag`. The values are `sensitive` in the model: never logged.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tag {
    /// 1..=128 characters.
    pub key: String,
    /// 0..=256 characters.
    pub value: String,
}

impl std::fmt::Debug for Tag {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tag")
            .field("key", &"** sensitive **")
            .finish_non_exhaustive()
    }
}

/// botocore `TipConfiguration` (trusted identity propagation of a profile).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TipConfiguration {
    /// `ENABLED` or `DISABLED`.
    pub status: String,
    /// `user` or `workload`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject_type: Option<String>,
    /// `x509Subject/CN` or `x509SAN/URI`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject_source: Option<String>,
}

/// The control plane's extras, by resource ARN.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ControlState {
    /// Tags of trust anchors, profiles and CRLs.
    #[serde(default)]
    pub tags: BTreeMap<String, Vec<Tag>>,
    /// Alias name of a trust anchor, profile or CRL.
    #[serde(default)]
    pub aliases: BTreeMap<String, String>,
    /// `crlDpRevocationEnabled` of trust anchors (absent: false).
    #[serde(default)]
    pub crl_dp_revocation: BTreeMap<String, bool>,
    /// `tipConfiguration` of profiles.
    #[serde(default)]
    pub tip: BTreeMap<String, TipConfiguration>,
    /// The account's adjustable quotas (from the configuration file's `[quotas]`).
    #[serde(default)]
    pub quotas: Quotas,
}

/// Account quotas (User Guide, "Quotas"; SPEC §3). Trust anchors and profiles are
/// adjustable in the service, so they are here (`[quotas]` in the configuration file); CRLs
/// per anchor, certificates per anchor and roles per profile are not adjustable there and
/// are constants of the control plane.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Quotas {
    /// Trust anchors per account and region (default 50).
    #[serde(default = "Quotas::default_trust_anchors")]
    pub trust_anchors: usize,
    /// Profiles per account and region (default 250).
    #[serde(default = "Quotas::default_profiles")]
    pub profiles: usize,
}

impl Quotas {
    fn default_trust_anchors() -> usize {
        50
    }
    fn default_profiles() -> usize {
        250
    }
}

impl Default for Quotas {
    fn default() -> Self {
        Quotas {
            trust_anchors: Self::default_trust_anchors(),
            profiles: Self::default_profiles(),
        }
    }
}

impl ControlState {
    /// Forget everything about a deleted resource.
    pub fn forget(&mut self, arn: &str) {
        self.tags.remove(arn);
        self.aliases.remove(arn);
        self.crl_dp_revocation.remove(arn);
        self.tip.remove(arn);
    }

    /// The resource ARN holding `alias` among resources whose ARN contains `:{kind}/`.
    pub fn arn_of_alias(&self, kind: &str, alias: &str) -> Option<&str> {
        let marker = format!(":{kind}/");
        self.aliases
            .iter()
            .find(|(arn, a)| a.as_str() == alias && arn.contains(&marker))
            .map(|(arn, _)| arn.as_str())
    }
}
