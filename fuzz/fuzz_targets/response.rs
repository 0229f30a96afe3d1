//! CreateSession answers: the first two bytes pick the status, the rest is the body.
#![no_main]
use libfuzzer_sys::fuzz_target;
use roles_anywhere_core::parse_create_session_response;

fuzz_target!(|data: &[u8]| {
    if data.len() < 2 {
        return;
    }
    let status = 100 + u16::from_be_bytes([data[0], data[1]]) % 500;
    let headers = [("x-amzn-ErrorType", "AccessDeniedException")];
    let _ = parse_create_session_response(status, &headers, &data[2..]);
    let _ = parse_create_session_response(status, &[], &data[2..]);
});
