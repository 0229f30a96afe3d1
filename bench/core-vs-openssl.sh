#!/usr/bin/env bash
# Signature cost of the core's built-in signer against OpenSSL (libcrypto), per key type, in
# one run, with the same keys (tests/vectors/keys/leaf-*.key.pkcs8.pem) on both sides.
#
#   bench/core-vs-openssl.sh                 wall time, µs per signature (default)
#   bench/core-vs-openssl.sh --instructions  callgrind instruction counts per signature
#   options: --no-tables   build the core without its `precomputed-tables` feature
#            --rounds N    timing rounds (default 7)
#
# Ours: the criterion bench binary core/benches/create_session.rs in its sign-loop mode
# (`ROLES_ANYWHERE_SIGN_LOOP`): an already-parsed key signs the CreateSession string to sign.
# OpenSSL: a small C program against libcrypto doing what `openssl speed` does
# (EVP_PKEY_sign on an initialised context; here over SHA-256 of the same message).
#
# Wall time: the machine may be shared, so each side is measured in batches, the two
# interleaved round by round, and the fastest batch is kept (other load only adds time).
# Instructions: `valgrind --tool=callgrind --toggle-collect=<the signing loop>`, independent
# of load. Valgrind hides AVX-512 and SHA-NI, so OpenSSL runs its AVX2/mulx code there (its
# wall time below may use AVX-512 IFMA for RSA) and SHA-256 runs in software on both sides.
#
# Needs: cargo, a C compiler, OpenSSL 3 headers (Debian: libssl-dev), python3; valgrind for
# --instructions. CARGO_TARGET_DIR is honoured.
set -euo pipefail

mode=time
features=(--features precomputed-tables)
rounds=7
while [ $# -gt 0 ]; do
    case "$1" in
    --instructions) mode=instructions ;;
    --no-tables) features=() ;;
    --rounds) rounds="$2"; shift ;;
    *) echo "usage: $0 [--instructions] [--no-tables] [--rounds N]" >&2; exit 2 ;;
    esac
    shift
done

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
keys="$root/tests/vectors/keys"
workdir="$(mktemp -d)"
trap 'rm -rf "$workdir"' EXIT

echo "== building the bench binary (cargo bench --no-run ${features[*]})" >&2
ours="$(cargo bench -p roles-anywhere-core "${features[@]}" --bench create_session --no-run \
    --message-format=json 2>/dev/null | python3 -c '
import json, sys
for line in sys.stdin:
    m = json.loads(line)
    if m.get("reason") == "compiler-artifact" and m["target"]["name"] == "create_session" and m.get("executable"):
        print(m["executable"])')"
[ -x "$ours" ] || { echo "bench build failed; run: cargo bench -p roles-anywhere-core --bench create_session --no-run" >&2; exit 1; }

cat >"$workdir/ossl_sign.c" <<'EOF'
/* usage: ossl_sign key.pem n rounds -> "ns_per_sign <fastest batch>" */
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/sha.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
static const unsigned char msg[] =
    "AWS4-X509-RSA-SHA256\n20211103T120000Z\n20211103/us-east-1/rolesanywhere/aws4_request\n"
    "7cfb5ac7e1d6d0e0c3fb2bca8d0a3a9ec5e1f7a7d6a8f8e2a2c8b3ae1f0c9d8e";
static void sign_once(EVP_PKEY_CTX *ctx) {
    unsigned char digest[32], sig[1024];
    size_t len = sizeof sig;
    SHA256(msg, sizeof msg - 1, digest);
    if (EVP_PKEY_sign(ctx, sig, &len, digest, sizeof digest) != 1) { fputs("sign failed\n", stderr); exit(1); }
}
__attribute__((noinline)) void measured_sign_loop(EVP_PKEY_CTX *ctx, long n) {
    for (long i = 0; i < n; i++) sign_once(ctx);
}
int main(int argc, char **argv) {
    if (argc != 4) { fprintf(stderr, "usage: %s key.pem n rounds\n", argv[0]); return 2; }
    FILE *f = fopen(argv[1], "r");
    EVP_PKEY *key = f ? PEM_read_PrivateKey(f, NULL, NULL, NULL) : NULL;
    EVP_PKEY_CTX *ctx = key ? EVP_PKEY_CTX_new(key, NULL) : NULL;
    if (!ctx || EVP_PKEY_sign_init(ctx) != 1 || EVP_PKEY_CTX_set_signature_md(ctx, EVP_sha256()) != 1) {
        fprintf(stderr, "cannot load %s\n", argv[1]); return 1;
    }
    long n = atol(argv[2]), rounds = atol(argv[3]);
    double best = 1e300;
    sign_once(ctx); /* warm-up, not counted */
    for (long r = 0; r < rounds; r++) {
        struct timespec a, b;
        clock_gettime(CLOCK_MONOTONIC, &a);
        measured_sign_loop(ctx, n);
        clock_gettime(CLOCK_MONOTONIC, &b);
        double ns = ((b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec)) / n;
        if (ns < best) best = ns;
    }
    printf("ns_per_sign %.0f\n", best);
    return 0;
}
EOF
cc -O2 -o "$workdir/ossl_sign" "$workdir/ossl_sign.c" -lcrypto

