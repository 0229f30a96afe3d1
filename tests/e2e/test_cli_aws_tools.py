"""The real AWS CLI and boto3 using roles-anywhere against the emulator: credential_process
in a config file (with and without --cache), boto3's instance-metadata provider pointed at
`serve`, and the credentials file written by `update`. Each ends in the emulator's STS
GetCallerIdentity, so the credentials are proven usable, not just well-formed."""

import json
import shlex
import socket
import subprocess
import sys
import time

import pytest

from cli_helpers import clean_env, cli_bin, cred_flags, run_cli


def _aws(env, *args):
    out = subprocess.run([sys.executable, "-m", "awscli", *args, "--output", "json"], env=env,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def _sts_env(info, tmp_path, **extra):
    return clean_env(tmp_path, AWS_ENDPOINT_URL_STS=info["sts_endpoint"], AWS_CA_BUNDLE=info["ca_bundle"],
                     AWS_DEFAULT_REGION=info["region"], **extra)


def _role_name(info):
    return info["role_arn"].rsplit("/", 1)[-1]


@pytest.mark.parametrize("extra", [[], ["--cache"]], ids=["plain", "cache"])
def test_aws_cli_credential_process(emulator, tmp_path, extra):
    info = emulator
    command = shlex.join([cli_bin(), "credential-process", *cred_flags(info, "p256"), *extra])
    config = tmp_path / "config"
    config.write_text(f"[profile ra]\ncredential_process = {command}\nregion = {info['region']}\n")
    env = _sts_env(info, tmp_path, AWS_CONFIG_FILE=config, AWS_PROFILE="ra",
                   ROLES_ANYWHERE_CACHE_DIR=tmp_path / "cache")
    ident = _aws(env, "sts", "get-caller-identity")
    assert ident["Account"] == info["account_id"]
    assert f":assumed-role/{_role_name(info)}/" in ident["Arn"]
    if extra:
        again = _aws(env, "sts", "get-caller-identity")
        assert again["Arn"] == ident["Arn"], "the cache gave another session"
        assert len(list((tmp_path / "cache").glob("*.json"))) == 1


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_boto3_instance_metadata_provider_against_serve(emulator, tmp_path):
    info = emulator
    port = _free_port()
    env = clean_env(tmp_path)
    server = subprocess.Popen([cli_bin(), "serve", *cred_flags(info, "rsa"), "--port", str(port)],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        line = server.stderr.readline()
        assert "Local server started on port" in line, line
        script = f"""
import json, boto3, botocore.session
s = botocore.session.get_session()
creds = s.get_credentials()
assert creds.method == "iam-role", creds.method
client = boto3.Session(botocore_session=s).client("sts", endpoint_url={info['sts_endpoint']!r},
    verify={info['ca_bundle']!r}, region_name={info['region']!r})
print(json.dumps(client.get_caller_identity()))
"""
        env_py = clean_env(tmp_path, AWS_EC2_METADATA_SERVICE_ENDPOINT=f"http://127.0.0.1:{port}/")
        del env_py["AWS_EC2_METADATA_DISABLED"]
        out = subprocess.run([sys.executable, "-c", script], env=env_py, capture_output=True, text=True, timeout=120)
        assert out.returncode == 0, out.stderr
        ident = json.loads(out.stdout)
        assert f":assumed-role/{_role_name(info)}/" in ident["Arn"]
    finally:
        server.kill()
        server.wait()


def test_update_writes_a_profile_the_aws_cli_uses(emulator, tmp_path):
    info = emulator
    creds_file = tmp_path / "credentials"
    creds_file.write_text("# mine\n[keep]\naws_access_key_id = AKIAKEEP\naws_secret_access_key = x\n")
    env = clean_env(tmp_path, AWS_SHARED_CREDENTIALS_FILE=creds_file)
    out = run_cli(["update", *cred_flags(info, "rsa"), "--once", "--profile", "ra"], env)
    assert out.returncode == 0, out.stderr
    text = creds_file.read_text()
    assert text.startswith("# mine\n[keep]\naws_access_key_id = AKIAKEEP\n")
    assert (creds_file.stat().st_mode & 0o777) == 0o600
    ident = _aws(_sts_env(info, tmp_path, AWS_SHARED_CREDENTIALS_FILE=creds_file, AWS_PROFILE="ra"),
                 "sts", "get-caller-identity")
    assert f":assumed-role/{_role_name(info)}/" in ident["Arn"]
