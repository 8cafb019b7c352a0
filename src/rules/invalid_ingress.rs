declare_rule! {
    /// ## What it does
    /// Flags `networking.k8s.io/v1` Ingresses that the API server refuses: neither rules nor a
    /// default backend, an IP address or bad name as host, HTTP rules without paths, a missing or
    /// unsupported `pathType` (v1 does not default it), relative or unsafe paths for `Exact` /
    /// `Prefix`, backends without exactly one of service and resource, service backends without a
    /// port or with both name and number, invalid TLS hosts and secret names, and an
    /// `ingressClassName` that contradicts the `kubernetes.io/ingress.class` annotation.
    ///
    /// ## Why is this bad?
    /// The API server refuses the Ingress on create.
    ///
    /// ## Example
    /// ```yaml
    /// spec:
    ///   rules:
    ///     - host: shop.example.com
    ///       http:
    ///         paths:
    ///           - path: /api                 # pathType is required in networking.k8s.io/v1
    ///             backend:
    ///               service: {name: api, port: {number: 80}}
    /// ```
    ///
    /// ## Fix
    /// Add `pathType: Prefix` (or `Exact`, `ImplementationSpecific`).
    pub const RULE = Rule {
        id: "invalid-ingress",
        severity: Error,
        family: ApiServer,
        summary: "An Ingress the API server refuses (pathType, paths, hosts, backends)",
    };
}
