//! Private keys from arbitrary bytes, with and without a password: an error, never a panic.
#![no_main]
use libfuzzer_sys::fuzz_target;
use roles_anywhere_core::{PrivateKey, Signer};

fuzz_target!(|data: &[u8]| {
    for password in [None, Some(&b"correct horse battery staple"[..])] {
        if let Ok(key) = PrivateKey::parse(data, password) {
            let _ = key.public_key_der();
            let _ = key.sign(b"fuzz");
        }
    }
});
