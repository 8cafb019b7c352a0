declare_rule! {
    /// ## What it does
    /// Flags a kind in a built-in API group (`apps`, `batch`, `networking.k8s.io`, …) under an
    /// apiVersion the target Kubernetes version does not serve, and names the versions it does
    /// serve.
    ///
    /// ## Why is this bad?
    /// The API server answers `no matches for kind "Deployment" in version "apps/v2"`. Built-in
    /// groups cannot be extended by CRDs, so this is never a missing CRD.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: apps/v2
    /// kind: Deployment
    /// ```
    ///
    /// ## Fix
    /// Use an apiVersion the message lists.
    pub const RULE = Rule {
        id: "unserved-api-version",
        severity: Error,
        family: Schema,
        summary: "A built-in kind under an apiVersion the target version does not serve",
    };
}
