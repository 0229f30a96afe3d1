//! CreateSession and GetCallerIdentity against a running emulator over real HTTPS: the demo
//! defaults with the core's client-side signing (RSA-2048 and P-256), the answer shape of
//! SPEC §1, ARNs in the body, session names, durations, state across a restart.
#![allow(clippy::unwrap_used, clippy::panic)]

mod support;

use roles_anywhere_core::sigv4::hmac::{HmacCredentials, sign_request};
use roles_anywhere_core::sigv4::{HttpRequest, Settings};
use roles_anywhere_core::{CreateSession, Identity, parse_create_session_response};
use roles_anywhere_emulator::{EmulatorOptions, RunningEmulator, ThrottleConfig};
use support::*;

async fn demo(dir: &std::path::Path) -> RunningEmulator {
    let mut opts = EmulatorOptions::new(dir);
    opts.throttle = Some(ThrottleConfig::OFF);
    roles_anywhere_emulator::spawn(opts).await.unwrap()
}

fn identity(emu: &RunningEmulator, name: &str) -> Identity {
    let id = emu.info.identity(name).unwrap();
    Identity::from_parts(
        &read(&id.certificate),
        Some(&read(&id.private_key)),
        Some(&read(&id.intermediates)),
        None,
    )
    .unwrap()
}

async fn create(emu: &RunningEmulator, name: &str, params: CreateSession) -> (u16, String) {
    let identity = identity(emu, name);
    let signed = params
        .with_endpoint(emu.info.endpoint.clone())
        .sign(&identity, identity.private_key().unwrap(), now().amz_date())
        .unwrap();
    let mut r = client(emu).post(&signed.url);
    for (n, v) in &signed.headers {
        if !n.eq_ignore_ascii_case("host") {
            r = r.header(n.as_str(), v.as_str());
        }
    }
    let resp = r.body(signed.body.clone()).send().await.unwrap();
    (resp.status().as_u16(), resp.text().await.unwrap())
}

