//! Reports: every output format, each a pure function from findings and a summary to text.
//!
//! Formats are contracts (JSON carries a version; tests pin each one). Nothing here reads files
//! or settings; the pipeline decides where text goes.

pub mod github;
pub mod human;
pub mod json;
pub mod junit;
pub mod sarif;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use clap::ValueEnum;

use crate::config::FailOn;
use crate::discover::Skipped;
use crate::finding::{Finding, ObjectRef, Severity};
use crate::source::{LineCol, SourceFile};

/// An output format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Annotated source snippets for people (miette).
    Human,
    /// A versioned JSON document (`"version": 1`).
    Json,
    /// GitHub Actions workflow commands (annotations) plus a job summary.
    Github,
    /// SARIF 2.1.0 for GitHub code scanning and other viewers.
    Sarif,
    /// JUnit XML: one test case per checked document.
    Junit,
}

/// One checked document (or `List` item), for formats that list them (JUnit).
#[derive(Clone, Debug)]
pub struct CheckedObject {
    pub file: Arc<SourceFile>,
    pub object: Option<ObjectRef>,
    pub name: String,
}

/// What was checked, beside the findings.
#[derive(Clone, Debug, Default)]
pub struct Summary {
    pub files: usize,
    pub documents: usize,
    pub skipped: Vec<Skipped>,
    pub checked: Vec<CheckedObject>,
    pub elapsed: Duration,
    /// Changed mode: what the change was compared with.
    pub changes: Option<ChangeSummary>,
    /// Kustomize overlays and Helm charts the run rendered.
    pub renders: RenderSummary,
}

/// Roots the render stage selected, how many rendered, and how many came from the cache.
#[derive(Clone, Copy, Debug, Default)]
pub struct RenderSummary {
    pub selected: usize,
    pub rendered: usize,
    pub cached: usize,
}

impl Summary {
    /// Changed mode, and the change touches no manifest and no overlay.
    pub fn nothing_to_check(&self) -> bool {
        self.changes.is_some() && self.files == 0 && self.renders.selected == 0
    }
}

/// Changed mode, for the summary: the base, and what the change deleted and renamed.
#[derive(Clone, Debug, Default)]
pub struct ChangeSummary {
    /// What the change is compared with (`origin/main`, `HEAD`).
    pub base: String,
    /// The commit the change starts at (the merge base), full hex.
    pub base_commit: String,
    /// Files the change touches under the checked paths.
    pub touched: usize,
    /// Deleted files: noted, not checked.
    pub deleted: Vec<PathBuf>,
    /// Renames `(from, to)`; files are checked under their new names.
    pub renamed: Vec<(PathBuf, PathBuf)>,
    /// Policies and configuration came from the base commit (not `--trust-head-policies`).
    pub base_policies: bool,
    /// How the run was set up (a config file the base commit does not have…).
    pub notes: Vec<String>,
}

impl ChangeSummary {
    pub fn short_commit(&self) -> &str {
        crate::changes::abbreviate(&self.base_commit)
    }
}

/// Everything a format renders.
pub struct Report<'a> {
    /// Sorted by file and position.
    pub findings: &'a [Finding],
    pub summary: &'a Summary,
    pub fail_on: FailOn,
}

impl Report<'_> {
    pub fn count(&self, severity: Severity) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity == severity)
            .count()
    }

    /// Whether a finding fails the run.
    pub fn fails(&self, finding: &Finding) -> bool {
        fails(self.fail_on, finding.severity)
    }
}

pub fn fails(fail_on: FailOn, severity: Severity) -> bool {
    match fail_on {
        FailOn::Error => severity >= Severity::Error,
        FailOn::Warning => severity >= Severity::Warning,
        FailOn::Never => false,
    }
}

/// Options that only the human format uses.
#[derive(Clone, Copy, Debug, Default)]
pub struct HumanOptions {
    pub color: bool,
    pub quiet: bool,
}

/// Renders a report in a format.
pub fn render(format: Format, report: &Report<'_>, human: HumanOptions) -> String {
    let mut out = Vec::new();
    // Writing to memory cannot fail, and both writers write UTF-8.
    let _ = write(format, report, human, &mut out);
    String::from_utf8(out).unwrap_or_default()
}

/// Writes the report to `out`; JSON and SARIF are written as they are serialised.
pub fn write(
    format: Format,
    report: &Report<'_>,
    human: HumanOptions,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    match format {
        Format::Human => out.write_all(human::render(report, human).as_bytes()),
        Format::Json => json::write(report, out),
        Format::Github => out.write_all(github::render(report).as_bytes()),
        Format::Sarif => sarif::write(report, out),
        Format::Junit => out.write_all(junit::render(report).as_bytes()),
    }
}

/// Start and end of a finding's primary span, 1-based.
pub fn range(finding: &Finding) -> (LineCol, LineCol) {
    finding.location.file.range(finding.location.span)
}
