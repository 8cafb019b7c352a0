//! Schema errors → findings: each located at its field, worded for the person who wrote the
//! YAML (which field, which value, what was expected, and the YAML reason when YAML is why).

use jsonschema::error::{TypeKind, ValidationErrorKind};
use jsonschema::{JsonType, Validator};
use serde_json::Value;

use super::bundled::KubeVersion;
use super::crd::CrdVersion;
use super::walk;
use crate::finding::{Finding, Location};
use crate::manifest::{FieldPath, Object, Segment};
use crate::rules::{self, Rule};
use crate::text::edit_distance;

fn finding(rule: Rule, object: &Object, path: &FieldPath, message: String) -> Finding {
    let mut f = Finding::new(
        rule.id,
        rule.default_severity,
        message,
        object.location(path),
    )
    .with_object(object.reference);
    if !path.segments().is_empty() {
        f = f.with_field(path.to_string());
    }
    f
}

/// Validates an object; every error becomes a finding.
pub fn validate(
    object: &Object,
    validator: &Validator,
    root: &Value,
    document: &Value,
) -> Vec<Finding> {
    let mut out = Vec::new();
    if !validator.is_valid(&object.value) {
        let errors: Vec<_> = validator
            .iter_errors(&object.value)
            .map(|e| {
                (
                    FieldPath::parse(e.instance_path().as_str()).normalized(&object.value),
                    e,
                )
            })
            .collect();
        for (path, error) in &errors {
            // `port: true` fails both `type` and the `anyOf` around it: the specific error wins.
            let combinator = matches!(
                error.kind(),
                ValidationErrorKind::AnyOf { .. } | ValidationErrorKind::OneOfNotValid { .. }
            );
            if combinator
                && errors
                    .iter()
                    .any(|(p, e)| p == path && !std::ptr::eq(e, error))
            {
                continue;
            }
            let union = walk::at(document, root, path).and_then(|s| union_kind(document, s));
            out.extend(describe(
                object,
                path,
                error.kind(),
                error.instance(),
                union,
                root,
                document,
                &error.to_string(),
            ));
        }
    }
    drop_required_explained_by_typos(&mut out);
    for duplicate in walk::duplicate_entries(document, root, &object.value) {
        let list =
            FieldPath(duplicate.path.segments()[..duplicate.path.segments().len() - 1].to_vec());
        out.push(
            finding(
                rules::duplicate_list_entry::RULE,
                object,
                &duplicate.path,
                format!("duplicate entry `{}` in `{list}`", duplicate.key),
            )
            .with_related(
                object.location(&duplicate.first),
                format!("`{}` first here", duplicate.key),
            )
            .with_help("remove or rename one of the two entries"),
        );
    }
    out
}

/// `contianers:` makes `containers` both unknown and missing; the unknown field's suggestion
/// already says what to do, so the missing-field finding goes.
fn drop_required_explained_by_typos(findings: &mut Vec<Finding>) {
    let suggested: Vec<String> = findings
        .iter()
        .filter(|f| f.rule == rules::unknown_field::RULE.id)
        .filter_map(|f| {
            let suggestion = f
                .help
                .as_deref()?
                .strip_prefix("did you mean `")?
                .strip_suffix("`?")?;
            let field = FieldPath::parse(f.field.as_deref()?);
            let parent = &field.segments()[..field.segments().len().saturating_sub(1)];
            Some(FieldPath(parent.to_vec()).key(suggestion).to_string())
        })
        .collect();
    if suggested.is_empty() {
        return;
    }
    findings.retain(|f| {
        f.rule != rules::missing_required_field::RULE.id
            || !f
                .field
                .as_ref()
                .is_some_and(|field| suggested.contains(field))
    });
}

/// The Kubernetes unions that JSON Schema spells as `oneOf`/`anyOf` of types.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Union {
    IntOrString,
    Quantity,
}

fn union_kind(document: &Value, schema: &Value) -> Option<Union> {
    if schema
        .get("x-kubernetes-int-or-string")
        .and_then(Value::as_bool)
        == Some(true)
    {
        return Some(Union::IntOrString);
    }
    let branches = schema
        .get("oneOf")
        .or_else(|| schema.get("anyOf"))?
        .as_array()?;
    let mut types: Vec<&str> = branches
        .iter()
        .flat_map(|b| match walk::resolve(document, b).get("type") {
            Some(Value::String(t)) => vec![t.as_str()],
            Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        })
        .filter(|t| *t != "null")
        .collect();
    types.sort_unstable();
    types.dedup();
    match types.as_slice() {
        ["integer", "string"] => Some(Union::IntOrString),
        ["number", "string"] => Some(Union::Quantity),
        _ => None,
    }
}

