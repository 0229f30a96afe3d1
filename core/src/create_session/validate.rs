//! Input checks of a CreateSession call, made before anything is signed, in a fixed order
//! (the corpus's `error/` cases depend on it): ARNs, region consistency, region shape,
//! endpoint, duration, role session name, chain length.

use alloc::string::String;

use super::CreateSession;
use crate::arn::{Arn, ArnKind, is_valid_region};
use crate::error::{Error, Result};
use crate::identity::MAX_CHAIN_LEN;

/// Range of `durationSeconds` (SPEC §1, the API model).
pub const DURATION_RANGE: core::ops::RangeInclusive<u32> = 900..=43_200;

/// The checked inputs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Validated {
    pub trust_anchor: Arn,
    pub profile: Arn,
    pub role: Arn,
    pub region: String,
    /// `http` or `https`.
    pub scheme: &'static str,
    /// `host[:port]`, exactly as in the endpoint URL.
    pub authority: String,
}

pub(crate) fn validate(params: &CreateSession, chain_len: usize) -> Result<Validated> {
    let trust_anchor = Arn::parse(ArnKind::TrustAnchor, &params.trust_anchor_arn)?;
    let profile = Arn::parse(ArnKind::Profile, &params.profile_arn)?;
    let role = Arn::parse(ArnKind::Role, &params.role_arn)?;
    // The official helper refuses anchor and profile in different regions, even when an
    // explicit region is given (SPEC §1).
    if trust_anchor.region() != profile.region() {
        return Err(Error::RegionMismatch {
            trust_anchor: String::from(trust_anchor.region()),
            profile: String::from(profile.region()),
        });
    }
    let region = String::from(params.region.as_deref().unwrap_or(trust_anchor.region()));
    if !is_valid_region(&region) {
        return Err(Error::InvalidRegion { region });
    }
    let (scheme, authority) = match &params.endpoint {
        Some(url) => parse_endpoint(url)?,
        None => ("https", default_host(trust_anchor.partition(), &region)),
    };
    if !DURATION_RANGE.contains(&params.duration_seconds) {
        return Err(Error::InvalidDuration {
            seconds: u64::from(params.duration_seconds),
        });
    }
    if let Some(name) = &params.role_session_name {
        check_role_session_name(name)?;
    }
    if chain_len > MAX_CHAIN_LEN {
        return Err(Error::ChainTooLong { len: chain_len });
    }
    Ok(Validated {
        trust_anchor,
        profile,
        role,
        region,
        scheme,
        authority,
    })
}

/// `rolesanywhere.{region}.amazonaws.com`; `.amazonaws.com.cn` in the `aws-cn` partition
/// (SPEC §1; the corpus pins the choice by the trust anchor ARN's partition).
pub fn default_host(partition: &str, region: &str) -> String {
    let suffix = if partition == "aws-cn" {
        "amazonaws.com.cn"
    } else {
        "amazonaws.com"
    };
    alloc::format!("rolesanywhere.{region}.{suffix}")
}

/// The default endpoint URL for a partition (of the trust anchor ARN) and a region.
pub fn default_endpoint(partition: &str, region: &str) -> String {
    alloc::format!("https://{}", default_host(partition, region))
}

/// `roleSessionName`: `[\w+=,.@-]{2,64}` (the API model's pattern, ASCII `\w`).
pub fn check_role_session_name(name: &str) -> Result<()> {
    let bad = |reason: String| Err(Error::InvalidRoleSessionName { reason });
    if !(2..=64).contains(&name.len()) {
        return bad(alloc::format!(
            "{} characters; it must have 2 to 64",
            name.chars().count()
        ));
    }
    if let Some(c) = name
        .chars()
        .find(|&c| !(c.is_ascii_alphanumeric() || "_+=,.@-".contains(c)))
    {
        return bad(alloc::format!(
            "character {c:?} is not allowed (only letters, digits and _+=,.@-)"
        ));
    }
    Ok(())
}

