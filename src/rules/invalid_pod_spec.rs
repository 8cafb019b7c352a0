declare_rule! {
    /// ## What it does
    /// Flags pod specs and pod templates (Pods, Deployments, StatefulSets from 1.34, DaemonSets,
    /// ReplicaSets, Jobs, CronJobs, PodTemplates, ReplicationControllers) that the API server refuses
    /// after defaulting: containers missing or with duplicate or non-DNS names, missing images, port
    /// numbers, names and protocols, env var names and `valueFrom` sources, `envFrom`, volumes (names,
    /// one source each, required fields, file modes), volume mounts naming a volume that does not exist
    /// or repeating a mount path, resource names and quantities (negative, requests above limits,
    /// extended resources), probes (exactly one handler, thresholds, `successThreshold: 1` for liveness
    /// and startup), init-container restrictions, restart and DNS policies, tolerations, user ids.
    /// Paths and texts are the API server's: `spec.template.spec.containers[0].volumeMounts[1].name:
    /// Not found: "ca-certs"`.
    ///
    /// ## Why is this bad?
    /// The API server rejects the whole object (`422 Invalid`) and nothing of it is applied; a typo in
    /// a mount name or a request above its limit is only found at deploy time otherwise.
    ///
    /// ## Example
    /// ```yaml
    /// spec:
    ///   containers:
    ///     - name: app
    ///       image: nginx:1.27
    ///       resources:
    ///         requests: {cpu: "2"}
    ///         limits: {cpu: "1"}        # request above limit
    ///       volumeMounts:
    ///         - name: config          # no volume named config
    ///           mountPath: /etc/app
    /// ```
    ///
    /// ## Fix
    /// Follow the message: it names the field and the rule, as `kubectl apply` would print it.
    pub const RULE = Rule {
        id: "invalid-pod-spec",
        severity: Error,
        family: ApiServer,
        summary: "A pod spec or pod template the API server refuses (containers, ports, env, volumes, mounts, resources, probes)",
    };
}
