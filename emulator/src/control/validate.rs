//! Input constraints of the botocore `rolesanywhere` model (lengths, enums, patterns),
//! each failure a 400 `ValidationException` naming the member. Patterns are checked as
//! whole-value matches (the service rejects e.g. a name with `/`), written as character
//! classes since the model's `AliasName` pattern needs a look-ahead the `regex` crate lacks.

use roles_anywhere_core::{Arn, ArnKind};

use super::errors::{ApiResult, validation};
use crate::state::control::{Tag, TipConfiguration};

/// The model's `@length` of a string member.
pub fn length(member: &str, value: &str, min: usize, max: usize) -> ApiResult<()> {
    let n = value.chars().count();
    if n < min || n > max {
        return Err(validation(format!(
            "1 validation error detected: Value at '{member}' failed to satisfy constraint: Member must have length between {min} and {max}"
        )));
    }
    Ok(())
}

fn pattern(member: &str, ok: bool, pattern: &str) -> ApiResult<()> {
    if ok {
        Ok(())
    } else {
        Err(validation(format!(
            "1 validation error detected: Value at '{member}' failed to satisfy constraint: Member must satisfy regular expression pattern: {pattern}"
        )))
    }
}

/// `ResourceName`: 1..=255 of `[ a-zA-Z0-9-_]`.
pub fn resource_name(member: &str, value: &str) -> ApiResult<()> {
    length(member, value, 1, 255)?;
    let ok = value
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, ' ' | '-' | '_'));
    pattern(member, ok, "[ a-zA-Z0-9-_]*")
}

/// `AliasName`; the empty string means "no alias" (answers `None`).
pub fn alias_name(value: &str) -> ApiResult<Option<String>> {
    if value.is_empty() {
        return Ok(None);
    }
    length("aliasName", value, 1, 256)?;
    let chars_ok = value
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '/' | '-'));
    let first_ok = value.starts_with(|c: char| c.is_ascii_alphabetic());
    let ok = chars_ok && first_ok && !value.ends_with('/') && !value.contains("//");
    pattern(
        "aliasName",
        ok,
        "(?!.*//)([A-Za-z]([A-Za-z0-9_/-]*[A-Za-z0-9_-])?)?",
    )?;
    if value
        .get(..4)
        .is_some_and(|p| p.eq_ignore_ascii_case("aws/"))
    {
        return Err(validation("Alias names that begin with aws/ are reserved."));
    }
    Ok(Some(value.to_owned()))
}

/// `Uuid`: 36 characters, `[a-f0-9]{8}-([a-z0-9]{4}-){3}[a-z0-9]{12}`.
pub fn is_uuid(value: &str) -> bool {
    let b = value.as_bytes();
    b.len() == 36
        && b.iter().enumerate().all(|(i, &c)| match i {
            8 | 13 | 18 | 23 => c == b'-',
            0..8 => c.is_ascii_digit() || (b'a'..=b'f').contains(&c),
            _ => c.is_ascii_digit() || c.is_ascii_lowercase(),
        })
}

/// A `Uuid` member.
pub fn uuid(member: &str, value: &str) -> ApiResult<()> {
    length(member, value, 36, 36)?;
    pattern(
        member,
        is_uuid(value),
        "[a-f0-9]{8}-([a-z0-9]{4}-){3}[a-z0-9]{12}",
    )
}

/// `RoleArnList`: at most 250 (a quota that is not adjustable, SPEC §3), each a role ARN.
pub fn role_arns(arns: &[String]) -> ApiResult<()> {
    if arns.len() > 250 {
        return Err(validation(format!(
            "1 validation error detected: Value at 'roleArns' failed to satisfy constraint: Member must have length less than or equal to 250 (quota: 250 roles per profile), got {}",
            arns.len()
        )));
    }
    for arn in arns {
        length("roleArns.member", arn, 1, 1011)?;
        Arn::parse(ArnKind::Role, arn)
            .map_err(|e| validation(format!("Invalid role ARN {arn}: {e}")))?;
    }
    Ok(())
}

/// `ManagedPolicyList`: at most 50 policy ARNs of 1..=200 characters.
pub fn managed_policy_arns(arns: &[String]) -> ApiResult<()> {
    if arns.len() > 50 {
        return Err(validation(
            "Value at 'managedPolicyArns' failed to satisfy constraint: Member must have length less than or equal to 50",
        ));
    }
    for arn in arns {
        length("managedPolicyArns.member", arn, 1, 200)?;
        let ok = arn.starts_with("arn:")
            && arn.split(':').nth(2) == Some("iam")
            && arn.contains(":policy/");
        if !ok {
            return Err(validation(format!("Invalid managed policy ARN {arn}")));
        }
    }
    Ok(())
}

