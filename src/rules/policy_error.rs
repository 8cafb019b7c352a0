declare_rule! {
    /// ## What it does
    /// Flags a Rego policy that cannot be used: a file that does not parse (reported at its
    /// line), or an evaluation that fails or runs past the time limit (2 s per evaluation).
    /// The other policies still run.
    ///
    /// ## Why is this bad?
    /// A broken policy checks nothing; without this finding the check would pass silently.
    ///
    /// ## Example
    /// ```rego
    /// package main
    /// deny contains msg if {
    ///     msg :=
    /// }
    /// ```
    ///
    /// ## Fix
    /// Correct the policy at the reported line; run `gitops-lint test-policies DIR` on it.
    pub const RULE = Rule {
        id: "policy-error",
        severity: Error,
        family: Policy,
        summary: "A policy that cannot be loaded or evaluated",
    };
}
