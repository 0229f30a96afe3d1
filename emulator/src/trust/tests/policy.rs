//! Trust policy evaluation: principals, actions, every condition operator, missing keys,
//! multi-key / multi-value logic, Deny overriding Allow.

use std::collections::BTreeMap;

use crate::trust::{PolicyContext, TrustPolicy};

const SERVICE: &str = "rolesanywhere.amazonaws.com";
const ANCHOR: &str = "arn:aws:rolesanywhere:us-east-1:123456789012:trust-anchor/ta-1";
const ACTIONS: [&str; 3] = ["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"];

fn ctx(keys: &[(&str, &[&str])]) -> PolicyContext {
    PolicyContext {
        principal_service: SERVICE.to_owned(),
        actions: ACTIONS.iter().map(|a| (*a).to_owned()).collect(),
        keys: keys
            .iter()
            .map(|(k, v)| ((*k).to_owned(), v.iter().map(|s| (*s).to_owned()).collect()))
            .collect::<BTreeMap<_, _>>(),
    }
}

/// One Allow statement for the service and the three actions with `condition`.
fn with_condition(condition: &str) -> TrustPolicy {
    let json = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"Service":"{SERVICE}"}},
        "Action":["sts:AssumeRole","sts:TagSession","sts:SetSourceIdentity"],"Condition":{condition}}}]}}"#
    );
    TrustPolicy::parse(&json).expect("policy parses")
}

const CN: &str = "aws:PrincipalTag/x509Subject/CN";

#[test]
fn the_guides_policy() {
    let p = with_condition(&format!(
        r#"{{"StringEquals":{{"{CN}":"Alice"}},"ArnEquals":{{"aws:SourceArn":["{ANCHOR}"]}}}}"#
    ));
    assert!(p.allows(&ctx(&[(CN, &["Alice"]), ("aws:SourceArn", &[ANCHOR])])));
    assert!(!p.allows(&ctx(&[(CN, &["Bob"]), ("aws:SourceArn", &[ANCHOR])])));
    let other = "arn:aws:rolesanywhere:us-east-1:123456789012:trust-anchor/ta-2";
    assert!(!p.allows(&ctx(&[(CN, &["Alice"]), ("aws:SourceArn", &[other])])));
    // Condition key names are case-insensitive, values are not.
    assert!(p.allows(&ctx(&[
        ("AWS:PRINCIPALTAG/X509SUBJECT/CN", &["Alice"]),
        ("aws:sourcearn", &[ANCHOR])
    ])));
    assert!(!p.allows(&ctx(&[(CN, &["alice"]), ("aws:SourceArn", &[ANCHOR])])));
}

