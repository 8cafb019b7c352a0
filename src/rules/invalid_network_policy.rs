declare_rule! {
    /// ## What it does
    /// Flags `networking.k8s.io/v1` NetworkPolicies that the API server refuses: a peer with no
    /// selector and no ipBlock, an ipBlock beside a selector in the same peer, invalid CIDRs and
    /// `except` entries that are not strict subsets of the CIDR, ports (protocol, number or name,
    /// `endPort` not below `port` and only with a numeric port), unknown policy types, invalid
    /// selectors.
    ///
    /// ## Why is this bad?
    /// The API server refuses the policy; an ipBlock and a podSelector in one peer is a frequent
    /// mistake (they must be two list items to mean "or").
    ///
    /// ## Example
    /// ```yaml
    /// ingress:
    ///   - from:
    ///       - ipBlock: {cidr: 10.0.0.0/16}
    ///         podSelector: {matchLabels: {app: web}}   # must be its own peer: `- podSelector`
    /// ```
    ///
    /// ## Fix
    /// Split the peer into two list items.
    pub const RULE = Rule {
        id: "invalid-network-policy",
        severity: Error,
        family: ApiServer,
        summary: "A NetworkPolicy the API server refuses (peers, ipBlock, ports, policyTypes)",
    };
}
