//! YAML (or JSON) text → `serde_json` values plus a span tree, read the way Kubernetes reads it.
//!
//! kubectl and kube-apiserver decode manifests with `sigs.k8s.io/yaml`, which is goyaml.v2, a
//! YAML 1.1 implementation: unquoted `yes`/`on`/`n` are booleans, `0644` is octal, `<<` merges
//! mappings, and map keys that are not strings are stringified for JSON. This module reproduces
//! those semantics on top of the `saphyr-parser` event stream and records, for every key and
//! value, its byte span in the input.
//!
//! What it owns: splitting a stream into documents, scalar resolution, tags, anchors, aliases
//! and merge keys, duplicate-key detection, resource limits (nesting depth, alias expansion),
//! and turning the parser's character positions into byte offsets.
//!
//! What it must not know: Kubernetes kinds, findings or rules. Its [`Problem`]s are facts about
//! the YAML text; callers decide which of them are findings and how severe they are.
//!
//! Everything here is iterative (an explicit stack, never recursion over the input's depth), and
//! the trees it builds are at most [`Limits::max_depth`] levels deep, which also bounds the
//! recursion of their `Drop` and `Clone` implementations.

use std::borrow::Cow;
use std::cell::Cell;
use std::collections::HashMap;
use std::panic::{AssertUnwindSafe, catch_unwind};

use saphyr_parser::{Event, Parser, ScalarStyle, Span as RawSpan, Tag};
use serde_json::{Map, Number, Value};

/// A range of BYTE offsets into the input text; `end` is exclusive.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Hash)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

/// One step of a route from a document root: a map key (stringified as in the JSON value) or a
/// sequence index.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Segment {
    Key(String),
    Index(usize),
}

/// The deepest flow nesting saphyr's scanner accepts (it counts flow levels in a `u8`).
const SAPHYR_FLOW_LIMIT: usize = 255;

/// Resource limits, applied per document.
#[derive(Clone, Debug)]
pub struct Limits {
    /// Maximum number of nested collection levels (a document whose root is a mapping of
    /// mappings has depth 2). Also bounds the recursion depth of dropping or cloning the result.
    pub max_depth: usize,
    /// Maximum number of nodes materialised through aliases in one document.
    pub max_alias_nodes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_depth: 256,
            max_alias_nodes: 100_000,
        }
    }
}

/// The result of [`parse`]: the non-empty documents in order, and every problem found.
#[derive(Debug, Default)]
pub struct Stream {
    pub documents: Vec<Document>,
    pub problems: Vec<Problem>,
}

/// One non-empty document of a stream.
#[derive(Debug)]
pub struct Document {
    pub value: Value,
    pub root: Node,
    /// The document's whole text: from just after its `---` line (or the start of the file, or
    /// just after the previous document's `...` line) to its end (the next `---`/`...` or the
    /// end of the file). Never starts after `content_start`.
    pub span: Span,
    /// Byte offset of the document's first content token; comments between `span.start` and
    /// this offset are "top of document" comments.
    pub content_start: usize,
}

/// The span tree mirroring a document's JSON value.
///
/// Every parsed document stays in memory for the whole run, so nodes are compact: spans are
/// stored as 32-bit offsets (a file of 4 GiB or more is refused before parsing, see
/// [`MAX_TEXT`]) and children in exact-size boxes.
#[derive(Debug, Clone)]
pub struct Node {
    key: Packed,
    value: Packed,
    pub children: Children,
}

/// The largest text whose offsets [`Node`] can hold.
pub const MAX_TEXT: u64 = u32::MAX as u64 - 1;

/// A span in 8 bytes; `NO_KEY` marks a node that is not a map value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Packed {
    start: u32,
    end: u32,
}

const NO_KEY: Packed = Packed {
    start: u32::MAX,
    end: u32::MAX,
};

impl Packed {
    /// Offsets beyond [`MAX_TEXT`] (which callers refuse) saturate rather than wrap.
    fn new(span: Span) -> Packed {
        let narrow = |x: usize| u32::try_from(x).unwrap_or(u32::MAX - 1).min(u32::MAX - 1);
        Packed {
            start: narrow(span.start),
            end: narrow(span.end),
        }
    }

    fn span(self) -> Span {
        Span {
            start: self.start as usize,
            end: self.end as usize,
        }
    }
}

/// A node's children. Map entries keep document order; a duplicated key appears once per
/// occurrence, and entries brought in by merge keys follow the explicit ones.
#[derive(Debug, Clone)]
pub enum Children {
    Leaf,
    Seq(Box<[Node]>),
    Map(Box<[(Box<str>, Node)]>),
}

impl Node {
    pub fn new(key: Option<Span>, value: Span, children: Children) -> Node {
        Node {
            key: key.map_or(NO_KEY, Packed::new),
            value: Packed::new(value),
            children,
        }
    }

    /// The key's span (quotes and node properties included) when this node is a map value.
    pub fn key(&self) -> Option<Span> {
        (self.key != NO_KEY).then(|| self.key.span())
    }

    /// The value's span. Scalars: their token (quotes included; block scalars from the `|`/`>`
    /// indicator to the end of their last content line). Collections: from their first token
    /// to the end of their last child (flow collections include their brackets). Anchors and
    /// tags written before a node are part of its span. An alias: its `*name` token.
    pub fn value(&self) -> Span {
        self.value.span()
    }

    /// The map child under `key` (the stringified key); the last one if the key is duplicated,
    /// which is the one whose value the JSON holds.
    pub fn get(&self, key: &str) -> Option<&Node> {
        match &self.children {
            Children::Map(entries) => entries
                .iter()
                .rev()
                .find(|(k, _)| **k == *key)
                .map(|(_, n)| n),
            _ => None,
        }
    }

    /// The sequence child at `i`.
    pub fn index(&self, i: usize) -> Option<&Node> {
        match &self.children {
            Children::Seq(items) => items.get(i),
            _ => None,
        }
    }

    /// The descendant at the end of `path` (for instance a [`Problem::path`] or a JSON pointer
    /// split into segments).
    pub fn at(&self, path: &[Segment]) -> Option<&Node> {
        path.iter().try_fold(self, |node, segment| match segment {
            Segment::Key(key) => node.get(key),
            Segment::Index(i) => node.index(*i),
        })
    }
}

/// Something wrong or surprising in the input.
#[derive(Debug, Clone)]
pub struct Problem {
    /// Index in [`Stream::documents`] of the document this is about; `None` when that document
    /// was dropped (it could not be read) or for stream-level problems.
    pub document: Option<usize>,
    /// Route from the document root to the node the problem is about (empty when unknown).
    pub path: Vec<Segment>,
    pub span: Span,
    pub kind: ProblemKind,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ProblemKind {
    /// The parser's message; `span` is the parser's error position (at least one byte when the
    /// text is not empty, clamped to the text). Parsing stops here; the broken document is
    /// dropped.
    Syntax { message: String },
    /// `span` is the later key, `first` the first occurrence. The value kept is the last one.
    DuplicateKey { key: String, first: Span },
    /// A plain scalar that YAML 1.1 (Kubernetes) reads as a boolean but YAML 1.2 reads as a
    /// string: `y`, `yes`, `on`, `n`, `no`, `off` in their accepted case forms.
    Yaml11Bool { text: String, value: bool },
    /// A plain scalar with a leading zero read as an octal integer (`0755` → 493) whose value
    /// differs from its decimal reading.
    Yaml11Octal { text: String, value: i64 },
    /// The document expands more than [`Limits::max_alias_nodes`] nodes through aliases; `span`
    /// is the alias (or anchored node) that crossed the limit. The document is dropped.
    ExcessiveAliasing { limit: usize },
    /// The document nests deeper than [`Limits::max_depth`]; `span` is where the limit was
    /// crossed. The document is dropped.
    ExcessiveNesting { limit: usize },
    /// Something Kubernetes cannot turn into JSON (`.inf`, a mapping used as a key, a failed
    /// tag, …). The document is dropped.
    UnsupportedValue { message: String },
}

/// Parses a YAML stream (JSON is YAML flow syntax, so JSON text works too) into its documents.
/// Never panics; every failure is reported as a [`Problem`].
pub fn parse(text: &str, limits: &Limits) -> Stream {
    if let Some(patch) = SurrogatePatch::new(text)
        && let Some(stream) = load(text, &patch.text, &patch.offsets, limits)
    {
        return stream;
    }
    let mut stream = load(text, text, &[], limits).unwrap_or_default();
    // go-yaml (what kubectl uses) does not check indentation inside flow collections and
    // multi-line quoted scalars; saphyr does, and refuses a closing `]` written at its key's
    // indentation. Joining the offending line to the previous one (line break → space: same
    // bytes, same offsets) reads the text as go-yaml does (in a quoted scalar, up to the number
    // of spaces where the lines meet).
    let mut patched: Option<String> = None;
    for _ in 0..64 {
        let Some((at, any_token)) = flow_indentation_error(&stream) else {
            break;
        };
        let current = patched.as_deref().unwrap_or(text);
        let next = match quoted_scalar_at(current, at) {
            Some(end) => Some(unfold_lines(current, at, end)),
            None => join_with_previous_line(current, at, any_token),
        };
        let Some(next) = next else {
            break;
        };
        stream = load(text, &next, &[], limits).unwrap_or_default();
        patched = Some(next);
    }
    stream
}

/// The byte offset of a flow-indentation syntax error, and whether any token may sit there
/// (`in flow construct`) or only a closing bracket.
fn flow_indentation_error(stream: &Stream) -> Option<(usize, bool)> {
    stream.problems.iter().find_map(|p| match &p.kind {
        ProblemKind::Syntax { message }
            if message == "invalid indentation in flow construct"
                || message == "invalid indentation in quoted scalar" =>
        {
            Some((p.span.start, true))
        }
        ProblemKind::Syntax { message } if message == "invalid indentation" => {
            Some((p.span.start, false))
        }
        _ => None,
    })
}

/// When a quoted scalar starts at `at`, the offset of its closing quote.
fn quoted_scalar_at(text: &str, at: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let quote = *bytes.get(at)?;
    if quote != b'"' && quote != b'\'' {
        return None;
    }
    let mut i = at + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if quote == b'"' => i += 2,
            b'\'' if quote == b'\'' && bytes.get(i + 1) == Some(&b'\'') => i += 2,
            b if b == quote => return Some(i),
            _ => i += 1,
        }
    }
    None
}

/// `text` with the line breaks between `start` and `end` replaced by spaces (same offsets).
fn unfold_lines(text: &str, start: usize, end: usize) -> String {
    let mut bytes = text.as_bytes().to_vec();
    for b in &mut bytes[start..end] {
        if *b == b'\n' || *b == b'\r' {
            *b = b' ';
        }
    }
    String::from_utf8(bytes).unwrap_or_else(|_| text.to_string())
}

/// `text` with the white space (including the line break) before `at` replaced by spaces, when
/// that is safe: the previous line has no comment that would swallow what follows.
fn join_with_previous_line(text: &str, at: usize, any_token: bool) -> Option<String> {
    let bytes = text.as_bytes();
    if !any_token && !matches!(bytes.get(at), Some(b']' | b'}')) {
        return None;
    }
    let mut start = at;
    while start > 0 && matches!(bytes[start - 1], b' ' | b'\t' | b'\n' | b'\r') {
        start -= 1;
    }
    if !bytes[start..at].contains(&b'\n') {
        return None;
    }
    let line_start = bytes[..start]
        .iter()
        .rposition(|b| *b == b'\n')
        .map_or(0, |i| i + 1);
    let previous = &text[line_start..start];
    if previous.trim_start().starts_with('#') || previous.contains(" #") || previous.contains("\t#")
    {
        return None;
    }
    let mut out = Vec::with_capacity(bytes.len());
    out.extend_from_slice(&bytes[..start]);
    out.extend(std::iter::repeat_n(b' ', at - start));
    out.extend_from_slice(&bytes[at..]);
    String::from_utf8(out).ok()
}

/// Runs the parser over `parse_text` (the input, possibly with surrogate escapes patched; it has
/// the same length and layout as `text`). Returns `None` when a patch turned out to be outside a
/// double-quoted scalar, so the caller must parse the unpatched text instead.
fn load(text: &str, parse_text: &str, patched: &[usize], limits: &Limits) -> Option<Stream> {
    let mut builder = Builder::new(text, patched, limits);
    let mut parser = Parser::new_from_str(parse_text);
    // saphyr-parser is fuzzed, but it has internal `unwrap`s; a panic in it must not take the
    // linter down, so it becomes a syntax problem like any other parse failure.
    let run = catch_unwind(AssertUnwindSafe(|| {
        while let Some(next) = parser.next_event() {
            match next {
                Ok((event, span)) => {
                    builder.event(event, span);
                    if builder.patch_misapplied {
                        return false;
                    }
                }
                Err(error) => {
                    let at = builder.offsets.byte(error.marker().index());
                    builder.syntax_error(error.info(), at);
                    break;
                }
            }
        }
        true
    }));
    match run {
        Ok(true) => {}
        Ok(false) => return None,
        Err(_) => {
            let at = builder.cursor;
            builder.syntax_error("internal error in the YAML parser", at);
        }
    }
    Some(builder.finish())
}

// ---------------------------------------------------------------------------------------------
// Character index → byte offset.

/// saphyr markers count characters. Pure-ASCII text needs no table; otherwise we keep one entry
/// per run of consecutive non-ASCII characters of equal UTF-8 width, so memory is proportional
/// to the number of such runs, not to the size of the file.
struct Offsets {
    runs: Vec<Run>,
    len: usize,
    /// The partition index found by the previous lookup: markers arrive almost in order, so it
    /// (or the next one) usually answers without a binary search.
    hint: Cell<usize>,
}

#[derive(Clone, Copy)]
struct Run {
    char_start: usize,
    byte_start: usize,
    chars: usize,
    width: usize,
}

impl Offsets {
    fn new(text: &str) -> Self {
        let mut runs: Vec<Run> = Vec::new();
        if !text.is_ascii() {
            for (index, (byte, c)) in text.char_indices().enumerate() {
                let width = c.len_utf8();
                if width == 1 {
                    continue;
                }
                match runs.last_mut() {
                    Some(run) if run.width == width && run.char_start + run.chars == index => {
                        run.chars += 1;
                    }
                    _ => runs.push(Run {
                        char_start: index,
                        byte_start: byte,
                        chars: 1,
                        width,
                    }),
                }
            }
        }
        Offsets {
            runs,
            len: text.len(),
            hint: Cell::new(0),
        }
    }

    /// Whether `k` runs start at or before `char_index` (and the others after it).
    fn splits_at(&self, k: usize, char_index: usize) -> bool {
        let before = k == 0
            || self
                .runs
                .get(k - 1)
                .is_some_and(|r| r.char_start <= char_index);
        let after = self.runs.get(k).is_none_or(|r| r.char_start > char_index);
        k <= self.runs.len() && before && after
    }

    fn byte(&self, char_index: usize) -> usize {
        let hint = self.hint.get();
        let k = if self.splits_at(hint, char_index) {
            hint
        } else if self.splits_at(hint + 1, char_index) {
            hint + 1
        } else {
            self.runs
                .partition_point(|run| run.char_start <= char_index)
        };
        self.hint.set(k);
        let byte = match k.checked_sub(1).and_then(|i| self.runs.get(i)) {
            None => char_index,
            Some(run) => {
                let within = char_index - run.char_start;
                if within < run.chars {
                    run.byte_start + within * run.width
                } else {
                    run.byte_start + run.chars * run.width + (within - run.chars)
                }
            }
        };
        byte.min(self.len)
    }
}

// ---------------------------------------------------------------------------------------------
// The tree builder.

/// A resolved scalar, before we know whether it is a map key or a value (the two are converted
/// differently: `.inf` is a fine key but not a JSON value, `null` is the other way round).
#[derive(Clone, Debug, PartialEq)]
enum Scalar {
    Null,
    Bool(bool),
    Int(i64),
    Uint(u64),
    /// An integer beyond 64 bits (goyaml.v2 makes a `big.Int` of it); we can only hold an
    /// approximation.
    BigInt(f64),
    Float(f64),
    Str(String),
}

