//! The policy stage: Rego policies evaluated against every object, in the same pass as the
//! other checks — the bundled library (`policies/`), and a team's conftest-style policy
//! directories (`--policy`), unchanged.
//!
//! Every result becomes a `Finding`: located at the result's `path` when it gives one, else at
//! the object's `kind:` line. A policy that fails to load or to evaluate is a `policy-error`
//! finding at its file and line; the other policies still run.

pub mod changed;
pub mod engine;
pub mod files;
pub mod gatekeeper;
pub mod library;
pub mod testing;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;
use regorus::{Engine, Value as RegoValue};
use serde_json::{Value, json};

use crate::finding::{Finding, Location, Severity};
use crate::kustomize::ApplyUnits;
use crate::manifest::{FieldPath, Object};
use crate::parse::ParsedFile;
use crate::rules;
use crate::settings::Settings;
use crate::source::{SourceFile, Span};
pub use files::PolicyFiles;

/// What the policy stage is asked to do.
#[derive(Debug, Clone)]
pub struct PolicySettings {
    /// Run the bundled library.
    pub bundled: bool,
    /// conftest-style policy directories (or files).
    pub dirs: Vec<PathBuf>,
    /// Namespaces (Rego packages) to evaluate from `dirs`; conftest's default is `main`.
    pub namespaces: Vec<String>,
    pub all_namespaces: bool,
    /// JSON or YAML documents loaded as `data`.
    pub data_files: Vec<PathBuf>,
    /// conftest `--combine`: the input is every document of a file.
    pub combine: bool,
    /// Where `dirs` and `data_files` are read from.
    pub files: PolicyFiles,
    /// Whether Gatekeeper templates and constraints among the checked files are evaluated
    /// (not in changed mode, where only the base commit's policies gate a change).
    pub checked_templates: bool,
}

impl Default for PolicySettings {
    fn default() -> Self {
        PolicySettings {
            bundled: true,
            dirs: Vec::new(),
            namespaces: vec!["main".into()],
            all_namespaces: false,
            data_files: Vec::new(),
            combine: false,
            files: PolicyFiles::WorkTree,
            checked_templates: true,
        }
    }
}

/// Policy parameters and environment for one file, from the config file.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PolicyContext {
    pub parameters: BTreeMap<String, Value>,
    pub environment: Option<String>,
}

/// conftest's rule names: `deny`, `violation`, `warn`, and their `deny_<name>` forms.
fn conftest_severity(rule: &str) -> Option<Severity> {
    let base = rule.split_once('_').map_or(rule, |(b, _)| b);
    match base {
        "deny" | "violation" => Some(Severity::Error),
        "warn" => Some(Severity::Warning),
        _ => None,
    }
}

/// User policies loaded from `--policy` directories.
struct UserPolicies {
    engine: Engine,
    /// Namespace → the conftest rules it declares (`deny`, `warn_x`, …) and whether it has
    /// `exception` rules.
    namespaces: Vec<(String, Vec<String>, bool)>,
}

/// conftest rule heads declared in a policy text (`deny`, `violation_x`, `warn`, …).
fn conftest_rules(text: &str) -> (Vec<String>, bool) {
    let mut rules = Vec::new();
    let mut exception = false;
    for line in text.lines() {
        let name: String = line
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        if name == "exception" {
            exception = true;
        } else if conftest_severity(&name).is_some()
            && ["deny", "violation", "warn"]
                .iter()
                .any(|base| name == *base || name.starts_with(&format!("{base}_")))
        {
            rules.push(name);
        }
    }
    (rules, exception)
}

