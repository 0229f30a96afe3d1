//! The first state of a data directory (the embedded demo: one trust anchor holding the
//! demo root, one profile, one role trusting the anchor) and the reconciliation of a TOML
//! [`Config`] into the state at every start.

use anyhow::{Context, bail};
use base64ct::{Base64, Encoding};
use roles_anywhere_core::Timestamp;
use rustls_pki_types::CertificateDer;
use rustls_pki_types::pem::PemObject;

use std::path::{Path, PathBuf};

use crate::config::{Config, ProfileConfig};
use crate::pki::PkiPaths;
use crate::state::ids::{self, iso};
use crate::state::{
    AccessKey, Crl, NotificationSetting, Profile, Role, Source, SourceData, State, TrustAnchor,
};
use crate::trust::default_attribute_mappings;

/// Default account of a fresh data directory.
pub const DEFAULT_ACCOUNT: &str = "123456789012";
/// Default region of a fresh data directory.
pub const DEFAULT_REGION: &str = "us-east-1";
/// Name of the demo role.
pub const DEMO_ROLE_NAME: &str = "roles-anywhere-emulator-demo";
/// The service principal of every trust policy (User Guide, "Role trusts").
pub const SERVICE_PRINCIPAL: &str = "rolesanywhere.amazonaws.com";

/// The trust policy the User Guide recommends: the service principal may AssumeRole,
/// TagSession and SetSourceIdentity when `aws:SourceArn` is the trust anchor.
pub fn trust_policy_for_anchor(trust_anchor_arn: &str) -> String {
    serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Principal": { "Service": SERVICE_PRINCIPAL },
            "Action": ["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"],
            "Condition": { "ArnEquals": { "aws:SourceArn": trust_anchor_arn } }
        }]
    })
    .to_string()
}

/// A stable UUID for a named resource of a kind (UUID v5), so config resources keep their id.
fn stable_id(kind: &str, name: &str) -> String {
    uuid::Uuid::new_v5(
        &uuid::Uuid::NAMESPACE_URL,
        format!("roles-anywhere-emulator:{kind}:{name}").as_bytes(),
    )
    .to_string()
}

/// An `AROA…` role id derived from the ARN, stable across restarts.
fn role_id(arn: &str) -> String {
    let u = uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_URL, arn.as_bytes())
        .simple()
        .to_string()
        .to_uppercase();
    format!("AROA{}", &u[..17])
}

/// A role record.
pub fn role(arn: &str, policy: String, max_session_duration: u32) -> Role {
    Role {
        role_arn: arn.to_owned(),
        role_id: role_id(arn),
        assume_role_policy_document: policy,
        max_session_duration,
    }
}

fn anchor(
    state: &State,
    id: String,
    name: &str,
    pem: String,
    enabled: bool,
    now: Timestamp,
) -> TrustAnchor {
    TrustAnchor {
        trust_anchor_arn: state.arn("trust-anchor", &id),
        trust_anchor_id: id,
        name: name.to_owned(),
        enabled,
        source: Source {
            source_type: "CERTIFICATE_BUNDLE".to_owned(),
            source_data: SourceData {
                x509_certificate_data: Some(pem),
                acm_pca_arn: None,
            },
        },
        notification_settings: NotificationSetting::defaults(),
        created_at: iso(now),
        updated_at: iso(now),
    }
}

/// A fresh state: account, region, an admin key, the token key; with the demo resources
/// when `with_demo`.
pub fn initial_state(
    account_id: &str,
    region: &str,
    pki: &PkiPaths,
    with_demo: bool,
    now: Timestamp,
) -> anyhow::Result<State> {
    let mut state = State {
        version: State::VERSION,
        account_id: account_id.to_owned(),
        region: region.to_owned(),
        partition: "aws".to_owned(),
        admin_keys: vec![AccessKey {
            access_key_id: ids::key_id("AKIA"),
            secret_access_key: ids::secret_key(),
        }],
        token_key_hex: ids::random_key_hex(),
        trust_anchors: Vec::new(),
        profiles: Vec::new(),
        crls: Vec::new(),
        roles: Vec::new(),
        subjects: Vec::new(),
        control: Default::default(),
    };
    if with_demo {
        add_demo(&mut state, pki, now)?;
    }
    Ok(state)
}

