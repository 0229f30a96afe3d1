"""Parity with the official helper (aws_signing_helper v1.4.0, `go install`ed by
scripts/install-deps.sh) on the same emulator: same outputs where they are deterministic,
same shapes where they are not, and the same exit code for the same mistakes."""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from cli_helpers import clean_env, cred_flags, run_cli


def _helper():
    gopath = subprocess.run(["go", "env", "GOPATH"], capture_output=True, text=True).stdout.strip() if shutil.which("go") else ""
    for name in ("rolesanywhere-credential-helper", "aws_signing_helper"):
        for cand in ([Path(gopath) / "bin" / name] if gopath else []) + [Path(p) / name for p in os.environ.get("PATH", "").split(":") if p]:
            if cand.is_file() and os.access(cand, os.X_OK):
                return str(cand)
    pytest.fail("the official helper is not installed: go install github.com/aws/rolesanywhere-credential-helper@v1.4.0")


def _run_helper(args, env):
    return subprocess.run([_helper(), *args], env=env, capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize("name", ["rsa", "p256"])
def test_read_certificate_data_is_identical(emulator, tmp_path, name):
    cert = emulator["identities"][name]["certificate"]
    env = clean_env(tmp_path)
    ours = run_cli(["read-certificate-data", "--certificate", cert], env)
    theirs = _run_helper(["read-certificate-data", "--certificate", cert], env)
    assert ours.returncode == theirs.returncode == 0, (ours.stderr, theirs.stderr)
    assert ours.stdout == theirs.stdout


def test_sign_string_rsa_is_byte_identical(emulator, tmp_path):
    # PKCS#1 v1.5 is deterministic: the same key over the same fixed string signs the same.
    ident = emulator["identities"]["rsa"]
    args = ["sign-string", "--certificate", ident["certificate"], "--private-key", ident["private_key"]]
    env = clean_env(tmp_path)
    for fmt in ("json", "text"):
        ours = run_cli([*args, "--format", fmt], env)
        theirs = _run_helper([*args, "--format", fmt], env)
        assert ours.returncode == theirs.returncode == 0, (ours.stderr, theirs.stderr)
        assert ours.stdout == theirs.stdout


def test_credential_process_same_shape_and_exit_codes(emulator, tmp_path):
    flags = [f for f in cred_flags(emulator, "p256")]
    i = flags.index("--ca-bundle")
    del flags[i:i + 2]
    env = clean_env(tmp_path, SSL_CERT_FILE=emulator["ca_bundle"])
    ours = run_cli(["credential-process", *flags], env)
    theirs = _run_helper(["credential-process", *flags], env)
    assert ours.returncode == theirs.returncode == 0, (ours.stderr, theirs.stderr)
    a, b = json.loads(ours.stdout), json.loads(theirs.stdout)
    assert list(a) == list(b) == ["Version", "AccessKeyId", "SecretAccessKey", "SessionToken", "Expiration"]
    assert a["Version"] == b["Version"] == 1
    # Same mistakes, same exit code, nothing on stdout.
    bad_key = list(flags)
    bad_key[bad_key.index("--private-key") + 1] = emulator["identities"]["rsa"]["private_key"]
    missing = str(tmp_path / "missing.pem")
    bad_cert = list(flags)
    bad_cert[bad_cert.index("--certificate") + 1] = missing
    for args in (bad_key, bad_cert):
        ours = run_cli(["credential-process", *args], env)
        theirs = _run_helper(["credential-process", *args], env)
        assert ours.returncode == theirs.returncode == 1, (args, ours.stderr, theirs.stderr)
        assert ours.stdout == theirs.stdout == ""
