//! Mapping findings on rendered output back to the repository: the one place that decides
//! which file and line a rendered field comes from.
//!
//! For a field of a rendered object, in order: the last patch that sets it (an overlay's
//! patches apply after its bases', so the outermost kustomization is asked first); the object in
//! its source file (list items matched by their merge key, `name` for containers, so an overlay
//! that adds a sidecar does not shift the lines); the kustomization whose transformer set it
//! (`namespace:`, `images:`, `namePrefix:`, labels); else the nearest existing parent in the
//! source. Generated objects point at their generator's entry; Helm objects at their template.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde_json::Value;

use super::graph::{Root, RootKind};
use super::{Origin, Output, Rendered};
use crate::discover::{absolute, normalize};
use crate::finding::{Finding, Location, ObjectRef, Related};
use crate::manifest::{FieldPath, Object, Segment};
use crate::parse::ParsedFile;
use crate::source::{SourceFile, Span};

/// Puts every finding on rendered output back on a repository file, and says what it was
/// rendered from. `files` are all parsed repository files of the run (checked and context).
pub fn map_back(findings: Vec<Finding>, rendered: &Rendered, files: &[ParsedFile]) -> Vec<Finding> {
    if rendered.outputs.is_empty() {
        return findings;
    }
    let index = Index::new(files);
    let by_name: HashMap<&str, &ParsedFile> =
        files.iter().map(|f| (f.source.name.as_str(), f)).collect();
    let outputs: HashMap<&str, (&Output, &ParsedFile)> = rendered
        .outputs
        .iter()
        .filter_map(|o| Some((o.name.as_str(), (o, *by_name.get(o.name.as_str())?))))
        .collect();
    findings
        .into_iter()
        .map(
            |finding| match outputs.get(finding.location.file.name.as_str()) {
                Some((output, file)) => index.map_one(finding, output, file),
                None => finding,
            },
        )
        .collect()
}

/// Where a render failure points: the kustomization entry whose path the renderer's message
/// names (the longest such entry), when there is one.
pub fn failure_location(root: &Root, message: &str) -> Option<Location> {
    if root.kind != RootKind::Kustomize {
        return None;
    }
    let mut best: Option<(usize, Location)> = None;
    for kustomization in &root.kustomizations {
        let Ok(text) = std::fs::read_to_string(kustomization) else {
            continue;
        };
        let source = Arc::new(SourceFile::new(kustomization.clone(), text));
        let stream = crate::manifest::yaml::parse(&source.text, &Default::default());
        let Some(document) = stream.documents.into_iter().next() else {
            continue;
        };
        let objects = Object::from_document(&source, 0, document);
        let Some(object) = objects.first() else {
            continue;
        };
        let dir = kustomization.parent().unwrap_or(Path::new(""));
        for (path, entry) in entries(&object.value) {
            let resolved = normalize(&dir.join(&entry));
            let named = message.contains(resolved.to_string_lossy().as_ref())
                || (entry.len() > 2 && message.contains(&format!("'{entry}'")))
                || (entry.len() > 2 && message.contains(&format!("\"{entry}\"")));
            if named && best.as_ref().is_none_or(|(len, _)| entry.len() > *len) {
                best = Some((entry.len(), object.location(&path)));
            }
        }
    }
    best.map(|(_, location)| location)
}