#[allow(clippy::too_many_arguments)]
fn describe(
    object: &Object,
    path: &FieldPath,
    kind: &ValidationErrorKind,
    instance: &Value,
    union: Option<Union>,
    root: &Value,
    document: &Value,
    fallback: &str,
) -> Vec<Finding> {
    let field = field_name(path);
    match kind {
        ValidationErrorKind::AdditionalProperties { unexpected } => {
            let schema = walk::at(document, root, path);
            let known: Vec<&str> = schema
                .map(|s| walk::property_names(document, s))
                .unwrap_or_default();
            unexpected
                .iter()
                .map(|name| {
                    let at = path.clone().key(name.clone());
                    let parent = if path.segments().is_empty() {
                        "the object".to_string()
                    } else {
                        format!("`{path}`")
                    };
                    let mut f = finding(
                        rules::unknown_field::RULE,
                        object,
                        &at,
                        format!("unknown field `{name}` in {parent}"),
                    );
                    f.help = Some(match closest(name, &known) {
                        Some(s) => format!("did you mean `{s}`?"),
                        None if known.is_empty() => "remove the field".to_string(),
                        None => {
                            format!("remove the field; known fields here: {}", list(&known, 12))
                        }
                    });
                    f
                })
                .collect()
        }
        ValidationErrorKind::Required { property } => {
            let name = property.as_str().unwrap_or_default();
            let parent = if path.segments().is_empty() {
                "the object".to_string()
            } else {
                format!("`{path}`")
            };
            vec![
                finding(
                    rules::missing_required_field::RULE,
                    object,
                    &path.clone().key(name),
                    format!("missing required field `{name}` in {parent}"),
                )
                .with_help(format!("add `{name}`")),
            ]
        }
        ValidationErrorKind::Type { kind } => {
            let expected = expected_types(kind);
            let (message, help) = type_mismatch(object, path, &field, instance, &expected);
            let mut f = finding(rules::invalid_field_type::RULE, object, path, message);
            f.help = help;
            vec![f]
        }
        ValidationErrorKind::Enum { options } => {
            let allowed: Vec<String> = options
                .as_array()
                .map(|a| a.iter().map(scalar_text).collect())
                .unwrap_or_default();
            let refs: Vec<&str> = allowed.iter().map(String::as_str).collect();
            let value = scalar_text(instance);
            let mut f = finding(
                rules::invalid_field_value::RULE,
                object,
                path,
                format!(
                    "`{value}` is not a valid `{field}`: expected one of {}",
                    list(&refs, 20)
                ),
            );
            f.help = Some(match closest(&value, &refs) {
                Some(s) => format!("did you mean `{s}`?"),
                None => format!("use one of {}", list(&refs, 20)),
            });
            vec![f]
        }
        ValidationErrorKind::Maximum { limit }
        | ValidationErrorKind::ExclusiveMaximum { limit } => {
            let int32 = limit.as_i64() == Some(i64::from(i32::MAX));
            vec![
                finding(
                    rules::invalid_field_value::RULE,
                    object,
                    path,
                    format!(
                        "`{field}` is {}, above the maximum of {limit}{}",
                        scalar_text(instance),
                        if int32 { " (a 32-bit integer)" } else { "" }
                    ),
                )
                .with_help(format!("use a value of at most {limit}")),
            ]
        }
        ValidationErrorKind::Minimum { limit }
        | ValidationErrorKind::ExclusiveMinimum { limit } => vec![
            finding(
                rules::invalid_field_value::RULE,
                object,
                path,
                format!(
                    "`{field}` is {}, below the minimum of {limit}",
                    scalar_text(instance)
                ),
            )
            .with_help(format!("use a value of at least {limit}")),
        ],
        ValidationErrorKind::OneOfNotValid { .. } | ValidationErrorKind::AnyOf { .. }
            if union.is_some() =>
        {
            let quantity = union == Some(Union::Quantity);
            let expected = if quantity {
                "a quantity (a number, or a string such as 500m or 1Gi)"
            } else {
                "an integer or a string"
            };
            vec![
                finding(
                    rules::invalid_field_type::RULE,
                    object,
                    path,
                    format!(
                        "`{field}` must be {expected}, not {}",
                        describe_value(instance)
                    ),
                )
                .with_help(if quantity {
                    "write a quantity such as 100m, 0.5 or 128Mi"
                } else {
                    "write a number such as 8080 or a name such as http"
                }),
            ]
        }
        ValidationErrorKind::Custom { message, .. }
            if message.starts_with(super::formats::PATTERN_MISMATCH) =>
        {
            let pattern = &message[super::formats::PATTERN_MISMATCH.len()..];
            vec![
                finding(
                    rules::invalid_field_value::RULE,
                    object,
                    path,
                    format!(
                        "`{}` does not match the pattern `{pattern}` of `{field}`",
                        scalar_text(instance)
                    ),
                )
                .with_help("write a value that matches the pattern"),
            ]
        }
        ValidationErrorKind::Format { format } if format == "byte" => vec![
            finding(
                rules::invalid_field_value::RULE,
                object,
                path,
                format!("`{field}` is not base64-encoded"),
            )
            .with_help(
                "encode the value with base64, or move it to stringData, which takes plain text",
            ),
        ],
        ValidationErrorKind::Format { format } if format == "duration" => vec![
            finding(
                rules::invalid_field_value::RULE,
                object,
                path,
                format!(
                    "`{}` is not a duration for `{field}`",
                    scalar_text(instance)
                ),
            )
            .with_help("write a duration such as 30s, 5m or 1h30m"),
        ],
        ValidationErrorKind::Format { format } => vec![
            finding(
                rules::invalid_field_value::RULE,
                object,
                path,
                format!(
                    "`{}` is not a valid {format} for `{field}`",
                    scalar_text(instance)
                ),
            )
            .with_help(format!("write a valid {format}")),
        ],
        _ => vec![finding(
            rules::invalid_field_value::RULE,
            object,
            path,
            if path.segments().is_empty() {
                fallback.to_string()
            } else {
                format!("`{path}`: {fallback}")
            },
        )],
    }
}

