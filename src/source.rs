//! Source files as read from disk: their display name, text and a line index.
//!
//! This module owns the conversion from byte offsets to line and column numbers, the only one in the
//! crate. It knows nothing about YAML or Kubernetes.

use std::path::{Path, PathBuf};

/// A byte range in a file's text, end exclusive.
pub use crate::manifest::yaml::Span;

/// One file's text, shared by every finding that points into it.
#[derive(Debug)]
pub struct SourceFile {
    /// The path used to open the file.
    pub path: PathBuf,
    /// The name shown to users and written to reports: relative to the working directory when
    /// possible, always with `/` separators.
    pub name: String,
    /// The file's text; empty when the file could not be read as text.
    pub text: String,
    /// The text reports show, when it differs: Secret values masked (same length and lines).
    masked: Option<String>,
    line_starts: Vec<usize>,
}

/// A 1-based line and column (columns count Unicode scalar values).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct LineCol {
    pub line: usize,
    pub column: usize,
}

impl SourceFile {
    pub fn new(path: PathBuf, text: String) -> SourceFile {
        let name = display_name(&path);
        let mut line_starts = vec![0];
        line_starts.extend(memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        SourceFile {
            path,
            name,
            text,
            masked: None,
            line_starts,
        }
    }

    /// Sets the text reports show instead of the real one; it must have the same length and
    /// line breaks (see `secrets::mask`).
    #[must_use]
    pub fn with_masked(mut self, masked: String) -> SourceFile {
        if masked.len() == self.text.len() {
            self.masked = Some(masked);
        }
        self
    }

    /// The text to show in snippets: the real text with Secret values masked.
    pub fn display_text(&self) -> &str {
        self.masked.as_deref().unwrap_or(&self.text)
    }

    /// Number of lines (a final line without a newline counts).
    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// Byte offsets where each line starts.
    pub fn line_starts(&self) -> &[usize] {
        &self.line_starts
    }

    /// The 0-based index of the line holding `offset`.
    pub fn line_index(&self, offset: usize) -> usize {
        match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        }
    }

    /// Line and column of a byte offset (clamped to the text, snapped back to a char boundary).
    pub fn line_col(&self, offset: usize) -> LineCol {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.line_index(offset);
        let start = self.line_starts[line];
        let column = self.text[start..offset].chars().count() + 1;
        LineCol {
            line: line + 1,
            column,
        }
    }

    /// Start and end positions of a span. The end is inclusive-style for display: a non-empty span
    /// ends at its last character's column + 1, as GitHub and SARIF expect.
    pub fn range(&self, span: Span) -> (LineCol, LineCol) {
        // A span that ends in a line break (a parser error "at" the end of a line) ends on that
        // line, not at column 1 of the next.
        let mut end = span.end.max(span.start).min(self.text.len());
        let bytes = self.text.as_bytes();
        while end > span.start && matches!(bytes.get(end - 1), Some(b'\n' | b'\r')) {
            end -= 1;
        }
        (self.line_col(span.start), self.line_col(end))
    }

    /// The text of a 0-based line, without its line terminator.
    pub fn line_text(&self, line: usize) -> &str {
        let Some(&start) = self.line_starts.get(line) else {
            return "";
        };
        let end = self
            .line_starts
            .get(line + 1)
            .map_or(self.text.len(), |next| next - 1);
        self.text
            .get(start..end)
            .unwrap_or("")
            .trim_end_matches('\r')
    }
}

/// The name a user sees for `path`: relative to the working directory when it is below it.
pub fn display_name(path: &Path) -> String {
    let relative = std::env::current_dir()
        .ok()
        .and_then(|cwd| path.strip_prefix(&cwd).ok().map(Path::to_path_buf))
        .unwrap_or_else(|| path.to_path_buf());
    let mut name = relative.to_string_lossy().replace('\\', "/");
    while let Some(rest) = name.strip_prefix("./") {
        name = rest.to_string();
    }
    name
}

fn memchr_iter(needle: u8, haystack: &[u8]) -> impl Iterator<Item = usize> + '_ {
    haystack
        .iter()
        .enumerate()
        .filter(move |(_, b)| **b == needle)
        .map(|(i, _)| i)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters_and_lines() {
        let f = SourceFile::new("a.yaml".into(), "a: 1\nbé: x\n".into());
        assert_eq!(f.line_col(0), LineCol { line: 1, column: 1 });
        assert_eq!(f.line_col(5), LineCol { line: 2, column: 1 });
        // A span over the line break ends on its own line.
        let (start, end) = f.range(Span { start: 4, end: 5 });
        assert_eq!((start.line, end.line, end.column), (1, 1, 5));
        // 'x' is after "bé: " = 4 characters, 5 bytes
        assert_eq!(f.line_col(10), LineCol { line: 2, column: 5 });
        assert_eq!(f.line_text(1), "bé: x");
        assert_eq!(f.line_count(), 3);
    }

    #[test]
    fn offsets_past_the_end_are_clamped() {
        let f = SourceFile::new("a.yaml".into(), "ab".into());
        assert_eq!(f.line_col(99), LineCol { line: 1, column: 3 });
        let empty = SourceFile::new("e.yaml".into(), String::new());
        assert_eq!(empty.line_col(0), LineCol { line: 1, column: 1 });
    }
}
