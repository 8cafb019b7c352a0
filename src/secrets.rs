//! Secret values never reach output: the `data` and `stringData` values of `Secret` objects are
//! masked in the source text that reports show, and removed from finding messages.
//!
//! Everything else (checks, spans, fingerprints) works on the real text.

use serde_json::Value;

use crate::finding::Finding;
use crate::manifest::yaml::{self, Children, Node};
use crate::source::Span;

const SECRET_FIELDS: &[&str] = &["data", "stringData"];
pub const REDACTED: &str = "<redacted>";

fn is_secret(value: &Value) -> bool {
    value.get("kind").and_then(Value::as_str) == Some("Secret")
}

/// Spans of every Secret value in a parsed document (also inside a `List`).
pub fn value_spans(document: &yaml::Document) -> Vec<Span> {
    let mut out = Vec::new();
    let mut add = |value: &Value, node: &Node| {
        if !is_secret(value) {
            return;
        }
        for field in SECRET_FIELDS {
            if let Some(Children::Map(entries)) = node.get(field).map(|n| &n.children) {
                out.extend(entries.iter().map(|(_, n)| n.value()));
            }
        }
    };
    add(&document.value, &document.root);
    if let (Some(Value::Array(items)), Some(Children::Seq(nodes))) = (
        document.value.get("items"),
        document.root.get("items").map(|n| &n.children),
    ) {
        for (value, node) in items.iter().zip(nodes) {
            add(value, node);
        }
    }
    out
}

/// The text with every span's characters replaced by `*`, byte for byte (line breaks kept), so
/// offsets and lines stay valid.
pub fn mask(text: &str, spans: &[Span]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut sorted: Vec<Span> = spans.to_vec();
    sorted.sort_by_key(|s| s.start);
    let mut spans = sorted.into_iter().peekable();
    for (i, c) in text.char_indices() {
        while spans.peek().is_some_and(|s| s.end <= i) {
            spans.next();
        }
        let hidden = spans.peek().is_some_and(|s| s.start <= i && i < s.end);
        if hidden && c != '\n' && c != '\r' {
            out.extend(std::iter::repeat_n('*', c.len_utf8()));
        } else {
            out.push(c);
        }
    }
    out
}

/// Removes Secret values from messages and help of findings about Secret data.
pub fn redact(findings: &mut [Finding], value_of: impl Fn(&Finding) -> Option<Vec<String>>) {
    for finding in findings {
        let Some(values) = value_of(finding) else {
            continue;
        };
        for value in values.iter().filter(|v| !v.is_empty()) {
            finding.message = finding.message.replace(value.as_str(), REDACTED);
            if let Some(help) = &mut finding.help {
                *help = help.replace(value.as_str(), REDACTED);
            }
        }
    }
}

/// The texts a finding might echo for a Secret's data value: the value and its source text.
pub fn secret_texts(
    object_value: &Value,
    source_text: &str,
    span: Span,
    field: &str,
) -> Option<Vec<String>> {
    if !is_secret(object_value)
        || !SECRET_FIELDS
            .iter()
            .any(|f| field == *f || field.starts_with(&format!("{f}.")))
    {
        return None;
    }
    let mut texts = Vec::new();
    let path = crate::manifest::FieldPath::parse(field);
    let mut value = object_value;
    for segment in path.segments() {
        value = match segment {
            crate::manifest::Segment::Key(k) => value.get(k)?,
            crate::manifest::Segment::Index(i) => value.get(i)?,
        };
    }
    match value {
        Value::String(s) => texts.push(s.clone()),
        Value::Object(map) => {
            texts.extend(map.values().filter_map(Value::as_str).map(str::to_string))
        }
        other => texts.push(other.to_string()),
    }
    if let Some(raw) = source_text.get(span.start..span.end) {
        let raw = raw.trim();
        if raw.contains(':') {
            if let Some((_, v)) = raw.split_once(':') {
                texts.push(v.trim().to_string());
            }
        } else {
            texts.push(raw.to_string());
        }
    }
    texts.retain(|t| t.len() > 1);
    texts.sort_by_key(|t| std::cmp::Reverse(t.len()));
    Some(texts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_secret_values_and_keeps_offsets() {
        let text = "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\ndata:\n  password: cGFzcw==\nstringData:\n  token: |\n    héllo\n";
        let stream = yaml::parse(text, &yaml::Limits::default());
        let spans = value_spans(&stream.documents[0]);
        assert_eq!(spans.len(), 2);
        let masked = mask(text, &spans);
        assert_eq!(masked.len(), text.len());
        assert!(
            !masked.contains("cGFzcw==") && !masked.contains("héllo"),
            "{masked}"
        );
        assert!(masked.contains("password: ********"));
        assert_eq!(masked.lines().count(), text.lines().count());
    }

    #[test]
    fn other_kinds_are_not_masked() {
        let stream = yaml::parse("kind: ConfigMap\ndata:\n  a: b\n", &yaml::Limits::default());
        assert!(value_spans(&stream.documents[0]).is_empty());
    }
}
