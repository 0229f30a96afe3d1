//! HTTPS transport on ureq + rustls: TLS 1.2 minimum (rustls implements only 1.2 and 1.3),
//! the system's roots or a given CA bundle (`AWS_CA_BUNDLE`, `--ca-bundle`), proxies from
//! `HTTPS_PROXY`/`ALL_PROXY` with `NO_PROXY` honoured, connect and overall timeouts, and an
//! explicit switch to skip certificate verification.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use roles_anywhere_core::SignedRequest;
use ureq::tls::{Certificate, PemItem, RootCerts, TlsConfig, TlsProvider};

use crate::error::{Error, Result, TransportKind};

/// Which proxy to use.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum ProxyMode {
    /// Connect directly.
    #[default]
    None,
    /// `ALL_PROXY`, `HTTPS_PROXY`, `HTTP_PROXY` (and lower case), honouring `NO_PROXY`.
    FromEnv,
    /// This proxy URL (`http://host:port`, with optional user:password).
    Url(String),
}

/// Transport settings. `Default` is: system roots (or `AWS_CA_BUNDLE`), no proxy, 5 s to
/// connect, 30 s overall per attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpConfig {
    /// PEM CA bundle to trust instead of the system roots; `None` reads `AWS_CA_BUNDLE`.
    pub ca_bundle: Option<PathBuf>,
    /// Skip certificate verification (`--no-verify-ssl`). Never on by default.
    pub insecure: bool,
    /// Proxy.
    pub proxy: ProxyMode,
    /// TCP + TLS (+ proxy CONNECT) setup limit.
    pub connect_timeout: Duration,
    /// Whole-exchange limit of one attempt.
    pub timeout: Duration,
}

impl Default for HttpConfig {
    fn default() -> Self {
        HttpConfig {
            ca_bundle: None,
            insecure: false,
            proxy: ProxyMode::None,
            connect_timeout: Duration::from_secs(5),
            timeout: Duration::from_secs(30),
        }
    }
}

/// An HTTP answer as data, for `parse_create_session_response`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpResponse {
    /// Status code.
    pub status: u16,
    /// Headers (lower-case names).
    pub headers: Vec<(String, String)>,
    /// The body (at most 1 MiB is read).
    pub body: Vec<u8>,
}

/// Sends a signed request. [`UreqTransport`] is the real one; tests and embedders may plug
/// in another (an in-process service, a recorder).
pub trait Transport: Send + Sync + std::fmt::Debug {
    /// Send `request` once; `Ok` for any HTTP answer, whatever its status.
    fn send(&self, request: &SignedRequest) -> Result<HttpResponse>;
}

/// The ureq transport, one agent (connection pool) per client.
#[derive(Debug)]
pub struct UreqTransport {
    agent: ureq::Agent,
    proxy: Option<ureq::Proxy>,
}

const MAX_BODY: u64 = 1 << 20;

impl UreqTransport {
    /// Build from settings: reads the CA bundle (and the system roots when there is none).
    pub fn new(config: &HttpConfig) -> Result<Self> {
        let roots = if config.insecure {
            RootCerts::Specific(Arc::new(Vec::new()))
        } else {
            let bundle = config.ca_bundle.clone().or_else(|| {
                std::env::var_os("AWS_CA_BUNDLE")
                    .filter(|v| !v.is_empty())
                    .map(PathBuf::from)
            });
            match bundle {
                // As in the AWS SDKs and CLI, a given bundle replaces the system roots.
                Some(path) => RootCerts::Specific(Arc::new(load_bundle(&path)?)),
                None => RootCerts::Specific(Arc::new(system_roots()?)),
            }
        };
        let tls = TlsConfig::builder()
            .provider(TlsProvider::Rustls)
            .root_certs(roots)
            .disable_verification(config.insecure)
            .build();
        let proxy = match &config.proxy {
            ProxyMode::None => None,
            ProxyMode::FromEnv => ureq::Proxy::try_from_env(),
            ProxyMode::Url(url) => {
                Some(ureq::Proxy::new(url).map_err(|e| Error::InvalidConfig {
                    reason: format!("proxy URL {url:?}: {e}"),
                })?)
            }
        };
        let agent = ureq::Agent::config_builder()
            .tls_config(tls)
            .proxy(proxy.clone())
            .http_status_as_error(false)
            .max_redirects(0)
            .timeout_connect(Some(config.connect_timeout))
            .timeout_global(Some(config.timeout))
            .user_agent(concat!("roles-anywhere/", env!("CARGO_PKG_VERSION")))
            .build()
            .new_agent();
        Ok(UreqTransport { agent, proxy })
    }
}

