//! Walking a JSON schema beside an instance: the schema of a field path (for did-you-mean
//! suggestions), and the list-type checks JSON Schema cannot express
//! (`x-kubernetes-list-type: map` keys and `set` items must be unique).
//!
//! Works on bundled schemas (`$ref` into `#/$defs`) and on CRD schemas alike.

use serde_json::Value;

use crate::manifest::{FieldPath, Segment};

/// Follows `$ref`s (`#/$defs/<name>`, `#/definitions/<name>`) within `document`.
pub fn resolve<'a>(document: &'a Value, mut schema: &'a Value) -> &'a Value {
    for _ in 0..32 {
        let Some(reference) = schema.get("$ref").and_then(Value::as_str) else {
            return schema;
        };
        let target = reference
            .rsplit_once('#')
            .map(|(_, pointer)| pointer)
            .and_then(|pointer| document.pointer(pointer));
        match target {
            Some(next) => schema = next,
            None => return schema,
        }
    }
    schema
}

/// The schema that applies to a child of `schema`: a property, a map value, or a list item.
pub fn child<'a>(document: &'a Value, schema: &'a Value, segment: &Segment) -> Option<&'a Value> {
    let schema = resolve(document, schema);
    let found = match segment {
        Segment::Key(key) => schema
            .get("properties")
            .and_then(|p| p.get(key))
            .or_else(|| schema.get("additionalProperties").filter(|a| a.is_object()))
            .or_else(|| key.parse::<usize>().ok().and_then(|_| schema.get("items"))),
        Segment::Index(_) => schema.get("items"),
    };
    found.or_else(|| {
        // allOf / anyOf / oneOf branches: the first that knows the child.
        ["allOf", "anyOf", "oneOf"].iter().find_map(|k| {
            schema
                .get(*k)?
                .as_array()?
                .iter()
                .find_map(|branch| child(document, branch, segment))
        })
    })
}

/// The schema at a path below `root`.
pub fn at<'a>(document: &'a Value, root: &'a Value, path: &FieldPath) -> Option<&'a Value> {
    let mut schema = root;
    for segment in path.segments() {
        schema = child(document, schema, segment)?;
    }
    Some(resolve(document, schema))
}

/// Property names a schema declares (for suggestions).
pub fn property_names<'a>(document: &'a Value, schema: &'a Value) -> Vec<&'a str> {
    let schema = resolve(document, schema);
    let mut names: Vec<&str> = schema
        .get("properties")
        .and_then(Value::as_object)
        .map(|p| p.keys().map(String::as_str).collect())
        .unwrap_or_default();
    for key in ["allOf", "anyOf", "oneOf"] {
        if let Some(branches) = schema.get(key).and_then(Value::as_array) {
            for branch in branches {
                names.extend(property_names(document, branch));
            }
        }
    }
    names
}

/// A repeated entry in a list that must not have repeats.
#[derive(Debug, Clone, PartialEq)]
pub struct DuplicateEntry {
    /// The repeated item.
    pub path: FieldPath,
    /// The first item with the same key.
    pub first: FieldPath,
    /// `name=web` for map lists, the item for sets.
    pub key: String,
}

/// Finds repeated keys in `x-kubernetes-list-type: map` lists and repeated items in `set` lists.
pub fn duplicate_entries(document: &Value, root: &Value, instance: &Value) -> Vec<DuplicateEntry> {
    let mut out = Vec::new();
    visit(
        document,
        root,
        instance,
        &mut FieldPath::root(),
        &mut out,
        0,
    );
    out
}

const MAX_DEPTH: usize = 128;

