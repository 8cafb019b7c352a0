//! CustomResourceDefinitions as schemas: each served version's `openAPIV3Schema`, rewritten to
//! the JSON Schema (draft 4) semantics the API server applies to custom resources.
//!
//! OpenAPI v3 is not JSON Schema: `nullable`, `x-kubernetes-int-or-string`,
//! `x-kubernetes-preserve-unknown-fields` and `x-kubernetes-embedded-resource` change what is
//! valid, and the API server drops (or, with strict field validation, rejects) fields a
//! structural schema does not declare. `to_json_schema` makes those rules explicit.

use std::collections::HashMap;

use serde_json::{Map, Value, json};

use crate::finding::Location;
use crate::manifest::Object;

/// One served (or not served) version of a CRD.
#[derive(Debug, Clone)]
pub struct CrdVersion {
    /// `widgets.example.com`.
    pub crd_name: String,
    pub served: bool,
    /// The openAPIV3Schema as written (None: the version has no schema).
    pub schema: Option<Value>,
    /// Where the CRD is, for related locations.
    pub location: Location,
    pub namespaced: bool,
}

/// Every CRD known to a run, by `(group, version, kind)`.
#[derive(Debug, Default)]
pub struct Crds {
    by_gvk: HashMap<(String, String, String), CrdVersion>,
    /// Served versions per (group, kind), for "version not served" hints.
    versions: HashMap<(String, String), Vec<String>>,
}

impl Crds {
    /// Registers every `apiextensions.k8s.io/v1` CRD among `objects`.
    pub fn register<'a>(&mut self, objects: impl IntoIterator<Item = &'a Object>) {
        for entry in crd_versions(objects) {
            let CrdVersionEntry {
                crd,
                group,
                kind,
                version,
            } = entry;
            let spec = &crd.value["spec"];
            let Some(name) = version.get("name").and_then(Value::as_str) else {
                continue;
            };
            let served = version
                .get("served")
                .and_then(Value::as_bool)
                .unwrap_or(false);
            let schema = version
                .pointer("/schema/openAPIV3Schema")
                .or(spec.pointer("/validation/openAPIV3Schema"))
                .cloned();
            let key = (group.to_string(), name.to_string(), kind.to_string());
            if served {
                self.versions
                    .entry((group.to_string(), kind.to_string()))
                    .or_default()
                    .push(name.to_string());
            }
            self.by_gvk.entry(key).or_insert(CrdVersion {
                crd_name: crd.name().unwrap_or_default().to_string(),
                served,
                schema,
                location: crd.head_location(),
                namespaced: spec.get("scope").and_then(Value::as_str) != Some("Cluster"),
            });
        }
    }

    pub fn get(&self, group: &str, version: &str, kind: &str) -> Option<&CrdVersion> {
        self.by_gvk
            .get(&(group.to_string(), version.to_string(), kind.to_string()))
    }

    /// The served versions of a (group, kind), when some CRD defines it.
    pub fn served_versions(&self, group: &str, kind: &str) -> Option<&[String]> {
        self.versions
            .get(&(group.to_string(), kind.to_string()))
            .map(Vec::as_slice)
    }
}

/// One version entry of an `apiextensions.k8s.io/v1` CRD: the CRD, its group and kind.
pub struct CrdVersionEntry<'a> {
    pub crd: &'a Object,
    pub group: &'a str,
    pub kind: &'a str,
    /// The `spec.versions[]` item.
    pub version: &'a Value,
}

/// Every version entry of every `apiextensions.k8s.io/v1` CRD among `objects` (CRDs without a
/// group or kind are skipped), in order; the schema and API-server stages both read CRDs so.
pub fn crd_versions<'a>(
    objects: impl IntoIterator<Item = &'a Object>,
) -> impl Iterator<Item = CrdVersionEntry<'a>> {
    objects
        .into_iter()
        .filter(|o| {
            o.kind() == Some("CustomResourceDefinition")
                && o.api_version() == Some("apiextensions.k8s.io/v1")
        })
        .filter_map(|crd| {
            let spec = &crd.value["spec"];
            let group = spec.get("group").and_then(Value::as_str)?;
            let kind = spec.pointer("/names/kind").and_then(Value::as_str)?;
            let versions = spec.get("versions").and_then(Value::as_array)?;
            Some(versions.iter().map(move |version| CrdVersionEntry {
                crd,
                group,
                kind,
                version,
            }))
        })
        .flatten()
}

const INT32: (i64, i64) = (i32::MIN as i64, i32::MAX as i64);

/// Rewrites a CRD's `openAPIV3Schema` into draft-4 JSON Schema with the API server's meaning.
/// With `strict`, objects that declare properties reject undeclared fields, as
/// `kubectl apply` (strict field validation) does.
pub fn to_json_schema(schema: &Value, strict: bool) -> Value {
    let mut root = rewrite(schema, strict, 0);
    // The API server validates apiVersion, kind and metadata itself; the schema may omit them.
    if let Value::Object(map) = &mut root {
        let properties = map
            .entry("properties")
            .or_insert_with(|| Value::Object(Map::new()));
        if let Value::Object(p) = properties {
            p.entry("apiVersion").or_insert(json!({"type": "string"}));
            p.entry("kind").or_insert(json!({"type": "string"}));
            p.insert("metadata".into(), json!({"type": "object"}));
        }
        map.entry("type").or_insert(json!("object"));
    }
    root
}