/// Runs the policy stage.
pub fn check(files: &[ParsedFile], settings: &Settings) -> Vec<Finding> {
    let policy = &settings.policy;
    let mut findings = Vec::new();
    let objects: Vec<&Object> = crate::check::objects(files)
        .filter(|o| rules::not_kubernetes_object::is_kubernetes_object(o))
        .collect();
    if objects.is_empty() {
        return findings;
    }
    if policy.bundled {
        findings.extend(run_library(&objects, settings));
    }

    let gatekeeper_objects = gatekeeper_documents(&policy.files, &policy.dirs);
    if policy.checked_templates {
        findings.extend(gatekeeper::check(&objects, &gatekeeper_objects));
    } else {
        let targets: Vec<&Object> = objects
            .iter()
            .copied()
            .filter(|o| !is_policy_object(&o.value))
            .collect();
        findings.extend(gatekeeper::check(&targets, &gatekeeper_objects));
    }

    if !policy.dirs.is_empty() {
        let (user, errors) = load_user_policies(policy);
        findings.extend(errors);
        if let Some(user) = user {
            let user = Arc::new(user);
            if policy.combine {
                // conftest --combine: one input holding every document of every file.
                let input = json!(
                    objects
                        .iter()
                        .map(|o| json!({"path": o.source.name, "contents": o.value}))
                        .collect::<Vec<_>>()
                );
                findings.extend(evaluate_user(&user, objects[0], &input, true));
            } else {
                findings.extend(
                    objects
                        .par_iter()
                        .map_init(
                            || user.engine.clone(),
                            |engine, object| {
                                evaluate_user_with(
                                    engine,
                                    &user.namespaces,
                                    object,
                                    &object.value,
                                    false,
                                )
                            },
                        )
                        .flatten()
                        .collect::<Vec<_>>(),
                );
            }
        }
    }
    findings
}

/// Runs the bundled library over every object, on regorus' bytecode VM (RVM): the library is
/// compiled once per run, with one entry point per group of applicable policies. Each object is
/// the input; its apply unit (for cross-object policies), its path's parameters and its
/// environment are its `data.gitops_lint`, so no `with` modifier is needed (RVM compiles none).
fn run_library(objects: &[&Object], settings: &Settings) -> Vec<Finding> {
    let library = library::library();
    let mut out: Vec<Finding> = library
        .errors
        .iter()
        .map(|(path, error)| load_error(&format!("policies/{path}"), None, error))
        .collect();
    let mut units = ApplyUnits::default();
    let mut unit_ids: BTreeMap<String, usize> = BTreeMap::new();
    let mut unit_objects: Vec<Vec<usize>> = Vec::new();
    let mut contexts: Vec<PolicyContext> = Vec::new();
    let mut dispatch = Dispatch::default();
    let mut assigned: Vec<Assigned> = Vec::with_capacity(objects.len());
    // A file's objects are consecutive and share its unit and context.
    let mut last: Option<(&Arc<SourceFile>, usize, usize)> = None;
    for object in objects {
        let (unit_id, context_id) = match last {
            Some((source, unit, context)) if Arc::ptr_eq(source, &object.source) => (unit, context),
            _ => {
                let unit = units
                    .unit_of(&object.source.path)
                    .to_string_lossy()
                    .into_owned();
                let next = unit_ids.len();
                let unit_id = *unit_ids.entry(unit).or_insert(next);
                if unit_id == unit_objects.len() {
                    unit_objects.push(Vec::new());
                }
                let context = settings.policy_context(&object.source.path);
                let context_id = match contexts.iter().position(|c| *c == context) {
                    Some(i) => i,
                    None => {
                        contexts.push(context);
                        contexts.len() - 1
                    }
                };
                last = Some((&object.source, unit_id, context_id));
                (unit_id, context_id)
            }
        };
        unit_objects[unit_id].push(assigned.len());
        assigned.push(Assigned {
            object,
            context: context_id,
            group: dispatch.group_for(library, object),
        });
    }
    let program = match dispatch.compile(library) {
        Ok(Some(program)) => program,
        // No policy applies to any object's kind.
        Ok(None) => return out,
        Err(e) => {
            out.push(load_error(DISPATCH_PATH, None, &e));
            return out;
        }
    };
    let contexts_data: Vec<(RegoValue, Option<RegoValue>)> =
        contexts.iter().map(context_data).collect();
    // Unit by unit: each object becomes a regorus value once, shared (reference-counted) by its
    // unit's `objects` and by its own evaluation's input, and dropped with its unit.
    out.extend(
        unit_objects
            .par_iter()
            .map_init(
                || engine::new_vm(&program),
                |vm, members| {
                    let values: Vec<RegoValue> = members
                        .iter()
                        .map(|m| rego_value(&assigned[*m].object.value))
                        .collect();
                    let unit = RegoValue::from(values.clone());
                    let mut out = Vec::new();
                    for (member, value) in members.iter().zip(values) {
                        let assigned = &assigned[*member];
                        let Some(group_id) = assigned.group else {
                            continue;
                        };
                        let group = &dispatch.groups[group_id];
                        let (params, environment) = &contexts_data[assigned.context];
                        let data = library_data(
                            params,
                            environment.as_ref(),
                            group.objects.then_some(&unit),
                        );
                        out.extend(evaluate_library(vm, group, assigned.object, value, data));
                    }
                    out
                },
            )
            .flatten()
            .collect::<Vec<_>>(),
    );
    out
}

