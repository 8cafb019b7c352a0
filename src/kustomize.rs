//! Kustomize awareness without rendering: which files a kustomization uses as patches or
//! generator inputs (parsed, but not objects of their own), and which kustomization directory
//! an object is applied with.
//!
//! Rendering overlays is a later stage; this module only reads kustomization files' references.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::discover::{FileRole, KUSTOMIZATION_NAMES, absolute};
use crate::parse::ParsedFile;

/// Re-labels files that a kustomization in the checked set (or in `context`: kustomizations
/// read only for this, as changed mode does) names as patches, generator inputs, plugin
/// configurations or values files.
pub fn mark_inputs(files: &mut [ParsedFile], context: &[ParsedFile]) {
    let mut inputs = HashSet::new();
    for file in files
        .iter()
        .chain(context)
        .filter(|f| f.role == FileRole::Kustomization)
    {
        let dir = absolute(&file.source.path)
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default();
        for object in &file.objects {
            for reference in input_references(&object.value) {
                inputs.insert(absolute(&dir.join(reference)));
            }
        }
    }
    if inputs.is_empty() {
        return;
    }
    for file in files.iter_mut() {
        if file.role == FileRole::Manifest && inputs.contains(&absolute(&file.source.path)) {
            file.role = FileRole::KustomizeInput;
        }
    }
}

/// The strings of a kustomization field: a list of strings, or one string.
pub(crate) fn strings(value: Option<&Value>) -> Vec<String> {
    match value {
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_string)
            .collect(),
        Some(Value::String(s)) => vec![s.clone()],
        _ => Vec::new(),
    }
}

/// The patch files a kustomization names (`patches`, `patchesJson6902`, and the single-line
/// entries of `patchesStrategicMerge`, whose others are inline YAML).
pub(crate) fn patch_references(kustomization: &Value) -> Vec<String> {
    let mut out = Vec::new();
    for key in ["patches", "patchesJson6902"] {
        for item in kustomization
            .get(key)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            out.extend(item.get("path").and_then(Value::as_str).map(str::to_string));
        }
    }
    out.extend(
        kustomization
            .get("patchesStrategicMerge")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .filter(|p| !p.contains('\n'))
            .map(str::to_string),
    );
    out
}

/// Paths a kustomization reads that are not resources.
pub(crate) fn input_references(kustomization: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let items = |key: &str| -> Vec<&Value> {
        kustomization
            .get(key)
            .and_then(Value::as_array)
            .map(|a| a.iter().collect())
            .unwrap_or_default()
    };
    out.extend(patch_references(kustomization));
    for item in items("replacements") {
        out.extend(strings(item.get("path")));
    }
    for key in ["configMapGenerator", "secretGenerator"] {
        for item in items(key) {
            for file in strings(item.get("files")) {
                // `key=path` names the data key; the path is after `=`.
                out.push(
                    file.rsplit_once('=')
                        .map_or(file.clone(), |(_, p)| p.to_string()),
                );
            }
            out.extend(strings(item.get("envs")));
            out.extend(strings(item.get("env")));
        }
    }
    for item in items("helmCharts") {
        out.extend(strings(item.get("valuesFile")));
        out.extend(strings(item.get("additionalValuesFiles")));
    }
    for key in [
        "configurations",
        "crds",
        "transformers",
        "generators",
        "validators",
    ] {
        out.extend(
            strings(kustomization.get(key))
                .into_iter()
                .filter(|p| !p.contains('\n')),
        );
    }
    if let Some(path) = kustomization.get("openapi").and_then(|o| o.get("path")) {
        out.extend(strings(Some(path)));
    }
    out.retain(|p| !p.contains("://"));
    out
}

/// Whether an object is Kustomize's own configuration rather than a Kubernetes object.
pub fn is_kustomize_config(value: &Value) -> bool {
    let api_version = value
        .get("apiVersion")
        .and_then(Value::as_str)
        .unwrap_or("");
    let kind = value.get("kind").and_then(Value::as_str).unwrap_or("");
    api_version.starts_with("kustomize.config.k8s.io/")
        && matches!(kind, "Kustomization" | "Component")
}

/// The apply unit of a file: the nearest directory at or above it holding a kustomization, else
/// its own directory (as `kubectl apply -f dir/` applies one directory). Memoised per directory.
#[derive(Default)]
pub struct ApplyUnits {
    cache: HashMap<PathBuf, PathBuf>,
}

impl ApplyUnits {
    pub fn unit_of(&mut self, file: &Path) -> PathBuf {
        let file = absolute(file);
        let dir = file.parent().map(Path::to_path_buf).unwrap_or_default();
        if let Some(unit) = self.cache.get(&dir) {
            return unit.clone();
        }
        let mut current = Some(dir.as_path());
        let mut unit = dir.clone();
        while let Some(d) = current {
            if KUSTOMIZATION_NAMES.iter().any(|n| d.join(n).is_file()) {
                unit = d.to_path_buf();
                break;
            }
            if d.join(".git").exists() {
                break;
            }
            current = d.parent();
        }
        self.cache.insert(dir, unit.clone());
        unit
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collects_every_kind_of_input() {
        let k = serde_json::json!({
            "resources": ["deployment.yaml"],
            "patches": [{"path": "patch.yaml"}, {"patch": "inline"}],
            "patchesStrategicMerge": ["smp.yaml", "apiVersion: v1\nkind: X\n"],
            "patchesJson6902": [{"path": "json.yaml"}],
            "configMapGenerator": [{"files": ["app.yaml", "key=conf.json"], "envs": ["a.env"]}],
            "helmCharts": [{"valuesFile": "values-prod.yaml"}],
            "transformers": ["prefix.yaml"],
        });
        let mut refs = input_references(&k);
        refs.sort();
        assert_eq!(
            refs,
            [
                "a.env",
                "app.yaml",
                "conf.json",
                "json.yaml",
                "patch.yaml",
                "prefix.yaml",
                "smp.yaml",
                "values-prod.yaml"
            ]
        );
    }
}
