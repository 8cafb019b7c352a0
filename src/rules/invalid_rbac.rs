declare_rule! {
    /// ## What it does
    /// Flags Roles, ClusterRoles, RoleBindings and ClusterRoleBindings that the API server refuses:
    /// rules without verbs, resource rules without api groups or resources, non-resource URLs in a
    /// Role or mixed with resources, an aggregation rule without selectors, a `roleRef` with another
    /// api group or kind (a ClusterRoleBinding may only bind a ClusterRole) or no name, subjects
    /// without a name, of an unknown kind, with the wrong api group, and ServiceAccount subjects of a
    /// ClusterRoleBinding without a namespace. Names with colons (`system:metrics-reader`) are fine.
    ///
    /// ## Why is this bad?
    /// The API server refuses the object on create.
    ///
    /// ## Example
    /// ```yaml
    /// kind: ClusterRoleBinding
    /// roleRef:
    ///   apiGroup: rbac.authorization.k8s.io
    ///   kind: Role                  # a ClusterRoleBinding binds ClusterRoles
    ///   name: reader
    /// subjects:
    ///   - kind: ServiceAccount
    ///     name: ci                  # namespace required in a ClusterRoleBinding
    /// ```
    ///
    /// ## Fix
    /// Use `kind: ClusterRole` or a RoleBinding; give ServiceAccount subjects their namespace.
    pub const RULE = Rule {
        id: "invalid-rbac",
        severity: Error,
        family: ApiServer,
        summary: "A Role, ClusterRole or binding the API server refuses (rules, roleRef, subjects)",
    };
}