#[derive(Clone)]
enum Content {
    Scalar(Scalar),
    Collection(Value),
}

/// A finished node on its way into its parent.
struct Item {
    content: Content,
    span: Span,
    children: Children,
    /// Nodes in this subtree, alias expansions included.
    count: usize,
    /// Collection levels in this subtree (0 for a scalar).
    height: usize,
    /// Nodes of anchored strict descendants (cloned again when this node is anchored too).
    inner: usize,
    anchor: usize,
    alias: bool,
    /// A merge key (`<<` plain, or tagged `!!merge`), if used as a key.
    merge_key: bool,
    warning: Option<ProblemKind>,
}

/// The part of an [`Item`] its parent accumulates.
struct Stats {
    count: usize,
    height: usize,
    inner: usize,
    end: usize,
}

impl Item {
    fn stats(&self) -> Stats {
        Stats {
            count: self.count,
            height: self.height,
            inner: self.inner + if self.anchor != 0 { self.count } else { 0 },
            end: self.span.end,
        }
    }
}

struct Anchored {
    content: Content,
    children: Children,
    count: usize,
    height: usize,
}

struct PendingKey {
    text: String,
    span: Span,
    merge: bool,
}

enum Body {
    Seq {
        values: Vec<Value>,
        nodes: Vec<Node>,
    },
    Map {
        map: Map<String, Value>,
        entries: Vec<(String, Node)>,
        /// The key whose value comes next.
        key: Option<PendingKey>,
        /// Values of `<<` keys, applied when the mapping ends.
        merges: Vec<(Value, Children)>,
    },
}

/// An open collection.
struct Frame {
    start: usize,
    end: usize,
    anchor: usize,
    count: usize,
    height: usize,
    inner: usize,
    body: Body,
}

impl Frame {
    fn absorb(&mut self, stats: &Stats) {
        self.count = self.count.saturating_add(stats.count);
        self.height = self.height.max(stats.height);
        self.inner = self.inner.saturating_add(stats.inner);
        self.end = self.end.max(stats.end);
    }
}

struct Builder<'a> {
    text: &'a str,
    offsets: Offsets,
    limits: &'a Limits,
    /// Sorted byte offsets of surrogate escapes patched in the text the parser sees.
    patched: &'a [usize],
    patch_misapplied: bool,
    /// Anchored nodes are only worth copying when the text can contain an alias.
    track_anchors: bool,
    stream: Stream,
    /// Where the next document's text begins unless it starts with `---`.
    boundary: usize,
    /// End of the previous event's raw span; block scalar indicators are searched from here.
    cursor: usize,

    // The current document.
    in_doc: bool,
    doc_start: usize,
    stack: Vec<Frame>,
    root: Option<(Value, Node)>,
    problems: Vec<Problem>,
    fatal: Option<Problem>,
    anchors: HashMap<usize, Anchored>,
    alias_nodes: usize,
}

impl<'a> Builder<'a> {
    fn new(text: &'a str, patched: &'a [usize], limits: &'a Limits) -> Self {
        let bom = if text.starts_with('\u{feff}') { 3 } else { 0 };
        Builder {
            text,
            offsets: Offsets::new(text),
            limits,
            patched,
            patch_misapplied: false,
            track_anchors: text.contains('*'),
            stream: Stream::default(),
            boundary: bom,
            cursor: bom,
            in_doc: false,
            doc_start: bom,
            stack: Vec::new(),
            root: None,
            problems: Vec::new(),
            fatal: None,
            anchors: HashMap::new(),
            alias_nodes: 0,
        }
    }

    fn bytes(&self) -> &'a [u8] {
        self.text.as_bytes()
    }

    /// Inside a document that is still being built.
    fn active(&self) -> bool {
        self.in_doc && self.fatal.is_none()
    }

    fn event(&mut self, event: Event<'_>, raw: RawSpan) {
        let start = self.offsets.byte(raw.start.index());
        let end = self.offsets.byte(raw.end.index()).max(start);
        match event {
            Event::DocumentStart(explicit) => {
                self.document_start(explicit, end);
                return;
            }
            Event::DocumentEnd => self.document_end(start, end),
            Event::Scalar(value, style, anchor, tag) => {
                self.scalar(value, style, anchor, tag.as_deref(), start, end);
            }
            Event::Alias(id) => self.alias(id, Span { start, end }),
            Event::SequenceStart(anchor, _) => self.collection_start(false, anchor, start, end),
            Event::MappingStart(anchor, _) => self.collection_start(true, anchor, start, end),
            Event::SequenceEnd | Event::MappingEnd => self.collection_end(start, end),
            Event::StreamStart | Event::StreamEnd | Event::Nothing => {}
        }
        self.cursor = end;
    }

    fn reset_document(&mut self) {
        self.in_doc = false;
        self.stack.clear();
        self.root = None;
        self.problems.clear();
        self.fatal = None;
        self.anchors.clear();
        self.alias_nodes = 0;
    }

    fn document_start(&mut self, explicit: bool, end: usize) {
        self.reset_document();
        self.in_doc = true;
        // For an implicit start the event's span is the first content token, which says
        // nothing about where the document's text (its leading comments) begins.
        self.doc_start = if explicit {
            self.line_end(end)
        } else {
            self.boundary
        };
        self.cursor = if explicit { end } else { self.doc_start };
    }

    /// `start` is where the document ends: its `...`, the next `---`, or the end of the text.
    fn document_end(&mut self, start: usize, end: usize) {
        if !self.in_doc {
            return;
        }
        if end > start && self.bytes().get(start) == Some(&b'.') {
            self.boundary = self.line_end(end);
        }
        if let Some(fatal) = self.fatal.take() {
            self.stream.problems.push(fatal);
        } else {
            let problems = std::mem::take(&mut self.problems);
            match self.root.take() {
                // kubectl skips empty and null documents.
                Some((value, root)) if !value.is_null() => {
                    let index = self.stream.documents.len();
                    let content_start = root.value().start;
                    self.stream
                        .problems
                        .extend(problems.into_iter().map(|mut problem| {
                            problem.document = Some(index);
                            problem
                        }));
                    self.stream.documents.push(Document {
                        value,
                        span: Span {
                            start: self.doc_start.min(content_start),
                            end: start.max(root.value().end),
                        },
                        content_start,
                        root,
                    });
                }
                _ => self.stream.problems.extend(problems),
            }
        }
        self.reset_document();
    }

    fn syntax_error(&mut self, message: &str, at: usize) {
        self.reset_document();
        let span = self.char_span(at);
        // saphyr counts flow levels in a u8: deeper flow nesting is a limit, not bad syntax.
        let kind = if message.contains("recursion limit exceeded") {
            ProblemKind::ExcessiveNesting {
                limit: SAPHYR_FLOW_LIMIT,
            }
        } else {
            ProblemKind::Syntax {
                message: message.to_owned(),
            }
        };
        self.stream.problems.push(Problem {
            document: None,
            path: Vec::new(),
            span,
            kind,
        });
    }

    fn finish(mut self) -> Stream {
        self.reset_document();
        self.stream
    }

    /// The route to the node being attached: one segment per open collection, stopping at a
    /// mapping that is waiting for a key.
    fn current_path(&self) -> Vec<Segment> {
        let mut path = Vec::with_capacity(self.stack.len());
        for frame in &self.stack {
            match &frame.body {
                Body::Seq { values, .. } => path.push(Segment::Index(values.len())),
                Body::Map { key: Some(key), .. } => path.push(Segment::Key(key.text.clone())),
                Body::Map { key: None, .. } => break,
            }
        }
        path
    }

    /// Drops the current document, keeping `kind` as its only problem.
    fn fail(&mut self, kind: ProblemKind, span: Span) {
        if self.fatal.is_some() {
            return;
        }
        let path = self.current_path();
        self.fatal = Some(Problem {
            document: None,
            path,
            span,
            kind,
        });
        self.stack.clear();
        self.root = None;
        self.problems.clear();
        self.anchors.clear();
    }

    fn warn(&mut self, path: Vec<Segment>, span: Span, kind: ProblemKind) {
        self.problems.push(Problem {
            document: None,
            path,
            span,
            kind,
        });
    }

    fn collection_start(&mut self, is_map: bool, anchor: usize, start: usize, end: usize) {
        if !self.active() {
            return;
        }
        if self.stack.len() >= self.limits.max_depth {
            let span = self.char_span(start);
            let limit = self.limits.max_depth;
            self.fail(ProblemKind::ExcessiveNesting { limit }, span);
            return;
        }
        // An indentless sequence (`key:` then `- item` at the key's indentation) is the only
        // block sequence that is a mapping value without starting at its own `-`: saphyr starts
        // it at its first item's content.
        let indentless = !is_map
            && start == end
            && matches!(
                self.stack.last().map(|frame| &frame.body),
                Some(Body::Map { key: Some(_), .. })
            );
        let start = if indentless {
            self.indentless_sequence_start(start)
        } else {
            start
        };
        let body = if is_map {
            Body::Map {
                map: Map::new(),
                entries: Vec::new(),
                key: None,
                merges: Vec::new(),
            }
        } else {
            Body::Seq {
                values: Vec::new(),
                nodes: Vec::new(),
            }
        };
        self.stack.push(Frame {
            start,
            end: start,
            anchor,
            count: 1,
            height: 0,
            inner: 0,
            body,
        });
    }

    fn collection_end(&mut self, start: usize, end: usize) {
        if !self.active() {
            return;
        }
        let Some(frame) = self.stack.pop() else {
            return;
        };
        // Flow collections end with their bracket (the raw span also covers what follows it on
        // the line); block collections end with their last child.
        let bracket = end > start && matches!(self.bytes().get(start), Some(b']' | b'}'));
        let value_end = if bracket { start + 1 } else { frame.end };
        let (value, children) = match frame.body {
            // Every document stays in memory for the whole run: no spare capacity.
            Body::Seq { mut values, nodes } => {
                values.shrink_to_fit();
                (
                    Value::Array(values),
                    Children::Seq(nodes.into_boxed_slice()),
                )
            }
            Body::Map {
                mut map,
                mut entries,
                merges,
                ..
            } => {
                apply_merges(&mut map, &mut entries, merges);
                let entries = entries
                    .into_iter()
                    .map(|(key, node)| (key.into_boxed_str(), node))
                    .collect();
                (Value::Object(map), Children::Map(entries))
            }
        };
        self.attach(Item {
            content: Content::Collection(value),
            span: Span {
                start: frame.start,
                end: value_end,
            },
            children,
            count: frame.count,
            height: frame.height + 1,
            inner: frame.inner,
            anchor: frame.anchor,
            alias: false,
            merge_key: false,
            warning: None,
        });
    }

    fn scalar(
        &mut self,
        value: Cow<'_, str>,
        style: ScalarStyle,
        anchor: usize,
        tag: Option<&Tag>,
        start: usize,
        end: usize,
    ) {
        if !self.active() {
            return;
        }
        let has_properties = anchor != 0 || tag.is_some();
        let span = self.scalar_span(style, value.is_empty(), has_properties, start, end);
        let value = if self.overlaps_patch(start, end) {
            if style != ScalarStyle::DoubleQuoted {
                self.patch_misapplied = true;
                return;
            }
            Cow::Owned(self.redecode_double_quoted(start, end))
        } else {
            value
        };
        match resolve(value, style, tag) {
            Ok(resolved) => self.attach(Item {
                content: Content::Scalar(resolved.scalar),
                span,
                children: Children::Leaf,
                count: 1,
                height: 0,
                inner: 0,
                anchor,
                alias: false,
                merge_key: resolved.merge_key,
                warning: resolved.warning,
            }),
            Err(message) => self.fail(ProblemKind::UnsupportedValue { message }, span),
        }
    }

    fn alias(&mut self, id: usize, span: Span) {
        if !self.active() {
            return;
        }
        let Some(anchored) = self.anchors.get(&id) else {
            // saphyr resolves names itself, so a missing entry is an anchor whose node is still
            // open: the alias is inside the node it refers to.
            let name = self.text.get(span.start + 1..span.end).unwrap_or_default();
            let message = format!("anchor '{name}' value contains itself");
            self.fail(ProblemKind::UnsupportedValue { message }, span);
            return;
        };
        let (count, height) = (anchored.count, anchored.height);
        if self.stack.len() + height > self.limits.max_depth {
            let limit = self.limits.max_depth;
            self.fail(ProblemKind::ExcessiveNesting { limit }, span);
            return;
        }
        self.alias_nodes = self.alias_nodes.saturating_add(count);
        if self.alias_nodes > self.limits.max_alias_nodes {
            let limit = self.limits.max_alias_nodes;
            self.fail(ProblemKind::ExcessiveAliasing { limit }, span);
            return;
        }
        let item = Item {
            content: anchored.content.clone(),
            span,
            children: anchored.children.clone(),
            count,
            height,
            inner: 0,
            anchor: 0,
            alias: true,
            merge_key: false,
            warning: None,
        };
        self.attach(item);
    }

    fn attach(&mut self, item: Item) {
        if item.anchor != 0 && self.track_anchors {
            // Anchors nested in anchors copy the inner nodes once more; charge those copies to
            // the alias budget so that nesting anchors cannot make loading quadratic.
            self.alias_nodes = self.alias_nodes.saturating_add(item.inner);
            if self.alias_nodes > self.limits.max_alias_nodes {
                let limit = self.limits.max_alias_nodes;
                self.fail(ProblemKind::ExcessiveAliasing { limit }, item.span);
                return;
            }
            self.anchors.insert(
                item.anchor,
                Anchored {
                    content: item.content.clone(),
                    children: item.children.clone(),
                    count: item.count,
                    height: item.height,
                },
            );
        }
        match self.stack.last().map(|frame| &frame.body) {
            Some(Body::Map { key: None, .. }) => self.attach_key(item),
            Some(Body::Map {
                key: Some(PendingKey { merge: true, .. }),
                ..
            }) => self.attach_merge(item),
            _ => self.attach_value(item),
        }
    }

    fn attach_key(&mut self, item: Item) {
        let stats = item.stats();
        let scalar = match item.content {
            Content::Scalar(scalar) => scalar,
            Content::Collection(value) => {
                let what = if value.is_array() {
                    "sequence"
                } else {
                    "mapping"
                };
                let message = format!("a {what} cannot be a map key (JSON keys are strings)");
                self.fail(ProblemKind::UnsupportedValue { message }, item.span);
                return;
            }
        };
        let (text, merge) = if item.merge_key {
            ("<<".to_owned(), true)
        } else {
            match key_string(scalar) {
                Ok(text) => (text, false),
                Err(message) => {
                    self.fail(ProblemKind::UnsupportedValue { message }, item.span);
                    return;
                }
            }
        };
        if let Some(kind) = item.warning {
            let mut path = self.current_path();
            path.push(Segment::Key(text.clone()));
            self.warn(path, item.span, kind);
        }
        if let Some(frame) = self.stack.last_mut() {
            frame.absorb(&stats);
            if let Body::Map { key, .. } = &mut frame.body {
                *key = Some(PendingKey {
                    text,
                    span: item.span,
                    merge,
                });
            }
        }
    }

    /// The value of a `<<` key: a mapping, an alias to one, or a sequence written in place
    /// whose items are mappings or aliases to mappings (goyaml.v2 rejects an alias to a
    /// sequence here).
    fn attach_merge(&mut self, item: Item) {
        let stats = item.stats();
        let value = match item.content {
            Content::Collection(value @ Value::Object(_)) => value,
            Content::Collection(Value::Array(items))
                if !item.alias && items.iter().all(Value::is_object) =>
            {
                Value::Array(items)
            }
            _ => {
                let message = "map merge requires map or sequence of maps as the value".to_owned();
                self.fail(ProblemKind::UnsupportedValue { message }, item.span);
                return;
            }
        };
        if let Some(frame) = self.stack.last_mut() {
            frame.absorb(&stats);
            if let Body::Map { key, merges, .. } = &mut frame.body {
                *key = None;
                merges.push((value, item.children));
            }
        }
    }

    /// A document root, a sequence item or a map value.
    fn attach_value(&mut self, item: Item) {
        let stats = item.stats();
        let value = match to_value(item.content) {
            Ok(value) => value,
            Err(message) => {
                self.fail(ProblemKind::UnsupportedValue { message }, item.span);
                return;
            }
        };
        if let Some(kind) = item.warning {
            let path = self.current_path();
            self.warn(path, item.span, kind);
        }
        let node_span = item.span;
        let children = item.children;
        let Some(frame) = self.stack.last_mut() else {
            self.root = Some((value, Node::new(None, node_span, children)));
            return;
        };
        frame.absorb(&stats);
        let duplicate = match &mut frame.body {
            Body::Seq { values, nodes } => {
                values.push(value);
                nodes.push(Node::new(None, node_span, children));
                None
            }
            Body::Map {
                map, entries, key, ..
            } => {
                let Some(pending) = key.take() else {
                    return;
                };
                let duplicate = if map.insert(pending.text.clone(), value).is_some() {
                    // Report against the first occurrence (merged entries are only added when
                    // the mapping ends, so every entry here is an explicit key).
                    let first = entries
                        .iter()
                        .find(|(k, _)| *k == pending.text)
                        .and_then(|(_, node)| node.key())
                        .unwrap_or_default();
                    Some((pending.text.clone(), pending.span, first))
                } else {
                    None
                };
                entries.push((
                    pending.text,
                    Node::new(Some(pending.span), node_span, children),
                ));
                duplicate
            }
        };
        if let Some((key, span, first)) = duplicate {
            let mut path = self.current_path();
            path.push(Segment::Key(key.clone()));
            self.warn(path, span, ProblemKind::DuplicateKey { key, first });
        }
    }

    // ----- spans -----

    /// End of the line containing `pos`: just past its line break, or the end of the text.
    fn line_end(&self, pos: usize) -> usize {
        let bytes = self.bytes();
        let mut i = pos;
        while let Some(&b) = bytes.get(i) {
            match b {
                b'\n' => return i + 1,
                b'\r' if bytes.get(i + 1) == Some(&b'\n') => return i + 2,
                b'\r' => return i + 1,
                _ => i += 1,
            }
        }
        bytes.len()
    }

    /// Position of the line break (or end of text) at or after `pos`.
    fn line_break(&self, pos: usize) -> usize {
        let bytes = self.bytes();
        let mut i = pos;
        while let Some(&b) = bytes.get(i) {
            if b == b'\n' || b == b'\r' {
                break;
            }
            i += 1;
        }
        i
    }

    /// At least one whole character at `pos` (the last one if `pos` is the end of the text).
    fn char_span(&self, pos: usize) -> Span {
        let text = self.text;
        let mut start = pos.min(text.len());
        while !text.is_char_boundary(start) {
            start -= 1;
        }
        if start == text.len() {
            start = text.char_indices().next_back().map_or(0, |(i, _)| i);
        }
        let width = text
            .get(start..)
            .and_then(|rest| rest.chars().next())
            .map_or(0, char::len_utf8);
        Span {
            start,
            end: start + width,
        }
    }

    /// Skips node properties (`&anchor`, `!tag`), white space and comments from `pos`.
    fn skip_properties(&self, pos: usize, limit: usize) -> usize {
        let bytes = self.bytes();
        let mut i = pos;
        while i < limit {
            match bytes.get(i) {
                Some(b'&' | b'!') => {
                    while bytes.get(i).is_some_and(|b| !b.is_ascii_whitespace()) {
                        i += 1;
                    }
                }
                Some(b' ' | b'\t' | b'\r' | b'\n') => i += 1,
                Some(b'#') => i = self.line_break(i),
                _ => break,
            }
        }
        i
    }

    /// End (just past the closing quote) of the quoted scalar opening at `open`.
    fn quoted_end(&self, open: usize) -> Option<usize> {
        let bytes = self.bytes();
        let quote = *bytes.get(open)?;
        let mut i = open + 1;
        while let Some(&b) = bytes.get(i) {
            if quote == b'"' {
                match b {
                    b'\\' => i += 1,
                    b'"' => return Some(i + 1),
                    _ => {}
                }
            } else if b == b'\'' {
                if bytes.get(i + 1) != Some(&b'\'') {
                    return Some(i + 1);
                }
                i += 1;
            }
            i += 1;
        }
        None
    }

    fn scalar_span(
        &self,
        style: ScalarStyle,
        empty: bool,
        has_properties: bool,
        start: usize,
        end: usize,
    ) -> Span {
        let bytes = self.bytes();
        match style {
            ScalarStyle::Plain if empty && !has_properties => {
                // Implicit empty scalars borrow the span of a neighbouring token; make them
                // empty, and put a missing map value just after its `:`.
                let at = if bytes.get(start) == Some(&b':') {
                    start + 1
                } else {
                    start
                };
                Span { start: at, end: at }
            }
            ScalarStyle::Plain => Span { start, end },
            ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted => {
                // The raw span runs on over trailing blanks and a trailing comment.
                let open = self.skip_properties(start, end);
                let close = match self.quoted_end(open) {
                    Some(close) if close <= end => close,
                    _ => end,
                };
                Span { start, end: close }
            }
            ScalarStyle::Literal | ScalarStyle::Folded => {
                self.block_scalar_span(has_properties, start, end)
            }
        }
    }

    /// saphyr's span of a block scalar starts at its first content line (or at its properties)
    /// and ends after its trailing line breaks; ours runs from the `|`/`>` indicator (or the
    /// properties) to the end of the last content line.
    fn block_scalar_span(&self, has_properties: bool, start: usize, end: usize) -> Span {
        let bytes = self.bytes();
        let (from, limit) = if has_properties {
            (start, end)
        } else {
            (self.cursor.min(start), start + 1)
        };
        let Some(indicator) = self.find_block_indicator(from, limit) else {
            return Span { start, end: start };
        };
        let node_start = if has_properties { start } else { indicator };
        let mut header_end = indicator + 1;
        while matches!(bytes.get(header_end), Some(b'+' | b'-' | b'1'..=b'9')) {
            header_end += 1;
        }
        let header_line_end = self.line_break(header_end);
        let mut content_end = end;
        while content_end > header_line_end
            && bytes
                .get(content_end - 1)
                .is_some_and(|b| b.is_ascii_whitespace())
        {
            content_end -= 1;
        }
        if content_end <= header_line_end {
            return Span {
                start: node_start,
                end: header_end,
            };
        }
        Span {
            start: node_start,
            end: self.line_break(content_end).min(end),
        }
    }

    /// Finds the `|`/`>` of a block scalar between the previous token and the scalar: only
    /// indicators, white space, comments and node properties can lie in between.
    fn find_block_indicator(&self, from: usize, limit: usize) -> Option<usize> {
        let bytes = self.bytes();
        let mut i = from;
        while i < limit {
            match *bytes.get(i)? {
                b'|' | b'>' => return Some(i),
                b'#' => i = self.line_break(i),
                b'&' | b'!' => {
                    while bytes.get(i).is_some_and(|b| !b.is_ascii_whitespace()) {
                        i += 1;
                    }
                }
                b' ' | b'\t' | b'\r' | b'\n' | b'-' | b':' | b'?' | b'.' | b',' => i += 1,
                _ => return None,
            }
        }
        None
    }

    /// Moves the start of an indentless sequence back from its first item to the `-`.
    fn indentless_sequence_start(&self, start: usize) -> usize {
        let bytes = self.bytes();
        let mut p = start;
        while p > 0 && matches!(bytes.get(p - 1), Some(b' ' | b'\t')) {
            p -= 1;
        }
        if p > 0 && bytes.get(p - 1) == Some(&b'-') {
            p - 1
        } else {
            start
        }
    }

    // ----- surrogate escapes in JSON -----

    fn overlaps_patch(&self, start: usize, end: usize) -> bool {
        let i = self.patched.partition_point(|&p| p < start);
        self.patched.get(i).is_some_and(|&p| p < end)
    }

    fn redecode_double_quoted(&self, start: usize, end: usize) -> String {
        let open = self.skip_properties(start, end);
        let close = self.quoted_end(open).unwrap_or(end);
        let inner = self.text.get(open + 1..close.saturating_sub(1));
        decode_double_quoted(inner.unwrap_or_default())
    }
}

