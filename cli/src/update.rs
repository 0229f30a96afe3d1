//! `update`: keep a profile of the shared credentials file fresh. Each round obtains
//! credentials (the client retries 3 times), writes them (locked, atomic, 0600), then sleeps
//! until the refresh window; a failed round is retried with growing waits while the
//! credentials already written are still valid. `--once` does one round.

use std::path::Path;
use std::time::Duration;

use roles_anywhere::cache::{check_fresh, system_now};
use roles_anywhere::{Client, RefreshPolicy};

use crate::credentials_file;
use crate::fail::{CliError, CliResult};

fn round(client: &Client, path: &Path, profile: &str, policy: &RefreshPolicy) -> CliResult<i64> {
    let obtained = system_now();
    let creds = client.create_session()?;
    check_fresh(&creds, system_now(), policy)?;
    credentials_file::update(path, profile, &creds).map_err(|e| {
        CliError::Other(format!(
            "unable to write to AWS credentials file {}: {e}",
            path.display()
        ))
    })?;
    Ok(policy
        .refresh_at(obtained, creds.expiration.unix())
        .max(obtained))
}

/// Run the command.
pub fn run(client: &Client, profile: &str, once: bool) -> CliResult<()> {
    let path = credentials_file::default_path()
        .ok_or_else(|| CliError::usage("set HOME or AWS_SHARED_CREDENTIALS_FILE"))?;
    let policy = RefreshPolicy::default();
    if once {
        round(client, &path, profile, &policy)?;
        return Ok(());
    }
    let mut valid_until = i64::MIN;
    let mut failures: u32 = 0;
    loop {
        match round(client, &path, profile, &policy) {
            Ok(next) => {
                failures = 0;
                valid_until = next;
                let wait = (next - system_now()).max(1);
                eprintln!("Credentials will be refreshed in {wait} s");
                std::thread::sleep(Duration::from_secs(wait.unsigned_abs()));
            }
            Err(err) => {
                failures += 1;
                // Giving up only when nothing valid is left in the file and the first
                // attempts all failed: a daemon should ride out an outage, not exit.
                if valid_until == i64::MIN && failures >= 3 {
                    return Err(err);
                }
                let wait = 5u64.saturating_mul(1 << failures.min(6)).min(300);
                eprintln!("update failed ({err}); retrying in {wait} s");
                std::thread::sleep(Duration::from_secs(wait));
            }
        }
    }
}
