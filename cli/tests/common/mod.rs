//! Shared by the CLI test binaries: the emulator (in-process, HTTPS on loopback), the
//! binary, and the flags a user would write.
#![allow(dead_code, clippy::unwrap_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

use roles_anywhere_emulator::{EmulatorOptions, ReadyInfo, RunningEmulator, ThrottleConfig};

pub const BIN: &str = env!("CARGO_BIN_EXE_roles-anywhere");

pub fn temp_dir(tag: &str) -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let d = std::env::temp_dir().join(format!(
        "ra-cli-{tag}-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    ));
    std::fs::create_dir_all(&d).unwrap();
    d
}

pub fn emu() -> &'static ReadyInfo {
    static EMU: OnceLock<RunningEmulator> = OnceLock::new();
    &EMU.get_or_init(|| {
        let mut o = EmulatorOptions::new(temp_dir("emu"));
        o.throttle = Some(ThrottleConfig::OFF);
        roles_anywhere_emulator::spawn_blocking(o).unwrap()
    })
    .info
}

/// The credential flags for identity `name`, as a user would write them.
pub fn cred_args(info: &ReadyInfo, name: &str) -> Vec<String> {
    let id = info.identity(name).unwrap();
    let p = |p: &Path| p.display().to_string();
    [
        "--certificate".into(),
        p(&id.certificate),
        "--private-key".into(),
        p(&id.private_key),
        "--intermediates".into(),
        p(&id.intermediates),
    ]
    .into_iter()
    .chain(service_args(info))
    .collect()
}

/// The flags naming the service side (anchor, profile, role, endpoint, CA bundle), as a
/// user would write them after the identity's.
pub fn service_args(info: &ReadyInfo) -> Vec<String> {
    vec![
        "--trust-anchor-arn".into(),
        info.trust_anchor_arn.clone(),
        "--profile-arn".into(),
        info.profile_arn.clone(),
        "--role-arn".into(),
        info.role_arn.clone(),
        "--endpoint".into(),
        info.endpoint.clone(),
        "--ca-bundle".into(),
        info.ca_bundle.as_ref().unwrap().display().to_string(),
    ]
}

/// Run `program` with `args` (a tool the test needs: openssl, softhsm2-util); it must
/// succeed.
pub fn run_ok(program: &str, args: &[&str]) {
    let out = Command::new(program).args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{program} {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Replace the value of `flag` in `args` (the flag must be there).
pub fn set_flag(args: &mut [String], flag: &str, value: impl Into<String>) {
    let at = args.iter().position(|a| a == flag).unwrap();
    args[at + 1] = value.into();
}

pub fn run(args: &[String], envs: &[(&str, &str)]) -> Output {
    let mut c = Command::new(BIN);
    c.args(args)
        .env_remove("AWS_ENDPOINT_URL")
        .env_remove("AWS_ENDPOINT_URL_ROLESANYWHERE")
        .env_remove("AWS_CA_BUNDLE");
    for (k, v) in envs {
        c.env(k, v);
    }
    c.output().unwrap()
}

pub fn with(cmd: &str, mut rest: Vec<String>, extra: &[&str]) -> Vec<String> {
    rest.insert(0, cmd.into());
    rest.extend(extra.iter().map(|s| (*s).to_owned()));
    rest
}

pub fn json(out: &Output) -> serde_json::Value {
    assert!(
        out.status.success(),
        "exit {:?}: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}