#[test]
fn string_operators_and_missing_keys() {
    let eq = with_condition(&format!(r#"{{"StringEquals":{{"{CN}":"Bob"}}}}"#));
    let ne = with_condition(&format!(r#"{{"StringNotEquals":{{"{CN}":"Bob"}}}}"#));
    let like = with_condition(&format!(r#"{{"StringLike":{{"{CN}":"B?b*"}}}}"#));
    let not_like = with_condition(&format!(r#"{{"StringNotLike":{{"{CN}":"B*"}}}}"#));
    let ic = with_condition(&format!(r#"{{"StringEqualsIgnoreCase":{{"{CN}":"BOB"}}}}"#));
    let nic = with_condition(&format!(
        r#"{{"StringNotEqualsIgnoreCase":{{"{CN}":"BOB"}}}}"#
    ));
    let bob = ctx(&[(CN, &["Bob"])]);
    let bobby = ctx(&[(CN, &["Bobby"])]);
    let eve = ctx(&[(CN, &["Eve"])]);
    let missing = ctx(&[]);
    assert!(eq.allows(&bob) && !eq.allows(&eve) && !eq.allows(&bobby));
    assert!(!ne.allows(&bob) && ne.allows(&eve));
    assert!(like.allows(&bob) && like.allows(&bobby) && !like.allows(&eve));
    assert!(!not_like.allows(&bob) && not_like.allows(&eve));
    assert!(ic.allows(&bob) && !ic.allows(&eve));
    assert!(!nic.allows(&bob) && nic.allows(&eve));
    // A missing key: false for positive operators, true for negated ones (SPEC §3; User
    // Guide "Attribute mapping and trust policy").
    assert!(!eq.allows(&missing) && !like.allows(&missing) && !ic.allows(&missing));
    assert!(ne.allows(&missing) && not_like.allows(&missing) && nic.allows(&missing));
    // An empty value list counts as missing.
    assert!(!eq.allows(&ctx(&[(CN, &[])])));
}

#[test]
fn if_exists_and_null() {
    let p = with_condition(&format!(r#"{{"StringEqualsIfExists":{{"{CN}":"Bob"}}}}"#));
    assert!(p.allows(&ctx(&[])));
    assert!(p.allows(&ctx(&[(CN, &["Bob"])])));
    assert!(!p.allows(&ctx(&[(CN, &["Eve"])])));
    let null_true = with_condition(&format!(r#"{{"Null":{{"{CN}":"true"}}}}"#));
    assert!(null_true.allows(&ctx(&[])) && !null_true.allows(&ctx(&[(CN, &["Bob"])])));
    let null_false = with_condition(&format!(r#"{{"Null":{{"{CN}":false}}}}"#));
    assert!(!null_false.allows(&ctx(&[])) && null_false.allows(&ctx(&[(CN, &["Bob"])])));
}

#[test]
fn arn_operators() {
    let key = "aws:SourceArn";
    let like = with_condition(
        r#"{"ArnLike":{"aws:SourceArn":"arn:aws:rolesanywhere:*:123456789012:trust-anchor/*"}}"#,
    );
    let equals = with_condition(&format!(
        r#"{{"ArnEquals":{{"aws:SourceArn":"{ANCHOR}"}}}}"#
    ));
    let not_eq = with_condition(&format!(
        r#"{{"ArnNotEquals":{{"aws:SourceArn":"{ANCHOR}"}}}}"#
    ));
    let not_like = with_condition(
        r#"{"ArnNotLike":{"aws:SourceArn":"arn:aws:rolesanywhere:*:*:trust-anchor/ta-1"}}"#,
    );
    let other_account = "arn:aws:rolesanywhere:eu-west-1:999999999999:trust-anchor/ta-1";
    assert!(like.allows(&ctx(&[(key, &[ANCHOR])])));
    assert!(!like.allows(&ctx(&[(key, &[other_account])])));
    // The account part may not absorb a colon: parts are matched one by one.
    assert!(!like.allows(&ctx(&[(
        key,
        &["arn:aws:rolesanywhere:us-east-1:1:2:trust-anchor/x"]
    )])));
    assert!(!like.allows(&ctx(&[(key, &["not-an-arn"])])));
    let star = with_condition(r#"{"ArnLike":{"aws:SourceArn":"*"}}"#);
    assert!(
        star.allows(&ctx(&[(key, &[ANCHOR])])) && !star.allows(&ctx(&[(key, &["not-an-arn"])]))
    );
    assert!(
        equals.allows(&ctx(&[(key, &[ANCHOR])]))
            && !equals.allows(&ctx(&[(key, &[other_account])]))
    );
    assert!(
        !not_eq.allows(&ctx(&[(key, &[ANCHOR])]))
            && not_eq.allows(&ctx(&[(key, &[other_account])]))
    );
    assert!(!not_like.allows(&ctx(&[(key, &[other_account])])));
    assert!(not_like.allows(&ctx(&[(
        key,
        &["arn:aws:rolesanywhere:us-east-1:1:trust-anchor/ta-2"]
    )])));
    assert!(!equals.allows(&ctx(&[])) && not_eq.allows(&ctx(&[])) && not_like.allows(&ctx(&[])));
}

#[test]
fn several_keys_and_several_values() {
    let p = with_condition(&format!(
        r#"{{"StringEquals":{{"{CN}":["Alice","Bob"],"aws:PrincipalTag/x509Issuer/O":"Acme"}}}}"#
    ));
    let issuer = "aws:PrincipalTag/x509Issuer/O";
    assert!(p.allows(&ctx(&[(CN, &["Alice"]), (issuer, &["Acme"])])));
    assert!(p.allows(&ctx(&[(CN, &["Bob"]), (issuer, &["Acme"])])));
    assert!(!p.allows(&ctx(&[(CN, &["Carol"]), (issuer, &["Acme"])])));
    assert!(!p.allows(&ctx(&[(CN, &["Alice"]), (issuer, &["Other"])])));
    assert!(!p.allows(&ctx(&[(CN, &["Alice"])])));
}

#[test]
fn set_operators() {
    let any = with_condition(r#"{"ForAnyValue:StringLike":{"aws:TagKeys":["x509*"]}}"#);
    let all = with_condition(r#"{"ForAllValues:StringEquals":{"aws:TagKeys":["a","b"]}}"#);
    assert!(any.allows(&ctx(&[("aws:TagKeys", &["other", "x509Subject/CN"])])));
    assert!(!any.allows(&ctx(&[("aws:TagKeys", &["other"])])) && !any.allows(&ctx(&[])));
    assert!(all.allows(&ctx(&[("aws:TagKeys", &["a", "b"])])) && all.allows(&ctx(&[])));
    assert!(!all.allows(&ctx(&[("aws:TagKeys", &["a", "c"])])));
}

#[test]
fn principals_and_actions() {
    let doc = |principal: &str, action: &str| {
        TrustPolicy::parse(&format!(
            r#"{{"Statement":{{"Effect":"Allow","Principal":{principal},"Action":{action}}}}}"#
        ))
        .expect("parses")
    };
    let all = ctx(&[]);
    assert!(doc(&format!(r#"{{"Service":"{SERVICE}"}}"#), r#""sts:*""#).allows(&all));
    assert!(
        doc(
            r#""*""#,
            r#"["STS:assumerole","sts:TagSession","sts:Set*"]"#
        )
        .allows(&all)
    );
    assert!(doc(r#"{"AWS":"*"}"#, r#""*""#).allows(&all));
    assert!(!doc(r#"{"Service":"ec2.amazonaws.com"}"#, r#""sts:*""#).allows(&all));
    assert!(!doc(r#"{"AWS":"arn:aws:iam::123456789012:root"}"#, r#""sts:*""#).allows(&all));
    // Every action must be allowed: TagSession missing.
    assert!(!doc(r#""*""#, r#"["sts:AssumeRole","sts:SetSourceIdentity"]"#).allows(&all));
    assert!(
        doc(
            r#""*""#,
            r#"["sts:AssumeRol?","sts:TagSession","sts:SetSourceIdentity"]"#
        )
        .allows(&all)
    );
    let not_action = TrustPolicy::parse(
        r#"{"Statement":{"Effect":"Allow","Principal":"*","NotAction":"iam:*"}}"#,
    )
    .expect("parses");
    assert!(not_action.allows(&all));
    let no_actions = PolicyContext {
        actions: vec![],
        ..ctx(&[])
    };
    assert!(!doc(r#""*""#, r#""*""#).allows(&no_actions));
}

#[test]
fn deny_overrides_allow() {
    let p = TrustPolicy::parse(&format!(
        r#"{{"Version":"2012-10-17","Statement":[
        {{"Effect":"Allow","Principal":{{"Service":"{SERVICE}"}},"Action":"sts:*"}},
        {{"Effect":"Deny","Principal":"*","Action":"sts:TagSession","Condition":{{"StringEquals":{{"{CN}":"Mallory"}}}}}}]}}"#
    ))
    .expect("parses");
    assert!(p.allows(&ctx(&[(CN, &["Alice"])])));
    assert!(!p.allows(&ctx(&[(CN, &["Mallory"])])));
    // The Deny names TagSession only; a request without it is not denied.
    let mut assume_only = ctx(&[(CN, &["Mallory"])]);
    assume_only.actions = vec!["sts:AssumeRole".to_owned()];
    assert!(p.allows(&assume_only));
}

#[test]
fn the_guides_two_statement_source_identity_policy() {
    let p = TrustPolicy::parse(&format!(
        r#"{{"Version":"2012-10-17","Statement":[
        {{"Effect":"Allow","Principal":{{"Service":"{SERVICE}"}},"Action":["sts:AssumeRole","sts:SetSourceIdentity"],
          "Condition":{{"StringEquals":{{"sts:SourceIdentity":["CN=Alice"]}},"ArnEquals":{{"aws:SourceArn":["{ANCHOR}"]}}}}}},
        {{"Effect":"Allow","Principal":{{"Service":"{SERVICE}"}},"Action":["sts:TagSession"]}}]}}"#
    ))
    .expect("parses");
    assert!(p.allows(&ctx(&[
        ("sts:SourceIdentity", &["CN=Alice"]),
        ("aws:SourceArn", &[ANCHOR])
    ])));
    assert!(!p.allows(&ctx(&[
        ("sts:SourceIdentity", &["CN=Bob"]),
        ("aws:SourceArn", &[ANCHOR])
    ])));
}

#[test]
fn malformed_policies_are_errors() {
    for bad in [
        "not json",
        "[]",
        r#"{"Version":"2012-10-17"}"#,
        r#"{"Version":"2099-01-01","Statement":[]}"#,
        r#"{"Statement":[{"Effect":"Maybe","Principal":"*","Action":"*"}]}"#,
        r#"{"Statement":[{"Effect":"Allow","Action":"*"}]}"#,
        r#"{"Statement":[{"Effect":"Allow","Principal":"*"}]}"#,
        r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Condition":{"NumberishEquals":{"a":"b"}}}]}"#,
        r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Condition":{"StringEquals":{"a":{"b":1}}}}]}"#,
        r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Bogus":1}]}"#,
        r#"{"Statement":[{"Effect":"Allow","Principal":{"Alien":"x"},"Action":"*"}]}"#,
    ] {
        assert!(TrustPolicy::parse(bad).is_err(), "accepted: {bad}");
    }
}

#[test]
fn policy_variables_in_2012_10_17_only() {
    let name = "sts:RoleSessionName";
    let p = with_condition(&format!(r#"{{"StringEquals":{{"{name}":"${{{CN}}}"}}}}"#));
    assert!(p.allows(&ctx(&[(CN, &["alice"]), (name, &["alice"])])));
    assert!(!p.allows(&ctx(&[(CN, &["alice"]), (name, &["bob"])])));
    // The variable has no value: the policy value matches nothing.
    assert!(!p.allows(&ctx(&[(name, &["alice"])])));
    let with_default = with_condition(&format!(
        r#"{{"StringEquals":{{"{name}":"s-${{{CN}, 'none'}}"}}}}"#
    ));
    assert!(with_default.allows(&ctx(&[(name, &["s-none"])])));
    assert!(with_default.allows(&ctx(&[(CN, &["x"]), (name, &["s-x"])])));
    // No Version: 2008-10-17, `${…}` is literal text.
    let literal = TrustPolicy::parse(&format!(
        r#"{{"Statement":{{"Effect":"Allow","Principal":"*","Action":"sts:*","Condition":{{"StringEquals":{{"{name}":"${{{CN}}}"}}}}}}}}"#
    ))
    .expect("parses");
    assert!(literal.allows(&ctx(&[(name, &[&format!("${{{CN}}}")])])));
    assert!(!literal.allows(&ctx(&[(CN, &["alice"]), (name, &["alice"])])));
}
