//! The suppress stage: configured rule levels, inline `# gitops-lint: ignore[…]` comments and
//! `gitops-lint.io/ignore` annotations.
//!
//! A comment suppresses findings on its own line; in a document's head (the comment lines
//! before its first key) it suppresses findings anywhere in that document. The annotation
//! suppresses findings about its object. Suppressions themselves are checked: a missing reason
//! or an unknown rule id is a finding.

use std::collections::HashMap;
use std::sync::Arc;

use crate::finding::{Finding, Location, ObjectRef};
use crate::manifest::{FieldPath, Object};
use crate::parse::ParsedFile;
use crate::rules;
use crate::settings::Settings;
use crate::source::{SourceFile, Span};

pub const IGNORE_ANNOTATION: &str = "gitops-lint.io/ignore";
pub const IGNORE_REASON_ANNOTATION: &str = "gitops-lint.io/ignore-reason";
const MARKER: &str = "gitops-lint:";

/// One parsed `# gitops-lint: ignore[…]` comment.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Directive {
    rules: Vec<String>,
    reason: Option<String>,
    span: Span,
}

/// What one file suppresses.
#[derive(Default)]
struct FileSuppressions {
    /// 0-based line → directive on that line.
    lines: HashMap<usize, Directive>,
    /// Object → rules suppressed for the whole object (document heads and annotations).
    objects: HashMap<ObjectRef, Vec<String>>,
}

impl FileSuppressions {
    fn covers(&self, source: &SourceFile, finding: &Finding) -> bool {
        let line = source.line_index(finding.location.span.start);
        if self
            .lines
            .get(&line)
            .is_some_and(|d| matches(&d.rules, &finding.rule))
        {
            return true;
        }
        let Some(object) = finding.object else {
            return false;
        };
        let whole_document = ObjectRef {
            document: object.document,
            item: None,
        };
        [object, whole_document]
            .iter()
            .filter_map(|o| self.objects.get(o))
            .any(|rules| matches(rules, &finding.rule))
    }
}

fn matches(rules: &[String], rule: &str) -> bool {
    rules.iter().any(|r| r == rule || r == "all")
}

/// Applies every suppression and the configured levels; adds findings about suppressions.
pub fn apply(findings: Vec<Finding>, files: &[ParsedFile], settings: &Settings) -> Vec<Finding> {
    let mut by_file: HashMap<&str, FileSuppressions> = HashMap::new();
    let mut meta_findings = Vec::new();
    for file in files {
        let suppressions = collect(file, &mut meta_findings);
        if !suppressions.lines.is_empty() || !suppressions.objects.is_empty() {
            by_file.insert(file.source.name.as_str(), suppressions);
        }
    }
    let kept = findings.into_iter().filter(|f| {
        by_file
            .get(f.location.file.name.as_str())
            .is_none_or(|s| !s.covers(&f.location.file, f))
    });
    kept.chain(meta_findings)
        .filter_map(|mut f| {
            f.severity = settings.severity(&f.rule, f.severity, f.level_path())?;
            Some(f)
        })
        .collect()
}

fn collect(file: &ParsedFile, out: &mut Vec<Finding>) -> FileSuppressions {
    let source = &file.source;
    let mut result = FileSuppressions::default();
    if source.text.contains(MARKER) {
        for (line, start) in source.line_starts().iter().enumerate() {
            let text = source.line_text(line);
            let Some(directive) = parse_comment(text, *start) else {
                continue;
            };
            match directive {
                Ok(d) => {
                    check_directive(source, &d, out);
                    result.lines.insert(line, d);
                }
                Err((message, span)) => out.push(rules::invalid_suppression::finding(
                    Location {
                        file: source.clone(),
                        span,
                    },
                    message,
                )),
            }
        }
        // Directives in a document's head cover the whole document.
        for object in &file.objects {
            let head = source.line_index(object.document_span.start)
                ..source.line_index(object.content_start.max(object.document_span.start));
            let rules: Vec<String> = head
                .filter_map(|line| result.lines.get(&line))
                .flat_map(|d| d.rules.iter().cloned())
                .collect();
            if !rules.is_empty() {
                let document = ObjectRef {
                    document: object.reference.document,
                    item: None,
                };
                result.objects.entry(document).or_default().extend(rules);
            }
        }
    }
    for object in &file.objects {
        if let Some(rules) = annotation_rules(object, out) {
            result
                .objects
                .entry(object.reference)
                .or_default()
                .extend(rules);
        }
    }
    result
}

