//! Identity parsing on the committed test PKI (`tests/vectors/keys/`, see its
//! `generate_keys.py`): every key file of every format, passwords, PKCS#12 dialects, the
//! checks of `Identity::new`, and the wire forms of signatures.

#![allow(clippy::panic, clippy::unwrap_used)] // test harness: a failed expectation panics

use std::fs;
use std::path::{Path, PathBuf};

use base64ct::{Base64, Encoding};
use roles_anywhere_core::{Certificate, Identity, KeyType, PrivateKey, Signer, ecdsa_raw_to_der};
use sha2::{Digest, Sha256};

const PASSWORD: &[u8] = b"correct horse battery staple";

fn keys_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/vectors/keys")
}

fn read(name: &str) -> Vec<u8> {
    fs::read(keys_dir().join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn cert(stem: &str) -> Certificate {
    Certificate::from_der(&read(&format!("{stem}.crt.der"))).expect("certificate")
}

fn code<T: std::fmt::Debug>(r: roles_anywhere_core::Result<T>) -> &'static str {
    r.expect_err("expected an error").code()
}

/// Every `<stem>.key.*` file of a supported key parses (encrypted ones with the password
/// only) and matches `<stem>.crt.der`; the PEM and DER forms agree on the public key.
#[test]
fn every_key_file_parses_and_matches_its_certificate() {
    let mut names: Vec<String> = fs::read_dir(keys_dir())
        .expect("keys dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| {
            n.contains(".key.") && !n.starts_with("leaf-ed25519") && !n.starts_with("leaf-p521")
        })
        .collect();
    names.sort();
    assert!(names.len() > 50, "only {} key files", names.len());
    for name in &names {
        let stem = name.split(".key.").next().expect("stem");
        let bytes = read(name);
        let key = if name.contains(".enc-") {
            assert_eq!(
                code(PrivateKey::parse(&bytes, None)),
                "password_required",
                "{name}"
            );
            assert_eq!(
                code(PrivateKey::parse(&bytes, Some(b"not it"))),
                "wrong_password",
                "{name}"
            );
            PrivateKey::parse(&bytes, Some(PASSWORD))
        } else {
            PrivateKey::parse(&bytes, None)
        }
        .unwrap_or_else(|e| panic!("{name}: {e}"));
        if stem == "other-p256" {
            assert!(!key.matches(&cert("leaf-p256")), "{name}");
            continue;
        }
        let cert = cert(stem);
        assert!(key.matches(&cert), "{name} does not match {stem}");
        assert_eq!(key.key_type(), cert.key_type().expect("key type"), "{name}");
        assert_eq!(key.public_key_der(), cert.public_key_der(), "{name}");
    }
}

#[test]
fn key_types_and_algorithms() {
    for (stem, key_type, alg) in [
        (
            "leaf-rsa2048",
            KeyType::Rsa { bits: 2048 },
            "AWS4-X509-RSA-SHA256",
        ),
        (
            "leaf-rsa3072",
            KeyType::Rsa { bits: 3072 },
            "AWS4-X509-RSA-SHA256",
        ),
        (
            "leaf-rsa4096",
            KeyType::Rsa { bits: 4096 },
            "AWS4-X509-RSA-SHA256",
        ),
        ("leaf-p256", KeyType::EcP256, "AWS4-X509-ECDSA-SHA256"),
        ("leaf-p384", KeyType::EcP384, "AWS4-X509-ECDSA-SHA256"),
    ] {
        let key = PrivateKey::parse(&read(&format!("{stem}.key.pkcs8.pem")), None).expect(stem);
        assert_eq!(key.key_type(), key_type);
        assert_eq!(key.algorithm().as_str(), alg);
        assert_eq!(cert(stem).key_type().expect(stem), key_type);
    }
    for stem in ["leaf-ed25519", "leaf-p521"] {
        assert_eq!(
            code(cert(stem).key_type()),
            "unsupported_key_type",
            "{stem}"
        );
        let key = read(&format!("{stem}.key.pkcs8.der"));
        assert_eq!(
            code(PrivateKey::parse(&key, None)),
            "unsupported_key_type",
            "{stem}"
        );
    }
    assert_eq!(
        code(PrivateKey::parse(&read("leaf-p521.key.sec1.pem"), None)),
        "unsupported_key_type"
    );
}

