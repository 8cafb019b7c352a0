//! The GitHub format: workflow commands that GitHub Actions turns into annotations on the pull
//! request's diff, and a Markdown job summary.
//!
//! GitHub shows at most 10 errors, 10 warnings and 10 notices per step (50 per job) and drops
//! the rest silently. So the most important come first (errors, then warnings, then notices),
//! and when anything is left out, one notice says how many and points at the job summary; every
//! finding is also printed as a plain log line.

use std::fmt::Write;

use super::Report;
use crate::finding::{Finding, Severity};

/// Annotations GitHub shows per level and step.
pub const PER_LEVEL: usize = 10;

pub fn render(report: &Report<'_>) -> String {
    let mut out = String::new();
    let mut ordered: Vec<&Finding> = report.findings.iter().collect();
    // Stable: within a level, file and line order is kept.
    ordered.sort_by_key(|f| std::cmp::Reverse(f.severity));
    let count = |s: Severity| ordered.iter().filter(|f| f.severity == s).count();
    let (errors, warnings, notices) = (
        count(Severity::Error),
        count(Severity::Warning),
        count(Severity::Info),
    );
    let hidden_before_notices =
        errors.saturating_sub(PER_LEVEL) + warnings.saturating_sub(PER_LEVEL);
    // The summary notice needs a slot of its own when anything is hidden.
    let notice_budget = if hidden_before_notices > 0 || notices > PER_LEVEL {
        PER_LEVEL - 1
    } else {
        PER_LEVEL
    };
    let mut shown = [0usize; 3];
    let mut hidden = 0;
    for finding in &ordered {
        let (slot, budget) = match finding.severity {
            Severity::Error => (0, PER_LEVEL),
            Severity::Warning => (1, PER_LEVEL),
            Severity::Info => (2, notice_budget),
        };
        if shown[slot] < budget {
            shown[slot] += 1;
            out.push_str(&annotation(finding));
        } else {
            hidden += 1;
        }
    }
    if hidden > 0 {
        let _ = writeln!(
            out,
            "::notice title=gitops-lint::{} more findings are not annotated (GitHub shows 10 per level); see the job summary or the log below",
            hidden
        );
    }
    for finding in &ordered {
        out.push_str(&super::human::plain_line(finding));
    }
    out.push_str(&super::human::summary_line(report));
    out
}

fn annotation(finding: &Finding) -> String {
    let level = match finding.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "notice",
    };
    let (start, end) = super::range(finding);
    let mut properties = format!(
        "file={},line={},endLine={}",
        escape_property(&finding.location.file.name),
        start.line,
        end.line.max(start.line)
    );
    // GitHub honours columns only on single-line annotations.
    if start.line == end.line {
        let _ = write!(
            properties,
            ",col={},endColumn={}",
            start.column,
            end.column.max(start.column)
        );
    }
    let _ = write!(
        properties,
        ",title={}",
        escape_property(&format!("gitops-lint {}", finding.rule))
    );
    let mut message = finding.message.clone();
    if let Some(help) = &finding.help {
        message.push_str("\nhelp: ");
        message.push_str(help);
    }
    format!("::{level} {properties}::{}\n", escape_data(&message))
}

/// Escaping for a workflow command's message.
pub fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escaping for a workflow command's properties.
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// The Markdown table for `$GITHUB_STEP_SUMMARY`: every finding, errors first.
pub fn step_summary(report: &Report<'_>) -> String {
    let mut out = String::from("## gitops-lint\n\n");
    let _ = writeln!(
        out,
        "**{} errors, {} warnings, {} notices** in {} files, {} documents\n",
        report.count(Severity::Error),
        report.count(Severity::Warning),
        report.count(Severity::Info),
        report.summary.files,
        report.summary.documents
    );
    if report.findings.is_empty() {
        out.push_str("No findings.\n");
        return out;
    }
    out.push_str("| Severity | Location | Rule | Message |\n|---|---|---|---|\n");
    // Errors first, as the annotations; within a level, file and line order is kept.
    let mut ordered: Vec<&Finding> = report.findings.iter().collect();
    ordered.sort_by_key(|f| std::cmp::Reverse(f.severity));
    for finding in ordered {
        let (start, _) = super::range(finding);
        let _ = writeln!(
            out,
            "| {} | `{}:{}:{}` | `{}` | {} |",
            finding.severity,
            finding.location.file.name,
            start.line,
            start.column,
            finding.rule,
            markdown_cell(&finding.message)
        );
    }
    out
}

fn markdown_cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', "<br>")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_as_github_documents() {
        assert_eq!(escape_data("50%\nnext\r"), "50%25%0Anext%0D");
        assert_eq!(escape_property("a:b,c%"), "a%3Ab%2Cc%25");
    }
}
