use crate::finding::{Finding, Location};

declare_rule! {
    /// ## What it does
    /// Flags a document nested deeper than the limit (256 levels of mappings and sequences).
    /// The document is not checked further.
    ///
    /// ## Why is this bad?
    /// No real manifest comes close (a deep CRD schema uses about 40 levels). Such input is
    /// generated or hostile, and deep recursion crashes tools that read it.
    ///
    /// ## Example
    /// ```yaml
    /// a: [[[[[[[[ … ]]]]]]]]   # thousands of levels
    /// ```
    ///
    /// ## Fix
    /// Flatten the data.
    pub const RULE = Rule {
        id: "nesting-limit",
        severity: Error,
        family: Yaml,
        summary: "A document is nested deeper than the limit",
    };
}

pub fn finding(location: Location, limit: usize) -> Finding {
    Finding::new(
        RULE.id,
        RULE.default_severity,
        format!("this document is nested more than {limit} levels deep; it was not checked"),
        location,
    )
    .with_help("flatten the data")
}
