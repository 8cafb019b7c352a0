//! The human format: miette's graphical diagnostics with source snippets, sorted by file and
//! line, then a summary line.
//!
//! miette's default `SourceCode` rescans a file from its first byte for every label; the
//! line-indexed source below makes rendering linear (5,000 findings in a 1 MB file: 59 ms
//! instead of 11.6 s, measured in the crate notes).

use std::fmt;
use std::sync::Arc;

use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError,
    MietteSpanContents, SourceCode, SourceSpan, SpanContents,
};

use super::{HumanOptions, Report};
use crate::finding::{Finding, Severity};
use crate::source::{SourceFile, Span};

/// Width used when the output is not a terminal, so that output is reproducible.
const WIDTH: usize = 100;

pub fn render(report: &Report<'_>, options: HumanOptions) -> String {
    let handler = handler(options.color);
    let mut out = String::new();
    for finding in report.findings {
        if options.quiet && finding.severity == Severity::Info {
            continue;
        }
        let diagnostic = FindingDiagnostic::new(finding);
        if handler.render_report(&mut out, &diagnostic).is_err() {
            out.push_str(&plain_line(finding));
        }
        out.push('\n');
    }
    if !options.quiet {
        out.push_str(&summary_line(report));
    }
    out
}

fn handler(color: bool) -> GraphicalReportHandler {
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    GraphicalReportHandler::new_themed(theme)
        .with_links(false)
        .with_width(WIDTH)
        .with_context_lines(1)
}

/// `file:line:col: severity[rule]: message`, for logs and fallbacks.
pub fn plain_line(finding: &Finding) -> String {
    let (start, _) = super::range(finding);
    format!(
        "{}:{}:{}: {}[{}]: {}\n",
        finding.location.file.name,
        start.line,
        start.column,
        finding.severity,
        finding.rule,
        finding.message
    )
}

/// What changed mode says when a change touches no manifest.
pub const NOTHING_TO_CHECK: &str = "nothing to check: the change touches no manifest";

fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

/// `N errors, M warnings in F files, D documents, T ms`, plus skipped files.
pub fn summary_line(report: &Report<'_>) -> String {
    let s = report.summary;
    let mut line = format!(
        "{}, {}",
        plural(report.count(Severity::Error), "error"),
        plural(report.count(Severity::Warning), "warning"),
    );
    let infos = report.count(Severity::Info);
    if infos > 0 {
        line.push_str(&format!(", {}", plural(infos, "info")));
    }
    if s.nothing_to_check() {
        // Findings about changed policy files only, if any.
        line = if report.findings.is_empty() {
            format!("{NOTHING_TO_CHECK}\n")
        } else {
            format!(
                "{line} in changed policy files, {} ms\n{NOTHING_TO_CHECK}\n",
                s.elapsed.as_millis()
            )
        };
    } else {
        line.push_str(&format!(
            " in {}, {}, {} ms\n",
            plural(s.files, "file"),
            plural(s.documents, "document"),
            s.elapsed.as_millis()
        ));
    }
    if s.renders.selected > 0 {
        line.push_str(&format!(
            "note: rendered {} of {} Kustomize overlays and Helm charts, {} from the cache\n",
            s.renders.rendered, s.renders.selected, s.renders.cached
        ));
    }
    let templates = s
        .skipped
        .iter()
        .filter(|k| k.reason == crate::discover::SkipReason::HelmTemplate)
        .count();
    if templates > 0 {
        line.push_str(&format!(
            "note: skipped {} (Helm templates are not YAML until rendered)\n",
            plural(templates, "Helm template file")
        ));
    }
    let outside = s.skipped.len() - templates;
    if outside > 0 {
        line.push_str(&format!(
            "note: skipped {} pointing outside the checked paths\n",
            plural(outside, "symlink")
        ));
    }
    if let Some(changes) = &s.changes {
        line.push_str(&change_notes(changes));
    }
    line
}

/// Changed mode: what the change was compared with, where policies came from, what it deleted.
fn change_notes(changes: &super::ChangeSummary) -> String {
    let commit = changes.short_commit();
    let since = if changes.base_commit.is_empty() {
        // An unborn HEAD (before the first commit): the change starts from nothing.
        "since HEAD (no commit yet)".to_string()
    } else if changes.base == "HEAD" {
        format!("since HEAD ({commit})")
    } else {
        format!("since the merge base {commit} with {}", changes.base)
    };
    let policies = if changes.base_policies && changes.base_commit.is_empty() {
        "no policies or configuration from a commit".to_string()
    } else if changes.base_policies {
        format!("policies and configuration from {commit}")
    } else {
        "policies and configuration from the working tree (--trust-head-policies)".to_string()
    };
    let mut out = format!(
        "note: {} changed {since}; {policies}\n",
        plural(changes.touched, "file")
    );
    const LISTED: usize = 10;
    if !changes.deleted.is_empty() {
        let mut names: Vec<String> = changes
            .deleted
            .iter()
            .take(LISTED)
            .map(|p| crate::source::display_name(p))
            .collect();
        if changes.deleted.len() > LISTED {
            names.push(format!("and {} more", changes.deleted.len() - LISTED));
        }
        out.push_str(&format!(
            "note: deleted by the change, not checked: {}\n",
            names.join(", ")
        ));
    }
    for note in &changes.notes {
        out.push_str(&format!("note: {note}\n"));
    }
    out
}

