//! The API-server stage: the hand-written validation `kube-apiserver` runs on create, after its
//! defaulting, reproduced offline so that what `kubectl apply --dry-run=server` would reject is
//! caught without a cluster.
//!
//! Each family (metadata, pod spec, workloads, Service, …) lives in its own module and reports
//! `Cause`s: the API server's field path (`spec.template.spec.containers[0].name`), its cause
//! type and detail, exactly as the server writes them. This module applies the defaults
//! (`defaults`), runs the families for each target Kubernetes version, and turns causes into
//! findings located through `Object::location`. It knows nothing about schemas, policies or
//! output; only create-time rules are run (update-only rules need the live object).

mod cel;
mod config;
mod crd;
mod cron;
mod defaults;
mod messages;
mod metadata;
mod networking;
mod pod;
mod policy;
pub mod quantity;
mod rbac;
mod service;
mod storage;
mod workloads;

use rayon::prelude::*;
use serde_json::Value;

use crate::finding::{Finding, ObjectRef, Severity};
use crate::manifest::{FieldPath, Object};
use crate::parse::ParsedFile;
use crate::rules::{self, Rule};
use crate::schema::KubeVersion;
use crate::settings::Settings;

/// A field path in two spellings: the API server's text (`data[config.yaml]`,
/// `metadata.labels`) and the place in the document it points to.
#[derive(Clone, Debug, Default)]
pub struct Path {
    text: String,
    at: FieldPath,
}

impl Path {
    pub fn root() -> Path {
        Path::default()
    }

    /// `field.NewPath("a", "b")`.
    pub fn new(fields: &[&str]) -> Path {
        fields.iter().fold(Path::root(), |p, f| p.child(f))
    }

    /// A struct field: `.name`.
    #[must_use]
    pub fn child(&self, name: &str) -> Path {
        let text = if self.text.is_empty() {
            name.to_string()
        } else {
            format!("{}.{name}", self.text)
        };
        Path {
            text,
            at: self.at.clone().key(name),
        }
    }

    /// A list item: `[3]`.
    #[must_use]
    pub fn index(&self, i: usize) -> Path {
        Path {
            text: format!("{}[{i}]", self.text),
            at: self.at.clone().index(i),
        }
    }

    /// A map key: `[key]`, unquoted.
    #[must_use]
    pub fn key(&self, key: &str) -> Path {
        Path {
            text: format!("{}[{key}]", self.text),
            at: self.at.clone().key(key),
        }
    }

    /// The same text, pointing somewhere more precise (a label key for `metadata.labels`).
    #[must_use]
    pub fn pointing(&self, at: &Path) -> Path {
        Path {
            text: self.text.clone(),
            at: at.at.clone(),
        }
    }

    pub fn text(&self) -> &str {
        &self.text
    }
}

/// One rejection (or warning), as the API server reports it.
#[derive(Clone, Debug)]
pub struct Cause {
    pub rule: &'static Rule,
    pub severity: Severity,
    pub field: Path,
    /// `field.Error.ErrorBody()`: `Required value`, `Invalid value: "x": detail`, …
    pub body: String,
}

impl Cause {
    pub fn message(&self) -> String {
        format!("{}: {}", self.field.text, self.body)
    }
}

/// What checks see: the target version and where causes go.
pub struct Ctx {
    pub version: KubeVersion,
    rule: &'static Rule,
    causes: Vec<Cause>,
}

impl Ctx {
    pub fn new(version: KubeVersion) -> Ctx {
        Ctx {
            version,
            rule: &rules::invalid_metadata::RULE,
            causes: Vec::new(),
        }
    }

    /// Later causes belong to `rule`.
    pub fn family(&mut self, rule: &'static Rule) {
        self.rule = rule;
    }

    pub fn causes(self) -> Vec<Cause> {
        self.causes
    }

    fn push(&mut self, field: &Path, body: String) {
        self.causes.push(Cause {
            rule: self.rule,
            severity: self.rule.default_severity,
            field: field.clone(),
            body,
        });
    }

    /// `field.Invalid(path, value, detail)`.
    pub fn invalid(&mut self, field: &Path, value: &Value, detail: &str) {
        let value = messages::render(value, self.version);
        self.invalid_rendered(field, &value, detail);
    }

    pub fn invalid_str(&mut self, field: &Path, value: &str, detail: &str) {
        self.invalid_rendered(field, &messages::go_quote(value), detail);
    }

    pub fn invalid_int(&mut self, field: &Path, value: i64, detail: &str) {
        self.invalid_rendered(field, &value.to_string(), detail);
    }

