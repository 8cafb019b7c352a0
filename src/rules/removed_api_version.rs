declare_rule! {
    /// ## What it does
    /// Flags an `apiVersion` that the target Kubernetes version no longer serves, naming the
    /// version that removed it and the replacement. The table of removals is
    /// `schemas/api-lifecycle.yaml` (sources: the Kubernetes deprecation guide, pluto, the
    /// upstream lifecycle tags).
    ///
    /// ## Why is this bad?
    /// The API server answers `no matches for kind "Ingress" in version "extensions/v1beta1"`;
    /// the CD job fails, often after an upgrade of the cluster rather than a change of the
    /// manifest.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: extensions/v1beta1
    /// kind: Ingress
    /// ```
    ///
    /// ## Fix
    /// Move to the replacement apiVersion and adjust the fields that changed with it (see the
    /// Kubernetes deprecation guide).
    pub const RULE = Rule {
        id: "removed-api-version",
        severity: Error,
        family: Schema,
        summary: "An apiVersion the target Kubernetes version no longer serves",
    };
}
