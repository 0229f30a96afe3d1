"""identity/<case>/: every key/certificate format that must parse → expected.json.

The expected values come from `cryptography` reading the same bytes (gen/identity.py).
"""

from __future__ import annotations

from .common import PASSWORD, Case, dump_json, identity_fields
from .identity import load

FOLDER = "identity"
P12_DIALECTS = {
    "modern": ("PBES2/AES-256-CBC bags, SHA-256 MAC", PASSWORD),
    "legacy": ("legacy: 3DES key bag, RC2-40 cert bag, SHA-1 MAC", PASSWORD),
    "3des": ("3DES key and cert bags, SHA-1 MAC", PASSWORD),
    "nopass": ("encrypted and MACed with the empty password; no password given", None),
    "unencrypted": ("no encryption, no MAC; no password given", None),
}
ENC_PKCS8 = {
    "pbkdf2-sha256-aes256": "PBES2 PBKDF2-HMAC-SHA256 AES-256-CBC",
    "pbkdf2-sha1-aes128": "PBES2 PBKDF2-HMAC-SHA1 AES-128-CBC",
    "pbkdf2-sha256-aes192": "PBES2 PBKDF2-HMAC-SHA256 AES-192-CBC",
    "scrypt-aes256": "PBES2 scrypt AES-256-CBC",
}


def _table() -> dict[str, tuple[str, dict]]:
    t: dict[str, tuple[str, dict]] = {}
    for stem, short, kind in (("leaf-p256", "p256", "EC"), ("leaf-p384", "p384", "EC"),
                              ("leaf-rsa2048", "rsa2048", "RSA"), ("leaf-rsa3072", "rsa3072", "RSA"),
                              ("leaf-rsa4096", "rsa4096", "RSA")):
        trad = "sec1" if kind == "EC" else "pkcs1"
        label = "SEC1" if kind == "EC" else "PKCS#1"
        for fmt, desc in ((f"{trad}.pem", f"{label} PEM"), (f"{trad}.der", f"{label} DER"),
                          ("pkcs8.pem", "PKCS#8 PEM"), ("pkcs8.der", "PKCS#8 DER")):
            t[f"{short}-{fmt.replace('.', '-')}"] = (f"{stem}: certificate PEM, key {desc}",
                                                    {"stem": stem, "key": fmt})
    for stem, short in (("leaf-p256", "p256"), ("leaf-rsa2048", "rsa2048")):
        for tag, desc in ENC_PKCS8.items():
            t[f"{short}-pkcs8-enc-{tag}"] = (f"{stem}: encrypted PKCS#8 PEM, {desc}",
                                             {"stem": stem, "key": f"pkcs8.enc-{tag}.pem",
                                              "password": PASSWORD})
        t[f"{short}-pkcs8-enc-der"] = (f"{stem}: encrypted PKCS#8 DER, {ENC_PKCS8['pbkdf2-sha256-aes256']}",
                                       {"stem": stem, "key": "pkcs8.enc-pbkdf2-sha256-aes256.der",
                                        "password": PASSWORD})
        t[f"{short}-combined-pem"] = (f"{stem}: one PEM holding the certificate then the PKCS#8 key",
                                      {"stem": stem, "cert": "combined"})
        t[f"{short}-cert-der"] = (f"{stem}: certificate DER, key PKCS#8 PEM",
                                  {"stem": stem, "cert": "der"})
    for p12_stem, short in (("leaf-p256", "p256"), ("leaf-p384", "p384"), ("leaf-rsa2048", "rsa2048"),
                            ("leaf-p256-int5.chain", "p256-chain5")):
        for tag, (desc, password) in P12_DIALECTS.items():
            t[f"{short}-pkcs12-{tag}"] = (f"PKCS#12 {p12_stem}.{tag}.p12: {desc}",
                                          {"pkcs12": f"{p12_stem}.{tag}.p12", "password": password})
    t["p256-chain1"] = ("leaf issued by int1 with its 1-certificate chain",
                        {"stem": "leaf-p256-int1", "chain": "split1"})
    t["p256-chain5-split"] = ("leaf issued by int5, intermediates given one PEM each",
                              {"stem": "leaf-p256-int5", "chain": "split5"})
    t["p256-chain5-bundle"] = ("leaf issued by int5, intermediates given as ONE bundle string "
                               "of 5 PEM blocks", {"stem": "leaf-p256-int5", "chain": "bundle5"})
    for stem in ("serial1", "serial20", "serial-pad", "serial-highbit"):
        t[f"p256-{stem}"] = (f"leaf-p256-{stem}: serial variant", {"stem": f"leaf-p256-{stem}"})
    return t


def build() -> list[Case]:
    cases = []
    for name, (description, kw) in _table().items():
        ctx = {"description": description, **identity_fields(**kw)}
        cases.append(Case(FOLDER, name, {
            "context.json": dump_json(ctx),
            "expected.json": dump_json(load(ctx).expected_json()),
        }))
    return cases
