//! `credential-process` against the emulator: the helper's output format, endpoint
//! resolution, errors and exit codes, `--cache`, `--debug`, PKCS#12, encrypted PKCS#8, PKCS#11.
#![allow(clippy::unwrap_used, clippy::panic)]

mod common;

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Command;

use common::*;

#[test]
fn credential_process_prints_the_helper_format() {
    let info = emu();
    for name in ["rsa", "p256"] {
        let out = run(&with("credential-process", cred_args(info, name), &[]), &[]);
        let v = json(&out);
        assert_eq!(v["Version"], 1);
        assert!(v["AccessKeyId"].as_str().unwrap().starts_with("ASIA"));
        assert!(!v["SecretAccessKey"].as_str().unwrap().is_empty());
        assert!(!v["SessionToken"].as_str().unwrap().is_empty());
        assert!(v["Expiration"].as_str().unwrap().ends_with('Z'));
        assert_eq!(v.as_object().unwrap().len(), 5);
        assert_ne!(
            out.stdout.last(),
            Some(&b'\n'),
            "the helper prints no trailing newline"
        );
    }
}

#[test]
fn endpoint_from_the_environment_and_errors_exit_1_with_what_to_check() {
    let info = emu();
    let mut args = with("credential-process", cred_args(info, "rsa"), &[]);
    let at = args.iter().position(|a| a == "--endpoint").unwrap();
    args.drain(at..at + 2);
    let out = run(&args, &[("AWS_ENDPOINT_URL_ROLESANYWHERE", &info.endpoint)]);
    json(&out);

    // Missing flag.
    let out = run(
        &[
            "credential-process".into(),
            "--certificate".into(),
            "x".into(),
        ],
        &[],
    );
    assert_eq!(out.status.code(), Some(1));
    // Unknown flag: exit 1 too, as cobra does.
    assert_eq!(
        run(&["credential-process".into(), "--nope".into()], &[])
            .status
            .code(),
        Some(1)
    );
    // Key of another certificate.
    let mut args = with("credential-process", cred_args(info, "rsa"), &[]);
    set_flag(
        &mut args,
        "--private-key",
        info.identity("p256")
            .unwrap()
            .private_key
            .display()
            .to_string(),
    );
    let out = run(&args, &[]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("key_certificate_mismatch"), "{err}");
    assert!(out.stdout.is_empty());
    // A bad CA file.
    let mut args = with("credential-process", cred_args(info, "rsa"), &[]);
    set_flag(
        &mut args,
        "--ca-bundle",
        info.identity("rsa")
            .unwrap()
            .private_key
            .display()
            .to_string(),
    );
    let out = run(&args, &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("invalid_ca_bundle"));
    // A PKCS#11 module that is not there: the message names PKCS#11 and the path.
    let mut args = with(
        "credential-process",
        cred_args(info, "rsa"),
        &["--pkcs11-lib", "/nonexistent/p11.so"],
    );
    set_flag(&mut args, "--private-key", "pkcs11:object=leaf?pin-value=1");
    let out = run(&args, &[]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("PKCS#11")
            && (cfg!(not(feature = "pkcs11")) || err.contains("/nonexistent/p11.so")),
        "{err}"
    );
    // Key stores this build does not have are named, not silently ignored.
    let out = run(
        &with(
            "credential-process",
            cred_args(info, "rsa"),
            &["--tpm-key-password", "x"],
        ),
        &[],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("TPM"));
}

#[test]
fn cache_reuses_credentials_across_invocations_in_a_0600_file() {
    let info = emu();
    let dir = temp_dir("cache").join("entries");
    let args = with("credential-process", cred_args(info, "p256"), &["--cache"]);
    let envs = [("ROLES_ANYWHERE_CACHE_DIR", dir.to_str().unwrap())];
    let a = json(&run(&args, &envs));
    let b = json(&run(&args, &envs));
    assert_eq!(a["AccessKeyId"], b["AccessKeyId"]);
    let files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    let cache = files
        .iter()
        .find(|p| p.extension().is_some_and(|e| e == "json"))
        .unwrap();
    assert_eq!(
        std::fs::metadata(cache).unwrap().permissions().mode() & 0o777,
        0o600
    );
    assert_eq!(
        std::fs::metadata(&dir).unwrap().permissions().mode() & 0o777,
        0o700
    );
    // Without --cache: a new session each time.
    let c = json(&run(
        &with("credential-process", cred_args(info, "p256"), &[]),
        &[],
    ));
    assert_ne!(a["AccessKeyId"], c["AccessKeyId"]);
    // Other parameters, other entry.
    let d = json(&run(
        &with(
            "credential-process",
            cred_args(info, "p256"),
            &["--cache", "--session-duration", "900"],
        ),
        &envs,
    ));
    assert_ne!(a["AccessKeyId"], d["AccessKeyId"]);
}

#[test]
fn debug_shows_the_signing_stages_and_no_secret() {
    let info = emu();
    let out = run(
        &with("credential-process", cred_args(info, "rsa"), &["--debug"]),
        &[],
    );
    let v = json(&out);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("canonical request:\nPOST\n/sessions\n"),
        "{err}"
    );
    assert!(
        err.contains("string to sign:\nAWS4-X509-RSA-SHA256\n"),
        "{err}"
    );
    assert!(err.contains("response: HTTP 201"), "{err}");
    for secret in ["SecretAccessKey", "SessionToken"] {
        let s = v[secret].as_str().unwrap();
        assert!(!err.contains(s), "{secret} printed by --debug");
    }
    let key = std::fs::read_to_string(&info.identity("rsa").unwrap().private_key).unwrap();
    let body_line = key.lines().nth(1).unwrap();
    assert!(!err.contains(body_line), "private key printed");
}

