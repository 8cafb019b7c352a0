declare_rule! {
    /// ## What it does
    /// Flags a kind for which no schema is known: not built in, no CRD among the checked files
    /// or under `--crds`, nothing in a `--schema-location` catalog. Reported once per kind and
    /// file. Such objects are not schema-checked.
    ///
    /// ## Why is this bad?
    /// A custom resource whose CRD is not in the repository cannot be checked, and a typo in
    /// `kind` or `apiVersion` looks exactly like it. Silence would hide both.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: monitoring.coreos.com/v1
    /// kind: ServiceMonitor
    /// ```
    ///
    /// ## Fix
    /// Add the CRD to the checked paths, point `--crds` at a directory of CRDs, or
    /// `--schema-location` at a schema catalog; set the rule to `error` to require schemas, or
    /// `off` to accept unknown kinds.
    pub const RULE = Rule {
        id: "unknown-kind",
        severity: Warning,
        family: Schema,
        summary: "No schema is known for a kind (no CRD, no catalog)",
    };
}
