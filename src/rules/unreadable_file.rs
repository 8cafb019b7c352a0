use std::sync::Arc;

use crate::finding::{Finding, Location};
use crate::source::{SourceFile, Span};

declare_rule! {
    /// ## What it does
    /// Flags a file that was selected for checking but could not be read (permission denied, a
    /// file that vanished during the run, a directory loop).
    ///
    /// ## Why is this bad?
    /// A manifest that cannot be read is not checked. The CD job reading the same tree would fail
    /// too, or silently skip it.
    ///
    /// ## Example
    /// ```text
    /// infra/dev/secret.yaml: Permission denied (os error 13)
    /// ```
    ///
    /// ## Fix
    /// Make the file readable by the user running the check, or exclude it in `.gitops-lint.yaml`.
    pub const RULE = Rule {
        id: "unreadable-file",
        severity: Error,
        family: Input,
        summary: "A selected file could not be read",
    };
}

pub fn finding(source: &Arc<SourceFile>, error: &std::io::Error) -> Finding {
    Finding::new(
        RULE.id,
        RULE.default_severity,
        format!("cannot read {}: {error}", source.name),
        Location {
            file: source.clone(),
            span: Span::default(),
        },
    )
    .with_help("make the file readable, or exclude it in .gitops-lint.yaml")
}
