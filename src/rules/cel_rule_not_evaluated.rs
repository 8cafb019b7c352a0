declare_rule! {
    /// ## What it does
    /// Says that a CRD's CEL rule could not be evaluated offline: it uses a function or macro the
    /// evaluator does not support, or it cannot be compiled here. Reported once per rule and object,
    /// never as an error: the API server may still refuse the object.
    ///
    /// ## Why is this bad?
    /// Nothing is wrong with the manifest; the check is incomplete, so a dry run against a cluster is
    /// the way to be sure.
    ///
    /// ## Example
    /// ```yaml
    /// x-kubernetes-validations:
    ///   - rule: self.items.sortBy(i, i.priority) == self.items
    /// ```
    ///
    /// ## Fix
    /// Nothing to fix; suppress the rule for this resource if the note is noise.
    pub const RULE = Rule {
        id: "cel-rule-not-evaluated",
        severity: Info,
        family: ApiServer,
        summary: "A CRD CEL rule gitops-lint cannot evaluate offline",
    };
}