/// Every path-like entry of a kustomization, with its field path.
fn entries(value: &Value) -> Vec<(FieldPath, String)> {
    let mut out = Vec::new();
    for key in [
        "resources",
        "bases",
        "components",
        "patchesStrategicMerge",
        "crds",
    ] {
        if let Some(Value::Array(items)) = value.get(key) {
            for (i, item) in items.iter().enumerate() {
                if let Some(s) = item.as_str() {
                    out.push((FieldPath::root().key(key).index(i), s.to_string()));
                }
            }
        }
    }
    for key in ["patches", "patchesJson6902"] {
        if let Some(Value::Array(items)) = value.get(key) {
            for (i, item) in items.iter().enumerate() {
                if let Some(s) = item.get("path").and_then(Value::as_str) {
                    out.push((
                        FieldPath::root().key(key).index(i).key("path"),
                        s.to_string(),
                    ));
                }
            }
        }
    }
    for key in ["configMapGenerator", "secretGenerator"] {
        if let Some(Value::Array(items)) = value.get(key) {
            for (i, item) in items.iter().enumerate() {
                for list in ["files", "envs"] {
                    if let Some(Value::Array(files)) = item.get(list) {
                        for (j, f) in files.iter().enumerate() {
                            if let Some(s) = f.as_str() {
                                let file = s.rsplit_once('=').map_or(s, |(_, p)| p);
                                out.push((
                                    FieldPath::root().key(key).index(i).key(list).index(j),
                                    file.to_string(),
                                ));
                            }
                        }
                    }
                }
            }
        }
    }
    out
}

/// A patch as a kustomization names it.
#[derive(Debug)]
struct PatchEntry {
    /// Where the entry is in the kustomization.
    entry: FieldPath,
    /// The patch file, relative to the kustomization; `None`: inline (`patch: |`).
    file: Option<String>,
    /// The inline patch text.
    inline: Option<String>,
    target: Option<Value>,
}

fn patches_of(value: &Value) -> Vec<PatchEntry> {
    let mut out = Vec::new();
    for key in ["patches", "patchesJson6902"] {
        if let Some(Value::Array(items)) = value.get(key) {
            for (i, item) in items.iter().enumerate() {
                let file = item.get("path").and_then(Value::as_str).map(str::to_string);
                let inline = item
                    .get("patch")
                    .and_then(Value::as_str)
                    .map(str::to_string);
                if file.is_none() && inline.is_none() {
                    continue;
                }
                out.push(PatchEntry {
                    entry: FieldPath::root().key(key).index(i),
                    file,
                    inline,
                    target: item.get("target").cloned(),
                });
            }
        }
    }
    if let Some(Value::Array(items)) = value.get("patchesStrategicMerge") {
        for (i, item) in items.iter().enumerate() {
            if let Some(s) = item.as_str() {
                let (file, inline) = if s.contains('\n') {
                    (None, Some(s.to_string()))
                } else {
                    (Some(s.to_string()), None)
                };
                out.push(PatchEntry {
                    entry: FieldPath::root().key("patchesStrategicMerge").index(i),
                    file,
                    inline,
                    target: None,
                });
            }
        }
    }
    out
}

/// The parsed repository files by absolute path, and template texts for Helm.
struct Index<'a> {
    files: HashMap<PathBuf, &'a ParsedFile>,
    /// Helm templates (not parsed as YAML), read on demand (findings are mapped one at a time).
    templates: std::cell::RefCell<HashMap<PathBuf, Arc<SourceFile>>>,
}

impl<'a> Index<'a> {
    fn new(files: &'a [ParsedFile]) -> Index<'a> {
        Index {
            files: files
                .iter()
                .map(|f| (absolute(&f.source.path), f))
                .collect(),
            templates: std::cell::RefCell::new(HashMap::new()),
        }
    }

    fn map_one(&self, mut finding: Finding, output: &Output, file: &ParsedFile) -> Finding {
        let object = finding
            .object
            .and_then(|r| file.objects.iter().position(|o| o.reference == r));
        let path = finding.field.as_deref().map(FieldPath::parse);
        let mapped = match object {
            Some(i) => self.locate(&file.objects[i], &output.origins[i], path.as_ref(), output),
            None => self.root_head(&output.root),
        };
        if let Some((location, reference)) = mapped {
            finding.location = location;
            finding.object = reference;
        }
        finding.related = std::mem::take(&mut finding.related)
            .into_iter()
            .map(|related| self.map_related(related, output, file))
            .collect();
        finding.message = format!(
            "{} (rendered from {} {})",
            finding.message, output.from.what, output.from.root
        );
        finding.rendered = Some(output.from.clone());
        finding
    }

    /// A related location in the rendered output: the head of the object it is in.
    fn map_related(&self, mut related: Related, output: &Output, file: &ParsedFile) -> Related {
        if related.location.file.name != output.name {
            return related;
        }
        let span = related.location.span;
        let found = file.objects.iter().position(|o| {
            o.document_span.start <= span.start
                && span.end <= o.document_span.end.max(span.end)
                && span.start < o.document_span.end
        });
        if let Some(i) = found
            && let Some((location, _)) =
                self.locate(&file.objects[i], &output.origins[i], None, output)
        {
            related.location = location;
        }
        related
    }

    /// A kustomization file's one object, parsed with spans.
    fn kustomization(&self, path: &Path) -> Option<&'a Object> {
        self.files.get(path)?.objects.first()
    }

