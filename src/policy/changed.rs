//! Policy and configuration files that a change touches (changed mode). Each one is reported as
//! `changed-policy` (info), saying which version gated the run, and checked for syntax — a Rego
//! file, ConstraintTemplate, data file or configuration that does not load is a `policy-error` —
//! so that a broken policy is caught in the change that breaks it, not in every run after it
//! merges.
//!
//! `settings` decides which files these are; this module only reads them and reports.

use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::Arc;

use serde_json::json;

use super::{PolicyFiles, engine, gatekeeper, is_policy_object, load_error};
use crate::discover::absolute;
use crate::finding::{Finding, Location};
use crate::manifest::FieldPath;
use crate::manifest::yaml::{self, ProblemKind};
use crate::parse::ParsedFile;
use crate::rules;
use crate::source::{SourceFile, Span};

/// What a policy file is to the run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PolicyFileKind {
    /// A Rego file, or a file in a policy directory (Gatekeeper YAML).
    Policy,
    /// The configuration file (`.gitops-lint.yaml`).
    Config,
    /// A `data` file of the policies.
    Data,
}

/// What the change did to it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileChange {
    Added,
    Modified,
    Renamed,
    Deleted,
}

/// A policy or configuration file the change touches.
#[derive(Clone, Debug)]
pub struct ChangedPolicyFile {
    /// Its working-tree path (the old path when deleted).
    pub path: PathBuf,
    pub kind: PolicyFileKind,
    pub change: FileChange,
    /// Whether the run loads such a file: it is in a policy directory, a data file or the
    /// configuration of the run (else it is, say, a Rego file elsewhere in the repository).
    pub loaded: bool,
}

/// Whose policies gated the run.
#[derive(Clone, Copy, Debug)]
pub struct Gate<'a> {
    /// The commit the change starts at, abbreviated.
    pub base_commit: &'a str,
    /// `--trust-head-policies`: the changed versions were used.
    pub trust_head: bool,
}

/// Findings for policy files the change touches.
pub fn review(files: &[ChangedPolicyFile], gate: Gate<'_>) -> Vec<Finding> {
    let mut out = Vec::new();
    for file in files {
        let deleted = file.change == FileChange::Deleted;
        let text = if deleted {
            String::new()
        } else {
            std::fs::read_to_string(&file.path).unwrap_or_default()
        };
        let source = Arc::new(SourceFile::new(file.path.clone(), text));
        let location = Location {
            file: source.clone(),
            span: head_span(&source),
        };
        let mut finding = rules::changed_policy::finding(location, message(file, gate));
        if !gate.trust_head && file.loaded {
            finding = finding.with_help(
                "the change takes effect once merged; --trust-head-policies checks with this version (a repository's own policy development)",
            );
        }
        out.push(finding);
        if !deleted {
            out.extend(syntax(file, &source, gate));
        }
    }
    out
}

/// Findings for Gatekeeper templates and constraints among the checked (changed) manifests:
/// in changed mode they are not evaluated unless `--trust-head-policies`, so say so, and check
/// that the templates load. Files `review` reports (policy directories) are left to it.
pub fn review_objects(
    files: &[ParsedFile],
    gate: Gate<'_>,
    reviewed: &[ChangedPolicyFile],
) -> Vec<Finding> {
    let reviewed: HashSet<PathBuf> = reviewed.iter().map(|f| absolute(&f.path)).collect();
    let mut out = Vec::new();
    for object in crate::check::objects(files)
        .filter(|o| is_policy_object(&o.value) && !reviewed.contains(&absolute(&o.source.path)))
    {
        let what = format!(
            "Gatekeeper {} `{}`",
            object.kind().unwrap_or("object"),
            object.name().unwrap_or_default()
        );
        let message = if gate.trust_head {
            format!("{what} in a changed file: evaluated as changed (--trust-head-policies)")
        } else {
            format!(
                "{what} in a changed file: not evaluated, because only the policy directories of the base commit {} gate a change",
                gate.base_commit
            )
        };
        out.push(
            rules::changed_policy::finding(object.head_location(), message)
                .with_object(object.reference),
        );
        // With --trust-head-policies the policy stage loads it and reports its errors.
        if !gate.trust_head && gatekeeper::is_template(&object.value) {
            let template = gatekeeper::load_template(&object.value, &json!({}));
            if let Some(error) = template.error {
                out.push(
                    policy_error(
                        object.head_location(),
                        format!(
                            "ConstraintTemplate {} cannot be loaded: {}",
                            template.name,
                            super::summary(&error)
                        ),
                    )
                    .with_object(object.reference),
                );
            }
        }
    }
    out
}

