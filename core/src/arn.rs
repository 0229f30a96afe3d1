//! ARNs of SPEC §1: trust anchor, profile, role; checked for shape before anything is signed.
//!
//! SKELETON: being written (issue 2, signing part).

use alloc::string::String;
use core::fmt;

/// Which ARN an [`Arn`] or an error is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ArnKind {
    /// `arn:PARTITION:rolesanywhere:REGION:ACCOUNT:trust-anchor/ID`
    TrustAnchor,
    /// `arn:PARTITION:rolesanywhere:REGION:ACCOUNT:profile/ID`
    Profile,
    /// `arn:PARTITION:iam::ACCOUNT:role/PATH/NAME`
    Role,
}

impl fmt::Display for ArnKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ArnKind::TrustAnchor => "trust anchor",
            ArnKind::Profile => "profile",
            ArnKind::Role => "role",
        })
    }
}

/// A checked ARN; `Display` is the ARN text.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Arn {
    kind: ArnKind,
    text: String,
}
