#!/usr/bin/env bash
# Wall time per `credential-process` call and peak memory (maximum resident set size from
# GNU time, `/usr/bin/time -f %M`, i.e. what `time -v` reports), for the official helper
# (v1.4.0) and for roles-anywhere without and with --cache, against one emulator in this
# same script. Wall time is measured on plain runs (no time wrapper).
# Usage: bench/credential_process.sh [RUNS]   (env: CARGO_TARGET_DIR, HELPER=/path/to/helper)
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-30}
TARGET=${CARGO_TARGET_DIR:-target}

cargo build -q --release -p roles-anywhere-cli -p roles-anywhere-emulator
OURS="$TARGET/release/roles-anywhere"
EMULATOR="$TARGET/release/roles-anywhere-emulator"

HELPER=${HELPER:-}
if [ -z "$HELPER" ]; then
  GOBIN_DIR=$(go env GOPATH)/bin
  for name in rolesanywhere-credential-helper aws_signing_helper; do
    [ -x "$GOBIN_DIR/$name" ] && HELPER="$GOBIN_DIR/$name" && break
  done
  if [ -z "$HELPER" ]; then
    go install github.com/aws/rolesanywhere-credential-helper@v1.4.0
    HELPER="$GOBIN_DIR/rolesanywhere-credential-helper"
  fi
fi

WORK=$(mktemp -d)
cleanup() {
  if [ -n "${EMU_PID:-}" ]; then kill "$EMU_PID" 2>/dev/null || true; wait "$EMU_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT
# Throttling off: the service's 10 calls/s per certificate would otherwise time the retries.
"$EMULATOR" --data-dir "$WORK/data" --listen 127.0.0.1:0 --ready-file "$WORK/ready.json" \
  --throttle-per-certificate 0 --throttle-per-ip 0 >"$WORK/emulator.log" 2>&1 &
EMU_PID=$!
for _ in $(seq 1 300); do [ -s "$WORK/ready.json" ] && break; sleep 0.1; done
[ -s "$WORK/ready.json" ] || { cat "$WORK/emulator.log"; exit 1; }

python3 - "$WORK/ready.json" "$OURS" "$HELPER" "$RUNS" "$WORK" <<'PY'
import json, os, statistics, subprocess, sys, time

ready, ours, helper, runs, work = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5]
info = json.load(open(ready))
ident = info["identities"]["rsa"]
flags = ["--certificate", ident["certificate"], "--private-key", ident["private_key"],
         "--intermediates", ident["intermediates"], "--trust-anchor-arn", info["trust_anchor_arn"],
         "--profile-arn", info["profile_arn"], "--role-arn", info["role_arn"], "--endpoint", info["endpoint"]]
# Both trust the emulator's CA the same way: SSL_CERT_FILE (Go's crypto/x509 and
# rustls-native-certs both read it).
env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
env.update(SSL_CERT_FILE=info["ca_bundle"], ROLES_ANYWHERE_CACHE_DIR=os.path.join(work, "cache"), HOME=work)
variants = [
    ("aws_signing_helper v1.4.0", [helper, "credential-process", *flags]),
    ("roles-anywhere", [ours, "credential-process", *flags]),
    ("roles-anywhere --cache", [ours, "credential-process", *flags, "--cache"]),
]

def check(p, cmd):
    if p.returncode != 0 or json.loads(p.stdout)["Version"] != 1:
        raise SystemExit(f"{cmd[0]} failed ({p.returncode}): {p.stderr.decode()[:500]}")

def wall_ms(cmd):
    start = time.perf_counter()
    p = subprocess.run(cmd, env=env, capture_output=True)
    elapsed = (time.perf_counter() - start) * 1000
    check(p, cmd)
    return elapsed

def peak_rss_kib(cmd):
    out = os.path.join(work, "time.out")
    p = subprocess.run(["/usr/bin/time", "-f", "%M", "-o", out, *cmd], env=env, capture_output=True)
    check(p, cmd)
    return int(open(out).read().split()[-1])

print(f"credential-process against the emulator ({info['endpoint']}), RSA-2048 identity, {runs} runs each\n")
print(f"{'variant':28} {'mean ms':>8} {'median':>8} {'p95':>8} {'min':>8} {'peak RSS MiB':>13}")
results = {}
for name, cmd in variants:
    for _ in range(3):
        wall_ms(cmd)  # warm-up: page cache, the emulator's first TLS sessions, the cache file
    walls = sorted(wall_ms(cmd) for _ in range(runs))
    rss = max(peak_rss_kib(cmd) for _ in range(5)) / 1024
    p95 = walls[min(len(walls) - 1, int(round(0.95 * (len(walls) - 1))))]
    results[name] = {"mean_ms": statistics.mean(walls), "median_ms": statistics.median(walls),
                     "p95_ms": p95, "min_ms": walls[0], "peak_rss_mib": rss}
    print(f"{name:28} {statistics.mean(walls):8.1f} {statistics.median(walls):8.1f} {p95:8.1f} {walls[0]:8.1f} {rss:13.1f}")
if os.environ.get("BENCH_JSON"):
    json.dump(results, open(os.environ["BENCH_JSON"], "w"), indent=2)
PY
