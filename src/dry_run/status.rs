//! API-server answers → findings. A `metav1.Status` becomes one finding per cause, located at the
//! cause's field through `Object::location`; strict-decoding errors (400) and SSA typed-conversion
//! errors (500 without a reason) carry their paths in the message and are parsed from it;
//! admission denials name their webhook or policy; RBAC denials name the missing verb; `Warning`
//! headers become warnings.
//!
//! This module knows the wire format of answers, not how requests are made.

use serde::Deserialize;
use serde_json::Value;

use super::client::Answer;
use crate::finding::Finding;
use crate::manifest::{FieldPath, Object, Segment};
use crate::rules;

/// `metav1.Status`, the parts a finding needs.
#[derive(Debug, Default, Deserialize)]
pub struct Status {
    pub kind: Option<String>,
    #[serde(default)]
    pub message: String,
    pub reason: Option<String>,
    pub details: Option<Details>,
    #[serde(default)]
    pub code: u16,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Details {
    pub name: Option<String>,
    pub kind: Option<String>,
    #[serde(default)]
    pub causes: Vec<Cause>,
    pub retry_after_seconds: Option<u32>,
}

#[derive(Debug, Default, Deserialize)]
pub struct Cause {
    pub reason: Option<String>,
    #[serde(default)]
    pub message: String,
    pub field: Option<String>,
}

/// Everything one dry-run answer says about `object`.
pub fn findings(object: &Object, answer: &Answer) -> Vec<Finding> {
    let mut out: Vec<Finding> = answer
        .warnings
        .iter()
        .map(|text| warning(object, text))
        .collect();
    if !answer.is_success() {
        out.extend(rejection(object, answer));
    }
    out
}

fn warning(object: &Object, text: &str) -> Finding {
    // Pod warnings start with the field they are about (`spec.template.spec.containers[0].env[2]: …`).
    let field = text
        .split_once(": ")
        .map(|(path, _)| path)
        .filter(|path| !path.contains(' ') && path.contains('.'))
        .filter(|path| object.locate(&FieldPath::parse(path)).exact);
    at(
        object,
        field,
        rules::server_warning::RULE,
        format!("the API server warns: {text}"),
    )
}

fn rejection(object: &Object, answer: &Answer) -> Vec<Finding> {
    let Some(status) = answer.status() else {
        return vec![plain(object, answer)];
    };
    let message = status.message.as_str();
    let name = object.display_name();
    if let Some(denial) = admission_denial(message) {
        return vec![
            at(
                object,
                None,
                rules::admission_denied::RULE,
                format!("{denial} ({name})"),
            )
            .with_help(
                "the cluster's admission control rejects this object: change it to satisfy the policy, or ask its owners for an exception",
            ),
        ];
    }
    match (status.code, status.reason.as_deref()) {
        (403, _) if message.contains(" cannot ") && message.contains("User \"") => {
            vec![forbidden(object, message)]
        }
        (403, _) => vec![
            at(
                object,
                None,
                rules::admission_denied::RULE,
                format!("the API server forbids {name}: {message}"),
            )
            .with_help(
                "an admission plugin (quota, limit range, Pod Security) rejects this object",
            ),
        ],
        (404, _) => vec![not_found(object, &status)],
        (422, _)
            if status
                .details
                .as_ref()
                .is_some_and(|d| !d.causes.is_empty()) =>
        {
            status
                .details
                .iter()
                .flat_map(|d| &d.causes)
                .map(|cause| {
                    let field = cause.field.as_deref().filter(|f| !f.is_empty());
                    let text = match field {
                        Some(field) => format!("{field}: {}", cause.message),
                        None => cause.message.clone(),
                    };
                    at(
                        object,
                        field,
                        rules::server_rejected::RULE,
                        format!("the API server rejects {name}: {text}"),
                    )
                })
                .collect()
        }
        (400, _) if message.contains("strict decoding error") => strict_errors(object, message),
        (500, None) if message.starts_with("failed to create typed patch object") => {
            typed_patch_errors(object, message)
        }
        (409, _) => conflicts(object, &status),
        _ => vec![at(
            object,
            None,
            rules::server_rejected::RULE,
            format!("the API server rejects {name}: {message}"),
        )],
    }
}

/// SSA conflicts (`force=false` only) name fields in SMD syntax; other 409s have no causes.
fn conflicts(object: &Object, status: &Status) -> Vec<Finding> {
    let name = object.display_name();
    let causes: Vec<&Cause> = status.details.iter().flat_map(|d| &d.causes).collect();
    if causes.is_empty() {
        return vec![at(
            object,
            None,
            rules::server_rejected::RULE,
            format!(
                "the API server reports a conflict on {name}: {}",
                status.message
            ),
        )];
    }
    causes
        .into_iter()
        .map(|cause| {
            let message = format!(
                "the API server reports a conflict on {name}: {}",
                cause.message
            );
            match cause.field.as_deref() {
                Some(field) => {
                    let path = smd_path(&object.value, field);
                    at_path(object, Some(&path), rules::server_rejected::RULE, message)
                        .with_field(path.to_string())
                }
                None => at(object, None, rules::server_rejected::RULE, message),
            }
        })
        .collect()
}

/// A webhook or ValidatingAdmissionPolicy denial, named.
fn admission_denial(message: &str) -> Option<String> {
    if let Some(rest) = message.split("admission webhook \"").nth(1)
        && let Some((webhook, reason)) = rest.split_once('"')
    {
        let reason = reason.trim_start_matches(' ');
        let reason = reason
            .strip_prefix("denied the request: ")
            .or_else(|| reason.strip_prefix("denied the request"))
            .unwrap_or(reason);
        return Some(if reason.is_empty() {
            format!("admission webhook `{webhook}` denied the request")
        } else {
            format!("admission webhook `{webhook}` denied the request: {reason}")
        });
    }
    if let Some(rest) = message.split("ValidatingAdmissionPolicy '").nth(1)
        && let Some((policy, rest)) = rest.split_once('\'')
    {
        let binding = rest
            .split("binding '")
            .nth(1)
            .and_then(|b| b.split_once('\''))
            .map(|(b, _)| b);
        let reason = rest.split_once("denied request: ").map_or(rest, |(_, r)| r);
        return Some(match binding {
            Some(b) => format!(
                "ValidatingAdmissionPolicy `{policy}` (binding `{b}`) denied the request: {reason}"
            ),
            None => format!("ValidatingAdmissionPolicy `{policy}` denied the request: {reason}"),
        });
    }
    None
}

/// An RBAC denial: which verb on which resource the identity lacks.
fn forbidden(object: &Object, message: &str) -> Finding {
    // `… is forbidden: User "u" cannot patch resource "deployments" in API group "apps" in the namespace "shop"`
    let detail = message
        .split_once("is forbidden: ")
        .map_or(message, |(_, d)| d);
    let user = detail
        .split('"')
        .nth(1)
        .unwrap_or("the dry-run identity")
        .to_string();
    let verb = detail
        .split_once(" cannot ")
        .and_then(|(_, r)| r.split_whitespace().next())
        .unwrap_or("patch")
        .to_string();
    let resource = detail
        .split_once("resource \"")
        .and_then(|(_, r)| r.split_once('"'))
        .map_or("", |(r, _)| r);
    let group = detail
        .split_once("in API group \"")
        .and_then(|(_, r)| r.split_once('"'))
        .map_or("", |(g, _)| g);
    let qualified = if group.is_empty() {
        resource.to_string()
    } else {
        format!("{resource}.{group}")
    };
    at(
        object,
        None,
        rules::dry_run_forbidden::RULE,
        format!(
            "{user} may not `{verb}` {qualified}, so {} could not be dry-run: {detail}",
            object.display_name()
        ),
    )
    .with_help(format!(
        "grant the dry-run identity `{verb}` on `{qualified}` (see the README's RBAC section), or exclude the object"
    ))
}

fn not_found(object: &Object, status: &Status) -> Finding {
    let details = status.details.as_ref();
    let is_namespace = details.is_some_and(|d| d.kind.as_deref() == Some("namespaces"));
    if is_namespace {
        let namespace = details.and_then(|d| d.name.clone()).unwrap_or_default();
        return at(
            object,
            object.namespace().map(|_| "metadata.namespace"),
            rules::server_rejected::RULE,
            format!(
                "namespace `{namespace}` does not exist on the cluster, so {} cannot be created",
                object.display_name()
            ),
        )
        .with_help("create the namespace first (in this change, or on the cluster), or fix `metadata.namespace`");
    }
    at(
        object,
        None,
        rules::server_rejected::RULE,
        format!(
            "the API server rejects {}: {}",
            object.display_name(),
            status.message
        ),
    )
}

/// A non-Status answer: plain-text 404 (resource type not served) and the like.
fn plain(object: &Object, answer: &Answer) -> Finding {
    let text = answer.text();
    if answer.code == 404 {
        return at(
            object,
            Some("kind"),
            rules::unknown_server_kind::RULE,
            format!(
                "the API server does not serve {} {} ({} {})",
                object.api_version().unwrap_or(""),
                object.kind().unwrap_or(""),
                answer.code,
                text
            ),
        );
    }
    at(
        object,
        None,
        rules::server_rejected::RULE,
        format!(
            "the API server answered {} for {}: {text}",
            answer.code,
            object.display_name()
        ),
    )
}

/// `… strict decoding error: unknown field "spec.foo", duplicate field "spec.replicas"`.
fn strict_errors(object: &Object, message: &str) -> Vec<Finding> {
    let mut out = Vec::new();
    for (marker, what) in [
        ("unknown field \"", "unknown"),
        ("duplicate field \"", "duplicate"),
    ] {
        for piece in message.split(marker).skip(1) {
            let Some((field, _)) = piece.split_once('"') else {
                continue;
            };
            out.push(at(
                object,
                Some(field),
                rules::server_rejected::RULE,
                format!("the API server rejects {what} field `{field}`"),
            ));
        }
    }
    if out.is_empty() {
        out.push(at(
            object,
            None,
            rules::server_rejected::RULE,
            format!(
                "the API server rejects {}: {message}",
                object.display_name()
            ),
        ));
    }
    out
}

/// SSA typed-conversion failures: `failed to create typed patch object (ns/name; gv, Kind=K):
/// .spec.foo: field not declared in schema` (several as `errors:\n  e1\n  e2`). They are the
/// server's verdict on the manifest, whatever the 500 says.
fn typed_patch_errors(object: &Object, message: &str) -> Vec<Finding> {
    let rest = message.split_once("): ").map_or(message, |(_, r)| r);
    let rest = rest.strip_prefix("errors:").unwrap_or(rest);
    let mut out = Vec::new();
    for line in rest.lines().map(str::trim).filter(|l| !l.is_empty()) {
        match line.split_once(": ").filter(|(p, _)| p.starts_with('.')) {
            Some((path, error)) => {
                let field = smd_path(&object.value, path);
                out.push(
                    at_path(
                        object,
                        Some(&field),
                        rules::server_rejected::RULE,
                        format!("the API server rejects `{field}`: {error}"),
                    )
                    .with_field(field.to_string()),
                );
            }
            None => out.push(at(
                object,
                None,
                rules::server_rejected::RULE,
                format!("the API server rejects {}: {line}", object.display_name()),
            )),
        }
    }
    out
}

/// A structured-merge-diff path (`.spec.containers[name="app"].ports[containerPort=80,protocol="TCP"]`)
/// as a field path, resolving keyed list items to their index in `value`.
pub fn smd_path(value: &Value, path: &str) -> FieldPath {
    let mut segments = Vec::new();
    let mut current = Some(value);
    let mut chars = path.chars().peekable();
    let mut key = String::new();
    let push_key = |key: &mut String, segments: &mut Vec<Segment>, current: &mut Option<&Value>| {
        if !key.is_empty() {
            *current = current.and_then(|v| v.get(key.as_str()));
            segments.push(Segment::Key(std::mem::take(key)));
        }
    };
    while let Some(c) = chars.next() {
        match c {
            '.' => push_key(&mut key, &mut segments, &mut current),
            '[' => {
                push_key(&mut key, &mut segments, &mut current);
                let mut inner = String::new();
                let mut quoted = false;
                for c in chars.by_ref() {
                    match c {
                        '"' => {
                            quoted = !quoted;
                            inner.push(c);
                        }
                        ']' if !quoted => break,
                        c => inner.push(c),
                    }
                }
                let items = current.and_then(Value::as_array);
                let index = match inner.parse::<usize>() {
                    Ok(i) => Some(i),
                    // Exact first; then items that omit a key (its schema default may match).
                    Err(_) => items.and_then(|items| {
                        items
                            .iter()
                            .position(|item| matches_keys(item, &inner, true))
                            .or_else(|| {
                                items
                                    .iter()
                                    .position(|item| matches_keys(item, &inner, false))
                            })
                    }),
                };
                match index {
                    Some(i) => {
                        current = items.and_then(|items| items.get(i));
                        segments.push(Segment::Index(i));
                    }
                    None => {
                        current = None;
                        segments.push(Segment::Key(inner));
                    }
                }
            }
            c => key.push(c),
        }
    }
    push_key(&mut key, &mut segments, &mut current);
    FieldPath(segments)
}

/// Whether a list item matches SMD keys `name="app"` / `containerPort=80,protocol="TCP"` /
/// a set value `="x"`.
fn matches_keys(item: &Value, keys: &str, exact: bool) -> bool {
    if let Some(value) = keys.strip_prefix('=') {
        return serde_json::from_str::<Value>(value).is_ok_and(|v| &v == item);
    }
    split_keys(keys).iter().all(|(k, v)| {
        let expected = serde_json::from_str::<Value>(v).unwrap_or(Value::String(v.to_string()));
        // A key field missing from the item falls back to its schema default (`protocol: TCP`).
        match item.get(k) {
            Some(actual) => actual == &expected,
            None => !exact,
        }
    })
}

fn split_keys(keys: &str) -> Vec<(&str, &str)> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut quoted = false;
    for (i, c) in keys.char_indices() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => {
                out.extend(keys[start..i].split_once('='));
                start = i + 1;
            }
            _ => {}
        }
    }
    out.extend(keys[start..].split_once('='));
    out
}

