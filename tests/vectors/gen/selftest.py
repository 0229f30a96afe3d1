"""Known-answer tests run before every generation: the primitives the corpus relies on.

- RFC 6979 §A.2.5 (P-256) and §A.2.6 (P-384), SHA-256, message "sample": proves
  `deterministic_signing=True` is RFC 6979 with H = SHA-256 for the nonce (SPEC §1),
  and that s is NOT normalized to the low half (the corpus pins raw RFC 6979 output).
- RFC 3986 percent-encoding of the characters ARNs contain (SPEC §1 canonical query).
"""

from __future__ import annotations

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

from .canonical import uri_encode

RFC6979 = [
    (ec.SECP256R1(), 0xC9AFA9D845BA75166B5C215767B1D6934E50C3DB36E89B127B8A622B120F6721,
     0xEFD48B2AACB6A8FD1140DD9CD45E81D69D2C877B56AAF991C34D0EA84EAF3716,
     0xF7CB1C942D657C41D436C7A1B6E29F65F3E900DBB9AFF4064DC4AB2F843ACDA8),
    (ec.SECP384R1(),
     0x6B9D3DAD2E1B8C1C05B19875B6659F4DE23C3B667BF297BA9AA47740787137D896D5724E4C70A825F872C9EA60D2EDF5,
     0x21B13D1E013C7FA1392D03C5F99AF8B30C570C6F98D4EA8E354B63A21D3DAA33BDE1E888E63355D92FA2B3C36D8FB2CD,
     0xF3AA443FB107745BF4BD77CB3891674632068A10CA67E3D45DB2266FA7D1FEEBEFDC63ECCD1AC42EC0CB8668A4FA0AB0),
]


def run() -> None:
    for curve, x, r_want, s_want in RFC6979:
        key = ec.derive_private_key(x, curve)
        sig = key.sign(b"sample", ec.ECDSA(hashes.SHA256(), deterministic_signing=True))
        if decode_dss_signature(sig) != (r_want, s_want):
            raise AssertionError(f"RFC 6979 known answer failed on {curve.name}")
    got = uri_encode("arn:aws:iam::1:role/a b+c=d~_.-é")
    want = "arn%3Aaws%3Aiam%3A%3A1%3Arole%2Fa%20b%2Bc%3Dd~_.-%C3%A9"
    if got != want:
        raise AssertionError(f"uri_encode: {got} != {want}")
