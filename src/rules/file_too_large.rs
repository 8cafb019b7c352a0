use std::sync::Arc;

use crate::finding::{Finding, Location};
use crate::source::{SourceFile, Span};

declare_rule! {
    /// ## What it does
    /// Flags a manifest file larger than the configured limit (`--max-file-size`, default
    /// 32 MiB). The file is not parsed.
    ///
    /// ## Why is this bad?
    /// Hand-kept manifests are kilobytes. A file of tens of megabytes is almost always a
    /// generated artifact, a data dump or a mistake, and the API server refuses requests over
    /// 3 MiB anyway.
    ///
    /// ## Example
    /// ```text
    /// infra/dump.yaml is 52428800 bytes, over the 33554432-byte limit
    /// ```
    ///
    /// ## Fix
    /// Split the file, exclude it, or raise `--max-file-size` if it really is a manifest.
    pub const RULE = Rule {
        id: "file-too-large",
        severity: Error,
        family: Input,
        summary: "A manifest file is over the size limit and was not parsed",
    };
}

pub fn finding(source: &Arc<SourceFile>, size: u64, limit: u64) -> Finding {
    Finding::new(
        RULE.id,
        RULE.default_severity,
        format!(
            "{} is {size} bytes, over the {limit}-byte limit; it was not checked",
            source.name
        ),
        Location {
            file: source.clone(),
            span: Span::default(),
        },
    )
    .with_help("split or exclude the file, or raise --max-file-size")
}