/// Add the demo anchor, role and profile (SPEC EMULATOR-API: profile lists the role,
/// acceptRoleSessionName true, 3600 s; role MaxSessionDuration 3600).
pub fn add_demo(state: &mut State, pki: &PkiPaths, now: Timestamp) -> anyhow::Result<()> {
    let pem = std::fs::read_to_string(&pki.root_ca)
        .with_context(|| format!("reading {}", pki.root_ca.display()))?;
    let ta = anchor(
        state,
        stable_id("trust-anchor", "demo"),
        "demo-root",
        pem,
        true,
        now,
    );
    let role_arn = format!(
        "arn:{}:iam::{}:role/{DEMO_ROLE_NAME}",
        state.partition, state.account_id
    );
    let role = role(
        &role_arn,
        trust_policy_for_anchor(&ta.trust_anchor_arn),
        3600,
    );
    let demo = ProfileConfig {
        name: "demo".to_owned(),
        id: None,
        role_arns: vec![role_arn],
        duration_seconds: Some(3600),
        accept_role_session_name: true,
        attribute_mappings: None,
        enabled: true,
    };
    let profile = profile(state, &demo, None, now);
    upsert(&mut state.trust_anchors, ta, |a, b| {
        a.trust_anchor_id == b.trust_anchor_id
    });
    upsert(&mut state.roles, role, |a, b| a.role_arn == b.role_arn);
    upsert(&mut state.profiles, profile, |a, b| {
        a.profile_id == b.profile_id
    });
    Ok(())
}

/// The profile `p` describes; created at `created` (an existing profile's creation time)
/// or else `now`.
fn profile(state: &State, p: &ProfileConfig, created: Option<String>, now: Timestamp) -> Profile {
    let id =
        p.id.clone()
            .unwrap_or_else(|| stable_id("profile", &p.name));
    Profile {
        profile_arn: state.arn("profile", &id),
        profile_id: id,
        name: p.name.clone(),
        enabled: p.enabled,
        role_arns: p.role_arns.clone(),
        duration_seconds: Some(p.duration_seconds.unwrap_or(3600)),
        accept_role_session_name: p.accept_role_session_name,
        attribute_mappings: p
            .attribute_mappings
            .clone()
            .unwrap_or_else(default_attribute_mappings),
        managed_policy_arns: Vec::new(),
        session_policy: None,
        require_instance_properties: false,
        created_by: Some(state.root_arn()),
        created_at: created.unwrap_or_else(|| iso(now)),
        updated_at: iso(now),
    }
}

/// What a resource of the file gives inline, else what its file (relative to the
/// configuration file) holds, read by `read`; `None` when it gives neither.
fn inline_or_file<T>(
    config: &Config,
    inline: Option<T>,
    file: Option<&PathBuf>,
    read: fn(&Path) -> std::io::Result<T>,
) -> anyhow::Result<Option<T>> {
    match (inline, file) {
        (Some(v), _) => Ok(Some(v)),
        (None, Some(f)) => {
            let f = config.resolve(f);
            Ok(Some(
                read(&f).with_context(|| format!("reading {}", f.display()))?,
            ))
        }
        (None, None) => Ok(None),
    }
}

/// Replace the element `same` as `new` (keeping its creation time where it has one), or push.
fn upsert<T>(list: &mut Vec<T>, new: T, same: impl Fn(&T, &T) -> bool) {
    match list.iter_mut().find(|x| same(x, &new)) {
        Some(slot) => *slot = new,
        None => list.push(new),
    }
}

/// Decode every certificate of a PEM bundle, refusing an empty one.
pub fn pem_certificates(pem: &str) -> anyhow::Result<Vec<Vec<u8>>> {
    let certs: Vec<Vec<u8>> = CertificateDer::pem_slice_iter(pem.as_bytes())
        .map(|c| c.map(|c| c.as_ref().to_vec()))
        .collect::<Result<_, _>>()
        .context("parsing PEM certificates")?;
    if certs.is_empty() {
        bail!("no certificate in the PEM text");
    }
    Ok(certs)
}