fn field_name(path: &FieldPath) -> String {
    match path.segments().last() {
        Some(Segment::Key(k)) => k.clone(),
        Some(Segment::Index(_)) => path.to_string(),
        None => "object".into(),
    }
}

fn expected_types(kind: &TypeKind) -> Vec<JsonType> {
    let types: Vec<JsonType> = match kind {
        TypeKind::Single(t) => vec![*t],
        TypeKind::Multiple(set) => set.iter().collect(),
    };
    types.into_iter().filter(|t| *t != JsonType::Null).collect()
}

fn type_name(t: JsonType) -> &'static str {
    match t {
        JsonType::Array => "a list",
        JsonType::Boolean => "a boolean",
        JsonType::Integer => "an integer",
        JsonType::Null => "null",
        JsonType::Number => "a number",
        JsonType::Object => "a mapping",
        JsonType::String => "a string",
    }
}

fn describe_value(value: &Value) -> String {
    match value {
        Value::Null => "null".into(),
        Value::Bool(b) => format!("the boolean {b}"),
        Value::Number(n) => format!("the number {n}"),
        Value::String(s) => format!("the string \"{s}\""),
        Value::Array(_) => "a list".into(),
        Value::Object(_) => "a mapping".into(),
    }
}

const YAML11_BOOLS: &[&str] = &[
    "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "on", "On", "ON", "off", "Off",
    "OFF",
];

/// The message for a type mismatch, and a help that names the YAML cause when there is one.
fn type_mismatch(
    object: &Object,
    path: &FieldPath,
    field: &str,
    value: &Value,
    expected: &[JsonType],
) -> (String, Option<String>) {
    let wanted = expected
        .iter()
        .map(|t| type_name(*t))
        .collect::<Vec<_>>()
        .join(" or ");
    let message = format!("`{field}` must be {wanted}, not {}", describe_value(value));
    let located = object.locate(path);
    let source = object
        .source
        .text
        .get(located.value.start..located.value.end)
        .unwrap_or("")
        .trim();
    let wants = |t: JsonType| expected.contains(&t);
    let help = match value {
        Value::String(s)
            if (wants(JsonType::Integer) || wants(JsonType::Number))
                && s.trim().parse::<f64>().is_ok() =>
        {
            Some(format!(
                "{source} is quoted, so YAML reads it as a string: write {} without quotes",
                s.trim()
            ))
        }
        Value::String(_) if wants(JsonType::Integer) => {
            Some("write a whole number, such as 3".to_string())
        }
        Value::String(_) if wants(JsonType::Number) => {
            Some("write a number, such as 0.5".to_string())
        }
        Value::String(s) if wants(JsonType::Boolean) && matches!(s.as_str(), "true" | "false") => {
            Some(format!(
                "{source} is quoted, so YAML reads it as a string: write {s} without quotes"
            ))
        }
        Value::Bool(b) if wants(JsonType::String) && YAML11_BOOLS.contains(&source) => {
            Some(format!(
                "unquoted `{source}` is the boolean {b} in the YAML 1.1 that Kubernetes reads: write \"{source}\""
            ))
        }
        Value::Bool(_) | Value::Number(_) if wants(JsonType::String) => Some(format!(
            "YAML reads unquoted `{source}` as {}: write \"{source}\"",
            describe_value(value)
        )),
        _ => None,
    };
    (message, help)
}

