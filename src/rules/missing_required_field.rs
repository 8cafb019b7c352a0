declare_rule! {
    /// ## What it does
    /// Flags a required field that is missing, at the mapping that should hold it.
    ///
    /// ## Why is this bad?
    /// The API server refuses the object (`spec.selector: Required value`).
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata:
    ///   name: web
    /// spec:
    ///   template: {}
    /// ```
    ///
    /// ## Fix
    /// Add the field the message names.
    pub const RULE = Rule {
        id: "missing-required-field",
        severity: Error,
        family: Schema,
        summary: "A required field is missing",
    };
}
