#!/usr/bin/env python3
"""Write the TEST-ONLY PKI of the golden corpus into this folder (see README.md).

Python `cryptography` makes every key and certificate it can; the `openssl` CLI (3.x)
writes only what `cryptography` cannot: encrypted PKCS#8 with chosen PBES2 parameters,
PKCS#12 files in each dialect, and an X.509 v1 certificate.

Keys are random, so a rerun changes every vector: the files are committed and
`tests/vectors/generate.py --write` must be rerun after this script. It refuses to
overwrite existing material unless given `--force`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import subprocess
import sys
import tempfile
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

OUT = Path(__file__).resolve().parent
PASSWORD = "correct horse battery staple"
NOT_BEFORE = dt.datetime(2020, 1, 1, tzinfo=dt.timezone.utc)
NOT_AFTER = dt.datetime(2049, 12, 31, 23, 59, 59, tzinfo=dt.timezone.utc)
PEM, DER = serialization.Encoding.PEM, serialization.Encoding.DER
NOENC = serialization.NoEncryption()

# Encrypted PKCS#8 variants: file tag -> `openssl pkcs8 -topk8` arguments (PBES2, RFC 8018).
PKCS8_ENC = {
    "pbkdf2-sha256-aes256": ["-v2", "aes-256-cbc", "-v2prf", "hmacWithSHA256"],
    "pbkdf2-sha1-aes128": ["-v2", "aes-128-cbc", "-v2prf", "hmacWithSHA1"],
    "pbkdf2-sha256-aes192": ["-v2", "aes-192-cbc", "-v2prf", "hmacWithSHA256"],
    "scrypt-aes256": ["-scrypt", "-v2", "aes-256-cbc"],
}
# PKCS#12 dialects: file tag -> (`openssl pkcs12 -export` arguments, password or "").
PKCS12 = {
    "modern": (["-keypbe", "AES-256-CBC", "-certpbe", "AES-256-CBC", "-macalg", "sha256"], PASSWORD),
    "legacy": (["-legacy"], PASSWORD),
    "3des": (["-keypbe", "PBE-SHA1-3DES", "-certpbe", "PBE-SHA1-3DES", "-macalg", "sha1"], PASSWORD),
    "nopass": ([], ""),
    "unencrypted": (["-keypbe", "NONE", "-certpbe", "NONE", "-nomac"], ""),
}


def openssl(*args: str) -> None:
    subprocess.run(["openssl", *args], check=True, capture_output=True)


def write(name: str, data: bytes) -> None:
    (OUT / name).write_bytes(data)


def name(cn: str, ou: str) -> x509.Name:
    return x509.Name([
        x509.NameAttribute(NameOID.COUNTRY_NAME, "US"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Roles Anywhere Test"),
        x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, ou),
        x509.NameAttribute(NameOID.COMMON_NAME, cn),
    ])


def ski(key) -> x509.SubjectKeyIdentifier:
    return x509.SubjectKeyIdentifier.from_public_key(key.public_key())


class Ca:
    """A CA's name, key and certificate, able to issue."""

    def __init__(self, stem: str, subject: x509.Name, key, cert: x509.Certificate):
        self.stem, self.subject, self.key, self.cert = stem, subject, key, cert

    def issue(self, subject: x509.Name, pub_key, serial: int, exts: list) -> x509.Certificate:
        b = (x509.CertificateBuilder().subject_name(subject).issuer_name(self.subject)
             .public_key(pub_key).serial_number(serial)
             .not_valid_before(NOT_BEFORE).not_valid_after(NOT_AFTER))
        for ext, critical in exts:
            b = b.add_extension(ext, critical)
        b = b.add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(self.key.public_key()), False)
        return b.sign(self.key, hashes.SHA256())


def ca_exts(key, path_len: int | None) -> list:
    usage = x509.KeyUsage(digital_signature=True, content_commitment=False, key_encipherment=False,
                          data_encipherment=False, key_agreement=False, key_cert_sign=True,
                          crl_sign=True, encipher_only=False, decipher_only=False)
    return [(x509.BasicConstraints(ca=True, path_length=path_len), True), (usage, True), (ski(key), False)]


def leaf_exts(key, dns: str) -> list:
    usage = x509.KeyUsage(digital_signature=True, content_commitment=False, key_encipherment=False,
                          data_encipherment=False, key_agreement=False, key_cert_sign=False,
                          crl_sign=False, encipher_only=False, decipher_only=False)
    return [(x509.BasicConstraints(ca=False, path_length=None), True), (usage, True),
            (x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CLIENT_AUTH]), False),
            (x509.SubjectAlternativeName([x509.DNSName(dns)]), False), (ski(key), False)]


