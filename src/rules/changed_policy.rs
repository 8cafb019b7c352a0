use crate::finding::{Finding, Location};

declare_rule! {
    /// ## What it does
    /// In changed mode (`--changed`, `--staged`, `--worktree`), reports each policy file the
    /// change adds, edits, renames or deletes — Rego files, Gatekeeper ConstraintTemplates and
    /// Constraints, policy data files — and the configuration file, and says which version
    /// gated this run. Policies and configuration are read from the commit the change starts
    /// at (the merge base with the base branch), so the edited version takes effect only once
    /// it is merged. Each changed policy is also checked for syntax: a Rego file or template
    /// that does not parse is a `policy-error`.
    ///
    /// ## Why is this bad?
    /// It is not: the finding is information for the reviewer. A pull request that edits a
    /// policy or turns a rule off in `.gitops-lint.yaml` deserves a second look, and it cannot
    /// switch off the check that gates it. With `--trust-head-policies` (a repository's own
    /// policy development) the changed version is used and the finding says so.
    ///
    /// ## Example
    /// ```rego
    /// # policy/deny.rego, changed by the pull request
    /// package main
    ///
    /// deny contains msg if {
    ///     false # no longer denies privileged containers
    ///     msg := "privileged containers are not allowed"
    /// }
    /// ```
    ///
    /// ## Fix
    /// Nothing to fix. Review the policy change; it applies to later changes once merged.
    pub const RULE = Rule {
        id: "changed-policy",
        severity: Info,
        family: Policy,
        summary: "A change edits a policy or the configuration; the base commit's version gated it",
    };
}

pub fn finding(location: Location, message: String) -> Finding {
    Finding::new(RULE.id, RULE.default_severity, message, location)
}