/// A policy context as the library reads it: parameters under the policies' package names
/// (`-` becomes `_`), and the environment.
fn context_data(context: &PolicyContext) -> (RegoValue, Option<RegoValue>) {
    let params: serde_json::Map<String, Value> = context
        .parameters
        .iter()
        .map(|(id, v)| (id.replace('-', "_"), v.clone()))
        .collect();
    (
        RegoValue::from(Value::Object(params)),
        context.environment.clone().map(RegoValue::from),
    )
}

/// An object's `data` for the library: `gitops_lint.params`, `.environment` (when it has one)
/// and `.objects` (its apply unit, when a policy of its group reads it).
fn library_data(
    params: &RegoValue,
    environment: Option<&RegoValue>,
    unit: Option<&RegoValue>,
) -> RegoValue {
    let mut data = BTreeMap::new();
    data.insert(RegoValue::from("params"), params.clone());
    if let Some(environment) = environment {
        data.insert(RegoValue::from("environment"), environment.clone());
    }
    if let Some(unit) = unit {
        data.insert(RegoValue::from("objects"), unit.clone());
    }
    let mut root = BTreeMap::new();
    root.insert(RegoValue::from("gitops_lint"), RegoValue::from(data));
    RegoValue::from(root)
}

/// The findings of one library policy's `deny` value for `object`.
fn library_findings<'a>(
    object: &'a Object,
    policy: &'a library::LibraryPolicy,
    value: &RegoValue,
) -> impl Iterator<Item = Finding> + 'a {
    results(value)
        .into_iter()
        .map(move |result| result_finding(object, &policy.id, policy.severity, &result, true))
}

/// One object of the library run: its policy context and dispatch group (none when no policy
/// applies to its kind). Its apply unit is the member list it is in.
struct Assigned<'a> {
    object: &'a Object,
    context: usize,
    group: Option<usize>,
}

const DISPATCH_PATH: &str = "<gitops-lint library dispatch>";
const DISPATCH_PACKAGE: &str = "gitops_lint_run_dispatch";

/// The applicable policies of one group of objects (those of a kind), whether any of them
/// reads the apply unit, and the group's entry point.
struct DispatchGroup {
    policies: Vec<&'static library::LibraryPolicy>,
    objects: bool,
    entry: String,
}

/// The groups of a run; rule `r<i>` of the generated dispatch module evaluates every policy of
/// group `i` in one rule, so that the library's helpers are computed once per object.
#[derive(Default)]
struct Dispatch {
    groups: Vec<DispatchGroup>,
    /// A kind's group, decided once per kind.
    by_kind: std::collections::HashMap<String, Option<usize>>,
}

impl Dispatch {
    fn group_for(&mut self, library: &'static library::Library, object: &Object) -> Option<usize> {
        let kind = object.kind().unwrap_or_default();
        if let Some(group) = self.by_kind.get(kind) {
            return *group;
        }
        let group = self.new_group_for(library, kind);
        self.by_kind.insert(kind.to_string(), group);
        group
    }

