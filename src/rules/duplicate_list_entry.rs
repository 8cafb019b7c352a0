declare_rule! {
    /// ## What it does
    /// Flags two entries with the same key in a list that Kubernetes treats as a map
    /// (`x-kubernetes-list-type: map`): two containers with the same name, two env vars with the
    /// same name, two ports with the same port and protocol; and repeated items in a list that is
    /// a set (`finalizers`).
    ///
    /// ## Why is this bad?
    /// The API server refuses duplicate containers, volumes and ports, and server-side apply
    /// refuses any duplicate key (`duplicate entries for key [name="web"]`). Where it is only a
    /// warning (duplicate env vars), the last one silently wins.
    ///
    /// ## Example
    /// ```yaml
    /// env:
    ///   - name: LOG_LEVEL
    ///     value: info
    ///   - name: LOG_LEVEL
    ///     value: debug
    /// ```
    ///
    /// ## Fix
    /// Remove or rename one of the two entries.
    pub const RULE = Rule {
        id: "duplicate-list-entry",
        severity: Error,
        family: Schema,
        summary: "Two entries with the same key in a list keyed by name (containers, env, ports)",
    };
}
