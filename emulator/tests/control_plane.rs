//! The control plane in-process (issue 4), signed with the core's HMAC SigV4 as an AWS SDK
//! signs: a trust anchor and a profile made, read by id, ARN and alias ARN, and found again
//! after a restart on the same data directory; the model's status codes and error types;
//! authentication failures; `/metrics`. The Python suites (`tests/e2e/test_control_plane*`)
//! drive the same API through real boto3 and the AWS CLI.
#![allow(clippy::unwrap_used, clippy::panic)]

use roles_anywhere_core::sigv4::hmac::{HmacCredentials, sign_request};
use roles_anywhere_core::sigv4::{HttpRequest, Settings};
use roles_anywhere_emulator::{Clock, EmulatorOptions, RunningEmulator, ThrottleConfig};
use serde_json::{Value, json};
use support::{Answer, answer_of};

mod support;

async fn start(dir: &std::path::Path) -> RunningEmulator {
    let mut opts = EmulatorOptions::new(dir);
    opts.tls = false;
    opts.throttle = Some(ThrottleConfig::OFF);
    roles_anywhere_emulator::spawn(opts).await.unwrap()
}

/// Send `method path` with `body`, signed with `secret` (or unsigned with `None`).
async fn call(
    emu: &RunningEmulator,
    method: &str,
    path: &str,
    body: Option<Value>,
    secret: Option<&str>,
) -> Answer {
    let body = body.map(|b| b.to_string()).unwrap_or_default();
    let mut req = HttpRequest::new(method, path)
        .with_header("Host", emu.local_addr.to_string())
        .with_header("Content-Type", "application/json")
        .with_body(body.clone().into_bytes());
    if let Some(secret) = secret {
        let creds = HmacCredentials {
            access_key_id: &emu.info.admin_access_key_id,
            secret_access_key: secret,
            session_token: None,
        };
        let date = Clock::system().now().amz_date();
        sign_request(
            &mut req,
            &creds,
            &emu.info.region,
            "rolesanywhere",
            date,
            &Settings::default(),
        )
        .unwrap();
    }
    let client = reqwest::Client::new();
    let mut r = client.request(
        method.parse().unwrap(),
        format!("{}{}", emu.info.endpoint, path),
    );
    for (n, v) in &req.headers {
        if !n.eq_ignore_ascii_case("host") {
            r = r.header(n.as_str(), v.as_str());
        }
    }
    answer_of(r.body(body).send().await.unwrap()).await
}

async fn admin(emu: &RunningEmulator, method: &str, path: &str, body: Option<Value>) -> Answer {
    let secret = emu.info.admin_secret_access_key.clone();
    call(emu, method, path, body, Some(&secret)).await
}

