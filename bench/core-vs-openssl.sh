#!/usr/bin/env bash
# Signing cost of the core's built-in signer against OpenSSL, per key type, in one run:
#   1. the criterion bench core/benches/create_session.rs (`sign/<key>` and
#      `prepare_finish/<key>`, keys from tests/vectors/keys);
#   2. `openssl speed -seconds 3 rsa2048 rsa3072 rsa4096 ecdsap256 ecdsap384`;
#   3. a table: our mean time, OpenSSL's time per signature (1 / sign/s), and the ratios
#      ours / OpenSSL (> 1: we are slower).
# Needs: cargo, openssl (3.x), python3. Options: CARGO_TARGET_DIR (default target/),
# BENCH_SECONDS (criterion measurement time per bench, default 5).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
target="${CARGO_TARGET_DIR:-$root/target}"
seconds="${BENCH_SECONDS:-5}"
workdir="$(mktemp -d)"
trap 'rm -rf "$workdir"' EXIT

echo "== criterion: cargo bench -p roles-anywhere-core --bench create_session" >&2
rm -rf "$target/criterion/sign" "$target/criterion/prepare_finish" "$target"/criterion/sign_* "$target"/criterion/prepare_finish_*
CARGO_TARGET_DIR="$target" cargo bench -p roles-anywhere-core --bench create_session -- \
    --measurement-time "$seconds" --warm-up-time 1 >&2

echo "== openssl speed -seconds 3 rsa2048 rsa3072 rsa4096 ecdsap256 ecdsap384" >&2
openssl speed -seconds 3 rsa2048 rsa3072 rsa4096 ecdsap256 ecdsap384 >"$workdir/openssl.txt" 2>"$workdir/openssl.err" || {
    cat "$workdir/openssl.err" >&2
    exit 1
}

python3 - "$target/criterion" "$workdir/openssl.txt" <<'EOF'
import json, re, sys
from pathlib import Path

crit, openssl_out = Path(sys.argv[1]), Path(sys.argv[2]).read_text()

def criterion_ns(group, key):
    # criterion keeps each bench under criterion/<group>/<dir>/new/: benchmark.json names it
    # (`full_id` = "group/key"), estimates.json has the mean in nanoseconds.
    for bench in crit.glob(f"{group}/*/new/benchmark.json"):
        if json.loads(bench.read_text()).get("full_id") == f"{group}/{key}":
            return json.loads((bench.parent / "estimates.json").read_text())["mean"]["point_estimate"]
    sys.exit(f"no criterion result for {group}/{key} under {crit}")

def openssl_sign_per_s(pattern):
    # The sign/s column: the first number after the last `…s` time column of the line.
    for line in openssl_out.splitlines():
        if re.search(pattern, line):
            tokens = line.split()
            last_time = max(i for i, t in enumerate(tokens) if re.fullmatch(r"[0-9.]+s", t))
            return float(tokens[last_time + 1])
    sys.exit(f"no openssl line matching {pattern!r}")

rows = [
    ("RSA-2048", r"^rsa\s+2048 bits"),
    ("RSA-3072", r"^rsa\s+3072 bits"),
    ("RSA-4096", r"^rsa\s+4096 bits"),
    ("EC P-256", r"ecdsa \(nistp256\)"),
    ("EC P-384", r"ecdsa \(nistp384\)"),
]
print()
print(f"{'key':<10} {'ours sign':>12} {'ours prepare+finish':>20} {'openssl sign':>13} {'sign ratio':>11} {'total ratio':>12}")
for key, pattern in rows:
    sign = criterion_ns("sign", key) / 1e3
    total = criterion_ns("prepare_finish", key) / 1e3
    theirs = 1e6 / openssl_sign_per_s(pattern)
    print(f"{key:<10} {sign:>10.1f}µs {total:>18.1f}µs {theirs:>11.1f}µs {sign / theirs:>10.2f}x {total / theirs:>11.2f}x")
print()
print("ratio = ours / openssl (time per signature); OpenSSL:", openssl_out.splitlines()[0] if openssl_out else "?")
EOF
