"""Helpers of the test_control_plane* suites: an emulator process that can be killed and
restarted on the same data directory and port (the conftest fixture starts each one fresh
on an ephemeral port), real boto3 / AWS CLI clients for its control plane, our
`roles-anywhere` CLI for CreateSession, and a test CA (Python `cryptography`) issuing leaf
certificates and CRLs."""

import datetime
import json
import os
import signal
import subprocess
import time
from pathlib import Path

import boto3
from botocore.config import Config
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

REPO = Path(__file__).resolve().parents[2]
ACCOUNT = "123456789012"
REGION = "us-east-1"
ADMIN_KEY_ID = "AKIAEMULATORCONTROL1"
ADMIN_SECRET = "c0ntrolPlaneTestSecretKey/000000000000000"


def bin_path(name: str) -> str:
    bin_dir = Path(os.environ.get("ROLES_ANYWHERE_BIN_DIR", REPO / "target" / "debug"))
    path = bin_dir / name
    if not path.exists():
        raise RuntimeError(f"{path} missing: run `cargo build --workspace --bins` first")
    return str(path)


def role_arn(name: str) -> str:
    return f"arn:aws:iam::{ACCOUNT}:role/{name}"


def trust_policy(condition: dict) -> str:
    """The User Guide's trust policy for the service principal, with `condition`."""
    return json.dumps({
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Principal": {"Service": "rolesanywhere.amazonaws.com"},
            "Action": ["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"],
            "Condition": condition,
        }],
    })


def write_config(path: Path, roles: dict, quotas: dict | None = None) -> Path:
    """A configuration file: the demo resources, our admin key, `roles` (name → trust
    policy JSON) and optional `[quotas]`. Roles stay in this file (IAM is not the control
    plane's)."""
    lines = [
        f'account_id = "{ACCOUNT}"', f'region = "{REGION}"', "include_demo = true", "",
        "[[admin_keys]]", f'access_key_id = "{ADMIN_KEY_ID}"', f'secret_access_key = "{ADMIN_SECRET}"', "",
    ]
    if quotas:
        lines += ["[quotas]"] + [f"{k} = {v}" for k, v in quotas.items()] + [""]
    for name, policy in roles.items():
        lines += ["[[roles]]", f'arn = "{role_arn(name)}"', "max_session_duration = 3600",
                  f"trust_policy = '''{policy}'''", ""]
    path.write_text("\n".join(lines))
    return path


class RestartableEmulator:
    """`roles-anywhere-emulator` on a fixed data directory; `restart()` stops it (SIGKILL
    by default: nothing is flushed on the way out) and starts it again on the same port."""

    def __init__(self, tmp: Path, config: Path | None = None):
        self.tmp = tmp
        self.data_dir = tmp / "data"
        self.ready_file = tmp / "ready.json"
        self.log_path = tmp / "emulator.log"
        self.config = config
        self.port = 0
        self.proc = None
        self.info = None
        self.starts = 0

    def start(self, timeout: float = 60.0) -> dict:
        if self.ready_file.exists():
            self.ready_file.unlink()
        args = [bin_path("roles-anywhere-emulator"), "--data-dir", str(self.data_dir),
                "--listen", f"127.0.0.1:{self.port}", "--ready-file", str(self.ready_file),
                "--throttle-per-certificate", "0", "--throttle-per-ip", "0"]
        if self.config:
            args += ["--config", str(self.config)]
        log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"emulator exited with {self.proc.returncode}:\n{self.log()}")
            if self.ready_file.exists():
                try:
                    self.info = json.loads(self.ready_file.read_text())
                except json.JSONDecodeError:
                    time.sleep(0.05)
                    continue
                self.port = int(self.info["endpoint"].rsplit(":", 1)[1])
                self.starts += 1
                return self.info
            time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"emulator not ready after {timeout}s:\n{self.log()}")

    def log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-6000:]
        except OSError:
            return ""

    def stop(self, kill: bool = True):
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGKILL if kill else signal.SIGTERM)
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)

    def restart(self, kill: bool = True) -> dict:
        self.stop(kill=kill)
        return self.start()

    def client(self, secret: str | None = None, region: str | None = None):
        """A real boto3 `rolesanywhere` client for the running emulator."""
        info = self.info
        return boto3.client(
            "rolesanywhere",
            endpoint_url=info["endpoint"],
            region_name=region or info["region"],
            verify=info["ca_bundle"],
            aws_access_key_id=info["admin_access_key_id"],
            aws_secret_access_key=secret or info["admin_secret_access_key"],
            config=Config(retries={"max_attempts": 2, "mode": "standard"}),
        )

    def aws_cli(self, *args: str, env_extra: dict | None = None) -> subprocess.CompletedProcess:
        """`aws rolesanywhere ARGS --endpoint-url … --output json` (the real AWS CLI)."""
        info = self.info
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        env.update({
            "AWS_ACCESS_KEY_ID": info["admin_access_key_id"],
            "AWS_SECRET_ACCESS_KEY": info["admin_secret_access_key"],
            "AWS_DEFAULT_REGION": info["region"],
            "AWS_CONFIG_FILE": str(self.tmp / "no-aws-config"),
            "AWS_SHARED_CREDENTIALS_FILE": str(self.tmp / "no-aws-credentials"),
            "AWS_CA_BUNDLE": info["ca_bundle"],
        })
        env.update(env_extra or {})
        aws = str(Path(os.environ.get("VIRTUAL_ENV", REPO / ".venv")) / "bin" / "aws")
        if not Path(aws).exists():
            aws = "aws"
        return subprocess.run([aws, "rolesanywhere", *args, "--endpoint-url", info["endpoint"], "--output", "json"],
                              env=env, capture_output=True, text=True, timeout=120)

    def create_session(self, cert: Path, key: Path, anchor_arn: str, profile_arn: str, role: str,
                       intermediates: Path | None = None) -> subprocess.CompletedProcess:
        """CreateSession through our client (`roles-anywhere credential-process`)."""
        info = self.info
        args = [bin_path("roles-anywhere"), "credential-process", "--certificate", str(cert), "--private-key", str(key),
                "--trust-anchor-arn", anchor_arn, "--profile-arn", profile_arn, "--role-arn", role,
                "--endpoint", info["endpoint"], "--ca-bundle", info["ca_bundle"]]
        if intermediates:
            args += ["--intermediates", str(intermediates)]
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        env["HOME"] = str(self.tmp)
        return subprocess.run(args, env=env, capture_output=True, text=True, timeout=60)