    fn root_head(&self, root: &Root) -> Option<(Location, Option<ObjectRef>)> {
        let file = self.files.get(&root.file)?;
        let object = file.objects.first()?;
        Some((object.head_location(), Some(object.reference)))
    }

    /// Where a field of a rendered object comes from; `None` keeps the rendered location.
    fn locate(
        &self,
        rendered: &Object,
        origin: &Origin,
        path: Option<&FieldPath>,
        output: &Output,
    ) -> Option<(Location, Option<ObjectRef>)> {
        if output.root.kind == RootKind::Helm {
            return self.locate_in_template(origin, path);
        }
        let source = origin
            .path
            .as_ref()
            .and_then(|p| self.files.get(p))
            .and_then(|file| source_object(file, rendered));
        let original_name = source.and_then(Object::name).or(rendered.name());
        if let Some(path) = path.filter(|p| !p.segments().is_empty()) {
            if let Some(found) = self.set_by_patch(rendered, original_name, path, &output.root) {
                return Some(found);
            }
            if let Some(object) = source {
                let translated = translate(path, &rendered.value, &object.value);
                let located = object.locate(&translated);
                if located.exact {
                    return Some((object.location(&translated), Some(object.reference)));
                }
            }
            if let Some(found) = self.set_by_transformer(rendered, origin, path) {
                return Some(found);
            }
            if let Some(object) = source {
                let translated = translate(path, &rendered.value, &object.value);
                return Some((object.location(&translated), Some(object.reference)));
            }
        } else if let Some(object) = source {
            return Some((object.head_location(), Some(object.reference)));
        }
        if origin.path.is_none()
            && let Some(kustomization) = &origin.configured_in
        {
            return self.generator_entry(kustomization, rendered, origin);
        }
        None
    }

    /// The last patch, outermost kustomization first, that sets `path` on this object.
    fn set_by_patch(
        &self,
        rendered: &Object,
        original_name: Option<&str>,
        path: &FieldPath,
        root: &Root,
    ) -> Option<(Location, Option<ObjectRef>)> {
        let kind = rendered.kind()?;
        let names: Vec<&str> = [rendered.name(), original_name]
            .into_iter()
            .flatten()
            .collect();
        for kustomization_path in &root.kustomizations {
            let Some(kustomization) = self.kustomization(kustomization_path) else {
                continue;
            };
            let dir = kustomization_path.parent().unwrap_or(Path::new(""));
            for patch in patches_of(&kustomization.value).into_iter().rev() {
                if let Some(target) = &patch.target
                    && !target_matches(target, kind, &names)
                {
                    continue;
                }
                match &patch.file {
                    Some(file) => {
                        let file = normalize(&dir.join(file));
                        let Some(parsed) = self.files.get(&file) else {
                            continue;
                        };
                        if let Some(found) = set_by_patch_file(
                            parsed,
                            rendered,
                            kind,
                            &names,
                            path,
                            patch.target.is_some(),
                        ) {
                            return Some(found);
                        }
                    }
                    None => {
                        // An inline patch that mentions the field's last key: the entry.
                        let inline = patch.inline.as_deref().unwrap_or("");
                        let last_key = path.segments().iter().rev().find_map(|s| match s {
                            Segment::Key(k) if k.parse::<usize>().is_err() => Some(k.as_str()),
                            _ => None,
                        });
                        let names_it =
                            names.iter().any(|n| inline.contains(n)) || patch.target.is_some();
                        if names_it
                            && last_key.is_some_and(|k| {
                                inline.contains(&format!("{k}:"))
                                    || inline.contains(&format!("/{k}"))
                            })
                        {
                            return Some((
                                kustomization.location(&patch.entry),
                                Some(kustomization.reference),
                            ));
                        }
                    }
                }
            }
        }
        None
    }