fn annotation_rules(object: &Object, out: &mut Vec<Finding>) -> Option<Vec<String>> {
    let value = object.annotation(IGNORE_ANNOTATION)?;
    let path = FieldPath::root()
        .key("metadata")
        .key("annotations")
        .key(IGNORE_ANNOTATION);
    let location = object.location(&path);
    let rules: Vec<String> = value
        .split(',')
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .map(str::to_string)
        .collect();
    let directive = Directive {
        rules: rules.clone(),
        reason: object
            .annotation(IGNORE_REASON_ANNOTATION)
            .map(str::trim)
            .filter(|r| !r.is_empty())
            .map(str::to_string),
        span: location.span,
    };
    check_directive(&object.source, &directive, out);
    Some(rules)
}

fn check_directive(source: &Arc<SourceFile>, directive: &Directive, out: &mut Vec<Finding>) {
    let location = Location {
        file: source.clone(),
        span: directive.span,
    };
    for rule in &directive.rules {
        if rule != "all" && !rules::is_known(rule) {
            let hint = crate::config::suggest(rule)
                .map(|s| format!("; did you mean `{s}`?"))
                .unwrap_or_default();
            out.push(rules::invalid_suppression::finding(
                location.clone(),
                format!("suppression names unknown rule `{rule}`{hint}"),
            ));
        }
    }
    if directive.reason.is_none() {
        out.push(rules::suppression_without_reason::finding(
            location,
            &directive.rules.join(", "),
        ));
    }
}

/// Parses a `# gitops-lint: ignore[a,b] reason` comment on a line. `None`: no directive;
/// `Some(Err)`: a malformed one.
fn parse_comment(line: &str, line_start: usize) -> Option<Result<Directive, (String, Span)>> {
    let marker = line.find(MARKER)?;
    let before = line[..marker].trim_end();
    if !before.ends_with('#') {
        return None;
    }
    let hash = before.len() - 1;
    let span = Span {
        start: line_start + hash,
        end: line_start + line.trim_end().len(),
    };
    let rest = line[marker + MARKER.len()..].trim_start();
    let malformed = |what: &str| {
        Some(Err((
            format!("malformed suppression ({what}); write # gitops-lint: ignore[rule-id] reason"),
            span,
        )))
    };
    let Some(after) = rest.strip_prefix("ignore") else {
        return malformed("expected `ignore[…]`");
    };
    let Some(inner) = after.strip_prefix('[') else {
        return malformed("expected `[` after `ignore`");
    };
    let Some((list, reason)) = inner.split_once(']') else {
        return malformed("no closing `]`");
    };
    let rules: Vec<String> = list
        .split(',')
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .map(str::to_string)
        .collect();
    if rules.is_empty() {
        return malformed("no rule ids");
    }
    let reason = reason.trim().trim_start_matches([':', '-', '—']).trim();
    Some(Ok(Directive {
        rules,
        reason: (!reason.is_empty()).then(|| reason.to_string()),
        span,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_directives() {
        let d = parse_comment("  image: x # gitops-lint: ignore[a, b] vendor image", 100)
            .expect("found")
            .expect("valid");
        assert_eq!(d.rules, ["a", "b"]);
        assert_eq!(d.reason.as_deref(), Some("vendor image"));
        assert_eq!(d.span.start, 100 + 11);
        let d = parse_comment("# gitops-lint: ignore[a]", 0)
            .expect("found")
            .expect("valid");
        assert_eq!(d.reason, None);
    }

    #[test]
    fn malformed_and_absent_directives() {
        assert!(parse_comment("a: 1", 0).is_none());
        assert!(parse_comment("a: \"gitops-lint: ignore[x]\"", 0).is_none());
        assert!(matches!(
            parse_comment("# gitops-lint: ignore", 0),
            Some(Err(_))
        ));
        assert!(matches!(
            parse_comment("# gitops-lint: ignore[]", 0),
            Some(Err(_))
        ));
        assert!(matches!(
            parse_comment("# gitops-lint: disable[x]", 0),
            Some(Err(_))
        ));
    }
}
