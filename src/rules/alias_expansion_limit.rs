use crate::finding::{Finding, Location};

declare_rule! {
    /// ## What it does
    /// Flags a document whose YAML aliases expand to more nodes than the limit (100,000 per
    /// document): the "billion laughs" alias bomb. The document is not checked further.
    ///
    /// ## Why is this bad?
    /// A few lines of anchors and aliases can expand to billions of nodes and exhaust the
    /// memory of every tool that reads the file; go-yaml refuses such documents with
    /// "excessive aliasing".
    ///
    /// ## Example
    /// ```yaml
    /// a: &a ["x", "x", "x", "x", "x", "x", "x", "x", "x"]
    /// b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
    /// c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
    /// # … nine levels
    /// ```
    ///
    /// ## Fix
    /// Write the data out, or use fewer nested aliases.
    pub const RULE = Rule {
        id: "alias-expansion-limit",
        severity: Error,
        family: Yaml,
        summary: "YAML aliases expand beyond the limit (alias bomb)",
    };
}

pub fn finding(location: Location, limit: usize) -> Finding {
    Finding::new(
        RULE.id,
        RULE.default_severity,
        format!("YAML aliases in this document expand to more than {limit} nodes; the document was not checked"),
        location,
    )
    .with_help("write the repeated data out instead of nesting aliases")
}
