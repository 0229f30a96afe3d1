"""error/<case>/: a context.json with exactly one thing wrong → expected-error.json.

Each case's code is stated here AND re-derived by this generator's own implementation
(gen/identity.py `load`, gen/canonical.py `validate`); a disagreement stops the build.
"""

from __future__ import annotations

import hashlib

from .canonical import validate
from .common import (ACCOUNT, PROFILE_ID, TA_ID, WRONG_PASSWORD, Case, b64, dump_json,
                     identity_fields, key_bytes, key_text, profile_arn, request_fields,
                     trust_anchor_arn)
from .identity import CaseError, load

FOLDER = "error"
P256 = {"stem": "leaf-p256"}
GARBAGE_PEM = "-----BEGIN CERTIFICATE-----\n!!not*base64@@ ~~ <>\n-----END CERTIFICATE-----\n"
# Fixed bytes that look random, neither PEM text nor a DER SEQUENCE.
GARBAGE_BYTES = b"\xde\xad\xbe\xef" + hashlib.sha256(b"roles-anywhere corpus garbage").digest()


def _replace(base: dict, **fields) -> dict:
    out = dict(base)
    for k, v in fields.items():
        if v is None:
            out.pop(k, None)
        else:
            out[k] = v
    return out


def _identity_cases() -> dict[str, tuple[str, str, dict]]:
    p256 = identity_fields(**P256)
    cert_der, key_der = key_bytes("leaf-p256.crt.der"), key_bytes("leaf-p256.key.pkcs8.der")
    enc = {"stem": "leaf-p256", "key": "pkcs8.enc-pbkdf2-sha256-aes256.pem"}
    return {
        "certificate-garbage-pem": ("invalid_pem", "CERTIFICATE block whose body is not base64",
                                    _replace(p256, certificate=GARBAGE_PEM)),
        "certificate-garbage-bytes": ("invalid_der", "certificate bytes that are neither PEM nor DER",
                                      _replace(p256, certificate=None, certificate_b64=b64(GARBAGE_BYTES))),
        "certificate-truncated-der": ("invalid_der", "certificate DER cut in half",
                                      _replace(p256, certificate=None,
                                               certificate_b64=b64(cert_der[: len(cert_der) // 2]))),
        "key-truncated-der": ("invalid_der", "PKCS#8 key DER cut in half",
                              _replace(p256, private_key=None,
                                       private_key_b64=b64(key_der[: len(key_der) // 2]))),
        "pkcs8-wrong-password": ("wrong_password", "encrypted PKCS#8 with the wrong password",
                                 identity_fields(**enc, password=WRONG_PASSWORD)),
        "pkcs8-scrypt-wrong-password": ("wrong_password", "scrypt-encrypted PKCS#8, wrong password",
                                        identity_fields(stem="leaf-rsa2048", key="pkcs8.enc-scrypt-aes256.pem",
                                                        password=WRONG_PASSWORD)),
        "pkcs12-wrong-password": ("wrong_password", "PKCS#12 (modern) with the wrong password",
                                  identity_fields(pkcs12="leaf-p256.modern.p12", password=WRONG_PASSWORD)),
        "pkcs8-no-password": ("password_required", "encrypted PKCS#8 without a password",
                              identity_fields(**enc)),
        "pkcs12-no-password": ("password_required", "password-protected PKCS#12 without a password",
                               identity_fields(pkcs12="leaf-p256.modern.p12")),
        "key-certificate-mismatch": ("key_certificate_mismatch", "leaf-p256 certificate, other-p256 key",
                                     _replace(p256, private_key=key_text("other-p256.key.pkcs8.pem"))),
        "chain-too-long": ("chain_too_long", "leaf issued by int6 with its 6-certificate chain",
                           identity_fields(stem="leaf-p256-int6", chain="split6")),
        "ed25519-leaf": ("unsupported_key_type", "Ed25519 leaf and key",
                         identity_fields(stem="leaf-ed25519")),
        "p521-leaf": ("unsupported_key_type", "P-521 leaf and key", identity_fields(stem="leaf-p521")),
        "x509-v1-leaf": ("unsupported_certificate_version", "X.509 v1 leaf",
                         identity_fields(stem="leaf-p256-v1")),
    }


def _request_cases() -> dict[str, tuple[str, str, dict]]:
    ta, pr = f"trust-anchor/{TA_ID}", f"profile/{PROFILE_ID}"
    rows = {
        "arn-not-an-arn": ("invalid_arn", "trust anchor ARN that is no ARN",
                           {"trust_anchor_arn": "not-an-arn"}),
        "arn-wrong-service": ("invalid_arn", "trust anchor ARN of another service",
                              {"trust_anchor_arn": f"arn:aws:iam:us-east-1:{ACCOUNT}:{ta}"}),
        "arn-missing-account": ("invalid_arn", "trust anchor ARN without the account",
                                {"trust_anchor_arn": f"arn:aws:rolesanywhere:us-east-1::{ta}"}),
        "arn-profile-as-trust-anchor": ("invalid_arn", "a profile ARN in the trust anchor slot",
                                        {"trust_anchor_arn": profile_arn()}),
        "arn-trust-anchor-as-profile": ("invalid_arn", "a trust anchor ARN in the profile slot",
                                        {"profile_arn": trust_anchor_arn()}),
        "arn-profile-short-account": ("invalid_arn", "profile ARN with an 11-digit account",
                                      {"profile_arn": f"arn:aws:rolesanywhere:us-east-1:{ACCOUNT[:-1]}:{pr}"}),
        "arn-role-without-role-prefix": ("invalid_arn", "role ARN without `role/`",
                                         {"role_arn": f"arn:aws:iam::{ACCOUNT}:example"}),
        "arn-role-with-region": ("invalid_arn", "role ARN carrying a region (IAM ARNs have none)",
                                 {"role_arn": f"arn:aws:iam:us-east-1:{ACCOUNT}:role/example"}),
        "region-mismatch": ("region_mismatch", "trust anchor in us-east-1, profile in us-west-2",
                            {"profile_arn": profile_arn("us-west-2")}),
        "duration-899": ("invalid_duration", "duration one below 900", {"duration_seconds": 899}),
        "duration-43201": ("invalid_duration", "duration one above 43200", {"duration_seconds": 43201}),
        "session-name-too-short": ("invalid_role_session_name", "session name of 1 character",
                                   {"role_session_name": "a"}),
        "session-name-too-long": ("invalid_role_session_name", "session name of 65 characters",
                                  {"role_session_name": "s" * 65}),
        "session-name-space": ("invalid_role_session_name", "session name with a space",
                               {"role_session_name": "my session"}),
        "session-name-non-ascii": ("invalid_role_session_name",
                                   "session name with a non-ASCII letter (\\w is ASCII here)",
                                   {"role_session_name": "caf\u00e9"}),
        "endpoint-ftp": ("invalid_endpoint", "endpoint with the ftp scheme", {"endpoint": "ftp://x"}),
    }
    p256 = identity_fields(**P256)
    return {name: (code, desc, {**p256, **request_fields(**req)}) for name, (code, desc, req) in rows.items()}


def _derive(ctx: dict) -> str | None:
    try:
        load(ctx)
        validate(ctx)
    except CaseError as e:
        return e.code
    return None


def build() -> list[Case]:
    cases = []
    identity_defaults = request_fields()
    for name, (code, description, ctx) in {**_identity_cases(), **_request_cases()}.items():
        ctx = {"description": description, **identity_defaults, **ctx}
        got = _derive(ctx)
        if got != code:
            raise AssertionError(f"error/{name}: declared {code}, generator derives {got}")
        cases.append(Case(FOLDER, name, {"context.json": dump_json(ctx),
                                         "expected-error.json": dump_json({"code": code})}))
    return cases
