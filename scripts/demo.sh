#!/usr/bin/env bash
# The main job, on a fresh machine: start the local IAM Roles Anywhere emulator with its
# embedded default (demo PKI, trust anchor, profile, role), trade the demo certificate for
# temporary credentials with `roles-anywhere credential-process`, and prove they work with
# sts:GetCallerIdentity through boto3. Point the CLI at AWS by leaving out --endpoint.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
export PATH="$HOME/.cargo/bin:$PATH"

echo "== building roles-anywhere and roles-anywhere-emulator"
cargo build -q --release -p roles-anywhere-cli -p roles-anywhere-emulator
BIN=$ROOT/target/release

if ! .venv/bin/python -c 'import boto3' 2>/dev/null; then
  echo "== installing boto3 into .venv (for the GetCallerIdentity check)"
  python3 -m venv .venv
  .venv/bin/pip install -q --disable-pip-version-check boto3
fi

DATA=$ROOT/target/demo-emulator
READY=$(mktemp)
rm -f "$READY"
"$BIN/roles-anywhere-emulator" --data-dir "$DATA" --listen 127.0.0.1:0 --ready-file "$READY" \
  >"$ROOT/target/demo-emulator.log" 2>&1 &
EMU=$!
trap 'kill $EMU 2>/dev/null; rm -f "$READY"' EXIT
for _ in $(seq 1 300); do [ -s "$READY" ] && break; kill -0 $EMU 2>/dev/null || break; sleep 0.1; done
if [ ! -s "$READY" ]; then cat "$ROOT/target/demo-emulator.log"; echo "the emulator did not start" >&2; exit 1; fi
field() { .venv/bin/python -c "import json,sys; d=json.load(open(sys.argv[1])); print(eval('d'+sys.argv[2]))" "$READY" "$1"; }
ENDPOINT=$(field '["endpoint"]')
echo "== emulator listening on $ENDPOINT (data in $DATA)"

CMD=("$BIN/roles-anywhere" credential-process
  --certificate "$(field '["identities"]["p256"]["certificate"]')"
  --private-key "$(field '["identities"]["p256"]["private_key"]')"
  --intermediates "$(field '["identities"]["p256"]["intermediates"]')"
  --trust-anchor-arn "$(field '["trust_anchor_arn"]')"
  --profile-arn "$(field '["profile_arn"]')"
  --role-arn "$(field '["role_arn"]')"
  --endpoint "$ENDPOINT" --ca-bundle "$(field '["ca_bundle"]')")
echo "== ${CMD[*]#$ROOT/}"
CREDS=$("${CMD[@]}")
echo "$CREDS" | .venv/bin/python -c '
import json, sys
c = json.load(sys.stdin)
print("   Version %s, AccessKeyId %s, Expiration %s (secret and token not shown)" % (c["Version"], c["AccessKeyId"], c["Expiration"]))'

echo "== sts:GetCallerIdentity with those credentials (boto3, against the emulator)"
echo "$CREDS" | AWS_CA_BUNDLE="$(field '["ca_bundle"]')" STS_ENDPOINT="$(field '["sts_endpoint"]')" \
  .venv/bin/python -c '
import json, os, sys, boto3
c = json.load(sys.stdin)
sts = boto3.client("sts", region_name="us-east-1", endpoint_url=os.environ["STS_ENDPOINT"],
                   aws_access_key_id=c["AccessKeyId"], aws_secret_access_key=c["SecretAccessKey"],
                   aws_session_token=c["SessionToken"])
who = sts.get_caller_identity()
print("   Arn %s\n   Account %s\n   UserId %s" % (who["Arn"], who["Account"], who["UserId"]))'
echo "== done: the demo certificate became working AWS credentials"