    /// A bad value already printed as the server prints it.
    pub fn invalid_rendered(&mut self, field: &Path, value: &str, detail: &str) {
        let body = if detail.is_empty() {
            format!("Invalid value: {value}")
        } else {
            format!("Invalid value: {value}: {detail}")
        };
        self.push(field, body);
    }

    /// `field.Invalid(path, field.OmitValueType{}, detail)`.
    pub fn invalid_omitted(&mut self, field: &Path, detail: &str) {
        self.push(field, format!("Invalid value: {detail}"));
    }

    /// One cause per message of an `is_*` check.
    pub fn invalid_each(&mut self, field: &Path, value: &str, messages: Vec<String>) {
        for message in messages {
            self.invalid_str(field, value, &message);
        }
    }

    pub fn required(&mut self, field: &Path, detail: &str) {
        let body = if detail.is_empty() {
            "Required value".to_string()
        } else {
            format!("Required value: {detail}")
        };
        self.push(field, body);
    }

    pub fn forbidden(&mut self, field: &Path, detail: &str) {
        self.push(field, format!("Forbidden: {detail}"));
    }

    pub fn duplicate(&mut self, field: &Path, value: &Value) {
        let value = messages::render(value, self.version);
        self.push(field, format!("Duplicate value: {value}"));
    }

    pub fn duplicate_rendered(&mut self, field: &Path, value: &str) {
        self.push(field, format!("Duplicate value: {value}"));
    }

    pub fn not_found(&mut self, field: &Path, value: &str) {
        self.push(field, format!("Not found: {}", messages::go_quote(value)));
    }

    pub fn unsupported(&mut self, field: &Path, value: &Value, supported: &[&str]) {
        let value = messages::render(value, self.version);
        let list: Vec<String> = supported.iter().map(|s| messages::go_quote(s)).collect();
        self.push(
            field,
            format!(
                "Unsupported value: {value}: supported values: {}",
                list.join(", ")
            ),
        );
    }

    pub fn too_long(&mut self, field: &Path, max: usize) {
        let detail = messages::too_long(max, self.version);
        self.push(field, format!("Too long: {detail}"));
    }

    /// A warning the API server returns with a successful answer (`Warning: 299 - "…"`).
    pub fn warn(&mut self, field: &Path, text: &str) {
        self.causes.push(Cause {
            rule: &rules::apiserver_warning::RULE,
            severity: rules::apiserver_warning::RULE.default_severity,
            field: field.clone(),
            body: text.to_string(),
        });
    }

    /// A note that something was not checked (CEL the tool cannot evaluate).
    pub fn note(&mut self, rule: &'static Rule, field: &Path, text: &str) {
        self.causes.push(Cause {
            rule,
            severity: rule.default_severity,
            field: field.clone(),
            body: text.to_string(),
        });
    }
}

/// Value access that tolerates the wrong types (the schema stage reports those).
pub mod get {
    use serde_json::{Map, Value};

    pub fn str<'v>(value: &'v Value, key: &str) -> Option<&'v str> {
        value.get(key).and_then(Value::as_str)
    }

    /// A string field, empty when absent (Go's zero value).
    pub fn string<'v>(value: &'v Value, key: &str) -> &'v str {
        str(value, key).unwrap_or("")
    }

    pub fn int(value: &Value, key: &str) -> Option<i64> {
        value.get(key).and_then(Value::as_i64)
    }

    pub fn bool(value: &Value, key: &str) -> Option<bool> {
        value.get(key).and_then(Value::as_bool)
    }

    pub fn list<'v>(value: &'v Value, key: &str) -> &'v [Value] {
        value
            .get(key)
            .and_then(Value::as_array)
            .map_or(&[], Vec::as_slice)
    }

    pub fn map<'v>(value: &'v Value, key: &str) -> Option<&'v Map<String, Value>> {
        value.get(key).and_then(Value::as_object)
    }

    /// Whether a field is set to something other than null.
    pub fn has(value: &Value, key: &str) -> bool {
        value.get(key).is_some_and(|v| !v.is_null())
    }
}

/// Runs the API-server rules over the checked objects, for every target version.
pub fn check(files: &[ParsedFile], settings: &Settings) -> Vec<Finding> {
    let objects: Vec<&Object> = crate::check::objects(files)
        .filter(|o| rules::not_kubernetes_object::is_kubernetes_object(o))
        .filter(|o| !crate::policy::is_policy_object(&o.value))
        .collect();
    let extra = if settings.schema.crd_paths.is_empty() {
        Vec::new()
    } else {
        crate::schema::load_crd_paths(&settings.schema.crd_paths, settings)
    };
    let mut rules_of = cel::CrdRules::collect(objects.iter().copied());
    rules_of.register(extra.iter().flat_map(|f| f.objects.iter()));
    let versions = &settings.schema.versions;
    objects
        .par_iter()
        .flat_map_iter(|object| {
            let mut per_version: Vec<(KubeVersion, Finding)> = Vec::new();
            let copy = defaulted(object);
            let value = copy.as_ref().unwrap_or(&object.value);
            for version in versions {
                for cause in validate(object, value, *version, &rules_of) {
                    per_version.push((*version, to_finding(object, &cause)));
                }
            }
            merge_versions(per_version, versions)
        })
        .collect()
}