fn at(object: &Object, field: Option<&str>, rule: rules::Rule, message: String) -> Finding {
    let path = field.map(FieldPath::parse);
    let finding = at_path(object, path.as_ref(), rule, message);
    match field {
        Some(f) => finding.with_field(f.to_string()),
        None => finding,
    }
}

fn at_path(
    object: &Object,
    path: Option<&FieldPath>,
    rule: rules::Rule,
    message: String,
) -> Finding {
    let location = match path {
        Some(path) => object.location(path),
        None => object.head_location(),
    };
    Finding::new(rule.id, rule.default_severity, message, location).with_object(object.reference)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn smd_paths_resolve_keyed_items() {
        let value = json!({"spec": {"containers": [
            {"name": "side"},
            {"name": "app", "ports": [{"containerPort": 80}, {"containerPort": 80, "protocol": "UDP"}]}
        ]}});
        assert_eq!(
            smd_path(&value, ".spec.containers[name=\"app\"].image").to_string(),
            "spec.containers[1].image"
        );
        assert_eq!(
            smd_path(
                &value,
                ".spec.containers[name=\"app\"].ports[containerPort=80,protocol=\"UDP\"]"
            )
            .to_string(),
            "spec.containers[1].ports[1]"
        );
        assert_eq!(
            smd_path(&value, ".spec.topologyKeys").to_string(),
            "spec.topologyKeys"
        );
    }

    #[test]
    fn denials_name_the_webhook_and_the_policy() {
        assert_eq!(
            admission_denial("admission webhook \"validation.gatekeeper.sh\" denied the request: [require-team-label] you must provide labels: {\"team\"}").unwrap(),
            "admission webhook `validation.gatekeeper.sh` denied the request: [require-team-label] you must provide labels: {\"team\"}"
        );
        assert_eq!(
            admission_denial("deployments.apps \"web\" is forbidden: ValidatingAdmissionPolicy 'max-replicas' with binding 'max-replicas-prod' denied request: failed expression: object.spec.replicas <= 5").unwrap(),
            "ValidatingAdmissionPolicy `max-replicas` (binding `max-replicas-prod`) denied the request: failed expression: object.spec.replicas <= 5"
        );
    }
}