fn rewrite(schema: &Value, strict: bool, depth: usize) -> Value {
    let Value::Object(input) = schema else {
        return schema.clone();
    };
    if depth > 64 {
        return json!({});
    }
    let mut out = Map::new();
    for (key, value) in input {
        let value = match key.as_str() {
            "properties" | "patternProperties" | "definitions" => match value {
                Value::Object(props) => Value::Object(
                    props
                        .iter()
                        .map(|(k, v)| (k.clone(), rewrite(v, strict, depth + 1)))
                        .collect(),
                ),
                other => other.clone(),
            },
            "items" | "additionalProperties" | "not" if value.is_object() => {
                rewrite(value, strict, depth + 1)
            }
            "allOf" | "anyOf" | "oneOf" => match value {
                Value::Array(branches) => Value::Array(
                    branches
                        .iter()
                        .map(|b| rewrite(b, strict, depth + 1))
                        .collect(),
                ),
                other => other.clone(),
            },
            // OpenAPI annotations with no JSON Schema meaning.
            "nullable"
            | "x-kubernetes-validations"
            | "description"
            | "example"
            | "externalDocs" => continue,
            _ => value.clone(),
        };
        out.insert(key.clone(), value);
    }
    let flag = |name: &str| input.get(name).and_then(Value::as_bool).unwrap_or(false);
    if flag("x-kubernetes-int-or-string") && !out.contains_key("type") {
        out.insert("type".into(), json!(["integer", "string"]));
    }
    if flag("x-kubernetes-embedded-resource") {
        let properties = out
            .entry("properties")
            .or_insert_with(|| Value::Object(Map::new()));
        if let Value::Object(p) = properties {
            p.entry("apiVersion").or_insert(json!({"type": "string"}));
            p.entry("kind").or_insert(json!({"type": "string"}));
            p.entry("metadata").or_insert(json!({"type": "object"}));
        }
    }
    if out.get("format").and_then(Value::as_str) == Some("int32")
        && out.get("type").and_then(Value::as_str) == Some("integer")
    {
        out.entry("minimum").or_insert(json!(INT32.0));
        out.entry("maximum").or_insert(json!(INT32.1));
    }
    let declares_fields = out.contains_key("properties");
    if strict
        && declares_fields
        && !flag("x-kubernetes-preserve-unknown-fields")
        && !out.contains_key("additionalProperties")
    {
        out.insert("additionalProperties".into(), json!(false));
    }
    // `nullable: true` allows null; without it the API server drops a null (or puts the default
    // in its place) before validating, so a null never fails either way.
    if let Some(Value::String(t)) = out.get("type").cloned() {
        out.insert("type".into(), json!([t, "null"]));
    }
    if let Some(Value::Array(values)) = out.get_mut("enum")
        && !values.contains(&Value::Null)
    {
        values.push(Value::Null);
    }
    Value::Object(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rewrites_openapi_to_strict_json_schema() {
        let schema = json!({
            "type": "object",
            "properties": {
                "spec": {"type": "object", "properties": {
                    "port": {"x-kubernetes-int-or-string": true, "anyOf": [{"type": "integer"}, {"type": "string"}]},
                    "size": {"type": "integer", "format": "int32"},
                    "note": {"type": "string", "nullable": true},
                    "extra": {"type": "object", "x-kubernetes-preserve-unknown-fields": true, "properties": {"a": {"type": "string"}}},
                    "template": {"type": "object", "x-kubernetes-embedded-resource": true, "x-kubernetes-preserve-unknown-fields": true},
                }},
            },
        });
        let out = to_json_schema(&schema, true);
        let spec = &out["properties"]["spec"];
        assert_eq!(spec["additionalProperties"], json!(false));
        assert_eq!(
            spec["properties"]["port"]["type"],
            json!(["integer", "string"])
        );
        assert_eq!(spec["properties"]["size"]["maximum"], json!(2147483647));
        assert_eq!(
            spec["properties"]["size"]["type"],
            json!(["integer", "null"])
        );
        assert_eq!(
            spec["properties"]["note"]["type"],
            json!(["string", "null"])
        );
        assert!(
            spec["properties"]["extra"]
                .get("additionalProperties")
                .is_none()
        );
        assert_eq!(
            spec["properties"]["template"]["properties"]["kind"],
            json!({"type": "string"})
        );
        assert_eq!(out["properties"]["metadata"], json!({"type": "object"}));
        assert_eq!(out["additionalProperties"], json!(false));
        let relaxed = to_json_schema(&schema, false);
        assert!(
            relaxed["properties"]["spec"]
                .get("additionalProperties")
                .is_none()
        );
    }
}
