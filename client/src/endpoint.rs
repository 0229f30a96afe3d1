//! Endpoint and region resolution (SPEC §1): explicit endpoint, then
//! `AWS_ENDPOINT_URL_ROLESANYWHERE`, then `AWS_ENDPOINT_URL`, then the partition's default
//! `https://rolesanywhere[-fips].{region}.{dns suffix}`. Region: explicit, else the trust
//! anchor ARN's. The environment is passed in as a lookup so that tests need no globals.

use crate::error::{Error, Result};
use roles_anywhere_core::Error as CoreError;
use roles_anywhere_core::arn::ArnKind;

/// Where CreateSession goes and which region signs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolvedEndpoint {
    /// `https://host[:port]`, no trailing slash.
    pub url: String,
    /// The signing region.
    pub region: String,
    /// Which rule chose the URL (for `--debug`).
    pub source: EndpointSource,
}

/// Which rule of the precedence chose the endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EndpointSource {
    /// Given by the caller (`--endpoint`).
    Explicit,
    /// `AWS_ENDPOINT_URL_ROLESANYWHERE`.
    ServiceEnv,
    /// `AWS_ENDPOINT_URL`.
    GlobalEnv,
    /// The partition's default for the region.
    Default,
}

/// What resolution starts from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EndpointInput<'a> {
    /// `--endpoint`.
    pub endpoint: Option<&'a str>,
    /// `--region`.
    pub region: Option<&'a str>,
    /// Force FIPS on or off; `None` reads `AWS_USE_FIPS_ENDPOINT`.
    pub use_fips: Option<bool>,
    /// The trust anchor ARN (its region is the default).
    pub trust_anchor_arn: &'a str,
}

/// Resolve with the process environment.
pub fn resolve(input: &EndpointInput<'_>) -> Result<ResolvedEndpoint> {
    resolve_with(input, &|name| std::env::var(name).ok())
}

/// Resolve with `env` as the environment.
pub fn resolve_with(
    input: &EndpointInput<'_>,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<ResolvedEndpoint> {
    let env_nonempty = |name: &str| {
        env(name)
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
    };
    let region = match input.region.filter(|r| !r.is_empty()) {
        Some(r) => r.to_owned(),
        None => region_of_arn(input.trust_anchor_arn)?,
    };
    check_region(&region)?;
    // AWS SDKs' shared switch to ignore endpoint URLs from the environment.
    let ignore_env = env_nonempty("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS")
        .is_some_and(|v| v.eq_ignore_ascii_case("true"));
    let (url, source) = if let Some(e) = input.endpoint.filter(|e| !e.is_empty()) {
        (e.to_owned(), EndpointSource::Explicit)
    } else if let Some(e) = env_nonempty("AWS_ENDPOINT_URL_ROLESANYWHERE").filter(|_| !ignore_env) {
        (e, EndpointSource::ServiceEnv)
    } else if let Some(e) = env_nonempty("AWS_ENDPOINT_URL").filter(|_| !ignore_env) {
        (e, EndpointSource::GlobalEnv)
    } else {
        let fips = match input.use_fips {
            Some(f) => f,
            None => match env_nonempty("AWS_USE_FIPS_ENDPOINT") {
                None => false,
                Some(v) if v.eq_ignore_ascii_case("true") => true,
                Some(v) if v.eq_ignore_ascii_case("false") => false,
                Some(v) => {
                    return Err(Error::InvalidConfig {
                        reason: format!("AWS_USE_FIPS_ENDPOINT must be true or false, not {v:?}"),
                    });
                }
            },
        };
        (default_endpoint(&region, fips), EndpointSource::Default)
    };
    Ok(ResolvedEndpoint {
        url: normalize(&url)?,
        region,
        source,
    })
}

/// The default endpoint of `region` in its partition.
pub fn default_endpoint(region: &str, fips: bool) -> String {
    let service = if fips {
        "rolesanywhere-fips"
    } else {
        "rolesanywhere"
    };
    format!("https://{service}.{region}.{}", dns_suffix(region))
}

/// The DNS suffix of the partition a region belongs to (the AWS partitions file).
pub fn dns_suffix(region: &str) -> &'static str {
    // Longest prefixes first: `us-isob-` must not be read as `us-iso-`.
    const PARTITIONS: &[(&str, &str)] = &[
        ("cn-", "amazonaws.com.cn"),
        ("us-isob-", "sc2s.sgov.gov"),
        ("us-isof-", "csp.hci.ic.gov"),
        ("us-iso-", "c2s.ic.gov"),
        ("eu-isoe-", "cloud.adc-e.uk"),
        ("eusc-", "amazonaws.eu"),
    ];
    PARTITIONS
        .iter()
        .find(|(prefix, _)| region.starts_with(prefix))
        .map_or("amazonaws.com", |(_, dns)| dns)
}

/// The region field of a trust anchor ARN (`arn:PARTITION:rolesanywhere:REGION:…`).
pub fn region_of_arn(arn: &str) -> Result<String> {
    let bad = |reason: &str| {
        Error::Core(CoreError::InvalidArn {
            kind: ArnKind::TrustAnchor,
            reason: reason.to_owned(),
        })
    };
    let mut parts = arn.splitn(6, ':');
    if parts.next() != Some("arn") {
        return Err(bad("does not start with arn:"));
    }
    let _partition = parts
        .next()
        .filter(|p| !p.is_empty())
        .ok_or_else(|| bad("no partition"))?;
    if parts.next() != Some("rolesanywhere") {
        return Err(bad("the service is not rolesanywhere"));
    }
    match parts.next() {
        Some(r) if !r.is_empty() => Ok(r.to_owned()),
        _ => Err(bad("no region")),
    }
}

