//! The service's resources, shaped after the botocore `rolesanywhere` model
//! (`TrustAnchorDetail`, `ProfileDetail`, `CrlDetail`, `SubjectDetail`; JSON field names as
//! there) so that the control plane (issue 4) serves them as they are. Roles stand in for
//! IAM: an ARN, a trust policy and a maximum session duration.

use serde::{Deserialize, Serialize};

use crate::trust::AttributeMapping;

/// `Source.sourceData`: the anchor's CA certificate(s) as PEM.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct SourceData {
    /// PEM of one or more CA certificates (`CERTIFICATE_BUNDLE`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub x509_certificate_data: Option<String>,
    /// `AWS_ACM_PCA` sources (kept for the control plane; not usable offline).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acm_pca_arn: Option<String>,
}

/// `Source` of a trust anchor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Source {
    /// `CERTIFICATE_BUNDLE`, `SELF_SIGNED_REPOSITORY` or `AWS_ACM_PCA`.
    pub source_type: String,
    /// The data.
    pub source_data: SourceData,
}

/// `NotificationSettingDetail`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NotificationSetting {
    /// `CA_CERTIFICATE_EXPIRY` or `END_ENTITY_CERTIFICATE_EXPIRY`.
    pub event: String,
    /// Whether it is on.
    pub enabled: bool,
    /// Days before expiry (default 45, SPEC §3).
    pub threshold: u32,
    /// `ALL` (or `EVENTBRIDGE`, `SNS` in the model).
    pub channel: String,
    /// Who configured it (`rolesanywhere.amazonaws.com` for defaults).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub configured_by: Option<String>,
}

impl NotificationSetting {
    /// The service's defaults: both events on, 45 days (SPEC §3).
    pub fn defaults() -> Vec<Self> {
        ["CA_CERTIFICATE_EXPIRY", "END_ENTITY_CERTIFICATE_EXPIRY"]
            .into_iter()
            .map(|event| NotificationSetting {
                event: event.to_owned(),
                enabled: true,
                threshold: 45,
                channel: "ALL".to_owned(),
                configured_by: Some("rolesanywhere.amazonaws.com".to_owned()),
            })
            .collect()
    }
}

/// `TrustAnchorDetail`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TrustAnchor {
    /// Id (UUID).
    pub trust_anchor_id: String,
    /// ARN.
    pub trust_anchor_arn: String,
    /// Name.
    pub name: String,
    /// Only enabled anchors authenticate (SPEC §3 step 4).
    pub enabled: bool,
    /// The CA certificate(s).
    pub source: Source,
    /// Expiry notifications.
    #[serde(default)]
    pub notification_settings: Vec<NotificationSetting>,
    /// ISO 8601.
    pub created_at: String,
    /// ISO 8601.
    pub updated_at: String,
}

/// `ProfileDetail`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Profile {
    /// Id (UUID).
    pub profile_id: String,
    /// ARN.
    pub profile_arn: String,
    /// Name.
    pub name: String,
    /// Only enabled profiles vend credentials (SPEC §3 step 6).
    pub enabled: bool,
    /// Roles this profile may assume.
    pub role_arns: Vec<String>,
    /// Upper bound of the session duration (SPEC §3 step 7); the model's default is 3600.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration_seconds: Option<u32>,
    /// Honour a request's `roleSessionName` (SPEC §3 step 8); off by default.
    #[serde(default)]
    pub accept_role_session_name: bool,
    /// Certificate fields mapped to principal tags.
    #[serde(default)]
    pub attribute_mappings: Vec<AttributeMapping>,
    /// Managed session policies (recorded, not enforced: the emulator has no IAM).
    #[serde(default)]
    pub managed_policy_arns: Vec<String>,
    /// Inline session policy (recorded, not enforced).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session_policy: Option<String>,
    /// Whether instance properties are required.
    #[serde(default)]
    pub require_instance_properties: bool,
    /// Who created it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_by: Option<String>,
    /// ISO 8601.
    pub created_at: String,
    /// ISO 8601.
    pub updated_at: String,
}

/// `CrlDetail`; `crl_data` is the DER CRL, base64.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Crl {
    /// Id (UUID).
    pub crl_id: String,
    /// ARN.
    pub crl_arn: String,
    /// Name.
    pub name: String,
    /// Only enabled CRLs revoke (SPEC §3 step 5).
    pub enabled: bool,
    /// The anchor this CRL is for.
    pub trust_anchor_arn: String,
    /// DER, base64.
    pub crl_data: String,
    /// ISO 8601.
    pub created_at: String,
    /// ISO 8601.
    pub updated_at: String,
}

/// An IAM role as far as CreateSession needs one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Role {
    /// `arn:aws:iam::ACCOUNT:role/PATH/NAME`.
    pub role_arn: String,
    /// `AROA…`, the first half of `assumedRoleId`.
    pub role_id: String,
    /// The trust policy JSON.
    pub assume_role_policy_document: String,
    /// 3600..=43200 (IAM's bounds).
    pub max_session_duration: u32,
}

