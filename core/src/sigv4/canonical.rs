//! Stage 1, the canonical request (SigV4 "Create a canonical request"):
//!
//! ```text
//! METHOD \n CanonicalURI \n CanonicalQuery \n CanonicalHeaders \n SignedHeaders \n HashedPayload
//! ```

use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::fmt;

use super::{HttpRequest, PayloadHash, Settings, SignedHeaders, UriEncoding};
use crate::encoding::{percent_decode, percent_encode, percent_encode_into, sha256_hex};
use crate::error::{Error, Result};

/// Stage 1: the canonical request. `Display` is its exact text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CanonicalRequest {
    text: String,
}

impl CanonicalRequest {
    /// Canonicalize `request`, signing the headers named in `signed_headers` (each must be
    /// present in the request).
    pub fn new(
        request: &HttpRequest,
        signed_headers: &SignedHeaders,
        settings: &Settings,
    ) -> Result<Self> {
        let method = request.method.as_str();
        if method.is_empty() || !method.bytes().all(is_tchar) {
            return Err(Error::InvalidRequest {
                reason: alloc::format!("bad method {method:?}"),
            });
        }
        let mut text = String::with_capacity(256 + request.uri.len());
        text.push_str(method);
        text.push('\n');
        canonical_uri(&mut text, request.path(), settings);
        text.push('\n');
        canonical_query(&mut text, request.query().unwrap_or(""));
        text.push('\n');
        canonical_headers(&mut text, request, signed_headers)?;
        text.push('\n');
        text.push_str(&signed_headers.to_string());
        text.push('\n');
        match &settings.payload {
            PayloadHash::Compute => text.push_str(&sha256_hex(&request.body)),
            PayloadHash::Given(hash) => text.push_str(hash),
        }
        Ok(CanonicalRequest { text })
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Hex SHA-256 of the text: the last line of the string to sign.
    pub fn hash_hex(&self) -> String {
        sha256_hex(self.text.as_bytes())
    }
}

impl fmt::Display for CanonicalRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// RFC 9110 §5.6.2 token characters (methods and header names).
pub(crate) const fn is_tchar(b: u8) -> bool {
    b.is_ascii_alphanumeric()
        || matches!(
            b,
            b'!' | b'#'
                | b'$'
                | b'%'
                | b'&'
                | b'\''
                | b'*'
                | b'+'
                | b'-'
                | b'.'
                | b'^'
                | b'_'
                | b'`'
                | b'|'
                | b'~'
        )
}

/// Remove dot segments (RFC 3986 §5.2.4) and, as SigV4 normalization also does (the suite's
/// `get-slashes-normalized`), empty segments. A trailing `/` is kept when the last segment was
/// empty or a dot segment, so `/a/b/..` is `/a/`; the result always starts with `/`.
pub fn normalize_path(path: &str) -> String {
    let mut stack: Vec<&str> = Vec::new();
    let mut trailing_slash = false;
    for segment in path.split('/') {
        trailing_slash = true;
        match segment {
            "" | "." => {}
            ".." => {
                stack.pop();
            }
            s => {
                stack.push(s);
                trailing_slash = false;
            }
        }
    }
    let mut out = String::with_capacity(path.len() + 1);
    for s in &stack {
        out.push('/');
        out.push_str(s);
    }
    if trailing_slash || stack.is_empty() {
        out.push('/');
    }
    out
}

fn canonical_uri(out: &mut String, path: &str, settings: &Settings) {
    let normalized;
    let path = if settings.normalize_path {
        normalized = normalize_path(path);
        normalized.as_str()
    } else if path.is_empty() {
        "/"
    } else {
        path
    };
    match settings.uri_encoding {
        UriEncoding::Double => percent_encode_into(out, path.as_bytes(), true),
        UriEncoding::Single => {
            for (i, segment) in path.split('/').enumerate() {
                if i > 0 {
                    out.push('/');
                }
                percent_encode_into(out, &percent_decode(segment), false);
            }
        }
    }
}

/// Canonical query: each `name[=value]` decoded and re-encoded (RFC 3986, `+` is literal),
/// sorted by encoded name then encoded value (the suite's `get-vanilla-query-order-*`).
pub(crate) fn canonical_query(out: &mut String, query: &str) {
    let mut pairs: Vec<(String, String)> = query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (name, value) = p.split_once('=').unwrap_or((p, ""));
            (
                percent_encode(&percent_decode(name), false),
                percent_encode(&percent_decode(value), false),
            )
        })
        .collect();
    pairs.sort();
    for (i, (name, value)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        out.push_str(name);
        out.push('=');
        out.push_str(value);
    }
}

