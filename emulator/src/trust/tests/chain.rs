//! Path validation: SPEC §3 steps 3–5, with certificates built at test time.

use super::pki::{self, Ca, now};
use crate::trust::{
    Denial, check_anchor_certificate, crl_to_der, validate_chain, validate_chain_der,
};
use rcgen::{BasicConstraints, IsCa, KeyUsagePurpose};

fn check(leaf: &[u8], chain: &[&Vec<u8>], anchors: &[&Ca], crls: &[Vec<u8>]) -> Result<(), Denial> {
    let chain: Vec<&[u8]> = chain.iter().map(|c| c.as_slice()).collect();
    let anchors: Vec<Vec<u8>> = anchors.iter().map(|a| a.der.clone()).collect();
    validate_chain_der(leaf, &chain, &anchors, crls, now())
}

#[track_caller]
fn denied(result: Result<(), Denial>, needle: &str) {
    let d = result.expect_err("must be refused");
    assert_eq!(
        (d.status, d.error_type),
        (403, "AccessDeniedException"),
        "{d}"
    );
    assert!(
        d.message.starts_with("Untrusted signing certificate: "),
        "{}",
        d.message
    );
    assert!(
        d.message.contains(needle),
        "{:?} does not mention {needle:?}",
        d.message
    );
}

#[test]
fn leaf_issued_by_the_anchor_root() {
    let root = pki::root("Root");
    assert_eq!(
        check(&pki::leaf(&root, "alice", 10), &[], &[&root], &[]),
        Ok(())
    );
}

#[test]
fn through_presented_intermediates_and_to_an_intermediate_anchor() {
    let root = pki::root("Root");
    let int = pki::intermediate(&root, "Int", 2);
    let leaf = pki::leaf(&int, "alice", 10);
    assert_eq!(check(&leaf, &[&int.der], &[&root], &[]), Ok(()));
    // The anchor may be an intermediate CA; the chain then need not be sent.
    assert_eq!(check(&leaf, &[], &[&int], &[]), Ok(()));
    assert_eq!(check(&leaf, &[&int.der], &[&int], &[]), Ok(()));
    // Missing intermediate: no path.
    denied(check(&leaf, &[], &[&root], &[]), "unknown issuer");
}

#[test]
fn five_intermediates_pass_six_do_not() {
    let root = pki::root("Root");
    let mut cas = vec![root];
    for i in 1..=6u64 {
        let next = pki::intermediate(cas.last().expect("non-empty"), &format!("Int {i}"), 1 + i);
        cas.push(next);
    }
    let five: Vec<&Vec<u8>> = cas[1..=5].iter().rev().map(|c| &c.der).collect();
    assert_eq!(
        check(&pki::leaf(&cas[5], "alice", 10), &five, &[&cas[0]], &[]),
        Ok(())
    );
    let six: Vec<&Vec<u8>> = cas[1..=6].iter().rev().map(|c| &c.der).collect();
    denied(
        check(&pki::leaf(&cas[6], "alice", 10), &six, &[&cas[0]], &[]),
        "at most 5",
    );
}

#[test]
fn unknown_issuer_and_wrong_key() {
    let root = pki::root("Root");
    let other = pki::root("Other Root");
    denied(
        check(&pki::leaf(&other, "mallory", 10), &[], &[&root], &[]),
        "unknown issuer",
    );
    // Same subject name, different key: the signature cannot verify.
    let twin = pki::root("Root");
    assert!(check(&pki::leaf(&twin, "mallory", 10), &[], &[&root], &[]).is_err());
    // Several anchor certificates: any one may be the path's end.
    assert_eq!(
        check(&pki::leaf(&other, "bob", 11), &[], &[&root, &other], &[]),
        Ok(())
    );
}

#[test]
fn end_entity_profile() {
    let root = pki::root("Root");
    let mut ca_leaf = pki::leaf_params("ca-leaf", 10);
    ca_leaf.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_leaf.key_usages = vec![
        KeyUsagePurpose::DigitalSignature,
        KeyUsagePurpose::KeyCertSign,
    ];
    denied(
        check(&pki::issue(&root, &ca_leaf), &[], &[&root], &[]),
        "CA:true",
    );

    let mut no_bc = pki::leaf_params("no-bc", 11);
    no_bc.is_ca = IsCa::NoCa;
    denied(
        check(&pki::issue(&root, &no_bc), &[], &[&root], &[]),
        "no basic constraints",
    );

    let mut no_ds = pki::leaf_params("no-ds", 12);
    no_ds.key_usages = vec![KeyUsagePurpose::KeyEncipherment];
    denied(
        check(&pki::issue(&root, &no_ds), &[], &[&root], &[]),
        "does not include digitalSignature",
    );

    let mut empty_subject = pki::leaf_params("unused", 14);
    empty_subject.distinguished_name = rcgen::DistinguishedName::new();
    empty_subject.subject_alt_names = vec![rcgen::SanType::DnsName(
        "x.example".try_into().expect("ia5"),
    )];
    denied(
        check(&pki::issue(&root, &empty_subject), &[], &[&root], &[]),
        "empty subject",
    );

    let mut no_ku = pki::leaf_params("no-ku", 13);
    no_ku.key_usages = vec![];
    denied(
        check(&pki::issue(&root, &no_ku), &[], &[&root], &[]),
        "no key usage",
    );
}

