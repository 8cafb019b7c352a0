declare_rule! {
    /// ## What it does
    /// Flags an object the target cluster's API server rejects in the server-side dry-run
    /// (`--dry-run`): validation errors (422, one finding per cause at its field), strict
    /// decoding errors (400: unknown or duplicate fields), server-side-apply type errors (a
    /// 500 that names the field), a namespace that does not exist, and conflicts.
    ///
    /// ## Why is this bad?
    /// The API server is the final judge: an object it rejects fails the sync after merge,
    /// often leaving the rest of the application half applied.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// spec:
    ///   replicas: -1   # spec.replicas: Invalid value: -1: must be greater than or equal to 0
    /// ```
    ///
    /// ## Fix
    /// Correct the field the finding points at; the message is the server's own.
    pub const RULE = Rule {
        id: "server-rejected",
        severity: Error,
        family: Cluster,
        summary: "The cluster's API server rejects the object in a dry-run",
    };
}
