//! IAM policy `Condition` blocks: operators, `…IfExists`, `ForAnyValue:`/`ForAllValues:`,
//! and how a missing key behaves (IAM User Guide, "Condition operators"; SPEC §3 step 6:
//! several keys AND, several values OR, a missing tag is false for StringEquals and true
//! for StringNotEquals).

use std::collections::BTreeMap;

use serde_json::Value;

/// How policy values are compared with context values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Compare {
    StringEquals,
    StringEqualsIgnoreCase,
    StringLike,
    /// `ArnEquals` and `ArnLike` are the same test: per colon-separated part, with wildcards.
    Arn,
    Bool,
    /// `Null`: tests presence, not values.
    Null,
}

/// Set operator of a multivalued test.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Quantifier {
    /// No prefix: the key's values, any of which may match.
    Single,
    ForAnyValue,
    ForAllValues,
}

/// One `operator: {key: values}` pair of a Condition block.
#[derive(Debug, Clone)]
pub(crate) struct Clause {
    compare: Compare,
    negated: bool,
    if_exists: bool,
    quantifier: Quantifier,
    /// Lower-case: condition key names are case-insensitive.
    key: String,
    values: Vec<String>,
    /// Expand `${key}` policy variables in `values` (policy Version 2012-10-17 only).
    variables: bool,
}

/// Parse a statement's `Condition` object into clauses (all of which must hold).
/// `variables`: the policy is Version 2012-10-17, where `${…}` in values are policy
/// variables (IAM User Guide, "Policy variables"); older policies treat them literally.
pub(crate) fn parse(condition: &Value, variables: bool) -> Result<Vec<Clause>, String> {
    let ops = condition.as_object().ok_or("Condition must be an object")?;
    let mut clauses = Vec::new();
    for (op_name, block) in ops {
        let (compare, negated, if_exists, quantifier) = parse_operator(op_name)?;
        let keys = block
            .as_object()
            .ok_or_else(|| format!("Condition operator {op_name} must map keys to values"))?;
        for (key, values) in keys {
            let values = match values {
                Value::Array(items) => items.iter().map(scalar).collect::<Result<Vec<_>, _>>()?,
                v => vec![scalar(v)?],
            };
            clauses.push(Clause {
                compare,
                negated,
                if_exists,
                quantifier,
                key: key.to_ascii_lowercase(),
                values,
                variables,
            });
        }
    }
    Ok(clauses)
}

fn scalar(v: &Value) -> Result<String, String> {
    match v {
        Value::String(s) => Ok(s.clone()),
        Value::Bool(b) => Ok(b.to_string()),
        Value::Number(n) => Ok(n.to_string()),
        other => Err(format!(
            "Condition values must be strings, numbers or booleans, not {other}"
        )),
    }
}

fn parse_operator(name: &str) -> Result<(Compare, bool, bool, Quantifier), String> {
    let (quantifier, rest) = if let Some(r) = name.strip_prefix("ForAnyValue:") {
        (Quantifier::ForAnyValue, r)
    } else if let Some(r) = name.strip_prefix("ForAllValues:") {
        (Quantifier::ForAllValues, r)
    } else {
        (Quantifier::Single, name)
    };
    let (base, if_exists) = match rest.strip_suffix("IfExists") {
        Some(b) if rest != "Null" => (b, true),
        _ => (rest, false),
    };
    let (compare, negated) = match base {
        "StringEquals" => (Compare::StringEquals, false),
        "StringNotEquals" => (Compare::StringEquals, true),
        "StringEqualsIgnoreCase" => (Compare::StringEqualsIgnoreCase, false),
        "StringNotEqualsIgnoreCase" => (Compare::StringEqualsIgnoreCase, true),
        "StringLike" => (Compare::StringLike, false),
        "StringNotLike" => (Compare::StringLike, true),
        "ArnEquals" | "ArnLike" => (Compare::Arn, false),
        "ArnNotEquals" | "ArnNotLike" => (Compare::Arn, true),
        "Bool" => (Compare::Bool, false),
        "Null" if !if_exists => (Compare::Null, false),
        _ => return Err(format!("unsupported Condition operator {name:?}")),
    };
    Ok((compare, negated, if_exists, quantifier))
}