    /// The group of the policies that apply to `kind`: an existing one with the same policies
    /// (kinds differ, policy sets often do not), else a new one.
    fn new_group_for(&mut self, library: &'static library::Library, kind: &str) -> Option<usize> {
        let policies: Vec<&library::LibraryPolicy> = library
            .policies
            .iter()
            .filter(|p| p.applies_to(kind))
            .collect();
        if policies.is_empty() {
            return None;
        }
        let same = |g: &DispatchGroup| {
            g.policies.len() == policies.len()
                && g.policies.iter().zip(&policies).all(|(a, b)| a.id == b.id)
        };
        Some(match self.groups.iter().position(same) {
            Some(i) => i,
            None => {
                self.groups.push(DispatchGroup {
                    objects: policies.iter().any(|p| p.uses_objects),
                    policies,
                    entry: format!("data.{DISPATCH_PACKAGE}.r{}", self.groups.len()),
                });
                self.groups.len() - 1
            }
        })
    }

    fn module(&self) -> String {
        let mut text = format!("package {DISPATCH_PACKAGE}\n");
        for (i, group) in self.groups.iter().enumerate() {
            let denies = group
                .policies
                .iter()
                .map(|p| format!("\tdata.{}.deny,\n", p.package))
                .collect::<String>();
            text.push_str(&format!("\nr{i} := [\n{denies}]\n"));
        }
        text
    }

    /// The library and the dispatch module as one RVM program (none without groups). Entry
    /// points: each group's rule, and each policy's `deny` (to evaluate one by one when a
    /// group's rule fails).
    fn compile(
        &self,
        library: &library::Library,
    ) -> Result<Option<Arc<regorus::rvm::Program>>, String> {
        let mut entries: Vec<String> = self.groups.iter().map(|g| g.entry.clone()).collect();
        let mut policies: Vec<&str> = self
            .groups
            .iter()
            .flat_map(|g| g.policies.iter().map(|p| p.package.as_str()))
            .collect();
        policies.sort_unstable();
        policies.dedup();
        entries.extend(policies.iter().map(|p| format!("data.{p}.deny")));
        let Some(first) = entries.first() else {
            return Ok(None);
        };
        let mut engine = library.engine.clone();
        engine::add_policy(&mut engine, DISPATCH_PATH, &self.module())?;
        let compiled = engine
            .compile_with_entrypoint(&first.as_str().into())
            .map_err(|e| e.to_string())?;
        let entries: Vec<&str> = entries.iter().map(String::as_str).collect();
        regorus::languages::rego::compiler::Compiler::compile_from_policy(&compiled, &entries)
            .map(Some)
            .map_err(|e| e.to_string())
    }
}

fn evaluate_library(
    vm: &mut regorus::rvm::RegoVM,
    group: &DispatchGroup,
    object: &Object,
    value: RegoValue,
    data: RegoValue,
) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut report = |policy: &library::LibraryPolicy, value: &RegoValue| {
        out.extend(library_findings(object, policy, value));
    };
    if let Err(e) = vm.set_data(data) {
        return vec![evaluation_error(object, "policies", &e.to_string())];
    }
    vm.set_input(value);
    if let Ok(value) = vm.execute_entry_point_by_name(&group.entry)
        && let Ok(values) = value.as_array()
        && values.len() == group.policies.len()
    {
        for (policy, value) in group.policies.iter().zip(values.iter()) {
            report(policy, value);
        }
        return out;
    }
    // A policy failed: evaluate one by one, so that the others still report.
    let mut errors = Vec::new();
    for policy in &group.policies {
        match vm.execute_entry_point_by_name(&format!("data.{}.deny", policy.package)) {
            Ok(value) => report(policy, &value),
            Err(e) => errors.push(evaluation_error(object, &policy.id, &e.to_string())),
        }
    }
    out.extend(errors);
    out
}

/// A JSON value as regorus holds it, read from a reference (`RegoValue::from` takes the value by
/// ownership, which would need a deep copy first); the same conversion, through serde.
fn rego_value(value: &Value) -> RegoValue {
    use serde::Deserialize;
    RegoValue::deserialize(value).unwrap_or(RegoValue::Undefined)
}

