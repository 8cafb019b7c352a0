//! The schema stage: every Kubernetes object against the JSON schema of its apiVersion/kind, for
//! each target Kubernetes version (bundled schemas), its CRD (from the checked files or
//! `--crds`), or a `--schema-location` catalog; plus removed and deprecated API versions.
//!
//! Validators are compiled lazily, once per (version, kind, strictness), on first use, and shared
//! by all threads. Errors become findings through `diagnose`, which speaks in field paths.

pub mod bundled;
pub mod catalog;
pub mod crd;
mod diagnose;
mod formats;
pub mod lifecycle;
pub mod walk;

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use jsonschema::{Draft, Validator};
use rayon::prelude::*;
use serde_json::{Value, json};

use crate::discover::{Candidate, FileRole};
use crate::finding::Finding;
use crate::manifest::Object;
use crate::parse::{self, Parsed, ParsedFile};
use crate::rules;
use crate::settings::Settings;
pub use bundled::KubeVersion;
use catalog::Catalog;
use crd::Crds;

/// What the schema stage is asked to do.
#[derive(Debug, Clone)]
pub struct SchemaSettings {
    /// Target Kubernetes versions, oldest first, never empty.
    pub versions: Vec<KubeVersion>,
    /// Unknown fields are errors.
    pub strict: bool,
    /// Directories (or files) of CRDs to register, beside those in the checked paths.
    pub crd_paths: Vec<PathBuf>,
    pub catalogs: Vec<Catalog>,
}

impl Default for SchemaSettings {
    fn default() -> Self {
        SchemaSettings {
            versions: vec![bundled::newest()],
            strict: true,
            crd_paths: Vec::new(),
            catalogs: Vec::new(),
        }
    }
}

/// Parses a target version and checks that it is bundled.
pub fn parse_target(text: &str) -> Result<KubeVersion, String> {
    let bundled: Vec<String> = bundled::versions().map(|v| v.to_string()).collect();
    let version = KubeVersion::parse(text)
        .ok_or_else(|| format!("`{text}` is not a Kubernetes version (write 1.33 or 1.33.2)"))?;
    if bundled::versions().any(|v| v == version) {
        Ok(version)
    } else {
        Err(format!(
            "Kubernetes {version} is not bundled (bundled: {})",
            bundled.join(", ")
        ))
    }
}

/// A compiled schema and the document its `$ref`s and walks resolve against.
struct Compiled {
    validator: Validator,
    /// The schema as a JSON value, for suggestions and list-type walks.
    root: Value,
    /// What `$ref`s in `root` point into: the bundle, or `root` itself (`None`).
    bundle: Option<&'static Value>,
}

impl Compiled {
    fn document(&self) -> &Value {
        self.bundle.unwrap_or(&self.root)
    }
}

type Cell = Arc<OnceLock<Result<Arc<Compiled>, String>>>;

#[derive(Clone, PartialEq, Eq, Hash)]
enum Key {
    Bundled(KubeVersion, String, bool),
    Crd(String, String, String),
    Catalog(PathBuf),
}

/// The stage's state for one run: registered CRDs and the validator cache.
pub struct Stage<'a> {
    settings: &'a SchemaSettings,
    crds: Crds,
    cache: Mutex<HashMap<Key, Cell>>,
}

/// One finding, and the target versions it holds for (empty: all of them).
type Versioned = (Option<KubeVersion>, Finding);

/// Runs the schema stage over the checked objects.
pub fn check(files: &[ParsedFile], settings: &Settings) -> Vec<Finding> {
    let schema = &settings.schema;
    let mut crds = Crds::default();
    crds.register(crate::check::objects(files));
    let extra = load_crd_paths(&schema.crd_paths, settings);
    crds.register(extra.iter().flat_map(|f| f.objects.iter()));
    let stage = Stage {
        settings: schema,
        crds,
        cache: Mutex::new(HashMap::new()),
    };
    let objects: Vec<&Object> = crate::check::objects(files)
        .filter(|o| rules::not_kubernetes_object::is_kubernetes_object(o))
        // Gatekeeper templates and constraints are read by the policy stage, which reports
        // their problems; their CRDs live in the cluster, not the repository.
        .filter(|o| !crate::policy::is_policy_object(&o.value))
        .collect();
    let findings: Vec<Finding> = objects
        .par_iter()
        .flat_map_iter(|object| {
            stage.check_object(object, settings.kubernetes_versions(&object.source.path))
        })
        .collect();
    once_per_kind_and_file(findings)
}

