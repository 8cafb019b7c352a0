use crate::finding::{Finding, Location};

declare_rule! {
    /// ## What it does
    /// Flags an unquoted number with a leading zero (`0755`, `010`), which Kubernetes reads as
    /// octal. File-mode fields (`mode`, `defaultMode`), where octal is intended, are exempt.
    ///
    /// ## Why is this bad?
    /// kubectl and the API server read YAML 1.1, where `010` is 8; YAML 1.2 tools read it as
    /// 10. A version or an ID written `0123` becomes the number 83, and a string field rejects
    /// it outright.
    ///
    /// ## Example
    /// ```yaml
    /// metadata:
    ///   labels:
    ///     build: 0123
    /// ```
    ///
    /// ## Fix
    /// Quote the value (`"0123"`) if it is a string; drop the leading zero if it is a decimal
    /// number.
    pub const RULE = Rule {
        id: "yaml11-octal",
        severity: Warning,
        family: Yaml,
        summary: "An unquoted leading-zero number that Kubernetes reads as octal",
    };
}

/// Fields whose values are file modes, written in octal on purpose.
pub const MODE_FIELDS: &[&str] = &["mode", "defaultMode"];

pub fn finding(location: Location, text: &str, value: i64) -> Finding {
    Finding::new(
        RULE.id,
        RULE.default_severity,
        format!("unquoted `{text}` is read by Kubernetes (YAML 1.1) as the octal number {value}"),
        location,
    )
    .with_help(format!(
        "write \"{text}\" if you meant a string, or {} if you meant a decimal number",
        text.trim_start_matches('0')
    ))
}
