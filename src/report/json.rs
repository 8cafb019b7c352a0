//! The JSON format, version 1: a contract for scripts and other tools, not a dump of internals.
//! Any incompatible change bumps `version`.
//!
//! ```json
//! {"version": 1, "tool": {"name": "gitops-lint", "version": "0.1.0"},
//!  "summary": {"errors": 1, "warnings": 0, "infos": 0, "files": 2, "documents": 3, "skipped": []},
//!  "findings": [{"rule": "duplicate-key", "severity": "error", "message": "…", "help": "…",
//!                "location": {"file": "a.yaml", "line": 3, "column": 1, "endLine": 3, "endColumn": 9,
//!                             "field": "spec.replicas", "document": 0, "item": null},
//!                "related": [{"message": "…", "location": {…}}]}]}
//! ```
//! Lines and columns are 1-based; columns count characters; `endColumn` is exclusive.
//!
//! In changed mode `summary` also holds `changes`: `{"base": "origin/main", "baseCommit": "…",
//! "changedFiles": 3, "deleted": ["a.yaml"], "renamed": [{"from": "…", "to": "…"}],
//! "policies": "base" | "head", "nothingToCheck": false}`. Other runs do not have the key.
//!
//! `summary.renders` (`{"selected": 3, "rendered": 3, "cached": 2}`) is there only when the run
//! rendered Kustomize overlays or Helm charts.
//!
//! A finding also has `environment` when the config names environments, and `renderedFrom`
//! (`infra/production`) when it was found in a rendered Kustomize overlay or Helm chart; its
//! location is then the repository file the field comes from.

use serde::Serialize;

use super::Report;
use crate::finding::{Finding, Location, Severity};

#[derive(Serialize)]
struct Document<'a> {
    version: u32,
    tool: Tool,
    summary: Summary<'a>,
    findings: Vec<JsonFinding<'a>>,
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct Summary<'a> {
    errors: usize,
    warnings: usize,
    infos: usize,
    files: usize,
    documents: usize,
    skipped: Vec<SkippedFile<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    changes: Option<Changes<'a>>,
    /// Only when the run rendered Kustomize overlays or Helm charts.
    #[serde(skip_serializing_if = "Option::is_none")]
    renders: Option<Renders>,
}

#[derive(Serialize)]
struct Renders {
    selected: usize,
    rendered: usize,
    cached: usize,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Changes<'a> {
    base: &'a str,
    base_commit: &'a str,
    changed_files: usize,
    deleted: Vec<String>,
    renamed: Vec<Renamed>,
    policies: &'static str,
    nothing_to_check: bool,
}

#[derive(Serialize)]
struct Renamed {
    from: String,
    to: String,
}

#[derive(Serialize)]
struct SkippedFile<'a> {
    file: String,
    reason: &'a str,
}

#[derive(Serialize)]
struct JsonFinding<'a> {
    rule: &'a str,
    severity: &'a str,
    message: &'a str,
    help: Option<&'a str>,
    location: JsonLocation<'a>,
    related: Vec<JsonRelated<'a>>,
    /// The environment (config `environments:`); only when environments are configured.
    #[serde(skip_serializing_if = "Option::is_none")]
    environment: Option<&'a str>,
    /// The overlay or chart a finding on rendered output was rendered from.
    #[serde(rename = "renderedFrom", skip_serializing_if = "Option::is_none")]
    rendered_from: Option<&'a str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct JsonLocation<'a> {
    file: &'a str,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    field: Option<&'a str>,
    document: Option<usize>,
    item: Option<usize>,
}

#[derive(Serialize)]
struct JsonRelated<'a> {
    message: &'a str,
    location: JsonLocation<'a>,
}

fn location<'a>(loc: &'a Location, finding: Option<&'a Finding>) -> JsonLocation<'a> {
    let (start, end) = loc.file.range(loc.span);
    let object = finding.and_then(|f| f.object);
    JsonLocation {
        file: &loc.file.name,
        line: start.line,
        column: start.column,
        end_line: end.line,
        end_column: end.column,
        field: finding.and_then(|f| f.field.as_deref()),
        document: object.map(|o| o.document),
        item: object.and_then(|o| o.item),
    }
}

/// Writes the report as it is built, without holding the text: a report of many thousand
/// findings would otherwise be held twice (the findings and their text).
pub fn write(report: &Report<'_>, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let document = Document {
        version: 1,
        tool: Tool {
            name: "gitops-lint",
            version: env!("CARGO_PKG_VERSION"),
        },
        summary: Summary {
            errors: report.count(Severity::Error),
            warnings: report.count(Severity::Warning),
            infos: report.count(Severity::Info),
            files: report.summary.files,
            documents: report.summary.documents,
            skipped: report
                .summary
                .skipped
                .iter()
                .map(|s| SkippedFile {
                    file: crate::source::display_name(&s.path),
                    reason: s.reason.as_str(),
                })
                .collect(),
            renders: (report.summary.renders.selected > 0).then_some(Renders {
                selected: report.summary.renders.selected,
                rendered: report.summary.renders.rendered,
                cached: report.summary.renders.cached,
            }),
            changes: report.summary.changes.as_ref().map(|c| Changes {
                base: &c.base,
                base_commit: &c.base_commit,
                changed_files: c.touched,
                deleted: c
                    .deleted
                    .iter()
                    .map(|p| crate::source::display_name(p))
                    .collect(),
                renamed: c
                    .renamed
                    .iter()
                    .map(|(from, to)| Renamed {
                        from: crate::source::display_name(from),
                        to: crate::source::display_name(to),
                    })
                    .collect(),
                policies: if c.base_policies { "base" } else { "head" },
                nothing_to_check: report.summary.nothing_to_check(),
            }),
        },
        findings: report
            .findings
            .iter()
            .map(|f| JsonFinding {
                rule: &f.rule,
                severity: f.severity.as_str(),
                message: &f.message,
                help: f.help.as_deref(),
                location: location(&f.location, Some(f)),
                related: f
                    .related
                    .iter()
                    .map(|r| JsonRelated {
                        message: &r.message,
                        location: location(&r.location, None),
                    })
                    .collect(),
                environment: f.environment.as_deref(),
                rendered_from: f.rendered.as_ref().map(|r| r.root.as_str()),
            })
            .collect(),
    };
    serde_json::to_writer_pretty(&mut *out, &document)?;
    out.write_all(b"\n")
}
