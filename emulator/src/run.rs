//! Starting and stopping an emulator: [`spawn`] (in the caller's tokio runtime) and
//! [`spawn_blocking`] (on a runtime thread of its own, for synchronous tests).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use tokio::sync::watch;

use crate::bootstrap::{self, DEFAULT_ACCOUNT, DEFAULT_REGION};
use crate::clock::Clock;
use crate::config::Config;
use crate::pki::{self, PkiPaths};
use crate::ready::ReadyInfo;
use crate::server::{self, AppState};
use crate::state::Store;

/// CreateSession rate limits, requests per second; 0 turns a limit off. The service's
/// default quota is 10 per second, by certificate and by source IP (User Guide, "Quotas",
/// "Throttling").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ThrottleConfig {
    /// Per authenticating certificate.
    pub per_certificate_per_second: u32,
    /// Per source IP address.
    pub per_ip_per_second: u32,
}

impl Default for ThrottleConfig {
    fn default() -> Self {
        ThrottleConfig {
            per_certificate_per_second: 10,
            per_ip_per_second: 10,
        }
    }
}

impl ThrottleConfig {
    /// No limits (load tests).
    pub const OFF: ThrottleConfig = ThrottleConfig {
        per_certificate_per_second: 0,
        per_ip_per_second: 0,
    };
}

/// How to start an emulator.
#[derive(Debug, Clone)]
pub struct EmulatorOptions {
    /// Where state and the demo PKI live (created if missing).
    pub data_dir: PathBuf,
    /// Where to listen; port 0 takes an ephemeral port.
    pub listen: SocketAddr,
    /// HTTPS with the generated server certificate (else plain HTTP).
    pub tls: bool,
    /// A TOML configuration file (see [`crate::config`]).
    pub config: Option<PathBuf>,
    /// Rate limits; `None`: the config file's, else the service's defaults.
    pub throttle: Option<ThrottleConfig>,
    /// The time source (system clock with an adjustable offset).
    pub clock: Clock,
    /// Allowed distance between `X-Amz-Date` and now (the service: 5 minutes).
    pub max_skew_seconds: u32,
    /// Remember successful path validations for up to a minute (see
    /// [`crate::server::chain_cache`]); off validates every request from scratch.
    pub chain_cache: bool,
}

impl Default for EmulatorOptions {
    fn default() -> Self {
        EmulatorOptions {
            data_dir: std::env::temp_dir().join("roles-anywhere-emulator"),
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            tls: true,
            config: None,
            throttle: None,
            clock: Clock::system(),
            max_skew_seconds: 300,
            chain_cache: true,
        }
    }
}

impl EmulatorOptions {
    /// Defaults with `data_dir`.
    pub fn new(data_dir: impl Into<PathBuf>) -> Self {
        EmulatorOptions {
            data_dir: data_dir.into(),
            ..Default::default()
        }
    }
}

