//! Principal tags must be valid STS session tags: CreateSession passes them to AssumeRole,
//! which refuses keys or values outside STS's alphabet. The service then fails the request
//! rather than dropping the tag (aws/rolesanywhere-credential-helper issue #188: a CN with
//! parentheses fails with "some attributes fail to be mapped into session tags").

use std::collections::BTreeMap;

use super::Denial;

/// STS `Tag.Key` length bound (AssumeRole API reference).
const MAX_KEY_CHARS: usize = 128;
/// STS `Tag.Value` length bound.
const MAX_VALUE_CHARS: usize = 256;
/// Session tags per AssumeRole call.
const MAX_TAGS: usize = 50;

/// STS tag text: `[\p{L}\p{Z}\p{N}_.:/=+\-@]*`.
fn sts_tag_char(c: char) -> bool {
    c.is_alphabetic()
        || c.is_numeric()
        || (c.is_whitespace() && !c.is_control())
        || "_.:/=+-@".contains(c)
}

fn valid_key(k: &str) -> bool {
    (1..=MAX_KEY_CHARS).contains(&k.chars().count()) && k.chars().all(sts_tag_char)
}

fn valid_value(v: &str) -> bool {
    v.chars().count() <= MAX_VALUE_CHARS && v.chars().all(sts_tag_char)
}

/// Check `tags` (from [`super::principal_tags`]) against STS's session tag rules; the
/// refusal names every offending tag key so the user knows which certificate attribute to
/// change or unmap (PutAttributeMapping).
pub fn check_session_tags(tags: &BTreeMap<String, String>) -> Result<(), Denial> {
    if tags.len() > MAX_TAGS {
        return Err(Denial::access_denied(format!(
            "Too many session tags: {} certificate attributes are mapped, STS accepts at most {MAX_TAGS}",
            tags.len()
        )));
    }
    let bad: Vec<&str> = tags
        .iter()
        .filter(|(k, v)| !valid_key(k) || !valid_value(v))
        .map(|(k, _)| k.as_str())
        .collect();
    if bad.is_empty() {
        return Ok(());
    }
    Err(Denial::access_denied(format!(
        "Some certificate attributes fail to be mapped into session tags: [{}]; session tag values allow letters, \
         digits, spaces and _.:/=+-@, at most {MAX_VALUE_CHARS} characters (unmap them with PutAttributeMapping)",
        bad.join(", ")
    )))
}
