declare_rule! {
    /// ## What it does
    /// Reports what the API server returns as warnings (`Warning: 299 …`) when it accepts an object:
    /// duplicate env var names (`hides previous definition of "X", which may be dropped when using
    /// apply`), duplicate container ports, fractional byte quantities (`memory: 512m`), deprecated node
    /// labels in node selectors, negative termination grace periods.
    ///
    /// ## Why is this bad?
    /// The object is applied, but not as written: server-side apply may drop a duplicate entry,
    /// `512m` bytes is half a byte rounded up, deprecated labels stop matching new nodes.
    ///
    /// ## Example
    /// ```yaml
    /// env:
    ///   - {name: LOG_LEVEL, value: info}
    ///   - {name: LOG_LEVEL, value: debug}   # hides the first
    /// ```
    ///
    /// ## Fix
    /// Remove the duplicate; write memory as `512Mi`.
    pub const RULE = Rule {
        id: "apiserver-warning",
        severity: Warning,
        family: ApiServer,
        summary: "A warning the API server returns on create (duplicate env names or ports, fractional bytes, deprecated node labels)",
    };
}