    /// Fields Kustomize's transformers set: the kustomization line that set them.
    fn set_by_transformer(
        &self,
        rendered: &Object,
        origin: &Origin,
        path: &FieldPath,
    ) -> Option<(Location, Option<ObjectRef>)> {
        let text = path.to_string();
        let wanted: &[(&str, &[&str])] = &[
            ("NamespaceTransformer", &["namespace"]),
            ("PrefixSuffixTransformer", &["namePrefix", "nameSuffix"]),
            ("LabelTransformer", &["labels", "commonLabels"]),
            ("AnnotationsTransformer", &["commonAnnotations"]),
            ("ImageTagTransformer", &["images"]),
            ("ReplicaCountTransformer", &["replicas"]),
        ];
        let transformer = if text == "metadata.namespace" {
            "NamespaceTransformer"
        } else if text == "metadata.name" {
            "PrefixSuffixTransformer"
        } else if text.starts_with("metadata.labels") || text.contains("selector") {
            "LabelTransformer"
        } else if text.starts_with("metadata.annotations") {
            "AnnotationsTransformer"
        } else if text.ends_with(".image") {
            "ImageTagTransformer"
        } else if text == "spec.replicas" {
            "ReplicaCountTransformer"
        } else {
            return None;
        };
        let keys = wanted.iter().find(|(t, _)| *t == transformer)?.1;
        // The outermost kustomization applies last.
        for (kustomization_path, kind) in origin.transformations.iter().rev() {
            if kind != transformer {
                continue;
            }
            let Some(kustomization) = self.kustomization(kustomization_path) else {
                continue;
            };
            for key in keys {
                let at = FieldPath::root().key(*key);
                if !kustomization.locate(&at).exact {
                    continue;
                }
                // `images:` entries: the one naming this image.
                if *key == "images"
                    && let Some(image) = rendered_str(&rendered.value, path)
                    && let Some(Value::Array(items)) = kustomization.value.get("images")
                {
                    let name = image_name(image);
                    if let Some(i) = items.iter().position(|item| {
                        item.get("name").and_then(Value::as_str) == Some(name)
                            || item.get("newName").and_then(Value::as_str) == Some(name)
                    }) {
                        let entry = at.clone().index(i);
                        return Some((
                            kustomization.location(&entry),
                            Some(kustomization.reference),
                        ));
                    }
                }
                return Some((kustomization.location(&at), Some(kustomization.reference)));
            }
        }
        None
    }

    /// A generated object (ConfigMap, Secret): its generator entry.
    fn generator_entry(
        &self,
        kustomization_path: &Path,
        rendered: &Object,
        origin: &Origin,
    ) -> Option<(Location, Option<ObjectRef>)> {
        let kustomization = self.kustomization(kustomization_path)?;
        let key = match origin.generator.as_deref() {
            Some("SecretGenerator") => "secretGenerator",
            _ => "configMapGenerator",
        };
        let name = rendered.name().unwrap_or("");
        let at = FieldPath::root().key(key);
        if let Some(Value::Array(items)) = kustomization.value.get(key)
            && let Some(i) = items.iter().position(|item| {
                item.get("name")
                    .and_then(Value::as_str)
                    .is_some_and(|n| name.contains(n))
            })
        {
            let entry = at.index(i).key("name");
            return Some((
                kustomization.location(&entry),
                Some(kustomization.reference),
            ));
        }
        Some((kustomization.location(&at), Some(kustomization.reference)))
    }

