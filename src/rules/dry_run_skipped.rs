declare_rule! {
    /// ## What it does
    /// Notes an object that was not dry-run on the cluster because it depends on something the
    /// same change creates: its namespace, or the CustomResourceDefinition of its kind. The
    /// offline checks (schema, rules, policies) still ran.
    ///
    /// ## Why is this bad?
    /// It is not: the note says what the cluster did not check, so that a pass is read right.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Namespace
    /// metadata:
    ///   name: shop
    /// ---
    /// apiVersion: v1
    /// kind: ConfigMap
    /// metadata:
    ///   name: settings
    ///   namespace: shop   # namespace shop is created by this change; dry-run skipped
    /// ```
    ///
    /// ## Fix
    /// Nothing to fix. After the namespace or CRD exists, the next run dry-runs the object.
    pub const RULE = Rule {
        id: "dry-run-skipped",
        severity: Info,
        family: Cluster,
        summary: "An object not dry-run because this change creates its namespace or CRD",
    };
}