/// `http(s)://host[:port][/]`: no user info, path, query or fragment. Gives the scheme and
/// `host[:port]` exactly as written (the `Host` header, SPEC §1).
pub fn parse_endpoint(url: &str) -> Result<(&'static str, String)> {
    let bad = |reason: &str| {
        Err(Error::InvalidEndpoint {
            reason: alloc::format!("{reason}: {url:?}"),
        })
    };
    let (scheme, rest) = match url.split_once("://") {
        Some((s, rest)) if s.eq_ignore_ascii_case("https") => ("https", rest),
        Some((s, rest)) if s.eq_ignore_ascii_case("http") => ("http", rest),
        _ => return bad("not an http:// or https:// URL"),
    };
    let authority = rest.strip_suffix('/').unwrap_or(rest);
    if authority.contains(['/', '?', '#']) {
        return bad("an endpoint is scheme://host[:port] only, without path, query or fragment");
    }
    if authority.contains('@') {
        return bad("user information is not allowed in the endpoint");
    }
    let (host, port) = if let Some(v6) = authority.strip_prefix('[') {
        let Some((addr, after)) = v6.split_once(']') else {
            return bad("unclosed IPv6 bracket");
        };
        if addr.is_empty()
            || !addr
                .bytes()
                .all(|b| b.is_ascii_hexdigit() || b == b':' || b == b'.')
        {
            return bad("malformed IPv6 address");
        }
        match after {
            "" => (authority, None),
            p if p.starts_with(':') => (&authority[..authority.len() - p.len()], Some(&p[1..])),
            _ => return bad("junk after the IPv6 address"),
        }
    } else {
        match authority.rsplit_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (authority, None),
        }
    };
    if !host.starts_with('[') {
        let label_ok = |l: &str| {
            !l.is_empty()
                && l.len() <= 63
                && l.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
                && !l.starts_with('-')
                && !l.ends_with('-')
        };
        if host.is_empty() || host.len() > 253 || !host.split('.').all(label_ok) {
            return bad("malformed host name");
        }
    }
    if let Some(p) = port {
        let valid = !p.is_empty() && p.len() <= 5 && p.bytes().all(|b| b.is_ascii_digit());
        if !valid || !(1..=65_535).contains(&p.parse::<u32>().unwrap_or(0)) {
            return bad("port must be 1 to 65535");
        }
    }
    Ok((scheme, String::from(authority)))
}

#[cfg(test)]
mod tests {
    use super::*;

    const TA: &str = "arn:aws:rolesanywhere:us-east-1:123456789012:trust-anchor/ta";
    const PR: &str = "arn:aws:rolesanywhere:us-east-1:123456789012:profile/pr";
    const RO: &str = "arn:aws:iam::123456789012:role/example";

    fn code(p: &CreateSession, chain: usize) -> &'static str {
        validate(p, chain)
            .map(|_| "ok")
            .unwrap_or_else(|e| e.code())
    }

    #[test]
    fn validates_in_order() {
        let good = CreateSession::new(TA, PR, RO);
        let v = validate(&good, 0).unwrap();
        assert_eq!(
            (v.region.as_str(), v.scheme, v.authority.as_str()),
            (
                "us-east-1",
                "https",
                "rolesanywhere.us-east-1.amazonaws.com"
            )
        );
        let mut p = good.clone();
        p.profile_arn = PR.replace("us-east-1", "us-west-2");
        p.duration_seconds = 1;
        assert_eq!(code(&p, 9), "region_mismatch");
        p.trust_anchor_arn = String::from("arn:bad");
        assert_eq!(code(&p, 9), "invalid_arn");
        let mut p = good.clone();
        p.region = Some(String::from("moon"));
        p.endpoint = Some(String::from("ftp://x"));
        assert_eq!(code(&p, 0), "invalid_region");
        p.region = Some(String::from("eu-west-1"));
        assert_eq!(code(&p, 0), "invalid_endpoint");
        p.endpoint = Some(String::from("http://127.0.0.1:8443/"));
        p.duration_seconds = 43_201;
        p.role_session_name = Some(String::from("x"));
        assert_eq!(code(&p, 6), "invalid_duration");
        p.duration_seconds = 900;
        assert_eq!(code(&p, 6), "invalid_role_session_name");
        p.role_session_name = Some(String::from("a-b_c+d=e,f.g@h"));
        assert_eq!(code(&p, 6), "chain_too_long");
        let v = validate(&p, 5).unwrap();
        assert_eq!(
            (v.region.as_str(), v.scheme, v.authority.as_str()),
            ("eu-west-1", "http", "127.0.0.1:8443")
        );
    }

    #[test]
    fn endpoints() {
        for ok in [
            "https://h",
            "https://h/",
            "HTTPS://a.b-c.example:1",
            "http://[::1]:8080",
            "http://[::1]",
        ] {
            assert!(parse_endpoint(ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "h",
            "https://",
            "https://h/path",
            "https://h?x",
            "https://h#f",
            "https://u@h",
            "https://h:0",
            "https://h:65536",
            "https://h:",
            "https://h:x",
            "https://-h",
            "https://h..x",
            "https://[::1",
            "https://[zz]",
        ] {
            assert_eq!(
                parse_endpoint(bad).unwrap_err().code(),
                "invalid_endpoint",
                "{bad}"
            );
        }
        assert_eq!(
            default_endpoint("aws-cn", "cn-north-1"),
            "https://rolesanywhere.cn-north-1.amazonaws.com.cn"
        );
        assert_eq!(
            default_endpoint("aws-us-gov", "us-gov-west-1"),
            "https://rolesanywhere.us-gov-west-1.amazonaws.com"
        );
    }

    #[test]
    fn session_names() {
        assert!(check_role_session_name("ab").is_ok());
        assert!(check_role_session_name(&"a".repeat(64)).is_ok());
        for bad in ["a", "", "a b", "é1", "a/b"] {
            assert!(check_role_session_name(bad).is_err(), "{bad}");
        }
        assert!(check_role_session_name(&"a".repeat(65)).is_err());
    }
}