/// A YAML 1.1 warning on a value that the schema stage already reports as the wrong type says
/// the same thing twice: the type error (whose help names the YAML cause) stays.
pub fn absorb_yaml_warnings(findings: &mut Vec<Finding>) {
    let type_errors: Vec<(String, crate::source::Span)> = findings
        .iter()
        .filter(|f| f.rule == rules::invalid_field_type::RULE.id)
        .map(|f| (f.location.file.name.clone(), f.location.span))
        .collect();
    if type_errors.is_empty() {
        return;
    }
    let yaml11 = [rules::yaml11_boolean::RULE.id, rules::yaml11_octal::RULE.id];
    findings.retain(|f| {
        !yaml11.contains(&f.rule.as_ref())
            || !type_errors.iter().any(|(file, span)| {
                // The value's own span ends where the type error's does; a key's does not.
                *file == f.location.file.name
                    && span.start <= f.location.span.start
                    && f.location.span.end == span.end
            })
    });
}

/// `unknown-kind` is reported once per kind and file.
fn once_per_kind_and_file(findings: Vec<Finding>) -> Vec<Finding> {
    let mut seen = BTreeSet::new();
    findings
        .into_iter()
        .filter(|f| {
            f.rule != rules::unknown_kind::RULE.id
                || seen.insert((f.location.file.name.clone(), f.message.clone()))
        })
        .collect()
}

/// Parses the `--crds` paths (also read by the API-server stage for CEL rules).
pub(crate) fn load_crd_paths(paths: &[PathBuf], settings: &Settings) -> Vec<ParsedFile> {
    let walk = crate::discover::Walk {
        paths,
        exclude: &globset::GlobSet::empty(),
        exclude_base: Path::new(""),
        only: None,
    };
    let Ok((candidates, _)) = crate::discover::discover(&walk) else {
        return Vec::new();
    };
    candidates
        .par_iter()
        .map(|c| Candidate {
            path: c.path.clone(),
            role: FileRole::Manifest,
        })
        .filter_map(|c| match parse::parse_file(&c, settings) {
            Parsed::File(f) => Some(f),
            Parsed::Skipped(_) => None,
        })
        .collect()
}

