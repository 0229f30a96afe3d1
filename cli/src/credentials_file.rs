//! Editing one profile of the shared credentials file (`~/.aws/credentials`, or
//! `AWS_SHARED_CREDENTIALS_FILE`): the profile's three keys are replaced or added, every
//! other line (other profiles, comments, other keys) is kept as it was. Written under an
//! advisory lock on a sidecar file, by write-then-rename with mode 0600, so concurrent
//! readers see the old or the new file and concurrent writers never lose each other's
//! profiles.

use std::fs::OpenOptions;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

use roles_anywhere::core::Credentials;
use zeroize::Zeroize;

use crate::file_cache::write_atomic;

const KEYS: [&str; 3] = [
    "aws_access_key_id",
    "aws_secret_access_key",
    "aws_session_token",
];

/// `AWS_SHARED_CREDENTIALS_FILE`, else `~/.aws/credentials`.
pub fn default_path() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("AWS_SHARED_CREDENTIALS_FILE").filter(|p| !p.is_empty()) {
        return Some(PathBuf::from(p));
    }
    std::env::var_os("HOME")
        .filter(|h| !h.is_empty())
        .map(|h| PathBuf::from(h).join(".aws").join("credentials"))
}

/// The section name of a `[name]` header line, if it is one.
fn section_of(line: &str) -> Option<&str> {
    let t = line.trim();
    t.strip_prefix('[')?.strip_suffix(']').map(str::trim)
}

/// The key of a `key = value` line, if it is one (comments are not).
fn key_of(line: &str) -> Option<&str> {
    let t = line.trim_start();
    if t.starts_with('#') || t.starts_with(';') {
        return None;
    }
    t.split_once('=').map(|(k, _)| k.trim())
}

/// `text` with `profile`'s keys set to `values` (in [`KEYS`] order).
pub fn set_profile(text: &str, profile: &str, values: [&str; 3]) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let mut out: Vec<String> = Vec::with_capacity(lines.len() + 4);
    let mut i = 0;
    let mut found = false;
    while i < lines.len() {
        let line = lines[i];
        i += 1;
        if found || section_of(line) != Some(profile) {
            out.push(line.to_owned());
            continue;
        }
        found = true;
        out.push(line.to_owned());
        // The section's body runs to the next header.
        let start = i;
        while i < lines.len() && section_of(lines[i]).is_none() {
            i += 1;
        }
        let body = &lines[start..i];
        let mut seen = [false; 3];
        let mut kept: Vec<String> = Vec::with_capacity(body.len() + 3);
        for l in body {
            match key_of(l).and_then(|k| KEYS.iter().position(|x| x.eq_ignore_ascii_case(k))) {
                Some(n) if !seen[n] => {
                    seen[n] = true;
                    kept.push(format!("{} = {}", KEYS[n], values[n]));
                }
                Some(_) => {} // a duplicate key would shadow or confuse readers: dropped
                None => kept.push((*l).to_owned()),
            }
        }
        // Missing keys go after the last non-blank line of the section, before the gap
        // that separates it from the next.
        let insert_at = kept
            .iter()
            .rposition(|l| !l.trim().is_empty())
            .map_or(0, |p| p + 1);
        let missing: Vec<String> = (0..3)
            .filter(|n| !seen[*n])
            .map(|n| format!("{} = {}", KEYS[n], values[n]))
            .collect();
        kept.splice(insert_at..insert_at, missing);
        out.extend(kept);
    }
    if !found {
        if out.last().is_some_and(|l| !l.trim().is_empty()) {
            out.push(String::new());
        }
        out.push(format!("[{profile}]"));
        for n in 0..3 {
            out.push(format!("{} = {}", KEYS[n], values[n]));
        }
    }
    let mut text = out.join("\n");
    text.push('\n');
    for l in &mut out {
        l.zeroize();
    }
    text
}

/// Lock, read, set the profile, write atomically (0600).
pub fn update(path: &Path, profile: &str, creds: &Credentials) -> std::io::Result<()> {
    if profile.is_empty() || profile.contains(['[', ']', '\n']) {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            format!("invalid profile name {profile:?}"),
        ));
    }
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)?;
    }
    let mut lock_name = path.as_os_str().to_owned();
    lock_name.push(".lock");
    let lock = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .mode(0o600)
        .open(PathBuf::from(lock_name))?;
    lock.lock()?;
    let mut current = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(e),
    };
    let mut next = set_profile(
        &current,
        profile,
        [
            &creds.access_key_id,
            &creds.secret_access_key,
            &creds.session_token,
        ],
    );
    let result = write_atomic(path, next.as_bytes());
    current.zeroize();
    next.zeroize();
    result
}

use std::os::unix::fs::DirBuilderExt;

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)]
mod tests {
    use super::*;

    const V: [&str; 3] = ["AKNEW", "SKNEW", "TKNEW"];

    #[test]
    fn replaces_in_place_and_keeps_everything_else() {
        let text = "# top comment\n[default]\naws_access_key_id=OLD\n; note\nregion = eu-west-1\naws_session_token = OLDT\n\n[other]\naws_access_key_id = KEEP\n";
        let got = set_profile(text, "default", V);
        assert_eq!(
            got,
            "# top comment\n[default]\naws_access_key_id = AKNEW\n; note\nregion = eu-west-1\naws_session_token = TKNEW\naws_secret_access_key = SKNEW\n\n[other]\naws_access_key_id = KEEP\n"
        );
        // Idempotent on its own output.
        assert_eq!(set_profile(&got, "default", V), got);
    }

    #[test]
    fn appends_a_missing_profile_and_handles_empty_files() {
        assert_eq!(
            set_profile("", "p", V),
            "[p]\naws_access_key_id = AKNEW\naws_secret_access_key = SKNEW\naws_session_token = TKNEW\n"
        );
        let got = set_profile("[a]\nx = 1", "b", V);
        assert!(got.starts_with("[a]\nx = 1\n\n[b]\n"), "{got}");
        // A profile named like a prefix of another is not confused with it.
        let got = set_profile("[dev-2]\naws_access_key_id = K\n", "dev", V);
        assert!(got.contains("[dev-2]\naws_access_key_id = K\n"), "{got}");
        // Duplicate keys collapse to one.
        let got = set_profile(
            "[p]\naws_access_key_id = 1\naws_access_key_id = 2\n",
            "p",
            V,
        );
        assert_eq!(got.matches("aws_access_key_id").count(), 1);
    }
}