/// Applies the `<<` values of a mapping. Explicit keys win over merged ones. Between several
/// `<<` keys the later wins (goyaml.v2 applies them in order); within one `<<: [a, b]` list the
/// earlier mapping wins.
fn apply_merges(
    map: &mut Map<String, Value>,
    entries: &mut Vec<(String, Node)>,
    merges: Vec<(Value, Children)>,
) {
    for (value, children) in merges.into_iter().rev() {
        match (value, children) {
            (Value::Object(source), Children::Map(source_entries)) => {
                merge_mapping(map, entries, source, source_entries);
            }
            (Value::Array(items), Children::Seq(nodes)) => {
                for (item, node) in items.into_iter().zip(nodes) {
                    if let (Value::Object(source), Children::Map(source_entries)) =
                        (item, node.children)
                    {
                        merge_mapping(map, entries, source, source_entries);
                    }
                }
            }
            _ => {}
        }
    }
}

fn merge_mapping(
    map: &mut Map<String, Value>,
    entries: &mut Vec<(String, Node)>,
    mut source: Map<String, Value>,
    source_entries: Box<[(Box<str>, Node)]>,
) {
    // Walk backwards so that, for a key duplicated in the source, the node of the occurrence
    // whose value the source kept (the last one) is the one we take.
    let mut added = Vec::new();
    for (key, node) in source_entries.into_iter().rev() {
        if map.contains_key(&*key) {
            continue;
        }
        if let Some(value) = source.remove(&*key) {
            let key = String::from(key);
            map.insert(key.clone(), value);
            added.push((key, node));
        }
    }
    entries.extend(added.into_iter().rev());
}

fn to_value(content: Content) -> Result<Value, String> {
    let scalar = match content {
        Content::Collection(value) => return Ok(value),
        Content::Scalar(scalar) => scalar,
    };
    Ok(match scalar {
        Scalar::Null => Value::Null,
        Scalar::Bool(b) => Value::Bool(b),
        Scalar::Int(i) => Value::from(i),
        Scalar::Uint(u) => Value::from(u),
        Scalar::BigInt(f) => Value::Number(
            Number::from_f64(f).ok_or("integer too large to represent as a JSON number")?,
        ),
        Scalar::Float(f) => match Number::from_f64(f) {
            Some(n) => Value::Number(n),
            None => {
                let name = if f.is_nan() {
                    ".nan"
                } else if f > 0.0 {
                    ".inf"
                } else {
                    "-.inf"
                };
                return Err(format!("{name} cannot be represented in JSON"));
            }
        },
        Scalar::Str(s) => Value::String(exact(s)),
    })
}

/// A map key as sigs.k8s.io/yaml stringifies it when converting goyaml.v2 output to JSON.
fn key_string(scalar: Scalar) -> Result<String, String> {
    match scalar {
        Scalar::Str(s) => Ok(exact(s)),
        Scalar::Bool(b) => Ok(b.to_string()),
        Scalar::Int(i) => Ok(i.to_string()),
        Scalar::Float(f) => Ok(go_format_float32(f)),
        Scalar::Uint(u) => Err(format!(
            "map key {u} is an unsigned 64-bit integer, which cannot be converted to a JSON key"
        )),
        Scalar::BigInt(_) => Err(
            "map key is an integer beyond 64 bits, which cannot be converted to a JSON key"
                .to_owned(),
        ),
        Scalar::Null => Err("map key is null, which cannot be converted to a JSON key".to_owned()),
    }
}

/// `s` without spare capacity (the scanner grows its strings as it reads them).
fn exact(mut s: String) -> String {
    s.shrink_to_fit();
    s
}

/// Go's `strconv.FormatFloat(f, 'g', -1, 32)` (with goyaml's names for the non-finite values),
/// which sigs.k8s.io/yaml uses for float map keys.
fn go_format_float32(f: f64) -> String {
    let x = f as f32;
    if x.is_nan() {
        return ".nan".to_owned();
    }
    if x.is_infinite() {
        return if x > 0.0 { ".inf" } else { "-.inf" }.to_owned();
    }
    if x == 0.0 {
        return if x.is_sign_negative() { "-0" } else { "0" }.to_owned();
    }
    // Rust's `{:e}` gives the shortest digits that round-trip, as Go's -1 precision does.
    let formatted = format!("{x:e}");
    let (mantissa, exponent) = formatted.split_once('e').unwrap_or((&formatted, "0"));
    let exponent: i32 = exponent.parse().unwrap_or(0);
    let (sign, mantissa) = match mantissa.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", mantissa),
    };
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    let mut out = sign.to_owned();
    // %e when the exponent is < -4 or >= the precision, which is 6 for the shortest format.
    if !(-4..6).contains(&exponent) {
        let (first, rest) = digits.split_at(1.min(digits.len()));
        out.push_str(first);
        if !rest.is_empty() {
            out.push('.');
            out.push_str(rest);
        }
        let exp_sign = if exponent < 0 { '-' } else { '+' };
        out.push_str(&format!("e{exp_sign}{:02}", exponent.unsigned_abs()));
    } else if exponent < 0 {
        out.push_str("0.");
        for _ in 1..exponent.unsigned_abs() {
            out.push('0');
        }
        out.push_str(&digits);
    } else {
        let point = exponent.unsigned_abs() as usize + 1;
        if point >= digits.len() {
            out.push_str(&digits);
            out.extend(std::iter::repeat_n('0', point - digits.len()));
        } else {
            let (int, frac) = digits.split_at(point);
            out.push_str(int);
            out.push('.');
            out.push_str(frac);
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Scalar resolution, after goyaml.v2 `resolve.go` and `decode.go`.

struct Resolved {
    scalar: Scalar,
    warning: Option<ProblemKind>,
    merge_key: bool,
}

impl Resolved {
    fn string(s: String) -> Self {
        Resolved {
            scalar: Scalar::Str(s),
            warning: None,
            merge_key: false,
        }
    }
}

/// What goyaml.v2 makes of a scalar's text, before the string is materialised.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Plain {
    Null,
    Bool(bool),
    Int(i64),
    Uint(u64),
    BigInt(f64),
    Float(f64),
    Str,
    Timestamp,
}

impl Plain {
    /// The short name of goyaml.v2's resolved tag.
    fn tag(self) -> &'static str {
        match self {
            Plain::Null => "null",
            Plain::Bool(_) => "bool",
            Plain::Int(_) | Plain::Uint(_) | Plain::BigInt(_) => "int",
            Plain::Float(_) => "float",
            Plain::Str => "str",
            Plain::Timestamp => "timestamp",
        }
    }

    fn into_scalar(self, text: Cow<'_, str>) -> Scalar {
        match self {
            Plain::Null => Scalar::Null,
            Plain::Bool(b) => Scalar::Bool(b),
            Plain::Int(i) => Scalar::Int(i),
            Plain::Uint(u) => Scalar::Uint(u),
            Plain::BigInt(f) => Scalar::BigInt(f),
            Plain::Float(f) => Scalar::Float(f),
            // goyaml.v2 keeps timestamps as their text when decoding into interface{}.
            Plain::Str | Plain::Timestamp => Scalar::Str(text.into_owned()),
        }
    }
}

fn resolve(value: Cow<'_, str>, style: ScalarStyle, tag: Option<&Tag>) -> Result<Resolved, String> {
    let Some(tag) = tag else {
        // Quoted and block scalars are always strings.
        if style != ScalarStyle::Plain {
            return Ok(Resolved::string(value.into_owned()));
        }
        let plain = resolve_plain(&value, false);
        let warning = yaml11_warning(&value, plain);
        let merge_key = value == "<<";
        return Ok(Resolved {
            scalar: plain.into_scalar(value),
            warning,
            merge_key,
        });
    };
    // A tag applies whatever the style (`!!int "12"` is 12).
    let Some(name) = core_tag_name(tag) else {
        return Ok(Resolved::string(value.into_owned()));
    };
    match name {
        "binary" => match go_base64_decode(&value) {
            Some(bytes) => Ok(Resolved::string(go_string_from_bytes(&bytes))),
            None => Err("!!binary value contains invalid base64 data".to_owned()),
        },
        "merge" => Ok(Resolved {
            merge_key: value == "<<",
            ..Resolved::string(value.into_owned())
        }),
        "null" | "bool" | "int" | "float" | "timestamp" => {
            let plain = resolve_plain(&value, name == "timestamp");
            let resolved = plain.tag();
            let scalar = if resolved == name {
                plain.into_scalar(value)
            } else if let ("float", Plain::Int(i)) = (name, plain) {
                Scalar::Float(i as f64)
            } else {
                return Err(format!(
                    "cannot decode !!{resolved} `{value}` as a !!{name}"
                ));
            };
            Ok(Resolved {
                scalar,
                warning: None,
                merge_key: false,
            })
        }
        // `!!str`, and tags goyaml.v2 does not resolve (`!!map` on a scalar, `!!set`, ...).
        _ => Ok(Resolved::string(value.into_owned())),
    }
}