async fn caller_identity(
    emu: &RunningEmulator,
    akid: &str,
    secret: &str,
    token: &str,
) -> (u16, String) {
    let mut req = HttpRequest::new("POST", "/")
        .with_header("Host", host(emu))
        .with_header(
            "Content-Type",
            "application/x-www-form-urlencoded; charset=utf-8",
        )
        .with_body(b"Action=GetCallerIdentity&Version=2011-06-15".to_vec());
    let creds = HmacCredentials {
        access_key_id: akid,
        secret_access_key: secret,
        session_token: Some(token),
    };
    sign_request(
        &mut req,
        &creds,
        REGION,
        "sts",
        now().amz_date(),
        &Settings::default(),
    )
    .unwrap();
    let mut r = client(emu).post(format!("{}/", emu.info.sts_endpoint));
    for (n, v) in &req.headers {
        if !n.eq_ignore_ascii_case("host") {
            r = r.header(n.as_str(), v.as_str());
        }
    }
    let resp = r.body(req.body.clone()).send().await.unwrap();
    (resp.status().as_u16(), resp.text().await.unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_identities_get_credentials_that_sts_accepts() {
    let dir = tempfile::tempdir().unwrap();
    let emu = demo(dir.path()).await;
    assert!(emu.info.endpoint.starts_with("https://127.0.0.1:"));
    for name in ["p256", "rsa"] {
        let (status, body) = create(
            &emu,
            name,
            CreateSession::new(
                &emu.info.trust_anchor_arn,
                &emu.info.profile_arn,
                &emu.info.role_arn,
            ),
        )
        .await;
        assert_eq!(status, 201, "{name}: {body}");
        let json: serde_json::Value = serde_json::from_str(&body).unwrap();
        let set = &json["credentialSet"][0];
        let id = identity(&emu, name);
        // The default session name: the serial's big-endian bytes in hex.
        let serial_hex: String = id
            .leaf()
            .serial_bytes()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        let role_name = emu.info.role_arn.rsplit('/').next().unwrap();
        assert_eq!(
            set["assumedRoleUser"]["arn"],
            format!(
                "arn:aws:sts::{}:assumed-role/{role_name}/{serial_hex}",
                emu.info.account_id
            )
        );
        assert!(
            set["assumedRoleUser"]["assumedRoleId"]
                .as_str()
                .unwrap()
                .starts_with("AROA")
        );
        assert_eq!(set["roleArn"], emu.info.role_arn.as_str());
        assert_eq!(set["sourceIdentity"], format!("CN=demo-{name}"));
        assert!(set["packedPolicySize"].is_u64());
        assert!(json["subjectArn"].as_str().unwrap().contains(":subject/"));
        let creds = parse_create_session_response(
            201,
            &[("content-type", "application/json")],
            body.as_bytes(),
        )
        .unwrap();
        assert!(creds.access_key_id.starts_with("ASIA"));
        let left = creds.expiration.unix() - now().unix();
        assert!((3590..=3600).contains(&left), "expiration in {left} s");

        let (status, xml) = caller_identity(
            &emu,
            &creds.access_key_id,
            &creds.secret_access_key,
            &creds.session_token,
        )
        .await;
        assert_eq!(status, 200, "{xml}");
        assert!(
            xml.contains(&format!(
                "<Arn>{}</Arn>",
                set["assumedRoleUser"]["arn"].as_str().unwrap()
            )),
            "{xml}"
        );
        assert!(xml.contains(&format!("<Account>{}</Account>", emu.info.account_id)));

        // A wrong secret, another key's token, an expired token.
        let (status, xml) = caller_identity(
            &emu,
            &creds.access_key_id,
            "wrong-secret-wrong-secret-wrong-secret00",
            &creds.session_token,
        )
        .await;
        assert_eq!(status, 403);
        assert!(xml.contains("<Code>SignatureDoesNotMatch</Code>"), "{xml}");
        let (status, xml) = caller_identity(
            &emu,
            &creds.access_key_id,
            &creds.secret_access_key,
            "forged.token",
        )
        .await;
        assert_eq!(status, 403);
        assert!(xml.contains("<Code>InvalidClientTokenId</Code>"), "{xml}");
        emu.clock().set_offset(3601);
        let (status, xml) = caller_identity(
            &emu,
            &creds.access_key_id,
            &creds.secret_access_key,
            &creds.session_token,
        )
        .await;
        emu.clock().set_offset(0);
        assert_eq!(status, 403);
        assert!(xml.contains("<Code>ExpiredToken</Code>"), "{xml}");
    }
    // Subjects were recorded, one per identity.
    let subjects = emu.store().read().subjects.clone();
    assert_eq!(subjects.len(), 2);
    assert!(subjects.iter().all(|s| s.credentials.len() == 1
        && !s.credentials[0].failed
        && s.last_seen_at >= s.created_at));
    emu.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn session_name_duration_and_restart() {
    let dir = tempfile::tempdir().unwrap();
    let emu = demo(dir.path()).await;
    let info = emu.info.clone();
    let params = || CreateSession::new(&info.trust_anchor_arn, &info.profile_arn, &info.role_arn);
    let (status, body) = create(
        &emu,
        "p256",
        params()
            .with_role_session_name("alice@example.com")
            .with_duration_seconds(900),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    let creds = parse_create_session_response(201, &[], body.as_bytes()).unwrap();
    assert!(
        creds
            .assumed_role_arn
            .clone()
            .unwrap()
            .ends_with("/alice@example.com")
    );
    let left = creds.expiration.unix() - now().unix();
    assert!((890..=900).contains(&left), "{left}");
    // Above the profile's 3600: min(profile, request) = 3600, within the role's 3600.
    let (status, body) = create(&emu, "p256", params().with_duration_seconds(7200)).await;
    assert_eq!(status, 201, "{body}");
    emu.shutdown().await;

    // Same data dir: same ARNs, same admin key; old credentials still check out.
    let emu = demo(dir.path()).await;
    assert_eq!(emu.info.trust_anchor_arn, info.trust_anchor_arn);
    assert_eq!(emu.info.admin_access_key_id, info.admin_access_key_id);
    assert_eq!(emu.store().read().subjects.len(), 1);
    let (status, xml) = caller_identity(
        &emu,
        &creds.access_key_id,
        &creds.secret_access_key,
        &creds.session_token,
    )
    .await;
    assert_eq!(status, 200, "{xml}");
    emu.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn arns_in_the_json_body_as_the_user_guide_shows() {
    let world = World::new();
    let emu = world.spawn("").await;
    let leaf = issue(&world.root, good_leaf_params("body-arns"), KeyKind::P256);
    let arns = world.arns();
    let mut req = Req::new(&leaf, &arns);
    req.arns_in_body = true;
    req.body = serde_json::json!({
        "durationSeconds": 1800, "trustAnchorArn": arns.anchor, "profileArn": arns.profile, "roleArn": arns.role
    })
    .to_string();
    let a = send(&client(&emu), &emu, &req.sign(&host(&emu))).await;
    assert_eq!(a.status, 201, "{:?}", a.body);
    assert_eq!(a.body["credentialSet"][0]["sourceIdentity"], "CN=body-arns");
    emu.shutdown().await;
}

#[test]
fn spawn_blocking_serves_without_a_runtime() {
    let dir = tempfile::tempdir().unwrap();
    let mut opts = EmulatorOptions::new(dir.path());
    opts.tls = false;
    let emu = roles_anywhere_emulator::spawn_blocking(opts).unwrap();
    assert!(emu.info.endpoint.starts_with("http://127.0.0.1:"));
    assert!(emu.info.ca_bundle.is_none());
    for id in emu.info.identities.values() {
        assert!(id.certificate.is_file() && id.private_key.is_file() && id.intermediates.is_file());
    }
    let json = serde_json::to_string(&emu.info).unwrap();
    let back: roles_anywhere_emulator::ReadyInfo = serde_json::from_str(&json).unwrap();
    assert_eq!(back, emu.info);
    assert!(!format!("{:?}", emu.info).contains(&emu.info.admin_secret_access_key));
    // An unsigned GetCallerIdentity is refused over plain HTTP.
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let status = rt.block_on(async {
        reqwest::get(format!(
            "{}/?Action=GetCallerIdentity&Version=2011-06-15",
            emu.info.endpoint
        ))
        .await
        .unwrap()
        .status()
        .as_u16()
    });
    assert_eq!(status, 403);
    drop(emu);
}