impl Clause {
    /// Does this clause hold for the context `keys` (lower-case names → values)?
    pub(crate) fn holds(&self, keys: &BTreeMap<String, Vec<String>>) -> bool {
        let present = keys.get(&self.key).filter(|v| !v.is_empty());
        if self.compare == Compare::Null {
            // "Null": true tests that the key is absent, false that it is present.
            return self
                .values
                .iter()
                .any(|v| v.eq_ignore_ascii_case("true") == present.is_none());
        }
        let Some(context) = present else {
            return match self.quantifier {
                // ForAllValues over an empty set is vacuously true (IAM docs).
                Quantifier::ForAllValues => true,
                Quantifier::ForAnyValue => self.if_exists,
                // A missing key fails a positive test and passes a negated one; IfExists
                // passes either way (SPEC §3 step 6, User Guide "Attribute mapping and
                // trust policy").
                Quantifier::Single => self.if_exists || self.negated,
            };
        };
        // A value "matches" when it matches any policy value; negation applies per value.
        let values: Vec<String> = if self.variables {
            // A value whose variable has no value (and no default) matches nothing.
            self.values.iter().filter_map(|v| expand(v, keys)).collect()
        } else {
            self.values.clone()
        };
        let ok = |c: &String| values.iter().any(|p| self.matches(p, c)) != self.negated;
        match self.quantifier {
            Quantifier::ForAllValues => context.iter().all(ok),
            Quantifier::ForAnyValue => context.iter().any(ok),
            Quantifier::Single if self.negated => context.iter().all(ok),
            Quantifier::Single => context.iter().any(ok),
        }
    }

    fn matches(&self, policy: &str, context: &str) -> bool {
        match self.compare {
            Compare::StringEquals => policy == context,
            Compare::StringEqualsIgnoreCase => policy.to_lowercase() == context.to_lowercase(),
            Compare::StringLike => wildcard(policy, context),
            Compare::Arn => arn_like(policy, context),
            Compare::Bool => policy.eq_ignore_ascii_case(context),
            Compare::Null => false,
        }
    }
}

/// Expand the policy variables of `value`: `${key}` is the key's (single) value, `${key,
/// 'default'}` falls back to `default`, `${*}` `${?}` `${$}` are those characters. `None`
/// when a variable has no value and no default.
fn expand(value: &str, keys: &BTreeMap<String, Vec<String>>) -> Option<String> {
    let mut out = String::with_capacity(value.len());
    let mut rest = value;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let Some(end) = after.find('}') else {
            out.push_str(&rest[start..]);
            return Some(out);
        };
        let inner = &after[..end];
        let (name, default) = match inner.split_once(',') {
            Some((n, d)) => (n.trim(), Some(d.trim().trim_matches('\''))),
            None => (inner.trim(), None),
        };
        match name {
            "*" | "?" | "$" => out.push_str(name),
            _ => match keys.get(&name.to_ascii_lowercase()).and_then(|v| v.first()) {
                Some(v) => out.push_str(v),
                None => out.push_str(default?),
            },
        }
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    Some(out)
}

/// `ArnLike`: the context value must be an ARN; the first five colon-separated parts match
/// one by one and the resource part (which may hold colons) as a whole, each with `*` and
/// `?`. A policy value that is not ARN-shaped (`"*"`) is matched as a whole.
fn arn_like(policy: &str, context: &str) -> bool {
    let p: Vec<&str> = policy.splitn(6, ':').collect();
    let c: Vec<&str> = context.splitn(6, ':').collect();
    if c.len() != 6 {
        return false;
    }
    if p.len() != 6 {
        return wildcard(policy, context);
    }
    p.iter().zip(&c).all(|(p, c)| wildcard(p, c))
}

/// Glob match with `*` (any run, possibly empty) and `?` (one character), case-sensitive,
/// iterative with one backtracking point: no recursion on untrusted input.
pub(crate) fn wildcard(pattern: &str, text: &str) -> bool {
    let t: Vec<char> = text.chars().collect();
    let p: Vec<char> = pattern.chars().collect();
    let (mut ti, mut pi) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            ti += 1;
            pi += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some((pi, ti));
            pi += 1;
        } else if let Some((sp, st)) = star {
            pi = sp + 1;
            ti = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|c| *c == '*')
}
