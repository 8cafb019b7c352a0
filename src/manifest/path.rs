//! Field paths: the one way checks name a place in a document.
//!
//! Three spellings come in — JSON pointers (`/spec/template/spec/containers/0/image`, from JSON
//! schema errors), Kubernetes field paths (`spec.template.spec.containers[0].image`, from the API
//! server and our rules) and arrays of keys and indices (from Rego `path`) — and all become one
//! `FieldPath`. Turning a path into a span is `Object::locate`'s job, not this module's.

use std::fmt;

use serde_json::Value;

pub use super::yaml::Segment;

/// A route of keys and indices from an object's root.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct FieldPath(pub Vec<Segment>);

impl FieldPath {
    pub fn root() -> FieldPath {
        FieldPath(Vec::new())
    }

    #[must_use]
    pub fn key(mut self, key: impl Into<String>) -> FieldPath {
        self.0.push(Segment::Key(key.into()));
        self
    }

    #[must_use]
    pub fn index(mut self, index: usize) -> FieldPath {
        self.0.push(Segment::Index(index));
        self
    }

    pub fn segments(&self) -> &[Segment] {
        &self.0
    }

    /// Parses a JSON pointer (leading `/`) or a Kubernetes field path. Numeric pointer segments
    /// stay keys here; `locate` treats them as indices when the node is a sequence.
    pub fn parse(text: &str) -> FieldPath {
        if text.is_empty() || text == "/" {
            return FieldPath::root();
        }
        if let Some(pointer) = text.strip_prefix('/') {
            return FieldPath(
                pointer
                    .split('/')
                    .map(|s| Segment::Key(s.replace("~1", "/").replace("~0", "~")))
                    .collect(),
            );
        }
        FieldPath(parse_kubernetes(text))
    }

    /// Reads a JSON array of strings and integers (`["spec", "containers", 0]`), or a string in
    /// either syntax `parse` accepts.
    pub fn from_json(value: &Value) -> Option<FieldPath> {
        match value {
            Value::String(s) => Some(FieldPath::parse(s)),
            Value::Array(items) => items
                .iter()
                .map(|item| match item {
                    Value::String(s) => Some(Segment::Key(s.clone())),
                    Value::Number(n) => n.as_u64().map(|i| Segment::Index(i as usize)),
                    _ => None,
                })
                .collect::<Option<Vec<_>>>()
                .map(FieldPath),
            _ => None,
        }
    }

    /// Turns numeric keys that address list items of `value` into indices, so a path parsed from
    /// a JSON pointer displays as Kubernetes writes it (`containers[0]`, not `containers.0`).
    #[must_use]
    pub fn normalized(mut self, value: &Value) -> FieldPath {
        let mut current = Some(value);
        for segment in &mut self.0 {
            current = match (current, &*segment) {
                (Some(Value::Array(items)), Segment::Key(k)) => match k.parse::<usize>() {
                    Ok(i) => {
                        *segment = Segment::Index(i);
                        items.get(i)
                    }
                    Err(_) => None,
                },
                (Some(Value::Array(items)), Segment::Index(i)) => items.get(*i),
                (Some(Value::Object(map)), Segment::Key(k)) => map.get(k),
                _ => None,
            };
        }
        self
    }

    /// The JSON pointer spelling.
    pub fn to_pointer(&self) -> String {
        let mut out = String::new();
        for segment in &self.0 {
            out.push('/');
            match segment {
                Segment::Key(k) => out.push_str(&k.replace('~', "~0").replace('/', "~1")),
                Segment::Index(i) => out.push_str(&i.to_string()),
            }
        }
        out
    }
}

/// Kubernetes spelling: `spec.containers[0].image`, map keys that are not identifiers in
/// brackets (`metadata.labels[app.kubernetes.io/name]`), as `field.Path.String()` writes them.
impl fmt::Display for FieldPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut first = true;
        for segment in &self.0 {
            match segment {
                Segment::Index(i) => write!(f, "[{i}]")?,
                Segment::Key(k) if is_plain_key(k) => {
                    if !first {
                        f.write_str(".")?;
                    }
                    f.write_str(k)?;
                }
                Segment::Key(k) => write!(f, "[{k}]")?,
            }
            first = false;
        }
        Ok(())
    }
}

fn is_plain_key(key: &str) -> bool {
    !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '$')
}

fn parse_kubernetes(text: &str) -> Vec<Segment> {
    let mut segments = Vec::new();
    let mut current = String::new();
    let mut chars = text.trim_start_matches('.').chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '.' => {
                if !current.is_empty() {
                    segments.push(Segment::Key(std::mem::take(&mut current)));
                }
            }
            '[' => {
                if !current.is_empty() {
                    segments.push(Segment::Key(std::mem::take(&mut current)));
                }
                let mut inner = String::new();
                for c in chars.by_ref() {
                    if c == ']' {
                        break;
                    }
                    inner.push(c);
                }
                match inner.parse::<usize>() {
                    Ok(i) => segments.push(Segment::Index(i)),
                    Err(_) => segments.push(Segment::Key(inner)),
                }
            }
            _ => current.push(c),
        }
    }
    if !current.is_empty() {
        segments.push(Segment::Key(current));
    }
    segments
}

#[cfg(test)]
mod tests {
    use super::*;

    fn k(s: &str) -> Segment {
        Segment::Key(s.to_string())
    }

    #[test]
    fn parses_all_three_spellings() {
        let expected = vec![k("spec"), k("containers"), Segment::Index(0), k("image")];
        assert_eq!(FieldPath::parse("spec.containers[0].image").0, expected);
        assert_eq!(FieldPath::parse(".spec.containers[0].image").0, expected);
        assert_eq!(
            FieldPath::parse("/spec/containers/0/image").0,
            vec![k("spec"), k("containers"), k("0"), k("image")]
        );
        let json = serde_json::json!(["spec", "containers", 0, "image"]);
        assert_eq!(FieldPath::from_json(&json).map(|p| p.0), Some(expected));
    }

    #[test]
    fn bracketed_keys_and_pointer_escapes() {
        assert_eq!(
            FieldPath::parse("metadata.labels[app.kubernetes.io/name]").0,
            vec![k("metadata"), k("labels"), k("app.kubernetes.io/name")]
        );
        assert_eq!(
            FieldPath::parse("/metadata/annotations/a~1b~0c").0,
            vec![k("metadata"), k("annotations"), k("a/b~c")]
        );
    }

    #[test]
    fn pointer_indices_become_list_indices() {
        let value = serde_json::json!({"spec": {"containers": [{"env": [{"value": true}]}], "labels": {"0": "x"}}});
        let path = FieldPath::parse("/spec/containers/0/env/0/value").normalized(&value);
        assert_eq!(path.to_string(), "spec.containers[0].env[0].value");
        let label = FieldPath::parse("/spec/labels/0").normalized(&value);
        assert_eq!(label.to_string(), "spec.labels.0");
        assert_eq!(label.0[2], Segment::Key("0".into()));
    }

    #[test]
    fn displays_as_kubernetes_writes_it() {
        let p = FieldPath::root()
            .key("spec")
            .key("containers")
            .index(1)
            .key("image");
        assert_eq!(p.to_string(), "spec.containers[1].image");
        let q = FieldPath::root().key("metadata").key("labels").key("a.b/c");
        assert_eq!(q.to_string(), "metadata.labels[a.b/c]");
        assert_eq!(q.to_pointer(), "/metadata/labels/a.b~1c");
    }
}
