use crate::finding::{Finding, Location};

declare_rule! {
    /// ## What it does
    /// Flags YAML that parses but has no JSON form, which Kubernetes needs: `.inf` and `.nan`
    /// floats, and mappings or sequences used as mapping keys.
    ///
    /// ## Why is this bad?
    /// kubectl converts every manifest to JSON before sending it; these values make the
    /// conversion fail (`json: unsupported value: +Inf`).
    ///
    /// ## Example
    /// ```yaml
    /// data:
    ///   ratio: .inf
    /// ```
    ///
    /// ## Fix
    /// Quote the value, or use a plain string key.
    pub const RULE = Rule {
        id: "unsupported-yaml-value",
        severity: Error,
        family: Yaml,
        summary: "A YAML value that has no JSON form",
    };
}

pub fn finding(location: Location, message: &str) -> Finding {
    Finding::new(
        RULE.id,
        RULE.default_severity,
        message.to_string(),
        location,
    )
    .with_help("quote the value, or use a plain string key")
}