/// `str` for `!!str`, `!<tag:yaml.org,2002:str>`; `None` for local and other tags.
fn core_tag_name(tag: &Tag) -> Option<&str> {
    const CORE: &str = "tag:yaml.org,2002:";
    if tag.handle == CORE {
        Some(&tag.suffix)
    } else if tag.handle.is_empty() {
        tag.suffix.strip_prefix(CORE)
    } else {
        None
    }
}

/// goyaml.v2's resolution of an untagged plain scalar (or of a scalar tagged with a resolvable
/// tag). Timestamps are only recognised when asked for, since untagged they stay strings.
fn resolve_plain(s: &str, timestamps: bool) -> Plain {
    let Some(&first) = s.as_bytes().first() else {
        return Plain::Null;
    };
    // goyaml.v2 only looks further when the first byte hints at a non-string.
    let number = match first {
        b'+' | b'-' | b'0'..=b'9' => true,
        b'.' | b'y' | b'Y' | b'n' | b'N' | b't' | b'T' | b'f' | b'F' | b'o' | b'O' | b'~' => false,
        _ => return Plain::Str,
    };
    match s {
        "y" | "Y" | "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => {
            return Plain::Bool(true);
        }
        "n" | "N" | "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => {
            return Plain::Bool(false);
        }
        "~" | "null" | "Null" | "NULL" => return Plain::Null,
        ".nan" | ".NaN" | ".NAN" => return Plain::Float(f64::NAN),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => {
            return Plain::Float(f64::INFINITY);
        }
        "-.inf" | "-.Inf" | "-.INF" => return Plain::Float(f64::NEG_INFINITY),
        _ => {}
    }
    if number {
        resolve_number(s, timestamps)
    } else if first == b'.' {
        parse_go_float(s).map_or(Plain::Str, Plain::Float)
    } else {
        Plain::Str
    }
}

fn resolve_number(s: &str, timestamps: bool) -> Plain {
    if timestamps && is_go_timestamp(s) {
        return Plain::Timestamp;
    }
    let plain = if s.contains('_') {
        Cow::Owned(s.replace('_', ""))
    } else {
        Cow::Borrowed(s)
    };
    if let Ok(i) = go_parse_int(&plain) {
        return Plain::Int(i);
    }
    let unsigned = go_parse_uint(&plain);
    if let Ok(u) = unsigned {
        return Plain::Uint(u);
    }
    if let Some(f) = parse_go_float(&plain) {
        return Plain::Float(f);
    }
    if unsigned == Err(IntError::Range)
        && let Some(f) = big_int_approximation(&plain)
    {
        return Plain::BigInt(f);
    }
    Plain::Str
}

fn yaml11_warning(s: &str, plain: Plain) -> Option<ProblemKind> {
    match plain {
        Plain::Bool(value) if !matches!(s.as_bytes().first(), Some(b't' | b'T' | b'f' | b'F')) => {
            Some(ProblemKind::Yaml11Bool {
                text: s.to_owned(),
                value,
            })
        }
        Plain::Int(value) => {
            // `0755`, `-0755`, `0_755`; not `0o755`, `0x1F` or `0`.
            let unsigned = s.trim_start_matches(['+', '-']);
            let legacy_octal = unsigned.starts_with('0')
                && unsigned
                    .bytes()
                    .skip(1)
                    .find(|b| *b != b'_')
                    .is_some_and(|b| b.is_ascii_digit());
            if !legacy_octal {
                return None;
            }
            // YAML 1.2 reads the digits as a decimal integer; only a different value surprises.
            let decimal = unsigned
                .replace('_', "")
                .parse::<i64>()
                .ok()
                .map(|d| if s.starts_with('-') { -d } else { d });
            (decimal != Some(value)).then(|| ProblemKind::Yaml11Octal {
                text: s.to_owned(),
                value,
            })
        }
        _ => None,
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum IntError {
    Syntax,
    Range,
}

/// Go's `strconv.ParseUint(s, 0, 64)`, underscores already removed.
fn go_parse_uint(s: &str) -> Result<u64, IntError> {
    let bytes = s.as_bytes();
    let (base, digits): (u64, &[u8]) = match bytes {
        [] => return Err(IntError::Syntax),
        [b'0', prefix, rest @ ..] if !rest.is_empty() && matches!(prefix, b'b' | b'B') => (2, rest),
        [b'0', prefix, rest @ ..] if !rest.is_empty() && matches!(prefix, b'o' | b'O') => (8, rest),
        [b'0', prefix, rest @ ..] if !rest.is_empty() && matches!(prefix, b'x' | b'X') => {
            (16, rest)
        }
        [b'0', rest @ ..] => (8, rest),
        _ => (10, bytes),
    };
    let mut n: u64 = 0;
    for &c in digits {
        let d = u64::from(match c {
            b'0'..=b'9' => c - b'0',
            b'a'..=b'z' => c - b'a' + 10,
            b'A'..=b'Z' => c - b'A' + 10,
            _ => return Err(IntError::Syntax),
        });
        if d >= base {
            return Err(IntError::Syntax);
        }
        // Like Go, an overflow is reported as soon as it happens.
        n = n
            .checked_mul(base)
            .and_then(|n| n.checked_add(d))
            .ok_or(IntError::Range)?;
    }
    Ok(n)
}

/// Go's `strconv.ParseInt(s, 0, 64)`, underscores already removed.
fn go_parse_int(s: &str) -> Result<i64, IntError> {
    if let Some(rest) = s.strip_prefix('-') {
        let u = go_parse_uint(rest)?;
        0i64.checked_sub_unsigned(u).ok_or(IntError::Range)
    } else {
        let u = go_parse_uint(s.strip_prefix('+').unwrap_or(s))?;
        i64::try_from(u).map_err(|_| IntError::Range)
    }
}

/// goyaml.v2 accepts a float when it matches
/// `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$` and Go's `ParseFloat` succeeds
/// (so out-of-range values such as `1e400` stay strings).
fn parse_go_float(s: &str) -> Option<f64> {
    let b = s.as_bytes();
    let digits_from = |mut i: usize| {
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        i
    };
    let mut i = usize::from(matches!(b.first(), Some(b'+' | b'-')));
    let after_int = digits_from(i);
    if after_int == i {
        if b.get(i) != Some(&b'.') {
            return None;
        }
        let after_frac = digits_from(i + 1);
        if after_frac == i + 1 {
            return None;
        }
        i = after_frac;
    } else {
        i = after_int;
        if b.get(i) == Some(&b'.') {
            i = digits_from(i + 1);
        }
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        let after_exp = digits_from(i);
        if after_exp == i {
            return None;
        }
        i = after_exp;
    }
    if i != b.len() {
        return None;
    }
    s.parse::<f64>().ok().filter(|f| f.is_finite())
}

/// The value goyaml.v2 gives an unsigned integer too big for 64 bits (a `big.Int`, parsed with
/// Go's base prefixes), approximated as a float.
fn big_int_approximation(s: &str) -> Option<f64> {
    let bytes = s.as_bytes();
    let (base, digits): (u32, &[u8]) = match bytes {
        [b'0', b'x' | b'X', rest @ ..] => (16, rest),
        [b'0', b'b' | b'B', rest @ ..] => (2, rest),
        [b'0', b'o' | b'O', rest @ ..] => (8, rest),
        [b'0', rest @ ..] => (8, rest),
        _ => (10, bytes),
    };
    if digits.is_empty() {
        return None;
    }
    digits.iter().try_fold(0f64, |acc, &c| {
        let d = char::from(c).to_digit(base)?;
        Some(acc * f64::from(base) + f64::from(d))
    })
}

/// Whether one of goyaml.v2's timestamp layouts (Go `time.Parse`) accepts `s`:
/// `2006-1-2T15:4:5.999999999Z07:00` (also with `t`), `2006-1-2 15:4:5.999999999`, `2006-1-2`.
fn is_go_timestamp(s: &str) -> bool {
    struct Cursor<'s> {
        b: &'s [u8],
        i: usize,
    }
    impl Cursor<'_> {
        fn number(&mut self, min: usize, max: usize) -> Option<u32> {
            let start = self.i;
            while self.i - start < max && self.b.get(self.i).is_some_and(u8::is_ascii_digit) {
                self.i += 1;
            }
            let digits = self.b.get(start..self.i).filter(|d| d.len() >= min)?;
            digits.iter().try_fold(0u32, |n, d| {
                n.checked_mul(10)?.checked_add(u32::from(d - b'0'))
            })
        }
        fn eat(&mut self, c: u8) -> Option<()> {
            (self.b.get(self.i) == Some(&c)).then(|| self.i += 1)
        }
    }
    let mut c = Cursor {
        b: s.as_bytes(),
        i: 0,
    };
    let mut check = || -> Option<()> {
        let year = c.number(4, 4)?;
        c.eat(b'-')?;
        let month = c.number(1, 2)?;
        c.eat(b'-')?;
        let day = c.number(1, 2)?;
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
        let days = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => return None,
        };
        if day == 0 || day > days {
            return None;
        }
        let zone = match c.b.get(c.i) {
            None => return Some(()),
            Some(b'T' | b't') => true,
            Some(b' ') => false,
            _ => return None,
        };
        c.i += 1;
        let hour = c.number(1, 2)?;
        c.eat(b':')?;
        let minute = c.number(1, 2)?;
        c.eat(b':')?;
        let second = c.number(1, 2)?;
        if hour > 23 || minute > 59 || second > 59 {
            return None;
        }
        if matches!(c.b.get(c.i), Some(b'.' | b','))
            && c.b.get(c.i + 1).is_some_and(u8::is_ascii_digit)
        {
            c.i += 1;
            while c.b.get(c.i).is_some_and(u8::is_ascii_digit) {
                c.i += 1;
            }
        }
        if zone && c.eat(b'Z').is_none() {
            if !matches!(c.b.get(c.i), Some(b'+' | b'-')) {
                return None;
            }
            c.i += 1;
            let hours = c.number(2, 2)?;
            c.eat(b':')?;
            let minutes = c.number(2, 2)?;
            if hours > 24 || minutes > 59 {
                return None;
            }
        }
        (c.i == c.b.len()).then_some(())
    };
    check().is_some()
}

/// Go's `base64.StdEncoding.DecodeString`: padding required, `\r` and `\n` ignored.
fn go_base64_decode(s: &str) -> Option<Vec<u8>> {
    let sextet = |c: u8| -> Option<u32> {
        Some(u32::from(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        }))
    };
    let symbols: Vec<u8> = s.bytes().filter(|b| *b != b'\r' && *b != b'\n').collect();
    if !symbols.len().is_multiple_of(4) {
        return None;
    }
    let mut out = Vec::with_capacity(symbols.len() / 4 * 3);
    let quads = symbols.chunks_exact(4);
    let last = quads.len().saturating_sub(1);
    for (n, quad) in quads.enumerate() {
        let padding = quad.iter().rev().take_while(|b| **b == b'=').count();
        if padding > 2 || (padding > 0 && n != last) {
            return None;
        }
        let mut bits = 0u32;
        for &c in quad.iter().take(4 - padding) {
            bits = bits << 6 | sextet(c)?;
        }
        // Pad to 24 bits: the top byte of the u32 stays zero.
        for _ in 0..padding {
            bits <<= 6;
        }
        out.extend(bits.to_be_bytes().into_iter().skip(1).take(3 - padding));
    }
    Some(out)
}

