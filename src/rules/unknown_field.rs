declare_rule! {
    /// ## What it does
    /// Flags a field that the object's schema does not declare, for the target Kubernetes
    /// version (built-in kinds) or the CRD (custom resources), with the closest declared field
    /// as a suggestion.
    ///
    /// ## Why is this bad?
    /// `kubectl apply` validates strictly by default and refuses the object (`unknown field
    /// "spec.template.spec.contianers"`); with looser settings the API server silently drops the
    /// field, so a typo such as `imagePullPolicyy` quietly does nothing.
    ///
    /// Turn it off with `--no-strict` (or `strict: false` in the config) to accept unknown fields
    /// as kubeconform does without `-strict`.
    ///
    /// ## Example
    /// ```yaml
    /// spec:
    ///   template:
    ///     spec:
    ///       contianers:
    ///         - name: web
    /// ```
    ///
    /// ## Fix
    /// Correct the field name (the help names the closest one), or move the field to where it
    /// belongs.
    pub const RULE = Rule {
        id: "unknown-field",
        severity: Error,
        family: Schema,
        summary: "A field the schema does not declare",
    };
}