fn scalar_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn list(items: &[&str], max: usize) -> String {
    let mut shown: Vec<String> = items.iter().take(max).map(|s| format!("`{s}`")).collect();
    if items.len() > max {
        shown.push(format!("… ({} more)", items.len() - max));
    }
    shown.join(", ")
}

/// The closest candidate within a small edit distance, for did-you-mean.
fn closest<'a>(name: &str, candidates: &[&'a str]) -> Option<&'a str> {
    let lower = name.to_lowercase();
    candidates
        .iter()
        .map(|c| {
            let d = edit_distance(&lower, &c.to_lowercase());
            (d, *c)
        })
        .filter(|(d, c)| *d <= 2.max(c.len() / 3) && *d < c.len())
        .min()
        .map(|(_, c)| c)
}

pub fn removed(object: &Object, since: KubeVersion, replacement: Option<&str>) -> Finding {
    let api_version = object.api_version().unwrap_or_default();
    let kind = object.kind().unwrap_or_default();
    let path = FieldPath::root().key("apiVersion");
    let (message_tail, help) = match replacement {
        Some(r) => (
            format!("; use {r}"),
            format!("change apiVersion to {r} and adjust the fields that changed with it"),
        ),
        None => (
            "; it has no replacement".to_string(),
            "remove the object, or replace it with the mechanism that succeeded it".to_string(),
        ),
    };
    finding(
        rules::removed_api_version::RULE,
        object,
        &path,
        format!("{api_version} {kind} was removed in Kubernetes {since}{message_tail}"),
    )
    .with_help(help)
}

pub fn deprecated(
    object: &Object,
    since: KubeVersion,
    removed: Option<KubeVersion>,
    replacement: Option<&str>,
) -> Finding {
    let api_version = object.api_version().unwrap_or_default();
    let kind = object.kind().unwrap_or_default();
    let removal = removed
        .map(|r| format!(" and is removed in {r}"))
        .unwrap_or_default();
    let mut f = finding(
        rules::deprecated_api_version::RULE,
        object,
        &FieldPath::root().key("apiVersion"),
        format!("{api_version} {kind} is deprecated since Kubernetes {since}{removal}"),
    );
    f.help = replacement.map(|r| format!("move to {r}"));
    f
}

pub fn unserved(object: &Object, target: KubeVersion, served: &[&str]) -> Finding {
    let api_version = object.api_version().unwrap_or_default();
    let kind = object.kind().unwrap_or_default();
    let (rule, message, help) = if served.is_empty() {
        (
            rules::unserved_api_version::RULE,
            format!("Kubernetes {target} has no kind {kind} in {api_version}"),
            "check the kind's spelling and apiVersion".to_string(),
        )
    } else {
        (
            rules::unserved_api_version::RULE,
            format!(
                "Kubernetes {target} does not serve {kind} in {api_version} (served: {})",
                served.join(", ")
            ),
            format!("use apiVersion {}", served[served.len() - 1]),
        )
    };
    finding(rule, object, &FieldPath::root().key("apiVersion"), message).with_help(help)
}

pub fn crd_version_not_served(
    object: &Object,
    crd: &CrdVersion,
    version: &str,
    served: &[String],
) -> Finding {
    finding(
        rules::unserved_api_version::RULE,
        object,
        &FieldPath::root().key("apiVersion"),
        format!(
            "CRD {} does not serve version {version} (served: {})",
            crd.crd_name,
            if served.is_empty() {
                "none".to_string()
            } else {
                served.join(", ")
            }
        ),
    )
    .with_related(
        crd.location.clone(),
        format!("CRD {} is defined here", crd.crd_name),
    )
    .with_help("use a version the CRD serves")
}

pub fn invalid_schema(location: Location, message: &str) -> Finding {
    Finding::new(
        rules::invalid_schema::RULE.id,
        rules::invalid_schema::RULE.default_severity,
        message.to_string(),
        location,
    )
    .with_help("fix the schema; objects of this kind are not schema-checked until then")
}
