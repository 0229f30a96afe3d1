//! Feature `pkcs11`: keys that never leave a (SoftHSM) token sign CreateSession for the
//! emulator; the certificate comes from a file or from the token itself.
#![cfg(feature = "pkcs11")]
#![allow(clippy::unwrap_used, clippy::panic)]

mod common;

use std::sync::Arc;

use cryptoki::context::{CInitializeArgs, CInitializeFlags, Pkcs11};
use cryptoki::object::{Attribute, CertificateType, ObjectClass};
use cryptoki::session::UserType;
use cryptoki::types::AuthPin;
use roles_anywhere::pkcs11::Pkcs11Signer;
use roles_anywhere::{Client, DataSource, IdentitySource};
use roles_anywhere_core::Certificate;

#[test]
fn hsm_keys_sign_create_session() {
    let info = common::shared();
    let rsa = info.identity("rsa").unwrap();
    let p256 = info.identity("p256").unwrap();
    let Some(hsm) = common::softhsm(&[
        ("rsa-leaf", "01", &rsa.private_key),
        ("p256-leaf", "02", &p256.private_key),
    ]) else {
        return;
    };
    for (label, id) in [("rsa-leaf", rsa), ("p256-leaf", p256)] {
        let uri = format!(
            "pkcs11:token={};object={label};type=private?pin-value={}",
            hsm.label, hsm.pin
        );
        let signer = Pkcs11Signer::open(Some(&hsm.module), &uri, None).unwrap();
        let source = IdentitySource::external(
            DataSource::File(id.certificate.clone()),
            Some(DataSource::File(id.intermediates.clone())),
            Arc::new(signer),
        );
        let creds = Client::new(common::session(info), source, &common::http(info))
            .unwrap()
            .create_session()
            .unwrap();
        assert!(creds.access_key_id.starts_with("ASIA"), "{label}");
    }

    // The certificate stored on the token next to its key.
    let leaf = Certificate::parse_bundle(&std::fs::read(&p256.certificate).unwrap())
        .unwrap()
        .remove(0);
    let der = leaf.der().to_vec();
    let subject = der::Encode::to_der(leaf.x509().tbs_certificate().subject()).unwrap();
    {
        let ctx = Pkcs11::new(&hsm.module).unwrap();
        match ctx.initialize(CInitializeArgs::new(CInitializeFlags::OS_LOCKING_OK)) {
            Ok(())
            | Err(cryptoki::error::Error::Pkcs11(
                cryptoki::error::RvError::CryptokiAlreadyInitialized,
                _,
            )) => {}
            Err(e) => panic!("{e}"),
        }
        let slot = ctx
            .get_slots_with_initialized_token()
            .unwrap()
            .into_iter()
            .find(|s| ctx.get_token_info(*s).unwrap().label().trim_end() == hsm.label)
            .unwrap();
        let s = ctx.open_rw_session(slot).unwrap();
        s.login(UserType::User, Some(&AuthPin::new(hsm.pin.clone().into())))
            .unwrap();
        s.create_object(&[
            Attribute::Class(ObjectClass::CERTIFICATE),
            Attribute::CertificateType(CertificateType::X_509),
            Attribute::Token(true),
            Attribute::Label(b"p256-leaf".to_vec()),
            Attribute::Id(vec![2]),
            Attribute::Subject(subject),
            Attribute::Value(der.clone()),
        ])
        .unwrap();
        drop(s);
    }
    let uri = format!("pkcs11:token={};id=%02?pin-value={}", hsm.label, hsm.pin);
    let signer = Pkcs11Signer::open(Some(&hsm.module), &uri, None).unwrap();
    assert_eq!(signer.certificate(&uri).unwrap(), der);
    let source = IdentitySource::external(
        DataSource::memory(signer.certificate(&uri).unwrap()),
        Some(DataSource::File(p256.intermediates.clone())),
        Arc::new(signer),
    );
    assert!(
        Client::new(common::session(info), source, &common::http(info))
            .unwrap()
            .create_session()
            .is_ok()
    );

    // Wrong PIN: a clear error, not a panic.
    let bad = format!("pkcs11:token={};object=rsa-leaf?pin-value=0000", hsm.label);
    let err = Pkcs11Signer::open(Some(&hsm.module), &bad, None).unwrap_err();
    assert!(err.to_string().contains("C_Login"), "{err}");
}