fn message(file: &ChangedPolicyFile, gate: Gate<'_>) -> String {
    let what = match file.kind {
        PolicyFileKind::Policy => "policy file",
        PolicyFileKind::Config => "configuration file",
        PolicyFileKind::Data => "policy data file",
    };
    let verb = match file.change {
        FileChange::Added => "added",
        FileChange::Modified => "changed",
        FileChange::Renamed => "renamed",
        FileChange::Deleted => "deleted",
    };
    let commit = gate.base_commit;
    if !file.loaded {
        return format!(
            "{what} {verb}; it is in no policy directory of this run, so it was not evaluated"
        );
    }
    match (gate.trust_head, file.change) {
        (true, FileChange::Deleted) => format!("{what} deleted; not used (--trust-head-policies)"),
        (true, _) => format!("{what} {verb}; this version was used (--trust-head-policies)"),
        (false, FileChange::Added) => {
            format!("{what} added; not used until merged: the base commit {commit} gated this run")
        }
        (false, FileChange::Deleted) => {
            format!("{what} deleted; the base commit {commit}'s version still gated this run")
        }
        (false, _) => format!(
            "{what} {verb}; the base commit {commit}'s version gated this run, so the change cannot weaken the check that gates it"
        ),
    }
}

/// Syntax checks of the changed version. Versions the policy stage loads itself (under
/// `--trust-head-policies`) are reported there, not twice.
fn syntax(file: &ChangedPolicyFile, source: &Arc<SourceFile>, gate: Gate<'_>) -> Vec<Finding> {
    let loaded_by_run = gate.trust_head && file.loaded;
    let extension = file
        .path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or_default();
    match (file.kind, extension) {
        (PolicyFileKind::Policy, "rego") if !loaded_by_run => {
            let mut probe = engine::new_engine();
            match engine::add_policy(&mut probe, &source.name, &source.text) {
                Ok(()) => Vec::new(),
                Err(error) => vec![load_error(&source.name, Some(&source.text), &error)],
            }
        }
        // Gatekeeper YAML: the policy stage does not report templates of policy directories
        // that fail to load, so check them here either way.
        (PolicyFileKind::Policy, "yaml" | "yml") => templates(source),
        (PolicyFileKind::Data, _) if !loaded_by_run => {
            match super::load_data(&PolicyFiles::WorkTree, &file.path) {
                Ok(_) => Vec::new(),
                Err(error) => vec![policy_error(
                    Location {
                        file: source.clone(),
                        span: head_span(source),
                    },
                    format!("policy data file {} cannot be loaded: {error}", source.name),
                )],
            }
        }
        (PolicyFileKind::Config, _) if !gate.trust_head => match crate::config::load(&file.path) {
            Ok(_) => Vec::new(),
            Err(error) => {
                let location = match error.location {
                    Some((file, span)) => Location { file, span },
                    None => Location {
                        file: source.clone(),
                        span: head_span(source),
                    },
                };
                vec![policy_error(
                    location,
                    format!(
                        "the changed configuration would stop every later run: {}",
                        error.message
                    ),
                )]
            }
        },
        _ => Vec::new(),
    }
}

/// YAML syntax and ConstraintTemplates that do not load, in a policy directory's YAML file.
fn templates(source: &Arc<SourceFile>) -> Vec<Finding> {
    let stream = yaml::parse(&source.text, &yaml::Limits::default());
    if let Some(problem) = stream
        .problems
        .iter()
        .find(|p| matches!(p.kind, ProblemKind::Syntax { .. }))
    {
        let ProblemKind::Syntax { message } = &problem.kind else {
            return Vec::new();
        };
        return vec![policy_error(
            Location {
                file: source.clone(),
                span: problem.span,
            },
            format!("policy file {} is not valid YAML: {message}", source.name),
        )];
    }
    let mut out = Vec::new();
    for document in &stream.documents {
        if !gatekeeper::is_template(&document.value) {
            continue;
        }
        let template = gatekeeper::load_template(&document.value, &json!({}));
        if let Some(error) = template.error {
            let (node, _) =
                crate::manifest::find_node(&document.root, &FieldPath::root().key("kind"));
            out.push(policy_error(
                Location {
                    file: source.clone(),
                    span: node.key().unwrap_or(node.value()),
                },
                format!(
                    "ConstraintTemplate {} cannot be loaded: {}",
                    template.name,
                    super::summary(&error)
                ),
            ));
        }
    }
    out
}

fn policy_error(location: Location, message: String) -> Finding {
    Finding::new(
        rules::policy_error::RULE.id,
        rules::policy_error::RULE.default_severity,
        message,
        location,
    )
    .with_help("fix the policy; in changed mode the base commit's version gated this run")
}

/// The span a finding about a whole file points at: a Rego file's `package` line, else its
/// first line.
fn head_span(source: &SourceFile) -> Span {
    let line = (0..source.line_count())
        .find(|&i| source.line_text(i).trim_start().starts_with("package "))
        .unwrap_or(0);
    let start = source.line_starts().get(line).copied().unwrap_or(0);
    Span {
        start,
        end: start + source.line_text(line).len(),
    }
}
