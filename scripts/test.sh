#!/usr/bin/env bash
# Runs every test suite of the project, after installing what they need (scripts/install-deps.sh).
# Usage: scripts/test.sh [stage ...]   (no argument: every stage, in order)
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
export CARGO_TERM_COLOR=never
export PATH="$ROOT/.venv/bin:$(go env GOPATH 2>/dev/null)/bin:$HOME/.cargo/bin:$PATH"
export ROLES_ANYWHERE_BIN_DIR="$ROOT/target/debug"

stage_install() { scripts/install-deps.sh; }
stage_versions() { python3 scripts/check-versions.py; }
stage_fmt() { cargo fmt --all -- --check; }
stage_clippy() { cargo clippy --workspace --all-targets --all-features -- -D warnings; }
stage_corpus() { python tests/vectors/generate.py --check; }
stage_rust() {
  cargo build --workspace --bins &&
  cargo test --workspace --all-features --no-fail-fast
}
stage_nostd() {
  # wasm32 without a prebuilt std: building the core with only core+alloc proves no_std for
  # its whole dependency graph (TOOLCHAIN.md).
  PATH=/usr/bin:$PATH RUSTC_BOOTSTRAP=1 CARGO_TARGET_DIR=target/wasm \
    cargo build -p roles-anywhere-core --all-features --target wasm32-unknown-unknown \
    -Zbuild-std=core,alloc --release
}
stage_fuzz() {
  local secs=${FUZZ_SECONDS:-15} t
  for t in $(cargo +nightly fuzz list --fuzz-dir fuzz); do
    echo "fuzz $t for ${secs}s"
    cargo +nightly fuzz run --fuzz-dir fuzz "$t" -- -max_total_time="$secs" -rss_limit_mb=2048 \
      >"target/fuzz-$t.log" 2>&1 || { tail -40 "target/fuzz-$t.log"; return 1; }
    grep -E '^Done|#[0-9]+.*DONE' "target/fuzz-$t.log" | tail -1
  done
}
stage_e2e() {
  # pytest exits 5 when it collects nothing: that is a failure here, never a pass.
  python -m pytest -q tests/e2e
}

all=(install versions fmt clippy corpus rust nostd fuzz e2e)
stages=("$@")
[ ${#stages[@]} -gt 0 ] || stages=("${all[@]}")
passed=0 failed=0 failed_names=()
mkdir -p target
for s in "${stages[@]}"; do
  if ! declare -F "stage_$s" >/dev/null; then echo "unknown stage $s" >&2; exit 2; fi
  [ -e "tests/e2e" ] || [ "$s" != e2e ] || { echo "== e2e: no tests/e2e folder"; failed=$((failed+1)); failed_names+=("$s"); continue; }
  start=$(date +%s)
  printf '\n======== %s ========\n' "$s"
  if "stage_$s"; then
    passed=$((passed+1)); printf '== %s: ok (%ss)\n' "$s" $(( $(date +%s) - start ))
  else
    failed=$((failed+1)); failed_names+=("$s"); printf '== %s: FAILED (%ss)\n' "$s" $(( $(date +%s) - start ))
    [ "$s" = install ] && break
  fi
done
echo
[ $failed -eq 0 ] || echo "failed stages: ${failed_names[*]}"
echo "stages: $passed passed, $failed failed"
[ $failed -eq 0 ]
