use serde_json::Value;

use crate::finding::Finding;
use crate::manifest::Object;

declare_rule! {
    /// ## What it does
    /// Flags a document in a manifest file that is not a Kubernetes object: not a mapping, or
    /// without a string `apiVersion` and `kind`.
    ///
    /// ## Why is this bad?
    /// `kubectl apply` refuses it (`apiVersion not set, kind not set`), and no other check can
    /// run on it. Often it is a fragment pasted into the wrong file, or a values file in a
    /// manifest directory.
    ///
    /// Kustomize configuration (`kustomization.yaml`, patches and generator inputs it names),
    /// Helm `Chart.yaml` and values files are recognised and not flagged.
    ///
    /// ## Example
    /// ```yaml
    /// metadata:
    ///   name: web
    /// spec:
    ///   replicas: 2
    /// ```
    ///
    /// ## Fix
    /// Add `apiVersion` and `kind`, or move the file out of the checked paths (or exclude it in
    /// `.gitops-lint.yaml`).
    pub const RULE = Rule {
        id: "not-kubernetes-object",
        severity: Error,
        family: Object,
        summary: "A document has no apiVersion or kind",
    };
}

/// Whether the object has the identity every other object check relies on.
pub fn is_kubernetes_object(object: &Object) -> bool {
    object.api_version().is_some() && object.kind().is_some()
}

pub fn check(object: &Object) -> Option<Finding> {
    let message = match &object.value {
        Value::Object(map) => {
            let missing: Vec<&str> = ["apiVersion", "kind"]
                .into_iter()
                .filter(|key| {
                    map.get(*key)
                        .and_then(Value::as_str)
                        .is_none_or(str::is_empty)
                })
                .collect();
            if missing.is_empty() {
                return None;
            }
            let what = missing
                .iter()
                .map(|m| format!("`{m}`"))
                .collect::<Vec<_>>()
                .join(" and ");
            format!("this document is not a Kubernetes object: no string {what}")
        }
        other => format!(
            "this document is a {}, not a Kubernetes object",
            json_type(other)
        ),
    };
    let finding = Finding::new(
        RULE.id,
        RULE.default_severity,
        message,
        object.head_location(),
    )
    .with_object(object.reference)
    .with_help("add apiVersion and kind, or exclude the file if it is not a manifest");
    Some(finding)
}

pub fn json_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "sequence",
        Value::Object(_) => "mapping",
    }
}
