//! The negative suite: one case each, against a running emulator over real HTTPS, with its
//! expected status and `x-amzn-ErrorType` (SPEC §3; issue 3). Bad certificates are made at
//! test time (rcgen, plus a SHA-1 re-signing); requests are signed with the knobs of
//! `support::Req` (tampering, unsigned headers, wrong serial, wrong algorithm).
#![allow(clippy::unwrap_used, clippy::panic)]

mod support;

use rcgen::{IsCa, KeyUsagePurpose};
use roles_anywhere_core::{Algorithm, Timestamp};
use roles_anywhere_emulator::RunningEmulator;
use support::*;

const FORBIDDEN: (u16, &str) = (403, "AccessDeniedException");
const INVALID: (u16, &str) = (400, "ValidationException");

/// Extra resources: a disabled anchor, disabled/narrow profiles, odd roles.
fn extra(world: &World, crl: Option<&std::path::Path>) -> String {
    let other_policy = trust_policy(&anchor_arn("test"));
    let no_principal = trust_policy(&anchor_arn("test"))
        .replace("rolesanywhere.amazonaws.com", "ec2.amazonaws.com");
    let condition = serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Principal": {"Service": "rolesanywhere.amazonaws.com"},
            "Action": ["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"],
            "Condition": {"StringEquals": {"aws:PrincipalTag/x509Subject/CN": "someone-else"}}
        }]
    })
    .to_string();
    let app = role_arn("app");
    let mut s = format!(
        r#"
[[trust_anchors]]
name = "off"
id = "off"
certificate_file = "root.pem"
enabled = false

[[roles]]
arn = "{other}"
trust_policy = '''{other_policy}'''

[[roles]]
arn = "{np}"
trust_policy = '''{no_principal}'''

[[roles]]
arn = "{cond}"
trust_policy = '''{condition}'''

[[profiles]]
name = "off"
id = "off"
role_arns = ["{app}"]
enabled = false

[[profiles]]
name = "odd"
id = "odd"
role_arns = ["{app}", "{np}", "{cond}"]

[[profiles]]
name = "long"
id = "long"
role_arns = ["{app}"]
duration_seconds = 7200
"#,
        other = role_arn("other"),
        np = role_arn("no-principal"),
        cond = role_arn("condition"),
    );
    if let Some(crl) = crl {
        s.push_str(&format!(
            "\n[[crls]]\nname = \"test-crl\"\ntrust_anchor = \"test\"\ncrl_file = \"{}\"\n",
            crl.display()
        ));
    }
    let _ = world;
    s
}

async fn start(world: &World) -> RunningEmulator {
    world.spawn(&extra(world, None)).await
}

/// Send `req`; expect the status, error type and a message containing `fragment` (which
/// pins the check that refused it).
async fn expect(
    emu: &RunningEmulator,
    req: &Req<'_>,
    expected: (u16, &str),
    fragment: &str,
) -> Answer {
    let a = send(&client(emu), emu, &req.sign(&host(emu))).await;
    assert_eq!(
        (a.status, a.error_type.as_deref()),
        (expected.0, Some(expected.1)),
        "{:?}",
        a.body
    );
    assert!(
        a.body["message"].as_str().is_some_and(|m| !m.is_empty()),
        "{:?}",
        a.body
    );
    let message = a.body["message"].as_str().unwrap_or_default();
    assert!(
        message.contains(fragment),
        "{message:?} does not contain {fragment:?}"
    );
    a
}

/// Send `req`; expect it granted (201).
async fn granted(emu: &RunningEmulator, req: &Req<'_>) -> Answer {
    let a = send(&client(emu), emu, &req.sign(&host(emu))).await;
    assert_eq!(a.status, 201, "{:?}", a.body);
    a
}

fn good(world: &World) -> Leaf {
    issue(&world.root, good_leaf_params("good"), KeyKind::P256)
}