/// `durationSeconds`: 900..=43200.
pub fn duration_seconds(value: i64) -> ApiResult<u32> {
    match u32::try_from(value) {
        Ok(v) if (900..=43200).contains(&v) => Ok(v),
        _ => Err(validation(format!(
            "1 validation error detected: Value '{value}' at 'durationSeconds' failed to satisfy constraint: Member must have value between 900 and 43200"
        ))),
    }
}

/// `sessionPolicy`: a JSON policy document of 1..=100000 characters (IAM parses it).
pub fn session_policy(value: &str) -> ApiResult<()> {
    length("sessionPolicy", value, 1, 100_000)?;
    match serde_json::from_str::<serde_json::Value>(value) {
        Ok(serde_json::Value::Object(_)) => Ok(()),
        _ => Err(validation("sessionPolicy is not a JSON policy document.")),
    }
}

fn tag_chars(s: &str) -> bool {
    s.chars()
        .all(|c| c.is_ascii_alphanumeric() || " _.:/=+@-".contains(c))
}

/// `TagKey`.
pub fn tag_key(key: &str) -> ApiResult<()> {
    length("tags.member.key", key, 1, 128)?;
    pattern("tags.member.key", tag_chars(key), "[ a-zA-Z0-9_.:/=+@-]*")?;
    if key.get(..4).is_some_and(|p| p.eq_ignore_ascii_case("aws:")) {
        return Err(validation("Tag keys beginning with aws: are reserved."));
    }
    Ok(())
}

/// `TagList` (at most 200 per request, each key and value checked).
pub fn tags(tags: &[Tag]) -> ApiResult<()> {
    if tags.len() > 200 {
        return Err(validation(
            "Value at 'tags' failed to satisfy constraint: Member must have length less than or equal to 200",
        ));
    }
    for t in tags {
        tag_key(&t.key)?;
        length("tags.member.value", &t.value, 0, 256)?;
        pattern(
            "tags.member.value",
            tag_chars(&t.value),
            "[ a-zA-Z0-9_.:/=+@-]*",
        )?;
    }
    Ok(())
}

/// One of an enum's values.
pub fn one_of(member: &str, value: &str, allowed: &[&str]) -> ApiResult<()> {
    if allowed.contains(&value) {
        Ok(())
    } else {
        Err(validation(format!(
            "1 validation error detected: Value '{value}' at '{member}' failed to satisfy constraint: Member must satisfy enum value set: [{}]",
            allowed.join(", ")
        )))
    }
}

/// `TipConfiguration`.
pub fn tip_configuration(tip: &TipConfiguration) -> ApiResult<()> {
    one_of(
        "tipConfiguration.status",
        &tip.status,
        &["ENABLED", "DISABLED"],
    )?;
    if let Some(t) = &tip.subject_type {
        one_of("tipConfiguration.subjectType", t, &["user", "workload"])?;
    }
    if let Some(s) = &tip.subject_source {
        one_of(
            "tipConfiguration.subjectSource",
            s,
            &["x509SAN/URI", "x509Subject/CN"],
        )?;
    }
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn names_aliases_and_ids() {
        assert!(resource_name("name", "my anchor_1-a").is_ok());
        assert!(resource_name("name", "").is_err());
        assert!(resource_name("name", "a/b").is_err());
        assert!(resource_name("name", &"a".repeat(256)).is_err());
        assert_eq!(alias_name("").ok(), Some(None));
        assert_eq!(
            alias_name("team/prod-1").ok(),
            Some(Some("team/prod-1".to_owned()))
        );
        for bad in ["1abc", "a//b", "a/", "AWS/x", "a b"] {
            assert!(alias_name(bad).is_err(), "{bad}");
        }
        assert!(is_uuid("0a1b2c3d-0000-4000-8000-00000000abcd"));
        assert!(!is_uuid("0A1B2C3D-0000-4000-8000-00000000abcd"));
        assert!(!is_uuid("not-a-uuid"));
        assert!(duration_seconds(899).is_err() && duration_seconds(43201).is_err());
        assert_eq!(duration_seconds(3600).ok(), Some(3600));
        assert!(role_arns(&["arn:aws:iam::123456789012:role/x".to_owned()]).is_ok());
        assert!(role_arns(&["arn:aws:s3:::bucket".to_owned()]).is_err());
        assert!(
            tags(&[Tag {
                key: "aws:x".into(),
                value: String::new()
            }])
            .is_err()
        );
        assert!(
            tags(&[Tag {
                key: "team".into(),
                value: "a b=c".into()
            }])
            .is_ok()
        );
        assert!(session_policy("{\"Version\":\"2012-10-17\"}").is_ok());
        assert!(session_policy("nope").is_err());
    }
}