fn check_region(region: &str) -> Result<()> {
    let ok = !region.is_empty()
        && region.len() <= 32
        && region
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !region.starts_with('-')
        && !region.ends_with('-');
    if ok {
        Ok(())
    } else {
        Err(CoreError::InvalidRegion {
            region: region.to_owned(),
        }
        .into())
    }
}

/// `http(s)://host[:port]` with an optional trailing `/`; anything else is refused, since the
/// host (and port) go into the signed `Host` header exactly as written here.
fn normalize(url: &str) -> Result<String> {
    let bad = |reason: String| Error::Core(CoreError::InvalidEndpoint { reason });
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or_else(|| bad(format!("{url:?} must start with https:// (or http://)")))?;
    let authority = rest.strip_suffix('/').unwrap_or(rest);
    if authority.is_empty() || authority.contains(['/', '?', '#', '@', ' ']) {
        return Err(bad(format!(
            "{url:?} must be scheme://host[:port] without a path"
        )));
    }
    Ok(url.strip_suffix('/').unwrap_or(url).to_owned())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    const TA: &str = "arn:aws:rolesanywhere:eu-west-2:123456789012:trust-anchor/abc";

    fn run(input: EndpointInput<'_>, vars: &[(&str, &str)]) -> Result<ResolvedEndpoint> {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        resolve_with(&input, &|k| map.get(k).cloned())
    }

    fn input(
        endpoint: Option<&'static str>,
        region: Option<&'static str>,
    ) -> EndpointInput<'static> {
        EndpointInput {
            endpoint,
            region,
            use_fips: None,
            trust_anchor_arn: TA,
        }
    }

    #[test]
    fn precedence() {
        let envs = [
            ("AWS_ENDPOINT_URL_ROLESANYWHERE", "https://svc.example:8443"),
            ("AWS_ENDPOINT_URL", "https://global.example"),
        ];
        let r = run(input(Some("https://explicit.example/"), None), &envs).unwrap();
        assert_eq!(
            (r.url.as_str(), r.source),
            ("https://explicit.example", EndpointSource::Explicit)
        );
        let r = run(input(None, None), &envs).unwrap();
        assert_eq!(
            (r.url.as_str(), r.source),
            ("https://svc.example:8443", EndpointSource::ServiceEnv)
        );
        let r = run(input(None, None), &envs[1..]).unwrap();
        assert_eq!(
            (r.url.as_str(), r.source),
            ("https://global.example", EndpointSource::GlobalEnv)
        );
        let r = run(input(None, None), &[]).unwrap();
        assert_eq!(r.url, "https://rolesanywhere.eu-west-2.amazonaws.com");
        assert_eq!(r.source, EndpointSource::Default);
        let mut ignore = envs.to_vec();
        ignore.push(("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true"));
        assert_eq!(
            run(input(None, None), &ignore).unwrap().source,
            EndpointSource::Default
        );
    }

    #[test]
    fn region_explicit_wins_and_partitions() {
        let r = run(input(None, Some("cn-north-1")), &[]).unwrap();
        assert_eq!(r.region, "cn-north-1");
        assert_eq!(r.url, "https://rolesanywhere.cn-north-1.amazonaws.com.cn");
        assert_eq!(
            default_endpoint("us-gov-west-1", true),
            "https://rolesanywhere-fips.us-gov-west-1.amazonaws.com"
        );
        assert_eq!(dns_suffix("us-isob-east-1"), "sc2s.sgov.gov");
        assert_eq!(dns_suffix("us-iso-east-1"), "c2s.ic.gov");
        let r = run(input(None, None), &[("AWS_USE_FIPS_ENDPOINT", "TRUE")]).unwrap();
        assert_eq!(r.url, "https://rolesanywhere-fips.eu-west-2.amazonaws.com");
        assert_eq!(r.region, "eu-west-2");
        let err = run(input(None, None), &[("AWS_USE_FIPS_ENDPOINT", "yes")]).unwrap_err();
        assert_eq!(err.code(), "invalid_config");
    }

    #[test]
    fn bad_inputs_have_codes() {
        let bad_arn = EndpointInput {
            trust_anchor_arn: "arn:aws:iam::1:role/x",
            ..input(None, None)
        };
        assert_eq!(run(bad_arn, &[]).unwrap_err().code(), "invalid_arn");
        assert_eq!(
            run(input(None, Some("EU WEST")), &[]).unwrap_err().code(),
            "invalid_region"
        );
        for bad in ["ftp://x", "https://", "https://h/path", "h:443"] {
            let e = run(
                EndpointInput {
                    endpoint: Some(bad),
                    ..input(None, None)
                },
                &[],
            )
            .unwrap_err();
            assert_eq!(e.code(), "invalid_endpoint", "{bad}");
        }
        let ok = run(
            EndpointInput {
                endpoint: Some("http://127.0.0.1:8080"),
                ..input(None, None)
            },
            &[],
        );
        assert_eq!(ok.unwrap().url, "http://127.0.0.1:8080");
    }
}