/// The baseline the cases vary: it succeeds.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn baseline_succeeds_p256_and_rsa_through_an_intermediate() {
    let world = World::new();
    let emu = start(&world).await;
    for kind in [KeyKind::P256, KeyKind::Rsa2048] {
        let leaf = issue(&world.int, good_leaf_params("via-int"), kind);
        let mut req = Req::new(&leaf, &world.arns());
        req.chain = vec![world.int.der.clone()];
        granted(&emu, &req).await;
    }
    emu.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tampered_body() {
    let world = World::new();
    let emu = start(&world).await;
    let leaf = good(&world);
    let req = Req::new(&leaf, &world.arns());
    let mut signed = req.sign(&host(&emu));
    signed.body = br#"{"durationSeconds":900}"#.to_vec();
    let a = send(&client(&emu), &emu, &signed).await;
    assert_eq!(
        (a.status, a.error_type.as_deref()),
        (403, Some("AccessDeniedException"))
    );
    assert_eq!(a.body["message"], "Invalid signature");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tampered_signed_header() {
    let world = World::new();
    let emu = start(&world).await;
    let leaf = good(&world);
    let mut signed = Req::new(&leaf, &world.arns()).sign(&host(&emu));
    for (n, v) in &mut signed.headers {
        if n.eq_ignore_ascii_case("content-type") {
            *v = "application/json; charset=utf-8".into();
        }
    }
    let a = send(&client(&emu), &emu, &signed).await;
    assert_eq!(
        (a.status, a.error_type.as_deref()),
        (403, Some("AccessDeniedException"))
    );
    assert_eq!(a.body["message"], "Invalid signature");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unsigned_x_amz_x509() {
    let world = World::new();
    let emu = start(&world).await;
    let leaf = good(&world);
    let mut req = Req::new(&leaf, &world.arns());
    req.sign_x509 = false;
    expect(&emu, &req, FORBIDDEN, "Invalid signature").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn date_outside_the_window() {
    let world = World::new();
    let emu = start(&world).await;
    let leaf = good(&world);
    let mut req = Req::new(&leaf, &world.arns());
    req.date = Timestamp::from_unix(now().unix() - 301);
    let a = expect(&emu, &req, FORBIDDEN, "Signature expired").await;
    assert!(
        a.body["message"]
            .as_str()
            .unwrap()
            .starts_with("Signature expired"),
        "{:?}",
        a.body
    );
    // Inside the window (4 minutes) is fine, both ways.
    for skew in [-240, 240] {
        req.date = Timestamp::from_unix(now().unix() + skew);
        let a = send(&client(&emu), &emu, &req.sign(&host(&emu))).await;
        assert_eq!(a.status, 201, "{skew}: {:?}", a.body);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_serial_in_credential() {
    let world = World::new();
    let emu = start(&world).await;
    let leaf = good(&world);
    let mut req = Req::new(&leaf, &world.arns());
    req.credential = Some("12345".into());
    expect(&emu, &req, FORBIDDEN, "Invalid signature").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn credential_scope_in_another_region() {
    let world = World::new();
    let emu = start(&world).await;
    let leaf = good(&world);
    let mut req = Req::new(&leaf, &world.arns());
    req.region = Some("eu-west-1".into());
    expect(&emu, &req, FORBIDDEN, "Invalid signature").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn algorithm_that_does_not_match_the_key() {
    let world = World::new();
    let emu = start(&world).await;
    let leaf = good(&world); // P-256, signed with ECDSA but named RSA.
    let mut req = Req::new(&leaf, &world.arns());
    req.algorithm = Some(Algorithm::RsaSha256);
    expect(&emu, &req, FORBIDDEN, "Invalid signature").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sha1_signed_leaf() {
    let world = World::new();
    let emu = start(&world).await;
    let mut leaf = good(&world);
    leaf.der = resign_sha1(&leaf.der, &world.root);
    let a = expect(
        &emu,
        &Req::new(&leaf, &world.arns()),
        FORBIDDEN,
        "ecdsa-with-SHA1",
    )
    .await;
    assert!(
        a.body["message"].as_str().unwrap().contains("SHA"),
        "{:?}",
        a.body
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ca_true_leaf() {
    let world = World::new();
    let emu = start(&world).await;
    let mut p = good_leaf_params("ca-leaf");
    p.is_ca = IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    p.key_usages = vec![
        KeyUsagePurpose::DigitalSignature,
        KeyUsagePurpose::KeyCertSign,
    ];
    let leaf = issue(&world.root, p, KeyKind::P256);
    expect(&emu, &Req::new(&leaf, &world.arns()), FORBIDDEN, "CA:true").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_digital_signature_usage() {
    let world = World::new();
    let emu = start(&world).await;
    let mut p = good_leaf_params("no-ds");
    p.key_usages = vec![KeyUsagePurpose::KeyEncipherment];
    let leaf = issue(&world.root, p, KeyKind::Rsa2048);
    expect(
        &emu,
        &Req::new(&leaf, &world.arns()),
        FORBIDDEN,
        "digitalSignature",
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn expired_and_not_yet_valid_leaf() {
    let world = World::new();
    let emu = start(&world).await;
    let t = now().unix();
    for (from, until, why) in [
        (t - 86_400 * 10, t - 86_400, "expired"),
        (t + 86_400, t + 86_400 * 10, "not yet valid"),
    ] {
        let mut p = good_leaf_params("dates");
        p.not_before =
            roles_anywhere_emulator::pki::offset_date_time(Timestamp::from_unix(from)).unwrap();
        p.not_after =
            roles_anywhere_emulator::pki::offset_date_time(Timestamp::from_unix(until)).unwrap();
        let leaf = issue(&world.root, p, KeyKind::P256);
        expect(&emu, &Req::new(&leaf, &world.arns()), FORBIDDEN, why).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_issuer() {
    let world = World::new();
    let emu = start(&world).await;
    let stranger = Ca::root("Stranger Root");
    let leaf = issue(&stranger, good_leaf_params("stranger"), KeyKind::P256);
    let a = expect(
        &emu,
        &Req::new(&leaf, &world.arns()),
        FORBIDDEN,
        "unknown issuer",
    )
    .await;
    assert!(
        a.body["message"]
            .as_str()
            .unwrap()
            .starts_with("Untrusted signing certificate"),
        "{:?}",
        a.body
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn disabled_anchor() {
    let world = World::new();
    let emu = start(&world).await;
    let leaf = good(&world);
    let mut req = Req::new(&leaf, &world.arns());
    req.arns.0 = anchor_arn("off");
    expect(&emu, &req, FORBIDDEN, "Untrusted signing certificate").await;
    // An anchor that does not exist at all.
    req.arns.0 = anchor_arn("nope");
    expect(&emu, &req, (404, "ResourceNotFoundException"), "not found").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn revoked_by_crl() {
    let world = World::new();
    let revoked = good(&world);
    let fine = good(&world);
    let crl = world.write(
        "test.crl",
        &world.root.crl(std::slice::from_ref(&revoked.serial)),
    );
    let emu = world.spawn(&extra(&world, Some(&crl))).await;
    let a = expect(
        &emu,
        &Req::new(&revoked, &world.arns()),
        FORBIDDEN,
        "revoked",
    )
    .await;
    assert!(
        a.body["message"]
            .as_str()
            .unwrap()
            .to_lowercase()
            .contains("revoked"),
        "{:?}",
        a.body
    );
    granted(&emu, &Req::new(&fine, &world.arns())).await;
    emu.shutdown().await;

    // The same CRL, disabled: the revoked certificate authenticates again.
    let extra_off = extra(&world, Some(&crl)).replace(
        "trust_anchor = \"test\"\n",
        "trust_anchor = \"test\"\nenabled = false\n",
    );
    let emu = world.spawn(&extra_off).await;
    granted(&emu, &Req::new(&revoked, &world.arns())).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chain_of_six() {
    let world = World::new();
    let emu = start(&world).await;
    let mut cas = vec![world.root.intermediate("int-1")];
    for i in 2..=6 {
        let next = cas.last().unwrap().intermediate(&format!("int-{i}"));
        cas.push(next);
    }
    let leaf = issue(cas.last().unwrap(), good_leaf_params("deep"), KeyKind::P256);
    let mut req = Req::new(&leaf, &world.arns());
    req.chain = cas.iter().rev().map(|c| c.der.clone()).collect();
    expect(&emu, &req, INVALID, "at most 5").await;
    // Five intermediates are accepted.
    let leaf5 = issue(&cas[4], good_leaf_params("five"), KeyKind::P256);
    let mut req = Req::new(&leaf5, &world.arns());
    req.chain = cas[..5].iter().rev().map(|c| c.der.clone()).collect();
    granted(&emu, &req).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn disabled_profile() {
    let world = World::new();
    let emu = start(&world).await;
    let leaf = good(&world);
    let mut req = Req::new(&leaf, &world.arns());
    req.arns.1 = profile_arn("off");
    expect(&emu, &req, FORBIDDEN, "disabled").await;
    req.arns.1 = profile_arn("nope");
    expect(&emu, &req, (404, "ResourceNotFoundException"), "not found").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn role_not_in_profile() {
    let world = World::new();
    let emu = start(&world).await;
    let leaf = good(&world);
    let mut req = Req::new(&leaf, &world.arns());
    req.arns.2 = role_arn("other");
    expect(&emu, &req, FORBIDDEN, "is not one of the roles").await;
    // Authenticated, then refused: recorded on the Subject as a failed authentication.
    let subjects = emu.store().read().subjects.clone();
    assert_eq!(subjects.len(), 1);
    assert!(
        subjects[0].x509_subject.contains("CN=good"),
        "{}",
        subjects[0].x509_subject
    );
    assert!(subjects[0].credentials[0].failed);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn trust_policy_without_the_service_principal() {
    let world = World::new();
    let emu = start(&world).await;
    let leaf = good(&world);
    let mut req = Req::new(&leaf, &world.arns());
    req.arns.1 = profile_arn("odd");
    req.arns.2 = role_arn("no-principal");
    let a = expect(&emu, &req, FORBIDDEN, "Unable to assume role").await;
    assert_eq!(
        a.body["message"],
        format!("Unable to assume role for {}", role_arn("no-principal"))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn condition_false() {
    let world = World::new();
    let emu = start(&world).await;
    let leaf = good(&world); // CN=good, the policy wants someone-else
    let mut req = Req::new(&leaf, &world.arns());
    req.arns.1 = profile_arn("odd");
    req.arns.2 = role_arn("condition");
    expect(&emu, &req, FORBIDDEN, "Unable to assume role").await;
    // The same role, through the same profile, for the CN it names.
    let other = issue(&world.root, good_leaf_params("someone-else"), KeyKind::P256);
    let mut req = Req::new(&other, &world.arns());
    req.arns.1 = profile_arn("odd");
    req.arns.2 = role_arn("condition");
    granted(&emu, &req).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn session_name_not_accepted() {
    let world = World::new();
    let emu = start(&world).await;
    let leaf = good(&world);
    let mut req = Req::new(&leaf, &world.arns());
    req.arns.1 = profile_arn("odd"); // acceptRoleSessionName defaults to false
    req.body = r#"{"durationSeconds":3600,"roleSessionName":"alice"}"#.into();
    expect(&emu, &req, FORBIDDEN, "not accepted").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn duration_above_the_role_maximum() {
    let world = World::new();
    let emu = start(&world).await;
    let leaf = good(&world);
    let mut req = Req::new(&leaf, &world.arns());
    req.arns.1 = profile_arn("long"); // profile 7200, role maximum 3600
    req.body = r#"{"durationSeconds":7200}"#.into();
    expect(&emu, &req, INVALID, "MaxSessionDuration").await;
    // min(profile 7200, request 3600) is within the role's maximum.
    req.body = r#"{"durationSeconds":3600}"#.into();
    granted(&emu, &req).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_inputs_are_validation_errors() {
    let world = World::new();
    let emu = start(&world).await;
    let leaf = good(&world);
    for body in [
        r#"{"durationSeconds":100}"#,
        r#"{"durationSeconds":3600,"roleSessionName":"x"}"#,
        "{not json",
    ] {
        let mut req = Req::new(&leaf, &world.arns());
        req.body = body.into();
        expect(&emu, &req, INVALID, "").await;
    }
    let mut req = Req::new(&leaf, &world.arns());
    req.arns.0 = "arn:aws:rolesanywhere:us-east-1:123456789012:profile/wrong-kind".into();
    expect(&emu, &req, INVALID, "trustAnchorArn").await;
    // No X-Amz-X509 at all.
    let mut signed = Req::new(&leaf, &world.arns()).sign(&host(&emu));
    signed
        .headers
        .retain(|(n, _)| !n.eq_ignore_ascii_case("x-amz-x509"));
    let a = send(&client(&emu), &emu, &signed).await;
    assert_eq!((a.status, a.error_type.as_deref()), INVALID_PAIR);
}

const INVALID_PAIR: (u16, Option<&str>) = (400, Some("ValidationException"));

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn throttled_per_certificate_and_per_ip() {
    let world = World::new();
    let emu = world
        .spawn_with(&extra(&world, None), |o| {
            o.throttle = Some(roles_anywhere_emulator::ThrottleConfig {
                per_certificate_per_second: 1,
                per_ip_per_second: 0,
            })
        })
        .await;
    let leaf = good(&world);
    let other = issue(&world.root, good_leaf_params("other"), KeyKind::P256);
    let c = client(&emu);
    let mut statuses = Vec::new();
    for _ in 0..8 {
        statuses.push(
            send(&c, &emu, &Req::new(&leaf, &world.arns()).sign(&host(&emu)))
                .await
                .status,
        );
    }
    // One token of burst, one more per second: eight quick requests cannot all pass.
    assert_eq!(statuses[0], 201, "{statuses:?}");
    assert!(statuses.contains(&429), "{statuses:?}");
    // Another certificate from the same IP is not throttled by the first one's bucket.
    let a = send(&c, &emu, &Req::new(&other, &world.arns()).sign(&host(&emu))).await;
    assert_eq!(a.status, 201, "{:?}", a.body);
    emu.shutdown().await;

    let emu = world
        .spawn_with(&extra(&world, None), |o| {
            o.throttle = Some(roles_anywhere_emulator::ThrottleConfig {
                per_certificate_per_second: 0,
                per_ip_per_second: 1,
            })
        })
        .await;
    let c = client(&emu);
    let mut statuses = Vec::new();
    for i in 0..8 {
        let l = if i % 2 == 0 { &leaf } else { &other };
        let a = send(&c, &emu, &Req::new(l, &world.arns()).sign(&host(&emu))).await;
        if a.status == 429 {
            assert_eq!(a.error_type.as_deref(), Some("ThrottlingException"));
        }
        statuses.push(a.status);
    }
    assert!(statuses.contains(&429), "{statuses:?}");
}
