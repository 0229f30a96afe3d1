//! The HTTPS listener's TLS configuration: rustls (ring provider) with the generated server
//! certificate, TLS 1.2 and 1.3 (the official helper requires at least 1.2).

use std::sync::Arc;

use anyhow::Context;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};
use tokio_rustls::TlsAcceptor;

use crate::pki::PkiPaths;

/// A TLS acceptor for the server certificate of `pki`.
pub fn acceptor(pki: &PkiPaths) -> anyhow::Result<TlsAcceptor> {
    let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(&pki.server_cert)
        .with_context(|| format!("reading {}", pki.server_cert.display()))?
        .collect::<Result<_, _>>()
        .context("parsing the server certificate")?;
    let key = PrivateKeyDer::from_pem_file(&pki.server_key)
        .with_context(|| format!("reading {}", pki.server_key.display()))?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .context("TLS versions")?
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .context("server certificate and key")?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(TlsAcceptor::from(Arc::new(config)))
}
