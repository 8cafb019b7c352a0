//! CustomResourceDefinitions (apiextensions-apiserver `validation.go` and the structural schema
//! rules of `pkg/apiserver/schema`): name is `<plural>.<group>`, group, scope, versions, names,
//! a schema per version, and the structural basics (types specified, arrays with items,
//! `additionalProperties` not beside `properties`, `metadata` restricted at the root).

use std::collections::HashSet;

use serde_json::Value;

use super::messages::{is_dns1035_label, is_dns1123_subdomain};
use super::{Ctx, Path, get};
use crate::rules;

pub fn check(ctx: &mut Ctx, object: &Value) {
    ctx.family(&rules::invalid_crd::RULE);
    let spec = &object["spec"];
    let path = Path::new(&["spec"]);
    let names = &spec["names"];
    let plural = get::string(names, "plural");
    let group = get::string(spec, "group");
    let name = object
        .pointer("/metadata/name")
        .and_then(Value::as_str)
        .unwrap_or("");
    if !name.is_empty() && name != format!("{plural}.{group}") {
        ctx.invalid_str(
            &Path::new(&["metadata", "name"]),
            name,
            "must be spec.names.plural+\".\"+spec.group",
        );
    }
    if group.is_empty() {
        ctx.required(&path.child("group"), "");
    } else {
        let errs = is_dns1123_subdomain(group);
        if !errs.is_empty() {
            ctx.invalid_str(&path.child("group"), group, &errs.join(","));
        } else if !group.contains('.') {
            ctx.invalid_str(
                &path.child("group"),
                group,
                "should be a domain with at least one dot",
            );
        }
    }
    if let Some(scope) = spec.get("scope")
        && !matches!(scope.as_str(), Some("Cluster" | "Namespaced"))
    {
        ctx.unsupported(&path.child("scope"), scope, &["Cluster", "Namespaced"]);
    }
    check_names(ctx, names, &path.child("names"));
    let versions = get::list(spec, "versions");
    let mut seen = HashSet::new();
    let mut unique = true;
    let mut storage = 0;
    for (i, version) in versions.iter().enumerate() {
        let at = path.child("versions").index(i);
        let version_name = get::string(version, "name");
        if !seen.insert(version_name) {
            unique = false;
        }
        if get::bool(version, "storage") == Some(true) {
            storage += 1;
        }
        let errs = is_dns1035_label(version_name);
        if !errs.is_empty() {
            ctx.invalid_str(&at.child("name"), version_name, &errs.join(","));
        }
        let schema_path = at.child("schema").child("openAPIV3Schema");
        match version.pointer("/schema/openAPIV3Schema") {
            Some(schema) if schema.is_object() => {
                structural(ctx, schema, &schema_path, Level::Root)
            }
            _ => ctx.required(&schema_path, ""),
        }
    }
    // The bad value is the whole version list; it is not repeated here.
    if !unique {
        ctx.invalid_rendered(
            &path.child("versions"),
            "[…]",
            "must contain unique version names",
        );
    }
    if storage != 1 {
        ctx.invalid_rendered(
            &path.child("versions"),
            "[…]",
            "must have exactly one version marked as storage version",
        );
    }
}