/// Bytes as Go's `encoding/json` writes a Go string: each byte of an invalid UTF-8 sequence
/// becomes U+FFFD.
fn go_string_from_bytes(mut bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    loop {
        match std::str::from_utf8(bytes) {
            Ok(valid) => {
                out.push_str(valid);
                return out;
            }
            Err(error) => {
                let (valid, rest) = bytes.split_at(error.valid_up_to());
                out.push_str(std::str::from_utf8(valid).unwrap_or_default());
                out.push('\u{fffd}');
                bytes = rest.get(1..).unwrap_or_default();
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// JSON surrogate pairs.

/// YAML (saphyr, and libyaml behind goyaml.v2) rejects `\uD83D`-style surrogate escapes, but
/// JSON writers emit them for characters beyond the BMP, and kubectl reads a stream that starts
/// with `{` as JSON. For JSON-looking text we replace each surrogate escape inside a string with
/// the same-length `\uFFFD`, let saphyr parse that, and decode the affected double-quoted
/// scalars again from the original text. If a replacement landed anywhere but in a
/// double-quoted scalar, the text was not the JSON it looked like and is parsed unpatched.
struct SurrogatePatch {
    text: String,
    offsets: Vec<usize>,
}

impl SurrogatePatch {
    fn new(text: &str) -> Option<Self> {
        let body = text.trim_start_matches(['\u{feff}', ' ', '\t', '\r', '\n']);
        if !(body.starts_with('{') || body.starts_with('[')) || !text.contains("\\u") {
            return None;
        }
        let mut bytes = text.as_bytes().to_vec();
        let mut offsets = Vec::new();
        let mut in_string = false;
        let mut i = 0;
        while let Some(&b) = bytes.get(i) {
            match b {
                b'"' => in_string = !in_string,
                b'\\' if in_string => {
                    if bytes.get(i + 1) == Some(&b'u')
                        && let Some(hex) = bytes.get_mut(i + 2..i + 6)
                        && hex_value(hex).is_some_and(|v| (0xD800..=0xDFFF).contains(&v))
                    {
                        hex.copy_from_slice(b"FFFD");
                        offsets.push(i);
                    }
                    i += 1;
                }
                _ => {}
            }
            i += 1;
        }
        if offsets.is_empty() {
            return None;
        }
        let text = String::from_utf8(bytes).ok()?;
        Some(SurrogatePatch { text, offsets })
    }
}

fn hex_value(digits: &[u8]) -> Option<u32> {
    digits
        .iter()
        .try_fold(0u32, |acc, &d| Some(acc * 16 + char::from(d).to_digit(16)?))
}

/// Decodes the text between the quotes of a YAML double-quoted scalar, joining UTF-16
/// surrogate-pair escapes the way JSON does (a lone surrogate becomes U+FFFD, as in Go).
fn decode_double_quoted(src: &str) -> String {
    let b = src.as_bytes();
    let mut out = String::with_capacity(src.len());
    // Output before this length came from escapes and must survive line folding.
    let mut protected = 0;
    let mut i = 0;
    let skip_blanks = |mut i: usize| {
        while matches!(b.get(i), Some(b' ' | b'\t')) {
            i += 1;
        }
        i
    };
    let skip_break = |i: usize| match (b.get(i), b.get(i + 1)) {
        (Some(b'\r'), Some(b'\n')) => i + 2,
        (Some(b'\r' | b'\n'), _) => i + 1,
        _ => i,
    };
    while i < b.len() {
        match b.get(i) {
            Some(b'\\') => {
                let escape = b.get(i + 1).copied().unwrap_or_default();
                i += 2;
                let simple = match escape {
                    b'0' => Some('\0'),
                    b'a' => Some('\x07'),
                    b'b' => Some('\x08'),
                    b't' | b'\t' => Some('\t'),
                    b'n' => Some('\n'),
                    b'v' => Some('\x0b'),
                    b'f' => Some('\x0c'),
                    b'r' => Some('\r'),
                    b'e' => Some('\x1b'),
                    b' ' => Some(' '),
                    b'"' => Some('"'),
                    b'/' => Some('/'),
                    b'\\' => Some('\\'),
                    b'N' => Some('\u{85}'),
                    b'_' => Some('\u{a0}'),
                    b'L' => Some('\u{2028}'),
                    b'P' => Some('\u{2029}'),
                    _ => None,
                };
                if let Some(c) = simple {
                    out.push(c);
                } else if let Some(width) = match escape {
                    b'x' => Some(2),
                    b'u' => Some(4),
                    b'U' => Some(8),
                    _ => None,
                } {
                    let code = b.get(i..i + width).and_then(hex_value).unwrap_or(0xFFFD);
                    i += width;
                    let low = (escape == b'u' && (0xD800..0xDC00).contains(&code))
                        .then(|| b.get(i..i + 2).filter(|p| *p == b"\\u"))
                        .flatten()
                        .and_then(|_| b.get(i + 2..i + 6))
                        .and_then(hex_value)
                        .filter(|low| (0xDC00..0xE000).contains(low));
                    let c = match low {
                        Some(low) => {
                            i += 6;
                            char::from_u32(0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00))
                        }
                        None => char::from_u32(code),
                    };
                    out.push(c.unwrap_or('\u{fffd}'));
                } else if escape == b'\r' || escape == b'\n' {
                    // An escaped line break joins the lines without a space.
                    i = skip_blanks(skip_break(i - 1));
                    while matches!(b.get(i), Some(b'\r' | b'\n')) {
                        out.push('\n');
                        i = skip_blanks(skip_break(i));
                    }
                }
                protected = out.len();
            }
            Some(b'\r' | b'\n') => {
                // Line folding: trailing blanks go, one break is a space, more are newlines.
                let kept = out.trim_end_matches([' ', '\t']).len().max(protected);
                out.truncate(kept);
                i = skip_blanks(skip_break(i));
                let mut breaks = 1;
                while matches!(b.get(i), Some(b'\r' | b'\n')) {
                    breaks += 1;
                    i = skip_blanks(skip_break(i));
                }
                if breaks == 1 {
                    out.push(' ');
                } else {
                    out.extend(std::iter::repeat_n('\n', breaks - 1));
                }
            }
            _ => {
                let next = b
                    .iter()
                    .skip(i)
                    .position(|c| matches!(c, b'\\' | b'\r' | b'\n'))
                    .map_or(b.len(), |p| i + p);
                out.push_str(src.get(i..next).unwrap_or_default());
                i = next;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::time::Instant;

    fn parse_default(text: &str) -> Stream {
        parse(text, &Limits::default())
    }

    /// The only document of `text`, which must parse without problems.
    fn clean(text: &str) -> Document {
        let mut stream = parse_default(text);
        assert!(
            stream.problems.is_empty(),
            "{text:?}: {:?}",
            stream.problems
        );
        assert_eq!(stream.documents.len(), 1, "{text:?}");
        stream.documents.remove(0)
    }

    fn kinds(stream: &Stream) -> Vec<ProblemKind> {
        stream.problems.iter().map(|p| p.kind.clone()).collect()
    }

    fn slice(text: &str, span: Span) -> &str {
        &text[span.start..span.end]
    }

    /// 1-based line and column (in characters) of a byte offset.
    fn line_col(text: &str, pos: usize) -> (usize, usize) {
        let before = &text[..pos];
        let line = before.matches('\n').count() + 1;
        let col = before.rsplit('\n').next().unwrap().chars().count() + 1;
        (line, col)
    }

    fn node<'n>(doc: &'n Document, path: &[Segment]) -> &'n Node {
        doc.root
            .at(path)
            .unwrap_or_else(|| panic!("no node at {path:?}"))
    }

    fn k(key: &str) -> Segment {
        Segment::Key(key.to_owned())
    }

    fn i(index: usize) -> Segment {
        Segment::Index(index)
    }

    fn on_small_stack(f: impl FnOnce() + Send + 'static) {
        std::thread::Builder::new()
            .stack_size(2 << 20)
            .spawn(f)
            .unwrap()
            .join()
            .unwrap();
    }

    // ----- scalar resolution -----

    /// goyaml.v2 resolution of untagged plain scalars (as map values).
    #[test]
    fn plain_scalar_golden_table() {
        let big = 18446744073709551616.0f64;
        let table: Vec<(&str, Value)> = vec![
            // YAML 1.1 booleans in every accepted spelling, and near misses.
            ("y", json!(true)),
            ("Y", json!(true)),
            ("yes", json!(true)),
            ("Yes", json!(true)),
            ("YES", json!(true)),
            ("on", json!(true)),
            ("On", json!(true)),
            ("ON", json!(true)),
            ("true", json!(true)),
            ("True", json!(true)),
            ("TRUE", json!(true)),
            ("n", json!(false)),
            ("N", json!(false)),
            ("no", json!(false)),
            ("No", json!(false)),
            ("NO", json!(false)),
            ("off", json!(false)),
            ("Off", json!(false)),
            ("OFF", json!(false)),
            ("false", json!(false)),
            ("False", json!(false)),
            ("FALSE", json!(false)),
            ("yEs", json!("yEs")),
            ("tRUE", json!("tRUE")),
            ("oN", json!("oN")),
            ("nO", json!("nO")),
            ("yes please", json!("yes please")),
            // Nulls.
            ("", json!(null)),
            ("~", json!(null)),
            ("null", json!(null)),
            ("Null", json!(null)),
            ("NULL", json!(null)),
            ("nULL", json!("nULL")),
            // Integers: Go ParseInt(s, 0, 64) after removing underscores.
            ("0", json!(0)),
            ("-0", json!(0)),
            ("+0", json!(0)),
            ("12", json!(12)),
            ("+12", json!(12)),
            ("-12", json!(-12)),
            ("1_000", json!(1000)),
            ("1__0_0", json!(100)),
            ("0644", json!(420)),
            ("-0644", json!(-420)),
            ("+0644", json!(420)),
            ("0_644", json!(420)),
            ("00", json!(0)),
            ("007", json!(7)),
            ("0o644", json!(420)),
            ("0O644", json!(420)),
            ("-0o17", json!(-15)),
            ("0x1F", json!(31)),
            ("0X1f", json!(31)),
            ("-0x1F", json!(-31)),
            ("+0x1F", json!(31)),
            ("0x_1F", json!(31)),
            ("0b101", json!(5)),
            ("0B101", json!(5)),
            ("-0b101", json!(-5)),
            ("0b1_01", json!(5)),
            ("9223372036854775807", json!(i64::MAX)),
            ("-9223372036854775808", json!(i64::MIN)),
            // Beyond int64: uint64 when it fits, else float.
            ("9223372036854775808", json!(9223372036854775808u64)),
            ("18446744073709551615", json!(u64::MAX)),
            ("0xFFFFFFFFFFFFFFFF", json!(u64::MAX)),
            ("18446744073709551616", json!(big)),
            ("-9223372036854775809", json!(-9223372036854775809.0f64)),
            (
                "123456789012345678901234567890",
                json!(1.2345678901234568e29),
            ),
            ("0x10000000000000000", json!(big)),
            // Not octal, not int: Go's ParseFloat reads them as decimal floats.
            ("08", json!(8.0)),
            ("09", json!(9.0)),
            ("0777777777777777777777777", json!(7.777777777777778e23)),
            // Malformed prefixes stay strings.
            ("0x", json!("0x")),
            ("0b", json!("0b")),
            ("0o", json!("0o")),
            ("0b2", json!("0b2")),
            ("0o8", json!("0o8")),
            ("0xG", json!("0xG")),
            ("-0x", json!("-0x")),
            ("+", json!("+")),
            ("-0xFFFFFFFFFFFFFFFFFFFF", json!("-0xFFFFFFFFFFFFFFFFFFFF")),
            // Floats.
            ("1.5", json!(1.5)),
            ("-1.5", json!(-1.5)),
            ("+1.5", json!(1.5)),
            (".5", json!(0.5)),
            ("-.5", json!(-0.5)),
            ("+.5", json!(0.5)),
            ("1.", json!(1.0)),
            ("1.10", json!(1.1)),
            ("0.0", json!(0.0)),
            ("-0.0", json!(-0.0)),
            ("1e3", json!(1000.0)),
            ("1E3", json!(1000.0)),
            ("1e+3", json!(1000.0)),
            ("1.5e-3", json!(0.0015)),
            (".5e3", json!(500.0)),
            ("6.8523015e+5", json!(685230.15)),
            ("685_230.15", json!(685230.15)),
            ("1_0e1", json!(100.0)),
            ("1e-400", json!(0.0)),
            // Float look-alikes that stay strings.
            ("1e400", json!("1e400")),
            (".5e400", json!(".5e400")),
            (".", json!(".")),
            ("..", json!("..")),
            (".e3", json!(".e3")),
            (".5_0", json!(".5_0")),
            ("1.5.5", json!("1.5.5")),
            ("1e", json!("1e")),
            ("1e+", json!("1e+")),
            ("1,000", json!("1,000")),
            ("inf", json!("inf")),
            ("nan", json!("nan")),
            (".iNf", json!(".iNf")),
            ("1.2.3.4", json!("1.2.3.4")),
            // Sexagesimal numbers are not supported by goyaml.v2: strings.
            ("1:30", json!("1:30")),
            ("-1:30", json!("-1:30")),
            ("190:20:30", json!("190:20:30")),
            // Timestamps stay strings when decoding into interface{}.
            ("2001-12-14", json!("2001-12-14")),
            (
                "2001-12-14t21:59:43.10-05:00",
                json!("2001-12-14t21:59:43.10-05:00"),
            ),
            ("2001-12-14 21:59:43.10", json!("2001-12-14 21:59:43.10")),
            ("2002-12-14T21:59:43Z", json!("2002-12-14T21:59:43Z")),
            // Ordinary strings.
            ("<<", json!("<<")),
            ("=", json!("=")),
            ("nginx:1.27", json!("nginx:1.27")),
            ("100m", json!("100m")),
            ("1Gi", json!("1Gi")),
            ("héllo wörld", json!("héllo wörld")),
        ];
        for (text, expected) in table {
            let yaml = format!("v: {text}\n");
            let stream = parse_default(&yaml);
            let fatal = stream
                .problems
                .iter()
                .find(|p| p.document.is_none())
                .map(|p| &p.kind);
            assert_eq!(fatal, None, "{text:?}");
            assert_eq!(stream.documents[0].value["v"], expected, "{text:?}");
        }
    }

    #[test]
    fn numbers_keep_their_json_number_kind() {
        let doc = clean("a: 12\nb: 9223372036854775808\nc: 1e3\nd: -5\n");
        assert!(doc.value["a"].is_u64());
        assert!(doc.value["b"].is_u64());
        assert!(doc.value["c"].is_f64());
        assert!(doc.value["d"].is_i64());
    }

    #[test]
    fn quoted_and_block_scalars_are_always_strings() {
        let table = [
            ("'yes'", "yes"),
            ("\"no\"", "no"),
            ("'0644'", "0644"),
            ("\"1e3\"", "1e3"),
            ("'~'", "~"),
            ("\"\"", ""),
            ("''", ""),
            ("\"null\"", "null"),
            ("'it''s'", "it's"),
            ("\"tab\\there\"", "tab\there"),
            ("\"\\u00e9\\x41\\/\"", "éA/"),
            ("|\n  yes\n", "yes\n"),
            ("|-\n  0644\n", "0644"),
            (">\n  on\n  off\n", "on off\n"),
            (">-\n  12\n", "12"),
        ];
        for (text, expected) in table {
            let doc = clean(&format!("v: {text}\n"));
            assert_eq!(doc.value["v"], json!(expected), "{text:?}");
        }
    }

    #[test]
    fn tags_are_honoured() {
        let table: Vec<(&str, Value)> = vec![
            ("!!str yes", json!("yes")),
            ("!!str 0644", json!("0644")),
            ("!!str ~", json!("~")),
            ("!!str", json!("")),
            ("!!int \"12\"", json!(12)),
            ("!!int '0x1F'", json!(31)),
            ("!!int 0644", json!(420)),
            ("!!float 1", json!(1.0)),
            ("!!float '1.5'", json!(1.5)),
            ("!!float 1e3", json!(1000.0)),
            ("!!bool yes", json!(true)),
            ("!!bool \"off\"", json!(false)),
            ("!!null ''", json!(null)),
            ("!!null", json!(null)),
            ("!!null ~", json!(null)),
            ("!!timestamp 2001-12-14", json!("2001-12-14")),
            (
                "!!timestamp 2001-12-14t21:59:43.10-05:00",
                json!("2001-12-14t21:59:43.10-05:00"),
            ),
            (
                "!!timestamp 2001-12-14 21:59:43.10",
                json!("2001-12-14 21:59:43.10"),
            ),
            ("!!binary aGVsbG8=", json!("hello")),
            ("!!binary |\n  aGVs\n  bG8=\n", json!("hello")),
            ("!!binary /w==", json!("\u{fffd}")),
            ("! 12", json!("12")),
            ("!foo 12", json!("12")),
            ("!<tag:yaml.org,2002:str> 12", json!("12")),
            ("!<tag:yaml.org,2002:int> '7'", json!(7)),
            ("!!map 12", json!("12")),
            ("!!merge <<", json!("<<")),
        ];
        for (text, expected) in table {
            let doc = clean(&format!("v: {text}\n"));
            assert_eq!(doc.value["v"], expected, "{text:?}");
        }
    }

    #[test]
    fn failed_tags_drop_the_document() {
        let table = [
            ("!!int abc", "cannot decode !!str `abc` as a !!int"),
            ("!!int 1.5", "cannot decode !!float `1.5` as a !!int"),
            ("!!bool 1", "cannot decode !!int `1` as a !!bool"),
            ("!!null x", "cannot decode !!str `x` as a !!null"),
            ("!!int ''", "cannot decode !!null `` as a !!int"),
            ("!!float 18446744073709551615", "as a !!float"),
            ("!!timestamp foo", "as a !!timestamp"),
            ("!!timestamp 2001-02-29", "as a !!timestamp"),
            ("!!timestamp 2001-12-14T21:59:43", "as a !!timestamp"),
            (
                "!!binary '!'",
                "!!binary value contains invalid base64 data",
            ),
            (
                "!!binary aGVsbG8",
                "!!binary value contains invalid base64 data",
            ),
        ];
        for (text, expected) in table {
            let stream = parse_default(&format!("v: {text}\n---\nnext: 1\n"));
            assert_eq!(stream.documents.len(), 1, "{text:?}");
            assert_eq!(stream.documents[0].value, json!({"next": 1}));
            assert_eq!(stream.problems.len(), 1, "{text:?}");
            let problem = &stream.problems[0];
            assert_eq!(problem.document, None);
            assert_eq!(problem.path, vec![k("v")]);
            match &problem.kind {
                ProblemKind::UnsupportedValue { message } => {
                    assert!(message.contains(expected), "{text:?}: {message}");
                }
                other => panic!("{text:?}: {other:?}"),
            }
        }
    }

    #[test]
    fn non_finite_floats_are_unsupported_values() {
        for text in [
            ".inf",
            ".Inf",
            ".INF",
            "+.inf",
            "-.inf",
            "-.INF",
            ".nan",
            ".NaN",
            ".NAN",
            "!!float .inf",
        ] {
            let yaml = format!("a: 1\n---\nspec:\n  v: [{text}]\n---\nb: 2\n");
            let stream = parse_default(&yaml);
            assert_eq!(stream.documents.len(), 2, "{text:?}");
            assert_eq!(stream.problems.len(), 1, "{text:?}");
            let problem = &stream.problems[0];
            assert_eq!(problem.document, None);
            assert_eq!(problem.path, vec![k("spec"), k("v"), i(0)]);
            assert_eq!(slice(&yaml, problem.span), text);
            assert!(
                matches!(problem.kind, ProblemKind::UnsupportedValue { .. }),
                "{text:?}"
            );
        }
    }

    /// Map keys are stringified the way sigs.k8s.io/yaml converts goyaml.v2 output to JSON.
    #[test]
    fn map_keys_are_stringified_like_sigs_k8s_io_yaml() {
        let table = [
            ("yes", "true"),
            ("No", "false"),
            ("true", "true"),
            ("1", "1"),
            ("-7", "-7"),
            ("0x10", "16"),
            ("0644", "420"),
            ("1_000", "1000"),
            ("9223372036854775807", "9223372036854775807"),
            ("1.5", "1.5"),
            ("1e3", "1000"),
            ("1e6", "1e+06"),
            ("1.5e6", "1.5e+06"),
            ("123456.0", "123456"),
            ("1234567.0", "1.234567e+06"),
            ("0.1", "0.1"),
            ("0.0001", "0.0001"),
            ("1e-5", "1e-05"),
            ("3.14159265358979", "3.1415927"),
            ("-0.0", "-0"),
            ("18446744073709551616", "1.8446744e+19"),
            (".inf", ".inf"),
            ("-.inf", "-.inf"),
            (".nan", ".nan"),
            ("2001-12-14", "2001-12-14"),
            ("'yes'", "yes"),
            ("\"1\"", "1"),
            ("!!str 1", "1"),
            ("1:30", "1:30"),
        ];
        for (key, expected) in table {
            let stream = parse_default(&format!("{key}: v\n"));
            assert!(
                stream.problems.iter().all(|p| p.document == Some(0)),
                "{key:?}"
            );
            let doc = &stream.documents[0];
            assert_eq!(doc.value, json!({ expected: "v" }), "{key:?}");
            assert!(doc.root.get(expected).is_some(), "{key:?}");
        }
    }

    #[test]
    fn keys_json_cannot_hold_are_unsupported_values() {
        let table = [
            ("~: a\n", "null"),
            (": a\n", "null"),
            ("null: a\n", "null"),
            ("18446744073709551615: a\n", "unsigned"),
            ("0x1FFFFFFFFFFFFFFFF: a\n", "beyond 64 bits"),
            ("[a]: b\n", "sequence"),
            ("{a: 1}: b\n", "mapping"),
            ("? - a\n: b\n", "sequence"),
            ("x: &k [1]\n*k : 2\n", "sequence"),
        ];
        for (yaml, expected) in table {
            let stream = parse_default(yaml);
            assert!(stream.documents.is_empty(), "{yaml:?}");
            match kinds(&stream).as_slice() {
                [ProblemKind::UnsupportedValue { message }] => {
                    assert!(message.contains(expected), "{yaml:?}: {message}");
                }
                other => panic!("{yaml:?}: {other:?}"),
            }
        }
    }

    #[test]
    fn yaml11_bool_problems() {
        let yaml = "a: yes\nb: [On, n, off]\non: push\nc: true\nd: 'yes'\ne: !!bool no\n";
        let stream = parse_default(yaml);
        let found: Vec<(Vec<Segment>, &str, ProblemKind)> = stream
            .problems
            .iter()
            .map(|p| (p.path.clone(), slice(yaml, p.span), p.kind.clone()))
            .collect();
        let bool11 = |text: &str, value| ProblemKind::Yaml11Bool {
            text: text.to_owned(),
            value,
        };
        assert_eq!(
            found,
            vec![
                (vec![k("a")], "yes", bool11("yes", true)),
                (vec![k("b"), i(0)], "On", bool11("On", true)),
                (vec![k("b"), i(1)], "n", bool11("n", false)),
                (vec![k("b"), i(2)], "off", bool11("off", false)),
                (vec![k("true")], "on", bool11("on", true)),
            ]
        );
        assert!(stream.problems.iter().all(|p| p.document == Some(0)));
        assert_eq!(
            stream.documents[0].value,
            json!({"a": true, "b": [true, false, false], "true": "push", "c": true, "d": "yes", "e": false})
        );
    }

    #[test]
    fn yaml11_octal_problems() {
        let yaml = "mode: 0644\nneg: -0755\nsame: 07\nzero: 0\nnew: 0o644\nhex: 0x1F\nsep: 0_7\nsep2: 0_10\nq: '0644'\nf: 08\n";
        let stream = parse_default(yaml);
        let found: Vec<(Vec<Segment>, &str, ProblemKind)> = stream
            .problems
            .iter()
            .map(|p| (p.path.clone(), slice(yaml, p.span), p.kind.clone()))
            .collect();
        let octal = |text: &str, value| ProblemKind::Yaml11Octal {
            text: text.to_owned(),
            value,
        };
        assert_eq!(
            found,
            vec![
                (vec![k("mode")], "0644", octal("0644", 420)),
                (vec![k("neg")], "-0755", octal("-0755", -493)),
                (vec![k("sep2")], "0_10", octal("0_10", 8)),
            ]
        );
        assert_eq!(stream.documents[0].value["f"], json!(8.0));
    }

    // ----- spans -----

    const MANIFEST: &str = "\
apiVersion: v1
kind: Pod
metadata:
  name: web
  labels: {app: web, \"tier\": 'front'}
spec:
  containers:
    - name: main
      image: nginx:1.27
      args:
      - --port=80
      - \"--verbose\"   # trailing comment
      env:
        - {name: A, value: \"x\"}
        - name: B
          value: |
            multi
            line

  # comment after the block scalar
  volumes: []
";

    #[test]
    fn spans_of_nested_maps_and_sequences() {
        let doc = clean(MANIFEST);
        let text = MANIFEST;
        let at = |path: &[Segment]| node(&doc, path);
        let key_text = |path: &[Segment]| slice(text, at(path).key().unwrap());
        let value_text = |path: &[Segment]| slice(text, at(path).value());

        assert_eq!(key_text(&[k("kind")]), "kind");
        assert_eq!(value_text(&[k("kind")]), "Pod");
        assert_eq!(line_col(text, at(&[k("kind")]).value().start), (2, 7));

        assert_eq!(
            value_text(&[k("metadata"), k("labels")]),
            "{app: web, \"tier\": 'front'}"
        );
        assert_eq!(
            key_text(&[k("metadata"), k("labels"), k("tier")]),
            "\"tier\""
        );
        assert_eq!(
            value_text(&[k("metadata"), k("labels"), k("tier")]),
            "'front'"
        );
        assert_eq!(
            value_text(&[k("metadata")]),
            "name: web\n  labels: {app: web, \"tier\": 'front'}"
        );

        let container = [k("spec"), k("containers"), i(0)];
        assert_eq!(at(&container).key(), None);
        assert!(value_text(&container).starts_with("name: main\n      image"));
        assert!(value_text(&container).ends_with("multi\n            line"));
        assert_eq!(line_col(text, at(&container).value().start), (8, 7));
        // A block sequence starts at its first `-`, an indentless one too.
        assert!(value_text(&[k("spec"), k("containers")]).starts_with("- name: main"));
        let args = [k("spec"), k("containers"), i(0), k("args")];
        assert_eq!(value_text(&args), "- --port=80\n      - \"--verbose\"");
        assert_eq!(line_col(text, at(&args).value().start), (11, 7));
        assert_eq!(
            value_text(&[
                args[0].clone(),
                args[1].clone(),
                args[2].clone(),
                args[3].clone(),
                i(1)
            ]),
            "\"--verbose\""
        );

        let env0 = [k("spec"), k("containers"), i(0), k("env"), i(0)];
        assert_eq!(value_text(&env0), "{name: A, value: \"x\"}");
        let mut value_b = env0.to_vec();
        value_b[4] = i(1);
        value_b.push(k("value"));
        assert_eq!(
            value_text(&value_b),
            "|\n            multi\n            line"
        );
        assert_eq!(line_col(text, at(&value_b).key().unwrap().start), (16, 11));

        assert_eq!(value_text(&[k("spec"), k("volumes")]), "[]");
        // Collections end with their last child, not with the comment that follows.
        assert!(value_text(&[k("spec")]).ends_with("volumes: []"));
        assert_eq!(doc.root.value.start, 0);
        assert_eq!(slice(text, doc.root.value()), MANIFEST.trim_end());
    }

    #[test]
    fn spans_of_block_scalars() {
        let text = "a: |\n  one\n  two  \n\n\n# c\nb: >-\n  x\n  y\nc: &anchor !!str |+ # note\n  kept\n\nd: |\ne: |2\n    indented\nf:\n- >\n  item\n";
        let stream = parse_default(text);
        assert!(stream.problems.is_empty(), "{:?}", stream.problems);
        let doc = &stream.documents[0];
        let value = |key: &str| slice(text, doc.root.get(key).unwrap().value());
        assert_eq!(value("a"), "|\n  one\n  two  ");
        assert_eq!(value("b"), ">-\n  x\n  y");
        assert_eq!(value("c"), "&anchor !!str |+ # note\n  kept");
        assert_eq!(doc.value["c"], json!("kept\n\n"));
        assert_eq!(value("d"), "|");
        assert_eq!(doc.value["d"], json!(""));
        assert_eq!(value("e"), "|2\n    indented");
        assert_eq!(doc.value["e"], json!("  indented\n"));
        assert_eq!(value("f"), "- >\n  item");
        assert_eq!(
            slice(text, doc.root.at(&[k("f"), i(0)]).unwrap().value()),
            ">\n  item"
        );

        let root = "--- |\n  root\n";
        let doc = clean(root);
        assert_eq!(slice(root, doc.root.value()), "|\n  root");
        assert_eq!(doc.content_start, 4);
    }

    #[test]
    fn spans_of_quoted_keys_and_values() {
        let text = "\"quoted key\": 'single'   # c\n'k2': \"a \\\" b\"\n\"multi\": \"one\n  two\" # c\n? complex\n: v\n";
        let doc = clean(text);
        let entry = |key: &str| doc.root.get(key).unwrap();
        assert_eq!(
            slice(text, entry("quoted key").key().unwrap()),
            "\"quoted key\""
        );
        assert_eq!(slice(text, entry("quoted key").value()), "'single'");
        assert_eq!(slice(text, entry("k2").key().unwrap()), "'k2'");
        assert_eq!(slice(text, entry("k2").value()), "\"a \\\" b\"");
        assert_eq!(slice(text, entry("multi").value()), "\"one\n  two\"");
        assert_eq!(doc.value["multi"], json!("one two"));
        assert_eq!(slice(text, entry("complex").key().unwrap()), "complex");
        assert_eq!(slice(text, entry("complex").value()), "v");
    }

    #[test]
    fn spans_are_bytes_after_unicode_crlf_and_bom() {
        let text = "# ünïcödé comment 😀\nnamé: \"héllo wörld\"\nnext: 😀 value\nlist: [€, 'ß', x]\nkey: x\n";
        let doc = clean(text);
        assert_eq!(
            slice(text, doc.root.get("namé").unwrap().key().unwrap()),
            "namé"
        );
        assert_eq!(
            slice(text, doc.root.get("namé").unwrap().value()),
            "\"héllo wörld\""
        );
        assert_eq!(
            slice(text, doc.root.get("next").unwrap().value()),
            "😀 value"
        );
        assert_eq!(
            slice(text, doc.root.at(&[k("list"), i(1)]).unwrap().value()),
            "'ß'"
        );
        assert_eq!(
            slice(text, doc.root.at(&[k("list"), i(2)]).unwrap().value()),
            "x"
        );
        assert_eq!(
            slice(text, doc.root.get("key").unwrap().key().unwrap()),
            "key"
        );
        assert_eq!(
            line_col(text, doc.root.get("key").unwrap().value().start),
            (5, 6)
        );

        let crlf =
            "a: 1\r\nb:\r\n  c: \"x\"\r\n  d: |\r\n    text\r\n    more\r\ne: [1,\r\n  2]\r\n";
        let doc = clean(crlf);
        assert_eq!(
            doc.value,
            json!({"a": 1, "b": {"c": "x", "d": "text\nmore\n"}, "e": [1, 2]})
        );
        assert_eq!(
            slice(crlf, doc.root.at(&[k("b"), k("c")]).unwrap().value()),
            "\"x\""
        );
        assert_eq!(
            slice(crlf, doc.root.at(&[k("b"), k("d")]).unwrap().value()),
            "|\r\n    text\r\n    more"
        );
        assert_eq!(
            slice(crlf, doc.root.get("e").unwrap().value()),
            "[1,\r\n  2]"
        );
        assert_eq!(
            slice(crlf, doc.root.get("b").unwrap().value()),
            "c: \"x\"\r\n  d: |\r\n    text\r\n    more"
        );

        let bom = "\u{feff}a: 1\nb: é\n";
        let doc = clean(bom);
        assert_eq!(doc.span.start, 3);
        assert_eq!(doc.content_start, 3);
        assert_eq!(slice(bom, doc.root.get("a").unwrap().key().unwrap()), "a");
        assert_eq!(slice(bom, doc.root.get("b").unwrap().value()), "é");

        let tabs = "a: 1\t# c\nb: [\tx,\tz ]\nc: \t2\n";
        let doc = clean(tabs);
        assert_eq!(doc.value, json!({"a": 1, "b": ["x", "z"], "c": 2}));
        assert_eq!(
            slice(tabs, doc.root.at(&[k("b"), i(1)]).unwrap().value()),
            "z"
        );
        // Like libyaml, a tab alone cannot separate a block mapping value from its `:`.
        assert!(matches!(
            kinds(&parse_default("a:\t1\n")).as_slice(),
            [ProblemKind::Syntax { .. }]
        ));
    }

    #[test]
    fn spans_of_empty_values_and_flow_pairs() {
        let text = "a:\nb: [x: 1, z]\nc: {p, q: }\nd:\n- \n-\n";
        let doc = clean(text);
        assert_eq!(
            doc.value,
            json!({"a": null, "b": [{"x": 1}, "z"], "c": {"p": null, "q": null}, "d": [null, null]})
        );
        let a = doc.root.get("a").unwrap().value;
        assert_eq!((a.start, a.end), (2, 2));
        assert_eq!(
            slice(text, doc.root.at(&[k("b"), i(0)]).unwrap().value()),
            "x: 1"
        );
        assert_eq!(slice(text, doc.root.get("d").unwrap().value()), "- \n-");
    }

    #[test]
    fn offsets_convert_characters_to_bytes() {
        let text = "aé😀€€b\u{7ff}\u{800}x😀😀\n";
        let offsets = Offsets::new(text);
        let mut expected: Vec<usize> = text.char_indices().map(|(b, _)| b).collect();
        expected.push(text.len());
        for (c, b) in expected.iter().enumerate() {
            assert_eq!(offsets.byte(c), *b, "char {c}");
        }
        assert_eq!(offsets.byte(expected.len() + 10), text.len());
        assert!(Offsets::new("plain ascii").runs.is_empty());
        assert_eq!(Offsets::new("€€€€€€").runs.len(), 1);
    }

    // ----- documents -----

    #[test]
    fn multi_document_streams() {
        let text = "a: 1\n---\n# top comment\nb: 2\n...\n---\n\n--- ~\n---\n# only a comment\n---\n--- !!null\n...\n# between\nc: [1, 2]\n--- {d: 4}\n";
        let stream = parse_default(text);
        assert!(stream.problems.is_empty(), "{:?}", stream.problems);
        let values: Vec<&Value> = stream.documents.iter().map(|d| &d.value).collect();
        assert_eq!(
            values,
            [
                &json!({"a": 1}),
                &json!({"b": 2}),
                &json!({"c": [1, 2]}),
                &json!({"d": 4})
            ]
        );

        let spans: Vec<&str> = stream
            .documents
            .iter()
            .map(|d| slice(text, d.span))
            .collect();
        assert_eq!(spans[0], "a: 1\n");
        assert_eq!(spans[1], "# top comment\nb: 2\n");
        assert_eq!(spans[2], "# between\nc: [1, 2]\n");
        assert_eq!(spans[3], "{d: 4}\n");
        let tops: Vec<&str> = stream
            .documents
            .iter()
            .map(|d| &text[d.span.start..d.content_start])
            .collect();
        assert_eq!(tops, ["", "# top comment\n", "# between\n", ""]);
    }

    #[test]
    fn problems_carry_the_index_of_their_kept_document() {
        let text = "a: yes\n---\nbroken: .inf\n---\n~\n---\nb: 1\nb: 2\n";
        let stream = parse_default(text);
        assert_eq!(stream.documents.len(), 2);
        assert_eq!(stream.documents[1].value, json!({"b": 2}));
        let summary: Vec<(Option<usize>, &str)> = stream
            .problems
            .iter()
            .map(|p| (p.document, slice(text, p.span)))
            .collect();
        assert_eq!(summary, [(Some(0), "yes"), (None, ".inf"), (Some(1), "b")]);
    }

    #[test]
    fn empty_inputs() {
        for text in [
            "",
            "\n",
            "# just a comment\n",
            "---\n",
            "--- ~\n...\n",
            "\u{feff}",
            "null\n",
        ] {
            let stream = parse_default(text);
            assert!(stream.documents.is_empty(), "{text:?}");
            assert!(stream.problems.is_empty(), "{text:?}");
        }
        // A non-null scalar or an empty string is a document.
        assert_eq!(clean("--- ''\n").value, json!(""));
        assert_eq!(clean("just text\n").value, json!("just text"));
    }

    // ----- duplicates -----

    #[test]
    fn every_duplicate_key_is_reported_against_the_first() {
        let text =
            "metadata:\n  name: a\n  labels:\n    app: x1\n    app: x2\n  name: b\n  name: c\n";
        let stream = parse_default(text);
        let doc = &stream.documents[0];
        assert_eq!(doc.value["metadata"]["name"], json!("c"));
        assert_eq!(doc.value["metadata"]["labels"]["app"], json!("x2"));
        let first_name = doc
            .root
            .at(&[k("metadata")])
            .and_then(|m| match &m.children {
                Children::Map(entries) => entries.first().and_then(|(_, n)| n.key()),
                _ => None,
            });
        let dups: Vec<(Vec<Segment>, (usize, usize), ProblemKind)> = stream
            .problems
            .iter()
            .map(|p| (p.path.clone(), line_col(text, p.span.start), p.kind.clone()))
            .collect();
        let name_first = first_name.unwrap();
        let app_at = text.find("app").unwrap();
        let app_first = Span {
            start: app_at,
            end: app_at + 3,
        };
        assert_eq!(
            dups,
            vec![
                (
                    vec![k("metadata"), k("labels"), k("app")],
                    (5, 5),
                    ProblemKind::DuplicateKey {
                        key: "app".into(),
                        first: app_first
                    }
                ),
                (
                    vec![k("metadata"), k("name")],
                    (6, 3),
                    ProblemKind::DuplicateKey {
                        key: "name".into(),
                        first: name_first
                    }
                ),
                (
                    vec![k("metadata"), k("name")],
                    (7, 3),
                    ProblemKind::DuplicateKey {
                        key: "name".into(),
                        first: name_first
                    }
                ),
            ]
        );
        // The span tree keeps every occurrence; `get` finds the one whose value was kept.
        let metadata = doc.root.get("metadata").unwrap();
        assert_eq!(slice(text, metadata.get("name").unwrap().value()), "c");
        match &metadata.children {
            Children::Map(entries) => {
                assert_eq!(entries.iter().filter(|(k, _)| &**k == "name").count(), 3)
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn keys_that_stringify_alike_are_duplicates() {
        let text = "1: a\n\"1\": b\nyes: c\ntrue: d\n0x10: e\n16: f\n";
        let stream = parse_default(text);
        assert_eq!(
            stream.documents[0].value,
            json!({"1": "b", "true": "d", "16": "f"})
        );
        let dup_keys: Vec<&str> = stream
            .problems
            .iter()
            .filter_map(|p| match &p.kind {
                ProblemKind::DuplicateKey { key, .. } => Some(key.as_str()),
                _ => None,
            })
            .collect();
        assert_eq!(dup_keys, ["1", "true", "16"]);
    }

    #[test]
    fn duplicate_keys_in_flow_mappings_and_json() {
        let text = "{\"a\": 1, \"a\": 2, \"b\": {\"c\": 1, \"c\": 2}}";
        let stream = parse_default(text);
        assert_eq!(stream.documents[0].value, json!({"a": 2, "b": {"c": 2}}));
        let paths: Vec<Vec<Segment>> = stream.problems.iter().map(|p| p.path.clone()).collect();
        assert_eq!(paths, [vec![k("a")], vec![k("b"), k("c")]]);
    }

    // ----- merge keys -----

    #[test]
    fn merge_keys() {
        let text = "\
base: &base {name: base, size: 1}
extra: &extra {size: 2, color: red}
single:
  <<: *base
list:
  <<: [*base, *extra]
override:
  size: 10
  <<: *base
  name: mine
inline:
  <<: {a: 1}
  b: 2
nested:
  <<: &mid
    <<: *base
    level: mid
  own: true
again:
  <<: *mid
twice:
  <<: *base
  <<: *extra
tagged:
  !!merge <<: *base
quoted:
  '<<': *base
";
        let stream = parse_default(text);
        assert!(
            stream
                .problems
                .iter()
                .all(|p| !matches!(p.kind, ProblemKind::DuplicateKey { .. })),
            "{:?}",
            stream.problems
        );
        let value = &stream.documents[0].value;
        assert_eq!(value["single"], json!({"name": "base", "size": 1}));
        assert_eq!(
            value["list"],
            json!({"name": "base", "size": 1, "color": "red"})
        );
        assert_eq!(value["override"], json!({"name": "mine", "size": 10}));
        assert_eq!(value["inline"], json!({"a": 1, "b": 2}));
        assert_eq!(
            value["nested"],
            json!({"name": "base", "size": 1, "level": "mid", "own": true})
        );
        assert_eq!(
            value["again"],
            json!({"name": "base", "size": 1, "level": "mid"})
        );
        assert_eq!(
            value["twice"],
            json!({"name": "base", "size": 2, "color": "red"})
        );
        assert_eq!(value["tagged"], json!({"name": "base", "size": 1}));
        assert_eq!(value["quoted"], json!({"<<": {"name": "base", "size": 1}}));

        // Merged entries keep the spans of the text they come from; explicit ones keep theirs.
        let root = &stream.documents[0].root;
        let merged_name = root.at(&[k("single"), k("name")]).unwrap();
        assert_eq!(slice(text, merged_name.key().unwrap()), "name");
        assert_eq!(line_col(text, merged_name.value().start), (1, 20));
        let own_name = root.at(&[k("override"), k("name")]).unwrap();
        assert_eq!(slice(text, own_name.value()), "mine");
        let listed_color = root.at(&[k("list"), k("color")]).unwrap();
        assert_eq!(line_col(text, listed_color.value().start), (2, 32));
    }

    #[test]
    fn merge_values_must_be_mappings() {
        for (yaml, path) in [
            ("a:\n  <<: 1\n", vec![k("a"), k("<<")]),
            ("a:\n  <<: ~\n", vec![k("a"), k("<<")]),
            ("a:\n  <<: [1, 2]\n", vec![k("a"), k("<<")]),
            ("l: &l [{x: 1}]\na:\n  <<: *l\n", vec![k("a"), k("<<")]),
            ("a:\n  <<: [[{x: 1}]]\n", vec![k("a"), k("<<")]),
        ] {
            let stream = parse_default(&format!("{yaml}---\nok: 1\n"));
            assert_eq!(stream.documents.len(), 1, "{yaml:?}");
            assert_eq!(stream.problems.len(), 1, "{yaml:?}");
            assert_eq!(stream.problems[0].path, path, "{yaml:?}");
            assert_eq!(
                stream.problems[0].kind,
                ProblemKind::UnsupportedValue {
                    message: "map merge requires map or sequence of maps as the value".into()
                }
            );
        }
    }

    // ----- anchors and aliases -----

    #[test]
    fn anchors_and_aliases() {
        let text = "\
defaults: &defaults
  image: nginx
  ports: [80, 443]
first: *defaults
scalar: &s yes
copy: *s
key: &k name
*k : aliased key
redefined: &s 2
latest: *s
";
        let stream = parse_default(text);
        let doc = &stream.documents[0];
        assert_eq!(
            doc.value["first"],
            json!({"image": "nginx", "ports": [80, 443]})
        );
        assert_eq!(doc.value["copy"], json!(true));
        assert_eq!(doc.value["name"], json!("aliased key"));
        assert_eq!(doc.value["latest"], json!(2));
        // The anchored `yes` is reported once, not again for its alias.
        assert_eq!(
            kinds(&stream),
            [ProblemKind::Yaml11Bool {
                text: "yes".into(),
                value: true
            }]
        );

        let first = doc.root.get("first").unwrap();
        assert_eq!(slice(text, first.value()), "*defaults");
        assert_eq!(slice(text, first.key().unwrap()), "first");
        let image = first.get("image").unwrap();
        assert_eq!(line_col(text, image.value().start), (2, 10));
        assert_eq!(
            slice(text, first.at(&[k("ports"), i(1)]).unwrap().value()),
            "443"
        );
        let defaults = doc.root.get("defaults").unwrap();
        assert_eq!(
            slice(text, defaults.value()),
            "&defaults\n  image: nginx\n  ports: [80, 443]"
        );
        assert_eq!(slice(text, doc.root.get("copy").unwrap().value()), "*s");
        assert_eq!(
            slice(text, doc.root.get("name").unwrap().key().unwrap()),
            "*k"
        );
    }

    #[test]
    fn an_alias_inside_its_own_anchor_is_unsupported() {
        let stream = parse_default("a: &x [1, *x]\n");
        assert!(stream.documents.is_empty());
        assert_eq!(stream.problems[0].path, vec![k("a"), i(1)]);
        assert_eq!(
            stream.problems[0].kind,
            ProblemKind::UnsupportedValue {
                message: "anchor 'x' value contains itself".into()
            }
        );
    }

    fn billion_laughs() -> String {
        let mut text = String::from(
            "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
        );
        for (prev, name) in ["a", "b", "c", "d", "e", "f", "g", "h"]
            .iter()
            .zip(["b", "c", "d", "e", "f", "g", "h", "i"])
        {
            let refs = vec![format!("*{prev}"); 10].join(",");
            text.push_str(&format!("{name}: &{name} [{refs}]\n"));
        }
        text
    }

    #[test]
    fn alias_bomb_is_stopped_quickly() {
        let text = billion_laughs() + "---\nnext: ok\n";
        let started = Instant::now();
        let stream = parse_default(&text);
        assert!(
            started.elapsed().as_secs_f64() < 1.0,
            "{:?}",
            started.elapsed()
        );
        assert_eq!(stream.documents.len(), 1);
        assert_eq!(stream.documents[0].value, json!({"next": "ok"}));
        assert_eq!(stream.problems.len(), 1);
        let problem = &stream.problems[0];
        assert_eq!(
            problem.kind,
            ProblemKind::ExcessiveAliasing { limit: 100_000 }
        );
        assert_eq!(problem.document, None);
        assert!(slice(&text, problem.span).starts_with('*'));
        assert_eq!(problem.path.first(), Some(&k("e")));
    }

    #[test]
    fn alias_budget_is_configurable() {
        let text = "a: &a [1, 2, 3]\nb: [*a, *a]\n";
        assert_eq!(clean(text).value["b"], json!([[1, 2, 3], [1, 2, 3]]));
        let limits = Limits {
            max_alias_nodes: 7,
            ..Limits::default()
        };
        let stream = parse(text, &limits);
        assert!(stream.documents.is_empty());
        assert_eq!(
            kinds(&stream),
            [ProblemKind::ExcessiveAliasing { limit: 7 }]
        );
        assert_eq!(slice(text, stream.problems[0].span), "*a");
        assert_eq!(stream.problems[0].path, vec![k("b"), i(1)]);
    }

    #[test]
    fn nested_anchors_are_charged_to_the_alias_budget() {
        // Each level anchors everything below it: copying every anchored subtree would be
        // quadratic, so the re-copies count against the budget.
        let depth = 200;
        let mut text = String::new();
        for level in 0..depth {
            text.push_str(&format!("{}k{level}: &a{level}\n", "  ".repeat(level)));
        }
        text.push_str(&format!(
            "{}leaf: [{}]\n",
            "  ".repeat(depth),
            vec!["1"; 2000].join(",")
        ));
        text.push_str("alias: *a0\n");
        let stream = parse_default(&text);
        assert!(stream.documents.is_empty());
        assert_eq!(
            kinds(&stream),
            [ProblemKind::ExcessiveAliasing { limit: 100_000 }]
        );
    }

    // ----- go-yaml leniency -----

    #[test]
    fn closing_brackets_at_key_indentation_parse_as_go_yaml_reads_them() {
        let text = "spec:\n  - name: x\n    args: [\n        \"-a\", \"b\",\n    ]\n    env: []\n";
        let stream = parse_default(text);
        assert!(stream.problems.is_empty(), "{:?}", stream.problems);
        assert_eq!(
            stream.documents[0].value,
            serde_json::json!({"spec": [{"name": "x", "args": ["-a", "b"], "env": []}]})
        );
        let item = stream.documents[0]
            .root
            .get("spec")
            .and_then(|s| s.index(0))
            .expect("item");
        let env = item.get("env").and_then(|e| e.key()).expect("env key");
        assert_eq!(&text[env.start..env.end], "env");
        // A comment on the previous line would swallow the bracket: stays an error.
        let commented = "spec:\n  - name: x\n    args: [\n        \"-a\", # one\n    ]\n";
        assert!(!parse_default(commented).problems.is_empty());
    }

    // ----- depth -----

    #[test]
    fn deep_flow_nesting_on_a_small_stack() {
        on_small_stack(|| {
            let text = "[".repeat(100_000) + &"]".repeat(100_000);
            let stream = parse_default(&text);
            assert!(stream.documents.is_empty());
            // saphyr's scanner allows 255 flow levels, fewer than our default limit.
            assert_eq!(
                kinds(&stream),
                [ProblemKind::ExcessiveNesting {
                    limit: SAPHYR_FLOW_LIMIT
                }]
            );
            let text = "{a: ".repeat(100_000);
            assert_eq!(parse_default(&text).problems.len(), 1);
        });
    }

    #[test]
    fn deep_block_nesting_on_a_small_stack() {
        on_small_stack(|| {
            for unit in ["- ", "? "] {
                let text = unit.repeat(100_000) + "x\n---\nnext: 1\n";
                let started = Instant::now();
                let stream = parse_default(&text);
                assert!(started.elapsed().as_secs_f64() < 30.0);
                assert_eq!(stream.documents.len(), 1, "{unit:?}");
                assert_eq!(stream.documents[0].value, json!({"next": 1}));
                assert_eq!(
                    kinds(&stream),
                    [ProblemKind::ExcessiveNesting { limit: 256 }],
                    "{unit:?}"
                );
                // Sequence items have a path; complex keys do not.
                let depth = if unit == "- " { 256 } else { 0 };
                assert_eq!(stream.problems[0].path.len(), depth, "{unit:?}");
            }
            // Indented block mappings.
            let mut text = String::new();
            for level in 0..1_000 {
                text.push_str(&" ".repeat(level));
                text.push_str("a:\n");
            }
            let stream = parse_default(&text);
            assert_eq!(
                kinds(&stream),
                [ProblemKind::ExcessiveNesting { limit: 256 }]
            );
            let (line, _) = line_col(&text, stream.problems[0].span.start);
            assert_eq!(line, 257);
        });
    }

    #[test]
    fn the_deepest_allowed_document_builds_and_drops_on_a_small_stack() {
        on_small_stack(|| {
            let text = "- ".repeat(256) + "x\n";
            let stream = parse_default(&text);
            assert!(stream.problems.is_empty());
            let copy = stream.documents[0].root.clone();
            let value = stream.documents[0].value.clone();
            drop(stream);
            drop(copy);
            drop(value);
            let flow = "a:\n  b: ".to_owned() + &"[".repeat(254) + &"]".repeat(254) + "\n";
            assert!(parse_default(&flow).problems.is_empty());
        });
    }

    #[test]
    fn depth_limit_is_exact_and_counts_aliases() {
        let limits = Limits {
            max_depth: 3,
            ..Limits::default()
        };
        assert!(parse("a: {b: [1]}\n", &limits).problems.is_empty());
        let text = "a: {b: [[1]]}\n";
        let stream = parse(text, &limits);
        assert_eq!(kinds(&stream), [ProblemKind::ExcessiveNesting { limit: 3 }]);
        assert_eq!(slice(text, stream.problems[0].span), "[");
        assert_eq!(stream.problems[0].path, vec![k("a"), k("b"), i(0)]);

        let text = "x: &x [[1]]\ny: {z: *x}\n";
        let stream = parse(text, &limits);
        assert_eq!(kinds(&stream), [ProblemKind::ExcessiveNesting { limit: 3 }]);
        assert_eq!(slice(text, stream.problems[0].span), "*x");

        let limits = Limits {
            max_depth: 10,
            ..Limits::default()
        };
        let text = "[".repeat(12) + &"]".repeat(12);
        assert_eq!(
            kinds(&parse(&text, &limits)),
            [ProblemKind::ExcessiveNesting { limit: 10 }]
        );
    }

    // ----- syntax errors -----

    #[test]
    fn syntax_errors_keep_earlier_documents_and_stop() {
        let text = "a: 1\n---\nb: [1, 2\n---\nc: 3\n";
        let stream = parse_default(text);
        assert_eq!(stream.documents.len(), 1);
        assert_eq!(stream.documents[0].value, json!({"a": 1}));
        assert_eq!(stream.problems.len(), 1);
        let problem = &stream.problems[0];
        assert_eq!(problem.document, None);
        assert!(problem.path.is_empty());
        assert_eq!(line_col(text, problem.span.start), (4, 1));
        assert_eq!(problem.span.end - problem.span.start, 1);
        assert!(matches!(problem.kind, ProblemKind::Syntax { .. }));

        let text = "ok: 1\n---\nkey: b: c\n";
        let stream = parse_default(text);
        assert_eq!(stream.documents.len(), 1);
        assert_eq!(line_col(text, stream.problems[0].span.start), (3, 7));
        assert_eq!(
            stream.problems[0].kind,
            ProblemKind::Syntax {
                message: "mapping values are not allowed in this context".into()
            }
        );

        // Positions are bytes even after multi-byte characters.
        let text = "ü: 😀\nbad: [\n";
        let stream = parse_default(text);
        let span = stream.problems[0].span;
        assert!(text.is_char_boundary(span.start) && text.is_char_boundary(span.end));
        assert!(span.end <= text.len() && span.end > span.start);

        // An error at the very end points at the last character.
        let text = "a: \"unterminated";
        let span = parse_default(text).problems[0].span;
        assert!(span.end <= text.len() && span.end > span.start);

        // Problems of the broken document are dropped with it.
        let stream = parse_default("a: yes\nb: [\n");
        assert_eq!(stream.problems.len(), 1);
    }

    #[test]
    fn unknown_alias_is_a_syntax_error() {
        let stream = parse_default("a: *nope\n");
        assert!(matches!(
            kinds(&stream).as_slice(),
            [ProblemKind::Syntax { .. }]
        ));
    }

    // ----- JSON -----

    #[test]
    fn json_manifests_parse_like_serde_json() {
        let json_text = r#"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"x","labels":{"a":"b"},"annotations":{"e":"\u00e9\/\\","n":"line\nnext\ttab \"q\"","emoji":"😀"}},
 "data":{"yes":"no","empty":""},"nums":[1,-2,1.5,1e3,1E-2,2.5e+10,12345678901234567890,0.1,-0.5,0,true,false,null],
 "nested":[[],{},[{"a":[1,{"b":null}]}]]}"#;
        let expected: Value = serde_json::from_str(json_text).unwrap();
        assert_eq!(clean(json_text).value, expected);
        let pretty = serde_json::to_string_pretty(&expected).unwrap();
        assert_eq!(clean(&pretty).value, expected);
        let spans = clean(&pretty);
        assert_eq!(
            slice(&pretty, spans.root.get("kind").unwrap().value()),
            "\"ConfigMap\""
        );
        assert_eq!(
            slice(&pretty, spans.root.get("kind").unwrap().key().unwrap()),
            "\"kind\""
        );

        // Several JSON documents in one stream, as kubectl accepts them.
        let stream = parse_default("{\"a\": 1}\n---\n{\"b\": [2]}\n");
        assert_eq!(stream.documents.len(), 2);
    }

    #[test]
    fn json_surrogate_pairs() {
        let text = r#"{"s": "\ud83d\ude00 and \u00e9", "lone": "\ud800x", "low": "\uDE00", "k\ud83d\ude00": 1}"#;
        let stream = parse_default(text);
        assert!(stream.problems.is_empty(), "{:?}", stream.problems);
        assert_eq!(
            stream.documents[0].value,
            json!({"s": "😀 and é", "lone": "\u{fffd}x", "low": "\u{fffd}", "k😀": 1})
        );
        let root = &stream.documents[0].root;
        assert_eq!(
            slice(text, root.get("s").unwrap().value()),
            r#""\ud83d\ude00 and \u00e9""#
        );
        assert_eq!(
            slice(text, root.get("k😀").unwrap().key().unwrap()),
            r#""k\ud83d\ude00""#
        );

        // A replacement that lands outside a double-quoted scalar: parse the text as it is.
        let text = r#"[x"y, "z", '\ud83d"']"#;
        assert_eq!(clean(text).value, json!(["x\"y", "z", "\\ud83d\""]));
        // In YAML (not JSON-looking) text, surrogate escapes are an error, as in goyaml.v2.
        let stream = parse_default("a: \"\\ud83d\\ude00\"\n");
        assert!(matches!(
            kinds(&stream).as_slice(),
            [ProblemKind::Syntax { .. }]
        ));
    }

    #[test]
    fn double_quoted_decoding() {
        let cases = [
            ("plain", "plain"),
            ("a\\tb\\n\\\\\\\"\\/", "a\tb\n\\\"/"),
            ("\\x41\\u00e9\\U0001F600", "Aé😀"),
            ("\\ud83d\\ude00", "😀"),
            ("\\ud83dx", "\u{fffd}x"),
            ("one\n  two", "one two"),
            ("one  \n\n  two", "one\ntwo"),
            ("one\\t\n two", "one\t two"),
            ("one\\\n   two", "onetwo"),
            (
                "\\0\\a\\b\\v\\f\\r\\e\\ \\N\\_\\L\\P",
                "\0\x07\x08\x0b\x0c\r\x1b \u{85}\u{a0}\u{2028}\u{2029}",
            ),
        ];
        for (src, expected) in cases {
            assert_eq!(decode_double_quoted(src), expected, "{src:?}");
        }
    }

    // ----- helpers -----

    #[test]
    fn go_float32_formatting() {
        for (f, expected) in [
            (1.0, "1"),
            (1.5, "1.5"),
            (100000.0, "100000"),
            (1e6, "1e+06"),
            (1.5e6, "1.5e+06"),
            (1e21, "1e+21"),
            (0.0001, "0.0001"),
            (0.00001, "1e-05"),
            (1.25e-7, "1.25e-07"),
            (-2.5, "-2.5"),
            (0.0, "0"),
            (-0.0, "-0"),
            (1.23456789012345, "1.2345679"),
            (1e39, ".inf"),
            (f64::NEG_INFINITY, "-.inf"),
            (f64::NAN, ".nan"),
        ] {
            assert_eq!(go_format_float32(f), expected, "{f}");
        }
    }

    #[test]
    fn go_base64_and_strings() {
        assert_eq!(go_base64_decode("aGVsbG8=").unwrap(), b"hello");
        assert_eq!(go_base64_decode("aGVs\r\nbG8=\n").unwrap(), b"hello");
        assert_eq!(go_base64_decode("aGVsbA==").unwrap(), b"hell");
        assert_eq!(go_base64_decode("").unwrap(), b"");
        assert_eq!(go_base64_decode("aGVsbG8"), None);
        assert_eq!(go_base64_decode("aGV sbG8="), None);
        assert_eq!(go_base64_decode("aG=sbG8="), None);
        assert_eq!(go_base64_decode("aGVsbA===="), None);
        assert_eq!(go_base64_decode("===="), None);
        assert_eq!(go_string_from_bytes(b"ok"), "ok");
        assert_eq!(go_string_from_bytes(&[0xff, b'a']), "\u{fffd}a");
        assert_eq!(go_string_from_bytes(&[0xe2, 0x82]), "\u{fffd}\u{fffd}");
        assert_eq!(go_string_from_bytes("é".as_bytes()), "é");
    }

    #[test]
    fn go_integer_parsing() {
        assert_eq!(go_parse_uint("0"), Ok(0));
        assert_eq!(go_parse_uint("0x"), Err(IntError::Syntax));
        assert_eq!(go_parse_uint("18446744073709551616"), Err(IntError::Range));
        assert_eq!(go_parse_int("-9223372036854775808"), Ok(i64::MIN));
        assert_eq!(go_parse_int("-9223372036854775809"), Err(IntError::Range));
        assert_eq!(go_parse_int("+-1"), Err(IntError::Syntax));
        assert_eq!(go_parse_int(""), Err(IntError::Syntax));
        assert!(is_go_timestamp("2001-1-2"));
        assert!(is_go_timestamp("2000-02-29 1:2:3"));
        assert!(is_go_timestamp("2001-12-14T21:59:43.123+01:00"));
        assert!(!is_go_timestamp("2001-12-14T21:59:43"));
        assert!(!is_go_timestamp("2001-12-32"));
        assert!(!is_go_timestamp("01-12-14"));
    }

    // ----- robustness -----

    /// Every span of every node, problem and document lies on character boundaries.
    fn assert_spans_valid(text: &str, stream: &Stream) {
        let check = |span: Span| {
            assert!(
                span.start <= span.end && span.end <= text.len(),
                "{span:?} in {text:?}"
            );
            assert!(
                text.is_char_boundary(span.start) && text.is_char_boundary(span.end),
                "{span:?} in {text:?}"
            );
        };
        for problem in &stream.problems {
            check(problem.span);
        }
        for doc in &stream.documents {
            check(doc.span);
            assert!(doc.span.start <= doc.content_start);
            let mut pending = vec![&doc.root];
            while let Some(node) = pending.pop() {
                check(node.value());
                if let Some(key) = node.key() {
                    check(key);
                }
                match &node.children {
                    Children::Leaf => {}
                    Children::Seq(items) => pending.extend(items),
                    Children::Map(entries) => pending.extend(entries.iter().map(|(_, n)| n)),
                }
            }
        }
    }

    #[test]
    fn mutated_inputs_never_panic() {
        let seeds = [
            MANIFEST.to_owned(),
            billion_laughs(),
            "a: &x {b: [1, *x]}\n<<: {c: 1}\n? [k]\n: \"v\\u00e9\"\n".to_owned(),
            "{\"a\": [1, {\"b\": \"\\ud83d\\ude00\"}], \"c\": 'x'}".to_owned(),
            "--- |+\n  é\n...\n%YAML 1.1\n--- !!map\n? a\n: - b\n  - &c !!str c\n".to_owned(),
        ];
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let alphabet = b" \n\t-:?[]{},#&*!|>'\"%@`.~0x\\\r";
        for round in 0..1500 {
            let seed = &seeds[round % seeds.len()];
            let mut bytes = seed.as_bytes().to_vec();
            for _ in 0..(1 + next() % 4) {
                let at = (next() % bytes.len() as u64) as usize;
                match next() % 3 {
                    0 => bytes[at] = alphabet[(next() % alphabet.len() as u64) as usize],
                    1 => bytes.insert(at, alphabet[(next() % alphabet.len() as u64) as usize]),
                    _ => {
                        bytes.remove(at);
                    }
                }
            }
            let text = String::from_utf8_lossy(&bytes).into_owned();
            let limits = Limits {
                max_depth: 8,
                max_alias_nodes: 500,
            };
            for limits in [Limits::default(), limits] {
                let stream = parse(&text, &limits);
                assert_spans_valid(&text, &stream);
            }
        }
    }

    #[test]
    fn every_problem_kind_is_reported() {
        type Check = fn(&ProblemKind) -> bool;
        let cases: [(&str, Check); 7] = [
            ("a: [\n", |k| matches!(k, ProblemKind::Syntax { .. })),
            ("a: 1\na: 2\n", |k| {
                matches!(k, ProblemKind::DuplicateKey { .. })
            }),
            ("a: on\n", |k| matches!(k, ProblemKind::Yaml11Bool { .. })),
            ("a: 0755\n", |k| {
                matches!(k, ProblemKind::Yaml11Octal { value: 493, .. })
            }),
            ("a: &a 1\nb: [*a, *a, *a]\n", |k| {
                matches!(k, ProblemKind::ExcessiveAliasing { limit: 2 })
            }),
            ("a: [[[1]]]\n", |k| {
                matches!(k, ProblemKind::ExcessiveNesting { limit: 3 })
            }),
            ("a: .nan\n", |k| {
                matches!(k, ProblemKind::UnsupportedValue { .. })
            }),
        ];
        let limits = Limits {
            max_depth: 3,
            max_alias_nodes: 2,
        };
        for (text, is_expected) in cases {
            let stream = parse(text, &limits);
            assert!(
                stream.problems.iter().any(|p| is_expected(&p.kind)),
                "{text:?}: {:?}",
                stream.problems
            );
        }
    }

    // ----- speed -----

    /// Kubernetes-like manifests: Deployments, Services and ConfigMaps with block scalars,
    /// flow collections, comments, quoted strings and some non-ASCII text.
    fn sample_manifests(bytes: usize) -> String {
        let mut text = String::with_capacity(bytes + 4096);
        let mut n = 0;
        while text.len() < bytes {
            text.push_str(&format!(
                "# Deployment {n}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web-{n}
  namespace: team-{ns}
  labels: {{app: web-{n}, tier: \"frontend\", owner: 'équipe-{ns}'}}
  annotations:
    description: \"Serves the storefront ({n}) — façade\"
spec:
  replicas: {replicas}
  selector:
    matchLabels:
      app: web-{n}
  template:
    metadata:
      labels:
        app: web-{n}
    spec:
      securityContext: {{runAsNonRoot: true, runAsUser: 1000}}
      containers:
        - name: main
          image: registry.example.com/web:1.{n}.0
          args: [\"--port=8080\", \"--log-level=info\"]
          ports:
            - containerPort: 8080
              protocol: TCP
          env:
            - name: FEATURE_FLAG
              value: \"true\"
            - name: MODE
              value: production
          resources:
            limits: {{cpu: 500m, memory: 256Mi}}
            requests: {{cpu: 100m, memory: 128Mi}}
          volumeMounts:
            - name: config
              mountPath: /etc/web
      volumes:
        - name: config
          configMap:
            name: web-{n}-config
            defaultMode: 0644
---
apiVersion: v1
kind: Service
metadata:
  name: web-{n}
spec:
  type: ClusterIP
  ports:
  - port: 80
    targetPort: 8080
  selector:
    app: web-{n}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: web-{n}-config
data:
  app.properties: |
    server.port=8080
    greeting=Grüß Gott
    # not a YAML comment
  nginx.conf: >-
    worker_processes 4;
    events {{ worker_connections 1024; }}
---
",
                ns = n % 7,
                replicas = n % 5 + 1,
            ));
            n += 1;
        }
        text
    }

    /// A quick sanity check of throughput; `cargo test --release perf -- --nocapture` prints
    /// the figure (set `YAML_PERF_MB` for a bigger input). Nothing here asserts timing.
    #[test]
    fn perf() {
        let megabytes: usize = std::env::var("YAML_PERF_MB")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(2);
        let text = sample_manifests(megabytes << 20);
        let mut best = f64::INFINITY;
        let mut documents = 0;
        let runs = if cfg!(debug_assertions) { 1 } else { 3 };
        for _ in 0..runs {
            let started = Instant::now();
            let stream = parse_default(&text);
            best = best.min(started.elapsed().as_secs_f64());
            documents = stream.documents.len();
            assert!(
                stream
                    .problems
                    .iter()
                    .all(|p| matches!(p.kind, ProblemKind::Yaml11Octal { .. }))
            );
        }
        assert_eq!(documents % 3, 0);
        println!(
            "parsed {:.1} MB ({documents} documents) in {:.3} s: {:.1} MB/s",
            text.len() as f64 / 1e6,
            best,
            text.len() as f64 / 1e6 / best
        );
    }
}