class DemoCa:
    """The demo root CA of a running emulator (its key is in the ready file), issuing leaf
    certificates and CRLs for the tests."""

    def __init__(self, info: dict):
        self.cert = x509.load_pem_x509_certificate(Path(info["root_ca"]).read_bytes())
        self.key = serialization.load_pem_private_key(Path(info["root_ca_key"]).read_bytes(), password=None)
        self.pem = Path(info["root_ca"]).read_text()

    def issue_leaf(self, directory: Path, cn: str, ou: str = "control-plane-tests") -> tuple[Path, Path, int]:
        """A P-256 end-entity certificate (CA:false, digitalSignature, SHA-256) and its key."""
        key = ec.generate_private_key(ec.SECP256R1())
        now = datetime.datetime.now(datetime.timezone.utc)
        serial = x509.random_serial_number()
        name = x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Roles Anywhere Emulator"),
                          x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, ou),
                          x509.NameAttribute(NameOID.COMMON_NAME, cn)])
        cert = (x509.CertificateBuilder().subject_name(name).issuer_name(self.cert.subject)
                .public_key(key.public_key()).serial_number(serial)
                .not_valid_before(now - datetime.timedelta(hours=1)).not_valid_after(now + datetime.timedelta(days=30))
                .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
                .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=False, key_encipherment=False,
                                             data_encipherment=False, key_agreement=False, key_cert_sign=False,
                                             crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
                .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(self.key.public_key()), critical=False)
                .sign(self.key, hashes.SHA256()))
        cert_path, key_path = directory / f"{cn}.pem", directory / f"{cn}.key.pem"
        cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                               serialization.NoEncryption()))
        return cert_path, key_path, serial

    def crl(self, revoked_serials: list[int], encoding=serialization.Encoding.PEM) -> bytes:
        """A CRL of the root revoking `revoked_serials`."""
        now = datetime.datetime.now(datetime.timezone.utc)
        builder = (x509.CertificateRevocationListBuilder().issuer_name(self.cert.subject)
                   .last_update(now - datetime.timedelta(minutes=5)).next_update(now + datetime.timedelta(days=7))
                   .add_extension(x509.CRLNumber(1), critical=False)
                   .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(self.key.public_key()), critical=False))
        for serial in revoked_serials:
            builder = builder.add_revoked_certificate(
                x509.RevokedCertificateBuilder().serial_number(serial).revocation_date(now - datetime.timedelta(minutes=1)).build())
        return builder.sign(self.key, hashes.SHA256()).public_bytes(encoding)