impl Transport for UreqTransport {
    fn send(&self, request: &SignedRequest) -> Result<HttpResponse> {
        let endpoint = origin(&request.url);
        let mut builder = ureq::http::Request::builder()
            .method(request.method.as_str())
            .uri(&request.url);
        for (name, value) in &request.headers {
            // ureq writes Host itself from the URL, identical to the signed value.
            if !name.eq_ignore_ascii_case("host") {
                builder = builder.header(name.as_str(), value.as_str());
            }
        }
        let http_request = builder
            .body(request.body.clone())
            .map_err(|e| Error::Transport {
                kind: TransportKind::Http,
                endpoint: endpoint.clone(),
                message: e.to_string(),
            })?;
        // Through a proxy every connection is to the proxy: a failure to connect is its.
        let via_proxy = self
            .proxy
            .as_ref()
            .is_some_and(|p| !p.is_no_proxy(http_request.uri()));
        let mut response = self.agent.run(http_request).map_err(|e| {
            let mut err = classify(e, &endpoint);
            if let Error::Transport { kind, .. } = &mut err
                && via_proxy
                && matches!(
                    kind,
                    TransportKind::Connection | TransportKind::ConnectTimeout
                )
            {
                *kind = TransportKind::Proxy;
            }
            err
        })?;
        let status = response.status().as_u16();
        let headers = response
            .headers()
            .iter()
            .map(|(k, v)| {
                (
                    k.as_str().to_owned(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect();
        let body = response
            .body_mut()
            .with_config()
            .limit(MAX_BODY)
            .read_to_vec()
            .map_err(|e| classify(e, &endpoint))?;
        Ok(HttpResponse {
            status,
            headers,
            body,
        })
    }
}

fn origin(url: &str) -> String {
    let scheme_end = url.find("://").map_or(0, |i| i + 3);
    match url[scheme_end..].find(['/', '?']) {
        Some(i) => url[..scheme_end + i].to_owned(),
        None => url.to_owned(),
    }
}

/// Map ureq's error onto a stable transport kind.
fn classify(err: ureq::Error, endpoint: &str) -> Error {
    use std::io::ErrorKind as Io;
    let kind = match &err {
        ureq::Error::Timeout(ureq::Timeout::Connect | ureq::Timeout::Resolve) => {
            TransportKind::ConnectTimeout
        }
        ureq::Error::Timeout(_) => TransportKind::Timeout,
        ureq::Error::Tls(_) | ureq::Error::Rustls(_) | ureq::Error::Pem(_) => TransportKind::Tls,
        ureq::Error::InvalidProxyUrl | ureq::Error::ConnectProxyFailed(_) => TransportKind::Proxy,
        ureq::Error::Io(io) if io.kind() == Io::TimedOut => TransportKind::Timeout,
        ureq::Error::Io(io) if io.kind() == Io::InvalidData && is_tls_message(&io.to_string()) => {
            TransportKind::Tls
        }
        ureq::Error::Io(_) | ureq::Error::HostNotFound | ureq::Error::ConnectionFailed => {
            TransportKind::Connection
        }
        _ => TransportKind::Http,
    };
    Error::Transport {
        kind,
        endpoint: endpoint.to_owned(),
        message: err.to_string(),
    }
}

fn is_tls_message(m: &str) -> bool {
    let m = m.to_ascii_lowercase();
    m.contains("certificate") || m.contains("tls") || m.contains("handshake")
}

/// Every certificate of a PEM bundle; a bundle without one is an error (a typo'd path to a
/// key file would otherwise silently trust nothing).
pub fn load_bundle(path: &std::path::Path) -> Result<Vec<Certificate<'static>>> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, &e))?;
    let mut certs = Vec::new();
    for item in ureq::tls::parse_pem(&bytes) {
        match item {
            Ok(PemItem::Certificate(c)) => certs.push(c),
            Ok(_) => {}
            Err(e) => {
                return Err(Error::InvalidCaBundle {
                    path: path.to_owned(),
                    reason: e.to_string(),
                });
            }
        }
    }
    if certs.is_empty() {
        return Err(Error::InvalidCaBundle {
            path: path.to_owned(),
            reason: "no PEM CERTIFICATE block found".to_owned(),
        });
    }
    Ok(certs)
}

/// The operating system's trust store. Certificates it cannot parse are skipped (as
/// OpenSSL does); an empty store is an error, since nothing could then be verified.
fn system_roots() -> Result<Vec<Certificate<'static>>> {
    let found = rustls_native_certs::load_native_certs();
    let certs: Vec<_> = found
        .certs
        .iter()
        .map(|c| Certificate::from_der(c.as_ref()).to_owned())
        .collect();
    if certs.is_empty() {
        let reason = found.errors.first().map_or_else(
            || "the system trust store is empty".to_owned(),
            |e| e.to_string(),
        );
        return Err(Error::InvalidConfig {
            reason: format!("no system root certificates ({reason}); give a CA bundle"),
        });
    }
    Ok(certs)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn origin_strips_path_and_query() {
        assert_eq!(origin("https://h:1/sessions?a=b"), "https://h:1");
        assert_eq!(origin("https://h"), "https://h");
    }

    #[test]
    fn bad_bundles_are_refused() {
        let dir = std::env::temp_dir().join(format!("ra-http-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let empty = dir.join("empty.pem");
        std::fs::write(&empty, b"not a pem\n").unwrap();
        assert_eq!(load_bundle(&empty).unwrap_err().code(), "invalid_ca_bundle");
        let missing = dir.join("missing.pem");
        assert_eq!(load_bundle(&missing).unwrap_err().code(), "io");
        let broken = dir.join("broken.pem");
        std::fs::write(
            &broken,
            b"-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n",
        )
        .unwrap();
        assert_eq!(
            load_bundle(&broken).unwrap_err().code(),
            "invalid_ca_bundle"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