/// A source snippet with one label, for errors that are not findings (config errors).
pub fn snippet(source: &Arc<SourceFile>, span: Span, message: &str, color: bool) -> String {
    let finding = Finding::new(
        "invalid-config",
        Severity::Error,
        message,
        crate::finding::Location {
            file: source.clone(),
            span,
        },
    );
    let mut out = String::new();
    let _ = handler(color).render_report(&mut out, &FindingDiagnostic::new(&finding));
    out
}

/// A file's text with a line index, so that miette reads spans in O(log n).
struct IndexedSource(Arc<SourceFile>);

impl fmt::Debug for IndexedSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.name)
    }
}

impl SourceCode for IndexedSource {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let file = &self.0;
        let text = file.display_text().as_bytes();
        let starts = file.line_starts();
        if span.offset() > text.len() {
            return Err(MietteError::OutOfBounds);
        }
        let first_line = file.line_index(span.offset());
        let last_line = file.line_index(span.offset() + span.len().saturating_sub(1));
        let from = first_line.saturating_sub(context_lines_before);
        let to = (last_line + context_lines_after).min(starts.len() - 1);
        let start = starts[from];
        let end = match starts.get(to + 1) {
            Some(next) => next.saturating_sub(1).max(start),
            None => text.len(),
        };
        let column = if context_lines_before == 0 {
            span.offset() - starts[first_line]
        } else {
            0
        };
        Ok(Box::new(MietteSpanContents::new_named(
            file.name.clone(),
            &text[start..end],
            (start, end - start).into(),
            from,
            column,
            to - from + 1,
        )))
    }
}

/// A finding seen through miette's `Diagnostic` protocol.
struct FindingDiagnostic<'a> {
    finding: &'a Finding,
    source: IndexedSource,
    related: Vec<RelatedDiagnostic>,
    message: String,
}

impl<'a> FindingDiagnostic<'a> {
    fn new(finding: &'a Finding) -> Self {
        let related = finding
            .related
            .iter()
            .filter(|r| !Arc::ptr_eq(&r.location.file, &finding.location.file))
            .map(|r| RelatedDiagnostic {
                message: r.message.clone(),
                source: IndexedSource(r.location.file.clone()),
                span: r.location.span,
            })
            .collect();
        FindingDiagnostic {
            finding,
            source: IndexedSource(finding.location.file.clone()),
            related,
            message: finding.message.clone(),
        }
    }
}

impl fmt::Debug for FindingDiagnostic<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Display for FindingDiagnostic<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for FindingDiagnostic<'_> {}

fn source_span(file: &SourceFile, span: Span) -> SourceSpan {
    let start = span.start.min(file.text.len());
    let end = span.end.clamp(start, file.text.len());
    (start, end - start).into()
}

impl Diagnostic for FindingDiagnostic<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(&self.finding.rule))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.finding.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Info => miette::Severity::Advice,
        })
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.finding
            .help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(&self.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let file = &self.finding.location.file;
        let primary = LabeledSpan::new_primary_with_span(
            self.finding.field.clone(),
            source_span(file, self.finding.location.span),
        );
        let same_file = self
            .finding
            .related
            .iter()
            .filter(|r| Arc::ptr_eq(&r.location.file, file))
            .map(|r| {
                LabeledSpan::new_with_span(
                    Some(r.message.clone()),
                    source_span(file, r.location.span),
                )
            });
        Some(Box::new(std::iter::once(primary).chain(same_file)))
    }

    fn related<'b>(&'b self) -> Option<Box<dyn Iterator<Item = &'b dyn Diagnostic> + 'b>> {
        if self.related.is_empty() {
            return None;
        }
        Some(Box::new(self.related.iter().map(|r| r as &dyn Diagnostic)))
    }
}

/// A related location in another file, shown under the finding.
struct RelatedDiagnostic {
    message: String,
    source: IndexedSource,
    span: Span,
}

impl fmt::Debug for RelatedDiagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Display for RelatedDiagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for RelatedDiagnostic {}

impl Diagnostic for RelatedDiagnostic {
    fn severity(&self) -> Option<miette::Severity> {
        Some(miette::Severity::Advice)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(&self.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        Some(Box::new(std::iter::once(
            LabeledSpan::new_primary_with_span(None, source_span(&self.source.0, self.span)),
        )))
    }
}
