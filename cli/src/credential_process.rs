//! `credential-process`: one set of credentials on stdout in the `credential_process` format
//! (`{"Version":1,…}`, no trailing newline, like the official helper); with `--cache`, reused
//! across invocations until their refresh window.

use std::io::Write;

use roles_anywhere::cache::{check_fresh, system_now};
use roles_anywhere::core::Credentials;
use roles_anywhere::endpoint::{self, EndpointInput};
use serde::Serialize;

use crate::args::CredentialArgs;
use crate::fail::{CliError, CliResult};
use crate::file_cache::{self, FileCache, POLICY};

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Output<'a> {
    version: u8,
    access_key_id: &'a str,
    secret_access_key: &'a str,
    session_token: &'a str,
    expiration: String,
}

/// The `credential_process` JSON of `creds`.
pub fn render(creds: &Credentials) -> String {
    let out = Output {
        version: 1,
        access_key_id: &creds.access_key_id,
        secret_access_key: &creds.secret_access_key,
        session_token: &creds.session_token,
        expiration: creds.expiration.to_string(),
    };
    // Serializing plain strings into a String cannot fail.
    serde_json::to_string(&out).unwrap_or_default()
}

fn print(creds: &Credentials) -> CliResult<()> {
    let mut text = render(creds);
    let mut stdout = std::io::stdout().lock();
    let result = stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush());
    zeroize::Zeroize::zeroize(&mut text);
    result.map_err(|e| CliError::Other(format!("writing to stdout: {e}")))
}

/// Run the command.
pub fn run(
    args: &CredentialArgs,
    cache: bool,
    cache_dir: Option<std::path::PathBuf>,
) -> CliResult<()> {
    if !cache && cache_dir.is_none() {
        let creds = args.client()?.create_session()?;
        check_fresh(&creds, system_now(), &POLICY)?;
        return print(&creds);
    }
    let dir = cache_dir.or_else(file_cache::default_dir).ok_or_else(|| {
        CliError::usage("--cache needs HOME, XDG_CACHE_HOME or ROLES_ANYWHERE_CACHE_DIR")
    })?;
    // The entry is keyed by everything that changes the answer, the certificate included
    // (a rotated certificate gets a fresh session).
    // Resolved without building the HTTP client: a cache hit loads no trust store.
    let s = args.session()?;
    let e = endpoint::resolve(&EndpointInput {
        endpoint: s.endpoint.as_deref(),
        region: s.region.as_deref(),
        use_fips: s.use_fips,
        trust_anchor_arn: &s.trust_anchor_arn,
    })?;
    let cert_path = args.pkcs12.as_ref().or(args.certificate.as_ref());
    let cert_bytes = cert_path
        .map(std::fs::read)
        .transpose()
        .unwrap_or_default()
        .unwrap_or_default();
    let duration = s.duration_seconds.to_string();
    let key = file_cache::key_of(&[
        e.url.as_bytes(),
        e.region.as_bytes(),
        s.trust_anchor_arn.as_bytes(),
        s.profile_arn.as_bytes(),
        s.role_arn.as_bytes(),
        duration.as_bytes(),
        s.role_session_name.as_deref().unwrap_or("").as_bytes(),
        &cert_bytes,
    ]);
    let fc = FileCache::open(&dir, &key)
        .map_err(|err| CliError::Other(format!("cache directory {}: {err}", dir.display())))?;
    let fresh = |now: i64| {
        fc.read().filter(|(c, obtained)| {
            let exp = c.expiration.unix();
            now < POLICY.refresh_at(*obtained, exp) && POLICY.usable(now, exp)
        })
    };
    if let Some((creds, _)) = fresh(system_now()) {
        if args.debug {
            eprintln!("[debug] credentials from the cache {}", fc.path().display());
        }
        return print(&creds);
    }
    // One process refreshes; the others wait here and then find its result.
    let _lock = fc
        .lock()
        .map_err(|err| CliError::Other(format!("locking the cache: {err}")))?;
    if let Some((creds, _)) = fresh(system_now()) {
        return print(&creds);
    }
    let obtained = system_now();
    let fetched = args.client().and_then(|client| {
        let creds = client.create_session()?;
        check_fresh(&creds, system_now(), &POLICY)?;
        Ok(creds)
    });
    match fetched {
        Ok(creds) => {
            if let Err(err) = fc.write(&creds, obtained) {
                eprintln!(
                    "warning: could not write the cache {}: {err}",
                    fc.path().display()
                );
            }
            print(&creds)
        }
        Err(err) => match fc
            .read()
            .filter(|(c, _)| POLICY.usable(system_now(), c.expiration.unix()))
        {
            Some((creds, _)) => {
                eprintln!(
                    "warning: refresh failed, using cached credentials until {}: {err}",
                    creds.expiration
                );
                print(&creds)
            }
            None => Err(err),
        },
    }
}
