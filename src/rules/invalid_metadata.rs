declare_rule! {
    /// ## What it does
    /// Flags object metadata that `kube-apiserver` refuses on create (`ValidateObjectMeta`): a name
    /// that does not fit its kind (DNS-1123 subdomain for most kinds, DNS-1123 label for Namespace and
    /// StatefulSet, DNS-1035 label for Service, a path segment for RBAC objects, PodDisruptionBudgets
    /// and custom resources), a bad `generateName`, a namespace that is not a DNS label, label keys and
    /// values, annotation keys (lower-cased first) and their total size (256 KiB), finalizer names.
    /// The message is the API server's: `metadata.name: Invalid value: "Web": a lowercase RFC 1123
    /// subdomain must consist of …`.
    ///
    /// ## Why is this bad?
    /// `kubectl apply` fails with `422 Invalid`; schema validation does not catch it, as the OpenAPI
    /// schemas carry no name or label syntax.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: apps/v1
    /// kind: StatefulSet
    /// metadata:
    ///   name: db.v2          # a StatefulSet name is a DNS label: no dots
    ///   labels:
    ///     team: "platform ops"   # no spaces in label values
    /// ```
    ///
    /// ## Fix
    /// Rename the object or fix the label; the message lists the rule the value breaks.
    pub const RULE = Rule {
        id: "invalid-metadata",
        severity: Error,
        family: ApiServer,
        summary: "Object metadata the API server refuses (name format per kind, labels, annotations, finalizers)",
    };
}
