//! Object metadata of every kind (`ValidateObjectMeta`): the name format of the kind,
//! `generateName`, namespace, label and annotation keys and values, the annotations' total size,
//! finalizers; plus label selectors, which many kinds share (`ValidateLabelSelector`).

use serde_json::Value;

use super::messages::{
    is_dns1035_label, is_dns1123_label, is_dns1123_subdomain, is_path_segment_name,
    is_qualified_name, is_valid_label_value,
};
use super::{Ctx, Path, get};
use crate::rules;

#[derive(Clone, Copy, PartialEq, Eq)]
enum NameRule {
    Subdomain,
    Label,
    Dns1035,
    PathSegment,
}

/// The name function a kind's strategy passes to `ValidateObjectMeta`.
fn name_rule(group: &str, kind: &str) -> NameRule {
    use NameRule::*;
    match (group, kind) {
        (
            "",
            "Pod"
            | "PodTemplate"
            | "ReplicationController"
            | "ConfigMap"
            | "Secret"
            | "ServiceAccount"
            | "Endpoints"
            | "LimitRange"
            | "ResourceQuota"
            | "PersistentVolume"
            | "PersistentVolumeClaim"
            | "Node",
        )
        | ("apps", "ReplicaSet" | "Deployment" | "DaemonSet" | "ControllerRevision")
        | ("batch", "Job" | "CronJob")
        | ("autoscaling", "HorizontalPodAutoscaler")
        | ("networking.k8s.io", "Ingress" | "IngressClass" | "NetworkPolicy")
        | ("storage.k8s.io", "StorageClass")
        | ("scheduling.k8s.io", "PriorityClass")
        | ("apiextensions.k8s.io", "CustomResourceDefinition") => Subdomain,
        ("", "Namespace") | ("apps", "StatefulSet") => Label,
        ("", "Service") => Dns1035,
        _ => PathSegment,
    }
}

/// Whether a group is served by kube-apiserver itself (core finalizer rules apply).
fn built_in(group: &str) -> bool {
    group.is_empty()
        || !group.contains('.')
        || group.ends_with(".k8s.io") && !group.ends_with(".x-k8s.io")
}

fn name_messages(rule: NameRule, name: &str) -> Vec<String> {
    match rule {
        NameRule::Subdomain => is_dns1123_subdomain(name),
        NameRule::Label => is_dns1123_label(name),
        NameRule::Dns1035 => is_dns1035_label(name),
        NameRule::PathSegment => is_path_segment_name(name),
    }
}

pub fn check(ctx: &mut Ctx, group: &str, kind: &str, object: &Value) {
    ctx.family(&rules::invalid_metadata::RULE);
    let meta = &object["metadata"];
    let path = Path::new(&["metadata"]);
    let rule = name_rule(group, kind);
    let name = get::string(meta, "name");
    let generate_name = get::string(meta, "generateName");
    if !generate_name.is_empty() {
        // `prefix=true`: a trailing dash is masked (`maskTrailingDash`).
        let masked = if rule != NameRule::PathSegment
            && generate_name.len() > 1
            && generate_name.ends_with('-')
        {
            format!(
                "{}a",
                generate_name.get(..generate_name.len() - 2).unwrap_or("")
            )
        } else {
            generate_name.to_string()
        };
        ctx.invalid_each(
            &path.child("generateName"),
            generate_name,
            name_messages(rule, &masked),
        );
    }
    if !name.is_empty() {
        ctx.invalid_each(&path.child("name"), name, name_messages(rule, name));
    }
    if let Some(namespace) = get::str(meta, "namespace")
        && !namespace.is_empty()
    {
        ctx.invalid_each(
            &path.child("namespace"),
            namespace,
            is_dns1123_label(namespace),
        );
    }
    validate_labels(ctx, meta, "labels", &path.child("labels"), &path);
    validate_annotations(ctx, meta, &path.child("annotations"), &path);
    let finalizers = get::list(meta, "finalizers");
    for (i, finalizer) in finalizers.iter().enumerate() {
        let Some(finalizer) = finalizer.as_str() else {
            continue;
        };
        let at = path.child("finalizers").index(i);
        validate_finalizer(ctx, finalizer, &at, built_in(group));
    }
    let has = |f: &str| finalizers.iter().any(|v| v.as_str() == Some(f));
    if has("orphan") && has("foregroundDeletion") {
        ctx.invalid(
            &path.child("finalizers"),
            &meta["finalizers"],
            "finalizer orphan and foregroundDeletion cannot be both set",
        );
    }
    if kind == "Namespace" && group.is_empty() {
        for finalizer in get::list(&object["spec"], "finalizers") {
            if let Some(f) = finalizer.as_str() {
                validate_finalizer(ctx, f, &Path::new(&["spec", "finalizers"]), true);
            }
        }
    }
    if kind == "CronJob" && group == "batch" && name.len() > 52 {
        ctx.family(&rules::invalid_workload::RULE);
        ctx.invalid_str(
            &path.child("name"),
            name,
            "must be no more than 52 characters",
        );
    }
}