def write_cert(stem: str, cert: x509.Certificate) -> None:
    write(f"{stem}.crt.pem", cert.public_bytes(PEM))
    write(f"{stem}.crt.der", cert.public_bytes(DER))


def write_key(stem: str, key, encrypted: bool = False) -> None:
    """Every plain format the core reads; with `encrypted`, every PBES2 variant too."""
    pkcs8 = serialization.PrivateFormat.PKCS8
    write(f"{stem}.key.pkcs8.pem", key.private_bytes(PEM, pkcs8, NOENC))
    write(f"{stem}.key.pkcs8.der", key.private_bytes(DER, pkcs8, NOENC))
    trad = {rsa.RSAPrivateKey: "pkcs1", ec.EllipticCurvePrivateKey: "sec1"}
    for cls, tag in trad.items():
        if isinstance(key, cls):
            fmt = serialization.PrivateFormat.TraditionalOpenSSL
            write(f"{stem}.key.{tag}.pem", key.private_bytes(PEM, fmt, NOENC))
            write(f"{stem}.key.{tag}.der", key.private_bytes(DER, fmt, NOENC))
    if not encrypted:
        return
    src = str(OUT / f"{stem}.key.pkcs8.pem")
    for tag, args in PKCS8_ENC.items():
        dst = str(OUT / f"{stem}.key.pkcs8.enc-{tag}.pem")
        openssl("pkcs8", "-topk8", "-in", src, "-out", dst, "-passout", f"pass:{PASSWORD}", *args)
    dst = str(OUT / f"{stem}.key.pkcs8.enc-pbkdf2-sha256-aes256.der")
    openssl("pkcs8", "-topk8", "-in", src, "-outform", "DER", "-out", dst,
            "-passout", f"pass:{PASSWORD}", *PKCS8_ENC["pbkdf2-sha256-aes256"])


def write_p12(stem: str, chain_file: str | None = None, suffix: str = "") -> None:
    for tag, (args, password) in PKCS12.items():
        extra = ["-certfile", str(OUT / chain_file)] if chain_file else []
        openssl("pkcs12", "-export", "-in", str(OUT / f"{stem}.crt.pem"),
                "-inkey", str(OUT / f"{stem}.key.pkcs8.pem"), "-name", stem,
                "-out", str(OUT / f"{stem}{suffix}.{tag}.p12"), "-passout", f"pass:{password}",
                *extra, *args)


def make_ca_chain() -> list[Ca]:
    root_key = ec.generate_private_key(ec.SECP256R1())
    root_name = name("Roles Anywhere Test Root CA", "root")
    root = Ca("root-ca", root_name, root_key, None)
    root.cert = root.issue(root_name, root_key.public_key(), x509.random_serial_number(), ca_exts(root_key, None))
    cas = [root]
    for i in range(1, 7):  # int6 exists only to build a 6-intermediate (too long) chain
        key = ec.generate_private_key(ec.SECP256R1())
        subject = name(f"Roles Anywhere Test Intermediate {i}", "intermediate")
        cert = cas[-1].issue(subject, key.public_key(), x509.random_serial_number(), ca_exts(key, None))
        cas.append(Ca(f"int{i}", subject, key, cert))
    for ca in cas:
        write_cert(ca.stem, ca.cert)
        write_key(ca.stem, ca.key)
    # Bundles, leaf-most first: what `--intermediates` files look like.
    for top in (5, 6):
        write(f"chain-int{top}.pem", b"".join(cas[i].cert.public_bytes(PEM) for i in range(top, 0, -1)))
    return cas


CA_CONF = """[ ca ]
default_ca = test_ca
[ test_ca ]
database = {d}/index.txt
new_certs_dir = {d}
serial = {d}/serial
default_md = sha256
policy = any
unique_subject = no
[ any ]
countryName = optional
organizationName = optional
organizationalUnitName = optional
commonName = supplied
"""


