#!/usr/bin/env bash
# Installs everything the test suites need on a fresh machine (Debian 12, rustup stable +
# nightly, Python 3.11, Go, Node 20 preinstalled). Idempotent: a warm machine takes seconds.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
log() { printf '\n== install: %s\n' "$*"; }

# Debian: the wasm toolchain (rustc-web 1.96 with its std source, TOOLCHAIN.md), openssl for
# the corpus and benchmarks, SoftHSM for PKCS#11 tests.
need_apt=()
[ -x /usr/bin/cargo ] && /usr/bin/cargo --version 2>/dev/null | grep -q '1\.9[6-9]' || need_apt+=(rustc-web cargo-web rust-web-src rust-web-llvm lld-22)
command -v openssl >/dev/null || need_apt+=(openssl)
[ -e /usr/lib/softhsm/libsofthsm2.so ] || need_apt+=(softhsm2)
if [ ${#need_apt[@]} -gt 0 ]; then
  log "apt ${need_apt[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

# Python: one virtualenv for the corpus generator and the end-to-end suites.
if [ ! -x .venv/bin/python ]; then
  log "python venv"
  python3 -m venv .venv
fi
log "pip"
.venv/bin/pip install -q --disable-pip-version-check -r tests/requirements.txt

# Go: the official credential helper, as an interop peer and benchmark baseline.
GOBIN_DIR=$(go env GOPATH)/bin
if [ ! -x "$GOBIN_DIR/rolesanywhere-credential-helper" ] && [ ! -x "$GOBIN_DIR/aws_signing_helper" ]; then
  log "go install rolesanywhere-credential-helper@v1.4.0"
  go install github.com/aws/rolesanywhere-credential-helper@v1.4.0
fi

# Rust: cargo-fuzz (runs on the nightly toolchain that the machine has).
if ! command -v cargo-fuzz >/dev/null; then
  log "cargo install cargo-fuzz"
  cargo install -q cargo-fuzz
fi
log "done"
