//! `--diff`: what an apply would change, as `kubectl diff` shows it — the live object against
//! the dry-run's result, both as YAML without the fields the server manages, in unified diff
//! form. Secret values are never shown: a changed one reads `<redacted (changed)>`.

use serde_json::{Map, Value};

const CONTEXT: usize = 3;
/// Object pairs whose line counts multiply past this are summarised, not diffed: the diff table
/// is quadratic (4 bytes a cell, so at most 16 MB).
const MAX_CELLS: usize = 4_000_000;

/// A unified diff of `live` (absent: a new object) against `after`; `None` when nothing changes.
pub fn render(label: &str, live: Option<&Value>, after: &Value) -> Option<String> {
    let (mut live, mut after) = (live.map(normalize), normalize(after));
    if is_secret(&after) {
        redact_secret(live.as_mut(), &mut after);
    }
    let old: Vec<String> = live.as_ref().map(to_yaml).unwrap_or_default();
    let new = to_yaml(&after);
    if old == new {
        return None;
    }
    let mut out = format!(
        "--- live/{label}{}\n+++ dry-run/{label}\n",
        if live.is_none() { " (absent)" } else { "" }
    );
    if (old.len() + 1).saturating_mul(new.len() + 1) > MAX_CELLS {
        out.push_str(&format!(
            "@@ {} lines → {} lines: too large to diff @@\n",
            old.len(),
            new.len()
        ));
        return Some(out);
    }
    out.push_str(&unified(&old, &new));
    Some(out)
}

/// Without what the server manages and any apply would change.
fn normalize(object: &Value) -> Value {
    let mut object = object.clone();
    if let Some(meta) = object.get_mut("metadata").and_then(Value::as_object_mut) {
        for field in [
            "managedFields",
            "resourceVersion",
            "generation",
            "uid",
            "creationTimestamp",
            "selfLink",
        ] {
            meta.remove(field);
        }
    }
    if let Some(map) = object.as_object_mut() {
        map.remove("status");
    }
    object
}

fn is_secret(object: &Value) -> bool {
    object.get("kind").and_then(Value::as_str) == Some("Secret")
}

fn redact_secret(live: Option<&mut Value>, after: &mut Value) {
    let is_new = live.is_none();
    let live_data: Map<String, Value> = live
        .as_ref()
        .and_then(|l| l.get("data"))
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    for field in ["data", "stringData"] {
        if let Some(map) = after.get_mut(field).and_then(Value::as_object_mut) {
            for (key, value) in map.iter_mut() {
                let same = field == "data" && live_data.get(key) == Some(value);
                *value = Value::String(if same || is_new {
                    crate::secrets::REDACTED.to_string()
                } else {
                    "<redacted (changed)>".to_string()
                });
            }
        }
    }
    if let Some(live) = live {
        for field in ["data", "stringData"] {
            if let Some(map) = live.get_mut(field).and_then(Value::as_object_mut) {
                for value in map.values_mut() {
                    *value = Value::String(crate::secrets::REDACTED.to_string());
                }
            }
        }
    }
}

/// Block-style YAML, keys sorted.
fn to_yaml(value: &Value) -> Vec<String> {
    let mut out = Vec::new();
    emit(value, 0, &mut out);
    out
}

fn emit(value: &Value, indent: usize, out: &mut Vec<String>) {
    let pad = " ".repeat(indent);
    match value {
        Value::Object(map) => {
            for (key, value) in map {
                let key = scalar_text(&Value::String(key.clone()));
                match value {
                    Value::Object(m) if !m.is_empty() => {
                        out.push(format!("{pad}{key}:"));
                        emit(value, indent + 2, out);
                    }
                    Value::Array(a) if !a.is_empty() => {
                        out.push(format!("{pad}{key}:"));
                        emit(value, indent, out);
                    }
                    _ => out.push(format!("{pad}{key}: {}", scalar_text(value))),
                }
            }
        }
        Value::Array(items) => {
            for item in items {
                let mut lines = Vec::new();
                emit(item, indent + 2, &mut lines);
                match (item, lines.first_mut()) {
                    (Value::Object(m), Some(first)) if !m.is_empty() => {
                        *first = format!("{pad}- {}", first.get(indent + 2..).unwrap_or(first));
                        out.extend(lines);
                    }
                    _ => out.push(format!("{pad}- {}", scalar_text(item))),
                }
            }
        }
        scalar => out.push(format!("{pad}{}", scalar_text(scalar))),
    }
}

