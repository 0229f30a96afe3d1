//! `roles-anywhere`: a drop-in for AWS's `aws_signing_helper` (SPEC §2): the same commands,
//! flags, output formats and exit codes (0, or 1 with a message on stderr), plus `--cache`,
//! `--ca-bundle`, `--pkcs12`, and errors that say what to check.
#![forbid(unsafe_code)]

mod args;
mod credential_process;
mod credentials_file;
mod diagnostics;
mod fail;
mod file_cache;
mod imds;
mod serve;
mod update;

use std::path::PathBuf;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};
use roles_anywhere::CredentialsProvider;

use crate::args::CredentialArgs;
use crate::fail::CliResult;

#[derive(Debug, Parser)]
#[command(
    name = "roles-anywhere",
    about = "Temporary AWS credentials from X.509 certificates (IAM Roles Anywhere)"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Print credentials in the credential_process format.
    CredentialProcess {
        #[command(flatten)]
        args: CredentialArgs,
        /// Reuse credentials across invocations from a 0600 cache file until their refresh
        /// window (ROLES_ANYWHERE_CACHE_DIR, XDG_CACHE_HOME or ~/.cache).
        #[arg(long)]
        cache: bool,
        /// Cache directory (implies --cache).
        #[arg(long, value_name = "DIR")]
        cache_dir: Option<PathBuf>,
    },
    /// Serve credentials through a local IMDSv2-compatible endpoint.
    Serve {
        #[command(flatten)]
        args: CredentialArgs,
        /// The port used to run the local server.
        #[arg(long, default_value_t = 9911)]
        port: u16,
        /// The IP TTL to set on responses.
        #[arg(long, default_value_t = 64)]
        hop_limit: u32,
    },
    /// Update a profile of the AWS credentials file with fresh credentials, and keep it fresh.
    Update {
        #[command(flatten)]
        args: CredentialArgs,
        /// Profile to update.
        #[arg(long, default_value = "default")]
        profile: String,
        /// Update the profile just once.
        #[arg(long)]
        once: bool,
    },
    /// Sign the helper's fixed test string with the private key.
    SignString {
        /// Path to the private key file.
        #[arg(long, value_name = "PATH")]
        private_key: PathBuf,
        /// Path to the certificate (accepted for compatibility; the key alone signs).
        #[arg(long, value_name = "PATH")]
        certificate: Option<PathBuf>,
        /// Password for an encrypted PKCS#8 key.
        #[arg(long)]
        pkcs8_password: Option<String>,
        /// Output format: json, text or bin.
        #[arg(long, default_value = "json")]
        format: String,
        /// Digest: SHA256 (SHA384 and SHA512 are not supported).
        #[arg(long, default_value = "SHA256")]
        digest: String,
        /// Debug output (accepted for compatibility).
        #[arg(long)]
        debug: bool,
    },
    /// Read certificate data (key type, DER, serial, algorithms) as JSON.
    ReadCertificateData {
        /// Path to the certificate file.
        #[arg(long, value_name = "PATH")]
        certificate: PathBuf,
        /// Debug output (accepted for compatibility).
        #[arg(long)]
        debug: bool,
    },
    /// Print the version.
    Version,
}

fn run(cli: Cli) -> CliResult<()> {
    match cli.command {
        Command::CredentialProcess {
            args,
            cache,
            cache_dir,
        } => credential_process::run(&args, cache, cache_dir),
        Command::Serve {
            args,
            port,
            hop_limit,
        } => {
            // SDKs refresh instance-metadata credentials 15 minutes before expiry, as they
            // do credential_process ones: the same window keeps them from polling.
            let provider = CredentialsProvider::with_policy(args.client()?, file_cache::POLICY);
            serve::run(provider, port, hop_limit)
        }
        Command::Update {
            args,
            profile,
            once,
        } => update::run(&args.client()?, &profile, once),
        Command::SignString {
            private_key,
            certificate: _,
            pkcs8_password,
            format,
            digest,
            debug: _,
        } => diagnostics::sign_string(&private_key, pkcs8_password.as_deref(), &format, &digest),
        Command::ReadCertificateData {
            certificate,
            debug: _,
        } => diagnostics::read_certificate_data(&certificate),
        Command::Version => {
            println!("{}", env!("CARGO_PKG_VERSION"));
            Ok(())
        }
    }
}

fn main() {
    // Like cobra, a flag given twice takes its last value (credential_process lines are
    // often assembled from templates).
    let command = Cli::command().mut_subcommands(|c| c.args_override_self(true));
    let cli = match command
        .try_get_matches()
        .and_then(|m| Cli::from_arg_matches(&m))
    {
        Ok(cli) => cli,
        Err(e) => {
            // Help and --version are successes; a usage error is exit 1, as with the helper.
            let code = if e.use_stderr() { 1 } else { 0 };
            let _ = e.print();
            std::process::exit(code);
        }
    };
    if let Err(err) = run(cli) {
        eprintln!("{err}");
        std::process::exit(1);
    }
}
