//! Ordering and same-change dependencies: Namespaces and CustomResourceDefinitions are dry-run
//! first, and what they would create decides which other objects cannot be dry-run against a
//! cluster that lacks them yet (skipped with an info, not reported as errors).

use std::collections::BTreeMap;

use serde_json::Value;

use crate::manifest::Object;

/// The objects of one cluster in the order they are dry-run.
pub struct Plan<'a> {
    /// Namespaces and CRDs.
    pub first: Vec<&'a Object>,
    pub rest: Vec<&'a Object>,
}

pub fn plan<'a>(objects: &[&'a Object]) -> Plan<'a> {
    let (first, rest) = objects.iter().partition(|o| is_namespace(o) || is_crd(o));
    Plan { first, rest }
}

pub fn is_namespace(object: &Object) -> bool {
    object.api_version() == Some("v1") && object.kind() == Some("Namespace")
}

pub fn is_crd(object: &Object) -> bool {
    object.group() == "apiextensions.k8s.io" && object.kind() == Some("CustomResourceDefinition")
}

/// Kinds that CRDs of the change define: (group, kind) → the CRD's name.
pub fn crd_kinds<'a>(objects: &[&'a Object]) -> BTreeMap<(String, String), &'a Object> {
    let mut out = BTreeMap::new();
    for object in objects.iter().filter(|o| is_crd(o)) {
        let spec = object.value.get("spec");
        let group = spec.and_then(|s| s.get("group")).and_then(Value::as_str);
        let kind = spec
            .and_then(|s| s.get("names"))
            .and_then(|n| n.get("kind"))
            .and_then(Value::as_str);
        if let (Some(group), Some(kind)) = (group, kind) {
            out.insert((group.to_string(), kind.to_string()), *object);
        }
    }
    out
}
