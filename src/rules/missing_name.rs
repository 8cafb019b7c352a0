use serde_json::Value;

use crate::finding::Finding;
use crate::manifest::{FieldPath, Object};

declare_rule! {
    /// ## What it does
    /// Flags a Kubernetes object without `metadata.name` (and without `metadata.generateName`).
    ///
    /// ## Why is this bad?
    /// The API server refuses it (`metadata.name: Required value: name or generateName is
    /// required`). `generateName` makes a new object on every apply, so it is only useful with
    /// `kubectl create`, never in a GitOps tree.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: ConfigMap
    /// metadata:
    ///   labels: {app: web}
    /// ```
    ///
    /// ## Fix
    /// Add `metadata.name`.
    pub const RULE = Rule {
        id: "missing-name",
        severity: Error,
        family: Object,
        summary: "A Kubernetes object has no metadata.name",
    };
}

pub fn check(object: &Object) -> Option<Finding> {
    let metadata = object.value.get("metadata");
    let present = |field: &str| {
        metadata
            .and_then(|m| m.get(field))
            .is_some_and(|v| !matches!(v, Value::Null) && v.as_str() != Some(""))
    };
    if present("name") || present("generateName") {
        return None;
    }
    let kind = object.kind().unwrap_or("object");
    let path = FieldPath::root().key("metadata").key("name");
    Some(
        Finding::new(
            RULE.id,
            RULE.default_severity,
            format!("{kind} has no `metadata.name`"),
            object.location(&path),
        )
        .with_object(object.reference)
        .with_field(path.to_string())
        .with_help("add metadata.name: the API server requires a name"),
    )
}