#[test]
fn validity_window() {
    let root = pki::root("Root");
    let mut expired = pki::leaf_params("expired", 10);
    expired.not_after = rcgen::date_time_ymd(2025, 1, 1);
    denied(
        check(&pki::issue(&root, &expired), &[], &[&root], &[]),
        "has expired (notAfter 2025-01-01T00:00:00Z",
    );
    let mut future = pki::leaf_params("future", 11);
    future.not_before = rcgen::date_time_ymd(2035, 1, 1);
    denied(
        check(&pki::issue(&root, &future), &[], &[&root], &[]),
        "not yet valid (notBefore 2035-01-01T00:00:00Z",
    );

    // An expired intermediate breaks the path (webpki checks every certificate's window).
    let mut int_params = pki::ca_params("Old Int", 2);
    int_params.not_after = rcgen::date_time_ymd(2026, 1, 1);
    let int = pki::root_with(int_params.clone());
    let int_der = int_params
        .signed_by(&int.key, &root.issuer())
        .expect("signed")
        .der()
        .to_vec();
    let leaf = pki::leaf(&int, "alice", 12);
    denied(
        check(&leaf, &[&int_der], &[&root], &[]),
        "intermediate certificate has expired",
    );
}

#[test]
fn revocation_by_imported_crls() {
    let root = pki::root("Root");
    let int = pki::intermediate(&root, "Int", 2);
    let leaf = pki::leaf(&int, "alice", 10);
    let by_int = pki::crl(&int, &[10]);
    denied(check(&leaf, &[&int.der], &[&root], &[by_int]), "revoked");
    // A CRL that does not list the serial, or one from another CA, leaves it valid.
    assert_eq!(
        check(&leaf, &[&int.der], &[&root], &[pki::crl(&int, &[99])]),
        Ok(())
    );
    let other = pki::root("Other");
    assert_eq!(
        check(&leaf, &[&int.der], &[&root], &[pki::crl(&other, &[10])]),
        Ok(())
    );
    // The root's CRL revoking the intermediate revokes the whole path.
    denied(
        check(&leaf, &[&int.der], &[&root], &[pki::crl(&root, &[2])]),
        "revoked",
    );
    // PEM CRLs are accepted; garbage fails closed.
    let pem = der::pem::encode_string("X509 CRL", der::pem::LineEnding::LF, &pki::crl(&int, &[10]))
        .expect("pem");
    denied(
        check(&leaf, &[&int.der], &[&root], &[pem.into_bytes()]),
        "revoked",
    );
    denied(
        check(&leaf, &[&int.der], &[&root], &[b"not a crl".to_vec()]),
        "imported CRL #1 cannot be used",
    );
}