/// Defaults apply to a copy; kinds without defaults (CRDs, custom resources) are not copied.
fn defaulted(object: &Object) -> Option<Value> {
    let (api_version, kind) = (object.api_version()?, object.kind()?);
    defaults::applies_to(api_version, kind).then(|| {
        let mut copy = object.value.clone();
        defaults::apply(api_version, kind, &mut copy);
        copy
    })
}

/// The causes the API server would return for one object (`value`: the object after defaulting).
pub fn validate(
    object: &Object,
    value: &Value,
    version: KubeVersion,
    crds: &cel::CrdRules<'_>,
) -> Vec<Cause> {
    let (Some(api_version), Some(kind)) = (object.api_version(), object.kind()) else {
        return Vec::new();
    };
    let mut ctx = Ctx::new(version);
    let group = object.group();
    metadata::check(&mut ctx, group, kind, value);
    match (api_version, kind) {
        ("v1", "Pod") => {
            ctx.family(&rules::invalid_pod_spec::RULE);
            pod::check_pod_spec(&mut ctx, &value["spec"], &Path::new(&["spec"]), false);
        }
        ("v1", "PodTemplate") => {
            ctx.family(&rules::invalid_pod_spec::RULE);
            pod::check_template(&mut ctx, &value["template"], &Path::new(&["template"]));
        }
        ("apps/v1", "Deployment" | "ReplicaSet" | "StatefulSet" | "DaemonSet")
        | ("batch/v1", "Job" | "CronJob")
        | ("v1", "ReplicationController") => workloads::check(&mut ctx, kind, value),
        ("v1", "Service") => service::check(&mut ctx, value),
        ("v1", "ConfigMap") => config::check_config_map(&mut ctx, value),
        ("v1", "Secret") => config::check_secret(&mut ctx, value),
        ("networking.k8s.io/v1", "Ingress") => networking::check_ingress(&mut ctx, value),
        ("networking.k8s.io/v1", "NetworkPolicy") => {
            networking::check_network_policy(&mut ctx, value);
        }
        ("autoscaling/v2", "HorizontalPodAutoscaler") => policy::check_hpa(&mut ctx, value),
        ("policy/v1", "PodDisruptionBudget") => policy::check_pdb(&mut ctx, value),
        (
            "rbac.authorization.k8s.io/v1",
            "Role" | "ClusterRole" | "RoleBinding" | "ClusterRoleBinding",
        ) => rbac::check(&mut ctx, kind, value),
        ("v1", "PersistentVolumeClaim") => storage::check_pvc(&mut ctx, value),
        ("apiextensions.k8s.io/v1", "CustomResourceDefinition") => crd::check(&mut ctx, value),
        _ => {
            let version_name = api_version.rsplit('/').next().unwrap_or(api_version);
            crds.check(&mut ctx, group, version_name, kind, value);
        }
    }
    ctx.causes()
}

fn to_finding(object: &Object, cause: &Cause) -> Finding {
    let mut finding = Finding::new(
        cause.rule.id,
        cause.severity,
        cause.message(),
        object.location(&cause.field.at),
    )
    .with_object(object.reference)
    .with_field(cause.field.text.clone());
    if let Some(help) = help(cause.rule) {
        finding = finding.with_help(help);
    }
    finding
}

fn help(rule: &Rule) -> Option<&'static str> {
    Some(match rule.id {
        "apiserver-warning" => {
            "the API server accepts the object but warns; fix it before it becomes an error"
        }
        "cel-rule-not-evaluated" => {
            "gitops-lint cannot evaluate this rule offline; the API server will"
        }
        _ => "the API server refuses the object with this message (`kubectl apply` fails)",
    })
}

