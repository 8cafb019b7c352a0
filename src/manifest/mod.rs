//! Parsed manifest files: the documents of one file, the Kubernetes objects in them, and the one
//! function that turns a field path into a span (`Object::locate`).
//!
//! Parsing proper (YAML text → values + span tree, Kubernetes' YAML 1.1 reading) lives in `yaml`;
//! this module adds what Kubernetes makes of a document: `List` expansion and the identity of
//! an object (apiVersion, kind, namespace, name). It knows nothing about rules or reports.

pub mod path;
pub mod yaml;

use std::sync::Arc;

use serde_json::Value;

use crate::finding::{Location, ObjectRef};
use crate::source::{SourceFile, Span};
pub use path::{FieldPath, Segment};
use yaml::{Children, Node};

/// One Kubernetes object candidate: a document, or one item of a list document.
#[derive(Debug)]
pub struct Object {
    pub source: Arc<SourceFile>,
    pub value: Value,
    pub node: Node,
    pub reference: ObjectRef,
    /// The whole document's text span and the start of its content (comments in between are the
    /// document's head, where document-wide suppressions live).
    pub document_span: Span,
    pub content_start: usize,
}

/// Where a field path landed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Located {
    /// The span to show: the key (and a scalar value on the same line), or the value.
    pub span: Span,
    pub key: Option<Span>,
    pub value: Span,
    /// False when the path does not exist and this is its nearest existing parent.
    pub exact: bool,
}

impl Object {
    /// Splits a parsed document into objects, expanding lists (`kind: List`, `…List`) into their
    /// items, as kubectl applies them.
    pub fn from_document(
        source: &Arc<SourceFile>,
        index: usize,
        document: yaml::Document,
    ) -> Vec<Object> {
        let yaml::Document {
            value,
            root,
            span,
            content_start,
        } = document;
        let reference = ObjectRef {
            document: index,
            item: None,
        };
        let mut value = value;
        if is_list(&value)
            && let Some(Children::Seq(item_nodes)) = root.get("items").map(|n| &n.children)
            && let Some(Value::Array(items)) = value.get_mut("items").map(Value::take)
        {
            return items
                .into_iter()
                .zip(item_nodes.iter())
                .enumerate()
                .map(|(i, (value, node))| Object {
                    source: source.clone(),
                    value,
                    node: node.clone(),
                    reference: ObjectRef {
                        document: index,
                        item: Some(i),
                    },
                    document_span: span,
                    content_start,
                })
                .collect();
        }
        vec![Object {
            source: source.clone(),
            value,
            node: root,
            reference,
            document_span: span,
            content_start,
        }]
    }

    pub fn api_version(&self) -> Option<&str> {
        self.value.get("apiVersion").and_then(Value::as_str)
    }

    pub fn kind(&self) -> Option<&str> {
        self.value.get("kind").and_then(Value::as_str)
    }

    /// The API group: `apps` for `apps/v1`, empty for the core group `v1`.
    pub fn group(&self) -> &str {
        match self.api_version() {
            Some(v) => v.rsplit_once('/').map_or("", |(group, _)| group),
            None => "",
        }
    }

    pub fn metadata_str(&self, field: &str) -> Option<&str> {
        self.value
            .get("metadata")
            .and_then(|m| m.get(field))
            .and_then(Value::as_str)
    }

    pub fn name(&self) -> Option<&str> {
        self.metadata_str("name")
    }

    pub fn namespace(&self) -> Option<&str> {
        self.metadata_str("namespace")
    }

    pub fn annotation(&self, key: &str) -> Option<&str> {
        self.value
            .get("metadata")
            .and_then(|m| m.get("annotations"))
            .and_then(|a| a.get(key))
            .and_then(Value::as_str)
    }

    /// `Kind/name` (or `Kind` alone) for messages and reports.
    pub fn display_name(&self) -> String {
        match (self.kind(), self.name()) {
            (Some(kind), Some(name)) => format!("{kind}/{name}"),
            (Some(kind), None) => kind.to_string(),
            (None, _) => format!("document {}", self.reference.document + 1),
        }
    }