impl Stage<'_> {
    /// Checks one object against `versions` (its environment's, else the run's).
    fn check_object(&self, object: &Object, versions: &[KubeVersion]) -> Vec<Finding> {
        let (Some(api_version), Some(kind)) = (object.api_version(), object.kind()) else {
            return Vec::new();
        };
        let group = object.group();
        let version = api_version.rsplit('/').next().unwrap_or(api_version);
        let mut out: Vec<Versioned> = Vec::new();

        let built_in = versions.iter().any(|v| {
            bundled::bundle(*v).is_some_and(|b| b.kind(api_version, kind).is_some())
                || lifecycle::status(api_version, kind, *v) != lifecycle::Status::Served
        });
        if built_in || self.is_built_in_group(group) {
            for &target in versions {
                out.extend(self.check_built_in(object, api_version, kind, target));
            }
            return merge_versions(out, versions);
        }
        if let Some(crd) = self.crds.get(group, version, kind) {
            return self.check_custom(object, group, version, kind, crd);
        }
        if let Some(served) = self.crds.served_versions(group, kind) {
            return vec![
                Finding::new(
                    rules::unknown_kind::RULE.id,
                    rules::unknown_kind::RULE.default_severity,
                    format!(
                        "{kind} is defined by a CRD, but not in version {version} (served: {})",
                        served.join(", ")
                    ),
                    object.head_location(),
                )
                .with_object(object.reference)
                .with_help("use a version the CRD serves"),
            ];
        }
        for &target in versions {
            match self.check_catalogs(object, group, version, kind, target) {
                Some(found) => out.extend(found.into_iter().map(|f| (Some(target), f))),
                None => {
                    out.push((None, unknown_kind(object, api_version, kind)));
                    break;
                }
            }
        }
        merge_versions(out, versions)
    }

    fn is_built_in_group(&self, group: &str) -> bool {
        bundled::bundle(bundled::newest()).is_some_and(|b| b.has_group(group))
    }

    fn check_built_in(
        &self,
        object: &Object,
        api_version: &str,
        kind: &str,
        target: KubeVersion,
    ) -> Vec<Versioned> {
        let mut out = Vec::new();
        match lifecycle::status(api_version, kind, target) {
            lifecycle::Status::Removed { since, replacement } => {
                out.push((
                    Some(target),
                    diagnose::removed(object, since, replacement.as_deref()),
                ));
                // Check the rest as the replacement, which the object has to become anyway.
                let Some(replacement) = replacement else {
                    return out;
                };
                let replacement_entry =
                    bundled::bundle(target).and_then(|b| b.kind(&replacement, kind));
                if let Some(entry) = replacement_entry {
                    out.extend(
                        self.validate_bundled(object, target, &entry.definition)
                            .into_iter()
                            .filter(|f| f.field.as_deref() != Some("apiVersion"))
                            .map(|f| (Some(target), f)),
                    );
                }
                return out;
            }
            lifecycle::Status::Deprecated {
                since,
                removed,
                replacement,
            } => out.push((
                Some(target),
                diagnose::deprecated(object, since, removed, replacement.as_deref()),
            )),
            lifecycle::Status::Served => {}
        }
        let Some(bundle) = bundled::bundle(target) else {
            return out;
        };
        let Some(entry) = bundle.kind(api_version, kind) else {
            let served = bundle.api_versions_of(kind);
            out.push((Some(target), diagnose::unserved(object, target, &served)));
            return out;
        };
        out.extend(
            self.validate_bundled(object, target, &entry.definition)
                .into_iter()
                .map(|f| (Some(target), f)),
        );
        out
    }

    fn validate_bundled(
        &self,
        object: &Object,
        target: KubeVersion,
        definition: &str,
    ) -> Vec<Finding> {
        let strict = self.settings.strict;
        let key = Key::Bundled(target, definition.to_string(), strict);
        match self.compiled(key, || compile_bundled(target, definition, strict)) {
            Ok(c) => diagnose::validate(object, &c.validator, &c.root, c.document()),
            Err(message) => vec![diagnose::invalid_schema(object.head_location(), &message)],
        }
    }

    fn check_custom(
        &self,
        object: &Object,
        group: &str,
        version: &str,
        kind: &str,
        crd: &crd::CrdVersion,
    ) -> Vec<Finding> {
        if !crd.served {
            return vec![diagnose::crd_version_not_served(
                object,
                crd,
                version,
                self.crds.served_versions(group, kind).unwrap_or(&[]),
            )];
        }
        let Some(schema) = &crd.schema else {
            return Vec::new();
        };
        let strict = self.settings.strict;
        let key = Key::Crd(group.into(), version.into(), kind.into());
        let compiled = self.compiled(key, || {
            let mut root = crd::to_json_schema(schema, strict);
            formats::use_go_patterns(&mut root);
            compile(&root, Some(Draft::Draft4), None).map(|validator| Compiled {
                validator,
                root,
                bundle: None,
            })
        });
        match compiled {
            Ok(c) => diagnose::validate(object, &c.validator, &c.root, c.document()),
            Err(message) => vec![diagnose::invalid_schema(
                crd.location.clone(),
                &format!(
                    "the schema of CRD {} version {version} does not compile: {message}",
                    crd.crd_name
                ),
            )],
        }
    }

    /// `None` when no catalog has a schema for the kind.
    fn check_catalogs(
        &self,
        object: &Object,
        group: &str,
        version: &str,
        kind: &str,
        target: KubeVersion,
    ) -> Option<Vec<Finding>> {
        for catalog in &self.settings.catalogs {
            let Some(path) = catalog.path(&catalog::Target {
                version: target,
                strict: self.settings.strict,
                group,
                api_version: version,
                kind,
            }) else {
                continue;
            };
            if !path.is_file() {
                continue;
            }
            let compiled = self.compiled(Key::Catalog(path.clone()), || compile_file(&path));
            return Some(match compiled {
                Ok(c) => diagnose::validate(object, &c.validator, &c.root, c.document()),
                Err(message) => vec![diagnose::invalid_schema(
                    object.head_location(),
                    &format!(
                        "schema {} for {kind} cannot be used: {message}",
                        path.display()
                    ),
                )],
            });
        }
        None
    }

    fn compiled(
        &self,
        key: Key,
        build: impl FnOnce() -> Result<Compiled, String>,
    ) -> Result<Arc<Compiled>, String> {
        let cell = {
            let mut cache = match self.cache.lock() {
                Ok(guard) => guard,
                Err(poisoned) => poisoned.into_inner(),
            };
            cache.entry(key).or_default().clone()
        };
        cell.get_or_init(|| build().map(Arc::new)).clone()
    }
}