# key type (as KeyType displays it) | key file | batch size ours | batch size OpenSSL | target ratio
table='RSA-2048|leaf-rsa2048|40|200|3
RSA-3072|leaf-rsa3072|15|60|-
RSA-4096|leaf-rsa4096|6|30|-
EC P-256|leaf-p256|400|2000|2
EC P-384|leaf-p384|40|100|-'

ns_of() { sed -n 's/^ns_per_sign //p'; }

# instructions per signature of one program run under callgrind, counting only the loop
instructions() {
    local n="$1"; shift
    local total
    total="$(valgrind --tool=callgrind --collect-atstart=no '--toggle-collect=*measured_sign_loop*' \
        --callgrind-out-file=/dev/null "$@" </dev/null 2>&1 >/dev/null | sed -n 's/.*Collected : //p')"
    echo $((total / n))
}

results="$workdir/results"
: >"$results"
if [ "$mode" = time ]; then
    echo "== timing: $rounds interleaved rounds, fastest batch kept" >&2
    for ((r = 1; r <= rounds; r++)); do
        while IFS='|' read -r kt file n_ours n_ossl target; do
            a="$(ROLES_ANYWHERE_SIGN_LOOP="$kt:$n_ours:3" "$ours" </dev/null | ns_of)"
            b="$("$workdir/ossl_sign" "$keys/$file.key.pkcs8.pem" "$n_ossl" 3 </dev/null | ns_of)"
            # The same with AVX-512 (F and IFMA) masked off: OpenSSL's scalar mulx/adx code.
            c="$(OPENSSL_ia32cap=':~0x210000' "$workdir/ossl_sign" "$keys/$file.key.pkcs8.pem" "$n_ossl" 3 </dev/null | ns_of)"
            echo "$kt|$a|$b|$target|$c" >>"$results"
        done <<<"$table"
        echo "   round $r/$rounds done" >&2
    done
else
    echo "== callgrind instruction counts" >&2
    while IFS='|' read -r kt file _ _ target; do
        n=5
        a="$(ROLES_ANYWHERE_SIGN_LOOP="$kt:$n" instructions "$n" "$ours")"
        b="$(instructions "$n" "$workdir/ossl_sign" "$keys/$file.key.pkcs8.pem" "$n" 1)"
        echo "$kt|$a|$b|$target|" >>"$results"
    done <<<"$table"
fi

python3 - "$mode" "$results" "${features[*]:-(no precomputed tables)}" "$(openssl version)" <<'EOF'
import sys
mode, path, features, version = sys.argv[1:]
best = {}
inf = float("inf")
for line in open(path):
    kt, ours, theirs, target, scalar = line.rstrip("\n").split("|")
    if not (ours and theirs and float(ours) > 0 and float(theirs) > 0):
        sys.exit(f"{kt}: no measurement (ours {ours!r}, OpenSSL {theirs!r})")
    o, t, _, c = best.get(kt, (inf, inf, target, inf))
    best[kt] = (min(o, float(ours)), min(t, float(theirs)), target, min(c, float(scalar or inf)))
timed = mode == "time"
unit, scale, fmt = ("µs", 1e3, ",.1f") if timed else ("instr", 1, ",.0f")
print()
extra = f" {'OpenSSL no-AVX512':>18}" if timed else ""
print(f"{'key type':<10} {'ours ' + unit:>14} {'OpenSSL ' + unit:>14} {'ratio':>7} {'target':>7}  met{extra}")
for kt, (ours, theirs, target, scalar) in best.items():
    ratio = ours / theirs
    met = "-" if target == "-" else ("yes" if ratio <= float(target) else "NO")
    if not timed and target != "-":
        met += "*"
    tgt = "-" if target == "-" else f"≤{target}×"
    extra = f" {format(scalar / scale, fmt) + ' (' + format(ours / scalar, '.2f') + '×)':>18}" if timed else ""
    print(f"{kt:<10} {format(ours / scale, fmt):>14} {format(theirs / scale, fmt):>14} {ratio:>6.2f}× {tgt:>7}  {met:<4}{extra}")
print()
print(f"ratio = ours / OpenSSL per signature; core built with {features}; {version}")
if timed:
    print("OpenSSL no-AVX512: OPENSSL_ia32cap=':~0x210000' (its scalar mulx/adx assembly), ratio ours / that")
else:
    print("instructions under valgrind (no AVX-512/SHA-NI there): a load-independent proxy, not time;")
    print("* the targets are for wall time (run without --instructions)")
EOF
