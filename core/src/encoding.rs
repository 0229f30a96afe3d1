//! Small wire encodings: lower-case hex, base64, RFC 3986 percent-encoding, SHA-256.

use alloc::string::String;
use alloc::vec::Vec;

use sha2::{Digest, Sha256};

const HEX_LOWER: &[u8; 16] = b"0123456789abcdef";
const HEX_UPPER: &[u8; 16] = b"0123456789ABCDEF";

/// Lower-case hex, the form of SigV4 hashes and signatures.
pub(crate) fn hex(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(char::from(HEX_LOWER[usize::from(b >> 4)]));
        out.push(char::from(HEX_LOWER[usize::from(b & 0x0f)]));
    }
    out
}

fn hex_digit(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

/// Decode hex (either case); `None` on odd length or a non-hex character.
pub(crate) fn unhex(text: &str) -> Option<Vec<u8>> {
    let b = text.as_bytes();
    if b.len() % 2 != 0 {
        return None;
    }
    b.chunks_exact(2)
        .map(|p| Some(hex_digit(p[0])? << 4 | hex_digit(p[1])?))
        .collect()
}

/// Lower-case hex SHA-256 (`HexEncode(Hash(x))` of the SigV4 specification).
pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// Standard, padded base64 (RFC 4648 §4), as `X-Amz-X509` carries the DER.
pub(crate) fn base64(bytes: &[u8]) -> String {
    use base64ct::Encoding;
    base64ct::Base64::encode_string(bytes)
}

/// Decode standard padded base64; `None` when it is not.
#[cfg_attr(not(feature = "verify"), allow(dead_code))]
pub(crate) fn unbase64(text: &str) -> Option<Vec<u8>> {
    use base64ct::Encoding;
    base64ct::Base64::decode_vec(text).ok()
}

/// RFC 3986 §2.3 unreserved characters: never percent-encoded in SigV4.
pub(crate) const fn is_unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~')
}

/// Percent-encode every byte except the unreserved set (and `/` when `keep_slash`), with
/// upper-case hex (RFC 3986 §2.1, as SigV4's `UriEncode` requires).
pub(crate) fn percent_encode_into(out: &mut String, bytes: &[u8], keep_slash: bool) {
    for &b in bytes {
        if is_unreserved(b) || (keep_slash && b == b'/') {
            out.push(char::from(b));
        } else {
            out.push('%');
            out.push(char::from(HEX_UPPER[usize::from(b >> 4)]));
            out.push(char::from(HEX_UPPER[usize::from(b & 0x0f)]));
        }
    }
}

/// [`percent_encode_into`] to a new string.
pub(crate) fn percent_encode(bytes: &[u8], keep_slash: bool) -> String {
    let mut out = String::with_capacity(bytes.len());
    percent_encode_into(&mut out, bytes, keep_slash);
    out
}

/// Decode `%XY` escapes. A `%` not followed by two hex digits stays literal: what arrived
/// is signed as it arrived rather than rejected (the signer re-encodes it as `%25`).
pub(crate) fn percent_decode(text: &str) -> Vec<u8> {
    let b = text.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            if let (Some(h), Some(l)) = (hex_digit(b[i + 1]), hex_digit(b[i + 2])) {
                out.push(h << 4 | l);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_round_trip() {
        assert_eq!(hex(&[0x00, 0xab, 0xff]), "00abff");
        assert_eq!(unhex("00ABff"), Some(alloc::vec![0, 0xab, 0xff]));
        assert_eq!(unhex("0"), None);
        assert_eq!(unhex("zz"), None);
    }

    #[test]
    fn percent() {
        assert_eq!(percent_encode(b"a b/c:~", false), "a%20b%2Fc%3A~");
        assert_eq!(percent_encode(b"a b/c", true), "a%20b/c");
        assert_eq!(percent_encode("ሴ".as_bytes(), false), "%E1%88%B4");
        assert_eq!(percent_decode("%E1%88%b4"), "ሴ".as_bytes());
        assert_eq!(percent_decode("100%"), b"100%");
        assert_eq!(percent_decode("%4"), b"%4");
        assert_eq!(percent_decode("%zz%41"), b"%zzA");
    }

    #[test]
    fn sha() {
        assert_eq!(
            sha256_hex(b""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(unbase64(&base64(b"hello")), Some(b"hello".to_vec()));
        assert_eq!(unbase64("not base64!"), None);
    }
}
