declare_rule! {
    /// ## What it does
    /// Flags a value of the right type that the schema still refuses: not one of the allowed
    /// values (`imagePullPolicy: Allways`), out of range (a port over 65535, an int32 that
    /// overflows), not matching a pattern or format, too long or too short.
    ///
    /// ## Why is this bad?
    /// The API server refuses the object (`Unsupported value: "Allways": supported values:
    /// "Always", "IfNotPresent", "Never"`).
    ///
    /// ## Example
    /// ```yaml
    /// containers:
    ///   - name: web
    ///     imagePullPolicy: Allways
    /// ```
    ///
    /// ## Fix
    /// Use one of the values the message lists, or a value within the stated bounds.
    pub const RULE = Rule {
        id: "invalid-field-value",
        severity: Error,
        family: Schema,
        summary: "A value the schema does not allow (enum, range, pattern, format)",
    };
}
