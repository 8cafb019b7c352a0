//! The bundled policy library (`policies/`, embedded at build time): each policy's metadata
//! (id, severity, documentation, kinds, parameters), read once from the policies themselves.

use std::sync::OnceLock;

use regorus::Engine;
use serde_json::Value;

use super::engine;
use crate::finding::Severity;

mod files {
    include!(concat!(env!("OUT_DIR"), "/policies.rs"));
}

/// One bundled policy, as its `__rego_metadata__` describes it.
#[derive(Debug, Clone)]
pub struct LibraryPolicy {
    pub id: String,
    /// `gitops_lint.policies.<id with underscores>`.
    pub package: String,
    pub severity: Severity,
    pub summary: String,
    pub documentation: String,
    /// Kinds it applies to; empty: all.
    pub kinds: Vec<String>,
    pub path: String,
    /// Whether it reads the apply unit (`data.gitops_lint.objects`, directly or through the
    /// library helpers that do), so that its evaluation needs the unit; over-approximated
    /// from the text.
    pub uses_objects: bool,
}

/// Library helpers that read the apply unit.
impl LibraryPolicy {
    /// Whether the policy applies to objects of `kind`.
    pub fn applies_to(&self, kind: &str) -> bool {
        self.kinds.is_empty() || self.kinds.iter().any(|k| k == kind)
    }
}

const OBJECT_HELPERS: &[&str] = &["objects", "hpas_targeting", "min_replicas_of"];

/// The loaded library: an engine with every bundled file, and the policies' metadata.
pub struct Library {
    pub engine: Engine,
    pub policies: Vec<LibraryPolicy>,
    /// Files that failed to load (a defect of the bundle, caught by its tests).
    pub errors: Vec<(String, String)>,
}

const PACKAGE_ROOT: &str = "gitops_lint.policies.";

/// The bundled library, loaded on first use.
pub fn library() -> &'static Library {
    static LIBRARY: OnceLock<Library> = OnceLock::new();
    LIBRARY.get_or_init(load)
}

/// Every bundled file: (path below `policies/`, text).
pub fn files() -> &'static [(&'static str, &'static str)] {
    files::FILES
}

fn load() -> Library {
    let mut engine = engine::new_engine();
    let mut errors = Vec::new();
    // Tests stay out of the evaluation engine (they slow every `add_data` down); they run
    // under `test-policies --bundled`.
    for (path, text) in files::FILES
        .iter()
        .filter(|(path, _)| !path.ends_with("_test.rego"))
    {
        if let Err(e) = engine::add_policy(&mut engine, &format!("policies/{path}"), text) {
            errors.push((path.to_string(), e));
        }
    }
    let mut policies = Vec::new();
    for (path, text) in files::FILES {
        if path.ends_with("_test.rego") || path.starts_with("lib/") {
            continue;
        }
        let Some(package) = package_of(text) else {
            continue;
        };
        let Some(metadata) = engine
            .eval_rule(format!("data.{package}.__rego_metadata__"))
            .ok()
            .and_then(|v| engine::to_json(&v))
        else {
            errors.push((path.to_string(), "no __rego_metadata__".into()));
            continue;
        };
        let text_of = |key: &str| {
            metadata
                .get(key)
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string()
        };
        let id = text_of("id");
        if id.is_empty() {
            errors.push((path.to_string(), "__rego_metadata__ has no id".into()));
            continue;
        }
        let mut documentation = String::new();
        for (heading, key) in [
            ("What it does", "what"),
            ("Why is this bad?", "why"),
            ("Example", "example"),
            ("Fix", "fix"),
        ] {
            let body = text_of(key);
            if !body.is_empty() {
                documentation.push_str(&format!("## {heading}\n{body}\n\n"));
            }
        }
        if let Some(Value::Object(parameters)) = metadata.get("parameters")
            && !parameters.is_empty()
        {
            documentation.push_str("## Parameters\n");
            for (name, spec) in parameters {
                documentation.push_str(&format!(
                    "- `{name}` ({}; default `{}`): {}\n",
                    spec.get("type").and_then(Value::as_str).unwrap_or("any"),
                    spec.get("default")
                        .map(ToString::to_string)
                        .unwrap_or_else(|| "none".into()),
                    spec.get("description")
                        .and_then(Value::as_str)
                        .unwrap_or("")
                ));
            }
            documentation.push_str(&format!(
                "\nSet them in `.gitops-lint.yaml` under `policy-parameters: {{{id}: {{…}}}}` (or per path in `overrides`).\n\n"
            ));
        }
        documentation.push_str(&format!(
            "Source: `policies/{path}` (Rego, package `{package}`).\n"
        ));
        policies.push(LibraryPolicy {
            package,
            severity: Severity::parse(&text_of("severity")).unwrap_or(Severity::Warning),
            summary: text_of("summary"),
            documentation,
            kinds: metadata
                .get("kinds")
                .and_then(Value::as_array)
                .map(|k| {
                    k.iter()
                        .filter_map(Value::as_str)
                        .map(str::to_string)
                        .collect()
                })
                .unwrap_or_default(),
            path: path.to_string(),
            uses_objects: OBJECT_HELPERS.iter().any(|h| text.contains(h)),
            id,
        });
    }
    policies.sort_by(|a, b| a.id.cmp(&b.id));
    Library {
        engine,
        policies,
        errors,
    }
}

/// The `package` line of a Rego file.
pub fn package_of(text: &str) -> Option<String> {
    text.lines()
        .map(str::trim)
        .find_map(|line| line.strip_prefix("package "))
        .map(|p| p.trim().to_string())
}

/// Looks a bundled policy up by id.
pub fn find(id: &str) -> Option<&'static LibraryPolicy> {
    library().policies.iter().find(|p| p.id == id)
}

/// Whether a package is a bundled policy package (not a test or library package).
pub fn is_policy_package(package: &str) -> bool {
    package.starts_with(PACKAGE_ROOT) && !package.ends_with("_test")
}
