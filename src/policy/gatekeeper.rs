//! OPA Gatekeeper: ConstraintTemplates and their Constraints, evaluated as Gatekeeper does.
//!
//! A template's Rego (and `libs`) is loaded once; for every Constraint of its kind and every
//! object its `spec.match` selects, the input is `{"review": …, "parameters": …}` with the
//! review of a CREATE, and `data.inventory` holds every object of the checked set in the shape
//! of Gatekeeper's sync cache. `violation` results become findings whose severity follows the
//! Constraint's `enforcementAction` (deny → error, warn → warning, dryrun → info).

use std::collections::BTreeMap;

use regorus::{Engine, Value as RegoValue};
use serde_json::{Value, json};

use super::engine;
use crate::finding::{Finding, Severity};
use crate::manifest::Object;

/// A loaded ConstraintTemplate.
pub struct Template {
    /// The Constraint kind it defines (`K8sRequiredLabels`).
    pub kind: String,
    pub name: String,
    /// The Rego package of its `violation` rule; `None` when it has no Rego (CEL only).
    pub package: Option<String>,
    pub engine: Option<Engine>,
    pub error: Option<String>,
}

pub fn is_template(value: &Value) -> bool {
    value.get("kind").and_then(Value::as_str) == Some("ConstraintTemplate")
        && value
            .get("apiVersion")
            .and_then(Value::as_str)
            .is_some_and(|a| a.starts_with("templates.gatekeeper.sh/"))
}

pub fn is_constraint(value: &Value) -> bool {
    value
        .get("apiVersion")
        .and_then(Value::as_str)
        .is_some_and(|a| a.starts_with("constraints.gatekeeper.sh/"))
}

/// The Rego source and libs of a template: `spec.targets[0].rego`/`libs`, or the `Rego` entry of
/// `spec.targets[0].code`.
fn rego_of(template: &Value) -> Option<(String, Vec<String>)> {
    let target = template.pointer("/spec/targets/0")?;
    let strings = |v: Option<&Value>| -> Vec<String> {
        v.and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default()
    };
    if let Some(rego) = target.get("rego").and_then(Value::as_str) {
        return Some((rego.to_string(), strings(target.get("libs"))));
    }
    let code = target.get("code")?.as_array()?;
    let entry = code
        .iter()
        .find(|c| c.get("engine").and_then(Value::as_str) == Some("Rego"))?;
    let source = entry.get("source")?;
    Some((
        source.get("rego")?.as_str()?.to_string(),
        strings(source.get("libs")),
    ))
}

/// Loads a template with `data.inventory` in its engine.
pub fn load_template(template: &Value, inventory: &Value) -> Template {
    let name = template
        .pointer("/metadata/name")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    let kind = template
        .pointer("/spec/crd/spec/names/kind")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    let Some((rego, libs)) = rego_of(template) else {
        return Template {
            kind,
            name,
            package: None,
            engine: None,
            error: None,
        };
    };
    let mut engine = engine::new_engine();
    let path = format!("template:{name}");
    let mut error = engine::add_policy(&mut engine, &path, &rego).err();
    for (i, lib) in libs.iter().enumerate() {
        if let Err(e) = engine::add_policy(&mut engine, &format!("{path}/lib{i}"), lib) {
            error.get_or_insert(e);
        }
    }
    if let Err(e) = engine.add_data(RegoValue::from(json!({"inventory": inventory}))) {
        error.get_or_insert(e.to_string());
    }
    Template {
        kind,
        name,
        package: super::library::package_of(&rego),
        engine: if error.is_none() { Some(engine) } else { None },
        error,
    }
}

/// Where an object lives in Gatekeeper's sync cache: `cluster[gv][kind][name]` or
/// `namespace[ns][gv][kind][name]`.
pub fn inventory<'a>(objects: impl IntoIterator<Item = &'a Value>) -> Value {
    let mut root = json!({"cluster": {}, "namespace": {}});
    for object in objects {
        let (Some(api_version), Some(kind), Some(name)) = (
            object.get("apiVersion").and_then(Value::as_str),
            object.get("kind").and_then(Value::as_str),
            object.pointer("/metadata/name").and_then(Value::as_str),
        ) else {
            continue;
        };
        let keys: Vec<&str> = if is_cluster_scoped(api_version, kind) {
            vec!["cluster", api_version, kind, name]
        } else {
            // A namespaced object without a namespace lands in the apply context's namespace,
            // which a repository does not know: `default`, as gator assumes.
            let ns = object
                .pointer("/metadata/namespace")
                .and_then(Value::as_str)
                .unwrap_or("default");
            vec!["namespace", ns, api_version, kind, name]
        };
        insert(&mut root, &keys, object.clone());
    }
    root
}

