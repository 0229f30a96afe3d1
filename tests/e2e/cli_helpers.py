"""Helpers shared by the test_cli_* suites: the roles-anywhere binary, its flags for an
emulator identity, a clean environment for AWS tools, and a small CONNECT proxy."""

import os
import select
import socket
import socketserver
import subprocess
import threading
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def cli_bin() -> str:
    bin_dir = Path(os.environ.get("ROLES_ANYWHERE_BIN_DIR", REPO / "target" / "debug"))
    path = bin_dir / "roles-anywhere"
    if not path.exists():
        raise RuntimeError(f"{path} missing: run cargo build -p roles-anywhere-cli first")
    return str(path)


def cred_flags(info: dict, name: str = "rsa", endpoint: bool = True, ca_bundle: bool = True) -> list:
    ident = info["identities"][name]
    flags = [
        "--certificate", ident["certificate"],
        "--private-key", ident["private_key"],
        "--intermediates", ident["intermediates"],
        "--trust-anchor-arn", info["trust_anchor_arn"],
        "--profile-arn", info["profile_arn"],
        "--role-arn", info["role_arn"],
    ]
    if endpoint:
        flags += ["--endpoint", info["endpoint"]]
    if ca_bundle and info.get("ca_bundle"):
        flags += ["--ca-bundle", info["ca_bundle"]]
    return flags


def clean_env(tmp_path: Path, **extra) -> dict:
    """The process environment without any AWS setting that could leak real credentials or
    endpoints into a test."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_") and not k.endswith("_PROXY") and not k.endswith("_proxy")}
    env["AWS_CONFIG_FILE"] = str(tmp_path / "no-config")
    env["AWS_SHARED_CREDENTIALS_FILE"] = str(tmp_path / "no-credentials")
    env["AWS_EC2_METADATA_DISABLED"] = "true"
    env["HOME"] = str(tmp_path)
    env.update({k: str(v) for k, v in extra.items()})
    return env


def run_cli(args: list, env: dict, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run([cli_bin(), *args], env=env, capture_output=True, text=True, timeout=timeout)


class _ConnectHandler(socketserver.BaseRequestHandler):
    def handle(self):
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = self.request.recv(4096)
            if not chunk:
                return
            head += chunk
        line = head.split(b"\r\n", 1)[0].decode()
        method, target, _ = line.split(" ", 2)
        host, _, port = target.rpartition(":")
        if method != "CONNECT" or host != "127.0.0.1":
            self.request.sendall(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n")
            return
        upstream = socket.create_connection((host, int(port)), timeout=10)
        self.server.tunnels.append(target)
        self.request.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
        socks = [self.request, upstream]
        try:
            while True:
                readable, _, _ = select.select(socks, [], [], 15)
                if not readable:
                    return
                for s in readable:
                    data = s.recv(65536)
                    if not data:
                        return
                    (upstream if s is self.request else self.request).sendall(data)
        finally:
            upstream.close()


class ConnectProxy(socketserver.ThreadingTCPServer):
    """An HTTP CONNECT proxy on 127.0.0.1 that only tunnels to loopback and records tunnels."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _ConnectHandler)
        self.tunnels = []
        self.thread = threading.Thread(target=self.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def close(self):
        self.shutdown()
        self.server_close()
