declare_rule! {
    /// ## What it does
    /// Flags Services that the API server refuses (`ValidateService`): no ports (unless headless or
    /// ExternalName), several ports without names, duplicate port names or `(protocol, port)` pairs,
    /// port numbers, protocols, target ports (a quoted number is a port *name* and must contain a
    /// letter), `nodePort` on a ClusterIP Service, headless NodePort/LoadBalancer Services,
    /// ExternalName without a DNS name, invalid cluster IPs, session affinity and traffic policies
    /// set for the wrong type.
    ///
    /// ## Why is this bad?
    /// The API server refuses the Service on create.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Service
    /// metadata:
    ///   name: web
    /// spec:
    ///   ports:
    ///     - port: 80
    ///       targetPort: "8080"      # a string: a port name, and names need a letter
    ///     - port: 443               # several ports: each needs a name
    /// ```
    ///
    /// ## Fix
    /// Name every port when there are several; write numeric target ports without quotes.
    pub const RULE = Rule {
        id: "invalid-service",
        severity: Error,
        family: ApiServer,
        summary: "A Service the API server refuses (ports, target ports, type-specific fields, cluster IPs)",
    };
}
