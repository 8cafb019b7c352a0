declare_rule! {
    /// ## What it does
    /// Flags an `apiVersion` that the target Kubernetes version still serves but has
    /// deprecated, with the version that removes it and the replacement.
    ///
    /// ## Why is this bad?
    /// It works today and breaks on a later cluster upgrade; the API server already answers
    /// with a deprecation warning.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: flowcontrol.apiserver.k8s.io/v1beta3
    /// kind: FlowSchema
    /// ```
    ///
    /// ## Fix
    /// Move to the replacement apiVersion before upgrading.
    pub const RULE = Rule {
        id: "deprecated-api-version",
        severity: Warning,
        family: Schema,
        summary: "An apiVersion the target Kubernetes version has deprecated",
    };
}
