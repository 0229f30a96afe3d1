"""Shared pytest fixtures of the end-to-end suites: a real `roles-anywhere-emulator` process.

`emulator` starts the binary from `$ROLES_ANYWHERE_BIN_DIR` (default `<repo>/target/debug`)
with a fresh data directory, `--listen 127.0.0.1:0 --ready-file …`, waits for the ready file
and yields its ReadyInfo (dict: endpoint, ca_bundle, ARNs, identities, admin keys, …); the
process is stopped afterwards. Rate limits are off so suites are not flaky; use
`emulator_factory(extra_args, data_dir=None)` for other flags (`--http`, `--config`,
`--throttle-per-ip 10`) or a data directory shared between runs.
"""

import json
import os
import subprocess
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def bin_path(name: str) -> str:
    """Path of one of the project's binaries (built by `cargo build --workspace --bins`)."""
    bin_dir = Path(os.environ.get("ROLES_ANYWHERE_BIN_DIR", REPO / "target" / "debug"))
    path = bin_dir / name
    if not path.exists():
        raise RuntimeError(f"{path} missing: run `cargo build --workspace --bins` first")
    return str(path)


class _Emulator:
    def __init__(self, tmp: Path, extra_args, data_dir=None):
        self.data_dir = Path(data_dir) if data_dir else tmp / "emulator-data"
        self.ready_file = tmp / "emulator-ready.json"
        self.log_path = tmp / "emulator.log"
        self.args = [
            bin_path("roles-anywhere-emulator"),
            "--data-dir", str(self.data_dir),
            "--listen", "127.0.0.1:0",
            "--ready-file", str(self.ready_file),
            "--throttle-per-certificate", "0",
            "--throttle-per-ip", "0",
            *extra_args,
        ]
        self.proc = None
        self.info = None

    def start(self, timeout: float = 60.0) -> dict:
        if self.ready_file.exists():
            self.ready_file.unlink()
        self._log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(self.args, stdout=self._log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"emulator exited with {self.proc.returncode}:\n{self.log()}")
            if self.ready_file.exists():
                try:
                    self.info = json.loads(self.ready_file.read_text())
                    return self.info
                except json.JSONDecodeError:
                    pass  # written atomically, but be tolerant
            time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"emulator not ready after {timeout}s:\n{self.log()}")

    def log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-4000:]
        except OSError:
            return ""

    def stop(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        if getattr(self, "_log", None):
            self._log.close()


@pytest.fixture
def emulator_factory(tmp_path):
    """Start emulators with extra command-line arguments; all are stopped at teardown."""
    started = []

    def start(extra_args=(), data_dir=None) -> dict:
        tmp = tmp_path / f"emu{len(started)}"
        tmp.mkdir(parents=True, exist_ok=True)
        emu = _Emulator(tmp, list(extra_args), data_dir)
        started.append(emu)
        return emu.start()

    yield start
    for emu in started:
        emu.stop()


@pytest.fixture
def emulator(emulator_factory) -> dict:
    """A running emulator (HTTPS, demo defaults); yields its ReadyInfo dict."""
    return emulator_factory()
