//! `roles-anywhere-emulator`: IAM Roles Anywhere as a local service. With no arguments it
//! creates (or reopens) a data directory with a demo PKI, trust anchor, profile and role,
//! listens on 127.0.0.1:8443 over HTTPS, and prints how to get credentials from it.
#![forbid(unsafe_code)]

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use roles_anywhere_emulator::{
    EmulatorOptions, ReadyInfo, ThrottleConfig, spawn, state::write_atomically,
};

/// IAM Roles Anywhere emulator: CreateSession with the service's trust model, and an
/// STS-compatible GetCallerIdentity to check the credentials it mints.
#[derive(Debug, Parser)]
#[command(name = "roles-anywhere-emulator", version)]
struct Args {
    /// Data directory (state and demo PKI); created if missing.
    #[arg(long, default_value = "roles-anywhere-emulator-data")]
    data_dir: PathBuf,
    /// Address to listen on (port 0: an ephemeral port).
    #[arg(long, default_value = "127.0.0.1:8443")]
    listen: SocketAddr,
    /// Plain HTTP instead of HTTPS.
    #[arg(long)]
    http: bool,
    /// TOML configuration (trust anchors, profiles, roles, CRLs, admin keys, throttling).
    #[arg(long)]
    config: Option<PathBuf>,
    /// Write the ready information (JSON) here once listening.
    #[arg(long)]
    ready_file: Option<PathBuf>,
    /// CreateSession limit per certificate per second (0: off; default 10 or the config's).
    #[arg(long)]
    throttle_per_certificate: Option<u32>,
    /// CreateSession limit per source IP per second (0: off; default 10 or the config's).
    #[arg(long)]
    throttle_per_ip: Option<u32>,
}

fn summary(info: &ReadyInfo) -> String {
    let mut s = String::new();
    s.push_str(&format!(
        "IAM Roles Anywhere emulator listening on {}\n\n",
        info.endpoint
    ));
    s.push_str(&format!(
        "  region            {}\n  account           {}\n",
        info.region, info.account_id
    ));
    s.push_str(&format!("  trust anchor      {}\n", info.trust_anchor_arn));
    s.push_str(&format!("  profile           {}\n", info.profile_arn));
    s.push_str(&format!("  role              {}\n", info.role_arn));
    if let Some(ca) = &info.ca_bundle {
        s.push_str(&format!("  server CA         {}\n", ca.display()));
    }
    s.push_str(&format!("  demo root CA      {}\n", info.root_ca.display()));
    for (name, id) in &info.identities {
        s.push_str(&format!(
            "  identity {name:<8} {} (key {}, intermediates {})\n",
            id.certificate.display(),
            id.private_key.display(),
            id.intermediates.display()
        ));
    }
    s.push_str(&format!(
        "  admin access key  {}\n",
        info.admin_access_key_id
    ));
    s.push_str(&format!(
        "  STS endpoint      {} (GetCallerIdentity)\n\nTry:\n",
        info.sts_endpoint
    ));
    if let Some(cmd) = info.credential_process_command("p256") {
        s.push_str(&format!("  {cmd}\n"));
    }
    s
}

async fn run(args: Args) -> anyhow::Result<()> {
    let throttle = match (args.throttle_per_certificate, args.throttle_per_ip) {
        (None, None) => None,
        (c, i) => {
            let d = ThrottleConfig::default();
            Some(ThrottleConfig {
                per_certificate_per_second: c.unwrap_or(d.per_certificate_per_second),
                per_ip_per_second: i.unwrap_or(d.per_ip_per_second),
            })
        }
    };
    let opts = EmulatorOptions {
        data_dir: args.data_dir,
        listen: args.listen,
        tls: !args.http,
        config: args.config,
        throttle,
        ..EmulatorOptions::default()
    };
    let running = spawn(opts).await?;
    if let Some(path) = &args.ready_file {
        let json = serde_json::to_vec_pretty(&running.info)?;
        write_atomically(path, &json)?;
    }
    println!("{}", summary(&running.info));
    shutdown_signal().await;
    tracing::info!("shutting down");
    running.shutdown().await;
    Ok(())
}

async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("ROLES_ANYWHERE_EMULATOR_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();
    let args = Args::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("roles-anywhere-emulator: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(args)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("roles-anywhere-emulator: {e:#}");
            ExitCode::FAILURE
        }
    }
}
