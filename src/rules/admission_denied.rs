declare_rule! {
    /// ## What it does
    /// Flags an object the cluster's admission control denies in the server-side dry-run: a
    /// validating or mutating webhook (Gatekeeper, Kyverno, …) or a ValidatingAdmissionPolicy,
    /// named in the message, and admission plugins such as ResourceQuota or Pod Security.
    ///
    /// ## Why is this bad?
    /// The same denial stops the real apply after merge; the repository passes while the
    /// cluster refuses it.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata:
    ///   name: web   # admission webhook "validation.gatekeeper.sh" denied the request: you must provide labels: {"team"}
    /// ```
    ///
    /// ## Fix
    /// Change the object to satisfy the named policy, or ask its owners for an exception.
    pub const RULE = Rule {
        id: "admission-denied",
        severity: Error,
        family: Cluster,
        summary: "An admission webhook, policy or plugin denies the object in a dry-run",
    };
}
