declare_rule! {
    /// ## What it does
    /// Evaluates the `x-kubernetes-validations` CEL rules of a CRD's schema against the custom
    /// resources in the checked set (the CRD in the checked paths or `--crds`), as the API server does
    /// on create, with the Kubernetes CEL libraries (strings, lists, regex, quantity, url, …). The
    /// message is the rule's `message` (or `messageExpression`, or `failed rule: <rule>`), at the field
    /// of the rule (or its `fieldPath`). Transition rules (`oldSelf`) only run on update and are skipped.
    ///
    /// ## Why is this bad?
    /// The API server refuses the custom resource with this message.
    ///
    /// ## Example
    /// ```yaml
    /// # CRD schema
    /// spec:
    ///   type: object
    ///   x-kubernetes-validations:
    ///     - rule: self.minReplicas <= self.maxReplicas
    ///       message: minReplicas must be <= maxReplicas
    /// # custom resource
    /// spec: {minReplicas: 5, maxReplicas: 2}
    /// ```
    ///
    /// ## Fix
    /// Change the resource so that the rule holds.
    pub const RULE = Rule {
        id: "cel-rule-failed",
        severity: Error,
        family: ApiServer,
        summary: "A custom resource fails an x-kubernetes-validations CEL rule of its CRD",
    };
}