impl Role {
    /// The role's name: the last path segment of the ARN resource.
    pub fn name(&self) -> &str {
        self.role_arn.rsplit('/').next().unwrap_or(&self.role_arn)
    }
}

/// `CredentialSummary` of a subject: one certificate seen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CredentialSummary {
    /// Last time seen, ISO 8601.
    pub seen_at: String,
    /// Serial (decimal).
    pub serial_number: String,
    /// Issuer (RFC 4514).
    pub issuer: String,
    /// Whether it is enabled.
    pub enabled: bool,
    /// The certificate, PEM.
    pub x509_certificate_data: String,
    /// Whether the last authentication with it failed.
    pub failed: bool,
}

/// `SubjectDetail`: keyed by the X.509 subject (SPEC §3 "Subjects").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Subject {
    /// Id (UUID).
    pub subject_id: String,
    /// ARN.
    pub subject_arn: String,
    /// The subject (RFC 4514).
    pub x509_subject: String,
    /// Whether it is enabled.
    pub enabled: bool,
    /// First seen, ISO 8601.
    pub created_at: String,
    /// Last change, ISO 8601.
    pub updated_at: String,
    /// Last authentication, ISO 8601.
    pub last_seen_at: String,
    /// Recent certificates (at most [`Subject::MAX_CREDENTIALS`]).
    #[serde(default)]
    pub credentials: Vec<CredentialSummary>,
}

impl Subject {
    /// How many recent certificates a subject keeps.
    pub const MAX_CREDENTIALS: usize = 10;
}

/// A control-plane key pair (AKIA…); the secret never appears in `Debug`.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AccessKey {
    /// `AKIA…`.
    pub access_key_id: String,
    /// The secret.
    pub secret_access_key: String,
}

impl std::fmt::Debug for AccessKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AccessKey")
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &"** redacted **")
            .finish()
    }
}

/// Everything that persists.
#[derive(Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct State {
    /// Format version of this file.
    pub version: u32,
    /// The account of every resource.
    pub account_id: String,
    /// The region of every resource.
    pub region: String,
    /// `aws`, `aws-cn`, `aws-us-gov`.
    pub partition: String,
    /// Control-plane keys.
    pub admin_keys: Vec<AccessKey>,
    /// Key (hex) under which session tokens are sealed and session secrets derived;
    /// minted credentials stay checkable across restarts without storing each one.
    pub token_key_hex: String,
    /// Trust anchors.
    pub trust_anchors: Vec<TrustAnchor>,
    /// Profiles.
    pub profiles: Vec<Profile>,
    /// CRLs.
    pub crls: Vec<Crl>,
    /// Roles.
    pub roles: Vec<Role>,
    /// Subjects seen.
    #[serde(default)]
    pub subjects: Vec<Subject>,
    /// Tags, aliases and other control-plane settings (issue 4, [`super::control`]).
    #[serde(default)]
    pub control: super::control::ControlState,
}

impl std::fmt::Debug for State {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("State")
            .field("account_id", &self.account_id)
            .field("region", &self.region)
            .field("trust_anchors", &self.trust_anchors.len())
            .field("profiles", &self.profiles.len())
            .field("crls", &self.crls.len())
            .field("roles", &self.roles.len())
            .field("subjects", &self.subjects.len())
            .finish_non_exhaustive()
    }
}

impl State {
    /// Current file format.
    pub const VERSION: u32 = 1;

    /// The ARN of the resource `kind/id` (`trust-anchor`, `profile`, `crl`, `subject`,
    /// `alias/…`) in this state's partition, region and account.
    pub fn arn(&self, kind: &str, id: &str) -> String {
        crate::state::ids::rolesanywhere_arn(
            &self.partition,
            &self.region,
            &self.account_id,
            kind,
            id,
        )
    }
    /// The account's root principal, which the control plane records as a profile's
    /// `createdBy`.
    pub fn root_arn(&self) -> String {
        format!("arn:{}:iam::{}:root", self.partition, self.account_id)
    }

    /// The trust anchor with this ARN.
    pub fn trust_anchor(&self, arn: &str) -> Option<&TrustAnchor> {
        self.trust_anchors
            .iter()
            .find(|t| t.trust_anchor_arn == arn)
    }
    /// The profile with this ARN.
    pub fn profile(&self, arn: &str) -> Option<&Profile> {
        self.profiles.iter().find(|p| p.profile_arn == arn)
    }
    /// The role with this ARN.
    pub fn role(&self, arn: &str) -> Option<&Role> {
        self.roles.iter().find(|r| r.role_arn == arn)
    }
    /// Enabled CRLs imported for the anchor `arn`.
    pub fn enabled_crls_for<'a>(&'a self, arn: &'a str) -> impl Iterator<Item = &'a Crl> + 'a {
        self.crls
            .iter()
            .filter(move |c| c.enabled && c.trust_anchor_arn == arn)
    }
}