#[test]
fn certificate_fields() {
    let c = cert("leaf-p256-serial-pad");
    assert_eq!(c.serial_decimal(), "128");
    assert_eq!(c.serial_bytes(), &[0x80]);
    let c = cert("leaf-p256-serial20");
    assert_eq!(
        c.serial_decimal(),
        "611910997291965053325158997040597989958937940009"
    );
    assert_eq!(c.serial_bytes().len(), 20);
    let c = cert("leaf-p256");
    assert_eq!(c.version(), 3);
    assert_eq!(
        c.subject(),
        "CN=Roles Anywhere Test leaf-p256,OU=leaf,O=Roles Anywhere Test,C=US"
    );
    assert_eq!(
        c.issuer(),
        "CN=Roles Anywhere Test Root CA,OU=root,O=Roles Anywhere Test,C=US"
    );
    assert_eq!(c.not_before().to_string(), "2020-01-01T00:00:00Z");
    assert_eq!(c.not_after().to_string(), "2049-12-31T23:59:59Z");
    assert_eq!(
        Certificate::parse_bundle(&read("leaf-p256.crt.pem")).expect("pem")[0],
        c
    );
    assert_eq!(cert("leaf-p256-v1").version(), 1);
    // A bundle in order; key blocks skipped; concatenated DER too.
    assert_eq!(
        Certificate::parse_bundle(&read("chain-int5.pem"))
            .expect("bundle")
            .len(),
        5
    );
    let combined = Certificate::parse_bundle(&read("leaf-p256.combined.pem")).expect("combined");
    assert_eq!(combined, vec![c.clone()]);
    let mut two = read("int1.crt.der");
    two.extend(read("int2.crt.der"));
    assert_eq!(Certificate::parse_bundle(&two).expect("DER pair").len(), 2);
    assert_eq!(
        code(Certificate::parse_bundle(&read("leaf-p256.key.pkcs8.pem"))),
        "no_certificate"
    );
}

#[test]
fn identity_checks_in_order() {
    let leaf = cert("leaf-p256");
    let key = || PrivateKey::parse(&read("leaf-p256.key.sec1.pem"), None).expect("key");
    // An external signer: no key at all.
    let id = Identity::new(leaf.clone(), vec![], None).expect("keyless identity");
    assert_eq!(id.key_type(), KeyType::EcP256);
    assert!(id.private_key().is_none());
    let v1 = cert("leaf-p256-v1");
    let v1_key = PrivateKey::parse(&read("leaf-p256-v1.key.pkcs8.pem"), None).expect("key");
    assert_eq!(
        code(Identity::new(v1, vec![], Some(v1_key))),
        "unsupported_certificate_version"
    );
    let six = Certificate::parse_bundle(&read("chain-int6.pem")).expect("int6 chain");
    assert_eq!(
        code(Identity::new(leaf.clone(), six, Some(key()))),
        "chain_too_long"
    );
    let other = PrivateKey::parse(&read("other-p256.key.pkcs8.pem"), None).expect("other");
    assert_eq!(
        code(Identity::new(leaf.clone(), vec![], Some(other))),
        "key_certificate_mismatch"
    );
    let rsa = PrivateKey::parse(&read("leaf-rsa2048.key.pkcs1.pem"), None).expect("rsa");
    assert_eq!(
        code(Identity::new(leaf, vec![], Some(rsa))),
        "key_certificate_mismatch"
    );
}