fn canonical_headers(
    out: &mut String,
    request: &HttpRequest,
    signed: &SignedHeaders,
) -> Result<()> {
    for name in signed.iter() {
        let mut found = false;
        out.push_str(name);
        out.push(':');
        for value in request.header_values(name) {
            if value.bytes().any(|b| b == b'\r' || b == b'\n' || b == 0) {
                return Err(Error::InvalidRequest {
                    reason: alloc::format!("header {name} has a line break or NUL in its value"),
                });
            }
            if found {
                out.push(',');
            }
            found = true;
            push_trimmed(out, value);
        }
        if !found {
            return Err(Error::InvalidRequest {
                reason: alloc::format!("signed header {name} is not in the request"),
            });
        }
        out.push('\n');
    }
    Ok(())
}

/// SigV4 `Trimall`: strip leading and trailing whitespace, collapse runs of spaces to one.
fn push_trimmed(out: &mut String, value: &str) {
    let mut last_space = false;
    for c in value.trim_matches(|c| c == ' ' || c == '\t').chars() {
        if c == ' ' {
            if !last_space {
                out.push(' ');
            }
            last_space = true;
        } else {
            out.push(c);
            last_space = false;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn normalizes_like_rfc_3986() {
        for (input, expected) in [
            ("", "/"),
            ("/", "/"),
            ("/./", "/"),
            ("//", "/"),
            ("/./example", "/example"),
            ("//example//", "/example/"),
            ("/example/..", "/"),
            ("/example1/example2/../..", "/"),
            ("/a/b/c/./../../g", "/a/g"),
            ("/a/b/..", "/a/"),
            ("/a/.", "/a/"),
            ("/../x", "/x"),
            ("/foo%2F.%2Fbar", "/foo%2F.%2Fbar"),
        ] {
            assert_eq!(normalize_path(input), expected, "{input}");
        }
    }

    fn uri(path: &str, normalize: bool, uri_encoding: UriEncoding) -> String {
        let mut out = String::new();
        canonical_uri(
            &mut out,
            path,
            &Settings {
                normalize_path: normalize,
                uri_encoding,
                ..Settings::default()
            },
        );
        out
    }

    #[test]
    fn encodes_paths() {
        assert_eq!(uri("/a%3Ab", true, UriEncoding::Double), "/a%253Ab");
        assert_eq!(uri("/a%3ab c", true, UriEncoding::Single), "/a%3Ab%20c");
        assert_eq!(uri("/a%2Fb", false, UriEncoding::Single), "/a%2Fb");
        assert_eq!(uri("/ሴ/@", false, UriEncoding::Double), "/%E1%88%B4/%40");
        assert_eq!(uri("", false, UriEncoding::Double), "/");
    }

    #[test]
    fn sorts_and_encodes_query() {
        let mut out = String::new();
        canonical_query(&mut out, "b=2&a=z&a=y&c&%E1%88%B4=1&sp=a+b%20c&&");
        assert_eq!(out, "%E1%88%B4=1&a=y&a=z&b=2&c=&sp=a%2Bb%20c");
    }

    #[test]
    fn trims_header_values() {
        let req = HttpRequest::new("GET", "/")
            .with_header("Host", "h")
            .with_header("X-A", "  a   b  c ")
            .with_header("x-a", "d");
        let signed = SignedHeaders::parse("host;x-a").unwrap();
        let c = CanonicalRequest::new(&req, &signed, &Settings::default()).unwrap();
        assert!(c.to_string().contains("\nx-a:a b c,d\n"), "{c}");
        let missing = SignedHeaders::parse("host;x-b").unwrap();
        assert_eq!(
            CanonicalRequest::new(&req, &missing, &Settings::default())
                .unwrap_err()
                .code(),
            "invalid_request"
        );
        let bad = HttpRequest::new("GET", "/").with_header("host", "a\nb");
        let host = SignedHeaders::parse("host").unwrap();
        assert!(CanonicalRequest::new(&bad, &host, &Settings::default()).is_err());
        let bad_method = HttpRequest::new("G T", "/").with_header("host", "h");
        assert!(CanonicalRequest::new(&bad_method, &host, &Settings::default()).is_err());
    }
}
