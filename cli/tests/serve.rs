//! `serve`: the IMDSv2 protocol over a real socket, credentials from the emulator.
#![allow(clippy::unwrap_used, clippy::panic)]

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

use common::*;

fn imds_get(agent: &ureq::Agent, url: &str, token: Option<&str>) -> (u16, String) {
    let mut r = agent.get(url);
    if let Some(t) = token {
        r = r.header("X-aws-ec2-metadata-token", t);
    }
    let mut resp = r.call().unwrap();
    (
        resp.status().as_u16(),
        resp.body_mut().read_to_string().unwrap(),
    )
}

#[test]
fn serve_answers_imdsv2() {
    let info = emu();
    let mut child = Command::new(BIN)
        .args(with("serve", cred_args(info, "rsa"), &["--port", "0"]))
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let port: u16 = loop {
        let line = lines.next().expect("serve started").unwrap();
        if let Some(p) = line.strip_prefix("Local server started on port: ") {
            break p.trim().parse().unwrap();
        }
    };
    std::thread::spawn(move || for _ in lines {});
    let base = format!("http://127.0.0.1:{port}");
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(20)))
        .build()
        .into();
    let mut put = agent
        .put(format!("{base}/latest/api/token"))
        .header("X-aws-ec2-metadata-token-ttl-seconds", "60")
        .send_empty()
        .unwrap();
    assert_eq!(put.status(), 200);
    let token = put.body_mut().read_to_string().unwrap();
    let creds_url = format!("{base}/latest/meta-data/iam/security-credentials/");
    assert_eq!(imds_get(&agent, &creds_url, None).0, 401);
    let (status, role) = imds_get(&agent, &creds_url, Some(&token));
    assert_eq!(status, 200);
    assert_eq!(role, info.role_arn.rsplit('/').next().unwrap());
    let (status, body) = imds_get(&agent, &format!("{creds_url}{role}"), Some(&token));
    assert_eq!(status, 200);
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["Code"], "Success");
    assert!(v["AccessKeyId"].as_str().unwrap().starts_with("ASIA"));
    let (_, again) = imds_get(&agent, &format!("{creds_url}{role}"), Some(&token));
    let w: serde_json::Value = serde_json::from_str(&again).unwrap();
    assert_eq!(v["AccessKeyId"], w["AccessKeyId"], "served from the cache");
    let xff = agent
        .put(format!("{base}/latest/api/token"))
        .header("X-Forwarded-For", "203.0.113.9")
        .send_empty()
        .unwrap();
    assert_eq!(xff.status(), 400);
    assert_eq!(
        agent
            .get(format!("{base}/latest/api/token"))
            .call()
            .unwrap()
            .status(),
        405
    );
    child.kill().unwrap();
    child.wait().unwrap();
}
