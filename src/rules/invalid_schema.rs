declare_rule! {
    /// ## What it does
    /// Flags a schema that cannot be used: a CRD's `openAPIV3Schema` that does not compile, or
    /// a file in a `--schema-location` catalog that is not a valid JSON schema. Objects of that
    /// kind are not schema-checked.
    ///
    /// ## Why is this bad?
    /// The API server refuses such a CRD; a broken catalog file hides every error in the
    /// objects it should check.
    ///
    /// ## Example
    /// ```yaml
    /// openAPIV3Schema:
    ///   type: object
    ///   properties:
    ///     size: {type: integr}
    /// ```
    ///
    /// ## Fix
    /// Correct the schema at the reported place.
    pub const RULE = Rule {
        id: "invalid-schema",
        severity: Error,
        family: Schema,
        summary: "A CRD schema or catalog schema that cannot be compiled",
    };
}
