#!/bin/sh
# Write the TEST-ONLY certificates of the trust-model unit tests that rcgen (and Python
# `cryptography`, which refuses SHA-1) cannot make: end-entity certificates signed with
# SHA-1 and MD5 (User Guide, "Signature validation": "MD5 and SHA1 signing algorithms are
# rejected"), and a SHA-256 twin that passes. Everything else is built at test time.
# Needs the openssl CLI (3.x). Keys are random and thrown away; the output is committed,
# rerun only to change it: `sh generate.sh`. Valid for 30 years from generation.
set -eu
cd "$(dirname "$0")"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$tmp/ca.key" -subj "/CN=Weak Hash Test CA" \
  -days 10950 -sha256 -addext "basicConstraints=critical,CA:TRUE" \
  -addext "keyUsage=critical,keyCertSign,cRLSign" -out "$tmp/ca.pem" 2>/dev/null
openssl x509 -in "$tmp/ca.pem" -outform der -out weak-ca.crt.der
printf 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\n' > "$tmp/ext"
for pair in sha1:leaf-sha1 md5:leaf-md5 sha256:leaf-sha256; do
  md=${pair%%:*}; stem=${pair#*:}
  openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$tmp/$stem.key" \
    -subj "/CN=$stem" -out "$tmp/$stem.csr" 2>/dev/null
  openssl x509 -req -in "$tmp/$stem.csr" -CA "$tmp/ca.pem" -CAkey "$tmp/ca.key" -CAcreateserial \
    -"$md" -days 10950 -extfile "$tmp/ext" -outform der -out "$stem.crt.der" 2>/dev/null
done