/// Collapses findings that hold for every target version; the others say which versions.
fn merge_versions(findings: Vec<(KubeVersion, Finding)>, targets: &[KubeVersion]) -> Vec<Finding> {
    let mut groups: Vec<(Finding, Vec<KubeVersion>)> = Vec::new();
    for (version, finding) in findings {
        match groups.iter_mut().find(|(f, _)| {
            f.rule == finding.rule
                && f.message == finding.message
                && f.location.span == finding.location.span
        }) {
            Some((_, versions)) => versions.push(version),
            None => groups.push((finding, vec![version])),
        }
    }
    groups
        .into_iter()
        .map(|(mut finding, mut versions)| {
            versions.dedup();
            if versions.len() < targets.len() {
                let list: Vec<String> = versions.iter().map(ToString::to_string).collect();
                finding.message =
                    format!("{} (Kubernetes {} only)", finding.message, list.join(", "));
            }
            finding
        })
        .collect()
}

/// The schema stage already reports a value of the wrong type or outside its enum at the same
/// place; the API-server cause for it would say the same thing twice.
pub fn absorb_schema_repeats(findings: &mut Vec<Finding>) {
    let schema_rules = [
        rules::invalid_field_type::RULE.id,
        rules::invalid_field_value::RULE.id,
        rules::missing_required_field::RULE.id,
        rules::duplicate_list_entry::RULE.id,
    ];
    type Place = (
        String,
        crate::source::Span,
        Option<ObjectRef>,
        Option<String>,
    );
    let places: Vec<Place> = findings
        .iter()
        .filter(|f| schema_rules.contains(&f.rule.as_ref()))
        .map(|f| {
            (
                f.location.file.name.clone(),
                f.location.span,
                f.object,
                f.field.clone(),
            )
        })
        .collect();
    if places.is_empty() {
        return;
    }
    // Same place, or inside a list item the schema stage already reports (a duplicate entry).
    let covered = |f: &Finding| {
        places.iter().any(|(file, span, object, field)| {
            *file == f.location.file.name
                && ((span.start <= f.location.span.start
                    && f.location.span.start < span.end.max(span.start + 1))
                    || (f.object.is_some()
                        && *object == f.object
                        && field.as_deref().is_some_and(|schema_field| {
                            schema_field.ends_with(']')
                                && f.field.as_deref().is_some_and(|own| {
                                    own.starts_with(schema_field)
                                        && own[schema_field.len()..].starts_with('.')
                                })
                        })))
        })
    };
    findings.retain(|f| {
        rules::find(&f.rule).is_none_or(|r| r.family != rules::Family::ApiServer) || !covered(f)
    });
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::manifest::yaml;
    use crate::source::SourceFile;

    const V137: KubeVersion = KubeVersion {
        major: 1,
        minor: 37,
    };

    fn messages(text: &str) -> Vec<String> {
        let source = Arc::new(SourceFile::new("test.yaml".into(), text.to_string()));
        let stream = yaml::parse(text, &yaml::Limits::default());
        let mut out = Vec::new();
        for (i, document) in stream.documents.into_iter().enumerate() {
            for object in Object::from_document(&source, i, document) {
                let copy = defaulted(&object);
                let value = copy.as_ref().unwrap_or(&object.value);
                let crds = cel::CrdRules::default();
                out.extend(
                    validate(&object, value, V137, &crds)
                        .iter()
                        .map(Cause::message),
                );
            }
        }
        out
    }

    #[test]
    fn a_job_without_restart_policy_is_refused_after_defaulting() {
        let found = messages(
            "apiVersion: batch/v1\nkind: Job\nmetadata: {name: j}\nspec:\n  template:\n    spec:\n      containers: [{name: c, image: i}]\n",
        );
        assert_eq!(
            found,
            [
                "spec.template.spec.restartPolicy: Required value: valid values: \"OnFailure\", \"Never\""
            ]
        );
    }

    #[test]
    fn defaults_prevent_false_errors() {
        // No protocol, no targetPort, no strategy, no volume source: all defaulted, all valid.
        let found = messages(
            "apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec:\n  ports: [{port: 80}]\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  selector: {matchLabels: {a: b}}\n  template:\n    metadata: {labels: {a: b}}\n    spec:\n      volumes: [{name: tmp}]\n      containers: [{name: c, image: i, ports: [{containerPort: 80}, {containerPort: 80, protocol: UDP}], volumeMounts: [{name: tmp, mountPath: /tmp}]}]\n",
        );
        assert!(found.is_empty(), "{found:?}");
    }

    #[test]
    fn paths_are_spelled_as_the_api_server_spells_them() {
        let path = Path::new(&["spec", "containers"])
            .index(0)
            .child("resources")
            .child("limits")
            .key("memory");
        assert_eq!(path.text(), "spec.containers[0].resources.limits[memory]");
        assert_eq!(
            Path::new(&["data"]).key("config/app.yaml").text(),
            "data[config/app.yaml]"
        );
    }
}