fn validate_finalizer(ctx: &mut Ctx, finalizer: &str, at: &Path, kube: bool) {
    let messages = is_qualified_name(finalizer, ctx.version);
    ctx.invalid_each(at, finalizer, messages);
    if kube
        && !finalizer.contains('/')
        && !["kubernetes", "orphan", "foregroundDeletion"].contains(&finalizer)
    {
        ctx.invalid_str(
            at,
            finalizer,
            "name is neither a standard finalizer name nor is it fully qualified",
        );
    }
}

/// `ValidateLabels(holder[field], path)`: the path names the map; causes point at the key.
pub fn validate_labels(ctx: &mut Ctx, holder: &Value, field: &str, path: &Path, at: &Path) {
    let Some(labels) = get::map(holder, field) else {
        return;
    };
    let at = at.child(field);
    for (key, value) in labels {
        let here = path.pointing(&at.child(key));
        ctx.invalid_each(&here, key, is_qualified_name(key, ctx.version));
        if let Some(value) = value.as_str() {
            ctx.invalid_each(&here, value, is_valid_label_value(value, ctx.version));
        }
    }
}

/// `ValidateAnnotations`: keys are qualified names once lower-cased; the total size is capped.
pub fn validate_annotations(ctx: &mut Ctx, holder: &Value, path: &Path, at: &Path) {
    let Some(annotations) = get::map(holder, "annotations") else {
        return;
    };
    let at = at.child("annotations");
    let mut total = 0usize;
    for (key, value) in annotations {
        let here = path.pointing(&at.child(key));
        ctx.invalid_each(
            &here,
            key,
            is_qualified_name(&key.to_lowercase(), ctx.version),
        );
        total += key.len() + value.as_str().map_or(0, str::len);
    }
    const TOTAL_ANNOTATION_SIZE_LIMIT: usize = 256 * 1024;
    if total > TOTAL_ANNOTATION_SIZE_LIMIT {
        ctx.too_long(path, TOTAL_ANNOTATION_SIZE_LIMIT);
    }
}

/// `ValidateLabelSelector`: matchLabels syntax, operators and values of matchExpressions.
pub fn validate_label_selector(ctx: &mut Ctx, selector: &Value, path: &Path) {
    if !selector.is_object() {
        return;
    }
    validate_labels(
        ctx,
        selector,
        "matchLabels",
        &path.child("matchLabels"),
        path,
    );
    for (i, expr) in get::list(selector, "matchExpressions").iter().enumerate() {
        let at = path.child("matchExpressions").index(i);
        let values = get::list(expr, "values");
        match get::string(expr, "operator") {
            "In" | "NotIn" => {
                if values.is_empty() {
                    ctx.required(
                        &at.child("values"),
                        "must be specified when `operator` is 'In' or 'NotIn'",
                    );
                }
            }
            "Exists" | "DoesNotExist" => {
                if !values.is_empty() {
                    ctx.forbidden(
                        &at.child("values"),
                        "may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
                    );
                }
            }
            other => ctx.invalid_str(
                &at.child("operator"),
                other,
                "not a valid selector operator",
            ),
        }
        let key = get::string(expr, "key");
        ctx.invalid_each(&at.child("key"), key, is_qualified_name(key, ctx.version));
        for (j, value) in values.iter().enumerate() {
            if let Some(v) = value.as_str() {
                ctx.invalid_each(
                    &at.child("values").index(j),
                    v,
                    is_valid_label_value(v, ctx.version),
                );
            }
        }
    }
}

/// Whether a selector has no requirement (`{}` selects everything).
pub fn selector_is_empty(selector: &Value) -> bool {
    get::map(selector, "matchLabels").is_none_or(|m| m.is_empty())
        && get::list(selector, "matchExpressions").is_empty()
}

/// `LabelSelectorAsSelector(selector).Matches(labels)`; a missing selector matches nothing.
pub fn selector_matches(selector: Option<&Value>, labels: Option<&Value>) -> bool {
    let Some(selector) = selector.filter(|s| s.is_object()) else {
        return false;
    };
    let label = |key: &str| labels.and_then(|l| l.get(key)).and_then(Value::as_str);
    let labels_ok = get::map(selector, "matchLabels")
        .into_iter()
        .flatten()
        .all(|(k, v)| label(k).is_some() && label(k) == v.as_str());
    labels_ok
        && get::list(selector, "matchExpressions").iter().all(|expr| {
            let key = get::string(expr, "key");
            let values: Vec<&str> = get::list(expr, "values")
                .iter()
                .filter_map(Value::as_str)
                .collect();
            match get::string(expr, "operator") {
                "In" => label(key).is_some_and(|v| values.contains(&v)),
                "NotIn" => label(key).is_none_or(|v| !values.contains(&v)),
                "Exists" => label(key).is_some(),
                "DoesNotExist" => label(key).is_none(),
                // An invalid operator is reported above; do not add a mismatch on top.
                _ => true,
            }
        })
}
