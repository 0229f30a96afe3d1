//! ARNs of SPEC §1: trust anchor, profile, role; checked for shape before anything is signed.
//!
//! - `arn:<partition>:rolesanywhere:<region>:<12 digits>:trust-anchor/<id>`
//! - `arn:<partition>:rolesanywhere:<region>:<12 digits>:profile/<id>`
//! - `arn:<partition>:iam::<12 digits>:role/<optional path/>name`

use alloc::string::String;
use core::fmt;
use core::ops::Range;

use crate::error::{Error, Result};

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
    partition: Range<usize>,
    region: Range<usize>,
    account: Range<usize>,
    resource_id: Range<usize>,
}

/// A partition: `aws`, `aws-cn`, `aws-us-gov`, `aws-iso-b` … (lower-case words after `aws`).
fn valid_partition(p: &str) -> bool {
    p.strip_prefix("aws").is_some_and(|rest| {
        rest.split('-')
            .skip(1)
            .all(|w| !w.is_empty() && w.bytes().all(|b| b.is_ascii_lowercase()))
            && (rest.is_empty() || rest.starts_with('-'))
    })
}

/// A region as AWS names them: `us-east-1`, `us-gov-west-1`, `cn-north-1`, `us-isob-east-1`:
/// a two-letter (or longer) lower-case prefix, lower-case alphanumeric words, a number last.
pub fn is_valid_region(region: &str) -> bool {
    let words: alloc::vec::Vec<&str> = region.split('-').collect();
    region.len() <= 32
        && words.len() >= 3
        && words[0].len() >= 2
        && words[0].bytes().all(|b| b.is_ascii_lowercase())
        && words.iter().all(|w| {
            !w.is_empty()
                && w.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
        && words
            .last()
            .is_some_and(|w| w.bytes().all(|b| b.is_ascii_digit()))
}

/// An IAM role name or path segment character: `[\w+=,.@-]` (IAM `roleNameType`).
fn is_role_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'+' | b'=' | b',' | b'.' | b'@' | b'-')
}

impl Arn {
    /// Parse and check `text` as an ARN of `kind`.
    pub fn parse(kind: ArnKind, text: &str) -> Result<Self> {
        let bad = |reason: &str| Error::InvalidArn {
            kind,
            reason: alloc::format!("{reason} in {text:?}"),
        };
        let mut parts = text.splitn(6, ':');
        let (
            Some("arn"),
            Some(partition),
            Some(service),
            Some(region),
            Some(account),
            Some(resource),
        ) = (
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
        )
        else {
            return Err(bad("not arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE"));
        };
        if !valid_partition(partition) {
            return Err(bad("unknown partition"));
        }
        let (want_service, prefix) = match kind {
            ArnKind::TrustAnchor => ("rolesanywhere", "trust-anchor/"),
            ArnKind::Profile => ("rolesanywhere", "profile/"),
            ArnKind::Role => ("iam", "role/"),
        };
        if service != want_service {
            return Err(bad(&alloc::format!("service is not {want_service}")));
        }
        match kind {
            ArnKind::Role if !region.is_empty() => {
                return Err(bad("an IAM role ARN has no region"));
            }
            ArnKind::TrustAnchor | ArnKind::Profile if region.is_empty() => {
                return Err(bad("no region"));
            }
            ArnKind::TrustAnchor | ArnKind::Profile
                if !region
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-') =>
            {
                return Err(bad("malformed region"));
            }
            _ => {}
        }
        if account.len() != 12 || !account.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad("account is not 12 digits"));
        }
        let Some(id) = resource.strip_prefix(prefix) else {
            return Err(bad(&alloc::format!(
                "resource does not start with {prefix}"
            )));
        };
        let id_ok = match kind {
            // Resource ids are UUIDs in practice; accept the URL-safe set the API model allows.
            ArnKind::TrustAnchor | ArnKind::Profile => {
                !id.is_empty()
                    && id.len() <= 128
                    && id
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
            }
            ArnKind::Role => {
                let (path, name) = id.rsplit_once('/').unwrap_or(("", id));
                (1..=64).contains(&name.len())
                    && name.bytes().all(is_role_char)
                    && path.len() < 512
                    && path.split('/').all(|seg| {
                        path.is_empty() || (!seg.is_empty() && seg.bytes().all(is_role_char))
                    })
            }
        };
        if !id_ok {
            return Err(bad(match kind {
                ArnKind::Role => "role name must be [\\w+=,.@-]{1,64} after an optional path",
                _ => "empty or malformed resource id",
            }));
        }
        let p0 = 4;
        let s0 = p0 + partition.len() + 1;
        let r0 = s0 + service.len() + 1;
        let a0 = r0 + region.len() + 1;
        let id0 = a0 + account.len() + 1 + prefix.len();
        Ok(Arn {
            kind,
            text: String::from(text),
            partition: p0..p0 + partition.len(),
            region: r0..r0 + region.len(),
            account: a0..a0 + account.len(),
            resource_id: id0..text.len(),
        })
    }

    /// Which ARN this is.
    pub fn kind(&self) -> ArnKind {
        self.kind
    }
    /// `aws`, `aws-cn`, `aws-us-gov` …
    pub fn partition(&self) -> &str {
        &self.text[self.partition.clone()]
    }
    /// The region (empty for a role).
    pub fn region(&self) -> &str {
        &self.text[self.region.clone()]
    }
    /// The 12-digit account id.
    pub fn account(&self) -> &str {
        &self.text[self.account.clone()]
    }
    /// The id after `trust-anchor/` or `profile/`; for a role, its path and name.
    pub fn resource_id(&self) -> &str {
        &self.text[self.resource_id.clone()]
    }
    /// The whole ARN.
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