#[test]
fn from_parts_forms() {
    let pem = read("leaf-rsa2048.combined.pem");
    let id = Identity::from_parts(&pem, None, None, None).expect("combined PEM");
    assert_eq!(id.key_type(), KeyType::Rsa { bits: 2048 });
    assert_eq!(
        code(Identity::from_parts(
            &read("leaf-p256.crt.pem"),
            None,
            None,
            None
        )),
        "no_private_key"
    );
    assert_eq!(
        code(Identity::from_parts(
            &read("leaf-p256.crt.der"),
            None,
            None,
            None
        )),
        "no_private_key"
    );
    let id = Identity::from_parts(
        &read("leaf-p256-int5.crt.der"),
        Some(&read("leaf-p256-int5.key.pkcs8.der")),
        Some(&read("chain-int5.pem")),
        None,
    )
    .expect("DER parts");
    assert_eq!(id.chain().len(), 5);
    assert_eq!(id.chain()[0].subject(), cert("int5").subject());
    // A password given for a plain key is ignored.
    Identity::from_parts(
        &read("leaf-p256.crt.pem"),
        Some(&read("leaf-p256.key.pkcs8.pem")),
        None,
        Some(b"x"),
    )
    .expect("plain key with a password");
}

#[test]
fn pkcs12_dialects() {
    for stem in [
        "leaf-p256",
        "leaf-p384",
        "leaf-rsa2048",
        "leaf-p256-int5.chain",
    ] {
        let leaf_stem = stem.trim_end_matches(".chain");
        let chain_len = if stem.ends_with(".chain") { 5 } else { 0 };
        for dialect in ["modern", "legacy", "3des"] {
            let p12 = read(&format!("{stem}.{dialect}.p12"));
            let id = Identity::from_pkcs12(&p12, Some(PASSWORD))
                .unwrap_or_else(|e| panic!("{stem} {dialect}: {e}"));
            assert_eq!(id.leaf(), &cert(leaf_stem), "{stem} {dialect}");
            assert_eq!(id.chain().len(), chain_len, "{stem} {dialect}");
            assert_eq!(
                code(Identity::from_pkcs12(&p12, None)),
                "password_required",
                "{stem} {dialect}"
            );
            assert_eq!(
                code(Identity::from_pkcs12(&p12, Some(b"wrong"))),
                "wrong_password",
                "{stem} {dialect}"
            );
            assert_eq!(
                code(Identity::from_pkcs12(&p12, Some(b""))),
                "wrong_password",
                "{stem} {dialect}"
            );
        }
        for dialect in ["nopass", "unencrypted"] {
            let p12 = read(&format!("{stem}.{dialect}.p12"));
            for password in [None, Some(&b""[..])] {
                let id = Identity::from_pkcs12(&p12, password)
                    .unwrap_or_else(|e| panic!("{stem} {dialect}: {e}"));
                assert_eq!(id.leaf(), &cert(leaf_stem));
                assert_eq!(id.chain().len(), chain_len);
            }
        }
        let nopass = read(&format!("{stem}.nopass.p12"));
        assert_eq!(
            code(Identity::from_pkcs12(&nopass, Some(b"wrong"))),
            "wrong_password",
            "{stem}"
        );
    }
    assert_eq!(
        code(Identity::from_pkcs12(b"\x30\x03\x02\x01\x03", None)),
        "invalid_der"
    );
    assert_eq!(
        code(Identity::from_pkcs12(&read("leaf-p256.crt.der"), None)),
        "invalid_der"
    );
}

