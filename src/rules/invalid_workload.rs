declare_rule! {
    /// ## What it does
    /// Flags Deployment, ReplicaSet, StatefulSet, DaemonSet, ReplicationController, Job and CronJob
    /// specs that the API server refuses: a selector missing, empty or not matching the template
    /// labels, a template `restartPolicy` other than `Always` (or, for Jobs, other than `OnFailure` /
    /// `Never`: the defaulted `Always` is refused), `activeDeadlineSeconds` in templates of
    /// long-running workloads, negative counts, rolling-update parameters (`maxSurge` and
    /// `maxUnavailable` both 0, bad percentages, DaemonSets with both set), StatefulSet policies, a Job
    /// selector without `manualSelector`, Indexed Jobs without completions, CronJob schedules (parsed as
    /// `robfig/cron` does, with its error text), time zones, concurrency policies and the 52-character
    /// CronJob name limit.
    ///
    /// ## Why is this bad?
    /// `kubectl apply` fails with the API server's message; a selector that does not match its
    /// template is the classic first-deploy failure.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: batch/v1
    /// kind: CronJob
    /// metadata:
    ///   name: report
    /// spec:
    ///   schedule: "*/5 * * *"       # four fields
    ///   jobTemplate:
    ///     spec:
    ///       template:
    ///         spec:
    ///           containers: [{name: report, image: report:1.0}]
    ///           # restartPolicy defaults to Always, which a Job refuses
    /// ```
    ///
    /// ## Fix
    /// Make the selector match the template labels, set `restartPolicy: OnFailure` or `Never` in Job templates, fix the schedule.
    pub const RULE = Rule {
        id: "invalid-workload",
        severity: Error,
        family: ApiServer,
        summary: "A workload spec the API server refuses (selector vs template labels, restart policy, strategies, Job modes, CronJob schedule)",
    };
}
