use crate::finding::{Finding, Location};

declare_rule! {
    /// ## What it does
    /// Flags a suppression comment or annotation that cannot work: a malformed
    /// `# gitops-lint:` directive, or one that names a rule that does not exist.
    ///
    /// ## Why is this bad?
    /// The finding it was meant to silence still fails the check, or a typo in the rule id
    /// hides that the exception no longer applies.
    ///
    /// ## Example
    /// ```yaml
    /// image: nginx:latest  # gitops-lint: ignore[latest-tag-image] pinned by Renovate
    /// ```
    ///
    /// ## Fix
    /// Use the form `# gitops-lint: ignore[rule-a,rule-b] reason`, with ids from
    /// `gitops-lint rules`.
    pub const RULE = Rule {
        id: "invalid-suppression",
        severity: Warning,
        family: Suppression,
        summary: "A suppression is malformed or names an unknown rule",
    };
}

pub fn finding(location: Location, message: String) -> Finding {
    Finding::new(RULE.id, RULE.default_severity, message, location)
        .with_help("write # gitops-lint: ignore[rule-id] reason, with ids from `gitops-lint rules`")
}
