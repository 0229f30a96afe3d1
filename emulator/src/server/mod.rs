//! The HTTP side: one listener (HTTP or HTTPS) serving CreateSession (`POST /sessions`) and
//! the STS query API (`/`, `GetCallerIdentity`); the control plane (issue 4) adds its routes
//! to [`router`].

pub mod chain_cache;
pub mod create_session;
pub mod credentials;
pub mod error;
pub mod sts;
pub mod subjects;
pub mod throttle;
pub mod tls;

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::routing::{get, post};
use hyper_util::rt::{TokioExecutor, TokioIo};
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio_rustls::TlsAcceptor;
use tower::ServiceExt;

use crate::clock::Clock;
use crate::run::ThrottleConfig;
use crate::state::{Store, ids};

/// The largest request body accepted (CreateSession bodies are tiny).
pub const MAX_BODY: usize = 64 * 1024;

/// The peer address of the connection a request came on.
#[derive(Debug, Clone, Copy)]
pub struct PeerAddr(pub SocketAddr);

/// What every handler shares.
#[derive(Debug)]
pub struct AppState {
    /// Resources and their persistence.
    pub store: Arc<Store>,
    /// Now.
    pub clock: Clock,
    /// CreateSession rate limits.
    pub throttle: throttle::Throttle,
    /// `X-Amz-Date` window.
    pub max_skew_seconds: u32,
    /// Memo of successful path validations.
    pub chain_cache: chain_cache::ChainCache,
    /// Seals session tokens and derives session secrets.
    pub sealer: credentials::Sealer,
    /// `Success` / `Failure` counts per operation (User Guide, "Metrics"), served at
    /// `GET /metrics`.
    pub metrics: crate::metrics::Metrics,
}

impl AppState {
    /// Shared state over `store`.
    pub fn new(
        store: Arc<Store>,
        clock: Clock,
        throttle: ThrottleConfig,
        max_skew_seconds: u32,
        chain_cache: bool,
    ) -> anyhow::Result<Self> {
        let key = ids::unhex(&store.read().token_key_hex)
            .filter(|k| k.len() >= 16)
            .ok_or_else(|| {
                anyhow::anyhow!("state: tokenKeyHex is not a hex key of at least 16 bytes")
            })?;
        Ok(AppState {
            store,
            clock,
            throttle: throttle::Throttle::new(throttle),
            max_skew_seconds,
            sealer: credentials::Sealer::new(&key),
            chain_cache: chain_cache::ChainCache::new(chain_cache),
            metrics: crate::metrics::Metrics::new(),
        })
    }

    /// Count one CreateSession outcome.
    pub fn count(&self, metric: &str) {
        match metric.strip_prefix("Failure:") {
            Some(error_type) => self.metrics.record_failure("CreateSession", error_type),
            None => self.metrics.record_success("CreateSession"),
        }
    }
}

/// The routes.
pub fn router(state: Arc<AppState>) -> Router {
    Router::new()
        .route("/sessions", post(create_session::handle))
        .route("/", get(sts::handle).post(sts::handle))
        .with_state(Arc::clone(&state))
        // The control plane (issue 4) and `GET /metrics`.
        .merge(crate::control::router(state))
}

/// Resolves once `stop` turns true (or its sender is gone).
async fn stopped(stop: &mut watch::Receiver<bool>) {
    let _ = stop.wait_for(|s| *s).await;
}

/// Accept connections until `stop` turns true.
pub async fn serve(
    listener: TcpListener,
    tls: Option<TlsAcceptor>,
    state: Arc<AppState>,
    mut stop: watch::Receiver<bool>,
) {
    let app = router(state);
    loop {
        let (tcp, peer) = tokio::select! {
            _ = stopped(&mut stop) => break,
            accepted = listener.accept() => match accepted {
                Ok(x) => x,
                Err(e) => {
                    // EMFILE and the like: back off instead of spinning.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
                    continue;
                }
            },
        };
        let _ = tcp.set_nodelay(true);
        let app = app.clone();
        let tls = tls.clone();
        let mut stop = stop.clone();
        tokio::spawn(async move {
            let service = hyper::service::service_fn(
                move |mut req: hyper::Request<hyper::body::Incoming>| {
                    req.extensions_mut().insert(PeerAddr(peer));
                    let app = app.clone();
                    async move {
                        Ok::<_, Infallible>(
                            app.oneshot(req)
                                .await
                                .unwrap_or_else(|never| match never {}),
                        )
                    }
                },
            );
            let builder = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new());
            let result = match tls {
                Some(acceptor) => match acceptor.accept(tcp).await {
                    Ok(stream) => {
                        let conn = builder.serve_connection(TokioIo::new(stream), service);
                        tokio::pin!(conn);
                        tokio::select! {
                            r = conn.as_mut() => r,
                            _ = stopped(&mut stop) => Ok(()),
                        }
                    }
                    Err(e) => {
                        tracing::debug!(%peer, error = %e, "TLS handshake failed");
                        return;
                    }
                },
                None => {
                    let conn = builder.serve_connection(TokioIo::new(tcp), service);
                    tokio::pin!(conn);
                    tokio::select! {
                        r = conn.as_mut() => r,
                        _ = stopped(&mut stop) => Ok(()),
                    }
                }
            };
            if let Err(e) = result {
                tracing::debug!(%peer, error = %e, "connection ended with an error");
            }
        });
    }
}
