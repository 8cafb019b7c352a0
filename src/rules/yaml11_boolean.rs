use crate::finding::{Finding, Location};

declare_rule! {
    /// ## What it does
    /// Flags an unquoted `y`, `yes`, `on`, `n`, `no` or `off` (in any capitalisation), which
    /// Kubernetes reads as a boolean.
    ///
    /// ## Why is this bad?
    /// kubectl and the API server read YAML 1.1 (through `sigs.k8s.io/yaml`), where these words
    /// are booleans; YAML 1.2 tools (yq, many editors, Helm's own values handling) read them as
    /// strings. `value: yes` in an env var becomes `true` and is rejected ("expected string,
    /// got bool"); the country code `NO` becomes `false`.
    ///
    /// ## Example
    /// ```yaml
    /// env:
    ///   - name: FEATURE_ENABLED
    ///     value: yes
    /// ```
    ///
    /// ## Fix
    /// Quote it (`"yes"`) if you meant the string, or write `true` / `false` if you meant the
    /// boolean.
    pub const RULE = Rule {
        id: "yaml11-boolean",
        severity: Warning,
        family: Yaml,
        summary: "An unquoted yes/no/on/off that Kubernetes reads as a boolean",
    };
}

pub fn finding(location: Location, text: &str, value: bool) -> Finding {
    Finding::new(
        RULE.id,
        RULE.default_severity,
        format!("unquoted `{text}` is read by Kubernetes (YAML 1.1) as the boolean {value}"),
        location,
    )
    .with_help(format!(
        "write \"{text}\" if you meant the string, or {value} if you meant the boolean"
    ))
}
