//! PEM text that may hold several blocks (RFC 7468): a certificate bundle, a combined
//! certificate + key file, or OpenSSL output with "Bag Attributes" lines between blocks
//! (RFC 7468 §5.2 allows explanatory text outside the encapsulation boundaries).
//!
//! This module only finds where each block starts and ends; decoding a block (base64, line
//! width, boundary grammar) is `pem-rfc7468`'s job.

use alloc::format;
use alloc::vec::Vec;

use der::pem;
use zeroize::Zeroizing;

use crate::error::{Error, Result};

const BEGIN: &[u8] = b"-----BEGIN ";
const END: &[u8] = b"-----END ";
const DASHES: &[u8] = b"-----";

/// Labels of an X.509 certificate (RFC 7468 §5.1; `X509 CERTIFICATE` is the older form).
pub(crate) const CERTIFICATE_LABELS: &[&str] = &["CERTIFICATE", "X509 CERTIFICATE"];

/// One encapsulated block, not decoded yet.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Block<'a> {
    /// The type label (`CERTIFICATE`, `PRIVATE KEY`, …).
    pub(crate) label: &'a str,
    /// The block from `-----BEGIN` to the end of its `-----END …-----` line.
    text: &'a [u8],
}

impl Block<'_> {
    /// Is this a certificate block?
    pub(crate) fn is_certificate(&self) -> bool {
        CERTIFICATE_LABELS.contains(&self.label)
    }

    /// The DER bytes of the block. The buffer is zeroized on drop because a block may be a
    /// private key. PEM headers (RFC 1421 `Proc-Type`/`DEK-Info`, the legacy OpenSSL
    /// encryption of traditional keys) are an error here: callers that read keys check
    /// [`Block::has_headers`] first.
    pub(crate) fn decode(&self) -> Result<Zeroizing<Vec<u8>>> {
        let mut out = Zeroizing::new(Vec::new());
        pem::Decoder::new_detect_wrap(self.text)
            .and_then(|mut d| d.decode_to_end(&mut out).map(|_| ()))
            .map_err(|e| Error::InvalidPem {
                reason: format!("{} block: {e}", self.label),
            })?;
        Ok(out)
    }

    /// Does the block carry RFC 1421 headers (`Proc-Type: 4,ENCRYPTED`, `DEK-Info: …`)?
    pub(crate) fn has_headers(&self) -> bool {
        // Headers sit between the BEGIN line and the base64; base64 has no ':'.
        self.text.contains(&b':')
    }
}

/// Does `bytes` look like PEM text (contains a pre-encapsulation boundary)?
pub(crate) fn looks_like_pem(bytes: &[u8]) -> bool {
    find(bytes, BEGIN).is_some()
}

/// Every block of `text`, in order. A BEGIN line without its END line, or a malformed
/// BEGIN line, is [`Error::InvalidPem`]; text between blocks is ignored.
pub(crate) fn blocks(text: &[u8]) -> Result<Vec<Block<'_>>> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = find(rest, BEGIN) {
        let from_begin = &rest[start..];
        let after = &from_begin[BEGIN.len()..];
        let label_len =
            find(after, DASHES).ok_or_else(|| bad("a BEGIN line without closing dashes"))?;
        let label_bytes = &after[..label_len];
        if label_bytes.iter().any(|b| matches!(b, b'\r' | b'\n')) {
            return Err(bad("a BEGIN line without closing dashes"));
        }
        let label =
            core::str::from_utf8(label_bytes).map_err(|_| bad("a label that is not text"))?;
        let mut end_line = Vec::with_capacity(END.len() + label.len() + DASHES.len());
        end_line.extend_from_slice(END);
        end_line.extend_from_slice(label_bytes);
        end_line.extend_from_slice(DASHES);
        let end = find(from_begin, &end_line).ok_or_else(|| Error::InvalidPem {
            reason: format!("no END line for {label}"),
        })? + end_line.len();
        out.push(Block {
            label,
            text: &from_begin[..end],
        });
        rest = &from_begin[end..];
    }
    Ok(out)
}

fn bad(reason: &str) -> Error {
    Error::InvalidPem {
        reason: reason.into(),
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_blocks_and_ignores_text_between() {
        let text = b"Bag Attributes\n    localKeyID: 01\n-----BEGIN CERTIFICATE-----\nAAEC\n-----END CERTIFICATE-----\nnoise\n-----BEGIN PRIVATE KEY-----\r\nAwQ=\r\n-----END PRIVATE KEY-----\r\n";
        let b = blocks(text).unwrap();
        assert_eq!(b.len(), 2);
        assert!(b[0].is_certificate());
        assert_eq!(&**b[0].decode().unwrap(), &[0, 1, 2]);
        assert_eq!(b[1].label, "PRIVATE KEY");
        assert_eq!(&**b[1].decode().unwrap(), &[3, 4]);
    }

    #[test]
    fn missing_end_is_invalid_pem() {
        let e = blocks(b"-----BEGIN CERTIFICATE-----\nAAEC\n").unwrap_err();
        assert_eq!(e.code(), "invalid_pem");
        let e = blocks(b"-----BEGIN CERTIFICATE\nAAEC\n-----END CERTIFICATE-----").unwrap_err();
        assert_eq!(e.code(), "invalid_pem");
    }

    #[test]
    fn bad_base64_is_invalid_pem() {
        let b = blocks(b"-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n").unwrap();
        assert_eq!(b[0].decode().unwrap_err().code(), "invalid_pem");
    }

    #[test]
    fn headers_are_seen() {
        let text = b"-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00\n\nAAEC\n-----END RSA PRIVATE KEY-----\n";
        assert!(blocks(text).unwrap()[0].has_headers());
    }
}
