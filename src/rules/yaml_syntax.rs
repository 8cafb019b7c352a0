use crate::finding::{Finding, Location};

declare_rule! {
    /// ## What it does
    /// Flags YAML that does not parse, at the position where the parser stopped. Documents
    /// before the error are still checked; the broken document and those after it are not.
    ///
    /// ## Why is this bad?
    /// `kubectl apply` and every GitOps controller refuse the whole file.
    ///
    /// ## Example
    /// ```yaml
    /// metadata:
    ///   name: web
    ///    labels: {app: web}   # bad indentation
    /// ```
    ///
    /// ## Fix
    /// Correct the syntax at the reported line and column; check indentation and quoting.
    pub const RULE = Rule {
        id: "yaml-syntax",
        severity: Error,
        family: Yaml,
        summary: "The file is not valid YAML",
    };
}

pub fn finding(location: Location, message: &str) -> Finding {
    Finding::new(
        RULE.id,
        RULE.default_severity,
        format!("invalid YAML: {message}"),
        location,
    )
    .with_help("fix the syntax here; the rest of this file was not checked")
}