/// Upsert every resource of `config` into `state`.
pub fn apply_config(state: &mut State, config: &Config, now: Timestamp) -> anyhow::Result<()> {
    state.control.quotas = config.quotas.unwrap_or_default();
    if !config.admin_keys.is_empty() {
        state.admin_keys = config
            .admin_keys
            .iter()
            .map(|k| AccessKey {
                access_key_id: k.access_key_id.clone(),
                secret_access_key: k.secret_access_key.clone(),
            })
            .collect();
    }
    for t in &config.trust_anchors {
        let Some(pem) = inline_or_file(
            config,
            t.certificate_pem.clone(),
            t.certificate_file.as_ref(),
            |f| std::fs::read_to_string(f),
        )?
        else {
            bail!("trust anchor {}: no certificate", t.name);
        };
        for der in pem_certificates(&pem).with_context(|| format!("trust anchor {}", t.name))? {
            crate::trust::check_anchor_certificate(&der)
                .map_err(|e| anyhow::anyhow!("trust anchor {}: {e}", t.name))?;
        }
        let id =
            t.id.clone()
                .unwrap_or_else(|| stable_id("trust-anchor", &t.name));
        let created = state
            .trust_anchors
            .iter()
            .find(|a| a.trust_anchor_id == id)
            .map(|a| a.created_at.clone());
        let mut ta = anchor(state, id, &t.name, pem, t.enabled, now);
        if let Some(c) = created {
            ta.created_at = c;
        }
        upsert(&mut state.trust_anchors, ta, |a, b| {
            a.trust_anchor_id == b.trust_anchor_id
        });
    }
    for r in &config.roles {
        let Some(policy) = inline_or_file(
            config,
            r.trust_policy.clone(),
            r.trust_policy_file.as_ref(),
            |f| std::fs::read_to_string(f),
        )?
        else {
            bail!("role {}: no trust policy", r.arn);
        };
        serde_json::from_str::<serde_json::Value>(&policy)
            .with_context(|| format!("role {}: trust policy is not JSON", r.arn))?;
        upsert(
            &mut state.roles,
            role(&r.arn, policy, r.max_session_duration.unwrap_or(3600)),
            |a, b| a.role_arn == b.role_arn,
        );
    }
    for p in &config.profiles {
        let id =
            p.id.clone()
                .unwrap_or_else(|| stable_id("profile", &p.name));
        let created = state
            .profiles
            .iter()
            .find(|x| x.profile_id == id)
            .map(|x| x.created_at.clone());
        let profile = profile(state, p, created, now);
        upsert(&mut state.profiles, profile, |a, b| {
            a.profile_id == b.profile_id
        });
    }
    for c in &config.crls {
        let Some(bytes) = inline_or_file(
            config,
            c.crl_pem.clone().map(String::into_bytes),
            c.crl_file.as_ref(),
            |f| std::fs::read(f),
        )?
        else {
            bail!("crl {}: no data", c.name);
        };
        let der =
            crate::trust::crl_to_der(&bytes).map_err(|e| anyhow::anyhow!("crl {}: {e}", c.name))?;
        let anchor_arn = if c.trust_anchor.starts_with("arn:") {
            c.trust_anchor.clone()
        } else {
            state
                .trust_anchors
                .iter()
                .find(|a| a.name == c.trust_anchor)
                .map(|a| a.trust_anchor_arn.clone())
                .with_context(|| {
                    format!("crl {}: no trust anchor named {}", c.name, c.trust_anchor)
                })?
        };
        let id = c.id.clone().unwrap_or_else(|| stable_id("crl", &c.name));
        let crl = Crl {
            crl_arn: state.arn("crl", &id),
            crl_id: id,
            name: c.name.clone(),
            enabled: c.enabled,
            trust_anchor_arn: anchor_arn,
            crl_data: Base64::encode_string(&der),
            created_at: iso(now),
            updated_at: iso(now),
        };
        upsert(&mut state.crls, crl, |a, b| a.crl_id == b.crl_id);
    }
    Ok(())
}
