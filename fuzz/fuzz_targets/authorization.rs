//! `Authorization` header values: parse, and a parsed value re-displays and re-parses equal.
#![no_main]
use libfuzzer_sys::fuzz_target;
use roles_anywhere_core::Authorization;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = core::str::from_utf8(data) else { return };
    if let Ok(auth) = Authorization::parse(text) {
        let again = Authorization::parse(&auth.to_string()).expect("Display output must parse");
        assert_eq!(auth, again);
    }
});