fn unknown_kind(object: &Object, api_version: &str, kind: &str) -> Finding {
    Finding::new(
        rules::unknown_kind::RULE.id,
        rules::unknown_kind::RULE.default_severity,
        format!("no schema for {api_version} {kind}; objects of this kind are not schema-checked"),
        object.head_location(),
    )
    .with_object(object.reference)
    .with_help("add its CRD to the checked paths or --crds DIR, or a --schema-location catalog")
}

/// Collapses findings that hold for every target version; the others say which versions.
fn merge_versions(findings: Vec<Versioned>, targets: &[KubeVersion]) -> Vec<Finding> {
    let mut groups: Vec<(Finding, Vec<KubeVersion>)> = Vec::new();
    for (version, finding) in findings {
        let same = groups.iter_mut().find(|(f, _)| {
            f.rule == finding.rule
                && f.message == finding.message
                && f.location.span == finding.location.span
        });
        match (same, version) {
            (Some((_, versions)), Some(v)) => versions.push(v),
            (Some(_), None) => {}
            (None, v) => groups.push((finding, v.into_iter().collect())),
        }
    }
    groups
        .into_iter()
        .map(|(mut finding, versions)| {
            if targets.len() > 1 && !versions.is_empty() && versions.len() < targets.len() {
                let list: Vec<String> = versions.iter().map(ToString::to_string).collect();
                finding.message =
                    format!("{} (Kubernetes {} only)", finding.message, list.join(", "));
            }
            finding
        })
        .collect()
}

/// Compiles a schema; `draft: None` lets `$schema` decide.
fn compile(
    schema: &Value,
    draft: Option<Draft>,
    registry: Option<&jsonschema::Registry<'_>>,
) -> Result<Validator, String> {
    let mut options = jsonschema::options()
        .should_validate_formats(true)
        .should_ignore_unknown_formats(true)
        .with_format("byte", formats::is_base64)
        .with_format("duration", formats::is_go_duration)
        .with_keyword(formats::GO_PATTERN, formats::GoPattern::factory);
    if let Some(draft) = draft {
        options = options.with_draft(draft);
    }
    if let Some(registry) = registry {
        options = options.with_registry(registry);
    }
    options.build(schema).map_err(|e| compile_error(&e))
}

