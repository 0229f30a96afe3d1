//! Resource identifiers as the model accepts them (`TrustAnchorIdentifier`,
//! `ProfileIdentifier`, `CrlIdentifier`): the id (UUID), the resource ARN, or the alias ARN
//! (`arn:PARTITION:rolesanywhere:REGION:ACCOUNT:alias/KIND/NAME`). A well-formed identifier
//! of nothing is a 404 `ResourceNotFoundException`; a malformed one a 400.

use super::errors::{ApiResult, not_found, validation};
use super::validate::{is_uuid, length};
use crate::state::State;

/// The resources the control plane manages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `trust-anchor/…`
    TrustAnchor,
    /// `profile/…`
    Profile,
    /// `crl/…`
    Crl,
}

impl Kind {
    /// The ARN resource type.
    pub fn arn_type(self) -> &'static str {
        match self {
            Kind::TrustAnchor => "trust-anchor",
            Kind::Profile => "profile",
            Kind::Crl => "crl",
        }
    }
    /// For messages.
    pub fn human(self) -> &'static str {
        match self {
            Kind::TrustAnchor => "trust anchor",
            Kind::Profile => "profile",
            Kind::Crl => "CRL",
        }
    }
    /// Whether a resource with this ARN exists.
    pub fn exists(self, state: &State, arn: &str) -> bool {
        match self {
            Kind::TrustAnchor => state
                .trust_anchors
                .iter()
                .any(|t| t.trust_anchor_arn == arn),
            Kind::Profile => state.profiles.iter().any(|p| p.profile_arn == arn),
            Kind::Crl => state.crls.iter().any(|c| c.crl_arn == arn),
        }
    }
    /// The kind of a resource ARN (not an alias ARN) that the control plane tags.
    pub fn of_arn(arn: &str) -> Option<Kind> {
        let resource = rolesanywhere_resource(arn)?;
        [Kind::TrustAnchor, Kind::Profile, Kind::Crl]
            .into_iter()
            .find(|k| {
                resource
                    .strip_prefix(k.arn_type())
                    .is_some_and(|r| r.starts_with('/'))
            })
    }
}

/// The resource part of `arn:aws…:rolesanywhere:REGION:ACCOUNT:RESOURCE`.
fn rolesanywhere_resource(arn: &str) -> Option<&str> {
    let mut parts = arn.splitn(6, ':');
    let (a, partition, service, _region, _account, resource) = (
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
    );
    (a == "arn" && partition.starts_with("aws") && service == "rolesanywhere").then_some(resource)
}

/// The ARN of an alias of `kind`.
pub fn alias_arn(state: &State, kind: Kind, alias: &str) -> String {
    state.arn(&format!("alias/{}", kind.arn_type()), alias)
}

/// The resource ARN that `ident` (id, ARN or alias ARN) names; `member` is the request
/// member for messages.
pub fn resolve(state: &State, kind: Kind, member: &str, ident: &str) -> ApiResult<String> {
    length(member, ident, 1, 1011)?;
    let arn = if is_uuid(ident) {
        state.arn(kind.arn_type(), ident)
    } else if let Some(resource) = rolesanywhere_resource(ident) {
        let alias_prefix = format!("alias/{}/", kind.arn_type());
        if let Some(alias) = resource.strip_prefix(&alias_prefix) {
            let own_prefix = alias_arn(state, kind, "");
            match state.control.arn_of_alias(kind.arn_type(), alias) {
                Some(arn) if ident.starts_with(&own_prefix) => arn.to_owned(),
                _ => return Err(not_found(kind.human(), ident)),
            }
        } else if resource
            .strip_prefix(kind.arn_type())
            .is_some_and(|r| r.starts_with('/'))
        {
            ident.to_owned()
        } else {
            return Err(validation(format!(
                "{member}: {ident} is not a {} identifier",
                kind.human()
            )));
        }
    } else {
        return Err(validation(format!(
            "{member}: {ident} is not a {} id, ARN or alias ARN",
            kind.human()
        )));
    };
    if kind.exists(state, &arn) {
        Ok(arn)
    } else {
        Err(not_found(kind.human(), ident))
    }
}

/// Check `alias` is free among the resources of `kind` (other than `except`).
pub fn alias_free(state: &State, kind: Kind, alias: &str, except: Option<&str>) -> ApiResult<()> {
    match state.control.arn_of_alias(kind.arn_type(), alias) {
        Some(arn) if Some(arn) != except => Err(validation(format!(
            "The alias {alias} is already used by another {}.",
            kind.human()
        ))),
        _ => Ok(()),
    }
}
