//! `update`: one profile of a shared credentials file, under concurrent writers and readers.
#![allow(clippy::unwrap_used, clippy::panic)]

mod common;

use std::os::unix::fs::PermissionsExt;
use std::process::{Command, Stdio};
use std::sync::atomic::Ordering;

use common::*;

#[test]
fn update_keeps_other_profiles_under_concurrent_writers_and_readers() {
    let info = emu();
    let dir = temp_dir("update");
    let file = dir.join("credentials");
    std::fs::write(
        &file,
        "# keep me\n[static]\naws_access_key_id = AKIASTATIC\naws_secret_access_key = s\n",
    )
    .unwrap();
    let file_s = file.display().to_string();
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let (f2, s2) = (file.clone(), std::sync::Arc::clone(&stop));
    let reader = std::thread::spawn(move || {
        let mut reads = 0;
        while !s2.load(Ordering::SeqCst) {
            let text = std::fs::read_to_string(&f2).unwrap();
            assert!(
                text.contains("# keep me\n[static]\naws_access_key_id = AKIASTATIC"),
                "torn read: {text}"
            );
            // Every profile a reader sees is whole: its three keys, each with a value.
            for section in text.split("\n[").skip(1).filter(|s| s.starts_with('p')) {
                for key in [
                    "aws_access_key_id = ASIA",
                    "aws_secret_access_key = ",
                    "aws_session_token = ",
                ] {
                    assert!(section.contains(key), "partial profile: [{section}");
                }
            }
            reads += 1;
        }
        reads
    });
    let writers: Vec<_> = (0..6)
        .map(|i| {
            Command::new(BIN)
                .args(with(
                    "update",
                    cred_args(info, if i % 2 == 0 { "rsa" } else { "p256" }),
                    &["--once", "--profile", &format!("p{i}")],
                ))
                .env("AWS_SHARED_CREDENTIALS_FILE", &file_s)
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for w in writers {
        let out = w.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    stop.store(true, Ordering::SeqCst);
    assert!(reader.join().unwrap() > 0);
    let text = std::fs::read_to_string(&file).unwrap();
    for i in 0..6 {
        assert!(
            text.contains(&format!("[p{i}]\naws_access_key_id = ASIA")),
            "profile p{i} lost: {text}"
        );
    }
    assert_eq!(text.matches("aws_session_token").count(), 6);
    assert_eq!(
        std::fs::metadata(&file).unwrap().permissions().mode() & 0o777,
        0o600
    );
    // A second round replaces in place.
    let out = run(
        &with(
            "update",
            cred_args(info, "rsa"),
            &["--once", "--profile", "p0"],
        ),
        &[("AWS_SHARED_CREDENTIALS_FILE", &file_s)],
    );
    assert!(out.status.success());
    let again = std::fs::read_to_string(&file).unwrap();
    assert_eq!(again.matches("[p0]").count(), 1);
    assert_eq!(again.lines().count(), text.lines().count());
}
