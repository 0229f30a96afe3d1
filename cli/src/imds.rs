//! The IMDSv2 protocol of `serve` (SPEC §2), as a pure function from request to answer so
//! it is tested without sockets: session tokens with a TTL, the role name, and credentials
//! from the cache. Unlike the official helper, a failed refresh is an error answer (500),
//! never empty credentials.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use roles_anywhere::Lookup;
use roles_anywhere::cache::system_now;
use roles_anywhere::core::Timestamp;
use serde::Serialize;

const TOKEN_PATH: &str = "/latest/api/token";
const CREDS_PATH: &str = "/latest/meta-data/iam/security-credentials";
const TOKEN_HEADER: &str = "x-aws-ec2-metadata-token";
const TTL_HEADER: &str = "x-aws-ec2-metadata-token-ttl-seconds";
const MAX_TTL: u64 = 21_600;
/// Tokens kept at once; the one expiring first is evicted (as the official helper does).
const MAX_TOKENS: usize = 256;

/// An HTTP answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    /// Status.
    pub status: u16,
    /// Extra headers.
    pub headers: Vec<(&'static str, String)>,
    /// Body.
    pub body: String,
}

impl Answer {
    fn new(status: u16, body: impl Into<String>) -> Self {
        Answer {
            status,
            headers: Vec::new(),
            body: body.into(),
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct ImdsCredentials<'a> {
    access_key_id: &'a str,
    secret_access_key: &'a str,
    token: &'a str,
    code: &'static str,
    #[serde(rename = "Type")]
    kind: &'static str,
    expiration: String,
    last_updated: String,
}

/// The token store and routing; credentials come from `lookup`.
pub struct Imds<F> {
    role_name: String,
    tokens: Mutex<HashMap<String, Instant>>,
    lookup: F,
}

impl<F> std::fmt::Debug for Imds<F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Imds")
            .field("role_name", &self.role_name)
            .finish_non_exhaustive()
    }
}

fn new_token() -> Option<String> {
    let mut raw = [0u8; 48];
    getrandom::fill(&mut raw).ok()?;
    Some(<base64ct::Base64UrlUnpadded as base64ct::Encoding>::encode_string(&raw))
}

impl<F> Imds<F>
where
    F: Fn() -> Result<Lookup, roles_anywhere::Error>,
{
    /// Serve `role_name` (the last path part of the role ARN) with credentials from `lookup`.
    pub fn new(role_name: impl Into<String>, lookup: F) -> Self {
        Imds {
            role_name: role_name.into(),
            tokens: Mutex::new(HashMap::new()),
            lookup,
        }
    }

    /// Answer one request. `headers` names are matched case-insensitively.
    pub fn handle(&self, method: &str, url: &str, headers: &[(String, String)]) -> Answer {
        let header = |name: &str| {
            headers
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(name))
                .map(|(_, v)| v.as_str())
        };
        // A proxied request means the metadata endpoint is exposed beyond this host.
        if header("x-forwarded-for").is_some() {
            return Answer::new(
                400,
                "unable to process requests with X-Forwarded-For header",
            );
        }
        let path = url.split('?').next().unwrap_or("");
        let path = path.strip_suffix('/').unwrap_or(path);
        if path == TOKEN_PATH {
            if method != "PUT" {
                return Answer::new(405, "");
            }
            return self.put_token(header(TTL_HEADER));
        }
        let role_path = format!("{CREDS_PATH}/{}", self.role_name);
        let is_list = path == CREDS_PATH;
        let is_role = path == role_path;
        if !is_list && !is_role {
            return Answer::new(404, "not found");
        }
        if method != "GET" {
            return Answer::new(405, "");
        }
        let remaining = match self.check_token(header(TOKEN_HEADER)) {
            Ok(r) => r,
            Err(answer) => return answer,
        };
        let mut answer = if is_list {
            Answer::new(200, self.role_name.clone())
        } else {
            self.credentials()
        };
        answer
            .headers
            .push((TTL_HEADER, remaining.as_secs().to_string()));
        answer
    }

    fn put_token(&self, ttl: Option<&str>) -> Answer {
        let ttl = match ttl.map(|t| t.trim().parse::<u64>()) {
            None => MAX_TTL,
            Some(Ok(t)) if (1..=MAX_TTL).contains(&t) => t,
            Some(_) => return Answer::new(400, "invalid token TTL"),
        };
        let Some(token) = new_token() else {
            return Answer::new(500, "unable to generate token");
        };
        let now = Instant::now();
        let mut tokens = self
            .tokens
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        tokens.retain(|_, exp| *exp > now);
        if tokens.len() >= MAX_TOKENS
            && let Some(first) = tokens
                .iter()
                .min_by_key(|(_, exp)| **exp)
                .map(|(k, _)| k.clone())
        {
            tokens.remove(&first);
        }
        tokens.insert(token.clone(), now + Duration::from_secs(ttl));
        Answer {
            status: 200,
            headers: vec![(TTL_HEADER, ttl.to_string())],
            body: token,
        }
    }

    fn check_token(&self, token: Option<&str>) -> Result<Duration, Answer> {
        let Some(token) = token.filter(|t| !t.is_empty()) else {
            return Err(Answer::new(401, "no token provided"));
        };
        let tokens = self
            .tokens
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        match tokens.get(token) {
            Some(exp) if *exp > Instant::now() => Ok(exp.saturating_duration_since(Instant::now())),
            _ => Err(Answer::new(401, "invalid token provided")),
        }
    }

    fn credentials(&self) -> Answer {
        match (self.lookup)() {
            Ok(lookup) => {
                if let Some(err) = &lookup.refresh_error {
                    eprintln!(
                        "refresh failed, serving cached credentials until {}: {err}",
                        lookup.credentials.expiration
                    );
                }
                let c = &lookup.credentials;
                let body = ImdsCredentials {
                    code: "Success",
                    last_updated: Timestamp::from_unix(system_now()).to_string(),
                    kind: "AWS-HMAC",
                    access_key_id: &c.access_key_id,
                    secret_access_key: &c.secret_access_key,
                    token: &c.session_token,
                    expiration: c.expiration.to_string(),
                };
                Answer::new(200, serde_json::to_string(&body).unwrap_or_default())
            }
            Err(err) => {
                eprintln!("error obtaining credentials: {err}");
                Answer::new(500, format!("unable to obtain credentials: {err}"))
            }
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)]
mod tests {
    use super::*;
    use roles_anywhere::cache::cached_credentials;
    use std::sync::Arc;