fn scalar_text(value: &Value) -> String {
    match value {
        Value::String(s) => {
            let plain = !s.is_empty()
                && s.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_./:".contains(c))
                && !s.starts_with(|c: char| c.is_ascii_digit() || c == '-' || c == '.')
                && !matches!(
                    s.to_ascii_lowercase().as_str(),
                    "true" | "false" | "yes" | "no" | "on" | "off" | "null" | "y" | "n"
                );
            if plain {
                s.clone()
            } else {
                Value::String(s.clone()).to_string()
            }
        }
        Value::Object(_) => "{}".into(),
        Value::Array(_) => "[]".into(),
        other => other.to_string(),
    }
}

/// Unified diff hunks of two line lists (longest common subsequence).
fn unified(old: &[String], new: &[String]) -> String {
    let (n, m) = (old.len(), new.len());
    let mut lcs = vec![vec![0u32; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lcs[i][j] = if old[i] == new[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    // Edit script: (' ' | '-' | '+', old index, new index).
    let mut ops = Vec::new();
    let (mut i, mut j) = (0, 0);
    while i < n || j < m {
        if i < n && j < m && old[i] == new[j] {
            ops.push((' ', i, j));
            i += 1;
            j += 1;
        } else if i < n && (j == m || lcs[i + 1][j] >= lcs[i][j + 1]) {
            ops.push(('-', i, j));
            i += 1;
        } else {
            ops.push(('+', i, j));
            j += 1;
        }
    }
    let mut out = String::new();
    let mut k = 0;
    while k < ops.len() {
        if ops[k].0 == ' ' {
            k += 1;
            continue;
        }
        let start = k.saturating_sub(CONTEXT);
        let mut end = k;
        // Extend while changes are within 2 × context of each other.
        let mut last_change = k;
        while end < ops.len() {
            if ops[end].0 != ' ' {
                last_change = end;
            } else if end - last_change > 2 * CONTEXT {
                break;
            }
            end += 1;
        }
        let end = (last_change + CONTEXT + 1).min(ops.len());
        let hunk = &ops[start..end];
        let old_count = hunk.iter().filter(|o| o.0 != '+').count();
        let new_count = hunk.iter().filter(|o| o.0 != '-').count();
        let (old_start, new_start) = (hunk[0].1, hunk[0].2);
        out.push_str(&format!(
            "@@ -{},{old_count} +{},{new_count} @@\n",
            if old_count == 0 {
                old_start
            } else {
                old_start + 1
            },
            if new_count == 0 {
                new_start
            } else {
                new_start + 1
            },
        ));
        for (op, i, j) in hunk {
            let line = if *op == '+' { &new[*j] } else { &old[*i] };
            out.push(*op);
            out.push_str(line);
            out.push('\n');
        }
        k = end;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn diffs_the_live_object_against_the_dry_run() {
        let live = json!({"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "web", "resourceVersion": "7", "managedFields": [{}]},
            "spec": {"replicas": 2, "template": {"spec": {"containers": [{"name": "app", "image": "a:1"}]}}},
            "status": {"replicas": 2}});
        let after = json!({"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "web", "resourceVersion": "8"},
            "spec": {"replicas": 3, "template": {"spec": {"containers": [{"name": "app", "image": "a:1"}]}}}});
        let diff = render("apps/v1/Deployment/web", Some(&live), &after).unwrap();
        assert_eq!(
            diff,
            "--- live/apps/v1/Deployment/web\n+++ dry-run/apps/v1/Deployment/web\n@@ -3,7 +3,7 @@\n metadata:\n   name: web\n spec:\n-  replicas: 2\n+  replicas: 3\n   template:\n     spec:\n       containers:\n"
        );
        assert!(render("x", Some(&after), &after).is_none());
    }

    #[test]
    fn secret_values_never_show() {
        let live = json!({"kind": "Secret", "data": {"a": "b2xk", "same": "eA=="}});
        let after = json!({"kind": "Secret", "data": {"a": "bmV3", "same": "eA=="}});
        let diff = render("v1/Secret/s", Some(&live), &after).unwrap();
        assert!(!diff.contains("b2xk") && !diff.contains("bmV3") && !diff.contains("eA=="));
        assert!(diff.contains("+  a: \"<redacted (changed)>\""), "{diff}");
    }
}
