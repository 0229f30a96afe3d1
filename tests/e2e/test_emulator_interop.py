"""Clients no one here wrote, against the emulator binary over HTTPS: the official Go
credential helper (`go install github.com/aws/rolesanywhere-credential-helper@v1.4.0`) and
`iam-rolesanywhere-session` from PyPI each obtain credentials for the demo identities
(RSA-2048 and P-256, through the demo intermediate), and boto3's STS GetCallerIdentity,
signed with those credentials, answers the assumed-role ARN."""

import json
import os
import shutil
import subprocess
from pathlib import Path

import boto3
import pytest
from botocore.exceptions import ClientError
from cryptography import x509
from iam_rolesanywhere_session import IAMRolesAnywhereSession

from cli_helpers import cred_flags


def go_helper() -> str:
    """The official helper: `go install` names it after the module; releases call it
    aws_signing_helper."""
    candidates = []
    try:
        gopath = subprocess.run(["go", "env", "GOPATH"], capture_output=True, text=True, check=True).stdout.strip()
        candidates += [Path(gopath) / "bin" / "rolesanywhere-credential-helper", Path(gopath) / "bin" / "aws_signing_helper"]
    except (OSError, subprocess.CalledProcessError):
        pass
    for name in ("rolesanywhere-credential-helper", "aws_signing_helper"):
        found = shutil.which(name)
        if found:
            candidates.append(Path(found))
    for c in candidates:
        if c.exists():
            return str(c)
    pytest.fail("the official credential helper is not installed: run scripts/install-deps.sh")