    fn creds() -> Lookup {
        Lookup {
            credentials: Arc::new(cached_credentials(
                "ASIAIMDS",
                "sek",
                "tok",
                Timestamp::from_unix(4_000_000_000),
            )),
            refresh_error: None,
            refreshed: false,
        }
    }

    fn h(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn protocol() {
        let imds = Imds::new("demo-role", || Ok(creds()));
        assert_eq!(imds.handle("GET", TOKEN_PATH, &[]).status, 405);
        assert_eq!(
            imds.handle("PUT", TOKEN_PATH, &h(&[(TTL_HEADER, "0")]))
                .status,
            400
        );
        assert_eq!(
            imds.handle("PUT", TOKEN_PATH, &h(&[(TTL_HEADER, "21601")]))
                .status,
            400
        );
        assert_eq!(
            imds.handle("PUT", TOKEN_PATH, &h(&[("X-Forwarded-For", "1.2.3.4")]))
                .status,
            400
        );
        let t = imds.handle(
            "PUT",
            "/latest/api/token/",
            &h(&[("X-aws-ec2-metadata-token-ttl-seconds", "60")]),
        );
        assert_eq!(t.status, 200);
        assert_eq!(t.headers, vec![(TTL_HEADER, "60".to_owned())]);
        let token = t.body;
        assert_eq!(imds.handle("GET", CREDS_PATH, &[]).status, 401);
        assert_eq!(
            imds.handle("GET", CREDS_PATH, &h(&[(TOKEN_HEADER, "nope")]))
                .status,
            401
        );
        let list = imds.handle(
            "GET",
            "/latest/meta-data/iam/security-credentials/",
            &h(&[(TOKEN_HEADER, &token)]),
        );
        assert_eq!((list.status, list.body.as_str()), (200, "demo-role"));
        assert_eq!(
            imds.handle("POST", CREDS_PATH, &h(&[(TOKEN_HEADER, &token)]))
                .status,
            405
        );
        let c = imds.handle(
            "GET",
            &format!("{CREDS_PATH}/demo-role"),
            &h(&[(TOKEN_HEADER, &token)]),
        );
        assert_eq!(c.status, 200);
        let v: serde_json::Value = serde_json::from_str(&c.body).unwrap();
        assert_eq!(v["Code"], "Success");
        assert_eq!(v["Type"], "AWS-HMAC");
        assert_eq!(v["AccessKeyId"], "ASIAIMDS");
        assert_eq!(v["Token"], "tok");
        assert_eq!(v["Expiration"], "2096-10-02T07:06:40Z");
        assert_eq!(
            imds.handle(
                "GET",
                &format!("{CREDS_PATH}/other"),
                &h(&[(TOKEN_HEADER, &token)])
            )
            .status,
            404
        );
    }

    #[test]
    fn failed_refresh_is_an_error_not_empty_credentials() {
        let imds = Imds::new("r", || Err(roles_anywhere::Error::ExpiredCredentials));
        let token = imds.handle("PUT", TOKEN_PATH, &[]).body;
        let c = imds.handle(
            "GET",
            &format!("{CREDS_PATH}/r"),
            &h(&[(TOKEN_HEADER, &token)]),
        );
        assert_eq!(c.status, 500);
        assert!(!c.body.contains("AccessKeyId"));
    }

    #[test]
    fn tokens_are_bounded() {
        let imds = Imds::new("r", || Ok(creds()));
        let first = imds
            .handle("PUT", TOKEN_PATH, &h(&[(TTL_HEADER, "1")]))
            .body;
        for _ in 0..MAX_TOKENS {
            assert_eq!(imds.handle("PUT", TOKEN_PATH, &[]).status, 200);
        }
        assert_eq!(imds.tokens.lock().unwrap().len(), MAX_TOKENS);
        assert_eq!(
            imds.handle("GET", CREDS_PATH, &h(&[(TOKEN_HEADER, &first)]))
                .status,
            401
        );
    }
}
