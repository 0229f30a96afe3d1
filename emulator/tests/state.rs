//! State and configuration: a TOML config declares the resources (instead of the demo),
//! they survive a restart with their ids and creation times, the state file is replaced
//! atomically, and bad configurations are refused at start.
#![allow(clippy::unwrap_used, clippy::panic)]

mod support;

use roles_anywhere_emulator::state::{Store, write_atomically};
use support::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn config_resources_replace_the_demo_and_survive_restarts() {
    let world = World::new();
    let emu = world.spawn("").await;
    let arns = world.arns();
    assert_eq!(emu.info.trust_anchor_arn, arns.anchor);
    assert_eq!(emu.info.profile_arn, arns.profile);
    assert_eq!(emu.info.role_arn, arns.role);
    let (anchors, profiles, created) = {
        let s = emu.store().read();
        (
            s.trust_anchors.len(),
            s.profiles.len(),
            s.trust_anchors[0].created_at.clone(),
        )
    };
    assert_eq!(
        (anchors, profiles),
        (1, 1),
        "no demo resources next to a config"
    );
    let leaf = issue(&world.root, good_leaf_params("persist"), KeyKind::P256);
    let a = send(
        &client(&emu),
        &emu,
        &Req::new(&leaf, &arns).sign(&host(&emu)),
    )
    .await;
    assert_eq!(a.status, 201, "{:?}", a.body);
    let subject_arn = a.body["subjectArn"].as_str().unwrap().to_owned();
    emu.shutdown().await;

    // The file on disk is complete JSON with the subject, and a restart keeps everything.
    let text = std::fs::read_to_string(world.path("data").join(Store::FILE)).unwrap();
    let on_disk: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(on_disk["subjects"][0]["subjectArn"], subject_arn.as_str());
    assert!(
        on_disk["subjects"][0]["x509Subject"]
            .as_str()
            .unwrap()
            .contains("CN=persist")
    );
    let emu = world.spawn("").await;
    let s = emu.store().read().clone();
    assert_eq!(s.trust_anchors.len(), 1);
    assert_eq!(s.trust_anchors[0].created_at, created);
    assert_eq!(s.subjects.len(), 1);
    assert_eq!(s.subjects[0].subject_arn, subject_arn);
    drop(emu);
    let leftovers: Vec<_> = std::fs::read_dir(world.path("data"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_configurations_are_refused_at_start() {
    let world = World::new();
    for (extra, why) in [
        (
            "[[roles]]\narn = \"arn:aws:iam::123456789012:role/x\"\ntrust_policy = '{}'\nmax_session_duration = 100\n",
            "max_session_duration",
        ),
        (
            "[[roles]]\narn = \"arn:aws:iam::123456789012:role/x\"\ntrust_policy = 'not json'\n",
            "not JSON",
        ),
        ("unknown_key = 1\n", "unknown"),
        (
            "[[crls]]\nname = \"c\"\ntrust_anchor = \"nope\"\ncrl_pem = \"x\"\n",
            "crl c",
        ),
    ] {
        let config = world.config(extra);
        let mut opts =
            roles_anywhere_emulator::EmulatorOptions::new(world.path(&format!("bad-{why}")));
        opts.config = Some(config);
        let err = roles_anywhere_emulator::spawn(opts).await.unwrap_err();
        assert!(format!("{err:#}").contains(why), "{why}: {err:#}");
    }
}

#[test]
fn atomic_replacement_never_leaves_a_partial_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.json");
    for i in 0..20 {
        let body = format!("{{\"n\":{i},\"pad\":\"{}\"}}", "x".repeat(i * 1000));
        write_atomically(&path, body.as_bytes()).unwrap();
        let read: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        assert_eq!(read["n"], i);
    }
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names.len(), 1, "{names:?}");
    // A directory that does not exist: an error, and nothing half-written anywhere.
    assert!(write_atomically(&dir.path().join("missing/state.json"), b"{}").is_err());
}

/// A CRL imported (or an anchor disabled) after a certificate authenticated takes effect on
/// its next request, although successful validations are remembered for a minute.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn changes_take_effect_at_once_despite_the_validation_memo() {
    use base64ct::{Base64, Encoding};
    let world = World::new();
    let emu = world.spawn("").await;
    let leaf = issue(&world.root, good_leaf_params("memo"), KeyKind::P256);
    let arns = world.arns();
    let c = client(&emu);
    for _ in 0..2 {
        let a = send(&c, &emu, &Req::new(&leaf, &arns).sign(&host(&emu))).await;
        assert_eq!(a.status, 201, "{:?}", a.body);
    }
    let crl = world.root.crl(std::slice::from_ref(&leaf.serial));
    emu.store()
        .update(true, |s| {
            s.crls.push(roles_anywhere_emulator::state::Crl {
                crl_id: "c1".into(),
                crl_arn: format!("arn:aws:rolesanywhere:{REGION}:{ACCOUNT}:crl/c1"),
                name: "c1".into(),
                enabled: true,
                trust_anchor_arn: arns.anchor.clone(),
                crl_data: Base64::encode_string(&crl),
                created_at: "2024-01-01T00:00:00Z".into(),
                updated_at: "2024-01-01T00:00:00Z".into(),
            })
        })
        .unwrap();
    let a = send(&c, &emu, &Req::new(&leaf, &arns).sign(&host(&emu))).await;
    assert_eq!(a.status, 403, "{:?}", a.body);
    assert!(a.body["message"].as_str().unwrap().contains("revoked"));

    emu.store().update(true, |s| s.crls.clear()).unwrap();
    let a = send(&c, &emu, &Req::new(&leaf, &arns).sign(&host(&emu))).await;
    assert_eq!(a.status, 201, "{:?}", a.body);
    emu.store()
        .update(true, |s| s.trust_anchors[0].enabled = false)
        .unwrap();
    let a = send(&c, &emu, &Req::new(&leaf, &arns).sign(&host(&emu))).await;
    assert_eq!(a.status, 403, "{:?}", a.body);
}

/// Parallel tests that share one fresh data directory get one demo PKI and one state.
#[test]
fn concurrent_starts_on_one_data_dir_agree() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().to_path_buf();
    let starts: Vec<_> = (0..3)
        .map(|_| {
            let p = path.clone();
            std::thread::spawn(move || {
                let mut opts = roles_anywhere_emulator::EmulatorOptions::new(p);
                opts.tls = false;
                roles_anywhere_emulator::spawn_blocking(opts).unwrap()
            })
        })
        .collect();
    let emus: Vec<_> = starts.into_iter().map(|t| t.join().unwrap()).collect();
    for e in &emus[1..] {
        assert_eq!(e.info.trust_anchor_arn, emus[0].info.trust_anchor_arn);
        assert_eq!(e.info.admin_access_key_id, emus[0].info.admin_access_key_id);
    }
    let root = std::fs::read(&emus[0].info.root_ca).unwrap();
    let anchor_pem = emus[0].store().read().trust_anchors[0]
        .source
        .source_data
        .x509_certificate_data
        .clone()
        .unwrap();
    assert_eq!(
        anchor_pem.as_bytes(),
        &root[..],
        "the anchor holds the root on disk"
    );
}
