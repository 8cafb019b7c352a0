declare_rule! {
    /// ## What it does
    /// Flags `policy/v1` PodDisruptionBudgets that the API server refuses: both `minAvailable` and
    /// `maxUnavailable` set, a negative number or a bad percentage or one above 100%, an invalid
    /// selector, an unsupported `unhealthyPodEvictionPolicy`. PodDisruptionBudget names are only path
    /// segments (no DNS rule), as the API server checks them.
    ///
    /// ## Why is this bad?
    /// The API server refuses the budget on create.
    ///
    /// ## Example
    /// ```yaml
    /// spec:
    ///   minAvailable: 1
    ///   maxUnavailable: 25%      # only one of the two
    /// ```
    ///
    /// ## Fix
    /// Keep one of `minAvailable` and `maxUnavailable`.
    pub const RULE = Rule {
        id: "invalid-disruption-budget",
        severity: Error,
        family: ApiServer,
        summary: "A PodDisruptionBudget the API server refuses (minAvailable and maxUnavailable, values, selector)",
    };
}