fn evaluate_user(
    user: &UserPolicies,
    anchor: &Object,
    input: &Value,
    combined: bool,
) -> Vec<Finding> {
    let mut engine = user.engine.clone();
    evaluate_user_with(&mut engine, &user.namespaces, anchor, input, combined)
}

fn evaluate_user_with(
    engine: &mut Engine,
    namespaces: &[(String, Vec<String>, bool)],
    anchor: &Object,
    input: &Value,
    combined: bool,
) -> Vec<Finding> {
    engine.set_input(RegoValue::from(input.clone()));
    let mut out = Vec::new();
    for (namespace, rule_names, has_exception) in namespaces {
        let mut evaluate = |rule: &str| match engine.eval_rule(format!("data.{namespace}.{rule}")) {
            Ok(v) => engine::to_json(&v),
            Err(e) => {
                out.push(evaluation_error(
                    anchor,
                    &format!("{namespace}.{rule}"),
                    &e.to_string(),
                ));
                None
            }
        };
        let exceptions = if *has_exception {
            exceptions(evaluate("exception").as_ref())
        } else {
            Vec::new()
        };
        let mut rules = Vec::new();
        let mut not_sets = Vec::new();
        for rule in rule_names {
            match evaluate(rule) {
                // A set (array) holds results; a bare boolean rule is not one, as in conftest.
                Some(value @ Value::Array(_)) => rules.push((rule.clone(), value)),
                None | Some(Value::Bool(_)) => {}
                Some(other) => not_sets.push((rule.clone(), other)),
            }
        }
        for (rule, other) in not_sets {
            out.push(evaluation_error(
                anchor,
                &format!("{namespace}.{rule}"),
                &format!(
                    "the rule is a {} where conftest requires a set; write `{rule} contains msg if {{ … }}`",
                    crate::rules::not_kubernetes_object::json_type(&other)
                ),
            ));
        }
        for (rule, value) in &rules {
            let Some(severity) = conftest_severity(rule) else {
                continue;
            };
            let name = rule.split_once('_').map(|(_, n)| n);
            if name.is_some_and(|n| exceptions.iter().any(|e| e == n))
                || (name.is_none() && exceptions.iter().any(|e| e.is_empty()))
            {
                continue;
            }
            let id = format!("{namespace}.{rule}");
            for result in json_results(value) {
                // With --combine a path is relative to a file's document list, not to `anchor`.
                out.push(result_finding(anchor, &id, severity, &result, !combined));
            }
        }
    }
    out
}

/// conftest `exception` rules: a set of arrays of rule names (without the `deny_` prefix).
fn exceptions(value: Option<&Value>) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(Value::Array(sets)) = value {
        for set in sets {
            match set {
                Value::Array(names) => {
                    out.extend(names.iter().filter_map(Value::as_str).map(str::to_string))
                }
                Value::String(name) => out.push(name.clone()),
                _ => {}
            }
        }
    }
    out
}

/// A policy result: a message and, optionally, the path of the field it is about.
#[derive(Debug, Clone, PartialEq)]
pub struct PolicyResult {
    pub message: String,
    pub path: Option<FieldPath>,
}

fn results(value: &RegoValue) -> Vec<PolicyResult> {
    engine::to_json(value)
        .map(|v| json_results(&v))
        .unwrap_or_default()
}

/// Decodes a rule's value: a set (array) of strings, or of objects with `msg` (and our optional
/// `path`). Any other value (a bare boolean `deny`, a single object) is not a result, as in
/// conftest.
pub fn json_results(value: &Value) -> Vec<PolicyResult> {
    let one = |item: &Value| -> Option<PolicyResult> {
        match item {
            Value::String(s) => Some(PolicyResult {
                message: s.clone(),
                path: None,
            }),
            Value::Object(map) => Some(PolicyResult {
                message: map
                    .get("msg")
                    .and_then(Value::as_str)
                    .map(str::to_string)
                    .unwrap_or_else(|| item.to_string()),
                path: map.get("path").and_then(FieldPath::from_json),
            }),
            _ => None,
        }
    };
    match value {
        Value::Array(items) => items.iter().filter_map(one).collect(),
        _ => Vec::new(),
    }
}

