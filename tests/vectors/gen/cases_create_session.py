"""create-session/<case>/: context.json → the four stage files (COMMON.md corpus layout)."""

from __future__ import annotations

from . import canonical
from .common import (PASSWORD, Case, dump_json, identity_fields, profile_arn, request_fields, role_arn,
                     trust_anchor_arn)
from .identity import load

FOLDER = "create-session"

# name: (description, identity_fields kwargs, request_fields overrides)
CASES: dict[str, tuple[str, dict, dict]] = {
    "rsa2048": ("RSA-2048 leaf, no chain, no session name", {"stem": "leaf-rsa2048"}, {}),
    "rsa3072": ("RSA-3072 leaf, no chain, no session name", {"stem": "leaf-rsa3072"}, {}),
    "rsa4096": ("RSA-4096 leaf, no chain, no session name", {"stem": "leaf-rsa4096"}, {}),
    "p256": ("P-256 leaf, no chain, no session name", {"stem": "leaf-p256"}, {}),
    "p384": ("P-384 leaf (ECDSA over SHA-256), no chain", {"stem": "leaf-p384"}, {}),
    "p256-session-name": ("P-256 leaf with a role session name", {"stem": "leaf-p256"},
                          {"role_session_name": "my-session"}),
    "rsa2048-session-name": ("RSA-2048 leaf with a role session name", {"stem": "leaf-rsa2048"},
                             {"role_session_name": "workload-01"}),
    "p256-session-name-symbols": (
        "session name using every allowed symbol, role ARN with a path", {"stem": "leaf-p256"},
        {"role_session_name": "a_b+c=d,e.f@g-h", "role_arn": role_arn("team/app/deployer")}),
    "p256-chain1": ("P-256 leaf issued by int1, 1-certificate chain",
                    {"stem": "leaf-p256-int1", "chain": "split1"}, {}),
    "p256-chain5": ("P-256 leaf issued by int5, 5-certificate chain (one PEM each)",
                    {"stem": "leaf-p256-int5", "chain": "split5"}, {}),
    "rsa2048-chain5": ("RSA-2048 leaf issued by int5, 5-certificate chain, session name",
                       {"stem": "leaf-rsa2048-int5", "chain": "split5"},
                       {"role_session_name": "chained"}),
    "p256-pkcs12-chain5": ("PKCS#12 (modern) holding the leaf, its key and int5..int1",
                           {"pkcs12": "leaf-p256-int5.chain.modern.p12", "password": PASSWORD},
                           {}),
    "serial-1-byte": ("serial 42: one DER content byte", {"stem": "leaf-p256-serial1"}, {}),
    "serial-20-bytes": ("20-byte (159-bit) serial", {"stem": "leaf-p256-serial20"}, {}),
    "serial-sign-byte": ("serial 128: DER needs a leading zero byte",
                         {"stem": "leaf-p256-serial-pad"}, {}),
    "serial-high-bit": ("multi-byte serial with the high bit set",
                        {"stem": "leaf-p256-serial-highbit"}, {}),
    "endpoint-port": ("explicit endpoint with a port: Host carries it",
                      {"stem": "leaf-p256"}, {"endpoint": "https://localhost:8443"}),
    "endpoint-http-loopback": ("plain-HTTP loopback endpoint (an emulator), with a port",
                               {"stem": "leaf-rsa2048"}, {"endpoint": "http://127.0.0.1:9911"}),
    "region-explicit-same": ("explicit region equal to the trust anchor's",
                             {"stem": "leaf-p256"},
                             {"trust_anchor_arn": trust_anchor_arn("eu-west-1"),
                              "profile_arn": profile_arn("eu-west-1"), "region": "eu-west-1"}),
    "region-explicit-override": ("explicit region differing from the ARNs' region wins for "
                                 "signing and the default endpoint", {"stem": "leaf-p256"},
                                 {"region": "us-west-2"}),
    "partition-aws-cn": ("aws-cn partition: default endpoint under amazonaws.com.cn",
                         {"stem": "leaf-p256"},
                         {"trust_anchor_arn": trust_anchor_arn("cn-north-1", "aws-cn"),
                          "profile_arn": profile_arn("cn-north-1", "aws-cn"),
                          "role_arn": role_arn("example", "aws-cn")}),
    "duration-900": ("shortest duration", {"stem": "leaf-p256"}, {"duration_seconds": 900}),
    "duration-43200": ("longest duration", {"stem": "leaf-rsa2048"},
                       {"duration_seconds": 43200}),
    "timestamp-leap-day": ("other date: scope and X-Amz-Date follow the timestamp",
                           {"stem": "leaf-p384"}, {"timestamp": "2024-02-29T23:59:59Z"}),
}


def build() -> list[Case]:
    cases = []
    for name, (description, ident_kw, req) in CASES.items():
        ctx = {"description": description, **identity_fields(**ident_kw), **request_fields(**req)}
        signed = canonical.sign(ctx, load(ctx))
        cases.append(Case(FOLDER, name, {
            "context.json": dump_json(ctx),
            "canonical-request.txt": signed.canonical_request.encode(),
            "string-to-sign.txt": signed.string_to_sign.encode(),
            "authorization.txt": signed.authorization.encode(),
            "signed-request.txt": signed.signed_request.encode(),
        }))
    return cases
