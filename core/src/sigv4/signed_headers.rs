//! The `SignedHeaders` list: lower-case header names, sorted, unique, joined by `;`.

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use super::HttpRequest;
use super::canonical::is_tchar;
use crate::error::{Error, Result};

/// Headers never signed, whatever the request carries: `authorization` (it holds the
/// signature), and hop-by-hop or agent headers that proxies and clients rewrite (SPEC §1:
/// "Never sign user-agent, authorization"; the AWS CRT's skip list).
const NEVER_SIGNED: &[&str] = &[
    "authorization",
    "user-agent",
    "x-amzn-trace-id",
    "expect",
    "connection",
    "keep-alive",
    "proxy-connection",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
];

/// The `SignedHeaders` list (`content-type;host;x-amz-date;x-amz-x509`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SignedHeaders(Vec<String>);

impl SignedHeaders {
    /// From names in any case and order (duplicates merged). A name that is not an HTTP
    /// token, or an empty list, is an [`Error::InvalidRequest`].
    pub fn new<I, S>(names: I) -> Result<Self>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let mut list: Vec<String> = Vec::new();
        for name in names {
            let name = name.as_ref();
            if name.is_empty() || !name.bytes().all(is_tchar) {
                return Err(Error::InvalidRequest {
                    reason: alloc::format!("bad header name {name:?}"),
                });
            }
            list.push(name.to_ascii_lowercase());
        }
        if list.is_empty() {
            return Err(Error::InvalidRequest {
                reason: String::from("no header to sign"),
            });
        }
        list.sort();
        list.dedup();
        Ok(SignedHeaders(list))
    }

    /// Every header of `request` except those never signed (`authorization`, `user-agent`,
    /// hop-by-hop headers). `host` must be among them.
    pub fn from_request(request: &HttpRequest) -> Result<Self> {
        let signed = Self::new(
            request
                .headers
                .iter()
                .map(|(n, _)| n.as_str())
                .filter(|n| !NEVER_SIGNED.iter().any(|s| s.eq_ignore_ascii_case(n))),
        )?;
        if !signed.contains("host") {
            return Err(Error::InvalidRequest {
                reason: String::from("no Host header"),
            });
        }
        Ok(signed)
    }

    /// Parse the wire form strictly: lower-case, sorted, unique, `;`-separated.
    pub fn parse(text: &str) -> Result<Self> {
        let bad = |why: &str| Error::MalformedAuthorization {
            reason: alloc::format!("SignedHeaders {text:?}: {why}"),
        };
        let mut list: Vec<String> = Vec::new();
        for name in text.split(';') {
            if name.is_empty() || !name.bytes().all(|b| is_tchar(b) && !b.is_ascii_uppercase()) {
                return Err(bad("not a list of lower-case header names"));
            }
            if list.last().is_some_and(|last| last.as_str() >= name) {
                return Err(bad("names not sorted or repeated"));
            }
            list.push(String::from(name));
        }
        Ok(SignedHeaders(list))
    }

    /// Is `name` (lower case) signed?
    pub fn contains(&self, name: &str) -> bool {
        self.0.binary_search_by(|n| n.as_str().cmp(name)).is_ok()
    }

    /// The names, sorted.
    pub fn iter(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(String::as_str)
    }

    /// Number of names.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Never true for a constructed value; for API completeness.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Display for SignedHeaders {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, name) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(";")?;
            }
            f.write_str(name)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;

    #[test]
    fn builds_and_parses() {
        let s = SignedHeaders::new(["X-Amz-Date", "Host", "content-type", "host"]).unwrap();
        assert_eq!(s.to_string(), "content-type;host;x-amz-date");
        assert_eq!(
            SignedHeaders::parse("content-type;host;x-amz-date").unwrap(),
            s
        );
        for bad in ["", "Host", "host;;x", "x;host", "host;host", "ho st"] {
            assert_eq!(
                SignedHeaders::parse(bad).unwrap_err().code(),
                "malformed_authorization",
                "{bad}"
            );
        }
        assert!(SignedHeaders::new(Vec::<&str>::new()).is_err());
        assert!(s.contains("host") && !s.contains("x-amz-x509"));
    }

    #[test]
    fn from_request_skips_unsigned() {
        let r = HttpRequest::new("GET", "/")
            .with_header("Host", "h")
            .with_header("User-Agent", "x")
            .with_header("Authorization", "y")
            .with_header("X-Amz-Date", "d");
        assert_eq!(
            SignedHeaders::from_request(&r).unwrap().to_string(),
            "host;x-amz-date"
        );
        let no_host = HttpRequest::new("GET", "/").with_header("X-Amz-Date", "d");
        assert!(SignedHeaders::from_request(&no_host).is_err());
    }
}