/// Encrypted PKCS#8 beyond what the corpus covers, from a throwaway P-256 key (password
/// "test", written by `openssl pkcs8 -topk8`): PKCS#12 PBE schemes are read, PBES1 and
/// PBES2 ciphers other than AES are refused by name.
#[test]
fn other_pkcs8_encryptions() {
    const SPKI_SHA256: &str = "e81c09712f07690f6bebdcfbbfa1ce44ed1d34182f1da47bec12aec3b906e9a9";
    let read_ok = [
        // -v1 PBE-SHA1-3DES
        "MIGxMBwGCiqGSIb3DQEMAQMwDgQI5KqU3entxIMCAggABIGQP6Yj9lhJj0gA01+NiLLN/NFOLoUJMbGPdK5ldzOVlgSd9/n8R8VQBe0hFCqM6TXZDstncQ7DwnAYT+vETSWTp2kgEMVK2Bi1862MytfINbSGieaFIOPDM+mTyBzGlkdEdnzRi1b4beO+ksAVupcGbEmD//BHDikZ13c9vrz9J8YH5BqlAJPCdOjxB8c2t7OG",
        // -v1 PBE-SHA1-RC2-40
        "MIGxMBwGCiqGSIb3DQEMAQYwDgQIhaoINH8gX9ICAggABIGQ+LCLVDcigxrytQ3snc1rMvYcDLkllqp61SFzA/bqOPyQg9yKhwzuIThmKCkdrfqnfB8cTz/ufT/Bzd98XVwOmNg8xmF2E/E6mtUotMqmCNCbgDmC2db9PjjXUJYr/CAhzEG6yIwinLox8FZuZ3n0QIYD0U0XUGK7ov+f33E9HWmHl2LGyfPnmZyunnpZSIef",
    ];
    for b64 in read_ok {
        let der = Base64::decode_vec(b64).expect("base64");
        let key = PrivateKey::from_der(&der, Some(b"test")).expect("PKCS#12 PBE");
        let hex: String = Sha256::digest(key.public_key_der())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(hex, SPKI_SHA256);
        assert_eq!(
            code(PrivateKey::from_der(&der, Some(b"tset"))),
            "wrong_password"
        );
        assert_eq!(code(PrivateKey::from_der(&der, None)), "password_required");
    }
    let refused = [
        // -v1 PBE-MD5-DES (PBES1)
        "MIGwMBsGCSqGSIb3DQEFAzAOBAjvj3+yIzl+fQICCAAEgZDPrQpXXb5BlUtafm+1HTtZwvKRuJD9GWcCXbRpQOCiJ4B4QN+GgdZ5ebuwSKRqv5L4tbsCzJHhG4KOTj3Thjql1uU5JeOC+COeUEfjPeudV2p69SLwo5KfG7aRxjcZl49xFBJ//8nBQCDFlgrq6ZrpN4SVMQicoSdeNJGENfS5rBojgugfnXmm7MY8oCN8zkI=",
        // -v2 camellia-256-cbc
        "MIHuMFkGCSqGSIb3DQEFDTBMMCkGCSqGSIb3DQEFDDAcBAiAwILIFItJngICCAAwDAYIKoZIhvcNAgkFADAfBgsqgwiMmks9AQEBBAQQWtAXbgmekHgjSk9ahPvfMQSBkMl21Xq6yp987XF1YajYHi0Zevee5+QuvQ/ZuYuXfnCj+njhSIO16USUcuwFJb1mhIPLUF909svyAqd80WyGMG7dvk+HCa9Yi/UlkZSbvfw9zDwxDXq2pJyx7XEjbcyDkB4bzP7cRxYPT5Lqw96rCYGMi3kHF1TduoEbJdpfK215ByB5Fk3WJCLiuELxcDFqBQ==",
    ];
    for b64 in refused {
        let der = Base64::decode_vec(b64).expect("base64");
        assert_eq!(
            code(PrivateKey::from_der(&der, Some(b"test"))),
            "unsupported_encryption"
        );
    }
    // OpenSSL's legacy PEM encryption of traditional keys is refused before decoding.
    let legacy = b"-----BEGIN EC PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00112233445566778899AABBCCDDEEFF\n\nAAAA\n-----END EC PRIVATE KEY-----\n";
    assert_eq!(
        code(PrivateKey::parse(legacy, Some(b"test"))),
        "unsupported_encryption"
    );
}