#[test]
fn crl_import_normalizes_to_der() {
    let root = pki::root("Root");
    let der_crl = pki::crl(&root, &[5]);
    let pem = der::pem::encode_string("X509 CRL", der::pem::LineEnding::LF, &der_crl).expect("pem");
    assert_eq!(crl_to_der(pem.as_bytes()), Ok(der_crl.clone()));
    assert_eq!(crl_to_der(&der_crl), Ok(der_crl));
    assert!(crl_to_der(b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n").is_err());
    assert!(crl_to_der(&root.der).is_err());
}

#[test]
fn weak_signature_hashes_are_refused() {
    let ca = include_bytes!("../testdata/weak-ca.crt.der").to_vec();
    let run = |leaf: &[u8]| validate_chain_der(leaf, &[], std::slice::from_ref(&ca), &[], now());
    denied(
        run(include_bytes!("../testdata/leaf-sha1.crt.der")),
        "sha1WithRSAEncryption",
    );
    denied(
        run(include_bytes!("../testdata/leaf-md5.crt.der")),
        "md5WithRSAEncryption",
    );
    assert_eq!(
        run(include_bytes!("../testdata/leaf-sha256.crt.der")),
        Ok(())
    );
}

#[test]
fn x509_v1_leaf_is_refused() {
    // The golden corpus' test PKI (rcgen writes only v3); read at run time so a missing
    // corpus fails this test instead of the whole build.
    let corpus = |name: &str| {
        let path = format!(
            "{}/../tests/vectors/keys/{name}",
            env!("CARGO_MANIFEST_DIR")
        );
        std::fs::read(&path).expect("the golden corpus' tests/vectors/keys is present")
    };
    let root = corpus("root-ca.crt.der");
    let v1 = corpus("leaf-p256-v1.crt.der");
    denied(
        validate_chain_der(&v1, &[], std::slice::from_ref(&root), &[], now()),
        "V1",
    );
    // The corpus' v3 leaf under the same root passes.
    let v3 = corpus("leaf-p256.crt.der");
    assert_eq!(validate_chain_der(&v3, &[], &[root], &[], now()), Ok(()));
}

#[test]
fn anchor_certificate_rules() {
    let root = pki::root("Root");
    let leaf = pki::leaf(&root, "alice", 10);
    assert_eq!(check_anchor_certificate(&root.der), Ok(()));
    assert!(
        check_anchor_certificate(&leaf)
            .expect_err("leaf is no CA")
            .contains("not a CA")
    );
    let mut no_sign = pki::ca_params("No Sign", 3);
    no_sign.key_usages = vec![KeyUsagePurpose::CrlSign];
    let no_sign = pki::root_with(no_sign);
    assert!(
        check_anchor_certificate(&no_sign.der)
            .expect_err("no keyCertSign")
            .contains("keyCertSign")
    );
    let leaf2 = pki::leaf(&no_sign, "bob", 11);
    denied(
        check(&leaf2, &[], &[&no_sign], &[]),
        "no usable trust anchor CA certificate",
    );
    // A leaf used as an anchor is refused.
    let anchors = vec![leaf.clone()];
    denied(
        validate_chain_der(&leaf, &[], &anchors, &[], now()),
        "not a CA certificate",
    );
    denied(
        validate_chain_der(&leaf, &[], &[], &[], now()),
        "has no CA certificate",
    );
    // An expired anchor CA is no anchor.
    let mut old = pki::ca_params("Old Root", 4);
    old.not_after = rcgen::date_time_ymd(2026, 1, 1);
    let old = pki::root_with(old);
    denied(
        check(&pki::leaf(&old, "carol", 12), &[], &[&old], &[]),
        "trust anchor CA certificate #1 has expired",
    );
}

#[test]
fn public_api_on_core_certificates() {
    let root = pki::root("Root");
    let int = pki::intermediate(&root, "Int", 2);
    let leaf = pki::core_cert(&pki::leaf(&int, "alice", 10));
    let chain = vec![pki::core_cert(&int.der)];
    assert_eq!(
        validate_chain(&leaf, &chain, std::slice::from_ref(&root.der), &[], now()),
        Ok(())
    );
    denied(
        validate_chain(&leaf, &[], std::slice::from_ref(&root.der), &[], now()),
        "unknown issuer",
    );
}

#[test]
fn intermediates_must_be_signing_cas() {
    let root = pki::root("Root");
    // CA:true but a key usage without keyCertSign (RFC 5280 §4.2.1.3).
    let mut params = pki::ca_params("No Sign Int", 2);
    params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    let int = pki::root_with(params.clone());
    let int_der = params
        .signed_by(&int.key, &root.issuer())
        .expect("signed")
        .der()
        .to_vec();
    let leaf_params = pki::leaf_params("alice", 10);
    let leaf_key = rcgen::KeyPair::generate().expect("key");
    let leaf = leaf_params.signed_by(&leaf_key, &rcgen::Issuer::from_params(&params, &int.key));
    let leaf = leaf.expect("rcgen issues from it");
    denied(check(leaf.der(), &[&int_der], &[&root], &[]), "keyCertSign");
    // An end-entity certificate cannot serve as an intermediate.
    let fake_int_params = pki::leaf_params("Fake Int", 3);
    let fake_int = pki::root_with(fake_int_params.clone());
    let fake_der = fake_int_params
        .signed_by(&fake_int.key, &root.issuer())
        .expect("signed")
        .der()
        .to_vec();
    let leaf = pki::leaf(&fake_int, "bob", 11);
    denied(check(&leaf, &[&fake_der], &[&root], &[]), "not a CA");
}
