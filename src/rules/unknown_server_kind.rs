declare_rule! {
    /// ## What it does
    /// Flags an object whose apiVersion and kind the target cluster does not serve (by its
    /// discovery), when no CustomResourceDefinition in the checked files defines the kind.
    ///
    /// ## Why is this bad?
    /// The apply fails with `no matches for kind`: the CRD is not installed, the version was
    /// removed from the cluster, or `kind`/`apiVersion` is misspelt.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: monitoring.coreos.com/v1
    /// kind: ServiceMonitor   # the cluster has no such CRD
    /// ```
    ///
    /// ## Fix
    /// Install the CRD first (or add it to the change), or fix `apiVersion` and `kind`.
    pub const RULE = Rule {
        id: "unknown-server-kind",
        severity: Error,
        family: Cluster,
        summary: "The target cluster does not serve the object's kind",
    };
}