fn result_finding(
    object: &Object,
    id: &str,
    severity: Severity,
    result: &PolicyResult,
    use_path: bool,
) -> Finding {
    let location = match &result.path {
        Some(path) if use_path => object.location(path),
        _ => object.head_location(),
    };
    let mut finding = Finding::new(id.to_string(), severity, result.message.clone(), location)
        .with_object(object.reference);
    if let Some(path) = &result.path {
        finding = finding.with_field(path.to_string());
    }
    if let Some(policy) = library::find(id) {
        finding.help = Some(format!("see `gitops-lint explain {}`", policy.id));
    }
    finding
}

fn evaluation_error(object: &Object, policy: &str, error: &str) -> Finding {
    // The timer's message carries the elapsed nanoseconds; say the limit instead, so that
    // output is reproducible.
    let reason = if error.contains("exceeded time limit") {
        format!(
            "evaluation exceeded the time limit of {} s",
            engine::EVALUATION_LIMIT.as_secs()
        )
    } else {
        summary(error)
    };
    Finding::new(
        rules::policy_error::RULE.id,
        rules::policy_error::RULE.default_severity,
        format!(
            "policy {policy} failed on {}: {reason}",
            object.display_name()
        ),
        object.head_location(),
    )
    .with_object(object.reference)
    .with_help("fix the policy; the other policies still ran")
}

fn load_error(path: &str, text: Option<&str>, error: &str) -> Finding {
    let source = Arc::new(SourceFile::new(
        PathBuf::from(path),
        text.unwrap_or_default().to_string(),
    ));
    let span = engine::error_line(error, path)
        .and_then(|line| source.line_starts().get(line.saturating_sub(1)).copied())
        .map(|start| Span {
            start,
            end: start + source.line_text(source.line_index(start)).len(),
        })
        .unwrap_or_default();
    Finding::new(
        rules::policy_error::RULE.id,
        rules::policy_error::RULE.default_severity,
        format!(
            "policy {} cannot be loaded: {}",
            source.name,
            summary(error)
        ),
        Location { file: source, span },
    )
    .with_help("fix the policy; the other policies still ran")
}

/// A regorus error in one line: its non-empty lines joined (they hold the position, the
/// source line and the reason).
pub fn summary(error: &str) -> String {
    error
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && l.chars().any(|c| c.is_alphanumeric()))
        .collect::<Vec<_>>()
        .join(" ")
}

fn rego_files(files: &PolicyFiles, dir: &Path) -> Vec<PathBuf> {
    files
        .walk(dir)
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "rego"))
        .collect()
}

fn load_user_policies(settings: &PolicySettings) -> (Option<UserPolicies>, Vec<Finding>) {
    let mut engine = engine::new_engine_with_config_dirs(&settings.dirs);
    let mut errors = Vec::new();
    let mut loaded = 0;
    let mut packages: Vec<(String, Vec<String>, bool)> = Vec::new();
    for dir in &settings.dirs {
        for file in rego_files(&settings.files, dir) {
            let name = crate::source::display_name(&file);
            let text = match settings.files.read_to_string(&file) {
                Ok(t) => t,
                Err(e) => {
                    errors.push(load_error(&name, None, &e.to_string()));
                    continue;
                }
            };
            // Load each file into a scratch engine first, so one broken file cannot poison the rest.
            let mut probe = engine::new_engine();
            if let Err(e) = engine::add_policy(&mut probe, &name, &text) {
                let mut error = load_error(&name, Some(&text), &e);
                if let Some(commit) = settings.files.commit() {
                    // The text shown is the base commit's, which the change may have edited.
                    error
                        .message
                        .push_str(&format!(" (the base commit {commit}'s version)"));
                }
                errors.push(error);
                continue;
            }
            if engine::add_policy(&mut engine, &name, &text).is_ok() {
                loaded += 1;
                if let Some(p) = library::package_of(&text) {
                    let (rules, exception) = conftest_rules(&text);
                    packages.push((p, rules, exception));
                }
            }
        }
    }
    match load_data_paths(&settings.files, &settings.data_files) {
        Ok(documents) => {
            for data in documents {
                if let Err(e) = engine.add_data(RegoValue::from(data)) {
                    errors.push(load_error("--data", None, &e.to_string()));
                }
            }
        }
        Err(e) => errors.push(load_error("--data", None, &e)),
    }
    if loaded == 0 {
        return (None, errors);
    }
    // Merge the rules each package declares across its files.
    let mut by_package: BTreeMap<String, (Vec<String>, bool)> = BTreeMap::new();
    for (package, rules, exception) in packages {
        let entry = by_package.entry(package).or_default();
        entry.0.extend(rules);
        entry.1 |= exception;
    }
    let namespaces = by_package
        .into_iter()
        .filter(|(package, _)| settings.all_namespaces || settings.namespaces.contains(package))
        .map(|(package, (mut rules, exception))| {
            rules.sort();
            rules.dedup();
            (package, rules, exception)
        })
        .collect();
    (Some(UserPolicies { engine, namespaces }), errors)
}

