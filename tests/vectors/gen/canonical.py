"""CreateSession request building and signing, from SPEC.md §1 (and COMMON.md "Wire facts").

Validation first (ARN shapes, regions, duration, session name, endpoint), then the
canonical request, string to sign, signature and signed request. Every stage is returned
as the exact text of its corpus file.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.serialization import Encoding

from .identity import CaseError, Identity

# COMMON.md "Validation": ARN shapes. Partition and region are lower-case words with dashes.
_PART = r"aws[a-z-]*"
_REGION = r"[a-z]{2}(?:-[a-z]+)+-\d+"
TA_RE = re.compile(rf"arn:({_PART}):rolesanywhere:({_REGION}):(\d{{12}}):trust-anchor/([A-Za-z0-9-]+)")
PROFILE_RE = re.compile(rf"arn:({_PART}):rolesanywhere:({_REGION}):(\d{{12}}):profile/([A-Za-z0-9-]+)")
ROLE_RE = re.compile(rf"arn:({_PART}):iam::(\d{{12}}):role/(?:[\x21-\x7e]+/)?[\w+=,.@-]+", re.ASCII)
# IAM's RoleSessionName pattern; ASCII \w only (Python's \w is Unicode by default).
SESSION_NAME_RE = re.compile(r"[\w+=,.@-]{2,64}", re.ASCII)
MIN_DURATION, MAX_DURATION = 900, 43200
SERVICE = "rolesanywhere"


@dataclass
class Signed:
    canonical_request: str
    string_to_sign: str
    authorization: str
    signed_request: str


def validate(ctx: dict) -> tuple[str, str]:
    """Check the request fields; return (signing region, endpoint URL)."""
    ta = TA_RE.fullmatch(ctx["trust_anchor_arn"])
    profile = PROFILE_RE.fullmatch(ctx["profile_arn"])
    if ta is None or profile is None or ROLE_RE.fullmatch(ctx["role_arn"]) is None:
        raise CaseError("invalid_arn")
    if ta.group(2) != profile.group(2):
        raise CaseError("region_mismatch")
    if not MIN_DURATION <= ctx["duration_seconds"] <= MAX_DURATION:
        raise CaseError("invalid_duration")
    name = ctx["role_session_name"]
    if name is not None and SESSION_NAME_RE.fullmatch(name) is None:
        raise CaseError("invalid_role_session_name")
    region = ctx["region"] if ctx["region"] is not None else ta.group(2)
    endpoint = ctx["endpoint"]
    if endpoint is None:
        # SPEC §1: aws-cn endpoints live under amazonaws.com.cn (chosen by the ARN partition).
        suffix = "amazonaws.com.cn" if ta.group(1) == "aws-cn" else "amazonaws.com"
        endpoint = f"https://{SERVICE}.{region}.{suffix}"
    parts = urlsplit(endpoint)
    if parts.scheme not in ("https", "http") or not parts.hostname or parts.path not in ("", "/") \
            or parts.query or parts.fragment or parts.username or parts.password:
        raise CaseError("invalid_endpoint")
    return region, endpoint


def uri_encode(value: str) -> str:
    """RFC 3986: unreserved `A-Z a-z 0-9 - _ . ~` kept, every other UTF-8 byte `%XY`."""
    keep = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~"
    return "".join(chr(b) if b in keep else f"%{b:02X}" for b in value.encode("utf-8"))


def amz_date(timestamp: str) -> str:
    t = dt.datetime.strptime(timestamp, "%Y-%m-%dT%H:%M:%SZ")
    return t.strftime("%Y%m%dT%H%M%SZ")


def sign_bytes(key, message: bytes) -> bytes:
    """SPEC §1 table: RSA PKCS#1 v1.5 SHA-256; ECDSA SHA-256 (P-384 too), RFC 6979, DER."""
    if isinstance(key, rsa.RSAPrivateKey):
        sig = key.sign(message, padding.PKCS1v15(), hashes.SHA256())
        key.public_key().verify(sig, message, padding.PKCS1v15(), hashes.SHA256())
    else:
        algo = ec.ECDSA(hashes.SHA256(), deterministic_signing=True)
        sig = key.sign(message, algo)
        key.public_key().verify(sig, message, ec.ECDSA(hashes.SHA256()))
        if sig != key.sign(message, algo):
            raise AssertionError("ECDSA signature is not deterministic")
    return sig


def canonical_header_value(value: str) -> str:
    return " ".join(value.split())


def sign(ctx: dict, ident: Identity) -> Signed:
    region, endpoint = validate(ctx)
    host = urlsplit(endpoint).netloc  # host[:port] exactly as written in the URL
    date = amz_date(ctx["timestamp"])
    params = {"profileArn": ctx["profile_arn"], "roleArn": ctx["role_arn"],
              "trustAnchorArn": ctx["trust_anchor_arn"]}
    query = "&".join(f"{uri_encode(k)}={uri_encode(v)}"
                     for k, v in sorted((k, v) for k, v in params.items()))
    body_obj = {"durationSeconds": ctx["duration_seconds"]}
    if ctx["role_session_name"] is not None:
        body_obj["roleSessionName"] = ctx["role_session_name"]
    body = json.dumps(body_obj, separators=(",", ":"))

    def der_b64(cert) -> str:
        return base64.b64encode(cert.public_bytes(Encoding.DER)).decode("ascii")

    headers = [("Host", host), ("Content-Type", "application/json"), ("X-Amz-Date", date),
               ("X-Amz-X509", der_b64(ident.leaf))]
    if ident.chain:
        headers.append(("X-Amz-X509-Chain", ",".join(der_b64(c) for c in ident.chain)))
    canon = sorted((n.lower(), canonical_header_value(v)) for n, v in headers)
    signed_headers = ";".join(n for n, _ in canon)
    canonical_request = "\n".join([
        "POST", "/sessions", query,
        "".join(f"{n}:{v}\n" for n, v in canon),
        signed_headers,
        hashlib.sha256(body.encode()).hexdigest(),
    ])
    scope = f"{date[:8]}/{region}/{SERVICE}/aws4_request"
    string_to_sign = "\n".join([ident.algorithm, date, scope,
                                hashlib.sha256(canonical_request.encode()).hexdigest()])
    signature = sign_bytes(ident.key, string_to_sign.encode()).hex()
    authorization = (f"{ident.algorithm} Credential={ident.leaf.serial_number}/{scope}, "
                     f"SignedHeaders={signed_headers}, Signature={signature}")
    headers.append(("Authorization", authorization))
    signed_request = "\n".join([f"POST /sessions?{query} HTTP/1.1",
                                *(f"{n}:{v}" for n, v in headers), "", body])
    return Signed(canonical_request, string_to_sign, authorization, signed_request)