    /// A Helm object's field in its template: the line of the path's keys, found in order
    /// (templates are not YAML until rendered, so this reads lines, not a tree).
    fn locate_in_template(
        &self,
        origin: &Origin,
        path: Option<&FieldPath>,
    ) -> Option<(Location, Option<ObjectRef>)> {
        let template = origin.path.as_ref()?;
        let source = {
            let mut templates = self.templates.borrow_mut();
            match templates.get(template) {
                Some(s) => s.clone(),
                None => {
                    let text = std::fs::read_to_string(template).ok()?;
                    let source = Arc::new(SourceFile::new(template.clone(), text));
                    templates.insert(template.clone(), source.clone());
                    source
                }
            }
        };
        let text = &source.text;
        let mut position = 0;
        let mut span = first_line_with(text, 0, "kind:").unwrap_or(Span {
            start: 0,
            end: text.find('\n').unwrap_or(text.len()),
        });
        if let Some(path) = path {
            for segment in path.segments() {
                let Segment::Key(key) = segment else { continue };
                if key.parse::<usize>().is_ok() {
                    continue;
                }
                match first_line_with(text, position, &format!("{key}:")) {
                    Some(found) => {
                        span = found;
                        position = found.end;
                    }
                    None => break,
                }
            }
        }
        Some((Location { file: source, span }, None))
    }
}

/// The first line after the one holding `from` (from the start when `from` is 0) whose text,
/// after indentation and a `- `, starts with `prefix`: its span without indentation.
fn first_line_with(text: &str, from: usize, prefix: &str) -> Option<Span> {
    let mut start = if from == 0 {
        0
    } else {
        text.get(from..)?
            .find('\n')
            .map_or(text.len(), |i| from + i + 1)
    };
    for line in text.get(start..)?.split_inclusive('\n') {
        let trimmed = line.trim_start();
        let content = trimmed.strip_prefix("- ").unwrap_or(trimmed);
        if content.starts_with(prefix) {
            let indent = line.len() - trimmed.len();
            return Some(Span {
                start: start + indent,
                end: start + line.trim_end().len(),
            });
        }
        start += line.len();
    }
    None
}

/// The object in a source file that a rendered object came from: same kind and the name the
/// render kept (or wrapped in a prefix or suffix), else the only object of that kind.
fn source_object<'a>(file: &'a ParsedFile, rendered: &Object) -> Option<&'a Object> {
    let kind = rendered.kind();
    let name = rendered.name().unwrap_or("");
    let same_kind: Vec<&Object> = file.objects.iter().filter(|o| o.kind() == kind).collect();
    same_kind
        .iter()
        .copied()
        .find(|o| o.name() == Some(name))
        .or_else(|| {
            same_kind
                .iter()
                .copied()
                .filter(|o| o.name().is_some_and(|n| !n.is_empty() && name.contains(n)))
                .max_by_key(|o| o.name().map_or(0, str::len))
        })
        .or_else(|| (same_kind.len() == 1).then(|| same_kind[0]))
        .or_else(|| (file.objects.len() == 1).then(|| &file.objects[0]))
}

fn target_matches(target: &Value, kind: &str, names: &[&str]) -> bool {
    if let Some(k) = target.get("kind").and_then(Value::as_str)
        && !regex_matches(k, kind)
    {
        return false;
    }
    if let Some(n) = target.get("name").and_then(Value::as_str)
        && !names.iter().any(|name| regex_matches(n, name))
    {
        return false;
    }
    true
}

/// Kustomize target fields are anchored regular expressions.
fn regex_matches(pattern: &str, text: &str) -> bool {
    if pattern == text {
        return true;
    }
    regex::Regex::new(&format!("^(?:{pattern})$")).is_ok_and(|r| r.is_match(text))
}

