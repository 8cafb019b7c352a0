use crate::finding::{Finding, Location};

declare_rule! {
    /// ## What it does
    /// Flags a mapping key that appears more than once in the same mapping. Every repeat is
    /// reported, with the first occurrence as a related location.
    ///
    /// ## Why is this bad?
    /// YAML parsers disagree on which value wins, and the API server's strict decoding rejects
    /// the object (`duplicate field "replicas"`). Usually one of the two was meant to be
    /// somewhere else, such as under `spec.template`.
    ///
    /// With `--no-strict` it is a warning, as the API server without strict field validation
    /// only warns.
    ///
    /// ## Example
    /// ```yaml
    /// spec:
    ///   replicas: 2
    ///   replicas: 3
    /// ```
    ///
    /// ## Fix
    /// Keep one of the keys.
    pub const RULE = Rule {
        id: "duplicate-key",
        severity: Error,
        family: Yaml,
        summary: "A mapping key appears twice in the same mapping",
    };
}

pub fn finding(location: Location, key: &str, first: Location) -> Finding {
    Finding::new(
        RULE.id,
        RULE.default_severity,
        format!("duplicate key `{key}`"),
        location,
    )
    .with_related(first, format!("`{key}` first defined here"))
    .with_help("remove one of the two keys; the API server rejects duplicate fields")
}