/// A running emulator. Dropping it stops the listener; [`RunningEmulator::shutdown`] also
/// waits for the state to be flushed.
#[derive(Debug)]
pub struct RunningEmulator {
    /// What clients need.
    pub info: ReadyInfo,
    /// The address bound.
    pub local_addr: SocketAddr,
    state: Arc<AppState>,
    stop: watch::Sender<bool>,
    task: Option<tokio::task::JoinHandle<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl RunningEmulator {
    /// The shared server state (store, clock), for tests that change resources directly.
    pub fn app(&self) -> &Arc<AppState> {
        &self.state
    }
    /// The clock the handlers read.
    pub fn clock(&self) -> &Clock {
        &self.state.clock
    }
    /// The store of the state.
    pub fn store(&self) -> &Arc<Store> {
        &self.state.store
    }

    /// Stop listening, flush the state, and wait for both.
    pub async fn shutdown(mut self) {
        let _ = self.stop.send(true);
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
        if let Err(e) = self.state.store.flush_if_dirty() {
            tracing::warn!(error = %e, "flushing state at shutdown");
        }
    }
}

impl Drop for RunningEmulator {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
        if let Err(e) = self.state.store.flush_if_dirty() {
            tracing::warn!(error = %e, "flushing state at drop");
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Load or create the state of `data_dir` (demo PKI, then state), then apply `config`.
fn prepare(
    opts: &EmulatorOptions,
) -> anyhow::Result<(Arc<Store>, PkiPaths, Option<ThrottleConfig>)> {
    // Emulators started at once in one process (parallel tests sharing the default data
    // directory) must not both create the demo PKI and the first state.
    static STARTING: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _one_at_a_time = STARTING
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    std::fs::create_dir_all(&opts.data_dir)
        .with_context(|| format!("creating {}", opts.data_dir.display()))?;
    let data_dir = std::fs::canonicalize(&opts.data_dir)?;
    let now = opts.clock.now();
    let config = opts.config.as_deref().map(Config::load).transpose()?;
    let mut pki_paths = PkiPaths::new(&data_dir);
    if !pki_paths.complete() {
        tracing::info!(dir = %data_dir.display(), "creating the demo PKI");
        pki_paths = pki::create_demo_pki(&data_dir, now)?;
    }
    let with_demo = config.as_ref().is_none_or(|c| c.include_demo);
    let store = match Store::load(&data_dir)? {
        Some(store) => store,
        None => {
            let account = config
                .as_ref()
                .and_then(|c| c.account_id.clone())
                .unwrap_or_else(|| DEFAULT_ACCOUNT.to_owned());
            let region = config
                .as_ref()
                .and_then(|c| c.region.clone())
                .unwrap_or_else(|| DEFAULT_REGION.to_owned());
            Store::create(
                &data_dir,
                bootstrap::initial_state(&account, &region, &pki_paths, with_demo, now)?,
            )?
        }
    };
    if let Some(config) = &config {
        store.update(true, |state| bootstrap::apply_config(state, config, now))??;
    }
    let throttle = config.as_ref().and_then(|c| c.throttle).map(|t| {
        let d = ThrottleConfig::default();
        ThrottleConfig {
            per_certificate_per_second: t
                .per_certificate_per_second
                .unwrap_or(d.per_certificate_per_second),
            per_ip_per_second: t.per_ip_per_second.unwrap_or(d.per_ip_per_second),
        }
    });
    Ok((Arc::new(store), pki_paths, throttle))
}

/// Start an emulator in the current tokio runtime; it is listening when this returns.
pub async fn spawn(opts: EmulatorOptions) -> anyhow::Result<RunningEmulator> {
    let (store, pki_paths, config_throttle) = {
        let opts = opts.clone();
        tokio::task::spawn_blocking(move || prepare(&opts))
            .await
            .context("preparing state")??
    };
    let throttle = opts.throttle.or(config_throttle).unwrap_or_default();
    let tls = if opts.tls {
        Some(server::tls::acceptor(&pki_paths)?)
    } else {
        None
    };
    let listener = tokio::net::TcpListener::bind(opts.listen)
        .await
        .with_context(|| format!("binding {}", opts.listen))?;
    let local_addr = listener.local_addr()?;
    let info = ReadyInfo::new(
        &store,
        &pki_paths,
        if opts.tls { "https" } else { "http" },
        local_addr,
        opts.tls,
    );
    let state = Arc::new(AppState::new(
        store,
        opts.clock.clone(),
        throttle,
        opts.max_skew_seconds,
        opts.chain_cache,
    )?);
    let (stop, stop_rx) = watch::channel(false);
    let task = tokio::spawn(server::serve(
        listener,
        tls,
        Arc::clone(&state),
        stop_rx.clone(),
    ));
    tokio::spawn(flusher(Arc::clone(&state), stop_rx));
    tracing::info!(endpoint = %info.endpoint, "listening");
    Ok(RunningEmulator {
        info,
        local_addr,
        state,
        stop,
        task: Some(task),
        thread: None,
    })
}

async fn flusher(state: Arc<AppState>, mut stop: watch::Receiver<bool>) {
    loop {
        tokio::select! {
            _ = tokio::time::sleep(Duration::from_millis(500)) => {}
            _ = stop.changed() => break,
        }
        let store = Arc::clone(&state.store);
        if let Ok(Err(e)) = tokio::task::spawn_blocking(move || store.flush_if_dirty()).await {
            tracing::warn!(error = %e, "flushing state");
        }
    }
}

/// Start an emulator on a runtime thread of its own; for tests without a tokio runtime.
pub fn spawn_blocking(opts: EmulatorOptions) -> anyhow::Result<RunningEmulator> {
    let (tx, rx) = std::sync::mpsc::channel();
    let thread = std::thread::Builder::new()
        .name("roles-anywhere-emulator".to_owned())
        .spawn(move || {
            let runtime = match tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
            {
                Ok(rt) => rt,
                Err(e) => {
                    let _ = tx.send(Err(anyhow::Error::from(e)));
                    return;
                }
            };
            runtime.block_on(async move {
                match spawn(opts).await {
                    Ok(mut running) => {
                        let task = running.task.take();
                        let mut stop = running.stop.subscribe();
                        let _ = tx.send(Ok(running));
                        // Serve until the handle is dropped or shut down.
                        let _ = stop.wait_for(|s| *s).await;
                        if let Some(task) = task {
                            let _ = task.await;
                        }
                    }
                    Err(e) => {
                        let _ = tx.send(Err(e));
                    }
                }
            });
        })?;
    let mut running = rx.recv().context("the emulator thread ended early")??;
    running.thread = Some(thread);
    Ok(running)
}