/// ConstraintTemplates and Constraints kept in policy directories (YAML files).
fn gatekeeper_documents(source: &PolicyFiles, dirs: &[PathBuf]) -> Vec<Value> {
    let mut out = Vec::new();
    for dir in dirs {
        let files: Vec<PathBuf> = if source.is_file(dir) {
            vec![dir.clone()]
        } else {
            source
                .walk(dir)
                .into_iter()
                .filter(|p| p.extension().is_some_and(|e| e == "yaml" || e == "yml"))
                .collect()
        };
        for file in files {
            let Ok(text) = source.read_to_string(&file) else {
                continue;
            };
            let stream =
                crate::manifest::yaml::parse(&text, &crate::manifest::yaml::Limits::default());
            out.extend(
                stream
                    .documents
                    .into_iter()
                    .map(|d| d.value)
                    .filter(|v| gatekeeper::is_template(v) || gatekeeper::is_constraint(v)),
            );
        }
    }
    out
}

/// A `--data` file: JSON, or YAML read the Kubernetes way; several YAML documents are merged.
fn load_data(source: &PolicyFiles, path: &Path) -> Result<Value, String> {
    let text = source.read_to_string(path).map_err(|e| e.to_string())?;
    if path.extension().is_some_and(|e| e == "json") {
        return serde_json::from_str(&text).map_err(|e| e.to_string());
    }
    let stream = crate::manifest::yaml::parse(&text, &crate::manifest::yaml::Limits::default());
    if let Some(problem) = stream.problems.first()
        && matches!(
            problem.kind,
            crate::manifest::yaml::ProblemKind::Syntax { .. }
        )
    {
        return Err(format!("{:?}", problem.kind));
    }
    let mut merged = serde_json::Map::new();
    for document in stream.documents {
        if let Value::Object(map) = document.value {
            merged.extend(map);
        }
    }
    Ok(Value::Object(merged))
}

/// `--data` paths, files or directories (walked for `.json`, `.yaml`, `.yml`, as conftest does),
/// each document merged at the data root.
pub fn load_data_paths(source: &PolicyFiles, paths: &[PathBuf]) -> Result<Vec<Value>, String> {
    let mut out = Vec::new();
    for path in paths {
        if !source.exists(path) {
            return Err(format!("data path {} does not exist", path.display()));
        }
        let files: Vec<PathBuf> = if source.is_file(path) {
            vec![path.clone()]
        } else {
            source
                .walk(path)
                .into_iter()
                .filter(|p| {
                    p.extension()
                        .is_some_and(|e| e == "json" || e == "yaml" || e == "yml")
                })
                .collect()
        };
        for file in files {
            out.push(load_data(source, &file).map_err(|e| format!("{}: {e}", file.display()))?);
        }
    }
    Ok(out)
}

/// Whether a `--policy` path holds policies: Rego files, or Gatekeeper YAML.
pub fn has_policies(source: &PolicyFiles, path: &Path) -> bool {
    source.exists(path)
        && (!rego_files(source, path).is_empty()
            || !gatekeeper_documents(source, &[path.to_path_buf()]).is_empty())
}