#[test]
fn pkcs12_and_encrypted_pkcs8_identities() {
    let info = emu();
    let id = info.identity("p256").unwrap();
    let dir = temp_dir("p12");
    let p = |p: &Path| p.display().to_string();
    let openssl = |args: &[&str]| run_ok("openssl", args);
    // OpenSSL 3's defaults: PBES2, PBKDF2-HMAC-SHA256, AES-256-CBC.
    let p12 = dir.join("leaf.p12");
    openssl(&[
        "pkcs12",
        "-export",
        "-in",
        &p(&id.certificate),
        "-inkey",
        &p(&id.private_key),
        "-certfile",
        &p(&id.intermediates),
        "-out",
        &p(&p12),
        "-passout",
        "pass:s3cret",
    ]);
    let base = service_args(info);
    let mut args = vec![
        "credential-process".to_owned(),
        "--pkcs12".into(),
        p(&p12),
        "--pkcs8-password".into(),
        "s3cret".into(),
    ];
    args.extend(base.iter().cloned());
    json(&run(&args, &[]));
    // Wrong password: exit 1 and the stable code.
    let at = args.iter().position(|a| a == "s3cret").unwrap();
    args[at] = "wrong".into();
    let out = run(&args, &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("wrong_password"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let enc = dir.join("leaf.enc.pem");
    openssl(&[
        "pkcs8",
        "-topk8",
        "-in",
        &p(&id.private_key),
        "-out",
        &p(&enc),
        "-passout",
        "pass:s3cret",
        "-v2",
        "aes-256-cbc",
    ]);
    let mut args = vec![
        "credential-process".to_owned(),
        "--certificate".into(),
        p(&id.certificate),
        "--private-key".into(),
        p(&enc),
        "--intermediates".into(),
        p(&id.intermediates),
        "--pkcs8-password".into(),
        "s3cret".into(),
    ];
    args.extend(base.iter().cloned());
    json(&run(&args, &[]));
    args.truncate(7);
    args.extend(base.iter().cloned());
    let out = run(&args, &[]);
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("password_required"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
#[cfg(feature = "pkcs11")]
#[test]
fn credential_process_with_a_key_on_a_softhsm_token() {
    const MODULE: &str = "/usr/lib/softhsm/libsofthsm2.so";
    // Not a skip: scripts/install-deps.sh installs SoftHSM, and a missing one is a failure.
    assert!(
        Path::new(MODULE).exists(),
        "SoftHSM not installed: run scripts/install-deps.sh (apt-get install softhsm2)"
    );
    let info = emu();
    let id = info.identity("p256").unwrap();
    let label = format!("ra-cli-{}", std::process::id());
    let util = |args: &[&str]| run_ok("softhsm2-util", args);
    util(&[
        "--init-token",
        "--free",
        "--label",
        &label,
        "--pin",
        "1234",
        "--so-pin",
        "5678",
    ]);
    util(&[
        "--import",
        id.private_key.to_str().unwrap(),
        "--token",
        &label,
        "--label",
        "leaf",
        "--id",
        "01",
        "--pin",
        "1234",
    ]);
    let mut args = with(
        "credential-process",
        cred_args(info, "p256"),
        &["--pkcs11-lib", MODULE],
    );
    set_flag(
        &mut args,
        "--private-key",
        format!("pkcs11:token={label};object=leaf;type=private"),
    );
    let out = run(&args, &[("ROLES_ANYWHERE_PKCS11_PIN", "1234")]);
    let _ = Command::new("softhsm2-util")
        .args(["--delete-token", "--token", &label])
        .output();
    let v = json(&out);
    assert!(v["AccessKeyId"].as_str().unwrap().starts_with("ASIA"));
}

#[test]
fn a_flag_given_twice_takes_its_last_value_as_with_the_helper() {
    let info = emu();
    let args = with(
        "credential-process",
        cred_args(info, "rsa"),
        &["--session-duration", "1200", "--session-duration", "900"],
    );
    let v = json(&run(&args, &[]));
    let exp = roles_anywhere_core::Timestamp::parse(v["Expiration"].as_str().unwrap()).unwrap();
    let left = exp.unix() - roles_anywhere::cache::system_now();
    assert!((800..=900).contains(&left), "{left}");
}

#[test]
fn concurrent_cached_invocations_share_one_session() {
    let info = emu();
    let dir = temp_dir("cache-race").join("entries");
    let args = with("credential-process", cred_args(info, "rsa"), &["--cache"]);
    let children: Vec<_> = (0..8)
        .map(|_| {
            Command::new(BIN)
                .args(&args)
                .env("ROLES_ANYWHERE_CACHE_DIR", &dir)
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let keys: std::collections::HashSet<String> = children
        .into_iter()
        .map(|c| {
            json(&c.wait_with_output().unwrap())["AccessKeyId"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(keys.len(), 1, "{keys:?}");
}