fn check_names(ctx: &mut Ctx, names: &Value, at: &Path) {
    for field in ["plural", "singular"] {
        let value = get::string(names, field);
        let errs = is_dns1035_label(value);
        if !value.is_empty() && !errs.is_empty() {
            ctx.invalid_str(&at.child(field), value, &errs.join(","));
        }
    }
    if get::string(names, "plural").is_empty() {
        ctx.required(&at.child("plural"), "");
    }
    let kind = get::string(names, "kind");
    if kind.is_empty() {
        ctx.required(&at.child("kind"), "");
    }
    for field in ["kind", "listKind"] {
        let value = get::string(names, field);
        let errs = is_dns1035_label(&value.to_lowercase());
        if !value.is_empty() && !errs.is_empty() {
            ctx.invalid_str(
                &at.child(field),
                value,
                &format!(
                    "may have mixed case, but should otherwise match: {}",
                    errs.join(",")
                ),
            );
        }
    }
    let list_kind = get::string(names, "listKind");
    if !kind.is_empty() && kind == list_kind {
        ctx.invalid_str(
            &at.child("listKind"),
            list_kind,
            "kind and listKind may not be the same",
        );
    }
    for field in ["shortNames", "categories"] {
        for (i, value) in get::list(names, field).iter().enumerate() {
            if let Some(v) = value.as_str() {
                let errs = is_dns1035_label(v);
                if !errs.is_empty() {
                    ctx.invalid_str(&at.child(field).index(i), v, &errs.join(","));
                }
            }
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Level {
    Root,
    Field,
    Item,
}

/// A step below a schema node, kept as borrowed text: a `Path` is only built for a cause, as
/// large CRDs have tens of thousands of nodes.
#[derive(Clone, Copy)]
enum Step<'s> {
    Child(&'s str),
    Key(&'s str),
}

fn path_of(base: &Path, steps: &[Step<'_>]) -> Path {
    steps.iter().fold(base.clone(), |p, step| match step {
        Step::Child(name) => p.child(name),
        Step::Key(key) => p.key(key),
    })
}

/// The structural-schema invariants that hand-written CRDs most often break.
fn structural(ctx: &mut Ctx, schema: &Value, at: &Path, level: Level) {
    let mut steps = Vec::new();
    walk(ctx, schema, at, &mut steps, level);
}

fn walk<'s>(
    ctx: &mut Ctx,
    schema: &'s Value,
    base: &Path,
    steps: &mut Vec<Step<'s>>,
    level: Level,
) {
    let here = |steps: &[Step<'_>]| path_of(base, steps);
    let kind = get::string(schema, "type");
    let relaxed = get::bool(schema, "x-kubernetes-int-or-string") == Some(true)
        || get::bool(schema, "x-kubernetes-embedded-resource") == Some(true)
        || get::bool(schema, "x-kubernetes-preserve-unknown-fields") == Some(true);
    if kind.is_empty() && !relaxed {
        let detail = match level {
            Level::Root => "must not be empty at the root",
            Level::Item => "must not be empty for specified array items",
            Level::Field => "must not be empty for specified object fields",
        };
        ctx.required(&here(steps).child("type"), detail);
    }
    for (i, rule) in get::list(schema, "x-kubernetes-validations")
        .iter()
        .enumerate()
    {
        let text = get::string(rule, "rule");
        if text.contains("oldSelf") && get::bool(rule, "optionalOldSelf") != Some(true) {
            ctx.note(
                &rules::cel_rule_not_evaluated::RULE,
                &here(steps)
                    .child("x-kubernetes-validations")
                    .index(i)
                    .child("rule"),
                &format!(
                    "CEL rule `{text}` not evaluated: a transition rule (oldSelf) runs on update only, and offline checks are create-time"
                ),
            );
        }
    }
    if kind == "array" && !get::has(schema, "items") {
        ctx.required(&here(steps).child("items"), "must be specified");
    }
    if get::has(schema, "additionalProperties") && get::has(schema, "properties") {
        ctx.forbidden(
            &here(steps).child("additionalProperties"),
            "additionalProperties and properties are mutual exclusive",
        );
    }
    let properties = get::map(schema, "properties");
    if level == Level::Root
        && let Some(meta) = properties.and_then(|p| p.get("metadata"))
    {
        let only_names = get::map(meta, "properties")
            .is_none_or(|p| p.keys().all(|k| k == "name" || k == "generateName"));
        if !only_names {
            ctx.forbidden(
                &here(steps).child("properties").key("metadata"),
                "must not specify anything other than name and generateName, but metadata is implicitly specified",
            );
        }
    }
    for (name, child) in properties.into_iter().flatten() {
        if level == Level::Root && name == "metadata" || !child.is_object() {
            continue;
        }
        steps.push(Step::Child("properties"));
        steps.push(Step::Key(name));
        walk(ctx, child, base, steps, Level::Field);
        steps.truncate(steps.len() - 2);
    }
    if let Some(items) = schema.get("items").filter(|i| i.is_object()) {
        steps.push(Step::Child("items"));
        walk(ctx, items, base, steps, Level::Item);
        steps.pop();
    }
    if let Some(additional) = schema.get("additionalProperties").filter(|a| a.is_object()) {
        steps.push(Step::Child("additionalProperties"));
        walk(ctx, additional, base, steps, Level::Field);
        steps.pop();
    }
}
