"""Shared pieces of the corpus generator: key files, ARNs, context.json, JSON output.

A case is a `Case(folder, name, files)`; `files` maps a file name to its exact bytes.
Everything here follows COMMON.md "The golden corpus layout" and SPEC.md §1 only.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from pathlib import Path

VECTORS = Path(__file__).resolve().parent.parent
KEYS = VECTORS / "keys"
PASSWORD = "correct horse battery staple"
WRONG_PASSWORD = "Tr0ub4dor&3"

ACCOUNT = "123456789012"
TA_ID = "4a1b2c3d-5e6f-4a7b-8c9d-0e1f2a3b4c5d"
PROFILE_ID = "9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a"
TIMESTAMP = "2021-11-03T12:00:00Z"


def trust_anchor_arn(region: str = "us-east-1", partition: str = "aws") -> str:
    return f"arn:{partition}:rolesanywhere:{region}:{ACCOUNT}:trust-anchor/{TA_ID}"


def profile_arn(region: str = "us-east-1", partition: str = "aws") -> str:
    return f"arn:{partition}:rolesanywhere:{region}:{ACCOUNT}:profile/{PROFILE_ID}"


def role_arn(name: str = "example", partition: str = "aws") -> str:
    return f"arn:{partition}:iam::{ACCOUNT}:role/{name}"


@dataclass
class Case:
    folder: str
    name: str
    files: dict[str, bytes]


def key_bytes(name: str) -> bytes:
    """A file of keys/, e.g. `leaf-p256.crt.pem`."""
    return (KEYS / name).read_bytes()


def key_text(name: str) -> str:
    return key_bytes(name).decode("ascii")


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def dump_json(value) -> bytes:
    """Deterministic JSON: sorted keys, 2-space indent, `\\n` line ends, final newline."""
    return (json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")


def identity_fields(stem: str | None = None, *, cert: str = "pem", key: str | None = "pkcs8.pem",
                    chain: str | None = None, pkcs12: str | None = None,
                    password: str | None = None) -> dict:
    """The identity part of a context.json, from key files.

    `cert`: "pem" | "der" | "combined" (the combined PEM carries the key, so no key field);
    `key`: the key file suffix after `<stem>.key.` (".der" → `private_key_b64`), or None;
    `chain`: "bundle5" (one string holding int5..int1), "split5" / "split1" / "split6" (one
    PEM per intermediate), or None; `pkcs12`: a .p12 file name (then no cert/key fields).
    """
    out: dict = {"intermediates": []}
    if pkcs12 is not None:
        out["pkcs12_b64"] = b64(key_bytes(pkcs12))
    else:
        if cert == "pem":
            out["certificate"] = key_text(f"{stem}.crt.pem")
        elif cert == "der":
            out["certificate_b64"] = b64(key_bytes(f"{stem}.crt.der"))
        elif cert == "combined":
            out["certificate"] = key_text(f"{stem}.combined.pem")
            key = None
        if key is not None:
            if key.endswith(".der"):
                out["private_key_b64"] = b64(key_bytes(f"{stem}.key.{key}"))
            else:
                out["private_key"] = key_text(f"{stem}.key.{key}")
    if chain == "bundle5":
        out["intermediates"] = [key_text("chain-int5.pem")]
    elif chain is not None and chain.startswith("split"):
        top = int(chain[len("split"):])
        out["intermediates"] = [key_text(f"int{i}.crt.pem") for i in range(top, 0, -1)]
    if password is not None:
        out["password"] = password
    return out


def request_fields(**overrides) -> dict:
    """The request part of a create-session / error context.json, with defaults."""
    out = {
        "trust_anchor_arn": trust_anchor_arn(),
        "profile_arn": profile_arn(),
        "role_arn": role_arn(),
        "region": None,
        "endpoint": None,
        "duration_seconds": 3600,
        "role_session_name": None,
        "timestamp": TIMESTAMP,
    }
    for k, v in overrides.items():
        if k not in out:
            raise KeyError(f"unknown request field {k}")
        out[k] = v
    return out
