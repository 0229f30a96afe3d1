//! Small wire encodings: lower-case hex, base64, RFC 3986 percent-encoding.
