//! Role trust policies (IAM JSON policy language, as an Assume Role Policy Document): who
//! may call which `sts:` actions under which conditions (SPEC §3 step 6; User Guide "Trust
//! policy"). Only what a trust policy can say is modelled; no resources, no variables.

use std::collections::BTreeMap;

use serde_json::Value;

use super::conditions::{self, Clause, wildcard};

/// A parsed role trust policy.
#[derive(Debug, Clone)]
pub struct TrustPolicy {
    statements: Vec<Statement>,
}

/// What is being asked of a trust policy: the calling service principal, the actions
/// (`sts:AssumeRole`, `sts:TagSession`, `sts:SetSourceIdentity`) and the condition keys
/// (`aws:SourceArn`, `aws:PrincipalTag/x509Subject/CN`, `sts:SourceIdentity`, …) with
/// their values. Key names may be given in any case.
#[derive(Debug, Clone, Default)]
pub struct PolicyContext {
    /// The calling service principal, e.g. `rolesanywhere.amazonaws.com`.
    pub principal_service: String,
    /// The actions requested; all must be allowed.
    pub actions: Vec<String>,
    /// Condition keys and their values.
    pub keys: BTreeMap<String, Vec<String>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Effect {
    Allow,
    Deny,
}

#[derive(Debug, Clone)]
enum Principals {
    /// `"*"` or `{"AWS": "*"}`: everyone, services included.
    Any,
    /// `{"Service": [...]}` values (other principal types never match a service).
    Services(Vec<String>),
}

#[derive(Debug, Clone)]
struct Statement {
    effect: Effect,
    principals: Principals,
    /// `NotPrincipal` instead of `Principal`.
    not_principal: bool,
    /// Action patterns, lower-case (action names are case-insensitive).
    actions: Vec<String>,
    /// `NotAction` instead of `Action`.
    not_action: bool,
    conditions: Vec<Clause>,
}

fn strings(v: &Value, what: &str) -> Result<Vec<String>, String> {
    match v {
        Value::String(s) => Ok(vec![s.clone()]),
        Value::Array(items) => items
            .iter()
            .map(|i| {
                i.as_str()
                    .map(str::to_owned)
                    .ok_or_else(|| format!("{what} must hold strings"))
            })
            .collect(),
        _ => Err(format!("{what} must be a string or an array of strings")),
    }
}

fn parse_principals(v: &Value) -> Result<Principals, String> {
    match v {
        Value::String(s) if s == "*" => Ok(Principals::Any),
        Value::Object(map) => {
            let mut services = Vec::new();
            for (kind, ids) in map {
                let ids = strings(ids, "Principal")?;
                match kind.as_str() {
                    "AWS" if ids.iter().any(|i| i == "*") => return Ok(Principals::Any),
                    "Service" => services.extend(ids.into_iter().map(|s| s.to_ascii_lowercase())),
                    "AWS" | "Federated" | "CanonicalUser" => {}
                    other => return Err(format!("unknown Principal type {other:?}")),
                }
            }
            Ok(Principals::Services(services))
        }
        _ => Err("Principal must be \"*\" or an object".to_owned()),
    }
}

fn parse_statement(v: &Value, variables: bool) -> Result<Statement, String> {
    let obj = v.as_object().ok_or("each Statement must be an object")?;
    let effect = match obj.get("Effect").and_then(Value::as_str) {
        Some("Allow") => Effect::Allow,
        Some("Deny") => Effect::Deny,
        _ => return Err("Statement Effect must be \"Allow\" or \"Deny\"".to_owned()),
    };
    let (principals, not_principal) = match (obj.get("Principal"), obj.get("NotPrincipal")) {
        (Some(p), None) => (parse_principals(p)?, false),
        (None, Some(p)) => (parse_principals(p)?, true),
        // A role trust policy must name who may assume it (IAM: MalformedPolicyDocument).
        _ => {
            return Err(
                "a trust policy Statement needs exactly one of Principal or NotPrincipal"
                    .to_owned(),
            );
        }
    };
    let (actions, not_action) = match (obj.get("Action"), obj.get("NotAction")) {
        (Some(a), None) => (strings(a, "Action")?, false),
        (None, Some(a)) => (strings(a, "NotAction")?, true),
        _ => return Err("a Statement needs exactly one of Action or NotAction".to_owned()),
    };
    let conditions = match obj.get("Condition") {
        Some(c) => conditions::parse(c, variables)?,
        None => Vec::new(),
    };
    for key in obj.keys() {
        if !matches!(
            key.as_str(),
            "Sid"
                | "Effect"
                | "Principal"
                | "NotPrincipal"
                | "Action"
                | "NotAction"
                | "Condition"
                | "Resource"
        ) {
            return Err(format!("unknown Statement element {key:?}"));
        }
    }
    Ok(Statement {
        effect,
        principals,
        not_principal,
        actions: actions
            .into_iter()
            .map(|a| a.to_ascii_lowercase())
            .collect(),
        not_action,
        conditions,
    })
}

impl TrustPolicy {
    /// Parse an IAM policy document; the error says what is malformed (for IAM's
    /// `MalformedPolicyDocument`).
    pub fn parse(json: &str) -> Result<Self, String> {
        let doc: Value =
            serde_json::from_str(json).map_err(|e| format!("policy is not JSON: {e}"))?;
        let obj = doc.as_object().ok_or("policy must be a JSON object")?;
        // Without a Version, IAM reads a policy as 2008-10-17: no policy variables.
        let variables = match obj.get("Version") {
            None => false,
            Some(v) => match v.as_str() {
                Some("2012-10-17") => true,
                Some("2008-10-17") => false,
                _ => return Err(format!("unsupported policy Version {v}")),
            },
        };
        let statements = match obj.get("Statement") {
            Some(Value::Array(items)) => items
                .iter()
                .map(|s| parse_statement(s, variables))
                .collect::<Result<Vec<_>, _>>()?,
            Some(single @ Value::Object(_)) => vec![parse_statement(single, variables)?],
            _ => return Err("policy needs a Statement (object or array)".to_owned()),
        };
        Ok(TrustPolicy { statements })
    }

    /// Allowed iff every action of `ctx` is allowed by an Allow statement that applies
    /// (principal, action, all conditions) and no applicable Deny statement names it:
    /// IAM's explicit deny > allow > implicit deny. No actions is not allowed.
    pub fn allows(&self, ctx: &PolicyContext) -> bool {
        let keys: BTreeMap<String, Vec<String>> = ctx
            .keys
            .iter()
            .map(|(k, v)| (k.to_ascii_lowercase(), v.clone()))
            .collect();
        let principal = ctx.principal_service.to_ascii_lowercase();
        !ctx.actions.is_empty()
            && ctx.actions.iter().all(|action| {
                let action = action.to_ascii_lowercase();
                let applies = |s: &&Statement| s.applies(&principal, &action, &keys);
                !self
                    .statements
                    .iter()
                    .filter(|s| s.effect == Effect::Deny)
                    .any(|s| applies(&s))
                    && self
                        .statements
                        .iter()
                        .filter(|s| s.effect == Effect::Allow)
                        .any(|s| applies(&s))
            })
    }
}

impl Statement {
    fn applies(&self, principal: &str, action: &str, keys: &BTreeMap<String, Vec<String>>) -> bool {
        let named = match &self.principals {
            Principals::Any => true,
            Principals::Services(list) => list.iter().any(|s| s == principal),
        };
        let acted = self.actions.iter().any(|pattern| wildcard(pattern, action));
        named != self.not_principal
            && acted != self.not_action
            && self.conditions.iter().all(|c| c.holds(keys))
    }
}
