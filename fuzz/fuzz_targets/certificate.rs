//! Certificates from arbitrary bytes (PEM bundle or DER): an error, never a panic.
#![no_main]
use libfuzzer_sys::fuzz_target;
use roles_anywhere_core::Certificate;

fuzz_target!(|data: &[u8]| {
    if let Ok(certs) = Certificate::parse_bundle(data) {
        for cert in &certs {
            let _ = (cert.serial_decimal(), cert.subject(), cert.issuer(), cert.key_type());
            let _ = (cert.not_before(), cert.not_after(), cert.version());
        }
    }
});
