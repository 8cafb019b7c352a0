//! The parse stage: read one file once, check that it is text, and parse it into objects.
//!
//! YAML problems (syntax, duplicate keys, YAML 1.1 surprises, limits) become findings here, at
//! the position the loader reports. A file that is not a manifest at all (binary, too large, a
//! Helm template) gives at most one finding or one skip note.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::discover::{
    Candidate, FileRole, SkipReason, Skipped, has_template_action_line, looks_like_template,
};
use crate::finding::{Finding, Location, ObjectRef};
use crate::manifest::Object;
use crate::manifest::yaml::{self, ProblemKind, Segment};
use crate::rules;
use crate::settings::Settings;
use crate::source::SourceFile;

/// One file after the parse stage.
#[derive(Debug)]
pub struct ParsedFile {
    pub source: Arc<SourceFile>,
    pub role: FileRole,
    pub objects: Vec<Object>,
    /// Number of non-empty YAML documents.
    pub documents: usize,
    pub findings: Vec<Finding>,
}

pub enum Parsed {
    File(ParsedFile),
    Skipped(Skipped),
}

/// Reads up to `limit + 1` bytes (more means too large), expecting about `expected`.
fn read_at_most(path: &Path, expected: u64, limit: u64) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let file = std::fs::File::open(path)?;
    let mut bytes = Vec::with_capacity(usize::try_from(expected.min(limit)).unwrap_or(0) + 1);
    file.take(limit.saturating_add(1)).read_to_end(&mut bytes)?;
    Ok(bytes)
}

pub fn parse_file(candidate: &Candidate, settings: &Settings) -> Parsed {
    let path = &candidate.path;
    let empty = |path: &Path| Arc::new(SourceFile::new(path.to_path_buf(), String::new()));
    let only = |source: Arc<SourceFile>, finding: Finding| {
        Parsed::File(ParsedFile {
            source,
            role: candidate.role,
            objects: Vec::new(),
            documents: 0,
            findings: vec![finding],
        })
    };
    let metadata = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) => {
            let source = empty(path);
            return only(source.clone(), rules::unreadable_file::finding(&source, &e));
        }
    };
    // A pipe would block the run on its first read, a device could be endless.
    if !metadata.is_file() {
        let source = empty(path);
        let error =
            std::io::Error::other("not a regular file (pipes, sockets and devices are not read)");
        return only(
            source.clone(),
            rules::unreadable_file::finding(&source, &error),
        );
    }
    // Spans are 32-bit offsets: no limit beyond 4 GiB.
    let limit = settings.max_file_size.min(yaml::MAX_TEXT);
    if metadata.len() > limit {
        let source = empty(path);
        return only(
            source.clone(),
            rules::file_too_large::finding(&source, metadata.len(), limit),
        );
    }
    // The file may have grown since: read one byte past the limit at most.
    let bytes = match read_at_most(path, metadata.len(), limit) {
        Ok(b) if b.len() as u64 > limit => {
            let source = empty(path);
            return only(
                source.clone(),
                rules::file_too_large::finding(&source, b.len() as u64, limit),
            );
        }
        Ok(b) => b,
        Err(e) => {
            let source = empty(path);
            return only(source.clone(), rules::unreadable_file::finding(&source, &e));
        }
    };
    let text = match decode(bytes) {
        Ok(text) => text,
        Err((offset, what)) => {
            let source = empty(path);
            return only(
                source.clone(),
                rules::invalid_encoding::finding(&source, offset, what),
            );
        }
    };
    // `{{ }}` outside quotes: a Go template when a line is a template action or the text is
    // not YAML; otherwise YAML that carries template text in values (Prometheus alert
    // descriptions, Argo workflow parameters).
    let maybe_template = candidate.role == FileRole::Manifest && looks_like_template(&text);
    let skip = || {
        Parsed::Skipped(Skipped {
            path: path.clone(),
            reason: SkipReason::HelmTemplate,
        })
    };
    if maybe_template && has_template_action_line(&text) {
        return skip();
    }
    let stream = yaml::parse(&text, &settings.limits);
    if maybe_template
        && stream.problems.iter().any(|p| {
            matches!(
                p.kind,
                ProblemKind::Syntax { .. } | ProblemKind::UnsupportedValue { .. }
            )
        })
    {
        return skip();
    }
    Parsed::File(from_stream(
        path.clone(),
        text,
        stream,
        candidate.role,
        settings,
    ))
}

/// Parses text that did not come from a file of its own (a renderer's output); `path` names it.
pub fn parse_text(path: PathBuf, text: String, role: FileRole, settings: &Settings) -> ParsedFile {
    let stream = yaml::parse(&text, &settings.limits);
    from_stream(path, text, stream, role, settings)
}

