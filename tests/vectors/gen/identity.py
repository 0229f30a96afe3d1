"""Load the identity fields of a context.json with `cryptography`, and check it as the
core must (COMMON.md "Validation"; SPEC §1 table of key types; SPEC §3 step 1).

`load()` returns an `Identity` or raises `CaseError(code)` with the core's error code, so
the error cases are checked by an implementation rather than only asserted.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12

MAX_CHAIN_LEN = 5  # SPEC §1: X-Amz-X509-Chain carries at most 5 certificates
RSA_ALG = "AWS4-X509-RSA-SHA256"
ECDSA_ALG = "AWS4-X509-ECDSA-SHA256"


class CaseError(Exception):
    """An input the core must refuse, with the stable error code it must report."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


@dataclass
class Identity:
    leaf: x509.Certificate
    chain: list[x509.Certificate]
    key: object  # an RSA or EC private key of `cryptography`

    @property
    def key_type(self) -> str:
        """KeyType's Display (COMMON.md identity expected.json)."""
        if isinstance(self.key, rsa.RSAPrivateKey):
            return f"RSA-{self.key.key_size}"
        return {"secp256r1": "EC P-256", "secp384r1": "EC P-384"}[self.key.curve.name]

    @property
    def algorithm(self) -> str:
        # SPEC §1: chosen by the key type only, never by the certificate's signature hash.
        return RSA_ALG if isinstance(self.key, rsa.RSAPrivateKey) else ECDSA_ALG

    def expected_json(self) -> dict:
        spki = self.leaf.public_key().public_bytes(serialization.Encoding.DER,
                                                   serialization.PublicFormat.SubjectPublicKeyInfo)
        return {
            "key_type": self.key_type,
            "algorithm": self.algorithm,
            "serial": str(self.leaf.serial_number),
            "chain_len": len(self.chain),
            "public_key_sha256": hashlib.sha256(spki).hexdigest(),
        }


def _private_key_pem(text: str, password: bytes | None):
    """The first private key block of PEM text (skipping certificates, as in a combined file)."""
    start = text.find("-----BEGIN ")
    while start != -1:
        label_end = text.find("-----", start + 11)
        label = text[start + 11:label_end]
        end_marker = f"-----END {label}-----"
        end = text.find(end_marker, label_end)
        if end == -1:
            raise CaseError("invalid_pem")
        if label.endswith("PRIVATE KEY"):
            return _load_key(lambda pw: serialization.load_pem_private_key(
                text[start:end + len(end_marker)].encode(), pw), password)
        start = text.find("-----BEGIN ", end)
    return None


def _load_key(loader, password: bytes | None):
    try:
        return loader(password)
    except TypeError as e:  # cryptography: password missing, or given for a plain key
        if password is None:
            raise CaseError("password_required") from e
        return loader(None)  # a password given for a plain key is ignored
    except ValueError as e:
        if password is not None and ("decrypt" in str(e).lower() or "password" in str(e).lower()):
            raise CaseError("wrong_password") from e
        raise CaseError("invalid_der") from e
    except x509.UnsupportedAlgorithm as e:
        raise CaseError("unsupported_key_type") from e


def _certs_pem(text: str) -> list[x509.Certificate]:
    if "-----BEGIN CERTIFICATE-----" not in text:
        raise CaseError("no_certificate")
    try:
        return x509.load_pem_x509_certificates(text.encode())
    except ValueError as e:
        # Base64 that does not decode is a PEM error; decoded bytes that are no
        # certificate are a DER error. cryptography reports both as ValueError.
        body = text.split("-----BEGIN CERTIFICATE-----", 1)[1].split("-----END", 1)[0]
        try:
            base64.b64decode("".join(body.split()), validate=True)
        except ValueError:
            raise CaseError("invalid_pem") from e
        raise CaseError("invalid_der") from e


def _cert_der(data: bytes) -> x509.Certificate:
    try:
        return x509.load_der_x509_certificate(data)
    except ValueError as e:
        raise CaseError("invalid_der") from e


def load(ctx: dict) -> Identity:
    password = ctx["password"].encode() if "password" in ctx else None
    key = None
    if "pkcs12_b64" in ctx:
        data = base64.b64decode(ctx["pkcs12_b64"])
        try:
            p12 = pkcs12.load_pkcs12(data, password)
        except ValueError as e:
            raise CaseError("wrong_password" if password is not None else "password_required") from e
        leaf, key = p12.cert.certificate, p12.key
        chain = [c.certificate for c in p12.additional_certs]
    else:
        if "certificate" in ctx:
            certs = _certs_pem(ctx["certificate"])
            leaf, chain = certs[0], certs[1:]
            key = _private_key_pem(ctx["certificate"], password)
        else:
            leaf, chain = _cert_der(base64.b64decode(ctx["certificate_b64"])), []
        if "private_key" in ctx:
            key = _private_key_pem(ctx["private_key"], password)
        elif "private_key_b64" in ctx:
            der = base64.b64decode(ctx["private_key_b64"])
            key = _load_key(lambda pw: serialization.load_der_private_key(der, pw), password)
    for text in ctx.get("intermediates", []):
        chain.extend(_certs_pem(text))
    return check(Identity(leaf, chain, key))


def check(ident: Identity) -> Identity:
    """What `Identity::new` must refuse, in the order of its doc comment."""
    if ident.key is None:
        raise CaseError("no_private_key")
    if ident.leaf.version != x509.Version.v3:
        raise CaseError("unsupported_certificate_version")
    supported = isinstance(ident.key, rsa.RSAPrivateKey) and ident.key.key_size in (2048, 3072, 4096) \
        or isinstance(ident.key, ec.EllipticCurvePrivateKey) and ident.key.curve.name in ("secp256r1", "secp384r1")
    if not supported:
        raise CaseError("unsupported_key_type")
    if len(ident.chain) > MAX_CHAIN_LEN:
        raise CaseError("chain_too_long")
    spki = serialization.PublicFormat.SubjectPublicKeyInfo
    der = serialization.Encoding.DER
    if ident.key.public_key().public_bytes(der, spki) != ident.leaf.public_key().public_bytes(der, spki):
        raise CaseError("key_certificate_mismatch")
    return ident