/// Whether a patch file sets `path` on this object: a strategic-merge patch that holds the
/// field, or a JSON 6902 operation on it (or on a parent of it).
fn set_by_patch_file(
    parsed: &ParsedFile,
    rendered: &Object,
    kind: &str,
    names: &[&str],
    path: &FieldPath,
    targeted: bool,
) -> Option<(Location, Option<ObjectRef>)> {
    for object in &parsed.objects {
        if let Value::Array(operations) = &object.value {
            // JSON 6902: the operation whose path is the field or a parent of it.
            for (i, operation) in operations.iter().enumerate().rev() {
                let op = operation.get("op").and_then(Value::as_str).unwrap_or("");
                let Some(pointer) = operation.get("path").and_then(Value::as_str) else {
                    continue;
                };
                if !matches!(op, "add" | "replace" | "copy" | "move") {
                    continue;
                }
                let op_path = FieldPath::parse(pointer).normalized(&rendered.value);
                let wanted = path.clone().normalized(&rendered.value);
                if let Some(found) = appended_item(&op_path, &wanted, &rendered.value, operation) {
                    let mut at = FieldPath::root().index(i).key("value");
                    at.0.extend(found);
                    return Some((object.location(&at), Some(object.reference)));
                }
                if let Some(rest) = strip_prefix(&wanted, &op_path) {
                    let mut at = FieldPath::root().index(i).key("value");
                    at.0.extend(rest);
                    return Some((object.location(&at), Some(object.reference)));
                }
            }
            continue;
        }
        let same = object.kind() == Some(kind)
            && (targeted || object.name().is_some_and(|n| names.contains(&n)));
        if !(same || targeted && object.kind().is_none()) {
            continue;
        }
        let translated = translate(path, &rendered.value, &object.value);
        if object.locate(&translated).exact && !overridden(rendered, path, object, &translated) {
            return Some((object.location(&translated), Some(object.reference)));
        }
    }
    None
}

/// Whether a patch's scalar at this field differs from the rendered one: Kustomize kept what the
/// base had (a quoted `"3"` stays a string when a patch writes `3`), so the patch is not where
/// the rendered value comes from.
fn overridden(rendered: &Object, path: &FieldPath, patch: &Object, at: &FieldPath) -> bool {
    let (Some(rendered), Some(patched)) = (
        value_at(&rendered.value, path.segments()),
        value_at(&patch.value, at.segments()),
    ) else {
        return false;
    };
    let scalar = |v: &Value| !(v.is_object() || v.is_array());
    scalar(rendered) && scalar(patched) && rendered != patched
}

/// An `add` to `/list/-` appends: when `wanted` is inside the rendered item that has the
/// operation value's merge key, the rest of the path inside the value.
fn appended_item(
    op_path: &FieldPath,
    wanted: &FieldPath,
    rendered: &Value,
    operation: &Value,
) -> Option<Vec<Segment>> {
    let (last, parent) = op_path.segments().split_last()?;
    if !matches!(last, Segment::Key(k) if k == "-") {
        return None;
    }
    let rest = strip_prefix(wanted, &FieldPath(parent.to_vec()))?;
    let (first, inner) = rest.split_first()?;
    let index = match first {
        Segment::Index(i) => *i,
        Segment::Key(k) => k.parse().ok()?,
    };
    let mut list_path = parent.to_vec();
    list_path.push(Segment::Index(index));
    let item = value_at(rendered, &list_path)?;
    let value = operation.get("value")?;
    let (key, expected) = merge_key(item)?;
    if value.get(key) != Some(expected) {
        return None;
    }
    Some(translate(&FieldPath(inner.to_vec()), item, value).0)
}

fn value_at<'a>(value: &'a Value, segments: &[Segment]) -> Option<&'a Value> {
    let mut current = value;
    for segment in segments {
        current = match (segment, current) {
            (Segment::Index(i), _) => current.get(*i)?,
            (Segment::Key(k), Value::Array(items)) => items.get(k.parse::<usize>().ok()?)?,
            (Segment::Key(k), _) => current.get(k)?,
        };
    }
    Some(current)
}

