//! CEL rules of CRD schemas (`x-kubernetes-validations`) evaluated against custom resources, as
//! the API server does on create: `kube-cel` binds `self` at each schema node, applies schema
//! defaults first and provides the Kubernetes CEL libraries (strings, lists, regex, quantity,
//! url, …).
//!
//! A failed rule is reported as the API server reports it (`<path>: Invalid value: "object":
//! <message>`, or the rule's `reason`). What cannot be evaluated here — a function or macro
//! `kube-cel` lacks, a compile or runtime error — becomes one `cel-rule-not-evaluated` note,
//! never an error. Transition rules (`oldSelf`) only run on update and are skipped on create.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use kube_cel::CompiledSchema;
use serde_json::Value;

use super::{Ctx, Path};
use crate::manifest::{FieldPath, Object};
use crate::rules;

type Key = (String, String, String);

/// The CRD schemas known to the run (checked paths and `--crds`), borrowed from the parsed
/// objects, for their CEL rules; each schema with rules is compiled once, on first use, and
/// shared by all threads.
#[derive(Default)]
pub struct CrdRules<'a> {
    schemas: HashMap<Key, &'a Value>,
    compiled: Mutex<HashMap<Key, Option<Arc<CompiledSchema>>>>,
}

impl<'a> CrdRules<'a> {
    pub fn collect(objects: impl IntoIterator<Item = &'a Object>) -> CrdRules<'a> {
        let mut rules = CrdRules::default();
        rules.register(objects);
        rules
    }

    /// Registers the `apiextensions.k8s.io/v1` CRDs among `objects` (the first one of a kind
    /// wins, as in the schema stage).
    pub fn register(&mut self, objects: impl IntoIterator<Item = &'a Object>) {
        for entry in crate::schema::crd::crd_versions(objects) {
            let (Some(name), Some(schema)) = (
                entry.version.get("name").and_then(Value::as_str),
                entry.version.pointer("/schema/openAPIV3Schema"),
            ) else {
                continue;
            };
            self.schemas
                .entry((
                    entry.group.to_string(),
                    name.to_string(),
                    entry.kind.to_string(),
                ))
                .or_insert(schema);
        }
    }

    /// The compiled rules of a kind's schema; `None` when it has no rules.
    fn compiled(&self, group: &str, version: &str, kind: &str) -> Option<Arc<CompiledSchema>> {
        let key = (group.to_string(), version.to_string(), kind.to_string());
        if let Ok(cache) = self.compiled.lock()
            && let Some(hit) = cache.get(&key)
        {
            return hit.clone();
        }
        let compiled = self
            .schemas
            .get(&key)
            .filter(|schema| has_rules(schema))
            .map(|schema| Arc::new(kube_cel::compile_schema(schema)));
        if let Ok(mut cache) = self.compiled.lock() {
            cache.insert(key, compiled.clone());
        }
        compiled
    }

    /// Evaluates the CEL rules of the resource's CRD schema, if it has any.
    pub fn check(&self, ctx: &mut Ctx, group: &str, version: &str, kind: &str, value: &Value) {
        let Some(compiled) = self.compiled(group, version, kind) else {
            return;
        };
        let Err(errors) = kube_cel::validate_compiled(&compiled, value, None) else {
            return;
        };
        let mut noted = std::collections::HashSet::new();
        for error in errors.into_vec() {
            let path = field_path(&error.field_path);
            match error.kind {
                kube_cel::ErrorKind::ValidationFailure => {
                    ctx.family(&rules::cel_rule_failed::RULE);
                    let node = lookup(value, &path.at);
                    let detail = error.message.as_str();
                    match error.reason.as_deref() {
                        Some("FieldValueForbidden") => ctx.forbidden(&path, detail),
                        Some("FieldValueRequired") => ctx.required(&path, detail),
                        Some("FieldValueDuplicate") => {
                            ctx.duplicate_rendered(
                                &path,
                                &super::messages::go_quote(type_name(node)),
                            );
                        }
                        _ => ctx.invalid_str(&path, type_name(node), detail),
                    }
                }
                _ => {
                    // One note per rule: the same rule at many list items says the same thing.
                    if noted.insert(error.rule.clone()) {
                        ctx.note(
                            &rules::cel_rule_not_evaluated::RULE,
                            &path,
                            &format!(
                                "CEL rule `{}` not evaluated: {}",
                                error.rule,
                                not_evaluated_reason(&error)
                            ),
                        );
                    }
                }
            }
        }
    }
}

/// Whether a schema holds any `x-kubernetes-validations` (most do not; they skip CEL entirely).
fn has_rules(schema: &Value) -> bool {
    match schema {
        Value::Object(map) => {
            map.contains_key("x-kubernetes-validations") || map.values().any(has_rules)
        }
        Value::Array(items) => items.iter().any(has_rules),
        _ => false,
    }
}

fn not_evaluated_reason(error: &kube_cel::ValidationError) -> String {
    match error.kind {
        kube_cel::ErrorKind::UnsupportedReference => {
            "it uses a function or macro gitops-lint cannot evaluate offline".to_string()
        }
        kube_cel::ErrorKind::CompilationFailure => {
            format!("it does not compile here ({})", first_line(&error.message))
        }
        _ => format!("evaluation failed here ({})", first_line(&error.message)),
    }
}

fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or("")
}

/// `kube-cel` paths (`spec.items[1].name`) in both spellings.
fn field_path(text: &str) -> Path {
    let parsed = FieldPath::parse(text.trim_start_matches('.'));
    Path {
        text: text.trim_start_matches('.').to_string(),
        at: parsed,
    }
}

fn lookup<'v>(value: &'v Value, path: &FieldPath) -> Option<&'v Value> {
    let mut current = value;
    for segment in path.segments() {
        current = match segment {
            crate::manifest::Segment::Key(k) => current.get(k.as_str())?,
            crate::manifest::Segment::Index(i) => current.get(*i)?,
        };
    }
    Some(current)
}

/// The OpenAPI type of the node a rule sits on: the bad value the API server prints.
fn type_name(value: Option<&Value>) -> &'static str {
    match value {
        Some(Value::Object(_)) | None => "object",
        Some(Value::Array(_)) => "array",
        Some(Value::String(_)) => "string",
        Some(Value::Number(n)) if n.is_i64() || n.is_u64() => "integer",
        Some(Value::Number(_)) => "number",
        Some(Value::Bool(_)) => "boolean",
        Some(Value::Null) => "null",
    }
}
