//! `serve`: the IMDSv2-compatible endpoint on 127.0.0.1 (SPEC §2). Small synchronous HTTP
//! server (tiny_http) with a few worker threads; answers come from the single-flight cache,
//! kept warm by a background refresher. `--hop-limit` is the IP TTL of the listening socket,
//! which Linux copies to every accepted connection, so answers die after that many hops.

use std::net::{Ipv4Addr, SocketAddr, TcpListener};
use std::sync::Arc;
use std::time::Duration;

use roles_anywhere::CredentialsProvider;

use crate::fail::{CliError, CliResult};
use crate::imds::Imds;

const WORKERS: usize = 4;

/// The role name: the last part of the role ARN's resource (`role/path/name` → `name`).
pub fn role_name(role_arn: &str) -> CliResult<String> {
    let resource = role_arn.splitn(6, ':').nth(5).unwrap_or("");
    match resource
        .strip_prefix("role/")
        .and_then(|r| r.rsplit('/').next())
        .filter(|n| !n.is_empty())
    {
        Some(name) => Ok(name.to_owned()),
        None => Err(CliError::usage(format!("invalid role ARN {role_arn:?}"))),
    }
}

/// Run until killed.
pub fn run(provider: CredentialsProvider, port: u16, hop_limit: u32) -> CliResult<()> {
    if !(1..=255).contains(&hop_limit) {
        return Err(CliError::usage("--hop-limit must be between 1 and 255"));
    }
    let role = role_name(&provider.client().session().role_arn)?;
    // Fail fast on what no retry can fix (a bad key, a wrong ARN); ride out the rest.
    if let Err(err) = provider.credentials() {
        if !err.is_retryable() {
            return Err(err.into());
        }
        eprintln!("warning: initial credentials not obtained, will retry on demand: {err}");
    }
    let provider = Arc::new(provider);
    let listener = TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, port)))
        .map_err(|e| CliError::Other(format!("failed to listen on 127.0.0.1:{port}: {e}")))?;
    listener
        .set_ttl(hop_limit)
        .map_err(|e| CliError::Other(format!("setting the IP TTL: {e}")))?;
    let bound = listener
        .local_addr()
        .map_err(|e| CliError::Other(e.to_string()))?;
    let server = tiny_http::Server::from_listener(listener, None)
        .map_err(|e| CliError::Other(format!("starting the server: {e}")))?;
    eprintln!("Local server started on port: {}", bound.port());
    eprintln!("Make it available to the sdk by running:");
    eprintln!(
        "export AWS_EC2_METADATA_SERVICE_ENDPOINT=http://127.0.0.1:{}/",
        bound.port()
    );

    // Keep the cache warm so that requests rarely wait for CreateSession.
    let warm = Arc::clone(&provider);
    std::thread::spawn(move || {
        loop {
            std::thread::sleep(Duration::from_secs(20));
            if let Ok(Some(err)) = warm.lookup().map(|l| l.refresh_error) {
                eprintln!("background refresh failed (cached credentials still valid): {err}");
            }
        }
    });

    let lookup_provider = Arc::clone(&provider);
    let imds = Arc::new(Imds::new(role, move || lookup_provider.lookup()));
    let server = Arc::new(server);
    let workers: Vec<_> = (0..WORKERS)
        .map(|_| {
            let (server, imds) = (Arc::clone(&server), Arc::clone(&imds));
            std::thread::spawn(move || {
                for request in server.incoming_requests() {
                    let headers: Vec<(String, String)> = request
                        .headers()
                        .iter()
                        .map(|h| {
                            (
                                h.field.as_str().as_str().to_owned(),
                                h.value.as_str().to_owned(),
                            )
                        })
                        .collect();
                    let answer = imds.handle(request.method().as_str(), request.url(), &headers);
                    let mut response = tiny_http::Response::from_string(answer.body)
                        .with_status_code(answer.status);
                    for (name, value) in answer.headers {
                        if let Ok(h) =
                            tiny_http::Header::from_bytes(name.as_bytes(), value.as_bytes())
                        {
                            response.add_header(h);
                        }
                    }
                    if let Ok(h) =
                        tiny_http::Header::from_bytes(&b"Content-Type"[..], &b"text/plain"[..])
                    {
                        response.add_header(h);
                    }
                    let _ = request.respond(response);
                }
            })
        })
        .collect();
    for w in workers {
        let _ = w.join();
    }
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)]
mod tests {
    use super::role_name;

    #[test]
    fn role_names() {
        assert_eq!(
            role_name("arn:aws:iam::123456789012:role/demo").unwrap(),
            "demo"
        );
        assert_eq!(
            role_name("arn:aws:iam::123456789012:role/path/to/demo").unwrap(),
            "demo"
        );
        assert!(role_name("arn:aws:iam::123456789012:user/demo").is_err());
        assert!(role_name("nonsense").is_err());
    }
}
