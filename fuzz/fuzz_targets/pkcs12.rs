//! PKCS#12 from arbitrary bytes, with and without a password: an error, never a panic.
#![no_main]
use libfuzzer_sys::fuzz_target;
use roles_anywhere_core::Identity;

fuzz_target!(|data: &[u8]| {
    let _ = Identity::from_pkcs12(data, None);
    let _ = Identity::from_pkcs12(data, Some(b"correct horse battery staple"));
});