fn visit(
    document: &Value,
    schema: &Value,
    instance: &Value,
    path: &mut FieldPath,
    out: &mut Vec<DuplicateEntry>,
    depth: usize,
) {
    if depth > MAX_DEPTH {
        return;
    }
    let schema = resolve(document, schema);
    match instance {
        Value::Array(items) => {
            match schema.get("x-kubernetes-list-type").and_then(Value::as_str) {
                Some("map") => {
                    let keys: Vec<&str> = schema
                        .get("x-kubernetes-list-map-keys")
                        .and_then(Value::as_array)
                        .map(|k| k.iter().filter_map(Value::as_str).collect())
                        .unwrap_or_default();
                    if !keys.is_empty() {
                        check_unique(items, path, out, |item| {
                            let parts: Vec<String> = keys
                                .iter()
                                .map(|k| format!("{k}={}", scalar(item.get(*k))))
                                .collect();
                            Some(parts.join(", "))
                        });
                    }
                }
                Some("set") => check_unique(items, path, out, |item| match item {
                    Value::Object(_) | Value::Array(_) => None,
                    other => Some(scalar(Some(other))),
                }),
                _ => {}
            }
            if let Some(item_schema) = schema.get("items") {
                for (i, item) in items.iter().enumerate() {
                    path.0.push(Segment::Index(i));
                    visit(document, item_schema, item, path, out, depth + 1);
                    path.0.pop();
                }
            }
        }
        Value::Object(map) => {
            for (key, value) in map {
                let segment = Segment::Key(key.clone());
                if let Some(child_schema) = child(document, schema, &segment) {
                    path.0.push(segment);
                    visit(document, child_schema, value, path, out, depth + 1);
                    path.0.pop();
                }
            }
        }
        _ => {}
    }
}

fn check_unique(
    items: &[Value],
    path: &FieldPath,
    out: &mut Vec<DuplicateEntry>,
    key_of: impl Fn(&Value) -> Option<String>,
) {
    let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for (i, item) in items.iter().enumerate() {
        let Some(key) = key_of(item) else { continue };
        match seen.get(&key) {
            Some(&first) => out.push(DuplicateEntry {
                path: path.clone().index(i),
                first: path.clone().index(first),
                key,
            }),
            None => {
                seen.insert(key, i);
            }
        }
    }
}

fn scalar(value: Option<&Value>) -> String {
    match value {
        None | Some(Value::Null) => "<unset>".into(),
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn document() -> Value {
        json!({"$defs": {
            "Pod": {"type": "object", "properties": {
                "containers": {"type": "array", "items": {"$ref": "#/$defs/Container"},
                               "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["name"]},
                "finalizers": {"type": "array", "items": {"type": "string"}, "x-kubernetes-list-type": "set"},
            }},
            "Container": {"type": "object", "properties": {
                "name": {"type": "string"}, "image": {"type": "string"},
                "ports": {"type": "array", "items": {"$ref": "#/$defs/Port"},
                          "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["containerPort", "protocol"]},
            }},
            "Port": {"type": "object", "properties": {"containerPort": {"type": "integer"}, "protocol": {"type": "string"}}},
        }})
    }

    #[test]
    fn finds_repeated_map_keys_and_set_items() {
        let doc = document();
        let root = json!({"$ref": "#/$defs/Pod"});
        let pod = json!({
            "containers": [
                {"name": "a", "ports": [{"containerPort": 80, "protocol": "TCP"}, {"containerPort": 80, "protocol": "TCP"}]},
                {"name": "b"}, {"name": "a"}],
            "finalizers": ["x", "y", "x"],
        });
        let found = duplicate_entries(&doc, &root, &pod);
        let paths: Vec<String> = found.iter().map(|d| d.path.to_string()).collect();
        assert_eq!(
            paths,
            ["containers[2]", "containers[0].ports[1]", "finalizers[2]"]
        );
        assert_eq!(found[0].key, "name=a");
        assert_eq!(found[0].first.to_string(), "containers[0]");
        assert_eq!(found[1].key, "containerPort=80, protocol=TCP");
    }

    #[test]
    fn resolves_the_schema_of_a_path() {
        let doc = document();
        let root = json!({"$ref": "#/$defs/Pod"});
        let container = at(&doc, &root, &FieldPath::parse("containers[0]")).expect("found");
        let mut names = property_names(&doc, container);
        names.sort_unstable();
        assert_eq!(names, ["image", "name", "ports"]);
        assert!(
            at(
                &doc,
                &root,
                &FieldPath::parse("/containers/0/ports/0/protocol")
            )
            .is_some()
        );
        assert!(at(&doc, &root, &FieldPath::parse("nope")).is_none());
    }
}