    /// The span of a field path: the one place paths become positions. A path that does not exist
    /// lands on its nearest existing parent (`exact: false`). Numeric keys address sequence
    /// items, so JSON pointers work unchanged.
    pub fn locate(&self, path: &FieldPath) -> Located {
        let (node, exact) = find_node(&self.node, path);
        Located {
            span: self.display_span(node),
            key: node.key(),
            value: node.value(),
            exact,
        }
    }

    /// A `Location` for a field path, for building findings.
    /// A missing field whose nearest parent is the object itself lands on the `kind:` line.
    pub fn location(&self, path: &FieldPath) -> Location {
        let (node, exact) = find_node(&self.node, path);
        if !exact && std::ptr::eq(node, &self.node) {
            return self.head_location();
        }
        Location {
            file: self.source.clone(),
            span: self.display_span(node),
        }
    }

    /// Where a finding about the whole object points: its `kind:` line, else its first line.
    pub fn head_location(&self) -> Location {
        let kind = FieldPath::root().key("kind");
        let located = self.locate(&kind);
        let span = match (&self.node.children, located.exact) {
            (_, true) => located.span,
            // No `kind:`: the first key, so the label stays on the object's first line.
            (Children::Map(entries), false) => entries
                .first()
                .map_or(self.first_line(self.node.value()), |(_, n)| {
                    self.display_span(n)
                }),
            _ => self.first_line(self.node.value()),
        };
        Location {
            file: self.source.clone(),
            span,
        }
    }

    fn display_span(&self, node: &Node) -> Span {
        let is_leaf = matches!(node.children, Children::Leaf);
        match node.key() {
            Some(key) if is_leaf && self.same_line(key.start, node.value().end) => Span {
                start: key.start,
                end: node.value().end.max(key.end),
            },
            Some(key) => key,
            None if is_leaf => node.value(),
            None => self.first_line(node.value()),
        }
    }

    fn same_line(&self, a: usize, b: usize) -> bool {
        let text = self.source.text.as_bytes();
        let (lo, hi) = (a.min(b), a.max(b).min(text.len()));
        !text[lo.min(hi)..hi].contains(&b'\n')
    }

    /// The part of `span` on its first line, without trailing spaces.
    fn first_line(&self, span: Span) -> Span {
        let text = &self.source.text;
        let start = span.start.min(text.len());
        let end = span.end.clamp(start, text.len());
        let slice = text.get(start..end).unwrap_or("");
        let line = slice.split('\n').next().unwrap_or("");
        Span {
            start,
            end: start + line.trim_end().len(),
        }
    }
}

/// Walks a path down a span tree: the node it names, or its nearest existing parent and `false`.
/// Numeric keys address sequence items, so JSON pointers work unchanged.
pub fn find_node<'a>(root: &'a Node, path: &FieldPath) -> (&'a Node, bool) {
    let mut node = root;
    for segment in path.segments() {
        let next = match (segment, &node.children) {
            (Segment::Key(key), Children::Map(_)) => node.get(key),
            (Segment::Index(i), Children::Seq(_)) => node.index(*i),
            (Segment::Key(key), Children::Seq(_)) => {
                key.parse::<usize>().ok().and_then(|i| node.index(i))
            }
            _ => None,
        };
        match next {
            Some(child) => node = child,
            None => return (node, false),
        }
    }
    (node, true)
}

/// Whether kubectl applies a document as a list of objects: `kind: List`, or any `…List` kind
/// (`ConfigMapList`, `RoleList`) with an `items` sequence.
pub fn is_list(value: &Value) -> bool {
    value
        .get("kind")
        .and_then(Value::as_str)
        .is_some_and(|kind| kind.ends_with("List"))
        && value.get("items").is_some_and(Value::is_array)
}