/// Sets `value` at a path of object keys, creating the objects on the way.
fn insert(root: &mut Value, keys: &[&str], value: Value) {
    let mut node = root;
    for key in &keys[..keys.len() - 1] {
        if !node.get(*key).is_some_and(Value::is_object) {
            node[*key] = json!({});
        }
        node = &mut node[*key];
    }
    node[keys[keys.len() - 1]] = value;
}

fn is_cluster_scoped(api_version: &str, kind: &str) -> bool {
    let bundle = crate::schema::bundled::bundle(crate::schema::bundled::newest());
    bundle
        .and_then(|b| b.kind(api_version, kind))
        .and_then(|k| k.namespaced)
        .is_some_and(|namespaced| !namespaced)
}

/// `apiVersion` → (group, version).
fn group_version(api_version: &str) -> (&str, &str) {
    api_version.rsplit_once('/').unwrap_or(("", api_version))
}

/// The `input.review` of a CREATE of `object`.
pub fn review(object: &Value) -> Value {
    let api_version = object
        .get("apiVersion")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let (group, version) = group_version(api_version);
    let kind = object
        .get("kind")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let mut review = json!({
        "kind": {"group": group, "version": version, "kind": kind},
        "name": object.pointer("/metadata/name").cloned().unwrap_or(Value::Null),
        "operation": "CREATE",
        "object": object,
        "oldObject": null,
        "userInfo": {"username": "gitops-lint", "groups": ["system:authenticated"]},
        "dryRun": true,
    });
    if let Some(ns) = object.pointer("/metadata/namespace") {
        review["namespace"] = ns.clone();
    }
    review
}

/// Whether a Constraint's `spec.match` selects an object. `namespaces` maps namespace names to
/// their labels (Namespace objects of the checked set) for `namespaceSelector`.
pub fn matches(constraint: &Value, object: &Value, namespaces: &BTreeMap<String, Value>) -> bool {
    let Some(spec) = constraint.pointer("/spec/match") else {
        return true;
    };
    let api_version = object
        .get("apiVersion")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let (group, _) = group_version(api_version);
    let kind = object
        .get("kind")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if let Some(kinds) = spec.get("kinds").and_then(Value::as_array)
        && !kinds.is_empty()
        && !kinds.iter().any(|entry| {
            let listed = |key: &str, want: &str| {
                entry
                    .get(key)
                    .and_then(Value::as_array)
                    .is_none_or(|items| {
                        items
                            .iter()
                            .filter_map(Value::as_str)
                            .any(|i| i == "*" || i == want)
                    })
            };
            listed("apiGroups", group) && listed("kinds", kind)
        })
    {
        return false;
    }
    let cluster_scoped = is_cluster_scoped(api_version, kind);
    match spec.get("scope").and_then(Value::as_str) {
        Some("Cluster") if !cluster_scoped => return false,
        Some("Namespaced") if cluster_scoped => return false,
        _ => {}
    }
    // A namespaced object without a namespace is created in the request's namespace; gator
    // (and a kubectl context without one) use `default`.
    let namespace = if kind == "Namespace" && api_version == "v1" {
        object.pointer("/metadata/name").and_then(Value::as_str)
    } else if cluster_scoped {
        None
    } else {
        Some(
            object
                .pointer("/metadata/namespace")
                .and_then(Value::as_str)
                .unwrap_or("default"),
        )
    };
    let name_matches = |list: &Value, ns: &str| {
        list.as_array().is_some_and(|items| {
            items
                .iter()
                .filter_map(Value::as_str)
                .any(|pattern| glob_match(pattern, ns))
        })
    };
    if let Some(list) = spec.get("namespaces")
        && !cluster_scoped
        && !namespace.is_some_and(|ns| name_matches(list, ns))
    {
        return false;
    }
    if let Some(list) = spec.get("excludedNamespaces")
        && namespace.is_some_and(|ns| name_matches(list, ns))
    {
        return false;
    }
    if let Some(name) = spec.get("name").and_then(Value::as_str)
        && !object
            .pointer("/metadata/name")
            .and_then(Value::as_str)
            .is_some_and(|n| glob_match(name, n))
    {
        return false;
    }
    let empty = json!({});
    if let Some(selector) = spec.get("labelSelector") {
        let labels = object.pointer("/metadata/labels").unwrap_or(&empty);
        if !selector_matches(selector, labels) {
            return false;
        }
    }
    if let Some(selector) = spec.get("namespaceSelector") {
        if cluster_scoped && kind != "Namespace" {
            return true;
        }
        let labels = if kind == "Namespace" {
            object.pointer("/metadata/labels").cloned()
        } else {
            namespace.and_then(|ns| namespaces.get(ns).cloned())
        };
        // An unknown namespace cannot be shown to match.
        let Some(labels) = labels else { return false };
        if !selector_matches(selector, &labels) {
            return false;
        }
    }
    true
}

