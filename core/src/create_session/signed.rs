//! The signed request as data, its `signed-request.txt` form (the corpus, in the AWS suite's
//! layout) and a shortened view for logs.

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use crate::sigv4::HttpRequest;

/// A signed request, ready for any HTTP client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedRequest {
    /// `POST`.
    pub method: String,
    /// Full URL: `https://host[:port]/sessions?profileArn=…&roleArn=…&trustAnchorArn=…`.
    pub url: String,
    /// Headers to send, in this order (Host, Content-Type, X-Amz-Date, X-Amz-X509,
    /// [X-Amz-X509-Chain], Authorization).
    pub headers: Vec<(String, String)>,
    /// The compact JSON body.
    pub body: Vec<u8>,
}

impl SignedRequest {
    /// The request target: path and query (`/sessions?profileArn=…`).
    pub fn target(&self) -> &str {
        let after_scheme = self
            .url
            .split_once("://")
            .map_or(self.url.as_str(), |(_, r)| r);
        after_scheme.find('/').map_or("/", |i| &after_scheme[i..])
    }

    /// The value of a header (ASCII case-insensitive name).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// As an [`HttpRequest`] (what a server receives), e.g. for `verify_x509_request`.
    pub fn to_http_request(&self) -> HttpRequest {
        HttpRequest {
            method: self.method.clone(),
            uri: String::from(self.target()),
            headers: self.headers.clone(),
            body: self.body.clone(),
        }
    }

    /// A view for logs and `--debug`: the certificates and the signature shortened to their
    /// first characters and length (nothing here is secret, but they are long).
    pub fn redacted(&self) -> RedactedRequest<'_> {
        RedactedRequest(self)
    }
}

/// `signed-request.txt`: `POST <target> HTTP/1.1`, `Name:value` lines, an empty line, the
/// body; `\n` line ends, nothing after the body.
impl fmt::Display for SignedRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{} {} HTTP/1.1", self.method, self.target())?;
        for (name, value) in &self.headers {
            writeln!(f, "{name}:{value}")?;
        }
        writeln!(f)?;
        f.write_str(&String::from_utf8_lossy(&self.body))
    }
}

/// See [`SignedRequest::redacted`].
#[derive(Debug, Clone, Copy)]
pub struct RedactedRequest<'a>(&'a SignedRequest);

fn shorten(value: &str, keep: usize) -> alloc::borrow::Cow<'_, str> {
    match value.char_indices().nth(keep) {
        Some((i, _)) => {
            alloc::borrow::Cow::Owned(alloc::format!("{}…({} chars)", &value[..i], value.len()))
        }
        None => alloc::borrow::Cow::Borrowed(value),
    }
}

impl fmt::Display for RedactedRequest<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let r = self.0;
        writeln!(f, "{} {}", r.method, r.url)?;
        for (name, value) in &r.headers {
            if name.eq_ignore_ascii_case("x-amz-x509")
                || name.eq_ignore_ascii_case("x-amz-x509-chain")
            {
                writeln!(f, "{name}: {}", shorten(value, 16))?;
            } else if name.eq_ignore_ascii_case("authorization") {
                let (head, sig) = value.rsplit_once("Signature=").unwrap_or((value, ""));
                writeln!(f, "{name}: {head}Signature={}", shorten(sig, 8))?;
            } else {
                writeln!(f, "{name}: {value}")?;
            }
        }
        writeln!(f)?;
        f.write_str(&String::from_utf8_lossy(&r.body))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> SignedRequest {
        SignedRequest {
            method: String::from("POST"),
            url: String::from("https://h:8443/sessions?a=b"),
            headers: alloc::vec![
                (String::from("Host"), String::from("h:8443")),
                (String::from("X-Amz-X509"), "A".repeat(100)),
                (
                    String::from("Authorization"),
                    alloc::format!(
                        "ALG Credential=1/s, SignedHeaders=host, Signature={}",
                        "ab".repeat(64)
                    )
                ),
            ],
            body: b"{\"durationSeconds\":3600}".to_vec(),
        }
    }

    #[test]
    fn displays_the_corpus_form() {
        let r = sample();
        assert_eq!(r.target(), "/sessions?a=b");
        let text = alloc::format!("{r}");
        assert!(text.starts_with("POST /sessions?a=b HTTP/1.1\nHost:h:8443\nX-Amz-X509:AAAA"));
        assert!(text.ends_with("\n\n{\"durationSeconds\":3600}"));
        assert_eq!(r.header("host"), Some("h:8443"));
        assert_eq!(r.to_http_request().uri, "/sessions?a=b");
    }

    #[test]
    fn redacts() {
        let text = alloc::format!("{}", sample().redacted());
        assert!(text.contains("X-Amz-X509: AAAAAAAAAAAAAAAA…(100 chars)"));
        assert!(text.contains("Signature=abababab…(128 chars)"));
        assert!(!text.contains(&"ab".repeat(10)));
    }
}
