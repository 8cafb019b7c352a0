declare_rule! {
    /// ## What it does
    /// Flags a value of the wrong type for its field, and explains the YAML behind it when
    /// YAML is the cause: `replicas: "3"` is a string because it is quoted; `value: yes` is a
    /// boolean because Kubernetes reads YAML 1.1; `version: 1.10` is the number 1.1.
    ///
    /// ## Why is this bad?
    /// The API server refuses the object (`json: cannot unmarshal string into Go struct field
    /// DeploymentSpec.spec.replicas of type int32`).
    ///
    /// ## Example
    /// ```yaml
    /// spec:
    ///   replicas: "3"
    /// ```
    ///
    /// ## Fix
    /// Write the value in the type the field takes: remove the quotes around numbers, quote
    /// strings that look like numbers or booleans.
    pub const RULE = Rule {
        id: "invalid-field-type",
        severity: Error,
        family: Schema,
        summary: "A value has the wrong type for its field",
    };
}