/// A schema compile error without the schema fragment that jsonschema's message quotes whole.
fn compile_error(error: &jsonschema::ValidationError<'_>) -> String {
    let at = error.instance_path().as_str();
    let place = if at.is_empty() {
        "the schema root".to_string()
    } else {
        format!("`{at}`")
    };
    match error.instance().as_ref() {
        Value::String(_) | Value::Number(_) | Value::Bool(_) | Value::Null => {
            format!("{error} (at {place})")
        }
        _ => match error.kind() {
            jsonschema::error::ValidationErrorKind::Custom { message, .. } => {
                format!("{message} (at {place})")
            }
            _ => format!("{place} is not a valid schema"),
        },
    }
}

const BUNDLE_URI: &str = "https://schemas.gitops-lint.invalid/kubernetes";

/// The registry holding a version's bundle (strict or relaxed), built once per run.
fn registry(
    version: KubeVersion,
    strict: bool,
) -> Option<&'static (jsonschema::Registry<'static>, &'static Value)> {
    type Registries = Mutex<
        HashMap<(KubeVersion, bool), &'static (jsonschema::Registry<'static>, &'static Value)>,
    >;
    static REGISTRIES: OnceLock<Registries> = OnceLock::new();
    let registries = REGISTRIES.get_or_init(|| Mutex::new(HashMap::new()));
    let mut guard = match registries.lock() {
        Ok(g) => g,
        Err(poisoned) => poisoned.into_inner(),
    };
    if let Some(found) = guard.get(&(version, strict)) {
        return Some(found);
    }
    let bundle = bundled::bundle(version)?;
    let document: &'static Value = if strict {
        &bundle.document
    } else {
        let mut relaxed = bundle.document.clone();
        relax(&mut relaxed);
        Box::leak(Box::new(relaxed))
    };
    let uri = format!(
        "{BUNDLE_URI}/v{version}/{}.json",
        if strict { "strict" } else { "relaxed" }
    );
    let registry = jsonschema::Registry::new()
        .draft(Draft::Draft202012)
        .add(uri, document)
        .ok()?
        .prepare()
        .ok()?;
    let entry: &'static (jsonschema::Registry<'static>, &'static Value) =
        Box::leak(Box::new((registry, document)));
    guard.insert((version, strict), entry);
    Some(entry)
}

/// Drops `additionalProperties: false` everywhere: kubeconform's non-strict schemas.
fn relax(value: &mut Value) {
    let mut stack = vec![value];
    while let Some(v) = stack.pop() {
        match v {
            Value::Object(map) => {
                if map.get("additionalProperties") == Some(&Value::Bool(false)) {
                    map.remove("additionalProperties");
                }
                stack.extend(map.values_mut());
            }
            Value::Array(items) => stack.extend(items.iter_mut()),
            _ => {}
        }
    }
}

fn compile_bundled(
    version: KubeVersion,
    definition: &str,
    strict: bool,
) -> Result<Compiled, String> {
    let (registry, document) = registry(version, strict).ok_or("bundled schemas unavailable")?;
    let uri = format!(
        "{BUNDLE_URI}/v{version}/{}.json#/$defs/{definition}",
        if strict { "strict" } else { "relaxed" }
    );
    let validator = compile(
        &json!({"$ref": uri}),
        Some(Draft::Draft202012),
        Some(registry),
    )?;
    Ok(Compiled {
        validator,
        root: json!({"$ref": format!("#/$defs/{definition}")}),
        bundle: Some(document),
    })
}

fn compile_file(path: &Path) -> Result<Compiled, String> {
    let text = std::fs::read_to_string(path).map_err(|e| e.to_string())?;
    let mut root: Value = serde_json::from_str(&text).map_err(|e| format!("not JSON: {e}"))?;
    formats::use_go_patterns(&mut root);
    // openapi2jsonschema output (kubeconform catalogs) is draft 4 unless it says otherwise.
    let draft = root.get("$schema").is_none().then_some(Draft::Draft4);
    let validator = compile(&root, draft, None)?;
    Ok(Compiled {
        validator,
        root,
        bundle: None,
    })
}