fn from_stream(
    path: PathBuf,
    text: String,
    stream: yaml::Stream,
    role: FileRole,
    settings: &Settings,
) -> ParsedFile {
    let secret_spans: Vec<_> = stream
        .documents
        .iter()
        .flat_map(crate::secrets::value_spans)
        .collect();
    let mut source = SourceFile::new(path, text);
    if !secret_spans.is_empty() {
        let masked = crate::secrets::mask(&source.text, &secret_spans);
        source = source.with_masked(masked);
    }
    let source = Arc::new(source);
    let lists: Vec<bool> = stream
        .documents
        .iter()
        .map(|d| crate::manifest::is_list(&d.value))
        .collect();
    let findings = stream
        .problems
        .iter()
        .filter_map(|p| problem_finding(&source, p, &lists, settings.schema.strict))
        .collect();
    let documents = stream.documents.len();
    let objects = stream
        .documents
        .into_iter()
        .enumerate()
        .flat_map(|(i, d)| Object::from_document(&source, i, d))
        .collect();
    ParsedFile {
        source,
        role,
        objects,
        documents,
        findings,
    }
}

/// Bytes → text, or where and why it is not UTF-8 text.
fn decode(bytes: Vec<u8>) -> Result<String, (usize, &'static str)> {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err((0, "UTF-16 byte-order mark"));
    }
    if let Some(nul) = bytes.iter().position(|b| *b == 0) {
        return Err((nul, "NUL byte (binary file)"));
    }
    String::from_utf8(bytes).map_err(|e| (e.utf8_error().valid_up_to(), "invalid UTF-8"))
}

fn problem_finding(
    source: &Arc<SourceFile>,
    problem: &yaml::Problem,
    lists: &[bool],
    strict: bool,
) -> Option<Finding> {
    let at = |span| Location {
        file: source.clone(),
        span,
    };
    let location = at(problem.span);
    let finding = match &problem.kind {
        ProblemKind::Syntax { message } => rules::yaml_syntax::finding(location, message),
        ProblemKind::DuplicateKey { key, first } => {
            let mut finding = rules::duplicate_key::finding(location, key, at(*first));
            // Without strict field validation the API server only warns about duplicates.
            if !strict {
                finding.severity = crate::finding::Severity::Warning;
            }
            finding
        }
        ProblemKind::Yaml11Bool { text, value } => {
            rules::yaml11_boolean::finding(location, text, *value)
        }
        ProblemKind::Yaml11Octal { text, value } => {
            let in_mode_field = matches!(problem.path.last(), Some(Segment::Key(k)) if rules::yaml11_octal::MODE_FIELDS.contains(&k.as_str()));
            if in_mode_field {
                return None;
            }
            rules::yaml11_octal::finding(location, text, *value)
        }
        ProblemKind::ExcessiveAliasing { limit } => {
            rules::alias_expansion_limit::finding(location, *limit)
        }
        ProblemKind::ExcessiveNesting { limit } => rules::nesting_limit::finding(location, *limit),
        ProblemKind::UnsupportedValue { message } => {
            rules::unsupported_yaml_value::finding(location, message)
        }
    };
    let mut finding = finding;
    if let Some(document) = problem.document {
        let item = match (lists.get(document), problem.path.as_slice()) {
            (Some(true), [Segment::Key(items), Segment::Index(i), ..]) if items == "items" => {
                Some(*i)
            }
            _ => None,
        };
        finding = finding.with_object(ObjectRef { document, item });
        let path = match item {
            Some(_) => &problem.path[2..],
            None => &problem.path[..],
        };
        if !path.is_empty() {
            finding = finding.with_field(crate::manifest::FieldPath(path.to_vec()).to_string());
        }
    }
    Some(finding)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_path(path: &Path) -> ParsedFile {
        let settings = Settings::for_paths(vec![]);
        let candidate = Candidate {
            path: path.to_path_buf(),
            role: FileRole::Manifest,
        };
        match parse_file(&candidate, &settings) {
            Parsed::File(f) => f,
            Parsed::Skipped(_) => panic!("not skipped"),
        }
    }

    #[test]
    fn a_file_that_vanished_is_one_unreadable_file_finding() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = parse_path(&dir.path().join("gone.yaml"));
        assert_eq!(file.findings.len(), 1);
        assert_eq!(file.findings[0].rule, "unreadable-file");
        assert!(file.objects.is_empty());
    }

    #[test]
    fn decode_reports_where_text_stops_being_utf8() {
        assert_eq!(decode(b"a: 1\n".to_vec()), Ok("a: 1\n".to_string()));
        assert_eq!(decode(b"a: \xe9\n".to_vec()), Err((3, "invalid UTF-8")));
        assert_eq!(decode(b"a\0".to_vec()), Err((1, "NUL byte (binary file)")));
        assert_eq!(
            decode(vec![0xFF, 0xFE, b'a', 0]),
            Err((0, "UTF-16 byte-order mark"))
        );
    }
}