def expected_arn(info: dict, name: str) -> str:
    cert = x509.load_pem_x509_certificate(Path(info["identities"][name]["certificate"]).read_bytes())
    role_name = info["role_arn"].rsplit("/", 1)[1]
    # The default session name: the serial's big-endian bytes in hex (User Guide, "Role trusts").
    serial = cert.serial_number
    serial_hex = serial.to_bytes(max(1, (serial.bit_length() + 7) // 8), "big").hex()
    return f"arn:aws:sts::{info['account_id']}:assumed-role/{role_name}/{serial_hex}"


def caller_arn(info: dict, access_key_id: str, secret: str, token: str) -> str:
    sts = boto3.client(
        "sts",
        region_name=info["region"],
        endpoint_url=info["sts_endpoint"],
        verify=info["ca_bundle"],
        aws_access_key_id=access_key_id,
        aws_secret_access_key=secret,
        aws_session_token=token,
    )
    return sts.get_caller_identity()["Arn"]


def helper_env() -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_") and "PROXY" not in k.upper()}
    return env


def run_go_helper(info: dict, name: str, *extra: str) -> subprocess.CompletedProcess:
    env = helper_env()
    env["SSL_CERT_FILE"] = info["ca_bundle"]  # Go's crypto/x509 reads it on Linux
    # The helper's flags are ours, less --ca-bundle (it reads SSL_CERT_FILE instead).
    args = [go_helper(), "credential-process", *cred_flags(info, name, ca_bundle=False), *extra]
    return subprocess.run(args, env=env, capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize("name", ["rsa", "p256"])
def test_official_go_helper_gets_credentials(emulator, name):
    info = emulator
    out = run_go_helper(info, name)
    assert out.returncode == 0, out.stderr
    creds = json.loads(out.stdout)
    assert creds["Version"] == 1
    assert creds["AccessKeyId"].startswith("ASIA")
    assert creds["Expiration"].endswith("Z")
    arn = caller_arn(info, creds["AccessKeyId"], creds["SecretAccessKey"], creds["SessionToken"])
    assert arn == expected_arn(info, name)


def test_official_go_helper_session_name_and_refusal(emulator):
    info = emulator
    out = run_go_helper(info, "p256", "--role-session-name", "go-helper-session", "--session-duration", "900")
    assert out.returncode == 0, out.stderr
    creds = json.loads(out.stdout)
    arn = caller_arn(info, creds["AccessKeyId"], creds["SecretAccessKey"], creds["SessionToken"])
    assert arn.endswith("/go-helper-session")
    # A role the profile does not list: the helper reports the service's error and exits 1.
    info_bad = dict(info, role_arn=info["role_arn"] + "-missing")
    out = run_go_helper(info_bad, "p256")
    assert out.returncode != 0
    assert "AccessDeniedException" in out.stdout + out.stderr


@pytest.mark.parametrize("name", ["rsa", "p256"])
def test_iam_rolesanywhere_session_from_pypi(emulator, name):
    info = emulator
    ident = info["identities"][name]
    ra = IAMRolesAnywhereSession(
        profile_arn=info["profile_arn"],
        role_arn=info["role_arn"],
        trust_anchor_arn=info["trust_anchor_arn"],
        certificate=Path(ident["certificate"]).read_bytes(),
        private_key=Path(ident["private_key"]).read_bytes(),
        certificate_chain=Path(ident["intermediates"]).read_bytes(),
        region=info["region"],
        endpoint=info["endpoint"].removeprefix("https://"),
        verify=info["ca_bundle"],
    )
    frozen = ra.get_refreshable_credentials().get_frozen_credentials()
    assert frozen.access_key.startswith("ASIA")
    assert caller_arn(info, frozen.access_key, frozen.secret_key, frozen.token) == expected_arn(info, name)
    # The boto3 session it builds, used as a user would.
    session = ra.get_session()
    sts = session.client("sts", endpoint_url=info["sts_endpoint"], verify=info["ca_bundle"])
    assert sts.get_caller_identity()["Arn"] == expected_arn(info, name)


def test_boto3_refuses_tampered_credentials(emulator):
    info = emulator
    out = run_go_helper(info, "rsa")
    assert out.returncode == 0, out.stderr
    creds = json.loads(out.stdout)
    with pytest.raises(ClientError) as e:
        secret = creds["SecretAccessKey"]
        caller_arn(info, creds["AccessKeyId"], secret[:-1] + ("y" if secret[-1] == "x" else "x"), creds["SessionToken"])
    assert e.value.response["Error"]["Code"] == "SignatureDoesNotMatch"
    with pytest.raises(ClientError) as e:
        caller_arn(info, creds["AccessKeyId"], creds["SecretAccessKey"], creds["SessionToken"] + "x")
    assert e.value.response["Error"]["Code"] == "InvalidClientTokenId"


def test_state_survives_a_restart(emulator_factory, tmp_path):
    """Same data directory, two processes: same ARNs, credentials of the first still valid."""
    data = tmp_path / "shared-data"
    first = emulator_factory(data_dir=data)
    out = run_go_helper(first, "p256")
    assert out.returncode == 0, out.stderr
    creds = json.loads(out.stdout)
    second = emulator_factory(data_dir=data)
    assert (second["trust_anchor_arn"], second["profile_arn"], second["role_arn"]) == (
        first["trust_anchor_arn"], first["profile_arn"], first["role_arn"])
    assert caller_arn(second, creds["AccessKeyId"], creds["SecretAccessKey"], creds["SessionToken"]) == expected_arn(first, "p256")


def test_binary_prints_what_to_try(emulator_factory, tmp_path):
    """With no configuration the binary prints the ARNs, the files and the exact
    `roles-anywhere credential-process …` command; `--http` serves plain HTTP."""
    info = emulator_factory(["--http"])
    assert info["endpoint"].startswith("http://127.0.0.1:")
    assert info["ca_bundle"] is None
    log = (tmp_path / "emu0" / "emulator.log").read_text()
    for text in (info["trust_anchor_arn"], info["profile_arn"], info["role_arn"], info["identities"]["p256"]["certificate"]):
        assert text in log
    assert f"roles-anywhere credential-process --certificate {info['identities']['p256']['certificate']}" in log
    # The Go helper over plain HTTP too.
    out = run_go_helper(dict(info, ca_bundle=""), "rsa")
    assert out.returncode == 0, out.stderr
    creds = json.loads(out.stdout)
    sts = boto3.client(
        "sts", region_name=info["region"], endpoint_url=info["sts_endpoint"],
        aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"],
    )
    assert sts.get_caller_identity()["Arn"] == expected_arn(info, "rsa")