impl fmt::Display for Arn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TA: &str = "arn:aws:rolesanywhere:us-east-1:123456789012:trust-anchor/0f1e2d3c-aaaa-bbbb-cccc-111122223333";

    #[test]
    fn parses_good_arns() {
        let a = Arn::parse(ArnKind::TrustAnchor, TA).unwrap();
        assert_eq!(
            (a.partition(), a.region(), a.account(), a.resource_id()),
            (
                "aws",
                "us-east-1",
                "123456789012",
                "0f1e2d3c-aaaa-bbbb-cccc-111122223333"
            )
        );
        assert_eq!(alloc::format!("{a}"), TA);
        let p = Arn::parse(
            ArnKind::Profile,
            "arn:aws-cn:rolesanywhere:cn-north-1:123456789012:profile/p1",
        )
        .unwrap();
        assert_eq!(
            (p.partition(), p.region(), p.resource_id()),
            ("aws-cn", "cn-north-1", "p1")
        );
        let r = Arn::parse(
            ArnKind::Role,
            "arn:aws-us-gov:iam::123456789012:role/path/to/My.Role+=,@-_",
        )
        .unwrap();
        assert_eq!(
            (r.region(), r.account(), r.resource_id()),
            ("", "123456789012", "path/to/My.Role+=,@-_")
        );
        assert!(Arn::parse(ArnKind::Role, "arn:aws:iam::123456789012:role/example").is_ok());
    }

    #[test]
    fn rejects_bad_arns() {
        let bad = [
            (ArnKind::TrustAnchor, ""),
            (
                ArnKind::TrustAnchor,
                "arn:aws:rolesanywhere:us-east-1:123456789012:profile/x",
            ),
            (
                ArnKind::TrustAnchor,
                "arn:aws:rolesanywhere:us-east-1:12345678901:trust-anchor/x",
            ),
            (
                ArnKind::TrustAnchor,
                "arn:aws:rolesanywhere::123456789012:trust-anchor/x",
            ),
            (
                ArnKind::TrustAnchor,
                "arn:aws:rolesanywhere:us-east-1:123456789012:trust-anchor/",
            ),
            (
                ArnKind::TrustAnchor,
                "arn:aws:iam:us-east-1:123456789012:trust-anchor/x",
            ),
            (
                ArnKind::TrustAnchor,
                "arn:gcp:rolesanywhere:us-east-1:123456789012:trust-anchor/x",
            ),
            (
                ArnKind::TrustAnchor,
                "arn:aws:rolesanywhere:US-EAST-1:123456789012:trust-anchor/x",
            ),
            (
                ArnKind::Profile,
                "arn:aws:rolesanywhere:us-east-1:123456789012:profile/a/b",
            ),
            (ArnKind::Role, "arn:aws:iam:us-east-1:123456789012:role/x"),
            (ArnKind::Role, "arn:aws:iam::123456789012:role/"),
            (ArnKind::Role, "arn:aws:iam::123456789012:role/a//b"),
            (ArnKind::Role, "arn:aws:iam::123456789012:user/x"),
            (ArnKind::Role, "arn:aws:iam::123456789012:role/bad name"),
        ];
        for (kind, text) in bad {
            let err = Arn::parse(kind, text).unwrap_err();
            assert_eq!(err.code(), "invalid_arn", "{text}");
        }
        let long = alloc::format!("arn:aws:iam::123456789012:role/{}", "a".repeat(65));
        assert!(Arn::parse(ArnKind::Role, &long).is_err());
    }

    #[test]
    fn region_shapes() {
        for ok in [
            "us-east-1",
            "us-gov-west-1",
            "cn-north-1",
            "us-isob-east-1",
            "ap-southeast-5",
        ] {
            assert!(is_valid_region(ok), "{ok}");
        }
        for bad in [
            "",
            "us-east",
            "US-east-1",
            "us_east_1",
            "us--1",
            "u-east-1",
            "us-east-1-",
        ] {
            assert!(!is_valid_region(bad), "{bad}");
        }
    }
}