def issue_v1(root: Ca, stem: str, key, serial: int) -> x509.Certificate:
    """X.509 v1 (no extensions): `cryptography` always writes v3, `openssl ca` without an
    extensions section writes v1 and, unlike `openssl x509 -req` in 3.0, takes fixed dates."""
    csr = (x509.CertificateSigningRequestBuilder().subject_name(name(f"Roles Anywhere Test {stem}", "leaf"))
           .sign(key, hashes.SHA256()))
    with tempfile.TemporaryDirectory() as d:
        Path(d, "index.txt").write_text("")
        Path(d, "serial").write_text(f"{serial:X}\n")
        Path(d, "ca.cnf").write_text(CA_CONF.format(d=d))
        Path(d, "csr.pem").write_bytes(csr.public_bytes(PEM))
        Path(d, "ca.key").write_bytes(root.key.private_bytes(PEM, serialization.PrivateFormat.PKCS8, NOENC))
        Path(d, "ca.crt").write_bytes(root.cert.public_bytes(PEM))
        openssl("ca", "-batch", "-notext", "-preserveDN", "-config", f"{d}/ca.cnf",
                "-cert", f"{d}/ca.crt", "-keyfile", f"{d}/ca.key", "-in", f"{d}/csr.pem",
                "-out", f"{d}/out.pem", "-startdate", "20200101000000Z", "-enddate", "20491231235959Z")
        cert = x509.load_pem_x509_certificate(Path(d, "out.pem").read_bytes())
    if cert.version != x509.Version.v1:
        raise SystemExit(f"{stem}: openssl wrote {cert.version}, expected v1")
    return cert


def rsa_key(bits: int):
    return lambda: rsa.generate_private_key(public_exponent=65537, key_size=bits)


def ec_key(curve):
    return lambda: ec.generate_private_key(curve)


P256 = ec_key(ec.SECP256R1())
# Leaf table: stem, key factory, issuer (0 = root, n = int n), serial (None = random
# 159-bit), extras: "enc" every encrypted PKCS#8 variant, "p12" every PKCS#12 dialect,
# "p12chain" PKCS#12 holding int5..int1 too, "combined" a cert+key PEM, "v1" X.509 v1.
LEAVES = [
    ("leaf-rsa2048", rsa_key(2048), 0, None, {"enc", "p12", "combined"}),
    ("leaf-rsa3072", rsa_key(3072), 0, None, set()),
    ("leaf-rsa4096", rsa_key(4096), 0, None, set()),
    ("leaf-p256", P256, 0, None, {"enc", "p12", "combined"}),
    ("leaf-p384", ec_key(ec.SECP384R1()), 0, None, {"p12"}),
    ("leaf-p256-int1", P256, 1, None, set()),
    ("leaf-p256-int5", P256, 5, None, {"p12chain"}),
    ("leaf-rsa2048-int5", rsa_key(2048), 5, None, set()),
    ("leaf-p256-int6", P256, 6, None, set()),
    # Serial variants (DER INTEGER content in brackets):
    ("leaf-p256-serial1", P256, 0, 0x2A, set()),  # [2a]: one byte
    ("leaf-p256-serial20", P256, 0, 0x6B2F09C14E8D3A7750E1F2C49B0D8A3E5C7F1029, set()),  # 20 bytes, 159 bits
    ("leaf-p256-serial-pad", P256, 0, 0x80, set()),  # [00 80]: sign byte needed
    ("leaf-p256-serial-highbit", P256, 0, 0xC0FFEE0123456789AB, set()),  # [00 c0 ff ..]: multi-byte
    # Negative material.
    ("leaf-ed25519", ed25519.Ed25519PrivateKey.generate, 0, None, set()),
    ("leaf-p521", ec_key(ec.SECP521R1()), 0, None, set()),
    ("leaf-p256-v1", P256, 0, 0x1D2C3B4A5968, {"v1"}),
]


def make_leaves(cas: list[Ca]) -> None:
    for stem, factory, issuer, serial, extras in LEAVES:
        key = factory()
        serial = serial if serial is not None else x509.random_serial_number()
        if "v1" in extras:
            cert = issue_v1(cas[0], stem, key, serial)
        else:
            subject = name(f"Roles Anywhere Test {stem}", "leaf")
            cert = cas[issuer].issue(subject, key.public_key(), serial, leaf_exts(key, f"{stem}.test.example"))
        write_cert(stem, cert)
        write_key(stem, key, encrypted="enc" in extras)
        if "p12" in extras:
            write_p12(stem)
        if "p12chain" in extras:
            write_p12(stem, chain_file="chain-int5.pem", suffix=".chain")
        if "combined" in extras:
            key_pem = (OUT / f"{stem}.key.pkcs8.pem").read_bytes()
            write(f"{stem}.combined.pem", cert.public_bytes(PEM) + key_pem)
    # A key no certificate belongs to: the key/certificate mismatch cases.
    write_key("other-p256", P256())


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--force", action="store_true", help="overwrite existing key material")
    args = ap.parse_args()
    if (OUT / "root-ca.crt.pem").exists() and not args.force:
        print("key material exists; rerun with --force to replace it (then regenerate the corpus)",
              file=sys.stderr)
        return 1
    for old in list(OUT.glob("*.pem")) + list(OUT.glob("*.der")) + list(OUT.glob("*.p12")):
        old.unlink()
    make_leaves(make_ca_chain())
    return 0


if __name__ == "__main__":
    sys.exit(main())