fn strip_prefix(path: &FieldPath, prefix: &FieldPath) -> Option<Vec<Segment>> {
    let (p, q) = (path.segments(), prefix.segments());
    if q.len() > p.len() || q.is_empty() {
        return None;
    }
    let same = p.iter().zip(q).all(|(a, b)| same_segment(a, b));
    same.then(|| p[q.len()..].to_vec())
}

fn same_segment(a: &Segment, b: &Segment) -> bool {
    match (a, b) {
        (Segment::Key(x), Segment::Key(y)) => x == y,
        (Segment::Index(i), Segment::Index(j)) => i == j,
        (Segment::Key(x), Segment::Index(i)) | (Segment::Index(i), Segment::Key(x)) => {
            x.parse::<usize>().ok() == Some(*i)
        }
    }
}

/// Rewrites a path on the rendered object into the same place in `target` (a source object or
/// a patch): list items are matched by their merge key (`name`, `mountPath`, `containerPort`,
/// …) rather than by position, since patches add and reorder items.
fn translate(path: &FieldPath, rendered: &Value, target: &Value) -> FieldPath {
    let mut out = FieldPath::root();
    let mut r = Some(rendered);
    let mut t = Some(target);
    for segment in path.segments() {
        let index = match segment {
            Segment::Index(i) => Some(*i),
            Segment::Key(k) if r.is_some_and(Value::is_array) => k.parse::<usize>().ok(),
            Segment::Key(_) => None,
        };
        match (segment, index) {
            (_, Some(i)) => {
                let item = r.and_then(|v| v.get(i));
                let j = match (item, t.and_then(Value::as_array)) {
                    (Some(item), Some(items)) => match merge_key(item) {
                        Some((key, value)) => items
                            .iter()
                            .position(|candidate| candidate.get(key) == Some(value))
                            .unwrap_or(usize::MAX),
                        None => i,
                    },
                    _ => i,
                };
                out = out.index(j);
                r = item;
                t = t.and_then(|v| v.get(j));
            }
            (Segment::Key(k), None) => {
                out = out.key(k.clone());
                r = r.and_then(|v| v.get(k));
                t = t.and_then(|v| v.get(k));
            }
            (Segment::Index(_), None) => {}
        }
    }
    out
}

const MERGE_KEYS: &[&str] = &[
    "name",
    "mountPath",
    "devicePath",
    "containerPort",
    "port",
    "ip",
    "topologyKey",
    "type",
];

fn merge_key(item: &Value) -> Option<(&'static str, &Value)> {
    MERGE_KEYS
        .iter()
        .find_map(|key| item.get(*key).map(|v| (*key, v)))
}

fn rendered_str<'a>(value: &'a Value, path: &FieldPath) -> Option<&'a str> {
    value_at(value, path.segments())?.as_str()
}

/// `registry/name:tag@digest` → `registry/name`.
fn image_name(image: &str) -> &str {
    let without_digest = image.split('@').next().unwrap_or(image);
    match without_digest.rsplit_once(':') {
        Some((name, tag)) if !tag.contains('/') => name,
        _ => without_digest,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn list_items_are_matched_by_merge_key() {
        let rendered =
            json!({"spec": {"containers": [{"name": "sidecar"}, {"name": "app", "image": "x"}]}});
        let source = json!({"spec": {"containers": [{"name": "app", "image": "y"}]}});
        let path = FieldPath::parse("spec.containers[1].image");
        assert_eq!(
            translate(&path, &rendered, &source),
            FieldPath::parse("spec.containers[0].image")
        );
    }

    #[test]
    fn image_names_drop_tag_and_digest() {
        assert_eq!(image_name("ghcr.io/a/b:1.2"), "ghcr.io/a/b");
        assert_eq!(image_name("localhost:5000/b"), "localhost:5000/b");
        assert_eq!(image_name("b@sha256:abc"), "b");
    }
}
