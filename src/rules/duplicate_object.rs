use std::collections::HashMap;

use crate::finding::Finding;
use crate::manifest::Object;

declare_rule! {
    /// ## What it does
    /// Flags the same object (API group, kind, namespace, name) defined twice in what is
    /// applied together: the same directory, or the same Kustomize root (the nearest directory
    /// above with a `kustomization.yaml`). Both places are shown.
    ///
    /// ## Why is this bad?
    /// `kubectl apply -f dir/` applies both and the last one silently wins; Kustomize refuses
    /// the build (`may not add resource with an already registered id`); Argo CD and Flux report
    /// a shared resource. Usually a copy-paste forgot to rename.
    ///
    /// ## Example
    /// ```yaml
    /// # infra/dev/web.yaml and infra/dev/web-copy.yaml both hold:
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata:
    ///   name: web
    /// ```
    ///
    /// ## Fix
    /// Rename one of them, or delete the copy.
    pub const RULE = Rule {
        id: "duplicate-object",
        severity: Error,
        family: Object,
        summary: "The same object is defined twice in one apply unit",
    };
}

/// Finds repeats among objects; `unit` names the apply unit each object belongs to. Objects are
/// taken in the order given (files sorted, then document order), so the first is the original.
pub fn check<'a>(objects: impl IntoIterator<Item = (&'a str, &'a Object)>) -> Vec<Finding> {
    let mut first_seen: HashMap<(&str, &str, &str, &str, &str), &Object> = HashMap::new();
    let mut findings = Vec::new();
    for (unit, object) in objects {
        let (Some(kind), Some(name)) = (object.kind(), object.name()) else {
            continue;
        };
        let namespace = object.namespace().unwrap_or("");
        let key = (unit, object.group(), kind, namespace, name);
        match first_seen.get(&key) {
            None => {
                first_seen.insert(key, object);
            }
            Some(first) => {
                let scope = if namespace.is_empty() {
                    String::new()
                } else {
                    format!(" in namespace {namespace}")
                };
                findings.push(
                    Finding::new(
                        RULE.id,
                        RULE.default_severity,
                        format!(
                            "{kind}/{name}{scope} is already defined in {}",
                            first.source.name
                        ),
                        object.head_location(),
                    )
                    .with_object(object.reference)
                    .with_related(
                        first.head_location(),
                        format!("{kind}/{name} first defined here"),
                    )
                    .with_help("rename one of the two objects, or delete the copy"),
                );
            }
        }
    }
    findings
}
