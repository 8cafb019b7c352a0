declare_rule! {
    /// ## What it does
    /// Flags PersistentVolumeClaims that the API server refuses: no access mode, unknown access
    /// modes, `ReadWriteOncePod` mixed with others, no `resources.requests.storage` or a zero one,
    /// an invalid storage class name or volume mode. StatefulSet `volumeClaimTemplates` get the
    /// same checks from Kubernetes 1.34 on, as the API server validates them from then.
    ///
    /// ## Why is this bad?
    /// The API server refuses the claim on create.
    ///
    /// ## Example
    /// ```yaml
    /// spec:
    ///   accessModes: [ReadWriteOnce]
    ///   resources:
    ///     limits: {storage: 1Gi}       # requests.storage is the one required
    /// ```
    ///
    /// ## Fix
    /// Set `resources.requests.storage`.
    pub const RULE = Rule {
        id: "invalid-volume-claim",
        severity: Error,
        family: ApiServer,
        summary: "A PersistentVolumeClaim the API server refuses (access modes, storage request, class)",
    };
}