#[test]
fn garbage_keys() {
    assert_eq!(
        code(PrivateKey::parse(b"\x30\x03\x02\x01\x00", None)),
        "invalid_der"
    );
    assert_eq!(code(PrivateKey::parse(b"not a key", None)), "invalid_der");
    assert_eq!(
        code(PrivateKey::parse(
            b"-----BEGIN PRIVATE KEY-----\n@@@\n-----END PRIVATE KEY-----\n",
            None
        )),
        "invalid_pem"
    );
    assert_eq!(
        code(PrivateKey::parse(
            b"-----BEGIN PRIVATE KEY-----\nMAA=\n-----END PRIVATE KEY-----\n",
            None
        )),
        "invalid_der"
    );
    assert_eq!(
        code(PrivateKey::parse(&read("leaf-p256.crt.pem"), None)),
        "no_private_key"
    );
}

#[test]
fn debug_redacts_key_material() {
    let key = PrivateKey::parse(&read("leaf-p256.key.pkcs8.pem"), None).expect("key");
    assert_eq!(format!("{key:?}"), "PrivateKey { key_type: EcP256, .. }");
    let id =
        Identity::from_parts(&read("leaf-p256.combined.pem"), None, None, None).expect("identity");
    let debug = format!("{id:?}");
    assert!(
        debug.contains("PrivateKey { key_type: EcP256, .. }"),
        "{debug}"
    );
}

/// ECDSA signatures are DER; a raw `r || s` converts to the same DER.
#[test]
fn ecdsa_wire_forms() {
    for (stem, size) in [("leaf-p256", 32), ("leaf-p384", 48)] {
        let key = PrivateKey::parse(&read(&format!("{stem}.key.sec1.der")), None).expect(stem);
        let der = key.sign(b"string to sign").expect("sign");
        assert_eq!(
            der,
            key.sign(b"string to sign").expect("sign"),
            "RFC 6979 is deterministic"
        );
        // Take the DER apart by hand (SEQUENCE { INTEGER r, INTEGER s }) to build raw r || s.
        assert_eq!(der[0], 0x30);
        let body = if der[1] == 0x81 { &der[3..] } else { &der[2..] };
        let mut raw = Vec::new();
        let mut rest = body;
        for _ in 0..2 {
            assert_eq!(rest[0], 0x02);
            let len = rest[1] as usize;
            let int = &rest[2..2 + len];
            let int = &int[int.len().saturating_sub(size)..];
            raw.extend(std::iter::repeat_n(0u8, size - int.len()));
            raw.extend_from_slice(int);
            rest = &rest[2 + len..];
        }
        assert_eq!(ecdsa_raw_to_der(&raw).expect("raw to DER"), der, "{stem}");
    }
}

/// Damaged inputs give typed errors, never a panic: every truncation and a spread of
/// single-byte corruptions of a certificate, plain and encrypted keys and a PKCS#12.
#[test]
fn damaged_inputs_never_panic() {
    let cert = read("leaf-rsa2048.crt.der");
    let keys = [
        read("leaf-rsa2048.key.pkcs1.der"),
        read("leaf-p384.key.sec1.der"),
        read("leaf-p256.key.pkcs8.der"),
        read("leaf-p256.key.pkcs8.enc-pbkdf2-sha256-aes256.der"),
    ];
    let p12 = read("leaf-p256.legacy.p12");
    let pem = read("leaf-p256.combined.pem");
    let mutations = |bytes: &[u8], step: usize| {
        let mut out: Vec<Vec<u8>> = (0..bytes.len()).map(|n| bytes[..n].to_vec()).collect();
        for i in (0..bytes.len()).step_by(step) {
            let mut m = bytes.to_vec();
            m[i] ^= 0x5a;
            out.push(m);
        }
        out
    };
    for m in mutations(&cert, 3) {
        let _ = Certificate::parse_bundle(&m).map(|c| c[0].key_type());
    }
    for key in &keys {
        for m in mutations(key, 5) {
            let _ = PrivateKey::parse(&m, Some(PASSWORD)).map(|k| k.sign(b"x"));
        }
    }
    for m in mutations(&pem, 11) {
        let _ = Identity::from_parts(&m, None, None, None);
    }
    // Truncations only: a corrupted PKCS#12 mostly costs a full MAC computation each.
    for n in 0..p12.len() {
        assert!(Identity::from_pkcs12(&p12[..n], Some(PASSWORD)).is_err());
    }
}
