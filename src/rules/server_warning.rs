declare_rule! {
    /// ## What it does
    /// Reports each `Warning` the API server returns for an object in the server-side dry-run:
    /// deprecated API versions, duplicate environment variables or ports, `Warn` actions of
    /// ValidatingAdmissionPolicies, Pod Security `warn` mode, webhook warnings.
    ///
    /// ## Why is this bad?
    /// Warnings are what `kubectl` prints and GitOps controllers bury in their logs; they announce
    /// the next upgrade's failures and settings the cluster silently drops.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: policy/v1beta1   # policy/v1beta1 PodDisruptionBudget is deprecated in v1.21+
    /// kind: PodDisruptionBudget
    /// ```
    ///
    /// ## Fix
    /// Do what the warning says; set the rule to `off` to hide warnings.
    pub const RULE = Rule {
        id: "server-warning",
        severity: Warning,
        family: Cluster,
        summary: "The API server warns about the object in a dry-run",
    };
}