/// A Kubernetes label selector (`matchLabels`, `matchExpressions`).
pub fn selector_matches(selector: &Value, labels: &Value) -> bool {
    let label = |key: &str| labels.get(key).and_then(Value::as_str);
    if let Some(Value::Object(required)) = selector.get("matchLabels") {
        for (key, value) in required {
            if label(key) != value.as_str() {
                return false;
            }
        }
    }
    if let Some(Value::Array(expressions)) = selector.get("matchExpressions") {
        for expression in expressions {
            let key = expression
                .get("key")
                .and_then(Value::as_str)
                .unwrap_or_default();
            let values: Vec<&str> = expression
                .get("values")
                .and_then(Value::as_array)
                .map(|v| v.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            let ok = match expression.get("operator").and_then(Value::as_str) {
                Some("In") => label(key).is_some_and(|v| values.contains(&v)),
                Some("NotIn") => label(key).is_none_or(|v| !values.contains(&v)),
                Some("Exists") => label(key).is_some(),
                Some("DoesNotExist") => label(key).is_none(),
                _ => false,
            };
            if !ok {
                return false;
            }
        }
    }
    true
}

/// Gatekeeper's namespace globs: a trailing `*` is a prefix match.
fn glob_match(pattern: &str, value: &str) -> bool {
    match pattern.strip_suffix('*') {
        Some(prefix) => value.starts_with(prefix),
        None => pattern == value,
    }
}

/// A Constraint's severity from its `enforcementAction`.
pub fn severity(constraint: &Value) -> Severity {
    match constraint
        .pointer("/spec/enforcementAction")
        .and_then(Value::as_str)
    {
        Some("warn") => Severity::Warning,
        Some("dryrun") => Severity::Info,
        _ => Severity::Error,
    }
}

/// Evaluates one template against one object (a CREATE) for one constraint.
pub fn violations(
    template: &Template,
    engine: &mut Engine,
    constraint: &Value,
    object: &Value,
) -> Result<Vec<Value>, String> {
    violations_for_review(template, engine, constraint, review(object))
}

/// Evaluates one template against an admission review for one constraint; the `violation`
/// results.
pub fn violations_for_review(
    template: &Template,
    engine: &mut Engine,
    constraint: &Value,
    review: Value,
) -> Result<Vec<Value>, String> {
    let Some(package) = &template.package else {
        return Ok(Vec::new());
    };
    let parameters = constraint
        .pointer("/spec/parameters")
        .cloned()
        .unwrap_or(json!({}));
    engine.set_input(RegoValue::from(
        json!({"review": review, "parameters": parameters}),
    ));
    let value = engine
        .eval_rule(format!("data.{package}.violation"))
        .map_err(|e| e.to_string())?;
    Ok(match engine::to_json(&value) {
        Some(Value::Array(items)) => items,
        Some(other) => vec![other],
        None => Vec::new(),
    })
}

/// The rule id of a Constraint's findings: `gatekeeper.<kind, lowercase>`.
pub fn rule_id(constraint: &Value) -> String {
    format!(
        "gatekeeper.{}",
        constraint
            .get("kind")
            .and_then(Value::as_str)
            .unwrap_or("constraint")
            .to_lowercase()
    )
}

/// Findings of every Constraint on every object.
pub fn check(objects: &[&Object], extra: &[Value]) -> Vec<Finding> {
    let all: Vec<&Value> = objects
        .iter()
        .map(|o| &o.value)
        .chain(extra.iter())
        .collect();
    let templates: Vec<&Value> = all.iter().copied().filter(|v| is_template(v)).collect();
    if templates.is_empty() {
        return Vec::new();
    }
    let constraints: Vec<&Value> = all.iter().copied().filter(|v| is_constraint(v)).collect();
    let targets: Vec<&&Object> = objects
        .iter()
        .filter(|o| !is_template(&o.value) && !is_constraint(&o.value))
        .collect();
    let inventory = inventory(targets.iter().map(|o| &o.value));
    let namespaces: BTreeMap<String, Value> = targets
        .iter()
        .filter(|o| o.kind() == Some("Namespace"))
        .filter_map(|o| {
            Some((
                o.name()?.to_string(),
                o.value
                    .pointer("/metadata/labels")
                    .cloned()
                    .unwrap_or(json!({})),
            ))
        })
        .collect();
    let mut out = Vec::new();
    for template_value in templates {
        let template = load_template(template_value, &inventory);
        let anchor = objects
            .iter()
            .find(|o| std::ptr::eq(&o.value, template_value));
        if let Some(error) = &template.error {
            if let Some(anchor) = anchor {
                out.push(
                    Finding::new(
                        crate::rules::policy_error::RULE.id,
                        crate::rules::policy_error::RULE.default_severity,
                        format!(
                            "ConstraintTemplate {} cannot be loaded: {}",
                            template.name,
                            super::summary(error)
                        ),
                        anchor.head_location(),
                    )
                    .with_object(anchor.reference),
                );
            }
            continue;
        }
        let Some(mut engine) = template.engine.clone() else {
            // CEL-only templates (K8sNativeValidation) are not evaluated.
            if let Some(anchor) = anchor {
                out.push(
                    Finding::new(
                        crate::rules::policy_error::RULE.id,
                        Severity::Info,
                        format!("ConstraintTemplate {} has only CEL code (K8sNativeValidation), which gitops-lint does not evaluate yet", template.name),
                        anchor.head_location(),
                    )
                    .with_object(anchor.reference),
                );
            }
            continue;
        };
        for constraint in constraints
            .iter()
            .filter(|c| c.get("kind").and_then(Value::as_str) == Some(template.kind.as_str()))
        {
            let constraint_name = constraint
                .pointer("/metadata/name")
                .and_then(Value::as_str)
                .unwrap_or_default();
            let severity = severity(constraint);
            for object in &targets {
                if !matches(constraint, &object.value, &namespaces) {
                    continue;
                }
                match violations(&template, &mut engine, constraint, &object.value) {
                    Ok(found) => {
                        for violation in found {
                            let message = violation
                                .get("msg")
                                .and_then(Value::as_str)
                                .unwrap_or("violation")
                                .to_string();
                            let location = match violation
                                .pointer("/details/path")
                                .and_then(crate::manifest::FieldPath::from_json)
                            {
                                Some(path) => object.location(&path),
                                None => object.head_location(),
                            };
                            out.push(
                                Finding::new(
                                    rule_id(constraint),
                                    severity,
                                    format!("[{constraint_name}] {message}"),
                                    location,
                                )
                                .with_object(object.reference),
                            );
                        }
                    }
                    Err(e) => out.push(
                        Finding::new(
                            crate::rules::policy_error::RULE.id,
                            crate::rules::policy_error::RULE.default_severity,
                            format!(
                                "ConstraintTemplate {} failed on {}: {}",
                                template.name,
                                object.display_name(),
                                super::summary(&e)
                            ),
                            object.head_location(),
                        )
                        .with_object(object.reference),
                    ),
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selectors_and_globs() {
        let labels = json!({"app": "web", "tier": "front"});
        assert!(selector_matches(
            &json!({"matchLabels": {"app": "web"}}),
            &labels
        ));
        assert!(!selector_matches(
            &json!({"matchLabels": {"app": "api"}}),
            &labels
        ));
        assert!(selector_matches(
            &json!({"matchExpressions": [{"key": "tier", "operator": "In", "values": ["front"]}]}),
            &labels
        ));
        assert!(selector_matches(
            &json!({"matchExpressions": [{"key": "x", "operator": "DoesNotExist"}]}),
            &labels
        ));
        assert!(glob_match("kube-*", "kube-system"));
        assert!(!glob_match("kube-*", "default"));
    }

    #[test]
    fn match_kinds_namespaces_and_scope() {
        let constraint = json!({"spec": {"match": {"kinds": [{"apiGroups": [""], "kinds": ["Pod"]}], "excludedNamespaces": ["kube-*"]}}});
        let pod = |ns: &str| json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "namespace": ns}});
        let none = BTreeMap::new();
        assert!(matches(&constraint, &pod("shop"), &none));
        assert!(!matches(&constraint, &pod("kube-system"), &none));
        let deployment =
            json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d"}});
        assert!(!matches(&constraint, &deployment, &none));
        let cluster = json!({"spec": {"match": {"scope": "Cluster"}}});
        assert!(!matches(&cluster, &pod("shop"), &none));
        assert!(matches(
            &cluster,
            &json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "x"}}),
            &none
        ));
    }

    #[test]
    fn inventory_has_gatekeepers_shape() {
        let objects = [
            json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "shop"}}),
            json!({"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": {"name": "i", "namespace": "shop"}}),
        ];
        let inv = inventory(objects.iter());
        assert!(inv.pointer("/cluster/v1/Namespace/shop").is_some());
        assert!(
            inv.pointer("/namespace/shop/networking.k8s.io~1v1/Ingress/i")
                .is_some()
        );
    }
}
