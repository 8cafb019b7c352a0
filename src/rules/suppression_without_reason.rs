use crate::finding::{Finding, Location};

declare_rule! {
    /// ## What it does
    /// Flags a suppression that gives no reason: an inline `# gitops-lint: ignore[rule-id]`
    /// comment with nothing after the bracket, or a `gitops-lint.io/ignore` annotation without
    /// a `gitops-lint.io/ignore-reason` annotation beside it.
    ///
    /// ## Why is this bad?
    /// A reviewer cannot tell a deliberate exception from a way to make the check pass.
    ///
    /// ## Example
    /// ```yaml
    /// securityContext:
    ///   privileged: true  # gitops-lint: ignore[privileged-container]
    /// ```
    ///
    /// ## Fix
    /// Say why after the bracket: `# gitops-lint: ignore[privileged-container] CNI agent needs
    /// host networking`, or add the `gitops-lint.io/ignore-reason` annotation.
    pub const RULE = Rule {
        id: "suppression-without-reason",
        severity: Warning,
        family: Suppression,
        summary: "A suppression comment or annotation gives no reason",
    };
}

pub fn finding(location: Location, rules: &str) -> Finding {
    Finding::new(
        RULE.id,
        RULE.default_severity,
        format!("suppression of {rules} gives no reason"),
        location,
    )
    .with_help("add the reason after the bracket: # gitops-lint: ignore[rule-id] why this is fine")
}
