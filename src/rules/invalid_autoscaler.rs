declare_rule! {
    /// ## What it does
    /// Flags `autoscaling/v2` HorizontalPodAutoscalers that the API server refuses: `minReplicas`
    /// below 1 (defaulted to 1), `maxReplicas` below 1 or below `minReplicas`, a scale target without
    /// kind or name, metrics whose type does not match the source set, resource metrics without a
    /// target or with both a utilization and a value, non-positive targets, and scaling behaviour out
    /// of range (stabilization window 0–3600 s, policy periods 1–1800 s, positive values).
    ///
    /// ## Why is this bad?
    /// The API server refuses the autoscaler on create.
    ///
    /// ## Example
    /// ```yaml
    /// spec:
    ///   scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
    ///   minReplicas: 5
    ///   maxReplicas: 3
    /// ```
    ///
    /// ## Fix
    /// Make `maxReplicas` at least `minReplicas`; give resource metrics `averageUtilization` or `averageValue`.
    pub const RULE = Rule {
        id: "invalid-autoscaler",
        severity: Error,
        family: ApiServer,
        summary: "A HorizontalPodAutoscaler the API server refuses (min/max replicas, metrics, behavior)",
    };
}