fn encode(arn: &str) -> String {
    form_urlencoded::byte_serialize(arn.as_bytes()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn anchors_and_profiles_survive_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let emu = start(dir.path()).await;
    let pem = std::fs::read_to_string(&emu.info.root_ca).unwrap();
    let source =
        json!({"sourceType": "CERTIFICATE_BUNDLE", "sourceData": {"x509CertificateData": pem}});
    let created = admin(
        &emu,
        "POST",
        "/trustanchors",
        Some(json!({"name": "ca", "source": source, "enabled": true, "aliasName": "corp/ca"})),
    )
    .await;
    assert_eq!(created.status, 201, "{}", created.body);
    let ta = created.body["trustAnchor"].clone();
    let id = ta["trustAnchorId"].as_str().unwrap().to_owned();
    let arn = ta["trustAnchorArn"].as_str().unwrap().to_owned();
    let alias_arn = ta["aliasArn"].as_str().unwrap().to_owned();
    assert!(alias_arn.ends_with(":alias/trust-anchor/corp/ca"));
    for ident in [id.clone(), encode(&arn), encode(&alias_arn)] {
        let got = admin(&emu, "GET", &format!("/trustanchor/{ident}"), None).await;
        assert_eq!(
            (
                got.status,
                got.body["trustAnchor"]["trustAnchorId"].as_str()
            ),
            (200, Some(id.as_str()))
        );
    }
    let profile = admin(
        &emu,
        "POST",
        "/profiles",
        Some(json!({"name": "p", "roleArns": [emu.info.role_arn], "enabled": true})),
    )
    .await;
    assert_eq!(profile.status, 201);
    let profile_id = profile.body["profile"]["profileId"]
        .as_str()
        .unwrap()
        .to_owned();
    let state_dir = dir.path().to_path_buf();
    drop(emu);

    let emu = start(&state_dir).await;
    let got = admin(&emu, "GET", &format!("/trustanchor/{id}"), None).await;
    assert_eq!(got.status, 200);
    assert_eq!(got.body["trustAnchor"]["aliasName"], "corp/ca");
    let got = admin(&emu, "GET", &format!("/profile/{profile_id}"), None).await;
    assert_eq!(got.body["profile"]["roleArns"], json!([emu.info.role_arn]));
    let listed = admin(&emu, "GET", "/trustanchors?pageSize=1", None).await;
    assert_eq!(listed.body["trustAnchors"].as_array().unwrap().len(), 1);
    let next = listed.body["nextToken"].as_str().unwrap().to_owned();
    let rest = admin(
        &emu,
        "GET",
        &format!("/trustanchors?pageSize=1&nextToken={next}"),
        None,
    )
    .await;
    assert_eq!(rest.body["trustAnchors"].as_array().unwrap().len(), 1);
    assert!(rest.body.get("nextToken").is_none());

    // An alias renamed, then removed: `previousAliasName` only in those answers.
    let renamed = admin(
        &emu,
        "PATCH",
        &format!("/trustanchor/{id}"),
        Some(json!({"aliasName": "corp/ca2"})),
    )
    .await;
    assert_eq!(renamed.body["trustAnchor"]["previousAliasName"], "corp/ca");
    assert_eq!(renamed.body["trustAnchor"]["aliasName"], "corp/ca2");
    let old_alias = admin(
        &emu,
        "GET",
        &format!("/trustanchor/{}", encode(&alias_arn)),
        None,
    )
    .await;
    assert_eq!(old_alias.status, 404);
    let removed = admin(
        &emu,
        "PATCH",
        &format!("/trustanchor/{id}"),
        Some(json!({"aliasName": ""})),
    )
    .await;
    assert_eq!(removed.body["trustAnchor"]["previousAliasName"], "corp/ca2");
    assert!(removed.body["trustAnchor"].get("aliasName").is_none());
    let plain = admin(&emu, "GET", &format!("/trustanchor/{id}"), None).await;
    assert!(plain.body["trustAnchor"].get("previousAliasName").is_none());

    // Deleted with its answer being the deleted anchor; then gone.
    let deleted = admin(&emu, "DELETE", &format!("/trustanchor/{id}"), None).await;
    assert_eq!(
        (
            deleted.status,
            deleted.body["trustAnchor"]["trustAnchorId"].as_str()
        ),
        (200, Some(id.as_str()))
    );
    let gone = admin(&emu, "GET", &format!("/trustanchor/{}", encode(&arn)), None).await;
    assert_eq!(
        (gone.status, gone.error_type.as_deref()),
        (404, Some("ResourceNotFoundException"))
    );

    // /metrics counts each operation and shows the remaining (demo) anchor's days to expiry.
    let text = reqwest::get(format!("{}/metrics", emu.info.endpoint))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        text.contains("rolesanywhere_success_total{operation=\"GetTrustAnchor\"} 2\n"),
        "{text}"
    );
    assert!(text.contains("rolesanywhere_failure_total{operation=\"GetTrustAnchor\",error_type=\"ResourceNotFoundException\"} 2\n"));
    assert_eq!(text.matches("rolesanywhere_days_to_expiry{").count(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn statuses_and_error_types_are_the_models() {
    let dir = tempfile::tempdir().unwrap();
    let emu = start(dir.path()).await;
    let unknown = "00000000-0000-4000-8000-000000000000";
    let cases: Vec<(&str, String, Option<Value>, u16, &str)> = vec![
        (
            "GET",
            format!("/profile/{unknown}"),
            None,
            404,
            "ResourceNotFoundException",
        ),
        (
            "POST",
            format!("/crl/{unknown}/enable"),
            None,
            404,
            "ResourceNotFoundException",
        ),
        (
            "GET",
            format!("/subject/{unknown}"),
            None,
            404,
            "ResourceNotFoundException",
        ),
        (
            "GET",
            "/subject/nope".to_owned(),
            None,
            400,
            "ValidationException",
        ),
        (
            "POST",
            "/profiles".to_owned(),
            Some(json!({"name": "x"})),
            400,
            "ValidationException",
        ),
        (
            "POST",
            "/profiles".to_owned(),
            Some(json!({"name": "x", "roleArns": [], "durationSeconds": 60})),
            400,
            "ValidationException",
        ),
        (
            "POST",
            "/trustanchors".to_owned(),
            Some(
                json!({"name": "x", "source": {"sourceType": "AWS_ACM_PCA", "sourceData": {"acmPcaArn": "arn:aws:acm-pca:us-east-1:123456789012:certificate-authority/x"}}}),
            ),
            400,
            "ValidationException",
        ),
        (
            "GET",
            "/trustanchors?pageSize=0".to_owned(),
            None,
            400,
            "ValidationException",
        ),
        (
            "PATCH",
            "/put-notifications-settings".to_owned(),
            Some(json!({"trustAnchorId": unknown, "notificationSettings": []})),
            404,
            "ResourceNotFoundException",
        ),
    ];
    for (method, path, body, status, error_type) in cases {
        let a = admin(&emu, method, &path, body).await;
        assert_eq!(
            (a.status, a.error_type.as_deref()),
            (status, Some(error_type)),
            "{method} {path}: {}",
            a.body
        );
        assert!(a.body["message"].as_str().is_some_and(|m| !m.is_empty()));
    }
    let created = admin(
        &emu,
        "POST",
        "/profiles",
        Some(json!({"name": "ok", "roleArns": []})),
    )
    .await;
    assert_eq!(created.status, 201);
    assert_eq!(created.body["profile"]["enabled"], false);
    assert_eq!(created.body["profile"]["durationSeconds"], 3600);
    let tagged = admin(&emu, "POST", "/TagResource", Some(json!({"resourceArn": created.body["profile"]["profileArn"], "tags": [{"key": "k", "value": "v"}]}))).await;
    assert_eq!(tagged.status, 201);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unauthenticated_requests_are_refused_with_403() {
    let dir = tempfile::tempdir().unwrap();
    let emu = start(dir.path()).await;
    let unsigned = call(&emu, "GET", "/profiles", None, None).await;
    assert_eq!(
        (unsigned.status, unsigned.error_type.as_deref()),
        (403, Some("MissingAuthenticationTokenException"))
    );
    let wrong = call(&emu, "GET", "/profiles", None, Some("not-the-secret")).await;
    assert_eq!(
        (wrong.status, wrong.error_type.as_deref()),
        (403, Some("InvalidSignatureException"))
    );
    // A write refused at authentication changes nothing.
    let before = admin(&emu, "GET", "/profiles", None).await.body["profiles"]
        .as_array()
        .unwrap()
        .len();
    let refused = call(
        &emu,
        "POST",
        "/profiles",
        Some(json!({"name": "x", "roleArns": []})),
        Some("bad"),
    )
    .await;
    assert_eq!(refused.status, 403);
    assert_eq!(
        admin(&emu, "GET", "/profiles", None).await.body["profiles"]
            .as_array()
            .unwrap()
            .len(),
        before
    );
}
