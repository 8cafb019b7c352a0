declare_rule! {
    /// ## What it does
    /// Flags an object the dry-run identity may not apply (403 from RBAC): the message names
    /// the user, the verb and the resource it lacks. The object was not checked by the cluster.
    ///
    /// ## Why is this bad?
    /// An object the cluster could not check is unverified; silence would look like a pass.
    /// If the deploying identity lacks the same permission, the sync fails too.
    ///
    /// ## Example
    /// ```text
    /// User "system:serviceaccount:ci:gitops-lint" cannot patch resource "deployments" in API group "apps"
    /// ```
    ///
    /// ## Fix
    /// Grant the dry-run identity `get` and `patch` (and `create`) on the resource (see the
    /// README's RBAC section), or exclude the object from the check.
    pub const RULE = Rule {
        id: "dry-run-forbidden",
        severity: Error,
        family: Cluster,
        summary: "The dry-run identity may not apply the object (RBAC)",
    };
}