/// Known policy rule ids for suppressions and configuration: bundled policy ids, and conftest
/// results (`namespace.rule`).
pub fn is_known_rule(id: &str) -> bool {
    library::find(id).is_some() || id.contains('.')
}

/// Whether an object is policy configuration that the policy stage reads (Gatekeeper
/// templates and constraints), so that other stages need no schema for it.
pub fn is_policy_object(value: &Value) -> bool {
    gatekeeper::is_template(value) || gatekeeper::is_constraint(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The reference: regorus' interpreter, policy by policy, with the unit, parameters and
    /// environment added to `data` for each object.
    fn interpreted(objects: &[&Object], settings: &Settings) -> Vec<Finding> {
        let library = library::library();
        let mut units = ApplyUnits::default();
        let mut members: BTreeMap<PathBuf, Vec<RegoValue>> = BTreeMap::new();
        for object in objects {
            members
                .entry(units.unit_of(&object.source.path))
                .or_default()
                .push(rego_value(&object.value));
        }
        let mut out = Vec::new();
        for object in objects {
            let context = settings.policy_context(&object.source.path);
            let params = context_data(&context);
            let unit = RegoValue::from(members[&units.unit_of(&object.source.path)].clone());
            let mut engine = library.engine.clone();
            engine
                .add_data(library_data(&params.0, params.1.as_ref(), Some(&unit)))
                .expect("data");
            engine.set_input(rego_value(&object.value));
            let kind = object.kind().unwrap_or_default();
            for policy in library.policies.iter().filter(|p| p.applies_to(kind)) {
                let value = engine
                    .eval_rule(format!("data.{}.deny", policy.package))
                    .expect("the interpreter evaluates the library");
                out.extend(library_findings(object, policy, &value));
            }
        }
        out
    }

    fn keys(mut findings: Vec<Finding>) -> Vec<String> {
        crate::finding::sort_findings(&mut findings);
        findings
            .iter()
            .map(|f| {
                let (file, start, end, rule, message) = f.sort_key();
                format!("{file}:{start}-{end} {rule} {message}")
            })
            .collect()
    }

    /// The library on regorus' bytecode VM gives exactly what the interpreter gives, on every
    /// fixture, the example repository, and the policy-library fixture with its parameters and
    /// environment (and the shared corpus, through its expectations in tests/corpus.rs).
    #[test]
    fn library_on_the_vm_matches_the_interpreter() {
        use clap::Parser;
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let fixture = root.join("tests/fixtures/policy-library");
        // The last run reads the fixture's config: policy parameters, and an environment whose
        // policy only applies there.
        let with_config = crate::cli::Args::try_parse_from([
            "gitops-lint".as_ref(),
            "--config".as_ref(),
            fixture.join(".gitops-lint.yaml").as_os_str(),
            fixture.as_os_str(),
        ])
        .expect("arguments");
        let runs = [
            Settings::for_paths(vec![root.join("tests/fixtures")]),
            Settings::for_paths(vec![root.join("examples")]),
            Settings::resolve(with_config).expect("settings"),
        ];
        let mut compared = 0;
        for settings in runs {
            let dir = settings.paths[0].clone();
            let loaded = crate::pipeline::load(&settings).expect("load");
            let objects: Vec<&Object> = crate::check::objects(&loaded.files)
                .filter(|o| rules::not_kubernetes_object::is_kubernetes_object(o))
                .collect();
            let vm = keys(run_library(&objects, &settings));
            let reference = keys(interpreted(&objects, &settings));
            assert!(!reference.is_empty(), "{}: no policy result", dir.display());
            assert_eq!(vm, reference, "{}", dir.display());
            compared += reference.len();
            if dir == fixture {
                for rule in ["too-few-production-replicas", "untrusted-image-registry"] {
                    assert!(
                        reference.iter().any(|r| r.contains(rule)),
                        "{rule}: {reference:#?}"
                    );
                }
            }
        }
        assert!(compared > 100, "only {compared} results compared");
    }
}
