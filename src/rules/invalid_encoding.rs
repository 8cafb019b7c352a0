use std::sync::Arc;

use crate::finding::{Finding, Location};
use crate::source::{SourceFile, Span};

declare_rule! {
    /// ## What it does
    /// Flags a `.yaml`, `.yml` or `.json` file that is not UTF-8 text: a binary file, a file
    /// with NUL bytes, or text in another encoding (UTF-16, Latin-1).
    ///
    /// ## Why is this bad?
    /// Kubernetes reads manifests as UTF-8. `kubectl apply` fails on such a file, or reads
    /// garbage from it.
    ///
    /// ## Example
    /// A UTF-16 file saved by an editor, or an image renamed to `logo.yaml`.
    ///
    /// ## Fix
    /// Re-save the file as UTF-8, or exclude it if it is not a manifest.
    pub const RULE = Rule {
        id: "invalid-encoding",
        severity: Error,
        family: Input,
        summary: "A manifest file is not UTF-8 text",
    };
}

pub fn finding(source: &Arc<SourceFile>, offset: usize, what: &str) -> Finding {
    Finding::new(
        RULE.id,
        RULE.default_severity,
        format!("{} is not UTF-8 text: {what} at byte {offset}", source.name),
        Location {
            file: source.clone(),
            span: Span::default(),
        },
    )
    .with_help("save the file as UTF-8, or exclude it in .gitops-lint.yaml if it is not a manifest")
}
